"""The regularized incomplete gamma functions: ``igamma(a, x) = P(a, x) = gamma(a, x) / Gamma(a)``
(the lower one; ``torch.special.gammainc``) and ``igammac(a, x) = Q(a, x) = 1 - P(a, x)`` (the
upper one; ``special.gammaincc``).

Computed in float64 (cast back to the inputs' float dtype) by the two classical expansions:
``P = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a+1) ... (a+n))`` where ``x < a + 1``, and
Legendre's continued fraction for ``Q`` elsewhere (evaluated by the modified Lentz method);
the other function is the complement. The loops run over the terms, vectorised over elements,
until every element has converged.

Edge values follow torch: NaN for ``a < 0`` or ``x < 0``; ``P(0, x > 0) = 1``, ``P(0, 0)`` is NaN;
``P(a > 0, 0) = 0``; ``P(a, inf) = 1``; ``P(inf, finite x) = 0``, ``P(inf, inf)`` is NaN.

Derivatives (torch's): only with respect to ``x``, ``dP/dx = -dQ/dx = x^(a-1) e^-x / Gamma(a)``;
torch has none with respect to ``a`` (NotImplementedError, here too).

>>> import scratchnet as sn
>>> sn.igamma(sn.tensor([1.0, 2.0]), sn.tensor([1.0, 1.0]))
tensor([0.6321, 0.2642])
>>> sn.igammac(sn.tensor([1.0]), sn.tensor([1.0]))
tensor([0.3679])
"""

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor, broadcast_shapes, result_type
from .gamma import _lgamma
from .math import exp, log
from .pointwise import _cast, _refuse

__all__ = ["igamma", "igammac"]

_EPS = 1e-16  # the series' relative term size at which it stops
_FRACTION_EPS = 1e-15  # the continued fraction's |step - 1| at which it stops (above float64 rounding)
_MAX_TERMS = 100000


def _series(a, x):
    """P(a, x) by its power series (for x < a + 1)."""
    term = xp.ones_like(x) / a
    total = term.copy()
    for n in range(1, _MAX_TERMS):
        term = term * x / (a + n)
        total = total + term
        if not (xp.abs(term) > _EPS * xp.abs(total)).any():
            break
    return total * xp.exp(a * xp.log(x) - x - _lgamma(a))


def _fraction(a, x):
    """Q(a, x) by its continued fraction ``1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - ...))``."""
    tiny = 1e-300
    b = x + 1 - a
    c = xp.full_like(x, 1 / tiny)
    d = 1 / xp.where(b == 0, tiny, b)
    h = d.copy()
    for n in range(1, _MAX_TERMS):
        an = -n * (n - a)
        b = b + 2
        d = an * d + b
        d = 1 / xp.where(d == 0, tiny, d)
        c = b + an / c
        c = xp.where(c == 0, tiny, c)
        delta = d * c
        h = h * delta
        if not (xp.abs(delta - 1) > _FRACTION_EPS).any():
            break
    return h * xp.exp(a * xp.log(x) - x - _lgamma(a))


def _lower(a, x):
    """P(a, x) on float64 arrays of one shape (torch's edge values included)."""
    a, x = a.ravel(), x.ravel()
    out = xp.full(a.shape, xp.nan)
    ok = (a > 0) & (x > 0) & xp.isfinite(a) & xp.isfinite(x)
    by_series = ok & (x < a + 1)
    by_fraction = ok & ~by_series
    if by_series.any():
        out[by_series] = _series(a[by_series], x[by_series])
    if by_fraction.any():
        out[by_fraction] = 1 - _fraction(a[by_fraction], x[by_fraction])
    return _edges(a, x, xp.clip(out, 0.0, 1.0), 0.0)


def _edges(a, x, out, low):
    """torch's tests, in its order: NaN for a < 0 or x < 0; at a == 0, ``1 - low`` for x > 0 (else
    NaN); ``low`` at x == 0 (even for a NaN a); at a == inf, NaN for x == inf, else ``low``; at
    x == inf, ``1 - low``. ``low`` is P's value at x = 0 (0 for P, 1 for Q)."""
    chain = [
        ((x < 0) | (a < 0), xp.nan),
        (a == 0, xp.where(x > 0, 1 - low, xp.nan)),
        (x == 0, low),
        (xp.isinf(a), xp.where(xp.isinf(x), xp.nan, low)),
        (xp.isinf(x), 1 - low),
    ]
    for cond, value in reversed(chain):
        out = xp.where(cond, value, out)
    return out


def _upper(a, x):
    """Q(a, x) as 1 - P, except where P is near 1 (then the continued fraction directly)."""
    flat_a, flat_x = a.ravel(), x.ravel()
    out = 1 - _lower(a, x)
    direct = (flat_a > 0) & (flat_x >= flat_a + 1) & xp.isfinite(flat_a) & xp.isfinite(flat_x)
    if direct.any():
        out[direct] = _fraction(flat_a[direct], flat_x[direct])
    return _edges(flat_a, flat_x, out, 1.0)


class Igamma(Function):
    """``P(a, x)``; ``d/dx = exp((a - 1) log x - x - lgamma(a))``, none with respect to ``a``."""

    upper = False

    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        wide_a, wide_x = xp.broadcast_arrays(a.astype(xp.float64), x.astype(xp.float64))
        with xp.errstate(all="ignore"):
            value = (_upper if ctx.upper else _lower)(wide_a, wide_x)
        return value.reshape(wide_a.shape).astype(a.dtype)

    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            name = "igammac" if ctx.upper else "igamma"
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
        from .gamma import lgamma

        slope = exp((a - 1) * log(x) - x - lgamma(a))
        return None, (-grad * slope if ctx.upper else grad * slope)


class Igammac(Igamma):
    upper = True


def _operands(fn, input, other):
    for position, (name, value) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(value, Tensor):
            raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(value).__name__}")
    dtype = result_type(input, other)
    if dtype not in FLOAT_DTYPES:
        raise _refuse(f"{fn}_cpu", dtype)
    broadcast_shapes(input.shape, other.shape)
    return [_cast(v, dtype) for v in (input, other)]


def igamma(input, other, *, out=None):
    """The regularized lower incomplete gamma function
    ``P(a, x) = 1 / Gamma(a) * integral_0^x t^(a-1) e^-t dt`` with ``a = input``, ``x = other``.

    Args:
        input (Tensor): ``a``, nonnegative.
        other (Tensor): ``x``, nonnegative.

    >>> import scratchnet as sn
    >>> sn.igamma(sn.tensor([0.5]), sn.tensor([0.5]))
    tensor([0.6827])
    """
    return Igamma.apply(*_operands("igamma", input, other))


def igammac(input, other, *, out=None):
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``.

    >>> import scratchnet as sn
    >>> sn.igammac(sn.tensor([0.5]), sn.tensor([0.5]))
    tensor([0.3173])
    """
    return Igammac.apply(*_operands("igammac", input, other))


def _inplace(name):
    def method(self, other):
        from .inplace import _inplace_of

        return _inplace_of(name)(self, other)

    method.__name__ = name + "_"
    method.__doc__ = f"In place ``{name}``: ``x.{name}_(other)`` writes ``x.{name}(other)`` into ``x``."
    return method


METHODS = {"igamma": igamma, "igammac": igammac, "igamma_": _inplace("igamma"), "igammac_": _inplace("igammac")}
