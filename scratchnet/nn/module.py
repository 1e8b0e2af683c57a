"""Module, Parameter and the containers Sequential and ModuleList, with torch's conventions.

Assigning a Parameter, a Module or a registered buffer to a Module attribute records it, in
order, so ``named_parameters()`` gives dotted names ("features.0.weight") and those names are the
``state_dict`` keys, the same keys torch uses for the same network.

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

from collections import OrderedDict

from ..backend import xp
from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that a Module learns: it requires grad and is listed by ``parameters()``."""

    def __init__(self, data=None, requires_grad=True):
        super().__init__(xp.empty(0, dtype=xp.float32) if data is None else data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class Module:
    """Base class of every layer and network: subclasses set attributes in ``__init__`` and write
    ``forward``; calling the module runs ``forward``."""

    def __init__(self):
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())

    # --- registration ------------------------------------------------------------------------------

    def __setattr__(self, name, value):
        params, modules, buffers = (self.__dict__.get(t) for t in ("_parameters", "_modules", "_buffers"))
        if params is None and isinstance(value, (Parameter, Module)):
            raise AttributeError(f"cannot assign {name!r} before Module.__init__() call")
        if isinstance(value, Parameter):
            self._forget(name)
            params[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' (scratchnet.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            self._forget(name)
            modules[name] = value
        elif modules is not None and name in modules:
            modules[name] = value  # None removes the submodule's contents but keeps the slot
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' (Tensor or None expected)")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name):
        self.__dict__.pop(name, None)
        for table in (self._parameters, self._buffers, self._modules):
            table.pop(name, None)

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
                return
        object.__delattr__(self, name)

    def register_parameter(self, name, param):
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' (scratchnet.nn.Parameter or None required)")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """A tensor that belongs to the module's state but is not learned (e.g. running_mean)."""
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' (Tensor or None required)")
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)

    def add_module(self, name, module):
        self._modules[name] = module

    def register_forward_hook(self, hook):
        """``hook(module, inputs, output)`` runs after every forward; returns a handle to remove it."""
        key = object()
        self._forward_hooks[key] = hook
        return _Handle(self._forward_hooks, key)

    # --- running -----------------------------------------------------------------------------------

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required \"forward\" function")

    def __call__(self, *args, **kwargs):
        out = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, out)
            if result is not None:
                out = result
        return out

    # --- walking the tree --------------------------------------------------------------------------

    def named_modules(self, memo=None, prefix=""):
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, f"{prefix}.{name}" if prefix else name)

    def modules(self):
        return (m for _, m in self.named_modules())

    def named_children(self):
        return ((n, m) for n, m in self._modules.items() if m is not None)

    def children(self):
        return (m for _, m in self.named_children())

    def _named(self, table, recurse=True):
        seen = set()
        modules = self.named_modules() if recurse else [("", self)]
        for prefix, module in modules:
            for name, t in getattr(module, table).items():
                if t is None or id(t) in seen:
                    continue
                seen.add(id(t))
                yield (f"{prefix}.{name}" if prefix else name), t

    def named_parameters(self, prefix="", recurse=True):
        for name, p in self._named("_parameters", recurse):
            yield (f"{prefix}.{name}" if prefix else name), p

    def parameters(self, recurse=True):
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix="", recurse=True):
        for name, b in self._named("_buffers", recurse):
            yield (f"{prefix}.{name}" if prefix else name), b

    def buffers(self, recurse=True):
        return (b for _, b in self.named_buffers(recurse=recurse))

    # --- modes and gradients -----------------------------------------------------------------------

    def train(self, mode=True):
        """Set training mode here and in every submodule; returns self (as torch)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
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
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def to(self, *args, **kwargs):
        """Cast floating parameters and buffers (``.to(scratchnet.float64)``); the device must be cpu."""
        from ..ops.math import to as cast

        for module in self.modules():
            for table in (module._parameters, module._buffers):
                for name, t in table.items():
                    if t is not None and t.is_floating_point():
                        t.array = cast(t.detach(), *args, **kwargs).array
        return self

    def double(self):
        return self.to("float64")

    def float(self):
        return self.to("float32")

    def cpu(self):
        return self

    # --- state ---------------------------------------------------------------------------------------

    def state_dict(self):
        """Parameters and persistent buffers by dotted name, values shared (torch's ``state_dict``)."""
        state = OrderedDict()
        for prefix, module in self.named_modules():
            for name, p in module._parameters.items():
                if p is not None:
                    state[f"{prefix}.{name}" if prefix else name] = p.detach()
            for name, b in module._buffers.items():
                if b is not None and name not in module._non_persistent:
                    state[f"{prefix}.{name}" if prefix else name] = b.detach()
        return state

    def load_state_dict(self, state_dict, strict=True):
        """Copy values in by key; with ``strict``, missing or unexpected keys are an error.

        A shape mismatch is always an error, naming the key and both shapes. Nothing is copied unless
        everything fits.
        """
        own = self.state_dict()
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

    # --- printing ------------------------------------------------------------------------------------

    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")
            lines.append(f"({name}): {child}")
        if not self._modules:
            return f"{type(self).__name__}({extra})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"

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


class _Handle:
    def __init__(self, table, key):
        self.table, self.key = table, key

    def remove(self):
        self.table.pop(self.key, None)


class _IncompatibleKeys(tuple):
    def __new__(cls, missing, unexpected):
        out = super().__new__(cls, (missing, unexpected))
        out.missing_keys, out.unexpected_keys = missing, unexpected
        return out

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"


class Sequential(Module):
    """Modules run one after another; indexable and sliceable like a list."""

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                self.add_module(str(i), m)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __getitem__(self, index):
        items = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*items[index])
        return items[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __setitem__(self, index, module):
        key = list(self._modules)[index]
        self._modules[key] = module

    def append(self, module):
        self.add_module(str(len(self)), module)
        return self


class ModuleList(Module):
    """A list of modules whose parameters the parent module sees."""

    def __init__(self, modules=()):
        super().__init__()
        for m in modules:
            self.append(m)

    def append(self, module):
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules):
        for m in modules:
            self.append(m)
        return self

    def __getitem__(self, index):
        items = list(self._modules.values())
        return ModuleList(items[index]) if isinstance(index, slice) else items[index]

    def __setitem__(self, index, module):
        self._modules[list(self._modules)[index]] = module

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())
