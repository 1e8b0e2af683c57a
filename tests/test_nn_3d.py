"""Twin tests of the 3-D layers and the lazy modules: each built in scratchnet and torch with the
same arguments (the 3-D layers' weights copied across, the lazy modules initialised after the same
seed), reprs, state_dict keys, outputs and gradients equal to torch's; errors of torch's types."""

import copy

import numpy as np
import pytest
import torch

import scratchnet as sn

from .twins import compare_run, twin

RNG = np.random.default_rng(24)


def _x(shape, requires_grad=True):
    x = RNG.standard_normal(shape)
    return sn.tensor(x, requires_grad=requires_grad), torch.tensor(x, requires_grad=requires_grad)


# --- the 3-D layers ----------------------------------------------------------------------------------

LAYERS = [
    ("Conv3d", (2, 4, 3), {"stride": 2, "padding": 1}, (2, 2, 4, 5, 5)),
    ("Conv3d", (4, 2, (2, 1, 3)), {"groups": 2, "dilation": (1, 2, 1), "bias": False}, (1, 4, 3, 5, 4)),
    ("Conv3d", (2, 3, 2), {"padding": "same", "padding_mode": "reflect"}, (1, 2, 3, 3, 4)),
    ("Conv3d", (2, 3, 3), {"padding": 1, "padding_mode": "circular"}, (2, 3, 3, 3)),  # unbatched
    ("Conv3d", (2, 3, 3), {"padding": (1, 0, 1), "padding_mode": "replicate"}, (0, 2, 3, 3, 3)),  # no samples
    ("ConvTranspose3d", (4, 2, 3), {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}, (1, 4, 2, 3, 2)),
    ("ConvTranspose3d", (2, 3, (1, 2, 2)), {"dilation": 2, "bias": False}, (2, 2, 2, 2)),  # unbatched
    ("MaxPool3d", (2,), {"stride": 1, "padding": 1, "dilation": (1, 2, 1), "ceil_mode": True}, (2, 2, 3, 4, 3)),
    ("MaxPool3d", ((3, 2, 2),), {"stride": 2, "return_indices": True}, (2, 5, 4, 5)),
    ("AvgPool3d", (2,), {"stride": (1, 2, 1), "padding": 1, "count_include_pad": False, "ceil_mode": True}, (1, 2, 3, 4, 3)),
    ("AvgPool3d", ((2, 1, 2),), {"divisor_override": 3}, (2, 3, 4, 4)),
    ("AdaptiveAvgPool3d", ((2, None, 3),), {}, (2, 2, 5, 3, 4)),
    ("AdaptiveMaxPool3d", (2,), {"return_indices": True}, (2, 3, 5, 4)),
    ("BatchNorm3d", (3,), {}, (2, 3, 2, 3, 2)),
    ("BatchNorm3d", (3,), {"momentum": None, "affine": False}, (2, 3, 1, 2, 2)),
    ("InstanceNorm3d", (3,), {"affine": True}, (2, 3, 2, 3, 2)),
    ("Upsample", (), {"scale_factor": 2, "mode": "trilinear"}, (1, 2, 2, 3, 2)),
    ("Upsample", (), {"size": (3, 2, 5), "mode": "nearest"}, (1, 2, 2, 3, 2)),
]


@pytest.mark.parametrize("spec", LAYERS, ids=lambda s: f"{s[0]}{s[1]}{s[2]}")
def test_3d_layer_matches_torch(spec):
    name, args, kwargs, shape = spec
    ours, theirs = twin(lambda lib: getattr(lib.nn, name)(*args, **kwargs))
    assert repr(ours) == repr(theirs)
    xs, xt = _x(shape)
    for _ in range(2 if "BatchNorm" in name else 1):  # running statistics, updated twice
        compare_run(ours, theirs, ours(xs), theirs(xt), [xs], [xt])
    for (k, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-12, err_msg=k)
    if "BatchNorm" in name:  # and in eval mode, normalised by them
        ours.eval(), theirs.eval()
        compare_run(ours, theirs, ours(xs), theirs(xt))


def test_conv3d_same_init_as_torch_after_the_same_seed():
    sn.manual_seed(5), torch.manual_seed(5)
    for make in (lambda lib: lib.nn.Conv3d(3, 4, (2, 3, 1), groups=1), lambda lib: lib.nn.ConvTranspose3d(2, 4, 2, groups=2)):
        a, b = make(sn), make(torch)
        for (k, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
            assert p.dtype == sn.float32
            np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=k)


def test_conv_transpose3d_output_size():
    ours, theirs = twin(lambda lib: lib.nn.ConvTranspose3d(2, 3, 3, stride=2))
    xs, xt = _x((1, 2, 2, 3, 2))
    compare_run(ours, theirs, ours(xs, output_size=(6, 7, 6)), theirs(xt, output_size=[6, 7, 6]), [xs], [xt])
    with pytest.raises(ValueError, match="valid sizes range"):
        ours(xs, output_size=(9, 7, 6))


def test_3d_ops_under_torch_names():
    xs, xt = _x((1, 2, 3, 3, 3))
    ws, wt = _x((2, 1, 2, 2, 2))
    pairs = [
        (sn.conv3d(xs, ws, groups=2), torch.conv3d(xt, wt, groups=2)),
        (sn.conv_transpose3d(xs, ws, stride=2, groups=2), torch.conv_transpose3d(xt, wt, stride=2, groups=2)),
        (sn.max_pool3d(xs, 2, 1), torch.max_pool3d(xt, 2, 1)),
        (sn.nn.functional.max_pool3d_with_indices(xs, 2)[1], torch.nn.functional.max_pool3d_with_indices(xt, 2)[1]),
        (sn.nn.functional.adaptive_max_pool3d_with_indices(xs, 2)[1], torch.nn.functional.adaptive_max_pool3d_with_indices(xt, 2)[1]),
    ]
    for a, b in pairs:
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-12)
        assert (a.grad_fn is None) == (b.grad_fn is None) and (a.grad_fn is None or a.grad_fn.name() == b.grad_fn.name())


def _outcome(fn, lib):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001  (the comparison decides)
        return e
    return None


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.conv3d(lib.ones(3, 3, 3), lib.ones(1, 1, 1, 1, 1)),
    lambda lib: lib.nn.functional.conv3d(lib.ones(1, 1, 3, 3, 3), lib.ones(1, 1, 4, 1, 1)),
    lambda lib: lib.nn.functional.conv3d(lib.ones(1, 1, 3, 3, 3), lib.ones(1, 1, 1, 1, 1), stride=2, padding="same"),
    lambda lib: lib.nn.functional.conv3d(lib.ones(1, 1, 3, 3, 3), lib.ones(1, 1, 1, 1, 1), padding=(1, 1)),
    lambda lib: lib.nn.functional.conv3d(lib.ones(1, 1, 3, 3, 3).bool(), lib.ones(1, 1, 1, 1, 1).bool()),
    lambda lib: lib.nn.functional.conv3d(lib.ones(1, 1, 3, 3, 3).int(), lib.ones(1, 1, 2, 2, 2).int(), dilation=2),
    lambda lib: lib.nn.functional.conv3d(lib.ones(1, 2, 3, 3, 3), lib.ones(1, 1, 1, 1, 1)),
    lambda lib: lib.nn.functional.conv_transpose3d(lib.ones(1, 1, 1, 1, 1), lib.ones(1, 1, 2, 2, 2), output_padding=1),
    lambda lib: lib.nn.functional.conv_transpose3d(lib.ones(1, 1, 1, 1, 1), lib.ones(1, 1, 1, 1, 1), padding=1),
    lambda lib: lib.nn.functional.conv_transpose3d(lib.ones(1, 1, 2, 2, 2).int(), lib.ones(1, 1, 1, 1, 1).int()),
    lambda lib: lib.nn.functional.max_pool3d(lib.ones(1, 1, 2, 2, 2), (2, 2)),
    lambda lib: lib.nn.functional.max_pool3d(lib.ones(1, 1, 2, 2, 2), 2, padding=2),
    lambda lib: lib.nn.functional.max_pool3d(lib.ones(1, 1, 2, 2, 2), 3),
    lambda lib: lib.nn.functional.max_pool3d(lib.ones(1, 1, 2, 2, 2), 0),
    lambda lib: lib.nn.functional.max_pool3d(lib.ones(1, 0, 2, 2, 2), 1),
    lambda lib: lib.nn.functional.max_pool3d(lib.ones(2, 2, 2), 1),
    lambda lib: lib.nn.functional.max_pool3d(lib.ones(1, 1, 2, 2, 2).bool(), 1),
    lambda lib: lib.nn.functional.avg_pool3d(lib.ones(1, 1, 2, 2, 2), 3, padding=1),
    lambda lib: lib.nn.functional.avg_pool3d(lib.ones(1, 1, 2, 2, 2).int(), 1),
    lambda lib: lib.nn.functional.avg_pool3d(lib.ones(1, 1, 2, 2, 2), 1, divisor_override=0),
    lambda lib: lib.nn.functional.avg_pool3d(lib.ones(1, 1, 2, 2, 2), 2, stride=(1, 1)),
    lambda lib: lib.nn.functional.adaptive_avg_pool3d(lib.ones(1, 1, 2, 2, 2), (2, 2)),
    lambda lib: lib.nn.functional.adaptive_avg_pool3d(lib.ones(1, 1, 2, 2, 2), (1, 2, -1)),
    lambda lib: lib.nn.functional.adaptive_avg_pool3d(lib.ones(2, 2, 2), 2),
    lambda lib: lib.nn.functional.adaptive_avg_pool3d(lib.ones(2, 2), 1),
    lambda lib: lib.nn.functional.adaptive_max_pool3d(lib.ones(1, 0, 2, 2, 2), 1),
    lambda lib: lib.nn.functional.adaptive_max_pool3d(lib.ones(1, 1, 2, 2, 2).long(), 1),
    lambda lib: lib.nn.BatchNorm3d(2)(lib.ones(2, 2, 2, 2)),
])
def test_3d_errors_as_torch(call):
    ours, theirs = _outcome(call, sn), _outcome(call, torch)
    assert theirs is not None and ours is not None, (ours, theirs)
    assert type(ours) is type(theirs), (ours, theirs)
    # torch's messages are kept where it words them itself (not the longer stride/dilation ones)
    if "non-positive" not in str(ours) and "negative padding" not in str(ours):
        assert str(ours) == str(theirs)


# --- lazy modules --------------------------------------------------------------------------------------

LAZY = [
    ("LazyLinear", (3,), {}, (2, 5)), ("LazyLinear", (3,), {"bias": False}, (4, 2, 6)),
    ("LazyConv1d", (4, 3), {"stride": 2}, (2, 5, 9)), ("LazyConv2d", (4, 3), {"groups": 2, "padding": 1}, (2, 6, 5, 5)),
    ("LazyConv2d", (4, 2), {"padding_mode": "reflect", "padding": 1}, (3, 5, 5)),
    ("LazyConv3d", (4, 2), {}, (1, 3, 3, 3, 3)), ("LazyConvTranspose1d", (4, 3), {"output_padding": 1, "stride": 2}, (2, 5, 4)),
    ("LazyConvTranspose2d", (4, 3), {"bias": False}, (1, 5, 2, 2)), ("LazyConvTranspose3d", (2, 2), {}, (1, 3, 2, 2, 2)),
    ("LazyBatchNorm1d", (), {}, (4, 3)), ("LazyBatchNorm2d", (), {"affine": False}, (2, 3, 4, 4)),
    ("LazyBatchNorm3d", (), {"track_running_stats": False}, (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 5)), ("LazyInstanceNorm2d", (), {"momentum": 0.3}, (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), {"affine": True, "track_running_stats": False}, (2, 3, 2, 2, 2)),
]


@pytest.mark.parametrize("spec", LAZY, ids=lambda s: f"{s[0]}{s[1]}{s[2]}")
def test_lazy_module_initialises_as_torch(spec):
    """Before the first forward: torch's repr, names and placeholders; after it (the same seed):
    the eager class, torch's parameters bit for bit, its output and gradients."""
    name, args, kwargs, shape = spec
    sn.manual_seed(11), torch.manual_seed(11)
    ours, theirs = getattr(sn.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert ours.has_uninitialized_params() == theirs.has_uninitialized_params()
    assert [(k, type(v).__name__) for k, v in ours.state_dict().items()] == [(k, type(v).__name__) for k, v in theirs.state_dict().items()]
    x = RNG.standard_normal(shape).astype("float32")
    xs, xt = sn.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_s, out_t = ours(xs), theirs(xt)
    assert type(ours).__name__ == type(theirs).__name__ == name[4:]
    assert repr(ours) == repr(theirs)
    for (k, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert type(p).__name__ == "Parameter" and p.dtype == sn.float32
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=k)
    compare_run(ours, theirs, out_s, out_t, [xs], [xt], dtype="float32")


def test_lazy_modules_in_a_network_take_torch_weights():
    """Two lazy layers initialised in forward order, after the same seed: torch's network."""
    def make(lib):
        return lib.nn.Sequential(lib.nn.LazyConv2d(4, 3), lib.nn.ReLU(), lib.nn.Flatten(), lib.nn.LazyLinear(2))

    sn.manual_seed(3), torch.manual_seed(3)
    ours, theirs = make(sn), make(torch)
    xs, xt = _x((2, 2, 5, 5))
    out_s, out_t = ours(xs.float()), theirs(xt.float())
    assert repr(ours) == repr(theirs)
    for (k, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)
    np.testing.assert_allclose(out_s.detach().numpy(), out_t.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_optimizers_take_lazy_parameters_as_torch():
    for lib in (sn, torch):
        with pytest.raises(ValueError, match="uninitialized parameter"):
            lib.optim.Adagrad(lib.nn.LazyLinear(2).parameters())
    runs = []
    for lib in (sn, torch):  # made before the first forward, the optimizer trains the materialized weights
        lib.manual_seed(0)
        m = lib.nn.LazyLinear(2)
        opt = lib.optim.Adam(m.parameters(), lr=0.1)
        for _ in range(2):
            opt.zero_grad()
            (m(lib.ones(3, 4)) ** 2).sum().backward()
            opt.step()
        runs.append(m.weight.detach().numpy())
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-5, atol=1e-6)


def test_state_dict_loads_into_a_lazy_module_as_torch():
    trained = sn.nn.Linear(5, 3)
    lazy = sn.nn.LazyLinear(3)
    assert repr(lazy.load_state_dict(trained.state_dict())) == "<All keys matched successfully>"
    assert not lazy.has_uninitialized_params() and type(lazy).__name__ == "LazyLinear" and lazy.in_features == 0  # as torch
    np.testing.assert_array_equal(lazy.weight.detach().numpy(), trained.weight.detach().numpy())
    x = sn.randn(2, 5)
    np.testing.assert_array_equal(lazy(x).detach().numpy(), trained(x).detach().numpy())
    assert type(lazy).__name__ == "Linear"
    bn = sn.nn.LazyBatchNorm2d()
    bn.load_state_dict(sn.nn.BatchNorm2d(4).state_dict())
    assert tuple(bn.running_var.shape) == (4,)
    other = sn.nn.LazyLinear(3)
    other.load_state_dict(sn.nn.LazyLinear(3).state_dict())  # placeholders into placeholders
    assert other.has_uninitialized_params()
    for lib in (sn, torch):
        with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized"):
            lib.nn.Linear(5, 3).load_state_dict(lib.nn.LazyLinear(3).state_dict())


def test_lazy_errors_as_torch():
    calls = [
        lambda lib: lib.nn.LazyConv2d(4, 3)(lib.ones(3, 5)),
        lambda lib: lib.nn.LazyConv2d(4, 3, groups=2)(lib.ones(1, 3, 5, 5)),
        lambda lib: lib.nn.LazyLinear(3).weight.shape,
        lambda lib: lib.nn.UninitializedBuffer().share_memory_(),
    ]
    for call in calls:
        ours, theirs = _outcome(call, sn), _outcome(call, torch)
        assert type(ours) is type(theirs) and theirs is not None
        assert str(ours).replace("scratchnet.", "torch.") == str(theirs)


def test_placeholders_and_buffers_as_torch():
    for lib in (sn, torch):
        p, b = lib.nn.UninitializedParameter(), lib.nn.UninitializedBuffer(dtype=lib.float64)
        assert (repr(p), repr(b), p.requires_grad, b.requires_grad) == ("<UninitializedParameter>", "<UninitializedBuffer>", True, False)
        assert lib.nn.parameter.is_lazy(copy.deepcopy(p)) and isinstance(b, lib.nn.Buffer)
        with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter in"):
            p * 2  # an op reads no values from a placeholder; its dtype, size() and casts still answer
        assert (tuple(p.size()), p.is_floating_point(), lib.nn.LazyLinear(2).double().weight.dtype) == ((0,), True, lib.float64)
        p.materialize((2, 3)), b.materialize((4,))
        assert (type(p).__name__, tuple(p.shape), type(b).__name__, str(b.dtype).split(".")[-1]) == ("Parameter", (2, 3), "Tensor", "float64")

        class Holder(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.kept = lib.nn.Buffer(lib.zeros(2))
                self.scratch = lib.nn.Buffer(lib.ones(1, requires_grad=True), persistent=False)
                self.plain = lib.zeros(1)

        h = Holder()
        assert [n for n, _ in h.named_buffers()] == ["kept", "scratch"] and list(h.state_dict()) == ["kept"]
        assert type(h.kept).__name__ == "Tensor" and isinstance(h.kept, lib.nn.Buffer) and not isinstance(h.plain, lib.nn.Buffer)
        assert h.scratch.requires_grad and h.scratch.grad_fn is None
