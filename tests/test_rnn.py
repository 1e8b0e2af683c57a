"""RNN, LSTM, GRU and the cells against torch: the same module in both engines (weights copied by
state_dict key), outputs, final states and every gradient equal in float64 (1e-9), float32 within
1e-5 / 1e-4; packed sequences and the nn.utils.rnn helpers likewise."""

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
import scratchnet.nn as nn

from .parity import assert_close
from .twins import compare_run, tensors, twin

MODES = ["RNN", "RNN_relu", "LSTM", "GRU"]


def make(mode, *args, **kwargs):
    def build(lib):
        if mode == "RNN_relu":
            return lib.nn.RNN(*args, nonlinearity="relu", **kwargs)
        return getattr(lib.nn, mode)(*args, **kwargs)

    return build


@st.composite
def rnn_config(draw):
    mode = draw(st.sampled_from(MODES))
    hidden = draw(st.integers(2, 5))
    kw = dict(num_layers=draw(st.integers(1, 2)), bias=draw(st.booleans()), batch_first=draw(st.booleans()), bidirectional=draw(st.booleans()))
    if mode == "LSTM" and draw(st.booleans()):
        kw["proj_size"] = draw(st.integers(1, hidden - 1))
    sizes = dict(input=draw(st.integers(1, 4)), hidden=hidden, seq=draw(st.integers(1, 4)), batch=draw(st.integers(1, 3)))
    return mode, kw, sizes, draw(st.sampled_from(["batched", "batched", "unbatched"])), draw(st.booleans()), draw(st.integers(0, 2**16))


def initial_state(mode, kw, sizes, batch_shape, rng):
    d = 2 if kw.get("bidirectional") else 1
    h_size = kw.get("proj_size") or sizes["hidden"]
    h = rng.standard_normal((kw["num_layers"] * d, *batch_shape, h_size))
    if mode == "LSTM":
        return [h, rng.standard_normal((kw["num_layers"] * d, *batch_shape, sizes["hidden"]))]
    return [h]


@given(rnn_config())
def test_recurrent_layers_match_torch(config):
    mode, kw, sizes, kind, with_state, seed = config
    rng = np.random.default_rng(seed)
    ours, theirs = twin(make(mode, sizes["input"], sizes["hidden"], **kw))
    if kind == "unbatched":
        x = rng.standard_normal((sizes["seq"], sizes["input"]))
        batch_shape = ()
    else:
        shape = (sizes["batch"], sizes["seq"]) if kw["batch_first"] else (sizes["seq"], sizes["batch"])
        x = rng.standard_normal(shape + (sizes["input"],))
        batch_shape = (sizes["batch"],)
    arrays = [x] + (initial_state(mode, kw, sizes, batch_shape, rng) if with_state else [])
    (xs, *hs), (xt, *ht) = tensors(arrays)
    state_s = None if not hs else (tuple(hs) if mode == "LSTM" else hs[0])
    state_t = None if not ht else (tuple(ht) if mode == "LSTM" else ht[0])
    compare_run(ours, theirs, ours(xs, state_s), theirs(xt, state_t), [xs, *hs], [xt, *ht], seed=seed)


@settings(max_examples=10)
@given(rnn_config(), st.data())
def test_packed_sequences_match_torch(config, data):
    mode, kw, sizes, _, with_state, seed = config
    rng = np.random.default_rng(seed)
    ours, theirs = twin(make(mode, sizes["input"], sizes["hidden"], **kw))
    batch, seq = sizes["batch"], sizes["seq"]
    lengths = data.draw(st.lists(st.integers(1, seq), min_size=batch, max_size=batch), label="lengths")
    enforce_sorted = data.draw(st.booleans(), label="enforce_sorted")
    if enforce_sorted:
        lengths = sorted(lengths, reverse=True)
    shape = (batch, seq) if kw["batch_first"] else (seq, batch)
    arrays = [rng.standard_normal(shape + (sizes["input"],))] + (initial_state(mode, kw, sizes, (batch,), rng) if with_state else [])
    (xs, *hs), (xt, *ht) = tensors(arrays)
    ps = nn.utils.rnn.pack_padded_sequence(xs, lengths, batch_first=kw["batch_first"], enforce_sorted=enforce_sorted)
    pt = torch.nn.utils.rnn.pack_padded_sequence(xt, lengths, batch_first=kw["batch_first"], enforce_sorted=enforce_sorted)
    state_s = None if not hs else (tuple(hs) if mode == "LSTM" else hs[0])
    state_t = None if not ht else (tuple(ht) if mode == "LSTM" else ht[0])
    (out_s, fin_s), (out_t, fin_t) = ours(ps, state_s), theirs(pt, state_t)
    assert isinstance(out_s, nn.utils.rnn.PackedSequence)
    pad_s = nn.utils.rnn.pad_packed_sequence(out_s, batch_first=kw["batch_first"], padding_value=0.5)
    pad_t = torch.nn.utils.rnn.pad_packed_sequence(out_t, batch_first=kw["batch_first"], padding_value=0.5)
    compare_run(ours, theirs, (out_s, fin_s, pad_s), (out_t, fin_t, pad_t), [xs, *hs], [xt, *ht], seed=seed)


@pytest.mark.parametrize("mode", MODES)
def test_float32_within_bounds(mode):
    ours, theirs = twin(make(mode, 3, 6, num_layers=2, bidirectional=True), dtype="float32")
    x = np.random.default_rng(0).standard_normal((7, 4, 3)).astype("float32")
    (xs,), (xt,) = tensors([x])
    compare_run(ours, theirs, ours(xs), theirs(xt), [xs], [xt], dtype="float32", rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("cell", ["RNNCell", "RNNCell_relu", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("kind", ["none", "state", "unbatched"])
def test_cells_match_torch(cell, kind):
    rng = np.random.default_rng(1)
    name, kw = (cell[:-5], {"nonlinearity": "relu"}) if cell.endswith("_relu") else (cell, {})
    ours, theirs = twin(lambda lib: getattr(lib.nn, name)(3, 4, **kw))
    batch = () if kind == "unbatched" else (2,)
    arrays = [rng.standard_normal(batch + (3,))]
    if kind != "none":
        arrays += [rng.standard_normal(batch + (4,)) for _ in range(2 if name == "LSTMCell" else 1)]
    (xs, *hs), (xt, *ht) = tensors(arrays)
    state_s = (tuple(hs) if name == "LSTMCell" else hs[0]) if hs else None
    state_t = (tuple(ht) if name == "LSTMCell" else ht[0]) if ht else None
    compare_run(ours, theirs, ours(xs, state_s), theirs(xt, state_t), [xs, *hs], [xt, *ht])


def test_lstm_cell_unrolled_like_time_sequence_prediction():
    """Two LSTMCells and a Linear unrolled over a sequence (the public time-sequence example)."""
    def build(lib):
        return lib.nn.ModuleList([lib.nn.LSTMCell(1, 5), lib.nn.LSTMCell(5, 5), lib.nn.Linear(5, 1)])

    ours, theirs = twin(build)
    x = np.random.default_rng(2).standard_normal((3, 6))

    def run(lib, m, x):
        h1 = c1 = h2 = c2 = lib.zeros(x.shape[0], 5, dtype=lib.float64)
        outs = []
        for step in x.chunk(x.shape[1], dim=1):
            h1, c1 = m[0](step, (h1, c1))
            h2, c2 = m[1](h1, (h2, c2))
            outs.append(m[2](h2))
        return lib.cat(outs, dim=1)

    (xs,), (xt,) = tensors([x])
    compare_run(ours, theirs, run(sn, ours, xs), run(torch, theirs, xt), [xs], [xt])


def test_parameter_names_order_and_init_follow_torch(monkeypatch):
    ours, theirs = make("LSTM", 3, 4, num_layers=2, bidirectional=True, proj_size=2)(sn), make("LSTM", 3, 4, num_layers=2, bidirectional=True, proj_size=2)(torch)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert [n for n in ours._flat_weights_names] == [n for n in theirs._flat_weights_names]
    for cell in ("RNNCell", "LSTMCell", "GRUCell"):
        assert [n for n, _ in getattr(nn, cell)(2, 3).named_parameters()] == [n for n, _ in getattr(torch.nn, cell)(2, 3).named_parameters()]
    # every parameter drawn through init.uniform_(w, -1/sqrt(hidden), 1/sqrt(hidden)), in parameters() order
    drawn = []
    monkeypatch.setattr(nn.init, "uniform_", lambda t, a, b: drawn.append((t.shape, a, b)) or t)
    gru = nn.GRU(3, 4, num_layers=2)
    stdv = 1 / math.sqrt(4)
    assert drawn == [(p.shape, -stdv, stdv) for p in gru.parameters()]
    monkeypatch.undo()
    assert all(abs(p).max().item() <= stdv for p in nn.GRU(3, 4).parameters())


def test_repr_matches_torch():
    for args, kw in [((3, 4), {}), ((3, 4, 2), {"bidirectional": True, "batch_first": True, "dropout": 0.5}), ((3, 4), {"bias": False, "proj_size": 2})]:
        assert repr(nn.LSTM(*args, **kw)) == repr(torch.nn.LSTM(*args, **kw))
    assert repr(nn.GRU(3, 4, 2)) == repr(torch.nn.GRU(3, 4, 2))
    assert repr(nn.RNN(3, 4, 1, "relu")) == repr(torch.nn.RNN(3, 4, 1, "relu"))
    for cell in ("RNNCell", "LSTMCell", "GRUCell"):
        assert repr(getattr(nn, cell)(2, 3, bias=False)) == repr(getattr(torch.nn, cell)(2, 3, bias=False))


def test_dropout_between_layers():
    """dropout=1 zeroes the first layer's output in training (deterministically, in both engines);
    in eval mode dropout does nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = twin(make("LSTM", 3, 4, num_layers=2, dropout=1.0))
    x = np.random.default_rng(3).standard_normal((5, 2, 3))
    (xs,), (xt,) = tensors([x])
    compare_run(ours, theirs, ours(xs), theirs(xt), [xs], [xt])
    ours.eval(), theirs.eval()
    (xs,), (xt,) = tensors([x])
    compare_run(ours, theirs, ours(xs), theirs(xt), [xs], [xt])


def test_errors_match_torch():
    lstm = nn.LSTM(3, 4)
    with pytest.raises(ValueError, match="2D or 3D"):
        lstm(sn.zeros(2, 2, 2, 3))
    with pytest.raises(RuntimeError, match="Expected hidden size"):
        lstm(sn.zeros(5, 2, 3), (sn.zeros(1, 3, 4), sn.zeros(1, 3, 4)))
    with pytest.raises(RuntimeError, match="input_size"):
        lstm(sn.zeros(5, 2, 7))
    with pytest.raises(ValueError, match="proj_size"):
        nn.GRU(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="proj_size has to be smaller"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="dropout"):
        nn.LSTM(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.warns(UserWarning, match="dropout"):
        nn.GRU(3, 4, dropout=0.5)
    nn.LSTM(3, 4).flatten_parameters()  # accepted, a no-op


# --- nn.utils.rnn ------------------------------------------------------------------------------------


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.booleans(), st.sampled_from(["left", "right"]), st.sampled_from([0.0, -1.5]), st.integers(0, 2**16))
def test_pad_sequence_matches_torch(lengths, batch_first, side, value, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((n, 2)) for n in lengths]
    ours_in, theirs_in = tensors(arrays)
    ours = nn.utils.rnn.pad_sequence(ours_in, batch_first=batch_first, padding_value=value, padding_side=side)
    theirs = torch.nn.utils.rnn.pad_sequence(theirs_in, batch_first=batch_first, padding_value=value, padding_side=side)
    assert_close(ours, theirs, 0, 0, what="padded")
    w = rng.standard_normal(tuple(theirs.shape))
    (ours * sn.tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    for a, b in zip(ours_in, theirs_in):
        assert_close(a.grad, b.grad, 0, 0, what="gradient")


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.booleans(), st.booleans(), st.integers(0, 2**16))
def test_pack_and_unpack_match_torch(lengths, batch_first, sort, seed):
    rng = np.random.default_rng(seed)
    if sort:
        lengths = sorted(lengths, reverse=True)
    shape = (len(lengths), max(lengths)) if batch_first else (max(lengths), len(lengths))
    (xs,), (xt,) = tensors([rng.standard_normal(shape + (2,))])
    ps = nn.utils.rnn.pack_padded_sequence(xs, sn.tensor(lengths), batch_first=batch_first, enforce_sorted=sort)
    pt = torch.nn.utils.rnn.pack_padded_sequence(xt, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=sort)
    for a, b, what in zip(ps, pt, ["data", "batch_sizes", "sorted_indices", "unsorted_indices"]):
        if b is None:
            assert a is None, what
        else:
            assert_close(a, b, 0, 0, what=what)
    total = max(lengths) + 1
    us, ls = nn.utils.rnn.pad_packed_sequence(ps, batch_first=batch_first, total_length=total)
    ut, lt = torch.nn.utils.rnn.pad_packed_sequence(pt, batch_first=batch_first, total_length=total)
    assert_close(us, ut, 0, 0, what="unpacked")
    assert_close(ls, lt, 0, 0, what="lengths")
    w = rng.standard_normal(tuple(ut.shape))
    (us * sn.tensor(w)).sum().backward()
    (ut * torch.tensor(w)).sum().backward()
    assert_close(xs.grad, xt.grad, 0, 0, what="gradient through pack and unpack")
    seqs = [sn.tensor(rng.standard_normal((n, 3))) for n in lengths]
    ps = nn.utils.rnn.pack_sequence(seqs, enforce_sorted=sort)
    pt = torch.nn.utils.rnn.pack_sequence([torch.tensor(s.numpy()) for s in seqs], enforce_sorted=sort)
    assert_close(ps.data, pt.data, 0, 0, what="pack_sequence")
    for a, b in zip(nn.utils.rnn.unpack_sequence(ps), torch.nn.utils.rnn.unpack_sequence(pt)):
        assert_close(a, b, 0, 0, what="unpack_sequence")


def test_pack_errors_match_torch():
    x = sn.zeros(3, 2, 1)
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        nn.utils.rnn.pack_padded_sequence(x, [1, 3])
    with pytest.raises(RuntimeError, match="greater than 0"):
        nn.utils.rnn.pack_padded_sequence(x, [3, 0])
    with pytest.raises(ValueError, match="total_length"):
        nn.utils.rnn.pad_packed_sequence(nn.utils.rnn.pack_padded_sequence(x, [3, 2]), total_length=2)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN"])
def test_recurrent_language_model_matches_torch(mode):
    """Embedding -> 2-layer recurrent net -> Linear, cross entropy: logits, loss and every
    gradient equal torch's in float64, with the hidden state carried (detached) into a second batch."""
    def build(lib):
        class LM(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.encoder = lib.nn.Embedding(13, 6)
                self.rnn = getattr(lib.nn, mode)(6, 7, 2)
                self.decoder = lib.nn.Linear(7, 13)

            def forward(self, x, hidden):
                out, hidden = self.rnn(self.encoder(x), hidden)
                return self.decoder(out), hidden

        return LM()

    ours, theirs = twin(build)
    rng = np.random.default_rng(4)
    hidden_s = hidden_t = None
    for _ in range(2):
        x, y = rng.integers(0, 13, (5, 3)), rng.integers(0, 13, (5, 3))
        (out_s, hidden_s), (out_t, hidden_t) = ours(sn.tensor(x), hidden_s), theirs(torch.tensor(x), hidden_t)
        loss_s = nn.functional.cross_entropy(out_s.reshape(-1, 13), sn.tensor(y.reshape(-1)))
        loss_t = torch.nn.functional.cross_entropy(out_t.reshape(-1, 13), torch.tensor(y.reshape(-1)))
        compare_run(ours, theirs, (out_s, loss_s), (out_t, loss_t))
        ours.zero_grad(), theirs.zero_grad()
        hidden_s = tuple(h.detach() for h in hidden_s) if mode == "LSTM" else hidden_s.detach()
        hidden_t = tuple(h.detach() for h in hidden_t) if mode == "LSTM" else hidden_t.detach()
