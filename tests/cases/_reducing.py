"""Strategies and helpers shared by the reduction, scan and sorting cases.

Inputs reach a case as float arrays; a ``kind`` parameter turns them into the dtype the example
tests (``as_kind``), so one case covers float, integer and bool input. Domains put in ties, NaN
and infinities where an example asks for special values (such cases skip finite differences).
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..registry import Example, seeds

#: Shapes with 0-d tensors and 0-size dims among them, and ones without 0-size dims.
shapes_any = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
shapes_nonempty = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
shapes_1d_up = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)

FLOAT = ["float", "float", "float", "float"]
ALL_KINDS = FLOAT + ["int64", "int32", "uint8", "bool"]
NUMERIC_KINDS = FLOAT + ["int64", "int32", "uint8"]


def as_kind(lib, a, kind):
    """``a`` (a float tensor) as the dtype ``kind`` names; integer values are small, uint8 ones
    non-negative, bool ones ``a > 0`` (non-finite values become 0 and the rest are clipped to
    [-10, 10] before an integer cast). A cast leaves the graph (detach) on both engines."""
    if kind == "float":
        return a
    a = a.detach()
    if kind == "bool":
        return a > 0
    a = lib.where(lib.isfinite(a), a, lib.zeros_like(a)).clamp(-10, 10)  # NaN/inf/huge -> int is undefined
    if kind == "uint8":
        return (a.abs() * 3).to(lib.uint8)
    return (a * 3).to(getattr(lib, kind))


def wrap_negative(draw, d, n):
    """Dim ``d`` of ``n`` dims, written as ``d - n`` half the time (torch accepts both)."""
    return d - max(n, 1) if draw(st.booleans()) else d


@st.composite
def dims_example(draw, shapes=shapes_nonempty, ints=True, tuples=True, none=True, empty=True, keepdim=True, **extra):
    """A shape and a ``dim``: None, an int (negative too), a tuple of distinct dims, or ``()``."""
    s = draw(shapes)
    n = len(s)
    kinds = (["none"] if none else []) + (["int"] if ints else []) + (["tuple"] if tuples else []) + (["empty"] if empty and tuples else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        dim = None
    elif kind == "int":
        dim = wrap_negative(draw, draw(st.integers(0, max(n, 1) - 1)), n)
    elif kind == "empty":
        dim = ()
    else:
        chosen = draw(st.lists(st.integers(0, max(n, 1) - 1), min_size=1, max_size=max(n, 1), unique=True))
        dim = tuple(wrap_negative(draw, d, n) for d in chosen)
    params = {"dim": dim}
    if keepdim:
        params["keepdim"] = draw(st.booleans())
    params.update({k: draw(v) for k, v in extra.items()})
    return Example([s], params, draw(seeds))


def reduced(example):
    """The dims an example reduces, as non-negative ints (None and () mean all)."""
    s, dim = example.shapes[0], example.params.get("dim")
    n = len(s)
    if dim is None or dim == ():
        return list(range(n))
    dims = dim if isinstance(dim, tuple) else (dim,)
    return [d % n for d in dims] if n else []


def nonempty_reduction(example):
    """Reductions without an identity (max, median, ...) need every reduced dim non-empty and,
    over all dims, a non-empty tensor."""
    s = example.shapes[0]
    return all(s[d] > 0 for d in reduced(example)) and (np.prod(s) > 0 or len(reduced(example)) < len(s))


def ties(x, rng):
    """Few distinct values (a grid of 5): ties everywhere."""
    return np.asarray(np.round(np.clip(x, -1, 1) * 2) / 2)


def specials(x, rng):
    """Gaussian values with some NaN, ±inf, ±0.0, huge and tiny ones sprinkled in."""
    x = np.array(x, dtype=float)
    if x.size:
        pool = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -3e38, 3e38, 1e-310])
        mask = rng.random(x.shape) < 0.3
        x[mask] = rng.choice(pool, size=int(mask.sum()))
    return x


def with_zeros(x, rng):
    """Gaussian values with about a third of them exactly 0 (prod and cumprod's special rule)."""
    x = np.array(x, dtype=float)
    x[rng.random(x.shape) < 0.35] = 0.0
    return x


def with_nan(x, rng):
    """Distinct values with about a quarter of them NaN."""
    x = (rng.permutation(x.size).reshape(x.shape) - x.size / 2) * 0.05 + 0.01 if x.size else x
    x = np.array(x, dtype=float)
    x[rng.random(x.shape) < 0.25] = np.nan
    return x


def with_nan_apart(x, rng):
    """Distinct values with NaN only at odd positions of a checkerboard: every line along a dim
    (of length >= 2) keeps a number. (Which NaN torch's nanmedian reports for an all-NaN line is
    an accident of its selection algorithm.)"""
    x = with_nan(x, rng)
    if x.ndim:
        even = np.indices(x.shape).sum(axis=0) % 2 == 0
        x[even] = np.where(np.isnan(x[even]), 0.013 + np.arange(int(even.sum())) * 0.05, x[even])
    return x


def specials_no_cancel(x, rng):
    """Like :func:`specials` without values near overflow or large ones of both signs: a float32
    sum of those depends on the order of the additions, which differs between torch's kernels and
    NumPy's."""
    x = np.array(x, dtype=float)
    if x.size:
        pool = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, 1e-310])
        mask = rng.random(x.shape) < 0.3
        x[mask] = rng.choice(pool, size=int(mask.sum()))
    return x


def linalg(lib):
    """``lib.linalg`` (torch's; scratchnet's once it exists) or scratchnet's norms module."""
    if hasattr(getattr(lib, "linalg", None), "vector_norm"):
        return lib.linalg
    from scratchnet.ops import norms

    return norms
