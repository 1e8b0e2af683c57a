"""Run PyTorch's own per-op sample inputs (its OpInfo database) through scratchnet and torch.

    python tools/opinfo_sweep.py [--ops REGEX] [--dtypes float32 float64 int64 bool ...] [--no-grad]
                                 [--variants function method inplace] [--show N] [--errors]

A developer's tool, not part of the test suite: ``torch.testing._internal`` is torch's private
test machinery (it wants the ``expecttest`` package, stubbed here), and its samples change from
release to release. For every op whose name matches, every dtype scratchnet holds and every sample
input, it compares, against torch:

- which of the two raises (scratchnet must raise the same exception type where torch raises);
- the result's structure, shapes, dtypes and values (NaN where torch has NaN; tolerances by dtype);
- for floating samples, the gradient of ``sum(out * cotangent)`` with respect to every input;
- with ``--errors``, OpInfo's error inputs: scratchnet must raise torch's exception type.

Ops whose values are uninitialised memory (``empty``, ``new_empty_strided``, ...) are compared by
shape, dtype and strides only; an input that is a view into a larger block (as_strided's partial
views) is rebuilt as the same view of the same block.

It prints one line per op with a failure and the first distinct failures of each, so a mismatch
names the op, the dtype, the sample and what differed.
"""

import argparse
import functools
import os
import re
import sys
import types
import unittest
import warnings

# this tree's scratchnet, not an installed one (a script's sys.path starts at tools/, not the root)
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

sys.modules.setdefault("expecttest", types.SimpleNamespace(TestCase=unittest.TestCase))
warnings.simplefilter("ignore")

import torch  # noqa: E402

import scratchnet as sn  # noqa: E402

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "int32": torch.int32,
          "int16": torch.int16, "int8": torch.int8, "uint8": torch.uint8, "bool": torch.bool}
HELD = {torch.float32, torch.float64, torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool}


class Unheld(Exception):
    """A sample scratchnet cannot be given (a complex tensor, a dtype it does not hold)."""


def to_sn(x):
    """A torch sample argument, as a scratchnet program would have written it."""
    if isinstance(x, torch.Tensor):
        if x.dtype not in HELD or x.layout != torch.strided:
            raise Unheld(str(x.dtype))
        if x._base is not None and x._base.numel() != x.numel() and x.layout == torch.strided:
            # a view into a larger block (as_strided's partial views reach outside it): the same
            # block in scratchnet, and the same sizes, strides and offset over it
            t = sn.tensor(x._base.detach().numpy().copy()).as_strided(tuple(x.shape), x.stride(), x.storage_offset())
        elif x.stride() != torch.empty(x.shape).stride():
            # a non-contiguous sample (OpInfo's noncontiguous and reference inputs): the same
            # strides in scratchnet, over a copy of the memory cells it spans
            span = 0 if x.numel() == 0 else 1 + sum((n - 1) * st for n, st in zip(x.shape, x.stride()))
            cells = x.detach().as_strided((span,), (1,), x.storage_offset()).numpy().copy()
            t = sn.tensor(cells).as_strided(tuple(x.shape), x.stride(), 0)
        else:
            t = sn.tensor(x.detach().numpy().copy())
        return t.requires_grad_(True) if x.requires_grad else t
    if isinstance(x, torch.dtype):
        if x not in HELD and x.is_complex:
            raise Unheld(str(x))
        return getattr(sn, str(x).replace("torch.", ""))
    if isinstance(x, torch.Size):
        return sn.Size(x)
    if isinstance(x, torch.device):
        return sn.device(str(x))
    if isinstance(x, torch.memory_format):
        return getattr(sn, str(x).replace("torch.", ""))
    if isinstance(x, torch.nn.Module):  # a parameterless module (distance_function=PairwiseDistance())
        cls = getattr(sn.nn, type(x).__name__, None)
        if cls is None or list(x.parameters()):
            raise Unheld(type(x).__name__)
        keep = {k: v for k, v in vars(x).items() if not k.startswith("_") and k != "training"}
        ours = cls.__new__(cls)
        cls.__init__(ours)
        vars(ours).update(keep)
        return ours
    if isinstance(x, torch.Generator):
        raise Unheld("generator")
    if isinstance(x, complex):
        raise Unheld("complex")
    if isinstance(x, (list, tuple)):
        return type(x)(to_sn(v) for v in x)
    if isinstance(x, dict):
        return {k: to_sn(v) for k, v in x.items()}
    return x


def resolve(name):
    """scratchnet's function for an OpInfo name ("nn.functional.relu", "linalg.det", "add")."""
    obj = sn
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def port(fn):
    """A sample's Python wrapper (OpInfo's lambdas reorder arguments: ``where`` takes the condition
    second) rebuilt to call scratchnet: the same code with ``torch`` in its globals bound to it."""
    if isinstance(fn, functools.partial):  # partial(torch.nn.functional.mish, inplace=True)
        inner = port(fn.func) or mirror(fn.func)
        return inner and functools.partial(inner, *fn.args, **fn.keywords)
    if not isinstance(fn, types.FunctionType) or not fn.__module__.startswith("torch.testing"):
        return None
    names = {"torch": sn, "F": sn.nn.functional, "wrapper_set_seed": seeded}
    return types.FunctionType(fn.__code__, {**fn.__globals__, **names}, fn.__name__, fn.__defaults__, fn.__closure__)


def mirror(fn):
    """scratchnet's function of the same module and name as a torch function, or None."""
    module, name = getattr(fn, "__module__", None) or "", getattr(fn, "__name__", "")
    if not module.startswith("torch"):
        return None
    obj = resolve(".".join(module.split(".")[1:] + [name]).lstrip("."))
    return obj if callable(obj) else None


def seeded(op, *args, **kwargs):
    """OpInfo's ``wrapper_set_seed`` for scratchnet: random ops run from seed 42, as torch's do."""
    sn.manual_seed(42)
    return op(*args, **kwargs)


def counterpart(op, variant, t_fn):
    """scratchnet's callable for one variant of an op, or a "missing: ..." string."""
    ported = port(t_fn)
    if ported is not None:
        return ported
    if variant == "function" and not op.name.startswith("__"):
        return resolve(op.name) or "missing: scratchnet has no " + op.name
    name = getattr(t_fn, "__name__", op.name)
    return getattr(sn.Tensor, name, None) or f"missing: scratchnet.Tensor has no {name}"


def leaves(out):
    if isinstance(out, (tuple, list)):
        return [leaf for o in out for leaf in leaves(o)]
    return [out]


def tolerance(dtype):
    return {"float32": (1.3e-5, 1e-5), "float64": (1e-7, 1e-7)}.get(dtype, (0, 0))


#: ops whose values are uninitialised memory: only the shapes, dtypes and strides can be compared
UNINITIALISED = {"empty", "empty_like", "empty_strided", "empty_permuted", "new_empty", "new_empty_strided"}


def compare(ours, theirs, values=True):
    """None when the results agree, else what differs (``values=False``: shapes, dtypes and
    strides only)."""
    ours, theirs = leaves(ours), leaves(theirs)
    if len(ours) != len(theirs):
        return f"{len(ours)} outputs vs torch's {len(theirs)}"
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if isinstance(b, torch.Tensor):
            if not isinstance(a, sn.Tensor):
                return f"output {i}: {type(a).__name__} vs torch's Tensor"
            if b.dtype not in HELD:
                continue
            an, bn = a.detach().numpy(), b.detach().numpy(force=True)  # (force: torch's gradients may be ZeroTensors)
            if tuple(an.shape) != tuple(bn.shape):
                return f"output {i}: shape {list(an.shape)} vs torch's {list(bn.shape)}"
            if str(an.dtype) != str(b.dtype).replace("torch.", ""):
                return f"output {i}: dtype {an.dtype} vs torch's {b.dtype}"
            if not values:
                if a.stride() != b.stride():
                    return f"output {i}: stride {a.stride()} vs torch's {b.stride()}"
                continue
            rtol, atol = tolerance(str(an.dtype))
            if an.dtype.kind == "f":
                ok = np.allclose(an, bn, rtol=rtol, atol=atol, equal_nan=True)
            else:
                ok = np.array_equal(an, bn)
            if not ok:
                return f"output {i}: values {np.array2string(an.ravel()[:6], precision=6)} vs torch's {np.array2string(bn.ravel()[:6], precision=6)}"
        elif isinstance(b, (int, float, bool)) and not isinstance(a, sn.Tensor):
            if not (a == b or (isinstance(b, float) and np.isnan(b) and np.isnan(a))):
                return f"output {i}: {a!r} vs torch's {b!r}"
    return None


def grads(lib, out, inputs, seed):
    """d sum(out * cotangent) / d inputs, for the floating outputs that carry a graph."""
    rng = np.random.default_rng(seed)
    total, outs = None, [o for o in leaves(out) if isinstance(o, lib.Tensor) and o.requires_grad and o.dtype.is_floating_point]
    for o in outs:
        cot = lib.tensor(rng.standard_normal(tuple(o.shape)).astype(str(o.dtype).replace("torch.", "")))
        term = (o * cot).sum()
        total = term if total is None else total + term
    if total is None:
        return None
    return lib.autograd.grad(total, inputs, allow_unused=True)


def run_sample(op, variant, sample, dtype, want_grad):
    """None (agreement), "skip" or a description of the difference."""
    t_fn = {"function": op.op, "method": op.method_variant, "inplace": op.inplace_variant}[variant]
    if t_fn is None:
        return "skip"
    t_args = (sample.input, *sample.args)
    try:
        s_args, s_kwargs = to_sn(t_args), to_sn(sample.kwargs)
    except Unheld:
        return "skip"
    s_fn = counterpart(op, variant, t_fn)
    if isinstance(s_fn, str):
        return s_fn
    if variant == "inplace" and isinstance(t_args[0], torch.Tensor):  # in place on leaves that want grad is an error in both: act on copies
        t_args = (t_args[0].detach().clone(), *t_args[1:])
        s_args = (s_args[0].detach().clone(), *s_args[1:])
    try:
        theirs = t_fn(*t_args, **sample.kwargs)
    except Exception as e:  # torch refuses: scratchnet must refuse with the same type
        try:
            s_fn(*s_args, **s_kwargs)
        except Exception as ours:
            if not isinstance(ours, type(e)) and not isinstance(e, NotImplementedError):
                return f"raises {type(ours).__name__} ({str(ours)[:80]}) where torch raises {type(e).__name__} ({str(e)[:80]})"
            return None
        return f"returns where torch raises {type(e).__name__}: {str(e)[:120]}"
    try:
        ours = s_fn(*s_args, **s_kwargs)
    except Exception as e:
        return f"raises {type(e).__name__}: {str(e)[:160]}"
    diff = compare(ours, theirs, values=op.name not in UNINITIALISED)
    process = port(getattr(sample, "output_process_fn_grad", None))
    if diff and process is not None:  # factors unique only up to signs (svd, eigh, qr): compare what OpInfo's own tests compare
        try:
            theirs, ours = sample.output_process_fn_grad(theirs), process(ours)
            diff = compare(ours, theirs, values=op.name not in UNINITIALISED) and diff
        except Exception as e:
            diff = f"{diff} (and output_process_fn_grad raises {type(e).__name__}: {str(e)[:80]})"
    elif process is not None and want_grad:  # the gradients OpInfo checks are those of the processed outputs
        try:
            theirs, ours = sample.output_process_fn_grad(theirs), process(ours)
        except Exception:
            pass
    if diff or not want_grad or variant != "function":
        return diff
    t_in = [a for a in leaves(list(t_args) + list(sample.kwargs.values())) if isinstance(a, torch.Tensor) and a.requires_grad]
    s_in = [a for a in leaves(list(s_args) + list(s_kwargs.values())) if isinstance(a, sn.Tensor) and a.requires_grad]
    try:
        tg = grads(torch, theirs, t_in, 0)
    except Exception:
        return None  # torch has no derivative here
    if tg is None:
        return None
    try:
        sg = grads(sn, ours, s_in, 0)
    except Exception as e:
        return f"backward raises {type(e).__name__}: {str(e)[:160]}"
    tg = [g if g is not None else torch.zeros_like(i) for g, i in zip(tg, t_in)]
    sg = [g if g is not None else sn.zeros_like(i) for g, i in zip(sg or [], s_in)]
    diff = compare(sg, tg)
    return diff and "gradient " + diff


def run_error_input(op, error_input):
    """None when scratchnet refuses OpInfo's error input with torch's exception type, else what
    happened ("skip" when the input cannot be given to scratchnet)."""
    sample = error_input.sample_input
    try:
        s_args, s_kwargs = to_sn((sample.input, *sample.args)), to_sn(sample.kwargs)
    except Unheld:
        return "skip"
    s_fn = counterpart(op, "function", op.op)
    if isinstance(s_fn, str):
        return s_fn
    try:
        s_fn(*s_args, **s_kwargs)
    except Exception as e:
        if isinstance(e, error_input.error_type):
            return None
        return f"raises {type(e).__name__} ({str(e)[:80]}) where torch raises {error_input.error_type.__name__} ({error_input.error_regex[:80]})"
    return f"returns where torch raises {error_input.error_type.__name__}: {error_input.error_regex[:120]}"


def describe(sample):
    def short(x):
        if isinstance(x, torch.Tensor):
            return f"T{list(x.shape)}{str(x.dtype).replace('torch.', '')}"
        if isinstance(x, (list, tuple)):
            return type(x)(short(v) for v in x)
        return x
    return f"input={short(sample.input)} args={short(tuple(sample.args))} kwargs={short(sample.kwargs)}"


class Tally:
    """The sweep's counts and failures: ``add(key, tags, check)`` runs one comparison (a callable
    returning None, "skip" or what differs) and files its result; ``report`` prints them."""

    def __init__(self):
        self.total, self.agree, self.failed = 0, 0, {}

    def add(self, key, tags, check, desc):
        try:
            result = check()
        except Exception as e:  # the sweep itself must not stop
            result = f"sweep error {type(e).__name__}: {str(e)[:120]}"
        if result == "skip":
            return result
        self.total += 1
        if result is None:
            self.agree += 1
        else:
            self.failed.setdefault(key, []).append((tags, result, desc()))
        return result

    def report(self, show, noun="ops"):
        for key, fails in sorted(self.failed.items()):
            print(f"{key}: {len(fails)} failing")
            seen = set()
            for tags, result, desc in fails:
                if result[:40] in seen:
                    continue
                seen.add(result[:40])
                print(f"    [{tags}] {result}\n        {desc[:300]}")
                if len(seen) >= show:
                    break
        print(f"agree: {self.agree} / {self.total} samples; {len(self.failed)} {noun} with a difference")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ops", default=".*", help="regular expression on OpInfo names (full match)")
    p.add_argument("--dtypes", nargs="+", default=["float32", "float64", "int64", "int32", "uint8", "bool"])
    p.add_argument("--variants", nargs="+", default=["function", "method", "inplace"])
    p.add_argument("--no-grad", action="store_true", help="skip the gradient comparison")
    p.add_argument("--show", type=int, default=3, help="distinct failures printed per op")
    p.add_argument("--reference", action="store_true", help="OpInfo's reference inputs (a superset of the samples) instead")
    p.add_argument("--errors", action="store_true", help="also OpInfo's error inputs: scratchnet must raise torch's exception type")
    a = p.parse_args(argv)
    from torch.testing._internal.common_methods_invocations import op_db

    pattern, tally = re.compile(a.ops), Tally()
    for op in op_db:
        if not pattern.fullmatch(op.name):
            continue
        key = op.name + (f" ({op.variant_test_name})" if op.variant_test_name else "")
        if a.errors and op.error_inputs_func is not None:
            try:
                error_inputs = list(op.error_inputs("cpu"))
            except Exception:
                error_inputs = []
            for error_input in error_inputs:
                tally.add(key, "error input", lambda: run_error_input(op, error_input), lambda: describe(error_input.sample_input))
        for dname in a.dtypes:
            dtype = DTYPES[dname]
            if dtype not in op.supported_dtypes("cpu"):
                continue
            want_grad = dtype.is_floating_point and op.supports_autograd and not a.no_grad
            try:
                inputs = op.reference_inputs if a.reference else op.sample_inputs
                samples = list(inputs("cpu", dtype, requires_grad=want_grad))
            except Exception:
                continue
            for sample in samples:
                for variant in a.variants:
                    torch.manual_seed(0)
                    sn.manual_seed(0)
                    result = tally.add(key, f"{variant} {dname}", lambda: run_sample(op, variant, sample, dtype, want_grad), lambda: describe(sample))
                    if result and result.startswith("missing"):
                        break
    tally.report(a.show)


if __name__ == "__main__":
    main()
