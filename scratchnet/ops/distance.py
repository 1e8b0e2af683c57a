"""cdist: p-norm distances between two sets of row vectors, with torch's p = 2 modes.

>>> import scratchnet as sn
>>> sn.cdist(sn.tensor([[0.0, 0.0]]), sn.tensor([[3.0, 4.0]])).item()
5.0
"""

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor, broadcast_shapes
from .math import matmul, minimum, where
from .products import _T, _same_dtype

__all__ = ["cdist"]


class Cdist(Function):
    """``out[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p`` from the differences (torch's
    ``_cdist_forward``); the gradient is torch's per-difference formula, summed over the other set."""

    def forward(ctx, x1, x2, p, use_mm=False):
        ctx.p, ctx.use_mm = p, use_mm
        if use_mm:
            return ctx.euclidean_forward(x1, x2)
        diff = xp.abs(x1[..., :, None, :] - x2[..., None, :, :])
        with xp.errstate(invalid="ignore", over="ignore"):
            if p == 0:  # NaN counts as NaN (torch's min(ceil(|d|), 1))
                out = xp.where(xp.isnan(diff), xp.nan, diff != 0).sum(-1).astype(x1.dtype)
            elif p == float("inf"):  # torch's std::max keeps the running maximum over a NaN
                out = xp.fmax.reduce(diff, axis=-1, initial=0) if diff.shape[-1] else xp.zeros(diff.shape[:-1], x1.dtype)
            elif p == 1:
                out = diff.sum(-1)
            elif p == 2:
                out = xp.sqrt((diff * diff).sum(-1))
            else:
                out = (diff**p).sum(-1) ** (1 / p)
        ctx.save_for_backward(x1, x2, out)
        return xp.asarray(out, dtype=x1.dtype)

    def backward(ctx, grad):
        if ctx.use_mm:
            return ctx.euclidean_backward(grad)
        x1, x2, dist = ctx.saved_tensors
        p = ctx.p
        if p == 0:  # counts of nonzero differences: piecewise constant
            return Tensor._make(xp.zeros(x1.shape, x1.dtype)), Tensor._make(xp.zeros(x2.shape, x2.dtype))
        diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
        g, d = grad.unsqueeze(-1), dist.unsqueeze(-1)
        at_zero = Tensor._make(d.array == 0)
        # torch's formulas for one difference, in its order of operations
        sign = Tensor._make(xp.sign(diff.array))  # NaN at a NaN difference, as torch's vector sign
        if p == 1:
            term = g * sign
        elif p == float("inf"):
            term = g * sign * (1 - minimum(Tensor._make(xp.ones((), x1.dtype)), (diff.abs() - d).abs().ceil()))
        elif p < 2:
            term = where(at_zero, 0.0, sign * diff.abs() ** (p - 1) * g / d ** (p - 1))
            if p < 1:
                term = where(Tensor._make(diff.array == 0), 0.0, term)
        elif p == 2:
            term = where(at_zero, 0.0, g * diff / d)
        else:
            term = where(at_zero, 0.0, diff * diff.abs() ** (p - 2) * g / d ** (p - 1))
        # x2's gradient is the same formula on x2 - x1: the negated terms, summed over x1's rows
        return term.sum(-2), -term.sum(-3)

    # use_mm: torch's _euclidean_dist, sqrt(max(|a|^2 + |b|^2 - 2 a.b, 0)) with one matmul and no
    # (P, R, M) array; its own backward, as torch's: w = grad / dist (0 where dist is 0),
    # x1 sum_j w_ij - w x2 and x2 sum_i w_ij - w^T x1

    def euclidean_forward(ctx, x1, x2):
        # torch's one product of [-2 x1, |x1|^2, 1] and [x2, 1, |x2|^2] (so -2 x1 overflows first)
        n1, n2 = (x1 * x1).sum(-1, keepdims=True), (x2 * x2).sum(-1, keepdims=True)
        a = xp.concatenate([x1 * x1.dtype.type(-2), n1, xp.ones_like(n1)], -1)
        b = xp.concatenate([x2, xp.ones_like(n2), n2], -1)
        out = xp.sqrt(xp.maximum(a @ xp.swapaxes(b, -1, -2), 0))
        ctx.save_for_backward(x1, x2, out)
        return out

    def euclidean_backward(ctx, grad):
        x1, x2, dist = ctx.saved_tensors
        if dist.numel() == 0:  # torch answers an empty set of points without the product
            return Tensor._make(xp.zeros(x1.shape, x1.dtype)), Tensor._make(xp.zeros(x2.shape, x2.dtype))
        zero = Tensor._make(dist.array == 0)
        w = where(zero, 0.0, grad / where(zero, 1.0, dist))
        return x1 * w.sum(-1).unsqueeze(-1) - matmul(w, x2), x2 * w.sum(-2).unsqueeze(-1) - matmul(w.mT, x1)


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
    batch = broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    if 0 in (x1.shape[-2], x2.shape[-2], x1.shape[-1], *batch):
        # torch answers an empty result or zero columns before it checks the dtypes
        return Cdist.apply(x1, x2, p=float(p))
    _same_dtype(x1, x2)
    use_mm = compute_mode == "use_mm_for_euclid_dist" or (compute_mode == modes[0] and (x1.shape[-2] > 25 or x2.shape[-2] > 25))
    if use_mm and p == 2:  # torch's result: a view of its _euclidean_dist (grad_fn ViewBackward0)
        out = Cdist.apply(x1, x2, p=2.0, use_mm=True)
        return out.view(out.shape)
    return Cdist.apply(x1, x2, p=float(p))
