"""Losses against torch off the happy path (issue 10) and the loss modules of issue 12: node names,
-inf logits, weights that do not fit, targets outside [0, 1], kernels torch cannot differentiate
twice, module signatures, reprs and buffers."""

import warnings

import numpy as np
import pytest
import torch

import scratchnet as sn

from .parity import assert_close

INF = float("inf")
rng = np.random.default_rng(0)
X, Y = rng.standard_normal((4, 3)), rng.random((4, 3))
T = np.array([0, 2, 1, 1])


def run(lib, fn):
    return fn(lib, lib.nn.functional)


NAMED = [
    lambda L, F: F.mse_loss(L.tensor(X, requires_grad=True), L.tensor(Y)),
    lambda L, F: F.mse_loss(L.tensor(X, requires_grad=True), L.tensor(Y), reduction="none"),
    lambda L, F: F.l1_loss(L.tensor(X, requires_grad=True), L.tensor(Y)),
    lambda L, F: F.smooth_l1_loss(L.tensor(X, requires_grad=True), L.tensor(Y), reduction="sum"),
    lambda L, F: F.huber_loss(L.tensor(X, requires_grad=True), L.tensor(Y)),
    lambda L, F: F.binary_cross_entropy(L.tensor(Y, requires_grad=True), L.tensor(Y), weight=L.ones(3)),
    lambda L, F: F.binary_cross_entropy_with_logits(L.tensor(X, requires_grad=True), L.tensor(Y), pos_weight=L.ones(3), reduction="none"),
    lambda L, F: F.nll_loss(L.tensor(X, requires_grad=True), L.tensor(T)),
    lambda L, F: F.cross_entropy(L.tensor(X, requires_grad=True), L.tensor(T)),
    lambda L, F: F.cross_entropy(L.tensor(X, requires_grad=True), L.tensor(T), label_smoothing=0.2),
    lambda L, F: F.kl_div(L.tensor(X, requires_grad=True), L.tensor(Y), reduction="batchmean"),
    lambda L, F: F.kl_div(L.tensor(X, requires_grad=True), L.tensor(Y), reduction="none"),
    lambda L, F: F.soft_margin_loss(L.tensor(X, requires_grad=True), L.tensor(np.sign(X))),
    lambda L, F: F.multi_margin_loss(L.tensor(X, requires_grad=True), L.tensor(T)),
    lambda L, F: F.multilabel_margin_loss(L.tensor(X, requires_grad=True), L.tensor(np.array([[0, -1, 1]] * 4))),
    lambda L, F: F.cosine_embedding_loss(L.tensor(X, requires_grad=True), L.tensor(Y), L.tensor(np.array([1, -1, 1, -1])), reduction="none"),
    lambda L, F: F.pairwise_distance(L.tensor(X, requires_grad=True), L.tensor(Y)),
    lambda L, F: F.normalize(L.tensor(X, requires_grad=True)),
]


@pytest.mark.parametrize("fn", NAMED)
def test_grad_fn_names_and_values_are_torch(fn):
    ours, theirs = run(sn, fn), run(torch, fn)
    assert ours.grad_fn.name() == type(theirs.grad_fn).__name__
    assert_close(ours, theirs.detach(), 1e-12, 1e-12, what="value")


def test_cross_entropy_with_minus_inf_logit_is_zero_with_finite_gradient():
    for kw in ({}, {"weight": [1.0, 3.0]}, {"reduction": "none"}):
        results = []
        for lib in (sn, torch):
            x = lib.tensor([[0.0, -INF], [-INF, 2.0]], requires_grad=True)
            w = {"weight": lib.tensor(kw["weight"])} if "weight" in kw else {}
            loss = lib.nn.functional.cross_entropy(x, lib.tensor([0, 1]), reduction=kw.get("reduction", "mean"), **w)
            loss.sum().backward()
            results.append((loss.detach(), x.grad))
        (a, ga), (b, gb) = results
        assert_close(a, b, 0, 0, what="loss")
        assert_close(ga, gb, 0, 0, what="gradient")
        assert np.isfinite(ga.numpy()).all()


@pytest.mark.parametrize("fn", [
    lambda L, F: F.binary_cross_entropy(L.rand(3, 2), L.rand(3, 2), weight=L.ones(2, 3, 2)),
    lambda L, F: F.binary_cross_entropy(L.rand(3, 2), L.rand(3, 2), weight=L.ones(4)),
    lambda L, F: F.binary_cross_entropy_with_logits(L.rand(3, 2), L.rand(3, 2), weight=L.ones(2, 3, 2)),
    lambda L, F: F.binary_cross_entropy_with_logits(L.rand(3, 2), L.rand(3, 2), pos_weight=L.ones(2, 3, 2)),
    lambda L, F: F.binary_cross_entropy_with_logits(L.rand(3, 2), L.rand(3, 2), pos_weight=L.ones(4)),
    lambda L, F: F.binary_cross_entropy(L.rand(3, 2), L.rand(3, 2) + 1),
    lambda L, F: F.binary_cross_entropy(L.rand(3, 2), L.rand(3, 2) - 1),
    lambda L, F: F.binary_cross_entropy(L.rand(3, 2) * float("nan"), L.rand(3, 2)),
    lambda L, F: F.gaussian_nll_loss(L.rand(3, 2), L.rand(3, 2), -L.rand(3, 2)),
    lambda L, F: F.gaussian_nll_loss(L.rand(3, 2), L.rand(3, 2), L.rand(4)),
    lambda L, F: F.multi_margin_loss(L.rand(3, 2), L.tensor([0, 1, 0]), p=3),
    lambda L, F: F.triplet_margin_loss(L.rand(3, 2), L.rand(3, 2), L.rand(3, 2), margin=0.0),
    lambda L, F: F.glu(L.rand(3, 3), 1),
    lambda L, F: F.nll_loss(L.rand(3, 2), L.tensor([0, 1, 0]), weight=L.ones(2, requires_grad=True)),
    lambda L, F: F.cross_entropy(L.rand(3, 2), L.tensor([0, 1, 0]), weight=L.ones(2, requires_grad=True)),
    lambda L, F: F.cross_entropy(L.rand(3, 2), L.tensor([0, 1, 0]), weight=L.ones(2, requires_grad=True), label_smoothing=0.1),
    lambda L, F: F.nll_loss(L.rand(3, 2, dtype=L.float64), L.tensor([0, 1, 0]), weight=L.ones(2)),
    lambda L, F: F.cross_entropy(L.rand(3, 2), L.tensor([0, 1, 0]), weight=L.ones(2, dtype=L.float64), label_smoothing=0.1),
])
def test_refusals_have_torch_exception_types(fn):
    with pytest.raises(Exception) as theirs:
        run(torch, fn)
    with pytest.raises(type(theirs.value)):
        run(sn, fn)


def test_weights_that_broadcast_to_the_input_still_work():
    for kw in ({"weight": np.ones((3, 1))}, {"pos_weight": np.ones((3, 1)) * 2}, {"pos_weight": np.array([1.0, 3.0])}):
        vals = [lib.nn.functional.binary_cross_entropy_with_logits(lib.tensor(X[:3, :2]), lib.tensor(Y[:3, :2]), **{k: lib.tensor(v) for k, v in kw.items()}) for lib in (sn, torch)]
        assert_close(vals[0], vals[1], 1e-12, 1e-12)


@pytest.mark.parametrize("name, target", [("multi_margin_loss", T), ("multilabel_margin_loss", np.array([[2, 0, -1], [1, -1, 0], [-1, 0, 0], [0, 1, 2]]))])
@pytest.mark.parametrize("kw", [{}, {"reduction": "none"}, {"reduction": "sum"}])
def test_margin_kernels_first_order_gradient_is_torch(name, target, kw):
    grads = []
    for lib in (sn, torch):
        x = lib.tensor(X, requires_grad=True)
        getattr(lib.nn.functional, name)(x, lib.tensor(target), **kw).sum().backward()
        grads.append(x.grad)
    assert_close(grads[0], grads[1], 1e-12, 1e-12)


LOSS_MODULES = [
    ("CosineEmbeddingLoss", {"margin": 0.2}, 3), ("MarginRankingLoss", {"margin": 0.1}, 3), ("TripletMarginLoss", {"margin": 0.5, "p": 1.0, "swap": True}, 3),
    ("HingeEmbeddingLoss", {"reduction": "sum"}, 2), ("MultiLabelSoftMarginLoss", {"weight": np.arange(1.0, 4.0)}, 2), ("MultiMarginLoss", {"p": 2, "weight": np.arange(1.0, 4.0)}, 2),
    ("SoftMarginLoss", {}, 2), ("PoissonNLLLoss", {"full": True}, 2), ("GaussianNLLLoss", {"eps": 1e-3}, 3), ("MultiLabelMarginLoss", {}, 2),
    ("CosineSimilarity", {"dim": 0}, 2), ("PairwiseDistance", {"p": 3.0}, 2),
]

ARGS = {
    "CosineEmbeddingLoss": lambda L: (L.tensor(X), L.tensor(Y), L.tensor(np.array([1, -1, -1, 1]))),
    "MarginRankingLoss": lambda L: (L.tensor(X[:, 0]), L.tensor(Y[:, 0]), L.tensor(np.array([1.0, -1, -1, 1]))),
    "TripletMarginLoss": lambda L: (L.tensor(X), L.tensor(Y), L.tensor(Y * 2)),
    "HingeEmbeddingLoss": lambda L: (L.tensor(X), L.tensor(np.sign(Y - 0.5))),
    "MultiLabelSoftMarginLoss": lambda L: (L.tensor(X), L.tensor((Y > 0.5) * 1.0)),
    "MultiMarginLoss": lambda L: (L.tensor(X), L.tensor(T)),
    "SoftMarginLoss": lambda L: (L.tensor(X), L.tensor(np.sign(Y - 0.5))),
    "PoissonNLLLoss": lambda L: (L.tensor(X), L.tensor(Y * 3)),
    "GaussianNLLLoss": lambda L: (L.tensor(X), L.tensor(Y), L.tensor(Y[:, 0])),
    "MultiLabelMarginLoss": lambda L: (L.tensor(X), L.tensor(np.array([[2, 0, -1], [1, -1, 0], [-1, 0, 0], [0, 1, 2]]))),
    "CosineSimilarity": lambda L: (L.tensor(X), L.tensor(Y)),
    "PairwiseDistance": lambda L: (L.tensor(X), L.tensor(Y)),
}


@pytest.mark.parametrize("name, kw, n", LOSS_MODULES, ids=lambda v: v if isinstance(v, str) else "")
def test_loss_module_twins(name, kw, n):
    mods = [getattr(lib.nn, name)(**{k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}) for lib in (sn, torch)]
    assert repr(mods[0]) == repr(mods[1])
    assert list(mods[0].state_dict()) == list(mods[1].state_dict())
    outs = []
    for lib, m in zip((sn, torch), mods):
        args = ARGS[name](lib)
        args[0].requires_grad_(True)
        out = m(*args)
        out.sum().backward()
        outs.append((out.detach(), args[0].grad))
    assert_close(outs[0][0], outs[1][0], 1e-12, 1e-12, what=f"{name} value")
    assert_close(outs[0][1], outs[1][1], 1e-12, 1e-12, what=f"{name} gradient")


def test_legacy_size_average_and_reduce_map_to_reduction_as_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args in [(None, False), (False, None), (True, True), (False, True)]:
            assert sn.nn.MSELoss(*args).reduction == torch.nn.MSELoss(*args).reduction
            assert sn.nn.CrossEntropyLoss(None, *args[:1], -100, *args[1:]).reduction == torch.nn.CrossEntropyLoss(None, *args[:1], -100, *args[1:]).reduction


def test_one_node_losses_differentiate_three_times_as_torch_with_related_inputs():
    """A loss node's inputs may depend on each other (mse_loss(2x, x)): every order of derivative
    must take partial derivatives per input, as torch's do."""
    results = []
    for lib in (sn, torch):
        x = lib.tensor([1.0, 2.0, -0.5], dtype=lib.float64, requires_grad=True)
        F = lib.nn.functional
        loss = F.mse_loss(x * 2, x) + F.silu(x * x).sum() + F.smooth_l1_loss(x.exp(), x, beta=0.5)
        (g,) = lib.autograd.grad(loss, x, create_graph=True)
        (h,) = lib.autograd.grad((g * g).sum(), x, create_graph=True)
        (k,) = lib.autograd.grad(h.sum(), x)
        results.append([g.detach(), h.detach(), k])
    for a, b in zip(*results):
        assert_close(a, b, 1e-10, 1e-12)
