"""torch.special's orthogonal polynomials ``P_n(x)`` with a tensor degree: Chebyshev of the four
kinds (``T, U, V, W``) and their shifted forms on [0, 1], Hermite (physicists' ``H`` and
probabilists' ``He``), Laguerre ``L`` and Legendre ``P``.

Each follows torch's kernel branch for branch: the degree is ``n`` truncated to an integer (a NaN
or infinite degree counts as negative), a negative degree gives 0, the closed forms at the ends
of the interval, the trigonometric form ``cos(n acos x)`` (and its kin) for high degrees inside
(-1, 1), else the three-term recurrence, run in the result dtype. The recurrence is vectorised
over the elements (one step of it per degree, for the elements whose degree reaches it).

torch gives these no derivative: the results never require grad.

>>> import scratchnet as sn
>>> sn.special.chebyshev_polynomial_t(sn.tensor([0.5, 2.0]), 3)
tensor([-1., 26.])
>>> sn.special.hermite_polynomial_h(sn.tensor([1.0]), sn.tensor([0.0, 1.0, 2.0]))
tensor([1., 2., 2.])
"""

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Tensor, broadcast_shapes, get_default_dtype, result_type

__all__ = [
    "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
    "legendre_polynomial_p",
]

_INT64_MIN = -(2**63)


def _operands(fn, x, n):
    """``x`` and ``n`` as arrays of the result dtype (integers and bools: the default float), and
    the degree as torch's ``static_cast<int64_t>(n)`` (NaN, inf and out of range: INT64_MIN)."""
    if not isinstance(x, Tensor) and not isinstance(n, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    dtype = result_type(x, n)
    if dtype not in FLOAT_DTYPES:
        dtype = xp.dtype(get_default_dtype())
    shape = broadcast_shapes(*(v.shape if isinstance(v, Tensor) else () for v in (x, n)))
    a, m = (xp.broadcast_to(xp.asarray(v.array if isinstance(v, Tensor) else v).astype(dtype), shape) for v in (x, n))
    with xp.errstate(invalid="ignore"):
        fits = xp.isfinite(m) & (xp.abs(m) < 2.0**63)
        k = xp.where(fits, xp.trunc(xp.where(fits, m, 0)), 0).astype(xp.int64)
    return a, xp.where(fits, k, _INT64_MIN), dtype


def _recurrence(x, n, first, step, reach):
    """``P_n`` for ``n >= 1`` by ``P_{j+1} = step(j, P_{j-1}, P_j)`` from ``P_0 = 1`` and ``P_1 =
    first``; the loop runs to the highest degree among the elements ``reach`` marks."""
    p, q = xp.ones_like(x), first
    top = int(n[reach].max()) if reach.any() else 1
    with xp.errstate(all="ignore"):
        for j in range(1, top):
            r = step(j, p, q)
            going = n > j
            p, q = xp.where(going, q, p), xp.where(going, r, q)
    return q


def _pick(dtype, branches, default):
    """The first branch whose condition holds, element by element (torch's if-chain)."""
    out = default
    for cond, value in reversed(branches):
        out = xp.where(cond, value, out)
    return Tensor._make(xp.asarray(out, dtype=dtype))


def _chebyshev(fn, x, n, kind, shifted):
    a, n, dtype = _operands(fn, x, n)
    one = dtype.type(1)
    with xp.errstate(all="ignore"):
        y = a + a - one if shifted else a
        top = n.astype(dtype)
        theta = xp.arccos(xp.clip(y, -1, 1))
        inside = xp.abs(y) < 1
        odd = n % 2 != 0
        first = {"t": y, "u": y + y, "v": y + y - one, "w": y + y + one}[kind]
        hi, lo = (a == 1, a == 0) if shifted else (a == 1, a == -1)
        big = {"t": 6, "u": 8, "v": 8, "w": 8}[kind] if not shifted else {"w": 4}.get(kind, 6)
        if kind == "t":
            ends = [(hi, one), (lo, xp.where(odd, -one, one))]
            trig = [(inside, xp.cos(top * theta))]
        elif kind == "u":
            ends = [(hi, top + 1), (lo, xp.where(odd, -(top + 1), top + 1))]
            s = xp.sin(theta)
            trig = [(inside & (s != 0), xp.sin((top + 1) * theta) / s), (inside, (top + 1) * xp.cos((top + 1) * theta) / y)]
        elif kind == "v":
            ends = [(hi, one), (lo, xp.where(odd, -(top + top + 1), top + top + 1))]
            trig = [(inside & (xp.sin(theta / 2) != 1), xp.cos((top + dtype.type(0.5)) * theta) / xp.cos(theta / 2)),
                    (inside, xp.where(odd, -(top + top + 1), top + top + 1))]
        else:
            ends = [(hi, top + top + 1), (lo, xp.where(odd, -one, one))]
            trig = [(inside & (xp.cos(theta / 2) != 1), xp.sin((top + dtype.type(0.5)) * theta) / xp.sin(theta / 2)),
                    (inside, xp.where(odd, -one, one) if shifted else xp.where(y > 0, top + top + 1, xp.where(odd, -one, one)))]
        high = n > big
        trig = [(high & c, v) for c, v in trig]
        early = [(n < 0, 0)] + ends + trig + [(n == 0, one), (n == 1, first)]
        reach = ~xp.logical_or.reduce([c for c, _ in early]) if early else xp.ones(a.shape, bool)
        rest = _recurrence(y, n, first, lambda j, p, q: (y + y) * q - p, reach)
    return _pick(dtype, early, rest)


def chebyshev_polynomial_t(input, n, *, out=None):
    """Chebyshev polynomials of the first kind, ``T_n(x)``: ``T_0 = 1``, ``T_1 = x``,
    ``T_{k+1} = 2x T_k - T_{k-1}`` (``cos(n acos x)`` on (-1, 1) for n > 6).

    Args:
        input (Tensor or number): ``x``.
        n (Tensor or number): the degree (truncated to an integer; negative gives 0).

    >>> import scratchnet as sn
    >>> sn.special.chebyshev_polynomial_t(sn.tensor([0.0, 1.0, -1.0]), 2)
    tensor([-1.,  1.,  1.])
    """
    return _chebyshev("chebyshev_polynomial_t", input, n, "t", False)


def chebyshev_polynomial_u(input, n, *, out=None):
    """Chebyshev polynomials of the second kind, ``U_n(x)``: ``U_0 = 1``, ``U_1 = 2x``, the same
    recurrence as ``T`` (``sin((n+1) acos x) / sin(acos x)`` on (-1, 1) for n > 8).

    >>> import scratchnet as sn
    >>> sn.special.chebyshev_polynomial_u(sn.tensor([0.5, 1.0]), 2)
    tensor([0., 3.])
    """
    return _chebyshev("chebyshev_polynomial_u", input, n, "u", False)


def chebyshev_polynomial_v(input, n, *, out=None):
    """Chebyshev polynomials of the third kind, ``V_n(x)``: ``V_0 = 1``, ``V_1 = 2x - 1``, the
    same recurrence as ``T``.

    >>> import scratchnet as sn
    >>> sn.special.chebyshev_polynomial_v(sn.tensor([0.5, -1.0]), 2)
    tensor([-1.,  5.])
    """
    return _chebyshev("chebyshev_polynomial_v", input, n, "v", False)


def chebyshev_polynomial_w(input, n, *, out=None):
    """Chebyshev polynomials of the fourth kind, ``W_n(x)``: ``W_0 = 1``, ``W_1 = 2x + 1``, the
    same recurrence as ``T``.

    >>> import scratchnet as sn
    >>> sn.special.chebyshev_polynomial_w(sn.tensor([0.5, 1.0]), 2)
    tensor([1., 5.])
    """
    return _chebyshev("chebyshev_polynomial_w", input, n, "w", False)


def shifted_chebyshev_polynomial_t(input, n, *, out=None):
    """``T_n(2x - 1)``, the Chebyshev polynomials of the first kind moved to [0, 1].

    >>> import scratchnet as sn
    >>> sn.special.shifted_chebyshev_polynomial_t(sn.tensor([0.0, 0.75]), 2)
    tensor([ 1.0000, -0.5000])
    """
    return _chebyshev("shifted_chebyshev_polynomial_t", input, n, "t", True)


def shifted_chebyshev_polynomial_u(input, n, *, out=None):
    """``U_n(2x - 1)``, the Chebyshev polynomials of the second kind moved to [0, 1].

    >>> import scratchnet as sn
    >>> sn.special.shifted_chebyshev_polynomial_u(sn.tensor([0.0, 1.0]), 2)
    tensor([3., 3.])
    """
    return _chebyshev("shifted_chebyshev_polynomial_u", input, n, "u", True)


def shifted_chebyshev_polynomial_v(input, n, *, out=None):
    """``V_n(2x - 1)``, the Chebyshev polynomials of the third kind moved to [0, 1].

    >>> import scratchnet as sn
    >>> sn.special.shifted_chebyshev_polynomial_v(sn.tensor([0.0, 1.0]), 2)
    tensor([5., 1.])
    """
    return _chebyshev("shifted_chebyshev_polynomial_v", input, n, "v", True)


def shifted_chebyshev_polynomial_w(input, n, *, out=None):
    """``W_n(2x - 1)``, the Chebyshev polynomials of the fourth kind moved to [0, 1].

    >>> import scratchnet as sn
    >>> sn.special.shifted_chebyshev_polynomial_w(sn.tensor([0.0, 1.0]), 2)
    tensor([1., 5.])
    """
    return _chebyshev("shifted_chebyshev_polynomial_w", input, n, "w", True)


def _three_term(fn, x, n, first, step, ends=()):
    a, n, dtype = _operands(fn, x, n)
    one = dtype.type(1)
    with xp.errstate(all="ignore"):
        q1 = first(a)
        early = [(n < 0, 0), *ends(a, n, one)] if ends else [(n < 0, 0)]
        early += [(n == 0, one), (n == 1, q1)]
        reach = ~xp.logical_or.reduce([xp.broadcast_to(c, a.shape) for c, _ in early])
        rest = _recurrence(a, n, q1, lambda j, p, q: step(a, j, p, q), reach)
    return _pick(dtype, early, rest)


def hermite_polynomial_h(input, n, *, out=None):
    """The physicists' Hermite polynomials ``H_n(x)``: ``H_0 = 1``, ``H_1 = 2x``,
    ``H_{k+1} = 2x H_k - 2k H_{k-1}``.

    >>> import scratchnet as sn
    >>> sn.special.hermite_polynomial_h(sn.tensor([2.0]), 3)
    tensor([40.])
    """
    return _three_term("hermite_polynomial_h", input, n, lambda a: a + a, lambda a, j, p, q: (a + a) * q - (2 * j) * p)


def hermite_polynomial_he(input, n, *, out=None):
    """The probabilists' Hermite polynomials ``He_n(x)``: ``He_0 = 1``, ``He_1 = x``,
    ``He_{k+1} = x He_k - k He_{k-1}``.

    >>> import scratchnet as sn
    >>> sn.special.hermite_polynomial_he(sn.tensor([2.0]), 3)
    tensor([2.])
    """
    return _three_term("hermite_polynomial_he", input, n, lambda a: a, lambda a, j, p, q: a * q - j * p)


def laguerre_polynomial_l(input, n, *, out=None):
    """The Laguerre polynomials ``L_n(x)``: ``L_0 = 1``, ``L_1 = 1 - x``,
    ``(k + 1) L_{k+1} = (2k + 1 - x) L_k - k L_{k-1}`` (1 at x = 0).

    >>> import scratchnet as sn
    >>> sn.special.laguerre_polynomial_l(sn.tensor([1.0, 0.0]), 2)
    tensor([-0.5000,  1.0000])
    """
    return _three_term("laguerre_polynomial_l", input, n, lambda a: 1 - a,
                       lambda a, j, p, q: (((j + j) + (1 - a)) * q - j * p) / (j + 1),
                       ends=lambda a, n, one: [(a == 0, one)])


def legendre_polynomial_p(input, n, *, out=None):
    """The Legendre polynomials ``P_n(x)``: ``P_0 = 1``, ``P_1 = x``,
    ``(k + 1) P_{k+1} = (2k + 1) x P_k - k P_{k-1}``.

    >>> import scratchnet as sn
    >>> sn.special.legendre_polynomial_p(sn.tensor([0.5, -1.0]), 3)
    tensor([-0.4375, -1.0000])
    """
    return _three_term("legendre_polynomial_p", input, n, lambda a: a,
                       lambda a, j, p, q: ((j + j + 1) * a * q - j * p) / (j + 1),
                       ends=lambda a, n, one: [(xp.abs(a) == 1, xp.where((a > 0) | (n % 2 == 0), one, -one))])
