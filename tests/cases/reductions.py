"""Registry cases for the reductions (scratchnet/ops/reduce.py, stats.py, norms.py).

Dims are drawn as torch takes them (None, ints, negative ints, tuples, ``()``), with keepdim, on
0-d and 0-size shapes; inputs as float, integer and bool tensors; values with ties, NaN and
infinities in the ``-special`` cases (which skip finite differences). These cases supersede the
older ``sum mean max min amax amin var std argmax argmin`` cases of tests/registry.py.
"""

import math

from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..registry import NO_LARGE, Case, Example, broadcast_pair, distinct, on_grid, seeds, unary
from ._reducing import (
    ALL_KINDS, NUMERIC_KINDS, as_kind, dims_example, linalg, nonempty_reduction, reduced,
    shapes_any, specials, specials_no_cancel, ties, with_nan, with_nan_apart, with_zeros, wrap_negative,
)

kinds = st.sampled_from


def _with_dim(method, dim, keepdim=None, **kw):
    """Call ``method`` leaving out ``dim`` (and keepdim) when the example has none."""
    if dim is None:
        return method(**kw)
    return method(dim=dim, keepdim=keepdim, **kw) if keepdim is not None else method(dim=dim, **kw)


def _sum(lib, a, dim, keepdim, kind, dtype):
    a = as_kind(lib, a, kind)
    extra = {"dtype": getattr(lib, dtype)} if dtype else {}
    return _with_dim(a.sum, dim, keepdim, **extra)


def _mean(lib, a, dim, keepdim, dtype):
    extra = {"dtype": getattr(lib, dtype)} if dtype else {}
    return _with_dim(a.mean, dim, keepdim, **extra)


def _extreme(name):
    def call(lib, a, dim, keepdim, kind):
        a = as_kind(lib, a, kind)
        return getattr(a, name)() if dim is None else tuple(getattr(a, name)(dim, keepdim=keepdim))

    return call


def _amax(name):
    return lambda lib, a, dim, keepdim, kind: getattr(lib, name)(as_kind(lib, a, kind), dim=dim, keepdim=keepdim)


def _arg(name):
    def call(lib, a, dim, keepdim, kind):
        a = as_kind(lib, a, kind)
        return getattr(a, name)(keepdim=keepdim) if dim is None else getattr(a, name)(dim, keepdim=keepdim)

    return call


def _variance(name):
    def call(lib, a, dim, keepdim, correction, form):
        fn = getattr(lib, name)
        if form == "unbiased":
            return fn(a, dim, correction == 1, keepdim) if dim is not None else fn(a, unbiased=correction == 1)
        return fn(a, dim=dim, keepdim=keepdim, correction=correction)

    return call


def enough_samples(example):
    """N >= 2 and N - correction > 0 in every group (else the result is inf or NaN: see the
    -special cases)."""
    s, c = example.shapes[0], example.params["correction"]
    n = 1
    for d in set(reduced(example)):
        n *= s[d]
    return n >= 2 and n - (1 if c is None else c) > 0  # one sample: std = 0, where it has no derivative


corrections = st.sampled_from([None, 0, 1, 2, 0.5])
forms = st.sampled_from(["correction", "correction", "unbiased"])
no_tuple_empty = dict(tuples=False, empty=False)


def _prod(lib, a, dim, keepdim, kind, dtype):
    a = as_kind(lib, a, kind)
    extra = {"dtype": getattr(lib, dtype)} if dtype else {}
    return a.prod(**extra) if dim is None else a.prod(dim, keepdim=keepdim, **extra)


def _median(name):
    def call(lib, a, dim, keepdim, kind):
        a = as_kind(lib, a, kind)
        return getattr(a, name)() if dim is None else tuple(getattr(a, name)(dim, keepdim=keepdim))

    return call


def _aminmax(lib, a, dim, keepdim, kind):
    a = as_kind(lib, a, kind)
    return tuple(lib.aminmax(a, keepdim=keepdim) if dim is None else lib.aminmax(a, dim=dim, keepdim=keepdim))


def _pair(name):
    def call(lib, a, dim, keepdim, correction, form):
        fn = getattr(lib, name)
        if form == "unbiased":
            return fn(a, dim, correction == 1, keepdim) if dim is not None else fn(a, unbiased=correction == 1)
        return fn(a, dim=dim, keepdim=keepdim, correction=correction)

    return call


orders = st.sampled_from([2, 2, 1, math.inf, -math.inf, 0, 0.5, 3, -1, -2.5])


def norm_defined(example):
    """inf and negative orders have no identity: their groups must be non-empty."""
    p = example.params.get("ord", example.params.get("p"))
    s = example.shapes[0]
    if isinstance(p, str) or p is None or (p >= 0 and p != math.inf):
        return True
    return all(s[d] > 0 for d in reduced(example)) and (not s or min(s) > 0 or len(reduced(example)) < len(s))


def _norm(lib, a, p, dim, keepdim, dtype):
    extra = {"dtype": getattr(lib, dtype)} if dtype else {}
    if p is None:
        return a.norm(dim=dim, keepdim=keepdim, **extra)
    return a.norm(p, dim, keepdim, **extra)


@st.composite
def norm_example(draw, dtypes=st.sampled_from([None, None, "float64"])):
    example = draw(dims_example(shapes_any, empty=False, p=st.one_of(orders, st.just("fro")), dtype=dtypes))
    if example.params["p"] == "fro" and isinstance(example.params["dim"], tuple) and len(example.params["dim"]) > 2:
        example.params["dim"] = example.params["dim"][:2]
    return example


def _vector_norm(lib, a, ord, dim, keepdim, dtype):
    extra = {"dtype": getattr(lib, dtype)} if dtype else {}
    return linalg(lib).vector_norm(a, ord, dim, keepdim, **extra)


@st.composite
def matrix_example(draw, ords):
    s = draw(hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4))
    n = len(s)
    rows, cols = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
    dim = (wrap_negative(draw, rows, n), wrap_negative(draw, cols, n))
    return Example([s], {"ord": draw(ords), "dim": dim, "keepdim": draw(st.booleans())}, draw(seeds))


def _matrix_norm(lib, a, ord, dim, keepdim):
    return linalg(lib).matrix_norm(a, ord, dim, keepdim)


any_dims = dims_example(shapes_any, kind=kinds(ALL_KINDS), dtype=st.sampled_from([None, None, "float64"]))


def not_empty_tuple(example):
    """torch's backward of var/std over ``dim=()`` divides by N - correction with N = 1 (it reads
    ``()`` as no dims, where the forward reads all dims): a torch quirk not copied, so gradient
    cases leave ``()`` to the forward-only -special cases."""
    return example.params["dim"] != ()

CASES = [
    # sum and mean: every dim form, empty shapes, integer and bool input, dtype=
    Case("sum-dims", _sum, any_dims),
    Case("sum-special", _sum, dims_example(shapes_any, kind=st.just("float"), dtype=st.just(None)), domain=specials_no_cancel, fd=False),
    Case("mean-dims", _mean, dims_example(shapes_any, dtype=st.sampled_from([None, None, "float64"]))),
    Case("mean-special", _mean, dims_example(shapes_any, dtype=st.just(None)), domain=specials_no_cancel, fd=False),
    # max / min (whole, or along a dim with indices) and amax / amin (over dims)
    Case("max-dims", _extreme("max"), dims_example(tuples=False, kind=kinds(ALL_KINDS)).filter(nonempty_reduction), domain=distinct),
    Case("min-dims", _extreme("min"), dims_example(tuples=False, kind=kinds(ALL_KINDS)).filter(nonempty_reduction), domain=distinct),
    Case("max-special", _extreme("max"), dims_example(tuples=False, kind=st.just("float")).filter(nonempty_reduction), domain=with_nan, fd=False),
    Case("min-special", _extreme("min"), dims_example(tuples=False, kind=st.just("float")).filter(nonempty_reduction), domain=with_nan, fd=False),
    Case("max-ties", _extreme("max"), dims_example(tuples=False, kind=st.just("float")).filter(nonempty_reduction), domain=ties, fd=False),
    Case("max-binary", lambda lib, a, b: (lib.max(a, b), lib.min(a, b)), broadcast_pair(), domain=[on_grid(0.0), on_grid(0.05)]),
    Case("amax-dims", _amax("amax"), dims_example(none=False, kind=kinds(ALL_KINDS)).filter(nonempty_reduction), domain=distinct),
    Case("amin-dims", _amax("amin"), dims_example(none=False, kind=kinds(ALL_KINDS)).filter(nonempty_reduction), domain=distinct),
    Case("amax-ties", _amax("amax"), dims_example(none=False, kind=st.just("float")).filter(nonempty_reduction), domain=ties, fd=False),
    Case("amin-special", _amax("amin"), dims_example(none=False, kind=st.just("float")).filter(nonempty_reduction), domain=with_nan, fd=False),
    Case("argmax-dims", _arg("argmax"), dims_example(tuples=False, kind=kinds(NUMERIC_KINDS)).filter(nonempty_reduction), domain=distinct, grad=False),
    Case("argmin-dims", _arg("argmin"), dims_example(tuples=False, kind=kinds(NUMERIC_KINDS)).filter(nonempty_reduction), domain=distinct, grad=False),
    Case("argmax-special", _arg("argmax"), dims_example(tuples=False, kind=st.just("float")).filter(nonempty_reduction), domain=with_nan, grad=False),
    # var / std with correction= and unbiased=
    Case("var-dims", _variance("var"), dims_example(correction=corrections, form=forms).filter(enough_samples).filter(not_empty_tuple), tol32=1e-4, specials=NO_LARGE),  # +-1e30 / 3e38: a float32 full sum overflows or not, a mean's 1e30s cancel to rounding residue (torch's Welford/SIMD order vs NumPy's pairwise)
    Case("std-dims", _variance("std"), dims_example(correction=corrections, form=forms).filter(enough_samples).filter(not_empty_tuple), tol32=1e-4, specials=NO_LARGE),  # +-1e30 / 3e38: a float32 full sum overflows or not, a mean's 1e30s cancel to rounding residue (torch's Welford/SIMD order vs NumPy's pairwise)
    Case("var-special", _variance("var"), dims_example(shapes_any, correction=corrections, form=forms), domain=specials, grad=False),
    Case("std-special", _variance("std"), dims_example(shapes_any, correction=corrections, form=forms), domain=specials, grad=False),
    Case("var_mean", _pair("var_mean"), dims_example(correction=corrections, form=forms).filter(enough_samples).filter(not_empty_tuple), tol32=1e-4, specials=NO_LARGE),  # +-1e30 / 3e38: a float32 full sum overflows or not, a mean's 1e30s cancel to rounding residue (torch's Welford/SIMD order vs NumPy's pairwise)
    Case("std_mean", _pair("std_mean"), dims_example(correction=corrections, form=forms).filter(enough_samples).filter(not_empty_tuple), tol32=1e-4, specials=NO_LARGE),  # +-1e30 / 3e38: a float32 full sum overflows or not, a mean's 1e30s cancel to rounding residue (torch's Welford/SIMD order vs NumPy's pairwise)
    # prod (with zeros: torch's exact gradient, twice differentiable), logsumexp, logical reductions
    Case("prod", _prod, dims_example(shapes_any, **no_tuple_empty, kind=kinds(ALL_KINDS), dtype=st.sampled_from([None, None, "float64"]))),
    Case("prod-zeros", _prod, dims_example(shapes_any, **no_tuple_empty, kind=st.just("float"), dtype=st.just(None)), domain=with_zeros),
    Case("prod-special", _prod, dims_example(shapes_any, **no_tuple_empty, kind=st.just("float"), dtype=st.just(None)), domain=specials, grad=False),
    Case("logsumexp", lambda lib, a, dim, keepdim, kind: lib.logsumexp(as_kind(lib, a, kind), dim, keepdim), dims_example(shapes_any, none=False, empty=False, kind=kinds(ALL_KINDS))),
    Case("logsumexp-special", lambda lib, a, dim, keepdim: lib.logsumexp(a, dim, keepdim), dims_example(shapes_any, none=False, empty=False), domain=specials, fd=False),
    Case("all", lambda lib, a, dim, keepdim, kind: _with_dim(as_kind(lib, a, kind).all, dim, keepdim), dims_example(shapes_any, kind=kinds(ALL_KINDS)), domain=specials, grad=False),
    Case("any", lambda lib, a, dim, keepdim, kind: _with_dim(as_kind(lib, a, kind).any, dim, keepdim), dims_example(shapes_any, kind=kinds(ALL_KINDS)), domain=specials, grad=False),
    Case("count_nonzero", lambda lib, a, dim, kind: _with_dim(as_kind(lib, a, kind).count_nonzero, dim), dims_example(shapes_any, empty=False, keepdim=False, kind=kinds(ALL_KINDS)), domain=specials, grad=False),
    Case("nansum", lambda lib, a, dim, keepdim, kind: _with_dim(as_kind(lib, a, kind).nansum, dim, keepdim), dims_example(shapes_any, kind=kinds(ALL_KINDS)), domain=with_nan),
    Case("nanmean", lambda lib, a, dim, keepdim: _with_dim(a.nanmean, dim, keepdim), dims_example(shapes_any), domain=with_nan, fd=False, specials=NO_LARGE),  # +-1e30 / 3e38 cancel or absorb the small values by the order of summation (torch's SIMD lanes vs NumPy's pairwise sum)
    # median / nanmedian / mode: torch's lower median, NaN rules, last index of the mode
    Case("median", _median("median"), dims_example(**no_tuple_empty, kind=kinds(NUMERIC_KINDS)).filter(nonempty_reduction), domain=distinct),
    Case("median-empty", lambda lib, a: a.median(), unary(shapes_any), grad=False),
    Case("median-special", _median("median"), dims_example(**no_tuple_empty, kind=st.just("float")).filter(nonempty_reduction), domain=with_nan, fd=False),
    Case("median-ties", _median("median"), dims_example(**no_tuple_empty, kind=st.just("float")).filter(nonempty_reduction), domain=ties, fd=False),
    Case("nanmedian", _median("nanmedian"), dims_example(**no_tuple_empty, kind=kinds(NUMERIC_KINDS)).filter(nonempty_reduction), domain=distinct),
    Case("nanmedian-special", _median("nanmedian"), dims_example(**no_tuple_empty, kind=st.just("float")).filter(nonempty_reduction), domain=with_nan_apart, fd=False),
    Case("mode", lambda lib, a, dim, keepdim, kind: tuple(as_kind(lib, a, kind).mode(dim, keepdim)), dims_example(none=False, **no_tuple_empty, kind=kinds(NUMERIC_KINDS)).filter(nonempty_reduction), domain=distinct),
    Case("mode-ties", lambda lib, a, dim, keepdim: tuple(a.mode(dim, keepdim)), dims_example(none=False, **no_tuple_empty).filter(nonempty_reduction), domain=ties, fd=False),
    Case("aminmax", _aminmax, dims_example(**no_tuple_empty, kind=kinds(ALL_KINDS)).filter(nonempty_reduction), domain=distinct),
    # norms
    Case("norm", _norm, norm_example().filter(norm_defined), domain=distinct, tol32=1e-4),
    Case("vector_norm", _vector_norm, dims_example(shapes_any, empty=False, ord=orders, dtype=st.sampled_from([None, None, "float64"])).filter(norm_defined), domain=distinct, tol32=1e-4),
    # gaussian values: sums of |A| never tie (a tie would make the second derivative jump)
    Case("matrix_norm", _matrix_norm, matrix_example(st.sampled_from(["fro", 1, -1, math.inf, -math.inf])), tol32=1e-4),
    Case("matrix_norm-svd", _matrix_norm, matrix_example(st.sampled_from(["nuc", 2, -2])), grad=False, tol32=1e-4),
    Case("norm-special", lambda lib, a, p, dim, keepdim, dtype: _norm(lib, a, p, dim, keepdim, dtype), norm_example(st.just(None)).filter(norm_defined), domain=specials, fd=False, tol32=1e-4),
]

