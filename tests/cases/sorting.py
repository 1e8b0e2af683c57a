"""Registry cases for sorting and selection (scratchnet/ops/sort.py): sort, argsort, msort, topk,
kthvalue, unique, unique_consecutive, searchsorted, bucketize — ties, NaN, 0-d and 0-size shapes."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..registry import Case, Example, distinct, seeds
from ._reducing import ALL_KINDS, as_kind, dims_example, shapes_any, specials, ties, wrap_negative

one_dim = dict(none=False, tuples=False, empty=False, keepdim=False)


def _sort(lib, a, dim, kind, descending, stable):
    a = as_kind(lib, a, kind)
    return tuple(a.sort(dim=dim, descending=descending, stable=stable) if stable else a.sort(dim, descending))


def _argsort(lib, a, dim, kind, descending):
    return lib.argsort(as_kind(lib, a, kind), dim=dim, descending=descending, stable=True)


sort_params = dict(kind=st.sampled_from(ALL_KINDS), descending=st.booleans())


@st.composite
def k_example(draw, keepdim=False, low=0, kinds=("float",)):
    """A dim and a ``k`` within its size (``low``..size; a 0-d tensor counts as size 1). Float
    input only: which of several equal values topk/kthvalue report is torch's selection
    algorithm's accident, so integer input (full of ties) would compare nothing meaningful."""
    example = draw(dims_example(shapes_any, **one_dim, kind=st.sampled_from(kinds)))
    s, dim = example.shapes[0], example.params["dim"]
    size = s[dim] if s else 1
    if size < low:
        s = tuple(max(n, 1) for n in s)
        example.shapes[0], size = s, s[dim] if s else 1
    example.params["k"] = draw(st.integers(low, size))
    if keepdim:
        example.params["keepdim"] = draw(st.booleans())
    else:
        example.params["largest"] = draw(st.booleans())
    return example


def _topk(lib, a, dim, kind, k, largest):
    x = as_kind(lib, a, kind)
    values, indices = x.topk(k, dim=dim, largest=largest)
    if x.is_floating_point():
        return values, indices
    # integer input (the dtype sweep) is full of ties, where torch's indices are its selection
    # algorithm's accident: compare the values the indices point at instead
    return values, x.gather(dim, indices) if x.ndim else x


def _kthvalue(lib, a, dim, kind, k, keepdim):
    """The k-th values, and the input at the returned indices rather than the indices: among tied
    values (the integer draws round to ties) torch's index is whichever its quickselect's
    partitioning leaves there, an implementation detail; the index must point at a k-th value
    (with the distinct float draws that is the index itself)."""
    a = as_kind(lib, a, kind)
    values, indices = a.kthvalue(k, dim, keepdim)
    if a.ndim == 0:
        return values, indices
    return values, a.gather(dim, indices if keepdim else indices.unsqueeze(dim))


def _unique(lib, a, kind, return_inverse, return_counts, dim, consecutive):
    a = as_kind(lib, a, kind)
    fn = lib.unique_consecutive if consecutive else lib.unique
    return fn(a, return_inverse=return_inverse, return_counts=return_counts, dim=dim)


@st.composite
def unique_example(draw, consecutive=False):
    s = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    n = len(s)
    dim = None if not n or draw(st.booleans()) else wrap_negative(draw, draw(st.integers(0, n - 1)), n)
    params = dict(kind=draw(st.sampled_from(ALL_KINDS)), return_inverse=draw(st.booleans()), return_counts=draw(st.booleans()), dim=dim, consecutive=consecutive)
    return Example([s], params, draw(seeds))


def no_nan_with_dim(example):
    return example.params["dim"] is None


def unique_allowed(example):
    """torch refuses ``dim`` when some other dim has size 0 (tests/test_reductions.py checks the error)."""
    s, dim = example.shapes[0], example.params["dim"]
    return dim is None or all(n > 0 for i, n in enumerate(s) if i != dim % len(s))


@st.composite
def search_example(draw, bucketize=False, kinds=("float",)):
    """Sorted boundaries (1-D, or with leading dims matching the values') and values to place."""
    m = draw(st.integers(0, 5))
    if bucketize or draw(st.booleans()):
        boundaries, values = (m,), draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4))
    else:
        lead = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=3))
        boundaries, values = lead + (m,), lead + (draw(st.integers(0, 4)),)
    params = dict(right=draw(st.booleans()), out_int32=draw(st.booleans()), kind=draw(st.sampled_from(kinds)))
    if not bucketize:
        params["side"] = draw(st.sampled_from([None, None, "left", "right"]))
        if params["side"] == "left":
            params["right"] = False
    return Example([boundaries, values], params, draw(seeds))


def _searchsorted(lib, b, v, right, out_int32, kind, side):
    b, v = as_kind(lib, b, kind), as_kind(lib, v, kind)
    return lib.searchsorted(b.sort(dim=-1).values, v, right=right, side=side, out_int32=out_int32)


def _bucketize(lib, b, v, right, out_int32, kind):
    b, v = as_kind(lib, b, kind), as_kind(lib, v, kind)
    return lib.bucketize(v, b.sort().values, right=right, out_int32=out_int32)


def values_with_nan(x, rng):
    """Values on the boundaries' grid (so left and right differ), some NaN."""
    x = ties(x, rng)
    x[rng.random(x.shape) < 0.2] = np.nan
    return x


# topk/kthvalue pick among equal values by torch's selection algorithm (its indices, and so its
# gradients, are unspecified on ties): their -special cases compare the values only.
CASES = [
    Case("sort", _sort, dims_example(shapes_any, **one_dim, stable=st.booleans(), **sort_params), domain=distinct),
    Case("sort-ties", _sort, dims_example(shapes_any, **one_dim, stable=st.just(True), **sort_params), domain=ties, fd=False),
    Case("sort-special", _sort, dims_example(shapes_any, **one_dim, stable=st.just(True), kind=st.just("float"), descending=st.booleans()), domain=specials, fd=False),
    Case("argsort", _argsort, dims_example(shapes_any, **one_dim, **sort_params), domain=specials, grad=False),
    Case("msort", lambda lib, a: lib.msort(a), dims_example(shapes_any, **one_dim).map(lambda e: Example(e.shapes, {}, e.seed)), domain=distinct),
    Case("topk", _topk, k_example(), domain=distinct),
    Case("topk-special", lambda lib, a, dim, kind, k, largest: as_kind(lib, a, kind).topk(k, dim=dim, largest=largest).values, k_example(), domain=specials, grad=False),
    Case("kthvalue", _kthvalue, k_example(keepdim=True, low=1), domain=distinct),
    Case("kthvalue-special", lambda lib, a, dim, kind, k, keepdim: as_kind(lib, a, kind).kthvalue(k, dim, keepdim).values, k_example(keepdim=True, low=1), domain=specials, grad=False),
    Case("unique", _unique, unique_example().filter(unique_allowed), domain=ties, grad=False),
    Case("unique-nan", _unique, unique_example().filter(no_nan_with_dim), domain=specials, grad=False),
    Case("unique_consecutive", _unique, unique_example(consecutive=True).filter(unique_allowed), domain=ties, grad=False),
    Case("searchsorted", _searchsorted, search_example(), domain=[ties, values_with_nan], grad=False),
    Case("searchsorted-int", _searchsorted, search_example(kinds=("int64", "int32", "uint8")), domain=[ties, ties], grad=False),
    Case("bucketize", _bucketize, search_example(bucketize=True), domain=[ties, values_with_nan], grad=False),
]
