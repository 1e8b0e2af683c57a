"""The ops behind common layers: linear, batch_norm, dropout, pad.

linear and batch_norm are compositions of differentiable ops (their backward, and second
derivatives, follow from those); pad is a Function whose backward is pad with the opposite widths.

>>> import scratchnet as sn
>>> x = sn.ones(2, 3)
>>> linear(x, sn.ones(4, 3), sn.zeros(4)).tolist()
[[3.0, 3.0, 3.0, 3.0], [3.0, 3.0, 3.0, 3.0]]
"""

import builtins

from ..backend import rng, xp
from ..tensor import Function, Tensor, is_grad_enabled, no_grad


class Linear(Function):
    """y = x W^T + b as one node (torch's AddmmBackward0): dx = g W, dW = g^T x, db = sum of g."""

    backward_name = "AddmmBackward0"

    def forward(ctx, x, weight, *bias):
        ctx.save_for_backward(x, weight)
        out = x @ weight.T
        if bias:
            out += bias[0]
        return out

    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        grad_x = grad @ weight if need[0] else None
        grad_w = None
        if need[1]:  # fold any leading batch dims into one before the product
            g2, x2 = grad.reshape(-1, grad.shape[-1]), x.reshape(-1, x.shape[-1])
            grad_w = g2.T @ x2
        grads = (grad_x, grad_w)
        if len(need) == 3:
            grads += (grad.reshape(-1, grad.shape[-1]).sum(dim=0) if need[2] else None,)
        return grads


def linear(input, weight, bias=None):
    """``x @ weight.T + bias``, as ``F.linear``: weight is (out_features, in_features)."""
    if input.shape[-1] != weight.shape[-1]:
        rows = int(xp.prod(input.shape[:-1])) if input.ndim > 1 else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{weight.shape[-1]}x{weight.shape[0]}): linear expects the input's last dim "
            f"({input.shape[-1]}) to equal in_features ({weight.shape[-1]})"
        )
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        raise RuntimeError(f"linear: expected input, weight and bias of one dtype, got {input.dtype}, {weight.dtype}" + (f", {bias.dtype}" if bias is not None else ""))
    if weight.ndim != 2 or (bias is not None and tuple(bias.shape) != (weight.shape[0],)):
        raise RuntimeError(f"linear: expected weight (out, in) and bias (out,), got {list(weight.shape)} and {None if bias is None else list(bias.shape)}")
    if input.ndim == 0:
        raise RuntimeError("linear: the input must have at least 1 dimension")
    inputs = (input, weight) if bias is None else (input, weight, bias)
    return Linear.apply(*inputs)


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
    if input.ndim < 2:
        raise ValueError(f"batch_norm expects a (N, C) or (N, C, ...) input, got {input.ndim}-D")
    channels = input.shape[1]
    dims = (0,) + tuple(range(2, input.ndim))
    shape = (1, channels) + (1,) * (input.ndim - 2)
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (channels,):
            raise RuntimeError(f"batch_norm: {name} should contain {channels} elements not {t.numel()}")
    if training:
        count = input.numel() // channels
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {list(input.shape)}")
        x = input.array
        mean = x.mean(axis=dims, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=dims, keepdims=True)  # biased, for normalising
        if running_mean is not None:
            with no_grad():
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
    out = (input - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) (training only).

    The mask is drawn from scratchnet's generator (seed it with ``manual_seed``).
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if inplace:  # recorded as the in-place op it is (scratchnet/ops/inplace.py)
        return input._apply_inplace(lambda old: dropout(old, p, training))
    if p == 1.0:
        return input * 0.0
    keep = rng().random(input.shape) >= p
    return input * Tensor._make((keep / (1.0 - p)).astype(input.dtype))


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
    """``F.pad`` (constant mode): ``pad`` lists (before, after) widths from the last dim backwards;
    negative widths crop."""
    if mode != "constant":
        raise NotImplementedError(f"pad: only mode='constant' is implemented, got {mode!r}")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length must be divisible by 2 and at most twice the number of dims ({input.ndim}), got {len(pad)}")
    for i in range(len(pad) // 2):
        d = input.ndim - 1 - i
        if input.shape[d] + pad[2 * i] + pad[2 * i + 1] < 0:
            raise RuntimeError(f"pad: the padded size of dim {d} would be negative ({input.shape[d]} + {pad[2 * i]} + {pad[2 * i + 1]})")
    return Pad.apply(input, pads=pad, value=0.0 if value is None else value)


__all__ = ["batch_norm", "dropout", "linear", "pad"]
