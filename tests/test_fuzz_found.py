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
