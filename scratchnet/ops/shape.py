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
from ..tensor import Function, Tensor, _wrap_dim, broadcast_shapes, int64, result_type
from .math import as_dtype

# --- reshape and its relatives -----------------------------------------------------------------


class Reshape(Function):
    backward_name = "ViewBackward0"

    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
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
    shape = infer_shape(_sizes(shape), input.numel())
    return input if shape == input.shape else Reshape.apply(input, shape=shape)


def view(input, *shape):
    return reshape(input, *shape)


def flatten(input, start_dim=0, end_dim=-1):
    if input.ndim == 0:
        return input.reshape(1)
    s, e = _wrap_dim(start_dim, input.ndim), _wrap_dim(end_dim, input.ndim)
    if s > e:
        raise RuntimeError(f"flatten() has invalid args: start_dim ({start_dim}) cannot come after end_dim ({end_dim})")
    shape = input.shape[:s] + (int(xp.prod(input.shape[s : e + 1])),) + input.shape[e + 1 :]
    return reshape(input, shape)


def squeeze(input, dim=None):
    """Remove dims of size 1 (all of them, or those in ``dim`` that have size 1)."""
    dims = range(input.ndim) if dim is None else [_wrap_dim(d, input.ndim) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))]
    drop = {d for d in dims if input.ndim and input.shape[d] == 1}
    shape = tuple(n for i, n in enumerate(input.shape) if i not in drop)
    return input if shape == input.shape else Squeeze.apply(input, shape=shape)


def unsqueeze(input, dim):
    d = _wrap_dim(dim, input.ndim + 1)
    return Unsqueeze.apply(input, shape=input.shape[:d] + (1,) + input.shape[d:])


# --- permute, transpose, expand ------------------------------------------------------------------


class Permute(Function):
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    def backward(ctx, grad):
        return grad.permute(tuple(xp.argsort(ctx.dims)))


class Transpose(Permute):
    backward_name = "TransposeBackward0"


def permute(input, *dims):
    dims = tuple(_wrap_dim(d, input.ndim) for d in _sizes(dims))
    if sorted(dims) != list(range(input.ndim)):
        raise RuntimeError(f"permute(): dims {list(dims)} are not a permutation of the {input.ndim} dims of the input")
    return Permute.apply(input, dims=dims)


def transpose(input, dim0, dim1):
    dims = list(range(input.ndim))
    a, b = _wrap_dim(dim0, input.ndim), _wrap_dim(dim1, input.ndim)
    dims[a], dims[b] = dims[b], dims[a]
    return Transpose.apply(input, dims=tuple(dims))


def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return input if input.ndim < 2 else transpose(input, 0, 1)


class Expand(Function):
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return xp.broadcast_to(x, shape)

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
    for i, n in enumerate(input.shape):
        want = sizes[lead + i]
        if want == -1:
            shape[lead + i] = n
        elif n != 1 and n != want:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({n}) at "
                f"non-singleton dimension {lead + i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(input.shape)}"
            )
    shape = tuple(shape)
    return input if shape == input.shape else Expand.apply(input, shape=shape)


def expand_as(input, other):
    return expand(input, other.shape)


def broadcast_to(input, shape):
    return expand(input, shape)


# --- indexing --------------------------------------------------------------------------------------


def _index(key):
    """A torch-style index as a NumPy one: Tensors and lists become arrays."""
    if isinstance(key, tuple):
        return tuple(_index(k) for k in key)
    if isinstance(key, Tensor):
        if key.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return key.array
    if isinstance(key, list):
        return xp.asarray(key)
    if isinstance(key, slice) and key.step is not None and key.step <= 0:
        raise ValueError("step must be greater than zero")
    return key


def _is_basic(index):
    parts = index if isinstance(index, tuple) else (index,)
    return builtins.all(isinstance(p, (int, xp.integer, slice, type(None), type(Ellipsis))) for p in parts)


class GetItem(Function):
    backward_name = "IndexBackward0"

    def forward(ctx, x, index):
        ctx.in_shape, ctx.index = x.shape, index
        return x[index]

    def backward(ctx, grad):
        return IndexAdd.apply(grad, shape=ctx.in_shape, index=ctx.index)


class IndexAdd(Function):
    """Scatter-add ``grad`` into zeros of ``shape`` at ``index``: the backward of indexing."""

    backward_name = "IndexPutBackward0"

    def forward(ctx, grad, shape, index):
        ctx.index = index
        out = xp.zeros(shape, dtype=grad.dtype)
        if _is_basic(index):
            out[index] = grad  # a basic index names each element at most once
        else:
            xp.add.at(out, index, grad)  # an integer array may repeat an element: add, not assign
        return out

    def backward(ctx, grad):
        return grad[ctx.index]


def getitem(input, key):
    index = _index(key)
    try:
        return GetItem.apply(input, index=index)
    except IndexError as e:
        raise IndexError(f"{e} (indexing a tensor of shape {tuple(input.shape)})") from None


def setitem(input, key, value):
    """In-place assignment ``x[key] = value`` (outside the graph, as on a leaf under no_grad)."""
    input._check_inplace()
    input.array[_index(key)] = value.array if isinstance(value, Tensor) else value
    input._version[0] += 1


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
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}(): expected a sequence of Tensors, but element {i} is {type(t).__name__}")
    dtype = result_type(*tensors)
    return [as_dtype(t, dtype) for t in tensors]


def cat(tensors, dim=0):
    tensors = _same_dtype(tensors, "cat")
    first = tensors[0]
    d = _wrap_dim(dim, first.ndim)
    for i, t in enumerate(tensors[1:], 1):
        if t.ndim != first.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {first.ndim} and {t.ndim} (tensor number {i} in the list)"
            )
        for k in range(first.ndim):
            if k != d and t.shape[k] != first.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{first.shape[k]} but got size {t.shape[k]} for tensor number {i} in the list."
                )
    return Cat.apply(*tensors, dim=d)


def stack(tensors, dim=0):
    tensors = _same_dtype(tensors, "stack")
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                f"entry 0 and {list(t.shape)} at entry {i}"
            )
    return Stack.apply(*tensors, dim=_wrap_dim(dim, tensors[0].ndim + 1))


def unbind(input, dim=0):
    d = _wrap_dim(dim, input.ndim)
    return tuple(input[(slice(None),) * d + (i,)] for i in range(input.shape[d]))


def split(input, split_size_or_sections, dim=0):
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(split_size_or_sections, int):
        sizes = [builtins.min(split_size_or_sections, n - s) for s in range(0, n, split_size_or_sections)]
    else:
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension {d}), but got split_sizes={sizes}")
    out, start = [], 0
    for s in sizes:
        out.append(input[(slice(None),) * d + (slice(start, start + s),)])
        start += s
    return tuple(out)


def chunk(input, chunks, dim=0):
    n = input.shape[_wrap_dim(dim, input.ndim)]
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
    if labels.size and labels.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    elif labels.size and labels.max() >= num_classes:
        raise RuntimeError(f"Class values must be smaller than num_classes ({num_classes}); got {int(labels.max())}.")
    return Tensor._make((labels[..., None] == xp.arange(num_classes)).astype(xp.int64))


def clone(input):
    return Clone.apply(input)


class Clone(Function):
    def forward(ctx, x):
        return x.copy()

    def backward(ctx, grad):
        return grad


def contiguous(input):
    return input


def broadcast_tensors(*tensors):
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(expand(t, shape) for t in tensors)
