"""Integer and bool ops: bitwise ``& | ^ ~ << >>`` and rounded division ``// %``, ``fmod``,
``div(rounding_mode=...)``, with torch's dtypes, sign rules and errors; and the Python operators.

Bitwise ops are bitwise on integers and logical on bool; torch has no float kernel for them, so
floats are its NotImplementedError. Rounded division follows torch's sign rules: ``//`` and ``%``
round toward minus infinity (the remainder takes the divisor's sign), ``fmod`` and
``rounding_mode='trunc'`` toward zero (the remainder takes the dividend's sign). Integer division
by zero is torch's ``RuntimeError: ZeroDivisionError``; float division by zero gives inf/NaN.

The operator methods at the bottom hand back ``NotImplemented`` for operands that are not a
Tensor, a number or a NumPy array, so ``x + [1, 2]`` is Python's TypeError, as in torch.

>>> import scratchnet as sn
>>> sn.tensor([1, 2, 3]) & sn.tensor([3, 1, 2])
tensor([1, 0, 2])
>>> sn.tensor([True, False]) | sn.tensor([False, False])
tensor([ True, False])
>>> sn.tensor([-7, 7]) // 2, sn.tensor([-7, 7]) % 2, sn.fmod(sn.tensor([-7, 7]), 2)
(tensor([-4,  3]), tensor([1, 1]), tensor([-1,  1]))
"""

from ..backend import fast_where, xp
from ..dtypes import is_scalar
from ..tensor import Function, Tensor, bool_
from .math import Log1p, floating, logical_xor, not_implemented, operands
from . import math as _math

__all__ = [
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
    "bitwise_right_shift", "floor_divide", "remainder", "fmod", "logical_xor", "log1p",
]


# --- bitwise ---------------------------------------------------------------------------------


def _integers(input, other, name, kernel, bool_ok=True):
    """Promote two operands; refuse floats (and bool, for shifts) with torch's error."""
    a, b = operands(input, other, name=name)
    if a.dtype.kind == "f" or (a.dtype == bool_ and not bool_ok):
        raise not_implemented(kernel, a.dtype)
    return a, b


def bitwise_and(input, other):
    """Elementwise ``input & other``: bitwise on integers, logical on bool."""
    a, b = _integers(input, other, "bitwise_and", "bitwise_and_cpu")
    return Tensor._make(xp.bitwise_and(a.array, b.array))


def bitwise_or(input, other):
    """Elementwise ``input | other``: bitwise on integers, logical on bool."""
    a, b = _integers(input, other, "bitwise_or", "bitwise_or_cpu")
    return Tensor._make(xp.bitwise_or(a.array, b.array))


def bitwise_xor(input, other):
    """Elementwise ``input ^ other``: bitwise on integers, logical on bool."""
    a, b = _integers(input, other, "bitwise_xor", "bitwise_xor_cpu")
    return Tensor._make(xp.bitwise_xor(a.array, b.array))


def bitwise_not(input):
    """``~input``: bitwise not on integers (uint8: 3 -> 252), logical not on bool.

    >>> import scratchnet as sn
    >>> sn.bitwise_not(sn.tensor([3], dtype=sn.uint8)), ~sn.tensor([True, False])
    (tensor([252], dtype=scratchnet.uint8), tensor([False,  True]))
    """
    if input.dtype.kind == "f":
        raise not_implemented("bitwise_not_cpu", input.dtype)
    return Tensor._make(xp.invert(input.array))


def _invert(self):
    if self.dtype.kind == "f":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(self)


def bitwise_left_shift(input, other):
    """``input << other``; a shift past the width (or a negative one) gives 0, as torch.

    >>> import scratchnet as sn
    >>> sn.tensor([1, 3]) << 2
    tensor([ 4, 12])
    """
    a, b = _integers(input, other, "bitwise_left_shift", "lshift_cpu", bool_ok=False)
    bits, shift = a.dtype.itemsize * 8, b.array
    outside = (shift < 0) | (shift >= bits)
    out = xp.left_shift(a.array, xp.clip(shift, 0, bits - 1).astype(a.dtype))
    return Tensor._make(fast_where(outside, xp.zeros((), a.dtype), out))


def bitwise_right_shift(input, other):
    """``input >> other`` (arithmetic: the sign fills in); past the width it is 0 or -1."""
    a, b = _integers(input, other, "bitwise_right_shift", "rshift_cpu", bool_ok=False)
    bits, shift = a.dtype.itemsize * 8, b.array
    outside = (shift < 0) | (shift >= bits)
    out = xp.right_shift(a.array, xp.clip(shift, 0, bits - 1).astype(a.dtype))
    filled = fast_where(a.array < 0, -1, 0).astype(a.dtype) if a.dtype.kind == "i" else xp.zeros_like(a.array)
    return Tensor._make(fast_where(outside, filled, out))


# --- rounded division --------------------------------------------------------------------------


def _dividing(input, other, name, kernel):
    """Promote for a division; bool is torch's NotImplementedError, an integer zero divisor its
    ``RuntimeError: ZeroDivisionError``."""
    a, b = operands(input, other, name=name)
    if a.dtype == bool_:
        raise not_implemented(kernel, bool_)
    if a.dtype.kind in "iu" and a.array.size and (b.array == 0).any():  # an empty result divides nothing
        raise RuntimeError("ZeroDivisionError")
    return a, b


def _trunc_div(a, b):
    """Division rounded toward zero, on arrays."""
    if a.dtype.kind == "f":
        return xp.trunc(a / b)
    q = xp.floor_divide(a, b)
    return q + ((a - q * b != 0) & ((a < 0) != (b < 0))).astype(a.dtype)


class FloorDivide(Function):
    """torch defines no derivative of floor_divide: its backward is torch's error."""

    backward_name = "NotImplemented"

    def forward(ctx, a, b):
        return xp.floor_divide(a, b)

    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


class RoundedDiv(Function):
    """``div(a, b, rounding_mode=...)``: a step function, so its gradient is zero."""

    backward_name = "DivBackward2"

    def forward(ctx, a, b, mode):
        return xp.floor_divide(a, b) if mode == "floor" else _trunc_div(a, b)

    def backward(ctx, grad):
        zero = Tensor._make(xp.zeros_like(grad.array))
        return zero, zero


class Remainder(Function):
    """a - floor(a / b) * b: d/da = 1, d/db = -floor(a / b)."""

    backward_name = "RemainderBackward1"

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.remainder(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad if need_a else None), (-grad * rounded_div(a, b, "floor") if need_b else None)


class Fmod(Function):
    """a - trunc(a / b) * b: d/da = 1, d/db = -trunc(a / b)."""

    backward_name = "FmodBackward1"

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.fmod(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad if need_a else None), (-grad * rounded_div(a, b, "trunc") if need_b else None)


class RemainderScalar(Remainder):
    backward_name = "RemainderBackward0"


class FmodScalar(Fmod):
    backward_name = "FmodBackward0"


def _divide(fn, *tensors, **params):
    with xp.errstate(divide="ignore", invalid="ignore", over="ignore"):  # inf and NaN, as torch
        return fn(*tensors, **params)


def floor_divide(input, other):
    """``input // other``: division rounded toward minus infinity, in the promoted dtype.

    >>> import scratchnet as sn
    >>> sn.floor_divide(sn.tensor([-7.5, 7.5]), 2)
    tensor([-4.,  3.])
    """
    a, b = _dividing(input, other, "floor_divide", "div_floor_cpu")
    return _divide(FloorDivide.apply, a, b)


def rounded_div(input, other, rounding_mode):
    """``div`` with ``rounding_mode`` 'trunc' (toward zero) or 'floor' (toward minus infinity)."""
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    a, b = _dividing(input, other, "div", f"div_{rounding_mode}_cpu")
    return _divide(RoundedDiv.apply, a, b, mode=rounding_mode)


def remainder(input, other):
    """``input % other``: Python's modulus, with the divisor's sign.

    >>> import scratchnet as sn
    >>> sn.remainder(sn.tensor([-7, 7]), sn.tensor([2, -2]))
    tensor([ 1, -1])
    """
    a, b = _dividing(input, other, "remainder", "remainder_cpu")
    return _divide((Remainder if isinstance(other, Tensor) else RemainderScalar).apply, a, b)


def fmod(input, other):
    """C's fmod: the remainder of division toward zero, with the dividend's sign.

    >>> import scratchnet as sn
    >>> sn.fmod(sn.tensor([-7, 7]), sn.tensor([2, -2]))
    tensor([-1,  1])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"fmod() received an invalid combination of arguments - got ({type(input).__name__}, {type(other).__name__}), but expected (Tensor input, Tensor other) or (Tensor input, Number other)")
    a, b = _dividing(input, other, "fmod", "fmod_cpu")
    return _divide((Fmod if isinstance(other, Tensor) else FmodScalar).apply, a, b)


def log1p(input):
    """log(1 + x), accurate for small x; integer and bool input become the default float.

    (Defined in ops/math.py with the other float-only unary ops; exported from here so the
    gathered op table picks this promoting version.)

    >>> import scratchnet as sn
    >>> sn.log1p(sn.tensor([0, 1])).dtype
    scratchnet.float32
    """
    return Log1p.apply(floating(input))


# --- the Python operators ----------------------------------------------------------------------


def _operator(op, reflected=False):
    """A Tensor operator method: ``NotImplemented`` for operands torch does not take (lists,
    None, strings), so Python raises its own TypeError (or, for ``==``, compares identity)."""

    def method(self, other):
        if not isinstance(other, (Tensor, xp.ndarray, float, int)) and not is_scalar(other):
            return NotImplemented
        return op(other, self) if reflected else op(self, other)

    method.__name__ = op.__name__
    method.__doc__ = f"The operator form of :func:`{op.__name__}`" + (" (reflected)." if reflected else ".")
    return method


def _rsub(self, other):
    """``other - self``: torch's ``rsub`` (one node, RsubBackward1 for a number)."""
    from .pointwise_more import rsub

    return rsub(self, other)


def _rtruediv(self, other):
    """``other / self`` as torch computes it: ``self.reciprocal() * other``, so ``3 / x`` rounds
    twice, as torch's does (not once, as a true division would: they differ in the last bit for
    about a quarter of float32 values)."""
    from .pointwise import reciprocal

    return _math.mul(reciprocal(self), other)


def _operators(**ops):
    methods = {}
    for name, op in ops.items():
        methods[f"__{name}__"] = _operator(op)
        if name not in ("eq", "ne", "lt", "le", "gt", "ge"):
            methods[f"__r{name}__"] = _operator(op, reflected=True)
    return methods


METHODS = {
    **_operators(
        add=_math.add, sub=_math.sub, mul=_math.mul, truediv=_math.div, pow=_math.pow,
        floordiv=floor_divide, mod=remainder, lshift=bitwise_left_shift, rshift=bitwise_right_shift,
        eq=_math.eq, ne=_math.ne, lt=_math.lt, le=_math.le, gt=_math.gt, ge=_math.ge,
    ),
    "__rsub__": _operator(_rsub), "__rtruediv__": _operator(_rtruediv),  # (torch's own forms)
    "__and__": _operator(bitwise_and), "__rand__": _operator(bitwise_and, reflected=True),
    "__or__": _operator(bitwise_or), "__ror__": _operator(bitwise_or, reflected=True),
    "__xor__": _operator(bitwise_xor), "__rxor__": _operator(bitwise_xor, reflected=True),
    "__invert__": _invert,
    "bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor,
    "bitwise_not": bitwise_not, "bitwise_left_shift": bitwise_left_shift,
    "bitwise_right_shift": bitwise_right_shift, "floor_divide": floor_divide,
    "remainder": remainder, "fmod": fmod, "logical_xor": logical_xor, "log1p": log1p,
    "logical_and": _math.logical_and, "logical_or": _math.logical_or, "logical_not": _math.logical_not,
}
