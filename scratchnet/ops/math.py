"""Elementwise arithmetic, unary math, clamp/maximum/minimum/where, matmul, and dtype casts.

Each op is a :class:`~scratchnet.tensor.Function`: a forward on arrays and, beside it, a backward
on Tensors. Binary ops broadcast; the engine sums each gradient back to its input's shape.

>>> import scratchnet as sn
>>> a = sn.tensor([1.0, 2.0], requires_grad=True)
>>> (a * 3 + 1).sum().backward()
>>> a.grad
tensor([3., 3.])
"""

import math

from ..backend import fast_where, xp
from ..backend import matmul as matmul_arrays
from ..dtypes import fill_scalar, scalar_to_array, torch_name
from ..tensor import Function, Tensor, bool_, broadcast_shapes, result_type
from ._promote import Cast, as_dtype, check_operand, floating, not_implemented, operands, refuse, to  # noqa: F401

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
        return a / b  # x / 0 is inf or NaN, silently, as torch's (apply turns NumPy's warnings off)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad / b if need_a else None), (-grad * ((a / b) / b) if need_b else None)  # torch's order


class Neg(Function):
    def forward(ctx, x):
        return xp.negative(x)

    def backward(ctx, grad):
        return -grad


class PowScalar(Function):
    """``x ** p`` for a Python number ``p``: d/dx = p x^(p-1) (0 where p = 0, as torch)."""

    backward_name = "PowBackward0"

    def forward(ctx, x, exponent):
        ctx.save_for_backward(x)
        ctx.exponent = exponent
        return _power(x, exponent)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        p = ctx.exponent
        if p == 0:
            return Tensor._make(xp.zeros_like(grad.array))
        if p == 0.5:  # torch writes x^-0.5 as 1/sqrt(x): -inf at x = -0
            return grad * (0.5 / x.sqrt())
        return grad * (p * x ** (p - 1))  # torch's order of products (it decides where inf * 0 falls)


class Pow(Function):
    """``a ** b`` for two tensors: d/da = b a^(b-1), d/db = a^b log a (0 where a = 0, b >= 0)."""

    backward_name = "PowBackward1"

    def forward(ctx, a, b, bool_exponent=False):
        out = _power(a, b)
        ctx.save_for_backward(a, b, out if ctx.needs_input_grad[1] else None)
        ctx.bool_exponent = bool_exponent
        return out

    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        if need_a and ctx.bool_exponent:  # torch's backward computes `exponent - 1` on the bool tensor
            _no_bool_subtraction(True, 1)
        grad_a = where(b == 0, 0.0, grad * (b * a ** (b - 1))) if need_a else None  # 0 where b = 0
        grad_b = None
        if need_b:
            safe = where((a == 0) & (b >= 0), 1.0, a)  # torch's convention: 0^b has d/db = 0
            grad_b = grad * where((a == 0) & (b >= 0), 0.0, out * log(safe))
        return grad_a, grad_b


class ScalarPow(Pow):
    """``s ** tensor`` for a Python number ``s`` (torch's PowBackward2)."""

    backward_name = "PowBackward2"


def _power(a, b):
    """a ** b on arrays, with torch's integer rule for negative exponents (1 -> 1, -1 -> +-1,
    anything else -> 0) where NumPy would refuse."""
    if a.dtype.kind not in "iub":
        with xp.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if isinstance(b, (int, float)) and b in (0.5, -0.5):  # torch: sqrt and 1/sqrt (-0 -> -inf)
                return xp.sqrt(a) if b > 0 else (1 / xp.sqrt(a)).astype(a.dtype, copy=False)
            if isinstance(b, (int, float)) and b in (3, -2):  # torch multiplies these out: x*x*x, 1/(x*x)
                return a * a * a if b == 3 else (1 / (a * a)).astype(a.dtype, copy=False)
            return a**b
    b = xp.asarray(b, dtype=xp.int64) if not isinstance(b, xp.ndarray) else b.astype(xp.int64)
    wide = a.astype(xp.int64)
    out = wide ** fast_where(b < 0, 0, b)  # NumPy refuses negative integer powers; torch does not
    negative_power = fast_where(wide == 1, 1, fast_where(wide == -1, fast_where(b % 2 != 0, -1, 1), 0))
    return fast_where(b < 0, negative_power, out).astype(a.dtype, copy=False)


def _integer_alpha(alpha, dtype, negated=False):
    """An integer alpha as a 0-d array of ``dtype``, through torch's checked cast: -3 wraps to 253
    in uint8, 300 is refused. Subtraction checks ``-alpha`` (torch adds ``-alpha * other``)."""
    if not negated:
        return fill_scalar(alpha, dtype)
    with xp.errstate(over="ignore"):
        return xp.zeros((), dtype) - fill_scalar(-alpha, dtype)


def _alpha(b, alpha, dtype, negated=False):
    """``b * alpha`` with torch's checks of alpha against the result dtype."""
    if alpha == 1 and not isinstance(alpha, bool):
        return b
    if dtype.kind in "iub" and isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if isinstance(alpha, bool) and dtype != bool_:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if dtype == bool_:  # a bool result stays bool: alpha only says whether b counts
        return b if alpha else b & False
    if dtype.kind in "iu":  # alpha converted as torch's checked cast: -3 wraps in uint8, 300 is refused
        return b * Tensor._make(_integer_alpha(alpha, dtype, negated))
    return b * alpha


def _no_bool_subtraction(a, b):
    a_bool = isinstance(a, Tensor) and a.dtype == bool_ or isinstance(a, bool)
    b_bool = isinstance(b, Tensor) and b.dtype == bool_ or isinstance(b, bool)
    if a_bool and b_bool:
        raise NotImplementedError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.")
    if a_bool or b_bool:
        raise NotImplementedError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def add(input, other, alpha=1):
    """``input + alpha * other``, broadcast, in torch's promoted dtype.

    >>> import scratchnet as sn
    >>> (sn.ones(2) + sn.tensor([1, 2])).dtype
    scratchnet.float32
    """
    other, alpha = _deprecated_alpha_first("add", other, alpha)
    a, b = operands(input, other, name="add")
    return Add.apply(a, _alpha(b, alpha, a.dtype))


_WARNED_ALPHA_FIRST = set()


def _deprecated_alpha_first(name, other, alpha):
    """torch's old overload ``x.add(alpha, other)`` (a number, then a tensor; older programs write
    ``p.data.add_(-lr, p.grad)``): still accepted, with torch's deprecation warning once a process."""
    if isinstance(alpha, Tensor) and not isinstance(other, Tensor) and isinstance(other, (int, float, bool, xp.number)):
        if name not in _WARNED_ALPHA_FIRST:
            _WARNED_ALPHA_FIRST.add(name)
            import warnings

            warnings.warn(f"This overload of {name} is deprecated:\n\t{name}(Number alpha, Tensor other)\nConsider using one of the "
                          f"following signatures instead:\n\t{name}(Tensor other, *, Number alpha = 1)", UserWarning, stacklevel=3)
        return alpha, other
    return other, alpha


def sub(input, other, alpha=1):
    """``input - alpha * other``; torch refuses bool operands (use ``~`` or ``^``)."""
    other, alpha = _deprecated_alpha_first("sub", other, alpha)
    _no_bool_subtraction(input, other)
    a, b = operands(input, other, name="sub")
    return Sub.apply(a, _alpha(b, alpha, a.dtype, negated=True))


def mul(input, other):
    """``input * other``, broadcast, in torch's promoted dtype (bool * bool is logical and)."""
    return Mul.apply(*operands(input, other, name="mul"))


def div(input, other, rounding_mode=None):
    """True division (integers become the default float), or with ``rounding_mode='trunc'`` /
    ``'floor'`` rounded division in the promoted dtype (see :mod:`scratchnet.ops.bitwise`).

    >>> import scratchnet as sn
    >>> sn.div(sn.tensor([-7, 7]), 2).tolist(), sn.div(sn.tensor([-7, 7]), 2, rounding_mode="floor").tolist()
    ([-3.5, 3.5], [-4, 3])
    """
    if rounding_mode is not None:
        from .bitwise import rounded_div

        return rounded_div(input, other, rounding_mode)
    return Div.apply(*operands(input, other, floating=True, name="div"))


def neg(input):
    """``-input``; torch refuses bool tensors (use ``~``)."""
    if isinstance(input, Tensor) and input.dtype == bool_:
        raise NotImplementedError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return Neg.apply(input)


def pow(input, exponent):
    """``input ** exponent`` in torch's promoted dtype; an integer tensor to a negative Python
    integer power is torch's error (as tensors, torch's integer rule: 2 ** -1 = 0).

    >>> import scratchnet as sn
    >>> (sn.tensor([2, 3]) ** 2).tolist(), (sn.tensor([2, 3]) ** 0.5).dtype
    ([4, 9], scratchnet.float32)
    """
    if isinstance(input, Tensor) and not isinstance(exponent, (Tensor, xp.ndarray)):
        check_operand(exponent, "pow", 2)
        dtype = result_type(input, exponent)
        if dtype.kind in "iu" and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if dtype.kind in "iu" and not xp.iinfo(dtype).min <= exponent <= xp.iinfo(dtype).max:
            raise RuntimeError(f"value cannot be converted to type {dtype}_t without overflow")
        if dtype != input.dtype:
            input = as_dtype(input, dtype)
        if dtype == bool_:
            return Tensor._make(input.array if exponent else xp.ones_like(input.array))
        return PowScalar.apply(input, exponent=exponent)
    a, b = operands(input, exponent, name="pow")
    if a.dtype == bool_:
        raise not_implemented("pow", bool_)
    bool_exponent = isinstance(exponent, Tensor) and exponent.dtype == bool_
    return (Pow if isinstance(input, Tensor) else ScalarPow).apply(a, b, bool_exponent=bool_exponent)


# --- unary math ------------------------------------------------------------------------------


class Exp(Function):
    def forward(ctx, x):
        out = xp.exp(x)  # e^1000 is inf, silently, as in torch
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp.log(x)  # log(0) = -inf, log(-1) = NaN, silently, as torch's

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


class Log1p(Function):
    backward_name = "Log1PBackward0"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp.log1p(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + x)


def exp(input):
    """Elementwise ``e^x``; d/dx = e^x (the output is saved). Integer input gives the default float dtype.

    Shape: any; the output has the input's shape.

    >>> import scratchnet as sn
    >>> sn.exp(sn.tensor([0.0, 1.0]))
    tensor([1.0000, 2.7183])
    """
    return Exp.apply(floating(input))


def log(input):
    """Elementwise natural logarithm; d/dx = 1/x. ``log(0) = -inf``, negative input gives NaN.

    Shape: any; the output has the input's shape.

    >>> import scratchnet as sn
    >>> sn.log(sn.tensor([1.0, 4.0]))
    tensor([0.0000, 1.3863])
    """
    return Log.apply(floating(input))


def sqrt(input):
    """Elementwise square root; d/dx = 1 / (2 sqrt(x)).

    Shape: any; the output has the input's shape.

    >>> import scratchnet as sn
    >>> sn.sqrt(sn.tensor([4.0, 9.0]))
    tensor([2., 3.])
    """
    return Sqrt.apply(floating(input))


def abs(input):
    """|x|; its gradient is sign(x): 0 at 0 and at NaN, as torch."""
    return Abs.apply(refuse(input, "abs_cpu", "b"))


def sin(input):
    """Elementwise sine; d/dx = cos x.

    Shape: any; the output has the input's shape.

    >>> import scratchnet as sn
    >>> sn.sin(sn.tensor([0.0]))
    tensor([0.])
    """
    return Sin.apply(floating(input))


def cos(input):
    """Elementwise cosine; d/dx = -sin x.

    Shape: any; the output has the input's shape.

    >>> import scratchnet as sn
    >>> sn.cos(sn.tensor([0.0]))
    tensor([1.])
    """
    return Cos.apply(floating(input))


class Sign(Function):
    def forward(ctx, x):
        if x.dtype == bool_:
            return x.copy()
        out = xp.sign(x)
        return fast_where(xp.isnan(out), 0, out).astype(x.dtype) if x.dtype.kind == "f" else out

    def backward(ctx, grad):
        return Tensor._make(xp.zeros_like(grad.array))


def sign(input):
    """-1, 0 or 1 by sign (torch: 0 for NaN); its gradient is zero everywhere.

    >>> import scratchnet as sn
    >>> sn.sign(sn.tensor([-2.0, 0.0, float("nan"), 3.0]))
    tensor([-1.,  0.,  0.,  1.])
    """
    return Sign.apply(input)


# --- clamp, maximum, minimum, where ----------------------------------------------------------


class Clamp(Function):
    backward_name = "ClampBackward1"

    def forward(ctx, x, min, max):
        ctx.save_for_backward(x)
        ctx.min, ctx.max = min, max
        out = x if min is None else xp.maximum(x, min)  # NaN stays NaN; min > max gives max
        return out if max is None else xp.minimum(out, max)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        inside = x.array > ctx.min if ctx.min is not None else True  # torch: 0 at the bounds
        if ctx.max is not None:
            inside = inside & (x.array < ctx.max)
        return where(Tensor._make(xp.asarray(inside)), grad, 0.0)


def clamp(input, min=None, max=None):
    """Limit values to ``[min, max]`` in torch's promoted dtype (``clamp(int_tensor, 0.5)`` is
    float); NaN stays NaN; the gradient flows where ``min < x < max`` (torch).

    >>> import scratchnet as sn
    >>> sn.clamp(sn.tensor([1, 2]), 1.5).tolist()
    [1.5, 2.0]
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if not isinstance(input, Tensor):
        raise TypeError(f"clamp(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    bounds = [b for b in (min, max) if b is not None]
    for b in bounds:
        check_operand(b, "clamp", 2)
    dtype = result_type(input, *bounds)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if dtype == bool_ and min is not None and max is not None:  # torch's two-bound loop has no bool
            raise not_implemented("clamp_cpu", bool_)
        out = as_dtype(input, dtype)
        out = out if min is None else maximum(out, as_dtype(min, dtype))
        return out if max is None else minimum(out, as_dtype(max, dtype))
    if dtype == bool_:
        raise not_implemented("clamp_min_scalar_cpu" if min is not None else "clamp_max_scalar_cpu", bool_)
    # each bound converted as torch does (checked: 300 into uint8, 1e40 into float32 are its RuntimeError)
    lo, hi = (None if b is None else fill_scalar(b, dtype) for b in (min, max))
    return Clamp.apply(as_dtype(input, dtype), min=lo, max=hi)


class Maximum(Function):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.maximum(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _tie_split(grad, a.array, b.array, a.array < b.array, a.array > b.array)


class Minimum(Function):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.minimum(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _tie_split(grad, a.array, b.array, a.array > b.array, a.array < b.array)


def _tie_split(grad, a, b, a_loses, b_loses):
    """torch's gradient of maximum/minimum: the winner gets it all, a tie halves it, and where a
    NaN is involved (no winner) both get it all."""
    share = where(Tensor._make(a == b), grad * 0.5, grad)
    return where(Tensor._make(a_loses), 0.0, share), where(Tensor._make(b_loses), 0.0, share)


def _two_tensors(name, input, other):
    # torch refuses a Python number here (TypeError); scratchnet still takes one, because
    # ops/loss.py's binary_cross_entropy_with_logits calls maximum(-input, 0.0).
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return operands(input, other, name=name)


def maximum(input, other):
    """The elementwise larger of two tensors (NaN if either is NaN); ties split the gradient."""
    return Maximum.apply(*_two_tensors("maximum", input, other))


def minimum(input, other):
    """The elementwise smaller of two tensors (NaN if either is NaN); ties split the gradient."""
    return Minimum.apply(*_two_tensors("minimum", input, other))


class Where(Function):
    def forward(ctx, x, y, condition):
        ctx.condition = condition
        return fast_where(condition, x, y)

    def backward(ctx, grad):
        cond = Tensor._make(ctx.condition)
        need_x, need_y = ctx.needs_input_grad
        return (where(cond, grad, 0.0) if need_x else None), (where(cond, 0.0, grad) if need_y else None)


def where(condition, input, other):
    """Elements of ``input`` where ``condition`` holds, else of ``other`` (all three broadcast)."""
    condition = condition if isinstance(condition, Tensor) else Tensor(condition)
    if condition.dtype not in (bool_, xp.dtype("uint8")):
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {torch_name(condition.dtype)}")
    if condition.dtype != bool_:
        condition = Tensor._make(condition.array != 0)  # torch still takes a uint8 mask
    x, y = operands(input, other, name="where", checked=True)
    broadcast_shapes(condition.shape, x.shape, y.shape)
    return Where.apply(x, y, condition=condition.array)


# --- matmul ----------------------------------------------------------------------------------


class MatMul(Function):
    """``a @ b`` for a, b of at least 2 dims; batch dims broadcast (undone by the engine)."""

    backward_name = "MmBackward0"

    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        ctx.b_ndim = b.ndim  # (b itself is not saved when only b needs a gradient)
        return matmul_arrays(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_b = None
        if need_b and a.ndim > 2 and ctx.b_ndim == 2:  # b met every matrix of a's stack: one product sums them
            rows = math.prod(a.shape[:-1])
            grad_b = a.reshape(rows, a.shape[-1]).mT @ grad.reshape(rows, grad.shape[-1])
        elif need_b:
            grad_b = a.mT @ grad
        return (grad @ b.mT if need_a else None), grad_b


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
        folds = (input.ndim >= 3 and other.ndim <= 2) or (other.ndim >= 3 and input.ndim == 1)
        batched = (input.ndim >= 3 or other.ndim >= 3) and not folds
        if not (batched and (0 in input.shape or 0 in other.shape)):
            if batched and input.dtype == bool_:  # torch's bmm looks for a kernel of the first one's dtype first
                raise not_implemented("bmm", bool_)
            raise RuntimeError(f"expected both matmul operands to have the same dtype, but got: {input.dtype} != {other.dtype}")
        input = input.to(other.dtype)  # torch's bmm checks no dtypes when there is nothing to multiply
    sparse_product = getattr(input, "_sparse_matmul", None)  # a sparse COO matrix multiplies its stored entries only
    if sparse_product is not None and (out := sparse_product(other)) is not None:
        return out
    if input.dtype == bool_ and (input.ndim == other.ndim == 1 or (input.numel() and other.numel())):
        # torch has no bool kernel (an empty product needs none, except dot's); its error names the one it would use
        kernel = "dot" if input.ndim == other.ndim == 1 else "addmv_impl_cpu" if other.ndim == 1 else "bmm" if other.ndim > 2 else "addmm_impl_cpu_"
        raise not_implemented(kernel, bool_)
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
    """Matrix product of two 2-D tensors: ``(n, k) @ (k, m) -> (n, m)``; torch's error names both shapes
    when they do not fit.

    >>> import scratchnet as sn
    >>> sn.mm(sn.ones(2, 3), sn.ones(3, 4)).shape
    scratchnet.Size([2, 4])
    """
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError("self must be a matrix" if input.ndim != 2 else "mat2 must be a matrix")
    return matmul(input, mat2)


# --- comparisons (no gradient) ---------------------------------------------------------------


def _compare(ufunc):
    def compare(input, other):
        a, b = operands(input, other, name=ufunc.__name__)
        return Tensor._make(ufunc(a.array, b.array))

    compare.__name__ = ufunc.__name__
    compare.__doc__ = f"Elementwise {ufunc.__name__} as a bool tensor (no gradient)."
    return compare


eq, ne = _compare(xp.equal), _compare(xp.not_equal)
lt, le = _compare(xp.less), _compare(xp.less_equal)
gt, ge = _compare(xp.greater), _compare(xp.greater_equal)


def _logical_operands(name, input, other):
    """Both arrays of a logical_and/or/xor, checked as torch checks them: two tensors (a number is
    torch's TypeError), shapes that broadcast."""
    for position, (what, t) in enumerate((("input", input), ("other", other)), start=1):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}(): argument '{what}' (position {position}) must be Tensor, not {type(t).__name__}")
    broadcast_shapes(input.shape, other.shape)
    return input.array, other.array


def logical_and(input, other):
    """Elementwise ``bool(a) and bool(b)`` (nonzero is True), broadcasting; a bool tensor.

    >>> import scratchnet as sn
    >>> sn.logical_and(sn.tensor([1, 0, 2]), sn.tensor([1, 1, 0]))
    tensor([ True, False, False])
    """
    return Tensor._make(xp.logical_and(*_logical_operands("logical_and", input, other)))


def logical_or(input, other):
    """Elementwise ``bool(a) or bool(b)`` (nonzero is True), broadcasting; a bool tensor.

    >>> import scratchnet as sn
    >>> sn.logical_or(sn.tensor([1, 0, 0]), sn.tensor([0, 0, 3]))
    tensor([ True, False,  True])
    """
    return Tensor._make(xp.logical_or(*_logical_operands("logical_or", input, other)))


def logical_not(input):
    """Elementwise ``not bool(x)`` (zero is False); a bool tensor.

    >>> import scratchnet as sn
    >>> sn.logical_not(sn.tensor([0, 2]))
    tensor([ True, False])
    """
    return Tensor._make(xp.logical_not(input.array))


def logical_xor(input, other):
    """Elementwise exclusive or of truth values (nonzero is True), as a bool tensor."""
    return Tensor._make(xp.logical_xor(*_logical_operands("logical_xor", input, other)))


def isnan(input):
    """Elementwise ``x != x``: a bool tensor, True where ``input`` is NaN.

    >>> import scratchnet as sn
    >>> sn.isnan(sn.tensor([1.0, float('nan')]))
    tensor([False,  True])
    """
    return Tensor._make(xp.isnan(input.array))


def isfinite(input):
    """A bool tensor, True where ``input`` is neither NaN nor ±inf (integers are always finite).

    >>> import scratchnet as sn
    >>> sn.isfinite(sn.tensor([1.0, float('inf'), float('nan')]))
    tensor([ True, False, False])
    """
    return Tensor._make(xp.isfinite(input.array))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|`` everywhere (a Python bool), as ``torch.allclose``.

    Args:
        input, other: tensors of shapes that broadcast.
        rtol, atol: relative and absolute tolerance; equal_nan: NaNs compare equal.

    >>> import scratchnet as sn
    >>> sn.allclose(sn.tensor([1.0, 2.0]), sn.tensor([1.0, 2.0 + 1e-9]))
    True
    """
    return bool(xp.allclose(input.array, other.array, rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(input, other):
    """True if both tensors have the same shape and elements (a Python bool), as ``torch.equal``.

    >>> import scratchnet as sn
    >>> sn.equal(sn.tensor([1, 2]), sn.tensor([1, 2])), sn.equal(sn.tensor([1]), sn.tensor([1, 1]))
    (True, False)
    """
    return input.shape == other.shape and bool(xp.array_equal(input.array, other.array))
