"""torch.autograd's user-facing API against torch's: custom Functions (one and several outputs,
non-Tensor arguments, non-differentiable outputs, setup_context style, double backward, errors),
autograd.functional (jacobian, hessian, vjp, jvp, vhp, hvp), anomaly detection, Variable."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import scratchnet as sn
from tests import registry  # noqa: F401  (gathers tests/cases before one of its modules is imported)
from tests.cases.custom_function import _functions

ARRAYS = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=3),
                    elements=st.floats(-2, 2, allow_nan=False, width=64))


def both(lib):
    """The same custom Functions written against either library: the registry's MulSin (two
    outputs, a non-Tensor argument) and Square (setup_context style), and ArgMaxed here."""
    MulSin, Square = _functions(lib)

    class ArgMaxed(lib.autograd.Function):  # a float output and an integer one
        @staticmethod
        def forward(ctx, x):
            idx = x.argmax(-1)
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(x)
            return x.exp(), idx

        @staticmethod
        def backward(ctx, g, g_idx):
            (x,) = ctx.saved_tensors
            return g * x.exp()

    return MulSin, ArgMaxed, Square


def t(lib, a, grad=True):
    return lib.tensor(a, dtype=lib.float64, requires_grad=grad)


def close(ours, theirs):
    if theirs is None:
        assert ours is None
        return
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)


@given(ARRAYS, st.floats(-3, 3), st.booleans())
def test_custom_function_with_two_outputs_matches_torch(a, scale, use_second):
    results = {}
    for lib in (sn, torch):
        MulSin, _, _ = both(lib)
        x, y = t(lib, a), t(lib, a[::-1].copy())
        u, v = MulSin.apply(x, y, scale)
        loss = (u * u).sum() + (v.sum() if use_second else 0)
        loss.backward()
        results[lib] = (u, v, x.grad, y.grad, u.grad_fn.name() if lib is sn else None)
    for ours, theirs in zip(results[sn][:4], results[torch][:4]):
        close(ours, theirs)


@given(ARRAYS)
def test_non_differentiable_output_and_setup_context_style(a):
    results = {}
    for lib in (sn, torch):
        _, ArgMaxed, Square = both(lib)
        x = t(lib, a)
        e, idx = ArgMaxed.apply(x)
        c = Square.apply(x)
        (e.sum() + c.sum()).backward()
        results[lib] = (e, idx, c, x.grad, idx.requires_grad, c.grad_fn is not None)
    ours, theirs = results[sn], results[torch]
    close(ours[0], theirs[0]), close(ours[2], theirs[2]), close(ours[3], theirs[3])
    assert ours[1].tolist() == theirs[1].tolist() and ours[4] == theirs[4] is False and ours[5] == theirs[5]


@given(ARRAYS)
def test_double_backward_through_a_custom_function(a):
    results = {}
    for lib in (sn, torch):
        _, _, Square = both(lib)
        x = t(lib, a)
        (g,) = lib.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        results[lib] = (g, gg)
    close(results[sn][0], results[torch][0]), close(results[sn][1], results[torch][1])


def test_custom_function_bookkeeping_matches_torch():
    for lib in (sn, torch):
        MulSin, _, Square = both(lib)
        x, y = t(lib, [1.0, 2.0]), t(lib, [3.0, 4.0], grad=False)
        seen = {}

        class Spy(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y, k):
                seen["needs"] = ctx.needs_input_grad
                seen["grad_mode"] = lib.is_grad_enabled()
                return x * y

            @staticmethod
            def backward(ctx, g):
                return g, None, None

        out = Spy.apply(x, y, 3)
        assert seen == {"needs": (True, False, False), "grad_mode": False}, lib
        assert out.requires_grad and type(out.grad_fn).__name__ == "SpyBackward"
        with lib.no_grad():
            assert not Spy.apply(x, y, 3).requires_grad
        assert not Spy.apply(t(lib, [1.0], grad=False), t(lib, [1.0], grad=False), 3).requires_grad
    assert square_node_name() == "SquareBackward"


def square_node_name():
    _, _, Square = both(sn)
    return Square.apply(t(sn, [1.0])).grad_fn.name()


@pytest.mark.parametrize("what", ["count", "modified", "twice", "materialize"])
def test_custom_function_errors_match_torch(what):
    outcomes = {}
    for lib in (sn, torch):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                ctx.save_for_backward(x)
                if what == "materialize":
                    ctx.set_materialize_grads(False)
                return x * 2, y * 2

            @staticmethod
            def backward(ctx, ga, gb):
                ctx.saved_tensors
                if what == "materialize":
                    return (ga, None if gb is None else gb)
                return (ga,) if what == "count" else (ga, gb)

        x, y = t(lib, [1.0, 2.0]), t(lib, [1.0, 2.0])
        base = x * 1
        try:
            a, b = Bad.apply(base, y)
            if what == "modified":
                base.add_(1)
            a.sum().backward(retain_graph=what != "twice")
            if what == "twice":
                a.sum().backward()
            outcomes[lib] = ("ok", None if y.grad is None else y.grad.tolist())
        except RuntimeError as e:
            outcomes[lib] = ("RuntimeError", None)
            message = str(e)
            assert message, lib
    if what == "materialize":  # torch hands None for the unused output; scratchnet zeros (documented)
        outcomes = {lib: (o[0], o[1] or [0.0, 0.0]) for lib, o in outcomes.items()}
    assert outcomes[sn] == outcomes[torch], (what, outcomes)


@given(ARRAYS)
def test_functional_jacobian_hessian_and_products_match_torch(a):
    def f(lib):
        return lambda x: (x.sin() * x).cumsum(-1)

    def g(lib):
        return lambda x: (x.exp() * x).sum()

    x_np = a
    v_out = np.linspace(-1, 1, a.size).reshape(a.shape)
    out = {}
    for lib in (sn, torch):
        F = lib.autograd.functional
        x = lib.tensor(x_np, dtype=lib.float64)
        v = lib.tensor(v_out, dtype=lib.float64)
        out[lib] = [F.jacobian(f(lib), x), F.hessian(g(lib), x), F.vjp(f(lib), x, v)[1], F.jvp(f(lib), x, v)[1],
                    F.vhp(g(lib), x, v)[1], F.hvp(g(lib), x, v)[1], F.vjp(g(lib), x)[0]]
    for ours, theirs in zip(out[sn], out[torch]):
        assert tuple(ours.shape) == tuple(theirs.shape)
        close(ours, theirs)


def test_jacobian_of_several_inputs_and_outputs_nests_as_torch():
    shapes = {}
    for lib in (sn, torch):
        x, y = lib.ones(2, dtype=lib.float64), lib.ones(3, dtype=lib.float64)
        jac = lib.autograd.functional.jacobian(lambda a, b: (a * 2, b.sum() * a), (x, y))
        shapes[lib] = [[tuple(block.shape) for block in row] for row in jac]
        values = [[block.tolist() for block in row] for row in jac]
        shapes[lib].append(values)
    assert shapes[sn] == shapes[torch]


def test_detect_anomaly_names_the_node_as_torch():
    messages = {}
    for lib in (sn, torch):
        x = lib.tensor([-1.0, 4.0], requires_grad=True)
        with lib.autograd.detect_anomaly(), pytest.warns(UserWarning) if lib is torch else _nothing():
            with pytest.raises(RuntimeError) as info:
                lib.sqrt(x).sum().backward()
        messages[lib] = str(info.value).splitlines()[0]
        x.grad = None
        lib.sqrt(x).sum().backward()  # off again outside: NaN gradients pass
        assert np.isnan(x.grad.numpy()[0])
        with lib.autograd.set_detect_anomaly(True):
            assert lib.is_anomaly_enabled()
        assert not lib.is_anomaly_enabled()
    assert messages[sn] == messages[torch]


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_variable_is_a_detached_alias_as_in_torch():
    x = sn.ones(2)
    v = sn.autograd.Variable(x, requires_grad=True)
    assert v is not x and v.requires_grad and v.is_leaf and not x.requires_grad  # torch leaves x alone
    v.data[0] = 5.0
    assert x[0].item() == 5.0 and isinstance(x, sn.autograd.Variable)  # the same memory
    with pytest.raises(TypeError, match="Variable data has to be a tensor"):
        sn.autograd.Variable([1.0])


def test_post_accumulate_grad_hooks_as_torch():
    """The hook sees the leaf after its .grad is in place, on every backward (not autograd.grad);
    an optimizer step inside it (torch's 'optimizer in backward' recipe) gives torch's weights."""
    import torch

    def run(lib):
        torch.manual_seed(0)
        w = lib.nn.Parameter(lib.tensor([[1.0, -2.0], [0.5, 3.0]]))
        b = lib.nn.Parameter(lib.tensor([0.1, -0.1]))
        log, opts = [], {}
        for p in (w, b):
            opts[p] = lib.optim.SGD([p], lr=0.1)

            def step(param):
                log.append(param.grad.tolist())
                opts[param].step()
                opts[param].zero_grad()

            handle = p.register_post_accumulate_grad_hook(step)
        x = lib.tensor([[1.0, 2.0], [3.0, -1.0]])
        for _ in range(2):
            ((x @ w + b) ** 2).sum().backward()
        lib.autograd.grad((w * 2).sum(), [w])  # no accumulation: no hook
        handle.remove()  # b's hook: b's grad stays after this backward
        ((x @ w + b) ** 2).sum().backward()
        errors = []
        for bad in (lib.ones(2), lib.ones(2, requires_grad=True) * 2):
            try:
                bad.register_post_accumulate_grad_hook(print)
            except RuntimeError as e:
                errors.append(str(e))
        return log, w.tolist(), b.tolist(), b.grad.tolist(), errors

    ours, theirs = run(sn), run(torch)
    assert ours[4] == theirs[4] and len(ours[0]) == len(theirs[0]) == 5  # 2 params x 2 steps, then w alone
    for a, t in zip(ours[0] + list(ours[1:4]), theirs[0] + list(theirs[1:4])):
        assert np.allclose(np.array(a, dtype=float), np.array(t, dtype=float), rtol=1e-6)
