"""``torch.signal.windows``: window functions of length ``M`` (keyword-only options), as SciPy's.

With ``sym=True`` (the default) the window is symmetric, for filter design; ``sym=False`` gives
the first ``M`` points of the symmetric window of length ``M + 1`` (periodic, for spectral
analysis). Each window is built from :func:`scratchnet.linspace` points in ``dtype`` (float32 or
float64; the default float unless given) and scratchnet ops, so ``requires_grad=True`` gives a
result in the graph of those points, as torch's.

- ``bartlett``: ``1 - |k|``, ``k`` from -1 in steps of ``2 / (N - 1)``
- ``general_cosine(a)``: ``sum_i (-1)^i a_i cos(i k)``, ``k`` from 0 in steps of ``2 pi / (N - 1)``;
  ``hann`` (``a = [0.5, 0.5]``), ``hamming`` and ``general_hamming(alpha)`` (``[alpha, 1 - alpha]``),
  ``blackman`` (``[0.42, 0.5, 0.08]``) and ``nuttall`` are general cosine windows
- ``cosine``: ``sin(pi (n + 1/2) / N)``
- ``exponential(center, tau)``: ``exp(-|n - center| / tau)``
- ``gaussian(std)``: ``exp(-(n - (N - 1)/2)^2 / (2 std^2))``
- ``kaiser(beta)``: ``I0(sqrt(beta^2 - k^2)) / I0(beta)``, ``k`` from ``-beta`` to ``beta``

(``N`` is ``M`` for a symmetric window, ``M + 1`` for a periodic one.)

>>> import scratchnet as sn
>>> sn.signal.windows.bartlett(5).tolist()
[0.0, 0.5, 1.0, 0.5, 0.0]
>>> sn.signal.windows.hann(4, sym=False).tolist()
[0.0, 0.5, 1.0, 0.5]
"""

import math
from collections.abc import Iterable

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
           "hamming", "hann", "kaiser", "nuttall"]


def _checks(name, M, dtype, layout):
    """The window's dtype (the default float unless given), after torch's checks (ValueError)."""
    import scratchnet as sn

    dtype = sn.get_default_dtype() if dtype is None else dtype
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not None and str(layout) != "torch.strided":
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype not in (sn.float32, sn.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: torch.{str(dtype).replace('scratchnet.', '')}")
    return dtype


def _empty_or_one(M, dtype, requires_grad, one=True):
    """The window of length 0 (or 1, when that is all ones), else None."""
    import scratchnet as sn

    if M == 0:
        return sn.empty((0,), dtype=dtype, requires_grad=requires_grad)
    if M == 1 and one:
        return sn.ones((1,), dtype=dtype, requires_grad=requires_grad)
    return None


def _points(start, step, M, dtype, requires_grad):
    import scratchnet as sn

    return sn.linspace(start, start + (M - 1) * step, M, dtype=dtype, requires_grad=requires_grad)


def _length(M, sym):
    """N: the symmetric window's length (one more for a periodic window)."""
    return M if sym or M <= 1 else M + 1


def bartlett(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The triangular window ``1 - |2 n / (N - 1) - 1|``.

    >>> import scratchnet as sn
    >>> sn.signal.windows.bartlett(3).tolist()
    [0.0, 1.0, 0.0]
    """
    dtype = _checks("bartlett", M, dtype, layout)
    early = _empty_or_one(M, dtype, requires_grad)
    if early is not None:
        return early
    return 1 - _points(-1, 2 / (M - 1 if sym else M), M, dtype, requires_grad).abs()


def general_cosine(M, *, a, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The generalised cosine window ``sum_i (-1)^i a_i cos(2 pi i n / (N - 1))``.

    Args:
        a: the coefficients ``a_0, a_1, ...`` (a list or tuple, not empty).

    >>> import scratchnet as sn
    >>> sn.signal.windows.general_cosine(3, a=[0.5, 0.5]).tolist()
    [0.0, 1.0, 0.0]
    """
    import scratchnet as sn

    dtype = _checks("general_cosine", M, dtype, layout)
    early = _empty_or_one(M, dtype, requires_grad)
    if early is not None:
        return early
    if not isinstance(a, Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    k = _points(0, 2 * math.pi / (M - 1 if sym else M), M, dtype, requires_grad)
    coefficients = sn.tensor([(-1) ** i * w for i, w in enumerate(a)], dtype=dtype, requires_grad=requires_grad)
    orders = sn.arange(coefficients.shape[0], dtype=dtype, requires_grad=requires_grad)
    return (coefficients.unsqueeze(-1) * (orders.unsqueeze(-1) * k).cos()).sum(0)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The generalised Hamming window ``alpha - (1 - alpha) cos(2 pi n / (N - 1))``.

    >>> import scratchnet as sn
    >>> [round(v, 4) for v in sn.signal.windows.general_hamming(3, alpha=0.6).tolist()]
    [0.2, 1.0, 0.2]
    """
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Hamming window ``0.54 - 0.46 cos(2 pi n / (N - 1))``.

    >>> import scratchnet as sn
    >>> [round(v, 4) for v in sn.signal.windows.hamming(3).tolist()]
    [0.08, 1.0, 0.08]
    """
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Hann window ``0.5 - 0.5 cos(2 pi n / (N - 1))``.

    >>> import scratchnet as sn
    >>> sn.signal.windows.hann(5).tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Blackman window ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``.

    >>> import scratchnet as sn
    >>> [round(v, 4) + 0.0 for v in sn.signal.windows.blackman(3).tolist()]
    [0.0, 1.0, 0.0]
    """
    dtype = _checks("blackman", M, dtype, layout)
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout, requires_grad=requires_grad)


def nuttall(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The minimum 4-term Blackman-Harris window of Nuttall (a general cosine window).

    >>> import scratchnet as sn
    >>> [round(v, 4) for v in sn.signal.windows.nuttall(3).tolist()]
    [0.0004, 1.0, 0.0004]
    """
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym, dtype=dtype, layout=layout,
                          requires_grad=requires_grad)


def cosine(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The cosine (sine) window ``sin(pi (n + 1/2) / N)``.

    >>> import scratchnet as sn
    >>> [round(v, 4) for v in sn.signal.windows.cosine(2).tolist()]
    [0.7071, 0.7071]
    """
    dtype = _checks("cosine", M, dtype, layout)
    early = _empty_or_one(M, dtype, requires_grad, one=False)
    if early is not None:
        return early
    step = math.pi / _length(M, sym)
    return _points(0.5 * step, step, M, dtype, requires_grad).sin()


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The exponential (Poisson) window ``exp(-|n - center| / tau)``, ``center`` the middle
    ``(N - 1) / 2`` unless given (only for a periodic window).

    >>> import scratchnet as sn
    >>> [round(v, 4) for v in sn.signal.windows.exponential(3).tolist()]
    [0.3679, 1.0, 0.3679]
    """
    dtype = _checks("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    early = _empty_or_one(M, dtype, requires_grad, one=False)
    if early is not None:
        return early
    if center is None:
        center = (_length(M, sym) - 1) / 2.0
    return (-_points(-center / tau, 1 / tau, M, dtype, requires_grad).abs()).exp()


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Gaussian window ``exp(-(n - (N - 1) / 2)^2 / (2 std^2))``.

    >>> import scratchnet as sn
    >>> [round(v, 4) for v in sn.signal.windows.gaussian(3).tolist()]
    [0.6065, 1.0, 0.6065]
    """
    dtype = _checks("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    early = _empty_or_one(M, dtype, requires_grad, one=False)
    if early is not None:
        return early
    scale = 1 / (std * math.sqrt(2))
    return (-(_points(-(_length(M, sym) - 1) / 2.0 * scale, scale, M, dtype, requires_grad) ** 2)).exp()


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Kaiser window ``I0(beta sqrt(1 - (2 n / (N - 1) - 1)^2)) / I0(beta)`` (``I0`` the
    modified Bessel function of order 0; ``beta >= 0`` sets how fast it tapers).

    >>> import scratchnet as sn
    >>> sn.signal.windows.kaiser(3, beta=0.0).tolist()
    [1.0, 1.0, 1.0]
    """
    import scratchnet as sn

    dtype = _checks("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    early = _empty_or_one(M, dtype, requires_grad)
    if early is not None:
        return early
    b = sn.tensor(beta, dtype=dtype)
    step = 2.0 * b / (M - 1 if sym else M)
    end = sn.minimum(b, -b + (M - 1) * step)
    k = sn.linspace(-b, end, M, dtype=dtype, requires_grad=requires_grad)
    return sn.i0((b * b - k ** 2).sqrt()) / sn.i0(b)
