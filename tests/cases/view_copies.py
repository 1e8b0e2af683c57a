"""Registry cases of scratchnet/ops/view_copies.py: the ``*_copy`` twins of the views (one case per
path: a single result, a tuple of results), as_strided and as_strided_scatter over a flat input,
constant_pad_nd (negative amounts crop) and fill.

The other ``*_copy`` functions run the same two paths (the view op, then a fresh row-major copy
with the renamed node); tests/test_opinfo_shape.py checks each against torch on a pinned example.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import Case, Example, seeds

matrices_or_less = hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4)
shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4)


@st.composite
def unbind_example(draw):
    s = draw(shapes)
    return Example([s], {"dim": draw(st.integers(-len(s), len(s) - 1))}, draw(seeds))


@st.composite
def strided_example(draw, scatter=False):
    """A flat input of n elements and a view (sizes, strides, offset) inside it."""
    n = draw(st.integers(1, 12))
    ndim = draw(st.integers(0, 3))
    size = tuple(draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim)))
    stride = tuple(draw(st.lists(st.integers(0, 3), min_size=ndim, max_size=ndim)))
    span = sum((a - 1) * b for a, b in zip(size, stride)) + 1
    if span > n:
        size, stride, span = (), (), 1
    offset = draw(st.integers(0, n - span))
    params = {"size": size, "stride": stride, "storage_offset": offset}
    if scatter:  # distinct cells only: a scatter onto a cell twice keeps an unspecified one
        cells = sorted(set(np.ravel(offset + sum(np.arange(a).reshape((-1,) + (1,) * (len(size) - d - 1)) * b
                                                 for d, (a, b) in enumerate(zip(size, stride))))))
        if len(cells) != int(np.prod(size)):
            params = {"size": (), "stride": (), "storage_offset": offset}
        return Example([(n,), params["size"]], params, draw(seeds))
    return Example([(n,)], params, draw(seeds))


@st.composite
def pad_example(draw):
    s = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    pairs = draw(st.integers(1, len(s)))
    pad = []
    for d in range(pairs):
        n = s[len(s) - 1 - d]
        pad += [draw(st.integers(-(n // 2), 2)), draw(st.integers(-(n - n // 2) + 1, 2))]
    return Example([s], {"pad": tuple(pad), "value": draw(st.sampled_from([0, 1.5, -2]))}, draw(seeds))


CASES = [
    Case("t_copy", lambda lib, a: lib.t_copy(a), st.builds(lambda s, seed: Example([s], {}, seed), matrices_or_less, seeds)),
    Case("unbind_copy", lambda lib, a, dim: lib.unbind_copy(a, dim), unbind_example()),
    Case("as_strided", lambda lib, a, size, stride, storage_offset: lib.as_strided(a, size, stride, storage_offset), strided_example()),
    Case("as_strided_scatter", lambda lib, a, src, size, stride, storage_offset: lib.as_strided_scatter(a, src, size, stride, storage_offset),
         strided_example(scatter=True), grad=False),  # torch's backward is wrong (its gradcheck fails): tests/test_opinfo_shape.py checks ours by finite differences
    Case("constant_pad_nd", lambda lib, a, pad, value: lib.constant_pad_nd(a, pad, value), pad_example()),
    Case("fill", lambda lib, a, value: lib.fill(a, value), st.builds(
        lambda s, v, seed: Example([s], {"value": v}, seed), shapes, st.sampled_from([0, 2, -1.5, True]), seeds)),
]

def _normal_graph(lib, mean, std):
    """normal(mean, std) from one seed: torch's draws, and its graph (a zero gradient to each input)."""
    lib.manual_seed(11)
    return lib.normal(mean, std.abs() + 0.5)


CASES.append(Case("normal-graph", _normal_graph, st.builds(lambda s, seed: Example([s, s], {}, seed), shapes, seeds),
                  dtypes=("float32", "float64"), mixed=False, edge=False, fd=False))  # fd: a draw moves with its mean; torch's derivative is 0

_PINNED = "tests/test_opinfo_shape.py"
COVERED_BY = {
    name: _PINNED for name in [
        "alias_copy", "as_strided_copy", "detach_copy", "diagonal_copy", "expand_copy", "narrow_copy", "permute_copy",
        "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy", "squeeze_copy", "transpose_copy",
        "unfold_copy", "unsqueeze_copy", "view_copy", "as_strided_", "unsafe_chunk", "unsafe_split",
        "unsafe_split_with_sizes", "H", "mH", "empty_permuted",
    ]
}
