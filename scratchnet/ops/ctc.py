"""The connectionist temporal classification loss (Graves et al. 2006): ``ctc_loss``.

For an input of ``T`` steps of log-probabilities over ``C`` classes and a target ``l`` of ``L``
labels, the loss is ``-log p(l | x)``, the probability summed over every alignment: every path of
``T`` classes that collapses to ``l`` once repeats are merged and blanks dropped. It is computed by
the forward algorithm in log space over the extended target ``l' = (blank, l_1, blank, l_2, ...,
l_L, blank)`` of ``2L + 1`` states:

    alpha_t(s) = logsumexp(alpha_{t-1}(s), alpha_{t-1}(s - 1), [alpha_{t-1}(s - 2)]) + lp_t(l'_s)

(the skip from ``s - 2`` only onto a label that differs from the one two states back), and
``loss = -logsumexp(alpha_{T-1}(2L), alpha_{T-1}(2L - 1))``. One Python step per time step; each
step works on the whole batch and all states at once.

The gradient is torch's: with the backward variables ``beta`` the same recursion run from the
end, ``grad lp_t(c) = exp(lp_t(c)) - exp(logsumexp_{s: l'_s = c}(alpha_t(s) + beta_t(s)) + loss -
lp_t(c))``, which is the gradient with respect to the *logits* when ``lp = log_softmax(logits)``
(through a log_softmax it equals the true gradient; it is what torch returns for ``log_probs``).
Like torch's, it has no second derivative with respect to ``log_probs``.

>>> import scratchnet as sn
>>> import scratchnet.nn.functional as F
>>> lp = sn.full((2, 1, 2), 0.5).log()
>>> round(F.ctc_loss(lp, sn.tensor([[1]]), [2], [1], reduction="sum").item(), 4)
0.2877
"""

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor

_NEG_INF = -xp.inf


def _lse(*terms):
    """torch's logsumexp of a few log terms, elementwise: a max of -inf counts as 0."""
    m = terms[0]
    for t in terms[1:]:
        m = xp.maximum(m, t)
    m = xp.where(m == _NEG_INF, 0, m)
    with xp.errstate(invalid="ignore", over="ignore"):
        total = sum(xp.exp(t - m) for t in terms)
    with xp.errstate(divide="ignore"):
        return xp.log(total) + m


def _shift(a, k, fill=_NEG_INF):
    """``a[..., s - k]`` (k > 0) or ``a[..., s + |k|]`` (k < 0) along the last axis, ``fill`` outside."""
    out = xp.full_like(a, fill)
    if k > 0:
        out[..., k:] = a[..., :-k]
    else:
        out[..., :k] = a[..., -k:]
    return out


class CtcLoss(Function):
    """Per-sample negative log-likelihoods (N,) of (T, N, C) log-probabilities."""

    backward_name = "CtcLossBackward0"

    def forward(ctx, lp, ext, in_lengths, tgt_lengths, zero_infinity):
        t_max, n, _ = lp.shape
        s_max = ext.shape[1]
        states = xp.arange(s_max)
        valid = states[None, :] < (2 * tgt_lengths[:, None] + 1)  # (N, S)
        skip = (states % 2 == 1)[None, :] & (states >= 2)[None, :] & (ext != _shift(ext, 2, -1)) & valid
        lpe = xp.take_along_axis(lp, xp.broadcast_to(ext[None], (t_max, n, s_max)), axis=2)  # (T, N, S)
        alpha = xp.full((t_max, n, s_max), _NEG_INF, lp.dtype)
        if t_max:
            start = (states[None, :] == 0) | ((states[None, :] == 1) & (tgt_lengths[:, None] > 0))
            alpha[0] = xp.where(start & valid, lpe[0], _NEG_INF)
        for t in range(1, t_max):
            prev = alpha[t - 1]
            step = _lse(prev, _shift(prev, 1), xp.where(skip, _shift(prev, 2), _NEG_INF)) + lpe[t]
            alpha[t] = xp.where(valid, step, _NEG_INF)
        last = xp.clip(in_lengths - 1, 0, None)
        rows = alpha[last, xp.arange(n)] if t_max else xp.full((n, s_max), _NEG_INF, lp.dtype)  # (N, S)
        end = xp.take_along_axis(rows, (2 * tgt_lengths)[:, None], 1)[:, 0]
        before = xp.where(tgt_lengths > 0, xp.take_along_axis(rows, xp.clip(2 * tgt_lengths - 1, 0, None)[:, None], 1)[:, 0], _NEG_INF)
        nll = -_lse(end, before)
        nll = xp.where(in_lengths == 0, xp.where(tgt_lengths == 0, -0.0, xp.inf), nll).astype(lp.dtype)
        ctx.lp, ctx.ext, ctx.lpe, ctx.alpha, ctx.nll = lp, ext, lpe, alpha, nll
        ctx.in_lengths, ctx.tgt_lengths, ctx.valid, ctx.zero_infinity = in_lengths, tgt_lengths, valid, zero_infinity
        return nll

    def backward(ctx, grad):
        g = _ctc_gradient(ctx)
        return Tensor._make(g) * grad.reshape(1, -1, 1)


def _ctc_gradient(ctx):
    """torch's gradient of each sample's loss with respect to lp (T, N, C), by the backward variables."""
    lp, ext, lpe, alpha, nll = ctx.lp, ctx.ext, ctx.lpe, ctx.alpha, ctx.nll
    t_max, n, c = lp.shape
    s_max = ext.shape[1]
    tl, il, valid = ctx.tgt_lengths, ctx.in_lengths, ctx.valid
    states = xp.arange(s_max)
    skip_next = (states % 2 == 1)[None, :] & (ext != _shift(ext, -2, -1)) & (states[None, :] + 2 < 2 * tl[:, None] + 1)
    ends = ((states[None, :] == 2 * tl[:, None]) | ((states[None, :] == 2 * tl[:, None] - 1) & (tl[:, None] > 0))) & valid
    beta = xp.full((t_max, n, s_max), _NEG_INF, lp.dtype)
    nxt = xp.full((n, s_max), _NEG_INF, lp.dtype)
    for t in range(t_max - 1, -1, -1):
        step = _lse(nxt, _shift(nxt, -1), xp.where(skip_next, _shift(nxt, -2), _NEG_INF)) + lpe[t]
        here = xp.where((t == il - 1)[:, None], xp.where(ends, lpe[t], _NEG_INF), xp.where((t < il - 1)[:, None] & valid, step, _NEG_INF))
        beta[t] = here
        nxt = here
    ab = alpha + beta  # (T, N, S)
    peak = xp.max(xp.where(xp.isfinite(ab), ab, _NEG_INF), axis=2, keepdims=True, initial=_NEG_INF)
    peak = xp.where(xp.isfinite(peak), peak, 0)
    acc = xp.zeros((t_max, n, c), lp.dtype)
    with xp.errstate(invalid="ignore", over="ignore"):
        xp.add.at(acc, (xp.arange(t_max)[:, None, None], xp.arange(n)[None, :, None], xp.broadcast_to(ext[None], ab.shape)), xp.exp(ab - peak))
    with xp.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lcab = xp.log(acc) + peak
        g = xp.exp(lp) - xp.exp(lcab + nll[None, :, None] - lp)
    inside = xp.arange(t_max)[:, None] < il[None, :]  # (T, N)
    g = xp.where(inside[..., None], g, 0)
    if ctx.zero_infinity:
        g = xp.where(xp.isinf(nll)[None, :, None], 0, g)
    return g.astype(lp.dtype, copy=False)


def _lengths(value, name):
    if isinstance(value, Tensor):
        return value.array.astype(xp.int64).reshape(-1)
    if isinstance(value, int):
        raise TypeError(f"ctc_loss(): argument '{name}' must be tuple of ints or Tensor, not int")
    return xp.asarray(list(value), dtype=xp.int64).reshape(-1)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    r"""The connectionist temporal classification loss: ``-log`` of the probability of each
    target summed over all its alignments with the input.

    Args:
        log_probs (Tensor): :math:`(T, N, C)` or :math:`(T, C)` log-probabilities (e.g. a
            ``log_softmax`` over classes), ``T`` the input length, ``C`` the classes with the blank.
        targets (Tensor): :math:`(N, S)` padded targets or the concatenated targets
            :math:`(\sum \text{target\_lengths})`; no blanks.
        input_lengths (Tensor or tuple): :math:`(N)`, each :math:`\le T`.
        target_lengths (Tensor or tuple): :math:`(N)`.
        blank (int): the blank class. Default: 0.
        reduction (str): ``'none'`` | ``'mean'`` (each loss divided by its target length, then
            the batch mean) | ``'sum'``. Default: ``'mean'``.
        zero_infinity (bool): losses of impossible alignments (infinite) and their gradients
            become 0. Default: False.

    Shape:
        - Output: scalar, or :math:`(N)` (``'none'``), or :math:`()` for an unbatched input.

    >>> import scratchnet as sn
    >>> lp = sn.randn(6, 2, 4).log_softmax(2)
    >>> ctc_loss(lp, sn.tensor([[1, 2], [3, 3]]), [6, 5], [2, 2], reduction="none").shape
    scratchnet.Size([2])
    """
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_probs.ndim == 0:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    if log_probs.ndim == 1:
        raise RuntimeError("Expected 3-dimensional tensor, but got 2-dimensional tensor for argument #1 'log_probs' (while checking arguments for ctc_loss_allocate_outputs)")
    unbatched = log_probs.ndim == 2
    if isinstance(input_lengths, int) or isinstance(target_lengths, int):
        raise TypeError("ctc_loss() received an invalid combination of arguments: input_lengths and target_lengths must be tuples of ints or Tensors")
    if unbatched:
        log_probs, targets = log_probs.unsqueeze(1), targets.unsqueeze(0)
    if log_probs.ndim != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.ndim}-dimensional tensor for argument #1 'log_probs' (while checking arguments for ctc_loss_allocate_outputs)")
    if log_probs.dtype not in FLOAT_DTYPES:
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{log_probs.dtype}'")
    if log_probs.numel() == 0:
        raise RuntimeError("log_probs tensor must not be empty")
    t_max, n, c = log_probs.shape
    il, tl = _lengths(input_lengths, "input_lengths"), _lengths(target_lengths, "target_lengths")
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    if il.size != n:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.size != n:
        raise RuntimeError("target_lengths must be of size batch_size")
    for i in il:
        if i > t_max:
            raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got value {i} (while checking arguments for ctc_loss_allocate_outputs)")
    tg = targets.array.astype(xp.int64)
    max_len = int(tl.max()) if tl.size else 0
    if tg.ndim == 1 and not unbatched:  # concatenated targets
        if tg.size < tl.sum():
            raise RuntimeError(f"Expected tensor to have size at least {int(tl.sum())} at dimension 0, but got size {tg.size} for argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)")
        starts = xp.concatenate([[0], xp.cumsum(tl)[:-1]]).astype(xp.int64)
        pos = xp.arange(max_len)
        padded = xp.where(pos[None, :] < tl[:, None], tg[xp.minimum(starts[:, None] + pos[None, :], max(tg.size - 1, 0))] if tg.size else 0, blank)
    else:
        if tg.shape[1] < max_len:
            raise RuntimeError(f"Expected tensor to have size at least {max_len} at dimension 1, but got size {tg.shape[1]} for argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)")
        padded = xp.where(xp.arange(max_len)[None, :] < tl[:, None], tg[:, :max_len], blank)
    ext = xp.full((n, 2 * max_len + 1), blank, dtype=xp.int64)
    ext[:, 1::2] = padded
    if ((ext < 0) | (ext >= c)).any():
        raise IndexError(f"ctc_loss: a target is out of the range of the {c} classes")
    loss = CtcLoss.apply(log_probs, ext=ext, in_lengths=il, tgt_lengths=tl, zero_infinity=bool(zero_infinity))
    if zero_infinity:
        from .math import where

        loss = where(Tensor._make(xp.isinf(loss.array)), Tensor._make(xp.zeros((), loss.array.dtype)), loss)
    if reduction == "mean":
        loss = (loss / Tensor._make(xp.maximum(tl, 1).astype(loss.array.dtype))).mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss.squeeze(0) if unbatched and reduction == "none" else loss


__all__ = ["ctc_loss"]
