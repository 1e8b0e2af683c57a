"""The window functions of signal processing (``hann_window``, ``hamming_window``,
``blackman_window``, ``bartlett_window``, ``kaiser_window``): 1-D tensors of ``window_length``
weights that taper a frame's ends towards 0.

``periodic=True`` (the default, for spectral analysis with ``stft``) gives the first
``window_length`` points of the symmetric window one longer; ``periodic=False`` the symmetric
window itself. With ``N`` the symmetric length and ``n = 0 .. N - 1``:

- hann: ``0.5 - 0.5 cos(2 pi n / (N - 1))``
- hamming: ``alpha - beta cos(2 pi n / (N - 1))`` (``alpha = 0.54``, ``beta = 0.46``)
- blackman: ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``
- bartlett: ``1 - |2 n / (N - 1) - 1|``
- kaiser: ``I0(beta sqrt(1 - (2 n / (N - 1) - 1)^2)) / I0(beta)``

A window of length 1 is ``[1.]``, of length 0 empty. The values are computed in float64 and
cast to ``dtype`` (the default float unless given; a float dtype only).

>>> import scratchnet as sn
>>> sn.hann_window(4, periodic=False)
tensor([0.0000, 0.7500, 0.7500, 0.0000])
"""

import math

from ..backend import xp
from ..dtypes import get_default_dtype
from ..tensor import Tensor

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


def _window(name, window_length, periodic, dtype, requires_grad, formula):
    from ..creation import _dtype

    dtype = get_default_dtype() if dtype is None else _dtype(dtype)
    if dtype.kind != "f":
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dtype}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    if window_length <= 1:
        values = xp.ones(window_length)
    else:
        n = window_length + 1 if periodic else window_length
        ratio = xp.arange(n, dtype=xp.float64) / (n - 1)  # n / (N - 1), from 0 to 1
        values = formula(ratio)[:window_length]
    return Tensor._wrap(values.astype(dtype), requires_grad=requires_grad)


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False):
    """The Hann window: ``0.5 - 0.5 cos(2 pi n / (N - 1))`` (see the module's note on ``periodic``).

    >>> import scratchnet as sn
    >>> sn.hann_window(4)
    tensor([0.0000, 0.5000, 1.0000, 0.5000])
    """
    return _window("hann_window", window_length, periodic, dtype, requires_grad,
                   lambda r: 0.5 - 0.5 * xp.cos(2 * math.pi * r))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   requires_grad=False):
    """The Hamming window: ``alpha - beta cos(2 pi n / (N - 1))``.

    >>> import scratchnet as sn
    >>> sn.hamming_window(3, periodic=False)
    tensor([0.0800, 1.0000, 0.0800])
    """
    return _window("hamming_window", window_length, periodic, dtype, requires_grad,
                   lambda r: alpha - beta * xp.cos(2 * math.pi * r))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False):
    """The Blackman window: ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``.

    >>> import scratchnet as sn
    >>> round(sn.blackman_window(3, periodic=False, dtype=sn.float64)[1].item(), 6)
    1.0
    """
    return _window("blackman_window", window_length, periodic, dtype, requires_grad,
                   lambda r: 0.42 - 0.5 * xp.cos(2 * math.pi * r) + 0.08 * xp.cos(4 * math.pi * r))


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False):
    """The Bartlett (triangular) window: ``1 - |2 n / (N - 1) - 1|``.

    >>> import scratchnet as sn
    >>> sn.bartlett_window(5, periodic=False)
    tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return _window("bartlett_window", window_length, periodic, dtype, requires_grad,
                   lambda r: 1 - xp.abs(2 * r - 1))


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  requires_grad=False):
    """The Kaiser window: ``I0(beta sqrt(1 - (2 n / (N - 1) - 1)^2)) / I0(beta)``, ``I0`` the
    modified Bessel function of order 0 (``beta`` sets how fast it tapers).

    >>> import scratchnet as sn
    >>> sn.kaiser_window(3, periodic=False, beta=0.0)
    tensor([1., 1., 1.])
    """
    return _window("kaiser_window", window_length, periodic, dtype, requires_grad,
                   lambda r: xp.i0(beta * xp.sqrt(xp.clip(1 - (2 * r - 1) ** 2, 0, None))) / xp.i0(beta))
