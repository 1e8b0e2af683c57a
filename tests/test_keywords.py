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


def _parameters(fn):
    import inspect

    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    return [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _signature_pairs():
    """(label, torch's callable, scratchnet's): nn.functional, the nn modules', optimizers',
    schedulers' and transforms' constructors, Module's and Optimizer's methods, nn.init."""
    import torchvision.transforms as tv_transforms

    import scratchnet.vision.transforms as sn_transforms

    spaces = [
        ("F", torch.nn.functional, scratchnet.nn.functional, False), ("nn", torch.nn, scratchnet.nn, True),
        ("optim", torch.optim, scratchnet.optim, True), ("lr_scheduler", torch.optim.lr_scheduler, scratchnet.optim.lr_scheduler, True),
        ("init", torch.nn.init, scratchnet.nn.init, False), ("transforms", tv_transforms, sn_transforms, True),
    ]
    for label, theirs, ours, classes in spaces:
        for name in dir(theirs):
            a, b = getattr(theirs, name, None), getattr(ours, name, None)
            if name.startswith("_") or b is None:
                continue
            if classes and isinstance(a, type) and isinstance(b, type):
                yield f"{label}.{name}", a.__init__, b.__init__
            elif not classes and callable(a) and type(a).__name__ == "function":
                yield f"{label}.{name}", a, b
    for cls_t, cls_s in ((torch.nn.Module, scratchnet.nn.Module), (torch.optim.Optimizer, scratchnet.optim.Optimizer)):
        for name in dir(cls_t):
            a, b = getattr(cls_t, name, None), getattr(cls_s, name, None)
            if not name.startswith("_") and type(a).__name__ == "function" and b is not None:
                yield f"{cls_t.__name__}.{name}", a, b


SIGNATURES = {label: (a, b) for label, a, b in _signature_pairs()}


def test_the_signature_pairs_are_found():
    assert len(SIGNATURES) > 150


@pytest.mark.parametrize("label", sorted(SIGNATURES))
def test_parameter_names_and_order_match_torch(label):
    """Every parameter torch's Python signature names, scratchnet's names too, and the positional
    ones come in torch's order (``nn.Conv2d(1, 32, 3, 1, 1)`` and ``F.pad(x, pad=(1, 1))`` mean
    the same on both)."""
    a, b = (_parameters(f) for f in SIGNATURES[label])
    if a is None or b is None:
        return  # (a builtin without a Python signature)
    ours = {p.name for p in b}
    missing = [p.name for p in a if p.name not in ours and not p.name.startswith("_")]
    assert not missing, f"{label}: scratchnet has no parameter {missing}"
    positional = [p.name for p in a if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    mine = [p.name for p in b if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    n = min(len(positional), len(mine))
    assert positional[:n] == mine[:n], f"{label}: positional parameters {mine}, torch's {positional}"


@pytest.mark.parametrize("label", sorted(SIGNATURES))
def test_default_values_match_torch(label):
    """Each parameter's default is torch's (an Adam's eps, a norm's momentum, a loss's margin):
    the same program without that argument means the same thing. Functions (an activation
    default) are compared by name."""
    import inspect

    a, b = (_parameters(f) for f in SIGNATURES[label])
    if a is None or b is None:
        return
    ours = {p.name: p.default for p in b}
    for p in a:
        if p.default is inspect.Parameter.empty or p.name not in ours:
            continue
        theirs, mine = p.default, ours[p.name]
        if callable(theirs) and callable(mine):
            assert getattr(theirs, "__name__", None) == getattr(mine, "__name__", None), f"{label}: default {p.name}"
            continue
        if type(theirs).__name__ == "InterpolationMode":
            theirs, mine = theirs.value, getattr(mine, "value", mine)
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (theirs, mine))
        same = mine == theirs if numbers else repr(mine) == repr(theirs)  # (0 and 0.0 mean the same)
        assert same, f"{label}: default {p.name}={mine!r}, torch's {theirs!r}"


def _module_forwards():
    for name in sorted(dir(torch.nn)):
        theirs, ours = getattr(torch.nn, name), getattr(scratchnet.nn, name, None)
        if isinstance(theirs, type) and issubclass(theirs, torch.nn.Module) and ours is not None and _forward_names(theirs):
            yield name  # (not torch's abstract bases, whose forward takes nothing)


def _forward_names(cls):
    import inspect

    params = inspect.signature(cls.forward).parameters.values()
    return [p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)][1:]


@pytest.mark.parametrize("name", list(_module_forwards()))
def test_module_forward_takes_torchs_argument_names(name):
    """``module(input=x)`` works where it works in torch: forward's parameters, as torch names them."""
    assert _forward_names(getattr(scratchnet.nn, name)) == _forward_names(getattr(torch.nn, name))
