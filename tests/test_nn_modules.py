"""Twin tests: every nn module of issue 12 built in both engines with the same arguments, weights
copied from torch to scratchnet; outputs, input and parameter gradients, state_dict keys and
shapes and the repr must be torch's. Default initialisation is checked against torch's formulas."""

import math

import numpy as np
import pytest
import torch

import scratchnet as sn

from .parity import assert_close

# (module name, constructor args, constructor kwargs, input shape, input scale)
TWINS = [
    ("SiLU", (), {}, (3, 4), 2), ("SiLU", (), {"inplace": True}, (3, 4), 2),
    ("ELU", (), {"alpha": 0.5}, (3, 4), 2), ("SELU", (), {}, (2, 5), 2), ("CELU", (2.0,), {}, (2, 5), 2),
    ("GLU", (), {"dim": 1}, (3, 4), 1), ("Softplus", (), {"beta": 2.0, "threshold": 3.0}, (3, 4), 3),
    ("Softsign", (), {}, (3, 4), 1), ("Hardtanh", (-0.5, 1.5), {}, (3, 4), 2), ("ReLU6", (), {}, (3, 4), 5),
    ("Hardswish", (), {}, (3, 4), 4), ("Hardsigmoid", (), {}, (3, 4), 4), ("Mish", (), {}, (3, 4), 2),
    ("PReLU", (), {}, (3, 4), 1), ("PReLU", (4, 0.1), {}, (3, 4, 2), 1), ("Threshold", (0.1, 20.0), {}, (3, 4), 1),
    ("LogSigmoid", (), {}, (3, 4), 3), ("Tanhshrink", (), {}, (3, 4), 1), ("Softshrink", (0.3,), {}, (3, 4), 1),
    ("Hardshrink", (), {}, (3, 4), 1), ("Softmin", (), {"dim": 1}, (3, 4), 1),
    ("Unflatten", (1, (2, 2)), {}, (3, 4), 1), ("Unflatten", (-1, [2, -1]), {}, (3, 2, 4), 1), ("Softmax2d", (), {}, (2, 3, 2, 2), 1),
    ("ReLU", (), {"inplace": True}, (3, 4), 1), ("LeakyReLU", (0.2,), {"inplace": True}, (3, 4), 1), ("LeakyReLU", (0.2,), {}, (3, 4), 1),
    # convolutions
    ("Conv1d", (4, 6, 3), {"stride": 2, "padding": 1, "groups": 2}, (2, 4, 9), 1),
    ("Conv1d", (2, 3, 3), {"padding": "same", "padding_mode": "reflect"}, (2, 2, 7), 1),
    ("Conv1d", (2, 3, 2), {"padding": 1, "padding_mode": "replicate", "bias": False}, (2, 7), 1),
    ("Conv2d", (2, 3, 3), {"padding": 1, "padding_mode": "circular"}, (2, 2, 5, 5), 1),
    ("Conv2d", (2, 3, (2, 3)), {"padding": "same", "dilation": (2, 1)}, (0, 2, 5, 5), 1),
    ("ConvTranspose2d", (4, 6, 3), {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}, (2, 4, 3, 4), 1),
    ("ConvTranspose2d", (2, 3, (1, 2)), {"dilation": 2, "bias": False}, (1, 2, 3, 3), 1),
    ("ConvTranspose1d", (3, 2, 4), {"stride": 3, "bias": False, "dilation": 2}, (2, 3, 5), 1),
    ("ConvTranspose1d", (3, 2, 4), {"stride": 2, "output_padding": 1}, (3, 5), 1),
    ("Unfold", ((2, 3),), {"padding": 1}, (2, 2, 4, 5), 1),
    ("Fold", ((4, 5), (2, 2)), {}, (2, 8, 12), 1),
    # pooling
    ("MaxPool1d", (3,), {"stride": 2, "padding": 1}, (2, 3, 8), 1), ("MaxPool1d", (2,), {"dilation": 2, "ceil_mode": True}, (3, 7), 1),
    ("AvgPool1d", (3,), {"stride": 1, "padding": 1, "count_include_pad": False}, (2, 3, 8), 1),
    ("MaxPool2d", ((2, 3),), {"stride": 1, "padding": 1}, (2, 2, 5, 6), 1), ("AvgPool2d", (3, 2, 1), {"divisor_override": 4}, (2, 2, 5, 6), 1),
    ("AdaptiveAvgPool2d", ((3, None),), {}, (2, 2, 5, 7), 1), ("AdaptiveAvgPool2d", (4,), {}, (2, 7, 5), 1),
    ("AdaptiveMaxPool2d", ((3, 2),), {}, (2, 2, 5, 7), 1), ("AdaptiveAvgPool1d", (3,), {}, (2, 2, 7), 1),
    ("AdaptiveMaxPool1d", (4,), {}, (0, 2, 7), 1), ("AdaptiveMaxPool1d", (3,), {}, (2, 7), 1),
    # upsampling
    ("Upsample", (), {"scale_factor": 2, "mode": "bilinear"}, (1, 2, 3, 4), 1), ("Upsample", (7,), {"mode": "linear", "align_corners": True}, (2, 3, 4), 1),
    ("Upsample", (), {"scale_factor": (1.5, 2.0)}, (1, 2, 3, 4), 1), ("UpsamplingBilinear2d", (), {"scale_factor": 2}, (1, 2, 3, 4), 1),
    ("UpsamplingNearest2d", ((5, 3),), {}, (1, 2, 3, 4), 1),
    ("LPPool3d", (2, 2), {}, (2, 2, 4, 4, 5), 1), ("LPPool3d", (1.5, (2, 1, 2)), {"stride": 1, "ceil_mode": True}, (2, 3, 3, 4), 1),
    # one process: SyncBatchNorm is BatchNorm over any (N, C, ...)
    ("SyncBatchNorm", (3,), {}, (4, 3), 2), ("SyncBatchNorm", (2,), {"momentum": None}, (2, 2, 3, 2, 2), 1),
    ("SyncBatchNorm", (2,), {"affine": False, "track_running_stats": False}, (3, 2, 5), 1),
]


def build_twins(name, args, kwargs):
    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(sn.nn, name)(*args, **kwargs).double()
    ours.load_state_dict({k: sn.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize("spec", TWINS, ids=lambda s: f"{s[0]}{s[1]}{s[2]}")
def test_module_twin_matches_torch(spec):
    name, args, kwargs, shape, scale = spec
    ours, theirs = build_twins(name, args, kwargs)
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape) * scale + 0.01
    xs, xt = sn.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    inplace = kwargs.get("inplace", False)
    out_s, out_t = ours(xs * 1 if inplace else xs), theirs(xt * 1 if inplace else xt)
    assert_close(out_s, out_t, 1e-9, 1e-11, what=f"{name} output")
    v = rng.standard_normal(tuple(out_t.shape))
    out_s.backward(sn.tensor(v)) if not inplace else None
    if inplace:  # the graph of an in-place result is the coordinator's generic mechanism's job
        return
    out_t.backward(torch.tensor(v))
    assert_close(xs.grad, xt.grad, 1e-9, 1e-11, what=f"{name} input gradient")
    for (k, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(p.grad, q.grad, 1e-9, 1e-11, what=f"{name} gradient of {k}")


def test_prelu_default_init_is_torch_constant():
    assert sn.nn.PReLU(3, init=0.2).weight.tolist() == pytest.approx([0.2] * 3)
    assert str(sn.nn.PReLU().weight.dtype) == "float32"


def test_conv_transpose_output_size_argument():
    ours, theirs = build_twins("ConvTranspose2d", (2, 3, 3), {"stride": 2})
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 4))
    a, b = ours(sn.tensor(x), output_size=(10, 9)), theirs(torch.tensor(x), output_size=[10, 9])
    assert_close(a, b.detach(), 1e-9, 1e-11, what="output_size")
    with pytest.raises(ValueError, match="valid sizes range"):
        ours(sn.tensor(x), output_size=(12, 9))


@pytest.mark.parametrize("name, args, fan_in", [
    ("Conv1d", (16, 64, 5), 16 * 5), ("Conv2d", (8, 64, 3), 8 * 9), ("ConvTranspose2d", (64, 16, 3), 16 * 9),
    ("ConvTranspose1d", (64, 8, 4), 8 * 4), ("Conv1d", (16, 64, 5, 1, 0, 1, 4), 4 * 5),
])
def test_conv_default_init_follows_torch_bounds(name, args, fan_in):
    """kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weight, and the bias
    the same bound; with thousands of draws the extremes come close to the bound."""
    m = getattr(sn.nn, name)(*args)
    t = getattr(torch.nn, name)(*args)
    assert tuple(m.weight.shape) == tuple(t.weight.shape)
    bound = 1 / math.sqrt(fan_in)
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.1 * bound
    assert w.dtype == np.float32


NAN = float("nan")


@pytest.mark.parametrize("op, x, kw", [
    ("adaptive_avg_pool2d", [[[[1.0], [NAN]]]], {"output_size": (2, 1)}),  # issue 10: each window keeps its values
    ("adaptive_avg_pool2d", [[[[1.0, NAN, 2.0, 3.0, 4.0]]]], {"output_size": (1, 3)}),
    ("adaptive_max_pool2d", [[[[1.0, NAN, 3.0, NAN, 2.0, 0.0]]]], {"output_size": (1, 2), "return_indices": True}),
    ("max_pool2d", [[[[1.0, NAN, 3.0, NAN, 2.0, 0.0]]]], {"kernel_size": (1, 3), "return_indices": True}),  # NaN wins, gradient to it
    ("max_pool2d", [[[[1.0, 2.0], [NAN, 0.0]]]], {"kernel_size": 2, "stride": 1, "padding": 1}),
    ("max_pool1d", [[[NAN, 2.0, -1.0, NAN]]], {"kernel_size": 2, "stride": 1, "return_indices": True}),
])
def test_pooling_with_nan_as_torch(op, x, kw):
    x = np.array(x)
    a, b = sn.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    oa, ob = getattr(sn.nn.functional, op)(a, **kw), getattr(torch.nn.functional, op)(b, **kw)
    if isinstance(ob, tuple):
        assert oa[1].tolist() == ob[1].tolist()
        oa, ob = oa[0], ob[0]
    assert_close(oa, ob, 1e-12, 0, what=f"{op} values")
    oa.sum().backward()
    ob.sum().backward()
    assert_close(a.grad, b.grad, 1e-12, 0, what=f"{op} gradient")


@pytest.mark.parametrize("call", [
    lambda F, lib: F.avg_pool2d(lib.ones(1, 1, 4, 4), 2, divisor_override=0),
    lambda F, lib: F.adaptive_avg_pool2d(lib.ones(1, 2, 0, 5), 2),
    lambda F, lib: F.adaptive_max_pool2d(lib.ones(1, 1, 3, 3, dtype=lib.int64), 2),
    lambda F, lib: F.max_pool1d(lib.ones(1, 1, 3, dtype=lib.int64), 2),
    lambda F, lib: F.conv2d(lib.ones(1, 2, 5, 5, dtype=lib.bool), lib.ones(3, 2, 3, 3, dtype=lib.bool)),
    lambda F, lib: F.conv2d(lib.ones(1, 2, 5, 5, dtype=lib.int64), lib.ones(3, 2, 3, 3)),
    lambda F, lib: F.conv_transpose2d(lib.ones(1, 2, 3, 3), lib.ones(2, 1, 2, 2), stride=1, output_padding=1),
    lambda F, lib: F.fold(lib.ones(1, 8, 5), (4, 4), 2),
    lambda F, lib: F.pad(lib.ones(1, 2, 3), (3, 3), mode="reflect"),
    lambda F, lib: F.pad(lib.ones(5), (1, 1), mode="replicate"),
    lambda F, lib: F.max_pool2d(lib.ones(1, 0, 5, 5), 2),
    lambda F, lib: F.avg_pool2d(lib.ones(1, 2, 0, 5), 1),
    lambda F, lib: F.max_pool1d(lib.ones(1, 0, 5), 2),
    lambda F, lib: F.interpolate(lib.ones(1, 2, 5), scale_factor=2, mode="bilinear"),
    lambda F, lib: F.interpolate(lib.ones(1, 2, 5), scale_factor=2, size=3),
    lambda F, lib: F.interpolate(lib.ones(1, 2, 5), scale_factor=2, align_corners=True),
    lambda F, lib: F.unfold(lib.ones(1, 2, 2, 2), 3),
    lambda F, lib: F.prelu(lib.ones(2, 3), lib.ones(2)),
    lambda F, lib: F.hardtanh(lib.ones(3), 2.0, 1.0),
    lambda F, lib: F.dropout2d(lib.ones(2, 3, 4, 4), p=1.5),
    lambda F, lib: F.cosine_similarity(lib.ones(2, 3), lib.ones(4, 3)),
    lambda F, lib: F.conv_transpose2d(lib.ones(1, 3, 3, 3), lib.ones(2, 1, 2, 2)),
    lambda F, lib: F.silu(lib.ones(3, dtype=lib.int64)),
])
def test_errors_have_torch_types(call):
    with pytest.raises(Exception) as theirs:
        call(torch.nn.functional, torch)
    with pytest.raises(type(theirs.value)):
        call(sn.nn.functional, sn)


@pytest.mark.parametrize("call", [
    lambda F, lib: F.conv2d(lib.ones(0, 2, 5, 5), lib.ones(3, 2, 3, 3)),
    lambda F, lib: F.conv1d(lib.ones(0, 2, 5), lib.ones(3, 2, 3)),
    lambda F, lib: F.conv_transpose2d(lib.ones(0, 2, 3, 3), lib.ones(2, 3, 2, 2), stride=2),
    lambda F, lib: F.max_pool2d(lib.ones(0, 2, 5, 5), 2),
    lambda F, lib: F.avg_pool2d(lib.ones(0, 2, 5, 5), 2),
    lambda F, lib: F.adaptive_avg_pool2d(lib.ones(0, 2, 5, 5), 2),
    lambda F, lib: F.adaptive_avg_pool2d(lib.ones(1, 0, 3, 5), 2),
    lambda F, lib: F.upsample_bilinear(lib.arange(12.0).reshape(1, 1, 3, 4), scale_factor=2),
    lambda F, lib: F.upsample_nearest(lib.arange(12.0).reshape(1, 1, 3, 4), size=(5, 2)),
    lambda F, lib: F.conv2d(lib.ones(1, 2, 5, 5, dtype=lib.int64), lib.ones(3, 2, 3, 3, dtype=lib.int64)),
    lambda F, lib: F.conv1d(lib.ones(1, 2, 5, dtype=lib.uint8) * 100, lib.ones(3, 2, 3, dtype=lib.uint8)),
    lambda F, lib: F.max_pool2d(lib.arange(-8, 8).reshape(1, 1, 4, 4), 2, padding=1),
    lambda F, lib: F.avg_pool2d(lib.arange(-8, 8).reshape(1, 1, 4, 4) * 3, 2),
])
def test_empty_and_integer_inputs_as_torch(call):
    ours, theirs = call(sn.nn.functional, sn), call(torch.nn.functional, torch)
    assert_close(ours, theirs, 1e-6, 1e-6, what="result")  # integers compare exactly


@pytest.mark.parametrize("name, shape, channels", [
    ("Dropout1d", (40, 50, 6), 2), ("Dropout2d", (40, 50, 3, 3), 2), ("Dropout3d", (40, 50, 2, 2, 2), 2),
    ("Dropout1d", (2000, 3), 1), ("AlphaDropout", (100, 200), None), ("FeatureAlphaDropout", (40, 50, 4), 2),
])
def test_dropout_modules_as_torch(name, shape, channels):
    ours, theirs = getattr(sn.nn, name)(p=0.3), getattr(torch.nn, name)(p=0.3)
    assert repr(ours) == repr(theirs) == f"{name}(p=0.3, inplace=False)"
    x = np.random.default_rng(0).standard_normal(shape) + 3.0
    y = ours(sn.tensor(x)).numpy()
    if "Alpha" in name:  # dropped units (or channels) all take one value, the rest are a x + b
        a = 1.0 / ((1.7580993408473766**2 * 0.3 + 1) * 0.7) ** 0.5
        b = 1.7580993408473766 * a * 0.3
        axes = tuple(range(channels or len(shape), len(shape)))
        dropped = np.isclose(y, -1.7580993408473766 * a + b).all(axis=axes)
        kept = np.isclose(y, x * a + b, rtol=1e-12).all(axis=axes)
        assert (dropped | kept).all() and abs(dropped.mean() - 0.3) < 0.05
    else:  # whole channels are zeroed (about 30%), the rest scaled by 1 / 0.7
        axes = tuple(range(channels, len(shape)))
        zero = (y == 0).all(axis=axes)
        kept = np.isclose(y, x / 0.7).all(axis=axes)
        assert (zero | kept).all() and abs(zero.mean() - 0.3) < 0.05
    ours.eval()
    assert (ours(sn.tensor(x)).numpy() == x).all()
    ours.train()
    t = sn.tensor(x)
    assert getattr(sn.nn, name)(p=0.5, inplace=True)(t) is t


@pytest.mark.parametrize("name, kw", [
    ("threshold", {"threshold": 1, "value": 20}), ("threshold", {"threshold": 1.5, "value": 20.5}), ("hardtanh", {}), ("relu6", {}),
    ("softsign", {}), ("tanhshrink", {}), ("softmin", {"dim": 0}), ("glu", {"dim": 0}), ("silu", {}), ("elu", {}), ("hardswish", {}),
    ("mish", {}), ("logsigmoid", {}), ("softplus", {}), ("softshrink", {}), ("hardshrink", {}),
])
def test_activations_on_integer_tensors_as_torch(name, kw):
    """torch computes some activations on integers (keeping the dtype or promoting to float) and
    refuses others; scratchnet gives the same dtype and values, or the same exception type."""
    results = []
    for lib in (torch, sn):
        try:
            out = getattr(lib.nn.functional, name)(lib.tensor([1, 2, -3, 4]), **kw)
            results.append((str(out.dtype).split(".")[-1], out.tolist()))
        except Exception as e:  # noqa: BLE001  (the type is what is compared)
            results.append((type(e).__name__,))
    assert results[0][0] == results[1][0]
    if len(results[0]) > 1:
        np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-6)


def test_convert_sync_batchnorm_shares_parameters_as_torch():
    for lib in (torch, sn):
        original = lib.nn.BatchNorm2d(2, momentum=0.3).eval()
        converted = lib.nn.SyncBatchNorm.convert_sync_batchnorm(lib.nn.Sequential(lib.nn.Conv2d(2, 2, 1), original))
        bn = converted[1]
        assert type(bn).__name__ == "SyncBatchNorm" and bn.momentum == 0.3 and not bn.training
        assert bn.weight is original.weight and bn.running_var is original.running_var
    with pytest.raises(ValueError, match=r"expected at least 2D input \(got 1D input\)"):
        sn.nn.SyncBatchNorm(3)(sn.ones(3))


@pytest.mark.parametrize("kwargs", [{"output_size": 3}, {"output_ratio": (0.5, 0.6, 0.7)}, {"output_size": (2, 3, 4), "return_indices": True}])
def test_fractional_max_pool3d_and_unpool3d_modules_as_torch(kwargs):
    """torch's windows from the same seed; MaxUnpool3d puts each maximum back where MaxPool3d found it."""
    x = np.random.default_rng(3).standard_normal((2, 2, 6, 6, 8))

    def run(lib):
        lib.manual_seed(5)
        out = lib.nn.FractionalMaxPool3d(2, **kwargs)(lib.tensor(x, requires_grad=True))
        values, indices = lib.nn.MaxPool3d(2, return_indices=True)(lib.tensor(x))
        unpooled = lib.nn.MaxUnpool3d(2)(values, indices)
        outs = out if isinstance(out, tuple) else (out,)
        outs[0].sum().backward()
        return [o.detach().numpy() for o in outs] + [unpooled.numpy()]

    for a, b in zip(run(sn), run(torch)):
        assert a.dtype == b.dtype and np.array_equal(a, b)


@pytest.mark.parametrize("kwargs", [{}, {"bias": True, "label_smoothing": 0.1, "reduction": "sum"}, {"out_features": (2,), "bias": True},
                                    {"weight": "w", "ignore_index": 1, "reduction": "none"}])
def test_linear_cross_entropy_loss_module_as_torch(kwargs):
    """The same weights from the same seed (its inner Linear), repr, loss and gradients."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)

    def run(lib):
        lib.manual_seed(0)
        kw = {k: (lib.tensor([1.0, 2.0, 0.5], dtype=lib.float64) if v == "w" else v) for k, v in kwargs.items()}
        m = lib.nn.LinearCrossEntropyLoss(4, 3, dtype=lib.float64, **kw)
        xi = lib.tensor(x, requires_grad=True)
        target = lib.tensor(np.stack([y, y[::-1]], 1) if kwargs.get("out_features") else y)
        loss = m(xi, target)
        loss.sum().backward()
        return loss.detach().numpy(), xi.grad.numpy(), m.linear.weight.detach().numpy(), m.linear.weight.grad.numpy(), repr(m)

    ours, theirs = run(sn), run(torch)
    assert ours[4] == theirs[4]
    for a, b in zip(ours[:4], theirs[:4]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    with pytest.raises(RuntimeError, match="expected weight shape"):
        sn.nn.LinearCrossEntropyLoss(4, 3, weight=sn.ones(2))
