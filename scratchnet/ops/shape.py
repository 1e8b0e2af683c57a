"""Shape ops and indexing: reshape/view, squeeze/unsqueeze/flatten, permute/transpose, expand,
``__getitem__``, cat, stack, one_hot.

Their backward moves the gradient back into the input's layout: reshape back, permute back, sum
what expand copied, scatter what indexing picked.

>>> import scratchnet as sn
>>> x = sn.arange(6.0).reshape(2, 3).requires_grad_()
>>> x[:, 1].sum().backward()
>>> x.grad
tensor([[0., 1., 0.],
        [0., 1., 0.]])
"""

import builtins

from ..backend import xp
from ..tensor import Function, Tensor, _wrap_dim, broadcast_shapes, int64, is_grad_enabled, result_type
from .math import as_dtype

# --- reshape and its relatives: views of the input's memory --------------------------------------


class Reshape(Function):
    """A new shape over the same memory when the strides allow it (a view, as torch), else a copy."""

    backward_name = "ViewBackward0"
    is_view = True

    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        try:
            return xp.reshape(x, shape, copy=False)
        except ValueError:  # the strides do not allow a view: reshape copies (view() refuses)
            ctx.is_view, ctx.backward_name = False, "UnsafeViewBackward0"
            return x.reshape(shape)

    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


class Squeeze(Reshape):
    backward_name = "SqueezeBackward0"


class Unsqueeze(Reshape):
    backward_name = "UnsqueezeBackward0"


def _sizes(args):
    """Accept ``f(2, 3)`` and ``f((2, 3))`` alike."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    for i, a in enumerate(args):
        if not isinstance(a, (int, xp.integer)) and not (isinstance(a, Tensor) and a.ndim == 0 and a.dtype.kind in "iu"):
            raise TypeError(f"argument 'size' must be tuple of ints, but found element of type {type(a).__name__} at pos {i}")
    return tuple(int(a) for a in args)


def infer_shape(shape, numel):
    """``shape`` with one -1 filled in, or torch's error when it cannot hold ``numel`` elements.

    >>> infer_shape((2, -1), 6)
    (2, 3)
    >>> infer_shape((2, 5), 6)
    Traceback (most recent call last):
    ...
    RuntimeError: shape '[2, 5]' is invalid for input of size 6
    """
    shape = tuple(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def reshape(input, *shape):
    """``input`` with a new shape: a view of its memory when the strides allow, else a copy."""
    shape = infer_shape(_sizes(shape), input.numel())
    return Reshape.apply(input, shape=shape)


VIEW_ERROR = (
    "view size is not compatible with input tensor's size and stride (at least one dimension spans "
    "across two contiguous subspaces). Use .reshape(...) instead."
)


def view(input, *shape):
    """``input`` with a new shape over the same memory, or torch's error when the strides do not
    allow one (``x.t().view(-1)``: use ``reshape``)."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int, xp.integer, Tensor)):
        return _view_as_dtype(input, shape[0])
    shape = infer_shape(_sizes(shape), input.numel())
    try:
        xp.reshape(input.array, shape, copy=False)
    except ValueError:
        raise RuntimeError(VIEW_ERROR) from None
    return Reshape.apply(input, shape=shape)


def _view_as_dtype(input, dtype):
    """``x.view(dtype)``: the same bytes read as another dtype of the same size (no gradient)."""
    from ..tensor import check_dtype

    dtype = check_dtype(dtype)
    if dtype == input.dtype:
        return Reshape.apply(input, shape=input.shape)
    if dtype.itemsize != input.dtype.itemsize:
        raise NotImplementedError(f"view({dtype}) of a {input.dtype} tensor: scratchnet reinterprets only dtypes of the same size")
    if input.requires_grad:
        raise RuntimeError("view(dtype) is not differentiable: call it on a tensor that does not require grad (detach() first)")
    out = Tensor._make(input.array.view(dtype))
    out._version_counter, out._base = input._version_counter, input._base if input._base is not None else input
    return out


def flatten(input, start_dim=0, end_dim=-1):
    """Dims ``start_dim .. end_dim`` merged into one (a view when the memory allows).

    Shape: ``(*, d_start, ..., d_end, *) -> (*, d_start * ... * d_end, *)``.

    >>> import scratchnet as sn
    >>> sn.flatten(sn.ones(2, 3, 4), 1).shape
    scratchnet.Size([2, 12])
    """
    s, e = _wrap_dim(start_dim, input.ndim), _wrap_dim(end_dim, input.ndim)
    if input.ndim == 0:  # dims 0 and -1 only, as torch
        return input.reshape(1)
    if s > e:
        raise RuntimeError(f"flatten() has invalid args: start_dim ({start_dim}) cannot come after end_dim ({end_dim})")
    if s == e:
        return input  # torch returns the input itself here
    shape = input.shape[:s] + (int(xp.prod(input.shape[s : e + 1])),) + input.shape[e + 1 :]
    return reshape(input, shape)


def squeeze(input, dim=None):
    """Remove dims of size 1 (all of them, or those in ``dim`` that have size 1): a view."""
    dims = range(input.ndim) if dim is None else [_wrap_dim(d, input.ndim) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))]
    drop = {d for d in dims if input.ndim and input.shape[d] == 1}
    shape = tuple(n for i, n in enumerate(input.shape) if i not in drop)
    out = Squeeze.apply(input, shape=shape)
    if dim is not None and out.grad_fn is not None:
        out.grad_fn.backward_name = "SqueezeBackward2" if isinstance(dim, (tuple, list)) else "SqueezeBackward1"
    return out


def unsqueeze(input, dim):
    """A view with a dim of size 1 inserted at ``dim`` (``-input.dim()-1 <= dim <= input.dim()``).

    >>> import scratchnet as sn
    >>> sn.unsqueeze(sn.ones(3), 0).shape
    scratchnet.Size([1, 3])
    """
    d = _wrap_dim(dim, input.ndim + 1)
    return Unsqueeze.apply(input, shape=input.shape[:d] + (1,) + input.shape[d:])


# --- permute, transpose, expand: views with other strides ----------------------------------------


class Permute(Function):
    is_view = True

    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    def backward(ctx, grad):
        return grad.permute(tuple(int(d) for d in xp.argsort(ctx.dims)))


class Transpose(Permute):
    backward_name = "TransposeBackward0"


class T(Permute):
    backward_name = "TBackward0"


def permute(input, *dims):
    """A view with the dims reordered: output dim ``i`` is input dim ``dims[i]``.

    >>> import scratchnet as sn
    >>> sn.permute(sn.ones(2, 3, 4), (2, 0, 1)).shape
    scratchnet.Size([4, 2, 3])
    """
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _sizes(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(f"permute(): the number of dims does not match: input.dim() = {input.ndim} is not equal to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, input.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    if sorted(dims) != list(range(input.ndim)):
        raise RuntimeError(f"permute(): dims {list(dims)} are not a permutation of the {input.ndim} dims of the input")
    return Permute.apply(input, dims=dims)


def transpose(input, dim0, dim1):
    """A view with ``dim0`` and ``dim1`` swapped.

    >>> import scratchnet as sn
    >>> sn.transpose(sn.ones(2, 3), 0, 1).shape
    scratchnet.Size([3, 2])
    """
    dims = list(range(input.ndim))
    a, b = _wrap_dim(dim0, input.ndim), _wrap_dim(dim1, input.ndim)
    if dims:  # a 0-d tensor accepts dims 0 and -1, as torch
        dims[a], dims[b] = dims[b], dims[a]
    return Transpose.apply(input, dims=tuple(dims))


def t(input):
    """The transpose of a matrix (a 0-d or 1-D tensor comes back as a view of itself)."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return T.apply(input, dims=tuple(reversed(range(input.ndim))))


def matrix_transpose(input):
    """``x.mT``: the last two dims swapped (a 0-d tensor is returned as is; 1-D is refused), as torch."""
    if input.ndim == 0:
        return input
    if input.ndim == 1:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(input, -2, -1)


class Expand(Function):
    """A broadcast view: stretched dims get stride 0, so every element there is one memory cell."""

    is_view = True

    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        lead = len(shape) - x.ndim
        strides = (0,) * lead + tuple(0 if n == 1 and shape[lead + i] != 1 else s for i, (n, s) in enumerate(zip(x.shape, x.strides)))
        return xp.lib.stride_tricks.as_strided(x, shape, strides)

    def backward(ctx, grad):
        from ..tensor import unbroadcast

        return unbroadcast(grad, ctx.in_shape)


def expand(input, *sizes):
    """A broadcast view of ``input`` at ``sizes`` (-1 keeps a size), as torch."""
    sizes = _sizes(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to the "
            f"number of dimensions in the tensor ({input.ndim})"
        )
    lead = len(sizes) - input.ndim
    shape = list(sizes)
    for i, n in enumerate(sizes[:lead]):
        if n < 0:
            raise RuntimeError(f"The expanded size of the tensor ({n}) isn't allowed in a leading, non-existing dimension {i}")
    for i, n in enumerate(input.shape):
        want = sizes[lead + i]
        if want == -1:
            shape[lead + i] = n
        elif want < -1 and n == 1:
            raise RuntimeError(f"Trying to create tensor with negative dimension {want}: {list(sizes)}")
        elif n != 1 and n != want:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({n}) at "
                f"non-singleton dimension {lead + i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(input.shape)}"
            )
    return Expand.apply(input, shape=tuple(shape))


def expand_as(input, other):
    """``input.expand(other.shape)``: a view broadcast to ``other``'s shape.

    >>> import scratchnet as sn
    >>> sn.ones(1, 3).expand_as(sn.zeros(2, 3)).shape
    scratchnet.Size([2, 3])
    """
    return expand(input, other.shape)


def broadcast_to(input, shape):
    """``input`` expanded (a view, no copy) to ``shape`` by torch's broadcasting rules; the backward
    sums the gradient back to the input's shape.

    >>> import scratchnet as sn
    >>> sn.broadcast_to(sn.tensor([1, 2]), (2, 2))
    tensor([[1, 2],
            [1, 2]])
    """
    return expand(input, shape)


# --- indexing: scratchnet/ops/indexing.py ------------------------------------------------------------

from .indexing import GetItem, GetItemBasic, IndexAdd, IndexPut, getitem, setitem  # noqa: E402,F401

# --- cat and stack ----------------------------------------------------------------------------------


class Cat(Function):
    def forward(ctx, *arrays, dim):
        ctx.dim, ctx.sizes = dim, [a.shape[dim] for a in arrays]
        return xp.concatenate(arrays, axis=dim)

    def backward(ctx, grad):
        edges = xp.cumsum([0] + ctx.sizes)
        lead = (slice(None),) * ctx.dim
        return tuple(grad[lead + (slice(int(a), int(b)),)] for a, b in zip(edges[:-1], edges[1:]))


class Stack(Function):
    def forward(ctx, *arrays, dim):
        ctx.dim, ctx.count = dim, len(arrays)
        return xp.stack(arrays, axis=dim)

    def backward(ctx, grad):
        lead = (slice(None),) * ctx.dim
        return tuple(grad[lead + (i,)] for i in range(ctx.count))


def _same_dtype(tensors, name):
    """The tensors of a cat/stack, promoted to their common dtype (torch's errors otherwise)."""
    if isinstance(tensors, Tensor):
        raise TypeError(f"{name}(): argument 'tensors' must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    if not tensors:
        if name == "stack":
            raise RuntimeError("stack expects a non-empty TensorList")
        raise ValueError(f"torch.{name}(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    dtype = result_type(*tensors) if builtins.all(t.ndim for t in tensors) else _promote_all(tensors)
    return [as_dtype(t, dtype) for t in tensors]


def _promote_all(tensors):
    """Promotion over tensors that all count as dimensioned (stack of 0-d tensors)."""
    return result_type(*[t.reshape(1) if t.ndim == 0 else t for t in tensors])


def cat(tensors, dim=0):
    """Join tensors along an existing dim (torch's rules: a 1-D empty tensor may join anything)."""
    tensors = _same_dtype(tensors, "cat")
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    kept = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)]  # torch's legacy rule
    if not kept:
        return Cat.apply(*tensors, dim=_wrap_dim(dim, 1))
    first = kept[0]
    d = _wrap_dim(dim, first.ndim)
    for i, t in enumerate(tensors):
        if t.ndim == 1 and t.shape[0] == 0:
            continue
        if t.ndim != first.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {first.ndim} and {t.ndim}")
        for k in range(first.ndim):
            if k != d and t.shape[k] != first.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{first.shape[k]} but got size {t.shape[k]} for tensor number {i} in the list."
                )
    return Cat.apply(*kept, dim=d) if len(kept) != len(tensors) else Cat.apply(*tensors, dim=d)


def stack(tensors, dim=0):
    """Join same-shape tensors along a new dim ``dim``."""
    tensors = _same_dtype(tensors, "stack")
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                f"entry 0 and {list(t.shape)} at entry {i}"
            )
    return Stack.apply(*tensors, dim=_wrap_dim(dim, tensors[0].ndim + 1))


def _part(input, d, index, name, i):
    """``input`` indexed along dim ``d`` only: a view named as torch names it."""
    from .indexing import GetItemBasic

    out = GetItemBasic.apply(input, index=(slice(None),) * d + (index, Ellipsis), name=name)
    if is_grad_enabled():  # torch refuses in-place edits of the views a multi-output op returns
        out._multi_view = (i, name.replace("Backward0", ""))
    return out


def unbind(input, dim=0):
    """The slices along ``dim``, each a view (dim removed)."""
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, input.ndim)
    return tuple(_part(input, d, i, "UnbindBackward0", i) for i in range(input.shape[d]))


def split(input, split_size_or_sections, dim=0):
    """Views of consecutive pieces along ``dim``: of ``split_size`` each (the last may be
    shorter), or of the listed sizes."""
    if input.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(split_size_or_sections, (int, xp.integer)) and not isinstance(split_size_or_sections, builtins.bool):
        size = int(split_size_or_sections)
        if size < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
        if size == 0 and n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        sizes = [builtins.min(size, n - s) for s in range(0, n, size)] if size and n else [0]
        name = "SplitBackward0"
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if builtins.any(s < 0 for s in sizes) or builtins.sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension {d}), but got split_sizes={sizes}")
        name = "SplitWithSizesBackward0"
    out, start = [], 0
    for i, s in enumerate(sizes):
        out.append(_part(input, d, slice(start, start + s), name, i))
        start += s
    return tuple(out)


def chunk(input, chunks, dim=0):
    """``chunks`` views along ``dim`` (fewer when the size does not divide), as torch."""
    if not isinstance(chunks, (int, xp.integer)) or isinstance(chunks, builtins.bool):
        raise TypeError(f"chunk(): argument 'chunks' must be int, not {type(chunks).__name__}")
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.shape[_wrap_dim(dim, input.ndim)]
    if n == 0:  # torch: ``chunks`` empty pieces
        return split(input, [0] * int(chunks), dim)
    return split(input, -(-n // chunks), dim)


# --- one_hot ----------------------------------------------------------------------------------------


def one_hot(tensor, num_classes=-1):
    """Class indices -> one-hot int64 rows (no gradient), as ``F.one_hot``.

    >>> import scratchnet as sn
    >>> one_hot(sn.tensor([0, 2]), 3).tolist()
    [[1, 0, 0], [0, 0, 1]]
    """
    if tensor.dtype != int64:
        raise RuntimeError(f"one_hot is only applicable to index tensor of type int64, got {tensor.dtype}")
    labels = tensor.array
    if not labels.size and num_classes <= 0:  # torch: nothing to count the classes of (0 and -1 alike)
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    if labels.size and labels.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(labels.max()) + 1
    elif labels.size and labels.max() >= num_classes:
        raise RuntimeError(f"Class values must be smaller than num_classes ({num_classes}); got {int(labels.max())}.")
    return Tensor._make((labels[..., None] == xp.arange(num_classes)).astype(xp.int64))


def clone(input):
    """A copy of ``input`` with its own memory, recorded in the graph (gradient passes through).

    >>> import scratchnet as sn
    >>> a = sn.tensor([1.0]); b = sn.clone(a); _ = b.add_(1); a
    tensor([1.])
    """
    return Clone.apply(input)


class Clone(Function):
    def forward(ctx, x):
        return x.copy()

    def backward(ctx, grad):
        return grad


def contiguous(input, memory_format=None):
    """``input`` itself when its memory is in row-major order, else a row-major copy."""
    if input.array.flags.c_contiguous:
        return input
    return Contiguous.apply(input)


class Contiguous(Clone):
    backward_name = "CloneBackward0"

    def forward(ctx, x):
        return xp.ascontiguousarray(x)


def broadcast_tensors(*tensors):
    """The tensors expanded (as views) to their common broadcast shape.

    >>> import scratchnet as sn
    >>> [t.shape for t in sn.broadcast_tensors(sn.ones(2, 1), sn.ones(3))]
    [scratchnet.Size([2, 3]), scratchnet.Size([2, 3])]
    """
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(expand(t, shape) for t in tensors)
