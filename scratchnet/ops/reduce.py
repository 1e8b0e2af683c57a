"""Reductions: sum, mean, max/min (whole or along a dim), amax/amin, var, std, argmax, argmin.

The backward of a reduction puts the gradient back where the reduced dims were
(:func:`expand_back`) and spreads it: evenly for sum and mean, to the chosen elements for max.
The helpers here (dims, selection along a dim) serve the other reduction families too
(``stats.py``, ``scan.py``, ``sort.py``, ``norms.py``).

Edge cases follow torch: ``dim=()`` reduces every dim, a 0-d tensor accepts ``dim=0`` and
``dim=-1``, sums over a 0-size dim are 0 and means NaN, max over one is torch's error, and a NaN
is the max (and the min) of any set that holds one.

>>> import scratchnet as sn
>>> x = sn.tensor([[1.0, 5.0], [7.0, 3.0]], requires_grad=True)
>>> x.max(dim=1).indices
tensor([1, 0])
>>> x.max(dim=1).values.sum().backward()
>>> x.grad
tensor([[0., 1.],
        [1., 0.]])
"""

import builtins
import functools

from .. import return_types
from ..backend import FLOAT_DTYPES, fast_where, xp
from ..tensor import Function, Tensor, _wrap_dim, bool_, float64, get_default_dtype, int64, is_grad_enabled

# --- dims, shapes and names shared by every reduction ---------------------------------------------

from ..dtypes import torch_name  # noqa: E402  (torch's short names: Long, Float; the one table)


def dim_alias(fn):
    """Accept NumPy's ``axis=`` as another name for ``dim=``, as torch does."""

    @functools.wraps(fn)
    def with_axis(*args, **kwargs):
        if "axis" in kwargs:
            if "dim" in kwargs:
                raise TypeError(f"{fn.__name__}() got an unexpected keyword argument 'axis'")
            kwargs["dim"] = kwargs.pop("axis")
        return fn(*args, **kwargs)

    return with_axis


def normalize_dims(dim, ndim, empty_means_all=True, in_order=False):
    """``dim`` (None, an int, or a tuple/list) as a sorted tuple of non-negative dims.

    None means every dim; so does ``()`` unless ``empty_means_all`` is False (``all``/``any``
    reduce nothing over ``()``). A 0-d tensor takes dim 0 or -1 and has no dims to reduce.
    ``in_order`` (torch's var/std): each dim is checked in turn, so a repeat before an
    out-of-range dim is the repeat's error (sum checks every range first).
    """
    if dim is None:
        return tuple(range(ndim))
    dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    if not dims:
        return tuple(range(ndim)) if empty_means_all else ()
    seen = set()
    for d in dims if in_order else ():
        w = _wrap_dim(d, ndim)
        if w in seen:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        seen.add(w)
    wrapped = [_wrap_dim(d, ndim) for d in dims]
    if len(set(wrapped)) != len(wrapped):
        repeated = next(d for d in wrapped if wrapped.count(d) > 1)
        raise RuntimeError(f"dim {repeated} appears multiple times in the list of dims")
    return () if ndim == 0 else tuple(sorted(wrapped))


def one_dim(dim, ndim, name):
    """A single int dim, wrapped; torch refuses a tuple where one dim is expected."""
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    return _wrap_dim(dim, ndim)


def to_float(input):
    """``input`` as floating point: bool and integer tensors become the default float dtype."""
    return input if input.dtype in FLOAT_DTYPES else input.to(get_default_dtype())


def reduced_shape(shape, dims, keepdim):
    return tuple(1 if i in dims else n for i, n in enumerate(shape) if keepdim or i not in dims)


def count(shape, dims):
    """How many elements each reduction over ``dims`` combines."""
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def expand_back(grad, shape, dims, keepdim):
    """The gradient of a reduction over ``dims``, broadcast back to the input's ``shape``."""
    if not keepdim:
        grad = grad.reshape(tuple(1 if i in dims else n for i, n in enumerate(shape)))
    return grad.expand(tuple(shape))


def quiet():
    """NumPy's 0/0 and inf-inf become NaN silently, as in torch."""
    return xp.errstate(invalid="ignore", divide="ignore", over="ignore")


# --- selecting elements along a dim (the backward of max(dim), sort, topk, median, ...) ----------


class TakeAlong(Function):
    """``x`` gathered at ``indices`` along ``dim`` (``indices`` has ``x``'s ndim); with
    ``keepdim=False`` the dim (of size 1) is dropped. The gradient is added back at the indices."""

    backward_name = "GatherBackward0"

    def forward(ctx, x, indices, dim, keepdim=True):
        ctx.indices, ctx.dim, ctx.shape, ctx.keepdim = indices, dim, x.shape, keepdim
        out = xp.take_along_axis(x, indices, axis=dim) if x.ndim else x.copy()
        return out if keepdim or x.ndim == 0 else out.squeeze(dim)

    def backward(ctx, grad):
        if not ctx.keepdim and len(ctx.shape):
            grad = grad.reshape(ctx.indices.shape)
        return PutAlong.apply(grad, indices=ctx.indices, dim=ctx.dim, shape=ctx.shape)


class PutAlong(Function):
    """Zeros of ``shape`` with ``src`` added at ``indices`` along ``dim`` (repeats accumulate)."""

    backward_name = "ScatterAddBackward0"

    def forward(ctx, src, indices, dim, shape):
        ctx.indices, ctx.dim = indices, dim
        if len(shape) == 0:
            return src.copy()
        out = xp.zeros(shape, dtype=src.dtype)
        where = list(xp.ix_(*[xp.arange(n) for n in indices.shape]))
        where[dim] = indices
        xp.add.at(out, tuple(where), src)
        return out

    def backward(ctx, grad):
        return TakeAlong.apply(grad, indices=ctx.indices, dim=ctx.dim)


def select_along(cls, input, indices, dim, keepdim):
    """``values`` of a selecting reduction, as node ``cls`` (named after the op, e.g. SortBackward0)."""
    if input.ndim == 0:
        indices = xp.zeros((), dtype=xp.int64)
    return cls.apply(input, indices=indices, dim=dim, keepdim=keepdim)


def index_result(indices, dim, keepdim, ndim):
    out = indices if keepdim or ndim == 0 else indices.squeeze(dim)
    return Tensor._make(xp.asarray(out, dtype=xp.int64).reshape(out.shape if ndim else ()))


# --- sum and mean ---------------------------------------------------------------------------------


class Sum(Function):
    backward_name = "SumBackward1"

    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        return xp.asarray(x.sum(axis=dims, keepdims=keepdim), dtype=x.dtype)  # NumPy would widen bool/int32

    def backward(ctx, grad):
        return expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim)


class SumAll(Sum):
    backward_name = "SumBackward0"


class Mean(Function):
    backward_name = "MeanBackward1"

    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        ctx.count = count(x.shape, dims)
        with quiet():
            return xp.asarray(x.sum(axis=dims, keepdims=keepdim) / x.dtype.type(ctx.count))

    def backward(ctx, grad):
        return expand_back(grad / builtins.max(1, ctx.count), ctx.shape, ctx.dims, ctx.keepdim)


class MeanAll(Mean):
    backward_name = "MeanBackward0"


def accumulation_dtype(input, dtype):
    """``input`` cast to ``dtype``, or bool and integers widened to int64 as torch sums them."""
    if dtype is not None:
        if xp.dtype(dtype) not in FLOAT_DTYPES and input.requires_grad and is_grad_enabled():
            raise RuntimeError(f"Autograd not support dtype: {torch_name(xp.dtype(dtype))}")
        return input.to(dtype)
    if input.dtype.kind in "biu" and input.dtype != int64:
        return input.to(int64)
    return input


@dim_alias
def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum over ``dim`` (an int, a tuple, or None/``()`` for all); bool and ints sum as int64.

    >>> import scratchnet as sn
    >>> sn.ones(2, 3).sum(dim=(0, 1)).item()
    6.0
    >>> sn.tensor([True, True, False]).sum()
    tensor(2)
    """
    input = accumulation_dtype(input, dtype)
    cls = SumAll if dim is None else Sum
    return cls.apply(input, dims=normalize_dims(dim, input.ndim), keepdim=keepdim)


@dim_alias
def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean over ``dim``; floating input (or ``dtype=``) only, NaN over a 0-size dim, as torch.

    >>> import scratchnet as sn
    >>> sn.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(dim=0)
    tensor([2., 3.])
    """
    if dtype is not None:
        if xp.dtype(dtype) not in FLOAT_DTYPES:
            raise RuntimeError(
                f"mean(): could not infer output dtype. Optional dtype must be either a floating "
                f"point or complex dtype. Got: {torch_name(xp.dtype(dtype))}"
            )
        input = input.to(dtype)
    if input.dtype not in FLOAT_DTYPES:
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {torch_name(input.dtype)}"
        )
    cls = MeanAll if dim is None else Mean
    return cls.apply(input, dims=normalize_dims(dim, input.ndim), keepdim=keepdim)


# --- max and min ------------------------------------------------------------------------------


class Amax(Function):
    """amax/amin over dims: the gradient is shared evenly by the elements equal to the result
    (a NaN result equals nothing, so its gradient is NaN, as torch's)."""

    backward_name = "AmaxBackward0"

    def forward(ctx, x, dims, keepdim, largest):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        out = (x.max if largest else x.min)(axis=dims, keepdims=True)
        if x.dtype in FLOAT_DTYPES:
            hits = ctx.hits(x, out)
            with quiet():
                ctx.weights = hits / hits.sum(axis=dims, keepdims=True)
        return xp.asarray(out if keepdim else out.reshape(reduced_shape(x.shape, dims, False)))

    @staticmethod
    def hits(x, out):
        return x == out

    def backward(ctx, grad):
        return expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim) * Tensor._make(ctx.weights.astype(grad.dtype))


class Amin(Amax):
    backward_name = "AminBackward0"


class MaxAll(Amax):
    """max()/min() of every element: ties share the gradient, and a NaN result sends it to the NaNs."""

    backward_name = "MaxBackward1"

    @staticmethod
    def hits(x, out):
        return (x == out) | (xp.isnan(x) & xp.isnan(out))


class MinAll(MaxAll):
    backward_name = "MinBackward1"


class MaxAlongDim(TakeAlong):
    """max/min along one dim: the value at the returned index, which gets all the gradient."""

    backward_name = "MaxBackward0"


class MinAlongDim(TakeAlong):
    backward_name = "MinBackward0"


def _reduce_extreme(input, dims, keepdim, largest, cls, name, specified=True):
    """Reduce with ``cls`` over ``dims``; a 0-size reduced dim is torch's IndexError, and an empty
    tensor reduced without naming a dim (``specified=False``) torch's RuntimeError."""
    empty = [d for d in dims if input.shape[d] == 0]
    if input.numel() == 0 and not specified and input.ndim:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            f"Specify the reduction dim with the 'dim' argument."
        )
    if empty:
        raise IndexError(f"{name}(): Expected reduction dim {empty[0]} to have non-zero size.")
    return cls.apply(input, dims=dims, keepdim=keepdim, largest=largest)


def arg_extreme(array, dim, largest):
    """Index of the first largest (smallest) element along ``dim``, a NaN counting as both, kept dim."""
    find = xp.argmax if largest else xp.argmin
    return find(array, axis=dim, keepdims=True)


def _extreme(input, dim, keepdim, largest, other):
    name = "max" if largest else "min"
    if isinstance(dim, Tensor) or isinstance(other, Tensor):  # torch.max(a, b) is maximum
        from .math import maximum, minimum

        return (maximum if largest else minimum)(input, dim if isinstance(dim, Tensor) else other)
    if dim is None:
        if keepdim:
            raise TypeError(f"{name}() received an invalid combination of arguments - got (keepdim=bool), but expected (int dim, bool keepdim)")
        return _reduce_extreme(input, tuple(range(input.ndim)), False, largest, MaxAll if largest else MinAll, name, specified=False)
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{name}() received an invalid combination of arguments - got (dim={type(dim).__name__}), but expected (int dim, bool keepdim)")
    d = _wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    idx = arg_extreme(input.array, d, largest) if input.ndim else xp.zeros((), dtype=xp.int64)
    values = select_along(MaxAlongDim if largest else MinAlongDim, input, idx, d, keepdim)
    return (return_types.max if largest else return_types.min)(values, index_result(idx, d, keepdim, input.ndim))


@dim_alias
def max(input, dim=None, keepdim=False, *, other=None):
    """The largest element; with an int ``dim``, ``(values, indices)`` along it; with a tensor,
    the elementwise ``maximum`` (``torch.max(a, b)``). NaN is larger than everything.

    >>> import scratchnet as sn
    >>> sn.tensor([[1.0, 5.0], [7.0, 3.0]]).max()
    tensor(7.)
    >>> sn.tensor([[1.0, 5.0], [7.0, 3.0]]).max(dim=0)
    scratchnet.return_types.max(
    values=tensor([7., 5.]),
    indices=tensor([1, 0]))
    """
    return _extreme(input, dim, keepdim, True, other)


@dim_alias
def min(input, dim=None, keepdim=False, *, other=None):
    """The smallest element; with an int ``dim``, ``(values, indices)``; see :func:`max`."""
    return _extreme(input, dim, keepdim, False, other)


@dim_alias
def amax(input, dim=(), keepdim=False):
    """The largest values over ``dim`` (an int or tuple; ``()`` for all); ties share the gradient.

    >>> import scratchnet as sn
    >>> sn.tensor([[1.0, 5.0], [7.0, 3.0]]).amax(dim=1)
    tensor([5., 7.])
    """
    return _reduce_extreme(input, normalize_dims(dim, input.ndim), keepdim, True, Amax, "amax", specified=dim not in (None, (), []))


@dim_alias
def amin(input, dim=(), keepdim=False):
    """The smallest values over ``dim``; see :func:`amax`."""
    return _reduce_extreme(input, normalize_dims(dim, input.ndim), keepdim, False, Amin, "amin", specified=dim not in (None, (), []))


def _argextreme(input, dim, keepdim, largest):
    name = "argmax" if largest else "argmin"
    if input.dtype == bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if input.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        flat = arg_extreme(input.array.reshape(-1), 0, largest).reshape(())
        return Tensor._make(xp.asarray(flat, dtype=xp.int64).reshape((1,) * input.ndim if keepdim else ()))
    d = one_dim(dim, input.ndim, name)
    if input.ndim == 0:
        return Tensor._make(xp.zeros((), dtype=xp.int64))
    if input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return index_result(arg_extreme(input.array, d, largest), d, keepdim, input.ndim)


@dim_alias
def argmax(input, dim=None, keepdim=False):
    """Index of the largest element (of the flattened tensor when ``dim`` is None); first of ties.

    >>> import scratchnet as sn
    >>> sn.tensor([[1.0, 5.0], [7.0, 3.0]]).argmax()
    tensor(2)
    """
    return _argextreme(input, dim, keepdim, True)


@dim_alias
def argmin(input, dim=None, keepdim=False):
    """Index of the smallest element; see :func:`argmax`."""
    return _argextreme(input, dim, keepdim, False)


# --- variance and standard deviation -------------------------------------------------------------


def variance_args(name, input, dim, unbiased, keepdim, correction):
    """torch's ways to ask for a correction: ``correction=``, ``unbiased=``, ``var(False)``."""
    if isinstance(dim, builtins.bool):  # var(unbiased) overload
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both unbiased and correction")
    if correction is None:
        correction = 0 if unbiased is False else 1
    if input.dtype not in FLOAT_DTYPES:
        raise RuntimeError(f"{name if name.endswith('_mean') else 'std and var'} only support floating point and complex dtypes")
    return normalize_dims(dim, input.ndim, in_order=True), correction


def reduces_whole(input, dim):
    """torch's var/std backward has its own branch for no dim (or a 0-d input)."""
    return dim is None or isinstance(dim, builtins.bool) or input.ndim == 0


def centered_squares(x, dims, keepdim, wide_mean=False):
    """Sum of squared deviations from the mean, and the count of each group. As torch: for a full
    reduction (one output) the mean in the input's dtype (so float32 values near 3e38 overflow it),
    the squares summed in float64; otherwise (or with ``wide_mean``: var_mean/std_mean) torch's
    Welford pass in double, the mean in float64 too."""
    n = count(x.shape, dims)
    outputs = int(xp.prod([s for i, s in enumerate(x.shape) if i not in dims], dtype=xp.int64))
    with quiet():
        if wide_mean or outputs != 1:
            mean = x.sum(axis=dims, keepdims=True, dtype=float64) / builtins.max(n, 1)
        else:
            mean = x.sum(axis=dims, keepdims=True) / x.dtype.type(builtins.max(n, 1))
        centered = x.astype(float64) - mean.astype(float64)
        return (centered * centered).sum(axis=dims, keepdims=keepdim), n


class Var(Function):
    """sum((x - mean)^2) / (N - correction); its gradient is 2 (x - mean) / (N - correction)."""

    wide_mean = False  # see centered_squares

    def forward(ctx, x, dims, correction, keepdim, whole=False):
        squares, n = centered_squares(x, dims, keepdim, ctx.wide_mean)
        ctx.shape, ctx.dims, ctx.keepdim, ctx.divisor, ctx.whole = x.shape, dims, keepdim, n - correction, whole
        ctx.save_for_backward(x)
        with quiet():
            return xp.asarray(squares / builtins.max(0, n - correction)).astype(x.dtype)

    def deviation(ctx, x, grad):
        """(2 / (N - correction)) grad (x - mean), written with Tensor ops and multiplied in torch's
        order (the scalar and grad first: 2 (x - mean) alone may overflow float32)."""
        mean = Mean.apply(x, dims=ctx.dims, keepdim=True)
        grad = expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim)
        if getattr(ctx, "whole", False) and ctx.divisor <= 0:
            # torch's no-dim branch with N <= correction: grad * (NaN where x == mean, else +inf)
            return grad * Tensor._make(fast_where(x.array == mean.array, xp.nan, xp.inf).astype(x.dtype))
        with quiet():
            scale = 2.0 / xp.float64(ctx.divisor) if ctx.divisor else float("inf")
        return grad * float(scale) * (x - mean)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return ctx.deviation(x, grad)


class Std(Var):
    """sqrt of the variance; its gradient is (x - mean) / ((N - correction) std), 0 where std = 0."""

    def forward(ctx, x, dims, correction, keepdim, whole=False):
        squares, n = centered_squares(x, dims, keepdim, ctx.wide_mean)
        ctx.shape, ctx.dims, ctx.keepdim, ctx.divisor, ctx.whole = x.shape, dims, keepdim, n - correction, whole
        with quiet():
            out = xp.asarray(xp.sqrt(squares / builtins.max(0, n - correction))).astype(x.dtype)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        from .math import where

        x, out = ctx.saved_tensors
        with quiet():  # grad / (2 std) is replaced by 0 where std = 0 (its own gradient there is NaN, as torch's)
            return ctx.deviation(x, where(Tensor._make(out.array == 0), 0.0, grad / (out * 2)))


@dim_alias
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance over ``dim``, divided by ``N - correction`` (Bessel's ``correction=1`` by default;
    ``unbiased=False`` means 0), as torch.

    >>> import scratchnet as sn
    >>> round(sn.tensor([1.0, 2.0, 3.0, 4.0]).var().item(), 6)
    1.666667
    >>> sn.tensor([1.0, 2.0, 3.0, 4.0]).var(correction=0).item()
    1.25
    """
    dims, correction = variance_args("var", input, dim, unbiased, keepdim, correction)
    return Var.apply(input, dims=dims, correction=correction, keepdim=keepdim, whole=reduces_whole(input, dim))


@dim_alias
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation: the square root of :func:`var` (same arguments).

    >>> import scratchnet as sn
    >>> sn.tensor([1.0, 3.0]).std(unbiased=False)
    tensor(1.)
    """
    dims, correction = variance_args("std", input, dim, unbiased, keepdim, correction)
    return Std.apply(input, dims=dims, correction=correction, keepdim=keepdim, whole=reduces_whole(input, dim))
