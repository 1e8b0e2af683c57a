"""Edge cases the randomized parity harness found differing from torch, pinned as fixed examples
(each compared with torch itself, so the test states torch's behaviour, not a copy of it)."""

import numpy as np
import pytest
import torch

import scratchnet

from .parity import assert_close


def _same(ours, theirs):
    """The harness's comparison (shape, dtype, values, NaN where torch has NaN), to 1e-6."""
    assert_close(ours, theirs, 1e-6, 0.0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("data", [[0.37293884], [-3e38, 3e38], [-3e38, 0.0, 1.0], [-1e30, 1e30, 0.0], [0.1, 0.2, 0.3, 0.7]])
@pytest.mark.parametrize("bins", [1, 2, 3, 5])
def test_histc_bins_by_linear_interpolation(data, dtype, bins):
    """torch's histc: bin = trunc((x - min) * bins / (max - min)) in the input's dtype (not a search
    of the edges); an overflowing range gives NaN edges (nothing counted), an overflowing quotient
    the first bin."""
    a = np.array(data, dtype=dtype)
    _same(scratchnet.histc(scratchnet.tensor(a), bins=bins).numpy(), torch.histc(torch.tensor(a), bins=bins))


def _grad(lib, fn, a, g):
    x = lib.tensor(a, requires_grad=True)
    return lib.autograd.grad(fn(lib, x), x, lib.tensor(g))[0]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [1, 7, 9, 16, 17, 40])
@pytest.mark.parametrize("eps", [None, 0.0, 0.1])
def test_logit_gradient_at_poles_and_nan(n, dtype, eps):
    """logit's gradient at -0.0, 0, 1 and NaN, where torch's scalar and vector loops differ (by the
    element's position in the tensor)."""
    rng = np.random.default_rng(n)
    a = rng.choice(np.array([-0.0, 0.0, 1.0, 0.5, -0.5, 2.0, np.nan, 0.05]), n).astype(dtype)
    g = rng.standard_normal(n).astype(dtype)
    fn = lambda lib, x: lib.logit(x, eps)  # noqa: E731
    with np.errstate(all="ignore"):
        _same(_grad(scratchnet, fn, a, g).numpy(), _grad(torch, fn, a, g))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_glu_gradient_with_huge_first_half(dtype):
    """glu's gradient of b is ((1 - s) s) a g in torch's order: a huge a against a vanishing
    sigmoid'(b) is 0 (scratchnet's composition once gave g * a = inf first, then inf * 0 = NaN)."""
    a = np.array([[-3e38, 1e30, 2.0, -np.inf], [-1e300, 0.5, np.nan, 3.0]], dtype=dtype)
    b = np.array([[-1.5e38, -1e30, 0.25, -1.0], [-200.0, np.inf, 1.0, -np.inf]], dtype=dtype)
    x = np.concatenate([a, b], axis=1)
    g = np.full((2, 4), 4.0, dtype=dtype)
    fn = lambda lib, t: lib.nn.functional.glu(t, dim=1)  # noqa: E731
    with np.errstate(all="ignore"):
        _same(fn(scratchnet, scratchnet.tensor(x)).numpy(), fn(torch, torch.tensor(x)))
        _same(_grad(scratchnet, fn, x, g).numpy(), _grad(torch, fn, x, g))


CDIST_MODES = ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"]


@pytest.mark.parametrize("mode", CDIST_MODES)
@pytest.mark.parametrize("p", [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, float("inf")])
@pytest.mark.parametrize("shapes", [[(3, 2), (2, 2)], [(0, 1), (1, 1)], [(2, 1), (0, 1)], [(2, 3), (3, 3)]])
def test_cdist_with_special_values(shapes, p, mode):
    """cdist's values and gradients with NaN, inf, huge and zero coordinates and empty sets: torch's
    per-difference backward (and its _euclidean_dist node for use_mm), no x * 0 products."""
    rng = np.random.default_rng(len(shapes[0]) + int(10 * p if p < 9 else 99))
    specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -3e38, 1e-40])
    arrays = []
    for s in shapes:
        x = rng.standard_normal(s)
        mask = rng.random(s) < 0.3
        arrays.append(np.where(mask, rng.choice(specials, s), x).astype("float32"))
    g = rng.standard_normal((shapes[0][0], shapes[1][0])).astype("float32")
    results = []
    for lib in (scratchnet, torch):
        xs = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = lib.cdist(*xs, p=p, compute_mode=mode)
        results.append([out.detach().numpy()] + [q.numpy() for q in lib.autograd.grad(out, xs, lib.tensor(g))])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4, equal_nan=True)


@pytest.mark.parametrize("shape", [(1, 2, 3), (1, 2, 2), (2, 1, 3, 2), (1, 2, 2, 3), (1, 1, 3, 2, 2)])
@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "linear", "bilinear", "trilinear"])
@pytest.mark.parametrize("scale_factor", [1.25, 2.3, 0.9, 3.0])
def test_interpolate_index_rules(shape, mode, scale_factor):
    """torch's index rules: a dim whose size is unchanged is copied (x * 1 + x * 0 in linear
    modes, so an inf becomes NaN and nothing mixes), 2-D nearest copies at the same size and takes
    i // 2 at twice the size, the nearest scales are float32."""
    needs = {"linear": 3, "bilinear": 4, "trilinear": 5}
    if mode in needs and len(shape) != needs[mode]:
        return
    rng = np.random.default_rng(len(shape))
    x = rng.standard_normal(shape)
    x.flat[1] = np.inf
    fn = lambda lib, t: lib.nn.functional.interpolate(t, scale_factor=scale_factor, mode=mode)  # noqa: E731
    with np.errstate(all="ignore"):
        _same(fn(scratchnet, scratchnet.tensor(x)).numpy(), fn(torch, torch.tensor(x)))


@pytest.mark.parametrize("dtype", ["int32", "int64", "bool", "uint8"])
@pytest.mark.parametrize("shape", [(1, 2, 3), (1, 0, 3), (1, 2, 2, 2), (1, 0, 2, 2)])
def test_interpolate_nearest_refusals(dtype, shape):
    """nearest takes floats and uint8 only; a 0-channel input is torch's RuntimeError."""
    outcomes = []
    for lib in (scratchnet, torch):
        try:
            out = lib.nn.functional.interpolate(lib.zeros(shape, dtype=getattr(lib, dtype)), scale_factor=2.0)
            outcomes.append(("ok", str(out.dtype).split(".")[-1], tuple(out.shape)))
        except Exception as e:  # noqa: BLE001
            outcomes.append((type(e).__name__,))
    assert outcomes[0] == outcomes[1]


def test_cosine_embedding_loss_epsilon_is_a_float32_constant():
    """torch adds its EPSILON, a C++ float (9.999999960e-13), to the squared norms, also in float64:
    visible where a squared norm is below it."""
    a = np.array([[-3e38, 1.0], [2.0, 3.0]])
    b = np.array([[1e-40, 1e-9], [1e-7, 0.0]])
    g = np.array([1.25, -0.5])
    fn = lambda lib, x, y: lib.nn.functional.cosine_embedding_loss(x, y, lib.tensor([1, -1]), reduction="none")  # noqa: E731
    grads = []
    for lib in (scratchnet, torch):
        xs = [lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)]
        grads.append(lib.autograd.grad(fn(lib, *xs), xs, lib.tensor(g)))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("right", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_searchsorted_binary_search_with_nan_boundaries(seed, right):
    """torch's binary search steps right while !(mid >= v) (!(mid > v) for right): NaN boundaries
    (sorted last) send it right wherever it meets them, so the answer follows the search path."""
    rng = np.random.default_rng(seed)
    pool = np.array([np.nan, -3e38, -1.0, 0.0, -0.0, 1e-40, 0.5, 1e30, np.inf])
    b = np.sort(rng.choice(pool, (2, int(rng.integers(0, 7)))).astype("float32"), axis=-1)
    v = rng.choice(pool, (2, 5)).astype("float32")
    for bb in (b, b[0]):
        vv = v if bb.ndim == 2 else v[0]
        ours = scratchnet.searchsorted(scratchnet.tensor(bb), scratchnet.tensor(vv), right=right)
        np.testing.assert_array_equal(ours.numpy(), torch.searchsorted(torch.tensor(bb), torch.tensor(vv), right=right).numpy())


@pytest.mark.parametrize("shape", [(), (1,), (3,), (0,), (2, 2)])
@pytest.mark.parametrize("k", [0, 1, 2, 5])
def test_kthvalue_bool_and_checks_order(shape, k):
    """torch checks the dim's size and k before its dtype dispatch, and copies a 0-d input (so a
    0-d bool works, a 1-d one is NotImplementedError)."""
    outcomes = []
    for lib in (scratchnet, torch):
        try:
            out = lib.zeros(shape, dtype=lib.bool).kthvalue(k, 0)
            outcomes.append((out.values.tolist(), out.indices.tolist(), str(out.values.dtype).split(".")[-1]))
        except Exception as e:  # noqa: BLE001
            outcomes.append(type(e).__name__)
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("op", ["var", "std", "var_mean", "std_mean"])
@pytest.mark.parametrize("dim", [None, 0, 1])
@pytest.mark.parametrize("correction", [0, 1, 2, 3])
def test_variance_huge_values_and_small_counts(op, dim, correction):
    """torch's var/std: a full reduction takes the mean in float32 (3e38 + 3e38 overflows), any other
    reduction and var_mean/std_mean a Welford pass in double; the gradient is (2 / dof) g (x - mean)
    in that order, and with no dim and N <= correction it is g * (NaN at the mean, else inf)."""
    x = np.array([[3e38, 3e38, 1.0], [0.5, -1.0, 2.0]], dtype="float32")
    g = np.float32(1.75)
    results = []
    for lib in (scratchnet, torch):
        t = lib.tensor(x, requires_grad=True)
        fn = getattr(lib, op)
        out = fn(t, correction=correction) if dim is None else fn(t, dim=dim, correction=correction)
        first = out[0] if isinstance(out, tuple) else out
        grad = lib.autograd.grad(first, t, lib.ones_like(first) * g)[0]
        results.append([first.detach().numpy(), grad.numpy()])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=0, equal_nan=True)


@pytest.mark.parametrize("value", [-np.inf, np.inf, np.nan, 3e38, -3e38, 0.0, 1.5])
def test_matrix_exp_one_by_one_is_exp(value):
    """torch's matrix_exp of a 1x1 matrix is exp of its entry (exp(-inf) = 0)."""
    a = np.full((2, 1, 1), value, dtype="float32")
    with np.errstate(all="ignore"):
        _same(scratchnet.matrix_exp(scratchnet.tensor(a)).numpy(), torch.matrix_exp(torch.tensor(a)))
