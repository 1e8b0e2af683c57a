"""Find the first place where a scratchnet model and its torch twin disagree.

Both models run the same input with hooks on every leaf module (a layer with no submodules); then
the same loss backward. The report walks the layers in forward order for the outputs, then in
backward order for the gradients (of each layer's input, and of its parameters), and names the
first layer whose values differ beyond tolerance while everything before it agrees: that layer's
forward (or backward) is where the engines part.

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
    layer: str  # dotted module name, e.g. "layer1.0"
    module: str  # its class, e.g. "Conv2d"
    what: str  # "output", "input gradient" or "gradient of weight"
    max_abs: float
    max_rel: float


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
        return (f"first mismatch: {f.what} of layer '{f.layer}' ({f.module}): max abs error {f.max_abs:.3g}, "
                f"max rel error {f.max_rel:.3g}; everything before it in the pass agrees")


def _leaves(model):
    return [(name, m) for name, m in model.named_modules() if name and not any(True for _ in m.children())]


def _capture(model, lib):
    """Register hooks that keep each leaf module's input and output (with their gradients)."""
    seen, handles = {}, []
    for name, module in _leaves(model):
        def hook(mod, inputs, output, name=name):
            if name in seen:  # a module used twice (a shared ReLU): keep the first use
                return
            x = inputs[0] if inputs else None
            if x is not None and x.requires_grad:
                x.retain_grad()
            if output.requires_grad:
                output.retain_grad()
            seen[name] = (type(mod).__name__, x, output)

        handles.append(module.register_forward_hook(hook))
    return seen, handles


def _numpy(t):
    if t is None:
        return None
    return t.detach().cpu().numpy() if hasattr(t, "cpu") else t.detach().numpy()


def _differs(a, b, rtol, atol):
    if a is None or b is None:
        return (a is None) != (b is None), float("inf"), float("inf")
    if a.shape != b.shape:
        return True, float("inf"), float("inf")
    err = np.abs(a.astype(float) - b.astype(float))
    rel = err / np.maximum(np.abs(b.astype(float)), 1e-300)
    bad = err > atol + rtol * np.abs(b)
    return bool(bad.any()), float(err.max(initial=0.0)), float(rel.max(initial=0.0))


def locate_mismatch(model, torch_model, input, target=None, loss="sum", rtol=1e-6, atol=1e-8):
    """Run both models on ``input`` (a scratchnet tensor), backward from the same loss, compare.

    ``loss``: "sum" (the outputs' sum) or "cross_entropy" (with class-index ``target``).
    Use float64 models for tight tolerances. Returns a :class:`Report`.
    """
    import torch

    import scratchnet

    x_ours = input.detach().requires_grad_(input.is_floating_point())
    x_theirs = torch.tensor(input.detach().numpy(), requires_grad=input.is_floating_point())
    device = next(iter(torch_model.parameters())).device
    x_theirs = x_theirs.to(device).detach().requires_grad_(x_theirs.requires_grad)
    records = []
    for lib, net, x in ((scratchnet, model, x_ours), (torch, torch_model, x_theirs)):
        seen, handles = _capture(net, lib)
        net.zero_grad()
        try:
            out = net(x)
            if loss == "cross_entropy":
                t = lib.tensor(target.detach().numpy() if hasattr(target, "numpy") else target)
                value = lib.nn.functional.cross_entropy(out, t.to(device) if lib is torch else t)
            else:
                value = out.sum()
            value.backward()
        finally:
            for h in handles:
                h.remove()
        records.append(seen)
    ours, theirs = records
    names = [n for n in ours if n in theirs]  # forward order
    report = Report(ok=True)

    def check(name, what, a, b):
        bad, abs_err, rel_err = _differs(a, b, rtol, atol)
        report.checked.append((name, what, abs_err))
        if bad and report.ok:
            report.ok = False
            report.first = Finding(name, ours[name][0], what, abs_err, rel_err)
        return bad

    for name in names:  # forward: the first layer whose output differs
        if check(name, "output", _numpy(ours[name][2]), _numpy(theirs[name][2])):
            return report
    modules_ours, modules_theirs = dict(model.named_modules()), dict(torch_model.named_modules())
    for name in reversed(names):  # backward: the first layer whose input or weight gradient differs
        for pname, p in modules_ours[name].named_parameters(recurse=False):
            q = dict(modules_theirs[name].named_parameters(recurse=False))[pname]
            if check(name, f"gradient of {pname}", _numpy(p.grad), _numpy(q.grad)):
                return report
        x_a, x_b = ours[name][1], theirs[name][1]
        if x_a is not None and x_b is not None and x_b.requires_grad:
            if check(name, "input gradient", _numpy(x_a.grad), _numpy(x_b.grad)):
                return report
    return report
