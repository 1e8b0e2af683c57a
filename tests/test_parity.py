"""Every op in the registry, checked three ways under hypothesis:

(a) its forward equals torch's, in float32 and float64;
(b) its vector-Jacobian product for a random upstream gradient equals ``torch.autograd.grad``'s;
(c) its gradient equals float64 central finite differences (``scratchnet.gradcheck``).
"""

import inspect
import sys
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet
import scratchnet.nn.functional
from scratchnet.tensor import Function

from .parity import TOLERANCE, assert_close, flat_outputs
from .registry import BY_NAME, CASES, COVERED_BY, NOT_OPS, Example

DIFFERENTIABLE = [c for c in CASES if c.grad]


def make_inputs(case, example, dtype):
    rng = np.random.default_rng(example.seed)
    domains = case.domain if isinstance(case.domain, list) else [case.domain] * len(example.shapes)
    arrays = [np.asarray(d(np.asarray(rng.standard_normal(s)), rng)) for s, d in zip(example.shapes, domains)]
    return [a.astype(dtype) for a in arrays]


def run(case, lib, arrays, example, requires_grad=False):
    inputs = [lib.tensor(a, requires_grad=requires_grad) for a in arrays]
    return inputs, flat_outputs(case.fn(lib, *inputs, **example.params))


def tolerances(case, dtype, backward=False):
    rtol, atol = TOLERANCE[dtype]
    if dtype == "float32":
        rtol = atol = case.tol32 * (10 if backward else 1)
    return rtol, atol


@pytest.mark.parametrize("case", CASES, ids=repr)
@given(data=st.data())
def test_forward_matches_torch(case, data):
    example = data.draw(case.draw, label="example")
    for dtype in ("float32", "float64"):
        arrays = make_inputs(case, example, dtype)
        _, ours = run(case, scratchnet, arrays, example)
        _, theirs = run(case, torch, arrays, example)
        assert len(ours) == len(theirs)
        for i, (o, t) in enumerate(zip(ours, theirs)):
            assert_close(o, t, *tolerances(case, dtype), what=f"{case.name} forward output {i} ({dtype})")


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=repr)
@given(data=st.data())
def test_backward_matches_torch(case, data):
    example = data.draw(case.draw, label="example")
    for dtype in ("float32", "float64"):
        arrays = make_inputs(case, example, dtype)
        sn_in, sn_out = run(case, scratchnet, arrays, example, requires_grad=True)
        th_in, th_out = run(case, torch, arrays, example, requires_grad=True)
        sn_out = [o for o in sn_out if o.requires_grad]
        th_out = [o for o in th_out if o.requires_grad]
        assert len(sn_out) == len(th_out), f"{case.name}: {len(sn_out)} differentiable outputs, torch has {len(th_out)}"
        if not th_out:
            continue
        rng = np.random.default_rng(example.seed + 1)
        vs = [rng.standard_normal(tuple(o.shape)).astype(dtype) for o in th_out]
        ours = scratchnet.autograd.grad(sn_out, sn_in, [scratchnet.tensor(v) for v in vs], allow_unused=True)
        theirs = torch.autograd.grad(th_out, th_in, [torch.tensor(v) for v in vs], allow_unused=True)
        for i, (g, h, x) in enumerate(zip(ours, theirs, sn_in)):
            g = np.zeros(x.shape, dtype) if g is None else g
            h = np.zeros(x.shape, dtype) if h is None else h
            assert_close(g, h, *tolerances(case, dtype, backward=True), what=f"{case.name} gradient of input {i} ({dtype})")


@pytest.mark.parametrize("case", [c for c in DIFFERENTIABLE if c.fd], ids=repr)
@given(data=st.data())
def test_gradient_matches_finite_differences(case, data):
    example = data.draw(case.draw, label="example")
    arrays = make_inputs(case, example, "float64")
    inputs = [scratchnet.tensor(a, requires_grad=True) for a in arrays]
    scratchnet.gradcheck(lambda *xs: tuple(flat_outputs(case.fn(scratchnet, *xs, **example.params))), inputs)


# ---- the registry itself ------------------------------------------------------------------------


def public_ops():
    """Every op scratchnet exposes: the functions in scratchnet.ops, the Tensor methods, F's names."""
    names = {n for n, v in vars(scratchnet.ops).items() if callable(v) and not n.startswith("_") and not inspect.ismodule(v) and getattr(v, "__module__", "").startswith("scratchnet.ops")}
    names |= {n for n in scratchnet.ops._METHODS}
    names |= set(scratchnet.nn.functional.__all__)
    return names - {"Tensor"}


def test_registry_is_complete():
    """An op without a registry entry is unverified: add a Case to tests/registry.py."""
    missing = sorted(n for n in public_ops() if n not in BY_NAME and n not in COVERED_BY and n not in NOT_OPS)
    assert not missing, f"ops with no parity case: {missing}"


def _function_classes():
    """Every Function subclass defined in scratchnet's modules (not in docstring examples)."""
    seen, stack = set(), [Function]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return {c for c in seen if c.__module__.startswith("scratchnet") and getattr(sys.modules[c.__module__], c.__name__, None) is c}


def test_every_function_is_exercised(monkeypatch):
    """Run each case once (forward, backward, double backward) and note which Functions ran.

    A Function that no case reaches is a node in scratchnet's graphs that nothing verifies.
    """
    used = set()
    original = Function.apply.__func__

    def spy(cls, *args, **kwargs):
        used.add(cls)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Function, "apply", classmethod(spy))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # .example() warns that it is meant for the REPL
        for case in CASES:
            for _ in range(40):  # enough draws to reach every branch (dim=None and dim=int, ...)
                example = case.draw.example()
                arrays = make_inputs(case, example, "float64")
                inputs, outs = run(case, scratchnet, arrays, example, requires_grad=case.grad)
                outs = [o for o in outs if o.requires_grad]
                if not outs:
                    continue
                # upstream gradients that require grad: the double backward then reaches every
                # Function that a backward pass uses (as gradgradcheck differentiates them too)
                vs = [scratchnet.ones_like(o, requires_grad=True) for o in outs]
                grads = scratchnet.autograd.grad(outs, inputs, vs, allow_unused=True, create_graph=True)
                second = [(g * g).sum() for g in grads if g is not None and g.requires_grad]
                if second:
                    scratchnet.autograd.grad(second, inputs + vs, allow_unused=True)
    unused = sorted(c.__name__ for c in _function_classes() - used)
    assert not unused, f"Functions no registry case runs: {unused}"


# ---- second derivatives ---------------------------------------------------------------------------
#
# The backward of every op is written with scratchnet's own ops, so it can be differentiated again.
# (d) second derivatives equal torch's; (e) they equal float64 finite differences of the first.


def _second_order(lib, case, arrays, example, vs, ws):
    """d/d(inputs, v) of sum_i <w_i, dL/dx_i> where dL/dx = vjp(v): a Hessian-vector product."""
    inputs, outs = run(case, lib, arrays, example, requires_grad=True)
    outs = [o for o in outs if o.requires_grad]
    v = [lib.tensor(a, requires_grad=True) for a in vs]
    grads = lib.autograd.grad(outs, inputs, v, create_graph=True, allow_unused=True)
    terms = [(g * lib.tensor(w)).sum() for g, w in zip(grads, ws) if g is not None and g.requires_grad]
    if not terms:
        return [None] * (len(inputs) + len(v))
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return list(lib.autograd.grad(total, inputs + v, allow_unused=True))


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=repr)
@settings(max_examples=10)
@given(data=st.data())
def test_second_derivatives_match_torch(case, data):
    example = data.draw(case.draw, label="example")
    arrays = make_inputs(case, example, "float64")
    rng = np.random.default_rng(example.seed + 2)
    _, probe = run(case, torch, arrays, example, requires_grad=True)
    probe = [o for o in probe if o.requires_grad]
    if not probe:
        return
    vs = [rng.standard_normal(tuple(o.shape)) for o in probe]
    ws = [rng.standard_normal(a.shape) for a in arrays]
    ours = _second_order(scratchnet, case, arrays, example, vs, ws)
    theirs = _second_order(torch, case, arrays, example, vs, ws)
    shapes = [a.shape for a in arrays] + [v.shape for v in vs]
    for i, (g, h, shape) in enumerate(zip(ours, theirs, shapes)):
        g = np.zeros(shape) if g is None else g
        h = np.zeros(shape) if h is None else h
        assert_close(g, h, 1e-8, 1e-10, what=f"{case.name} second derivative, argument {i}")


@pytest.mark.parametrize("case", [c for c in DIFFERENTIABLE if c.fd], ids=repr)
@settings(max_examples=8)
@given(data=st.data())
def test_second_derivatives_match_finite_differences(case, data):
    example = data.draw(case.draw, label="example")
    arrays = make_inputs(case, example, "float64")
    inputs = [scratchnet.tensor(a, requires_grad=True) for a in arrays]
    scratchnet.gradgradcheck(lambda *xs: tuple(o for o in flat_outputs(case.fn(scratchnet, *xs, **example.params)) if o.is_floating_point()), inputs, seed=example.seed)
