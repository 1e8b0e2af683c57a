"""scratchnet.func, utils.checkpoint and autograd's graph/grad_mode namespaces against torch:
values, gradients (first and second order), structures of results, requires_grad of results,
RNG-preserving recomputation, and the errors torch raises."""

import warnings

import numpy as np
import pytest
import torch
import torch.func as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import scratchnet as sn
import scratchnet.func as sf
from scratchnet.utils.checkpoint import checkpoint as s_checkpoint
from scratchnet.utils.checkpoint import checkpoint_sequential as s_checkpoint_sequential
from torch.utils.checkpoint import checkpoint as t_checkpoint
from torch.utils.checkpoint import checkpoint_sequential as t_checkpoint_sequential

from .parity import assert_close

TOL = {"float32": (1e-4, 1e-5), "float64": (1e-9, 1e-11)}


@st.composite
def arrays(draw, min_dims=0, max_dims=3):
    dtype = draw(st.sampled_from(["float32", "float64"]))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=3))
    return draw(hnp.arrays(dtype, shape, elements=st.floats(-2, 2, width=32)))


def f_scalar(lib):
    return lambda x, y: (x.sin() * y + x ** 2).sum()


def f_vector(lib):
    return lambda x, y: (x.tanh() * y).reshape(-1)[:3] * 2


@settings(max_examples=8)
@given(arrays())
def test_grad_and_value_match_torch(a):
    rtol, atol = TOL[str(a.dtype)]
    b = a * 0.5 + 1
    for argnums in (0, 1, (0, 1)):
        gs, vs = sf.grad_and_value(f_scalar(sn), argnums=argnums)(sn.tensor(a), sn.tensor(b))
        gt, vt = tf.grad_and_value(f_scalar(torch), argnums=argnums)(torch.tensor(a), torch.tensor(b))
        assert_close(vs, vt, rtol, atol, "value")
        for x, y in zip(gs if isinstance(gs, tuple) else (gs,), gt if isinstance(gt, tuple) else (gt,)):
            assert_close(x, y, rtol, atol, f"grad argnums={argnums}")
            assert not x.requires_grad
    hs = sf.hessian(lambda x: (x.sin() * x).sum())(sn.tensor(a))
    ht = tf.hessian(lambda x: (x.sin() * x).sum())(torch.tensor(a))
    assert_close(hs, ht, rtol, atol, "hessian")


@settings(max_examples=8)
@given(arrays(min_dims=1))
def test_jacobians_vjp_jvp_match_torch(a):
    rtol, atol = TOL[str(a.dtype)]
    b = a * 0.5 + 1
    xs, ys, xt, yt = sn.tensor(a), sn.tensor(b), torch.tensor(a), torch.tensor(b)
    for s_api, t_api in ((sf.jacrev, tf.jacrev), (sf.jacfwd, tf.jacfwd)):
        js = s_api(f_vector(sn), argnums=(0, 1))(xs, ys)
        jt = t_api(f_vector(torch), argnums=(0, 1))(xt, yt)
        for x, y in zip(js, jt):
            assert_close(x, y, rtol, atol, s_api.__name__)
    cot = np.linspace(-1, 1, min(3, a.size)).astype(a.dtype)
    out_s, fn_s = sf.vjp(f_vector(sn), xs, ys)
    out_t, fn_t = tf.vjp(f_vector(torch), xt, yt)
    assert_close(out_s, out_t, rtol, atol, "vjp value")
    for x, y in zip(fn_s(sn.tensor(cot)), fn_t(torch.tensor(cot))):
        assert_close(x, y, rtol, atol, "vjp")
    tangent = np.cos(a).astype(a.dtype)
    vs, ts = sf.jvp(lambda x: f_vector(sn)(x, ys), (xs,), (sn.tensor(tangent),))
    vt, tt = tf.jvp(lambda x: f_vector(torch)(x, yt), (xt,), (torch.tensor(tangent),))
    assert_close(vs, vt, rtol, atol, "jvp value")
    assert_close(ts, tt, rtol, atol, "jvp")


def test_functional_call_grad_over_parameters_and_vmap_per_sample():
    tm, sm = torch.nn.Linear(3, 2), sn.nn.Linear(3, 2)
    for p, q in zip(tm.parameters(), sm.parameters()):
        q.array[...] = p.detach().numpy()
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((5, 3)).astype("float32"), rng.standard_normal((5, 2)).astype("float32")

    def loss(lib, module):
        def f(params, xi, yi):
            out = lib.func.functional_call(module, params, (xi.unsqueeze(0),))
            return ((out - yi) ** 2).mean()
        return f

    ps, pt = dict(sm.named_parameters()), dict(tm.named_parameters())
    gs = sf.grad(loss(sn, sm))(ps, sn.tensor(x[0]), sn.tensor(y[0]))
    gt = tf.grad(loss(torch, tm))(pt, torch.tensor(x[0]), torch.tensor(y[0]))
    assert list(gs) == list(gt)
    for k in gt:
        assert_close(gs[k], gt[k], 1e-5, 1e-6, f"grad {k}")
        assert gs[k].requires_grad == gt[k].requires_grad
    per_s = sf.vmap(sf.grad(loss(sn, sm)), in_dims=(None, 0, 0))(ps, sn.tensor(x), sn.tensor(y))
    per_t = tf.vmap(tf.grad(loss(torch, tm)), in_dims=(None, 0, 0))(pt, torch.tensor(x), torch.tensor(y))
    for k in per_t:
        assert_close(per_s[k], per_t[k], 1e-5, 1e-6, f"per-sample grad {k}")
    assert sm.weight.grad is None
    with pytest.raises(ValueError, match="appeared in multiple dictionaries"):
        sf.functional_call(sm, ({"weight": sm.weight}, {"weight": sm.weight}), (sn.ones(1, 3),))


def test_grad_keeps_outer_dependence_and_nesting():
    w = sn.tensor([1.0, 2.0], requires_grad=True)
    g = sf.grad(lambda x: (x * x * w).sum())(sn.tensor([3.0, 4.0]))
    assert g.requires_grad  # depends on w, which requires grad outside (torch: True)
    g.sum().backward()
    assert_close(w.grad, torch.tensor([6.0, 8.0]), 0, 0)
    # no perturbation confusion: d/dx [ d/dy (x*y) at y=x ] = d/dx x = 1
    inner = lambda x: sf.grad(lambda y: (x * y).sum())(x)  # noqa: E731
    assert_close(sf.grad(lambda x: inner(x).sum())(sn.tensor([2.0])), torch.tensor([1.0]), 0, 0)
    assert_close(sf.grad(sf.grad(lambda x: x ** 3))(sn.tensor(2.0)), torch.tensor(12.0), 0, 0)


@settings(max_examples=8)
@given(arrays(min_dims=2), st.integers(-1, 0))
def test_vmap_matches_torch(a, dim):
    xs, xt = sn.tensor(a), torch.tensor(a)
    fs = lambda r, c: (r * c).sum(0) + r.sin()[..., :1]  # noqa: E731
    ys = sf.vmap(fs, in_dims=(dim, None), out_dims=dim)(xs, sn.tensor(2.0))
    yt = tf.vmap(fs, in_dims=(dim, None), out_dims=dim)(xt, torch.tensor(2.0))
    assert_close(ys, yt, *TOL[str(a.dtype)], "vmap")


def test_vmap_errors_and_randomness():
    x = sn.ones(2, 3)
    with pytest.raises(ValueError, match="Expected all tensors to have the same size in the mapped dimension, got sizes \\[2, 3\\]"):
        sf.vmap(lambda a, b: a + b)(x, sn.ones(3, 3))
    with pytest.raises(ValueError, match="We cannot vmap over non-Tensor arguments"):
        sf.vmap(lambda a, b: a + b)(x, 1)
    with pytest.raises(ValueError, match="expected in_dim to satisfy -2 <= in_dim < 2"):
        sf.vmap(lambda a: a, in_dims=2)(x)
    with pytest.raises(ValueError, match="must only return Tensors, got type <class 'int'>"):
        sf.vmap(lambda a: 1)(x)
    with pytest.raises(RuntimeError, match="called random operation while in randomness error mode"):
        sf.vmap(lambda a: a + sn.randn(()))(x)
    with pytest.raises(NotImplementedError, match="randomness='different'"):
        sf.vmap(lambda a: a + sn.randn(()), randomness="different")(x)
    same = sf.vmap(lambda a: a + sn.randn(3), randomness="same")(sn.zeros(4, 3))
    assert bool((same == same[0]).all())
    assert tuple(sf.vmap(lambda a: a.sum())(sn.ones(0, 3)).shape) == tuple(tf.vmap(lambda a: a.sum())(torch.ones(0, 3)).shape)


def test_transform_errors_match_torch():
    with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a scalar Tensor, got tensor with 1 dims"):
        sf.grad(lambda x: x * 2)(sn.ones(3))
    with pytest.raises(RuntimeError, match="Got argnum=2, but only 1 positional inputs"):
        sf.grad(lambda x: x.sum(), argnums=2)(sn.ones(2))
    with pytest.raises(ValueError, match="Thing passed to transform API must be Tensor, got <class 'float'>"):
        sf.grad(lambda x: x.sum())(1.0)
    g, aux = sf.grad(lambda x: ((x ** 2).sum(), x * 3), has_aux=True)(sn.tensor([1.0]))
    assert_close(g, torch.tensor([2.0]), 0, 0)
    assert_close(aux, torch.tensor([3.0]), 0, 0)


@pytest.mark.parametrize("use_reentrant", [True, False])
def test_checkpoint_grads_and_dropout_mask(use_reentrant):
    tm = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Dropout(0.5), torch.nn.Linear(6, 2))
    sm = sn.nn.Sequential(sn.nn.Linear(4, 6), sn.nn.Tanh(), sn.nn.Dropout(0.5), sn.nn.Linear(6, 2))
    for p, q in zip(tm.parameters(), sm.parameters()):
        q.array[...] = p.detach().numpy()
    x = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    xt, xs = torch.tensor(x, requires_grad=True), sn.tensor(x, requires_grad=True)
    torch.manual_seed(7), sn.manual_seed(7)
    yt, ys = t_checkpoint(tm, xt, use_reentrant=use_reentrant), s_checkpoint(sm, xs, use_reentrant=use_reentrant)
    assert ys.grad_fn.name() == yt.grad_fn.name()
    torch.rand(5), sn.rand(5)  # the generator moves on before the backward: the recompute still matches
    (yt ** 2).sum().backward()
    (ys ** 2).sum().backward()
    assert_close(ys.detach(), yt.detach(), 1e-6, 1e-6, "forward")
    assert_close(xs.grad, xt.grad, 1e-5, 1e-6, "input grad")
    for p, q in zip(tm.parameters(), sm.parameters()):
        assert_close(q.grad, p.grad, 1e-5, 1e-6, "parameter grad")
    assert_close(sn.rand(3), torch.rand(3), 0, 0, "generator state after backward")


def test_checkpoint_nonreentrant_autograd_grad_double_backward_and_sequential():
    xs, xt = sn.tensor([1.0, 2.0], requires_grad=True), torch.tensor([1.0, 2.0], requires_grad=True)
    (gs,) = sn.autograd.grad(s_checkpoint(lambda a: (a ** 3).sum(), xs, use_reentrant=False), xs, create_graph=True)
    (gt,) = torch.autograd.grad(t_checkpoint(lambda a: (a ** 3).sum(), xt, use_reentrant=False), xt, create_graph=True)
    assert_close(sn.autograd.grad(gs.sum(), xs)[0], torch.autograd.grad(gt.sum(), xt)[0], 0, 0)
    tm = torch.nn.Sequential(*[torch.nn.Linear(3, 3) for _ in range(4)])
    sm = sn.nn.Sequential(*[sn.nn.Linear(3, 3) for _ in range(4)])
    for p, q in zip(tm.parameters(), sm.parameters()):
        q.array[...] = p.detach().numpy()
    x = np.ones((2, 3), dtype="float32")
    t_checkpoint_sequential(tm, 2, torch.tensor(x, requires_grad=True), use_reentrant=False).sum().backward()
    s_checkpoint_sequential(sm, 2, sn.tensor(x, requires_grad=True), use_reentrant=False).sum().backward()
    for p, q in zip(tm.parameters(), sm.parameters()):
        assert_close(q.grad, p.grad, 1e-5, 1e-6)
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        s_checkpoint(lambda a: a * 2, xs)
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        s_checkpoint(lambda a, scale: a * scale, xs, use_reentrant=True, scale=2)
    assert_close(s_checkpoint(lambda a, scale: a * scale, xs, use_reentrant=False, scale=2), torch.tensor([2.0, 4.0]), 0, 0)


def test_saved_tensors_hooks_see_what_is_saved():
    for lib in (torch, sn):
        seen = []
        x = lib.tensor([2.0, 3.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: seen.append(tuple(t.shape)) or t.detach(), lambda t: t):
            y = (x * x).exp().sum()
        y.backward()
        assert_close(x.grad, torch.tensor([4.0, 6.0]) * torch.tensor([4.0, 9.0]).exp(), 1e-6, 1e-6)
        if lib is torch:
            expected = seen
        else:
            assert seen == expected
    with sn.autograd.graph.save_on_cpu():
        y = (x * x).sum()
    y.backward()
    with sn.autograd.graph.disable_saved_tensors_hooks("hooks are off"):
        (x * x).sum()  # saving still works without hooks
        with pytest.raises(RuntimeError, match="hooks are off"):
            with sn.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                pass


def test_autograd_namespace_names():
    import torch.autograd as ta

    for name in ("no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "grad_mode", "graph",
                 "is_multithreading_enabled", "set_multithreading_enabled", "Variable"):
        assert hasattr(sn.autograd, name) and hasattr(ta, name), name
    with sn.autograd.no_grad():
        assert not sn.is_grad_enabled()
        with sn.autograd.grad_mode.enable_grad():
            assert sn.is_grad_enabled()
    with sn.autograd.set_multithreading_enabled(False):
        assert sn.autograd.is_multithreading_enabled() is False
    assert sn.autograd.is_multithreading_enabled() is ta.is_multithreading_enabled() is True
    assert isinstance(sn.ones(1), sn.autograd.Variable)
    public_func = {n for n in dir(tf) if not n.startswith("_")}
    missing = public_func - set(dir(sf))
    assert missing == {"debug_unwrap", "functionalize", "linearize", "rearrange", "replace_all_batch_norm_modules_",
                       "stack_module_state"}, missing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sn.autograd.graph.increment_version(sn.ones(1))
