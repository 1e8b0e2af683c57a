"""nn.utils' reparametrizations and helpers against torch on the same weights: weight_norm and
spectral_norm (hook form and parametrizations, the latter's random u, v from the same seed),
parametrize (right_inverse, unsafe, chained, cached, removal), orthogonal (each map), fusion,
skip_init, stateless.functional_call: values, gradients, parameter and state_dict names, errors."""

import copy
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
import scratchnet.nn as nn

from .parity import assert_close

TOL = {"float32": (1e-4, 1e-5), "float64": (1e-10, 1e-12)}

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")


def _pair(make_t, make_s, dtype="float32"):
    t, s = make_t(), make_s()
    if dtype == "float64":
        t, s = t.double(), s.double()
    for (n1, p), (n2, q) in zip(t.state_dict().items(), s.state_dict().items()):
        assert n1 == n2
        q.array[...] = p.detach().numpy()
    return t, s


def _names(m):
    return [n for n, _ in m.named_parameters()], [n for n, _ in m.named_buffers()], list(m.state_dict())


def _check_run(t, s, x, dtype):
    rtol, atol = TOL[dtype]
    assert _names(t) == _names(s)
    assert type(t).__name__ == type(s).__name__
    yt, ys = t(torch.tensor(x)), s(sn.tensor(x))
    assert_close(ys, yt.detach(), rtol, atol, "forward")
    (yt ** 2).sum().backward()
    (ys ** 2).sum().backward()
    for (name, p), q in zip(t.named_parameters(), s.parameters()):
        assert_close(q.grad, p.grad, rtol * 10, atol * 10, f"grad of {name}")
    for (name, b), c in zip(t.named_buffers(), s.buffers()):
        assert_close(c, b, rtol, atol, f"buffer {name}")


linears = st.tuples(st.integers(1, 5), st.integers(1, 5), st.sampled_from(["float32", "float64"]), st.integers(0, 2**16))


@settings(max_examples=10)
@given(linears, st.sampled_from([0, 1, None, -1, -2]))
def test_weight_norm_hook_form(spec, dim):
    fan_in, fan_out, dtype, seed = spec
    t, s = _pair(lambda: torch.nn.Linear(fan_in, fan_out), lambda: nn.Linear(fan_in, fan_out), dtype)
    with pytest.warns(FutureWarning):
        nn.utils.weight_norm(s, dim=dim)
    torch.nn.utils.weight_norm(t, dim=dim)
    x = np.random.default_rng(seed).standard_normal((3, fan_in)).astype(dtype)
    _check_run(t, s, x, dtype)
    torch.nn.utils.remove_weight_norm(t)
    nn.utils.remove_weight_norm(s)
    assert _names(t) == _names(s) and isinstance(s.weight, nn.Parameter)
    assert_close(s.weight, t.weight.detach(), *TOL[dtype])


@settings(max_examples=10)
@given(linears, st.sampled_from([0, 1, None]))
def test_weight_norm_parametrization(spec, dim):
    fan_in, fan_out, dtype, seed = spec
    t, s = _pair(lambda: torch.nn.Linear(fan_in, fan_out), lambda: nn.Linear(fan_in, fan_out), dtype)
    torch.nn.utils.parametrizations.weight_norm(t, dim=dim)
    nn.utils.parametrizations.weight_norm(s, dim=dim)
    x = np.random.default_rng(seed).standard_normal((2, fan_in)).astype(dtype)
    _check_run(t, s, x, dtype)
    torch.nn.utils.parametrize.remove_parametrizations(t, "weight")
    nn.utils.parametrize.remove_parametrizations(s, "weight")
    assert type(s) is nn.Linear and _names(t) == _names(s)
    assert_close(s.weight, t.weight.detach(), *TOL[dtype])


@settings(max_examples=10)
@given(st.integers(1, 20), st.integers(1, 20), st.integers(1, 3), st.integers(0, 100))
def test_spectral_norm_hook_form_same_seed(fan_in, fan_out, n_iter, seed):
    t, s = _pair(lambda: torch.nn.Linear(fan_in, fan_out), lambda: nn.Linear(fan_in, fan_out))
    torch.manual_seed(seed)
    sn.manual_seed(seed)
    torch.nn.utils.spectral_norm(t, n_power_iterations=n_iter)
    nn.utils.spectral_norm(s, n_power_iterations=n_iter)
    assert_close(s.weight_u, t.weight_u, 1e-5, 1e-6, "u drawn")
    assert_close(s.weight_v, t.weight_v, 1e-5, 1e-6, "v drawn")
    x = np.random.default_rng(seed).standard_normal((2, fan_in)).astype("float32")
    for _ in range(2):
        t(torch.tensor(x)), s(sn.tensor(x))
    _check_run(t, s, x, "float32")
    t.eval(), s.eval()
    assert_close(s(sn.tensor(x)), t(torch.tensor(x)).detach(), 1e-4, 1e-5, "eval forward")
    torch.nn.utils.remove_spectral_norm(t)
    nn.utils.remove_spectral_norm(s)
    assert _names(t) == _names(s)
    assert_close(s.weight, t.weight.detach(), 1e-4, 1e-5)


def test_spectral_norm_conv_transpose_uses_dim_1():
    t, s = _pair(lambda: torch.nn.ConvTranspose2d(2, 3, 2), lambda: nn.ConvTranspose2d(2, 3, 2))
    torch.manual_seed(0), sn.manual_seed(0)
    torch.nn.utils.spectral_norm(t)
    nn.utils.spectral_norm(s)
    assert s.weight_u.shape == t.weight_u.shape == (3,)
    x = np.random.default_rng(0).standard_normal((1, 2, 3, 3)).astype("float32")
    _check_run(t, s, x, "float32")


@settings(max_examples=10)
@given(st.integers(2, 6), st.integers(2, 6), st.booleans(), st.integers(0, 100))
def test_spectral_norm_parametrization_same_seed(fan_in, fan_out, train, seed):
    t, s = _pair(lambda: torch.nn.Linear(fan_in, fan_out), lambda: nn.Linear(fan_in, fan_out))
    t.train(train), s.train(train)
    torch.manual_seed(seed), sn.manual_seed(seed)
    torch.nn.utils.parametrizations.spectral_norm(t)
    nn.utils.parametrizations.spectral_norm(s)
    x = np.random.default_rng(seed).standard_normal((2, fan_in)).astype("float32")
    _check_run(t, s, x, "float32")


@pytest.mark.parametrize("orthogonal_map", [None, "matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3)])
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_orthogonal(orthogonal_map, shape, use_trivialization):
    t, s = _pair(lambda: torch.nn.Linear(shape[1], shape[0]), lambda: nn.Linear(shape[1], shape[0]), "float64")
    torch.manual_seed(1), sn.manual_seed(1)
    torch.nn.utils.parametrizations.orthogonal(t, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization)
    nn.utils.parametrizations.orthogonal(s, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization)
    x = np.random.default_rng(1).standard_normal((2, shape[1]))
    _check_run(t, s, x, "float64")
    W = s.weight.detach()
    small = W @ W.T if shape[0] < shape[1] else W.T @ W
    assert_close(small, torch.eye(min(shape), dtype=torch.float64), 1e-9, 1e-9, "orthogonal")
    Q = np.linalg.qr(np.random.default_rng(2).standard_normal((max(shape), min(shape))))[0]
    Q = Q if shape[0] >= shape[1] else Q.T
    try:
        t.weight = torch.tensor(Q)
    except NotImplementedError as e:
        with pytest.raises(NotImplementedError, match="use_trivialization=False"):
            s.weight = sn.tensor(Q)
        assert "use_trivialization=False" in str(e)
        return
    s.weight = sn.tensor(Q)
    assert_close(s.weight.detach(), t.weight.detach(), 1e-9, 1e-9, "assigned")


def test_orthogonal_errors():
    with pytest.raises(ValueError, match="Expected a matrix or batch of matrices. Got a tensor of 1 dimensions"):
        nn.utils.parametrizations.orthogonal(nn.Linear(2, 2), "bias")
    with pytest.raises(ValueError, match='orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: qr'):
        nn.utils.parametrizations.orthogonal(nn.Linear(2, 2), orthogonal_map="qr")
    with pytest.raises(ValueError, match="has no parameter or buffer with name 'w'"):
        nn.utils.parametrizations.orthogonal(nn.Linear(2, 2), "w")



def _modules(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, Y):
            return Y

    class Exp(lib.nn.Module):
        def forward(self, X):
            return X.exp()

        def right_inverse(self, Y):
            return Y.log()

    class Split(lib.nn.Module):  # right_inverse returning two tensors: original0, original1
        def forward(self, A, B):
            return A + B

        def right_inverse(self, X):
            return X * 0.25, X * 0.75

    class Grow(lib.nn.Module):  # changes the shape: only with unsafe=True
        def forward(self, X):
            return lib.cat([X, X], 0)

    return Symmetric, Exp, Split, Grow


@settings(max_examples=10)
@given(st.integers(1, 4), st.sampled_from(["float32", "float64"]), st.integers(0, 2**16))
def test_parametrize_chain_and_right_inverse(n, dtype, seed):
    (TSym, TExp, TSplit, _), (SSym, SExp, SSplit, _) = _modules(torch), _modules(sn)
    t, s = _pair(lambda: torch.nn.Linear(n, n), lambda: nn.Linear(n, n), dtype)
    for lib, m, mods in ((torch, t, (TSym, TExp, TSplit)), (sn, s, (SSym, SExp, SSplit))):
        P = lib.nn.utils.parametrize
        P.register_parametrization(m, "weight", mods[0]())
        P.register_parametrization(m, "weight", mods[1]())
        P.register_parametrization(m, "bias", mods[2]())
        assert P.is_parametrized(m) and P.is_parametrized(m, "weight") and not P.is_parametrized(m, "other")
        assert P.type_before_parametrizations(m).__name__ == "Linear"
    x = np.random.default_rng(seed).standard_normal((2, n)).astype(dtype)
    _check_run(t, s, x, dtype)
    value = np.abs(np.random.default_rng(seed + 1).standard_normal((n, n))).astype(dtype) + 0.5
    value = value + value.T
    t.weight, s.weight = torch.tensor(value), sn.tensor(value)
    assert_close(s.parametrizations.weight.original, t.parametrizations.weight.original.detach(), *TOL[dtype])
    assert_close(s.weight, t.weight.detach(), *TOL[dtype])
    for m, P in ((t, torch.nn.utils.parametrize), (s, nn.utils.parametrize)):
        P.remove_parametrizations(m, "weight", leave_parametrized=False)
        P.remove_parametrizations(m, "bias")
    assert _names(t) == _names(s) and type(s) is nn.Linear
    assert_close(s.weight, t.weight.detach(), *TOL[dtype])
    assert_close(s.bias, t.bias.detach(), *TOL[dtype])


def test_parametrize_errors_and_unsafe():
    (*_, TGrow), (SSym, _, SSplit, SGrow) = _modules(torch), _modules(sn)
    P = nn.utils.parametrize
    with pytest.raises(ValueError, match="may not change the shape of the tensor, unless `unsafe` flag is enabled"):
        P.register_parametrization(nn.Linear(2, 2), "weight", SGrow())
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized element with name 'w'"):
        P.register_parametrization(nn.Linear(2, 2), "w", SSym())
    with pytest.raises(ValueError, match="does not have a parametrization on weight"):
        P.remove_parametrizations(nn.Linear(2, 2), "weight")
    m = P.register_parametrization(nn.Linear(2, 2), "bias", SSplit())
    with pytest.raises(ValueError, match="Cannot leave unparametrized"):
        P.remove_parametrizations(m, "bias", leave_parametrized=False)
    m = P.register_parametrization(nn.Linear(2, 3), "weight", SGrow(), unsafe=True)
    tm = torch.nn.utils.parametrize.register_parametrization(torch.nn.Linear(2, 3), "weight", TGrow(), unsafe=True)
    assert tuple(m.weight.shape) == tuple(tm.weight.shape) == (6, 2)
    with pytest.raises(RuntimeError, match="does not implement right_inverse"):
        m.weight = sn.ones(6, 2)
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        m.weight = nn.Parameter(sn.ones(6, 2))
    with pytest.raises(RuntimeError, match="Serialization of parametrized modules is only supported through state_dict"):
        m.__getstate__()
    copied = copy.deepcopy(m)
    assert copied.parametrizations.weight.original is not m.parametrizations.weight.original
    assert_close(copied.weight, m.weight.detach(), 0, 0)


def test_parametrize_cached_and_load_state_dict():
    SSym, *_ = _modules(sn)
    m = nn.utils.parametrize.register_parametrization(nn.Linear(3, 3), "weight", SSym())
    with nn.utils.parametrize.cached():
        assert m.weight is m.weight
    assert m.weight is not m.weight
    other = nn.utils.parametrize.register_parametrization(nn.Linear(3, 3), "weight", SSym())
    other.load_state_dict(m.state_dict())
    assert_close(other.weight.detach(), m.weight.detach(), 0, 0)


def test_fusion_matches_torch():
    rng = np.random.default_rng(0)
    for transpose in (False, True):
        conv_t = torch.nn.ConvTranspose2d(3, 4, 2) if transpose else torch.nn.Conv2d(3, 4, 2)
        conv_s = nn.ConvTranspose2d(3, 4, 2) if transpose else nn.Conv2d(3, 4, 2)
        ct, cs = _pair(lambda: conv_t, lambda: conv_s)
        bt, bs = _pair(lambda: torch.nn.BatchNorm2d(4), lambda: nn.BatchNorm2d(4))
        for b in (bt, bs):
            b.running_mean.data[...] if False else None
        stats = rng.standard_normal((4, 4)).astype("float32")
        bt.running_mean.copy_(torch.tensor(stats[0])), bt.running_var.copy_(torch.tensor(np.abs(stats[1]) + 0.5))
        bs.running_mean.array[...] = stats[0]
        bs.running_var.array[...] = np.abs(stats[1]) + 0.5
        ct.eval(), cs.eval(), bt.eval(), bs.eval()
        ft = torch.nn.utils.fuse_conv_bn_eval(ct, bt, transpose=transpose)
        fs = nn.utils.fuse_conv_bn_eval(cs, bs, transpose=transpose)
        assert_close(fs.weight, ft.weight.detach(), 1e-5, 1e-6, "fused weight")
        assert_close(fs.bias, ft.bias.detach(), 1e-5, 1e-6, "fused bias")
        assert isinstance(fs.weight, nn.Parameter) and fs.weight.requires_grad
    lt, ls = _pair(lambda: torch.nn.Linear(3, 4), lambda: nn.Linear(3, 4))
    bt, bs = _pair(lambda: torch.nn.BatchNorm1d(4), lambda: nn.BatchNorm1d(4))
    for m in (lt, ls, bt, bs):
        m.eval()
    assert_close(nn.utils.fuse_linear_bn_eval(ls, bs).weight, torch.nn.utils.fuse_linear_bn_eval(lt, bt).weight.detach(), 1e-5, 1e-6)
    with pytest.raises(AssertionError, match="Fusion only for eval!"):
        nn.utils.fuse_linear_bn_eval(nn.Linear(2, 2), nn.BatchNorm1d(2).eval())
    with pytest.raises(AssertionError, match="linear.out_features == bn.num_features"):
        nn.utils.fuse_linear_bn_eval(nn.Linear(2, 2).eval(), nn.BatchNorm1d(3).eval())


def test_skip_init_and_errors():
    sn.manual_seed(0)
    expected = sn.rand(2)
    sn.manual_seed(0)
    m = nn.utils.skip_init(nn.Linear, 3, 2)
    assert tuple(m.weight.shape) == (2, 3) and m.weight.requires_grad
    assert_close(sn.rand(2), expected, 0, 0, "no random numbers consumed")
    with pytest.raises(RuntimeError, match="Expected a Module; got"):
        nn.utils.skip_init(int)

    class NoDevice(nn.Module):
        def __init__(self):
            super().__init__()

    with pytest.raises(RuntimeError, match="Module must support a 'device' arg to skip initialization"):
        nn.utils.skip_init(NoDevice)


def test_stateless_functional_call_and_names():
    t, s = _pair(lambda: torch.nn.Linear(3, 2), lambda: nn.Linear(3, 2))
    w = np.random.default_rng(0).standard_normal((2, 3)).astype("float32")
    x = np.ones((1, 3), dtype="float32")
    with pytest.warns(FutureWarning, match="torch.func.functional_call"):
        ys = nn.utils.stateless.functional_call(s, {"weight": sn.tensor(w)}, (sn.tensor(x),))
    yt = torch.nn.utils.stateless.functional_call(t, {"weight": torch.tensor(w)}, (torch.tensor(x),))
    assert_close(ys, yt.detach(), 1e-6, 1e-6)
    assert _names(t) == _names(s) and s.weight is list(s.parameters())[0]
    with pytest.raises(RuntimeError, match="Missing key\\(s\\): 'bias'"):
        nn.utils.stateless.functional_call(s, {"weight": sn.tensor(w)}, (sn.tensor(x),), strict=True)
    public = {n for n in dir(torch.nn.utils) if not n.startswith("_")} - {"init"}
    assert public <= set(dir(nn.utils)), sorted(public - set(dir(nn.utils)))


def test_old_forms_refuse_twice_and_missing():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = nn.utils.weight_norm(nn.Linear(2, 2))
        with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks on the same parameter weight"):
            nn.utils.weight_norm(m)
    with pytest.raises(ValueError, match="weight_norm of 'bias' not found in"):
        nn.utils.remove_weight_norm(m, "bias")
    m = nn.utils.spectral_norm(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks on the same parameter weight"):
        nn.utils.spectral_norm(m)
    with pytest.raises(ValueError, match="spectral_norm of 'bias' not found in"):
        nn.utils.remove_spectral_norm(m, "bias")
    with pytest.raises(ValueError, match="Expected n_power_iterations to be positive, but got n_power_iterations=0"):
        nn.utils.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        nn.utils.parametrizations.spectral_norm(nn.Linear(2, 2), dim=2)
