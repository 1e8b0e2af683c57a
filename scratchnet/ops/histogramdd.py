"""torch.histogramdd: the counts of points in the cells of a D-dimensional grid of bins.

Each row of ``input[..., D]`` is a point; along each of the D coordinates the bins are given by
their edges (increasing), every bin ``[left, right)`` except the last, ``[left, right]``. A point
outside (or NaN) counts nowhere.

>>> import scratchnet as sn
>>> sn.histogramdd(sn.tensor([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]]), bins=2).hist
tensor([[1., 0.],
        [1., 1.]])
"""

from math import prod

from .. import return_types
from ..backend import FLOAT_DTYPES, xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor
from .stats_extra import _linspace

__all__ = ["histogramdd"]


class Histogramdd(Function):
    backward_name = "NotImplemented"

    def forward(ctx, points, edges, weight, density):
        shape = tuple(len(e) - 1 for e in edges)
        if not edges:  # 0-dimensional points: torch's 0-d answer, 0 (NaN as a density)
            return xp.asarray(xp.nan if density else 0, dtype=points.dtype)
        points = points.reshape(-1, len(edges))
        inside = xp.ones(points.shape[0], dtype=bool)
        cells = xp.zeros(points.shape[0], dtype=xp.int64)
        for d, e in enumerate(edges):
            x = points[:, d]
            inside &= (x >= e[0]) & (x <= e[-1])  # (False for NaN, and for edges that decrease)
            k = xp.clip(xp.searchsorted(e, x, side="right") - 1, 0, shape[d] - 1)  # the last bin holds its right edge
            cells = cells * shape[d] + k
        w = xp.ones(points.shape[0], points.dtype) if weight is None else weight
        hist = xp.bincount(cells[inside], weights=w[inside], minlength=prod(shape)).astype(points.dtype)
        hist = hist.reshape(shape)
        if density:
            with xp.errstate(invalid="ignore", divide="ignore"):
                hist = hist / hist.sum()
                for d, e in enumerate(edges):
                    widths = xp.diff(e).reshape([-1 if k == d else 1 for k in range(len(edges))])
                    hist = hist / widths
        return hist.astype(points.dtype)

    def backward(ctx, grad):
        raise RuntimeError("the derivative for 'histogramdd' is not implemented.")


def _edges(points, bins, range, D, dtype):
    """The D arrays of bin edges, from counts (over ``range`` or the data's extent) or tensors."""
    if isinstance(bins, int):
        bins = [bins] * D
    if len(bins) != D:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
    if bins and all(isinstance(b, Tensor) for b in bins):
        edges = []
        for d, b in enumerate(bins):
            if b.dtype != dtype:
                raise RuntimeError("torch.histogramdd: input tensor and bins tensors should have the same dtype, but got input with "
                                   f"dtype {_c(dtype)} and bins for dimension {d} with dtype {_c(b.dtype)}")
            if b.ndim != 1:
                raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {b.ndim} dimensions in the bins tensor for dimension {d}")
            if b.numel() < 1:
                raise RuntimeError(f"torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements in the bins tensor for dimension {d}")
            edges.append(b.array)
        return edges
    if range is not None and len(range) != 2 * D:
        raise RuntimeError(f"torch.histogramdd: for a {D}-dimensional histogram range should have {2 * D} elements, but got {len(range)}")
    edges = []
    for d, n in enumerate(bins):
        if n + 1 < 1:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements in the bins tensor for dimension {d}")
        if range is not None:
            lo, hi = float(range[2 * d]), float(range[2 * d + 1])
        elif points.shape[0]:
            lo, hi = points[:, d].min(), points[:, d].max()
        else:
            lo, hi = 0.0, 1.0
        if lo > hi:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {_g(lo)} max {_g(hi)} for dimension {d}")
        lo, hi = dtype.type(lo), dtype.type(hi)
        if not (xp.isfinite(lo) and xp.isfinite(hi)):
            raise RuntimeError(f"torch.histogramdd: dimension {d}'s range [{_g(lo)}, {_g(hi)}] is not finite")
        edges.append(_linspace(lo, hi, n + 1, dtype))
    return edges


def _c(dtype):
    return {"float32": "float", "float64": "double"}.get(str(dtype), str(dtype))


def _g(v):
    return "nan" if v != v else ("inf" if v > 0 else "-inf") if abs(v) == float("inf") else f"{float(v):g}"


def histogramdd(input, bins, *, range=None, weight=None, density=False):
    """The D-dimensional histogram of the points ``input[..., D]``: a named tuple ``(hist,
    bin_edges)``, ``hist`` of shape (bins along each dim) and D tensors of edges.

    ``bins``: a count of equal-width bins for every dim, one count per dim, or one 1-D tensor of
    increasing edges per dim; ``range``: ``[lo_0, hi_0, lo_1, hi_1, ...]`` for the counts
    (default: the points' min to max); ``weight``: one per point (default 1); ``density``: scale
    to a probability density (total 1 over the cells' volumes). Float input only.

    >>> import scratchnet as sn
    >>> h = sn.histogramdd(sn.tensor([[0.0, 1.0], [2.0, 3.0]]), bins=[1, 2], range=[0.0, 2.0, 1.0, 3.0])
    >>> h.hist.tolist(), [e.tolist() for e in h.bin_edges]
    ([[1.0, 1.0]], [[0.0, 2.0], [1.0, 2.0, 3.0]])
    """
    if input.dtype not in FLOAT_DTYPES:
        raise NotImplementedError(f'"histogramdd" not implemented for \'{torch_name(input.dtype)}\'')
    if input.ndim == 0 and isinstance(bins, int):  # (torch reads input.size(-1) for a count of bins first)
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    if input.ndim < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    D = input.shape[-1]
    points = input.array.reshape(prod(input.shape[:-1]), D)
    if isinstance(bins, Tensor):
        bins = [bins]
    edges = _edges(points, bins if isinstance(bins, int) else list(bins), range, D, input.dtype)
    w = None
    if weight is not None:
        if tuple(weight.shape) != tuple(input.shape[:-1]):
            raise RuntimeError("torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor "
                               f"excluding its innermost dimension, but got input with shape {list(input.shape)} and weight with shape {list(weight.shape)}")
        if weight.dtype != input.dtype:
            raise RuntimeError("torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should have the same "
                               f"dtype, but got input({_c(input.dtype)}), and weight({_c(weight.dtype)})")
        w = weight.array.reshape(-1)
    hist = Histogramdd.apply(input if input.requires_grad else Tensor._make(input.array), edges=edges, weight=w, density=bool(density))
    return return_types.histogramdd(hist, tuple(Tensor._make(e.copy()) for e in edges))
