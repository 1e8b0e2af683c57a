"""Registry cases for bincount, histc and diff (scratchnet/ops/counting.py)."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..registry import Case, Example, const, seeds, shape_nd


@st.composite
def _bincount(draw):
    n = draw(st.integers(0, 6))
    idx = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, 5)))
    return Example([(n,)], {"idx": idx, "minlength": draw(st.sampled_from([0, 3, 8]))}, draw(seeds))


@st.composite
def _histc(draw):
    s = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    lo, hi = draw(st.sampled_from([(0.0, 0.0), (-1.0, 1.0), (-0.5, 0.5), (0.25, 2.0), (0.5, 0.5), (-2.0, 0.0)]))
    return Example([s], {"bins": draw(st.integers(1, 7)), "min": lo, "max": hi}, draw(seeds))


@st.composite
def _diff(draw, prepend=False):
    s = draw(shape_nd)
    dim = draw(st.integers(-len(s), len(s) - 1))
    shapes = [s]
    if prepend:
        extra = list(s)
        extra[dim] = draw(st.integers(0, 2))
        shapes += [tuple(extra), tuple(extra)]
    return Example(shapes, {"n": draw(st.integers(0, 3)), "dim": dim}, draw(seeds))


def _bincount_call(lib, w, idx, minlength):
    return lib.bincount(const(lib, idx), weights=w, minlength=minlength)


CASES = [
    Case("bincount", lambda lib, w, idx, minlength: (lib.bincount(const(lib, idx), minlength=minlength), _bincount_call(lib, w, idx, minlength)), _bincount(), grad=False),
    Case("histc", lambda lib, a, bins, min, max: lib.histc(a, bins=bins, min=min, max=max), _histc(), grad=False),
    Case("diff", lambda lib, a, n, dim: lib.diff(a, n=n, dim=dim), _diff()),
    Case("diff-prepend-append", lambda lib, a, p, q, n, dim: a.diff(n=n, dim=dim, prepend=p, append=q), _diff(prepend=True)),
]
