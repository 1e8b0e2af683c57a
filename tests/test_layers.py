"""Module API, layers, init and the errors a user will meet, each against torch's behaviour."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import scratchnet as sn
import scratchnet.nn as nn
import scratchnet.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
        self.heads = nn.ModuleList([nn.Linear(4, 2), nn.Linear(2, 1)])
        self.register_buffer("scale", sn.ones(1))

    def forward(self, x):
        x = self.features(x).mean(dim=(2, 3))
        for head in self.heads:
            x = head(x)
        return x * self.scale


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU())
        self.heads = torch.nn.ModuleList([torch.nn.Linear(4, 2), torch.nn.Linear(2, 1)])
        self.register_buffer("scale", torch.ones(1))


def test_names_match_torch_and_become_state_dict_keys():
    ours, theirs = Net(), TorchNet()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert len(list(ours.children())) == len(list(theirs.children())) == 2
    assert len(list(ours.modules())) == len(list(theirs.modules()))
    assert repr(ours.features) == repr(theirs.features)


def test_train_eval_recurse_and_return_self():
    net = Net()
    assert net.eval() is net
    assert all(not m.training for m in net.modules())
    assert net.train() is net and all(m.training for m in net.modules())


def test_zero_grad_sets_none_or_zeros():
    net = Net()
    net(sn.randn(2, 1, 5, 5)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(float(abs(p.grad).sum().item()) == 0.0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_load_state_dict_reports_missing_unexpected_and_size_mismatch_and_copies_nothing():
    net = nn.Sequential(nn.Linear(3, 2))
    before = net[0].weight.detach().numpy().copy()
    bad = {"0.weight": sn.zeros(2, 4), "0.extra": sn.zeros(1)}
    with pytest.raises(RuntimeError) as err:
        net.load_state_dict(bad)
    message = str(err.value)
    assert 'Unexpected key(s) in state_dict: "0.extra"' in message
    assert 'Missing key(s) in state_dict: "0.bias"' in message
    assert "size mismatch for 0.weight: copying a param with shape [2, 4] from checkpoint, the shape in current model is [2, 3]" in message
    assert np.array_equal(net[0].weight.detach().numpy(), before)
    result = net.load_state_dict({"0.weight": sn.ones(2, 3)}, strict=False)
    assert result.missing_keys == ["0.bias"] and net[0].weight.tolist() == [[1.0] * 3] * 2


def test_assigning_a_tensor_to_a_parameter_slot_is_refused():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        layer.weight = sn.ones(2, 2)


def test_forward_hook_sees_every_call_and_can_be_removed():
    layer, seen = nn.Linear(2, 2), []
    handle = layer.register_forward_hook(lambda m, inputs, out: seen.append(out.shape))
    layer(sn.ones(3, 2))
    handle.remove()
    layer(sn.ones(1, 2))
    assert seen == [(3, 2)]


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_running_stats_follow_torch_over_several_batches(momentum):
    ours, theirs = nn.BatchNorm2d(3, momentum=momentum).double(), torch.nn.BatchNorm2d(3, momentum=momentum).double()
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = rng.standard_normal((4, 3, 2, 2)) * 3 + 1
        ours(sn.tensor(x))
        theirs(torch.tensor(x))
    for key, value in theirs.state_dict().items():
        assert np.allclose(ours.state_dict()[key].numpy(), value.numpy(), rtol=1e-12), key
    x = rng.standard_normal((2, 3, 2, 2))
    assert np.allclose(ours.eval()(sn.tensor(x)).detach().numpy(), theirs.eval()(torch.tensor(x)).detach().numpy(), rtol=1e-12)


def test_batchnorm_errors():
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(sn.ones(1, 3))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 2D input\)"):
        nn.BatchNorm2d(3)(sn.ones(2, 3))
    # another channel count: torch's module does not check it, F.batch_norm's shape check does
    for kwargs in ({}, {"track_running_stats": False}):
        with pytest.raises(RuntimeError) as theirs:
            torch.nn.BatchNorm1d(3, **kwargs)(torch.ones(2, 4))
        with pytest.raises(RuntimeError, match=str(theirs.value)):
            nn.BatchNorm1d(3, **kwargs)(sn.ones(2, 4))


# --- init: distributions, not values ---------------------------------------------------------------


@given(st.integers(20, 60), st.integers(20, 60), st.sampled_from(["xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]))
def test_init_distributions(fan_out, fan_in, name):
    w = sn.empty(fan_out, fan_in, 3, 3)
    getattr(nn.init, name)(w)
    values = w.numpy().ravel()
    fi, fo = fan_in * 9, fan_out * 9
    std = math.sqrt(2.0 / (fi + fo)) if name.startswith("xavier") else math.sqrt(2.0) / math.sqrt(fi)
    n = values.size
    assert abs(values.mean()) < 5 * std / math.sqrt(n)  # 5 standard errors: never flakes
    assert abs(values.std() / std - 1) < 5 * math.sqrt(2 / n) + 0.01
    if name.endswith("uniform_"):
        assert np.abs(values).max() <= math.sqrt(3) * std * (1 + 1e-6)


def test_default_layer_init_matches_torchs_bounds():
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias. The layers are wide enough (>= 64
    biases) that the largest draw falls below 0.8 of the bound with probability < 1e-6."""
    for ours, theirs in ((nn.Linear(50, 64), torch.nn.Linear(50, 64)), (nn.Conv2d(6, 96, 5), torch.nn.Conv2d(6, 96, 5))):
        for name in ("weight", "bias"):
            fan_in = ours.weight[0].numel()
            bound = 1 / math.sqrt(fan_in)
            a = getattr(ours, name).detach().numpy()
            assert np.abs(a).max() <= bound and np.abs(getattr(theirs, name).detach().numpy()).max() <= bound
            assert np.abs(a).max() > 0.8 * bound  # uniform on the full range, not a narrower one


def test_calculate_gain_matches_torch():
    for args in (("relu",), ("tanh",), ("sigmoid",), ("leaky_relu", 0.2), ("conv2d",), ("selu",)):
        assert nn.init.calculate_gain(*args) == pytest.approx(torch.nn.init.calculate_gain(*args))


# --- invalid geometries: a clear error where torch gives one ----------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda L: L.nn.functional.conv2d(L.ones(1, 3, 2, 2), L.ones(4, 3, 3, 3)),  # kernel larger than input
        lambda L: L.nn.functional.conv2d(L.ones(1, 4, 5, 5), L.ones(4, 3, 3, 3)),  # wrong channels
        lambda L: L.nn.functional.conv2d(L.ones(1, 4, 5, 5), L.ones(3, 2, 3, 3), groups=2),  # out % groups
        lambda L: L.nn.functional.conv2d(L.ones(1, 1, 5, 5), L.ones(1, 1, 3, 3), stride=0),
        lambda L: L.nn.functional.conv2d(L.ones(1, 1, 5, 5), L.ones(1, 1, 3, 3), padding="same", stride=2),
        lambda L: L.nn.functional.max_pool2d(L.ones(1, 1, 4, 4), 2, padding=2),  # pad > kernel / 2
        lambda L: L.nn.functional.max_pool2d(L.ones(1, 1, 1, 1), 3),  # output too small
        lambda L: L.nn.functional.avg_pool2d(L.ones(1, 1, 4, 4), 3, padding=2),
    ],
)
def test_invalid_geometry_raises_in_both_engines(call):
    with pytest.raises(RuntimeError):
        call(torch)
    with pytest.raises(RuntimeError) as err:
        call(sn)
    assert len(str(err.value)) > 30  # a message that says what was expected


def test_conv_channel_error_names_both_counts():
    with pytest.raises(RuntimeError, match=r"expected input\[1, 4, 5, 5\] to have 3 channels, but got 4 channels instead"):
        F.conv2d(sn.ones(1, 4, 5, 5), sn.ones(4, 3, 3, 3))
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        nn.Linear(3, 2)(sn.ones(4, 5))


def test_max_pool_window_over_padding_alone_is_refused():
    """torch returns -inf there and its backward then corrupts memory; scratchnet says why instead."""
    with pytest.raises(RuntimeError, match="covers only padding"):
        F.max_pool2d(sn.ones(1, 1, 1, 3), (2, 1), 1, (1, 0), (2, 1))


def test_dropout_semantics_match_torch():
    """Same definition in both engines: mask ~ Bernoulli(1 - p), kept values scaled by 1/(1-p),
    gradient = mask / (1 - p); identity in eval; p outside [0, 1] refused."""
    x = np.random.default_rng(0).standard_normal((200, 50)) + 5.0  # never zero, so the mask is readable
    for lib, tensor in ((sn, sn.tensor), (torch, torch.tensor)):
        t = tensor(x, requires_grad=True)
        y = lib.nn.functional.dropout(t, p=0.3, training=True)
        y.sum().backward()
        out = y.detach().numpy()
        keep = out != 0
        assert abs(keep.mean() - 0.7) < 0.02
        assert np.allclose(out[keep], x[keep] / 0.7)
        assert np.allclose(t.grad.numpy(), keep / 0.7)
        assert np.array_equal(lib.nn.functional.dropout(tensor(x), 0.3, training=False).numpy(), x)
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
            lib.nn.functional.dropout(tensor(x), 1.5)
