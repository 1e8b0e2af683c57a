"""Find the first place where a scratchnet model and its torch twin disagree.

Both models run the same input with hooks on every module (the layers, the blocks that hold them,
the model itself); then the same loss backward. Each module call records its inputs and outputs
(values as they were then, and the tensors for their gradients).

- **Forward**: the calls are checked in the order they finish. The first call whose output
  differs is the place, if its input agrees: that module's forward is where the engines part
  (its own code, since every module it called agreed). If its input already differs, the code of
  the enclosing module between its layers (``x = x * 2`` in ``forward``) is.
- **Backward**: a module whose output gradient agrees but whose input gradient (or a parameter's
  gradient) differs is where the backward parts; the innermost such module, latest in the
  forward pass (the first one the backward pass reaches), is reported.

It works for any model made of modules both engines have, with the same state-dict keys.

>>> import scratchnet as sn, scratchnet.models, reference.models
>>> from reference.exchange import copy_to_torch
>>> net = scratchnet.models.LeNet().double()
>>> twin = copy_to_torch(net, reference.models.LeNet().double())
>>> locate_mismatch(net, twin, sn.randn(2, 1, 32, 32, dtype=sn.float64)).ok
True
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Finding:
    layer: str  # dotted module name, e.g. "layer1.0"; "" is the model itself
    module: str  # its class, e.g. "Conv2d"
    what: str  # "output", "input gradient", "gradient of weight", or the code between layers
    max_abs: float
    max_rel: float
    detail: str = ""  # for the code between layers: which call it feeds (or follows)


def _describe(layer, module):
    return f"the model ({module})" if layer == "" else f"layer '{layer}' ({module})"


@dataclass
class Report:
    ok: bool
    first: Finding = None
    checked: list = field(default_factory=list)  # (layer, what, max_abs) in the order checked

    def __str__(self):
        if self.ok:
            worst = max((c[2] for c in self.checked), default=0.0)
            return f"no mismatch: {len(self.checked)} checks over every layer agree (largest abs difference {worst:.3g})"
        f = self.first
        errors = f"max abs error {f.max_abs:.3g}, max rel error {f.max_rel:.3g}"
        if f.what == "forward code":
            return (f"first mismatch: the forward code of {_describe(f.layer, f.module)} between its layers, before it calls "
                    f"'{f.detail}' (whose input differs: {errors}); every layer before it agrees")
        if f.what == "backward of code":
            return (f"first mismatch: the backward of the forward code of {_describe(f.layer, f.module)} after it calls "
                    f"'{f.detail}' (whose output gradient differs: {errors}); every layer after it agrees")
        return f"first mismatch: {f.what} of {_describe(f.layer, f.module)}: {errors}; everything before it in the pass agrees"


@dataclass
class _Call:
    key: tuple  # (module name, how many times it was called before)
    module: str
    parent: tuple  # the key of the call whose forward made this call (None for the outermost)
    inputs: list  # tensors among the positional arguments
    input_values: list  # their values when the call began
    outputs: list
    output_values: list


def _tensors(value, tensor_type):
    """The tensors in a (nested) value, in order."""
    if isinstance(value, tensor_type):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v, tensor_type)]
    return []


def _numpy(t):
    if t is None:
        return None
    t = t.detach()
    return (t.cpu() if hasattr(t, "cpu") else t).numpy().copy()


def _capture(model, tensor_type):
    """Hooks on every module: a list of :class:`_Call` in the order the calls finish."""
    calls, stack, counts, handles = [], [], {}, []
    for name, module in model.named_modules():
        def before(mod, args, name=name):
            key = (name, counts.get(name, 0))
            counts[name] = key[1] + 1
            inputs = _tensors(args, tensor_type)
            stack.append((key, inputs, [_numpy(t) for t in inputs]))

        def after(mod, args, output, name=name):
            if not stack or stack[-1][0][0] != name:
                return
            key, inputs, values = stack.pop()
            for t in inputs:
                if t.requires_grad:
                    t.retain_grad()
            outputs = _tensors(output, tensor_type)
            for t in outputs:
                if t.requires_grad:
                    t.retain_grad()
            parent = stack[-1][0] if stack else None
            calls.append(_Call(key, type(mod).__name__, parent, inputs, values, outputs, [_numpy(t) for t in outputs]))

        handles.append(module.register_forward_pre_hook(before))
        handles.append(module.register_forward_hook(after))
    return calls, handles


def _differs(a, b, rtol, atol):
    if a is None and b is None:  # neither has one (a tensor that needs no gradient): they agree
        return False, 0.0, 0.0
    if a is None or b is None:
        return True, float("inf"), float("inf")
    if a.shape != b.shape:
        return True, float("inf"), float("inf")
    a, b = a.astype(float), b.astype(float)
    same_special = (np.isnan(a) & np.isnan(b)) | (np.isinf(a) & (a == b))
    with np.errstate(invalid="ignore"):
        err = np.where(same_special, 0.0, np.abs(a - b))
        size = np.abs(np.nan_to_num(b))
        rel = np.where(size > 0, err / np.where(size > 0, size, 1.0), np.where(err > 0, np.inf, 0.0))
    err, rel = np.nan_to_num(err, nan=np.inf, posinf=np.inf), np.nan_to_num(rel, nan=np.inf, posinf=np.inf)
    bad = err > atol + rtol * np.abs(np.nan_to_num(b))
    return bool(bad.any()), float(err.max(initial=0.0)), float(rel.max(initial=0.0))


def _worst(pairs, rtol, atol):
    """(any differ, max abs, max rel) over pairs of arrays."""
    if not pairs:
        return False, 0.0, 0.0
    results = [_differs(a, b, rtol, atol) for a, b in pairs]
    return any(r[0] for r in results), max(r[1] for r in results), max(r[2] for r in results)


def _run(lib, net, x, loss, target, device, seed):
    calls, handles = _capture(net, lib.Tensor)
    net.zero_grad()
    if seed is not None:  # the same dropout masks in both engines (their generators are the same)
        lib.manual_seed(seed)
    try:
        out = net(x)
        if loss == "cross_entropy":
            t = lib.tensor(target.detach().numpy() if hasattr(target, "numpy") else target)
            value = lib.nn.functional.cross_entropy(out, t.to(device) if device is not None else t)
        else:
            value = sum(o.sum() for o in _tensors(out, lib.Tensor))
        value.backward()
    finally:
        for h in handles:
            h.remove()
    return calls


def _is_within(key, ancestor, parents):
    while key is not None:
        key = parents.get(key)
        if key == ancestor:
            return True
    return False


def locate_mismatch(model, torch_model, input, target=None, loss="sum", rtol=1e-6, atol=1e-8, seed=None):
    """Run both models on ``input`` (a scratchnet tensor), backward from the same loss, compare
    module by module, and name the first one where they part.

    ``loss``: "sum" (the sum of the outputs) or "cross_entropy" (with class-index ``target``).
    Use float64 models for tight tolerances. ``seed``: seed both generators just before each
    forward (so models in train mode draw the same dropout masks). Returns a :class:`Report`: ``ok``, ``first`` (a
    :class:`Finding`: layer, module class, what differs, the errors) and ``checked``.
    """
    import torch

    import scratchnet

    floating = input.is_floating_point()
    x_ours = input.detach().requires_grad_(floating)
    params = list(torch_model.parameters()) + list(torch_model.buffers())
    device = params[0].device if params else torch.device("cpu")
    x_theirs = torch.tensor(input.detach().numpy()).to(device).requires_grad_(floating)
    ours = _run(scratchnet, model, x_ours, loss, target, None, seed)
    theirs = {c.key: c for c in _run(torch, torch_model, x_theirs, loss, target, device, seed)}
    calls = [c for c in ours if c.key in theirs]  # in the order they finished
    parents = {c.key: c.parent for c in calls}
    report = Report(ok=True)

    def label(key):
        name, k = key
        return name if k == 0 else f"{name} (call {k + 1})"

    def check(key, what, pairs):
        bad, abs_err, rel_err = _worst(pairs, rtol, atol)
        report.checked.append((label(key), what, abs_err))
        return bad, abs_err, rel_err

    def found(call, what, errors, detail="", layer=None):
        report.ok = False
        name = call.key[0] if layer is None else layer[0]
        module = call.module if layer is None else layer[1]
        report.first = Finding(name, module, what, errors[1], errors[2], detail)
        return report

    by_key = {c.key: c for c in calls}
    for call in calls:  # forward
        twin = theirs[call.key]
        out = check(call.key, "output", list(zip(call.output_values, twin.output_values)))
        if len(call.output_values) != len(twin.output_values):
            out = (True, float("inf"), float("inf"))
        if not out[0]:
            continue
        inp = _worst(list(zip(call.input_values, twin.input_values)), rtol, atol)
        if not inp[0]:
            return found(call, "output", out)
        parent = by_key.get(call.parent)
        where = (parent.key[0], parent.module) if parent else (call.key[0], call.module)
        return found(call, "forward code", inp, detail=label(call.key), layer=where)

    def grads(tensors):
        return [_numpy(t.grad) if t.requires_grad else None for t in tensors]

    modules_ours, modules_theirs = dict(model.named_modules()), dict(torch_model.named_modules())
    state = {}  # key -> (output grads agree, what differs, errors)
    params_seen = set()
    for call in reversed(calls):  # backward: the last call of the forward is the first the gradients reach
        twin = theirs[call.key]
        name = call.key[0]
        out_bad = check(call.key, "output gradient", list(zip(grads(call.outputs), grads(twin.outputs))))
        problem = None
        if name not in params_seen:  # a module's parameter gradients hold every call's share: check once
            params_seen.add(name)
            theirs_params = dict(modules_theirs[name].named_parameters(recurse=False))
            for pname, p in modules_ours[name].named_parameters(recurse=False):
                q = theirs_params.get(pname)
                result = check(call.key, f"gradient of {pname}", [(_numpy(p.grad), _numpy(q.grad) if q is not None else None)])
                if result[0] and problem is None:
                    problem = (f"gradient of {pname}", result)
        inp = check(call.key, "input gradient", list(zip(grads(call.inputs), grads(twin.inputs))))
        if problem is None and inp[0]:
            problem = ("input gradient", inp)
        state[call.key] = (not out_bad[0], problem, out_bad)
    candidates = [c for c in reversed(calls) if state[c.key][0] and state[c.key][1]]
    innermost = [c for c in candidates if not any(_is_within(d.key, c.key, parents) for d in candidates if d is not c)]
    if innermost:
        call = innermost[0]
        what, errors = state[call.key][1]
        return found(call, what, errors)
    for call in reversed(calls):  # an output gradient differs with no module to blame: the code after the call
        if not state[call.key][0]:
            parent = by_key.get(call.parent)
            where = (parent.key[0], parent.module) if parent else (call.key[0], call.module)
            return found(call, "backward of code", state[call.key][2], detail=label(call.key), layer=where)
    return report
