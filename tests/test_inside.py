"""Seeing inside: the backward trace, graph drawing, the mismatch locator (with planted bugs) and
higher-order gradients (Hessian-vector products, gradient penalties, Newton's method)."""

import shutil

import numpy as np
import pytest
import torch

import scratchnet as sn
from scratchnet.compare import locate_mismatch
from scratchnet.examples import w5
from scratchnet.tensor import Function, topological_order

from .test_models import twins as model_twins

# --- trace -------------------------------------------------------------------------------------------


def test_trace_gives_the_seeds_chain_rule():
    with sn.trace.backward() as t:
        values = w5.step(sn)
    chain = w5.chain_from_trace(t)
    for key in ("dE/do1", "do1/dz3", "dz3/dW5", "dE/dW5"):
        assert chain[key] == pytest.approx(w5.SEED_VALUES[key], abs=6e-9), key
        assert chain[key] == pytest.approx(values[key], rel=1e-12)


def test_trace_visits_each_node_once_and_hands_on_autograds_gradients():
    x = sn.tensor([0.5, -1.5], dtype=sn.float64, requires_grad=True)
    with sn.trace.backward() as t:
        y = x.exp()
        z = (y * x + y.sin()).sum()
        z.backward()
    names = [s.name for s in t.steps]
    assert names[0] == "SumBackward0" and sorted(names) == sorted(["SumBackward0", "AddBackward0", "MulBackward0", "SinBackward0", "ExpBackward0"])
    exp_step = t.find("ExpBackward0")[0]  # reached once, after both of y's uses were summed
    assert np.allclose(exp_step.grad_inputs[0] * 1, x.grad.numpy() - np.exp(x.detach().numpy()))  # dz/dx minus the direct path
    table = t.table()
    assert table.splitlines()[0].split()[:2] == ["#", "node"] and len(table.splitlines()) == len(t.steps) + 1
    with sn.trace.backward() as empty:
        pass
    assert empty.steps == []


def test_w5_trace_command(capsys):
    assert w5.main(trace=True) == 0
    out = capsys.readouterr().out
    assert "SigmoidBackward0" in out and "dE/do1 = 0.20944600" in out and "dz3/dW5 = 0.51998934" in out


# --- graph drawing ---------------------------------------------------------------------------------


def test_dot_text_has_every_op_leaf_and_edge():
    w = sn.ones(3, 2, requires_grad=True)
    b = sn.zeros(3, requires_grad=True)
    x = sn.ones(2)
    out = (w @ x + b).relu().sum()
    dot = sn.viz.draw_graph(out, names={"w": w, "b": b}, show_values=True)
    lines = dot.splitlines()
    assert lines[0] == "digraph scratchnet {" and lines[-1] == "}"
    ops = [l for l in lines if "shape=box" in l]
    leaves = [l for l in lines if "shape=ellipse" in l]
    edges = [l for l in lines if "->" in l]
    names = ["SumBackward0", "ReluBackward0", "AddBackward0", "ViewBackward0", "MmBackward0"]  # x's unsqueeze: no grad, no node
    assert sorted(n for n in names if any(n in l for l in ops)) == sorted(names) and len(ops) == len(names)
    assert len(leaves) == 4  # w, b, x and the output
    assert any('"w\\n(3, 2) float32\\nrequires_grad' in l for l in leaves)
    # every op receives exactly as many edges as it has inputs, and the output one
    assert len(edges) == sum(len(node.inputs) for node in topological_order([out.grad_fn])) + 1


def test_render_needs_graphviz(tmp_path):
    dot = sn.viz.draw_graph((sn.ones(2, requires_grad=True) * 2).sum())
    if shutil.which("dot") is None:
        with pytest.raises(RuntimeError, match="Graphviz"):
            sn.viz.render(dot, str(tmp_path / "g.svg"))
    else:
        path = sn.viz.render(dot, str(tmp_path / "g.svg"))
        assert open(path).read().lstrip().startswith("<?xml")


# --- mismatch locator ------------------------------------------------------------------------------


def twins(name="cnn"):
    """The seed net in both engines with the same float64 weights, and an input batch."""
    ours, theirs, sample = model_twins(name)
    return ours, theirs, sn.tensor(np.random.default_rng(0).standard_normal((3, *sample)))


def test_locator_finds_no_mismatch_in_agreeing_twins():
    report = locate_mismatch(*twins())
    assert report.ok and len(report.checked) > 10
    assert str(report).startswith("no mismatch")


def test_locator_names_a_tampered_weight():
    ours, theirs, x = twins()
    with sn.no_grad():
        ours.layer2[0].weight.array[3, 1, 0, 0] += 1e-4
    report = locate_mismatch(ours, theirs, x)
    assert not report.ok
    assert (report.first.layer, report.first.what, report.first.module) == ("layer2.0", "output", "Conv2d")


class WrongRelu(Function):
    """A copy of ReLU whose backward forgets the mask: a planted bug."""

    backward_name = "ReluBackward0"

    def forward(ctx, x):
        return np.maximum(x, 0)

    def backward(ctx, grad):
        return grad


class BuggyReLU(sn.nn.ReLU):
    def forward(self, x):
        return WrongRelu.apply(x)


def test_locator_names_the_layer_with_a_wrong_backward():
    ours, theirs, x = twins()
    ours.layer1[1] = BuggyReLU()  # forward is right, backward is wrong
    report = locate_mismatch(ours, theirs, x)
    assert (report.first.layer, report.first.what) == ("layer1.1", "input gradient")
    assert "layer1.1" in str(report) and "max abs error" in str(report)


class WrongWeightGradLinear(Function):
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        return x @ w.T + b

    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        return grad @ w, 2 * grad.T @ x, grad.sum(dim=0)  # the weight gradient is doubled


class BuggyLinear(sn.nn.Linear):
    def forward(self, x):
        return WrongWeightGradLinear.apply(x, self.weight, self.bias)


def test_locator_names_a_wrong_weight_gradient():
    ours, theirs, x = twins()
    buggy = BuggyLinear(7 * 7 * 64, 10, dtype=sn.float64)
    buggy.load_state_dict(ours.fc.state_dict())
    ours.fc = buggy
    report = locate_mismatch(ours, theirs, x)
    assert (report.first.layer, report.first.what) == ("fc", "gradient of weight")


def test_compare_command(capsys):
    from scratchnet.__main__ import main

    assert main(["compare", "--model", "lenet"]) == 0
    assert "no mismatch" in capsys.readouterr().out
    assert main(["compare", "--model", "lenet", "--perturb", "fc2.weight"]) == 1
    assert "first mismatch: output of layer 'fc2'" in capsys.readouterr().out


# --- higher-order gradients ----------------------------------------------------------------------------


def test_hessian_vector_product_matches_torch():
    rng = np.random.default_rng(0)
    a, v = rng.standard_normal(4), rng.standard_normal(4)
    results = []
    for lib in (sn, torch):
        x = lib.tensor(a, requires_grad=True)
        f = (x.sin() * x.exp()).sum() + (x @ x) ** 2
        (g,) = lib.autograd.grad(f, x, create_graph=True)
        (hv,) = lib.autograd.grad((g * lib.tensor(v)).sum(), x)
        results.append(hv.detach().numpy())
    assert np.allclose(results[0], results[1], rtol=1e-12)


def test_gradient_penalty_trains_like_torch():
    """WGAN-GP style: loss + |d out / d input|^2, backpropagated into the weights."""
    ours, theirs, x = twins("lenet")
    grads = []
    for lib, net in ((sn, ours), (torch, theirs)):
        xi = lib.tensor(x.numpy(), requires_grad=True)
        out = net(xi).sum()
        (g,) = lib.autograd.grad(out, xi, create_graph=True)
        (out + (g * g).sum()).backward()
        grads.append(net.conv1.weight.grad.detach().numpy())
    assert np.allclose(grads[0], grads[1], rtol=1e-9, atol=1e-12)


def test_newtons_method_on_a_scalar_function():
    """x <- x - f'(x) / f''(x), both derivatives from autograd: the minimum of x^4 - 3x^2 + x."""
    x = sn.tensor(2.0, dtype=sn.float64, requires_grad=True)
    for _ in range(20):
        f = x**4 - 3 * x**2 + x
        (d1,) = sn.autograd.grad(f, x, create_graph=True)
        (d2,) = sn.autograd.grad(d1, x)
        with sn.no_grad():
            x -= d1.detach() / d2
    value = x.item()
    assert abs(4 * value**3 - 6 * value + 1) < 1e-12  # f'(x) = 0
    assert 12 * value**2 - 6 > 0  # a minimum


def test_backward_with_create_graph_makes_grad_differentiable():
    x = sn.tensor([1.0, 2.0], dtype=sn.float64, requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    assert x.grad.requires_grad and x.grad.tolist() == [3.0, 12.0]
    (gg,) = sn.autograd.grad(x.grad.sum(), x)
    assert gg.tolist() == [6.0, 12.0]
