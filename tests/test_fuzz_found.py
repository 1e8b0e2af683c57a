"""Disagreements with torch that the randomized hypothesis profiles (``dev``, ``thorough``) or a
sweep of odd arguments found and the derandomized CI profile missed, pinned as fixed calls.

Each call runs on both engines; the results must match (shape, dtype, values, ``requires_grad``)
or both must raise, scratchnet with torch's exception type. Nothing here states torch's answer:
torch itself gives it.
"""

import warnings

import numpy as np
import pytest
import torch

import scratchnet

from .parity import assert_close, flat_outputs
from .test_parity import assert_clean_error


def _outcome(lib, fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return flat_outputs(fn(lib)), None
    except Exception as e:  # noqa: BLE001  (compared below)
        return None, e


def assert_same_as_torch(fn):
    ours, our_err = _outcome(scratchnet, fn)
    theirs, their_err = _outcome(torch, fn)
    if their_err is not None:
        assert our_err is not None, f"torch raised {type(their_err).__name__}: {their_err}; scratchnet returned {ours}"
        assert_clean_error(our_err, their_err, "scratchnet's error")  # torch's type, never NumPy's
        return
    assert our_err is None, f"scratchnet raised {type(our_err).__name__}: {our_err}; torch returned {theirs}"
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert_close(o, t, 1e-6, 1e-7)
        assert o.requires_grad == t.requires_grad


def _leaf(lib, shape, dtype="float32"):
    return lib.arange(int(np.prod(shape)), dtype=getattr(lib, dtype)).reshape(shape).requires_grad_(dtype.startswith("float"))


# roll: a 0-d input has no dim to roll along (not even 0 or -1: torch's IndexError, where NumPy's
# AxisError escaped); an empty input comes back copied whatever its dims; no shifts is an error
ROLL = {
    "0-d dim 0": lambda lib: lib.roll(lib.tensor(1.5), 1, 0),
    "0-d dim -1": lambda lib: lib.tensor(1.5).roll(-5, -1),
    "0-d two dims": lambda lib: lib.tensor(1.5).roll((1, 2), (0, 1)),
    "0-d no dims": lambda lib: lib.tensor(1.5).roll(1),
    "empty dim out of range": lambda lib: _leaf(lib, (0,)).roll(1, 2),
    "empty 2-d": lambda lib: _leaf(lib, (2, 0)).roll((1, 1), (0, 5)),
    "empty misaligned": lambda lib: _leaf(lib, (0,)).roll((1, 2), 0),
    "no shifts": lambda lib: _leaf(lib, (3,)).roll((), ()),
}


@pytest.mark.parametrize("name", ROLL)
def test_roll_dims_on_0d_and_empty(name):
    assert_same_as_torch(ROLL[name])


@pytest.mark.parametrize("dim", [0, -1, 1, -2, 2])
@pytest.mark.parametrize("shape", [(), (3,)])
def test_aminmax_checks_dim_of_0d(shape, dim):
    """A 0-d input takes dim 0 and -1 only (aminmax once reduced over nothing for any dim)."""
    assert_same_as_torch(lambda lib: lib.aminmax(_leaf(lib, shape), dim=dim))


def _index_add(dtype, source, alpha):
    return lambda lib: lib.index_add(lib.tensor([1, 2, 3]).to(getattr(lib, dtype)), 0, lib.tensor([0, 0, 2]), lib.tensor(source).to(getattr(lib, dtype)), alpha=alpha)


@pytest.mark.parametrize("alpha", [2.5, -2.5, 0.5, True, 2**40, 1e40, float("nan")])
@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "bool", "float32", "float64"])
def test_index_add_converts_alpha_to_the_dtype(dtype, alpha):
    """torch converts alpha to self's dtype first (truncated for integers: 3 * 2.5 adds 6, not 7;
    checked: -2.5 into uint8 or 1e40 into float32 is its RuntimeError); scratchnet once scaled
    the source in floating point and truncated each product."""
    assert_same_as_torch(_index_add(dtype, [3, -1, 7], alpha))


@pytest.mark.parametrize("op", ["scatter", "scatter_add", "scatter_reduce"])
def test_scatter_backward_of_a_0d_src_through_a_1_element_index(op):
    """self and src 0-d, index of shape (1,): the src gradient is the one element gathered (its
    backward once indexed a 0-d array, a NumPy IndexError)."""
    def fn(lib):
        x, src = lib.tensor(1.5, requires_grad=True), lib.tensor(2.5, requires_grad=True)
        extra = ("amax",) if op == "scatter_reduce" else ()
        y = getattr(lib, op)(x, 0, lib.zeros(1, dtype=lib.int64), src, *extra)
        return (y,) + lib.autograd.grad(y * 3, (x, src))
    assert_same_as_torch(fn)


@pytest.mark.parametrize("num_classes", [-1, 0, -2, 3])
@pytest.mark.parametrize("shape", [(0,), (0, 2), (2,)])
def test_one_hot_of_an_empty_tensor_needs_num_classes(shape, num_classes):
    """An empty input with num_classes <= 0 is torch's RuntimeError (scratchnet once returned a
    (0, 0) tensor)."""
    assert_same_as_torch(lambda lib: lib.nn.functional.one_hot(lib.zeros(shape, dtype=lib.int64), num_classes))


def _u8(lib):
    return lib.tensor([1, 2, 3], dtype=lib.uint8)


def _bools(lib):
    return lib.tensor([True, False])


# clamp_min / clamp_max / clamp with a Python bound: converted to the result's dtype as torch
# converts it (uint8 takes -1 as 255 but not 300; float32 not 1e40; int32's message names "int"),
# where NumPy's OverflowError escaped or an overflow became inf; bool has no scalar-bound loop, nor
# a two-tensor-bound one
CLAMPS = {
    "uint8 clamp_min -1": lambda lib: _u8(lib).clamp_min(-1),
    "uint8 clamp_min_ -1": lambda lib: _u8(lib).clamp_min_(-1),
    "uint8 clamp_max 300": lambda lib: lib.clamp_max(_u8(lib), 300),
    "uint8 clamp -1 300": lambda lib: _u8(lib).clamp(-1, 300),
    "float32 clamp_min 1e40": lambda lib: lib.tensor([1.0, 2.0]).clamp_min(1e40),
    "float64 clamp_min 1e40": lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float64).clamp_min(1e40),
    "float32 clamp max -1e40": lambda lib: lib.tensor([1.0, 2.0]).clamp(max=-1e40),
    "int32 clamp_min 2**40": lambda lib: lib.tensor([1, 2], dtype=lib.int32).clamp_min(2**40),
    "int32 clamp min 2**40": lambda lib: lib.tensor([1, 2], dtype=lib.int32).clamp(min=2**40),
    "int clamp_min 1.5": lambda lib: lib.tensor([1, 2]).clamp_min(1.5),
    "bool clamp_min True": lambda lib: _bools(lib).clamp_min(True),
    "bool clamp_max_ True": lambda lib: _bools(lib).clamp_max_(True),
    "bool clamp_min bool tensor": lambda lib: _bools(lib).clamp_min(_bools(lib)),
    "bool clamp two bool tensors": lambda lib: _bools(lib).clamp(_bools(lib), _bools(lib)),
    "bool clamp_ two bool tensors": lambda lib: _bools(lib).clamp_(_bools(lib), _bools(lib)),
    "bool clamp one bool tensor": lambda lib: _bools(lib).clamp(max=_bools(lib)),
    "bool clamp int tensor": lambda lib: _bools(lib).clamp(lib.tensor([1, 0]), _bools(lib)),
}


@pytest.mark.parametrize("name", CLAMPS)
def test_clamp_bounds_convert_as_torch(name):
    assert_same_as_torch(CLAMPS[name])
