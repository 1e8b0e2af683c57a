"""More products: tensordot (a contraction of chosen dims), kron, cross, and chains of matrix
products (``chain_matmul``, ``linalg.multi_dot``) in torch's order of multiplication.

>>> import scratchnet as sn
>>> sn.tensordot(sn.ones(2, 3), sn.ones(3, 4), dims=1).shape
scratchnet.Size([2, 4])
>>> sn.kron(sn.eye(2), sn.ones(1, 2)).shape
scratchnet.Size([2, 4])
"""

import warnings
from .. import _fma
from math import prod

from ..backend import xp
from ..tensor import Function, Tensor, _wrap_dim, bool_, broadcast_shapes
from ._promote import not_implemented
from .einsum import contract
from .math import matmul
from .products import _same_dtype, _type

__all__ = ["tensordot", "kron", "cross", "chain_matmul"]


def _dim(d, ndim):
    if ndim == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    return _wrap_dim(d, ndim)


def tensordot(a, b, dims=2, out=None):
    """Contract the last ``dims`` dims of ``a`` with the first ``dims`` of ``b`` (or the listed
    pairs ``dims=([dims of a], [dims of b])``); the rest of ``a``'s dims then ``b``'s.

    >>> import scratchnet as sn
    >>> sn.tensordot(sn.ones(2, 3, 4), sn.ones(3, 4, 5), dims=2).shape
    scratchnet.Size([2, 5])
    >>> sn.tensordot(sn.ones(2, 3), sn.ones(3, 2), dims=([0], [1])).shape
    scratchnet.Size([3, 3])
    """
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        given_a, given_b = list(range(-dims, 0)), list(range(dims))
    else:
        given_a, given_b = dims
        if isinstance(given_a, int) or isinstance(given_b, int):
            raise TypeError(f"tensordot(): argument 'dims_self' (position 3) must be tuple of ints, not {type(given_a).__name__}")
        if len(given_a) != len(given_b):
            raise RuntimeError("both dimension lists should have same length")
    dims_a, dims_b = [_dim(d, a.ndim) for d in given_a], [_dim(d, b.ndim) for d in given_b]
    for ds in (dims_a, dims_b):
        for d in ds:
            if ds.count(d) > 1:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    if a.dtype != b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    for da, db, ga, gb in zip(dims_a, dims_b, given_a, given_b):
        if a.shape[da] != b.shape[db] and 1 not in (a.shape[da], b.shape[db]):  # a size 1 broadcasts
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[da]} in dim {ga} and second has size "
                f"{b.shape[db]} in dim {gb}"
            )
    labels_a = list(range(a.ndim))
    labels_b = [labels_a[dims_a[dims_b.index(d)]] if d in dims_b else a.ndim + d for d in range(b.ndim)]
    out_labels = [l for i, l in enumerate(labels_a) if i not in dims_a] + [l for i, l in enumerate(labels_b) if i not in dims_b]
    if a.dtype == bool_:  # torch runs one matrix product (m x k) @ (k x n): its kernel has no bool loop
        m = prod(n for i, n in enumerate(a.shape) if i not in dims_a)
        n = prod(n for i, n in enumerate(b.shape) if i not in dims_b)
        k = prod(max(a.shape[da], b.shape[db]) for da, db in zip(dims_a, dims_b))
        if m == n == 1:
            raise not_implemented("dot", bool_)
        if m and n and k:
            raise not_implemented("addmm_impl_cpu_", bool_)
    return contract([a, b], [labels_a, labels_b], out_labels)


def kron(input, other, *, out=None):
    """Kronecker product: block ``(i, j)`` of the result is ``input[i, j] * other`` (any ndim,
    the smaller one padded with leading 1s).

    >>> import scratchnet as sn
    >>> sn.kron(sn.eye(2), sn.ones(1, 2)).tolist()
    [[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]]
    """
    n = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (n - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (n - other.ndim) + tuple(other.shape))
    interleaved_a = tuple(s for d in a.shape for s in (d, 1))
    interleaved_b = tuple(s for d in b.shape for s in (1, d))
    result = a.reshape(interleaved_a) * b.reshape(interleaved_b)
    return result.reshape(tuple(x * y for x, y in zip(a.shape, b.shape)))


def _cross(a, b, dim):
    """The cross product along ``dim`` as torch's kernel rounds it: component i is
    ``fma(a[p], b[q], -(a[q] * b[p]))`` for (p, q) = (1, 2), (2, 0), (0, 1), one fused multiply-add
    (a plain ``a[p] * b[q] - a[q] * b[p]`` differed from torch in the last bit for most float
    results, and gave NaN where torch's gives inf)."""
    a, b = xp.broadcast_arrays(a, b)
    if a.dtype.kind != "f":
        return xp.cross(a, b, axis=dim)
    fma = _fma.fma32 if a.dtype == xp.float32 else _fma.fma64
    a, b = xp.moveaxis(a, dim, 0), xp.moveaxis(b, dim, 0)
    out = xp.stack([fma(a[p], b[q], -(a[q] * b[p])) for p, q in ((1, 2), (2, 0), (0, 1))]).astype(a.dtype, copy=False)
    return xp.moveaxis(out, 0, dim)


class LinalgCross(Function):
    def forward(ctx, a, b, dim):
        ctx.save_for_backward(a, b)
        ctx.dim = dim
        return _cross(a, b, dim)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        dim = ctx.dim
        return (LinalgCross.apply(b, grad, dim=dim) if need_a else None), (LinalgCross.apply(grad, a, dim=dim) if need_b else None)


def cross(input, other, dim=None, *, out=None):
    """Cross product of 3-vectors along ``dim`` (default: the first dim of size 3, with torch's
    deprecation warning); batch dims broadcast.

    >>> import scratchnet as sn
    >>> sn.cross(sn.tensor([1.0, 0.0, 0.0]), sn.tensor([0.0, 1.0, 0.0]), dim=0).tolist()
    [0.0, 0.0, 1.0]
    """
    if dim is None:
        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim explicitly or "
            "simply use torch.linalg.cross.\nThe default value of dim will change to agree with that of linalg.cross "
            "in a future release.",
            UserWarning,
            stacklevel=2,
        )
        dim = next((d for d, n in enumerate(input.shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return _linalg_cross(input, other, dim)


def _linalg_cross(input, other, dim=-1):
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = _wrap_dim(dim, input.ndim)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d]} and {other.shape[d]}")
    if input.dtype == bool_:
        raise not_implemented("cross", bool_)
    _same_dtype(input, other)
    broadcast_shapes(input.shape, other.shape)
    return LinalgCross.apply(input, other, dim=d)


def _multi_dot(tensors, name="multi_dot"):
    """``tensors[0] @ tensors[1] @ ...``; the first may be a row vector and the last a column."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        edge = "first" if i == 0 else "last" if i == len(tensors) - 1 else None
        if edge and t.ndim not in (1, 2):
            raise RuntimeError(f"multi_dot(): the {edge} tensor must be 1D or 2D but got {t.ndim}D")
        if not edge and t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(
                f"multi_dot(): all tensors must have be the same dtype but tensor 0 is {_type[str(tensors[0].dtype)]} and "
                f"tensor {i} {_type[str(t.dtype)]}"
            )
    for i in range(len(tensors) - 1):
        a, b = tensors[i], tensors[i + 1]
        if a.shape[-1] != b.shape[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i} and {i + 1} with shapes {list(a.shape)} and {list(b.shape)} cannot be multiplied"
            )
    first, last = tensors[0].ndim == 1, tensors[-1].ndim == 1  # a row vector first, a column last
    mats = [t.unsqueeze(0) if i == 0 and first else t for i, t in enumerate(tensors)]
    mats[-1] = mats[-1].unsqueeze(-1) if last else mats[-1]
    out = _chain(mats, _chain_order(mats), 0, len(mats) - 1)
    if first:
        out = out.squeeze(0)
    return out.squeeze(-1) if last else out


def _chain_order(mats):
    """torch's order for a chain of matrices: for three, the cheaper of (AB)C and A(BC) (ties
    to the left); for more, the classic dynamic programme over split points (first best split
    kept). ``split[i][j]`` is where to split matrices i..j."""
    n, p = len(mats), [m.shape[0] for m in mats] + [mats[-1].shape[1]]
    split = [[0] * n for _ in range(n)]
    if n == 3:
        a, b, c, d = p
        split[0][2] = 0 if (a * c) * (b + d) > (b * d) * (a + c) else 1
        split[1][2] = 1
        split[0][1] = 0
        return split
    cost = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                q = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if cost[i][j] is None or q < cost[i][j]:
                    cost[i][j], split[i][j] = q, k
    return split


def _chain(mats, split, i, j):
    if i == j:
        return mats[i]
    k = split[i][j]
    return matmul(_chain(mats, split, i, k), _chain(mats, split, k + 1, j))


def chain_matmul(*matrices, out=None):
    """Product of 2-D matrices (deprecated in torch in favour of ``linalg.multi_dot``).

    >>> import scratchnet as sn
    >>> sn.chain_matmul(sn.eye(2), sn.ones(2, 3), sn.ones(3, 1)).tolist()
    [[3.0], [3.0]]
    """
    warnings.warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use torch.linalg.multi_dot "
        "instead, which accepts a list of two or more tensors rather than multiple parameters.",
        UserWarning,
        stacklevel=2,
    )
    for t in matrices:
        if t.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {t.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    return _multi_dot(matrices)


METHODS = {"kron": kron, "cross": cross}


def addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
    """In place ``addbmm``. As torch's, an input that only broadcasts to the ``(n, p)`` result (a
    ``[1]`` or ``[p]`` one) is resized to it: ``self`` then holds the whole result.

    >>> import scratchnet as sn
    >>> sn.zeros(1).addbmm_(sn.ones(3, 2, 2), sn.ones(3, 2, 2)).shape
    scratchnet.Size([2, 2])
    """
    from .inplace import _inplace_of
    from .products import addbmm
    from .shape_extra import _take_layout

    shape = (batch1.shape[1], batch2.shape[2]) if batch1.ndim == 3 and batch2.ndim == 3 else None
    if shape is None or tuple(self.shape) == shape or self._base is not None:
        return _inplace_of("addbmm")(self, batch1, batch2, beta=beta, alpha=alpha)
    return _take_layout(self, lambda old: addbmm(old, batch1, batch2, beta=beta, alpha=alpha))


METHODS["addbmm_"] = addbmm_
