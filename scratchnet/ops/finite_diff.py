"""torch.gradient: a function's derivative estimated from its samples, along each dim.

Inside, second-order central differences; with sample coordinates ``x`` (gaps ``h1`` before and
``h2`` after a point) the weighted one that is exact for quadratics:

    g_i = (-h2 / (h1 (h1 + h2))) f_{i-1} + ((h2 - h1) / (h1 h2)) f_i + (h1 / (h2 (h1 + h2))) f_{i+1}

At the two ends one-sided differences of first (``edge_order=1``) or second order. It is built
from slices and arithmetic, so its gradient (and the second) comes from theirs.

>>> import scratchnet as sn
>>> sn.gradient(sn.tensor([1.0, 4.0, 9.0, 16.0]))
(tensor([3., 4., 6., 7.]),)
"""

import numbers

from ..tensor import Tensor, _wrap_dim

__all__ = ["gradient"]


def _dims(input, dim):
    if dim is None:
        return list(range(input.ndim))
    dims = [_wrap_dim(d, input.ndim) for d in ([dim] if isinstance(dim, numbers.Integral) else dim)]
    for i, d in enumerate(dims):
        if d in dims[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return dims


def _spacings(input, spacing, dims, dim):
    """One spacing per dim: a number (uniform) or a 1-D tensor of coordinates."""
    if spacing is None:
        spacing = 1
    if isinstance(spacing, Tensor) and spacing.ndim == 0:
        spacing = spacing.item()
    if isinstance(spacing, numbers.Number):
        return [spacing] * len(dims)
    if isinstance(spacing, Tensor):
        raise TypeError("gradient() received an invalid combination of arguments: spacing must be a number or "
                        "a tuple of numbers or of 1-D tensors, not a Tensor")
    spacing = list(spacing)
    if len(spacing) != len(dims):
        if dim is None:
            raise RuntimeError(
                "torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to "
                f"'self.dim() = {input.ndim}', since dim argument was not given, but got a list of length {len(spacing)}")
        raise RuntimeError(
            "torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim arguments to have "
            f"the same length, but got a spacing argument of length {len(spacing)} and a dim argument of length {len(dims)}.")
    for s in spacing:
        if isinstance(s, Tensor) and s.ndim != 1:
            raise RuntimeError(f"torch.gradient expected each element of spacing to have one dimension, but got an element with {s.ndim} dimensions!")
    return spacing


def _uniform(f, d, h, edge_order):
    n = f.shape[d]
    at = lambda start, length=1: f.narrow(d, start % n, length)  # noqa: E731
    center = (f.narrow(d, 2, n - 2) - f.narrow(d, 0, n - 2)) / h / 2
    if edge_order == 1:
        first, last = (at(1) - at(0)) / h, (at(-1) - at(-2)) / h
    else:
        first = (-1.5 * at(0) + 2 * at(1) - 0.5 * at(2)) / h
        last = (0.5 * at(-3) - 2 * at(-2) + 1.5 * at(-1)) / h
    return first, center, last


def _coordinates(f, d, x, edge_order):
    n = f.shape[d]
    at = lambda start, length=1: f.narrow(d, start % n, length)  # noqa: E731
    shape = [1] * f.ndim
    shape[d] = -1
    h = x[1:] - x[:-1]
    h1, h2 = h[:-1], h[1:]
    a, b, c = (w.reshape(shape) for w in (-h2 / (h1 * (h1 + h2)), (h2 - h1) / (h1 * h2), h1 / (h2 * (h1 + h2))))
    center = a * f.narrow(d, 0, n - 2) + b * f.narrow(d, 1, n - 2) + c * f.narrow(d, 2, n - 2)
    if edge_order == 1:
        return (at(1) - at(0)) / h[0], center, (at(-1) - at(-2)) / h[-1]
    s, t = h[0], h[1]
    first = -(2.0 * s + t) / (s * (s + t)) * at(0) + (s + t) / (s * t) * at(1) + (-s) / (t * (s + t)) * at(2)
    s, t = h[-1], h[-2]
    last = s / (t * (s + t)) * at(-3) - (s + t) / (s * t) * at(-2) + (2 * s + t) / (s * (s + t)) * at(-1)
    return first, center, last


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """The derivative of the sampled function ``input`` along each dim in ``dim`` (all when
    None): a tuple, one tensor of ``input``'s shape per dim.

    Arguments: ``spacing`` the distance between samples (a number, one number per dim, or one
    1-D tensor of sample coordinates per dim); ``edge_order`` 1 or 2, the accuracy at the ends.
    Each dim needs at least ``edge_order + 1`` samples.

    >>> import scratchnet as sn
    >>> sn.gradient(sn.tensor([[1.0, 2.0, 4.0], [2.0, 4.0, 8.0]]), dim=1, spacing=2.0)
    (tensor([[0.5000, 0.7500, 1.0000],
            [1.0000, 1.5000, 2.0000]]),)
    """
    from .shape import cat

    if str(input.dtype) == "uint8":
        raise RuntimeError("torch.gradient does not support uint8 input.")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = _dims(input, dim)
    spacings = _spacings(input, spacing, dims, dim)
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    out = []
    for d, h in zip(dims, spacings):
        parts = _coordinates(input, d, h, edge_order) if isinstance(h, Tensor) else _uniform(input, d, h, edge_order)
        out.append(cat(parts, d))
    return tuple(out)
