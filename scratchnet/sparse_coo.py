"""Sparse COO tensors, as far as graph programs use them: ``torch.sparse_coo_tensor``,
``Tensor.to_sparse()``, ``indices()`` / ``values()`` / ``coalesce()`` / ``_nnz()`` /
``to_dense()``, the ``layout`` and ``is_sparse`` of every tensor, and products with dense
tensors (``sparse @ dense``, ``torch.mm``, ``torch.spmm``, ``dense + sparse``), which give dense
results as torch's do.

A sparse tensor here keeps torch's COO description (an ``(ndim, nnz)`` int64 ``indices`` and its
``values``, duplicates allowed until :meth:`coalesce`) *beside* a dense copy of its values, which
every other op computes with. So a sparse tensor costs dense memory (fine for a graph of thousands of
nodes; not for millions), and an op other than those above returns a dense (strided) tensor where
torch may return a sparse one (``torch.sum(s, dim=1)``, ``s * 2``).

>>> import scratchnet as sn
>>> s = sn.sparse_coo_tensor([[0, 1, 1], [1, 0, 0]], [1.0, 2.0, 3.0], (2, 2))
>>> s.layout, s.is_sparse, s._nnz()
(scratchnet.sparse_coo, True, 3)
>>> s.to_dense().tolist()
[[0.0, 1.0], [5.0, 0.0]]
>>> s.coalesce().values().tolist()
[1.0, 5.0]
>>> (s @ sn.ones(2, 1)).tolist()
[[1.0], [5.0]]
"""

from .backend import xp
from .tensor import Function, Tensor


class layout:
    """A tensor's memory layout: ``strided`` (dense) or ``sparse_coo``."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"scratchnet.{self.name}"


strided = layout("strided")
sparse_coo = layout("sparse_coo")


class SparseCOOTensor(Tensor):
    """A Tensor whose layout is sparse_coo (see the module docstring). Its ``_array`` is the dense
    equivalent; ``_coo`` holds (indices, values, coalesced) as NumPy arrays."""

    @property
    def layout(self):
        return sparse_coo

    @property
    def is_sparse(self):
        return True

    def _indices(self):
        """The (sparse_dim, nnz) int64 indices as stored (duplicates kept before coalescing)."""
        return Tensor._make(self._coo[0])

    def _values(self):
        """The nnz values as stored."""
        return Tensor._make(self._coo[1])

    def indices(self):
        """The indices of a coalesced tensor (torch refuses an uncoalesced one)."""
        if not self._coo[2]:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
        return self._indices()

    def values(self):
        """The values of a coalesced tensor (torch refuses an uncoalesced one)."""
        if not self._coo[2]:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
        return self._values()

    def _nnz(self):
        """How many (index, value) entries are stored."""
        return int(self._coo[1].shape[0])

    def is_coalesced(self):
        return bool(self._coo[2])

    def sparse_dim(self):
        return int(self._coo[0].shape[0])

    def dense_dim(self):
        return self.ndim - self.sparse_dim()

    def coalesce(self):
        """The same tensor with its indices sorted and duplicates summed (stored zeros are kept)."""
        if self._coo[2]:
            return self
        indices, values = self._coo[0], self._coo[1]
        flat = xp.ravel_multi_index(tuple(indices), self.shape[:indices.shape[0]]) if values.size else xp.zeros(0, xp.int64)
        unique, inverse = xp.unique(flat, return_inverse=True)
        summed = xp.zeros((unique.size,) + values.shape[1:], dtype=values.dtype)
        xp.add.at(summed, inverse.reshape(-1), values)
        new = xp.array(xp.unravel_index(unique, self.shape[:indices.shape[0]]), dtype=xp.int64).reshape(indices.shape[0], -1)
        return _sparse(self._array, new, summed, True, self.requires_grad)

    def to_dense(self, dtype=None, *, masked_grad=None):
        """The dense (strided) tensor with the same values. Its gradient reaches this tensor masked
        to the stored positions (a dense gradient there, zero elsewhere), as torch's ``masked_grad``."""
        mask = xp.zeros(self.shape[:self.sparse_dim()], dtype=bool)
        if self._nnz():
            mask[tuple(self._coo[0])] = True
        out = Dense.apply(self, mask=mask.reshape(mask.shape + (1,) * self.dense_dim()))
        return out if dtype is None else out.to(dtype)

    def to_sparse(self, *args, **kwargs):
        return self

    def _sparse_matmul(self, other):
        """``self @ other`` over the stored entries (an unstored zero times inf is 0, as torch's),
        for a sparse matrix that needs no gradient and a dense matrix or vector that fits; None
        leaves the product (and its errors) to the dense path."""
        if self.requires_grad or self.ndim != 2 or self.sparse_dim() != 2 or isinstance(other, SparseCOOTensor):
            return None
        if other.ndim not in (1, 2) or other.shape[0] != self.shape[1] or other.dtype != self.dtype:
            return None
        column = other.ndim == 1
        dense = other.unsqueeze(1) if column else other
        out = SparseMM.apply(dense, indices=self._coo[0], values=self._coo[1], rows=self.shape[0])
        return out.squeeze(1) if column else out

    def __repr__(self):
        lead = "tensor(indices="
        indices = repr(self._indices()).replace("\n", "\n" + " " * len(lead))
        values = repr(self._values()).replace("\n", "\n" + " " * len("       values="))
        size = tuple(self.shape)
        return f"{lead}{indices},\n       values={values},\n       size={size}, nnz={self._nnz()}, layout={sparse_coo!r})"

    __str__ = __repr__


def _sparse(dense, indices, values, coalesced, requires_grad=False):
    out = Tensor._make(dense, requires_grad)
    out.__class__ = SparseCOOTensor
    out._coo = (indices, values, coalesced)
    return out


class SparseMM(Function):
    """``S @ D`` for S given by (indices, values) with ``rows`` rows: each stored value times its
    row of D, added into its output row. The gradient for D is ``S^T @ grad``, the same product
    with rows and columns swapped, so it differentiates again."""

    backward_name = "MmBackward0"

    def forward(ctx, dense, indices, values, rows):
        from .backend import index_add_rows

        ctx.indices, ctx.values, ctx.columns = indices, values, dense.shape[0]
        out = xp.zeros((rows,) + dense.shape[1:], dtype=dense.dtype)
        return index_add_rows(out, indices[0], values[:, None].astype(dense.dtype) * dense[indices[1]])

    def backward(ctx, grad):
        return SparseMM.apply(grad, indices=ctx.indices[::-1], values=ctx.values, rows=ctx.columns)


class Dense(Function):
    """to_dense in the graph: the same values; the gradient kept at the stored positions only."""

    backward_name = "ToDenseBackward0"

    def forward(ctx, x, mask):
        ctx.mask = mask
        return x

    def backward(ctx, grad):
        return grad * Tensor._make(ctx.mask.astype(grad.dtype))


class ToSparse(Function):
    """to_sparse in the graph: the same values, the gradient straight through."""

    backward_name = "ToSparseBackward0"

    def forward(ctx, x):
        return x

    def backward(ctx, grad):
        return grad


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, pin_memory=False, requires_grad=False,
                      check_invariants=None, is_coalesced=None):
    """A sparse COO tensor with ``values[k]`` at position ``indices[:, k]`` (duplicates add up).

    Args:
        indices (array_like): ``(sparse_dim, nnz)`` integer positions.
        values (array_like): ``(nnz, *dense_dims)`` values (their dtype, unless ``dtype`` is given).
        size (tuple, optional): the full shape; default, one past the largest index in each dim.

    >>> import scratchnet as sn
    >>> sparse_coo_tensor([[0, 2]], [5, 6], (4,)).to_dense().tolist()
    [5, 0, 6, 0]
    """
    from .creation import tensor as make_tensor

    idx = indices.array if isinstance(indices, Tensor) else xp.asarray(indices)
    vals = values if isinstance(values, Tensor) else make_tensor(values)
    vals = vals.array if dtype is None else vals.to(dtype).array
    if idx.ndim != 2 or idx.dtype.kind not in "iu":
        raise RuntimeError(f"indices must be an int64 tensor of shape (sparse_dim, nnz), got {idx.dtype} of shape {tuple(idx.shape)}")
    idx = idx.astype(xp.int64)
    if vals.shape[:1] != idx.shape[1:]:
        raise RuntimeError(f"indices and values must have the same nnz, but got nnz from indices: {idx.shape[1]}, nnz from values: {vals.shape[0] if vals.ndim else 1}")
    if size is None:
        size = tuple(int(m) + 1 for m in (idx.max(axis=1) if idx.shape[1] else xp.full(idx.shape[0], -1))) + vals.shape[1:]
    size = tuple(int(n) for n in size)
    for d in range(idx.shape[0]):
        if idx.shape[1] and (idx[d].min() < 0 or idx[d].max() >= size[d]):
            raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is {size[d]} but found index {int(idx[d].max()) if idx[d].max() >= size[d] else int(idx[d].min())}")
    dense = xp.zeros(size, dtype=vals.dtype)
    if idx.shape[1]:
        xp.add.at(dense, tuple(idx), vals)
    return _sparse(dense, idx, vals.copy(), bool(is_coalesced) or idx.shape[1] <= 1, requires_grad)


def to_sparse(input, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """``x.to_sparse()``: the sparse COO form of a dense tensor, its nonzeros in row-major order
    (coalesced). ``sparse_dim`` < ndim keeps the trailing dims dense in each value.

    >>> import scratchnet as sn
    >>> sn.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse().indices().tolist()
    [[0, 1], [1, 0]]
    """
    if isinstance(input, SparseCOOTensor):
        return input
    if layout not in (None, sparse_coo):
        raise NotImplementedError(f"to_sparse: only the sparse_coo layout is available, got {layout!r}")
    k = input.ndim if sparse_dim is None else int(sparse_dim)
    x = input.array
    nonzero = (x != 0).reshape(x.shape[:k] + (-1,)).any(axis=-1) if k < x.ndim else (x != 0)
    if k == 0:  # a 0-d tensor: no index dims, one stored value if it is nonzero
        idx = xp.zeros((0, int(nonzero.any())), dtype=xp.int64)
        values = x.reshape((1,) + x.shape)[:idx.shape[1]]
    else:
        idx = xp.array(xp.nonzero(nonzero), dtype=xp.int64).reshape(k, -1)
        values = x[tuple(idx)]
    out = ToSparse.apply(input) if input.requires_grad else Tensor._make(x)
    out.__class__ = SparseCOOTensor
    out._coo = (idx, values, True)
    return out


def spmm(input, mat2):
    """``torch.spmm``: the matrix product of a (sparse or dense) matrix with a dense one, dense.

    >>> import scratchnet as sn
    >>> spmm(sn.eye(2).to_sparse(), sn.ones(2, 1)).tolist()
    [[1.0], [1.0]]
    """
    from .ops.math import mm

    return mm(input, mat2)


Tensor.layout = property(lambda self: strided, doc="The memory layout: ``scratchnet.strided`` (sparse tensors: ``sparse_coo``).")
Tensor.is_sparse = property(lambda self: False, doc="True for a sparse COO tensor.")
Tensor.to_sparse = to_sparse


def _dense_to_dense(self, dtype=None, *, masked_grad=None):
    """``x.to_dense()`` of a dense (strided) tensor: the tensor itself (cast to ``dtype`` if given).

    >>> import scratchnet as sn
    >>> x = sn.ones(2); x.to_dense() is x
    True
    """
    return self if dtype is None else self.to(dtype)


Tensor.to_dense = _dense_to_dense

__all__ = ["sparse_coo_tensor", "spmm", "strided", "sparse_coo"]
