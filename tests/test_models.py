"""Every seed network, in both engines with the same weights and input: outputs, every parameter
gradient, and batch-norm running statistics agree with torch; state_dicts cross both ways."""

import numpy as np
import pytest
import torch

import reference.models
import scratchnet
import scratchnet.models
from reference.exchange import copy_to_scratchnet, copy_to_torch

from .parity import assert_close

NAMES = list(scratchnet.models.MODELS)


def twins(name, dtype="float64"):
    scratchnet.manual_seed(0)
    cls, sample = scratchnet.models.MODELS[name]
    ours = cls().to(dtype)
    theirs = reference.models.MODELS[name]().to(getattr(torch, dtype))
    copy_to_torch(ours, theirs)
    return ours, theirs, sample


def run_both(name, train, dtype="float64", batch=4):
    ours, theirs, sample = twins(name, dtype)
    ours.train(train)
    theirs.train(train)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((batch, *sample)).astype(dtype)
    scratchnet.manual_seed(5)  # the same seed gives the same dropout masks in both engines
    y = ours(scratchnet.tensor(x))
    torch.manual_seed(5)
    t = theirs(torch.tensor(x))
    v = rng.standard_normal(tuple(t.shape)).astype(dtype)
    (y * scratchnet.tensor(v)).sum().backward()
    (t * torch.tensor(v)).sum().backward()
    return ours, theirs, y, t


@pytest.mark.parametrize("train", [False, True], ids=["eval", "train"])
@pytest.mark.parametrize("name", NAMES)
def test_seed_network_matches_torch(name, train):
    ours, theirs, y, t = run_both(name, train)
    assert_close(y, t, rtol=1e-9, atol=1e-10, what=f"{name} output")
    ours_grads = dict(ours.named_parameters())
    for key, p in theirs.named_parameters():
        assert_close(ours_grads[key].grad, p.grad, rtol=1e-8, atol=1e-10, what=f"{name} gradient of {key}")
    ours_state = ours.state_dict()
    for key, b in theirs.state_dict().items():  # running_mean, running_var, num_batches_tracked
        assert_close(ours_state[key], b, rtol=1e-9, atol=1e-12, what=f"{name} state {key}")


@pytest.mark.parametrize("name", ["cnn", "bn-mlp", "lenet"])
def test_seed_network_matches_torch_in_float32(name):
    _, _, y, t = run_both(name, train=True, dtype="float32")
    assert_close(y, t, rtol=1e-4, atol=1e-4, what=f"{name} output (float32)")


@pytest.mark.parametrize("name", NAMES)
def test_state_dicts_cross_both_ways(name):
    ours, theirs, _ = twins(name)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (k, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert tuple(a.shape) == tuple(b.shape), k
    fresh_torch = reference.models.MODELS[name]().double()
    back = scratchnet.models.MODELS[name][0]().double()
    copy_to_scratchnet(copy_to_torch(ours, fresh_torch), back)
    for k, v in ours.state_dict().items():
        assert np.array_equal(v.numpy(), back.state_dict()[k].numpy()), k


def test_seed_shape_walkthroughs():
    nn, F = scratchnet.nn, scratchnet.nn.functional
    assert nn.Linear(20, 30)(scratchnet.randn(128, 20)).shape == (128, 30)
    conv = nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))
    assert conv(scratchnet.randn(20, 16, 50, 100)).shape == (20, 33, 26, 100)
    conv = nn.Conv2d(1, 20, 5, 1)
    assert conv.weight.shape == (20, 1, 5, 5)
    out = conv(scratchnet.randn(1, 1, 28, 28))
    assert out.shape == (1, 20, 24, 24)
    assert F.max_pool2d(out, 2, 2).shape == (1, 20, 12, 12)
    assert scratchnet.models.CNN5()(scratchnet.zeros(3, 1, 28, 28)).shape == (3, 10)
    assert scratchnet.models.LeNet()(scratchnet.zeros(1, 1, 32, 32)).shape == (1, 10)


def test_lenet_seed_walkthrough_bias_grad_before_and_after():
    """Seed 004: after zero_grad the conv1 bias grad is None; after backward it matches torch."""
    ours, theirs, sample = twins("lenet")
    ours.zero_grad()
    theirs.zero_grad()
    assert ours.conv1.bias.grad is None and theirs.conv1.bias.grad is None
    x = np.random.default_rng(2).standard_normal((1, *sample))
    v = np.random.default_rng(3).standard_normal((1, 10))
    ours(scratchnet.tensor(x)).backward(scratchnet.tensor(v))
    theirs(torch.tensor(x)).backward(torch.tensor(v))
    assert_close(ours.conv1.bias.grad, theirs.conv1.bias.grad, rtol=1e-9, atol=1e-12)
