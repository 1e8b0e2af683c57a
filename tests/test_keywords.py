"""Arguments by keyword, as torch names them: every top-level function scratchnet shares with
torch whose documented signature (the first line of torch's docstring, ``add(input, other, *,
alpha=1, out=None) -> Tensor``) takes only common argument names is called with all its required
arguments as keywords on both engines; where torch accepts the call, scratchnet must too, and
give the same values. torch's own documentation is the oracle: nothing here lists a name."""

import re
import warnings

import numpy as np
import pytest
import torch

import scratchnet

from .parity import assert_close, flat_outputs


def _values(lib):
    x = lib.tensor((np.arange(9).reshape(3, 3) % 4 + 0.5).astype("float32"))
    return {
        "input": x, "other": x + 1, "tensor": x, "mat2": x, "mat": x, "vec": x[0], "exponent": x,
        "end": x + 1, "weight": 0.5, "dim": 0, "diagonal": 0, "k": 1, "n": 2, "tensors": [x, x + 1],
        "index": lib.tensor([0, 2]), "size": (3,),
    }


def _method_values(lib):
    x = _values(lib)["input"]
    return {
        **{k: v for k, v in _values(lib).items() if k != "input"},
        "size": (9,), "dim0": 0, "dim1": 1, "dims": (1, 0), "shape": (9,), "chunks": 2, "repeats": 2,
        "split_size": 1, "sections": 2, "start": 0, "length": 1, "value": 1.0, "min": 0.5, "max": 2.0,
        "q": 0.5, "p": 2, "source": 0, "destination": 1, "src": x, "mask": x > 1, "shifts": 1,
        "lambd": 0.5, "decimals": 1, "dtype": lib.float64, "exponent": 2,
    }


def _signature(fn, name):
    """The required parameters of torch's documented signature, or None."""
    first = (fn.__doc__ or "").strip().split("\n")[0]
    match = re.match(rf"{name}\((.*)\)\s*->", first)
    if not match:
        return None
    required = []
    for part in (p.strip() for p in match.group(1).split(",")):
        if part and part != "*" and "=" not in part and not part.startswith("*"):
            required.append(part)
    return required


def _cases():
    known = set(_values(scratchnet))
    for name in sorted(dir(torch)):
        fn, ours = getattr(torch, name, None), getattr(scratchnet, name, None)
        if name.startswith("_") or not callable(fn) or not callable(ours) or isinstance(fn, type):
            continue
        required = _signature(fn, name)
        if required and set(required) <= known:
            yield name, required


CASES = dict(_cases())


def test_the_oracle_finds_the_functions():
    assert len(CASES) > 100  # (torch's docstrings parse; if they stop to, this test says so)


@pytest.mark.parametrize("name", sorted(CASES))
def test_required_arguments_by_keyword(name):
    required = CASES[name]
    outcomes = []
    for lib in (torch, scratchnet):
        values = _values(lib)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lib.manual_seed(0)  # (the random functions draw the same numbers)
            try:
                outcomes.append((flat_outputs(getattr(lib, name)(**{p: values[p] for p in required})), None))
            except Exception as e:  # noqa: BLE001  (compared below)
                outcomes.append((None, e))
    (theirs, their_err), (ours, our_err) = outcomes
    if their_err is not None:
        return  # torch refuses this call itself (a value that does not fit): nothing to hold us to
    assert our_err is None, f"{name}({', '.join(p + '=...' for p in required)}): torch accepts it, scratchnet raised {type(our_err).__name__}: {our_err}"
    if name.startswith("empty"):
        return  # (uninitialised memory in torch: no values to compare)
    for o, t in zip(ours, theirs):
        if isinstance(t, torch.Tensor) and t.dtype.is_floating_point:
            assert_close(o, t, 1e-5, 1e-6, what=name)


def _method_cases():
    known = set(_method_values(scratchnet))
    for name in sorted(dir(torch.Tensor)):
        fn = getattr(torch.Tensor, name, None)
        if name.startswith("_") or not callable(fn) or not hasattr(scratchnet.Tensor, name):
            continue
        required = _signature(fn, name)
        if required and set(required) <= known:
            yield name, required


METHOD_CASES = dict(_method_cases())


@pytest.mark.parametrize("name", sorted(METHOD_CASES))
def test_method_arguments_by_keyword(name):
    """``x.transpose(dim0=0, dim1=1)``, ``x.new_zeros(size=(2,))``: torch's names, by keyword."""
    required = METHOD_CASES[name]
    outcomes = []
    for lib in (torch, scratchnet):
        values = _method_values(lib)
        x = _values(lib)["input"].clone()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lib.manual_seed(0)
            try:
                outcomes.append((flat_outputs(getattr(x, name)(**{p: values[p] for p in required})), None))
            except Exception as e:  # noqa: BLE001  (compared below)
                outcomes.append((None, e))
    (theirs, their_err), (ours, our_err) = outcomes
    if their_err is not None:
        return
    assert our_err is None, f"x.{name}({', '.join(p + '=...' for p in required)}): torch accepts it, scratchnet raised {type(our_err).__name__}: {our_err}"
    if name.startswith("new_empty"):
        return
    for o, t in zip(ours, theirs):
        if isinstance(t, torch.Tensor) and t.dtype.is_floating_point:
            assert_close(o, t, 1e-5, 1e-6, what=name)
