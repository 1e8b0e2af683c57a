"""The autograd engine's behaviour, each checked against torch doing the same thing."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import scratchnet as sn

from .parity import assert_close

TIGHT = dict(rtol=1e-6, atol=1e-7)


def both(fn):
    """Run ``fn(lib)`` with scratchnet and torch; returns both results."""
    return fn(sn), fn(torch)


def test_seed_mean_of_squares():
    """Seed 001: x = ones(3,3); out = ((x + 5)^2).mean() = 36 and x.grad = 4/3 everywhere."""

    def walk(lib):
        x = lib.ones(3, 3, requires_grad=True)
        y = x + 5
        z = y * y
        out = z.mean()
        out.backward()
        return out, x.grad, [y.grad_fn.name(), z.grad_fn.name(), out.grad_fn.name()]

    (out, grad, names), (t_out, t_grad, t_names) = both(walk)
    assert out.item() == 36.0 == t_out.item()
    assert_close(grad, t_grad, **TIGHT)
    assert np.allclose(grad.numpy(), 4 / 3)
    assert names == t_names == ["AddBackward0", "MulBackward0", "MeanBackward0"]


def test_seed_vector_jacobian_product():
    """Seed 001: y.backward(v) for non-scalar y gives the vector-Jacobian product v^T J."""

    def walk(lib):
        x = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = x * 2
        while (y.detach() ** 2).sum().item() ** 0.5 < 1000:  # the seed's loop: double until |y| >= 1000
            y = y * 2
        y.backward(lib.tensor([0.1, 1.0, 0.0001]))
        return x.grad, (y / x)[0].item()

    (grad, factor), (t_grad, t_factor) = both(walk)
    assert factor == t_factor == 512.0
    assert_close(grad, t_grad, **TIGHT)
    assert grad.tolist() == pytest.approx([0.1 * 512, 512.0, 0.0001 * 512])


def test_seed_pow_sum_and_non_leaf_grad():
    """Seed 001: a -> b = a + 2 -> c = b ** 2 -> c.sum(): a.grad all 6; non-leaf b.grad is None."""

    def walk(lib):
        a = lib.ones(2, 2, requires_grad=True)
        b = a + 2
        c = b**2
        out = c.sum()
        out.backward()
        return a.grad, b.grad, c.grad_fn.name(), out.grad_fn.name(), a.is_leaf, b.is_leaf

    ours, theirs = both(walk)
    assert ours[0].tolist() == [[6.0, 6.0], [6.0, 6.0]]
    assert_close(ours[0], theirs[0], **TIGHT)
    assert ours[1] is None and theirs[1] is None
    assert ours[2:] == theirs[2:] == ("PowBackward0", "SumBackward0", True, False)


def test_diamond_graph_sums_both_paths():
    """A node used twice receives the sum of the gradients of both uses."""

    def walk(lib):
        x = lib.tensor([1.5, -2.0], requires_grad=True)
        y = x.exp()
        z = (y * x + y.sin()).sum()
        z.backward()
        return x.grad

    assert_close(*both(walk), **TIGHT)


def test_gradients_accumulate_over_two_backward_calls():
    def walk(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * x).sum().backward()
        first = x.grad.clone()
        (x * 3).sum().backward()
        return first, x.grad

    (first, second), (t_first, t_second) = both(walk)
    assert_close(first, t_first, **TIGHT)
    assert second.tolist() == [5.0, 7.0]
    assert_close(second, t_second, **TIGHT)


def test_second_backward_without_retain_graph_raises_like_torch():
    for lib in (sn, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            y.backward()


def test_retain_graph_allows_a_second_backward():
    def walk(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad

    assert_close(*both(walk), **TIGHT)


def test_no_grad_records_nothing_and_works_as_decorator():
    x = sn.ones(2, requires_grad=True)
    with sn.no_grad():
        y = x * 2
        with sn.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn.name() == "MulBackward0"
    assert sn.is_grad_enabled()

    @sn.no_grad()
    def double(t):
        return t * 2

    assert not double(x).requires_grad
    assert sn.is_grad_enabled()
    with sn.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert sn.is_grad_enabled()


def test_detach_shares_values_but_not_the_graph():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.grad_fn is None and not d.requires_grad
    d.array[0] = 10.0  # the same memory, as torch's detach
    assert y.array[0] == 10.0


def test_retain_grad_keeps_a_non_leaf_gradient():
    def walk(lib):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        h = x * x
        h.retain_grad()
        (h.sigmoid()).sum().backward()
        return h.grad, h.retains_grad

    (g, flag), (t_g, t_flag) = both(walk)
    assert flag and t_flag
    assert_close(g, t_g, **TIGHT)


def test_deep_graph_needs_no_recursion():
    """100,000 nodes in a chain: the iterative walk has no recursion limit to hit."""
    x = sn.tensor(1.0, dtype=sn.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 0.5
    y = y * x
    y.backward()
    assert x.grad.item() == pytest.approx(1.0 + 50_000.0 + 1.0)


def test_inplace_change_of_a_saved_tensor_is_caught():
    """As torch: modifying a tensor the backward needs makes backward fail, not silently lie."""
    for lib in (sn, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        z = y * y
        with lib.no_grad():
            y += 1
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()


def test_inplace_on_a_leaf_that_requires_grad_is_refused():
    for lib in (sn, torch):
        w = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            w += 1
        with lib.no_grad():
            w -= 0.5  # allowed outside recording, as an optimizer step
        assert w.tolist() == [0.5, 0.5]


def test_setitem_writes_in_place():
    x = sn.zeros(2, 3)
    x[0, 1:] = 5.0
    x[sn.tensor([1])] = sn.tensor([1.0, 2.0, 3.0])
    assert x.tolist() == [[0.0, 5.0, 5.0], [1.0, 2.0, 3.0]]


@given(st.sampled_from(["float32", "float64"]), st.integers(0, 2**31))
def test_mixed_dtype_promotion_and_gradient_dtypes(dtype, seed):
    """float32 op float64 -> float64, and each input's gradient comes back in its own dtype."""

    def walk(lib):
        rng = np.random.default_rng(seed)
        a = lib.tensor(rng.standard_normal(3).astype(dtype), requires_grad=True)
        b = lib.tensor(rng.standard_normal(3), requires_grad=True)  # float64
        i = lib.tensor([1, 2, 3])
        out = (a * b + a * i + 2 * a).sum()
        out.backward()
        return out, a.grad, b.grad

    ours, theirs = both(walk)
    for o, t in zip(ours, theirs):
        assert_close(o, t, rtol=1e-5, atol=1e-6)


def test_result_types_follow_torch():
    pairs = [
        (lambda L: L.tensor([1, 2]) + 1.5), (lambda L: L.tensor([1, 2]) / 2), (lambda L: L.tensor([1, 2]) * 2),
        (lambda L: L.tensor([1.0]) + L.tensor(1.0, dtype=L.float64)), (lambda L: L.tensor([True]) + 1),
        (lambda L: L.tensor([1.0], dtype=L.float64) * 2.0), (lambda L: L.tensor(2) ** 0.5),
        (lambda L: L.tensor([1, 2]).sum()), (lambda L: L.tensor([True, True]).sum()), (lambda L: L.arange(3)),
        (lambda L: L.arange(3.0)), (lambda L: L.tensor([1, 2]).exp()),
    ]
    for f in pairs:
        ours, theirs = both(f)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours, theirs)
        assert ours.tolist() == pytest.approx(theirs.tolist())


def test_autograd_grad_leaves_dot_grad_alone_and_second_order_works():
    x = sn.tensor(3.0, dtype=sn.float64, requires_grad=True)
    (g,) = sn.autograd.grad(x**3, x, create_graph=True)
    (gg,) = sn.autograd.grad(g, x)
    assert (g.item(), gg.item()) == (27.0, 18.0)
    assert x.grad is None


def test_repr_and_attributes():
    x = sn.tensor([[1.0, 2.0]], requires_grad=True)
    assert repr(x) == "tensor([[1., 2.]], requires_grad=True)"
    assert repr((x * 2).sum()) == "tensor(6., grad_fn=<SumBackward0>)"
    assert x.shape == (1, 2) and x.size(1) == 2 and x.numel() == 2 and x.ndim == 2
    assert x.T.shape == (2, 1) and x.is_leaf and x.dtype == sn.float32
    assert repr(x.shape) == "scratchnet.Size([1, 2])"
    assert sn.tensor([1, 2], dtype=sn.float64).tolist() == [1.0, 2.0]
    assert sn.from_numpy(np.arange(3)).dtype == sn.int64
    sn.manual_seed(5)
    a = sn.randn(3)
    sn.manual_seed(5)
    assert a.tolist() == sn.randn(3).tolist()


# --- slices' gradients added straight into their base's (run_backward's deliver_slice) ------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_SLICES = [lambda t: t[0], lambda t: t[1:3], lambda t: t[:, 1], lambda t: t[..., ::2], lambda t: t[-1, None],
           lambda t: t.unbind(0)[1], lambda t: t.split(2)[0], lambda t: t.chunk(2, dim=1)[1], lambda t: t[0][1:]]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_SLICES) - 1), st.floats(-3, 3, allow_nan=False)), min_size=1, max_size=6),
       st.sampled_from(["float32", "float64"]), st.booleans(), st.booleans(), st.integers(0, 2**32 - 1))
def test_gradients_through_many_slices_match_torch(uses, dtype, through_op, twice, seed):
    """Slices of one tensor (overlapping, repeated, slices of slices, of a leaf or of an op's
    result), each scaled and summed; also a leaf used directly besides its slices, and two
    backward passes accumulating into .grad."""
    import torch

    data = np.random.default_rng(seed).standard_normal((4, 3, 4)).astype(dtype)

    def run(lib, x):
        base = x * 2 if through_op else x
        total = (base * 0.5).sum()
        for k, scale in uses:
            total = total + (_SLICES[k](base) * scale).sum()
        return total

    ours, theirs = sn.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    for _ in range(2 if twice else 1):
        run(sn, ours).backward()
        run(torch, theirs).backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-6, atol=1e-6)
    assert ours.grad.dtype == ours.dtype


def test_slice_gradients_keep_create_graph_and_hooks():
    """With create_graph (a graph of the gradient is wanted) and with a hook on the base, slices take
    the ordinary backward: second derivatives and hooks see what they would."""
    x = sn.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()))
    (g,) = sn.autograd.grad((y[0] + y[1:].sum()) * 1.0, x, create_graph=True)
    assert g.tolist() == [2.0, 4.0, 6.0] and seen == [[1.0, 1.0, 1.0]]
    (gg,) = sn.autograd.grad(g.sum(), x)
    assert gg.tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_blocked_elementwise_paths_match_torch_on_large_inputs(dtype):
    """GELU's forward and backward run a cache-sized block at a time past backend.BLOCK elements
    (the registry's small shapes never get there): the same values as torch's, specials included."""
    import torch

    from scratchnet.backend import BLOCK

    rng = np.random.default_rng(0)
    x = (rng.standard_normal(3 * BLOCK + 18) * 4).astype(dtype)
    x[::997] = np.nan
    x[5::991], x[7::983] = np.inf, -np.inf
    x = x.reshape(3, -1)[:, ::-1]  # a non-contiguous view, too
    g = rng.standard_normal(x.shape).astype(dtype)
    xs, xt = sn.tensor(x.copy(), requires_grad=True), torch.tensor(x.copy(), requires_grad=True)
    ys, yt = sn.nn.functional.gelu(xs), torch.nn.functional.gelu(xt)
    (gs,), (gt,) = sn.autograd.grad(ys, [xs], sn.tensor(g)), torch.autograd.grad(yt, [xt], torch.tensor(g))
    tol = 2e-6 if dtype == "float32" else 1e-13
    np.testing.assert_allclose(ys.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(gs.numpy(), gt.numpy(), rtol=tol * 4, atol=tol * 4)
