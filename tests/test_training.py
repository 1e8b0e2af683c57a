"""Whole training runs, step for step against torch: same initial weights, same batches, the
same loop code (the APIs match, so one function drives both engines)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import reference.models
import scratchnet as sn
import scratchnet.models
from reference.exchange import copy_to_torch

from .parity import assert_close


def train(lib, model, loss_fn, optimizer, batches):
    """The training loop of the seeds, written once: zero_grad, forward, loss, backward, step."""
    losses = []
    for x, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def batches_for(name, steps, batch, dtype, rng):
    _, sample = scratchnet.models.MODELS[name]
    out = []
    for _ in range(steps):
        x = rng.standard_normal((batch, *sample)).astype(dtype)
        if name in ("xor", "deep-xor"):
            x = rng.integers(0, 2, (batch, 2)).astype(dtype)
            y = np.logical_xor(x[:, 0], x[:, 1]).astype(dtype)[:, None]
        elif name == "lenet":
            y = rng.standard_normal((batch, 10)).astype(dtype)
        else:
            y = rng.integers(0, 10, batch)
        out.append((x, y))
    return out


SETUPS = {  # the seeds' pairings of network, loss and optimizer
    "xor": ("BCELoss", "SGD", {"lr": 1.0}),
    "deep-xor": ("BCELoss", "SGD", {"lr": 1.0}),
    "mlp": ("CrossEntropyLoss", "SGD", {"lr": 0.1, "momentum": 0.9}),
    "cnn": ("CrossEntropyLoss", "Adam", {"lr": 1e-3}),
    "cnn5": ("CrossEntropyLoss", "Adam", {"lr": 2e-4}),
    "lenet": ("MSELoss", "SGD", {"lr": 0.01}),
    "bn-mlp": ("CrossEntropyLoss", "Adam", {"lr": 1e-2}),
    "dropout-mlp": ("CrossEntropyLoss", "Adam", {"lr": 1e-3}),
}


def run_twins(name, dtype, steps=10, batch=8):
    """Both engines build the network after the same seed (torch's initial weights, no exchange)
    and train it; the dropout MLP trains in training mode, its masks drawn identically."""
    cls, _ = scratchnet.models.MODELS[name]
    sn.manual_seed(0)
    ours = cls().to(dtype)
    torch.manual_seed(0)
    theirs = reference.models.MODELS[name]().to(getattr(torch, dtype))
    loss_name, opt_name, hyper = SETUPS[name]
    data = batches_for(name, steps, batch, dtype, np.random.default_rng(1))
    results = []
    for lib, model in ((sn, ours), (torch, theirs)):
        batches = [(lib.tensor(x), lib.tensor(y)) for x, y in data]
        optimizer = getattr(lib.optim, opt_name)(model.parameters(), **hyper)
        lib.manual_seed(1)  # dropout masks: the same stream in both engines
        results.append(train(lib, model, getattr(lib.nn, loss_name)(), optimizer, batches))
    return ours, theirs, results


@pytest.mark.parametrize("name", list(SETUPS))
def test_seed_network_trains_step_for_step_like_torch_float64(name):
    ours, theirs, (loss_ours, loss_theirs) = run_twins(name, "float64")
    assert np.allclose(loss_ours, loss_theirs, rtol=1e-10, atol=1e-12), (loss_ours, loss_theirs)
    own = dict(ours.named_parameters())
    # A bias right before batch norm has no true gradient: both engines feed Adam rounding noise
    # (~1e-17), which it scales to steps of up to lr * noise / eps ~ 1e-11 each.
    atol = 1e-9 if name == "bn-mlp" else 1e-10
    for key, p in theirs.named_parameters():
        assert_close(own[key], p, rtol=1e-8, atol=atol, what=f"{name} {key} after 10 steps")


@pytest.mark.parametrize("name", ["cnn", "mlp", "bn-mlp"])
def test_seed_network_trains_like_torch_float32(name):
    """float32: the engines round differently; after 10 steps losses agree to 1e-4 relative."""
    _, _, (loss_ours, loss_theirs) = run_twins(name, "float32")
    assert np.allclose(loss_ours, loss_theirs, rtol=1e-4, atol=1e-5), (loss_ours, loss_theirs)


def xor_data(lib):
    x = lib.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return x, lib.tensor([[0.0], [1.0], [1.0], [0.0]])


@pytest.fixture(scope="module")
def xor_runs():
    """Seed 002's XOR runs, 10001 steps of SGD(lr=1) on BCE, from the weights torch.manual_seed(777)
    gives (copied in through the weight exchange), in scratchnet and in torch."""
    from reference.exchange import copy_to_scratchnet

    runs = {}
    for name in ("xor", "deep-xor"):
        torch.manual_seed(777)
        twin = reference.models.MODELS[name]()
        model = copy_to_scratchnet(twin, scratchnet.models.MODELS[name][0]())
        losses = {}
        for lib, net in ((sn, model), (torch, twin)):
            x, y = xor_data(lib)
            losses[lib.__name__] = train(lib, net, lib.nn.BCELoss(), lib.optim.SGD(net.parameters(), lr=1.0), [(x, y)] * 10001)
        runs[name] = (model, losses)
    return runs


def test_xor_is_learned(xor_runs):
    model, losses = xor_runs["xor"]
    out = model(xor_data(sn)[0]).detach().numpy().ravel()
    assert (out[[1, 2]] > 0.5).all() and (out[[0, 3]] < 0.5).all(), out
    assert losses["scratchnet"][-1] < 0.002 < 0.6 < losses["scratchnet"][0]
    # float32 in both engines: the same trajectory to within rounding
    assert losses["scratchnet"][-1] == pytest.approx(losses["torch"][-1], rel=1e-2)


def test_deep_xor_reaches_a_lower_loss_than_the_shallow_one(xor_runs):
    shallow, deep = xor_runs["xor"][1]["scratchnet"][-1], xor_runs["deep-xor"][1]["scratchnet"][-1]
    assert deep < shallow / 2, (deep, shallow)
    assert deep == pytest.approx(xor_runs["deep-xor"][1]["torch"][-1], rel=1e-2)


ACTIVATIONS = ["ReLU", "Tanh", "Sigmoid", "LeakyReLU", "GELU"]
LOSSES = ["MSELoss", "CrossEntropyLoss", "L1Loss", "SmoothL1Loss"]
OPTIMIZERS = [("SGD", {"lr": 0.1, "momentum": 0.9}), ("Adam", {"lr": 0.01}), ("AdamW", {"lr": 0.01}), ("RMSprop", {"lr": 0.01}), ("Adagrad", {"lr": 0.1})]


@settings(max_examples=30)
@given(widths=st.lists(st.integers(1, 6), min_size=2, max_size=5), activation=st.sampled_from(ACTIVATIONS), loss=st.sampled_from(LOSSES), optimizer=st.sampled_from(OPTIMIZERS), seed=st.integers(0, 2**31))
def test_random_mlps_train_like_torch(widths, activation, loss, optimizer, seed):
    """Any small MLP, activation, loss and optimizer: three training steps agree with torch."""
    rng = np.random.default_rng(seed)
    classes = widths[-1] if loss == "CrossEntropyLoss" else None

    def build(lib):
        layers = []
        for a, b in zip(widths[:-1], widths[1:]):
            layers += [lib.nn.Linear(a, b, dtype=lib.float64), getattr(lib.nn, activation)()]
        return lib.nn.Sequential(*layers[:-1])

    sn.manual_seed(seed)
    ours = build(sn)
    theirs = build(torch)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = rng.standard_normal((5, widths[0]))
    y = rng.integers(0, classes, 5) if classes else rng.standard_normal((5, widths[-1]))
    results = []
    for lib, model in ((sn, ours), (torch, theirs)):
        opt = getattr(lib.optim, optimizer[0])(model.parameters(), **optimizer[1])
        results.append(train(lib, model, getattr(lib.nn, loss)(), opt, [(lib.tensor(x), lib.tensor(y))] * 3))
    assert np.allclose(results[0], results[1], rtol=1e-9, atol=1e-12), results
