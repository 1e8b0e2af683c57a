"""Optimizers and schedulers step for step against torch.

Hypothesis draws the optimizer, its hyperparameters, the parameter shapes and the dtype; both
engines start from the same parameters and receive the same gradient sequence for 20 steps; the
parameters and every state buffer must agree after each step. float64: to 1e-10 relative. float32:
the two engines round in different orders, so they drift apart by a few ulps a step; the bound
stated and checked is rtol = atol = 1e-5 * step (step = 1..20).
"""

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import scratchnet as sn

from .parity import assert_close

unit = st.floats(0.0, 0.95)
rate = st.sampled_from([1e-3, 1e-2, 0.1, 0.5])
decay = st.sampled_from([0.0, 0.0, 1e-3, 0.1])

OPTIMIZERS = {
    "SGD": st.fixed_dictionaries({"lr": rate, "momentum": st.sampled_from([0.0, 0.5, 0.9]), "dampening": st.sampled_from([0.0, 0.1]), "weight_decay": decay, "maximize": st.booleans()}).map(
        lambda d: {**d, "nesterov": False}
    ),
    "SGD-nesterov": st.fixed_dictionaries({"lr": rate, "momentum": st.sampled_from([0.5, 0.9]), "weight_decay": decay}).map(lambda d: {**d, "nesterov": True}),
    "Adam": st.fixed_dictionaries({"lr": rate, "betas": st.tuples(unit, st.sampled_from([0.9, 0.99, 0.999])), "eps": st.sampled_from([1e-8, 1e-3]), "weight_decay": decay, "amsgrad": st.booleans(), "maximize": st.booleans()}),
    "AdamW": st.fixed_dictionaries({"lr": rate, "betas": st.tuples(unit, st.sampled_from([0.9, 0.999])), "weight_decay": st.sampled_from([0.0, 1e-2, 0.1]), "amsgrad": st.booleans()}),
    "Adam-decoupled": st.fixed_dictionaries({"lr": rate, "weight_decay": st.sampled_from([1e-2, 0.1]), "amsgrad": st.booleans(), "maximize": st.booleans(), "foreach": st.sampled_from([None, False, True])}).map(
        lambda d: {**d, "decoupled_weight_decay": True}
    ),
    "RMSprop": st.fixed_dictionaries({"lr": rate, "alpha": st.sampled_from([0.9, 0.99]), "eps": st.sampled_from([1e-8, 1e-3]), "weight_decay": decay, "momentum": st.sampled_from([0.0, 0.5]), "centered": st.booleans(), "maximize": st.booleans()}),
    "Adafactor": st.fixed_dictionaries({"lr": rate, "beta2_decay": st.sampled_from([-0.8, -0.5, -1.0]), "d": st.sampled_from([1.0, 1.5]),
                                        "weight_decay": decay, "eps": st.sampled_from([(None, 1e-3), (1e-30, 1e-2)]), "maximize": st.booleans()}),
    "Adagrad": st.fixed_dictionaries({"lr": rate, "lr_decay": st.sampled_from([0.0, 0.01]), "weight_decay": decay, "initial_accumulator_value": st.sampled_from([0.0, 0.1]), "eps": st.sampled_from([1e-10, 1e-3]), "maximize": st.booleans()}),
}

shapes = st.lists(st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple), min_size=1, max_size=3)  # 0-d and empty too


def run_against_torch(name, hyper, param_shapes, dtype, seed, label=None, steps=20):
    """Both engines from the same parameters, fed the same gradients for ``steps`` steps; the
    parameters and every state buffer torch keeps (same names, shapes, dtypes) agree after each."""
    label = label or name
    rng = np.random.default_rng(seed)
    start = [rng.standard_normal(s).astype(dtype) for s in param_shapes]
    ours = [sn.nn.Parameter(sn.tensor(a)) for a in start]
    theirs = [torch.nn.Parameter(torch.tensor(a)) for a in start]
    opt_ours, opt_theirs = getattr(sn.optim, name)(ours, **hyper), getattr(torch.optim, name)(theirs, **hyper)
    for step in range(1, steps + 1):
        for p, q in zip(ours, theirs):
            g = rng.standard_normal(p.shape).astype(dtype)
            p.grad, q.grad = sn.tensor(g), torch.tensor(g)
        opt_ours.step()
        opt_theirs.step()
        rtol, atol = (1e-10, 1e-12) if dtype == "float64" else (1e-5 * step, 1e-5 * step)
        for i, (p, q) in enumerate(zip(ours, theirs)):
            assert_close(p, q, rtol, atol, what=f"{label} parameter {i} after step {step}")
            assert list(opt_ours.state[p]) == list(opt_theirs.state[q]), f"{label} state keys of parameter {i}"
            for key, value in opt_theirs.state[q].items():
                assert_close(opt_ours.state[p][key], value, rtol, atol, what=f"{label} state {key!r} of parameter {i} after step {step}")
    assert [sorted(g) for g in opt_ours.param_groups] == [sorted(g) for g in opt_theirs.param_groups], "param_groups keys"
    return opt_ours, opt_theirs


@given(
    kind=st.sampled_from(sorted(OPTIMIZERS)), data=st.data(), param_shapes=shapes,
    dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**31),
)
def test_optimizer_matches_torch_every_step(kind, data, param_shapes, dtype, seed):
    hyper = data.draw(OPTIMIZERS[kind], label="hyperparameters")
    if kind == "Adafactor" and any(0 in s for s in param_shapes):  # torch divides by sqrt(numel): an empty parameter raises
        for lib in (torch, sn):
            p = lib.nn.Parameter(lib.ones(param_shapes[0] if 0 in param_shapes[0] else (0,)))
            p.grad = lib.zeros_like(p)
            with pytest.raises(ZeroDivisionError):
                lib.optim.Adafactor([p], **hyper).step()
        return
    run_against_torch(kind.split("-")[0], hyper, param_shapes, dtype, seed, label=kind)


def test_sgd_momentum_buffer_is_seeded_with_the_first_gradient():
    w = sn.nn.Parameter(sn.tensor([1.0]))
    opt = sn.optim.SGD([w], lr=0.1, momentum=0.9, dampening=0.5)
    w.grad = sn.tensor([2.0])
    opt.step()
    assert opt.state[w]["momentum_buffer"].tolist() == [2.0]  # not (1 - dampening) * 2
    assert w.tolist() == pytest.approx([0.8])


def test_param_groups_have_their_own_hyperparameters():
    a, b = sn.nn.Parameter(sn.ones(2)), sn.nn.Parameter(sn.ones(2))
    opt = sn.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad, b.grad = sn.ones(2), sn.ones(2)
    opt.step()
    assert a.tolist() == pytest.approx([0.9, 0.9]) and b.tolist() == pytest.approx([0.5, 0.5])
    c = sn.nn.Parameter(sn.ones(1))
    opt.add_param_group({"params": c, "momentum": 0.9})
    assert opt.param_groups[2]["lr"] == 0.1 and opt.param_groups[2]["momentum"] == 0.9
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})


def test_zero_grad_and_closure():
    w = sn.nn.Parameter(sn.tensor([3.0]))
    opt = sn.optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 9.0
    assert w.tolist() == pytest.approx([2.4])
    opt.zero_grad()
    assert w.grad is None


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_state_dict_round_trip_continues_identically(name):
    def run(opt_state=None, steps=3):
        w = sn.nn.Parameter(sn.tensor([1.0, -2.0], dtype=sn.float64))
        opt = getattr(sn.optim, name)([w], lr=0.1, **({"momentum": 0.9} if name == "SGD" else {}))
        for _ in range(steps):
            w.grad = w.detach() * 2
            opt.step()
        return w, opt

    w, opt = run(steps=5)
    w2, opt2 = run(steps=3)
    saved = opt2.state_dict()
    assert saved["param_groups"][0]["params"] == [0] and 0 in saved["state"]
    w3 = sn.nn.Parameter(w2.detach().clone())
    opt3 = getattr(sn.optim, name)([w3], lr=0.1, **({"momentum": 0.9} if name == "SGD" else {}))
    opt3.load_state_dict(saved)
    for _ in range(2):
        w3.grad = w3.detach() * 2
        opt3.step()
    assert np.allclose(w3.detach().numpy(), w.detach().numpy(), rtol=1e-12)


def test_invalid_hyperparameters_are_refused_like_torch():
    w = [sn.nn.Parameter(sn.ones(1))]
    for make, message in [
        (lambda: sn.optim.SGD(w, lr=-1), "Invalid learning rate: -1"),
        (lambda: sn.optim.SGD(w, lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
        (lambda: sn.optim.Adam(w, betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
        (lambda: sn.optim.Adam([]), "optimizer got an empty parameter list"),
    ]:
        with pytest.raises(ValueError, match=message):
            make()
    with pytest.raises(ValueError, match="non-leaf"):
        sn.optim.SGD([sn.ones(1, requires_grad=True) * 2])


@given(kind=st.sampled_from(["StepLR", "ExponentialLR", "CosineAnnealingLR"]), lr=st.floats(1e-4, 1.0), a=st.integers(1, 7), gamma=st.floats(0.1, 0.99))
def test_schedulers_match_torch(kind, lr, a, gamma):
    kwargs = {"StepLR": {"step_size": a, "gamma": gamma}, "ExponentialLR": {"gamma": gamma}, "CosineAnnealingLR": {"T_max": a, "eta_min": lr * gamma / 10}}[kind]
    opt = sn.optim.SGD([sn.nn.Parameter(sn.ones(1))], lr=lr)
    topt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=lr)
    ours, theirs = getattr(sn.optim.lr_scheduler, kind)(opt, **kwargs), getattr(torch.optim.lr_scheduler, kind)(topt, **kwargs)
    for epoch in range(15):
        assert ours.get_last_lr()[0] == pytest.approx(theirs.get_last_lr()[0], rel=1e-9, abs=1e-15), epoch
        assert opt.param_groups[0]["lr"] == pytest.approx(topt.param_groups[0]["lr"], rel=1e-9, abs=1e-15)
        opt.step()
        topt.step()
        ours.step()
        theirs.step()
