"""The ``out=`` keyword against torch's: the same tensor returned and written (a view writing into
its base), resized with torch's warning when it held elements of another shape, the casts torch
allows and the ones it refuses (with its message), exact dtypes where torch's kernel wants them,
several results into a tuple, and no autograd: an input or ``out`` that requires grad is refused
with grad mode on. Hypothesis draws the out tensor (dtype, shape, a view or not) per call."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet
from scratchnet import _out

from .parity import assert_close
from .test_parity import assert_clean_error

DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool"]


def _x(lib, dtype="float32", shape=(2, 3), offset=0.5):
    values = (np.arange(int(np.prod(shape))).reshape(shape) % 5 + offset).astype(dtype)
    return lib.tensor(values)


# name -> call(lib, out): one representative call per kind of kernel
CALLS = {
    "add": lambda lib, out: lib.add(_x(lib), _x(lib, "float64"), alpha=2, out=out),
    "add int": lambda lib, out: lib.add(_x(lib, "int64"), _x(lib, "int32"), out=out),
    "sub scalar": lambda lib, out: lib.sub(_x(lib), 1.5, out=out),
    "mul broadcast": lambda lib, out: lib.mul(_x(lib), _x(lib, shape=(3,)), out=out),
    "div int": lambda lib, out: lib.div(_x(lib, "int64"), 2, out=out),
    "div floor": lambda lib, out: lib.div(_x(lib, "int64"), 2, rounding_mode="floor", out=out),
    "pow": lambda lib, out: lib.pow(_x(lib), 2, out=out),
    "eq": lambda lib, out: lib.eq(_x(lib), 1.5, out=out),
    "maximum": lambda lib, out: lib.maximum(_x(lib), _x(lib, offset=0.7), out=out),
    "where": lambda lib, out: lib.where(_x(lib) > 2, _x(lib), _x(lib, offset=0.1), out=out),
    "exp": lambda lib, out: lib.exp(_x(lib, "float64"), out=out),
    "sqrt int": lambda lib, out: lib.sqrt(_x(lib, "int64"), out=out),
    "neg": lambda lib, out: lib.neg(_x(lib), out=out),
    "floor": lambda lib, out: lib.floor(_x(lib), out=out),
    "clamp": lambda lib, out: lib.clamp(_x(lib), 1, 3, out=out),
    "sigmoid": lambda lib, out: lib.sigmoid(_x(lib), out=out),
    "logical_not": lambda lib, out: lib.logical_not(_x(lib), out=out),
    "bitwise_and": lambda lib, out: lib.bitwise_and(_x(lib, "int64"), 3, out=out),
    "sum dim": lambda lib, out: lib.sum(_x(lib), 1, out=out),
    "mean dim": lambda lib, out: lib.mean(_x(lib), 0, keepdim=True, out=out),
    "amax": lambda lib, out: lib.amax(_x(lib), 1, out=out),
    "cumsum": lambda lib, out: lib.cumsum(_x(lib), 1, out=out),
    "softmax": lambda lib, out: lib.softmax(_x(lib), 1, out=out),
    "max dim": lambda lib, out: lib.max(_x(lib), 1, out=out),
    "sort": lambda lib, out: lib.sort(_x(lib), 1, descending=True, out=out),
    "topk": lambda lib, out: lib.topk(_x(lib).flatten(), 2, out=out),
    "cat": lambda lib, out: lib.cat([_x(lib), _x(lib, offset=1.0)], out=out),
    "stack": lambda lib, out: lib.stack([_x(lib), _x(lib, "float64")], 1, out=out),
    "matmul": lambda lib, out: lib.matmul(_x(lib), _x(lib, shape=(3, 2)), out=out),
    "mm": lambda lib, out: lib.mm(_x(lib), _x(lib, shape=(3, 4)), out=out),
    "bmm": lambda lib, out: lib.bmm(_x(lib, shape=(2, 2, 3)), _x(lib, shape=(2, 3, 1)), out=out),
    "addmm": lambda lib, out: lib.addmm(_x(lib, shape=(2, 2)), _x(lib), _x(lib, shape=(3, 2)), out=out),
    "dot": lambda lib, out: lib.dot(_x(lib, shape=(3,)), _x(lib, shape=(3,)), out=out),
    "outer": lambda lib, out: lib.outer(_x(lib, shape=(3,)), _x(lib, shape=(2,)), out=out),
    "gather": lambda lib, out: lib.gather(_x(lib), 1, lib.tensor([[0, 2], [1, 1]]), out=out),
    "index_select": lambda lib, out: lib.index_select(_x(lib), 1, lib.tensor([2, 0]), out=out),
    "masked_select": lambda lib, out: lib.masked_select(_x(lib), _x(lib) > 2, out=out),
    "tril": lambda lib, out: lib.tril(_x(lib), out=out),
    "linalg.inv": lambda lib, out: lib.linalg.inv(_x(lib, shape=(2, 2)) + 3 * lib.eye(2), out=out),
    "linalg.norm": lambda lib, out: lib.linalg.norm(_x(lib), out=out),
    "special.expit": lambda lib, out: lib.special.expit(_x(lib), out=out),
}

#: each call's results' (dtype, shape), from torch
MULTI = {"max dim", "sort", "topk"}


def _expected(name):
    out = CALLS[name](torch, None)
    return [(str(t.dtype).replace("torch.", ""), tuple(t.shape)) for t in (out if isinstance(out, tuple) else (out,))]


@st.composite
def out_tensors(draw, name):
    """The out argument: per result, a tensor of a drawn dtype (mostly the result's), empty, of the
    result's shape, or of another shape; sometimes a strided view of a larger tensor."""
    outs = []
    for dtype, shape in _expected(name):
        kind = draw(st.sampled_from(["same", "same", "other"]))
        d = dtype if kind == "same" else draw(st.sampled_from(DTYPES))
        s = draw(st.sampled_from([(0,), shape, (7,), (1,) + shape]))
        view = draw(st.booleans()) and len(s) >= 1 and s != (0,)
        outs.append((d, s, view))
    return outs


def _make(lib, spec):
    made, bases = [], []
    for d, s, view in spec:
        if view:  # every other column of a wider tensor: writes land in the base
            base = lib.zeros(*s[:-1], 2 * s[-1], dtype=getattr(lib, d))
            made.append(base[..., ::2])
            bases.append(base)
        else:
            made.append(lib.zeros(s, dtype=getattr(lib, d)) + 1 if d != "bool" else lib.zeros(s, dtype=getattr(lib, d)))
            bases.append(None)
    return made, bases


def _run(lib, name, spec, several):
    outs, bases = _make(lib, spec)
    out = tuple(outs) if several else outs[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = CALLS[name](lib, out)
            err = None
        except Exception as e:  # noqa: BLE001  (compared with torch's)
            result, err = None, e
    resized = any("was resized" in str(w.message) for w in caught)
    return out, outs, bases, result, err, resized


def _compare(name, spec):
    several = name in MULTI
    ours = _run(scratchnet, name, spec, several)
    theirs = _run(torch, name, spec, several)
    (o_out, o_outs, o_bases, o_res, o_err, o_resized), (t_out, t_outs, t_bases, t_res, t_err, t_resized) = ours, theirs
    if o_err is not None and "does not resize a view" in str(o_err):
        # the one deliberate refusal (scratchnet/_out.py): a view out= that must grow or be re-strided
        assert any(b is not None for b in o_bases) and t_resized, f"{name}: refused a resize torch did not do"
        return
    if t_err is not None:
        assert o_err is not None, f"{name}: torch raised {type(t_err).__name__}: {t_err}; scratchnet wrote the out tensor"
        assert_clean_error(o_err, t_err, name)
        if "cast" in str(t_err) or "dtype" in str(t_err) or "type" in str(t_err):
            assert str(o_err) == str(t_err).split(" (Triggered")[0], f"{name}: message {o_err!r}, torch's {t_err!r}"
        return
    assert o_err is None, f"{name}: scratchnet raised {type(o_err).__name__}: {o_err}; torch wrote the out tensor"
    assert o_resized == t_resized, f"{name}: resize warning {o_resized}, torch's {t_resized}"
    if several:
        assert all(a is b for a, b in zip(o_res, o_outs)), f"{name}: the results are not the out tensors"
    else:
        assert o_res is o_out, f"{name}: the result is not the out tensor"
    for o, t in zip(o_outs, t_outs):
        assert str(o.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        assert tuple(o.shape) == tuple(t.shape), f"{name}: out shape {tuple(o.shape)}, torch's {tuple(t.shape)}"
        assert_close(o, t, 1e-6, 1e-6, what=f"{name}: out")
        assert not o.requires_grad and o.grad_fn is None
    for o, t in zip(o_bases, t_bases):
        if t is not None and tuple(t.shape) == tuple(o.shape):  # (torch may resize a view in its storage)
            assert_close(o, t, 1e-6, 1e-6, what=f"{name}: the view's base")


@pytest.mark.parametrize("name", CALLS)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_out_matches_torch(name, data):
    _compare(name, data.draw(out_tensors(name)))


@pytest.mark.parametrize("name", ["add", "cat", "max dim", "matmul"])
@pytest.mark.parametrize("where", ["input", "out"])
def test_out_refuses_autograd(name, where):
    """With grad mode on, an input or out that requires grad is refused; under no_grad it is written."""
    for lib in (scratchnet, torch):
        spec = [(d, s, False) for d, s in _expected(name)]
        outs, _ = _make(lib, spec)
        if where == "out":
            outs[0].requires_grad_()
        out = tuple(outs) if name in MULTI else outs[0]
        x = _x(lib).requires_grad_(where == "input")
        call = {
            "add": lambda: lib.add(x, 1.0, out=out),
            "cat": lambda: lib.cat([x, x], out=lib.empty(0) if where == "input" else out),
            "max dim": lambda: lib.max(x, 1, out=out),
            "matmul": lambda: lib.matmul(x, x.t(), out=lib.empty(0) if where == "input" else out),
        }[name]
        fn_name = name.split()[0]
        with pytest.raises(RuntimeError, match=rf"^{fn_name}\(\): functions with out=\.\.\. arguments don't support automatic differentiation"):
            call()
        if where == "input":
            with lib.no_grad():
                call()


def test_out_moves_the_version_counter():
    for lib in (scratchnet, torch):
        o = lib.zeros(2, 3)
        before = o._version
        lib.add(_x(lib), 1, out=o)
        assert o._version > before


@pytest.mark.parametrize("out", [3, "x", [None]])
def test_out_that_is_not_a_tensor(out):
    for lib in (scratchnet,):
        with pytest.raises(TypeError, match="argument 'out' must be"):
            lib.add(_x(lib), 1, out=out)


def test_every_out_function_is_wrapped():
    """Each function torch gives out= is wrapped where scratchnet has it (or writes out itself)."""
    for namespace, names in _out.OUT_FUNCTIONS.items():
        module = {"torch": scratchnet, "linalg": scratchnet.linalg, "special": scratchnet.special}[namespace]
        for n in names:
            fn = getattr(module, n, None)
            if fn is not None and n not in _out.WRITES_OUT_ITSELF:
                assert hasattr(fn, "__wrapped_for_out__"), f"{namespace}.{n} takes no out="
