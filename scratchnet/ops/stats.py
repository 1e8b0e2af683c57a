"""More reductions: prod, logsumexp, all/any, count_nonzero, nansum/nanmean, median/nanmedian,
mode, aminmax, var_mean/std_mean.

Each forward works on arrays; each backward is written with scratchnet's Tensor ops (the helpers
of :mod:`scratchnet.ops.reduce`), so second derivatives work. Selecting reductions (median, mode)
return torch's named ``(values, indices)`` and send the gradient to the chosen index.

>>> import scratchnet as sn
>>> x = sn.tensor([[2.0, 0.0, 3.0], [1.0, 4.0, 2.0]], requires_grad=True)
>>> x.prod(dim=1)
tensor([0., 8.], grad_fn=<ProdBackward1>)
>>> x.median(dim=1).values
tensor([2., 2.], grad_fn=<MedianBackward1>)
"""

import builtins

from .. import return_types
from ..backend import FLOAT_DTYPES, fast_where, xp
from ..tensor import Function, Tensor, bool_, is_grad_enabled
from .reduce import (
    Amax, MaxAll, Mean, dim_alias, Std, TakeAlong, Var, _reduce_extreme, accumulation_dtype, count, expand_back,
    index_result, normalize_dims, one_dim, quiet, reduced_shape, reduces_whole, select_along, to_float, torch_name,
    variance_args,
)

__all__ = [
    "prod", "logsumexp", "all", "any", "count_nonzero", "nansum", "nanmean", "median", "nanmedian",
    "mode", "aminmax", "var_mean", "std_mean",
]

# --- prod -------------------------------------------------------------------------------------


class Prod(Function):
    """The product over dims. d/dx_k is the product of the others: out / x_k when no factor is
    zero, else (product before k) * (product after k), which is exact at zeros (torch's rule)."""

    backward_name = "ProdBackward1"

    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        out = xp.asarray(x.prod(axis=dims, keepdims=keepdim), dtype=x.dtype)  # NumPy would widen bool/int32
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        from .scan import others_product

        x, out = ctx.saved_tensors
        grad = expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim)
        if not ctx.dims or x.numel() == 0:
            return grad
        zeros = int((x.array == 0).sum())
        if not zeros:
            return grad * (expand_back(out, ctx.shape, ctx.dims, ctx.keepdim) / x)  # torch's order: out / x first (3e38 / 3e38 = 1, no overflow)
        if type(ctx) is ProdAll and zeros > 1 and not is_grad_enabled():
            return Tensor._make(xp.zeros(x.shape, grad.dtype))  # torch's shortcut: every product is 0
        if len(ctx.dims) == 1:
            return grad * others_product(x, ctx.dims[0])
        return grad * others_product(x.reshape(-1), 0).reshape(ctx.shape)


class ProdAll(Prod):
    backward_name = "ProdBackward0"


@dim_alias
def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product of all elements, or along one int ``dim``; bool and ints multiply as int64.

    >>> import scratchnet as sn
    >>> sn.tensor([[1, 2], [3, 4]]).prod(dim=0)
    tensor([3, 8])
    """
    input = accumulation_dtype(input, dtype)
    if dim is None:
        return ProdAll.apply(input, dims=tuple(range(input.ndim)), keepdim=False)
    d = one_dim(dim, input.ndim, "prod")
    return Prod.apply(input, dims=() if input.ndim == 0 else (d,), keepdim=keepdim)


# --- logsumexp --------------------------------------------------------------------------------


class Logsumexp(Function):
    """log(sum(exp(x))) shifted by the max for stability; the gradient is softmax: exp(x - out)."""

    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        with quiet():
            if x.size:
                shift = x.max(axis=dims, keepdims=True) if dims else x
                shift = fast_where(xp.isfinite(shift), shift, 0)
            else:
                shift = xp.zeros(reduced_shape(x.shape, dims, True), x.dtype)
            out = xp.log(xp.exp(x - shift).sum(axis=dims, keepdims=True)) + shift
        out = xp.asarray(out if keepdim else out.reshape(reduced_shape(x.shape, dims, False)))
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        kept = expand_back(out, ctx.shape, ctx.dims, ctx.keepdim)
        return expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim) * (x - kept).exp()


@dim_alias
def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input))) over ``dim`` (an int or tuple), computed without overflow.

    >>> import scratchnet as sn
    >>> sn.tensor([1000.0, 1000.0], dtype=sn.float64).logsumexp(dim=0).item()
    1000.6931471805599
    """
    if dim is None:
        raise TypeError("logsumexp(): argument 'dim' (position 1) must be tuple of ints, not NoneType")
    if isinstance(dim, (tuple, list)) and not dim and input.ndim:
        raise RuntimeError(f"output with shape [] doesn't match the broadcast shape {[1] * input.ndim}")
    return Logsumexp.apply(to_float(input), dims=normalize_dims(dim, input.ndim), keepdim=keepdim)


# --- all, any, count_nonzero -------------------------------------------------------------------


def _logical_reduction(input, dim, keepdim, reduce):
    dims = normalize_dims(dim, input.ndim, empty_means_all=False)
    out = reduce(input.array != 0, axis=dims, keepdims=keepdim)
    return Tensor._make(xp.asarray(out, dtype=xp.uint8 if input.dtype == xp.uint8 else bool_))


@dim_alias
def all(input, dim=None, keepdim=False):
    """Whether every element is nonzero, over ``dim`` (an int or tuple; ``()`` reduces nothing).

    >>> import scratchnet as sn
    >>> sn.tensor([[1, 0], [1, 1]]).all(dim=1)
    tensor([False,  True])
    """
    return _logical_reduction(input, dim, keepdim, xp.all)


@dim_alias
def any(input, dim=None, keepdim=False):
    """Whether some element is nonzero, over ``dim``; see :func:`all`."""
    return _logical_reduction(input, dim, keepdim, xp.any)


@dim_alias
def count_nonzero(input, dim=None):
    """How many elements are nonzero, over ``dim`` (an int or tuple; None for all), as int64.

    >>> import scratchnet as sn
    >>> sn.tensor([[0.0, 1.0], [2.0, 3.0]]).count_nonzero(dim=0)
    tensor([1, 2])
    """
    dims = normalize_dims(dim, input.ndim)
    return Tensor._make(xp.asarray((input.array != 0).sum(axis=dims), dtype=xp.int64))


# --- nansum, nanmean ---------------------------------------------------------------------------


class Nansum(Function):
    """The sum with NaNs counted as zero; their gradient is zero."""

    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        ctx.kept = ~xp.isnan(x) if x.dtype.kind == "f" else None
        return xp.asarray(xp.nansum(x, axis=dims, keepdims=keepdim), dtype=x.dtype)

    def backward(ctx, grad):
        return expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim) * Tensor._make(ctx.kept.astype(grad.dtype))


@dim_alias
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum over ``dim`` treating NaN as zero.

    >>> import scratchnet as sn
    >>> sn.tensor([1.0, float("nan"), 2.0]).nansum()
    tensor(3.)
    """
    input = accumulation_dtype(input, dtype)
    return Nansum.apply(input, dims=normalize_dims(dim, input.ndim, in_order=True), keepdim=keepdim)  # dims checked in turn, as torch


@dim_alias
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean over ``dim`` of the elements that are not NaN (NaN where there are none).

    >>> import scratchnet as sn
    >>> sn.tensor([1.0, float("nan"), 2.0]).nanmean().item()
    1.5
    """
    if dtype is not None:
        input = input.to(dtype)
    if input.dtype not in FLOAT_DTYPES:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got {torch_name(input.dtype)}")
    dims = normalize_dims(dim, input.ndim)
    kept = Tensor._make(xp.asarray((~xp.isnan(input.array)).sum(axis=dims, keepdims=keepdim), dtype=input.dtype))
    return Nansum.apply(input, dims=dims, keepdim=keepdim) / kept


# --- median, nanmedian, mode -------------------------------------------------------------------


class MedianAlongDim(TakeAlong):
    backward_name = "MedianBackward1"


class MedianAll(MaxAll):
    """The median of every element; as for max(), elements equal to it share the gradient."""

    backward_name = "MedianBackward0"

    def forward(ctx, x, ignore_nan):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, tuple(range(x.ndim)), False
        if x.size == 0:  # torch: NaN (an integer dtype's NaN: its lowest value, 0 for uint8)
            ctx.weights = xp.zeros(x.shape, x.dtype)
            kind = x.dtype.kind
            return xp.asarray(xp.nan if kind == "f" else xp.iinfo(x.dtype).min if kind == "i" else 0, dtype=x.dtype)
        flat = x.reshape(-1)
        value = flat[_median_index(flat, 0, ignore_nan)[0]]
        if x.dtype in FLOAT_DTYPES:
            hits = ctx.hits(x, value)
            ctx.weights = hits / hits.sum()
        return xp.asarray(value)


class NanmedianAlongDim(TakeAlong):
    backward_name = "NanmedianBackward1"


class NanmedianAll(MedianAll):
    backward_name = "NanmedianBackward0"


class Mode(TakeAlong):
    backward_name = "ModeBackward0"


def _median_index(array, dim, ignore_nan):
    """Index (kept dim) of torch's lower median along ``dim``: the ((n - 1) // 2)-th smallest of
    the n values counted (NaNs sort last; without ``ignore_nan`` a NaN, if any, is the median)."""
    order = xp.argsort(array, axis=dim, kind="stable")
    nans = xp.isnan(array) if array.dtype.kind == "f" else xp.zeros(array.shape, bool)
    counted = array.shape[dim] - nans.sum(axis=dim, keepdims=True) if ignore_nan else xp.full(nans.sum(axis=dim, keepdims=True).shape, array.shape[dim])
    k = xp.maximum((counted - 1) // 2, 0)
    index = xp.take_along_axis(order, k, axis=dim)
    if not ignore_nan:
        first_nan = xp.argmax(nans, axis=dim, keepdims=True)
        index = fast_where(nans.any(axis=dim, keepdims=True), first_nan, index)
    return index


def _median(input, dim, keepdim, ignore_nan):
    name = "nanmedian" if ignore_nan else "median"
    if input.dtype == bool_:
        raise NotImplementedError(f"\"{'median_cpu' if dim is None else 'median_out'}\" not implemented for 'Bool'")
    if dim is None:
        return (NanmedianAll if ignore_nan else MedianAll).apply(input, ignore_nan=ignore_nan)
    d = one_dim(dim, input.ndim, name)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    index = _median_index(input.array, d, ignore_nan) if input.ndim else None
    values = select_along(NanmedianAlongDim if ignore_nan else MedianAlongDim, input, index, d, keepdim)
    result = return_types.nanmedian if ignore_nan else return_types.median
    return result(values, index_result(index if input.ndim else xp.zeros((), xp.int64), d, keepdim, input.ndim))


@dim_alias
def median(input, dim=None, keepdim=False):
    """The lower median (the ((n - 1) // 2)-th smallest) of all elements, or ``(values, indices)``
    along ``dim``; a NaN makes the median NaN.

    >>> import scratchnet as sn
    >>> sn.tensor([[3.0, 1.0, 2.0, 4.0]]).median(dim=1)
    scratchnet.return_types.median(
    values=tensor([2.]),
    indices=tensor([2]))
    """
    return _median(input, dim, keepdim, ignore_nan=False)


@dim_alias
def nanmedian(input, dim=None, keepdim=False):
    """:func:`median` of the values that are not NaN.

    >>> import scratchnet as sn
    >>> sn.tensor([3.0, float("nan"), 1.0]).nanmedian()
    tensor(1.)
    """
    return _median(input, dim, keepdim, ignore_nan=True)


def _insertion_order(moved):
    """The order in which torch's mode sorts short rows (C++ ``std::sort`` with ``<``: an insertion
    sort up to 16 elements), NaNs included: a NaN compares false both ways, so it stays put and
    stops the smaller values that come after it, except those smaller than the row's first element
    (they go to the front). Vectorised over rows; one step per position."""
    a = moved.reshape(-1, moved.shape[-1]).copy()
    order = xp.broadcast_to(xp.arange(a.shape[1]), a.shape).copy()
    rows = xp.arange(a.shape[0])[:, None]
    for i in range(1, a.shape[1]):
        val = a[:, i]
        with xp.errstate(invalid="ignore"):
            less = val[:, None] < a[:, :i]
        trailing = xp.argmin(less[:, ::-1], axis=1)  # how many elements just before i exceed val
        trailing = fast_where(less.all(axis=1), i, trailing)
        j = fast_where(val < a[:, 0], 0, i - trailing)[:, None]
        p = xp.arange(i + 1)[None, :]
        src = fast_where(p < j, p, fast_where(p == j, i, p - 1))
        a[:, : i + 1], order[:, : i + 1] = a[rows, src], order[rows, src]
    return order.reshape(moved.shape)


def _mode_index(array, dim):
    """Index (kept dim) of the most frequent value along ``dim``: the smallest such value on a tie
    of counts, at its last position (with NaNs in a short row, in the order torch's sort leaves)."""
    if array.dtype.kind == "f" and array.shape[dim] <= 16 and xp.isnan(array).any():
        order = xp.moveaxis(_insertion_order(xp.moveaxis(array, dim, -1)), -1, dim)
    else:
        order = xp.argsort(array, axis=dim, kind="stable")
    s = xp.take_along_axis(array, order, axis=dim)
    n = array.shape[dim]
    moved = xp.moveaxis(s, dim, -1)
    change = moved[..., 1:] != moved[..., :-1]
    ones = xp.ones(moved.shape[:-1] + (1,), bool)
    starts = xp.concatenate([ones, change], axis=-1)
    ends = xp.concatenate([change, ones], axis=-1)
    position = xp.arange(n)
    start_of_run = xp.maximum.accumulate(fast_where(starts, position, 0), axis=-1)
    counts = fast_where(ends, position - start_of_run + 1, -1)
    best = xp.argmax(counts, axis=-1)[..., None]
    chosen = xp.take_along_axis(xp.moveaxis(order, dim, -1), best, axis=-1)
    return xp.moveaxis(chosen, -1, dim)


@dim_alias
def mode(input, dim=-1, keepdim=False):
    """The most frequent value along ``dim`` (the smallest on a tie) and its last index.

    >>> import scratchnet as sn
    >>> sn.tensor([2.0, 1.0, 2.0, 1.0, 3.0]).mode()
    scratchnet.return_types.mode(
    values=tensor(1.),
    indices=tensor(3))
    """
    d = one_dim(dim, input.ndim, "mode")
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    index = _mode_index(input.array, d) if input.ndim else xp.zeros((), xp.int64)
    values = select_along(Mode, input, index, d, keepdim)
    return return_types.mode(values, index_result(index, d, keepdim, input.ndim))


# --- aminmax, var_mean, std_mean ---------------------------------------------------------------


class Aminmax(Amax):
    backward_name = "AminmaxBackward0"


@dim_alias
def aminmax(input, *, dim=None, keepdim=False):
    """``(min, max)`` over one ``dim`` (or all elements), each with amin's/amax's gradient.

    >>> import scratchnet as sn
    >>> sn.tensor([[1.0, 5.0], [7.0, 3.0]]).aminmax(dim=0)
    scratchnet.return_types.aminmax(
    min=tensor([1., 3.]),
    max=tensor([7., 5.]))
    """
    if dim is None:
        dims = tuple(range(input.ndim))
        if input.numel() == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.")
    else:
        wrapped = one_dim(dim, input.ndim, "aminmax")  # checked on a 0-d input too: only 0 and -1 pass
        dims = () if input.ndim == 0 else (wrapped,)
        if dims and input.shape[dims[0]] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {dims[0]} to have non-zero size.")
    low = _reduce_extreme(input, dims, keepdim, False, Aminmax, "aminmax")
    high = _reduce_extreme(input, dims, keepdim, True, Aminmax, "aminmax")
    return return_types.aminmax(low, high)


class VarMean(Var):
    backward_name = "VarMeanBackward0"
    wide_mean = True  # torch's var_mean is a Welford pass in double: no float32 overflow of the mean


class StdMean(Std):
    backward_name = "StdMeanBackward0"
    wide_mean = True


class MeanOfVarMean(Mean):
    """The mean of var_mean/std_mean, as torch's running (Welford) update gives it: summed in
    float64 (no overflow for float32), and with an inf among the values, that inf only when it is
    the last one and the only one (any value after an inf makes the running mean NaN)."""

    backward_name = "VarMeanBackward0"

    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        ctx.count = count(x.shape, dims)
        with quiet():
            out = x.sum(axis=dims, keepdims=True, dtype=xp.float64) / ctx.count
            inf = xp.isinf(x)
            if inf.any():
                moved = xp.moveaxis(x, dims, tuple(range(-len(dims), 0))) if dims else x[..., None]
                flat = moved.reshape(moved.shape[: moved.ndim - builtins.max(len(dims), 1)] + (-1,))
                last = flat[..., -1:].reshape(out.shape)
                infs = inf.sum(axis=dims, keepdims=True)
                lone = (infs == 1) & xp.isinf(last) & ~xp.isnan(out)  # (a NaN anywhere stays NaN)
                out = fast_where(infs == 0, out, fast_where(lone, last, xp.nan))
        out = out.astype(x.dtype)
        return xp.asarray(out if keepdim else out.reshape(reduced_shape(x.shape, dims, False)))


class MeanOfStdMean(MeanOfVarMean):
    backward_name = "StdMeanBackward0"


@dim_alias
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var, mean)`` over ``dim`` in one call (same arguments as :func:`var`).

    >>> import scratchnet as sn
    >>> sn.var_mean(sn.tensor([1.0, 2.0, 3.0]))
    (tensor(1.), tensor(2.))
    """
    dims, correction = variance_args("var_mean", input, dim, unbiased, keepdim, correction)
    return VarMean.apply(input, dims=dims, correction=correction, keepdim=keepdim, whole=reduces_whole(input, dim)), MeanOfVarMean.apply(input, dims=dims, keepdim=keepdim)


@dim_alias
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std, mean)`` over ``dim`` in one call (same arguments as :func:`std`).

    >>> import scratchnet as sn
    >>> sn.std_mean(sn.tensor([1.0, 3.0]), correction=0)
    (tensor(1.), tensor(2.))
    """
    dims, correction = variance_args("std_mean", input, dim, unbiased, keepdim, correction)
    return StdMean.apply(input, dims=dims, correction=correction, keepdim=keepdim, whole=reduces_whole(input, dim)), MeanOfStdMean.apply(input, dims=dims, keepdim=keepdim)


METHODS = {name: globals()[name] for name in __all__ if name not in ("var_mean", "std_mean")}
