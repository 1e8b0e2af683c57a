"""Indexing as torch does it: ``x[key]`` and ``x[key] = value``.

torch reads a key in two steps, and so does scratchnet:

1. **basic indexing** — integers, slices (step > 0), ``None`` and ``...`` — makes a *view* of the
   input's memory (integers select, removing their dim, even when tensors appear in the key too:
   ``arange(24).reshape(2, 3, 4)[0, :, [0, 1]]`` has shape ``(3, 2)``);
2. **advanced indexing** — integer tensors and lists, bool and uint8 masks, Python bools — then
   picks elements of that view into a new tensor. Their result dims go where the first of them
   stood when they are adjacent, and first otherwise (the rule NumPy also follows once the
   integers are gone).

Assignment ``x[key] = value`` writes into the view of step 1: a copy of ``value`` (broadcast, cast
to x's dtype), or with advanced indices an ``index_put`` (the last write wins when an index
repeats). Both are in-place ops recorded in the graph (:mod:`scratchnet.ops.inplace`).

>>> import scratchnet as sn
>>> x = sn.arange(24).reshape(2, 3, 4)
>>> x[0, :, [0, 1]].shape
scratchnet.Size([3, 2])
>>> x[1, 2, x[1, 2] > 20]
tensor([21, 22, 23])
"""

import builtins

from ..backend import xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor, bool_, broadcast_shapes, is_grad_enabled

__all__ = []

_INDEX_ERROR = "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got {})"


def _as_index_array(k):
    """A Tensor / array / list used as an index: an int64 array, or a bool mask."""
    if isinstance(k, Tensor):
        a = k.array
    elif isinstance(k, xp.ndarray):
        a = k
    else:
        a = xp.asarray(k)
        if a.size == 0:
            a = a.astype(xp.int64)
        elif a.dtype.kind == "f" and isinstance(k, (list, tuple)):
            a = a.astype(xp.int64)  # torch reads [1, 2.0] as a long tensor
    if a.dtype == xp.uint8 or a.dtype == bool_:
        return a.astype(bool_, copy=False)
    if a.dtype.kind not in "iu" or a.dtype.itemsize < 4:
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return a.astype(xp.int64, copy=False)


def _as_sequence_key(key):
    """torch reads a list that holds slices, None, ``...``, tensors or sequences as a tuple."""
    if isinstance(key, list) and builtins.any(
        isinstance(k, (list, tuple, range, slice, Tensor, xp.ndarray)) or k is None or k is Ellipsis for k in key
    ):
        return tuple(key)
    return key


def parse_index(key, shape):
    """Split a torch index into (basic, advanced, name).

    ``basic`` is a NumPy basic index (a view), ``advanced`` None or a NumPy index to apply to that
    view, ``name`` the grad_fn torch gives the view (SelectBackward0, SliceBackward0, ...).
    """
    single_slice = isinstance(key, slice)
    if single_slice and key.step is not None and isinstance(key.step, (int, xp.integer)) and key.step <= 0:
        raise ValueError("step must be greater than zero")
    if not shape and isinstance(key, (int, xp.integer)) and not isinstance(key, builtins.bool):
        if key:  # torch reads a 0-d tensor as a dimension of size 0 here
            raise IndexError(f"index {int(key)} is out of bounds for dimension 0 with size 0")
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ "
                         "to convert a 0-dim tensor to a number")
    if not shape and single_slice:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    key = _as_sequence_key(key)
    items = key if isinstance(key, tuple) else (key,)
    parts = []  # (kind, value, dims consumed)
    for k in items:
        if k is None:
            parts.append(("none", None, 0))
        elif k is Ellipsis:
            parts.append(("ellipsis", None, 0))
        elif isinstance(k, (builtins.bool, xp.bool_)):
            parts.append(("mask", xp.asarray(builtins.bool(k)), 0))
        elif isinstance(k, (int, xp.integer)):
            parts.append(("int", int(k), 1))
        elif isinstance(k, slice):
            for v in (k.start, k.stop, k.step):
                if v is not None and not isinstance(v, (int, xp.integer, Tensor)):
                    raise TypeError(f"slice indices must be integers or None or have an __index__ method (got {type(v).__name__})")
            parts.append(("slice", k, 1))
        elif isinstance(k, (Tensor, xp.ndarray, list, tuple, range)):  # a range reads as the list of its ints
            a = _as_index_array(k)
            if a.dtype == bool_:
                parts.append(("mask", a, a.ndim))
            elif a.ndim == 0 and isinstance(k, (Tensor, xp.ndarray)):
                parts.append(("int", int(a), 1))  # a 0-d integer tensor selects, as an int
            else:
                parts.append(("array", a, 1))
        else:
            raise IndexError(_INDEX_ERROR.format(type(k).__name__))
    ndim = len(shape)
    used = builtins.sum(p[2] for p in parts)
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic, advanced, d, last, out_of_range = [], [], 0, None, []
    has_advanced = False
    skipped, phantom = ndim - used, 0
    for kind, value, n in parts:
        if phantom and kind != "ellipsis":  # torch counts every "..." as the skipped dims: past the end
            out_ndim = len([b for b in basic if not isinstance(b, int)]) + (ndim - d)
            raise IndexError(f"Dimension out of range (expected to be in range of [{-out_ndim - 1}, {out_ndim}], but got {out_ndim + phantom})")
        if kind == "ellipsis":
            if used == ndim and skipped:
                phantom += skipped  # a second "..."
                continue
            basic.extend([slice(None)] * (ndim - used))
            advanced.extend([slice(None)] * (ndim - used))
            d, used = d + ndim - used, ndim
        elif kind == "none":
            basic.append(None)
            advanced.append(slice(None))
            last = "UnsqueezeBackward0"
        elif kind == "int":
            size = shape[d]
            if not -size <= value < size:
                raise IndexError(f"index {value} is out of bounds for dimension {d} with size {size}")
            basic.append(value)
            d, last = d + 1, "SelectBackward0"
        elif kind == "slice":
            if value.step is not None and int(value.step) <= 0:
                raise ValueError("step must be greater than zero")
            basic.append(value)
            advanced.append(slice(None))
            if value != slice(None) and (value.start, value.stop, value.step) not in ((0, None, None), (None, None, 1), (0, None, 1)):
                last = "SliceBackward0"
            d += 1
        elif kind == "array":
            size = shape[d]
            if value.size and (value.min() < -size or value.max() >= size):
                bad = value[(value < -size) | (value >= size)].flat[0]
                out_of_range.append(
                    f"index {bad} is out of bounds for dimension {d} with size {size}" if size
                    else "index is out of bounds for dimension with size 0"
                )
                value = xp.zeros_like(value) if size else value  # torch checks only what it reads
            basic.append(slice(None))
            advanced.append(value)
            d, has_advanced = d + 1, True
        else:  # a mask: its dims must match the dims it covers
            for i, m in enumerate(value.shape):
                if m != shape[d + i]:
                    raise IndexError(
                        f"The shape of the mask {list(value.shape)} at index {i} does not match the shape "
                        f"of the indexed tensor {list(shape[d:d + value.ndim])} at index {d + i}"
                    )
            basic.extend([slice(None)] * n)
            advanced.append(value)
            d, has_advanced = d + n, True
    if single_slice:
        last = "SliceBackward0"
    if has_advanced:
        picked = _check_broadcast([a for a in advanced if isinstance(a, xp.ndarray)])
        if out_of_range:  # torch reads nothing, and so checks nothing, when the result is empty
            view_shape = xp.broadcast_to(xp.zeros((), bool_), shape)[tuple(basic) + (Ellipsis,)].shape
            rest, k = [], 0
            for a in advanced:
                width = (a.ndim if a.dtype == bool_ else 1) if isinstance(a, xp.ndarray) else 1
                if not isinstance(a, xp.ndarray):
                    rest.extend(view_shape[k:k + width])
                k += width
            rest.extend(view_shape[k:])
            stuck = builtins.any(isinstance(a, xp.ndarray) and a.dtype != bool_ and a.size and n == 0 for a, n in zip(advanced, view_shape))
            if _numel(picked) * _numel(rest) or (stuck and _numel(picked)):
                raise IndexError(out_of_range[0])
            if stuck:  # nothing is picked: empty index arrays of the same broadcast shape pick it
                advanced = [xp.zeros(picked, xp.int64) if isinstance(a, xp.ndarray) and a.dtype != bool_ else a for a in advanced]
    return tuple(basic) + (Ellipsis,), (tuple(advanced) if has_advanced else None), last or "AliasBackward0"


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _check_broadcast(arrays):
    """The broadcast shape of the index arrays (a mask counts as its nonzero positions)."""
    shapes = []
    for a in arrays:
        shapes.extend([(int(a.sum()),)] * builtins.max(a.ndim, 1) if a.dtype == bool_ else [a.shape])
    try:
        return broadcast_shapes(*shapes)
    except RuntimeError:
        raise IndexError(
            "shape mismatch: indexing tensors could not be broadcast together with shapes "
            + ", ".join(str(list(s)) for s in shapes)
        ) from None


def _parse(key, shape):
    try:
        return parse_index(key, shape)
    except IndexError as e:
        raise IndexError(f"{e} (indexing a tensor of shape {tuple(shape)})") from None


def _is_trivial(basic):
    return builtins.all(b == slice(None) or b is Ellipsis for b in basic)


# --- reading --------------------------------------------------------------------------------------


class GetItemBasic(Function):
    """``x[ints, slices, None, ...]``: a view of x's memory; backward puts the gradient back."""

    is_view = True
    _slice_of_base = True  # (without create_graph, the walk does this backward in place)

    def forward(ctx, x, index, name):
        ctx.in_shape, ctx.index, ctx.backward_name = x.shape, index, name
        out = x[index]
        if None in index:  # NumPy gives a new dim stride 0; torch the stride of the dim it precedes
            out = xp.lib.stride_tricks.as_strided(out, out.shape, _torch_strides(x, index, out), writeable=out.flags.writeable)
        return out

    def backward(ctx, grad):
        return IndexAdd.apply(grad, shape=ctx.in_shape, index=ctx.index)


class GetItem(Function):
    """``x[tensors, masks, ...]`` (after the basic part): a copy of the picked elements."""

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
        return grad[ctx.index] if _is_basic(ctx.index) else GetItem.apply(grad, index=ctx.index)


def _torch_strides(x, index, out):
    strides, d, k = list(out.strides), 0, 0
    for item in index:
        if item is Ellipsis:
            k, d = k + x.ndim - d, x.ndim  # parse_index puts the only Ellipsis last
        elif item is None:
            strides[k] = x.strides[d] * x.shape[d] if d < x.ndim else x.itemsize
            k += 1
        elif isinstance(item, slice):
            d, k = d + 1, k + 1
        else:
            d += 1
    return tuple(strides)


def _is_basic(index):
    parts = index if isinstance(index, tuple) else (index,)
    return builtins.all(isinstance(p, (int, xp.integer, slice, type(None), type(Ellipsis))) for p in parts)


def basic_view(input, basic, name):
    return GetItemBasic.apply(input, index=basic, name=name)


def getitem(input, key):
    """``input[key]`` with torch's rules (module docstring): a view for basic keys, else a copy."""
    if isinstance(key, Tensor) and key.array.dtype == xp.int64 and key.array.ndim and input.array.ndim:
        try:  # x[long tensor], the commonest advanced index: NumPy checks its bounds itself
            return GetItem.apply(input, index=(key.array,))
        except IndexError:
            pass  # out of range: the general path below raises torch's message
    basic, advanced, name = _parse(key, input.shape)
    if advanced is None:
        return GetItemBasic.apply(input, index=basic, name=name)
    view = input if _is_trivial(basic) else GetItemBasic.apply(input, index=basic, name=name)
    return GetItem.apply(view, index=advanced)


# --- writing --------------------------------------------------------------------------------------


class IndexPut(Function):
    """A copy of ``x`` with ``values`` written at the advanced ``index`` (the last write wins).

    Backward: x gets the gradient with those positions zeroed; values get the gradient there.
    """

    def forward(ctx, x, values, index):
        ctx.index = index
        out = x.copy()
        out[index] = values
        return out

    def backward(ctx, grad):
        need_x, need_values = ctx.needs_input_grad
        zeros = Tensor._make(xp.zeros((), dtype=grad.dtype))
        grad_x = IndexPut.apply(grad, zeros, index=ctx.index) if need_x else None
        return grad_x, (GetItem.apply(grad, index=ctx.index) if need_values else None)


def _strip_leading_ones(value, ndim):
    """torch drops a value's leading size-1 dims beyond the target's before broadcasting it."""
    lead = 0
    while value.ndim - lead > ndim and value.shape[lead] == 1:
        lead += 1
    return value.reshape(value.shape[lead:]) if lead else value


def setitem(input, key, value):
    """``input[key] = value``, in place and recorded in the graph (see the module docstring)."""
    from .inplace import _SELF_OVERLAP_ERROR, OVERLAP_ERROR, _fill, _internal_overlap, overlap

    scalar = not isinstance(value, Tensor)
    if scalar:
        if isinstance(value, (list, tuple, str, type(None))):
            raise TypeError(f"can't assign a {type(value).__name__} to a scratchnet.{torch_name(input.dtype)}Tensor")
        else:
            try:
                value = Tensor._make(xp.asarray(value, dtype=input.dtype))
            except (TypeError, ValueError, OverflowError):
                raise TypeError(f"can't assign a {type(value).__name__} to a scratchnet.{torch_name(input.dtype)}Tensor") from None
    if isinstance(key, (builtins.bool, xp.bool_)):  # torch: x[True] = v writes all, x[False] = v nothing
        if not key:
            return
        key = None
    parts = key if isinstance(key, tuple) else (key,)
    tensors = [k for k in parts if isinstance(k, (Tensor, list, xp.ndarray, builtins.bool, xp.bool_))]
    if len(tensors) == 1 and value.numel() == 1 and isinstance(tensors[0], Tensor) and tensors[0].dtype == xp.uint8:  # torch's masked_fill_ path
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype unsigned char")
    if value.requires_grad and input.dtype.kind not in "fc":
        value = value.detach()  # a write into an integer tensor is outside the graph, as in torch
    basic, advanced, name = _parse(key, input.shape)
    if scalar and advanced is None and _internal_overlap(input.array[basic]):
        raise RuntimeError(_SELF_OVERLAP_ERROR)  # torch refuses a number into an expanded view (not a tensor)
    if scalar and not (is_grad_enabled() and (input.requires_grad or (input._base is not None and input._base.requires_grad))):
        # nothing to record: a number written straight into memory (the common x[i] = 0.0)
        view = input.array[basic]  # basic indices (ending in ...) always give a view
        view[... if advanced is None else advanced] = value.array
        input._bump_version()
        return
    target = input if advanced is not None and _is_trivial(basic) else GetItemBasic.apply(input, index=basic, name=name)
    if advanced is None:
        if value.ndim and target.ndim and overlap(target, value, ones_free=True) == "partial":  # (0-d: a fill, no check)
            raise RuntimeError(OVERLAP_ERROR)
        # an expanded target is refused, unless the value is that very memory (torch copies it first)
        fill = scalar or not xp.may_share_memory(value.array, target.array)
        value = _strip_leading_ones(value, target.ndim).expand(target.shape)
        target._apply_inplace(lambda old: _fill("CopyBackwards")(old, value), check_cast=False, overlap_ok=not fill)
        return
    masked = len(tensors) == 1 and isinstance(tensors[0], Tensor) and tensors[0].dtype == bool_ and value.numel() == 1
    if not scalar and not masked and value.dtype != input.dtype:  # (a one-element value at a mask is torch's masked_fill_)
        raise RuntimeError(
            f"Index put requires the source and destination dtypes match, got "
            f"{torch_name(input.dtype)} for the destination and {torch_name(value.dtype)} for the source."
        )
    if value.dtype != input.dtype:
        value = value.to(input.dtype)
    picked = xp.broadcast_to(xp.zeros((), bool_), target.shape)[advanced].shape
    value = _strip_leading_ones(value, len(picked))
    try:
        if broadcast_shapes(picked, value.shape) != tuple(picked):
            raise RuntimeError
    except RuntimeError:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to indexing result of shape {list(picked)}"
        ) from None
    if overlap(target, value) in ("full", "partial"):  # index_put refuses shared memory
        raise RuntimeError(OVERLAP_ERROR)
    target._apply_inplace(lambda old: IndexPut.apply(old, value, index=advanced), check_cast=False, overlap_ok=True)
