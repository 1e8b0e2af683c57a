"""More losses and distances, as ``torch.nn.functional``: normalize, cosine_similarity,
pairwise_distance, cosine_embedding_loss, margin_ranking_loss, triplet_margin_loss,
hinge_embedding_loss, multilabel_soft_margin_loss, multi_margin_loss, soft_margin_loss,
poisson_nll_loss, gaussian_nll_loss, multilabel_margin_loss.

Each is its formula over scratchnet's ops, in the same order of operations as torch's, so the last
node (and the values, to rounding) match; those torch records as one node are one node here
(``SoftMarginLossBackward0``, ``MultiMarginLossBackward0``, ...).

>>> import scratchnet as sn
>>> x1, x2 = sn.tensor([[1.0, 0.0], [1.0, 1.0]]), sn.tensor([[1.0, 0.0], [-1.0, -1.0]])
>>> [round(v, 6) for v in cosine_similarity(x1, x2).tolist()]
[1.0, -1.0]
>>> pairwise_distance(x1, x2, eps=0.0).tolist()
[0.0, 2.8284270763397217]
"""

import math

from ..backend import FLOAT_DTYPES, fast_where, xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor, _wrap_dim, broadcast_shapes, int64, result_type
from ._promote import as_dtype, not_implemented
from ._composite import composite
from .bitwise import log1p
from .loss import _reduce
from .math import clamp, log, maximum, minimum, where
from .shape import broadcast_tensors
from .nn_activation import logsigmoid


# --- p-norms -------------------------------------------------------------------------------------


class Norm(Function):
    """||x||_p along ``dim``; its gradient is 0 where the norm is 0 (torch's convention), and is
    written in torch's order of operations (so which large values overflow to inf or NaN agrees).
    Over a dimension of size 1 the norm is |x| exactly (as torch's: no x^2 to overflow)."""

    backward_name = "NormBackward1"

    def forward(ctx, x, p, dim, keepdim):
        ctx.p, ctx.dim, ctx.keepdim = p, dim, keepdim
        a = xp.abs(x)
        with xp.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            if p == 0:
                out = (a != 0).sum(axis=dim, keepdims=True).astype(x.dtype)
            elif x.shape[dim] == 1:
                out = a
            elif p == math.inf:
                out = a.max(axis=dim, keepdims=True) if a.shape[dim] else xp.zeros_like(a.sum(axis=dim, keepdims=True))
            elif p == 1:
                out = a.sum(axis=dim, keepdims=True)
            elif p == 2:
                out = xp.sqrt((a * a).sum(axis=dim, keepdims=True))
            else:
                out = (a**p).sum(axis=dim, keepdims=True) ** (1.0 / p)
        out = out.astype(x.dtype, copy=False)
        ctx.save_for_backward(x)
        return out if keepdim else out.squeeze(dim)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        p, dim = ctx.p, ctx.dim
        norm = Norm.apply(x, p=p, dim=dim, keepdim=True)
        g = grad if ctx.keepdim else grad.unsqueeze(dim)
        if p == 0:
            return x * 0.0
        if p == 1:
            return x.sign() * g
        zero = Tensor._make(norm.array == 0)
        safe = where(zero, 1.0, norm)
        if p == 2:
            return g * where(zero, 0.0, x / safe)
        if p == math.inf:
            a = x.abs().detach()
            hit = Tensor._make(((a.array == norm.array) | xp.isnan(a.array)).astype(x.dtype))
            return x.sign() * ((g / hit.sum(dim=dim, keepdim=True)) * hit)
        if p < 1:
            scaled = x.sign() * where(Tensor._make(x.array == 0), 0.0, x.abs() ** (p - 1))
            return scaled * g * norm ** (1 - p)
        scaled = x.sign() * x.abs() ** (p - 1) if p < 2 else x * x.abs() ** (p - 2)
        return scaled * where(zero, 0.0, g / safe ** (p - 1))


class _ClampedCopy(Function):
    """max(x, eps) in value with the identity's gradient: torch's ``t.clone()`` then an in-place
    ``clamp_min_`` under no_grad (cosine_similarity's norms, gaussian_nll_loss's variance)."""

    backward_name = "CloneBackward0"

    def forward(ctx, x, eps):
        with xp.errstate(invalid="ignore"):
            return fast_where(xp.isnan(x), x, xp.maximum(x, eps)).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        return grad


def _norm(x, p, dim, keepdim=False):
    return Norm.apply(x, p=float(p), dim=_wrap_dim(dim, x.ndim), keepdim=keepdim)


def _clamp_min(x, value):
    return composite("ClampMinBackward0", lambda t: clamp(t, min=value), x)


def _floating_norm_input(x, name="linalg.vector_norm"):
    if x.dtype not in FLOAT_DTYPES:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {torch_name(x.dtype)}")


def _norm_keep(x, p, dim):
    """||x||_p along ``dim`` kept as a size-1 dim (a 0-d x is its own one-element vector)."""
    d = _wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        return Norm.apply(x.reshape(1), p=float(p), dim=0, keepdim=True).reshape(())
    return Norm.apply(x, p=float(p), dim=d, keepdim=True)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``F.normalize``: x / max(||x||_p, eps) along ``dim``.

    Args:
        input: a floating tensor of any shape; p: the norm's exponent; dim: the dim normalized;
        eps: the smallest norm divided by.

    >>> import scratchnet as sn
    >>> sn.nn.functional.normalize(sn.tensor([[3.0, 4.0]])).tolist()
    [[0.6000000238418579, 0.800000011920929]]
    """
    if out is not None:
        raise NotImplementedError("normalize: out= is not supported in scratchnet")
    _floating_norm_input(input)
    return input / _clamp_min(_norm_keep(input, p, dim), eps).expand_as(input)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``F.cosine_similarity``: sum(x1/max(||x1||, eps) * x2/max(||x2||, eps)) along ``dim``
    (inputs broadcast first; integer inputs are cast to the common dtype, which must be floating).

    >>> import scratchnet as sn
    >>> sn.nn.functional.cosine_similarity(sn.tensor([[1.0, 0.0]]), sn.tensor([[1.0, 1.0]])).tolist()
    [0.7071067690849304]
    """
    dtype = result_type(x1, x2)
    if dtype not in FLOAT_DTYPES:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {torch_name(dtype)}")
    x1 = x1 if x1.dtype in FLOAT_DTYPES else as_dtype(x1, dtype)
    x2 = x2 if x2.dtype in FLOAT_DTYPES else as_dtype(x2, dtype)
    if x1.shape != x2.shape:
        x1, x2 = broadcast_tensors(x1, x2)
    n1 = _ClampedCopy.apply(_norm_keep(x1, 2, dim), eps=eps)
    n2 = _ClampedCopy.apply(_norm_keep(x2, 2, dim), eps=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim=dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``F.pairwise_distance``: ||x1 - x2 + eps||_p over the last dim.

    >>> import scratchnet as sn
    >>> sn.nn.functional.pairwise_distance(sn.tensor([[0.0, 0.0]]), sn.tensor([[3.0, 4.0]]), eps=0.0).tolist()
    [5.0]
    """
    diff = x1 - x2 + eps
    if diff.ndim == 0:
        return _norm_keep(diff, p, -1)
    return _norm(diff, p, -1, keepdim)


# --- margin and embedding losses ------------------------------------------------------------------


def _float_check(*tensors, name):
    for t in tensors:
        if isinstance(t, Tensor) and t.dtype not in FLOAT_DTYPES:
            raise RuntimeError(f"{name}: expected a floating point tensor, got {t.dtype}")


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(x1, x2) where target = 1; max(0, cos(x1, x2) - margin) where target = -1."""
    from .loss import _legacy
    reduction = _legacy(size_average, reduce, reduction)
    if input1.ndim not in (1, 2) or input1.shape != input2.shape:
        raise RuntimeError(f"cosine_embedding_loss: expected 1D or 2D inputs of one shape, got {list(input1.shape)} and {list(input2.shape)}")
    if target.ndim != input1.ndim - 1:
        raise RuntimeError(f"{input1.ndim - 1}D target tensor expects {input1.ndim}D input tensors, but found inputs with sizes {list(input1.shape)} and {list(input2.shape)}.")
    d = input1.ndim - 1
    eps = float(xp.float32(1e-12))  # torch's EPSILON is a C++ float: 9.999999960e-13, also in float64
    prod = (input1 * input2).sum(dim=d)
    mag1 = (input1 * input1).sum(dim=d) + eps
    mag2 = (input2 * input2).sum(dim=d) + eps
    cos = prod / (mag1 * mag2).sqrt()
    pos = where(target == 1, 1 - cos, 0.0)
    neg = where(target == -1, _clamp_min(cos - margin, 0.0), 0.0)
    return _reduce(pos + neg, reduction, "cosine_embedding_loss")


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target (x1 - x2) + margin)."""
    from .loss import _legacy
    reduction = _legacy(size_average, reduce, reduction)
    if not (input1.ndim == input2.ndim == target.ndim):
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: "
            f"{tuple(input1.shape)}, input2: {tuple(input2.shape)}, target: {tuple(target.shape)} "
        )
    return _reduce(_clamp_min(-target * (input1 - input2) + margin, 0.0), reduction, "margin_ranking_loss")


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None, reduce=None, reduction="mean"):
    """max(0, margin + d(a, p) - d(a, n)), d the pairwise p-norm distance (``swap``: the smaller
    of d(a, n) and d(p, n))."""
    from .loss import _legacy

    reduction = _legacy(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if not (anchor.ndim == positive.ndim == negative.ndim):
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number of dimensions, "
            f"but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative {negative.ndim}D inputs"
        )
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce(_clamp_min(margin + d_pos - d_neg, 0.0), reduction, "triplet_margin_loss")


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """x where target = 1; max(0, margin - x) where target = -1 (both where target is neither).

    On an integer input torch computes in the input's dtype, the margin truncated to it; so does
    scratchnet (and a mean of that integer loss is refused, as torch's).

    >>> import scratchnet as sn
    >>> sn.nn.functional.hinge_embedding_loss(sn.tensor([0.3, 2.0]), sn.tensor([1.0, -1.0])).item()
    0.15000000596046448
    """
    from .loss import _legacy
    reduction = _legacy(size_average, reduce, reduction)
    zeros = Tensor._make(xp.zeros(input.shape, input.dtype))
    if input.dtype in FLOAT_DTYPES:
        margin_clamp = _clamp_min(margin - input, 0.0)
    else:  # torch fills the margin into the input's dtype first: int(2.5) = 2, uint8 wraps
        filled = Tensor._make(xp.full(input.shape, int(margin) if input.dtype != xp.bool_ else bool(margin)).astype(input.dtype))
        margin_clamp = clamp(filled - input, min=0)
    output_margin = where(target != 1, margin_clamp, zeros)
    output_self = where(target != -1, input, zeros)
    return _reduce(output_margin + output_self, reduction, "hinge_embedding_loss")


class SoftMarginLoss(Function):
    """log(1 + e^(-y x)) as torch computes it (no rescaling: e^(-y x) may overflow to inf), and
    torch's gradient -norm y z / (1 + z) * grad with z = e^(-y x)."""

    backward_name = "SoftMarginLossBackward0"

    def forward(ctx, x, y, reduction):
        ctx.reduction = reduction
        ctx.save_for_backward(x, y)
        with xp.errstate(over="ignore", invalid="ignore"):
            loss = xp.log1p(xp.exp((-x) * y)).astype(x.dtype, copy=False)
            if reduction == "none":
                return loss
            return xp.asarray(loss.mean() if reduction == "mean" else loss.sum(), dtype=x.dtype)

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        norm = 1.0 / max(x.numel(), 1) if ctx.reduction == "mean" else 1.0
        z = (-y * x).exp()
        return (y * z * -norm) / (z + 1) * grad, None


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + e^(-y x)), a smooth two-class margin loss; it has the input's dtype.

    >>> import scratchnet as sn
    >>> round(sn.nn.functional.soft_margin_loss(sn.tensor([2.0, -1.0]), sn.tensor([1.0, 1.0])).item(), 6)
    0.720095
    """
    from .loss import _legacy

    reduction = _legacy(size_average, reduce, reduction)
    if input.shape != target.shape:  # torch multiplies the target into the input's shape, in place
        shape = broadcast_shapes(tuple(input.shape), tuple(target.shape))
        if shape != tuple(input.shape):
            raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape {list(shape)} (soft_margin_loss's target of shape {list(target.shape)})")
        target = target.expand(*input.shape)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if input.dtype == xp.bool_:
        raise NotImplementedError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    if input.dtype not in FLOAT_DTYPES:
        raise RuntimeError(f"result type Float can't be cast to the desired output type {torch_name(input.dtype)} (soft_margin_loss needs a floating input)")
    if isinstance(target, Tensor) and target.requires_grad:
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. This input cannot have requires_grad True.")
    return SoftMarginLoss.apply(input, as_dtype(target, input.dtype), reduction=reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-(y log sigmoid(x) + (1 - y) log sigmoid(-x)), averaged over the classes (last dim)."""
    from .loss import _legacy
    reduction = _legacy(size_average, reduce, reduction)
    if input.dtype not in FLOAT_DTYPES:
        raise not_implemented("log_sigmoid_cpu", input.dtype)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(dim=class_dim) / input.shape[class_dim]
    return _reduce(loss, reduction, "multilabel_soft_margin_loss")


def _class_targets(input, target, name):
    if input.ndim > 2 or (input.ndim and input.shape[-1] == 0):
        raise RuntimeError(f"{name}: Expected non-empty vector or matrix with optional 0-dim batch size, but got: {list(input.shape)}")
    if target.dtype != int64:
        raise RuntimeError(f"{name}: expected scalar type Long but found {torch_name(target.dtype)}")


class MultiMarginLoss(Function):
    """torch's multi-class hinge kernel: per sample, the sum over classes i != y of
    [z_i > 0] z_i^p (times w[y]) / C with z_i = margin - x[y] + x[i] (a NaN z adds nothing); its
    gradient in the kernel's order, h = g or 2 g z (g = 1/C, or 1/(N C) for the mean), times w[y],
    then times the upstream gradient, and -sum(h) at the target."""

    backward_name = "MultiMarginLossBackward0"

    def forward(ctx, x, *w, onehot, p, margin, reduction, out_shape):
        ctx.onehot, ctx.p, ctx.margin, ctx.reduction, ctx.out_shape = onehot, p, margin, reduction, out_shape
        ctx.save_for_backward(x, *w)
        x2 = x.reshape(onehot.shape)
        with xp.errstate(over="ignore", invalid="ignore"):
            z = margin - fast_where(onehot, x2, 0).sum(axis=1, keepdims=True) + x2
            h = fast_where((z > 0) & ~onehot, z * z if p == 2 else z, 0)
            if w:
                h = h * fast_where(onehot, w[0].reshape(1, -1), 0).sum(axis=1, keepdims=True)
            loss = (h.sum(axis=1) / onehot.shape[1]).astype(x.dtype).reshape(out_shape)
            if reduction == "none":
                return loss
            return xp.asarray(loss.mean() if reduction == "mean" else loss.sum(), dtype=x.dtype)

    def backward(ctx, grad):
        x, *w = ctx.saved_tensors
        onehot, n, c = ctx.onehot, *ctx.onehot.shape
        hit = Tensor._make(onehot)
        x2 = x.reshape(n, c)
        z = ctx.margin - where(hit, x2, 0.0).sum(dim=1, keepdim=True) + x2
        active = Tensor._make((z.array > 0) & ~onehot)
        g = 1.0 / (n * c) if ctx.reduction == "mean" else 1.0 / c
        h = where(active, 2 * g * z, 0.0) if ctx.p == 2 else Tensor._make(fast_where(active.array, g, 0).astype(x.dtype))
        if w:
            h = h * where(hit, w[0].reshape(1, -1).expand(n, c), 0.0).sum(dim=1, keepdim=True)
        h = where(hit, -h.sum(dim=1, keepdim=True), h)
        h = h * (grad.reshape(n, 1) if ctx.reduction == "none" else grad)
        return (h.reshape(x.shape),) + (None,) * len(w)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"):
    """sum over classes i != y of max(0, margin - x[y] + x[i])^p / C (times weight[y]).

    Args:
        input: scores (N, C), (C,) or (); target: class indices (N,) or ();
        p: 1 or 2; margin: the margin; weight: per-class weights (C,) (no gradient, as torch's).

    >>> import scratchnet as sn
    >>> sn.nn.functional.multi_margin_loss(sn.tensor([[0.1, 0.2, 0.4, 0.8]]), sn.tensor([3])).item()
    0.32499998807907104
    """
    from .loss import _legacy

    reduction = _legacy(size_average, reduce, reduction)
    _class_targets(input, target, "multi_margin_loss")
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    classes = input.shape[-1] if input.ndim else 1
    labels = target.array.reshape(-1)
    x_shape = input.shape if input.ndim == 2 else (1, classes)
    if target.ndim > 1 or len(labels) != x_shape[0]:
        raise RuntimeError(f"multi_margin_loss: inconsistent target size, expected {x_shape[0]} but got {list(target.shape)}")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise RuntimeError(f"multi_margin_loss: target out of range (classes 0..{classes - 1}, got {labels.min()}..{labels.max()})")
    if input.dtype not in FLOAT_DTYPES:
        raise not_implemented("multi_margin_loss_cpu_kernel", input.dtype)
    if weight is not None and (weight.ndim > 1 or weight.numel() != classes):
        raise RuntimeError(f"inconsistent weight size, expected {classes} but got {list(weight.shape)}")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    onehot = labels[:, None] == xp.arange(classes)
    out_shape = () if input.ndim <= 1 and target.ndim == 0 else (x_shape[0],)
    weights = () if weight is None else (as_dtype(weight, input.dtype),)
    return MultiMarginLoss.apply(input, *weights, onehot=onehot, p=p, margin=float(margin), reduction=reduction, out_shape=out_shape)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """sum over target classes j and non-target classes i of max(0, 1 - (x[j] - x[i])) / C;
    ``target`` lists class indices per sample, ended by the first -1."""
    from .loss import _legacy
    reduction = _legacy(size_average, reduce, reduction)
    _class_targets(input, target, "multilabel_margin_loss")
    fits = target.shape == input.shape if input.ndim == 2 else target.ndim <= 1 and target.numel() == (input.numel() if input.ndim else 1)
    if not fits:
        raise RuntimeError(f"multilabel_margin_loss: inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    if input.dtype not in FLOAT_DTYPES:
        raise not_implemented("multilabel_margin_loss_forward_out_frame", input.dtype)
    classes = input.shape[-1] if input.ndim else 1
    labels = target.array.reshape(-1, classes)
    valid = xp.cumprod(labels >= 0, axis=1).astype(bool)  # slots before the first -1
    if (labels[valid] >= classes).any():
        raise RuntimeError(f"multilabel_margin_loss: target index out of range (classes 0..{classes - 1})")
    safe = fast_where(valid, labels, 0)
    slot_onehot = (safe[:, :, None] == xp.arange(classes)) & valid[:, :, None]  # (N, slots, C)
    is_target = slot_onehot.any(axis=1)  # (N, C)
    pair_mask = Tensor._make(valid[:, :, None] & ~is_target[:, None, :])  # (N, slots, C)
    pick = Tensor._make(slot_onehot)

    def fn(x):
        x2 = x.reshape(labels.shape)
        x_target = where(pick, x2.unsqueeze(1), 0.0).sum(dim=2, keepdim=True)  # (N, slots, 1)
        z = 1 - x_target + x2.unsqueeze(1)  # the kernel's order: 1 - 3e38 + 3e38 is 0 in float32
        loss = where(pair_mask & (z > 0), z, 0.0).sum(dim=(1, 2)) / classes  # only z > 0 adds (not NaN)
        loss = loss.reshape(()) if input.ndim <= 1 else loss
        return _reduce(loss, reduction, "multilabel_margin_loss")

    return composite("MultilabelMarginLossBackward0", fn, input)


# --- likelihood losses ----------------------------------------------------------------------------


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction="mean"):
    """e^x - y x (``log_input``) or x - y log(x + eps); ``full`` adds Stirling's term for y > 1."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    loss = input.exp() - target * input if log_input else input - target * log(input + eps)
    if full:
        big = target > 1
        safe = where(big, target, 2.0)
        stirling = safe * log(safe) - safe + 0.5 * log(2 * math.pi * safe)
        loss = loss + where(big, stirling, 0.0)
    return _reduce(loss, reduction, "poisson_nll_loss")


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """0.5 (log(max(var, eps)) + (x - y)^2 / max(var, eps)) (+ 0.5 log(2 pi) when ``full``).

    ``var`` has the input's shape, or one fewer trailing dim, or a 1 in one dim (one variance shared
    along it); the clamp at eps changes the value, not the gradient (torch clamps in place)."""
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = Tensor._make(xp.full(input.shape, float(var), dtype=input.dtype))
    elif var.numel() and (var.detach().array < 0).any():
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif input.ndim == var.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    if var.dtype not in FLOAT_DTYPES:  # torch clamps var in place at eps, a float
        raise RuntimeError(f"result type Float can't be cast to the desired output type {torch_name(var.dtype)} (gaussian_nll_loss's var must be floating)")
    var = _ClampedCopy.apply(var, eps=eps)
    diff = input - target
    loss = 0.5 * (log(var) + diff**2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction, "gaussian_nll_loss")


__all__ = ["cosine_similarity", "pairwise_distance", "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss", "hinge_embedding_loss", "poisson_nll_loss"]
FUNCTIONAL = [
    "normalize", "cosine_similarity", "pairwise_distance", "cosine_embedding_loss", "margin_ranking_loss",
    "triplet_margin_loss", "hinge_embedding_loss", "multilabel_soft_margin_loss", "multi_margin_loss",
    "soft_margin_loss", "poisson_nll_loss", "gaussian_nll_loss", "multilabel_margin_loss",
]
