"""The ops behind common layers: linear, batch_norm, dropout, pad.

linear and batch_norm are compositions of differentiable ops (their backward, and second
derivatives, follow from those); pad is a Function whose backward is pad with the opposite widths.

>>> import scratchnet as sn
>>> x = sn.ones(2, 3)
>>> linear(x, sn.ones(4, 3), sn.zeros(4)).tolist()
[[3.0, 3.0, 3.0, 3.0], [3.0, 3.0, 3.0, 3.0]]
"""

import builtins
import warnings

from ..backend import fast_where, xp
from ..backend import matmul as matmul_arrays
from ..dtypes import torch_name
from ._promote import not_implemented
from ..tensor import Function, Tensor, is_grad_enabled, no_grad


class Linear(Function):
    """y = x W^T + b as one node (torch's AddmmBackward0): dx = g W, dW = g^T x, db = sum of g."""

    backward_name = "AddmmBackward0"

    def forward(ctx, x, weight, *bias, bias_is_row):
        ctx.save_for_backward(x, weight)
        ctx.bias_is_row = bias_is_row
        out = matmul_arrays(x, weight.T)
        if bias and bias[0].dtype == out.dtype and xp.broadcast_shapes(out.shape, bias[0].shape) == out.shape:
            out += bias[0]  # out is new: in place saves an allocation and a pass
            return out
        return out + bias[0] if bias else out

    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        if grad.ndim == 2 and x.ndim == 2 and not is_grad_enabled():  # the common case, straight on arrays
            g = grad.array  # (no graph to record: the same two products, without a node each)
            grad_x = Tensor._make(matmul_arrays(g, weight.array)) if need[0] else None
            grad_w = Tensor._make(matmul_arrays(g.T, x.array)) if need[1] else None
            if len(need) == 3:
                return grad_x, grad_w, ((grad.sum(dim=0) if ctx.bias_is_row else grad) if need[2] else None)
            return grad_x, grad_w
        grad_x = grad @ weight if need[0] else None
        rows = 1
        for n in grad.shape[:-1]:
            rows *= n
        grad_w = None
        if need[1]:  # fold any leading batch dims into one before the product
            grad_w = grad.reshape(rows, grad.shape[-1]).T @ x.reshape(rows, x.shape[-1])
        grads = (grad_x, grad_w)
        if len(need) == 3:  # a bias of another broadcastable shape is summed down by the walk
            grads += ((grad.reshape(rows, grad.shape[-1]).sum(dim=0) if ctx.bias_is_row else grad) if need[2] else None,)
        return grads


#: the C type names torch's matmul names dtypes by in its dtype-mismatch error
_C_NAMES = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "int16": "short int",
            "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def _linear_dtype_error(input, weight, bias):
    """torch's error for linear's operands of different dtypes (addmm's for a 2-D input with a
    bias, matmul's without a bias)."""
    if bias is not None and input.ndim == 2:
        if input.dtype != weight.dtype:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {torch_name(input.dtype)} and {torch_name(weight.dtype)}")
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {torch_name(bias.dtype)} and {torch_name(weight.dtype)}")
    if bias is None:
        names = [_C_NAMES.get(str(t.dtype), str(t.dtype)) for t in (input, weight)]
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {names[0]} != {names[1]}")
    got = [torch_name(t.dtype) for t in (input, weight, bias)]
    raise RuntimeError(f"linear: expected input, weight and bias of one dtype, got {', '.join(got)}")


def linear(input, weight, bias=None):
    """Apply an affine map, as ``F.linear``: :math:`y = x W^T + b`.

    Arguments: ``input`` (*, in_features); ``weight`` (out_features, in_features), or a vector
    (in_features,) for a dot product; ``bias`` (out_features,) or any shape broadcasting to the
    output's. Integer dtypes compute exactly (bool is refused, as torch); all three share a dtype.

    >>> import scratchnet as sn
    >>> linear(sn.ones(2, 3), sn.ones(4, 3), sn.zeros(4)).shape
    scratchnet.Size([2, 4])
    """
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {input.ndim}D and {weight.ndim}D")
    if weight.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {weight.ndim}D")
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        _linear_dtype_error(input, weight, bias)
    if input.dtype == xp.bool_:
        raise not_implemented("addmm_impl_cpu_", input.dtype)
    if weight.ndim == 1:  # a dot product with each row of the input
        if bias is not None and input.ndim > 1:
            raise RuntimeError("linear: mat2 must be a matrix, got 1-D tensor")
        if input.shape[-1] != weight.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({input.shape[-1]}), vec ({weight.shape[0]}): linear expects the input's last dim to equal the weight's size")
        out = input @ weight
        return out if bias is None else out + bias
    if input.shape[-1] != weight.shape[-1]:
        rows = int(xp.prod(input.shape[:-1])) if input.ndim > 1 else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{weight.shape[-1]}x{weight.shape[0]}): linear expects the input's last dim "
            f"({input.shape[-1]}) to equal in_features ({weight.shape[-1]})"
        )
    if bias is None:
        return Linear.apply(input, weight, bias_is_row=False)
    out_shape = tuple(input.shape[:-1]) + (weight.shape[0],)
    if bias.ndim > len(out_shape) or any(b not in (1, o) for b, o in zip(reversed(bias.shape), reversed(out_shape))):
        raise RuntimeError(f"linear: the bias of shape {list(bias.shape)} does not broadcast to the output's shape {list(out_shape)}")
    return Linear.apply(input, weight, bias, bias_is_row=tuple(bias.shape) == (weight.shape[0],))


class BatchNorm(Function):
    """Training-mode batch norm as one node: x_hat = (x - mean) / sqrt(var + eps) over ``dims``.

    Backward, in closed form (N values per channel, g = dL/dx_hat = grad * weight):
        dL/dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)
    written with scratchnet ops on the saved input, so it can be differentiated again.
    """

    backward_name = "NativeBatchNormBackward0"

    def forward(ctx, x, *affine, dims, eps, stats):
        mean, var = stats  # computed by the caller, which also updates the running estimates
        invstd = (1.0 / xp.sqrt(var + eps)).astype(x.dtype)
        x_hat = (x - mean) * invstd
        ctx.save_for_backward(x, *affine[:1])
        ctx.dims, ctx.eps, ctx.shape, ctx.mean, ctx.invstd = dims, eps, mean.shape, mean, invstd
        if affine:
            x_hat *= affine[0].reshape(mean.shape)
            x_hat += affine[1].reshape(mean.shape)
        return x_hat

    def backward(ctx, grad):
        x, *weight = ctx.saved_tensors
        if not is_grad_enabled():  # no graph wanted: the same formula on arrays, fewer passes
            return ctx.backward_arrays(x.array, grad.array, weight[0].array if weight else None)
        dims = ctx.dims
        mean = x.mean(dim=dims, keepdim=True)
        centered = x - mean
        invstd = ((centered * centered).mean(dim=dims, keepdim=True) + ctx.eps) ** -0.5
        x_hat = centered * invstd
        g = grad * weight[0].reshape(ctx.shape) if weight else grad
        grad_x = (g - g.mean(dim=dims, keepdim=True) - x_hat * (g * x_hat).mean(dim=dims, keepdim=True)) * invstd
        if not weight:
            return grad_x
        need = ctx.needs_input_grad
        grad_w = (grad * x_hat).sum(dim=dims) if need[1] else None
        grad_b = grad.sum(dim=dims) if need[2] else None
        return grad_x, grad_w, grad_b

    def backward_arrays(ctx, x, grad, weight):
        dims, wrap = ctx.dims, Tensor._make
        x_hat = x - ctx.mean
        x_hat *= ctx.invstd
        g = grad * weight.reshape(ctx.shape) if weight is not None else xp.array(grad, copy=True)
        projection = (g * x_hat).mean(axis=dims, keepdims=True)
        g -= g.mean(axis=dims, keepdims=True)
        g -= x_hat * projection
        g *= ctx.invstd
        if weight is None:
            return wrap(g)
        need = ctx.needs_input_grad
        grad_w = wrap((grad * x_hat).sum(axis=dims)) if need[1] else None
        grad_b = wrap(grad.sum(axis=dims)) if need[2] else None
        return wrap(g), grad_w, grad_b


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """``F.batch_norm`` over dim 1 of a (N, C) or (N, C, ...) input.

    Training normalises with the batch's mean and biased variance and updates the running
    estimates in place with the unbiased variance (n / (n - 1)), as torch; eval uses them.
    """
    if input.numel() == 0:  # torch's shortcut: the empty input scaled by the first weight and bias
        out = input * 1
        if weight is not None:
            out = out * weight[0]
        return out + bias[0] if bias is not None else out
    if input.ndim < 2:  # torch reads the channel count as 0 here (no dim 1)
        given = [t for t in (running_mean, running_var, weight, bias) if t is not None and t.numel()]
        if given:
            raise RuntimeError(f"running_mean should contain 0 elements not {given[0].numel() if given else 0}")
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    if input.dtype.kind != "f":
        raise not_implemented("batch_norm", input.dtype)
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and t.dtype != input.dtype:
            raise RuntimeError(f"batch_norm: mixed dtype (CPU): expected {name} of the input's dtype {torch_name(input.dtype)}, got {torch_name(t.dtype)}")
    channels = input.shape[1]
    dims = (0,) + tuple(range(2, input.ndim))
    shape = (1, channels) + (1,) * (input.ndim - 2)
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (channels,):
            raise RuntimeError(f"batch_norm: {name} should contain {channels} elements not {t.numel()}")
    if training:
        count = input.numel() // channels
        if count == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
        x = input.array
        with xp.errstate(all="ignore"):  # inf or NaN in the batch: NaN statistics, as torch's (no warning)
            mean = x.mean(axis=dims, keepdims=True)
            var = ((x - mean) ** 2).mean(axis=dims, keepdims=True)  # biased, for normalising
        if running_mean is not None:
            with no_grad(), xp.errstate(all="ignore"):
                running_mean.copy_(running_mean.array * (1 - momentum) + mean.reshape(channels) * momentum)
                running_var.copy_(running_var.array * (1 - momentum) + var.reshape(channels) * (momentum * count / (count - 1)))
        if (weight is None) != (bias is None):  # the one-node form takes both or neither
            weight = weight if weight is not None else Tensor._make(xp.ones(channels, dtype=input.dtype))
            bias = bias if bias is not None else Tensor._make(xp.zeros(channels, dtype=input.dtype))
        affine = () if weight is None else (weight, bias)
        return BatchNorm.apply(input, *affine, dims=dims, eps=eps, stats=(mean, var))
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("batch_norm in eval mode needs running_mean and running_var")
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    # torch's inference form: one scale and one shift per channel, x * scale + shift
    scale = (var + eps).rsqrt()
    if weight is not None:
        scale = scale * weight.reshape(shape)
    shift = -(mean * scale) if bias is None else bias.reshape(shape) - mean * scale
    return input * scale + shift


def _zeros_like_dropped(input, inplace):
    """Dropout with p = 1: the input times a zero of its own dtype (torch draws nothing here)."""
    zero = Tensor._make(xp.zeros((), dtype=input.dtype))
    return _apply_inplace(input, lambda input: input * zero, inplace)


def _check_floating(input):
    """torch's dropout divides its integer noise by 1 - p in place, which an integer or bool
    input refuses."""
    if input.dtype.kind != "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type {torch_name(input.dtype)}: dropout with 0 < p < 1 needs a floating point input")


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) (training only).

    The mask is drawn as torch draws it (``scratchnet.random.dropout_noise``), so after the same
    ``manual_seed`` both engines drop the same elements. Integer inputs pass through with p = 0
    or 1 (zeros) and are refused otherwise, as torch.

    >>> import scratchnet as sn
    >>> dropout(sn.ones(3), p=1.0).tolist()
    [0.0, 0.0, 0.0]
    """
    _check_p(p)
    if not training or p == 0.0 or input.numel() == 0:
        return input
    if p == 1.0:
        return _zeros_like_dropped(input, inplace)
    _check_floating(input)
    if inplace:  # recorded as the in-place op it is (scratchnet/ops/inplace.py)
        return input._apply_inplace(lambda old: dropout(old, p, training))
    from ..random import dropout_noise

    return input * Tensor._make(dropout_noise(tuple(input.shape), p, input.dtype, like=input.array))


def keep_mask(shape, p):
    """Which elements survive dropout with probability ``p``: True with probability 1 - p, drawn
    as torch's ``bernoulli_(1 - p)`` draws it (scratchnet's generator is torch's)."""
    from .._sampling import bernoulli
    from ..random import default_generator

    n = 1
    for s in shape:
        n *= s
    return bernoulli(default_generator, xp.full(n, 1.0 - p)).reshape(tuple(shape))


def _check_p(p):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _feature_shape(shape):
    """The mask shape of channel-wise dropout on an (N, C, *) input: one draw per (sample, channel)."""
    if len(shape) < 2:
        raise RuntimeError(f"Feature dropout requires at least 2 dimensions in the input, got a {len(shape)}-D input")
    return tuple(shape[:2]) + (1,) * (len(shape) - 2)


def _feature_dropout(input, p, training, inplace, batched=True):
    """Dropout of whole channels of an (N, C, *) input; ``batched=False``: of a (C, *) input,
    taken as one sample (torch unsqueezes it)."""
    _check_p(p)
    if not training or p == 0.0 or input.numel() == 0:
        return input
    if p == 1.0:
        return _zeros_like_dropped(input, inplace)
    shape = _feature_shape(tuple(input.shape) if batched else (1, *input.shape))
    _check_floating(input)
    from ..random import dropout_noise

    mask = Tensor._make(dropout_noise(shape if batched else shape[1:], p, input.dtype))
    return _apply_inplace(input, lambda input: input * mask, inplace)


def _apply_inplace(input, fn, inplace):
    """``fn(input)``, or with ``inplace=True`` the same op recorded in place on ``input``."""
    return input._apply_inplace(fn) if inplace else fn(input)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a (N, C, L) or (C, L) input with probability ``p``, scaling the rest
    by 1 / (1 - p).

    >>> import scratchnet as sn
    >>> dropout1d(sn.ones(2, 3), p=0.0).shape
    scratchnet.Size([2, 3])
    """
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, batched=input.ndim == 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a (N, C, H, W) or (C, H, W) input with probability ``p``; as torch,
    a 3-D input is taken as (N, C, L) and any other input of 2 or more dims as (N, C, *), with
    torch's warnings.

    >>> import scratchnet as sn
    >>> dropout2d(sn.ones(1, 2, 2, 2), p=1.0).sum().item()
    0.0
    """
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.", stacklevel=2)
    return _feature_dropout(input, p, training, inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a (N, C, D, H, W) or (C, D, H, W) input with probability ``p``; as
    torch, any input that is not 5-D is taken as one unbatched sample (with torch's warning).

    >>> import scratchnet as sn
    >>> dropout3d(sn.ones(2, 1, 1, 1), p=0.0).shape
    scratchnet.Size([2, 1, 1, 1])
    """
    if input.ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, batched=input.ndim == 5)


_ALPHA = 1.7580993408473766  # -scale * alpha of SELU: the value a dropped unit takes before rescaling


def _alpha_dropout(input, p, training, inplace, feature):
    _check_p(p)
    if not training or p == 0.0 or input.numel() == 0:
        return input
    if p == 1.0:
        return _zeros_like_dropped(input, inplace)
    shape = _feature_shape(tuple(input.shape)) if feature else tuple(input.shape)
    _check_floating(input)
    keep = keep_mask(shape, p).astype(input.dtype)
    a = 1.0 / ((_ALPHA * _ALPHA * p + 1) * (1 - p)) ** 0.5
    b = Tensor._make(((keep - 1) * (_ALPHA * a) + _ALPHA * a * p).astype(input.dtype))
    return _apply_inplace(input, lambda input: input * Tensor._make((keep * a).astype(input.dtype)) + b, inplace)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped units take SELU's negative saturation value and the
    result is rescaled so mean and variance are kept (``training`` defaults to False, as torch).

    >>> import scratchnet as sn
    >>> alpha_dropout(sn.ones(3), p=0.5).tolist()  # not training: the identity
    [1.0, 1.0, 1.0]
    """
    return _alpha_dropout(input, p, training, inplace, feature=False)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """alpha_dropout of whole channels of an (N, C, *) input (one draw per sample and channel).

    >>> import scratchnet as sn
    >>> feature_alpha_dropout(sn.ones(2, 3), p=1.0, training=True).tolist()
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    return _alpha_dropout(input, p, training, inplace, feature=True)


class Pad(Function):
    backward_name = "ConstantPadNdBackward0"

    def forward(ctx, x, pads, value):
        ctx.pads = pads
        widths = [(0, 0)] * (x.ndim - len(pads) // 2) + [(pads[2 * i], pads[2 * i + 1]) for i in reversed(range(len(pads) // 2))]
        crop = tuple(slice(-builtins.min(a, 0), x.shape[d] + builtins.min(b, 0)) for d, (a, b) in enumerate(widths))
        grow = [(builtins.max(a, 0), builtins.max(b, 0)) for a, b in widths]
        return xp.pad(x[crop], grow, constant_values=value)

    def backward(ctx, grad):
        return pad(grad, tuple(-p for p in ctx.pads))  # cropping undoes padding, and the reverse


def pad(input, pad, mode="constant", value=None):
    """``F.pad``: ``pad`` lists (before, after) widths from the last dim backwards.

    ``mode='constant'`` fills with ``value`` (negative widths crop); ``'reflect'`` mirrors about the
    edge (without repeating it), ``'replicate'`` repeats the edge value, ``'circular'`` wraps
    around; these three pad the last 1, 2 or 3 dims of a batched or unbatched input, as torch.
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if mode != "constant":
        return _index_pad(input, pad, mode)
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length must be divisible by 2 and at most twice the number of dims ({input.ndim}), got {len(pad)}")
    for i in range(len(pad) // 2):
        d = input.ndim - 1 - i
        if input.shape[d] + builtins.min(pad[2 * i], 0) + builtins.min(pad[2 * i + 1], 0) < 0:  # torch crops first
            raise RuntimeError(f"narrow(): length must be non-negative. (pad: cropping {-builtins.min(pad[2 * i], 0)} and {-builtins.min(pad[2 * i + 1], 0)} from dim {d} of size {input.shape[d]})")
    return Pad.apply(input, pads=pad, value=0.0 if value is None else value)


# --- reflect / replicate / circular: a gather along each padded dim ---------------------------------


def _source_index(n, before, after, mode):
    """For each position of a padded dim of size n, the input position it copies."""
    if mode == "circular":  # torch crops (negative widths) first, then wraps what is left
        lo, hi = builtins.max(-before, 0), n - builtins.max(-after, 0)
        i = xp.arange(-builtins.max(before, 0), hi - lo + builtins.max(after, 0))
        return lo + i % builtins.max(hi - lo, 1)
    i = xp.arange(-before, n + after)
    if mode == "reflect":
        i = xp.abs(i)
        return fast_where(i >= n, 2 * (n - 1) - i, i)
    return xp.clip(i, 0, n - 1)


class IndexPad(Function):
    """Gather along the padded dims (each dim an index array); backward scatters back (adds)."""

    def forward(ctx, x, indices, name):
        ctx.indices, ctx.in_shape, ctx.node_name = indices, x.shape, name
        for dim, idx in indices:
            x = xp.take(x, idx, axis=dim)
        return x

    def backward(ctx, grad):
        return IndexPadGrad.apply(grad, indices=ctx.indices, in_shape=ctx.in_shape)

    def name(self):
        return getattr(self, "node_name", "IndexPadBackward0")


class IndexPadGrad(Function):
    """The adjoint of IndexPad: add each padded position's gradient to its source position."""

    def forward(ctx, grad, indices, in_shape):
        ctx.indices = indices
        for dim, idx in reversed(indices):
            shape = list(grad.shape)
            shape[dim] = in_shape[dim]
            out = xp.zeros(shape, dtype=grad.dtype)
            if idx.size and grad.size:  # sum each run of equal source indices (sorted): no add.at loop
                order = xp.argsort(idx, kind="stable")
                sorted_idx = idx[order]
                starts = xp.flatnonzero(xp.r_[True, sorted_idx[1:] != sorted_idx[:-1]])
                sums = xp.add.reduceat(xp.take(grad, order, axis=dim), starts, axis=dim)
                out[(slice(None),) * dim + (sorted_idx[starts],)] = sums
            grad = out
        return grad

    def backward(ctx, gg):
        return IndexPad.apply(gg, indices=ctx.indices, name="IndexPadBackward0")


def _index_pad(input, pad, mode):
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    dims = len(pad) // 2
    if dims not in (1, 2, 3) or input.ndim not in (dims + 1, dims + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor. Supported combinations for "
            "non-constant padding: 2D or 3D input: padding size = 2 (pads last dimension); 3D or 4D input: padding "
            "size = 4 (pads last 2 dimensions); 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    # torch's reflect and replicate kernels: only a batch dim (in the batched form) may be empty;
    # unbatched, the channel dim too must be non-empty
    if mode != "circular" and any(n == 0 for n in (input.shape[1:] if input.ndim == dims + 2 else input.shape)):
        raise RuntimeError(f"Expected {dims + 1}D or {dims + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {list(input.shape)}")
    if mode != "circular" and input.dtype == xp.bool_:
        kind = "reflection" if mode == "reflect" else "replication"
        raise NotImplementedError(f'"{kind}_pad{dims}d" not implemented for \'Bool\'')
    empty = [input.shape[input.ndim - 1 - i] + pad[2 * i] + pad[2 * i + 1] <= 0 for i in range(dims)]
    if mode != "circular" and any(empty) and (dims == 1 or mode == "replicate"):  # torch: no empty result here
        raise RuntimeError(f"{mode} pad: input {list(input.shape)} is too small for padding {pad}: a calculated output size must be >= 1")
    indices = []
    for i in range(dims):
        d = input.ndim - 1 - i
        n, before, after = input.shape[d], pad[2 * i], pad[2 * i + 1]
        if mode == "reflect" and (before >= n or after >= n):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input dimension, but got: "
                f"padding ({before}, {after}) at dimension {d} of input {list(input.shape)}"
            )
        if mode == "circular" and (before > n or after > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if n + before + after < 0:
            raise RuntimeError(f"The input size {n}, plus negative padding {before} and {after} resulted in a negative output size")
        indices.append((d, _source_index(n, before, after, mode)))
    name = {"reflect": "ReflectionPad", "replicate": "ReplicationPad"}.get(mode)
    name = f"{name}{dims}DBackward0" if name else "CopySlices"
    return IndexPad.apply(input, indices=tuple(indices), name=name)


__all__ = ["batch_norm", "dropout", "linear", "pad"]
