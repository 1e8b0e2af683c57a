"""More of ``torch.nn.functional``: pairwise distances within a set (``pdist``), the bilinear
layer's map, channel shuffling, the triplet loss with any distance, and Gumbel-softmax sampling.

* ``pdist(x, p)``: the ``p``-norm distance of every pair of rows ``i < j`` of an ``(N, M)``
  input, in row-major order of the upper triangle (``N (N - 1) / 2`` values).
* ``bilinear(x1, x2, A, b)``: ``y_k = x1^T A_k x2 + b_k``.
* ``channel_shuffle(x, g)``: ``(N, g * c, *) -> (N, c * g, *)``: the channels, seen as a ``g x c``
  grid, are read column by column.
* ``gumbel_softmax(logits, tau)``: ``softmax((logits + G) / tau)`` with ``G`` Gumbel(0, 1) noise,
  drawn as torch draws it (``-log`` of exponential(1) draws), so the samples match after the same
  seed; ``hard=True`` gives the one-hot of the argmax with the soft sample's gradient.

>>> import scratchnet as sn
>>> pdist(sn.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])).tolist()
[5.0, 1.0, 4.242640495300293]
>>> channel_shuffle(sn.arange(4.0).view(1, 4, 1), 2).flatten().tolist()
[0.0, 2.0, 1.0, 3.0]
"""

import math

from ..backend import FLOAT_DTYPES, xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor

# ---- pdist ---------------------------------------------------------------------------------------


def _pairs(n):
    i, j = xp.triu_indices(n, 1)
    return i.astype(xp.int64), j.astype(xp.int64)


def _norms(diff, p):
    a = xp.abs(diff)
    if p == 0:  # torch counts min(ceil(|d|), 1): a NaN stays NaN
        return xp.minimum(xp.ceil(a), 1).sum(-1).astype(diff.dtype)
    if p == 1:
        return a.sum(-1)
    if p == 2:
        return xp.sqrt((a * a).sum(-1))
    if math.isinf(p):
        return a.max(-1, initial=0).astype(diff.dtype) if a.shape[-1] else a.sum(-1)
    return (a**p).sum(-1) ** (1.0 / p)


class Pdist(Function):
    backward_name = "PdistBackward0"

    def forward(ctx, x, p):
        ctx.p = p
        ctx.save_for_backward(x)
        i, j = _pairs(x.shape[0])
        return _norms(x[i] - x[j], p).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        p, n = ctx.p, x.shape[0]
        i, j = (Tensor._make(a) for a in _pairs(n))
        diff = x.index_select(0, i) - x.index_select(0, j)
        g = grad.unsqueeze(-1)
        zero = Tensor._make(xp.zeros(diff.shape, diff.array.dtype))
        if p == 0 or diff.numel() == 0:
            coeff = zero
        elif p == 1:  # sign(diff), NaN kept
            coeff = diff.sign().where(Tensor._make(~xp.isnan(diff.array)), diff) * g
        else:
            dist = Pdist.apply(x, p=p).unsqueeze(-1)
            if math.isinf(p):  # the coordinates where |diff| reaches the distance (NaN where either is)
                with xp.errstate(invalid="ignore"):
                    hit = 1 - xp.minimum(1, xp.ceil(xp.abs(xp.abs(diff.array) - dist.array)))
                coeff = g * diff.sign() * Tensor._make(hit.astype(diff.array.dtype))
            else:
                # torch's per-norm derivatives (Distance.cpp), 0 where the distance is 0
                live = Tensor._make(xp.broadcast_to(dist.array != 0, diff.shape))
                safe = dist.where(live, dist * 0 + 1)
                if p == 2:
                    coeff = (g * diff / safe).where(live, zero)
                else:
                    keep = live if p >= 1 else Tensor._make(live.array & (diff.array != 0))
                    absd = diff.abs().where(keep, zero + 1)
                    coeff = (diff.sign() * absd.pow(p - 1) * g / safe.pow(p - 1)).where(keep, zero)
        out = Tensor._make(xp.zeros(x.shape, x.array.dtype)).index_add(0, i, coeff)
        return out.index_add(0, j, -coeff)


def pdist(input, p=2):
    r"""The ``p``-norm distance between every pair of rows of ``input``: for ``N`` rows, the
    ``N (N - 1) / 2`` values :math:`\lVert x_i - x_j \rVert_p`, :math:`i < j`, in the order of
    the strict upper triangle, row by row (as ``torch.norm(x[:, None] - x, p=p)`` read off
    above the diagonal, but faster and with a gradient of 0 at a zero distance).

    Args:
        input (Tensor): :math:`(N, M)`, floating point.
        p (float): the norm, :math:`p \in [0, \infty]`. Default: 2.

    >>> import scratchnet as sn
    >>> pdist(sn.tensor([[1.0, 1.0], [2.0, 3.0]]), p=1).tolist()
    [3.0]
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"pdist(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if input.dtype not in FLOAT_DTYPES:
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return Pdist.apply(input, p=float(p))


# ---- bilinear --------------------------------------------------------------------------------------


def bilinear(input1, input2, weight, bias=None):
    r"""The bilinear map :math:`y = x_1^T A x_2 + b`: :math:`y_k = \sum_{ij} x_{1,i} A_{kij}
    x_{2,j} + b_k`.

    Args:
        input1 (Tensor): :math:`(*, H_{in1})`.
        input2 (Tensor): :math:`(*, H_{in2})`, the same leading dims.
        weight (Tensor): :math:`(H_{out}, H_{in1}, H_{in2})`.
        bias (Tensor, optional): :math:`(H_{out})`.

    Shape:
        - Output: :math:`(*, H_{out})`.

    >>> import scratchnet as sn
    >>> bilinear(sn.ones(2, 3), sn.ones(2, 4), sn.ones(5, 3, 4)).shape
    scratchnet.Size([2, 5])
    """
    if min(input1.ndim, input2.ndim, weight.ndim) == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    tensors = [("input1", input1), ("input2", input2), ("weight", weight)] + ([("bias", bias)] if bias is not None else [])
    if len({t.dtype for _, t in tensors}) > 1:
        kinds = ", ".join(f"{n}: {_cname(t.dtype)}" for n, t in tensors)
        raise RuntimeError(f"All tensors must have the same dtype, got {kinds}")
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    for d in range(input1.ndim - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got {input1.shape[d]} and {input2.shape[d]}")
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-dimensional, but got {weight.ndim}D")
    if input1.ndim == 0 or input1.shape[-1] != weight.shape[1]:
        got = input1.shape[-1] if input1.ndim else 1
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {got} but expected {weight.shape[1]}")
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but expected {weight.shape[2]}")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[0]):
        got = bias.shape[0] if bias.ndim else 1
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {got} but expected {weight.shape[0]}")
    from .einsum import einsum

    lead = tuple(input1.shape[:-1])
    flat = einsum("bi,oij,bj->bo", input1.reshape(-1, input1.shape[-1]), weight, input2.reshape(-1, input2.shape[-1]))
    out = flat.reshape(lead + (weight.shape[0],))
    return out + bias if bias is not None else out


def _cname(dtype):
    return {"float32": "float", "float64": "double", "int64": "long", "int32": "int", "int16": "short", "int8": "char",
            "uint8": "unsigned char", "bool": "bool", "float16": "c10::Half"}.get(str(dtype), str(dtype))


# ---- channel shuffle -------------------------------------------------------------------------------


class ChannelShuffle(Function):
    backward_name = "ChannelShuffleBackward0"

    def forward(ctx, x, groups):
        ctx.groups = groups
        n, c = x.shape[:2]
        grid = x.reshape((n, groups, c // groups) + x.shape[2:])
        return xp.ascontiguousarray(xp.swapaxes(grid, 1, 2)).reshape(x.shape)

    def backward(ctx, grad):
        c = grad.shape[1]
        return ChannelShuffle.apply(grad, groups=c // ctx.groups) if c else grad.clone()


def channel_shuffle(input, groups):
    r"""Shuffle the channels of :math:`(N, C, *)` as ShuffleNet does: split ``C`` into ``groups``
    groups of ``C / groups`` and interleave them (a ``(groups, C/groups)`` transpose of the
    channel axis).

    Args:
        input (Tensor): :math:`(N, C, *)`, at least 3-d.
        groups (int): the number of groups, dividing ``C``.

    >>> import scratchnet as sn
    >>> channel_shuffle(sn.arange(6.0).view(1, 6, 1), 3).flatten().tolist()
    [0.0, 2.0, 4.0, 1.0, 3.0, 5.0]
    """
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    return ChannelShuffle.apply(input, groups=int(groups))


def native_channel_shuffle(input, groups):
    """:func:`channel_shuffle` under its native kernel's name.

    >>> import scratchnet as sn
    >>> native_channel_shuffle(sn.arange(4.0).view(1, 4, 1), 2).flatten().tolist()
    [0.0, 2.0, 1.0, 3.0]
    """
    return channel_shuffle(input, groups)


# ---- triplet loss with a distance function -------------------------------------------------------


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False, reduction="mean"):
    r"""The triplet loss :math:`\max(d(a, p) - d(a, n) + \text{margin}, 0)` with any distance
    ``d`` (default :func:`pairwise_distance`); ``swap`` uses :math:`\min(d(a, n), d(p, n))` for
    the negative distance (Balntas et al. 2016).

    Args:
        anchor, positive, negative (Tensor): :math:`(N, D)` or :math:`(D)`, the same shape.
        distance_function (callable, optional): two tensors to a tensor of distances.
        margin (float): > 0. Default: 1.
        swap (bool): the distance swap. Default: False.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``.

    >>> import scratchnet as sn
    >>> a = sn.zeros(1, 2); p = sn.zeros(1, 2); n = sn.ones(1, 2)
    >>> round(triplet_margin_with_distance_loss(a, p, n, margin=2.0).item(), 4)
    0.5858
    """
    from .loss_extra import pairwise_distance
    from .math import clamp, minimum

    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dims = anchor.ndim, positive.ndim, negative.ndim
    if len(set(dims)) != 1:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of dimensions, "
            f"but got: anchor {dims[0]}D, positive {dims[1]}D, and negative {dims[2]}D inputs"
        )
    distance = pairwise_distance if distance_function is None else distance_function
    positive_distance = distance(anchor, positive)
    negative_distance = distance(anchor, negative)
    if swap:
        negative_distance = minimum(negative_distance, distance(positive, negative))
    loss = clamp(margin + positive_distance - negative_distance, min=0)
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    return loss


# ---- Gumbel-softmax --------------------------------------------------------------------------------


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    r"""A sample of the Gumbel-softmax (concrete) distribution (Jang et al. 2016; Maddison et
    al. 2016): :math:`y = \text{softmax}((\text{logits} + g) / \tau)`, :math:`g_i =
    -\log(e_i)`, :math:`e_i \sim \text{Exp}(1)`. With ``hard=True`` the result is the one-hot
    of :math:`\arg\max y` in the forward and :math:`y`'s gradient in the backward (straight-through).

    Args:
        logits (Tensor): :math:`(*, \text{num\_features})`, unnormalised log-probabilities.
        tau (float): the temperature > 0. Default: 1.
        hard (bool): return one-hot samples. Default: False.
        eps: unused (kept for torch's signature).
        dim (int): the dimension the softmax runs along. Default: -1.

    >>> import scratchnet as sn
    >>> _ = sn.manual_seed(0)
    >>> gumbel_softmax(sn.zeros(2, 3), hard=True).sum(-1).tolist()
    [1.0, 1.0]
    """
    if eps != 1e-10:
        import warnings

        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    from ..creation import empty_like
    from .activation import softmax

    noise = -empty_like(logits).exponential_().log()
    soft = softmax((logits + noise) / tau, dim)
    if not hard:
        return soft
    from ..creation import zeros_like

    index = soft.max(dim, keepdim=True)[1]
    one_hot = zeros_like(logits).scatter_(dim, index, 1.0)
    return one_hot - soft.detach() + soft


__all__ = ["pdist", "bilinear", "channel_shuffle", "native_channel_shuffle"]
