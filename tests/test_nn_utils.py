"""nn.utils against torch: clip_grad_norm_ (every norm type, returning the total norm),
clip_grad_value_, get_total_norm / clip_grads_with_norm_, parameters_to_vector and
vector_to_parameters, and the import paths programs use."""

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import scratchnet as sn
import scratchnet.nn as nn

from .parity import assert_close


@st.composite
def gradients(draw):
    dtype = draw(st.sampled_from(["float32", "float64"]))
    shapes = draw(st.lists(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4), min_size=1, max_size=4))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    scale = draw(st.sampled_from([0.01, 1.0, 100.0]))
    grads = [np.asarray(rng.standard_normal(s) * scale).astype(dtype) for s in shapes]
    missing = [draw(st.booleans()) and i > 0 for i in range(len(grads))]  # some parameters get no gradient
    return dtype, grads, missing


def _params(lib, grads, missing):
    params = []
    for g, m in zip(grads, missing):
        p = lib.zeros(g.shape, dtype=getattr(lib, str(g.dtype)), requires_grad=True)
        if not m:
            p.grad = lib.tensor(g.copy())
        params.append(p)
    return params


@given(gradients(), st.sampled_from([1.0, 2.0, 3.5, math.inf, 0.5]), st.sampled_from([0.1, 1.0, 1e4]), st.booleans())
def test_clip_grad_norm_matches_torch(case, norm_type, max_norm, generator):
    dtype, grads, missing = case
    ours, theirs = _params(sn, grads, missing), _params(torch, grads, missing)
    try:
        total_t = torch.nn.utils.clip_grad_norm_((p for p in theirs) if generator else theirs, max_norm, norm_type=norm_type)
    except RuntimeError as e:  # (the inf norm of an empty gradient: no identity to start from)
        with pytest.raises(RuntimeError, match="on an empty tensor"):
            nn.utils.clip_grad_norm_((p for p in ours) if generator else ours, max_norm, norm_type=norm_type)
        assert "on an empty tensor" in str(e)
        return
    total_s = nn.utils.clip_grad_norm_((p for p in ours) if generator else ours, max_norm, norm_type=norm_type)
    tol = (1e-5, 1e-6) if dtype == "float32" else (1e-12, 1e-14)
    assert_close(total_s, total_t, *tol, what="total norm")
    for p, q in zip(ours, theirs):
        if q.grad is None:
            assert p.grad is None
        else:
            assert_close(p.grad, q.grad, *tol, what="clipped gradient")


def test_clip_grad_norm_edge_cases():
    p = sn.zeros(2, requires_grad=True)
    p.grad = sn.tensor([3.0, 4.0])
    assert nn.utils.clip_grad_norm_(p, 10.0).item() == 5.0 and p.grad.tolist() == [3.0, 4.0]  # one tensor; no clip below
    empty = nn.utils.clip_grad_norm_([], 1.0)
    assert empty.item() == 0.0 and empty.dtype == sn.float32
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn.utils.clip_grad_norm_((q for q in []), 1.0)
    assert any("empty generator" in str(w.message) for w in caught)
    p.grad = sn.tensor([float("inf"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    nn.utils.clip_grad_norm_([p], 1.0, foreach=True)  # accepted
    total = nn.utils.get_total_norm([sn.tensor([3.0, 4.0]), sn.tensor([12.0])])
    assert total.item() == 13.0
    q = sn.zeros(2, requires_grad=True)
    q.grad = sn.tensor([3.0, 4.0])
    nn.utils.clip_grads_with_norm_([q], 1.0, sn.tensor(5.0))
    assert np.allclose(q.grad.numpy(), [0.6, 0.8])


@given(gradients(), st.sampled_from([0.01, 0.5, 3.0]))
def test_clip_grad_value_matches_torch(case, value):
    _, grads, missing = case
    ours, theirs = _params(sn, grads, missing), _params(torch, grads, missing)
    nn.utils.clip_grad_value_(ours, value)
    torch.nn.utils.clip_grad_value_(theirs, value)
    for p, q in zip(ours, theirs):
        if q.grad is not None:
            assert_close(p.grad, q.grad, 0, 0, what="clamped gradient")


def test_parameters_vector_round_trip_matches_torch():
    ours, theirs = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1)), torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Linear(2, 1))
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    vs, vt = nn.utils.parameters_to_vector(ours.parameters()), torch.nn.utils.parameters_to_vector(theirs.parameters())
    assert_close(vs, vt, 0, 0, what="vector")
    (vs * vs).sum().backward()
    (vt * vt).sum().backward()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad, 0, 0, what="gradient through parameters_to_vector")
    new = np.arange(vs.numel(), dtype=np.float32)
    nn.utils.vector_to_parameters(sn.tensor(new), ours.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(new), theirs.parameters())
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.detach(), q.detach(), 0, 0, what="parameter set from the vector")
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        nn.utils.vector_to_parameters(new, ours.parameters())


def test_import_paths_match_torch():
    import scratchnet.nn.utils.rnn as rnn
    from scratchnet.nn.utils import clip_grad_norm_, parameters_to_vector  # noqa: F401
    from scratchnet.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence, pad_sequence  # noqa: F401

    assert rnn is sn.nn.utils.rnn
    for name in ("clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters", "get_total_norm", "clip_grads_with_norm_", "rnn"):
        assert hasattr(torch.nn.utils, name) and hasattr(sn.nn.utils, name), name
    for name in torch.nn.utils.rnn.__all__:
        assert hasattr(rnn, name), name
