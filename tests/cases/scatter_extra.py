"""Registry cases of scratchnet/ops/scatter_extra.py: select_scatter, slice_scatter,
diagonal_scatter, put (and put_, fill_diagonal_ in place on a non-leaf).

Each draws a base shape and the region's own shape for ``src``, so both inputs get gradients.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import Case, Example, seeds

bases = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


@st.composite
def select_example(draw):
    s = draw(bases)
    dim = draw(st.integers(-len(s), len(s) - 1))
    index = draw(st.integers(-s[dim], s[dim] - 1))
    region = s[:dim % len(s)] + s[dim % len(s) + 1:]
    return Example([s, region], {"dim": dim, "index": index}, draw(seeds))


@st.composite
def slice_example(draw):
    s = draw(bases)
    dim = draw(st.integers(-len(s), len(s) - 1))
    start = draw(st.one_of(st.none(), st.integers(-5, 5)))
    end = draw(st.one_of(st.none(), st.integers(-5, 5)))
    step = draw(st.integers(1, 3))
    n = len(range(*slice(start, end, step).indices(s[dim])))
    region = tuple(n if i == dim % len(s) else m for i, m in enumerate(s))
    return Example([s, region], {"dim": dim, "start": start, "end": end, "step": step}, draw(seeds))


@st.composite
def diagonal_example(draw):
    s = draw(hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4))
    n = len(s)
    d1, d2 = draw(st.lists(st.integers(-n, n - 1), min_size=2, max_size=2).filter(lambda d: d[0] % n != d[1] % n))
    offset = draw(st.integers(-2, 2))
    region = np.diagonal(np.empty(s), offset, d1 % n, d2 % n).shape
    return Example([s, region], {"offset": offset, "dim1": d1, "dim2": d2}, draw(seeds))


@st.composite
def put_example(draw):
    s = draw(bases)
    size = int(np.prod(s))
    count = draw(st.integers(1, min(4, size)))
    index = np.array(draw(st.lists(st.integers(-size, size - 1), min_size=count, max_size=count, unique_by=lambda i: i % size)), dtype=np.int64)
    return Example([s, (count,)], {"index": index, "accumulate": draw(st.booleans())}, draw(seeds))


def _put(lib, a, v, index, accumulate):
    return lib.put(a, lib.tensor(index), v, accumulate)


def _put_(lib, a, v, index, accumulate):
    return (a * 1).put_(lib.tensor(index), v, accumulate=accumulate)


@st.composite
def fill_diagonal_example(draw):
    s = draw(st.one_of(hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=5),
                       st.integers(1, 3).flatmap(lambda n: st.just((n, n, n)))))
    return Example([s], {"value": draw(st.sampled_from([0.0, 2.5, -1])), "wrap": draw(st.booleans())}, draw(seeds))


CASES = [
    Case("select_scatter", lambda lib, a, b, dim, index: lib.select_scatter(a, b, dim, index), select_example()),
    Case("slice_scatter", lambda lib, a, b, dim, start, end, step: lib.slice_scatter(a, b, dim, start, end, step), slice_example()),
    Case("diagonal_scatter", lambda lib, a, b, offset, dim1, dim2: lib.diagonal_scatter(a, b, offset, dim1, dim2), diagonal_example()),
    # put refuses a source of another dtype (the mixed draws check that refusal)
    Case("put", _put, put_example()),
    Case("put_", _put_, put_example()),
    Case("fill_diagonal_", lambda lib, a, value, wrap: (a * 1).fill_diagonal_(value, wrap=wrap), fill_diagonal_example()),
]
