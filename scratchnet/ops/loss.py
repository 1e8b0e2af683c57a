"""Losses, as ``torch.nn.functional``: mse, l1, smooth_l1, huber, binary_cross_entropy (with
logits), cross_entropy, nll, kl_div; each with ``reduction='none'|'mean'|'sum'``.

They are built from differentiable ops (their backward, and second derivatives, follow), written
in the numerically stable forms torch uses: log-softmax rather than log(softmax), logits through
log(1 + e^-|x|), BCE's logs clamped at -100. Where torch would broadcast a target of the wrong
shape with only a warning, scratchnet raises: a silently broadcast loss is a wrong answer.

>>> import scratchnet as sn
>>> logits = sn.tensor([[2.0, 0.5, -1.0]])
>>> round(cross_entropy(logits, sn.tensor([0])).item(), 6)
0.241311
"""

from ..backend import FLOAT_DTYPES, fast_where, xp
from ..dtypes import can_cast, torch_name
from ..tensor import Function, Tensor, broadcast_shapes, int64, is_grad_enabled, result_type
from ..dtypes import uint8
from ._promote import as_dtype, not_implemented
from ._composite import composite
from .activation import log_softmax
from .bitwise import log1p
from .math import clamp, log, maximum, where
from .pointwise_more import xlogy


def _reduce(loss, reduction, name):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{name}: {reduction!r} is not a valid value for reduction (expected 'none', 'mean' or 'sum')")


def _check_reduction(reduction, name):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{name}: {reduction!r} is not a valid value for reduction (expected 'none', 'mean' or 'sum')")


def _same_shape(input, target, name, floating=True):
    """BCE's and kl_div's check: the target must have the input's shape (torch raises for BCE)."""
    if not isinstance(target, Tensor):
        raise TypeError(f"{name}(): argument 'target' (position 2) must be Tensor, not {type(target).__name__}")
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) is "
                         "deprecated. Please ensure they have the same size.")
    if floating and target.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{name}: target must be a float tensor, got {target.dtype}")


def _broadcast_target(input, target, name):
    """The regression losses' rule, torch's: a target of another shape is broadcast against the
    input, with torch's warning (usually a bug: (N, 1) against (N,) gives (N, N))."""
    if not isinstance(target, Tensor):
        raise TypeError(f"{name}(): argument 'target' (position 2) must be Tensor, not {type(target).__name__}")
    if tuple(input.shape) == tuple(target.shape):
        return input, target
    import warnings

    from .shape import broadcast_tensors

    warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). This will "
                  "likely lead to incorrect results due to broadcasting. Please ensure they have the same size.", stacklevel=3)
    return broadcast_tensors(input, target)


def _promoted(input, target, kernel):
    """input and target in torch's common dtype, which must be floating (torch has no integer
    kernel for these losses: '"mse_cpu" not implemented for 'Long'')."""
    dtype = result_type(input, target)
    if dtype not in FLOAT_DTYPES:
        raise not_implemented(kernel, dtype)
    return as_dtype(input, dtype), as_dtype(target, dtype)


def _reduce_array(loss, reduction):
    """The reduction of an array of elementwise losses (mean of none is NaN, sum of none 0)."""
    if reduction == "none":
        return loss
    with xp.errstate(invalid="ignore"):
        return xp.asarray(loss.mean() if reduction == "mean" else loss.sum(), dtype=loss.dtype)


def _norm(x, reduction):
    """The factor a mean puts on each element's gradient (1 for sum and none)."""
    return 1.0 / max(x.numel(), 1) if reduction == "mean" else 1.0


class MseLoss(Function):
    """(x - y)^2, reduced; gradient norm * (x - y) * grad with norm = 2 (/ N for the mean), in
    torch's order of operations (so 3e38 - (-3e38) overflows to inf in float32, as torch's)."""

    backward_name = "MseLossBackward0"

    def forward(ctx, x, y, reduction):
        ctx.reduction = reduction
        ctx.save_for_backward(x, y)
        with xp.errstate(over="ignore", invalid="ignore"):
            d = x - y
            return _reduce_array(d * d, reduction)

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        g = 2.0 * _norm(x, ctx.reduction) * (x - y) * grad
        return g, -g


class SmoothL1Loss(Function):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta; the gradient is +-norm * grad
    beyond +-beta (finite at d = +-inf) and norm * d * grad / beta inside."""

    backward_name = "SmoothL1LossBackward0"

    def forward(ctx, x, y, reduction, beta):
        ctx.reduction, ctx.beta = reduction, beta
        ctx.save_for_backward(x, y)
        with xp.errstate(over="ignore", invalid="ignore"):
            z = xp.abs(x - y)
            return _reduce_array(fast_where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta).astype(x.dtype), reduction)

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        beta, norm = ctx.beta, _norm(x, ctx.reduction)
        d = x - y
        inside = norm * d * grad / beta
        g = where(d <= -beta, -norm * grad, where(d >= beta, norm * grad, inside))
        return g, -g


class HuberLoss(Function):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta); the gradient is
    +-norm * grad * delta beyond +-delta and norm * d * grad inside."""

    backward_name = "HuberLossBackward0"

    def forward(ctx, x, y, reduction, delta):
        ctx.reduction, ctx.delta = reduction, delta
        ctx.save_for_backward(x, y)
        with xp.errstate(over="ignore", invalid="ignore"):
            z = xp.abs(x - y)
            return _reduce_array(fast_where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)).astype(x.dtype), reduction)

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        delta, norm = ctx.delta, _norm(x, ctx.reduction)
        d = x - y
        g = where(d <= -delta, -norm * grad * delta, where(d >= delta, norm * grad * delta, norm * d * grad))
        return g, -g


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean (or sum, or none) of ``(input - target)^2``.

    Args:
        input, target: tensors of the same shape (another target shape is broadcast, with torch's warning);
            integer inputs are promoted with a float one, two integer inputs are refused as torch.
        reduction: 'mean' | 'sum' | 'none'.
        weight: optional per-element weights (input's shape); 'mean' then divides by their sum.

    >>> import scratchnet as sn
    >>> sn.nn.functional.mse_loss(sn.tensor([1.0, 3.0]), sn.tensor([2.0, 1.0]))
    tensor(2.5000)
    """
    reduction = _legacy(size_average, reduce, reduction)
    input, target = _broadcast_target(input, target, "mse_loss")
    _check_reduction(reduction, "mse_loss")
    if weight is not None:
        _check_elementwise_weight(weight, input)
        loss = (input - target) ** 2 * weight
        return loss.sum() / weight.sum() if reduction == "mean" else _reduce(loss, reduction, "mse_loss")
    x, y = _promoted(input, target, "mse_cpu")
    return MseLoss.apply(x, y, reduction=reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean (or sum, or none) of ``|input - target|`` (integer inputs give an integer loss, whose
    mean torch refuses; bool inputs are refused, as their subtraction).

    Args:
        input, target: tensors of the same shape (another target shape is broadcast, with torch's warning).
        reduction: 'mean' | 'sum' | 'none'.
        weight: optional per-element weights (input's shape); 'mean' then divides by their sum.

    >>> import scratchnet as sn
    >>> sn.nn.functional.l1_loss(sn.tensor([1.0, 3.0]), sn.tensor([2.0, 1.0]))
    tensor(1.5000)
    """
    reduction = _legacy(size_average, reduce, reduction)
    input, target = _broadcast_target(input, target, "l1_loss")
    _check_reduction(reduction, "l1_loss")
    loss = (input - target).abs()
    if weight is not None:
        _check_elementwise_weight(weight, input)
        loss = loss * weight
        return loss.sum() / weight.sum() if reduction == "mean" else _reduce(loss, reduction, "l1_loss")
    return _reduce(loss, reduction, "l1_loss")


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta, d = input - target (an L1 loss
    when beta = 0).

    Args:
        input, target: tensors of the same shape; reduction: 'mean' | 'sum' | 'none';
        beta: where the quadratic part ends (>= 0).

    >>> import scratchnet as sn
    >>> sn.nn.functional.smooth_l1_loss(sn.tensor([0.0, 3.0]), sn.tensor([0.5, 1.0]))
    tensor(0.8125)
    """
    reduction = _legacy(size_average, reduce, reduction)
    input, target = _broadcast_target(input, target, "smooth_l1_loss")
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta (got {beta})")
    _check_reduction(reduction, "smooth_l1_loss")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    x, y = _promoted(input, target, "smooth_l1_cpu")
    return SmoothL1Loss.apply(x, y, reduction=reduction, beta=float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), d = input - target; the loss
    has the input's dtype (torch refuses a common dtype that does not cast to it).

    Args:
        input, target: tensors of the same shape; reduction: 'mean' | 'sum' | 'none';
        delta: where the quadratic part ends (> 0); weight: optional per-element weights.

    >>> import scratchnet as sn
    >>> sn.nn.functional.huber_loss(sn.tensor([0.0, 3.0]), sn.tensor([0.5, 1.0]))
    tensor(0.8125)
    """
    input, target = _broadcast_target(input, target, "huber_loss")
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta (got {delta})")
    _check_reduction(reduction, "huber_loss")
    dtype = result_type(input, target)
    if not can_cast(dtype, input.dtype):
        raise RuntimeError(f"result type {torch_name(dtype)} can't be cast to the desired output type {torch_name(input.dtype)}")
    x, y = _promoted(input, target, "huber_cpu")
    if weight is not None:
        _check_elementwise_weight(weight, input)
        loss = as_dtype(HuberLoss.apply(x, y, reduction="none", delta=float(delta)), input.dtype) * weight
        return _reduce(loss, reduction, "huber_loss")
    return as_dtype(HuberLoss.apply(x, y, reduction=reduction, delta=float(delta)), input.dtype)


def _legacy(size_average, reduce, reduction):
    """torch's deprecated size_average/reduce flags as a reduction string."""
    if size_average is None and reduce is None:
        return reduction
    if reduce is False:
        reduction = "none"
    else:
        reduction = "sum" if size_average is False else "mean"
    import warnings

    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.", stacklevel=3)
    return reduction


def _check_elementwise_weight(weight, input):
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")


#: torch's clamp of x (1 - x) in BCE's gradient: the float32 constant 1e-12, in every dtype
_BCE_EPSILON = float(xp.float32(1e-12))


class BinaryCrossEntropy(Function):
    """-(y log x + (1 - y) log(1 - x)), each log clamped at -100 as torch does, so x = 0 or 1
    gives a finite loss; the gradient (x - y) / max(x (1 - x), 1e-12) likewise stays finite. The
    target's gradient, log(1 - x) - log(x), is not clamped (infinite at x = 0 or 1), as torch's."""

    backward_name = "BinaryCrossEntropyBackward0"

    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        with xp.errstate(divide="ignore"):
            log_x, log_1mx = xp.maximum(xp.log(x), -100), xp.maximum(xp.log1p(-x), -100)
        return -(y * log_x + (1 - y) * log_1mx)

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_y = grad * (log1p(-x) - log(x)) if ctx.needs_input_grad[1] else None  # unclamped, as torch's
        return grad * (x - y) / clamp((1 - x) * x, min=_BCE_EPSILON), grad_y


def _check_weight(weight, input, name, what="weight"):
    """A weight must broadcast to the loss's shape without growing it (torch refuses, not broadcasts)."""
    if weight is None:
        return
    try:
        shape = broadcast_shapes(tuple(weight.shape), tuple(input.shape))
    except RuntimeError as e:
        raise RuntimeError(f"{name}: {what} of shape {list(weight.shape)} does not broadcast to the input's shape {list(input.shape)} ({e})") from None
    if shape != tuple(input.shape):
        raise RuntimeError(f"{name}: output with shape {list(input.shape)} doesn't match the broadcast shape {list(shape)} ({what} of shape {list(weight.shape)})")


def _weighted(fn, weight):
    """The loss ``fn(x, y)`` times an optional weight, as one composition over (x, y[, w])."""
    if weight is None:
        return fn
    return lambda x, y, w: fn(x, y) * w


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """BCE on probabilities in [0, 1]; ``weight`` rescales each element's loss.

    Args:
        input: probabilities; target: of input's shape and dtype, in [0, 1];
        weight: broadcasts to the input's shape (cast to its dtype).

    >>> import scratchnet as sn
    >>> round(sn.nn.functional.binary_cross_entropy(sn.tensor([0.8, 0.4]), sn.tensor([1.0, 0.0])).item(), 6)
    0.366985
    """
    reduction = _legacy(size_average, reduce, reduction)
    _same_shape(input, target, "binary_cross_entropy", floating=False)
    if input.dtype not in FLOAT_DTYPES:
        raise not_implemented("binary_cross_entropy", input.dtype)
    if target.dtype != input.dtype:
        raise RuntimeError(f"Found dtype {torch_name(target.dtype)} but expected {torch_name(input.dtype)} (binary_cross_entropy's target must have the input's dtype)")
    _check_weight(weight, input, "binary_cross_entropy")
    if weight is not None and weight.dtype != input.dtype:
        weight = as_dtype(weight, input.dtype)
    _check_reduction(reduction, "binary_cross_entropy")
    values = input.detach().array
    if values.size and (values.min() < 0 or values.max() > 1 or xp.isnan(values).any()):
        raise RuntimeError(
            f"all elements of input should be between 0 and 1 (binary_cross_entropy got min "
            f"{xp.nanmin(values) if not xp.isnan(values).all() else 'nan'}, max {xp.nanmax(values) if not xp.isnan(values).all() else 'nan'}"
            f"{', and NaN' if xp.isnan(values).any() else ''}); use binary_cross_entropy_with_logits for logits"
        )
    targets = target.detach().array
    if targets.size and (targets.min() < 0 or targets.max() > 1):
        raise RuntimeError(f"all elements of target should be between 0 and 1 (binary_cross_entropy got min {targets.min():.4g}, max {targets.max():.4g})")
    fn = _weighted(lambda x, y: BinaryCrossEntropy.apply(x, y), weight)
    inputs = (input, target) if weight is None else (input, target, weight)
    return composite("BinaryCrossEntropyBackward0", lambda *ts: _reduce(fn(*ts), reduction, "binary_cross_entropy"), *inputs)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
    """BCE on logits, stable for any magnitude: (1 - y) x + (1 + (pw - 1) y) (log(1 + e^-|x|) + max(-x, 0)).

    Args:
        input: logits; target: of input's shape, floating (the loss has its dtype);
        weight, pos_weight: broadcast to the input's shape (pos_weight weighs the positive term).

    >>> import scratchnet as sn
    >>> round(sn.nn.functional.binary_cross_entropy_with_logits(sn.tensor([2.0, -1.0]), sn.tensor([1.0, 0.0])).item(), 6)
    0.220095
    """
    reduction = _legacy(size_average, reduce, reduction)
    if not isinstance(target, Tensor):
        raise TypeError(f"binary_cross_entropy_with_logits(): argument 'target' (position 2) must be Tensor, not {type(target).__name__}")
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"Target size ({list(target.shape)}) must be the same as input size ({list(input.shape)})")
    if input.dtype not in FLOAT_DTYPES:
        raise not_implemented("log_sigmoid_cpu", input.dtype)
    dtype = result_type(input, target)
    if not can_cast(dtype, target.dtype):  # torch computes (1 - target) * input in place
        raise RuntimeError(f"result type {torch_name(dtype)} can't be cast to the desired output type {torch_name(target.dtype)}")
    _check_weight(weight, input, "binary_cross_entropy_with_logits")
    _check_weight(pos_weight, input, "binary_cross_entropy_with_logits", "pos_weight")
    _check_reduction(reduction, "binary_cross_entropy_with_logits")
    out_dtype = target.dtype
    input, target = as_dtype(input, dtype), as_dtype(target, dtype)
    weight = None if weight is None else as_dtype(weight, dtype)
    pos_weight = None if pos_weight is None else as_dtype(pos_weight, dtype)

    def fn(x, y, *rest):
        w = rest[0] if weight is not None else None
        pw = rest[-1] if pos_weight is not None else None
        softplus_neg = log1p((-x.abs()).exp()) + maximum(-x, 0.0)  # = log(1 + e^-x), never overflows
        loss = (1 - y) * x + (softplus_neg if pw is None else (1 + (pw - 1) * y) * softplus_neg)
        return _reduce(loss if w is None else loss * w, reduction, "binary_cross_entropy_with_logits")

    extras = tuple(t for t in (weight, pos_weight) if t is not None)
    return as_dtype(composite("BinaryCrossEntropyWithLogitsBackward0", fn, input, target, *extras), out_dtype)


# --- classification -------------------------------------------------------------------------------


def _check_class_target(input, target, name):
    """Class indices: a Long (or Byte) tensor of shape (N, d1, ...) for input (N, C, d1, ...), or
    () for (C,); torch's checks in torch's order (and exception types)."""
    if not isinstance(target, Tensor):
        raise TypeError(f"{name}(): argument 'target' (position 2) must be Tensor, not {type(target).__name__}")
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim != 1 and (target.ndim == 0 or input.shape[0] != target.shape[0]):
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({target.shape[0] if target.ndim else 1}).")
    if input.ndim <= 2:
        if target.ndim > 1:
            raise RuntimeError(f"0D or 1D target tensor expected, multi-target not supported (got a target of shape {list(target.shape)})")
        if not (input.ndim == 1 and target.ndim == 0) and input.shape[0] != target.shape[0] and input.ndim == 2:
            raise RuntimeError(f"size mismatch (got input: {list(input.shape)}, target: {list(target.shape)})")
    else:
        expected = (input.shape[0],) + tuple(input.shape[2:])
        if tuple(target.shape) != expected:
            raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")
        if input.ndim == 3 and input.shape[1] == 0:  # torch views (N, C, d) as (N, C, d, 1): not with C = 0
            raise RuntimeError(f"size mismatch (got input: {list(input.shape)}, target: {list(target.shape)}): "
                               "a 3-D input with no classes cannot be viewed as a 4-D one")
    if target.dtype not in (int64, uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {torch_name(target.dtype)}")


def _class_mask(input, target, ignore_index, name):
    """One-hot of the target classes over dim 1 (zero rows where ignored), as a constant tensor."""
    classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    safe, keep = _targets(input, target, ignore_index, name)
    onehot = (safe[..., None] == xp.arange(classes)) & keep[..., None]  # (N, d1, ..., C)
    onehot = xp.moveaxis(onehot, -1, 1) if input.ndim > 1 else onehot
    return Tensor._make(onehot.astype(input.dtype)), keep


def _class_weights(weight, input, name=""):
    """A per-class weight broadcast along dim 1 (None when absent)."""
    classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    if weight is None:
        return None
    if weight.ndim != 1 or weight.numel() != classes:
        raise RuntimeError(f"{name}weight tensor should be defined either for all {classes} classes or no classes but got weight tensor of shape: {list(weight.shape)}")
    return weight.reshape((1, classes) + (1,) * (input.ndim - 2)) if input.ndim > 1 else weight


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """-w[y] * input[y] per element; 'mean' divides by the summed weights of the targets used
    (NaN when every target is ignored or there are none; 'sum' is then 0).

    Args:
        input: log-probabilities (N, C, d1, ...) or (C,); target: class indices (N, d1, ...) or ();
        weight: per-class weights (C,); ignore_index: a target value that contributes nothing.

    >>> import scratchnet as sn
    >>> sn.nn.functional.nll_loss(sn.tensor([[-1.0, -2.0], [-0.5, -3.0]]), sn.tensor([1, 0]))
    tensor(1.2500)
    """
    reduction = _legacy(size_average, reduce, reduction)
    _check_class_target(input, target, "nll_loss")
    if input.dtype not in FLOAT_DTYPES:
        raise not_implemented("nll_loss_out_frame" if input.ndim <= 2 else "nll_loss2d_forward_out_frame", input.dtype)
    _class_weights(weight, input)
    _check_reduction(reduction, "nll_loss")
    _weight_is_constant(weight, input)
    labels, keep = _targets(input, target, ignore_index, "nll_loss")
    classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    if weight is None:  # w[y] per element is 1, or 0 where ignored
        weights = keep.astype(input.dtype)
    else:
        picked = weight.array[labels] if classes else xp.zeros(labels.shape, input.dtype)  # (no classes: every target is ignored)
        weights = fast_where(keep, picked, 0.0).astype(input.dtype, copy=False)  # w[y] per element, 0 if ignored
    return NllLoss.apply(input, labels=labels, keep=keep, weights=weights, reduction=reduction)


def _weight_is_constant(weight, input):
    """torch's refusals of a class weight of another dtype than the input's, or that asks for a
    gradient (it gives none)."""
    if weight is not None and weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {torch_name(input.dtype)} but found {torch_name(weight.dtype)} (the class weight must have the input's dtype)")
    if weight is not None and weight.requires_grad and is_grad_enabled():
        raise RuntimeError("The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'. "
                           "This input cannot have requires_grad True.")


def _targets(input, target, ignore_index, name):
    """The class index of each element (0 where ignored, so it can index) and where it is kept."""
    classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    labels = target.array.astype(xp.int64)
    keep = labels != ignore_index
    every = bool(keep.all())  # the common case: nothing ignored, no copies to make
    used = labels if every else labels[keep]
    if used.size and (used.min() < 0 or used.max() >= classes):
        culprit = int(used.max() if used.max() >= classes else used.min())
        raise IndexError(f"Target {culprit} is out of bounds. ({name}: classes 0..{classes - 1})")
    return (labels if every else fast_where(keep, labels, 0)), keep


class NllLoss(Function):
    """loss_i = -w[y_i] x[i, y_i] (0 where y_i is ignored), then summed, averaged over the summed
    weights w[y_i] of the kept targets ('mean'), or kept per element ('none').

    Its backward (torch's NllLossBackward0) puts -w[y_i] g_i (divided by that sum for 'mean') at
    each element's target class and 0 everywhere else; it does not depend on x."""

    backward_name = "NllLossBackward0"

    def forward(ctx, x, labels, keep, weights, reduction):
        ctx.labels, ctx.keep, ctx.weights, ctx.reduction, ctx.shape = labels, keep, weights, reduction, x.shape
        loss = -(_at_targets(x, labels) * weights)
        if not keep.all():  # 0 where ignored, even where x is NaN or infinite there
            loss = fast_where(keep, loss, 0.0).astype(x.dtype, copy=False)
        if reduction == "none":
            return loss
        ctx.total = weights.sum(dtype=x.dtype)
        return xp.asarray(loss.sum(dtype=x.dtype) / ctx.total if reduction == "mean" else loss.sum(dtype=x.dtype))

    def backward(ctx, grad):
        dim = 1 if len(ctx.shape) > 1 else 0
        if is_grad_enabled():  # create_graph: the one-hot product, differentiable in grad
            scale = -grad / Tensor._make(ctx.total) if ctx.reduction == "mean" else -grad  # torch's -g / total
            factor = where(Tensor._make(ctx.keep), scale * Tensor._make(ctx.weights), 0.0)  # per element
            onehot = xp.moveaxis(ctx.labels[..., None] == xp.arange(ctx.shape[dim]), -1, dim) if ctx.shape else None
            return Tensor._make(onehot.astype(grad.dtype)) * factor.unsqueeze(dim)
        g = grad.array  # the same on arrays: -g (/ total) * w[y] at each target, 0 where ignored
        scale = -g / ctx.total if ctx.reduction == "mean" else -g
        factor = fast_where(ctx.keep, scale * ctx.weights, 0.0).astype(g.dtype, copy=False)
        out = xp.zeros(ctx.shape, g.dtype)
        if out.size:
            if out.ndim == 1:
                out[ctx.labels] = factor
            else:
                xp.put_along_axis(out, ctx.labels[:, None], factor[:, None], axis=1)
        return Tensor._make(out)


def _at_targets(x, labels):
    """x at each element's class: x[i, y_i, ...] for x (N, C, ...), x[y] for x (C,)."""
    if x.shape[1 if x.ndim > 1 else 0] == 0:  # no classes (every target ignored): nothing to pick
        return xp.zeros(labels.shape, x.dtype)
    if x.ndim == 1:
        return x[labels]
    if x.ndim == 2:  # (N, C): one gather, without take_along_axis's index building
        return x[xp.arange(x.shape[0]), labels]
    return xp.take_along_axis(x, labels[:, None], axis=1)[:, 0]


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean", label_smoothing=0.0):
    """``F.cross_entropy`` of logits (N, C, ...) against class indices or class probabilities.

    log_softmax then nll. A target of the input's shape holds class probabilities (and must be
    floating); any other, class indices. With ``label_smoothing`` eps the target puts 1 - eps on
    its class and eps / C on every class; with probabilities, ``mean`` divides by the number of
    samples.

    >>> import scratchnet as sn
    >>> round(sn.nn.functional.cross_entropy(sn.tensor([[2.0, 0.5, -1.0]]), sn.tensor([0])).item(), 6)
    0.241311
    """
    reduction = _legacy(size_average, reduce, reduction)
    if not isinstance(target, Tensor):
        raise TypeError(f"cross_entropy(): argument 'target' (position 2) must be Tensor, not {type(target).__name__}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    _check_reduction(reduction, "cross_entropy")
    dim = 0 if input.ndim == 1 else 1
    if tuple(input.shape) == tuple(target.shape):  # class probabilities
        if target.dtype not in FLOAT_DTYPES:
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got {torch_name(target.dtype)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        if input.ndim == 0:
            raise IndexError("Dimension specified as 1 but tensor has no dimensions")
        w = _class_weights(weight, input, "cross_entropy: ")
        logp = log_softmax(input, dim=dim)
        classes = input.shape[dim]
        if label_smoothing:
            target = target * (1 - label_smoothing) + label_smoothing / classes
        product = logp * target if w is None else logp * target * w
        if reduction == "mean":
            total = -product.sum()
            return total * float("nan") if input.numel() == 0 else total / (input.numel() // classes)
        return -product.sum() if reduction == "sum" else -product.sum(dim=dim)
    if input.ndim == 0:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    logp = log_softmax(input, dim=dim)
    if not label_smoothing:
        return nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    _check_class_target(input, target, "cross_entropy")
    _weight_is_constant(weight, input)
    w = _class_weights(weight, input)
    classes = input.shape[dim]
    onehot, keep = _class_mask(input, target, ignore_index, "cross_entropy")
    picked_w = onehot if w is None else onehot * w
    nll = -(where(Tensor._make(onehot.array > 0), logp, 0.0) * picked_w).sum(dim=dim)
    keep_t = Tensor._make(keep)
    smooth = where(keep_t, -(logp if w is None else logp * w).sum(dim=dim), 0.0)  # 0 where ignored, even if NaN
    if reduction == "mean":
        denominator = picked_w.sum()
        return (1 - label_smoothing) * (nll.sum() / denominator) + smooth.sum() / denominator * (label_smoothing / classes)
    nll, smooth = _reduce(nll, reduction, "cross_entropy"), _reduce(smooth, reduction, "cross_entropy")
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / classes)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || p) with ``input`` = log p: xlogy(target, target) - target * input (0 log 0 = 0),
    or e^target (target - input) with ``log_target``.

    ``reduction='batchmean'`` divides the sum by the batch size (the mathematically right mean);
    ``'mean'`` divides by the number of elements, as torch. Integer inputs are refused.

    >>> import scratchnet as sn
    >>> round(sn.nn.functional.kl_div(sn.tensor([-1.0, -0.5]), sn.tensor([0.25, 0.75]), reduction="sum").item(), 6)
    0.062665
    """
    reduction = _legacy(size_average, reduce, reduction)
    if not isinstance(target, Tensor):
        raise TypeError(f"kl_div(): argument 'target' (position 2) must be Tensor, not {type(target).__name__}")
    # another target shape broadcasts against the input, silently, as in torch
    if input.dtype not in FLOAT_DTYPES or target.dtype not in FLOAT_DTYPES:
        raise RuntimeError(f"kl_div: Integral inputs not supported (got {torch_name(input.dtype)} input and {torch_name(target.dtype)} target).")
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"kl_div: {reduction!r} is not a valid value for reduction (expected 'none', 'batchmean', 'mean' or 'sum')")
    if log_target:
        loss = target.exp() * (target - input)
    else:  # torch's form: its gradient in the target is NaN where target = 0 (0 / 0)
        loss = xlogy(target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction, "kl_div")
