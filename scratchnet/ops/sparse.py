"""Embeddings: a lookup of rows of a weight matrix by integer index, and bags of them.

The forward of :func:`embedding` gathers ``weight[indices]``; its backward scatter-adds each
gradient row back into the row it came from (an index used twice gets both gradients), with the
``padding_idx`` row left at zero and, under ``scale_grad_by_freq``, each row's gradient divided by
how often its index occurs in the batch. The backward of that scatter is a gather again, so
second derivatives follow.

>>> import scratchnet as sn
>>> weight = sn.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], requires_grad=True)
>>> out = embedding(sn.tensor([[2, 0, 2]]), weight)
>>> out.tolist()
[[[4.0, 5.0], [0.0, 1.0], [4.0, 5.0]]]
>>> out.sum().backward()
>>> weight.grad.tolist()
[[1.0, 1.0], [0.0, 0.0], [2.0, 2.0]]
"""

from ..backend import fast_where, index_add_rows, xp
from ..tensor import Function, Tensor
from .index import index_add
from .math import where
from .shape import cat


class Embedding(Function):
    backward_name = "EmbeddingBackward0"

    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        ctx.indices, ctx.rows, ctx.padding_idx, ctx.scale = indices, weight.shape[0], padding_idx, scale_grad_by_freq
        return weight[indices]

    def backward(ctx, grad):
        return EmbeddingDenseBackward.apply(grad, indices=ctx.indices, rows=ctx.rows, row_scale=_row_scale(ctx))


def _row_scale(ctx):
    """A factor per looked-up row for its gradient: 0 at padding_idx, 1 / count under
    scale_grad_by_freq, else 1 (None when every factor is 1)."""
    if ctx.padding_idx is None and not ctx.scale:
        return None
    flat = ctx.indices.reshape(-1)
    scale = xp.ones(flat.shape, dtype=xp.float64)
    if ctx.scale:
        scale /= xp.bincount(flat, minlength=ctx.rows)[flat]
    if ctx.padding_idx is not None:
        scale[flat == ctx.padding_idx] = 0.0
    return scale.reshape(ctx.indices.shape + (1,))


class EmbeddingDenseBackward(Function):
    """Scatter-add gradient rows (times their row_scale) into zeros shaped like the weight."""

    def forward(ctx, grad, indices, rows, row_scale):
        ctx.indices, ctx.row_scale = indices, row_scale
        if row_scale is not None:
            grad = grad * row_scale.astype(grad.dtype)
        out = xp.zeros((rows, grad.shape[-1]), dtype=grad.dtype)
        return index_add_rows(out, indices.reshape(-1), grad.reshape(indices.size, grad.shape[-1]))

    def backward(ctx, grad):
        rows = grad[Tensor._make(ctx.indices)]
        return rows if ctx.row_scale is None else rows * Tensor._make(ctx.row_scale.astype(grad.dtype))


def _check_indices(name, input, weight):
    if not isinstance(input, Tensor) or input.dtype.kind not in "iu" or input.dtype == xp.uint8:
        got = input.dtype if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got {got} instead (while checking arguments for {name})")
    if weight.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D, got a {weight.ndim}-D tensor")
    n = weight.shape[0]
    if name == "embedding" and n == 0 and input.numel():
        raise RuntimeError("index_select(): self indexing axis dim should be positive: embedding's weight has no rows")
    if input.numel() and (int(input.array.min()) < 0 or int(input.array.max()) >= n):
        error = IndexError if name == "embedding" else RuntimeError  # as torch's two kernels
        raise error(f"index out of range in self: {name} indices must lie in [0, {n}), got values from {int(input.array.min())} to {int(input.array.max())}")


def _padding(padding_idx, rows):
    if padding_idx is None:
        return None
    if (padding_idx > 0 and padding_idx >= rows) or padding_idx < -rows:  # 0 always passes, as torch
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx + rows if padding_idx < 0 else padding_idx


def renorm_rows_(weight, indices, max_norm, norm_type=2.0):
    """Rescale in place (outside the graph) the rows of ``weight`` that ``indices`` name and whose
    ``norm_type``-norm exceeds ``max_norm``, to norm ``max_norm`` (torch's embedding_renorm_)."""
    rows = xp.unique(indices.reshape(-1))
    w = weight.array[rows]
    norms = (xp.abs(w) ** norm_type).sum(axis=1) ** (1.0 / norm_type) if norm_type != float("inf") else xp.abs(w).max(axis=1)
    scale = fast_where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
    weight.array[rows] = w * scale[:, None]
    weight._version[0] += 1


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """``F.embedding``: the rows ``weight[input]``, shape ``input.shape + (embedding_dim,)``.

    Arguments:
        input: integer indices of any shape, each in ``[0, num_embeddings)``.
        weight: (num_embeddings, embedding_dim).
        padding_idx: that row gets no gradient.
        max_norm: rows looked up whose norm exceeds it are rescaled in place first.
        scale_grad_by_freq: divide each row's gradient by its index's count in ``input``.
        sparse: accepted; the gradient is dense (scratchnet has no sparse tensors), with the same values.

    >>> import scratchnet as sn
    >>> embedding(sn.tensor([1, 1]), sn.eye(3)).tolist()
    [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]
    """
    if weight.ndim == 0 and (weight.requires_grad or padding_idx not in (None, 0)):  # torch reads weight.size(0) first
        raise IndexError("Dimension specified as 0 but tensor has no dimensions: embedding's weight must be 2-D")
    padding_idx = _padding(padding_idx, weight.shape[0])
    _check_indices("embedding", input, weight)
    if max_norm is not None:
        renorm_rows_(weight, input.array, max_norm, norm_type)
    return Embedding.apply(weight, indices=input.array.astype(xp.int64), padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """``F.embedding_bag``: the sum, mean or max of each bag of embedding rows, (num_bags, dim).

    A 2-D ``input`` (B, N) is B bags of N indices; a 1-D ``input`` is cut into bags at ``offsets``
    (the start of each bag; with ``include_last_offset`` the last offset ends the last bag).
    Indices equal to ``padding_idx`` are left out of their bag; an empty bag gives zeros.
    ``per_sample_weights`` (input's shape) scale each row first (mode 'sum' only).
    """
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({list(per_sample_weights.shape)}) is not None, then it must have the same shape as the input ({list(input.shape)})")
    if weight.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.ndim}")
    if input.ndim not in (1, 2):
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    if input.ndim == 1 and (offsets is None or offsets.ndim != 1):
        raise ValueError("offsets has to be a 1D Tensor but got None" if offsets is None else f"offsets has to be a 1D Tensor, got {offsets.ndim}-D")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode!r}")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='{mode}'). Please open a feature request on GitHub.")
    if weight.dtype.kind != "f":
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have one of the following scalar types: Float, Double; but got {weight.dtype} instead (while checking arguments for embedding_bag)")
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences.")
        bags, length = input.shape
        starts = xp.arange(bags) * length
        ends = starts + length
        flat = input.reshape(-1)
        psw = per_sample_weights.reshape(-1) if per_sample_weights is not None else None
    elif input.ndim == 1:
        if offsets is None or offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor but got None" if offsets is None else f"offsets has to be a 1D Tensor, got {offsets.ndim}-D")
        o = offsets.array.astype(xp.int64)
        if include_last_offset:
            starts, ends = o[:-1], o[1:]
        else:
            starts, ends = o, xp.append(o[1:], input.shape[0])
        flat, psw = input, per_sample_weights
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    _check_indices("embedding_bag", flat, weight)
    padding_idx = _padding(padding_idx, weight.shape[0])
    if max_norm is not None:
        renorm_rows_(weight, flat.array, max_norm, norm_type)
    rows = embedding(flat, weight)  # (total, dim)
    if psw is not None:
        rows = rows * psw.unsqueeze(-1)
    position = xp.arange(flat.shape[0])
    member = (position >= starts[:, None]) & (position < ends[:, None])  # (bags, total): bag b holds element i
    if padding_idx is not None:
        member &= flat.array != padding_idx
    bags = member.shape[0]
    if mode in ("sum", "mean"):  # each bag the sum of its own rows (no products with zeros: inf stays inf)
        bag, element = xp.nonzero(member)
        out = Tensor._make(xp.zeros((bags, weight.shape[1]), dtype=weight.dtype))
        out = index_add(out, 0, Tensor._make(bag), rows[Tensor._make(element)])
        if mode == "mean":
            out = out / Tensor._make(xp.maximum(member.sum(axis=1, keepdims=True), 1).astype(weight.dtype))
        return out
    # max, as torch's loop: the bag's first row, replaced by each later row strictly greater (so a
    # NaN first stays, a later NaN never wins, ties keep the first); slots past a bag's end are -inf
    longest = max(int(member.sum(axis=1).max()) if member.size else 0, 1)
    slots = xp.full((bags, longest), flat.shape[0])
    for b in range(bags):  # one step per bag, not per element
        held = xp.nonzero(member[b])[0]
        slots[b, :held.size] = held
    padded = cat([rows, Tensor._make(xp.full((1, weight.shape[1]), -xp.inf, dtype=weight.dtype))], dim=0)
    values = padded.array[slots]  # (bags, longest, dim)
    pick = xp.argmax(fast_where(xp.isnan(values), -xp.inf, values), axis=1)  # first of the largest
    pick = fast_where(xp.isnan(values[:, 0]), 0, pick)
    chosen = xp.take_along_axis(slots, pick, axis=1)  # (bags, dim): the row each output element comes from
    best = padded[Tensor._make(chosen), Tensor._make(xp.arange(weight.shape[1]))]
    empty = Tensor._make((member.sum(axis=1) == 0)[:, None])
    return where(empty, 0.0, best)


__all__ = []  # torch.embedding takes (weight, indices): the functional forms live in nn.functional only
