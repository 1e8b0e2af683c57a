"""Registry cases for torch's other spellings of existing ops (scratchnet/ops/aliases.py):
``divide``/``multiply``/``subtract``, the comparison words (``greater``, ``less_equal``, ...),
``ravel``, and the methods ``x.where(cond, y)`` and ``x.broadcast_to(size)``.

Each runs through the full sweep (dtypes, special values, 0-d and empty shapes), so an alias that
lost an argument or a dtype rule of the op it names is caught.
"""

from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..registry import Case, Example, away_from_zero, broadcast_pair, const, expand_target, gaussian, on_grid, seeds, where_example

any_shape = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


@st.composite
def ravel_example(draw):
    return Example([draw(any_shape)], {"transposed": draw(st.booleans())}, draw(seeds))


def _ravel(lib, a, transposed):
    """``ravel`` of the tensor or (non-contiguous) of its transpose: a view, or a view of a copy."""
    return a.mT.ravel() if transposed and a.ndim >= 2 else lib.ravel(a)


CASES = [
    Case("arith-aliases", lambda lib, a, b, rounding_mode: (lib.divide(a, b, rounding_mode=rounding_mode), a.multiply(b), lib.subtract(a, b, alpha=2), a.subtract(b)),
         broadcast_pair(rounding_mode=st.sampled_from([None, None, "trunc", "floor"])), domain=[gaussian, away_from_zero], fd=False),  # a rounded quotient is piecewise constant
    Case("comparison-aliases", lambda lib, a, b: (lib.greater(a, b), a.greater_equal(b), lib.less(a, b), a.less_equal(b), lib.not_equal(a, b)),
         broadcast_pair(), domain=[on_grid(0.0), on_grid(0.0)], grad=False),
    Case("ravel", _ravel, ravel_example()),
    Case("where-method", lambda lib, a, b, condition: a.where(const(lib, condition), b), where_example()),
    Case("broadcast_to-method", lambda lib, a, sizes: a.broadcast_to(tuple(a.shape[i - len(sizes)] if n == -1 else n for i, n in enumerate(sizes))), expand_target()),
]

COVERED_BY = {
    "divide": "arith-aliases", "multiply": "arith-aliases", "subtract": "arith-aliases",
    "greater": "comparison-aliases", "greater_equal": "comparison-aliases", "less": "comparison-aliases",
    "less_equal": "comparison-aliases", "not_equal": "comparison-aliases",
}

NOT_OPS = {
    "is_complex": "returns a Python bool", "is_signed": "returns a Python bool",
    "nelement": "returns a Python int", "ndimension": "returns a Python int",
}
