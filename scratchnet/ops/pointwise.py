"""Elementwise math of one input beyond the basics: rounding, powers and logs, trigonometry and
its inverses, the error function, and the inf/NaN/sign tests with isclose (two-input functions,
clamps, fused forms: ``pointwise_more``).

Each op is a :class:`~scratchnet.tensor.Function` with its forward on arrays and, beside it, its
derivative written with scratchnet's own ops (so second derivatives work). The one-input float
functions are rows of a table: name, forward on arrays, derivative ``d out / d x`` as a function
of the input tensor ``x`` and output tensor ``y``. Integer and bool input becomes the default
float dtype, as in torch; the rounding functions keep integer dtypes.

>>> import scratchnet as sn
>>> x = sn.tensor([0.25, 1.0], requires_grad=True)
>>> sn.expm1(x).sum().backward()
>>> x.grad
tensor([1.2840, 2.7183])
"""

import math

from ..backend import FLOAT_DTYPES, fast_where, xp
from ..tensor import Function, Tensor, bool_, broadcast_shapes, get_default_dtype, result_type
from . import _special
from .math import abs as _abs
from .math import neg, pow

__all__ = [
    "floor", "ceil", "round", "trunc", "fix", "frac", "rsqrt", "reciprocal", "square", "exp2", "expm1",
    "log2", "log10", "erf", "erfc", "erfinv", "sinh", "cosh", "tan", "asin", "acos", "atan", "asinh",
    "acosh", "atanh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "deg2rad",
    "rad2deg", "sgn", "positive", "negative", "absolute", "isinf", "isposinf", "isneginf", "signbit", "isclose",
]

# torch's names of the dtypes, as its "not implemented for 'Long'" errors spell them
from ..dtypes import torch_name  # noqa: E402


def _refuse(kernel, dtype):
    return NotImplementedError(f'"{kernel}" not implemented for \'{torch_name(dtype)}\'')


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _float(x):
    """``x`` as a float Tensor: integers and bools become the default float (outside the graph:
    they never require grad)."""
    x = _tensor(x)
    return x if x.dtype in FLOAT_DTYPES else Tensor._make(x.array.astype(get_default_dtype()))


def _cast(x, dtype):
    if x.dtype == dtype:
        return x
    return x.to(dtype) if x.requires_grad else Tensor._make(x.array.astype(dtype))


def _pair(a, b, floating=False, name="other"):
    """``a`` and ``b`` promoted to torch's result dtype (a float one if ``floating``), broadcastable."""
    dtype = result_type(a, b)
    if floating and dtype not in FLOAT_DTYPES:
        dtype = get_default_dtype()
    a, b = (_cast(_tensor(v) if isinstance(v, Tensor) else Tensor._make(xp.asarray(v, dtype=dtype)), dtype) for v in (a, b))
    broadcast_shapes(a.shape, b.shape)
    return a, b


def _zeros(like):
    return Tensor._make(xp.zeros_like(like.array))


def _need_tensor(fn, name, value, position=2):
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(value).__name__}")


# ----------------------------------------------------------------------------------------------
# One-input float functions: (name, forward on arrays, d out / d x from x and out, example)
# ----------------------------------------------------------------------------------------------

_LN2, _LN10 = math.log(2.0), math.log(10.0)


class _Divisor:
    """A derivative that torch applies as ``grad / divisor(x, y)`` (not ``grad * (1 / ...)``: for a
    denormal x, 1 / (x ln 2) overflows float32 where grad / (x ln 2) need not)."""

    def __init__(self, divisor):
        self.divisor = divisor

_UNARY = [
    ("rsqrt", "1 / sqrt(x)", lambda a: 1 / xp.sqrt(a), lambda x, y: -0.5 * y * y * y, "[0.25, 4.0]", "[2.0, 0.5]"),
    ("reciprocal", "1 / x", lambda a: 1 / a, lambda x, y: -(y * y), "[0.5, -2.0]", "[2.0, -0.5]"),
    ("exp2", "2 ** x", xp.exp2, lambda x, y: y * _LN2, "[0.0, 3.0]", "[1.0, 8.0]"),
    ("expm1", "exp(x) - 1, accurate near 0", xp.expm1, lambda x, y: y + 1, "[0.0, 1.0]", "[0.0, 1.7183]"),
    ("log2", "log base 2", xp.log2, _Divisor(lambda x, y: x * _LN2), "[1.0, 8.0]", "[0.0, 3.0]"),
    ("log10", "log base 10", xp.log10, _Divisor(lambda x, y: x * _LN10), "[1.0, 100.0]", "[0.0, 2.0]"),
    ("sinh", "(exp(x) - exp(-x)) / 2", xp.sinh, lambda x, y: cosh(x), "[0.0, 1.0]", "[0.0, 1.1752]"),
    ("cosh", "(exp(x) + exp(-x)) / 2", xp.cosh, lambda x, y: sinh(x), "[0.0, 1.0]", "[1.0, 1.5431]"),
    ("tan", "sin(x) / cos(x)", xp.tan, lambda x, y: 1 + y * y, "[0.0, 1.0]", "[0.0, 1.5574]"),
    ("asin", "inverse sine, on [-1, 1]", xp.arcsin, lambda x, y: rsqrt(1 - x * x), "[0.0, 1.0]", "[0.0, 1.5708]"),
    ("acos", "inverse cosine, on [-1, 1]", xp.arccos, lambda x, y: -rsqrt(1 - x * x), "[0.0, 1.0]", "[1.5708, 0.0]"),
    ("atan", "inverse tangent", xp.arctan, lambda x, y: 1 / (1 + x * x), "[0.0, 1.0]", "[0.0, 0.7854]"),
    ("asinh", "inverse hyperbolic sine", xp.arcsinh, lambda x, y: rsqrt(x * x + 1), "[0.0, 1.0]", "[0.0, 0.8814]"),
    ("acosh", "inverse hyperbolic cosine, on [1, inf)", xp.arccosh, lambda x, y: rsqrt(x * x - 1), "[1.0, 2.0]", "[0.0, 1.317]"),
    ("atanh", "inverse hyperbolic tangent, on (-1, 1)", xp.arctanh, lambda x, y: 1 / (1 - x * x), "[0.0, 0.5]", "[0.0, 0.5493]"),
    ("erf", "2/sqrt(pi) * integral of exp(-t^2) from 0 to x", _special.erf, lambda x, y: (2 / math.sqrt(math.pi)) * (-(x * x)).exp(), "[0.0, 0.5]", "[0.0, 0.5205]"),
    ("erfc", "1 - erf(x), accurate in the tail", _special.erfc, lambda x, y: (-2 / math.sqrt(math.pi)) * (-(x * x)).exp(), "[0.0, 1.0]", "[1.0, 0.1573]"),
    ("erfinv", "the inverse of erf, on [-1, 1]", _special.erfinv, lambda x, y: (math.sqrt(math.pi) / 2) * (y * y).exp(), "[0.0, 0.5]", "[0.0, 0.4769]"),
    ("deg2rad", "x * pi / 180", lambda a: a * (math.pi / 180), lambda x, y: math.pi / 180, "[180.0, 90.0]", "[3.1416, 1.5708]"),
    ("rad2deg", "x * 180 / pi", lambda a: a * (180 / math.pi), lambda x, y: 180 / math.pi, "[3.14159265, 1.0]", "[180.0, 57.2958]"),
]


def _make_unary(name, formula, forward, derivative, example, shown):
    def fwd(ctx, a):
        out = xp.asarray(forward(a)).astype(a.dtype, copy=False)  # (NaN, inf silently: see Function.apply)
        ctx.save_for_backward(a, out)
        return out

    def bwd(ctx, grad):
        x, y = ctx.saved_tensors
        if isinstance(derivative, _Divisor):
            return grad / derivative.divisor(x, y)
        return grad * derivative(x, y)

    cls = type(name.capitalize(), (Function,), {"forward": fwd, "backward": bwd, "__module__": __name__})
    cls.__qualname__ = cls.__name__

    def op(input, *, out=None):
        return cls.apply(_float(input))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (
        f"``{name}(input)``: {formula}, elementwise. Integer input gives the default float dtype.\n\n"
        f"    >>> import scratchnet as sn\n    >>> x = sn.tensor({example}, dtype=sn.float64)\n"
        f"    >>> sn.round(sn.{name}(x), decimals=4).tolist()\n    {shown}\n"
    )
    return cls, op


for _row in _UNARY:
    _cls, _op = _make_unary(*_row)
    globals()[_cls.__name__], globals()[_row[0]] = _cls, _op
Deg2rad.backward_name, Rad2deg.backward_name = "Deg2RadBackward0", "Rad2DegBackward0"  # noqa: F821

arcsin, arccos, arctan = asin, acos, atan  # noqa: F821  (numpy's names, which torch also has)
arcsinh, arccosh, arctanh = asinh, acosh, atanh  # noqa: F821


# ----------------------------------------------------------------------------------------------
# Rounding (integer dtypes kept, zero gradient), frac, square, sign and friends
# ----------------------------------------------------------------------------------------------


class _Stepwise:
    """A piecewise-constant function (mixed into a Function): its derivative is zero wherever it
    exists (torch: zeros)."""

    def forward(ctx, a, kind, decimals=0):
        if kind == "round" and decimals:
            scale = a.dtype.type(10.0 ** abs(decimals))
            return xp.rint(a * scale) / scale if decimals > 0 else xp.rint(a / scale) * scale
        return {"floor": xp.floor, "ceil": xp.ceil, "round": xp.rint, "trunc": xp.trunc, "sgn": _sign}[kind](a)

    def backward(ctx, grad):
        return _zeros(grad)


def _sign(a):
    return fast_where(xp.isnan(a), a.dtype.type(0), xp.sign(a))  # torch: sgn(NaN) = 0


def _stepwise(kind, backward_name):
    return type(kind.capitalize(), (_Stepwise, Function), {"backward_name": backward_name, "__module__": __name__})


Floor, Ceil, Trunc, Sgn = (_stepwise(k, k.capitalize() + "Backward0") for k in ("floor", "ceil", "trunc", "sgn"))
Round, RoundDecimals = _stepwise("round", "RoundBackward0"), _stepwise("round", "RoundBackward1")
RoundDecimals.__name__ = RoundDecimals.__qualname__ = "RoundDecimals"


def _rounding(kind, cls):
    def op(input, *, out=None):
        input = _tensor(input)
        if input.dtype == bool_:
            raise _refuse(f"{kind}_vml_cpu", input.dtype)
        if input.dtype not in FLOAT_DTYPES:
            return Tensor._make(input.array.copy())  # integers are already whole
        return cls.apply(input, kind=kind)

    op.__name__ = op.__qualname__ = kind
    op.__doc__ = (
        f"``{kind}(input)``: each element rounded by {kind}; integer dtypes are kept, the gradient is 0.\n\n"
        f"    >>> import scratchnet as sn\n    >>> sn.{kind}(sn.tensor([-1.5, 0.5, 2.7]))\n"
        f"    {dict(floor='tensor([-2.,  0.,  2.])', ceil='tensor([-1.,  1.,  3.])', trunc='tensor([-1.,  0.,  2.])')[kind]}\n"
    )
    return op


floor, ceil, trunc = _rounding("floor", Floor), _rounding("ceil", Ceil), _rounding("trunc", Trunc)
fix = trunc


def round(input, *, decimals=0, out=None):  # noqa: A001  (torch.round)
    """Round half to even (as torch); ``decimals`` rounds ``x * 10**decimals`` then scales back
    (negative ``decimals`` rounds to tens, hundreds, ...). Integer dtypes are kept; gradient 0.

    >>> import scratchnet as sn
    >>> sn.round(sn.tensor([0.5, 1.5, 2.5, -0.5])).tolist()
    [0.0, 2.0, 2.0, -0.0]
    >>> sn.round(sn.tensor([1.25, 135.0]), decimals=-1).tolist()
    [0.0, 140.0]
    """
    input = _tensor(input)
    if input.dtype == bool_ or (decimals and input.dtype not in FLOAT_DTYPES):
        raise _refuse("round_cpu" if decimals else "round_vml_cpu", input.dtype)
    if input.dtype not in FLOAT_DTYPES:
        return Tensor._make(input.array.copy())
    if decimals:
        return RoundDecimals.apply(input, kind="round", decimals=int(decimals))
    return Round.apply(input, kind="round")


class Frac(Function):
    def forward(ctx, a):
        return a - xp.trunc(a)  # inf - inf: NaN, as torch

    def backward(ctx, grad):
        return grad


def frac(input, *, out=None):
    """``x - trunc(x)``: the fractional part, with x's sign; float dtypes only; gradient 1.

    >>> import scratchnet as sn
    >>> sn.frac(sn.tensor([-1.5, 2.25])).tolist()
    [-0.5, 0.25]
    """
    input = _tensor(input)
    if input.dtype not in FLOAT_DTYPES:
        raise _refuse("frac_cpu", input.dtype)
    return Frac.apply(input)


def square(input, *, out=None):
    """``x * x`` (torch records it as ``pow(x, 2)``); integer dtypes kept, bool becomes int64.

    >>> import scratchnet as sn
    >>> sn.square(sn.tensor([-3, 2]))
    tensor([9, 4])
    """
    input = _tensor(input)
    if input.dtype == bool_:
        input = Tensor._make(input.array.astype(xp.int64))
    return pow(input, 2)


def sgn(input, *, out=None):
    """The sign (-1, 0, 1; 0 for NaN, as torch) as a differentiable op with zero gradient; bool kept.

    >>> import scratchnet as sn
    >>> sn.sgn(sn.tensor([-2.0, 0.0, 3.0]))
    tensor([-1.,  0.,  1.])
    """
    input = _tensor(input)
    if input.dtype == bool_:
        return Tensor._make(input.array.copy())
    return Sgn.apply(input, kind="sgn")


def positive(input):
    """``+x``: the input itself (as torch); bool refused.

    >>> import scratchnet as sn
    >>> x = sn.tensor([1.0]); sn.positive(x) is x
    True
    """
    if input.dtype == bool_:
        raise NotImplementedError("The `+` operator, on a bool tensor is not supported.")
    return input


def negative(input, *, out=None):
    """``-x`` (torch's alias of neg); bool refused as torch does.

    >>> import scratchnet as sn
    >>> sn.negative(sn.tensor([1, -2]))
    tensor([-1,  2])
    """
    if input.dtype == bool_:
        raise NotImplementedError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, "
            "use the `~` or `logical_not()` operator instead."
        )
    return neg(input)


def absolute(input, *, out=None):
    """``|x|`` (torch's alias of abs); bool refused as torch does.

    >>> import scratchnet as sn
    >>> sn.absolute(sn.tensor([-1.5, 2.0])).tolist()
    [1.5, 2.0]
    """
    if input.dtype == bool_:
        raise _refuse("abs_cpu", input.dtype)
    return _abs(input)


# --- tests that give bool tensors (no gradient) --------------------------------------------------


def _as_float_array(t):
    return t.array if t.dtype in FLOAT_DTYPES else t.array.astype(xp.float64)


def isinf(input):
    """True where the element is +inf or -inf (never for integers).

    >>> import scratchnet as sn
    >>> sn.isinf(sn.tensor([1.0, float('inf'), float('-inf'), float('nan')]))
    tensor([False,  True,  True, False])
    """
    return Tensor._make(xp.isinf(_as_float_array(input)))


def isposinf(input, *, out=None):
    """True where the element is +inf.

    >>> import scratchnet as sn
    >>> sn.isposinf(sn.tensor([float('inf'), float('-inf')]))
    tensor([ True, False])
    """
    return Tensor._make(xp.isposinf(_as_float_array(input)))


def isneginf(input, *, out=None):
    """True where the element is -inf.

    >>> import scratchnet as sn
    >>> sn.isneginf(sn.tensor([float('inf'), float('-inf')]))
    tensor([False,  True])
    """
    return Tensor._make(xp.isneginf(_as_float_array(input)))


def signbit(input, *, out=None):
    """True where the sign bit is set: negative numbers, -0.0 and NaNs with the sign bit.

    >>> import scratchnet as sn
    >>> sn.signbit(sn.tensor([-0.0, 0.0, -2.0]))
    tensor([ True, False,  True])
    """
    return Tensor._make(xp.signbit(_as_float_array(input)))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|`` elementwise, equal infinities close, NaNs close
    to each other only with ``equal_nan``; both tensors of one dtype.

    >>> import scratchnet as sn
    >>> sn.isclose(sn.tensor([1.0, 2.0, float('nan')]), sn.tensor([1.0 + 1e-7, 2.1, float('nan')]))
    tensor([ True, False, False])
    """
    _need_tensor("isclose", "other", other)
    if input.dtype != other.dtype:
        raise RuntimeError(f"{torch_name(input.dtype)} did not match {torch_name(other.dtype)}")
    for name, value in (("rtol", rtol), ("atol", atol)):
        if value < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {value}")
    broadcast_shapes(input.shape, other.shape)
    if input.dtype == bool_:
        return Tensor._make(input.array == other.array)
    a, b = _as_float_array(input), _as_float_array(other)
    with xp.errstate(invalid="ignore"):
        close = (a == b) | (xp.isfinite(a) & xp.isfinite(b) & (xp.abs(a - b) <= atol + rtol * xp.abs(b)))
    if equal_nan:
        close = close | (xp.isnan(a) & xp.isnan(b))
    return Tensor._make(close)



METHODS = {name: globals()[name] for name in __all__}
