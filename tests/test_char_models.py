"""The character language models (scratchnet.models.CharGPT/CharLSTM/CharGRU) against their torch
twins (reference.models): built from the same seed with no weight copying, they give the same
logits, loss and gradients, and train step for step alike under AdamW + clipping + the schedule."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import reference.models as R
import reference.models as R_models
import scratchnet
import scratchnet.models as M
from scratchnet import lm
from tests.parity import TOLERANCE, assert_close


def build(kind, vocab, seed, dtype="float64", **kw):
    """The two engines' models from the same seed, no copying; asserts identical state dicts."""
    scratchnet.manual_seed(seed)
    ours = M.TEXT_MODELS[kind](vocab, **kw)
    torch.manual_seed(seed)
    theirs = R.TEXT_MODELS[kind](vocab, **kw)
    a, b = ours.state_dict(), theirs.state_dict()
    assert list(a) == list(b)
    for k in a:
        assert (a[k].numpy() == b[k].numpy()).all(), f"initial {k} differs"
    if dtype == "float64":
        ours, theirs = ours.double(), theirs.double()
    return ours, theirs


@st.composite
def configs(draw):
    kind = draw(st.sampled_from(["gpt", "lstm", "gru"]))
    layers = draw(st.integers(1, 3))
    if kind == "gpt":
        heads = draw(st.integers(1, 3))
        kw = dict(n_layer=layers, n_head=heads, n_embd=heads * draw(st.integers(1, 4)), block_size=draw(st.integers(1, 8)))
        steps = draw(st.integers(1, kw["block_size"]))
    else:
        kw = dict(n_layer=layers, n_embd=draw(st.integers(1, 6)), hidden_size=draw(st.integers(1, 8)))
        steps = draw(st.integers(1, 8))
    return kind, kw, draw(st.integers(2, 12)), draw(st.integers(1, 3)), steps, draw(st.integers(0, 2**16))


def forward_backward(lib, model, idx, targets):
    logits = model(lib.tensor(idx))
    loss = lm.lm_loss(lib, logits, lib.tensor(targets))
    loss.backward()
    return logits, loss


@settings(max_examples=12, deadline=None)
@given(configs())
def test_logits_loss_and_every_gradient_equal_torch_float64(config):
    kind, kw, vocab, batch, steps, seed = config
    ours, theirs = build(kind, vocab, seed, **kw)
    rng = np.random.default_rng(seed)
    idx, targets = rng.integers(0, vocab, (batch, steps)), rng.integers(0, vocab, (batch, steps))
    (ls, loss_s), (lt, loss_t) = forward_backward(scratchnet, ours, idx, targets), forward_backward(torch, theirs, idx, targets)
    assert_close(ls, lt, *TOLERANCE["float64"], what="logits")
    assert_close(loss_s, loss_t, *TOLERANCE["float64"], what="loss")
    named_t = dict(theirs.named_parameters())
    assert list(dict(ours.named_parameters())) == list(named_t)
    for name, p in ours.named_parameters():
        assert_close(p.grad, named_t[name].grad, 1e-9, 1e-12, what=f"{kind} gradient of {name}")


@pytest.mark.parametrize("kind", ["gpt", "lstm", "gru"])
def test_ten_adamw_steps_with_clipping_and_schedule_equal_torch(kind):
    """Dropout on (its masks come from the shared generator), the two parameter groups, the
    warm-up + cosine lr set on the groups each step, clip_grad_norm_(1.0): the loss and gradient
    norm at every step and the final weights equal torch's (float64)."""
    vocab, steps = 10, 10
    kw = dict(n_layer=2, n_embd=8, dropout=0.1)
    kw.update(dict(n_head=2, block_size=6) if kind == "gpt" else dict(hidden_size=8))
    ours, theirs = build(kind, vocab, seed=5, **kw)
    opt_s, opt_t = lm.make_optimizer(scratchnet, ours, lr=3e-2), lm.make_optimizer(torch, theirs, lr=3e-2)
    assert [len(g["params"]) for g in opt_s.param_groups] == [len(g["params"]) for g in opt_t.param_groups]
    scratchnet.manual_seed(11), torch.manual_seed(11)
    rng = np.random.default_rng(3)
    for step in range(steps):
        idx, target = rng.integers(0, vocab, (3, 6)), rng.integers(0, vocab, (3, 6))
        lr = lm.lr_at(step, steps, warmup=3, lr=3e-2, min_lr=3e-3)
        loss_s, norm_s = lm.train_step(scratchnet, ours, opt_s, scratchnet.tensor(idx), scratchnet.tensor(target), lr)
        loss_t, norm_t = lm.train_step(torch, theirs, opt_t, torch.tensor(idx), torch.tensor(target), lr)
        assert_close(loss_s, loss_t, 1e-9, 1e-11, what=f"{kind} loss at step {step}")
        assert_close(norm_s, norm_t, 1e-9, 1e-11, what=f"{kind} gradient norm at step {step}")
        assert [g["lr"] for g in opt_s.param_groups] == [g["lr"] for g in opt_t.param_groups] == [lr, lr]
    # atol 1e-9: a zero-in-exact-arithmetic gradient (the key bias: softmax ignores a shift) feeds
    # Adam rounding noise both sides, which Adam scales up to lr * noise / eps
    for (name, p), q in zip(ours.state_dict().items(), theirs.state_dict().values()):
        assert_close(p, q, 1e-9, 1e-9, what=f"{kind} {name} after {steps} steps")


def test_weight_decay_only_on_matrices():
    ours, _ = build("gpt", 7, 0, n_layer=1, n_head=1, n_embd=4, block_size=3)
    decay, no_decay = lm.param_groups(ours, 0.1)
    names = {id(p): n for n, p in ours.named_parameters()}
    assert sorted(names[id(p)] for p in decay["params"]) == [
        "blocks.0.attn.c_attn.weight", "blocks.0.attn.c_proj.weight", "blocks.0.mlp.c_fc.weight", "blocks.0.mlp.c_proj.weight"]
    assert "wte.weight" in [names[id(p)] for p in no_decay["params"]] and "head.weight" not in names  # tied: one parameter
    assert decay["weight_decay"] == 0.1 and no_decay["weight_decay"] == 0.0


@pytest.mark.parametrize("kind", ["gpt", "lstm", "gru"])
def test_float32_within_stated_bounds(kind):
    """float32: logits and loss within 1e-5 relative (+1e-6 absolute), every gradient within 1e-4
    of the largest gradient entry of its parameter (accumulated rounding over sums of ~100 terms)."""
    kw = dict(n_layer=2, n_embd=16) | (dict(n_head=4, block_size=16) if kind == "gpt" else dict(hidden_size=16))
    ours, theirs = build(kind, 20, seed=1, dtype="float32", **kw)
    rng = np.random.default_rng(1)
    idx, targets = rng.integers(0, 20, (4, 16)), rng.integers(0, 20, (4, 16))
    (ls, loss_s), (lt, loss_t) = forward_backward(scratchnet, ours, idx, targets), forward_backward(torch, theirs, idx, targets)
    assert_close(ls, lt, 1e-5, 1e-6, what="float32 logits")
    assert_close(loss_s, loss_t, 1e-5, 1e-6, what="float32 loss")
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        scale = float(np.abs(q.grad.numpy()).max()) or 1.0
        assert_close(p.grad, q.grad, 0, 1e-4 * scale, what=f"float32 gradient of {name}")


def test_gpt_refuses_a_context_longer_than_its_block_size_and_bad_heads():
    ours, theirs = build("gpt", 5, 0, n_layer=1, n_head=1, n_embd=2, block_size=3)
    for lib, model in ((scratchnet, ours), (torch, theirs)):
        with pytest.raises(ValueError, match="longer than the model's block_size 3"):
            model(lib.tensor([[0, 1, 2, 3]]))
    with pytest.raises(ValueError, match="divisible"):
        M.CharGPT(5, n_head=3, n_embd=4)


def test_sampling_is_identical_in_both_engines():
    ours, theirs = build("gpt", 9, 2, dtype="float32", n_layer=1, n_head=2, n_embd=8, block_size=5)
    texts = []
    for lib, model in ((scratchnet, ours), (torch, theirs)):
        lib.manual_seed(4)
        ids = lm.generate(lib, model, lib.tensor([[1, 2]]), 20, temperature=1.5, top_k=4, block_size=5)
        texts.append(ids.numpy().tolist())
    assert texts[0] == texts[1] and len(texts[0][0]) == 22


def test_attention_backward_doc_quotes_a_real_trace_and_the_formulas_hold():
    """docs/attention-backward.md quotes scratchnet.examples.attention's output verbatim; the
    gradients the trace shows for softmax(QK^T/sqrt(d) + mask)V equal the hand formulas."""
    import pathlib

    from scratchnet.examples import attention

    numbers = attention.walkthrough()
    assert [name for _, name in numbers["nodes"]] == ["MmBackward0", "SoftmaxBackward0", "MulBackward0", "MmBackward0"]
    assert numbers["max |trace - formula|"] < 1e-12
    dS = numbers["trace"]["dS"]
    assert np.abs(dS.sum(-1)).max() < 1e-12 and (dS[np.triu_indices(3, 1)] == 0).all()
    doc = (pathlib.Path(__file__).parent.parent / "docs" / "attention-backward.md").read_text(encoding="utf-8")
    import re

    blocks = re.split(r"\n(?=\S[^\n]* =\n)", attention.report())  # "dP (trace) =\n[[...]]" etc., whole
    assert len(blocks) == 12  # the nodes line, Q K V P dY, six gradients
    for block in blocks:
        assert block in doc, block
    # the same head in torch gives the same gradients (the trace is of the real computation)
    attn, x, R, _ = attention.traced_head()
    twin = R_models.CausalSelfAttention(2, 1).double()
    twin.load_state_dict({k: torch.tensor(v.numpy()) for k, v in attn.state_dict().items()})
    xt = torch.tensor(x.detach().numpy(), requires_grad=True)
    (twin(xt) * torch.tensor(R.numpy())).sum().backward()
    assert_close(x.grad, xt.grad, 1e-12, 1e-14, what="dL/dx of the traced head")


def _lm(kind, vocab=9, width=8):
    """Small causal LMs of the other shapes a held-out check may write, for both engines."""

    def build(lib):
        nn_ = lib.nn

        class LM(nn_.Module):
            def __init__(self):
                super().__init__()
                self.emb = nn_.Embedding(vocab, width)
                if kind == "rnn":
                    self.body = nn_.RNN(width, width, 2, batch_first=True)
                elif kind == "lstm_cell":
                    self.body = nn_.LSTMCell(width, width)
                elif kind == "sdpa":
                    self.qkv, self.proj = nn_.Linear(width, 3 * width), nn_.Linear(width, width)
                self.norm, self.head = nn_.LayerNorm(width), nn_.Linear(width, vocab)

            def forward(self, idx):
                x = self.emb(idx)
                if kind == "rnn":
                    x = self.body(x)[0]
                elif kind == "lstm_cell":
                    h = c = lib.zeros(idx.shape[0], width, dtype=x.dtype)
                    outs = []
                    for t in range(idx.shape[1]):
                        h, c = self.body(x[:, t], (h, c))
                        outs.append(h)
                    x = lib.stack(outs, dim=1)
                else:
                    B, T, C = x.shape
                    q, k, v = (t.reshape(B, T, 2, C // 2).transpose(1, 2) for t in self.qkv(x).split(C, dim=2))
                    y = lib.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
                    x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))
                return self.head(self.norm(x))

        return LM()

    return build


@pytest.mark.parametrize("kind", ["rnn", "lstm_cell", "sdpa"])
def test_other_language_models_train_step_for_step_with_the_gpt_recipe(kind):
    """RNN, an LSTMCell loop and F.scaled_dot_product_attention language models, built from the same
    seed, under lm.train_step (two AdamW groups, clipping at 0.5, the schedule): loss and gradient
    norm at each of 10 steps and the final weights equal torch's (float64)."""
    scratchnet.manual_seed(2)
    ours = _lm(kind)(scratchnet).double()
    torch.manual_seed(2)
    theirs = _lm(kind)(torch).double()
    opt_s, opt_t = lm.make_optimizer(scratchnet, ours, lr=2e-2), lm.make_optimizer(torch, theirs, lr=2e-2)
    rng = np.random.default_rng(4)
    for step in range(10):
        idx, target = rng.integers(0, 9, (2, 5)), rng.integers(0, 9, (2, 5))
        lr = lm.lr_at(step, 10, 2, 2e-2, 1e-3)
        loss_s, norm_s = lm.train_step(scratchnet, ours, opt_s, scratchnet.tensor(idx), scratchnet.tensor(target), lr, clip=0.5)
        loss_t, norm_t = lm.train_step(torch, theirs, opt_t, torch.tensor(idx), torch.tensor(target), lr, clip=0.5)
        assert_close(loss_s, loss_t, 1e-9, 1e-11, what=f"{kind} loss at step {step}")
        assert_close(norm_s, norm_t, 1e-9, 1e-11, what=f"{kind} gradient norm at step {step}")
    for (name, p), q in zip(ours.state_dict().items(), theirs.state_dict().values()):
        assert_close(p, q, 1e-9, 1e-9, what=f"{kind} {name} after 10 steps")
