"""Twin tests (scratchnet against torch) for what the registry cannot express: modules, random
draws after the same seed, in-place refusals and errors of the ops in scratchnet/ops/activation_inplace.py,
pool_extra.py, nn_extra.py, sampling_grid.py and ctc.py."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet
import scratchnet.nn.functional as SF

TF = torch.nn.functional


def _both(fn):
    """fn(lib) on each engine: (scratchnet's, torch's) result or exception."""
    out = []
    for lib in (scratchnet, torch):
        try:
            out.append(fn(lib))
        except Exception as e:  # noqa: BLE001  (compared below)
            out.append(e)
    return out


def assert_same_error(fn):
    ours, theirs = _both(fn)
    assert isinstance(theirs, Exception), f"torch returned {theirs!r}"
    assert type(ours) is type(theirs), f"scratchnet {type(ours).__name__}: {ours}; torch {type(theirs).__name__}: {theirs}"
    assert str(ours) == str(theirs), f"scratchnet: {ours}\ntorch: {theirs}"


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31), shape=st.sampled_from([(7,), (3, 5), (2, 3, 4)]), dtype=st.sampled_from(["float32", "float64"]),
       bounds=st.sampled_from([(1 / 8, 1 / 3), (0.1, 0.9), (0.2, 0.2)]))
def test_rrelu_training_draws_torchs_slopes(seed, shape, dtype, bounds):
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    results = []
    for lib in (scratchnet, torch):
        lib.manual_seed(seed)
        x = lib.tensor(a, requires_grad=True)
        m = lib.nn.RReLU(*bounds)
        y = m(x)
        y.backward(lib.ones_like(y))
        results.append((y.detach().numpy(), x.grad.numpy(), lib.rand(2).numpy()))  # and the stream after
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


def test_rrelu_module_eval_and_inplace():
    a = np.array([-2.0, -0.5, 0.0, 3.0], dtype=np.float32)
    outs = []
    for lib in (scratchnet, torch):
        m = lib.nn.RReLU(0.1, 0.3, inplace=True).eval()
        y = lib.tensor(a, requires_grad=True) * 1
        z = m(y)
        outs.append((z is y, z.grad_fn.name(), z.detach().numpy(), repr(m).replace("scratchnet", "torch")))
    assert outs[0][:2] == outs[1][:2] and outs[0][3] == outs[1][3]
    np.testing.assert_array_equal(outs[0][2], outs[1][2])


@pytest.mark.parametrize("name,args", [("relu_", ()), ("elu_", (0.5,)), ("selu_", ()), ("celu_", (1.5,)), ("leaky_relu_", (0.2,)),
                                       ("hardtanh_", (-0.5, 0.5)), ("threshold_", (0.1, 2.0)), ("rrelu_", (0.1, 0.3, True))])
def test_inplace_activations(name, args):
    a = np.array([[-1.5, -0.2, 0.0], [0.3, 1.2, 4.0]])
    got = []
    for lib in (scratchnet, torch):
        f = getattr(lib.nn.functional, name)
        lib.manual_seed(0)
        leaf = lib.tensor(a, requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
            f(leaf, *args)
        y = leaf * 2
        version = y._version
        z = f(y, *args)
        assert z is y and y._version == version + 1
        z.sum().backward()
        plain = lib.tensor(a.copy())
        f(plain, *args)
        got.append((z.detach().numpy(), leaf.grad.numpy(), plain.numpy()))
    for ours, theirs in zip(*got):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_top_level_names():
    for name in ["relu_", "selu_", "celu_", "threshold_", "rrelu", "rrelu_", "pdist", "bilinear", "channel_shuffle", "native_channel_shuffle", "max_pool1d_with_indices", "ctc_loss",
                 "grid_sampler", "affine_grid_generator"]:
        assert hasattr(torch, name) and callable(getattr(scratchnet, name)), name


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31), hard=st.booleans(), tau=st.sampled_from([0.3, 1.0]), dtype=st.sampled_from(["float32", "float64"]))
def test_gumbel_softmax_draws_torchs_noise(seed, hard, tau, dtype):
    a = np.random.default_rng(seed).standard_normal((4, 6)).astype(dtype)
    got = []
    for lib in (scratchnet, torch):
        lib.manual_seed(seed)
        x = lib.tensor(a, requires_grad=True)
        y = lib.nn.functional.gumbel_softmax(x, tau=tau, hard=hard)
        (y * lib.arange(6.0, dtype=y.dtype)).sum().backward()
        got.append((y.detach().numpy(), x.grad.numpy(), lib.rand(2).numpy()))
    tol = 1e-5 if dtype == "float32" else 1e-12
    for ours, theirs in zip(*got):
        np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


def test_modules_match_torch():
    x = np.random.default_rng(0).standard_normal((2, 4, 6, 6))
    for build, call in [
        (lambda nn: nn.LPPool2d(2, 3, 2), lambda m, lib: m(lib.tensor(x))),
        (lambda nn: nn.LPPool1d(1.5, 2), lambda m, lib: m(lib.tensor(x[0]).abs())),
        (lambda nn: nn.ChannelShuffle(2), lambda m, lib: m(lib.tensor(x))),
        (lambda nn: nn.MaxUnpool2d(2), lambda m, lib: m(*lib.nn.functional.max_pool2d(lib.tensor(x), 2, return_indices=True))),
        (lambda nn: nn.MaxUnpool1d(3, 2), lambda m, lib: m(*lib.nn.functional.max_pool1d(lib.tensor(x[0, 0]), 3, 2, return_indices=True), output_size=(6,))),
        (lambda nn: nn.TripletMarginWithDistanceLoss(margin=2.0, swap=True), lambda m, lib: m(*(lib.tensor(x[i, 0]) for i in range(2)), lib.tensor(x[0, 1]))),
    ]:
        (ours, mo), (theirs, mt) = [(call(build(lib.nn), lib), build(lib.nn)) for lib in (scratchnet, torch)]
        assert repr(mo) == repr(mt)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


def test_bilinear_module_init_and_forward():
    a, b = np.random.default_rng(1).standard_normal((2, 5, 3)), np.random.default_rng(2).standard_normal((2, 5, 4))
    got = []
    for lib in (scratchnet, torch):
        lib.manual_seed(7)
        m = lib.nn.Bilinear(3, 4, 2, dtype=lib.float64)
        got.append((repr(m), m.weight.detach().numpy(), m.bias.detach().numpy(), m(lib.tensor(a), lib.tensor(b)).detach().numpy()))
    assert got[0][0] == got[1][0]
    for ours, theirs in zip(got[0][1:], got[1][1:]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_nll_loss_2d_is_nll_loss_with_a_warning():
    for lib in (scratchnet, torch):
        with pytest.warns(FutureWarning, match="NLLLoss2d"):
            m = lib.nn.NLLLoss2d()
        assert isinstance(m, lib.nn.NLLLoss)


def test_with_indices_spellings():
    x = np.random.default_rng(3).standard_normal((2, 3, 5, 7))
    for name, args in [("max_pool2d_with_indices", (3, 2)), ("max_pool1d_with_indices", (2,)),
                       ("adaptive_max_pool2d_with_indices", ((2, 3),)), ("adaptive_max_pool1d_with_indices", (3,))]:
        (vo, io), (vt, it) = [getattr(lib.nn.functional, name)(lib.tensor(x if "2d" in name else x[0]), *args) for lib in (scratchnet, torch)]
        np.testing.assert_array_equal(vo.numpy(), vt.numpy())
        np.testing.assert_array_equal(io.numpy(), it.numpy())


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.max_unpool2d(lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 2, 2), 2),
    lambda lib: lib.nn.functional.max_unpool2d(lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 2, 1, dtype=lib.int64), 2),
    lambda lib: lib.nn.functional.max_unpool2d(lib.ones(2, 2), lib.zeros(2, 2, dtype=lib.int64), 2),
    lambda lib: lib.nn.functional.max_unpool2d(lib.ones(1, 1, 1, 1), lib.full((1, 1, 1, 1), 9, dtype=lib.int64), 2),
    lambda lib: lib.nn.functional.max_unpool2d(lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 2, 2, dtype=lib.int64), 2, output_size=(9, 4)),
    lambda lib: lib.nn.functional.max_unpool1d(lib.ones(1, 1, 2), lib.zeros(1, 1, 2, dtype=lib.int64), 2, output_size=(1, 2, 3, 4)),
    lambda lib: lib.nn.functional.max_unpool1d(lib.ones(1, 1, 2, dtype=lib.int64), lib.zeros(1, 1, 2, dtype=lib.int64), 2),
    lambda lib: lib.pdist(lib.ones(3)),
    lambda lib: lib.pdist(lib.ones(3, 2), -1.0),
    lambda lib: lib.pdist(lib.ones(3, 2, dtype=lib.int64)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(3, 4), lib.ones(2, 5), lib.ones(2, 4, 5)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(3, 4), lib.ones(3, 5), lib.ones(2, 3, 5)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(3, 4), lib.ones(3, 5), lib.ones(2, 4, 5), lib.ones(3)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(3, 4, dtype=lib.float64), lib.ones(3, 5), lib.ones(2, 4, 5)),
    lambda lib: lib.nn.functional.channel_shuffle(lib.ones(2, 4, 3), 3),
    lambda lib: lib.nn.functional.channel_shuffle(lib.ones(2, 4), 2),
    lambda lib: lib.nn.functional.channel_shuffle(lib.ones(2, 4, 3), 0),
    lambda lib: lib.nn.functional.triplet_margin_with_distance_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(3), margin=1.0),
    lambda lib: lib.nn.functional.triplet_margin_with_distance_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3), margin=0.0),
    lambda lib: lib.nn.functional.triplet_margin_with_distance_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3), reduction="max"),
    lambda lib: lib.nn.TripletMarginWithDistanceLoss(margin=-1.0),
    lambda lib: lib.rrelu(lib.ones(3), 0.5, 0.1),
    lambda lib: lib.rrelu(lib.ones(3, dtype=lib.int64), training=True),
], ids=lambda f: "")
def test_errors_match_torch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_error(call)


# ---- grid_sample / affine_grid ----------------------------------------------------------------------


def test_spatial_transformer_path_matches_torch():
    """The spatial-transformer tutorial's path: theta from a layer, affine_grid, grid_sample, a loss."""
    rng = np.random.default_rng(5)
    x0, w0 = rng.standard_normal((3, 2, 6, 7)).astype(np.float32), rng.standard_normal((6, 84)).astype(np.float32) * 0.05
    got = []
    for lib in (scratchnet, torch):
        x, w = lib.tensor(x0, requires_grad=True), lib.tensor(w0, requires_grad=True)
        theta = (x.reshape(3, -1) @ w.t()).view(-1, 2, 3) + lib.tensor([[1.0, 0, 0], [0, 1.0, 0]])
        grid = lib.nn.functional.affine_grid(theta, x.size(), align_corners=False)
        y = lib.nn.functional.grid_sample(x, grid, align_corners=False)
        (y * y).sum().backward()
        got.append((y.detach().numpy(), x.grad.numpy(), w.grad.numpy(), y.grad_fn.name(), grid.grad_fn.name()))
    assert got[0][3:] == got[1][3:]
    for ours, theirs in zip(got[0][:3], got[1][:3]):
        np.testing.assert_allclose(ours, theirs, rtol=2e-4, atol=1e-3)  # float32 sums of ~100 terms of size ~50


def test_low_level_grid_names():
    x0, g0 = np.random.default_rng(4).standard_normal((1, 2, 3, 3)), np.random.default_rng(5).uniform(-1, 1, (1, 2, 2, 2))
    th0 = np.random.default_rng(6).standard_normal((1, 2, 3))
    outs = [(lib.grid_sampler(lib.tensor(x0), lib.tensor(g0), 2, 1, True).numpy(), lib.affine_grid_generator(lib.tensor(th0), (1, 1, 2, 3), False).numpy())
            for lib in (scratchnet, torch)]
    for ours, theirs in zip(*outs):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_align_corners_default_warns():
    for lib in (scratchnet, torch):
        with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
            lib.nn.functional.affine_grid(lib.zeros(1, 2, 3), (1, 1, 2, 2))
        with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
            lib.nn.functional.grid_sample(lib.zeros(1, 1, 2, 2), lib.zeros(1, 1, 1, 2))


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3, 3), lib.zeros(1, 2, 2, 2), mode="linear", align_corners=False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3, 3), lib.zeros(1, 2, 2, 2), padding_mode="wrap", align_corners=False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3, 3), lib.zeros(1, 2, 2), align_corners=False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3, 3), lib.zeros(2, 2, 2, 2), align_corners=False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3, 3), lib.zeros(1, 2, 2, 3), align_corners=False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 0, 3), lib.zeros(1, 2, 2, 2), align_corners=False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 3, 3, dtype=lib.float64), lib.zeros(1, 2, 2, 2), align_corners=False),
    lambda lib: lib.nn.functional.affine_grid(lib.zeros(1, 2, 3, dtype=lib.int64), (1, 1, 2, 2), align_corners=False),
    lambda lib: lib.nn.functional.affine_grid(lib.zeros(1, 3, 3), (1, 1, 2, 2), align_corners=False),
    lambda lib: lib.nn.functional.affine_grid(lib.zeros(1, 2, 3), (1, 2, 2), align_corners=False),
    lambda lib: lib.nn.functional.affine_grid(lib.zeros(1, 2, 3), (1, 1, 0, 2), align_corners=False),
], ids=lambda f: "")
def test_grid_errors_match_torch(call):
    ours, theirs = _both(call)
    assert isinstance(theirs, Exception) and type(ours) is type(theirs), (ours, theirs)
    assert str(ours).replace("scratchnet", "torch") == str(theirs), (ours, theirs)


# ---- ctc_loss -----------------------------------------------------------------------------------------


def _ctc_both(x0, targets, il, tl, **kw):
    got = []
    for lib in (scratchnet, torch):
        x = lib.tensor(x0, requires_grad=True)
        loss = lib.nn.CTCLoss(**kw)(x.log_softmax(-1), lib.tensor(targets), il, tl)
        loss.sum().backward()
        got.append((loss.detach().numpy(), x.grad.numpy(), loss.grad_fn.name()))
    return got


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31), reduction=st.sampled_from(["none", "mean", "sum"]), zero_infinity=st.booleans(), dtype=st.sampled_from(["float32", "float64"]))
def test_ctc_loss_module_matches_torch(seed, reduction, zero_infinity, dtype):
    rng = np.random.default_rng(seed)
    t, n, c = 12, 4, 6
    tl = rng.integers(0, 7, n)
    il = rng.integers(1, t + 1, n)
    targets = rng.integers(1, c, (n, 6))
    flat = np.concatenate([targets[i, : tl[i]] for i in range(n)]) if rng.random() < 0.5 else targets
    ours, theirs = _ctc_both(rng.standard_normal((t, n, c)).astype(dtype), flat, tuple(il.tolist()), tuple(tl.tolist()), reduction=reduction, zero_infinity=zero_infinity)
    assert ours[2] == theirs[2]
    tol = 1e-4 if dtype == "float32" else 1e-10
    for a, b in zip(ours[:2], theirs[:2]):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_ctc_loss_unbatched_and_tensor_lengths():
    x0 = np.random.default_rng(1).standard_normal((7, 5))
    got = []
    for lib in (scratchnet, torch):
        x = lib.tensor(x0, requires_grad=True)
        loss = lib.nn.functional.ctc_loss(x.log_softmax(-1), lib.tensor([1, 3, 3]), lib.tensor(7), lib.tensor(3), blank=0, reduction="none")
        loss.backward()
        got.append((loss.detach().numpy(), x.grad.numpy(), loss.grad_fn.name(), tuple(loss.shape)))
    assert got[0][2:] == got[1][2:]
    np.testing.assert_allclose(got[0][0], got[1][0], rtol=1e-12)
    np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-10, atol=1e-12)


def test_ctc_loss_gradient_matches_finite_differences_through_log_softmax():
    rng = np.random.default_rng(2)
    x = scratchnet.tensor(rng.standard_normal((6, 2, 4)), requires_grad=True)
    targets = scratchnet.tensor([[1, 2, 2], [3, 1, 0]])
    assert scratchnet.gradcheck(lambda x: scratchnet.nn.functional.ctc_loss(x.log_softmax(-1), targets, [6, 5], [3, 2], reduction="none"), [x])


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.ctc_loss(lib.zeros(5, 2, 4), lib.ones(2, 2, dtype=lib.int64), [6, 1], [2, 2]),
    lambda lib: lib.nn.functional.ctc_loss(lib.zeros(5, 2, 4), lib.ones(2, 2, dtype=lib.int64), [5, 1], [2, 3]),
    lambda lib: lib.nn.functional.ctc_loss(lib.zeros(5, 2, 4), lib.ones(2, 2, dtype=lib.int64), [5, 3], [2, 1], blank=4),
    lambda lib: lib.nn.functional.ctc_loss(lib.zeros(5, 2, 4), lib.ones(2, 2, dtype=lib.int64), [5, 3, 1], [2, 1]),
    lambda lib: lib.nn.functional.ctc_loss(lib.zeros(5, 2, 4), lib.ones(2, 2, dtype=lib.int64), [5, 3], [2, 1, 4]),
    lambda lib: lib.nn.functional.ctc_loss(lib.zeros(5, 2, 4), lib.ones(2, 2, dtype=lib.int64), [5, 3], [2, 1], reduction="bad"),
    lambda lib: lib.nn.functional.ctc_loss(lib.zeros(0, 2, 4), lib.ones(2, 2, dtype=lib.int64), [0, 0], [0, 1]),
    lambda lib: lib.nn.functional.ctc_loss(lib.zeros(3), lib.ones(1, 1, dtype=lib.int64), [1], [1]),
], ids=lambda f: "")
def test_ctc_errors_match_torch(call):
    assert_same_error(call)


# ---- fractional_max_pool2d ---------------------------------------------------------------------------


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31), dtype=st.sampled_from(["float32", "float64"]), k=st.integers(1, 3),
       hw=st.tuples(st.integers(3, 12), st.integers(3, 12)), ratio=st.floats(0.3, 0.9), nan=st.booleans())
def test_fractional_max_pool2d_draws_torchs_windows(seed, dtype, k, hw, ratio, nan):
    a = np.random.default_rng(seed).standard_normal((2, 3) + hw).astype(dtype)
    a.flat[::5] = np.round(a.flat[::5])  # ties: the first maximum wins, as torch's kernel
    if nan:
        a.flat[::11] = np.nan  # NaN wins (the last one of a window)
    got = []
    for lib in (scratchnet, torch):
        lib.manual_seed(seed)
        x = lib.tensor(a, requires_grad=True)
        pool = lib.nn.FractionalMaxPool2d(k, output_ratio=ratio, return_indices=True)
        if min(int(hw[0] * ratio) + k - 1 - hw[0], int(hw[1] * ratio) + k - 1 - hw[1]) > 0 or min(int(hw[0] * ratio), int(hw[1] * ratio)) < 1:
            return
        try:
            out, idx = pool(x)
        except RuntimeError as e:
            got.append(e)
            continue
        out.backward(lib.ones_like(out))
        got.append((out.detach().numpy(), idx.numpy(), x.grad.numpy(), lib.rand(2).numpy()))
    if isinstance(got[1], Exception):
        assert isinstance(got[0], RuntimeError) and str(got[0]) == str(got[1])
        return
    for ours, theirs in zip(*got):
        np.testing.assert_array_equal(ours, theirs)


def test_fractional_module_and_errors():
    assert repr(scratchnet.nn.FractionalMaxPool2d(2, output_size=3)) == repr(torch.nn.FractionalMaxPool2d(2, output_size=3))
    for make in [lambda nn: nn.FractionalMaxPool2d(2), lambda nn: nn.FractionalMaxPool2d(2, 3, 0.5), lambda nn: nn.FractionalMaxPool2d(2, output_ratio=1.5)]:
        assert_same_error(lambda lib: make(lib.nn))
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 8)).astype(np.float32)
    for call in [
        lambda lib: lib.nn.functional.fractional_max_pool2d(lib.tensor(x), 2),
        lambda lib: lib.nn.functional.fractional_max_pool2d(lib.tensor(x), 2, output_ratio=(0.5, 0.5, 0.5)),
        lambda lib: lib.nn.functional.fractional_max_pool2d(lib.tensor(x), 5, output_size=5),
        lambda lib: lib.nn.functional.fractional_max_pool2d(lib.tensor(x), 2, output_size=3, _random_samples=lib.rand(1, 3, 2)),
        lambda lib: lib.nn.functional.fractional_max_pool2d(lib.tensor(x), 2, output_size=3, _random_samples=lib.rand(2, 3, 2, dtype=lib.float64)),
        lambda lib: lib.nn.functional.fractional_max_pool2d(lib.tensor(x).long(), 2, output_size=3),
    ]:
        assert_same_error(call)


# ---- finite differences the registry leaves out (slow or straight-through cases) -----------------------


@pytest.mark.parametrize("mode,padding_mode,align_corners", [("bilinear", "zeros", False), ("bilinear", "reflection", True), ("bilinear", "border", False),
                                                             ("bicubic", "zeros", True), ("bicubic", "reflection", False), ("nearest", "border", True)])
def test_grid_sample_finite_differences(mode, padding_mode, align_corners):
    rng = np.random.default_rng(8)
    x = scratchnet.tensor(rng.standard_normal((1, 1, 3, 3)), requires_grad=True)
    g = scratchnet.tensor(np.tanh(rng.standard_normal((1, 2, 2, 2))) * 1.3, requires_grad=True)

    def fn(x, g):
        return scratchnet.nn.functional.grid_sample(x, g, mode=mode, padding_mode=padding_mode, align_corners=align_corners)

    assert scratchnet.gradcheck(fn, [x, g])
    if mode == "bilinear":
        assert scratchnet.gradgradcheck(fn, [x, g])


def test_gumbel_softmax_soft_finite_differences():
    x = scratchnet.tensor(np.random.default_rng(9).standard_normal((2, 4)), requires_grad=True)

    def fn(x):
        scratchnet.manual_seed(3)
        return scratchnet.nn.functional.gumbel_softmax(x, tau=0.7)

    assert scratchnet.gradcheck(fn, [x])
    assert scratchnet.gradgradcheck(fn, [x])


# ---- AdaptiveLogSoftmaxWithLoss --------------------------------------------------------------------


@pytest.mark.parametrize("targets", [[0, 3, 4, 6, 9, 9, 5], [0, 1, 2, 3, 0, 1, 2], [7, 8, 9, 7, 8, 9, 9]])
def test_adaptive_log_softmax_matches_torch(targets):
    x0 = np.random.default_rng(0).standard_normal((7, 8))
    got = []
    for lib in (scratchnet, torch):
        lib.manual_seed(3)
        m = lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 7], div_value=2.0, head_bias=True).double()
        x = lib.tensor(x0, requires_grad=True)
        out = m(x, lib.tensor(targets))
        out.loss.backward()
        single = m(lib.tensor(x0[0]), lib.tensor(targets[0]))
        got.append([out.output.detach().numpy(), out.loss.detach().numpy(), x.grad.numpy(), m.head.weight.grad.numpy(),
                    None if m.tail[1][0].weight.grad is None else m.tail[1][0].weight.grad.numpy(), m.log_prob(lib.tensor(x0)).detach().numpy(), m.predict(lib.tensor(x0)).numpy(),
                    single.output.detach().numpy(), single.loss.detach().numpy(),
                    repr(m), [n for n, _ in m.named_parameters()], out.output.grad_fn.name(), out.loss.grad_fn.name()])
    for ours, theirs in zip(*got):
        if isinstance(ours, np.ndarray):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)
        else:
            assert ours == theirs


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, []),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [5, 3]),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 10]),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.ones(2, 4), lib.tensor([1, 10])),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.ones(2, 4), lib.tensor([1])),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.ones(2, 4), lib.tensor([[1]])),
    lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.ones(2, 4), lib.tensor(1)),
], ids=lambda f: "")
def test_adaptive_log_softmax_errors_match_torch(call):
    ours, theirs = _both(call)
    assert isinstance(theirs, Exception) and type(ours) is type(theirs), (ours, theirs)
    assert str(ours).replace("scratchnet", "torch") == str(theirs)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31), mode=st.sampled_from(["bilinear", "nearest", "bicubic"]),
       padding_mode=st.sampled_from(["zeros", "border", "reflection"]), align_corners=st.booleans())
def test_grid_sample_special_input_values(seed, mode, padding_mode, align_corners):
    """NaN, inf, huge and denormal pixels (the grid finite: torch's kernel reads out of bounds,
    and may crash, at non-finite grid points, which is why the registry case draws no special values):
    the samples and the input's gradient are torch's, NaN and inf placement included."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((1, 2, 3, 4))
    specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 3e38, -3e38, 1e-40, -1e-40, 1e-310])
    mask = rng.random(a.shape) < 0.3
    a[mask] = rng.choice(specials, a.shape)[mask]
    g = np.tanh(rng.standard_normal((1, 3, 2, 2))) * 1.3
    got = []
    for lib in (scratchnet, torch):
        x = lib.tensor(a, requires_grad=True)
        out = lib.nn.functional.grid_sample(x, lib.tensor(g), mode=mode, padding_mode=padding_mode, align_corners=align_corners)
        (gx,) = lib.autograd.grad(out, x, lib.ones_like(out))
        got.append((out.detach().numpy(), gx.numpy()))
    for ours, theirs in zip(*got):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12, equal_nan=True)
