"""Regression tests for the reduction/scan/sort/indexing ops where PyTorch's own OpInfo samples
found a difference: each a small pinned sample, run through torch and scratchnet at test time
(values, dtype, gradients; or the same exception type where torch raises)."""

import numpy as np
import pytest
import torch

import scratchnet as sn


def to_sn(x):
    if isinstance(x, torch.Tensor):
        t = sn.tensor(x.detach().numpy().copy())
        return t.requires_grad_(True) if x.requires_grad else t
    if isinstance(x, (list, tuple)):
        return type(x)(to_sn(v) for v in x)
    if isinstance(x, dict):
        return {k: to_sn(v) for k, v in x.items()}
    return x


def leaves(out):
    if isinstance(out, (tuple, list)):
        return [leaf for o in out for leaf in leaves(o)]
    return [out]


def assert_same(ours, theirs):
    ours, theirs = leaves(ours), leaves(theirs)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert isinstance(a, sn.Tensor), type(a)
        assert str(a.dtype) == str(b.dtype).replace("torch.", "")
        assert tuple(a.shape) == tuple(b.shape)
        tol = {"float32": 1e-5, "float64": 1e-10}.get(str(a.dtype), 0)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)


def run_both(t_fn, s_fn, args, kwargs=None, grad=False):
    kwargs = kwargs or {}
    try:
        theirs = t_fn(*args, **kwargs)
    except Exception as e:
        with pytest.raises(type(e)):
            s_fn(*to_sn(args), **to_sn(kwargs))
        return
    s_args, s_kwargs = to_sn(args), to_sn(kwargs)
    ours = s_fn(*s_args, **s_kwargs)
    assert_same(ours, theirs)
    if grad:
        t_in = [a for a in leaves(list(args) + list(kwargs.values())) if isinstance(a, torch.Tensor) and a.requires_grad]
        s_in = [a for a in leaves(list(s_args) + list(s_kwargs.values())) if isinstance(a, sn.Tensor) and a.requires_grad]
        t_out = [o for o in leaves(theirs) if o.requires_grad]
        s_out = [o for o in leaves(ours) if o.requires_grad]
        rng = np.random.default_rng(0)
        cots = [rng.standard_normal(tuple(o.shape)).astype(str(o.dtype).replace("torch.", "")) for o in t_out]
        tg = torch.autograd.grad(sum((o * torch.tensor(c)).sum() for o, c in zip(t_out, cots)), t_in, allow_unused=True)
        sg = sn.autograd.grad(sum((o * sn.tensor(c)).sum() for o, c in zip(s_out, cots)), s_in, allow_unused=True)
        tg = [g if g is not None else torch.zeros_like(i) for g, i in zip(tg, t_in)]
        sg = [g if g is not None else sn.zeros_like(i) for g, i in zip(sg, s_in)]
        assert_same(sg, tg)


def u8(*rows):
    return torch.tensor(rows, dtype=torch.uint8)


# integer samples: torch sums neighbours in the input's own dtype (wrapping), then divides in float
TRAPEZOID = [
    ("trapezoid", (u8([200, 0, 100], [255, 255, 3]),), {}),
    ("trapezoid", (u8([200, 0, 100], [255, 255, 3]), u8([200, 0, 100], [255, 255, 3])), {}),
    ("trapezoid", (u8([200, 0, 100], [255, 255, 3]), u8(1, 2, 250)), {}),
    ("trapezoid", (u8([200, 0, 100], [255, 255, 3]),), {"dx": 3}),
    ("trapezoid", (u8([200, 0, 100], [255, 255, 3]),), {"dim": 0}),
    ("trapz", (u8([200, 0, 100], [255, 255, 3]), u8([9, 1, 250], [1, 2, 3])), {}),
    ("cumulative_trapezoid", (u8([200, 0, 100], [255, 255, 3]),), {}),
    ("cumulative_trapezoid", (u8([200, 0, 100], [255, 255, 3]), u8([200, 0, 100], [255, 255, 3])), {}),
    ("cumulative_trapezoid", (u8([200, 0, 100], [255, 255, 3]), torch.tensor([1.0, 2.0, 5.0])), {}),
    ("cumulative_trapezoid", (u8([200, 0, 100], [255, 255, 3]),), {"dx": 0.5}),
]


@pytest.mark.parametrize("name,args,kwargs", TRAPEZOID)
def test_trapezoid_integer_wraps_as_torch(name, args, kwargs):
    run_both(getattr(torch, name), getattr(sn, name), args, kwargs)


x25 = torch.arange(10.0).reshape(2, 5)


@pytest.mark.parametrize("index", [
    torch.tensor([[-1, 0], [-5, 4]]), torch.tensor([[7]]), torch.tensor([[-11]]), torch.tensor([[5], [-6]]),
])
def test_take_along_dim_reads_indices_modulo_the_size(index):
    run_both(torch.take_along_dim, sn.take_along_dim, (x25, index, 1))


def test_take_along_dim_flat_still_refuses_negative():
    run_both(torch.take_along_dim, sn.take_along_dim, (x25, torch.tensor([-1, 3])))


@pytest.mark.parametrize("op", ["gather", "scatter", "scatter_add"])
@pytest.mark.parametrize("index", [
    torch.zeros(0, dtype=torch.uint8), torch.zeros(3, 0, dtype=torch.uint8), torch.zeros(0, dtype=torch.float32),
    torch.zeros(2, 0, dtype=torch.bool), torch.tensor([[1]], dtype=torch.uint8),
])
def test_empty_index_of_any_dtype(op, index):
    extra = {"gather": (), "scatter": (1.5,), "scatter_add": (x25,)}[op]
    run_both(getattr(torch, op), getattr(sn, op), (x25, 1, index, *extra))


@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
@pytest.mark.parametrize("x,q,kwargs", [
    ([0.3, -1.2], [0.25, 0.9], {}),
    ([[0.3, -1.2, 2.0], [float("nan"), 1.0, 4.0]], [0.5, 0.1], {"dim": 1}),
    ([1.0, 3.0, 2.0, 7.0], 0.3, {"keepdim": True, "dim": 0}),
    ([1.0, 3.0, 2.0, 7.0], [0.3], {"interpolation": "midpoint"}),
])
def test_quantile_gradient_reaches_q(fn, x, q, kwargs):
    x = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    q = torch.tensor(q, dtype=torch.float64, requires_grad=True)
    run_both(getattr(torch, fn), getattr(sn, fn), (x, q), kwargs, grad=True)


@pytest.mark.parametrize("xdtype,wdtype", [(torch.float64, torch.float32), (torch.float32, torch.float64), (torch.int64, torch.float64)])
def test_cov_aweights_of_another_float_dtype(xdtype, wdtype):
    x = torch.tensor([[0.5, 1.0, 3.0], [2.0, -1.0, 0.0]]).to(xdtype)
    w = torch.tensor([0.2, 0.5, 1.0], dtype=wdtype)
    run_both(torch.cov, sn.cov, (x,), {"aweights": w})
    run_both(torch.cov, sn.cov, (x[0],), {"aweights": w, "correction": 0})


def test_logcumsumexp_float32_accumulates_in_double():
    x = torch.tensor([[10000.0, 1.0], [3.2, 10000.0], [9999.5, -2.0]], requires_grad=True)
    run_both(torch.logcumsumexp, sn.logcumsumexp, (x, 0), grad=True)


@pytest.mark.parametrize("shape", [(1,), (10,), (1, 10), (), (3,)])  # ((5, 1): torch reads its own resized memory)
def test_addbmm_inplace_resizes_a_broadcastable_input(shape):
    b1, b2 = torch.randn(2, 5, 3), torch.randn(2, 3, 10)
    x = torch.randn(shape)
    xs = to_sn(x.clone())  # (x.numpy() would pin x's storage: torch could not resize it)
    try:
        theirs = x.addbmm_(b1, b2, alpha=0.5)
    except Exception as e:
        with pytest.raises(type(e)):
            xs.addbmm_(to_sn(b1), to_sn(b2), alpha=0.5)
        return
    ours = xs.addbmm_(to_sn(b1), to_sn(b2), alpha=0.5)
    assert ours is xs
    assert_same(xs, x)


@pytest.mark.parametrize("name", sn.masked.__all__)
def test_masked_signatures_match_torch(name):
    """torch.masked's functions: the same parameters, kinds and defaults (by keyword or position)."""
    import inspect

    import torch.masked

    theirs = inspect.signature(getattr(torch.masked, name)).parameters.values()
    ours = inspect.signature(getattr(sn.masked, name)).parameters.values()
    assert [(p.name, p.kind, p.default) for p in ours] == [(p.name, p.kind, p.default) for p in theirs]


def test_masked_namespace_is_torchs():
    import torch.masked

    absent = {"MaskedTensor", "as_masked_tensor", "is_masked_tensor", "masked_tensor"}  # (not implemented)
    assert set(sn.masked.__all__) == set(torch.masked.__all__) - absent


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
@pytest.mark.parametrize("x", [torch.tensor([True, False]), torch.tensor([1, 2])])
def test_scan_refuses_a_bool_dtype(op, x):
    run_both(lambda t: getattr(torch, op)(t, 0, dtype=torch.bool), lambda t: getattr(sn, op)(t, 0, dtype=sn.bool), (x,))


@pytest.mark.parametrize("kwargs", [
    {"spacing": None}, {"spacing": torch.tensor(2.0)}, {"spacing": torch.tensor([1.0, 2.0])}, {"edge_order": 3},
    {"spacing": [1.0, 2.0, 3.0]}, {"dim": (0, 0)}, {"spacing": [torch.tensor([[1.0, 2.0]])], "dim": 0},
])
def test_gradient_arguments_as_torch(kwargs):
    run_both(torch.gradient, sn.gradient, (torch.tensor([[1.0, 2.0, 4.0], [3.0, 5.0, 9.0]]),), kwargs)


def test_gradient_refuses_uint8_and_returns_nothing_for_0d():
    run_both(torch.gradient, sn.gradient, (torch.tensor([1, 2, 3], dtype=torch.uint8),))
    assert sn.gradient(sn.tensor(3.0)) == torch.gradient(torch.tensor(3.0)) == ()
