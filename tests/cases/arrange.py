"""Registry cases for the arrangement, splitting and stacking ops (scratchnet/ops/arrange.py,
stacking.py) and the conversions and
``new_*`` factories of scratchnet/ops/convert.py.

Shapes include 0-d and empty ones where the op takes them; dims are drawn negative as well as
positive. Forward-only cases check integer outputs (``tril_indices``) and the dtypes of ``new_*``.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..registry import Example, Case, seeds

any_shape = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
nd_shape = hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4)
matrixish = hnp.array_shapes(min_dims=2, max_dims=4, min_side=0, max_side=4)


def _with(strategy, **params):
    """``strategy``'s examples with extra params drawn from the given strategies."""
    return strategy.flatmap(lambda e: st.fixed_dictionaries(params).map(lambda p: Example(e.shapes, {**e.params, **p}, e.seed)))


@st.composite
def shaped(draw, shapes=any_shape, count=1):
    return Example([draw(shapes) for _ in range(count)], {}, draw(seeds))


@st.composite
def flip_example(draw):
    s = draw(any_shape)
    n = max(len(s), 1)
    dims = draw(st.lists(st.integers(-n, n - 1), max_size=n, unique_by=lambda d: d % n))
    return Example([s], {"dims": dims}, draw(seeds))


@st.composite
def roll_example(draw):
    s = draw(any_shape)
    if not s or draw(st.booleans()):
        return Example([s], {"shifts": draw(st.integers(-5, 5)), "dims": None}, draw(seeds))
    dims = draw(st.lists(st.integers(-len(s), len(s) - 1), min_size=1, max_size=3))
    shifts = [draw(st.integers(-5, 5)) for _ in dims]
    return Example([s], {"shifts": tuple(shifts), "dims": tuple(dims)}, draw(seeds))


@st.composite
def repeat_example(draw, tile=False):
    s = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
    lead = draw(st.integers(0 if not tile else -len(s), 2))
    sizes = tuple(draw(st.integers(0, 3)) for _ in range(max(len(s) + lead, 0)))
    return Example([s], {"sizes": sizes}, draw(seeds))


@st.composite
def repeat_interleave_example(draw):
    s = draw(any_shape)
    kind = draw(st.sampled_from(["int", "tensor", "flat"]))
    if kind == "flat" or not s:
        return Example([s], {"repeats": draw(st.integers(0, 3)), "dim": None}, draw(seeds))
    dim = draw(st.integers(-len(s), len(s) - 1))
    if kind == "int":
        return Example([s], {"repeats": draw(st.integers(0, 3)), "dim": dim}, draw(seeds))
    counts = np.array(draw(st.lists(st.integers(0, 3), min_size=s[dim], max_size=s[dim])), dtype=np.int64)
    return Example([s], {"repeats": counts, "dim": dim, "output_size": int(counts.sum()) if draw(st.booleans()) else None}, draw(seeds))


@st.composite
def movedim_example(draw):
    s = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3))
    n = len(s)
    k = draw(st.integers(1, n))
    src = draw(st.permutations(range(n)))[:k]
    dst = draw(st.permutations(range(n)))[:k]
    neg = lambda ds: [d - n if draw(st.booleans()) else d for d in ds]  # noqa: E731
    if k == 1 and draw(st.booleans()):
        return Example([s], {"source": neg(src)[0], "destination": neg(dst)[0]}, draw(seeds))
    return Example([s], {"source": tuple(neg(src)), "destination": tuple(neg(dst))}, draw(seeds))


@st.composite
def two_dims(draw, shapes=nd_shape):
    s = draw(shapes)
    n = len(s)
    return Example([s], {"dim0": draw(st.integers(-n, n - 1)), "dim1": draw(st.integers(-n, n - 1))}, draw(seeds))


@st.composite
def unflatten_example(draw):
    s = draw(nd_shape)
    dim = draw(st.integers(-len(s), len(s) - 1))
    size = s[dim]
    factors = [f for f in range(1, size + 1) if size % f == 0] or [1]
    a = draw(st.sampled_from(factors))
    sizes = draw(st.sampled_from([(a, size // a) if size else (0, a), (size,), (a, -1) if size else (0, 2), (1, size, 1)]))
    return Example([s], {"dim": dim, "sizes": sizes}, draw(seeds))


@st.composite
def diagonal_example(draw):
    s = draw(matrixish)
    n = len(s)
    d1 = draw(st.integers(-n, n - 1))
    d2 = draw(st.integers(-n, n - 1).filter(lambda d: d % n != d1 % n))
    return Example([s], {"offset": draw(st.integers(-3, 3)), "dim1": d1, "dim2": d2}, draw(seeds))


@st.composite
def diag_embed_example(draw):
    s = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
    n = len(s) + 1
    d1 = draw(st.integers(-n, n - 1))
    d2 = draw(st.integers(-n, n - 1).filter(lambda d: d % n != d1 % n))
    return Example([s], {"offset": draw(st.integers(-2, 2)), "dim1": d1, "dim2": d2}, draw(seeds))


@st.composite
def narrow_example(draw):
    s = draw(nd_shape)
    dim = draw(st.integers(-len(s), len(s) - 1))
    n = s[dim]
    start = draw(st.integers(-n, n))
    begin = start % n if start < 0 else start
    return Example([s], {"dim": dim, "start": start, "length": draw(st.integers(0, n - begin))}, draw(seeds))


@st.composite
def select_example(draw):
    s = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    dim = draw(st.integers(-len(s), len(s) - 1))
    return Example([s], {"dim": dim, "index": draw(st.integers(-s[dim], s[dim] - 1))}, draw(seeds))


@st.composite
def sizes_example(draw):
    s = draw(nd_shape)
    dim = draw(st.integers(-len(s), len(s) - 1))
    cuts = sorted(draw(st.lists(st.integers(0, s[dim]), max_size=3)))
    edges = [0] + cuts + [s[dim]]
    return Example([s], {"sizes": [b - a for a, b in zip(edges[:-1], edges[1:])], "dim": dim}, draw(seeds))


@st.composite
def tensor_split_example(draw):
    s = draw(nd_shape)
    dim = draw(st.integers(-len(s), len(s) - 1))
    if draw(st.booleans()):
        spec = draw(st.integers(1, 5))
    else:
        spec = draw(st.lists(st.integers(-5, 6), max_size=3))
    return Example([s], {"spec": spec, "dim": dim}, draw(seeds))


@st.composite
def np_split_example(draw, min_dims, dim):
    s = list(draw(hnp.array_shapes(min_dims=min_dims, max_dims=min_dims + 1, min_side=1, max_side=4)))
    d = dim if len(s) > 1 or dim == 0 else 0
    parts = draw(st.integers(1, 3))
    s[d] = parts * draw(st.integers(1, 2))
    spec = parts if draw(st.booleans()) else sorted(draw(st.lists(st.integers(0, s[d]), max_size=3)))
    return Example([tuple(s)], {"spec": spec}, draw(seeds))


@st.composite
def stack_example(draw, kind):
    count = draw(st.integers(1, 3))
    base = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3))
    nd = len(base)
    # the dim the pieces are joined along may differ in size between them
    join = {"hstack": 0 if nd <= 1 else 1, "vstack": 0 if nd >= 2 else None, "dstack": 2 if nd >= 3 else None, "column_stack": 1 if nd >= 2 else None}[kind]
    shapes = []
    for _ in range(count):
        s = list(base)
        if join is not None and join < nd and nd > 0:
            s[join] = draw(st.integers(1, 3))
        shapes.append(tuple(s))
    return Example(shapes, {}, draw(seeds))


@st.composite
def meshgrid_example(draw):
    shapes = [draw(st.sampled_from([(), (0,), (1,), (2,), (3,)])) for _ in range(draw(st.integers(1, 3)))]
    return Example(shapes, {"indexing": draw(st.sampled_from(["ij", "xy"]))}, draw(seeds))


@st.composite
def tri_indices_example(draw):
    return Example([], {"row": draw(st.integers(0, 5)), "col": draw(st.integers(0, 5)), "offset": draw(st.integers(-4, 4))}, draw(seeds))


@st.composite
def new_example(draw):
    return Example([draw(any_shape)], {"size": draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3)), "dtype": draw(st.sampled_from([None, "float64", "int64", "bool"]))}, draw(seeds))


def dt(lib, name):
    return None if name is None else getattr(lib, name)


def _repeat_interleave(lib, x, repeats, dim, output_size=None):
    r = lib.tensor(repeats) if isinstance(repeats, np.ndarray) else repeats
    return lib.repeat_interleave(x, r, dim=dim, output_size=output_size)


square = hnp.array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=4)

CASES = [
    Case("flip", lambda lib, x, dims: lib.flip(x, dims), flip_example()),
    Case("fliplr", lambda lib, x: lib.fliplr(x), shaped(matrixish)),
    Case("flipud", lambda lib, x: x.flipud() if lib.__name__ == "scratchnet" else lib.flipud(x), shaped(nd_shape)),
    Case("roll", lambda lib, x, shifts, dims: lib.roll(x, shifts, dims), roll_example()),
    Case("repeat", lambda lib, x, sizes: x.repeat(*sizes) if sizes else x.repeat(()), repeat_example()),
    Case("tile", lambda lib, x, sizes: lib.tile(x, sizes), repeat_example(tile=True)),
    Case("repeat_interleave", lambda lib, x, **p: _repeat_interleave(lib, x, **p), repeat_interleave_example()),
    Case("repeat_interleave-counts", lambda lib, counts: lib.repeat_interleave(lib.tensor(counts)), st.builds(lambda c, s: Example([], {"counts": np.array(c, dtype=np.int64)}, s), st.lists(st.integers(0, 3), max_size=5), seeds), grad=False),
    Case("movedim", lambda lib, x, source, destination: lib.movedim(x, source, destination), movedim_example()),
    Case("moveaxis", lambda lib, x, source, destination: x.moveaxis(source, destination), movedim_example()),
    Case("swapaxes", lambda lib, x, dim0, dim1: lib.swapaxes(x, dim0, dim1), two_dims()),
    Case("swapdims", lambda lib, x, dim0, dim1: x.swapdims(dim0, dim1), two_dims()),
    Case("unflatten", lambda lib, x, dim, sizes: lib.unflatten(x, dim, sizes), unflatten_example()),
    Case("diag", lambda lib, x, diagonal: lib.diag(x, diagonal), _with(shaped(hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=4)), diagonal=st.integers(-3, 3))),
    Case("diagonal", lambda lib, x, offset, dim1, dim2: lib.diagonal(x, offset, dim1, dim2), diagonal_example()),
    Case("diag_embed", lambda lib, x, offset, dim1, dim2: lib.diag_embed(x, offset, dim1, dim2), diag_embed_example()),
    Case("tril", lambda lib, x, diagonal: lib.tril(x, diagonal), _with(shaped(matrixish), diagonal=st.integers(-4, 4))),
    Case("triu", lambda lib, x, diagonal: x.triu(diagonal=diagonal), _with(shaped(matrixish), diagonal=st.integers(-4, 4))),
    Case("trace", lambda lib, x: lib.trace(x), shaped(square)),
    Case("trace-int", lambda lib, x: lib.trace((x * 3).to(lib.int32)), shaped(square), grad=False),
    Case("tril_indices", lambda lib, row, col, offset: lib.tril_indices(row, col, offset), tri_indices_example(), grad=False),
    Case("triu_indices", lambda lib, row, col, offset: lib.triu_indices(row, col, offset), tri_indices_example(), grad=False),
    Case("meshgrid", lambda lib, *xs, indexing: lib.meshgrid(*xs, indexing=indexing), meshgrid_example()),
    Case("tensor_split", lambda lib, x, spec, dim: lib.tensor_split(x, spec, dim), tensor_split_example()),
    Case("hsplit", lambda lib, x, spec: lib.hsplit(x, spec), np_split_example(1, 1)),
    Case("vsplit", lambda lib, x, spec: lib.vsplit(x, spec), np_split_example(2, 0)),
    Case("dsplit", lambda lib, x, spec: lib.dsplit(x, spec), np_split_example(3, 2)),
    Case("hstack", lambda lib, *xs: lib.hstack(xs), stack_example("hstack")),
    Case("vstack", lambda lib, *xs: lib.vstack(list(xs)), stack_example("vstack")),
    Case("row_stack", lambda lib, *xs: lib.row_stack(xs), stack_example("vstack")),
    Case("dstack", lambda lib, *xs: lib.dstack(xs), stack_example("dstack")),
    Case("column_stack", lambda lib, *xs: lib.column_stack(xs), stack_example("column_stack").filter(lambda e: len(e.shapes[0]) <= 2)),
    Case("atleast_1d", lambda lib, x: lib.atleast_1d(x), shaped()),
    Case("atleast_2d", lambda lib, *xs: lib.atleast_2d(*xs), shaped(count=2)),
    Case("atleast_3d", lambda lib, *xs: lib.atleast_3d(xs), shaped(count=2)),
    Case("narrow", lambda lib, x, dim, start, length: lib.narrow(x, dim, start, length), narrow_example()),
    Case("select", lambda lib, x, dim, index: lib.select(x, dim, index), select_example()),
    Case("split_with_sizes", lambda lib, x, sizes, dim: x.split_with_sizes(sizes, dim=dim), sizes_example()),
    Case("split-sizes", lambda lib, x, sizes, dim: lib.split(x, sizes, dim), sizes_example()),
    # conversions and factories on a tensor
    Case("type", lambda lib, x, dtype: x.type(getattr(lib, dtype)) * 2, _with(shaped(), dtype=st.sampled_from(["float32", "float64"])), fd=False),
    Case("type-string", lambda lib, x, name: x.abs().type(name), _with(shaped(), name=st.sampled_from(["torch.FloatTensor", "torch.DoubleTensor", "torch.LongTensor", "torch.IntTensor", "torch.ByteTensor", "torch.BoolTensor"])), grad=False),
    Case("to-positional", lambda lib, x, dtype, copy: x.to("cpu", getattr(lib, dtype), False, copy) * 2, _with(shaped(), dtype=st.sampled_from(["float32", "float64"]), copy=st.booleans()), fd=False),
    Case("to-int", lambda lib, x, dtype: (x * 3).to(getattr(lib, dtype)), _with(shaped(), dtype=st.sampled_from(["int64", "int32", "uint8", "bool"])), grad=False),
    Case("new_zeros", lambda lib, x, size, dtype: x.new_zeros(size, dtype=dt(lib, dtype)), new_example(), grad=False),
    Case("new_ones", lambda lib, x, size, dtype: x.new_ones(*size, dtype=dt(lib, dtype)) if size else x.new_ones(size, dtype=dt(lib, dtype)), new_example(), grad=False),
    Case("new_empty", lambda lib, x, size, dtype: x.new_empty(size, dtype=dt(lib, dtype)).shape == tuple(size) and x.new_empty(size, dtype=dt(lib, dtype)).zero_(), new_example(), grad=False),
    Case("new_full", lambda lib, x, size, dtype: x.new_full(size, 7, dtype=dt(lib, dtype)), new_example(), grad=False),
    Case("new_tensor", lambda lib, x, size, dtype: x.new_tensor(np.arange(int(np.prod(size))).reshape(size).tolist(), dtype=dt(lib, dtype)), new_example(), grad=False),
]


def _arranged(lib, x, dtype):
    """The arrangement ops on an integer or bool tensor (shape (a, b, c), at least 2-d)."""
    y = (x.abs() * 3).to(getattr(lib, dtype))
    return (
        lib.flip(y, (0, -1)), lib.roll(y, 1, 0), y.repeat(2, 1, 1), lib.tile(y, (2,)), lib.tril(y, -1), lib.triu(y, 1),
        lib.diagonal(y, 0, -1, 0), lib.diag_embed(y), lib.movedim(y, 0, -1), lib.narrow(y, 0, 0, 1), lib.select(y, 1, 0),
        lib.repeat_interleave(y, 2, dim=1), *lib.tensor_split(y, 2, dim=-1), lib.hstack([y, y]), lib.atleast_3d(y),
        *lib.meshgrid(y.reshape(-1)[:2], y.reshape(-1)[:3], indexing="ij"), y.new_full((2,), 1),
    )


CASES.append(Case("arrange-int-dtypes", _arranged, _with(shaped(hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=3)), dtype=st.sampled_from(["int64", "int32", "uint8", "bool"])), grad=False))
