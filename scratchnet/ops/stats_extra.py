"""Order statistics and second moments: quantile / nanquantile, cov, corrcoef, histogram, dist.

``quantile(x, q)`` sorts ``x`` (along ``dim``, or flattened) and reads position
``r = q (n - 1)`` of the sorted values; between two positions ``interpolation`` decides:
``linear`` ``v[floor r] + (r - floor r) (v[ceil r] - v[floor r])``, ``lower`` ``v[floor r]``,
``higher`` ``v[ceil r]``, ``midpoint`` their mean, ``nearest`` ``v[round r]`` (ties to even).
A row holding NaN gives NaN; ``nanquantile`` drops NaN first (``n`` = the row's count of numbers,
NaN for a row of NaN only). The gradient flows back through the sort to the elements read.

``cov`` treats rows as variables and columns as observations (optionally weighted);
``corrcoef`` is the covariance scaled by the standard deviations, clamped to [-1, 1].

>>> import scratchnet as sn
>>> sn.quantile(sn.tensor([1.0, 2.0, 3.0, 4.0]), 0.5)
tensor(2.5000)
"""

import warnings

from ..backend import FLOAT_DTYPES, xp
from ..dtypes import get_default_dtype, result_type, torch_name
from .. import return_types
from ..tensor import Function, Tensor, _wrap_dim, bool_, int64

__all__ = ["quantile", "nanquantile", "cov", "corrcoef", "histogram", "dist"]

_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _check_quantile(input, q, interpolation):
    if not isinstance(input, Tensor):
        raise TypeError(f"quantile(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if input.dtype not in FLOAT_DTYPES:
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError("quantile() q must be a scalar or 1D tensor")
        if q.dtype != input.dtype:
            raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
        qs = q.array
        if not ((qs >= 0) & (qs <= 1)).all():
            raise RuntimeError("quantile() q values must be in the range [0, 1]")
    else:
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
        qs = xp.asarray(q, dtype=input.dtype)
    if interpolation not in _MODES:
        raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    return qs.astype(input.dtype)


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    from .pointwise_more import lerp

    qs = _check_quantile(input, q, interpolation)
    if dim is None:
        rows = input.reshape(-1)
        kept_shape = (1,) * input.ndim
    else:
        d = _wrap_dim(dim, input.ndim)
        rows = input.movedim(d, -1) if input.ndim else input.reshape(1)
        kept_shape = input.shape[:d] + (1,) + input.shape[d + 1:] if input.ndim else ()
    ordered = rows.sort(dim=-1)[0]
    n = ordered.shape[-1]
    lead = ordered.shape[:-1]
    nan = xp.isnan(ordered.array)
    q_flat = qs.reshape(-1)
    with xp.errstate(invalid="ignore"):
        if ignore_nan:
            slope = (~nan).sum(-1, keepdims=True).astype(qs.dtype) - 1  # d rank / d q
            fixed = q_flat * slope < 0  # a row of NaN only: its first (NaN) value
            ranks = xp.where(fixed, 0, q_flat * slope)  # (..., Q)
        else:
            slope = xp.full(lead + (1,), n - 1, dtype=qs.dtype)
            fixed = xp.broadcast_to(nan.any(-1, keepdims=True), lead + (q_flat.size,))  # its last (NaN) value
            ranks = xp.where(fixed, n - 1, q_flat * slope)
    if interpolation == "lower":
        ranks = xp.floor(ranks)
    elif interpolation == "higher":
        ranks = xp.ceil(ranks)
    elif interpolation == "nearest":
        ranks = xp.round(ranks)  # half to even, as torch's round
    below = xp.floor(ranks).astype(xp.int64)
    out = ordered.gather(-1, Tensor._make(below))
    if interpolation in ("linear", "midpoint"):
        above = xp.ceil(ranks).astype(xp.int64)
        weights = xp.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
        weights = Tensor._make(weights.astype(qs.dtype))
        if interpolation == "linear" and isinstance(q, Tensor) and q.requires_grad:  # q's gradient too
            from .math import where

            slope = Tensor._make(slope)
            moving = q.reshape(-1) * slope + (weights - q.detach().reshape(-1) * slope)
            weights = where(Tensor._make(fixed), weights, moving)  # a fixed rank passes no gradient to q
        out = lerp(out, ordered.gather(-1, Tensor._make(above)), weights)
    out = out.movedim(-1, 0)  # (Q, ...)
    if keepdim:
        out = out.reshape((q_flat.size,) + tuple(kept_shape))
    return out.reshape(out.shape[1:]) if qs.ndim == 0 else out


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The ``q``-th quantiles of ``input`` along ``dim`` (all elements when None).

    Arguments: ``q`` a float or a 0-D/1-D tensor of ``input``'s dtype, each in [0, 1] (a 1-D ``q``
    adds a leading dim, one entry per quantile); ``interpolation`` one of ``linear``, ``lower``,
    ``higher``, ``midpoint``, ``nearest``. Float input, non-empty.

    >>> import scratchnet as sn
    >>> sn.quantile(sn.tensor([[0.0, 1.0], [2.0, 4.0]]), sn.tensor([0.0, 0.5]), dim=1).tolist()
    [[0.0, 2.0], [0.5, 3.0]]
    """
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """:func:`quantile` ignoring NaN: each row's quantiles of its numbers (NaN for a row of NaN).

    >>> import scratchnet as sn
    >>> sn.nanquantile(sn.tensor([1.0, float("nan"), 3.0]), 0.5)
    tensor(2.)
    """
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=True)


# --- covariance and correlation ---------------------------------------------------------------


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in ``input``'s rows (observations in its columns;
    a 1-D input is one variable, giving a 0-D variance).

    ``correction``: subtracted from the number of observations (1: Bessel's, the unbiased
    estimate); ``fweights``: integer repeat counts per observation; ``aweights``: float importance
    weights. Integer input gives the default float dtype.

    >>> import scratchnet as sn
    >>> sn.cov(sn.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with {input.ndim} dimensions")
    if input.dtype == bool_:
        raise NotImplementedError("cov(): bool dtype is not supported for input")
    from ..tensor import is_grad_enabled

    if input.ndim == 0 and (fweights is None) != (aweights is None) and input.requires_grad and is_grad_enabled():
        # torch's cov writes in place into its view of a 0-D input here (and refuses itself)
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    observations = x.shape[1]
    w = None
    if fweights is not None:
        if fweights.ndim > 1:
            raise RuntimeError(f"cov(): expected fweights to have one or fewer dimensions but got fweights with {fweights.ndim} dimensions")
        if fweights.dtype.kind not in "iu":
            raise RuntimeError(f"cov(): expected fweights to have integral dtype but got fweights with {torch_name(fweights.dtype)} dtype")
        if fweights.numel() != observations:
            raise RuntimeError(f"cov(): expected fweights to have the same numel as there are observations in the input but got {fweights.numel()} != {observations}")
        if observations and bool((fweights.array < 0).any()):
            raise RuntimeError("cov(): fweights cannot be negative")
        w = fweights
    if aweights is not None:
        if aweights.ndim > 1:
            raise RuntimeError(f"cov(): expected aweights to have one or fewer dimensions but got aweights with {aweights.ndim} dimensions")
        if aweights.dtype not in FLOAT_DTYPES:
            raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got aweights with {torch_name(aweights.dtype)} dtype")
        if aweights.numel() != observations:
            raise RuntimeError(f"cov(): expected aweights to have the same numel as there are observations in the input but got {aweights.numel()} != {observations}")
        if observations and bool((aweights.array < 0).any()):
            raise RuntimeError("cov(): aweights cannot be negative")
        w = aweights if w is None else w * aweights
    if x.dtype not in FLOAT_DTYPES:
        x = x.to(get_default_dtype() if w is None or w.dtype not in FLOAT_DTYPES else w.dtype)
    w_sum = w.sum() if w is not None else observations
    avg = (x * w if w is not None else x).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    norm_value = norm.item() if isinstance(norm, Tensor) else norm
    if norm_value <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of observations.")
        norm = norm * 0 if isinstance(norm, Tensor) else 0
    centred = x - avg.unsqueeze(1)
    c = centred.matmul((centred * w if w is not None else centred).t())
    with xp.errstate(divide="ignore", invalid="ignore"):
        return (c / norm).squeeze()


def corrcoef(input):
    """The Pearson correlation coefficients of the variables in ``input``'s rows: ``cov``
    divided by the outer product of the standard deviations, clamped to [-1, 1].

    >>> import scratchnet as sn
    >>> sn.corrcoef(sn.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    c = cov(input)
    if c.ndim == 0:
        return c / c
    std = c.diagonal().sqrt()
    c = c / std.unsqueeze(1)
    c = c / std.unsqueeze(0)
    return c.clamp(-1, 1)


# --- histogram --------------------------------------------------------------------------------


class Histogram(Function):
    backward_name = "NotImplemented"

    def forward(ctx, x, edges, weight, density):
        # each value's bin by comparison with the edges (the last bin holds its right edge too)
        return xp.histogram(x, bins=edges, weights=weight, density=density)[0].astype(x.dtype)

    def backward(ctx, grad):
        raise RuntimeError("the derivative for 'histogram' is not implemented.")


def _linspace(lo, hi, n, dtype):
    """torch's linspace in ``dtype``: the first half from ``lo`` up, the second from ``hi`` down
    (its edges, to the last bit: a value on an inner edge falls where torch's comparison puts it).
    A one-value range is widened by 1/2 each side, in ``dtype``."""
    with xp.errstate(over="ignore", invalid="ignore"):
        if lo == hi:
            lo, hi = lo - dtype.type(0.5), hi + dtype.type(0.5)
        step = (hi - lo) / dtype.type(n - 1)
        i = xp.arange(n)
        up = lo + step * i.astype(dtype)
        down = hi - step * (n - 1 - i).astype(dtype)
    return xp.where(i < n // 2, up, down).astype(dtype)


def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """The histogram of ``input``'s values: a named tuple ``(hist, bin_edges)``.

    ``bins``: a count of equal-width bins over ``range`` (default: the values' min to max), or a
    1-D tensor of increasing edges. Every bin holds ``[left, right)`` except the last,
    ``[left, right]``. ``weight``: each value's weight (default 1); ``density``: scale to a
    probability density. Float input only.

    >>> import scratchnet as sn
    >>> h = sn.histogram(sn.tensor([1.0, 2.0, 2.0, 4.0]), 3)
    >>> h.hist.tolist(), h.bin_edges.tolist()
    ([1.0, 2.0, 1.0], [1.0, 2.0, 3.0, 4.0])
    """
    if input.dtype not in FLOAT_DTYPES:
        raise NotImplementedError(f'"histogramdd" not implemented for \'{torch_name(input.dtype)}\'')
    x = input.array.reshape(-1)
    if isinstance(bins, Tensor):
        if bins.dtype != input.dtype:
            raise RuntimeError("torch.histogramdd: input tensor and bins tensors should have the same dtype, "
                               f"but got input {torch_name(input.dtype)} and bins {torch_name(bins.dtype)}")
        if bins.ndim != 1:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {bins.ndim} dimensions")
        if bins.numel() < 2:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {max(bins.numel() - 1, 0)} for dimension 0")
        edges = bins.array
        if edges.size and (xp.diff(edges) < 0).any():
            raise RuntimeError("torch.histogramdd: bin edges must be monotonically increasing")
    else:
        if bins <= 0:
            raise RuntimeError(f"torch.histogramdd: expected bin_ct[0] to be at least 1, but got {bins}")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
            if lo > hi:
                raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo} max {hi}")
        elif x.size:
            lo, hi = x.min(), x.max()  # (in the input's dtype, as torch widens them)
        else:
            lo, hi = 0.0, 1.0
        lo, hi = input.dtype.type(lo), input.dtype.type(hi)
        if not (xp.isfinite(lo) and xp.isfinite(hi)):
            fmt = lambda v: "nan" if v != v else ("inf" if v > 0 else "-inf") if abs(v) == float("inf") else f"{v:g}"
            raise RuntimeError(f"torch.histogramdd: dimension 0's range [{fmt(lo)}, {fmt(hi)}] is not finite")
        edges = _linspace(lo, hi, bins + 1, input.dtype)
    w = None
    if weight is not None:
        if weight.shape != input.shape:
            raise RuntimeError("torch.histogramdd: if weight tensor is provided it should have the same shape as the input "
                               f"tensor excluding its innermost dimension, but got input with shape {list(input.shape)} "
                               f"and weight with shape {list(weight.shape)}")
        w = weight.array.reshape(-1)
    with xp.errstate(invalid="ignore", divide="ignore"):
        hist = Histogram.apply(Tensor._make(x) if not input.requires_grad else input.reshape(-1),
                               edges=edges, weight=w, density=density)
    return return_types.histogram(hist, Tensor._make(edges.copy()))


# --- distance ---------------------------------------------------------------------------------


def dist(input, other, p=2):
    """The ``p``-norm of ``input - other`` (broadcast): ``(sum |a - b|^p)^(1/p)``; ``p = 0``
    counts the differing elements, ``inf``/``-inf`` take the largest/smallest difference.

    >>> import scratchnet as sn
    >>> sn.dist(sn.tensor([0.0, 0.0]), sn.tensor([3.0, 4.0]))
    tensor(5.)
    """
    from ..linalg import vector_norm

    diff = input - other  # (bool operands are refused here, as torch's subtraction refuses them)
    if diff.dtype not in FLOAT_DTYPES:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got {torch_name(diff.dtype)} instead.")
    if diff.numel() == 0 and abs(p) == float("inf"):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {'-' if p < 0 else ''}inf norm on an empty tensor because "
                           "the operation does not have an identity")
    out = vector_norm(diff, ord=p)
    if out.grad_fn is not None:
        out.grad_fn.backward_name = "DistBackward0"
        if p == 0:  # torch's dist has no gradient formula for p = 0: its backward fails
            out.grad_fn.backward = _undefined_gradient
    return out


def _undefined_gradient(grad):
    raise RuntimeError("Expected a proper Tensor but got None (or an undefined Tensor in C++) for argument #0 'self'")


METHODS = {
    "quantile": quantile, "nanquantile": nanquantile, "cov": cov, "corrcoef": corrcoef, "histogram": histogram,
    "dist": dist,
}
