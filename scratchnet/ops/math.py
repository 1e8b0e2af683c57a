"""Elementwise arithmetic, unary math, clamp/maximum/minimum/where, matmul, and dtype casts.

Each op is a :class:`~scratchnet.tensor.Function`: a forward on arrays and, beside it, a backward
on Tensors. Binary ops broadcast; the engine sums each gradient back to its input's shape.

>>> import scratchnet as sn
>>> a = sn.tensor([1.0, 2.0], requires_grad=True)
>>> (a * 3 + 1).sum().backward()
>>> a.grad
tensor([3., 3.])
"""

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor, bool_, broadcast_shapes, get_default_dtype, result_type

# --- turning operands into Tensors of one dtype -----------------------------------------------


def as_dtype(x, dtype):
    """``x`` (Tensor or Python scalar) as a Tensor of ``dtype``; a Tensor is cast in the graph."""
    if isinstance(x, Tensor):
        if x.dtype == dtype or (x.dtype == bool_ and not x.requires_grad):
            return x  # NumPy already promotes a bool mask in place of a cast
        return Cast.apply(x, dtype=dtype)
    return Tensor._make(xp.asarray(x, dtype=dtype))


def operands(a, b, floating=False):
    """Promote ``a`` and ``b`` to torch's result dtype and check that their shapes broadcast."""
    dtype = result_type(a, b)
    if floating and dtype not in FLOAT_DTYPES:
        dtype = get_default_dtype()
    a, b = as_dtype(a, dtype), as_dtype(b, dtype)
    if a.shape != b.shape:
        broadcast_shapes(a.shape, b.shape)
    return a, b


def floating(x):
    """``x`` as a float Tensor: ops like exp and log turn integer input into the default float."""
    if not isinstance(x, Tensor):
        x = Tensor(x)
    return x if x.dtype in FLOAT_DTYPES else as_dtype(x, get_default_dtype())


class Cast(Function):
    backward_name = "ToCopyBackward0"

    def forward(ctx, x, dtype):
        ctx.in_dtype = x.dtype
        return x.astype(dtype)

    def backward(ctx, grad):
        return grad.to(ctx.in_dtype)


def to(input, *args, dtype=None, device=None, **kwargs):
    """``tensor.to(dtype)``, ``.to('cpu')``, ``.to(other)``; there is no GPU in the NumPy engine."""
    from ..tensor import check_dtype

    for a in args + ((device,) if device is not None else ()):
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, str) and (a == "cpu" or a.startswith("cpu:")):
            continue
        elif isinstance(a, str) and a.split(":")[0] in ("cuda", "mps", "xpu", "meta"):
            raise RuntimeError(f"scratchnet runs on the CPU (NumPy); cannot move a tensor to {a!r}")
        elif a is not None:
            dtype = a
    if dtype is None or xp.dtype(dtype) == input.dtype:
        return input
    return Cast.apply(input, dtype=check_dtype(dtype))


# --- arithmetic ------------------------------------------------------------------------------


class Add(Function):
    def forward(ctx, a, b):
        return a + b

    def backward(ctx, grad):
        return grad, grad


class Sub(Function):
    def forward(ctx, a, b):
        return a - b

    def backward(ctx, grad):
        return grad, -grad


class Mul(Function):
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        return a * b

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Div(Function):
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        return a / b

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad / b if need_a else None), (-grad * a / (b * b) if need_b else None)


class Neg(Function):
    def forward(ctx, x):
        return -x

    def backward(ctx, grad):
        return -grad


class PowScalar(Function):
    """``x ** p`` for a Python number ``p``."""

    backward_name = "PowBackward0"

    def forward(ctx, x, exponent):
        ctx.save_for_backward(x)
        ctx.exponent = exponent
        return x**exponent

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        p = ctx.exponent
        if p == 0:
            return grad * 0
        return grad * p * x ** (p - 1)


class Pow(Function):
    """``a ** b`` for two tensors: d/da = b a^(b-1), d/db = a^b log a (0 where a = 0, b >= 0)."""

    backward_name = "PowBackward1"

    def forward(ctx, a, b):
        out = a**b
        ctx.save_for_backward(a, b, out if ctx.needs_input_grad[1] else None)
        return out

    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad * b * a ** (b - 1) if need_a else None
        grad_b = None
        if need_b:
            safe = where((a == 0) & (b >= 0), 1.0, a)  # torch's convention: 0^b has d/db = 0
            grad_b = grad * out * log(safe)
        return grad_a, grad_b


def add(input, other, alpha=1):
    a, b = operands(input, other)
    return Add.apply(a, b if alpha == 1 else b * alpha)


def sub(input, other, alpha=1):
    a, b = operands(input, other)
    return Sub.apply(a, b if alpha == 1 else b * alpha)


def mul(input, other):
    return Mul.apply(*operands(input, other))


def div(input, other):
    return Div.apply(*operands(input, other, floating=True))


def neg(input):
    return Neg.apply(input)


def pow(input, exponent):
    """``input ** exponent``; a Python-number exponent keeps input's dtype category, as torch."""
    if isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        if isinstance(exponent, float) and input.dtype not in FLOAT_DTYPES:
            input = floating(input)
        return PowScalar.apply(input, exponent=exponent)
    return Pow.apply(*operands(input, exponent))


# --- unary math ------------------------------------------------------------------------------


class Exp(Function):
    def forward(ctx, x):
        out = xp.exp(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp.log(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Function):
    def forward(ctx, x):
        out = xp.sqrt(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


class Abs(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp.abs(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sign(x)


class Sin(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp.sin(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * cos(x)


class Cos(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp.cos(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * sin(x)


def exp(input):
    return Exp.apply(floating(input))


def log(input):
    return Log.apply(floating(input))


def sqrt(input):
    return Sqrt.apply(floating(input))


def abs(input):
    return Abs.apply(input)


def sin(input):
    return Sin.apply(floating(input))


def cos(input):
    return Cos.apply(floating(input))


def sign(input):
    """-1, 0 or 1 by sign (no gradient: its derivative is zero wherever it exists)."""
    return Tensor._make(xp.sign(input.array))


# --- clamp, maximum, minimum, where ----------------------------------------------------------


class Clamp(Function):
    backward_name = "ClampBackward1"

    def forward(ctx, x, min, max):
        ctx.save_for_backward(x)
        ctx.min, ctx.max = min, max
        return xp.clip(x, min, max)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        inside = x.array >= ctx.min if ctx.min is not None else True
        if ctx.max is not None:
            inside = inside & (x.array <= ctx.max)
        return grad * Tensor._make(inside)


def clamp(input, min=None, max=None):
    """Limit values to ``[min, max]``; the gradient flows where ``min <= x <= max`` (torch)."""
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input if min is None else maximum(input, min)
        return out if max is None else minimum(out, max)
    return Clamp.apply(input, min=min, max=max)


class Maximum(Function):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.maximum(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        share = Tensor._make((a.array > b.array) + 0.5 * (a.array == b.array))  # ties split evenly
        return grad * share, grad * (1 - share)


class Minimum(Function):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.minimum(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        share = Tensor._make((a.array < b.array) + 0.5 * (a.array == b.array))
        return grad * share, grad * (1 - share)


def maximum(input, other):
    return Maximum.apply(*operands(input, other))


def minimum(input, other):
    return Minimum.apply(*operands(input, other))


class Where(Function):
    def forward(ctx, x, y, condition):
        ctx.condition = condition
        return xp.where(condition, x, y)

    def backward(ctx, grad):
        cond = Tensor._make(ctx.condition)
        need_x, need_y = ctx.needs_input_grad
        return (where(cond, grad, 0.0) if need_x else None), (where(cond, 0.0, grad) if need_y else None)


def where(condition, input, other):
    """Elements of ``input`` where ``condition`` holds, else of ``other`` (all three broadcast)."""
    condition = condition if isinstance(condition, Tensor) else Tensor(condition)
    if condition.dtype != bool_:
        raise TypeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.dtype}")
    x, y = operands(input, other)
    broadcast_shapes(condition.shape, x.shape, y.shape)
    return Where.apply(x, y, condition=condition.array)


# --- matmul ----------------------------------------------------------------------------------


class MatMul(Function):
    """``a @ b`` for a, b of at least 2 dims; batch dims broadcast (undone by the engine)."""

    backward_name = "MmBackward0"

    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        return a @ b

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad @ b.mT if need_a else None), (a.mT @ grad if need_b else None)


def _shape_text(shape):
    return "x".join(str(s) for s in shape) or "scalar"


def matmul(input, other):
    """torch's matmul rules: 1-D is a vector (a dim added, then removed), batch dims broadcast.

    >>> import scratchnet as sn
    >>> matmul(sn.ones(2, 3), sn.ones(4, 5))
    Traceback (most recent call last):
    ...
    RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)
    """
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise TypeError(f"matmul expects two Tensors, got {type(input).__name__} and {type(other).__name__}")
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {input.ndim}D and {other.ndim}D")
    if input.dtype != other.dtype:
        raise RuntimeError(f"expected both matmul operands to have the same dtype, but got: {input.dtype} != {other.dtype}")
    if input.dtype == bool_:
        raise RuntimeError("matmul is not implemented for bool tensors")
    if input.shape[-1] != other.shape[-2 if other.ndim > 1 else 0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_text(input.shape)} and {_shape_text(other.shape)})"
        )
    a = input.unsqueeze(0) if input.ndim == 1 else input
    b = other.unsqueeze(-1) if other.ndim == 1 else other
    if a.ndim > 2 or b.ndim > 2:
        broadcast_shapes(a.shape[:-2], b.shape[:-2])
    out = MatMul.apply(a, b)
    if input.ndim == 1 or other.ndim == 1:  # remove the dims that were added for the vectors
        out = out.reshape(out.shape[:-2] + out.shape[-2 : -1 if other.ndim == 1 else None][input.ndim == 1 :])
    return out


def mm(input, mat2):
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mm expects 2-D tensors, got {input.ndim}-D and {mat2.ndim}-D")
    return matmul(input, mat2)


# --- comparisons (no gradient) ---------------------------------------------------------------


def _compare(ufunc):
    def compare(input, other):
        a, b = operands(input, other)
        return Tensor._make(ufunc(a.array, b.array))

    compare.__name__ = ufunc.__name__
    compare.__doc__ = f"Elementwise {ufunc.__name__} as a bool tensor (no gradient)."
    return compare


eq, ne = _compare(xp.equal), _compare(xp.not_equal)
lt, le = _compare(xp.less), _compare(xp.less_equal)
gt, ge = _compare(xp.greater), _compare(xp.greater_equal)


def logical_and(input, other):
    return Tensor._make(xp.logical_and(input.array, other.array if isinstance(other, Tensor) else other))


def logical_or(input, other):
    return Tensor._make(xp.logical_or(input.array, other.array if isinstance(other, Tensor) else other))


def logical_not(input):
    return Tensor._make(xp.logical_not(input.array))


def isnan(input):
    return Tensor._make(xp.isnan(input.array))


def isfinite(input):
    return Tensor._make(xp.isfinite(input.array))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(xp.allclose(input.array, other.array, rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(input, other):
    return input.shape == other.shape and bool(xp.array_equal(input.array, other.array))
