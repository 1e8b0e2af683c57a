"""More shape ops: cat's other names (concat, concatenate), rot90, diagflat, block_diag,
cartesian_prod, combinations, vander, broadcast_shapes, unravel_index, the trapezoid rule
(trapezoid, trapz, cumulative_trapezoid), sum_to_size, and the in-place shape edits
(``squeeze_``, ``unsqueeze_``, ``t_``, ``transpose_``, ``swapaxes_``, ``swapdims_``).

Most are compositions of differentiable ops (so their gradients and second derivatives come
from those); rot90 and block_diag are their own nodes, each backward the forward's adjoint:
rot90 by ``-k``, block_diag cutting each block out of the gradient.

The in-place shape edits change only the tensor's shape and strides (no values move): the
tensor takes the view's layout and history, and its version counter goes up, as in torch.

>>> import scratchnet as sn
>>> sn.rot90(sn.tensor([[1, 2], [3, 4]])).tolist()
[[2, 4], [1, 3]]
"""

import builtins

from ..backend import xp
from ..dtypes import result_type
from ..tensor import Function, Size, Tensor, _wrap_dim, int64, is_grad_enabled
from .shape import cat, squeeze, stack, t, transpose, unsqueeze

__all__ = [
    "concat", "concatenate", "rot90", "diagflat", "block_diag", "cartesian_prod", "combinations",
    "vander", "broadcast_shapes", "unravel_index", "trapezoid", "trapz", "cumulative_trapezoid",
]


def concat(tensors, dim=0, *, axis=None, out=None):
    """``cat(tensors, dim)`` under NumPy's name (``axis`` is accepted for ``dim``).

    >>> import scratchnet as sn
    >>> sn.concat([sn.ones(1, 2), sn.zeros(1, 2)], dim=1).shape
    scratchnet.Size([1, 4])
    """
    return cat(tensors, dim if axis is None else axis)


def concatenate(tensors, axis=0, *, dim=None, out=None):
    """``cat(tensors, axis)``, NumPy's spelling (``dim`` is accepted for ``axis``).

    >>> import scratchnet as sn
    >>> sn.concatenate([sn.tensor([1]), sn.tensor([2, 3])]).tolist()
    [1, 2, 3]
    """
    return cat(tensors, axis if dim is None else dim)


# --- rot90 ------------------------------------------------------------------------------------


class Rot90(Function):
    def forward(ctx, x, k, dims):
        ctx.k, ctx.dims = k, dims
        return xp.rot90(x, k, dims).copy()

    def backward(ctx, grad):
        return Rot90.apply(grad, k=-ctx.k, dims=ctx.dims)


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``, from the first axis towards the
    second (``k < 0`` the other way); a new tensor.

    Arguments: ``input`` (at least 2-D), ``k`` (int), ``dims`` (two different dims).

    >>> import scratchnet as sn
    >>> sn.rot90(sn.tensor([[1, 2], [3, 4]]), -1, [0, 1]).tolist()
    [[3, 1], [4, 2]]
    """
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    a, b = _wrap_dim(dims[0], input.ndim), _wrap_dim(dims[1], input.ndim)
    if a == b:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {a} and dim1 = {b}")
    return Rot90.apply(input, k=int(k) % 4, dims=(a, b))


# --- diagonal matrices ------------------------------------------------------------------------


def diagflat(input, offset=0):
    """A square matrix with the flattened ``input`` on diagonal ``offset`` (above the main one
    for ``offset > 0``), zeros elsewhere.

    >>> import scratchnet as sn
    >>> sn.diagflat(sn.tensor([[1, 2]])).tolist()
    [[1, 0], [0, 2]]
    """
    from .arrange import diag_embed

    return diag_embed(input.reshape(-1), offset, 0, 1)


class BlockDiag(Function):
    def forward(ctx, *blocks):
        dtype = result_type(*[Tensor._make(b) for b in blocks])  # a 0-D block promotes as a 0-D tensor
        mats = [b.reshape(1, 1) if b.ndim == 0 else b.reshape(1, -1) if b.ndim == 1 else b for b in blocks]
        ctx.shapes = [b.shape for b in blocks]
        ctx.corners = []
        rows, cols = builtins.sum(m.shape[0] for m in mats), builtins.sum(m.shape[1] for m in mats)
        out = xp.zeros((rows, cols), dtype=dtype)
        r = c = 0
        for m in mats:
            out[r:r + m.shape[0], c:c + m.shape[1]] = m
            r, c = r + m.shape[0], c + m.shape[1]
        r = c = 0
        for b, m in zip(blocks, mats):  # where torch's backward reads each block: it counts an
            h, w = (0, 0) if b.ndim == 1 and not b.size else m.shape  # empty 1-D block as 0x0
            ctx.corners.append((r, c, h, w))
            r, c = r + h, c + w
        return out

    def backward(ctx, grad):
        return tuple(grad[r:r + h, c:c + w].reshape(shape) for (r, c, h, w), shape in zip(ctx.corners, ctx.shapes))


def block_diag(*tensors):
    """The block-diagonal matrix of ``tensors`` (each 0-D, 1-D or 2-D; a 0-D tensor is a 1x1
    block, a 1-D one a single row), in their promoted dtype.

    >>> import scratchnet as sn
    >>> sn.block_diag(sn.tensor([[1, 2]]), sn.tensor(3)).tolist()
    [[1, 2, 0], [0, 0, 3]]
    """
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
        if x.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has {x.ndim} dimensions")
    if not tensors:
        return Tensor._make(xp.zeros((1, 0), dtype=xp.float32))
    return BlockDiag.apply(*tensors)


# --- products of index sets -------------------------------------------------------------------


def _need_1d(x):
    if x.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")


def cartesian_prod(*tensors):
    """Every tuple of one element from each 1-D tensor, as rows (``itertools.product`` order);
    one tensor comes back as it is.

    >>> import scratchnet as sn
    >>> sn.cartesian_prod(sn.tensor([1, 2]), sn.tensor([3, 4])).tolist()
    [[1, 3], [1, 4], [2, 3], [2, 4]]
    """
    from .stacking import meshgrid

    for x in tensors:
        _need_1d(x)
    if any(x.dtype != tensors[0].dtype for x in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], dim=1)


def combinations(input, r=2, with_replacement=False):
    """The length-``r`` combinations of the 1-D ``input``'s elements, as rows
    (``itertools.combinations`` order; ``with_replacement`` as
    ``itertools.combinations_with_replacement``). ``r = 0`` gives an empty tensor.

    >>> import scratchnet as sn
    >>> sn.combinations(sn.tensor([1, 2, 3])).tolist()
    [[1, 2], [1, 3], [2, 3]]
    """
    _need_1d(input)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return Tensor._make(xp.zeros((0,), dtype=input.dtype))
    n = input.shape[0]
    grid = xp.indices((n,) * r).reshape(r, -1).T  # every r-tuple of positions, lexicographic
    steps = xp.diff(grid, axis=1)
    keep = (steps >= 0).all(axis=1) if with_replacement else (steps > 0).all(axis=1)
    index = grid[keep]
    return input[Tensor._make(index.reshape(-1).astype(int64))].reshape(index.shape[0], r)


class Vander(Function):
    """Its backward refuses, as torch's does: torch builds the powers with an in-place cumprod
    on a view of the result, so every backward through vander (``N > 1``) fails its check."""

    backward_name = "FlipBackward0"

    def forward(ctx, x, n, increasing):
        ctx.rows, ctx.dtype = x.shape[0], x.dtype
        out = xp.cumprod(xp.concatenate([xp.ones((x.shape[0], 1), x.dtype), xp.repeat(x[:, None], n - 1, 1)], 1), 1)
        return out if increasing else out[:, ::-1].copy()

    def backward(ctx, grad):
        from ..dtypes import torch_name

        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"[torch.{torch_name(ctx.dtype)}Tensor [{ctx.rows}, 1]], which is output 0 of AsStrided, is at version 3; "
            "expected version 2 instead. (torch's vander has no usable backward: it writes its powers in place.)")


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-D ``x``: column ``j`` is ``x ** (N - 1 - j)`` (``x ** j``
    when ``increasing``); ``N`` defaults to ``len(x)``. Integer and bool input give int64.
    (As torch's, its backward refuses: torch computes it with an in-place cumulative product.)

    >>> import scratchnet as sn
    >>> sn.vander(sn.tensor([1, 2, 3]), N=3).tolist()
    [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
    """
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dtype = x.dtype if x.dtype.kind == "f" else int64
    if n <= 1:  # ones or nothing: torch's result is outside the graph
        return Tensor._make(xp.ones((x.shape[0], n), dtype=dtype))
    return Vander.apply(x.to(dtype), n=n, increasing=increasing)


# --- shapes and indices -----------------------------------------------------------------------


def broadcast_shapes(*shapes):
    """The shape that tensors of ``shapes`` broadcast to (an int is a 1-D shape), without making
    any tensor.

    >>> import scratchnet as sn
    >>> sn.broadcast_shapes((2, 1), (3,))
    scratchnet.Size([2, 3])
    """
    sizes = [(s,) if isinstance(s, (int, xp.integer)) else tuple(s) for s in shapes]
    ndim = builtins.max((len(s) for s in sizes), default=0)
    out = [1] * ndim
    for i, s in enumerate(sizes):
        for j, n in enumerate(s, ndim - len(s)):
            if n < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(s)}")
            if n != 1 and out[j] != 1 and n != out[j]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {n} at {j - ndim}! Mismatching argument at index "
                    f"{i} had {s}; but expected shape should be broadcastable to {out}")
            if n != 1:
                out[j] = n
    return Size(out)


def unravel_index(indices, shape):
    """The coordinates in ``shape`` of each flat index, one int64 tensor per dim (as NumPy's
    ``unravel_index``; indices wrap modulo the size, as torch's do).

    >>> import scratchnet as sn
    >>> [c.tolist() for c in sn.unravel_index(sn.tensor([5, 7]), (2, 4))]
    [[1, 1], [1, 3]]
    """
    if not isinstance(indices, Tensor):
        raise TypeError(f"expected 'indices' to be a tensor, but got {type(indices).__name__}")
    if indices.dtype.kind not in "iu" or indices.dtype == xp.bool_:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, (int, xp.integer)) else tuple(shape)
    if any(n < 0 for n in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    if 0 in shape and indices.numel():
        raise ValueError(f"'shape' cannot have zero dimensions when 'indices' is non-empty, but got {shape}")
    flat = indices.array.astype(xp.int64)
    coords = []
    for n in reversed(shape):
        coords.append(Tensor._make(flat % n if n else xp.zeros_like(flat)))
        flat = flat // n if n else flat
    return tuple(reversed(coords))


# --- the trapezoid rule -----------------------------------------------------------------------


def _no_bool(y, name="trapezoid", x=None):
    """torch refuses bool samples; integer ones are summed in their own dtype (wrapping, as torch)."""
    if y.dtype == xp.bool_ or (x is not None and x.dtype == xp.bool_):
        which = "`x` or `y`" if x is not None else "`y`"
        raise NotImplementedError(f"{name}: received a bool input for {which}, but bool is not supported")
    return y


def _empty_integral(y, d):
    """torch's answer for no sample points: zeros in y's own dtype, outside the graph."""
    return Tensor._make(xp.zeros(y.shape[:d] + y.shape[d + 1:], dtype=y.dtype))


def _along(x, y, d):
    """A 1-D ``x`` laid along dim ``d`` of ``y`` (it needs one value a sample point)."""
    if x.ndim != 1:
        return x
    if x.shape[0] != y.shape[d]:
        raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
    shape = [1] * y.ndim
    shape[d] = x.shape[0]
    return x.reshape(shape)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The integral of ``y`` along ``dim`` by the trapezoid rule: sample points ``x`` (a tensor),
    or a constant spacing ``dx`` (default 1). Integer ``y`` gives the default float dtype (its
    sums of neighbours wrap in ``y``'s own dtype, as torch's).

    >>> import scratchnet as sn
    >>> sn.trapezoid(sn.tensor([1.0, 2.0, 3.0]))
    tensor(4.)
    """
    from .counting import diff

    d = _wrap_dim(dim, y.ndim)
    if isinstance(x, Tensor):
        if dx is not None:
            raise TypeError("trapezoid() received an invalid combination of arguments: x and dx together")
        if y.shape[d] == 0:  # (before the bool check, as torch)
            return _empty_integral(y, d)
        n = y.shape[d]
        y = _no_bool(y, x=x)
        return (diff(_along(x, y, d), dim=dim) * (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1))).sum(d) / 2
    dx = (1 if dx is None else dx) if x is None else x  # a number passed positionally is the spacing
    if y.shape[d] == 0:
        return _empty_integral(y, d)
    y = _no_bool(y)
    return (y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * dx


def trapz(y, x=None, *, dx=None, dim=-1):
    """The older name of :func:`trapezoid` (``trapz(y, x, dim=-1)`` or ``trapz(y, dx=1, dim=-1)``).

    >>> import scratchnet as sn
    >>> sn.trapz(sn.tensor([1.0, 1.0]), dx=2)
    tensor(2.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoid-rule integral of ``y`` along ``dim``: one fewer element than ``y``
    there (``x``: sample points, or ``dx``: a constant spacing, default 1).

    >>> import scratchnet as sn
    >>> sn.cumulative_trapezoid(sn.tensor([1.0, 2.0, 3.0]))
    tensor([1.5000, 4.0000])
    """
    from .counting import diff
    from .scan import cumsum

    d = _wrap_dim(dim, y.ndim)
    y = _no_bool(y, "cumulative_trapezoid", x if isinstance(x, Tensor) else None)
    n = y.shape[d]
    if n == 0:
        return y.narrow(d, 0, 0) * 1.0
    pairs = y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)
    if isinstance(x, Tensor):
        return cumsum(diff(_along(x, y, d), dim=dim) * pairs, dim=d) / 2
    spacing = (1 if dx is None else dx) if x is None else x
    return cumsum(pairs * (spacing / 2), dim=d)


# --- in-place shape edits ---------------------------------------------------------------------

_LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."


def _take_layout(self, op, *args):
    """``self`` becomes ``op(old self, *args)``, a view of it: its layout and history, version + 1.
    The op runs on a stand-in for the old self (same memory, history and view chain), so the
    node's input keeps the old shape."""
    if is_grad_enabled() and self._requires_grad and self._grad_fn is None and self._base is None:
        raise RuntimeError(_LEAF_ERROR)
    old = Tensor._make(self._array, self._requires_grad, self.grad_fn)
    old._version_counter = self._version_counter
    if self._base is not None:
        old._base, old._view_chain, old._view_version = self._base, self._view_chain, self._view_version
        old._made_in_no_grad, old._multi_view = self._made_in_no_grad, self._multi_view
    view = op(old, *args)
    self._array = view._array
    if self._base is not None:  # a view stays a view of its base, one more op in its chain
        self._view_chain = view._view_chain
    self._grad_fn, self._requires_grad = view._grad_fn, view._requires_grad
    self._bump_version()
    self._view_version = self._version_counter[0]
    return self


def squeeze_(self, dim=None):
    """In place ``squeeze``: drop dims of size 1 (all, or those in ``dim``).

    >>> import scratchnet as sn
    >>> x = sn.zeros(2, 1)
    >>> x.squeeze_().shape
    scratchnet.Size([2])
    """
    return _take_layout(self, squeeze, dim)


def unsqueeze_(self, dim):
    """In place ``unsqueeze``: insert a dim of size 1 at ``dim``.

    >>> import scratchnet as sn
    >>> sn.zeros(3).unsqueeze_(0).shape
    scratchnet.Size([1, 3])
    """
    return _take_layout(self, unsqueeze, dim)


def t_(self):
    """In place ``t``: transpose a matrix (0-D and 1-D stay as they are).

    >>> import scratchnet as sn
    >>> sn.zeros(2, 3).t_().shape
    scratchnet.Size([3, 2])
    """
    return _take_layout(self, t)


def transpose_(self, dim0, dim1):
    """In place ``transpose``: swap ``dim0`` and ``dim1``.

    >>> import scratchnet as sn
    >>> sn.zeros(2, 3, 4).transpose_(0, 2).shape
    scratchnet.Size([4, 3, 2])
    """
    return _take_layout(self, transpose, dim0, dim1)


def swapaxes_(self, axis0, axis1):
    """In place ``swapaxes`` (``transpose_``).

    >>> import scratchnet as sn
    >>> sn.zeros(2, 3).swapaxes_(0, 1).shape
    scratchnet.Size([3, 2])
    """
    return transpose_(self, axis0, axis1)


def swapdims_(self, dim0, dim1):
    """In place ``swapdims`` (``transpose_``).

    >>> import scratchnet as sn
    >>> sn.zeros(2, 3).swapdims_(0, 1).shape
    scratchnet.Size([3, 2])
    """
    return transpose_(self, dim0, dim1)


def sum_to_size(self, *size):
    """Sum ``self`` down to ``size``, a shape that ``self``'s expands from (dims where ``size``
    has 1, and the leading dims it lacks, are summed).

    >>> import scratchnet as sn
    >>> sn.ones(2, 3).sum_to_size(1, 3).tolist()
    [[2.0, 2.0, 2.0]]
    """
    size = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
    lead = self.ndim - len(size)
    if lead < 0 or any(n != 1 and n != m for n, m in zip(size, self.shape[lead:])):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(self.shape)}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(size) if n == 1 and self.shape[lead + i] != 1)
    if self.ndim == 0:  # torch sums a 0-d tensor (a new tensor, int64 for integers)
        return self.sum()
    if not dims:
        return self
    out = self.sum(dims, keepdim=True)
    return out.reshape(size) if lead else out


METHODS = {  # (torch has no x.vander, x.trapz, x.block_diag)
    "rot90": rot90, "diagflat": diagflat,
    "squeeze_": squeeze_, "unsqueeze_": unsqueeze_, "t_": t_, "transpose_": transpose_,
    "swapaxes_": swapaxes_, "swapdims_": swapdims_, "sum_to_size": sum_to_size,
}
