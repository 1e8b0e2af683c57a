"""Registry cases of scratchnet/masked (torch.masked): each reduction and normalization with no
mask, a mask of the input's shape (every third element out) and a mask that broadcasts (one row
pattern, alternate columns out)."""

from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import NO_LARGE, Case, Example, reduction, seeds

kinds = st.sampled_from(["none", "pattern", "row"])
shape_nd = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)  # (small: the CI budget)


def _mask(lib, a, kind):
    if kind == "none":
        return None
    if kind == "row" and a.ndim:
        return lib.arange(a.shape[-1]) % 2 == 0
    return (lib.arange(a.numel()) % 3 != 1).reshape(a.shape)


def _reducing(**fixed):
    def fn(lib, a, op, dim, keepdim, masked):
        return getattr(lib.masked, op)(a, dim, keepdim=keepdim, mask=_mask(lib, a, masked), **fixed)

    return fn


@st.composite
def along(draw, ops):
    s = draw(shape_nd)
    return Example([s], {"op": draw(st.sampled_from(ops)), "dim": draw(st.integers(-len(s), len(s) - 1)), "masked": draw(kinds)}, draw(seeds))


def _along(lib, a, op, dim, masked):
    args = (2.0,) if op == "normalize" else ()
    return getattr(lib.masked, op)(a, *args, dim, mask=_mask(lib, a, masked))


def _norm(lib, a, op, dim, keepdim, masked, ord):
    return lib.masked.norm(a, ord, dim, keepdim=keepdim, mask=_mask(lib, a, masked))


def _logaddexp(lib, a, b, masked):
    return lib.masked.logaddexp(a, b, input_mask=_mask(lib, a, masked), other_mask=_mask(lib, b, "pattern"))


@st.composite
def pair(draw):
    s = draw(shape_nd)
    return Example([s, s], {"masked": draw(kinds)}, draw(seeds))


def _var(lib, a, op, dim, keepdim, masked, correction):
    return getattr(lib.masked, op)(a, dim, correction=correction, keepdim=keepdim, mask=_mask(lib, a, masked))


def ops(*names):
    return st.sampled_from(names)


distinct = lambda x, rng: x + rng.permutation(x.size).reshape(x.shape)  # noqa: E731  (no ties for the extremes)
# One case for the ops that share their code (the op is drawn). fd=False: a slice with no element
# in gives +-inf or NaN, where finite differences are NaN (the gradients are still compared with
# torch's); NO_LARGE: +-1e30 cancel by the order of summation
CASES = [
    Case("masked.sum", _reducing(), reduction(shapes=shape_nd, op=ops("sum", "prod"), masked=kinds), tol32=1e-4, specials=NO_LARGE),
    Case("masked.amax", _reducing(), reduction(shapes=shape_nd, op=ops("amax", "amin", "logsumexp"), masked=kinds), domain=distinct, fd=False),
    Case("masked.argmax", _reducing(), reduction(shapes=shape_nd, tuple_dims=False, op=ops("argmax", "argmin"), masked=kinds), grad=False),
    Case("masked.mean", _reducing(), reduction(shapes=shape_nd, op=ops("mean"), masked=kinds), fd=False, specials=NO_LARGE),
    Case("masked.median", _reducing(), reduction(shapes=shape_nd, allow_none=False, tuple_dims=False, op=ops("median"), masked=kinds),
         domain=distinct, fd=False),
    Case("masked.norm", _norm, reduction(shapes=shape_nd, op=ops("norm"), masked=kinds, ord=st.sampled_from([2.0, 1.0, 3.0, float("inf"), -float("inf")])), tol32=1e-4, fd=False),
    Case("masked.var", _var, reduction(shapes=shape_nd, op=ops("var", "std"), masked=kinds, correction=st.sampled_from([0, 1])), tol32=1e-4, fd=False, specials=NO_LARGE),
    Case("masked.cumsum", _along, along(["cumsum", "cumprod"]), tol32=1e-4, specials=NO_LARGE),
    Case("masked.softmax", _along, along(["softmax", "log_softmax", "softmin"]), fd=False),
    Case("masked.normalize", _along, along(["normalize"]), tol32=1e-4, specials=NO_LARGE),
    Case("masked.logaddexp", _logaddexp, pair(), fd=False),
]
# the ops drawn inside the cases above
COVERED_BY = {"masked.prod": "masked.sum", "masked.amin": "masked.amax", "masked.logsumexp": "masked.amax",
              "masked.argmin": "masked.argmax", "masked.std": "masked.var", "masked.cumprod": "masked.cumsum",
              "masked.log_softmax": "masked.softmax", "masked.softmin": "masked.softmax"}
