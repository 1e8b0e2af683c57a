"""torch.masked's reductions and normalizations on strided tensors with a boolean ``mask``.

Each op first replaces the masked-out elements (``mask`` False; ``mask`` broadcasts to the input)
by the identity of its reduction (0 for sum, 1 for prod, -inf for amax/logsumexp, inf for amin,
NaN for median, ...), then runs the ordinary op, so masked-out elements never count. ``mask=None``
means every element is in. The gradient is that of the ordinary op through ``where``: masked-out
elements get zero. (``MaskedTensor`` and the sparse layouts are not implemented.)

>>> import scratchnet as sn
>>> x = sn.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
>>> m = sn.tensor([[True, False, True], [False, False, False]])
>>> sn.masked.sum(x, 1, mask=m)
tensor([4., 0.])
>>> sn.masked.amax(x, 1, mask=m)
tensor([3., -inf])
>>> sn.masked.mean(x, 1, mask=m)
tensor([2., nan])
"""

import math

from ..backend import xp
from ..tensor import Tensor, bool_, float32, int64

__all__ = [
    "amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax", "logaddexp", "logsumexp",
    "mean", "median", "norm", "normalize", "prod", "softmax", "softmin", "std", "sum", "var",
]

_SMALL_INTS = ("uint8", "bool", "int8", "int16", "int32")


def _sn():
    import scratchnet

    return scratchnet


def _canonical_dim(dim, ndim):
    """``dim`` as a sorted tuple of dims (None or () is every dim), with torch's errors."""
    if dim is None or dim == ():
        return tuple(range(ndim))
    dims, ndim = [], max(ndim, 1)
    for d in (dim,) if isinstance(dim, int) else dim:
        if d in dims:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        if d >= ndim or d < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {d})")
        dims.append(d % ndim)
    return tuple(sorted(dims))


def _input_mask(input, mask):
    """The mask as a bool tensor of ``input``'s shape (broadcast; never of more dims)."""
    if tuple(mask.shape) != tuple(input.shape):
        if mask.ndim > input.ndim:
            raise IndexError("_input_mask expected broadcastable mask (got mask dimensionality higher than of the input)")
        mask = _sn().broadcast_to(mask, input.shape)
    return mask.to(bool_)


def _identity(op, input, ord=None):
    """The value that leaves ``op``'s reduction unchanged, as a 0-d tensor of input's dtype."""
    dtype, kind = input.dtype, xp.dtype(input.dtype).kind
    if op in ("sum", "cumsum") or (op == "norm" and ord != -math.inf):
        value = 0
    elif op in ("prod", "cumprod"):
        value = 1
    elif op in ("amax", "argmax", "logaddexp", "logsumexp", "amin", "argmin") and kind in "fiu":
        low = op not in ("amin", "argmin")
        info = xp.iinfo(dtype) if kind in "iu" else None
        value = (-math.inf if low else math.inf) if info is None else (info.min if low else info.max)
    elif op == "norm":
        value = math.inf
    elif op == "median":
        return Tensor._make(xp.asarray(xp.nan, dtype=dtype if kind == "f" else float32))
    else:
        raise NotImplementedError(f"identity of {op} on {_sn().dtypes.torch_name(dtype)} input")
    return Tensor._make(xp.asarray(value, dtype=dtype))


def _masked_input(op, input, mask, ord=None):
    if mask is None:
        return input
    return _sn().where(_input_mask(input, mask), input, _identity(op, input, ord))


def _int64_for_small(input, dtype):
    if dtype is None:
        return int64 if str(input.dtype) in _SMALL_INTS else input.dtype
    return dtype


def _dims_or_all(dims):
    return dims if dims else None


def sum(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The sum of the elements in ``mask`` over ``dim`` (all dims when None); small integer
    dtypes and bool sum in int64. An all-masked-out slice gives 0.

    >>> import scratchnet as sn
    >>> sn.masked.sum(sn.tensor([1.0, 2.0, 3.0]), mask=sn.tensor([True, False, True]))
    tensor(4.)
    """
    dtype = _int64_for_small(input, dtype)
    dims = _canonical_dim(dim, input.ndim)
    x = _masked_input("sum", input, mask)
    if not dims:
        return x.to(dtype)
    return _sn().sum(x, dims, bool(keepdim), dtype=dtype)


def prod(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The product of the elements in ``mask`` over ``dim``; an all-masked-out slice gives 1.

    >>> import scratchnet as sn
    >>> sn.masked.prod(sn.tensor([2.0, 5.0, 3.0]), mask=sn.tensor([True, False, True]))
    tensor(6.)
    """
    dtype = _int64_for_small(input, dtype)
    out = _masked_input("prod", input, mask).to(dtype)
    for d in reversed(_canonical_dim(dim, input.ndim)):
        out = out.prod(dim=d, keepdim=bool(keepdim))
    return out


def _scan(op, input, dim, dtype, mask):
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    x = _masked_input("sum" if op == "cumsum" else "prod", input, mask)
    return getattr(_sn(), op)(x, d, dtype=dtype).to(dtype)


def cumsum(input, dim, *, dtype=None, mask=None):
    """The running sum along ``dim``, masked-out elements counting as 0.

    >>> import scratchnet as sn
    >>> sn.masked.cumsum(sn.tensor([1.0, 2.0, 3.0]), 0, mask=sn.tensor([True, False, True]))
    tensor([1., 1., 4.])
    """
    return _scan("cumsum", input, dim, dtype, mask)


def cumprod(input, dim, *, dtype=None, mask=None):
    """The running product along ``dim``, masked-out elements counting as 1.

    >>> import scratchnet as sn
    >>> sn.masked.cumprod(sn.tensor([2.0, 5.0, 3.0]), 0, mask=sn.tensor([True, False, True]))
    tensor([2., 2., 6.])
    """
    return _scan("cumprod", input, dim, dtype, mask)


def _extreme(op, input, dim, keepdim, dtype, mask):
    dtype = input.dtype if dtype is None else dtype
    x = _masked_input(op, input, mask)
    return getattr(_sn(), op)(x, _canonical_dim(dim, x.ndim), bool(keepdim)).to(dtype)


def amax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The largest element in ``mask`` over ``dim`` (-inf, or the dtype's least, where none is).

    >>> import scratchnet as sn
    >>> sn.masked.amax(sn.tensor([1.0, 9.0, 3.0]), mask=sn.tensor([True, False, True]))
    tensor(3.)
    """
    return _extreme("amax", input, dim, keepdim, dtype, mask)


def amin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The smallest element in ``mask`` over ``dim`` (inf, or the dtype's greatest, where none is).

    >>> import scratchnet as sn
    >>> sn.masked.amin(sn.tensor([1.0, 0.0, 3.0]), mask=sn.tensor([True, False, True]))
    tensor(1.)
    """
    return _extreme("amin", input, dim, keepdim, dtype, mask)


def _arg(op, input, dim, keepdim, dtype, mask):
    dtype = input.dtype if dtype is None else dtype
    return getattr(_sn(), op)(_masked_input(op, input, mask), dim, bool(keepdim)).to(dtype)


def argmax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The index of the largest element in ``mask`` along ``dim``, in ``input``'s dtype (as torch).

    >>> import scratchnet as sn
    >>> sn.masked.argmax(sn.tensor([1.0, 9.0, 3.0]), 0, mask=sn.tensor([True, False, True]))
    tensor(2.)
    """
    return _arg("argmax", input, dim, keepdim, dtype, mask)


def argmin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The index of the smallest element in ``mask`` along ``dim``, in ``input``'s dtype.

    >>> import scratchnet as sn
    >>> sn.masked.argmin(sn.tensor([1.0, 0.0, 3.0]), 0, mask=sn.tensor([True, False, True]))
    tensor(0.)
    """
    return _arg("argmin", input, dim, keepdim, dtype, mask)


def _count(input, dim, keepdim, mask):
    if mask is None:
        return sum(_sn().ones(input.shape, dtype=int64), dim, keepdim=keepdim)
    return _input_mask(input, mask).sum(dim=dim, keepdim=bool(keepdim))


def mean(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The mean of the elements in ``mask`` over ``dim`` (NaN where none is). Floating only.

    >>> import scratchnet as sn
    >>> sn.masked.mean(sn.tensor([1.0, 9.0, 3.0]), mask=sn.tensor([True, False, True]))
    tensor(2.)
    """
    source = "Input" if dtype is None else "Optional"
    dtype = input.dtype if dtype is None else dtype
    if not dtype.is_floating_point:
        raise ValueError(f"mean(): Could not infer output dtype. {source} dtype must be either a floating point or "
                         f"complex dtype. Got: {_sn().dtypes.torch_name(dtype)}")
    total = sum(input, dim, keepdim=keepdim, dtype=dtype, mask=None if mask is None else _input_mask(input, mask))
    return total / _count(input, dim, keepdim, mask)


def median(input, dim=-1, *, keepdim=False, dtype=None, mask=None):
    """The median (the lower of the middle two) of the elements in ``mask`` along ``dim``: NaN
    where none is (an integer input may not have such a slice).

    >>> import scratchnet as sn
    >>> sn.masked.median(sn.tensor([1.0, 9.0, 3.0, 4.0]), mask=sn.tensor([True, False, True, True]))
    tensor(3.)
    """
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    is_float = input.dtype.is_floating_point
    if not is_float:
        input = input.to(float32)
    out = _sn().nanmedian(_masked_input("median", input, mask), d, keepdim).values
    if is_float:
        return out
    if bool(_sn().isnan(out).any()):
        raise ValueError("masked median expects no fully masked out rows if dtype is not floating point")
    return out.to(dtype)


def logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """log(sum(exp(x))) of the elements in ``mask`` over ``dim`` (-inf where none is).

    >>> import scratchnet as sn
    >>> sn.masked.logsumexp(sn.tensor([0.0, 9.0, 0.0]), mask=sn.tensor([True, False, True]))
    tensor(0.6931)
    """
    dtype = input.dtype if dtype is None else dtype
    x = _masked_input("logsumexp", input, mask)
    return _sn().logsumexp(x, _canonical_dim(dim, input.ndim), keepdim=keepdim).to(dtype)


def logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):
    """log(exp(input) + exp(other)) elementwise, each side's masked-out elements -inf.

    >>> import scratchnet as sn
    >>> m = sn.tensor([True, False])
    >>> sn.masked.logaddexp(sn.tensor([0.0, 1.0]), sn.tensor([0.0, 2.0]), input_mask=m, other_mask=m)
    tensor([0.6931,   -inf])
    """
    dtype = input.dtype if dtype is None else dtype
    a = _masked_input("logaddexp", input, input_mask)
    b = _masked_input("logaddexp", other, other_mask)
    return _sn().logaddexp(a, b).to(dtype)


def norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The ``ord``-norm (as ``linalg.vector_norm``) of the elements in ``mask`` over ``dim``.

    >>> import scratchnet as sn
    >>> sn.masked.norm(sn.tensor([3.0, 9.0, 4.0]), 2.0, mask=sn.tensor([True, False, True]))
    tensor(5.)
    """
    dtype = input.dtype if dtype is None else dtype
    x = _masked_input("norm", input, mask, ord)
    return _sn().linalg.vector_norm(x, ord, _canonical_dim(dim, input.ndim), bool(keepdim), dtype=dtype)


def _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt):
    sn = _sn()
    if unbiased is not None and correction is not None:
        raise AssertionError("Only one of unbiased and correction may be given")
    c = float(correction) if correction is not None else (1.0 if unbiased is None or unbiased else 0.0)
    if dtype is None:
        dtype = input.dtype if input.dtype.is_floating_point else float32
    compute = dtype if dtype.is_floating_point else float32
    inmask = None if mask is None else _input_mask(input, mask)
    count = _count(input, dim, True, inmask)
    centred = input - sn.divide(sum(input, dim, keepdim=True, dtype=dtype, mask=inmask), count)
    total = sum(centred * centred, dim, keepdim=keepdim, dtype=compute, mask=inmask)
    if not keepdim:
        count = count.reshape(total.shape)
    if c != 0:
        count = sn.subtract(count.to(compute), c)
        count = sn.maximum(count, count.new_zeros([]))
    out = sn.divide(total, count).to(dtype)
    return sn.sqrt(out) if take_sqrt else out


def var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """The variance of the elements in ``mask`` over ``dim``, dividing by ``count - correction``
    (default 1; ``unbiased=False`` is 0; never below 0). NaN where no element is in.

    >>> import scratchnet as sn
    >>> sn.masked.var(sn.tensor([1.0, 9.0, 3.0]), mask=sn.tensor([True, False, True]))
    tensor(2.)
    """
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt=False)


def std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """The standard deviation: the square root of :func:`var`.

    >>> import scratchnet as sn
    >>> sn.masked.std(sn.tensor([1.0, 9.0, 3.0]), mask=sn.tensor([True, False, True]))
    tensor(1.4142)
    """
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt=True)


def _normalization(fn, identity, input, dim, dtype, mask):
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return getattr(_sn().nn.functional, fn)(_masked_input(identity, input, mask), d, dtype=dtype)


def softmax(input, dim, *, dtype=None, mask=None):
    """``softmax`` along ``dim`` over the elements in ``mask`` (masked-out ones get 0; a slice
    with none in gives NaN).

    >>> import scratchnet as sn
    >>> sn.masked.softmax(sn.tensor([1.0, 9.0, 1.0]), 0, mask=sn.tensor([True, False, True]))
    tensor([0.5000, 0.0000, 0.5000])
    """
    return _normalization("softmax", "amax", input, dim, dtype, mask)


def log_softmax(input, dim, *, dtype=None, mask=None):
    """``log_softmax`` along ``dim`` over the elements in ``mask`` (masked-out ones get -inf).

    >>> import scratchnet as sn
    >>> sn.masked.log_softmax(sn.tensor([1.0, 9.0, 1.0]), 0, mask=sn.tensor([True, False, True]))
    tensor([-0.6931,    -inf, -0.6931])
    """
    return _normalization("log_softmax", "amax", input, dim, dtype, mask)


def softmin(input, dim, *, dtype=None, mask=None):
    """``softmin`` along ``dim`` over the elements in ``mask`` (masked-out ones get 0).

    >>> import scratchnet as sn
    >>> sn.masked.softmin(sn.tensor([1.0, -9.0, 1.0]), 0, mask=sn.tensor([True, False, True]))
    tensor([0.5000, 0.0000, 0.5000])
    """
    return _normalization("softmin", "amin", input, dim, dtype, mask)


def normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None):
    """``input`` divided by its masked ``ord``-norm along ``dim`` (at least ``eps``); masked-out
    elements become 0.

    >>> import scratchnet as sn
    >>> sn.masked.normalize(sn.tensor([3.0, 9.0, 4.0]), 2.0, 0, mask=sn.tensor([True, False, True]))
    tensor([0.6000, 0.0000, 0.8000])
    """
    sn = _sn()
    dtype = input.dtype if dtype is None else dtype
    x = _masked_input("sum", input, mask)
    n = norm(input, ord, dim, keepdim=True, dtype=dtype, mask=mask)
    return sn.divide(x, sn.maximum(n, n.new_full([], eps)))
