"""Run one program on both engines and compare everything a user can see.

A *program* is ``program(lib) -> list of tensors`` (written once, for ``lib`` = scratchnet or
torch). :func:`check_same` runs it on both and checks, for every tensor returned: shape, dtype,
values (NaN-aware, tolerance by dtype), ``requires_grad`` and whether ``grad_fn`` is None. When
torch raises, scratchnet must raise too, with the same built-in exception type, and never a
NumPy exception; when torch succeeds, scratchnet must too.
"""

import numpy as np
import torch

import scratchnet

from .parity import as_numpy

TOLERANCE = {"float64": (1e-7, 1e-9), "float32": (2e-4, 2e-5)}


def builtin_type(error):
    """The first built-in exception class of ``error`` (torch's errors subclass the built-ins)."""
    return next(k for k in type(error).__mro__ if k.__module__ == "builtins")


def run(program, lib):
    try:
        return program(lib), None
    except Exception as e:  # noqa: BLE001 - the error is the outcome being compared
        return None, e


def compare(ours, theirs, what="output", loose=False):
    """Tensors (or nested lists/tuples of them, or Python numbers) of both engines agree."""
    if isinstance(theirs, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(theirs), f"{what}: {ours!r} vs {theirs!r}"
        for i, (o, t) in enumerate(zip(ours, theirs)):
            compare(o, t, f"{what}[{i}]", loose)
        return
    if theirs is None or not isinstance(theirs, torch.Tensor):
        if isinstance(theirs, float) and np.isnan(theirs):
            assert isinstance(ours, float) and np.isnan(ours), f"{what}: {ours!r} vs {theirs!r}"
        else:
            assert ours == theirs, f"{what}: scratchnet {ours!r} vs torch {theirs!r}"
        return
    assert isinstance(ours, scratchnet.Tensor), f"{what}: scratchnet gave {type(ours).__name__}, torch a Tensor"
    a, b = as_numpy(ours), as_numpy(theirs)
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs torch {b.shape}"
    assert str(a.dtype) == str(b.dtype), f"{what}: dtype {a.dtype} vs torch {b.dtype}"
    assert ours.requires_grad == theirs.requires_grad, f"{what}: requires_grad {ours.requires_grad} vs torch {theirs.requires_grad}"
    assert _has_grad_fn(ours) == _has_grad_fn(theirs), f"{what}: grad_fn {_has_grad_fn(ours)} vs torch {_has_grad_fn(theirs)}"
    if a.dtype.kind in "biu":
        bad = a != b
    else:
        rtol, atol = TOLERANCE["float32" if loose else str(a.dtype)]  # loose: float32 values went into it
        scale = np.nanmax(np.abs(np.where(np.isfinite(b), b, 0)), initial=1.0)
        bad = ~np.isclose(a, b, rtol=rtol, atol=atol * scale, equal_nan=True)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(f"{what}: {int(bad.sum())} of {bad.size} values differ; first at {where}: {a[where]!r} vs torch {b[where]!r}")


def _has_grad_fn(t):
    """Whether ``t.grad_fn`` is set, or "raises" (a multi-output view whose base was edited)."""
    try:
        return t.grad_fn is not None
    except RuntimeError:
        return "raises"


def check_same(program, what="program", loose=False):
    """Run ``program`` on both engines; assert the same outcome (see the module docstring)."""
    theirs, their_error = run(program, torch)
    ours, our_error = run(program, scratchnet)
    if their_error is not None:
        assert our_error is not None, f"{what}: torch raised {their_error!r}; scratchnet returned {ours!r}"
        assert not type(our_error).__module__.startswith("numpy"), f"{what}: a NumPy exception escaped: {our_error!r}"
        assert builtin_type(our_error) is builtin_type(their_error), (
            f"{what}: scratchnet raised {type(our_error).__name__}({our_error}); torch {type(their_error).__name__}({their_error})"
        )
        return "error"
    if our_error is not None:
        raise AssertionError(f"{what}: torch returned, scratchnet raised {type(our_error).__name__}: {our_error}") from our_error
    compare(ours, theirs, what, loose)
    return "ok"
