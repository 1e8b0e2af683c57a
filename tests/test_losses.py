"""Losses at the edges: huge logits, probabilities of exactly 0 and 1, zero targets; and the errors
a user meets (wrong target shape or dtype, class index out of range)."""

import numpy as np
import pytest
import torch

import scratchnet as sn

from .parity import assert_close


def both(fn, *arrays, grad=True):
    """fn(lib, *tensors) in each engine; returns (value, input grad) pairs for scratchnet and torch."""
    out = []
    for lib in (sn, torch):
        tensors = [lib.tensor(a) for a in arrays]
        tensors[0].requires_grad_(grad)
        value = fn(lib, *tensors)
        g = None
        if grad:
            value.sum().backward()
            g = tensors[0].grad
        out.append((value, g))
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_huge_logits_stay_finite_and_equal_torch(dtype):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3]], dtype=dtype)
    (v, g), (tv, tg) = both(lambda L, x, y: L.nn.functional.cross_entropy(x, y), logits, np.array([1, 1]))
    assert np.isfinite(v.item()) and np.isfinite(g.numpy()).all()
    assert_close(v, tv, 1e-6, 1e-6)
    assert_close(g, tg, 1e-6, 1e-6)
    targets = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.5]], dtype=dtype)
    (v, g), (tv, tg) = both(lambda L, x, y: L.nn.functional.binary_cross_entropy_with_logits(x, y, reduction="none"), logits, targets)
    assert np.isfinite(v.detach().numpy()).all()
    assert_close(v, tv, 1e-6, 1e-6)
    assert_close(g, tg, 1e-6, 1e-6)


def test_bce_at_exactly_zero_and_one_is_clamped_like_torch():
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.5], dtype=np.float32)
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0], dtype=np.float32)
    (v, g), (tv, tg) = both(lambda L, x, t: L.nn.functional.binary_cross_entropy(x, t, reduction="none"), p, y)
    assert v.detach().tolist() == pytest.approx([0.0, 0.0, 100.0, 100.0, 0.6931472], rel=1e-6)
    assert_close(v, tv, 1e-6, 1e-6)
    assert np.isfinite(g.numpy()).all()
    assert_close(g, tg, 1e-6, 1e-6)


def test_kl_div_with_zero_targets_equals_torch():
    logp = np.log(np.array([[0.2, 0.3, 0.5]]))
    target = np.array([[0.0, 0.4, 0.6]])
    (v, g), (tv, tg) = both(lambda L, x, t: L.nn.functional.kl_div(x, t, reduction="batchmean"), logp, target)
    assert_close(v, tv, 1e-12, 1e-12)
    assert_close(g, tg, 1e-12, 1e-12)


def test_wrong_target_shape_broadcasts_with_torchs_warning():
    with pytest.warns(UserWarning, match=r"Using a target size \(scratchnet.Size\(\[3\]\)\) that is different"):
        assert sn.nn.MSELoss(reduction="none")(sn.ones(3, 1), sn.ones(3)).shape == (3, 3)  # as torch: (3, 1) vs (3,)
    # torch's error (a RuntimeError): a (4, 1) target of class indices is not one per sample
    with pytest.raises(RuntimeError, match=r"0D or 1D target tensor expected, multi-target not supported"):
        sn.nn.CrossEntropyLoss()(sn.ones(4, 3), sn.tensor([[0], [1], [2], [0]]))


def test_wrong_target_dtype():
    # torch's exception types: class indices must be Long (or Byte); BCE's target the input's dtype
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Int"):
        sn.nn.NLLLoss()(sn.ones(2, 3), sn.tensor([0, 1], dtype=sn.int32))
    with pytest.raises(RuntimeError, match="Found dtype Long but expected Float"):
        sn.nn.BCELoss()(sn.ones(2) * 0.5, sn.tensor([0, 1]))


def test_class_index_out_of_range():
    with pytest.raises(IndexError, match=r"Target 3 is out of bounds\. \(\w+: classes 0..2\)"):
        sn.nn.CrossEntropyLoss()(sn.ones(2, 3), sn.tensor([0, 3]))
    with pytest.raises(IndexError, match="Target -1 is out of bounds"):
        sn.nn.CrossEntropyLoss()(sn.ones(2, 3), sn.tensor([0, -1]))
    # the ignored index is allowed whatever its value
    assert sn.nn.CrossEntropyLoss(ignore_index=-1)(sn.ones(2, 3), sn.tensor([0, -1])).item() == pytest.approx(np.log(3))


def test_bce_refuses_values_outside_zero_one():
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        sn.nn.BCELoss()(sn.tensor([1.5]), sn.tensor([1.0]))


def test_loss_modules_keep_weights_as_buffers_like_torch():
    w = np.array([1.0, 2.0, 0.5], dtype=np.float32)
    ours, theirs = sn.nn.CrossEntropyLoss(weight=sn.tensor(w)), torch.nn.CrossEntropyLoss(weight=torch.tensor(w))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    logits, labels = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32), np.array([0, 2, 1, 2])
    assert ours(sn.tensor(logits), sn.tensor(labels)).item() == pytest.approx(theirs(torch.tensor(logits), torch.tensor(labels)).item(), rel=1e-6)
