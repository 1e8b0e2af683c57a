"""Module and Parameter, with torch's conventions (the containers live in :mod:`.container`).

Assigning a Parameter, a Module or a registered buffer to a Module attribute records it, in
order, so ``named_parameters()`` gives dotted names ("features.0.weight") and those names are the
``state_dict`` keys, the same keys torch uses for the same network. Reassigning an attribute keeps
its place in that order, as torch does.

>>> import scratchnet.nn as nn
>>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
>>> [name for name, _ in net.named_parameters()]
['0.weight', '0.bias', '2.weight', '2.bias']
>>> net
Sequential(
  (0): Linear(in_features=2, out_features=3, bias=True)
  (1): ReLU()
  (2): Linear(in_features=3, out_features=1, bias=True)
)
"""

from collections import OrderedDict, namedtuple

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Tensor
from .hooks import BackwardHook, Handle


def _lazy(t):
    """Whether ``t`` is a lazy module's placeholder (nn.UninitializedParameter / Buffer)."""
    return getattr(type(t), "cls_to_become", None) is not None


class Parameter(Tensor):
    """A Tensor that a Module learns: it requires grad and is listed by ``parameters()``."""

    def __init__(self, data=None, requires_grad=True):
        self._setup(xp.empty(0, dtype=xp.float32) if data is None else data, None, requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it missed and the ones it did not expect."""

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _addindent(text, spaces):
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def _check_name(module, name, table, kind):
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain ".", got: {name}')
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')
    if hasattr(module, name) and name not in getattr(module, table):
        raise KeyError(f"attribute '{name}' already exists")


class Module:
    """Base class of every layer and network: subclasses set attributes in ``__init__`` and write
    ``forward``; calling the module runs ``forward`` (with its hooks)."""

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments {args} {kwargs}")
        for name in ("_parameters", "_buffers", "_modules", "_forward_hooks", "_forward_hooks_with_kwargs",
                     "_forward_pre_hooks", "_forward_pre_hooks_with_kwargs", "_backward_hooks", "_backward_pre_hooks"):
            object.__setattr__(self, name, OrderedDict())
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_non_persistent", set())

    # --- registration ------------------------------------------------------------------------------

    def __setattr__(self, name, value):
        params, modules, buffers = (self.__dict__.get(t) for t in ("_parameters", "_modules", "_buffers"))
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, keep="_parameters")
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' (scratchnet.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, keep="_modules")
            modules[name] = value  # an existing key keeps its place: children() order is kept
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' (scratchnet.nn.Module or None expected)")
            modules[name] = None
        elif getattr(value, "_is_buffer", False) and isinstance(value, Tensor):  # an nn.Buffer: registered
            if buffers is None:
                raise AttributeError("cannot assign buffer before Module.__init__() call")
            self.register_buffer(name, value, persistent=getattr(value, "persistent", True))
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' (Tensor or None expected)")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name, keep):
        self.__dict__.pop(name, None)
        for table in ("_parameters", "_buffers", "_modules"):
            if table != keep:
                self.__dict__[table].pop(name, None)
        self._non_persistent.discard(name)

    def __getattr__(self, name):
        for table in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(table)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for table in (self._parameters, self._buffers, self._modules):
            if name in table:
                del table[name]
                self._non_persistent.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        keys = set(object.__dir__(self)) | set(self._parameters) | set(self._modules) | set(self._buffers)
        return sorted(k for k in keys if not k[:1].isdigit())

    def register_parameter(self, name, param):
        """Add a parameter (or None, a declared but absent one, like ``bias=False``)."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name(self, name, "_parameters", "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' (scratchnet.nn.Parameter or None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created explicitly.")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """A tensor that belongs to the module's state but is not learned (e.g. running_mean)."""
        _check_name(self, name, "_buffers", "buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' (Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name, module):
        """Add a child module under ``name`` (or None, a declared empty slot)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        _check_name(self, name, "_modules", "module")
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target):
        """The submodule at a dotted path (``"features.0"``); ``""`` is the module itself."""
        module = self
        for item in target.split(".") if target else ():
            if not hasattr(module, item):
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def get_parameter(self, target):
        """The parameter at a dotted path (``"features.0.weight"``)."""
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target):
        """The buffer at a dotted path (``"bn.running_mean"``)."""
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        if name not in module._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return module._buffers[name]

    # --- hooks ----------------------------------------------------------------------------------------

    def _add_hook(self, table, hook, prepend, kwargs_table=None, with_kwargs=False):
        handle = Handle(table, kwargs_table)
        table[handle.id] = hook
        if kwargs_table is not None and with_kwargs:
            kwargs_table[handle.id] = True
        if prepend:
            table.move_to_end(handle.id, last=False)
        return handle

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """``hook(module, args)`` (or ``hook(module, args, kwargs)``) before every forward; it may
        return new args (or ``(args, kwargs)``). Returns a handle with ``remove()``."""
        return self._add_hook(self._forward_pre_hooks, hook, prepend, self._forward_pre_hooks_with_kwargs, with_kwargs)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """``hook(module, args, output)`` (or ``hook(module, args, kwargs, output)``) after every
        forward; a value it returns replaces the output."""
        return self._add_hook(self._forward_hooks, hook, prepend, self._forward_hooks_with_kwargs, with_kwargs)

    def register_full_backward_hook(self, hook, prepend=False):
        """``hook(module, grad_input, grad_output)`` once the gradients with respect to the module's
        inputs are computed; it may return new grad_input."""
        return self._add_hook(self._backward_hooks, hook, prepend)

    def register_backward_hook(self, hook):
        """torch's deprecated module backward hook, served by the full backward hook (torch's own
        advice); its arguments are the module's true grad_input and grad_output."""
        return self.register_full_backward_hook(hook)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """``hook(module, grad_output)`` when the gradients of the outputs are known; it may return
        new grad_output."""
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    # --- running -----------------------------------------------------------------------------------

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required \"forward\" function")

    def __call__(self, *args, **kwargs):
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks or self._backward_pre_hooks):
            return self.forward(*args, **kwargs)
        for key, hook in list(self._forward_pre_hooks.items()):
            if key in self._forward_pre_hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got {result}.")
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        bw_hook = None
        if self._backward_hooks or self._backward_pre_hooks:
            bw_hook = BackwardHook(self, list(self._backward_hooks.values()), list(self._backward_pre_hooks.values()))
            args = bw_hook.setup_input_hook(args)
        out = self.forward(*args, **kwargs)
        for key, hook in list(self._forward_hooks.items()):
            if key in self._forward_hooks_with_kwargs:
                result = hook(self, args, kwargs, out)
            else:
                result = hook(self, args, out)
            if result is not None:
                out = result
        if bw_hook is not None:
            out = bw_hook.setup_output_hook(out)
        return out

    # --- walking the tree --------------------------------------------------------------------------

    def _get_name(self):
        return type(self).__name__

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(dotted name, module) for this module and every submodule, depth first, each once."""
        memo = set() if memo is None else memo
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self, remove_duplicate=True):
        """This module and every submodule, depth first (a module reached twice once, unless
        ``remove_duplicate=False``)."""
        return (m for _, m in self.named_modules(remove_duplicate=remove_duplicate))

    def named_children(self):
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self):
        return (m for _, m in self.named_children())

    def _named(self, table, prefix, recurse, remove_duplicate):
        seen = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for mod_prefix, module in modules:
            for name, t in getattr(module, table).items():
                if t is None or (remove_duplicate and id(t) in seen):
                    continue
                seen.add(id(t))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), t

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        return self._named("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        return self._named("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        return (b for _, b in self.named_buffers(recurse=recurse))

    # --- modes and gradients -----------------------------------------------------------------------

    def train(self, mode=True):
        """Set training mode here and in every submodule; returns self (as torch)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        object.__setattr__(self, "training", mode)
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad = Tensor._make(xp.zeros_like(p.grad.array))

    def apply(self, fn):
        """Call ``fn`` on every submodule (children first) and on self; returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def _cast(self, dtype):
        """Give every floating parameter and buffer (and gradient) ``dtype``, in place."""
        for module in self.modules():
            for table in (module._parameters, module._buffers):
                for t in table.values():
                    if t is not None and t.is_floating_point() and t.dtype != dtype:
                        t.array = t.array.astype(dtype)
                        if t.grad is not None:
                            t.grad = Tensor._make(t.grad.array.astype(dtype))
        return self

    def double(self):
        return self._cast(xp.dtype("float64"))

    def float(self):
        return self._cast(xp.dtype("float32"))

    def half(self):
        raise TypeError("scratchnet does not support float16 (half precision); use float32 or float64")

    def bfloat16(self):
        raise TypeError("scratchnet does not support bfloat16; use float32 or float64")

    # --- state ---------------------------------------------------------------------------------------

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """Parameters and persistent buffers by dotted name (torch's ``state_dict``); values share
        storage with the module's (detached unless ``keep_vars``)."""
        if args:  # torch's deprecated positional form state_dict(destination, prefix, keep_vars)
            destination = args[0]
            prefix = args[1] if len(args) > 1 else prefix
            keep_vars = args[2] if len(args) > 2 else keep_vars
        state = OrderedDict() if destination is None else destination
        for name, p in self._parameters.items():
            if p is not None:  # a lazy module's placeholders are kept as they are
                state[prefix + name] = p if keep_vars or _lazy(p) else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent:
                state[prefix + name] = b if keep_vars or _lazy(b) else b.detach()
        for name, module in self._modules.items():  # a module used twice appears under both names
            if module is not None:
                module.state_dict(destination=state, prefix=prefix + name + ".", keep_vars=keep_vars)
        return state

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy values in by key; with ``strict``, missing or unexpected keys are an error.

        Returns ``_IncompatibleKeys(missing_keys, unexpected_keys)``. A shape mismatch is always an
        error, naming the key and both shapes. Nothing is copied unless everything fits.
        """
        if not hasattr(state_dict, "keys"):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        for name, module in self.named_modules():  # pre-hooks first (a lazy module materializes here)
            for hook in list(module.__dict__.get("_load_state_dict_pre_hooks", {}).values()):
                hook(state_dict, name + "." if name else "", {}, strict, [], [], [])
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict and unexpected:
            errors.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ". ")
        if strict and missing:
            errors.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ")
        values = {}
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if _lazy(target):  # still a placeholder (the checkpoint's is one too): nothing to copy
                continue
            if _lazy(value):  # a placeholder into a real tensor: torch's error reading its shape
                value.shape
            array = value.array if isinstance(value, Tensor) else xp.asarray(value)
            if tuple(array.shape) != tuple(target.shape):
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {list(array.shape)} from "
                    f"checkpoint, the shape in current model is {list(target.shape)}."
                )
            values[key] = array
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(errors))
        for key, array in values.items():
            own[key].array[...] = array
            own[key]._version[0] += 1
        return _IncompatibleKeys(missing, unexpected)

    def _register_load_state_dict_pre_hook(self, hook, with_module=False):
        """``hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
        error_msgs)`` (the module first with ``with_module``) before ``load_state_dict`` reads
        this module's entries. Returns a handle with ``remove()``."""
        table = self.__dict__.setdefault("_load_state_dict_pre_hooks", OrderedDict())
        return self._add_hook(table, (lambda *args: hook(self, *args)) if with_module else hook, False)

    def register_load_state_dict_pre_hook(self, hook):
        """``hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` before ``load_state_dict`` reads this module's entries.

        >>> import scratchnet as sn
        >>> net = sn.nn.Sequential(sn.nn.Linear(2, 2))
        >>> handle = net[0].register_load_state_dict_pre_hook(lambda m, sd, prefix, *rest: print(prefix))
        >>> _ = net.load_state_dict(net.state_dict())
        0.
        """
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    # --- printing ------------------------------------------------------------------------------------

    def extra_repr(self):
        """The layer's arguments, shown inside its repr (override in subclasses)."""
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): " + _addindent(repr(module), 2) for name, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"

    # --- devices and shared memory (these override the older to/cpu above) ---------------------------

    def _tensors(self):
        """Every parameter, its grad, and every buffer of this module and its submodules."""
        for module in self.modules():
            for t in list(module._parameters.values()) + list(module._buffers.values()):
                if t is not None:
                    yield t
                    if t.grad is not None:
                        yield t.grad

    def to(self, *args, **kwargs):
        """``to(device)``, ``to(dtype)``, ``to(tensor)``, ``to(device, dtype)``: floating parameters,
        their grads and buffers are cast in place (the Parameter objects stay the same, so an
        optimizer built before still holds them). Devices other than the CPU are refused."""
        from .._device import parse_device
        from ..tensor import Tensor, check_dtype

        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None), kwargs.pop("memory_format", None), kwargs.pop("copy", None)
        if "device" in kwargs:
            parse_device(kwargs.pop("device"))
        if kwargs:
            raise TypeError(f"to() received an invalid combination of arguments - got unexpected {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif a is not None and parse_device(a) is None and not isinstance(a, bool):
                dtype = a
        if dtype is None:
            return self
        dtype = check_dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=scratchnet.{dtype}")
        for t in self._tensors():
            if t.is_floating_point() and t.dtype != dtype:
                t.array = t.array.astype(dtype)
        return self

    def cuda(self, device=None):
        """Refused, as torch refuses on a machine without a GPU."""
        from .._device import check_cpu, device as Device

        check_cpu(Device("cuda"))

    def cpu(self):
        return self

    def share_memory(self):
        """Move parameters, grads and buffers into shared memory, in place, so processes started
        afterwards (fork; ``scratchnet.multiprocessing``) update the same weights (hogwild)."""
        for t in self._tensors():
            t.share_memory_()
        return self


from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential  # noqa: E402,F401
