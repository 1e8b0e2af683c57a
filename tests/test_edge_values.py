"""Elementwise ops at NaN, +-inf, +-0 and at their kinks: values, gradients, grad_fn and errors
against real torch (issue 10's reproductions in this area, each kept here)."""

import math
import warnings

import numpy as np
import pytest
import torch

import scratchnet as sn

NAN, INF = math.nan, math.inf
EDGES = [1.5, 0.0, -0.0, -2.0, NAN, INF, -INF, 1e30, -1e30, 1e-40]


def value_and_grad(lib, fn, xs, dtype="float32"):
    x = lib.tensor(np.array(xs, dtype=dtype), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = fn(lib, x)
        (g,) = lib.autograd.grad(y, [x], lib.ones_like(y), allow_unused=True)
    g = np.zeros(len(xs), dtype) if g is None else np.asarray(g.detach().numpy())
    return np.asarray(y.detach().numpy()), g, (y.grad_fn.name() if y.grad_fn is not None else None)


UNARY = {
    "abs": lambda lib, x: lib.abs(x),
    "sign": lambda lib, x: lib.sign(x),
    "relu": lambda lib, x: lib.relu(x),
    "neg": lambda lib, x: -x,
    "sqrt": lambda lib, x: lib.sqrt(x),
    "log": lambda lib, x: lib.log(x),
    "log1p": lambda lib, x: lib.log1p(x),
    "exp": lambda lib, x: lib.exp(x),
    "sin": lambda lib, x: lib.sin(x),
    "cos": lambda lib, x: lib.cos(x),
    "sigmoid": lambda lib, x: lib.sigmoid(x),
    "tanh": lambda lib, x: lib.tanh(x),
    "gelu": lambda lib, x: lib.nn.functional.gelu(x),
    "gelu-tanh": lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"),
    "leaky_relu": lambda lib, x: lib.nn.functional.leaky_relu(x, 0.1),
    "clamp": lambda lib, x: lib.clamp(x, -1.0, 1.0),
    "clamp-min": lambda lib, x: lib.clamp(x, min=0.0),
    "clamp-max": lambda lib, x: lib.clamp(x, max=0.0),
    "clamp-nan-bound": lambda lib, x: lib.clamp(x, min=NAN),
    "pow0": lambda lib, x: x**0,
    "pow0.5": lambda lib, x: x**0.5,
    "pow2": lambda lib, x: x**2,
    "pow-1": lambda lib, x: x**-1,
    "pow-1.5": lambda lib, x: x**-1.5,
    "rpow2": lambda lib, x: 2**x,
    "rpow0": lambda lib, x: 0**x,
    "rpow-2": lambda lib, x: (-2) ** x,
    "div": lambda lib, x: 1 / x,
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_edge_values_and_gradients_match_torch(name, dtype):
    ours = value_and_grad(sn, UNARY[name], EDGES, dtype)
    theirs = value_and_grad(torch, UNARY[name], EDGES, dtype)
    rtol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(ours[0], theirs[0], rtol=rtol, atol=0, equal_nan=True, err_msg=f"{name} values")
    np.testing.assert_allclose(ours[1], theirs[1], rtol=rtol * 10, atol=0, equal_nan=True, err_msg=f"{name} gradients")
    if name != "div":  # torch computes 1 / x as reciprocal(x) * 1 (MulBackward0); scratchnet divides
        assert ours[2] == theirs[2]


def test_issue_reproductions_sign_abs_relu():
    y, g, name = value_and_grad(sn, lambda lib, x: lib.sign(x), [NAN, -2.0, 0.0, 3.0])
    assert name == "SignBackward0" and g.tolist() == [0, 0, 0, 0]
    assert y[0] == 0  # torch: sign(nan) = 0
    _, g, _ = value_and_grad(sn, lambda lib, x: lib.abs(x), [NAN, 0.0, -0.0])
    assert g.tolist() == [0, 0, 0]  # abs'(nan) = abs'(0) = 0, as torch
    _, g, _ = value_and_grad(sn, lambda lib, x: lib.relu(x), [0.0, NAN, -1.0])
    assert g.tolist() == [0, 1, 0]  # relu'(0) = 0; relu'(nan) = 1, as torch
    assert sn.sign(sn.ones(2, requires_grad=True)).requires_grad


def test_pow_gradient_at_zero_to_the_zero():
    """(a ** b) at a = b = 0: torch's gradient is 0 for both (scratchnet had nan for a)."""
    def grads(lib):
        a = lib.tensor([0.0, 0.0, 2.0, 0.0, -1.0], requires_grad=True)
        b = lib.tensor([0.0, 1.0, 0.0, -1.0, 0.5], requires_grad=True)
        (a**b).sum().backward()
        return a.grad.numpy(), b.grad.numpy()

    for ours, theirs in zip(grads(sn), grads(torch)):
        np.testing.assert_allclose(ours, theirs, equal_nan=True)
    assert grads(sn)[0][0] == 0


@pytest.mark.parametrize("op", ["maximum", "minimum"])
def test_maximum_minimum_nan_and_ties_as_torch(op):
    def run(lib):
        x = lib.tensor([1.0, 2.0, NAN, 3.0, NAN, 0.0, INF], requires_grad=True)
        y = lib.tensor([1.0, NAN, 2.0, 3.0, NAN, -0.0, INF], requires_grad=True)
        out = getattr(lib, op)(x, y)
        out.backward(lib.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, INF]))
        return out.detach().numpy(), x.grad.numpy(), y.grad.numpy()

    for ours, theirs in zip(run(sn), run(torch)):
        np.testing.assert_allclose(ours, theirs, equal_nan=True)


def test_clamp_gradient_at_the_bounds_and_with_tensor_bounds():
    for fn in [lambda lib, x: x.clamp(1.0, 2.0), lambda lib, x: x.clamp(min=1.0), lambda lib, x: x.clamp(max=1.0),
               lambda lib, x: x.clamp(2.0, 1.0), lambda lib, x: x.clamp(lib.tensor(1.0), lib.tensor(2.0))]:
        ours = value_and_grad(sn, fn, [1.0, 0.5, 2.0, 0.0, 3.0])
        theirs = value_and_grad(torch, fn, [1.0, 0.5, 2.0, 0.0, 3.0])
        np.testing.assert_allclose(ours[0], theirs[0])
        np.testing.assert_allclose(ours[1], theirs[1])


@pytest.mark.parametrize("fn", [
    lambda lib: lib.softmax(lib.tensor([-INF, -INF]), 0),
    lambda lib: lib.log_softmax(lib.tensor([-INF, -INF]), 0),
    lambda lib: lib.softmax(lib.tensor([-INF, 0.0]), 0),
    lambda lib: lib.log_softmax(lib.tensor([-INF, 0.0]), 0),
    lambda lib: lib.softmax(lib.tensor([INF, 0.0]), 0),
    lambda lib: lib.softmax(lib.tensor(2.0), 0),
    lambda lib: lib.softmax(lib.tensor(2.0), -1),
    lambda lib: lib.log_softmax(lib.tensor(2.0), 0),
    lambda lib: lib.softmax(lib.ones(3, 0), 1),
    lambda lib: lib.softmax(lib.ones(3, 0), 0),
    lambda lib: lib.log_softmax(lib.ones(0), 0),
], ids=lambda f: "")
def test_softmax_edges_match_torch(fn):
    ours, theirs = fn(sn), fn(torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), equal_nan=True)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_gradients_with_inf_and_0d(name):
    for xs in ([-INF, 0.0, 1.0], [2.0]):
        for dims in ((0,), (-1,)):
            def run(lib):
                x = lib.tensor(xs if len(xs) > 1 else xs[0], requires_grad=True)
                out = getattr(lib, name)(x, dims[0])
                out.backward(lib.ones_like(out) * 1.5 if out.ndim == 0 else lib.tensor([1.0, 2.0, 3.0][: out.shape[0]]))
                return x.grad.numpy()

            np.testing.assert_allclose(run(sn), run(torch), rtol=1e-6, equal_nan=True)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)"):
        sn.softmax(sn.tensor(2.0), 1)


def test_overflow_and_saturation():
    for fn in [lambda lib: lib.exp(lib.tensor([100.0, 1000.0, -1000.0])), lambda lib: lib.exp(lib.tensor([1000.0], dtype=lib.float64)),
               lambda lib: lib.sigmoid(lib.tensor([-100.0, 100.0, -1000.0, INF, -INF])), lambda lib: lib.tanh(lib.tensor([-INF, INF, 100.0])),
               lambda lib: lib.sqrt(lib.tensor([0.0, -1.0])), lambda lib: lib.log(lib.tensor([0.0, -1.0, -0.0]))]:
        np.testing.assert_allclose(fn(sn).numpy(), fn(torch).numpy(), rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("fn, kind, message", [
    (lambda lib: lib.softmax(lib.tensor([1, 2]), 0), NotImplementedError, "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
    (lambda lib: lib.softmax(lib.tensor([[1, 2]]), 0), NotImplementedError, "\"softmax_kernel_impl\" not implemented for 'Long'"),
    (lambda lib: lib.log_softmax(lib.tensor([True]), 0), NotImplementedError, "\"log_softmax_lastdim_kernel_impl\" not implemented for 'Bool'"),
    (lambda lib: lib.nn.functional.gelu(lib.tensor([1, 2])), NotImplementedError, "\"GeluKernelImpl\" not implemented for 'Long'"),
    (lambda lib: lib.nn.functional.leaky_relu(lib.tensor([1, 2])), NotImplementedError, "\"leaky_relu_cpu\" not implemented for 'Long'"),
    (lambda lib: lib.relu(lib.tensor([True])), NotImplementedError, "Boolean inputs not supported for relu"),
    (lambda lib: lib.abs(lib.tensor([True])), NotImplementedError, "\"abs_cpu\" not implemented for 'Bool'"),
    (lambda lib: lib.tensor([True]) - lib.tensor([1]), NotImplementedError, "Subtraction, the `-` operator, with a bool tensor is not supported"),
    (lambda lib: -lib.tensor([True]), NotImplementedError, "Negation, the `-` operator, on a bool tensor is not supported"),
    (lambda lib: lib.ones(2) + [1, 2], TypeError, "unsupported operand type"),
    (lambda lib: lib.ones(2, 3) + lib.ones(4), RuntimeError, r"The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1"),
    (lambda lib: lib.ones(2) & lib.ones(2), NotImplementedError, "\"bitwise_and_cpu\" not implemented for 'Float'"),
    (lambda lib: lib.where(lib.tensor([1, 0]), 1.0, 2.0), RuntimeError, "where expected condition to be a boolean tensor, but got a tensor with dtype Long"),
    (lambda lib: lib.clamp(lib.tensor([True]), True), NotImplementedError, "\"clamp_min_scalar_cpu\" not implemented for 'Bool'"),
    (lambda lib: lib.nn.functional.gelu(lib.ones(2), approximate="x"), RuntimeError, "approximate argument must be either none or tanh"),
], ids=lambda x: "")
def test_errors_as_torch(fn, kind, message):
    with pytest.raises(kind, match=message):
        fn(torch)
    with pytest.raises(kind, match=message):
        fn(sn)
