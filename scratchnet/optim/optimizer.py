"""The Optimizer base, with torch's structure: ``param_groups`` (each a dict of hyperparameters
and its ``params``), ``state[param]`` (per-parameter buffers), ``zero_grad``, ``step``,
``add_param_group``, ``state_dict`` / ``load_state_dict``.

Subclasses write ``update(p, grad, state, group)``: one parameter's step on arrays, in place.

>>> import scratchnet as sn
>>> w = sn.nn.Parameter(sn.tensor([1.0, 2.0]))
>>> opt = sn.optim.SGD([w], lr=0.5)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w.tolist()
[0.0, 0.0]
"""

from collections import defaultdict

from ..backend import xp
from ..tensor import Tensor, enable_grad, no_grad

_required = object()  # a hyperparameter with no default (SGD's lr in old torch versions)


def check(value, ok, message):
    """Raise torch's ValueError for an invalid hyperparameter."""
    if not ok:
        raise ValueError(message.format(value))
    return value


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, but got a Tensor")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        group = dict(param_group)
        params = group["params"]
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is _required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            group.setdefault(name, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad = Tensor._make(xp.zeros_like(p.grad.array))

    def step(self, closure=None):
        """Update every parameter that has a gradient; ``closure`` re-evaluates the loss first."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    grad = p.grad.array
                    if group.get("maximize", False):
                        grad = -grad
                    self.update(p, grad, self.state[p], group)
                    p._version[0] += 1
        return loss

    def update(self, p, grad, state, group):
        raise NotImplementedError

    # --- state ---------------------------------------------------------------------------------

    def state_dict(self):
        """{"state": {index: buffers}, "param_groups": [hyperparameters, "params": [indices]]}, as torch."""
        index, groups = {}, []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: {k: (v.detach() if isinstance(v, Tensor) else v) for k, v in s.items()} for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(groups)} parameter groups; this optimizer has {len(self.param_groups)}")
        for i, (saved, own) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(own["params"]):
                raise ValueError(
                    f"loaded state dict contains a parameter group {i} of {len(saved['params'])} parameters; "
                    f"this optimizer's has {len(own['params'])}"
                )
        by_index = {i: p for saved, own in zip(groups, self.param_groups) for i, p in zip(saved["params"], own["params"])}
        self.state = defaultdict(dict)
        for i, buffers in state_dict["state"].items():
            p = by_index[int(i)]
            self.state[p] = {
                k: (Tensor(xp.array(v.array if isinstance(v, Tensor) else v, dtype=p.dtype if k != "step" else None)) if isinstance(v, Tensor) or hasattr(v, "shape") else v)
                for k, v in buffers.items()
            }
        for saved, own in zip(groups, self.param_groups):
            own.update({k: v for k, v in saved.items() if k != "params"})

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def buffer(state, name, like, fill=0.0):
    """The named state buffer of a parameter, created (as torch: zeros) on the first step."""
    if name not in state:
        state[name] = Tensor._make(xp.full_like(like, fill))
    return state[name].array


def count_step(state):
    """Increment and return the step count, kept as torch keeps it (a float32 0-d tensor)."""
    if "step" not in state:
        state["step"] = Tensor._make(xp.zeros((), dtype=xp.float32))
    state["step"].array += 1
    return float(state["step"].array)
