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

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor, _wrap_dim
from ._composite import composite
from .activation import sigmoid, softmax, tanh
from .loss import log1p
from .math import clamp, floating, where

_TORCH_NAMES = {"int64": "Long", "int32": "Int", "uint8": "Byte", "bool": "Bool"}


def float_only(x, name):
    """torch's error for an activation on an integer or bool tensor."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(x).__name__}")
    if x.dtype not in FLOAT_DTYPES:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_TORCH_NAMES.get(str(x.dtype), x.dtype)}\'')
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


def _elu(x, alpha, scale):
    out = where(x > 0, x, alpha * (clamp(x, max=0.0).exp() - 1))
    return out if scale == 1.0 else out * scale


def elu(input, alpha=1.0, inplace=False):
    """x where x > 0, else alpha (e^x - 1)."""
    float_only(input, "elu")
    return _inplace(input, lambda input: composite("EluBackward0", lambda x: _elu(x, alpha, 1.0), input), inplace)


SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """scale * elu(x, alpha) with torch's self-normalising constants."""
    float_only(input, "elu")
    return _inplace(input, lambda input: composite("EluBackward0", lambda x: _elu(x, SELU_ALPHA, SELU_SCALE), input), inplace)


def celu(input, alpha=1.0, inplace=False):
    """x where x > 0, else alpha (e^(x / alpha) - 1)."""
    float_only(input, "elu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    fn = lambda x: where(x > 0, x, alpha * ((clamp(x, max=0.0) / alpha).exp() - 1))  # noqa: E731
    return _inplace(input, lambda input: composite("CeluBackward0", fn, input), inplace)


def glu(input, dim=-1):
    """a * sigmoid(b), where a and b are the two halves of ``input`` along ``dim``."""
    float_only(input, "glu")
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _wrap_dim(dim, input.ndim)
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")

    def fn(x):
        a, b = x.chunk(2, dim=d) if x.shape[d] else (x, x)
        return a * sigmoid(b)

    return composite("GluBackward0", fn, input)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + e^(beta x)) / beta, and x itself where beta x > threshold."""
    float_only(input, "softplus")
    return composite("SoftplusBackward0", lambda x: _softplus(x, beta, threshold), input)


def softsign(input):
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


class Hardtanh(Function):
    """clamp(x, min_val, max_val); the gradient flows strictly inside (min_val, max_val), as torch."""

    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        return xp.clip(x, lo, hi).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * Tensor._make(((x.array > ctx.lo) & (x.array < ctx.hi)).astype(grad.dtype))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """min_val below min_val, max_val above max_val, x between."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _inplace(input, lambda input: Hardtanh.apply(input, lo=min_val, hi=max_val), inplace)


def relu6(input, inplace=False):
    """min(max(0, x), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    float_only(input, "hardswish")
    return _inplace(input, lambda input: composite("HardswishBackward0", lambda x: where(x <= -3, 0.0, where(x >= 3, x, x * (x + 3) / 6)), input), inplace)


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


def prelu(input, weight):
    """x where x > 0, else a x; ``weight`` holds one slope, or one per channel (dim 1)."""
    float_only(input, "prelu")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != 1 and weight.numel() != channels:
        raise RuntimeError(
            f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{weight.numel()} and channel size = {channels}."
        )
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    shape = (1, -1) + (1,) * (input.ndim - 2) if input.ndim >= 2 and weight.numel() > 1 else ()

    def fn(x, w):
        w = w.reshape(shape) if shape else w.reshape(())
        return where(x > 0, x, w * x)

    return composite("PreluKernelBackward0", fn, input, weight)


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, else value."""
    def fn(x):  # threshold and value take the input's dtype, as torch
        out = where(x > threshold, x, value)
        return out if out.dtype == x.dtype else out.to(x.dtype)

    return _inplace(input, lambda input: composite("ThresholdBackward0", fn, input), inplace)


def logsigmoid(input):
    """log(sigmoid(x)) = min(x, 0) - log(1 + e^-|x|), stable for any x."""
    float_only(input, "log_sigmoid")
    return composite("LogSigmoidBackward0", lambda x: clamp(x, max=0.0) - log1p((-x.abs()).exp()), input)


def tanhshrink(input):
    """x - tanh(x)."""
    input = floating(input)
    return input - tanh(input)


def _check_lambd(lambd, name):
    if lambd < 0:
        raise RuntimeError(f"{name}: lambda must be greater or equal to 0, but found to be {lambd}.")


def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, 0 between."""
    float_only(input, "softshrink")
    _check_lambd(lambd, "softshrink")
    fn = lambda x: where(x > lambd, x - lambd, where(x < -lambd, x + lambd, 0.0))  # noqa: E731
    return composite("SoftshrinkBackward0", fn, input)


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    float_only(input, "hardshrink")
    return composite("HardshrinkBackward0", lambda x: where((x > lambd) | (x < -lambd), x, 0.0), input)


def softmin(input, dim=None, dtype=None):
    """softmax(-x) along ``dim``."""
    if dtype is not None:
        input = input.to(dtype)
    float_only(input, "softmax_lastdim_kernel_impl")
    return softmax(-input, dim=dim)


__all__ = ["selu", "celu", "prelu", "threshold", "hardshrink"]
METHODS = {"prelu": prelu, "hardshrink": hardshrink}
FUNCTIONAL = [
    "silu", "elu", "selu", "celu", "glu", "softplus", "softsign", "hardtanh", "relu6", "hardswish",
    "hardsigmoid", "mish", "prelu", "threshold", "logsigmoid", "tanhshrink", "softshrink",
    "hardshrink", "softmin",
]
