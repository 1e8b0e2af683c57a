"""Run PyTorch's own per-module sample inputs (its ModuleInfo database) through scratchnet and torch.

    python tools/moduleinfo_sweep.py [--modules REGEX] [--dtypes float64 float32] [--show N]

A developer's tool beside ``tools/opinfo_sweep.py`` (the same caveats: torch's private test
machinery, ``expecttest`` stubbed). For every module class whose name matches and every sample, it
builds the module in both engines from the same constructor arguments and compares:

- which of the two constructors raises (the same exception type where torch raises);
- the state_dict's keys, shapes and dtypes;
- with torch's parameters and buffers loaded into scratchnet's module: the forward's outputs
  (both seeded alike, so dropout draws the same), then the buffers it updated (running stats);
- the gradients of ``sum(out * cotangent)`` with respect to the inputs and every parameter.
"""

import argparse
import re
import sys
import types
import unittest
import warnings

import numpy as np

sys.modules.setdefault("expecttest", types.SimpleNamespace(TestCase=unittest.TestCase))
warnings.simplefilter("ignore")

import torch  # noqa: E402

import scratchnet as sn  # noqa: E402

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from opinfo_sweep import Tally, Unheld, compare, leaves, to_sn  # noqa: E402


def to_sn_arg(x):
    """to_sn, plus what constructors take: torch's functions and module classes, by name."""
    if isinstance(x, type) and issubclass(x, torch.nn.Module):
        return getattr(sn.nn, x.__name__)
    if isinstance(x, torch.nn.Module):
        raise Unheld("module instance")
    if callable(x) and getattr(x, "__module__", "") == "torch.nn.functional":
        return getattr(sn.nn.functional, x.__name__)
    if callable(x) and getattr(x, "__module__", "").startswith("torch") and hasattr(sn, getattr(x, "__name__", "")):
        return getattr(sn, x.__name__)
    if isinstance(x, (list, tuple)):
        return type(x)(to_sn_arg(v) for v in x)
    if isinstance(x, dict):
        return {k: to_sn_arg(v) for k, v in x.items()}
    return to_sn(x)


def check_sample(info, sample, dtype, seed, training):
    cls = info.module_cls
    ours_cls = getattr(sn.nn, cls.__name__, None)
    if ours_cls is None:
        return f"missing: scratchnet.nn has no {cls.__name__}"
    try:
        cargs, ckw = to_sn_arg(sample.constructor_input.args), to_sn_arg(sample.constructor_input.kwargs)
        fargs, fkw = to_sn_arg(sample.forward_input.args), to_sn_arg(sample.forward_input.kwargs)
    except Unheld:
        return "skip"
    try:
        torch.manual_seed(seed)
        theirs = cls(*sample.constructor_input.args, **sample.constructor_input.kwargs).to(dtype)
    except Exception as e:
        try:
            ours_cls(*cargs, **ckw)
        except Exception as ours:
            return None if isinstance(ours, type(e)) else f"constructor raises {type(ours).__name__} where torch raises {type(e).__name__}: {str(e)[:80]}"
        return f"constructor returns where torch raises {type(e).__name__}: {str(e)[:100]}"
    try:
        sn.manual_seed(seed)
        ours = ours_cls(*cargs, **ckw).to(getattr(sn, str(dtype).replace("torch.", "")))
    except Exception as e:
        return f"constructor raises {type(e).__name__}: {str(e)[:160]}"
    if any(torch.nn.parameter.is_lazy(v) for v in theirs.state_dict().values()):
        try:  # a lazy module: one forward in each engine gives its parameters their shapes
            with torch.no_grad():
                theirs(*sample.forward_input.args, **sample.forward_input.kwargs)
            with sn.no_grad():
                ours(*fargs, **fkw)
        except Exception as e:
            return f"materializing a lazy module: {type(e).__name__}: {str(e)[:120]}"
    t_state, s_state = theirs.state_dict(), ours.state_dict()
    if list(t_state) != list(s_state):
        return f"state_dict keys {list(s_state)[:6]} vs torch's {list(t_state)[:6]}"
    for k, v in t_state.items():
        if not isinstance(v, torch.Tensor):
            continue
        if tuple(s_state[k].shape) != tuple(v.shape) or str(s_state[k].dtype).split(".")[-1] != str(v.dtype).split(".")[-1]:
            return f"state_dict[{k!r}]: {list(s_state[k].shape)} {s_state[k].dtype} vs torch's {list(v.shape)} {v.dtype}"
    try:
        ours.load_state_dict({k: to_sn(v) if isinstance(v, torch.Tensor) else v for k, v in t_state.items()})
    except Exception as e:
        return f"load_state_dict raises {type(e).__name__}: {str(e)[:160]}"
    theirs.train(training)
    ours.train(training)
    t_in = [a for a in leaves(list(sample.forward_input.args) + list(sample.forward_input.kwargs.values())) if isinstance(a, torch.Tensor) and a.requires_grad]
    s_in = [a for a in leaves(list(fargs) + list(fkw.values())) if isinstance(a, sn.Tensor) and a.requires_grad]
    torch.manual_seed(seed + 1)
    sn.manual_seed(seed + 1)
    try:
        t_out = theirs(*sample.forward_input.args, **sample.forward_input.kwargs)
    except Exception as e:
        try:
            ours(*fargs, **fkw)
        except Exception as mine:
            return None if isinstance(mine, type(e)) else f"forward raises {type(mine).__name__} where torch raises {type(e).__name__}: {str(e)[:80]}"
        return f"forward returns where torch raises {type(e).__name__}: {str(e)[:100]}"
    try:
        s_out = ours(*fargs, **fkw)
    except Exception as e:
        return f"forward raises {type(e).__name__}: {str(e)[:160]}"
    diff = compare(s_out, t_out)
    if diff:
        return "forward " + diff
    for k, v in theirs.state_dict().items():
        if isinstance(v, torch.Tensor):
            d = compare(ours.state_dict()[k], v)
            if d:
                return f"buffer {k} after forward: {d}"
    t_params = [p for p in theirs.parameters() if p.requires_grad]
    s_params = [p for p in ours.parameters() if p.requires_grad]
    if len(t_params) != len(s_params):
        return f"{len(s_params)} parameters vs torch's {len(t_params)}"
    rng = np.random.default_rng(seed)
    t_total = s_total = None
    for a, b in zip(leaves(s_out), leaves(t_out)):
        if isinstance(b, torch.Tensor) and b.requires_grad and b.dtype.is_floating_point:
            cot = rng.standard_normal(tuple(b.shape)).astype(str(b.dtype).split(".")[-1])
            t_term, s_term = (b * torch.tensor(cot)).sum(), (a * sn.tensor(cot)).sum()
            t_total = t_term if t_total is None else t_total + t_term
            s_total = s_term if s_total is None else s_total + s_term
    if t_total is None:
        return None
    t_grads = torch.autograd.grad(t_total, t_in + t_params, allow_unused=True)
    try:
        s_grads = sn.autograd.grad(s_total, s_in + s_params, allow_unused=True)
    except Exception as e:
        return f"backward raises {type(e).__name__}: {str(e)[:160]}"
    t_grads = [g if g is not None else torch.zeros_like(i) for g, i in zip(t_grads, t_in + t_params)]
    s_grads = [g if g is not None else sn.zeros_like(i) for g, i in zip(s_grads, s_in + s_params)]
    d = compare(s_grads, t_grads)
    return d and "gradient " + d


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--modules", default=".*", help="regular expression on module class names (full match)")
    p.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
    p.add_argument("--show", type=int, default=3)
    a = p.parse_args(argv)
    from torch.testing._internal.common_modules import module_db

    pattern, tally = re.compile(a.modules), Tally()
    for info in module_db:
        name = info.module_cls.__name__
        if not pattern.fullmatch(name):
            continue
        for dname in a.dtypes:
            dtype = getattr(torch, dname)
            for training in (True, False):
                try:
                    samples = list(info.module_inputs_func(info, device="cpu", dtype=dtype, requires_grad=True, training=training))
                except Exception:
                    continue
                for i, sample in enumerate(samples):
                    if sample.forward_input is None:
                        continue
                    result = tally.add(name, f"{dname} training={training}", lambda: check_sample(info, sample, dtype, i, training), lambda: describe(sample))
                    if result and result.startswith("missing"):
                        break
    tally.report(a.show, "modules")


def describe(sample):
    shapes = [tuple(x.shape) if hasattr(x, "shape") else x for x in leaves(list(sample.forward_input.args))][:4]
    return f"ctor={sample.constructor_input.args}{sample.constructor_input.kwargs} fwd={shapes}{list(sample.forward_input.kwargs)}"


if __name__ == "__main__":
    main()
