"""Registry case for the sliding-window view ``Tensor.unfold(dimension, size, step)``
(scratchnet/ops/windows.py): shapes from 0-d to 3-d with empty dims, negative dims, windows from
empty to the whole dim, steps shorter than a window (overlaps, whose gradients add) and longer
(gaps, whose gradients are zero)."""

from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..registry import Case, Example, seeds


@st.composite
def window_example(draw):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    n = max(len(shape), 1)
    dim = draw(st.integers(-n, n - 1))
    length = shape[dim] if shape else 1
    size = draw(st.integers(0, length))
    step = draw(st.integers(1, 4))
    return Example([shape], {"dimension": dim, "size": size, "step": step}, draw(seeds))


CASES = [
    Case("Tensor.unfold", lambda lib, x, dimension, size, step: x.unfold(dimension, size, step), window_example()),
]
COVERED_BY = {}
