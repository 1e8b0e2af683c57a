"""Registry cases of scratchnet/ops/shape_extra.py (concat, rot90, block_diag, vander, the
trapezoid rule, the in-place shape edits, ...) and scratchnet/ops/signal_windows.py.

The in-place shape edits run on a non-leaf (``a * 1``) so their gradient flows back through the
rebased history. broadcast_shapes and unravel_index make no differentiable tensor from floats:
they are checked against torch in tests/test_torch_functions.py (errors, negatives, 0-d).
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import Case, Example, cat_example, seeds, shape, squeeze_dims, transpose_dims, unsqueeze_dim

#: shapes from 0-d to 3-d, empty ones included
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
matrices = hnp.array_shapes(min_dims=2, max_dims=4, min_side=0, max_side=3)
vectors = hnp.array_shapes(min_dims=1, max_dims=1, min_side=0, max_side=4)


@st.composite
def rot90_example(draw):
    s = draw(matrices)
    n = len(s)
    a, b = draw(st.lists(st.integers(-n, n - 1), min_size=2, max_size=2).filter(lambda d: d[0] % n != d[1] % n))
    return Example([s], {"k": draw(st.integers(-5, 5)), "dims": (a, b)}, draw(seeds))


@st.composite
def blocks(draw):
    count = draw(st.integers(1, 3))
    # (an empty 1-D block only in the odd-shape draws: torch's backward reads the next block off by a
    # row there, which finite differences cannot agree with; tests/test_torch_functions.py pins it)
    return Example([draw(st.one_of(hnp.array_shapes(min_dims=0, max_dims=1, min_side=1, max_side=3), hnp.array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=3))) for _ in range(count)], {}, draw(seeds))


@st.composite
def several_vectors(draw, most=3):
    count = draw(st.integers(1, most))
    return Example([draw(vectors) for _ in range(count)], {}, draw(seeds))


@st.composite
def trapezoid_example(draw, with_x=False):
    s = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4))
    dim = draw(st.integers(-len(s), len(s) - 1))
    if with_x:
        x_shape = draw(st.sampled_from([(s[dim],), s]))
        return Example([s, x_shape], {"dim": dim}, draw(seeds))
    return Example([s], {"dim": dim, "dx": draw(st.sampled_from([None, 0.5, 2]))}, draw(seeds))


def _in_place(name):
    return lambda lib, a, **kw: getattr(a * 1, name)(**kw)


def _sorted_x(lib, x):
    return x.abs().cumsum(-1) if x.ndim else x  # (any x is fine; increasing ones are the usual use)


window_length = st.integers(0, 6)

CASES = [
    Case("concat", lambda lib, *ts, dim: lib.concat(ts, dim=dim), cat_example()),
    Case("rot90", lambda lib, a, k, dims: lib.rot90(a, k, dims), rot90_example()),
    Case("diagflat", lambda lib, a, offset: lib.diagflat(a, offset), st.builds(
        lambda s, o, seed: Example([s], {"offset": o}, seed), shapes, st.integers(-2, 2), seeds)),
    Case("block_diag", lambda lib, *ts: lib.block_diag(*ts), blocks()),
    Case("cartesian_prod", lambda lib, *ts: lib.cartesian_prod(*ts), several_vectors()),
    Case("combinations", lambda lib, a, r, with_replacement: lib.combinations(a, r, with_replacement),
         st.builds(lambda s, r, w, seed: Example([s], {"r": r, "with_replacement": w}, seed), vectors, st.integers(0, 3), st.booleans(), seeds)),
    Case("vander", lambda lib, a, N, increasing: lib.vander(a, N=N, increasing=increasing),
         st.builds(lambda s, n, inc, seed: Example([s], {"N": n, "increasing": inc}, seed), vectors, st.sampled_from([None, 0, 1, 3]), st.booleans(), seeds),
         domain=lambda x, rng: np.clip(x, -2, 2), grad=False),  # torch's backward always refuses (an in-place cumprod): tests/test_torch_functions.py
    Case("trapezoid", lambda lib, y, dim, dx: lib.trapezoid(y, dim=dim) if dx is None else lib.trapezoid(y, dx=dx, dim=dim), trapezoid_example()),
    Case("trapezoid-x", lambda lib, y, x, dim: lib.trapezoid(y, x, dim=dim), trapezoid_example(with_x=True)),
    Case("cumulative_trapezoid", lambda lib, y, dim, dx: lib.cumulative_trapezoid(y, dim=dim) if dx is None else lib.cumulative_trapezoid(y, dx=dx, dim=dim), trapezoid_example()),
    Case("cumulative_trapezoid-x", lambda lib, y, x, dim: lib.cumulative_trapezoid(y, x, dim=dim), trapezoid_example(with_x=True)),
    Case("squeeze_", lambda lib, a, dim: (a * 1).squeeze_() if dim is None else (a * 1).squeeze_(dim), squeeze_dims()),
    Case("unsqueeze_", _in_place("unsqueeze_"), unsqueeze_dim()),
    Case("t_", lambda lib, a: (a * 1).t_(), st.builds(lambda s, seed: Example([s], {}, seed), hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4), seeds)),
    Case("transpose_", _in_place("transpose_"), transpose_dims()),
    Case("sum_to_size", lambda lib, a, size: a.sum_to_size(size), st.builds(
        lambda s, keep, lead, seed: Example([tuple(lead) + s], {"size": tuple(n if k else 1 for n, k in zip(s, keep))}, seed),
        shape, st.lists(st.booleans(), min_size=3, max_size=3), st.lists(st.integers(1, 3), max_size=2), seeds)),
    # windows: no tensor input, so no dtype sweep or special values; the dtype argument is drawn
    *[Case(name, (lambda name: lambda lib, length, periodic, dtype: getattr(lib, name)(length, periodic, dtype=getattr(lib, dtype)))(name),
           st.builds(lambda n, p, d: Example([], {"length": n, "periodic": p, "dtype": d}, 0), window_length, st.booleans(), st.sampled_from(["float32", "float64"])),
           grad=False, dtypes=("float32",), tol32=1e-6)
      for name in ["hann_window", "hamming_window", "blackman_window", "bartlett_window"]],
    Case("kaiser_window", lambda lib, length, periodic, beta, dtype: lib.kaiser_window(length, periodic, beta, dtype=getattr(lib, dtype)),
         st.builds(lambda n, p, b, d: Example([], {"length": n, "periodic": p, "beta": b, "dtype": d}, 0), window_length, st.booleans(), st.sampled_from([0.0, 3.0, 12.0]), st.sampled_from(["float32", "float64"])),
         grad=False, dtypes=("float32",), tol32=1e-6),
]

COVERED_BY = {
    "broadcast_shapes": "tests/test_torch_functions.py", "unravel_index": "tests/test_torch_functions.py",
    # the same code as the case named (an alias, or a spelling passed straight on), so one sweep serves
    # (their own spellings are called in tests/test_torch_functions.py)
    "concatenate": "concat", "trapz": "trapezoid-x", "swapaxes_": "transpose_", "swapdims_": "transpose_",
}
