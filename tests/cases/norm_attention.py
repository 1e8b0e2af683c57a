"""Registry cases for normalisation, embeddings and attention (functional forms)."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import NO_LARGE, SPECIAL_VALUES, Case, Example, F, const, seeds

#: Special values without the finite ones whose squares overflow float32 (1e30, 3e38): torch's
#: float32 layer/group norm merge the Welford moments of its SIMD lanes, and a lane with no
#: elements then contributes inf * 0 = NaN, or not, by the lane layout of the row.
NO_SQUARE_OVERFLOW = tuple(v for v in SPECIAL_VALUES if not 1e19 < abs(v) < np.inf)


@st.composite
def layer_norm_example(draw, rms=False):
    lead = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
    normalized = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4).filter(lambda s: int(np.prod(s)) >= 2))
    affine = draw(st.integers(0, 1 if rms else 2))  # how many of weight, bias
    eps = draw(st.sampled_from([None, 1e-5, 1e-3])) if rms else draw(st.sampled_from([1e-5, 1e-3]))
    return Example([lead + normalized] + [normalized] * affine, {"normalized_shape": normalized, "eps": eps}, draw(seeds))


@st.composite
def group_norm_example(draw):
    groups, per = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    c = groups * per
    spatial = draw(st.sampled_from([(), (3,), (2, 2)]) if per > 1 else st.sampled_from([(3,), (2, 2)]))
    n = draw(st.integers(1, 3))
    affine = draw(st.sampled_from([0, 2]))
    return Example([(n, c, *spatial)] + [(c,)] * affine, {"num_groups": groups, "eps": draw(st.sampled_from([1e-5, 1e-3]))}, draw(seeds))


@st.composite
def instance_norm_example(draw):
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    spatial = draw(st.sampled_from([(3,), (2, 2), (2, 1, 3)]))
    affine = draw(st.sampled_from([0, 2]))
    return Example([(n, c, *spatial)] + [(c,)] * affine, {"running": draw(st.booleans()), "momentum": draw(st.sampled_from([0.1, 0.5]))}, draw(seeds))


def _instance_norm(lib, x, *wb, running, momentum):
    stats = (lib.zeros(x.shape[1], dtype=x.dtype), lib.ones(x.shape[1], dtype=x.dtype) * 1.5) if running else (None, None)
    return F(lib).instance_norm(x, *stats, *(wb or (None, None)), True, momentum, 1e-5)  # running stats: tests/test_norm_embedding.py


@st.composite
def lrn_example(draw):
    shape = draw(st.sampled_from([(2, 4, 3), (1, 3, 2, 2), (2, 5, 2)]))
    return Example([shape], {"size": draw(st.integers(1, 4)), "alpha": draw(st.sampled_from([1e-4, 0.5])), "beta": draw(st.sampled_from([0.75, 1.0])), "k": draw(st.sampled_from([1.0, 2.0]))}, draw(seeds))


@st.composite
def embedding_example(draw, padding=False):
    rows, dim = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    index_shape = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=4))  # empty: tests/test_norm_embedding.py (torch's double backward fails there)
    indices = draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, rows - 1)))
    padding = draw(st.integers(-rows, rows - 1)) if padding else None
    # scale_grad_by_freq: first derivatives in tests/test_norm_embedding.py (torch's double backward
    # ignores the scaling, scratchnet's differentiates it)
    return Example([(rows, dim)], {"indices": indices, "padding_idx": padding}, draw(seeds))


@st.composite
def embedding_bag_example(draw):
    rows, dim = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    mode = draw(st.sampled_from(["sum", "mean", "max"]))
    padding = draw(st.one_of(st.none(), st.integers(0, rows - 1)))
    if draw(st.booleans()):
        indices = draw(hnp.arrays(np.int64, (draw(st.integers(1, 3)), draw(st.integers(1, 3))), elements=st.integers(0, rows - 1)))
        offsets, last = None, False
    else:
        total = draw(st.integers(1, 6))
        indices = draw(hnp.arrays(np.int64, (total,), elements=st.integers(0, rows - 1)))
        offsets = np.array(sorted(draw(st.lists(st.integers(0, total), min_size=1, max_size=4))), dtype=np.int64)
        offsets[0] = 0
        last = draw(st.booleans())
        if last:  # torch documents the last offset as the input's size (other values behave erratically)
            offsets = np.append(offsets, total)
    return Example([(rows, dim)], {"indices": indices, "offsets": offsets, "mode": mode, "padding_idx": padding, "include_last_offset": last}, draw(seeds))


def _embedding_bag(lib, weight, indices, offsets, **kw):
    return F(lib).embedding_bag(const(lib, indices), weight, None if offsets is None else const(lib, offsets), **kw)


CASES = [
    Case("layer_norm", lambda lib, x, *wb, normalized_shape, eps: F(lib).layer_norm(x, normalized_shape, *wb, eps=eps), layer_norm_example(), tol32=1e-4, specials=NO_SQUARE_OVERFLOW),
    Case("group_norm", lambda lib, x, *wb, num_groups, eps: F(lib).group_norm(x, num_groups, *wb, eps=eps), group_norm_example(), tol32=1e-4, specials=NO_SQUARE_OVERFLOW),
    Case("instance_norm", _instance_norm, instance_norm_example(), tol32=1e-4),
    Case("rms_norm", lambda lib, x, *w, normalized_shape, eps: F(lib).rms_norm(x, normalized_shape, *w, eps=eps), layer_norm_example(rms=True), tol32=1e-4),
    Case("local_response_norm", lambda lib, x, **kw: F(lib).local_response_norm(x, **kw), lrn_example(), tol32=1e-4),
    Case("embedding", lambda lib, w, indices, **kw: F(lib).embedding(const(lib, indices), w, **kw), embedding_example()),
    # the padding row is used by the forward but gets no gradient, on purpose: no finite differences
    Case("embedding-padding_idx", lambda lib, w, indices, **kw: F(lib).embedding(const(lib, indices), w, **kw), embedding_example(padding=True), fd=False),
    # torch has no double backward for embedding_bag: forward here, gradients in tests/test_norm_embedding.py
    Case("embedding_bag", _embedding_bag, embedding_bag_example(), grad=False, domain=lambda x, rng: (rng.permutation(x.size).reshape(x.shape) - x.size / 2) * 0.05 + 0.01),
]


def _float_like(lib, array, like):
    return lib.tensor(array.astype(str(like.dtype).replace("torch.", "")))


@st.composite
def attention_example(draw):
    batch = draw(st.sampled_from([(), (2,), (1, 2), (2, 3)]))
    L, S, E, Ev = (draw(st.integers(1, 4)) for _ in range(4))
    params = {"kind": draw(st.sampled_from(["none", "bool", "float", "causal"])), "scale": draw(st.sampled_from([None, 0.5])), "gqa": False}
    kv_batch = batch
    if len(batch) >= 2 and draw(st.booleans()):  # grouped-query attention: fewer key/value heads
        params["gqa"] = True
        kv_batch = batch[:-1] + (1,) if batch[-1] > 1 else batch
    if params["kind"] == "bool":
        params["mask"] = draw(hnp.arrays(bool, (L, S)))  # a row may see no key at all: zeros, as torch
    elif params["kind"] == "float":
        params["mask"] = draw(hnp.arrays(np.float64, draw(st.sampled_from([(L, S), (1, S), batch + (L, S)])), elements=st.floats(-2, 2)))
    return Example([batch + (L, E), kv_batch + (S, E), kv_batch + (S, Ev)], params, draw(seeds))


def _sdpa(lib, q, k, v, kind, scale, gqa, mask=None):
    kw = {"scale": scale, "enable_gqa": gqa}
    if kind == "causal":
        kw["is_causal"] = True
    elif kind == "bool":
        kw["attn_mask"] = lib.tensor(mask)
    elif kind == "float":
        kw["attn_mask"] = _float_like(lib, mask, q)
    with _math_kernel(lib):
        return F(lib).scaled_dot_product_attention(q, k, v, **kw)


def _math_kernel(lib):
    """torch's math kernel for attention (its flash kernel on CPU has no double backward)."""
    import contextlib

    if lib.__name__ != "torch":
        return contextlib.nullcontext()
    from torch.nn.attention import SDPBackend, sdpa_kernel

    return sdpa_kernel(SDPBackend.MATH)


@st.composite
def mha_example(draw):
    heads, head_dim = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    E, L, S, N = heads * head_dim, draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    self_attention = draw(st.booleans())
    S = L if self_attention else S
    params = {"heads": heads, "need_weights": draw(st.booleans()), "average": draw(st.booleans()), "self_attention": self_attention}
    params["float_masks"] = draw(st.booleans())  # bool masks (True = masked out) or additive float ones
    if draw(st.booleans()):
        kpm = draw(hnp.arrays(bool, (N, S)))
        kpm[:, 0] = False  # every query keeps a key (a fully masked row is NaN in torch's need_weights path)
        params["kpm"] = kpm
    if draw(st.booleans()):
        mask = draw(hnp.arrays(bool, (L, S)))
        mask[:, 0] = False
        params["mask"] = np.where(mask, -np.inf, draw(hnp.arrays(np.float64, (L, S), elements=st.floats(-2, 2)))) if params["float_masks"] else mask
    return Example([(L, N, E), (S, N, E), (S, N, E), (3 * E, E), (3 * E,), (E, E), (E,)], params, draw(seeds))


def _mha(lib, q, k, v, w_in, b_in, w_out, b_out, heads, need_weights, average, self_attention, float_masks, kpm=None, mask=None):
    if self_attention:
        k = v = q
    if kpm is not None:
        kpm = _float_like(lib, np.where(kpm, -np.inf, 0.0), q) if float_masks else lib.tensor(kpm)
    if mask is not None:
        mask = _float_like(lib, mask, q) if float_masks else lib.tensor(mask)
    with _math_kernel(lib):
        out = F(lib).multi_head_attention_forward(
            q, k, v, q.shape[-1], heads, w_in, b_in, None, None, False, 0.0, w_out, b_out, training=True,
            key_padding_mask=kpm, need_weights=need_weights, attn_mask=mask, average_attn_weights=average)
    return out if need_weights else out[0]


CASES += [
    Case("scaled_dot_product_attention", _sdpa, attention_example(), tol32=1e-4),
    Case("multi_head_attention_forward", _mha, mha_example(), tol32=1e-4),
]


@st.composite
def lstm_cell_example(draw):
    n, i, h = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    shapes = [(n, i), (n, h), (n, h), (4 * h, i), (4 * h, h)] + ([(4 * h,), (4 * h,)] if draw(st.booleans()) else [])
    return Example(shapes, {}, draw(seeds))


CASES += [
    Case("lstm_cell", lambda lib, x, h, c, w_ih, w_hh, *b: lib.lstm_cell(x, (h, c), w_ih, w_hh, *b), lstm_cell_example()),
]


@st.composite
def lstm_layer_example(draw):
    t, n, i, h = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    shapes = [(t, n, i), (n, h), (n, h), (4 * h, i), (4 * h, h)] + ([(4 * h,), (4 * h,)] if draw(st.booleans()) else [])
    return Example(shapes, {"reverse": draw(st.booleans())}, draw(seeds))


def _lstm_layer(lib, x, h, c, *weights, reverse):
    """One direction of an LSTM layer: torch's lstm (one layer; the reverse direction as the
    forward one over the flipped sequence) against scratchnet's fused LSTMLayer
    (scratchnet.ops.recurrent.lstm_layer)."""
    if lib.__name__ == "torch":
        seq = x.flip(0) if reverse else x
        out, h_n, c_n = lib.lstm(seq, (h[None], c[None]), list(weights), len(weights) == 4, 1, 0.0, False, False, False)
        return (out.flip(0) if reverse else out), h_n[0], c_n[0]
    from scratchnet.ops.recurrent import lstm_layer

    return lstm_layer(x, h, c, *weights, reverse=reverse)


@st.composite
def gru_layer_example(draw):
    t, n, i, h = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    shapes = [(t, n, i), (n, h), (3 * h, i), (3 * h, h)] + ([(3 * h,), (3 * h,)] if draw(st.booleans()) else [])
    return Example(shapes, {"reverse": draw(st.booleans())}, draw(seeds))


def _gru_layer(lib, x, h, *weights, reverse):
    """One direction of a GRU layer: torch's gru (reverse: over the flipped sequence) against
    scratchnet's fused GRULayer (scratchnet.ops.recurrent.gru_layer)."""
    if lib.__name__ == "torch":
        seq = x.flip(0) if reverse else x
        out, h_n = lib.gru(seq, h[None], list(weights), len(weights) == 4, 1, 0.0, False, False, False)
        return (out.flip(0) if reverse else out), h_n[0]
    from scratchnet.ops.recurrent import gru_layer

    return gru_layer(x, h, *weights, reverse=reverse)


CASES += [
    # specials without the large finite values (as matmul): torch's float32 LSTM is oneDNN's fused
    # cell, whose backward multiplies a huge cell state in its own order (a product that overflows
    # to inf in one order is finite in another) and sums the weight gradients over the batch in
    # its GEMM's order (inf + -inf = NaN, or not)
    Case("nn.LSTM", _lstm_layer, lstm_layer_example(), dtypes=("float32", "float64"), mixed=False, odd_shapes=False, specials=NO_LARGE),
    Case("nn.GRU", _gru_layer, gru_layer_example(), dtypes=("float32", "float64"), mixed=False, odd_shapes=False),
]


@st.composite
def gru_cell_example(draw):
    n, i, h = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    shapes = [(n, i), (n, h), (3 * h, i), (3 * h, h)] + ([(3 * h,), (3 * h,)] if draw(st.booleans()) else [])
    return Example(shapes, {}, draw(seeds))


CASES += [
    Case("gru_cell", lambda lib, x, h, w_ih, w_hh, *b: lib.gru_cell(x, h, w_ih, w_hh, *b), gru_cell_example()),
]
