"""The factories and conversions against torch: values, dtypes, shapes and errors, under hypothesis.

Each test calls the same code on both engines (``lib`` is scratchnet or torch). Where torch
raises, scratchnet must raise the same exception type (and, where the message is torch's own
wording that programs match on, the same message).
"""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import scratchnet

from .parity import assert_close

LIBS = (scratchnet, torch)
DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool"]
dtype_names = st.sampled_from([None] + DTYPES)
sizes = st.lists(st.integers(0, 4), max_size=3)


def dt(lib, name):
    return None if name is None else getattr(lib, name)


def outcome(fn, lib):
    try:
        return fn(lib), None
    except Exception as e:  # noqa: BLE001  (the exception is the outcome being compared)
        return None, e


def signature(t):
    """Shape, dtype name and requires_grad of a tensor whose values are unspecified (empty)."""
    return tuple(t.shape), str(t.dtype).replace("torch.", ""), t.requires_grad


def same(fn, message=False, exact=True):
    """``fn(lib)`` on both engines: equal tensors (values, dtype, shape) or the same exception."""
    ours, our_error = outcome(fn, scratchnet)
    theirs, their_error = outcome(fn, torch)
    if their_error is not None:
        assert our_error is not None, f"torch raised {their_error!r}; scratchnet returned {ours!r}"
        assert type(our_error) is type(their_error) or isinstance(our_error, type(their_error)), f"scratchnet raised {our_error!r}, torch {their_error!r}"
        if message:
            assert str(our_error) == str(their_error).split("\n")[0]
        return None
    if our_error is not None:
        raise our_error
    if isinstance(theirs, torch.Tensor):
        tol = (0, 0) if exact else (1e-6, 1e-6)
        assert_close(ours, theirs, *tol, what="result")
        assert ours.requires_grad == theirs.requires_grad
    else:
        assert ours == theirs, f"scratchnet {ours!r} != torch {theirs!r}"
    return ours


# --- sizes, dtypes, requires_grad, device ------------------------------------------------------------


@given(size=sizes, form=st.sampled_from(["varargs", "tuple", "list", "Size"]), name=st.sampled_from(["zeros", "ones", "empty"]), dtype=dtype_names, grad=st.booleans())
def test_filled_factories(size, form, name, dtype, grad):
    def make(lib):
        args = {"varargs": tuple(size), "tuple": (tuple(size),), "list": (list(size),), "Size": (lib.Size(size),)}[form]
        t = getattr(lib, name)(*args, dtype=dt(lib, dtype), requires_grad=grad and dtype in (None, "float32", "float64"))
        return signature(t) if name == "empty" else t  # empty's values are unspecified

    same(make)


@given(size=st.lists(st.integers(-2, 3), min_size=1, max_size=3), name=st.sampled_from(["zeros", "ones", "empty"]))
def test_negative_sizes_are_refused(size, name):
    same(lambda lib: signature(getattr(lib, name)(*size)))


@pytest.mark.parametrize("device", ["cpu", "cpu:0", "device-object"])
def test_cpu_devices_are_accepted(device):
    class Device:  # anything that prints as a CPU device (as torch.device('cpu') does)
        def __str__(self):
            return "cpu"

    device = Device() if device == "device-object" else device
    assert scratchnet.zeros(2, device=device).shape == (2,)
    assert scratchnet.tensor([1.0], device=device).tolist() == [1.0]
    assert scratchnet.arange(3, device=device).tolist() == [0, 1, 2]
    assert scratchnet.zeros(1).to(device).dtype == scratchnet.float32
    assert scratchnet.full((1,), 2, device=device).tolist() == [2]
    assert scratchnet.eye(2, device=device).shape == (2, 2)
    assert scratchnet.zeros_like(scratchnet.ones(2), device=device).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("device", ["cuda", "cuda:0", "mps", 0])
def test_gpu_devices_are_refused_clearly(device):
    for make in (lambda: scratchnet.zeros(2, device=device), lambda: scratchnet.tensor([1.0], device=device),
                 lambda: scratchnet.ones(1).to(device), lambda: scratchnet.linspace(0, 1, 3, device=device)):
        with pytest.raises(RuntimeError, match="CPU"):
            make()


def test_requires_grad_needs_a_float_dtype():
    with pytest.raises(RuntimeError, match="floating point"):
        scratchnet.zeros(2, dtype=scratchnet.int64, requires_grad=True)
    assert scratchnet.ones(2, requires_grad=True).requires_grad


# --- full, eye, scalar_tensor, *_like ---------------------------------------------------------------

fill_values = st.one_of(st.booleans(), st.integers(-5, 5), st.floats(-3, 3, width=32))


@given(size=sizes, value=fill_values, as_tensor=st.booleans(), dtype=dtype_names)
def test_full(size, value, as_tensor, dtype):
    same(lambda lib: lib.full(tuple(size), lib.tensor(value) if as_tensor else value, dtype=dt(lib, dtype)))


@given(n=st.integers(-1, 4), m=st.one_of(st.none(), st.integers(-1, 4)), dtype=dtype_names)
def test_eye(n, m, dtype):
    same(lambda lib: lib.eye(n, m, dtype=dt(lib, dtype)) if m is not None else lib.eye(n, dtype=dt(lib, dtype)), message=True)


@given(value=fill_values, dtype=st.sampled_from([None, "float64", "int64"]))
def test_scalar_tensor(value, dtype):
    same(lambda lib: lib.scalar_tensor(value, dtype=dt(lib, dtype)))


@given(size=sizes, source=st.sampled_from(DTYPES), dtype=dtype_names, name=st.sampled_from(["zeros_like", "ones_like", "empty_like", "full_like"]), value=fill_values)
def test_like_factories(size, source, dtype, name, value):
    def make(lib):
        x = lib.ones(tuple(size), dtype=getattr(lib, source))
        if name == "full_like":
            return lib.full_like(x, value, dtype=dt(lib, dtype))
        t = getattr(lib, name)(x, dtype=dt(lib, dtype))
        return signature(t) if name == "empty_like" else t

    same(make)


@given(size=sizes, dtype=dtype_names, name=st.sampled_from(["new_zeros", "new_ones", "new_empty"]), source=st.sampled_from(DTYPES))
def test_new_factories(size, dtype, name, source):
    def make(lib):
        t = getattr(lib.ones(1, dtype=getattr(lib, source)), name)(tuple(size), dtype=dt(lib, dtype))
        return signature(t) if name == "new_empty" else t

    same(make)


def test_empty_strided():
    same(lambda lib: signature(lib.empty_strided((2, 3), (3, 1))))


# --- ranges ----------------------------------------------------------------------------------------

bounds = st.one_of(st.integers(-6, 6), st.floats(-6, 6).map(lambda v: round(v, 2)))


@given(start=bounds, end=st.one_of(st.none(), bounds), step=st.one_of(st.integers(-3, 3), st.sampled_from([0.5, -0.5, 0.25, 1.5])), dtype=st.sampled_from([None, "float32", "float64", "int64", "int32"]))
def test_arange(start, end, step, dtype):
    def make(lib):
        if end is None:
            return lib.arange(start, dtype=dt(lib, dtype))
        return lib.arange(start, end, step, dtype=dt(lib, dtype))

    same(make, message=True, exact=False)


@pytest.mark.parametrize("args", [(0, 5, -1), (5, 0, 1), (0, 5, 0), (0.0, 1.0, -0.1)])
def test_arange_refusals_match_torch(args):
    same(lambda lib: lib.arange(*args), message=True)


@given(start=bounds, end=bounds, steps=st.integers(-1, 6), dtype=st.sampled_from([None, "float32", "float64", "int64"]), base=st.sampled_from([None, 2.0, 10.0]))
def test_linspace_and_logspace(start, end, steps, dtype, base):
    def make(lib):
        if base is None:
            return lib.linspace(start, end, steps, dtype=dt(lib, dtype))
        return lib.logspace(start / 3, end / 3, steps, base=base, dtype=dt(lib, dtype))

    # float32 rounding of the end points may land an integer cast one apart; compare in float64
    same(make, message=True, exact=False) if dtype != "int64" else same(lambda lib: make(lib) if steps < 0 else make(lib).shape)


def test_linspace_steps_must_be_an_int():
    for lib in LIBS:
        with pytest.raises(TypeError):
            lib.linspace(0, 1, 2.5)


# --- data, legacy constructors, predicates ---------------------------------------------------------

data = st.one_of(
    st.lists(st.integers(-3, 3), max_size=4), st.lists(st.floats(-3, 3, width=32), max_size=4),
    st.lists(st.booleans(), min_size=1, max_size=3), st.integers(-3, 3), st.floats(-3, 3, width=32),
)


@given(values=data, dtype=dtype_names)
def test_tensor_and_as_tensor(values, dtype):
    same(lambda lib: lib.tensor(values, dtype=dt(lib, dtype)))
    same(lambda lib: lib.as_tensor(values, dtype=dt(lib, dtype)))


LEGACY = ["FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "ByteTensor", "BoolTensor"]


@given(name=st.sampled_from(LEGACY), size=sizes)
def test_legacy_constructors_from_sizes(name, size):
    same(lambda lib: signature(getattr(lib, name)(*size)) if size else getattr(lib, name)())


@given(name=st.sampled_from(LEGACY), values=st.lists(st.integers(0, 3), min_size=1, max_size=4))
def test_legacy_constructors_from_data(name, values):
    same(lambda lib: getattr(lib, name)(values))
    same(lambda lib: isinstance(lib.tensor(values), getattr(lib, name)))


@given(size=sizes, values=st.lists(st.integers(-3, 3) | st.floats(-2, 2, width=32), min_size=1, max_size=4))
def test_tensor_class_is_torchs_legacy_constructor(size, values):
    """``Tensor(2, 3)``, ``Tensor([1, 2])`` (the default float dtype, whatever the data), ``Tensor()``."""
    same(lambda lib: signature(lib.Tensor(*size)) if size else lib.Tensor())
    same(lambda lib: lib.Tensor(values))
    same(lambda lib: lib.Tensor(lib.tensor(values, dtype=lib.float32)))
    same(lambda lib: lib.Tensor(np.asarray(values, dtype=np.float32)))


@given(source=st.sampled_from(DTYPES), target=st.sampled_from(LEGACY))
def test_type_strings(source, target):
    same(lambda lib: lib.ones(2, dtype=getattr(lib, source)).type())
    same(lambda lib: lib.ones(2, dtype=getattr(lib, source)).type("torch." + target))
    same(lambda lib: lib.ones(2, dtype=getattr(lib, source)).type(getattr(lib, target)))


def test_type_refuses_unknown_names():
    same(lambda lib: lib.ones(1).type("float"))


@given(values=st.lists(st.integers(0, 2), max_size=3), dtype=st.sampled_from(DTYPES))
def test_predicates(values, dtype):
    same(lambda lib: lib.is_nonzero(lib.tensor(values, dtype=getattr(lib, dtype))), message=True)
    same(lambda lib: lib.is_floating_point(lib.tensor(values, dtype=getattr(lib, dtype))))
    same(lambda lib: lib.numel(lib.tensor(values, dtype=getattr(lib, dtype))))
    same(lambda lib: lib.is_tensor(lib.tensor(values)))
    same(lambda lib: lib.is_tensor(values))


@pytest.mark.parametrize("name", DTYPES)
def test_finfo_and_iinfo(name):
    for cls, attrs in (("finfo", ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"]), ("iinfo", ["bits", "max", "min", "dtype"])):
        ours, our_error = outcome(lambda lib: getattr(lib, cls)(getattr(lib, name)), scratchnet)
        theirs, their_error = outcome(lambda lib: getattr(lib, cls)(getattr(lib, name)), torch)
        if their_error is not None:
            assert type(our_error) is type(their_error)
            continue
        for attr in attrs:
            assert getattr(ours, attr) == getattr(theirs, attr), f"{cls}({name}).{attr}"
    assert scratchnet.finfo().dtype == torch.finfo().dtype


def test_complex_is_refused():
    with pytest.raises(RuntimeError, match="complex"):
        scratchnet.complex(scratchnet.zeros(1), scratchnet.zeros(1))
    with pytest.raises(TypeError):
        scratchnet.tensor([1 + 2j])


# --- to() in its positional forms --------------------------------------------------------------------


@given(source=st.sampled_from(DTYPES), target=st.sampled_from(DTYPES), form=st.sampled_from(["dtype", "device-dtype", "dtype-flags", "device-dtype-flags", "other", "keywords"]), copy=st.booleans())
def test_to_forms(source, target, form, copy):
    def convert(lib):
        x = lib.tensor([0, 1, 2, 0]).to(getattr(lib, source))
        d = getattr(lib, target)
        call = {
            "dtype": lambda: x.to(d), "device-dtype": lambda: x.to("cpu", d), "dtype-flags": lambda: x.to(d, False, copy),
            "device-dtype-flags": lambda: x.to("cpu", d, False, copy), "other": lambda: x.to(lib.zeros(1, dtype=d)),
            "keywords": lambda: x.to(device="cpu", dtype=d, copy=copy),
        }[form]
        y = call()
        return y, (y is x)

    ours, theirs = convert(scratchnet), convert(torch)
    assert_close(ours[0], theirs[0], 0, 0, what="to")
    assert ours[1] == theirs[1], "to() returns self exactly when torch does"


def test_integer_casts_leave_the_graph():
    x = scratchnet.ones(2, requires_grad=True)
    assert not x.long().requires_grad and not x.to(scratchnet.bool).requires_grad
    assert x.double().grad_fn.name() == "ToCopyBackward0"


def test_axis_is_an_alias_of_dim():
    x = scratchnet.arange(6.0).reshape(2, 3)
    index = scratchnet.tensor([[0], [2]])
    assert scratchnet.gather(x, axis=1, index=index).tolist() == torch.gather(torch.arange(6.0).reshape(2, 3), axis=1, index=torch.tensor([[0], [2]])).tolist()
    assert x.index_select(axis=0, index=scratchnet.tensor([1])).tolist() == [[3.0, 4.0, 5.0]]
    assert [p.shape for p in scratchnet.tensor_split(x, 3, axis=1)] == [(2, 1)] * 3
    with pytest.raises(TypeError):
        scratchnet.narrow(x, 0, 0, 1, axis=0)
