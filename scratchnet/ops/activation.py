"""Activations: sigmoid, tanh, relu, leaky_relu, gelu, softmax, log_softmax.

Each saves only what its backward needs: the output for sigmoid, tanh and the softmaxes (their
derivatives are written in the output), the input for leaky_relu and gelu.

>>> import scratchnet as sn
>>> x = sn.tensor([-1.0, 0.0, 2.0], requires_grad=True)
>>> sn.relu(x)
tensor([0., 0., 2.], grad_fn=<ReluBackward0>)
>>> x.softmax(dim=0).sum().item()
1.0
"""

import math

from ..backend import xp
from ..tensor import Function, Tensor, _wrap_dim
from .math import floating, where


class Sigmoid(Function):
    def forward(ctx, x):
        e = xp.exp(-xp.abs(x))  # never overflows; keeps full precision for very negative x
        out = xp.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Tanh(Function):
    def forward(ctx, x):
        out = xp.tanh(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Relu(Function):
    def forward(ctx, x):
        out = xp.maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out > 0)


class LeakyRelu(Function):
    def forward(ctx, x, negative_slope):
        ctx.save_for_backward(x)
        ctx.negative_slope = negative_slope
        return xp.where(x > 0, x, x * negative_slope)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return where(x > 0, grad, grad * ctx.negative_slope)


def sigmoid(input):
    """1 / (1 + e^-x). For the W5 example: sigmoid(0.44498412) = 0.60944600."""
    return Sigmoid.apply(floating(input))


def tanh(input):
    return Tanh.apply(floating(input))


def relu(input, inplace=False):
    if inplace:  # recorded as torch's relu_ (scratchnet/ops/inplace.py)
        return input._apply_inplace(lambda old: Relu.apply(old))
    return Relu.apply(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    if inplace:
        return input._apply_inplace(lambda old: LeakyReluOfOutput.apply(old, negative_slope=negative_slope))
    return LeakyRelu.apply(input, negative_slope=negative_slope)


class LeakyReluOfOutput(LeakyRelu):
    """The in-place leaky_relu: as torch, it saves its output (the input is overwritten), so a
    later in-place edit of the result is caught at backward."""

    backward_name = "LeakyReluBackward1"

    def forward(ctx, x, negative_slope):
        out = xp.where(x > 0, x, x * negative_slope)
        ctx.save_for_backward(out)
        ctx.negative_slope = negative_slope
        return out


def gelu(input, approximate="none"):
    """x * Phi(x), with Phi the standard normal CDF; ``approximate='tanh'`` uses torch's tanh form.

    Built from differentiable ops, so its backward (and second derivative) come free.
    """
    if approximate == "tanh":
        inner = math.sqrt(2 / math.pi) * (input + 0.044715 * input**3)
        return 0.5 * input * (1 + tanh(inner))
    if approximate != "none":
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return input * Phi.apply(floating(input))


class Phi(Function):
    """The standard normal CDF, 0.5 * (1 + erf(x / sqrt 2)); its derivative is the normal pdf."""

    backward_name = "GeluBackward0"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (0.5 * (1 + _erf(x / math.sqrt(2)))).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x * x * -0.5).exp() * (1 / math.sqrt(2 * math.pi))


def _erf(x):
    """erf to double precision, from the standard library (NumPy has none)."""
    return xp.vectorize(math.erf, otypes=[xp.float64])(x) if x.size else x.astype(xp.float64)


# --- softmax and log_softmax ------------------------------------------------------------------------


class Softmax(Function):
    def forward(ctx, x, dim):
        shifted = xp.exp(x - x.max(axis=dim, keepdims=True))  # stable: exponents <= 0
        out = shifted / shifted.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return out * (grad - (grad * out).sum(dim=ctx.dim, keepdim=True))


class LogSoftmax(Function):
    def forward(ctx, x, dim):
        shifted = x - x.max(axis=dim, keepdims=True)
        out = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad - out.exp() * grad.sum(dim=ctx.dim, keepdim=True)


def _softmax_dim(input, dim, name):
    if dim is None:
        raise TypeError(f"{name}() needs dim: pass dim=... (torch's implicit choice of dim is deprecated)")
    return _wrap_dim(dim, input.ndim)


def softmax(input, dim=None, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim``, computed from x - max(x) so it never overflows."""
    input = floating(input if dtype is None else input.to(dtype))
    return Softmax.apply(input, dim=_softmax_dim(input, dim, "softmax"))


def log_softmax(input, dim=None, dtype=None):
    input = floating(input if dtype is None else input.to(dtype))
    return LogSoftmax.apply(input, dim=_softmax_dim(input, dim, "log_softmax"))
