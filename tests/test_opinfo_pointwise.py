"""Regressions found by running torch's OpInfo samples (tools/opinfo_sweep.py) on the pointwise
family: each pinned example is compared with torch at run time."""

import pickle

import numpy as np
import pytest
import torch

import scratchnet as sn


def same(ours, theirs):
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-7, equal_nan=True)


X01 = [0.0, 0.05, 0.3, 0.45, 0.5, 0.55, 0.7, 0.95, 1.0, float("nan")]


@pytest.mark.parametrize("eps", [0.6, 0.9, 0.5, 0.2, 1.0])
def test_logit_with_crossed_bounds(eps):
    """eps > 0.5 crosses the clamp's bounds: torch's ``x < eps ? eps : (x > 1 - eps ? 1 - eps : x)``."""
    t = torch.tensor(X01, requires_grad=True)
    s = sn.tensor(X01, requires_grad=True)
    same(sn.logit(s, eps), torch.logit(t, eps))
    same(sn.autograd.grad(sn.logit(s, eps).sum(), s)[0], torch.autograd.grad(torch.logit(t, eps).sum(), t)[0])


@pytest.mark.parametrize("dtype", ["uint8", "int32", "int64"])
@pytest.mark.parametrize("alpha", [-3, 7, 300, -255, -256, 2**31])
@pytest.mark.parametrize("op", ["rsub", "rsub-scalar", "sub", "add"])
def test_integer_alpha_is_a_checked_cast(dtype, alpha, op):
    """An integer alpha is cast to the dtype as torch casts it: -3 wraps in uint8 (no NumPy
    OverflowError), 300 is refused with torch's RuntimeError."""
    a, b = np.array([[1, 2], [100, 0]], dtype=dtype), np.array([[5, 5], [7, 250]], dtype=dtype)

    def call(lib):
        x, y = lib.tensor(a), lib.tensor(b)
        name = op.split("-")[0]
        return getattr(lib, name)(x, 9 if op.endswith("scalar") else y, alpha=alpha)

    try:
        theirs = call(torch)
    except RuntimeError:
        with pytest.raises(RuntimeError, match="without overflow"):
            call(sn)
        return
    same(call(sn), theirs)


FORMATS = ["contiguous_format", "preserve_format", "channels_last", "channels_last_3d", "legacy_contiguous_format"]


@pytest.mark.parametrize("method", ["bool", "byte", "double", "float", "int", "long"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("shape", [(), (2, 3, 2, 2), (1, 2, 1, 2, 2)])
def test_conversions_take_memory_format(method, fmt, shape):
    x = np.linspace(-2, 2, int(np.prod(shape))).reshape(shape).astype("float32")
    t, s = torch.tensor(x), sn.tensor(x)
    try:
        theirs = getattr(t, method)(memory_format=getattr(torch, fmt))
    except Exception as e:
        with pytest.raises(type(e)):
            getattr(s, method)(memory_format=getattr(sn, fmt))
        return
    same(getattr(s, method)(memory_format=getattr(sn, fmt)), theirs)


def test_memory_format_objects():
    for fmt in FORMATS:
        assert str(getattr(sn, fmt)) == str(getattr(torch, fmt)) and repr(getattr(sn, fmt)) == repr(getattr(torch, fmt))
        assert isinstance(getattr(sn, fmt), sn.memory_format)
        assert pickle.loads(pickle.dumps(getattr(sn, fmt))) is getattr(sn, fmt)
    assert (sn.legacy_contiguous_format is sn.contiguous_format) == (torch.legacy_contiguous_format is torch.contiguous_format)
    for lib in (torch, sn):
        with pytest.raises(TypeError):
            lib.memory_format()
        with pytest.raises(TypeError):
            lib.ones(2).float(memory_format=3)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "bool"])
def test_angle_real_imag(dtype):
    x = np.array([-2.0, -0.0, 0.0, 3.0, np.inf, -np.inf, np.nan])
    x = x[np.isfinite(x)] if dtype not in ("float32", "float64") else x
    a = np.array(x).astype(dtype)
    t, s = torch.tensor(a), sn.tensor(a)
    same(sn.angle(s), torch.angle(t))
    same(s.angle(), t.angle())
    assert (sn.real(s) is s) == (torch.real(t) is t) and (s.real is s) == (t.real is t)
    for lib, v in ((torch, t), (sn, s)):
        with pytest.raises(RuntimeError, match="imag is not implemented"):
            lib.imag(v)
        with pytest.raises(RuntimeError, match="imag is not implemented"):
            v.imag


def test_angle_gradient_is_constant_zero():
    t = torch.tensor([-1.0, 0.0, 2.0, float("nan")], requires_grad=True)
    s = sn.tensor([-1.0, 0.0, 2.0, float("nan")], requires_grad=True)
    (tg,) = torch.autograd.grad(torch.angle(t).sum(), t, create_graph=True)
    (sg,) = sn.autograd.grad(sn.angle(s).sum(), s, create_graph=True)
    same(sg, tg)
    assert sg.requires_grad == tg.requires_grad


def test_old_division_spellings():
    x = np.array([1.0, -4.0, 8.0], dtype="float32")
    t, s = torch.tensor(x), sn.tensor(x)
    same(s.__rdiv__(3), t.__rdiv__(3))
    same(s.__div__(2), t.__div__(2))
    t.__idiv__(4)
    s.__idiv__(4)
    same(s, t)
