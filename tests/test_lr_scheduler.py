"""Learning-rate schedulers against torch, step for step.

Hypothesis draws the scheduler, its arguments, the optimizer (SGD with momentum, or Adam, whose
beta1 the cyclic schedulers move) and one or two param groups with their own rates. Both engines
step 60 times; after every step the rates (``get_last_lr()`` and every group's ``lr``), the
cycled momentum and ``last_epoch`` must equal torch's exactly: the schedulers compute torch's
formulas in torch's order, so the float64 results are bit-identical. A second run saves the
scheduler's and optimizer's state_dict mid-way, rebuilds both from scratch, loads the states and
must continue exactly like torch's uninterrupted run.
"""

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import scratchnet as sn

STEPS = 60
frac = st.sampled_from([0.1, 0.25, 0.5, 0.9, 1.0])
gamma = st.sampled_from([0.1, 0.5, 0.9, 0.97, 1.0])
small = st.integers(1, 12)


class Scale:
    """A callable object (not a function): its attributes go into the scheduler's state_dict."""

    def __init__(self, factor):
        self.factor = factor

    def __call__(self, epoch):
        return self.factor ** (epoch % 7)


SCHEDULERS = {
    "StepLR": st.fixed_dictionaries({"step_size": small, "gamma": gamma}),
    "MultiStepLR": st.fixed_dictionaries({"milestones": st.lists(st.integers(0, 50), max_size=5), "gamma": gamma}),
    "ExponentialLR": st.fixed_dictionaries({"gamma": gamma}),
    "CosineAnnealingLR": st.fixed_dictionaries({"T_max": small, "eta_min": st.sampled_from([0.0, 1e-4, 0.003])}),
    "LambdaLR": st.fixed_dictionaries({"lr_lambda": st.sampled_from([0.8, 0.95, 1.1]).map(Scale)}),
    "MultiplicativeLR": st.fixed_dictionaries({"lr_lambda": st.sampled_from([0.8, 0.95, 1.02]).map(Scale)}),
    "LinearLR": st.fixed_dictionaries({"start_factor": st.sampled_from([0.1, 1 / 3, 0.5, 1.0]), "end_factor": frac, "total_iters": small}),
    "ConstantLR": st.fixed_dictionaries({"factor": st.sampled_from([0.1, 1 / 3, 0.5, 1.0]), "total_iters": small}),
    "PolynomialLR": st.fixed_dictionaries({"total_iters": st.integers(1, 70), "power": st.sampled_from([0.5, 1.0, 2.0, 3.3])}),
    "OneCycleLR": st.fixed_dictionaries(
        {"max_lr": st.sampled_from([0.1, 1.0, 3.0]), "total_steps": st.integers(STEPS + 1, 90), "pct_start": st.sampled_from([0.1, 0.3, 0.45]),
         "anneal_strategy": st.sampled_from(["cos", "linear"]), "cycle_momentum": st.booleans(), "div_factor": st.sampled_from([25.0, 10.0]),
         "final_div_factor": st.sampled_from([1e4, 100.0]), "three_phase": st.booleans()}
    ),
    "CyclicLR": st.fixed_dictionaries(
        {"base_lr": st.sampled_from([1e-3, 0.01]), "max_lr": st.sampled_from([0.1, 0.5]), "step_size_up": st.integers(1, 9),
         "step_size_down": st.none() | st.integers(1, 9), "mode": st.sampled_from(["triangular", "triangular2", "exp_range"]),
         "gamma": st.sampled_from([0.99, 0.9]), "cycle_momentum": st.booleans()}
    ),
    "CosineAnnealingWarmRestarts": st.fixed_dictionaries({"T_0": small, "T_mult": st.integers(1, 3), "eta_min": st.sampled_from([0.0, 1e-3])}),
    "ReduceLROnPlateau": st.fixed_dictionaries(
        {"mode": st.sampled_from(["min", "max"]), "factor": st.sampled_from([0.1, 0.5, 0.9]), "patience": st.integers(0, 4),
         "threshold": st.sampled_from([1e-4, 0.01, 0.1]), "threshold_mode": st.sampled_from(["rel", "abs"]), "cooldown": st.integers(0, 3),
         "min_lr": st.sampled_from([0, 1e-3]), "eps": st.sampled_from([1e-8, 1e-3])}
    ),
    "SequentialLR": st.fixed_dictionaries({"first": st.sampled_from(["LinearLR", "ConstantLR", "ExponentialLR"]), "then": st.sampled_from(["CosineAnnealingLR", "StepLR", "ExponentialLR"]), "milestone": st.integers(1, 30)}),
    "ChainedScheduler": st.fixed_dictionaries({"first": st.sampled_from(["LinearLR", "ConstantLR", "MultiStepLR"]), "then": st.sampled_from(["ExponentialLR", "CosineAnnealingLR", "StepLR"])}),
}

MEMBER_ARGS = {
    "LinearLR": {"start_factor": 0.25, "total_iters": 7},
    "ConstantLR": {"factor": 0.5, "total_iters": 4},
    "ExponentialLR": {"gamma": 0.93},
    "CosineAnnealingLR": {"T_max": 9, "eta_min": 1e-4},
    "StepLR": {"step_size": 4, "gamma": 0.7},
    "MultiStepLR": {"milestones": [3, 10, 10, 25], "gamma": 0.6},
}


def make(lib, kind, args, opt):
    module = lib.optim.lr_scheduler
    if kind == "SequentialLR":
        members = [getattr(module, args[k])(opt, **MEMBER_ARGS[args[k]]) for k in ("first", "then")]
        return module.SequentialLR(opt, members, milestones=[args["milestone"]])
    if kind == "ChainedScheduler":
        return module.ChainedScheduler([getattr(module, args[k])(opt, **MEMBER_ARGS[args[k]]) for k in ("first", "then")])
    if kind in ("LambdaLR", "MultiplicativeLR"):
        args = {"lr_lambda": Scale(args["lr_lambda"].factor)}  # each engine its own callable
    return getattr(module, kind)(opt, **args)


def make_optimizer(lib, kind, lrs, seed_params=None):
    groups = [{"params": [lib.nn.Parameter(lib.ones(2, dtype=lib.float64))], "lr": lr} for lr in lrs]
    if kind == "SGD":
        return lib.optim.SGD(groups, lr=0.1, momentum=0.9)
    return lib.optim.Adam(groups, lr=0.1)


def observe(sched, opt):
    lrs = list(sched.get_last_lr())
    groups = [(g["lr"], g.get("momentum"), g["betas"][0] if "betas" in g else None) for g in opt.param_groups]
    return lrs, groups, getattr(sched, "last_epoch", None)  # ChainedScheduler has none (nor in torch)


def advance(sched, opt, kind, step, metrics):
    opt.step()
    if kind == "ReduceLROnPlateau":
        sched.step(metrics[step])
    else:
        sched.step()


@pytest.mark.parametrize("kind", sorted(SCHEDULERS))
@given(data=st.data(), optimizer=st.sampled_from(["SGD", "Adam"]),
       lrs=st.lists(st.sampled_from([0.1, 0.05, 1.0, 0.003]), min_size=1, max_size=2), resume_at=st.integers(1, STEPS - 1), seed=st.integers(0, 2**31))
def test_scheduler_matches_torch_every_step(kind, data, optimizer, lrs, resume_at, seed):
    args = data.draw(SCHEDULERS[kind], label="arguments")
    metrics = np.round(np.random.default_rng(seed).uniform(0, 1, STEPS) * 4) / 4 + np.linspace(1, 0, STEPS) * 0.2  # with plateaus
    metrics = metrics.tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours_opt, theirs_opt = make_optimizer(sn, optimizer, lrs), make_optimizer(torch, optimizer, lrs)
        ours, theirs = make(sn, kind, args, ours_opt), make(torch, kind, args, theirs_opt)
        assert observe(ours, ours_opt) == observe(theirs, theirs_opt), "after construction"
        assert ours.base_lrs == theirs.base_lrs if hasattr(theirs, "base_lrs") else True
        assert [g.get("initial_lr") for g in ours_opt.param_groups] == [g.get("initial_lr") for g in theirs_opt.param_groups]
        for step in range(STEPS):
            if step == resume_at:  # save, rebuild both from scratch, load, carry on
                saved, saved_opt = ours.state_dict(), ours_opt.state_dict()
                ours_opt = make_optimizer(sn, optimizer, lrs)
                ours = make(sn, kind, args, ours_opt)
                ours.load_state_dict(saved)
                ours_opt.load_state_dict(saved_opt)
            advance(ours, ours_opt, kind, step, metrics)
            advance(theirs, theirs_opt, kind, step, metrics)
            assert observe(ours, ours_opt) == observe(theirs, theirs_opt), f"{kind}{args} after step {step + 1} (resumed at {resume_at})"


CLOSED_FORM = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR", "ConstantLR", "PolynomialLR", "CosineAnnealingWarmRestarts"]


@pytest.mark.parametrize("kind", CLOSED_FORM)
@given(data=st.data(), epochs=st.lists(st.integers(0, 80), min_size=1, max_size=20))
def test_step_with_an_epoch_uses_the_closed_form_like_torch(kind, data, epochs):
    args = data.draw(SCHEDULERS[kind], label="arguments")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours_opt, theirs_opt = make_optimizer(sn, "SGD", [0.5]), make_optimizer(torch, "SGD", [0.5])
        ours, theirs = make(sn, kind, args, ours_opt), make(torch, kind, args, theirs_opt)
        for epoch in epochs:
            ours.step(epoch)
            theirs.step(epoch)
            assert observe(ours, ours_opt) == observe(theirs, theirs_opt), (kind, args, epoch)


@given(T_0=small, T_mult=st.integers(1, 3), iters=st.integers(1, 7), epochs=st.integers(1, 12))
def test_warm_restarts_with_fractional_epochs(T_0, T_mult, iters, epochs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        engines = []
        for lib in (sn, torch):
            opt = make_optimizer(lib, "SGD", [0.1])
            engines.append((lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=T_0, T_mult=T_mult, eta_min=1e-3), opt))
        for epoch in range(epochs):
            for i in range(iters):
                for sched, opt in engines:
                    opt.step()
                    sched.step(epoch + i / iters)
                (a, oa), (b, ob) = engines
                assert observe(a, oa) == observe(b, ob) and a.T_cur == b.T_cur and a.T_i == b.T_i


def test_tensor_metric_and_tensor_lr():
    w = sn.nn.Parameter(sn.ones(1))
    opt = sn.optim.SGD([w], lr=sn.tensor(0.5))
    sched = sn.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    sched.step(sn.tensor(1.0))
    sched.step(sn.tensor(2.0))
    assert isinstance(opt.param_groups[0]["lr"], sn.Tensor) and opt.param_groups[0]["lr"].item() == pytest.approx(0.05)
    opt2 = sn.optim.SGD([sn.nn.Parameter(sn.ones(1))], lr=sn.tensor(1.0))
    step = sn.optim.lr_scheduler.StepLR(opt2, step_size=1, gamma=0.5)
    lr_tensor = opt2.param_groups[0]["lr"]
    opt2.step()
    step.step()
    assert opt2.param_groups[0]["lr"] is lr_tensor and lr_tensor.item() == 0.5  # updated in place, as torch


@pytest.mark.parametrize(
    "make_bad, error, message",
    [
        (lambda o, m: m.ConstantLR(o, factor=1.5), ValueError, "Constant multiplicative factor expected to be between 0 and 1."),
        (lambda o, m: m.LinearLR(o, start_factor=0), ValueError, "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
        (lambda o, m: m.LinearLR(o, end_factor=2.0), ValueError, "Ending multiplicative factor expected to be between 0 and 1."),
        (lambda o, m: m.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0."),
        (lambda o, m: m.ReduceLROnPlateau(o, mode="avg"), ValueError, "mode avg is unknown!"),
        (lambda o, m: m.ReduceLROnPlateau(o, threshold_mode="x"), ValueError, "threshold mode x is unknown!"),
        (lambda o, m: m.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "Expected positive integer T_0, but got 0"),
        (lambda o, m: m.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), ValueError, "Expected integer T_mult >= 1, but got 0"),
        (lambda o, m: m.OneCycleLR(o, max_lr=1.0), ValueError, "You must define either total_steps OR (epochs AND steps_per_epoch)"),
        (lambda o, m: m.OneCycleLR(o, max_lr=1.0, total_steps=0), ValueError, "Expected positive integer total_steps, but got 0"),
        (lambda o, m: m.OneCycleLR(o, max_lr=1.0, total_steps=9, pct_start=2.0), ValueError, "Expected float between 0 and 1 pct_start, but got 2.0"),
        (lambda o, m: m.OneCycleLR(o, max_lr=1.0, total_steps=9, anneal_strategy="x"), ValueError, "anneal_strategy must be one of 'cos' or 'linear', instead got x"),
        (lambda o, m: m.CyclicLR(o, 0.1, 1.0, mode="x"), ValueError, "mode is invalid and scale_fn is None"),
        (lambda o, m: m.CyclicLR(o, [0.1, 0.2], 1.0), ValueError, "base_lr must have the same length as optimizer.param_groups. base_lr has 2 values, param_groups has 1."),
        (lambda o, m: m.LambdaLR(o, [lambda e: 1.0] * 2), ValueError, "Expected 1 lr_lambdas, but got 2"),
        (lambda o, m: m.MultiplicativeLR(o, 3), TypeError, "lr_lambda should be a function, but got int"),
        (lambda o, m: m.SequentialLR(o, [], milestones=[]), ValueError, "SequentialLR expects at least one scheduler, but got no scheduler."),
        (lambda o, m: m.SequentialLR(o, [m.StepLR(o, 2)], milestones=[3]), ValueError, "Sequential Schedulers expects number of schedulers provided to be one more"),
        (lambda o, m: m.ChainedScheduler([m.ReduceLROnPlateau(o)]), ValueError, "ChainedScheduler does not support `ReduceLROnPlateau`"),
        (lambda o, m: m.StepLR(o, 2, last_epoch=3), KeyError, "param 'initial_lr' is not specified in param_groups[0]"),
        (lambda o, m: m.StepLR("not an optimizer", 2), TypeError, "str is not an Optimizer"),
    ],
)
def test_invalid_arguments_raise_like_torch(make_bad, error, message):
    for lib in (torch, sn):
        opt = lib.optim.Adagrad([lib.nn.Parameter(lib.ones(1))], lr=0.1)  # no momentum: also hits cycle_momentum checks
        with pytest.raises(error) as info:
            make_bad(opt, lib.optim.lr_scheduler)
        assert message in str(info.value), (lib.__name__, str(info.value))


def test_cycle_momentum_needs_a_momentum():
    for lib in (torch, sn):
        opt = lib.optim.Adagrad([lib.nn.Parameter(lib.ones(1))], lr=0.1)
        with pytest.raises(ValueError, match="optimizer must support momentum or beta1 with `cycle_momentum` option enabled"):
            lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=5)


def test_warns_when_stepped_before_the_optimizer_and_names_match_torch():
    opt = sn.optim.SGD([sn.nn.Parameter(sn.ones(1))], lr=0.1)
    sched = sn.optim.lr_scheduler.StepLR(opt, 1)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    public = {n for n in torch.optim.lr_scheduler.__all__}
    assert public <= set(dir(sn.optim.lr_scheduler)), public - set(dir(sn.optim.lr_scheduler))
    assert math.isinf(sn.optim.lr_scheduler.ReduceLROnPlateau(opt).best)
