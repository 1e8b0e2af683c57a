"""Normalisation layers and embeddings against torch: module twins (weights copied by state_dict
key), outputs and every gradient equal in float64; running statistics, padding_idx, max_norm,
from_pretrained and EmbeddingBag's gradients."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import scratchnet as sn
import scratchnet.nn as nn
import scratchnet.nn.functional as F

from .parity import assert_close
from .twins import compare_run, tensors, twin


@st.composite
def norm_config(draw):
    kind = draw(st.sampled_from(["LayerNorm", "RMSNorm", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d"]))
    seed = draw(st.integers(0, 2**16))
    if kind in ("LayerNorm", "RMSNorm"):
        normalized = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=2, max_side=4))
        lead = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
        kw = {"elementwise_affine": draw(st.booleans())}
        if kind == "LayerNorm":
            kw["bias"] = draw(st.booleans())
        kw["eps"] = draw(st.sampled_from([1e-5, 1e-2] + ([None] if kind == "RMSNorm" else [])))
        return kind, (list(normalized),), kw, lead + normalized, seed
    if kind == "GroupNorm":
        groups, per = draw(st.integers(1, 3)), draw(st.integers(1, 2))
        shape = (draw(st.integers(1, 3)), groups * per, *draw(st.sampled_from([(2,), (2, 3)])))
        return kind, (groups, groups * per), {"affine": draw(st.booleans()), "bias": draw(st.booleans())}, shape, seed
    c = draw(st.integers(1, 3))
    spatial = (draw(st.integers(2, 4)),) * (1 if kind == "InstanceNorm1d" else 2)
    batch = draw(st.sampled_from([(), (1,), (3,)]))
    kw = {"affine": draw(st.booleans()), "bias": draw(st.booleans()), "track_running_stats": draw(st.booleans()), "momentum": draw(st.sampled_from([0.1, None]))}
    return kind, (c,), kw, batch + (c,) + spatial, seed


@given(norm_config())
def test_normalization_layers_match_torch(config):
    kind, args, kw, shape, seed = config
    ours, theirs = twin(lambda lib: getattr(lib.nn, kind)(*args, **kw))
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(seed).standard_normal(shape) * 3 + 1
    for mode in ("train", "eval"):
        getattr(ours, mode)(), getattr(theirs, mode)()
        (xs,), (xt,) = tensors([x])
        compare_run(ours, theirs, ours(xs), theirs(xt), [xs], [xt], seed=seed)
        for (name, a), b in zip(ours.named_buffers(), theirs.buffers()):  # running stats, updated in place
            assert_close(a, b, 1e-9, 1e-11, what=f"buffer {name} after {mode}")
        ours.zero_grad(), theirs.zero_grad()


def test_layer_norm_float32_gpt_size_within_bounds():
    ours, theirs = twin(lambda lib: lib.nn.LayerNorm(64), dtype="float32")
    x = (np.random.default_rng(0).standard_normal((4, 16, 64)) * 2).astype("float32")
    (xs,), (xt,) = tensors([x])
    compare_run(ours, theirs, ours(xs), theirs(xt), [xs], [xt], dtype="float32", rtol=1e-5, atol=1e-5)


def test_norm_errors_match_torch():
    with pytest.raises(RuntimeError, match="normalized_shape"):
        F.layer_norm(sn.zeros(2, 3), (4,))
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        F.group_norm(sn.zeros(2, 3, 4), 2)
    with pytest.raises(ValueError, match="divisible by num_groups"):
        nn.GroupNorm(2, 3)
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        nn.InstanceNorm1d(3)(sn.zeros(2, 3, 4, 5))


# --- embeddings ------------------------------------------------------------------------------------


@st.composite
def embedding_config(draw):
    rows, dim = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    indices = draw(hnp.arrays(np.int64, draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=4)), elements=st.integers(0, rows - 1)))
    kw = {"padding_idx": draw(st.one_of(st.none(), st.integers(-rows, rows - 1))), "scale_grad_by_freq": draw(st.booleans())}
    if draw(st.booleans()):
        kw["max_norm"], kw["norm_type"] = draw(st.sampled_from([0.5, 1.5])), draw(st.sampled_from([1.0, 2.0, 3.0]))
    return rows, dim, indices, kw, draw(st.integers(0, 2**16))


@given(embedding_config())
def test_embedding_matches_torch(config):
    rows, dim, indices, kw, seed = config
    ours, theirs = twin(lambda lib: lib.nn.Embedding(rows, dim, **kw))
    assert repr(ours) == repr(theirs)
    if kw["padding_idx"] is not None:
        assert not ours.weight.detach().numpy()[kw["padding_idx"]].any()  # the padding row starts at zero
    compare_run(ours, theirs, ours(sn.tensor(indices)), theirs(torch.tensor(indices)), seed=seed)
    assert_close(ours.weight, theirs.weight, 1e-9, 1e-11, what="weight after max_norm's in-place renorm")


def test_embedding_from_pretrained_and_errors():
    w = sn.tensor([[1.0, 2.0], [3.0, 4.0]])
    emb = nn.Embedding.from_pretrained(w)
    assert not emb.weight.requires_grad and emb.weight.numpy() is w.numpy()  # shared, as torch
    assert nn.Embedding.from_pretrained(w, freeze=False, padding_idx=1).weight.requires_grad
    assert emb(sn.tensor([1])).tolist() == [[3.0, 4.0]]
    with pytest.raises(IndexError, match="index out of range"):
        emb(sn.tensor([2]))
    with pytest.raises(RuntimeError, match="Long, Int"):
        emb(sn.tensor([1.0]))
    with pytest.raises(AssertionError, match="Padding_idx"):
        nn.Embedding(3, 2, padding_idx=3)


@settings(max_examples=15)
@given(st.sampled_from(["sum", "mean", "max"]), st.booleans(), st.one_of(st.none(), st.integers(0, 4)), st.booleans(), st.integers(0, 2**16))
def test_embedding_bag_matches_torch(mode, two_d, padding_idx, weighted, seed):
    rng = np.random.default_rng(seed)
    ours, theirs = twin(lambda lib: lib.nn.EmbeddingBag(5, 3, mode=mode, padding_idx=padding_idx))
    weighted = weighted and mode == "sum"
    if two_d:
        idx, offsets = rng.integers(0, 5, (3, 4)), None
    else:
        idx = rng.integers(0, 5, 7)
        offsets = np.array([0, 2, 2, 5])
    psw = rng.standard_normal(idx.shape) if weighted else None
    args_s = [sn.tensor(idx), None if offsets is None else sn.tensor(offsets), None if psw is None else sn.tensor(psw, requires_grad=True)]
    args_t = [torch.tensor(idx), None if offsets is None else torch.tensor(offsets), None if psw is None else torch.tensor(psw, requires_grad=True)]
    compare_run(ours, theirs, ours(*args_s), theirs(*args_t), args_s[2:], args_t[2:], seed=seed)
    assert repr(ours) == repr(theirs)


def test_functional_embedding_scale_grad_by_freq_and_empty():
    (ws,), (wt,) = tensors([np.random.default_rng(1).standard_normal((4, 2))])
    idx = np.array([[0, 1, 1], [3, 1, 0]])
    a = F.embedding(sn.tensor(idx), ws, padding_idx=3, scale_grad_by_freq=True)
    b = torch.nn.functional.embedding(torch.tensor(idx), wt, padding_idx=3, scale_grad_by_freq=True)
    assert a.grad_fn.name() == "EmbeddingBackward0"
    (a * a).sum().backward(), (b * b).sum().backward()
    assert_close(ws.grad, wt.grad, 1e-12, 1e-12, what="scaled gradient")
    empty = F.embedding(sn.zeros(0, dtype=sn.int64), ws)
    assert empty.shape == (0, 2)
