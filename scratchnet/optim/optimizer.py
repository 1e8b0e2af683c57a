"""The Optimizer base, with torch's structure: ``param_groups`` (each a dict of hyperparameters
and its ``params``), ``state[param]`` (per-parameter buffers), ``zero_grad``, ``step``,
``add_param_group``, ``state_dict`` / ``load_state_dict``, step pre/post hooks.

Subclasses write ``update(p, grad, state, group)``: one parameter's step on arrays, in place.
``group`` there holds plain numbers (a tensor ``lr`` is read as its value).

>>> import scratchnet as sn
>>> w = sn.nn.Parameter(sn.tensor([1.0, 2.0]))
>>> opt = sn.optim.SGD([w], lr=0.5)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w.tolist()
[0.0, 0.0]
"""

import copy
import functools
import itertools
from collections import OrderedDict, defaultdict

from ..backend import xp
from ..tensor import RemovableHandle, Tensor, enable_grad, get_default_dtype, no_grad  # noqa: F401  (the one handle class)

_required = object()  # a hyperparameter with no default (SGD's lr in old torch versions)


def check(value, ok, message):
    """Raise torch's ValueError for an invalid hyperparameter."""
    if not ok:
        raise ValueError(message.format(value))
    return value


def check_lr(lr):
    """torch's two checks on ``lr``: a tensor must hold one element; the value must be >= 0."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    return check(lr, not lr < 0.0, "Invalid learning rate: {}")


def flags(defaults, foreach=None, capturable=False, differentiable=False, **fused):
    """torch's implementation switches. ``foreach`` and ``fused`` choose kernels, not results, so
    they are recorded (torch lists them in ``param_groups``) and otherwise ignored; ``capturable``
    (CUDA graphs) is refused at the first step, as torch refuses it on a CPU-only machine;
    ``differentiable`` is refused here: scratchnet's updates are not recorded by autograd.
    ``fused`` is passed only by the optimizers whose torch twin has a fused kernel."""
    if differentiable:
        raise RuntimeError("differentiable=True is not supported: scratchnet's optimizer steps are not recorded by autograd")
    if fused.get("fused") and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    return dict(defaults, foreach=foreach, capturable=capturable, differentiable=differentiable, **fused)


def in_order(defaults, names):
    """``defaults`` with its keys in torch's order (``names``, space-separated): the order in which
    ``param_groups`` and ``state_dict()`` list them."""
    names = names.split()
    assert sorted(names) == sorted(defaults), (names, list(defaults))
    return {k: defaults[k] for k in names}


def plain(value):
    """A hyperparameter as a number: a one-element tensor gives its value; tuples element-wise."""
    if isinstance(value, Tensor):
        return value.item()
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    return value



_global_step_pre_hooks, _global_step_post_hooks = OrderedDict(), OrderedDict()


def register_optimizer_step_pre_hook(hook):
    """A step pre hook for every optimizer: ``hook(optimizer, args, kwargs)``, run before their own."""
    handle = RemovableHandle(_global_step_pre_hooks)
    _global_step_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook):
    """A step post hook for every optimizer: ``hook(optimizer, args, kwargs)``, run before their own."""
    handle = RemovableHandle(_global_step_post_hooks)
    _global_step_post_hooks[handle.id] = hook
    return handle


def _with_hooks(step):
    """Wrap a ``step`` so the optimizer's pre hooks run before it and its post hooks after
    (once: a subclass's step calling ``super().step()`` does not run them again)."""

    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        if self.__dict__.get("_in_step"):
            return step(self, *args, **kwargs)
        self._in_step = True
        try:
            for hook in [*_global_step_pre_hooks.values(), *self._hooks("_step_pre_hooks")]:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(f"{hook} must return None or a tuple of (new_args, new_kwargs), but got {result}.")
                    args, kwargs = result
            self._opt_called = True  # read by the schedulers' "step order" warning
            out = step(self, *args, **kwargs)
            for hook in [*_global_step_post_hooks.values(), *self._hooks("_step_post_hooks")]:
                hook(self, args, kwargs)
            return out
        finally:
            self._in_step = False

    wrapper._with_hooks = True
    return wrapper


class Optimizer:
    """The base of every optimizer: ``param_groups`` (each with its hyperparameters), ``state[param]``, ``zero_grad(set_to_none=True)``, ``step(closure)``, ``add_param_group``, ``state_dict``/``load_state_dict`` in torch's layout.

    >>> import scratchnet as sn
    >>> o = sn.optim.SGD([sn.nn.Parameter(sn.ones(2))], lr=0.1)
    >>> o.param_groups[0]['lr']
    0.1
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__ and not getattr(cls.__dict__["step"], "_with_hooks", False):
            cls.step = _with_hooks(cls.__dict__["step"])

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        self._step_pre_hooks, self._step_post_hooks = OrderedDict(), OrderedDict()  # see register_step_*_hook
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, but got " + params.type())
        if isinstance(params, (set, frozenset)):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a group of parameters, with its own hyperparameters (the rest from ``defaults``)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.")
        params = list(params)
        if params and all(isinstance(p, tuple) and len(p) == 2 for p in params):  # named_parameters()
            group["param_names"] = [name for name, _ in params]
            params = [p for _, p in params]
        group["params"] = params
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__module__}.{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is _required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            import warnings

            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will cause an error", stacklevel=3)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Forget the gradients: ``None`` (the default, as torch), or zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.detach_()
                    if p.grad.array.flags.writeable:
                        p.grad.array[...] = 0
                    else:
                        p.grad.array = xp.zeros_like(p.grad.array)

    @_with_hooks
    def step(self, closure=None):
        """Update every parameter that has a gradient; ``closure`` re-evaluates the loss first."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                hyper = {k: plain(v) for k, v in group.items() if k != "params"}
                if hyper.get("capturable") and any(p.grad is not None for p in group["params"]):
                    # CUDA-graph capture: torch on a CPU-only machine refuses it at the first step
                    raise AssertionError("If capturable=True, params and state_steps must be on supported devices: ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'].")
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    grad = p.grad.array
                    if hyper.get("maximize", False):
                        grad = -grad
                    self.update(p, grad, self.state[p], hyper)
                    p._version[0] += 1
        return loss

    def update(self, p, grad, state, group):
        raise NotImplementedError

    # --- hooks ---------------------------------------------------------------------------------

    def _register(self, name, hook, prepend=False):
        hooks = self.__dict__.setdefault(name, OrderedDict())
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def _hooks(self, name):
        return list(self.__dict__.get(name, {}).values())

    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` runs before each ``step``; it may return new (args, kwargs)."""
        return self._register("_step_pre_hooks", hook)

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` runs after each ``step``."""
        return self._register("_step_post_hooks", hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer)`` runs before ``state_dict()`` builds its result."""
        return self._register("_state_dict_pre_hooks", hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict)`` runs on ``state_dict()``'s result; it may return a new one."""
        return self._register("_state_dict_post_hooks", hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict)`` runs before loading; it may return the dict to load instead."""
        return self._register("_load_state_dict_pre_hooks", hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer)`` runs after ``load_state_dict()``."""
        return self._register("_load_state_dict_post_hooks", hook, prepend)

    # --- state ---------------------------------------------------------------------------------

    def state_dict(self):
        """{"state": {index: buffers}, "param_groups": [hyperparameters, "params": [indices]]}, as torch.

        Parameters are numbered in the order the groups list them; the buffers are the live ones
        (torch does not copy either; ``scratchnet.save`` or ``copy.deepcopy`` does)."""
        for hook in self._hooks("_state_dict_pre_hooks"):
            hook(self)
        index, groups = {}, []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {(index[id(p)] if isinstance(p, Tensor) else p): s for p, s in self.state.items() if not isinstance(p, Tensor) or id(p) in index}
        result = {"state": state, "param_groups": groups}
        for hook in self._hooks("_state_dict_post_hooks"):
            result = hook(self, result) or result
        return result

    def load_state_dict(self, state_dict):
        """Restore ``state_dict()``'s output: buffers are copied and cast to their parameter's
        floating dtype (``step`` is kept as saved), hyperparameters replace the groups' own."""
        state_dict = dict(state_dict)
        for hook in self._hooks("_load_state_dict_pre_hooks"):
            state_dict = hook(self, state_dict) or state_dict
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(s["params"]) != len(g["params"]) for s, g in zip(saved_groups, self.param_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
        id_map = dict(zip(itertools.chain.from_iterable(g["params"] for g in saved_groups), itertools.chain.from_iterable(g["params"] for g in self.param_groups)))
        state = defaultdict(dict)
        for key, buffers in state_dict["state"].items():
            if key in id_map:
                state[id_map[key]] = _cast(id_map[key], buffers)
            else:
                state[key] = buffers
        for saved, own in zip(saved_groups, self.param_groups):
            saved["params"] = own["params"]
            if "param_names" in own and "param_names" not in saved:
                saved["param_names"] = own["param_names"]
        self.state, self.param_groups = state, saved_groups
        for hook in self._hooks("_load_state_dict_post_hooks"):
            hook(self)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def _cast(param, value, key=None):
    """A deep copy of a saved state value; tensors (bar ``step``) take the parameter's float dtype."""
    if isinstance(value, Tensor) or isinstance(value, xp.ndarray):
        array = value.array if isinstance(value, Tensor) else value
        if key != "step" and param.array.dtype.kind == "f":
            array = array.astype(param.array.dtype)
        return Tensor._make(xp.array(array, copy=True))
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value


def buffer(state, name, like, fill=0.0):
    """The named state buffer of a parameter, created (as torch: zeros) on the first step."""
    if name not in state:
        state[name] = Tensor._make(xp.full_like(like, fill))
    return state[name].array


def scalar_dtype():
    """torch's dtype for 0-d state like ``step``: float64 under a float64 default, else float32."""
    return xp.float64 if get_default_dtype() == xp.float64 else xp.float32


def scalar_state(value):
    """A 0-d state tensor (``step``, ASGD's ``eta``, NAdam's ``mu_product``) in torch's dtype."""
    return Tensor._make(xp.array(value, dtype=scalar_dtype()))


def count_step(state):
    """Increment and return the step count, kept as torch keeps it (a float32 0-d tensor)."""
    if "step" not in state:
        state["step"] = scalar_state(0.0)
    state["step"].array += 1
    return float(state["step"].array)


def lerp_(start, end, weight):
    """start <- start + weight (end - start) in place, in torch's two-sided form (exact at weight 1)."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)
    return start
