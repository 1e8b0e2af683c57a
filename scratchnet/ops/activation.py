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

from ..backend import blocked, fast_where, sum_last, xp
from ..tensor import Function, Tensor, _wrap_dim, is_grad_enabled
from . import _special
from .math import floating, not_implemented, refuse, where


class Sigmoid(Function):
    def forward(ctx, x):
        out = 1 / (1 + xp.exp(-x))  # torch's form: exp(-x) = inf gives exactly 0, as torch
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
        if not is_grad_enabled() and grad.shape == out.shape:  # no graph to record: the same on arrays
            return Tensor._make(fast_where(out.array <= 0, 0.0, grad.array))
        return where(out <= 0, 0.0, grad)  # torch: the gradient passes where out is not <= 0 (NaN too)


class LeakyRelu(Function):
    def forward(ctx, x, negative_slope):
        ctx.save_for_backward(x)
        ctx.negative_slope = negative_slope
        return fast_where(x > 0, x, x * negative_slope)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return where(x > 0, grad, grad * ctx.negative_slope)


def sigmoid(input):
    """1 / (1 + e^-x). For the W5 example: sigmoid(0.44498412) = 0.60944600."""
    return Sigmoid.apply(floating(input))


def tanh(input):
    """Elementwise hyperbolic tangent; d/dx = 1 - tanh(x)^2 (the output is saved).

    >>> import scratchnet as sn
    >>> sn.tanh(sn.tensor([0.0]))
    tensor([0.])
    """
    return Tanh.apply(floating(input))


def relu(input, inplace=False):
    """max(x, 0); NaN stays NaN (with gradient 1, as torch); integers stay integers."""
    if input.dtype.kind == "b":
        raise NotImplementedError("Boolean inputs not supported for relu")
    if inplace:  # recorded as torch's relu_ (scratchnet/ops/inplace.py)
        return input._apply_inplace(lambda old: Relu.apply(old))
    return Relu.apply(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x if x > 0 else negative_slope * x``, elementwise; ``inplace=True`` writes into ``input``
    (recorded, as torch's ``leaky_relu_``).

    >>> import scratchnet as sn
    >>> sn.nn.functional.leaky_relu(sn.tensor([-1.0, 2.0]), 0.1)
    tensor([-0.1000,  2.0000])
    """
    input = refuse(input, "leaky_relu_cpu", "biu")
    if inplace:
        return input._apply_inplace(lambda old: LeakyReluOfOutput.apply(old, negative_slope=negative_slope))
    return LeakyRelu.apply(input, negative_slope=negative_slope)


class LeakyReluOfOutput(LeakyRelu):
    """The in-place leaky_relu: as torch, it saves its output (the input is overwritten), so a
    later in-place edit of the result is caught at backward."""

    backward_name = "LeakyReluBackward1"

    def forward(ctx, x, negative_slope):
        out = fast_where(x > 0, x, x * negative_slope)
        ctx.save_for_backward(out)
        ctx.negative_slope = negative_slope
        return out


def gelu(input, approximate="none"):
    """x * Phi(x), with Phi the standard normal CDF; ``approximate='tanh'`` uses torch's tanh form
    0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). Float input only, as torch.

    >>> import scratchnet as sn
    >>> round(sn.nn.functional.gelu(sn.tensor(1.0)).item(), 4)
    0.8413
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh (got {approximate!r}).")
    refuse(input, "GeluKernelImpl", "biu")
    return Gelu.apply(input, approximate=approximate)


_TANH_C, _TANH_K = math.sqrt(2 / math.pi), 0.044715


class Gelu(Function):
    """One node for gelu; the backward is written with differentiable ops (Phi below, tanh), so
    second derivatives come free: d/dx = Phi(x) + x pdf(x), or the tanh form's derivative."""

    def forward(ctx, x, approximate):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        with xp.errstate(over="ignore", invalid="ignore"):
            if approximate == "tanh":
                return (0.5 * x * (1 + xp.tanh(_TANH_C * (x + _TANH_K * x**3)))).astype(x.dtype, copy=False)
            ctx.cdf = blocked(_phi, x)  # kept: a first-order backward need not compute erf again
            return x * ctx.cdf

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            t = tanh(_TANH_C * (x + _TANH_K * x * x * x))
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _TANH_C * (1 + 3 * _TANH_K * x * x))
        if is_grad_enabled():  # create_graph: differentiable, Phi a node of its own
            return grad * (Phi.apply(x) + x * (x * x * -0.5).exp() * _PDF_SCALE)
        if grad.dtype != x.dtype:
            return grad * (Tensor._make(ctx.cdf) + x * (x * x * -0.5).exp() * _PDF_SCALE)
        # the same formula on arrays, in the same order, a cache-sized block at a time: grad * (cdf + x * pdf(x))
        return Tensor._make(blocked(_gelu_grad, x.array, ctx.cdf, xp.broadcast_to(grad.array, x.shape)))


def _gelu_grad(x, cdf, g):
    d = xp.asarray(x * x)  # (0-d: an array, not a NumPy scalar, to work in place)
    d *= -0.5
    xp.exp(d, out=d)
    d *= x
    d *= _PDF_SCALE
    d += cdf
    d *= g
    return d


_PDF_SCALE = 1 / math.sqrt(2 * math.pi)  # the standard normal pdf is _PDF_SCALE * exp(-x^2 / 2)


def _phi(x):
    """The standard normal CDF 0.5 * (1 + erf(x / sqrt 2)) of an array, in its dtype (float32's
    erf computed in float32, :func:`scratchnet.ops._special._erf_single`)."""
    with xp.errstate(over="ignore", invalid="ignore"):
        cdf = _special.erf(x * (1 / math.sqrt(2)), single=x.dtype.itemsize <= 4)  # a new array, changed in place
        cdf += 1.0
        cdf *= 0.5
    return cdf.astype(x.dtype, copy=False)


class Phi(Function):
    """The standard normal CDF, 0.5 * (1 + erf(x / sqrt 2)); its derivative is the normal pdf."""

    backward_name = "PhiBackward0"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _phi(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x * x * -0.5).exp() * _PDF_SCALE


# --- softmax and log_softmax ------------------------------------------------------------------------


def _along(t, dim):
    """Sum of ``t`` along ``dim`` kept as a size-1 dim (a 0-d tensor is its own sum)."""
    return t if t.ndim == 0 else t.sum(dim=dim, keepdim=True)


def _sum_along(a, dim):
    """:func:`_along` on an array (a copy: the caller may overwrite ``a``); the last dim's sums by
    :func:`scratchnet.backend.sum_last` (einsum for short rows)."""
    if a.ndim == 0:
        return a.copy()
    if dim is not None and dim in (-1, a.ndim - 1):
        return sum_last(a)
    return a.sum(axis=dim, keepdims=True)


class Softmax(Function):
    def forward(ctx, x, dim):
        ctx.save_for_backward(out := _softmax_array(x, dim))
        ctx.dim = dim
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        if is_grad_enabled() or grad.dtype != out.dtype:  # create_graph: a differentiable graph
            return out * (grad - _along(grad * out, ctx.dim))
        g, o = grad.array, out.array  # the same formula on arrays, in one buffer
        d = xp.asarray(g * o)
        xp.subtract(g, _sum_along(d, ctx.dim), out=d)
        d *= o
        return Tensor._make(d)


class LogSoftmax(Function):
    def forward(ctx, x, dim):
        ctx.save_for_backward(out := _softmax_array(x, dim, log=True))
        ctx.dim = dim
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        if is_grad_enabled() or grad.dtype != out.dtype:
            return grad - out.exp() * _along(grad, ctx.dim)
        d = xp.asarray(xp.exp(out.array))
        d *= _sum_along(grad.array, ctx.dim)
        xp.subtract(grad.array, d, out=d)
        return Tensor._make(d)


def _softmax_array(x, dim, log=False):
    """(log-)softmax of an array from x - max(x), so exponents are <= 0 and never overflow.
    A row of -inf gives NaN (as torch); a 0-d array is its own row; an empty one stays empty."""
    if x.size == 0:
        return x.copy()
    axis = dim if x.ndim else None  # (Function.apply has NumPy's floating-point warnings off)
    shifted = xp.asarray(x - x.max(axis=axis, keepdims=True))  # (a 0-d x gives a NumPy scalar)
    if log:
        return shifted - xp.log(_sum_along(xp.exp(shifted), axis))
    e = xp.exp(shifted, out=shifted)  # (shifted is new: exp in place, computed once)
    e /= _sum_along(e, axis)
    return e


def _softmax_dim(input, dim, name):
    if dim is None:  # torch.softmax / Tensor.softmax: dim is required (F.softmax guesses it: see _implicit_dim)
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    dim = _wrap_dim(dim, input.ndim)
    if input.dtype.kind in "biu":  # torch has no integer softmax kernel (pass dtype= to convert)
        last = "lastdim_" if dim == max(input.ndim - 1, 0) else ""
        raise not_implemented(f"{name}_{last}kernel_impl", input.dtype)
    return dim


def softmax(input, dim=None, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim``, computed from x - max(x) so it never overflows.

    Integer input needs ``dtype=`` (torch has no integer kernel); a 0-d tensor takes dim 0 or -1.

    >>> import scratchnet as sn
    >>> sn.softmax(sn.tensor(2.0), dim=0)
    tensor(1.)
    """
    input = input if dtype is None else input.to(dtype)
    if input.dtype.kind in "biu" and input.numel() == 0:
        return Tensor._make(input.array.copy())  # torch runs no kernel on an empty tensor: no error
    return Softmax.apply(input, dim=_softmax_dim(input, dim, "softmax"))


def log_softmax(input, dim=None, dtype=None):
    """x - log(sum(exp(x))) along ``dim``; -inf where softmax underflows to 0, never NaN there."""
    input = input if dtype is None else input.to(dtype)
    if input.dtype.kind in "biu" and input.numel() == 0:
        return Tensor._make(input.array.copy())
    return LogSoftmax.apply(input, dim=_softmax_dim(input, dim, "log_softmax"))


def _implicit_dim(op, name):
    """``F.softmax``-style ``op`` as torch.nn.functional has it: without ``dim`` it warns and takes
    torch's legacy choice (dim 0 for 0-, 1- and 3-d input, else dim 1)."""

    def functional(input, dim=None, _stacklevel=3, dtype=None):
        if dim is None:
            import warnings

            warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
                          "argument.", stacklevel=2)
            dim = 0 if input.ndim in (0, 1, 3) else 1
        return op(input, dim=dim, dtype=dtype)

    functional.__name__ = functional.__qualname__ = name
    functional.__doc__ = (op.__doc__ or "") + (
        f"\n\n    As ``torch.nn.functional.{name}``: without ``dim`` it warns and takes dim 0 for 0-, 1- and 3-d\n"
        "    input, dim 1 otherwise (torch's deprecated implicit choice).")
    return functional
