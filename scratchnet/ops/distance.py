"""cdist: p-norm distances between two sets of row vectors, with torch's p = 2 modes.

>>> import scratchnet as sn
>>> sn.cdist(sn.tensor([[0.0, 0.0]]), sn.tensor([[3.0, 4.0]])).item()
5.0
"""

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor, broadcast_shapes
from .math import matmul, where
from .products import _T, _same_dtype

__all__ = ["cdist"]


class Cdist(Function):
    """``out[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p``."""

    def forward(ctx, x1, x2, p, use_mm):
        ctx.p = p
        if p == 2 and use_mm:  # |a|^2 + |b|^2 - 2 a.b: one matmul, no (P, R, M) array (torch's mode)
            square = (x1 * x1).sum(-1)[..., :, None] + (x2 * x2).sum(-1)[..., None, :] - 2 * (x1 @ xp.swapaxes(x2, -1, -2))
            out = xp.sqrt(xp.maximum(square, 0))
            ctx.save_for_backward(x1, x2, out)
            return out
        diff = xp.abs(x1[..., :, None, :] - x2[..., None, :, :])
        if p == 0:
            out = (diff != 0).sum(-1).astype(x1.dtype)
        elif p == float("inf"):
            out = diff.max(-1, initial=0)
        elif p == 1:
            out = diff.sum(-1)
        elif p == 2:
            out = xp.sqrt((diff * diff).sum(-1))
        else:
            out = (diff**p).sum(-1) ** (1 / p)
        ctx.save_for_backward(x1, x2, out)
        return out

    def backward(ctx, grad):
        x1, x2, dist = ctx.saved_tensors
        p = ctx.p
        if p == 0:  # counts of nonzero differences: piecewise constant
            return Tensor._make(xp.zeros(x1.shape, x1.dtype)), Tensor._make(xp.zeros(x2.shape, x2.dtype))
        if p == 2:  # sum_j w_ij (x1_i - x2_j) with w = grad / dist, as matmuls
            zero = Tensor._make(dist.array == 0)
            w = where(zero, 0.0, grad / where(zero, 1.0, dist))
            return x1 * w.sum(-1).unsqueeze(-1) - matmul(w, x2), x2 * w.sum(-2).unsqueeze(-1) - matmul(w.mT, x1)
        diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
        g = grad.unsqueeze(-1)
        sign = Tensor._make(xp.sign(diff.array))
        if p == 1:
            term = g * sign
        elif p == float("inf"):
            term = g * sign * Tensor._make((xp.abs(diff.array) == dist.array[..., None]).astype(diff.dtype))
        else:
            zero = Tensor._make(dist.array[..., None] == 0)
            scale = where(zero, 0.0, g / where(zero, 1.0, dist.unsqueeze(-1)) ** (p - 1))
            term = scale * sign * diff.abs() ** (p - 1)
        return term.sum(-2), -term.sum(-3)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """p-norm distances between each row of ``x1`` ``(*, P, M)`` and of ``x2`` ``(*, R, M)``:
    ``(*, P, R)`` (batch dims broadcast); the gradient is 0 at coincident points, as torch's.
    For ``p = 2``, ``compute_mode`` chooses as torch does between the direct differences and
    ``|a|^2 + |b|^2 - 2 a.b`` (one matmul; the default uses it when P or R exceeds 25).

    >>> import scratchnet as sn
    >>> sn.cdist(sn.tensor([[0.0, 0.0]]), sn.tensor([[3.0, 4.0], [1.0, 0.0]])).tolist()
    [[5.0, 1.0]]
    """
    modes = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")
    if compute_mode not in modes:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, t in (("X1", x1), ("X2", x2)):
        if t.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.ndim}D")
        if t.dtype not in FLOAT_DTYPES:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {_T(t.dtype)}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    _same_dtype(x1, x2)
    broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    use_mm = compute_mode == "use_mm_for_euclid_dist" or (compute_mode == modes[0] and (x1.shape[-2] > 25 or x2.shape[-2] > 25))
    return Cdist.apply(x1, x2, p=float(p), use_mm=use_mm)
