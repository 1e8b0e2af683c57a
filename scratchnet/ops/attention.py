"""Scaled dot-product attention, written as its formula with scratchnet ops.

    scores  = Q K^T * scale (+ mask)          (..., L, S); scale = 1 / sqrt(E) by default
    weights = softmax(scores, dim=-1)          each query's distribution over the keys
    out     = dropout(weights) V               (..., L, Ev)

The backward is the chain of matmul, (safe) softmax and matmul backwards, so a
learner can follow the gradient of softmax attention node by node (``scratchnet.trace`` shows it).
For dW = dout V^T the softmax backward gives dscores = W * (dW - sum(dW * W, dim=-1)), and then
dQ = dscores K * scale, dK = dscores^T Q * scale, dV = W^T dout.

>>> import scratchnet as sn
>>> q = sn.ones(1, 2, 3)
>>> v = sn.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
>>> scaled_dot_product_attention(q, q, v).tolist()  # equal scores: the mean of the values
[[[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]]]
>>> scaled_dot_product_attention(q, q, v, is_causal=True).tolist()  # query 0 sees key 0 only
[[[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]]]
"""

import math

from ..backend import FLOAT_DTYPES, fast_where, xp
from ..tensor import Function, Tensor, bool_


def _neg_inf_where_not(mask, dtype):
    """A bool mask (True = attend) as an additive float mask: 0 where True, -inf where False."""
    return Tensor._make(fast_where(mask.array, 0.0, -xp.inf).astype(dtype))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    """``F.scaled_dot_product_attention``: softmax(Q K^T * scale + mask) V.

    Arguments:
        query: (..., L, E); key: (..., S, E); value: (..., S, Ev).
        attn_mask: broadcastable to (..., L, S): a bool mask (True = may attend) or a float
            mask added to the scores.
        dropout_p: dropout on the attention weights (always applied when > 0, as torch).
        is_causal: query i attends to keys 0..i only (no ``attn_mask`` then).
        scale: instead of 1 / sqrt(E).
        enable_gqa: grouped-query attention: key and value have fewer heads (dim -3) than
            query, each shared by ``Hq // Hk`` query heads.

    A query that may attend to no key gets zeros (torch's "safe softmax"), not NaN.
    """
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"scaled_dot_product_attention(): argument '{name}' must be Tensor, not {type(t).__name__}")
        if t.ndim < 2:
            raise RuntimeError(f"scaled_dot_product_attention: {name} must have at least 2 dimensions, got {t.ndim}")
    if query.dtype != key.dtype or query.dtype != value.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: {query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead.")
    if query.dtype not in FLOAT_DTYPES:
        raise RuntimeError(f"scaled_dot_product_attention: expected floating point inputs, got {query.dtype}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: query (..., L, E), key (..., S, E) and value (..., S, Ev) do not fit: got {list(query.shape)}, {list(key.shape)} and {list(value.shape)}")
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        heads, kv_heads = query.shape[-3], key.shape[-3]
        if heads % kv_heads or value.shape[-3] != kv_heads:
            raise RuntimeError(f"Number of heads in key and value must divide the number of heads in query (got {heads} query heads, {kv_heads} key heads and {value.shape[-3]} value heads)")
        key, value = _repeat_heads(key, heads // kv_heads), _repeat_heads(value, heads // kv_heads)
    L, S = query.shape[-2], key.shape[-2]
    # torch's math kernel: q and k each scaled by sqrt(scale) before the product (for range)
    scale = (1.0 / math.sqrt(query.shape[-1]) if query.shape[-1] else math.inf) if scale is None else scale
    root = math.sqrt(abs(scale))
    scores = (query * (-root if scale < 0 else root)) @ (key.transpose(-2, -1) * root)
    if S == 0:  # no keys: nothing to attend to, zeros (as torch)
        return scores @ value
    if is_causal:
        attn_mask = Tensor._make(xp.tril(xp.ones((L, S), dtype=bool)))
    if attn_mask is not None:
        mask = attn_mask if attn_mask.dtype == bool_ else None
        scores = scores + (_neg_inf_where_not(attn_mask, scores.dtype) if mask is not None else attn_mask)
    weights = SafeSoftmax.apply(scores)
    if dropout_p > 0.0:
        weights = _dropout(weights, dropout_p)
    return weights @ value


class SafeSoftmax(Function):
    """torch's ``_safe_softmax`` over the last dim: a softmax, with zeros for a row of scores all
    -inf (a query that sees no key); backward, as softmax's on that output: W * (g - sum(g * W))
    (so a NaN upstream still reaches the scores, as in torch)."""

    def forward(ctx, x):
        if x.size == 0:
            ctx.save_for_backward(out := x.copy())
            return out
        dead = xp.isneginf(x).all(axis=-1, keepdims=True)
        with xp.errstate(invalid="ignore"):
            shifted = x - xp.max(fast_where(dead, 0, x), axis=-1, keepdims=True)
            e = xp.exp(fast_where(dead, 0, shifted))
            out = fast_where(dead, 0, e / e.sum(axis=-1, keepdims=True)).astype(x.dtype, copy=False)
        ctx.save_for_backward(out)  # the output itself: the backward is differentiable again through it
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return out * (grad - (grad * out).sum(dim=-1, keepdim=True))


def _dropout(x, p):
    """``F.dropout`` as nn.functional has it now (one dropout, one generator, for every layer)."""
    from ..nn import functional

    return functional.dropout(x, p, True)


def _repeat_heads(t, repeats):
    """(..., H, S, E) -> (..., H * repeats, S, E), each head repeated ``repeats`` times in place
    (torch's ``repeat_interleave(repeats, dim=-3)``)."""
    lead, (h, s, e) = tuple(t.shape[:-3]), tuple(t.shape[-3:])
    return t.unsqueeze(-3).expand(*lead, h, repeats, s, e).reshape(*lead, h * repeats, s, e)


__all__ = []  # torch has no top-level scaled_dot_product_attention: it lives in nn.functional
