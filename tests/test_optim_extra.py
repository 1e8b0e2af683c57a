"""The optimizers added for real programs (Adadelta, Adamax, ASGD, NAdam, RAdam, Rprop, LBFGS), and
the Optimizer machinery (state_dict layout, loading with dtype casts, hooks, zero_grad, flags,
tensor lr, errors), against torch.

Step-for-step runs use ``run_against_torch`` of test_optim.py: same start, same 20 gradients,
parameters and every state buffer equal after each step (float64 to rtol 1e-10; float32 within
rtol = atol = 1e-5 * step). LBFGS runs closures on a Rosenbrock function and on least-squares
problems; its iterates, returned losses and evaluation counts must match torch's (float64, 1e-10).
"""

import importlib
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import scratchnet as sn

from .parity import assert_close
from .test_optim import run_against_torch, shapes

rate = st.sampled_from([1e-3, 1e-2, 0.1, 0.5])
decay = st.sampled_from([0.0, 0.0, 1e-3, 0.1])
betas = st.tuples(st.sampled_from([0.0, 0.5, 0.9]), st.sampled_from([0.9, 0.99, 0.999]))

EXTRA = {
    "Adadelta": st.fixed_dictionaries({"lr": st.sampled_from([1.0, 0.1]), "rho": st.sampled_from([0.5, 0.9, 0.99]), "eps": st.sampled_from([1e-6, 1e-3]), "weight_decay": decay, "maximize": st.booleans()}),
    "Adamax": st.fixed_dictionaries({"lr": rate, "betas": betas, "eps": st.sampled_from([1e-8, 1e-3]), "weight_decay": decay, "maximize": st.booleans()}),
    "ASGD": st.fixed_dictionaries({"lr": rate, "lambd": st.sampled_from([1e-4, 0.01, 0.1]), "alpha": st.sampled_from([0.75, 0.5]), "t0": st.sampled_from([1e6, 5.0, 0.0]), "weight_decay": decay, "maximize": st.booleans()}),
    "NAdam": st.fixed_dictionaries({"lr": rate, "betas": betas, "eps": st.sampled_from([1e-8, 1e-3]), "weight_decay": decay, "momentum_decay": st.sampled_from([4e-3, 0.0, 0.1]), "decoupled_weight_decay": st.booleans(), "maximize": st.booleans()}),
    "RAdam": st.fixed_dictionaries({"lr": rate, "betas": betas, "eps": st.sampled_from([1e-8, 1e-3]), "weight_decay": decay, "decoupled_weight_decay": st.booleans(), "maximize": st.booleans()}),
    "Rprop": st.fixed_dictionaries({"lr": rate, "etas": st.sampled_from([(0.5, 1.2), (0.3, 1.5)]), "step_sizes": st.sampled_from([(1e-6, 50), (1e-3, 0.2)]), "maximize": st.booleans()}),
}


@pytest.mark.parametrize("name", sorted(EXTRA))
@given(data=st.data(), param_shapes=shapes, dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**31))
def test_new_optimizers_match_torch_every_step(name, data, param_shapes, dtype, seed):
    run_against_torch(name, data.draw(EXTRA[name], label="hyperparameters"), param_shapes, dtype, seed)


# --- LBFGS ---------------------------------------------------------------------------------------


def lbfgs_run(lib, problem, options, steps):
    """(loss returned, flat parameters) after each ``step(closure)``, and the final counters."""
    params, loss_fn = problem(lib)
    opt = lib.optim.LBFGS(params, **options)

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    trace = []
    for _ in range(steps):
        loss = opt.step(closure)
        trace.append((loss.item(), np.concatenate([p.detach().numpy().ravel() for p in params]).copy()))
    state = opt.state[params[0]]
    return trace, (state["func_evals"], state["n_iter"])


def rosenbrock(start, a):
    def problem(lib):
        x = lib.nn.Parameter(lib.tensor(start, dtype=lib.float64))
        return [x], lambda: (a * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()

    return problem


def least_squares(seed, m, n, jitter=0.0):
    """A ridge least-squares problem; ``jitter``: A's entries moved by that relative amount."""
    rng = np.random.default_rng(seed)
    A, b, w0 = rng.standard_normal((m, n)), rng.standard_normal(m), rng.standard_normal(n)
    A = A * (1 + jitter * np.random.default_rng(seed + 1).standard_normal(A.shape))

    def problem(lib):
        w = lib.nn.Parameter(lib.tensor(w0, dtype=lib.float64))
        c = lib.nn.Parameter(lib.tensor(0.0, dtype=lib.float64))
        At, bt = lib.tensor(A, dtype=lib.float64), lib.tensor(b, dtype=lib.float64)
        return [w, c], lambda: ((At @ w + c - bt) ** 2).mean() + 0.01 * (w * w).sum()

    return problem


LBFGS_OPTIONS = [{}, {"line_search_fn": "strong_wolfe"}, {"history_size": 3, "max_iter": 10}, {"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 10}]


def assert_same_trace(ours, theirs, what, rtol=1e-10, counts=True):
    (trace_a, counts_a), (trace_b, counts_b) = ours, theirs
    for i, ((loss_a, x_a), (loss_b, x_b)) in enumerate(zip(trace_a, trace_b)):
        np.testing.assert_allclose(x_a, x_b, rtol=rtol, atol=rtol, err_msg=f"{what}: iterate after step {i + 1}")
        np.testing.assert_allclose(loss_a, loss_b, rtol=rtol, atol=1e-12, err_msg=f"{what}: loss of step {i + 1}")
    if counts:
        assert counts_a == counts_b, f"{what}: (func_evals, n_iter) {counts_a} != torch {counts_b}"


@pytest.mark.parametrize("options", LBFGS_OPTIONS, ids=["fixed-step", "strong-wolfe", "short-history", "wolfe-short-history"])
@pytest.mark.parametrize("start, a", [([-1.2, 1.0], 100.0), ([-1.2, 1.0], 10.0), ([0.5, -0.5, 1.5, 0.0], 10.0)])
def test_lbfgs_on_rosenbrock_follows_torch(start, a, options):
    """Each iteration matches torch's, including the line search's cubic steps and the
    evaluation counts; the classic start converges to (1, 1) in both."""
    problem = rosenbrock(start, a)
    ours, theirs = lbfgs_run(sn, problem, options, 3), lbfgs_run(torch, problem, options, 3)
    assert_same_trace(ours, theirs, f"Rosenbrock {start} a={a} {options}")


def curve(kind, start):
    def problem(lib):
        x = lib.nn.Parameter(lib.tensor(start, dtype=lib.float64))
        if kind == "sin":
            return [x], lambda: (lib.sin(3 * x) + 0.1 * x * x).sum()
        return [x], lambda: (x**4 - 3 * x**2 + x).sum()

    return problem


@pytest.mark.parametrize(
    "problem, lr",
    [
        (curve("sin", [0.3, -1.2, 2.0]), 5.0),  # zoom: cubic steps too near the bracket's ends, moved inside
        (rosenbrock([-1.2, 1.0], 100.0), 50.0),
        (curve("quartic", [0.1, 2.0, -0.7]), 50.0),
        (curve("quartic", [0.82, -1.38, -2.75]), 0.1),  # extrapolation: a cubic with no minimum (the midpoint)
        (curve("quartic", [1.88, 2.48, 0.64]), 0.1),
    ],
    ids=["sin-5", "rosenbrock-50", "quartic-50", "quartic-a", "quartic-b"],
)
def test_lbfgs_line_search_branches_follow_torch(problem, lr):
    """Non-convex curves and large first steps drive the strong-Wolfe search through all its
    branches: bracketing by extrapolation, zoom with the insufficient-progress safeguard, a
    cubic without a real minimum, the swap of the bracket's ends."""
    options = {"line_search_fn": "strong_wolfe", "lr": lr, "max_iter": 15}
    assert_same_trace(lbfgs_run(sn, problem, options, 2), lbfgs_run(torch, problem, options, 2), f"lr={lr}")


@given(seed=st.integers(0, 2**31), m=st.integers(3, 12), n=st.integers(1, 5), line_search=st.sampled_from([None, "strong_wolfe"]),
       history_size=st.sampled_from([1, 3, 100]), max_iter=st.integers(1, 20), lr=st.sampled_from([1.0, 0.5, 0.1]), maximize=st.booleans())
def test_lbfgs_on_least_squares_follows_torch(seed, m, n, line_search, history_size, max_iter, lr, maximize):
    """Against torch, to within torch's own sensitivity. Some drawn problems (a short history on
    a badly conditioned A) amplify rounding over the iterations, so torch's paths from A moved by
    +-1e-15 to 1e-14 set the tolerance (10x their spread, 1e-10 at least; seen from 1e-11 to 2e-5).
    Near convergence the loss changes by about tolerance_change (1e-9) per iteration and a
    rounding decides when a step stops: where torch's own evaluation counts move under those
    perturbations, the counts are not compared (the iterates still are)."""

    def made(jitter):
        base = least_squares(seed, m, n, jitter)
        if not maximize:
            return base
        return lambda lib: (lambda params, f: (params, lambda: -f()))(*base(lib))  # maximizing minus the loss: the same path

    options = {"line_search_fn": line_search, "history_size": history_size, "max_iter": max_iter, "lr": lr, "maximize": maximize}
    theirs = lbfgs_run(torch, made(0.0), options, 3)
    moved = [lbfgs_run(torch, made(j), options, 3) for j in (1e-15, -1e-15, 3e-15, -3e-15, 1e-14, -1e-14)]
    spread = max(np.max(np.abs(x - y) / (np.abs(y) + 1e-10)) for trace, _ in moved for (_, x), (_, y) in zip(trace, theirs[0]))
    stable = all(counts == theirs[1] for _, counts in moved)
    assert_same_trace(lbfgs_run(sn, made(0.0), options, 3), theirs, f"least squares {options}", rtol=max(1e-10, 10 * spread), counts=stable)


def test_lbfgs_state_dict_round_trip_continues_like_torch():
    problem = least_squares(3, 10, 4)
    params, loss_fn = problem(sn)
    opt = sn.optim.LBFGS(params, history_size=5, max_iter=4)

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    opt.step(closure)
    saved = opt.state_dict()
    assert list(saved["state"]) == [0] and saved["param_groups"][0]["params"] == [0, 1]
    opt2 = sn.optim.LBFGS(params, history_size=5, max_iter=4)
    opt2.load_state_dict(saved)
    opt = opt2
    opt.step(closure)
    reference, _ = lbfgs_run(torch, problem, {"history_size": 5, "max_iter": 4}, 2)
    np.testing.assert_allclose(np.concatenate([p.detach().numpy().ravel() for p in params]), reference[1][1], rtol=1e-10, atol=1e-12)


def test_lbfgs_refusals_match_torch():
    for lib in (torch, sn):
        empty = lib.nn.Parameter(lib.zeros(0))
        opt = lib.optim.LBFGS([empty])

        def closure():
            opt.zero_grad()
            loss = (empty * empty).sum()
            loss.backward()
            return loss

        with pytest.raises(RuntimeError, match="Expected reduction dim to be specified for input.numel"):
            opt.step(closure)
        a, b = lib.nn.Parameter(lib.ones(1)), lib.nn.Parameter(lib.ones(1))
        with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
            lib.optim.LBFGS([{"params": [a]}, {"params": [b]}])
        opt = lib.optim.LBFGS([a], line_search_fn="backtracking")

        def closure():
            opt.zero_grad()
            loss = (a * a).sum()
            loss.backward()
            return loss

        with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
            opt.step(closure)


# --- Optimizer machinery ------------------------------------------------------------------------


def twin_optimizers(name, dtype="float64", **hyper):
    rng = np.random.default_rng(0)
    start = [rng.standard_normal(s).astype(dtype) for s in [(2, 3), (3,)]]
    ours = [sn.nn.Parameter(sn.tensor(a)) for a in start]
    theirs = [torch.nn.Parameter(torch.tensor(a)) for a in start]
    return (ours, getattr(sn.optim, name)([{"params": ours[:1]}, {"params": ours[1:], "lr": 0.05}], **hyper)), (theirs, getattr(torch.optim, name)([{"params": theirs[:1]}, {"params": theirs[1:], "lr": 0.05}], **hyper))


def feed(pairs, steps, seed=1):
    """Give each (params, optimizer) pair the same gradients (in its parameters' dtype) and step."""
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        grads = [rng.standard_normal(tuple(p.shape)) for p in pairs[0][0]]
        for params, opt in pairs:
            for p, g in zip(params, grads):
                p.grad = sn.tensor(g, dtype=p.dtype) if isinstance(p, sn.Tensor) else torch.tensor(g, dtype=p.dtype)
            opt.step()


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "ASGD", "NAdam", "RAdam", "Rprop"])
def test_state_dict_has_torchs_layout_and_loads_with_casts(name):
    hyper = {"momentum": 0.9} if name in ("SGD", "RMSprop") else {}
    (ours, opt), (theirs, topt) = twin_optimizers(name, lr=0.01, **hyper)
    feed([(ours, opt), (theirs, topt)], 3)
    saved, tsaved = opt.state_dict(), topt.state_dict()
    assert saved["param_groups"] == [{k: v for k, v in g.items()} for g in tsaved["param_groups"]]
    assert list(saved["state"]) == list(tsaved["state"]) == [0, 1]
    for i in saved["state"]:
        assert list(saved["state"][i]) == list(tsaved["state"][i])
        for key, value in tsaved["state"][i].items():
            assert_close(saved["state"][i][key], value, 1e-10, 1e-12, what=f"{name} state {i} {key}")
    # Load the float64 state into float32 parameters: buffers are cast to float32, step is kept.
    (ours32, opt32), (theirs32, topt32) = twin_optimizers(name, "float32", lr=0.01, **hyper)
    opt32.load_state_dict(saved)
    topt32.load_state_dict(tsaved)
    for p, q in zip(ours32, theirs32):
        for key, value in topt32.state[q].items():
            assert_close(opt32.state[p][key], value, 1e-6, 1e-7, what=f"{name} loaded state {key}")
    feed([(ours32, opt32), (theirs32, topt32)], 2, seed=5)
    for p, q in zip(ours32, theirs32):
        assert_close(p, q, 1e-5, 1e-5, what=f"{name} parameters after resuming")


def test_load_state_dict_errors_match_torch():
    for lib in (torch, sn):
        a, b = lib.nn.Parameter(lib.ones(1)), lib.nn.Parameter(lib.ones(1))
        one = lib.optim.SGD([a, b], lr=0.1)
        two = lib.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1)
        with pytest.raises(ValueError, match="loaded state dict has a different number of parameter groups"):
            one.load_state_dict(two.state_dict())
        with pytest.raises(ValueError, match="loaded state dict contains a parameter group that doesn't match the size of optimizer's group"):
            lib.optim.SGD([a], lr=0.1).load_state_dict(one.state_dict())


def test_hooks_zero_grad_and_named_parameters():
    w = sn.nn.Parameter(sn.ones(2))
    opt = sn.optim.Adam([w], lr=0.1)
    calls = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(("pre", o is opt)))
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", float(w.sum()))))
    w.grad = sn.ones(2)
    opt.step()
    assert calls == [("pre", True), ("post", pytest.approx(1.8))]
    pre.remove()
    w.grad = sn.ones(2)
    opt.step()
    assert [c[0] for c in calls] == ["pre", "post", "post"]
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad and w.grad.tolist() == [0.0, 0.0]  # zeroed in place, as torch
    opt.zero_grad()
    assert w.grad is None
    model = sn.nn.Linear(2, 1)
    named = sn.optim.SGD(model.named_parameters(), lr=0.1)
    assert named.param_groups[0]["param_names"] == ["weight", "bias"]
    assert named.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]


def test_tensor_lr_and_flags_are_accepted_like_torch():
    for name in ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "NAdam", "RAdam", "Adamax", "Adadelta", "ASGD", "Rprop"]:
        runs = []
        for lib in (sn, torch):
            w = lib.nn.Parameter(lib.tensor([1.0, -2.0], dtype=lib.float64))
            opt = getattr(lib.optim, name)([w], lr=lib.tensor(0.05, dtype=lib.float64), foreach=False)
            for _ in range(3):
                w.grad = lib.tensor([0.5, 0.25], dtype=lib.float64) * w.detach()
                opt.step()
            runs.append(w.detach().numpy().copy())
        np.testing.assert_allclose(runs[0], runs[1], rtol=1e-10, err_msg=name)
    for fused in (None, False, True):  # fused kernels change speed, not results
        w = sn.nn.Parameter(sn.ones(1))
        assert sn.optim.Adam([w], fused=fused).param_groups[0]["fused"] == fused
    with pytest.raises(RuntimeError, match="`fused` and `foreach` cannot be `True` together."):
        sn.optim.Adam([sn.nn.Parameter(sn.ones(1))], fused=True, foreach=True)
    for lib in (torch, sn):  # CUDA-graph capture: refused at the first step on a CPU-only torch
        w = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.NAdam([w], capturable=True)
        w.grad = lib.ones(2)
        with pytest.raises(AssertionError, match="If capturable=True, params.* must be on supported devices"):
            opt.step()
    with pytest.raises(RuntimeError, match="differentiable=True is not supported"):
        sn.optim.Adam([sn.nn.Parameter(sn.ones(1))], differentiable=True)


def test_sparse_adam_refuses_clearly():
    with pytest.raises(NotImplementedError, match="no sparse tensors"):
        sn.optim.SparseAdam([sn.nn.Parameter(sn.ones(2))])


@pytest.mark.parametrize(
    "name, hyper",
    [
        ("Adadelta", {"lr": -1.0}), ("Adadelta", {"rho": 1.5}), ("Adadelta", {"eps": -1.0}), ("Adadelta", {"weight_decay": -1.0}),
        ("Adamax", {"betas": (1.0, 0.9)}), ("Adamax", {"betas": (0.9, -0.1)}), ("Adamax", {"eps": -1.0}), ("Adamax", {"weight_decay": -0.5}),
        ("ASGD", {"lr": -0.1}), ("ASGD", {"weight_decay": -0.1}),
        ("NAdam", {"momentum_decay": -1.0}), ("NAdam", {"betas": (0.5, 1.0)}), ("NAdam", {"lr": -2.0}),
        ("RAdam", {"betas": (-0.1, 0.9)}), ("RAdam", {"weight_decay": -1.0}), ("RAdam", {"eps": -1e-8}),
        ("Rprop", {"etas": (1.5, 1.2)}), ("Rprop", {"etas": (0.5, 0.9)}), ("Rprop", {"lr": -1.0}),
        ("LBFGS", {"lr": -1.0}),
        ("Adam", {"betas": (0.9, 1)}), ("Adam", {"lr": torch.tensor([0.1, 0.2])}), ("SGD", {"lr": 0.1, "weight_decay": -1.0}),
        ("RMSprop", {"alpha": -1.0}), ("Adagrad", {"lr_decay": -1.0}), ("Adagrad", {"initial_accumulator_value": -1.0}),
    ],
)
def test_invalid_hyperparameters_raise_torchs_messages(name, hyper):
    with pytest.raises(ValueError) as expected:
        getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], **hyper)
    ours_hyper = {k: (sn.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v) for k, v in hyper.items()}
    with pytest.raises(ValueError) as got:
        getattr(sn.optim, name)([sn.nn.Parameter(sn.ones(1))], **ours_hyper)
    assert str(got.value) == str(expected.value)


def test_every_torch_optimizer_name_exists():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        names = {n for n in torch.optim.__all__ if n[0].isupper() and n not in ("Muon", "Adafactor")}
    assert names <= set(dir(sn.optim)), names - set(dir(sn.optim))


def test_subclass_steps_run_the_hooks_once():
    """A user's optimizer whose step calls super().step(): hooks once per step, as users expect."""

    class Clipped(sn.optim.SGD):
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    p.grad = sn.clamp(p.grad, -1.0, 1.0)
            return super().step(closure)

    w = sn.nn.Parameter(sn.tensor([0.0, 0.0]))
    opt = Clipped([w], lr=0.5)
    seen = []
    opt.register_step_post_hook(lambda o, a, k: seen.append(w.tolist()))
    w.grad = sn.tensor([5.0, -0.25])
    opt.step()
    assert seen == [[-0.5, 0.125]]


def test_state_dict_hooks_and_global_step_hooks_behave_like_torch():
    logs = []
    for lib in (torch, sn):
        w = lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.SGD([w], lr=0.1, momentum=0.9)
        log = []
        opt.register_state_dict_pre_hook(lambda o: log.append("pre"))
        opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
        opt.register_load_state_dict_pre_hook(lambda o, sd: {k: v for k, v in sd.items() if k != "extra"})
        opt.register_load_state_dict_post_hook(lambda o: log.append("loaded"))
        saved = opt.state_dict()
        assert saved["extra"] == 1 and log == ["pre"]
        opt.load_state_dict(saved)
        module = importlib.import_module(f"{lib.__name__}.optim.optimizer")
        handle = module.register_optimizer_step_pre_hook(lambda o, a, k: log.append("global"))
        w.grad = lib.ones(1)
        opt.step()
        handle.remove()
        opt.step()
        logs.append(log)
    assert logs[0] == logs[1] == ["pre", "loaded", "global"]


# --- swa_utils ------------------------------------------------------------------------------------


def twin_models(seed):
    ours = sn.nn.Sequential(sn.nn.Linear(3, 4), sn.nn.BatchNorm1d(4), sn.nn.ReLU(), sn.nn.Linear(4, 2)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).double()
    rng = np.random.default_rng(seed)
    weights = {k: rng.standard_normal(tuple(v.shape)) for k, v in theirs.state_dict().items() if v.dtype.is_floating_point}
    theirs.load_state_dict({k: torch.tensor(v) for k, v in weights.items()}, strict=False)
    with sn.no_grad():
        for name, p in list(ours.named_parameters()) + list(ours.named_buffers()):
            if name in weights:
                p.array[...] = weights[name]
    return ours, theirs


@pytest.mark.parametrize("averaging", ["swa", "ema-multi", "ema-avg_fn", "swa-buffers"])
def test_averaged_model_and_update_bn_follow_torch(averaging):
    ours, theirs = twin_models(0)
    rng = np.random.default_rng(1)
    batches = [rng.standard_normal((5, 3)) for _ in range(6)]
    models = []
    for lib, model in ((sn, ours), (torch, theirs)):
        swa_utils = importlib.import_module(f"{lib.__name__}.optim.swa_utils")
        kwargs = {"swa": {}, "ema-multi": {"multi_avg_fn": swa_utils.get_ema_multi_avg_fn(0.9)}, "ema-avg_fn": {"avg_fn": swa_utils.get_ema_avg_fn(0.8)}, "swa-buffers": {"use_buffers": True}}[averaging]
        averaged = swa_utils.AveragedModel(model, **kwargs)
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        for x in batches:
            opt.zero_grad()
            model(lib.tensor(x)).pow(2).mean().backward()
            opt.step()
            averaged.update_parameters(model)
        swa_utils.update_bn([lib.tensor(x) for x in batches], averaged)
        models.append(averaged)
    a, b = models
    assert int(a.n_averaged) == int(b.n_averaged) == len(batches)
    theirs_state = b.state_dict()
    for key, value in a.state_dict().items():
        assert_close(value, theirs_state[key], 1e-10, 1e-12, what=f"{averaging} {key}")


@given(swa_lr=st.sampled_from([0.01, 0.05, 0.5]), anneal_epochs=st.integers(0, 12), anneal_strategy=st.sampled_from(["cos", "linear"]), lrs=st.lists(st.sampled_from([0.1, 1.0, 0.02]), min_size=1, max_size=2))
def test_swalr_matches_torch_every_step(swa_lr, anneal_epochs, anneal_strategy, lrs):
    seqs = []
    for lib in (sn, torch):
        swa_utils = importlib.import_module(f"{lib.__name__}.optim.swa_utils")
        opt = lib.optim.SGD([{"params": [lib.nn.Parameter(lib.ones(1))], "lr": lr} for lr in lrs], lr=0.1)
        sched = swa_utils.SWALR(opt, swa_lr=swa_lr, anneal_epochs=anneal_epochs, anneal_strategy=anneal_strategy)
        seq = [sched.get_last_lr()]
        for _ in range(30):
            opt.step()
            sched.step()
            seq.append(sched.get_last_lr())
        seqs.append(seq)
    assert seqs[0] == seqs[1]
