"""More elementwise ops: logaddexp/logaddexp2, fmax/fmin (NaN-ignoring), heaviside, gcd/lcm,
ldexp, frexp, nextafter, sinc, isin, isreal; ``torch.detach``; the real-tensor conjugation
no-ops (``conj``, ``resolve_conj``, ...); and torch's top-level in-place functions
(``torch.abs_(x)`` is ``x.abs_()``, for every in-place method scratchnet has).

Binary ops take two tensors (torch refuses a Python number there), promote them by torch's rules
and broadcast. Gradients, where torch defines them:

- ``logaddexp``: ``d/da = 1 / (1 + exp(b - a))`` (log2 and 2**: the same for logaddexp2);
- ``fmax``/``fmin``: the winner gets it, a tie halves it, and beside a NaN both get it;
- ``ldexp``: ``d/da = 2**b``, ``d/db = a 2**b ln 2``; ``frexp``'s mantissa: ``grad / 2**e``;
- ``nextafter``: ``grad`` to ``input`` where ``input != other``, none to ``other``;
- heaviside, gcd, lcm, isin, isreal: none (heaviside refuses backward, as torch).

>>> import scratchnet as sn
>>> sn.logaddexp(sn.tensor([0.0]), sn.tensor([0.0]))
tensor([0.6931])
"""

import math

from ..backend import FLOAT_DTYPES, xp
from ..dtypes import torch_name
from .. import return_types
from ..tensor import Function, Tensor, bool_, broadcast_shapes, int32, result_type
from .math import Maximum, Minimum, where
from .pointwise import _need_tensor, _pair, _refuse

__all__ = [
    "logaddexp", "logaddexp2", "fmax", "fmin", "heaviside", "gcd", "lcm", "gcd_", "lcm_", "ldexp",
    "ldexp_", "frexp", "nextafter", "sinc", "sinc_", "isin", "isreal", "detach", "conj",
    "resolve_conj", "resolve_neg", "is_conj", "is_neg", "conj_physical", "conj_physical_",
]


def _mask(array):
    return Tensor._make(array)


def _two(name, input, other, floating_only=False, kernel=None):
    """Both tensors (torch's TypeError for a number), promoted; float-only ops refuse the rest."""
    _need_tensor(name, "input", input, 1)
    _need_tensor(name, "other", other)
    dtype = result_type(input, other)
    if floating_only and dtype not in FLOAT_DTYPES:
        raise _refuse(kernel or f"{name}_cpu", dtype)
    return _pair(input, other)


# --- log-sum-exp of two -----------------------------------------------------------------------


class Logaddexp(Function):
    """Applied to the inputs in their own dtypes (the forward casts): the backward is torch's
    formula on them, so a bool operand's ``b - a`` is refused there as torch refuses it."""

    def forward(ctx, a, b, dtype):
        ctx.save_for_backward(a, b)
        with xp.errstate(invalid="ignore"):  # -inf with -inf, NaN: as torch, quietly
            return xp.logaddexp(a.astype(dtype, copy=False), b.astype(dtype, copy=False))

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad / (1 + (b - a).exp()), grad / (1 + (a - b).exp())


class Logaddexp2(Function):
    def forward(ctx, a, b, dtype):
        ctx.save_for_backward(a, b)
        with xp.errstate(invalid="ignore"):
            return xp.logaddexp2(a.astype(dtype, copy=False), b.astype(dtype, copy=False))

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad / (1 + (b - a).exp2()), grad / (1 + (a - b).exp2())


def logaddexp(input, other, *, out=None):
    """``log(exp(input) + exp(other))`` without overflow (``inf`` with ``inf`` is ``inf``); float
    tensors only.

    >>> import scratchnet as sn
    >>> sn.logaddexp(sn.tensor([1000.0]), sn.tensor([1000.0]))
    tensor([1000.6932])
    """
    return Logaddexp.apply(input, other, dtype=_two("logaddexp", input, other, True)[0].dtype)


def logaddexp2(input, other, *, out=None):
    """``log2(2**input + 2**other)`` without overflow; float tensors only.

    >>> import scratchnet as sn
    >>> sn.logaddexp2(sn.tensor([1.0]), sn.tensor([1.0]))
    tensor([2.])
    """
    return Logaddexp2.apply(input, other, dtype=_two("logaddexp2", input, other, True)[0].dtype)


# --- NaN-ignoring max and min -----------------------------------------------------------------


class Fmax(Maximum):
    """maximum's node with NaN ignored in the forward (its gradient is maximum's, as torch's)."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.fmax(a, b)


class Fmin(Minimum):
    """minimum's node with NaN ignored in the forward (its gradient is minimum's, as torch's)."""

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.fmin(a, b)


def fmax(input, other, *, out=None):
    """The elementwise maximum, a NaN losing to a number (NaN only where both are NaN).

    >>> import scratchnet as sn
    >>> sn.fmax(sn.tensor([1.0, float("nan")]), sn.tensor([2.0, 0.0]))
    tensor([2., 0.])
    """
    return Fmax.apply(*_two("fmax", input, other))


def fmin(input, other, *, out=None):
    """The elementwise minimum, a NaN losing to a number.

    >>> import scratchnet as sn
    >>> sn.fmin(sn.tensor([1.0, float("nan")]), sn.tensor([2.0, 0.0]))
    tensor([1., 0.])
    """
    return Fmin.apply(*_two("fmin", input, other))


# --- steps and integer arithmetic -------------------------------------------------------------


class Heaviside(Function):
    backward_name = "NotImplemented"

    def forward(ctx, x, values):
        return xp.where(x == 0, values, x > 0).astype(x.dtype)  # NaN > 0 is False: 0, as torch

    def backward(ctx, grad):
        raise RuntimeError("the derivative for 'heaviside' is not implemented.")


def heaviside(input, values, *, out=None):
    """The step function: 0 where ``input < 0``, ``values`` where ``input == 0``, 1 where
    ``input > 0`` (NaN stays NaN). Both tensors of one dtype; no gradient.

    >>> import scratchnet as sn
    >>> sn.heaviside(sn.tensor([-1.0, 0.0, 2.0]), sn.tensor([0.5]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    _need_tensor("heaviside", "input", input, 1)
    _need_tensor("heaviside", "values", values)
    if input.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    broadcast_shapes(input.shape, values.shape)
    return Heaviside.apply(input, values)


def _integer_pair(name, input, other):
    a, b = _two(name, input, other)
    if a.dtype.kind not in "iu":
        raise _refuse(f"{name}_cpu", a.dtype)
    return a.array, b.array


def gcd(input, other, *, out=None):
    """The greatest common divisor, elementwise (non-negative; ``gcd(0, 0) = 0``); integers only.

    >>> import scratchnet as sn
    >>> sn.gcd(sn.tensor([4, -6, 0]), sn.tensor([6, 9, 0]))
    tensor([2, 3, 0])
    """
    a, b = _integer_pair("gcd", input, other)
    return Tensor._make(xp.gcd(a, b).astype(a.dtype))


def lcm(input, other, *, out=None):
    """The least common multiple, elementwise (non-negative; 0 if either is 0); integers only,
    wrapping in the dtype as torch's.

    >>> import scratchnet as sn
    >>> sn.lcm(sn.tensor([4, -6, 0]), sn.tensor([6, 9, 5]))
    tensor([12, 18,  0])
    """
    a, b = _integer_pair("lcm", input, other)
    g = xp.gcd(a, b)
    with xp.errstate(all="ignore"):
        out = xp.abs((a // xp.where(g == 0, 1, g)) * b)
    return Tensor._make(xp.where(g == 0, 0, out).astype(a.dtype))


def gcd_(input, other):
    """In place :func:`gcd`: ``input.gcd_(other)``.

    >>> import scratchnet as sn
    >>> sn.gcd_(sn.tensor([4]), sn.tensor([6]))
    tensor([2])
    """
    return input.gcd_(other)


def lcm_(input, other):
    """In place :func:`lcm`: ``input.lcm_(other)``.

    >>> import scratchnet as sn
    >>> sn.lcm_(sn.tensor([4]), sn.tensor([6]))
    tensor([12])
    """
    return input.lcm_(other)


# --- exponents of two -------------------------------------------------------------------------


class Ldexp(Function):
    """``a`` promoted, ``b`` in its own dtype: torch's backward scales by ``exp2(b)`` computed in
    ``b``'s float dtype (float32 for integer exponents, so 2**200 is inf there)."""

    def forward(ctx, a, b, dtype):
        ctx.save_for_backward(a, b)
        return a * xp.exp2(b.astype(dtype, copy=False))

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        scale = b.exp2()
        return (grad * scale if need_a else None), (grad * a * scale * math.log(2.0) if need_b else None)


def ldexp(input, other, *, out=None):
    """``input * 2 ** other``; the result is a float tensor.

    >>> import scratchnet as sn
    >>> sn.ldexp(sn.tensor([1.0, 3.0]), sn.tensor([2, -1]))
    tensor([4.0000, 1.5000])
    """
    _need_tensor("ldexp", "input", input, 1)
    _need_tensor("ldexp", "other", other)
    if input.dtype in FLOAT_DTYPES and other.dtype == bool_:
        raise _refuse("ldexp_cpu_exp", other.dtype)
    a, b = _pair(input, other, floating=True)
    return Ldexp.apply(a, other, dtype=a.dtype)


def ldexp_(input, other):
    """In place :func:`ldexp`: ``input.ldexp_(other)``.

    >>> import scratchnet as sn
    >>> sn.ldexp_(sn.tensor([1.0]), sn.tensor([3]))
    tensor([8.])
    """
    return input.ldexp_(other)


class Frexp(Function):
    def forward(ctx, x):
        mantissa, exponent = xp.frexp(x)
        ctx.exponent = exponent
        return mantissa.astype(x.dtype)

    def backward(ctx, grad):
        return grad / Tensor._make(xp.exp2(ctx.exponent.astype(grad.dtype)))


def frexp(input, *, out=None):
    """``input = mantissa * 2 ** exponent`` with ``0.5 <= |mantissa| < 1`` (0, inf and NaN have
    exponent 0): a named tuple ``(mantissa, exponent)``, the exponent int32. Floats only.

    >>> import scratchnet as sn
    >>> m, e = sn.frexp(sn.tensor([8.0, 0.75]))
    >>> m.tolist(), e.tolist()
    ([0.5, 0.75], [4, 0])
    """
    if input.dtype not in FLOAT_DTYPES:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa = Frexp.apply(input)
    exponent = xp.frexp(input.array)[1].astype(int32)
    return return_types.frexp(mantissa, Tensor._make(exponent))


class Nextafter(Function):
    def forward(ctx, a, b):
        ctx.moves = a != b
        return xp.nextafter(a, b)

    def backward(ctx, grad):
        return grad * _mask(ctx.moves).to(grad.dtype), Tensor._make(xp.zeros(grad.shape, grad.dtype))


def nextafter(input, other, *, out=None):
    """The next float after ``input`` towards ``other`` (``input`` itself where they are equal);
    float tensors only.

    >>> import scratchnet as sn
    >>> sn.nextafter(sn.tensor([1.0]), sn.tensor([2.0])).item() > 1.0
    True
    """
    return Nextafter.apply(*_two("nextafter", input, other, True))


def sinc(input, *, out=None):
    """The normalized sinc, ``sin(pi x) / (pi x)`` and 1 at 0 (``scratchnet.special.sinc``).

    >>> import scratchnet as sn
    >>> sn.sinc(sn.tensor([0.0, 1.0])).round(decimals=4).tolist()
    [1.0, -0.0]
    """
    from ..special import sinc as special_sinc

    return special_sinc(input)


def sinc_(input):
    """In place :func:`sinc`: ``input.sinc_()``.

    >>> import scratchnet as sn
    >>> sn.sinc_(sn.tensor([0.0]))
    tensor([1.])
    """
    return input.sinc_()


# --- membership and realness ------------------------------------------------------------------


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """True where an element of ``elements`` equals some element of ``test_elements`` (compared
    in their promoted dtype; NaN matches nothing); ``invert`` negates. Either may be a number.

    >>> import scratchnet as sn
    >>> sn.isin(sn.tensor([1, 2, 3]), sn.tensor([2, 5]))
    tensor([False,  True, False])
    """
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin() received an invalid combination of arguments - got ({type(elements).__name__}, "
                        f"{type(test_elements).__name__}), but expected one of: (Tensor elements, Tensor test_elements), "
                        "(Number element, Tensor test_elements), (Tensor elements, Number test_element)")
    for x in (elements, test_elements):
        if isinstance(x, Tensor) and x.dtype == bool_:
            raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    dtype = result_type(elements, test_elements)
    a = elements.array if isinstance(elements, Tensor) else xp.asarray(elements)
    b = test_elements.array if isinstance(test_elements, Tensor) else xp.asarray(test_elements)
    found = xp.isin(a.astype(dtype), b.astype(dtype).reshape(-1), invert=invert)
    return Tensor._make(xp.asarray(found, dtype=bool))


def isreal(input):
    """True where the element is real: everywhere, for scratchnet's real dtypes.

    >>> import scratchnet as sn
    >>> sn.isreal(sn.tensor([1.0, float("nan")]))
    tensor([True, True])
    """
    return Tensor._make(xp.ones(input.shape, dtype=bool))


# --- graph and conjugation no-ops -------------------------------------------------------------


def detach(input):
    """``input.detach()``: the same values, cut off from the graph.

    >>> import scratchnet as sn
    >>> sn.detach(sn.ones(2, requires_grad=True)).requires_grad
    False
    """
    return input.detach()


def conj(input):
    """The complex conjugate: ``input`` itself for a real tensor (as torch).

    >>> import scratchnet as sn
    >>> x = sn.ones(2)
    >>> sn.conj(x) is x
    True
    """
    return input


def resolve_conj(input):
    """``input`` with a pending conjugation applied: ``input`` itself (no tensor here has one).

    >>> import scratchnet as sn
    >>> x = sn.ones(2)
    >>> sn.resolve_conj(x) is x
    True
    """
    return input


def resolve_neg(input):
    """``input`` with a pending negation applied: ``input`` itself (no tensor here has one).

    >>> import scratchnet as sn
    >>> x = sn.ones(2)
    >>> sn.resolve_neg(x) is x
    True
    """
    return input


def is_conj(input):
    """Whether a conjugation is pending on ``input``: never, in scratchnet.

    >>> import scratchnet as sn
    >>> sn.is_conj(sn.ones(2))
    False
    """
    return False


def is_neg(input):
    """Whether a negation is pending on ``input``: never, in scratchnet.

    >>> import scratchnet as sn
    >>> sn.is_neg(sn.ones(2))
    False
    """
    return False


def conj_physical(input, *, out=None):
    """The conjugate computed at once: ``input`` itself for a real tensor (as torch).

    >>> import scratchnet as sn
    >>> x = sn.ones(2)
    >>> sn.conj_physical(x) is x
    True
    """
    return input


def conj_physical_(input):
    """In place :func:`conj_physical`: nothing to change in a real tensor; ``input`` is returned.

    >>> import scratchnet as sn
    >>> x = sn.ones(2)
    >>> sn.conj_physical_(x) is x
    True
    """
    return input


# --- torch's top-level in-place functions: torch.abs_(x) is x.abs_() ----------------------------

_TOP_LEVEL_INPLACE = {  # name: arguments of the doctest example (after the tensor)
    "abs_": "", "acos_": "", "acosh_": "", "arccos_": "", "arccosh_": "", "arcsin_": "", "arcsinh_": "",
    "arctan_": "", "arctanh_": "", "asin_": "", "asinh_": "", "atan_": "", "atanh_": "", "ceil_": "",
    "clamp_": "0.0", "clamp_max_": "0.0", "clamp_min_": "0.0", "clip_": "0.0", "cos_": "", "cosh_": "",
    "deg2rad_": "", "erf_": "", "erfc_": "", "exp2_": "", "exp_": "", "expm1_": "", "fill_": "1.0",
    "fix_": "", "floor_": "", "frac_": "", "log10_": "", "log1p_": "", "log2_": "", "log_": "",
    "logit_": "", "nan_to_num_": "", "neg_": "", "negative_": "", "rad2deg_": "", "reciprocal_": "",
    "relu_": "", "round_": "", "rsqrt_": "", "sigmoid_": "", "sin_": "", "sinh_": "", "sqrt_": "",
    "square_": "", "tan_": "", "tanh_": "", "trunc_": "", "zero_": "", "detach_": "",
    "xlogy_": "sn.tensor([2.0])", "addmv_": "sn.ones(1, 1), sn.ones(1)",
    "index_put_": "(sn.tensor([0]),), sn.tensor(1.0)",
}


def _top_level_inplace(name):
    def function(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)

    example = _TOP_LEVEL_INPLACE[name]
    function.__name__ = function.__qualname__ = name
    function.__module__ = __name__
    function.__doc__ = (f"``input.{name}(...)``, torch's top-level spelling of the in-place method: the result is\n"
                        f"    written into ``input``, which is returned.\n\n"
                        f"    >>> import scratchnet as sn\n"
                        f"    >>> x = sn.tensor([0.5])\n"
                        f"    >>> sn.{name}(x{', ' + example if example else ''}) is x\n    True\n    ")
    return function


for _name in _TOP_LEVEL_INPLACE:
    globals()[_name] = _top_level_inplace(_name)
    __all__.append(_name)


METHODS = {
    "logaddexp": logaddexp, "logaddexp2": logaddexp2, "fmax": fmax, "fmin": fmin, "heaviside": heaviside,
    "gcd": gcd, "lcm": lcm, "ldexp": ldexp, "frexp": frexp, "nextafter": nextafter, "sinc": sinc,
    "isreal": isreal, "conj": conj, "resolve_conj": resolve_conj, "resolve_neg": resolve_neg,
    "is_conj": is_conj, "is_neg": is_neg, "conj_physical": conj_physical,
    "conj_physical_": conj_physical_,
}


def _with_inplace_forms():
    from .inplace import _inplace_of

    for name in ("gcd", "lcm", "ldexp", "nextafter", "xlogy"):
        METHODS[name + "_"] = _inplace_of(name)


_with_inplace_forms()
