"""Registry cases for gather/scatter, index_* and mask ops (scratchnet/ops/scatter.py, index.py).

Strategies draw 0-d and empty shapes, negative dims and repeated indices where the op sums them
(scatter_add, index_add, index_put with accumulate); where torch writes one of several values at
a repeated index in no set order (scatter, index_copy, index_put without accumulate) the indices
are drawn unique. The ``-dtypes`` cases run the forward on integer and bool inputs.
"""

import warnings

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..registry import Case, Example, away_from_zero, const, distinct, seeds

any_shape = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
INT_DTYPES = st.sampled_from(["int64", "int32", "uint8", "bool"])


def _cast(lib, x, dtype):
    """A float input as an integer/bool tensor with small distinct-ish values (forward-only cases)."""
    return (x.abs() * 3).to(getattr(lib, dtype))


def _column_values(rng, shape, dim, high, unique):
    """Index values in ``[0, high)`` for an index of ``shape``; unique along ``dim`` if asked."""
    if not unique:
        return rng.integers(0, max(high, 1), size=shape).astype(np.int64)
    full = list(shape)
    full[dim] = high
    order = np.argsort(rng.random(full), axis=dim)
    return np.take(order, np.arange(shape[dim]), axis=dim).astype(np.int64)


@st.composite
def scatter_example(draw, unique=False, with_src=True, index_dtype=np.int64):
    """An input, an index no larger than it apart from ``dim`` (and src of the index's shape)."""
    s = draw(any_shape)
    nd = max(len(s), 1)
    dim = draw(st.integers(-nd, nd - 1))
    d = dim % nd
    s1 = s if s else (1,)
    ishape = [draw(st.integers(0, n)) for n in s1]
    ishape[d] = draw(st.integers(0, s1[d] if unique else (4 if s1[d] else 0)))
    if not s:
        ishape = draw(st.sampled_from([(), (1,)] if not unique else [(), (1,), (0,)]))
    seed = draw(seeds)
    rng = np.random.default_rng(seed)
    values = _column_values(rng, tuple(ishape) if ishape else (1,), d, s1[d], unique).reshape(tuple(ishape)).astype(index_dtype)
    shapes = [s, tuple(ishape)] if with_src else [s]
    return Example(shapes, {"dim": dim, "index": values}, seed)


@st.composite
def index_dim_example(draw, unique=False, source=False, negative=False, allow_0d_index=True):
    """An input, a dim, a 1-D (or 0-d) index along it, and (``source``) a source of the index's length."""
    s = draw(any_shape)
    nd = max(len(s), 1)
    dim = draw(st.integers(-nd, nd - 1))
    n = (s if s else (1,))[dim % nd]
    negative = negative and int(np.prod(s)) > 0  # torch's index_fill fails on an empty input with a negative index
    if unique:
        k = draw(st.integers(0, n))
        values = np.random.default_rng(draw(seeds)).permutation(n)[:k]
    else:
        values = np.array(draw(st.lists(st.integers(-n if negative else 0, n - 1), max_size=5) if n else st.just([])), dtype=np.int64)
    if not s:  # a 0-d input takes exactly one index
        values = np.zeros(1, dtype=np.int64)
    if allow_0d_index and values.size == 1 and draw(st.booleans()):
        values = values.reshape(())
    values = values.astype(np.int64)
    shapes = [s]
    if source:
        src = list(s)
        if src:
            src[dim % nd] = values.size
        elif values.ndim:
            src = []  # a 0-d input takes a 0-d source
        shapes.append(tuple(src))
    return Example(shapes, {"dim": dim, "index": values}, draw(seeds))


@st.composite
def index_put_example(draw):
    s = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    accumulate = draw(st.booleans())
    k = draw(st.integers(1, len(s)))  # index the first k dims
    count = draw(st.integers(0, 4))
    rng = np.random.default_rng(draw(seeds))
    if accumulate:
        indices = tuple(rng.integers(-n, n, size=count).astype(np.int64) for n in s[:k])
    else:  # distinct positions
        flat = rng.permutation(int(np.prod(s[:k])))[: min(count, int(np.prod(s[:k])))]
        indices = tuple(np.asarray(a, dtype=np.int64) for a in np.unravel_index(flat, s[:k]))
    result = (len(indices[0]),) + tuple(s[k:])
    values = draw(st.sampled_from([result, result[1:], (), (1,) * len(result)]))
    return Example([s, values], {"indices": indices, "accumulate": accumulate}, draw(seeds))


@st.composite
def mask_example(draw, source=False):
    pair = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=3))
    s, m = pair.input_shapes
    mask = draw(hnp.arrays(bool, m))
    shapes = [s]
    if source:
        count = int(np.broadcast_to(mask, pair.result_shape).sum())
        shapes.append(draw(st.sampled_from([(count,), (count + 2,), (1, count + 1)])))
    return Example(shapes, {"mask": mask}, draw(seeds))


@st.composite
def take_example(draw):
    s = draw(any_shape)
    n = int(np.prod(s))
    ishape = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0 if n else 0, max_side=3))
    if n == 0:
        ishape = (0,)
    index = np.asarray(draw(hnp.arrays(np.int64, ishape, elements=st.integers(-n, n - 1) if n else st.just(0))), dtype=np.int64)
    return Example([s], {"index": index}, draw(seeds))


@st.composite
def take_along_example(draw):
    s = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3))
    if draw(st.booleans()):
        index = draw(hnp.arrays(np.int64, draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)), elements=st.integers(0, int(np.prod(s)) - 1)))
        return Example([s], {"index": index, "dim": None}, draw(seeds))
    dim = draw(st.integers(-len(s), len(s) - 1))
    ishape = [draw(st.sampled_from([1, n])) for n in s]
    ishape[dim] = draw(st.integers(0, 4))
    index = draw(hnp.arrays(np.int64, tuple(ishape), elements=st.integers(0, s[dim] - 1)))
    return Example([s], {"index": index, "dim": dim}, draw(seeds))


def _quiet(fn):
    """Call ``fn`` with torch's deprecation notice for scatter's ``reduce=`` silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


src_domain = [distinct, lambda x, rng: distinct(x, rng) + 0.025]  # self and src never tie

CASES = [
    Case("gather", lambda lib, x, dim, index: lib.gather(x, dim, const(lib, index)), scatter_example(with_src=False)),
    Case("gather-int32-index", lambda lib, x, dim, index: x.gather(dim, const(lib, index)), scatter_example(with_src=False, index_dtype=np.int32)),
    Case("gather-dtypes", lambda lib, x, dim, index, dtype: lib.gather(_cast(lib, x, dtype), dim, const(lib, index)), scatter_example(with_src=False).flatmap(lambda e: INT_DTYPES.map(lambda d: Example(e.shapes, {**e.params, "dtype": d}, e.seed))), grad=False),
    Case("scatter", lambda lib, x, src, dim, index: lib.scatter(x, dim, const(lib, index), src), scatter_example(unique=True)),
    Case("scatter-value", lambda lib, x, dim, index, value: x.scatter(dim, const(lib, index), value), scatter_example(unique=True, with_src=False).flatmap(lambda e: st.sampled_from([0.5, -2.0]).map(lambda v: Example(e.shapes, {**e.params, "value": v}, e.seed)))),
    Case("scatter-reduce-arg", lambda lib, x, src, dim, index, reduce: _quiet(lambda: lib.scatter(x, dim, const(lib, index), src, reduce=reduce)), scatter_example().flatmap(lambda e: st.sampled_from(["add", "multiply"]).map(lambda r: Example(e.shapes, {**e.params, "reduce": r}, e.seed))), grad=False),
    Case("scatter_add", lambda lib, x, src, dim, index: lib.scatter_add(x, dim, const(lib, index), src), scatter_example()),
    Case("scatter_reduce", lambda lib, x, src, dim, index, reduce, include_self: lib.scatter_reduce(x, dim, const(lib, index), src, reduce, include_self=include_self),
         scatter_example().flatmap(lambda e: st.tuples(st.sampled_from(["sum", "prod", "mean", "amax", "amin"]), st.booleans()).map(lambda p: Example(e.shapes, {**e.params, "reduce": p[0], "include_self": p[1]}, e.seed))),
         domain=src_domain, tol32=1e-4),
    Case("scatter_reduce-prod-zeros", lambda lib, x, src, dim, index, include_self: lib.scatter_reduce(x * (x.abs() > 0.5), dim, const(lib, index), src * (src.abs() > 0.8), "prod", include_self=include_self),
         scatter_example().flatmap(lambda e: st.booleans().map(lambda b: Example(e.shapes, {**e.params, "include_self": b}, e.seed))), domain=away_from_zero, fd=False),
    Case("scatter_reduce-dtypes", lambda lib, x, src, dim, index, reduce, dtype: lib.scatter_reduce(_cast(lib, x, dtype), dim, const(lib, index), _cast(lib, src, dtype), reduce, include_self=False),
         scatter_example().flatmap(lambda e: st.tuples(st.sampled_from(["sum", "mean", "amax", "amin"]), st.sampled_from(["int64", "int32"])).map(lambda p: Example(e.shapes, {**e.params, "reduce": p[0], "dtype": p[1]}, e.seed))), grad=False),
    Case("index_select", lambda lib, x, dim, index: lib.index_select(x, dim, const(lib, index)), index_dim_example()),
    Case("index_select-dtypes", lambda lib, x, dim, index, dtype: _cast(lib, x, dtype).index_select(dim, const(lib, index)), index_dim_example().flatmap(lambda e: INT_DTYPES.map(lambda d: Example(e.shapes, {**e.params, "dtype": d}, e.seed))), grad=False),
    Case("index_add", lambda lib, x, src, dim, index, alpha: lib.index_add(x, dim, const(lib, index), src, alpha=alpha), index_dim_example(source=True).flatmap(lambda e: st.sampled_from([1, 2.5]).map(lambda a: Example(e.shapes, {**e.params, "alpha": a}, e.seed)))),
    Case("index_copy", lambda lib, x, src, dim, index: lib.index_copy(x, dim, const(lib, index), src), index_dim_example(unique=True, source=True)),
    Case("index_fill", lambda lib, x, dim, index, value: lib.index_fill(x, dim, const(lib, index), value), index_dim_example().flatmap(lambda e: st.sampled_from([0.5, -3.0]).map(lambda v: Example(e.shapes, {**e.params, "value": v}, e.seed)))),
    # torch's backward of index_fill refuses negative indices (its forward takes them)
    Case("index_fill-negative", lambda lib, x, dim, index: x.index_fill(dim, const(lib, index), -1.0), index_dim_example(negative=True), grad=False),
    Case("index_fill-tensor-value", lambda lib, x, v, dim, index: x.index_fill(dim, const(lib, index), v), index_dim_example().map(lambda e: Example(e.shapes + [()], e.params, e.seed))),
    Case("index_put", lambda lib, x, v, indices, accumulate: lib.index_put(x, tuple(const(lib, i) for i in indices), v, accumulate=accumulate), index_put_example()),
    Case("masked_fill", lambda lib, x, mask, value: lib.masked_fill(x, const(lib, mask), value), mask_example().flatmap(lambda e: st.sampled_from([1.5, -2.0, 0]).map(lambda v: Example(e.shapes, {**e.params, "value": v}, e.seed)))),
    Case("masked_fill-tensor-value", lambda lib, x, v, mask: x.masked_fill(const(lib, mask), v), mask_example().map(lambda e: Example(e.shapes + [()], e.params, e.seed))),
    Case("masked_fill-dtypes", lambda lib, x, mask, dtype: _cast(lib, x, dtype).masked_fill(const(lib, mask), 2), mask_example().flatmap(lambda e: INT_DTYPES.map(lambda d: Example(e.shapes, {**e.params, "dtype": d}, e.seed))), grad=False),
    Case("masked_select", lambda lib, x, mask: lib.masked_select(x, const(lib, mask)), mask_example()),
    Case("masked_scatter", lambda lib, x, src, mask: lib.masked_scatter(x, const(lib, mask), src), mask_example(source=True)),
    Case("take", lambda lib, x, index: lib.take(x, const(lib, index)), take_example()),
    Case("take_along_dim", lambda lib, x, index, dim: lib.take_along_dim(x, const(lib, index), dim), take_along_example()),
    Case("nonzero", lambda lib, x, as_tuple: lib.nonzero(x * (x.abs() > 0.5), as_tuple=as_tuple), st.builds(lambda e, b: Example(e.shapes, {"as_tuple": b}, e.seed), scatter_example(with_src=False), st.booleans()), grad=False),
    Case("argwhere", lambda lib, x: lib.argwhere(x > 0), scatter_example(with_src=False).map(lambda e: Example(e.shapes, {}, e.seed)), grad=False),
    Case("where-condition", lambda lib, x: lib.where(x > 0), scatter_example(with_src=False).map(lambda e: Example(e.shapes, {}, e.seed)), grad=False),
]




@st.composite
def int_scatter_example(draw):
    e = draw(scatter_example(unique=True))
    return Example(e.shapes, {**e.params, "dtype": draw(INT_DTYPES)}, e.seed)


def _indexed(lib, x, src, dim, index, dtype):
    """The writing ops on integer and bool tensors (unique indices, so every engine agrees)."""
    y, s, i = _cast(lib, x, dtype), _cast(lib, src, dtype), const(lib, index)
    flat = i.reshape(-1)
    outs = [lib.scatter(y, dim, i, s), lib.scatter(y, dim, i, 1), lib.take(y, flat), lib.nonzero(y)]
    if dtype != "bool":
        outs.append(lib.scatter_add(y, dim, i, s))
    if y.ndim and flat.numel() and index.ndim:  # the slice ops: index the first column's rows
        rows = i.reshape(-1)[: 1]
        sl = lib.index_select(y, dim, lib.tensor([0])).flip(-1)
        outs += [lib.index_copy(y, dim, rows, sl), lib.index_fill(y, dim, rows, 1), lib.index_put(y, (lib.tensor([0]),), lib.tensor(1).to(y.dtype))]
        if dtype != "bool":
            outs.append(lib.index_add(y, dim, rows, sl))
    mask = y > 0 if dtype != "bool" else y
    outs += [lib.masked_select(y, mask), lib.masked_scatter(y, mask, y.reshape(-1).flip(0) if y.ndim else y)]
    return tuple(outs)


CASES.append(Case("index-int-dtypes", _indexed, int_scatter_example(), grad=False))
