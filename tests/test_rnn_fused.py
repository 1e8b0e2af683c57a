"""nn.LSTM's and nn.GRU's fused layers (scratchnet/ops/recurrent.py's LSTMLayer and GRULayer:
one node per layer and direction, the weight gradients as one product over all steps) against torch: outputs, final
states, every gradient (input, h0, c0, each weight and bias) and a second derivative; and the
step-by-step path it falls back to (mixed dtypes) against the fused one."""

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet.ops import recurrent


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["LSTM", "GRU"]), st.integers(1, 5), st.integers(1, 3), st.integers(1, 4), st.integers(1, 5), st.integers(1, 2),
       st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.sampled_from(["float32", "float64"]), st.integers(0, 2**32 - 1))
def test_fused_layers_match_torch(mode, T, B, I, H, layers, bidirectional, bias, batch_first, given_state, dtype, seed):
    rng = np.random.default_rng(seed)
    theirs = getattr(torch.nn, mode)(I, H, layers, bias=bias, bidirectional=bidirectional, batch_first=batch_first).to(getattr(torch, dtype))
    ours = getattr(sn.nn, mode)(I, H, layers, bias=bias, bidirectional=bidirectional, batch_first=batch_first).to(getattr(sn, dtype))
    ours.load_state_dict({k: sn.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    d = 2 if bidirectional else 1
    x = rng.standard_normal((B, T, I) if batch_first else (T, B, I)).astype(dtype)
    state = [rng.standard_normal((layers * d, B, H)).astype(dtype) for _ in range(2 if mode == "LSTM" else 1)]
    tx, sx = torch.tensor(x, requires_grad=True), sn.tensor(x, requires_grad=True)
    ts, ss = [torch.tensor(a, requires_grad=True) for a in state], [sn.tensor(a, requires_grad=True) for a in state]
    pack = tuple if mode == "LSTM" else (lambda s: s[0])
    ty, tfinal = theirs(tx, pack(ts)) if given_state else theirs(tx)
    sy, sfinal = ours(sx, pack(ss)) if given_state else ours(sx)
    tfinal, sfinal = (list(tfinal), list(sfinal)) if mode == "LSTM" else ([tfinal], [sfinal])
    weights = [rng.standard_normal(tuple(t.shape)).astype(dtype) for t in [ty] + tfinal]
    sum(((t * torch.tensor(w)).sum() for t, w in zip([ty] + tfinal, weights))).backward()
    sum(((t * sn.tensor(w)).sum() for t, w in zip([sy] + sfinal, weights))).backward()
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == "float32" else dict(rtol=1e-10, atol=1e-10)
    pairs = [(sy, ty), *zip(sfinal, tfinal), (sx.grad, tx.grad)]
    pairs += [(a.grad, b.grad) for a, b in zip(ss, ts)] if given_state else []
    pairs += [(p.grad, dict(theirs.named_parameters())[n].grad) for n, p in ours.named_parameters()]
    for a, b in pairs:
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), **tol)
    if dtype == "float64":  # a second derivative through the layer
        sx2, tx2 = sn.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        (g,) = sn.autograd.grad((ours(sx2)[0] ** 2).sum(), sx2, create_graph=True)
        (tg,) = torch.autograd.grad((theirs(tx2)[0] ** 2).sum(), tx2, create_graph=True)
        g.sum().backward()
        tg.sum().backward()
        np.testing.assert_allclose(sx2.grad.numpy(), tx2.grad.numpy(), rtol=1e-9, atol=1e-9)


def test_the_layer_is_one_node_named_as_torch_names_it():
    lstm = sn.nn.LSTM(3, 4)
    x = sn.randn(6, 2, 3, requires_grad=True)
    seq, _, _ = recurrent.lstm_layer(x, sn.zeros(2, 4), sn.zeros(2, 4), lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0)
    assert seq.grad_fn.next_functions[0][0].name() == "MkldnnRnnLayerBackward0"


def test_mixed_dtypes_take_the_step_by_step_layer():
    rng = np.random.default_rng(0)
    x = sn.tensor(rng.standard_normal((1, 2, 2)).astype("float32"))  # (one step: h then is float64)
    h0, c0 = sn.zeros(2, 3), sn.ones(2, 3, dtype=sn.float64)  # a float64 cell state promotes (as torch)
    w_ih, w_hh = sn.tensor(rng.standard_normal((12, 2)).astype("float32")), sn.tensor(rng.standard_normal((12, 3)).astype("float32"))
    seq, h, c = recurrent.lstm_layer(x, h0, c0, w_ih, w_hh)
    steps = recurrent.lstm_layer_steps(x, h0, c0, w_ih, w_hh)
    assert c.dtype == sn.float64
    np.testing.assert_allclose(seq.numpy(), steps[:1].numpy())
