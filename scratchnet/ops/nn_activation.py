"""More activations, as ``torch.nn.functional``: silu, elu, selu, celu, glu, softplus, softsign,
hardtanh, relu6, hardswish, hardsigmoid, mish, prelu, threshold, logsigmoid, tanhshrink,
softshrink, hardshrink, softmin.

Each is a short formula over scratchnet's ops; where torch records the activation as one node
(``SiluBackward0``, ``EluBackward0``, ...) the formula is wrapped as one node of that name
(:func:`scratchnet.ops._composite.composite`), so gradients and second derivatives are the
formula's own. Branches that would overflow (``exp`` of a large input on the side ``where`` drops)
are clamped first, so no ``0 * inf`` reaches a gradient.

>>> import scratchnet as sn
>>> x = sn.tensor([-2.0, 0.0, 2.0], requires_grad=True)
>>> silu(x)
tensor([-0.2384,  0.0000,  1.7616], grad_fn=<SiluBackward0>)
>>> hardtanh(x, -1.0, 1.0).tolist()
[-1.0, 0.0, 1.0]
"""

from ..backend import FLOAT_DTYPES, fast_where, xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor, _wrap_dim
from ._composite import composite
from ._pointwise_torch import apply as _pointwise, nan_as, vector_part
from .activation import sigmoid, softmax, tanh
from .bitwise import log1p
from .math import clamp, floating, where

from ..dtypes import torch_name  # noqa: E402


def float_only(x, name):
    """torch's error for an activation on an integer or bool tensor."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(x).__name__}")
    if x.dtype not in FLOAT_DTYPES:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{torch_name(x.dtype)}\'')
    return x


def _inplace(input, fn, inplace):
    """``fn(input)``, or with ``inplace=True`` the same op recorded in place on ``input`` (as
    torch's ``op_``: scratchnet/ops/inplace.py)."""
    return input._apply_inplace(fn) if inplace else fn(input)


def _softplus(x, beta, threshold):
    bx = x * beta
    return where(bx > threshold, x, log1p(clamp(bx, max=threshold).exp()) / beta)


def silu(input, inplace=False):
    """x * sigmoid(x) (the swish)."""
    float_only(input, "silu")
    return _inplace(input, lambda input: composite("SiluBackward0", lambda x: x * sigmoid(x), input), inplace)


def _elu(name, input, alpha, scale, input_scale):
    """torch's elu kernel: x <= 0 ? (e^(x input_scale) - 1) alpha scale : x scale, and its
    gradient x <= 0 ? g input_scale alpha scale e^(x input_scale) : g scale (at x = 0 the
    exponential side, as torch; at NaN torch's vector loop gives NaN)."""
    neg = alpha * scale

    def forward(x):
        return fast_where(x <= 0, (xp.exp(x * input_scale) - 1) * neg, x * scale)

    def backward(x, g):
        below = Tensor._make(x.array <= 0)
        return nan_as(x, where(below, g * (x * input_scale).exp() * (input_scale * neg), g * scale), xp.nan, None)

    return _pointwise(name, input, forward, backward)


def elu(input, alpha=1.0, inplace=False):
    """x where x > 0, else alpha (e^x - 1).

    >>> import scratchnet as sn
    >>> [round(v, 4) for v in elu(sn.tensor([-1.0, 0.0, 2.0])).tolist()]
    [-0.6321, 0.0, 2.0]
    """
    float_only(input, "elu")
    return _inplace(input, lambda input: _elu("EluBackward0", input, alpha, 1.0, 1.0), inplace)


SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """scale * elu(x, alpha) with torch's self-normalising constants."""
    float_only(input, "elu")
    return _inplace(input, lambda input: _elu("EluBackward0", input, SELU_ALPHA, SELU_SCALE, 1.0), inplace)


def celu(input, alpha=1.0, inplace=False):
    """x where x > 0, else alpha (e^(x / alpha) - 1)."""
    float_only(input, "elu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _inplace(input, lambda input: _elu("CeluBackward0", input, alpha, 1.0, 1.0 / alpha), inplace)


def glu(input, dim=-1):
    """a * sigmoid(b), where a and b are the two halves of ``input`` along ``dim``."""
    float_only(input, "glu")
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _wrap_dim(dim, input.ndim)
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")

    return Glu.apply(input, dim=d)


class Glu(Function):
    """torch's glu node: ``a * sigmoid(b)``; the gradient is ``sigmoid(b) g`` for ``a`` and
    ``((1 - sigmoid(b)) sigmoid(b)) a g`` for ``b``, multiplied in that order (as torch's kernel),
    so a huge ``a`` against a vanishing ``sigmoid'(b)`` gives 0, not ``inf * 0``."""

    def forward(ctx, x, dim):
        ctx.dim = dim
        ctx.save_for_backward(x)
        a, b = xp.split(x, 2, axis=dim)
        with xp.errstate(over="ignore", invalid="ignore"):
            return a * (1 / (1 + xp.exp(-b)))

    def backward(ctx, grad):
        from .shape import cat

        (x,) = ctx.saved_tensors
        half = x.shape[ctx.dim] // 2
        a, b = x.narrow(ctx.dim, 0, half), x.narrow(ctx.dim, half, half)
        s = sigmoid(b)
        return cat([s * grad, (1 - s) * s * a * grad], dim=ctx.dim)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + e^(beta x)) / beta, and x itself where beta x > threshold; gradient
    e^(beta x) / (e^(beta x) + 1), or 1 above the threshold (torch's kernel).

    >>> import scratchnet as sn
    >>> softplus(sn.tensor([0.0, 30.0])).tolist()
    [0.6931471824645996, 30.0]
    """
    float_only(input, "softplus")

    def forward(x):
        return fast_where(x * beta > threshold, x, xp.log1p(xp.exp(x * beta)) / beta)

    def backward(x, g):
        z = (x * beta).exp()
        return where(Tensor._make(x.array * beta > threshold), g, g * z / (z + 1))

    return _pointwise("SoftplusBackward0", input, forward, backward)


def softsign(input):
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


def _integer_bound(value, dtype, what):
    """A float bound as torch casts it to an integer dtype (truncation), refused where uint8
    cannot hold it."""
    v = int(value)
    if dtype == xp.uint8 and not 0 <= v <= 255:
        raise RuntimeError(f"value cannot be converted to type uint8_t without overflow ({what} = {value})")
    return v


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """min_val below min_val, max_val above max_val, x between; the gradient flows strictly
    inside (min_val, max_val), as torch. Integers clamp to the truncated bounds (bool is refused).

    >>> import scratchnet as sn
    >>> hardtanh(sn.tensor([-2.0, 0.5, 2.0])).tolist()
    [-1.0, 0.5, 1.0]
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input.dtype == xp.bool_:
        raise NotImplementedError("Bool inputs not supported for hardtanh")
    lo, hi = min_val, max_val
    if input.dtype.kind in "iu":
        if input.dtype == xp.uint8 and int(lo) < 0:
            raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
        lo, hi = _integer_bound(lo, input.dtype, "min_val"), _integer_bound(hi, input.dtype, "max_val")

    def forward(x):
        return xp.clip(x, lo, hi)

    def backward(x, g):  # NaN: the gradient in torch's scalar loop, 0 in its vector loop
        outside = Tensor._make((x.array <= lo) | (x.array >= hi))
        return nan_as(x, where(outside, 0.0, g), 0.0, None)

    return _inplace(input, lambda input: _pointwise("HardtanhBackward0", input, forward, backward), inplace)


def relu6(input, inplace=False):
    """min(max(0, x), 6).

    >>> import scratchnet as sn
    >>> relu6(sn.tensor([-1.0, 3.0, 9.0])).tolist()
    [0.0, 3.0, 6.0]
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    float_only(input, "hardswish")

    def forward(x):  # torch's order: x * min(max(x + 3, 0), 6) / 6 (so -inf gives NaN, as torch)
        return x * xp.minimum(xp.maximum(x + 3, 0), 6) / 6

    def backward(x, g):  # 0 up to -3 inclusive, g (x / 3 + 1/2) strictly inside, g from 3 on (torch's choices)
        a = x.array
        return nan_as(x, where(Tensor._make(a <= -3), 0.0, where(Tensor._make(a < 3), g * (x / 3 + 0.5), g)), xp.nan, None)

    return _inplace(input, lambda input: _pointwise("HardswishBackward0", input, forward, backward), inplace)


class Hardsigmoid(Function):
    """relu6(x + 3) / 6; the gradient is 1/6 strictly inside (-3, 3), with torch's single-precision
    constant 1/6 (torch's kernel uses ``1.0f / 6.0f`` for every dtype)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (xp.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        inside = (x.array > -3) & (x.array < 3)
        return grad * Tensor._make(inside * xp.float32(1 / 6)).to(grad.dtype)


def hardsigmoid(input, inplace=False):
    """0 for x <= -3, 1 for x >= 3, x / 6 + 1/2 between."""
    float_only(input, "hardsigmoid")
    return _inplace(input, lambda input: Hardsigmoid.apply(input), inplace)


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    float_only(input, "mish")
    return _inplace(input, lambda input: composite("MishBackward0", lambda x: x * tanh(_softplus(x, 1.0, 20.0)), input), inplace)


class Prelu(Function):
    """x > 0 ? x : w x, with w one slope or one per channel (viewed as ``shape``); gradients as
    torch's kernel: x > 0 ? g : w g for x, and x > 0 ? 0 : x g (summed per slope) for w."""

    backward_name = "PreluKernelBackward0"

    def forward(ctx, x, w, shape):
        ctx.save_for_backward(x, w)
        ctx.shape = shape
        return fast_where(x > 0, x, w.reshape(shape) * x)

    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        positive = Tensor._make(x.array > 0)
        need = ctx.needs_input_grad
        grad_x = where(positive, grad, w.reshape(ctx.shape) * grad) if need[0] else None
        grad_w = None
        if need[1]:
            per = where(positive, 0.0, x * grad)
            keep = [d for d, n in enumerate(ctx.shape) if n != 1] if ctx.shape else []
            dims = tuple(d for d in range(x.ndim) if d not in keep)
            grad_w = (per.sum(dim=dims) if dims else per).reshape(w.shape)
        return grad_x, grad_w


def prelu(input, weight):
    """x where x > 0, else a x; ``weight`` holds one slope, or one per channel (dim 1).

    >>> import scratchnet as sn
    >>> prelu(sn.tensor([-2.0, 3.0]), sn.tensor([0.25])).tolist()
    [-0.5, 3.0]
    """
    float_only(input, "prelu")
    if weight.dtype != input.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {torch_name(input.dtype)} and {torch_name(weight.dtype)}")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != 1 and weight.numel() != channels:
        raise RuntimeError(
            f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{weight.numel()} and channel size = {channels}."
        )
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    shape = (1, -1) + (1,) * (input.ndim - 2) if input.ndim >= 2 and weight.numel() > 1 else ()
    if shape:
        shape = (1, weight.numel()) + (1,) * (input.ndim - 2)
    return Prelu.apply(input, weight, shape=shape)


def threshold(input, threshold, value, inplace=False):
    """value where x <= threshold, else x (NaN stays NaN); the gradient is 0 where x <= threshold.
    Integers compare with the truncated threshold and take the truncated value, as torch.

    >>> import scratchnet as sn
    >>> threshold(sn.tensor([0.2, 1.0]), 0.5, -1.0).tolist()
    [-1.0, 1.0]
    """
    if input.dtype == xp.bool_:
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'")
    th, val = threshold, value
    if input.dtype.kind in "iu":
        th, val = _integer_bound(th, input.dtype, "threshold"), _integer_bound(val, input.dtype, "value")

    def forward(x):
        return fast_where(x <= th, xp.asarray(val).astype(x.dtype), x)

    def backward(x, g):
        return where(Tensor._make(x.array <= th), 0.0, g)

    return _inplace(input, lambda input: _pointwise("ThresholdBackward0", input, forward, backward), inplace)


def logsigmoid(input):
    """log(sigmoid(x)) = min(x, 0) - log(1 + e^-|x|), stable for any x; gradient
    g (max_deriv - sign e^-|x| / (1 + e^-|x|)) as torch's kernel (1/2 at 0).

    >>> import scratchnet as sn
    >>> round(logsigmoid(sn.tensor(0.0)).item(), 4)
    -0.6931
    """
    float_only(input, "log_sigmoid")

    def forward(x):
        return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))

    def backward(x, g):
        negative = x.array < 0
        z = (-x.abs()).exp()
        return g * (Tensor._make(negative.astype(x.dtype)) - Tensor._make(fast_where(negative, 1.0, -1.0).astype(x.dtype)) * (z / (z + 1)))

    return _pointwise("LogSigmoidBackward0", input, forward, backward)


def tanhshrink(input):
    """x - tanh(x) (integers become the default float; bool is refused, as torch's subtraction)."""
    if isinstance(input, Tensor) and input.dtype == xp.bool_:
        raise NotImplementedError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    input = floating(input)
    return input - tanh(input)


def _shrink_backward(lambd):
    def backward(x, g):  # 0 on [-lambd, lambd]; NaN: g in torch's scalar loop, 0 in its vector loop
        inside = Tensor._make((x.array >= -lambd) & (x.array <= lambd))
        return nan_as(x, where(inside, 0.0, g), 0.0, None)

    return backward


def _check_lambd(lambd, name):
    if lambd < 0:
        raise RuntimeError(f"{name}: lambda must be greater or equal to 0, but found to be {lambd}.")


def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, 0 between."""
    float_only(input, "softshrink")
    _check_lambd(lambd, "softshrink")

    def forward(x):  # x * 0 in the middle, so NaN stays NaN
        return fast_where(x > lambd, x - lambd, fast_where(x < -lambd, x + lambd, x * 0))

    return _pointwise("SoftshrinkBackward0", input, forward, _shrink_backward(lambd))


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    float_only(input, "hardshrink")

    def forward(x):
        return fast_where((x >= -lambd) & (x <= lambd), 0, x)

    return _pointwise("HardshrinkBackward0", input, forward, _shrink_backward(lambd))


def softmin(input, dim=None, dtype=None):
    """softmax(-x) along ``dim``. As torch, ``-x`` is taken in ``input``'s own dtype before the cast
    to ``dtype`` (an unsigned input wraps: ``-1`` of uint8 is 255)."""
    negated = -input
    if dtype is not None:
        negated = negated.to(dtype)
    float_only(negated, "softmax_lastdim_kernel_impl")
    return softmax(negated, dim=dim)


__all__ = ["selu", "celu", "prelu", "threshold", "hardshrink"]
METHODS = {"prelu": prelu, "hardshrink": hardshrink}
FUNCTIONAL = [
    "silu", "elu", "selu", "celu", "glu", "softplus", "softsign", "hardtanh", "relu6", "hardswish",
    "hardsigmoid", "mish", "prelu", "threshold", "logsigmoid", "tanhshrink", "softshrink",
    "hardshrink", "softmin",
]
