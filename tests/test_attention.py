"""MultiheadAttention, the Transformer layers and scaled_dot_product_attention against torch: the
same module in both engines (weights copied by state_dict key), outputs and every gradient equal
in float64 (1e-9); float32 within 1e-5 / 1e-4."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
import scratchnet.nn as nn
import scratchnet.nn.functional as F

from .parity import assert_close
from .twins import compare_run, tensors, twin

pytestmark = [pytest.mark.filterwarnings("ignore:enable_nested_tensor is True"), pytest.mark.filterwarnings("ignore:Support for mismatched")]


def _mask(lib, array, float_masks, dtype):
    """A bool mask (True = masked out) for the engine: as bool, or as the additive float mask."""
    if array is None:
        return None
    if float_masks:
        return lib.tensor(np.where(array, -np.inf, 0.0).astype(dtype))
    return lib.tensor(array)


@st.composite
def mha_config(draw):
    heads, head_dim = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kw = dict(bias=draw(st.booleans()), add_bias_kv=draw(st.booleans()), add_zero_attn=draw(st.booleans()), batch_first=draw(st.booleans()))
    if draw(st.booleans()):
        kw["kdim"], kw["vdim"] = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sizes = dict(E=heads * head_dim, heads=heads, L=draw(st.integers(1, 4)), S=draw(st.integers(1, 4)), N=draw(st.integers(1, 3)))
    call = dict(need_weights=draw(st.booleans()), average_attn_weights=draw(st.booleans()))
    masks = dict(kpm=draw(st.booleans()), attn=draw(st.sampled_from([None, 2, 3])), float_masks=draw(st.booleans()))
    return kw, sizes, call, masks, draw(st.sampled_from(["cross", "self", "unbatched"])), draw(st.integers(0, 2**16))


@given(mha_config())
def test_multihead_attention_matches_torch(config):
    kw, sizes, call, masks, kind, seed = config
    rng = np.random.default_rng(seed)
    E, heads, L, S, N = (sizes[k] for k in ("E", "heads", "L", "S", "N"))
    if kind == "self":
        kw.pop("kdim", None), kw.pop("vdim", None)
        S = L
    ours, theirs = twin(lambda lib: lib.nn.MultiheadAttention(E, heads, **kw))
    batch = () if kind == "unbatched" else (N,)

    def seq(n, d):
        if not batch:
            return rng.standard_normal((n, d))
        return rng.standard_normal((N, n, d) if kw["batch_first"] else (n, N, d))

    arrays = [seq(L, E)] if kind == "self" else [seq(L, E), seq(S, kw.get("kdim", E)), seq(S, kw.get("vdim", E))]
    kpm = rng.random(batch + (S,)) < 0.3 if masks["kpm"] else None
    attn = None
    if masks["attn"] == 2 or (masks["attn"] and not batch):
        attn = rng.random((L, S)) < 0.3
    elif masks["attn"] == 3:
        attn = rng.random((N * heads, L, S)) < 0.3
    if call["need_weights"]:  # torch's need_weights path gives NaN for a query that sees no key
        for m in (kpm, attn):
            if m is not None:
                m[..., 0] = False
    ins_s, ins_t = tensors(arrays)
    qs, ks, vs = (ins_s * 3)[:3] if kind == "self" else ins_s
    qt, kt, vt = (ins_t * 3)[:3] if kind == "self" else ins_t
    out_s = ours(qs, ks, vs, key_padding_mask=_mask(sn, kpm, masks["float_masks"], "float64"), attn_mask=_mask(sn, attn, masks["float_masks"], "float64"), **call)
    out_t = theirs(qt, kt, vt, key_padding_mask=_mask(torch, kpm, masks["float_masks"], "float64"), attn_mask=_mask(torch, attn, masks["float_masks"], "float64"), **call)
    if not call["need_weights"]:
        assert out_s[1] is None and out_t[1] is None
    compare_run(ours, theirs, out_s, out_t, ins_s, ins_t, seed=seed)


def test_multihead_attention_parameters_and_init_follow_torch(monkeypatch):
    for kw in [{}, {"bias": False}, {"add_bias_kv": True, "kdim": 3, "vdim": 5}]:
        ours, theirs = nn.MultiheadAttention(4, 2, **kw), torch.nn.MultiheadAttention(4, 2, **kw)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert repr(ours) == repr(theirs)
    mha = nn.MultiheadAttention(6, 3)
    assert not mha.in_proj_bias.detach().numpy().any() and not mha.out_proj.bias.detach().numpy().any()
    bound = math.sqrt(6 / (18 + 6))
    assert abs(mha.in_proj_weight).max().item() <= bound
    # draw order: out_proj (a Linear: weight, bias), then xavier on the projections, then bias_k, bias_v
    calls = []
    for name in ("kaiming_uniform_", "uniform_", "xavier_uniform_", "xavier_normal_"):
        monkeypatch.setattr(nn.init, name, (lambda n: lambda t, *a, **k: calls.append((n, tuple(t.shape))) or t)(name))
    nn.MultiheadAttention(4, 2, add_bias_kv=True)
    assert calls == [("kaiming_uniform_", (4, 4)), ("uniform_", (4,)), ("xavier_uniform_", (12, 4)), ("xavier_normal_", (1, 1, 4)), ("xavier_normal_", (1, 1, 4))]


@st.composite
def layer_config(draw):
    heads = draw(st.sampled_from([1, 2]))
    d_model = heads * draw(st.integers(1, 3))
    kw = dict(dim_feedforward=draw(st.integers(1, 6)), dropout=0.0, activation=draw(st.sampled_from(["relu", "gelu", "callable"])),
              layer_norm_eps=draw(st.sampled_from([1e-5, 1e-3])), batch_first=draw(st.booleans()), norm_first=draw(st.booleans()), bias=draw(st.booleans()))
    sizes = dict(d=d_model, heads=heads, S=draw(st.integers(1, 4)), T=draw(st.integers(1, 4)), N=draw(st.integers(1, 2)))
    return kw, sizes, draw(st.booleans()), draw(st.sampled_from(["encoder", "decoder", "transformer"])), draw(st.integers(0, 2**16))


def _build(kind, kw, sizes, layers):
    def build(lib):
        kw2 = dict(kw)
        if kw2["activation"] == "callable":
            kw2["activation"] = lib.nn.functional.silu if hasattr(lib.nn.functional, "silu") else (lambda x: x * x.sigmoid())
        d, h = sizes["d"], sizes["heads"]
        if kind == "encoder":
            return lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(d, h, **kw2), layers, lib.nn.LayerNorm(d))
        if kind == "decoder":
            return lib.nn.TransformerDecoder(lib.nn.TransformerDecoderLayer(d, h, **kw2), layers)
        return lib.nn.Transformer(d, h, layers, layers, **kw2)

    return build


@settings(max_examples=15)
@given(layer_config())
def test_transformer_stacks_match_torch(config):
    kw, sizes, with_masks, kind, seed = config
    rng = np.random.default_rng(seed)
    ours, theirs = twin(_build(kind, kw, sizes, 2))
    d, S, T, N = sizes["d"], sizes["S"], sizes["T"], sizes["N"]

    def seq(n):
        return rng.standard_normal((N, n, d) if kw["batch_first"] else (n, N, d))

    arrays = [seq(S)] if kind == "encoder" else [seq(T), seq(S)]
    ins_s, ins_t = tensors(arrays)
    kpm = rng.random((N, S)) < 0.3 if with_masks else None
    if kpm is not None:
        kpm[:, 0] = False
    causal = {lib: lib.nn.Transformer.generate_square_subsequent_mask(T, dtype=lib.float64) for lib in (sn, torch)}

    def call(lib, m, ins):
        pad = _mask(lib, kpm, False, "float64")
        if kind == "encoder":
            return m(ins[0], src_key_padding_mask=pad)
        if kind == "decoder":
            return m(ins[0], ins[1], tgt_mask=causal[lib] if with_masks else None, memory_key_padding_mask=pad)
        return m(ins[1], ins[0], tgt_mask=causal[lib] if with_masks else None, src_key_padding_mask=pad, memory_key_padding_mask=pad)

    compare_run(ours, theirs, call(sn, ours, ins_s), call(torch, theirs, ins_t), ins_s, ins_t, seed=seed)


def test_state_dict_keys_and_init_follow_torch():
    for kind in ("encoder", "decoder", "transformer"):
        kw = dict(dim_feedforward=8, dropout=0.1, activation="relu", layer_norm_eps=1e-5, batch_first=True, norm_first=False, bias=True)
        ours, theirs = _build(kind, kw, dict(d=4, heads=2), 2)(sn), _build(kind, kw, dict(d=4, heads=2), 2)(torch)
        assert list(ours.state_dict()) == list(theirs.state_dict())
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8), 2)  # clones: the same weights, as torch's deepcopy
    assert np.array_equal(encoder.layers[0].linear1.weight.detach().numpy(), encoder.layers[1].linear1.weight.detach().numpy())
    layer = nn.TransformerEncoderLayer(4, 2)
    assert layer.linear1.weight.shape == (2048, 4) and layer.dropout.p == 0.1
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    assert_close(mask, torch.nn.Transformer.generate_square_subsequent_mask(4), 0, 0, what="causal mask")
    with pytest.raises(RuntimeError, match="relu/gelu"):
        nn.TransformerEncoderLayer(4, 2, activation="tanh")


def test_float32_and_eval_mode_match_torch():
    kw = dict(dim_feedforward=16, dropout=0.1, activation="gelu", layer_norm_eps=1e-5, batch_first=True, norm_first=True, bias=True)
    ours, theirs = twin(_build("transformer", kw, dict(d=8, heads=2), 2), dtype="float32")
    ours.eval(), theirs.eval()  # dropout off
    rng = np.random.default_rng(5)
    ins_s, ins_t = tensors([rng.standard_normal((3, 5, 8)).astype("float32"), rng.standard_normal((3, 4, 8)).astype("float32")])
    compare_run(ours, theirs, ours(*ins_s), theirs(*ins_t), ins_s, ins_t, dtype="float32", rtol=1e-5, atol=1e-5)


def test_encoder_zeroes_padding_where_torch_uses_nested_tensors():
    ours, theirs = twin(lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True), 2), dtype="float32")
    ours.eval(), theirs.eval()
    x = np.random.default_rng(6).standard_normal((2, 3, 4)).astype("float32")
    kpm = np.array([[False, False, True], [False, False, False]])
    with sn.no_grad(), torch.no_grad():
        a = ours(sn.tensor(x), src_key_padding_mask=sn.tensor(kpm))
        b = theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(kpm))
    assert_close(a, b, 1e-5, 1e-5, what="eval output")
    assert not a.numpy()[0, 2].any()


@st.composite
def sdpa_dropout(draw):
    return draw(st.sampled_from([0.2, 0.5])), draw(st.integers(0, 2**16))


@settings(max_examples=5)
@given(sdpa_dropout())
def test_attention_dropout_uses_the_dropout_generator(config):
    """Attention dropout is F.dropout on the weights: the same seed gives the same mask."""
    p, seed = config
    rng = np.random.default_rng(seed)
    q, k, v = (sn.tensor(rng.standard_normal((2, 3, 4))) for _ in range(3))
    sn.manual_seed(seed)
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=p)
    sn.manual_seed(seed)
    expected = F.dropout((q @ k.transpose(-2, -1) / 2.0).softmax(dim=-1), p) @ v
    assert_close(out, expected, 1e-12, 1e-12, what="dropout attention")


def test_sdpa_errors_and_fully_masked_rows():
    q = sn.randn(1, 3, 4)
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=sn.ones(3, 3).bool(), is_causal=True)
    mask = np.ones((3, 3), bool)
    mask[1] = False
    x = np.random.default_rng(7).standard_normal((1, 3, 4))
    (qs,), (qt,) = tensors([x])
    a = F.scaled_dot_product_attention(qs, qs, qs, attn_mask=sn.tensor(mask))
    b = torch.nn.functional.scaled_dot_product_attention(qt, qt, qt, attn_mask=torch.tensor(mask))
    assert_close(a, b, 1e-9, 1e-11, what="a query that sees no key")
    a.sum().backward(), b.sum().backward()
    assert_close(qs.grad, qt.grad, 1e-9, 1e-11, what="its gradient")


def _mini_gpt(lib, vocab=11, width=8, heads=2, context=6, layers=2):
    """A minGPT-style model written once for both engines: token + position embeddings, pre-norm
    blocks of causal self-attention (F.scaled_dot_product_attention) and a GELU MLP, final
    LayerNorm, head tied to the token embedding."""
    nn_, F_ = lib.nn, lib.nn.functional

    class Block(nn_.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.attn, self.proj = nn_.LayerNorm(width), nn_.Linear(width, 3 * width), nn_.Linear(width, width)
            self.ln_2, self.fc, self.out = nn_.LayerNorm(width), nn_.Linear(width, 4 * width), nn_.Linear(4 * width, width)

        def forward(self, x):
            B, T, C = x.shape
            q, k, v = self.attn(self.ln_1(x)).split(C, dim=2)
            q, k, v = (t.reshape(B, T, heads, C // heads).transpose(1, 2) for t in (q, k, v))
            y = F_.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, T, C)
            x = x + self.proj(y)
            return x + self.out(F_.gelu(self.fc(self.ln_2(x))))

    class GPT(nn_.Module):
        def __init__(self):
            super().__init__()
            self.wte, self.wpe = nn_.Embedding(vocab, width), nn_.Embedding(context, width)
            self.blocks = nn_.ModuleList([Block() for _ in range(layers)])
            self.ln_f = nn_.LayerNorm(width)
            self.head = nn_.Linear(width, vocab, bias=False)
            self.head.weight = self.wte.weight

        def forward(self, idx):
            x = self.wte(idx) + self.wpe(lib.arange(idx.shape[1]))
            for block in self.blocks:
                x = block(x)
            return self.head(self.ln_f(x))

    return GPT()


@settings(max_examples=5)
@given(st.integers(1, 3), st.integers(1, 6), st.integers(0, 2**16))
def test_mini_gpt_logits_loss_and_gradients_match_torch(batch, steps, seed):
    ours, theirs = twin(_mini_gpt)
    rng = np.random.default_rng(seed)
    idx, targets = rng.integers(0, 11, (batch, steps)), rng.integers(0, 11, (batch, steps))
    logits_s, logits_t = ours(sn.tensor(idx)), theirs(torch.tensor(idx))
    loss_s = F.cross_entropy(logits_s.reshape(-1, 11), sn.tensor(targets.reshape(-1)))
    loss_t = torch.nn.functional.cross_entropy(logits_t.reshape(-1, 11), torch.tensor(targets.reshape(-1)))
    compare_run(ours, theirs, (logits_s, loss_s), (logits_t, loss_t), seed=seed)


@pytest.mark.parametrize("kind", ["encoder_layer", "mha", "lstm"])
def test_adamw_with_clipping_step_for_step(kind):
    """Five AdamW steps with clip_grad_norm_ on a small causal language model: the loss at every
    step and the final weights equal torch's (float64)."""
    vocab, width, steps = 9, 8, 5

    def build(lib):
        nn_ = lib.nn

        class LM(nn_.Module):
            def __init__(self):
                super().__init__()
                self.emb = nn_.Embedding(vocab, width)
                if kind == "encoder_layer":
                    self.body = nn_.TransformerEncoderLayer(width, 2, 16, dropout=0.0, batch_first=True, norm_first=True)
                elif kind == "mha":
                    self.body = nn_.MultiheadAttention(width, 2, batch_first=True)
                else:
                    self.body = nn_.LSTM(width, width, 2, batch_first=True)
                self.norm = nn_.LayerNorm(width)
                self.head = nn_.Linear(width, vocab)

            def forward(self, idx):
                x = self.emb(idx)
                mask = nn_.Transformer.generate_square_subsequent_mask(idx.shape[1], dtype=x.dtype)
                if kind == "encoder_layer":
                    x = self.body(x, src_mask=mask, is_causal=True)
                elif kind == "mha":
                    x = x + self.body(x, x, x, attn_mask=mask, need_weights=False)[0]
                else:
                    x = self.body(x)[0]
                return self.head(self.norm(x))

        return LM()

    ours, theirs = twin(build)
    opt_s = sn.optim.AdamW(ours.parameters(), lr=1e-2, weight_decay=0.1)
    opt_t = torch.optim.AdamW(theirs.parameters(), lr=1e-2, weight_decay=0.1)
    rng = np.random.default_rng(8)
    for step in range(steps):
        idx, target = rng.integers(0, vocab, (3, 6)), rng.integers(0, vocab, (3, 6))
        losses = []
        for lib, model, opt in ((sn, ours, opt_s), (torch, theirs, opt_t)):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(lib.tensor(idx)).reshape(-1, vocab), lib.tensor(target.reshape(-1)))
            loss.backward()
            losses.append((loss, lib.nn.utils.clip_grad_norm_(model.parameters(), 0.5)))
            opt.step()
        (loss_s, norm_s), (loss_t, norm_t) = losses
        assert_close(loss_s, loss_t, 1e-9, 1e-11, what=f"loss at step {step}")
        assert_close(norm_s, norm_t, 1e-9, 1e-11, what=f"gradient norm at step {step}")
    # atol 1e-9: the key bias's gradient is zero in exact arithmetic (softmax ignores a shift), so
    # both engines feed Adam rounding noise (~1e-17), which Adam scales up to lr * noise / eps ~ 1e-11
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        assert_close(p.detach(), q.detach(), 1e-9, 1e-9, what=f"{name} after {steps} steps")
