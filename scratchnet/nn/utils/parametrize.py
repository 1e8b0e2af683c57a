"""``torch.nn.utils.parametrize``: a tensor of a module computed from other tensors.

After ``register_parametrization(module, "weight", P)``, reading ``module.weight`` runs
``P(original)`` every time (``original`` is the old parameter, now kept at
``module.parametrizations.weight.original``); assigning ``module.weight = X`` stores
``P.right_inverse(X)`` into ``original``. Several parametrizations chain:
``weight = P2(P1(original))``. As in torch, the module's class is swapped for a subclass named
``Parametrized<Class>`` that holds the ``weight`` property; removing the last parametrization
restores the class.

    module.weight == parametrizations.weight[-1](...parametrizations.weight[0](original))

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> class Symmetric(nn.Module):
...     def forward(self, X):
...         return X.triu() + X.triu(1).transpose(-1, -2)
>>> m = register_parametrization(nn.Linear(3, 3), "weight", Symmetric())
>>> type(m).__name__, bool((m.weight == m.weight.T).all())
('ParametrizedLinear', True)
>>> list(m.state_dict())
['bias', 'parametrizations.weight.original']
"""

import collections.abc
import copy
from contextlib import contextmanager

from ...tensor import Tensor, no_grad
from ..container import ModuleDict, ModuleList
from ..module import Module, Parameter

__all__ = ["ParametrizationList", "cached", "is_parametrized", "register_parametrization",
           "remove_parametrizations", "transfer_parametrizations_and_params", "type_before_parametrizations"]

_cache_depth = [0]
_cache = {}


@contextmanager
def cached():
    """Inside this block each parametrized tensor is computed once, on first read, and reused
    (e.g. a weight read at every step of an RNN). The cache is emptied when the outermost block
    ends.

    >>> import scratchnet.nn as nn
    >>> class Double(nn.Module):
    ...     def forward(self, X):
    ...         return 2 * X
    >>> m = register_parametrization(nn.Linear(2, 2), "weight", Double())
    >>> with cached():
    ...     m.weight is m.weight
    True
    >>> m.weight is m.weight
    False
    """
    _cache_depth[0] += 1
    try:
        yield
    finally:
        _cache_depth[0] -= 1
        if not _cache_depth[0]:
            _cache.clear()


def _set_to(dest, src):
    """``dest.set_(src)``: ``dest`` (the same Tensor object) now holds ``src``'s memory."""
    dest._array = src._array
    dest._version_counter[0] += 1


def _register_tensor(module, name, X):
    if isinstance(X, Parameter):
        module.register_parameter(name, X)
    else:
        module.register_buffer(name, X)


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, in the order they apply, and the ``original`` tensor
    (or ``original0``, ``original1``, ... when the first ``right_inverse`` returns a sequence).
    Made by :func:`register_parametrization`; calling it computes the parametrized tensor.

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> p = ParametrizationList([nn.Identity()], nn.Parameter(sn.ones(2)))
    >>> p().tolist(), p.original.requires_grad
    ([1.0, 1.0], True)
    """

    def __init__(self, modules, original, unsafe=False):
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        shape, dtype = original.shape, original.dtype
        new = original
        with no_grad():
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass
        if not isinstance(new, (Tensor, collections.abc.Sequence)):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                             f"Got {type(new).__name__}")
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if new.dtype != dtype:
                raise ValueError("When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                                 f"original.dtype: {dtype}\nright_inverse(original).dtype: {new.dtype}")
            with no_grad():
                _set_to(original, new)
            _register_tensor(self, "original", original)
        else:
            for i, part in enumerate(new):
                if not isinstance(part, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                                     f"Got element {i} of the sequence with type {type(part).__name__}.")
                if isinstance(original, Parameter):
                    part = Parameter(part, original.requires_grad)
                part.requires_grad_(original.requires_grad)
                _register_tensor(self, f"original{i}", part)
        if not self.unsafe:
            Z = self()
            if not isinstance(Z, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(Z).__name__}.")
            if Z.dtype != dtype:
                raise ValueError("Registering a parametrization may not change the dtype of the tensor, unless "
                                 f"`unsafe` flag is enabled.\nunparametrized dtype: {dtype}\nparametrized dtype: {Z.dtype}")
            if Z.shape != shape:
                raise ValueError("Registering a parametrization may not change the shape of the tensor, unless "
                                 f"`unsafe` flag is enabled.\nunparametrized shape: {shape}\nparametrized shape: {Z.shape}")

    def right_inverse(self, value):
        """Store ``value`` (the new parametrized tensor) by running each ``right_inverse`` from the
        last parametrization to the first, then writing into ``original``."""
        with no_grad():
            for module in reversed(list(self)):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement right_inverse.")
                value = module.right_inverse(value)
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype {value.dtype} while "
                                     f"`original` has dtype {self.original.dtype}")
                _set_to(self.original, value)
                return
            if not isinstance(value, collections.abc.Sequence):
                raise ValueError(f"'right_inverse' must return a sequence of tensors. Got {type(value).__name__}.")
            if len(value) != self.ntensors:
                raise ValueError(f"'right_inverse' must return a sequence of tensors of length {self.ntensors}. "
                                 f"Got a sequence of length {len(value)}.")
            for i, tensor in enumerate(value):
                original_i = getattr(self, f"original{i}")
                if not isinstance(tensor, Tensor):
                    raise ValueError("'right_inverse' must return a sequence of tensors or reference-type opaques. "
                                     f"Got element {i} of type {type(tensor).__name__}.")
                if original_i.dtype != tensor.dtype:
                    raise ValueError(f"Tensor {i} returned by `right_inverse` has dtype {tensor.dtype} while "
                                     f"`original{i}` has dtype {original_i.dtype}")
                _set_to(original_i, tensor)

    def forward(self):
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in list(self)[1:]:
            x = module(x)
        return x


def _deepcopy(self, memo):
    replica = memo.get(id(self))
    if replica is not None:
        return replica
    replica = self.__new__(self.__class__)
    memo[id(self)] = replica
    replica.__dict__ = copy.deepcopy(self.__dict__, memo)
    return replica


def _getstate(self):
    raise RuntimeError(
        "Serialization of parametrized modules is only supported through state_dict(). See:\n"
        "https://pytorch.org/tutorials/beginner/saving_loading_models.html"
        "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training"
    )


def _inject_new_class(module):
    cls = module.__class__
    attrs = {"__getstate__": _getstate}
    if not hasattr(cls, "__deepcopy__"):
        attrs["__deepcopy__"] = _deepcopy
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), attrs)


def _inject_property(module, tensor_name):
    if hasattr(module, tensor_name):
        raise AssertionError(f"Module already has an attribute named '{tensor_name}'")

    def get_parametrized(self):
        parametrization = self.parametrizations[tensor_name]
        if not _cache_depth[0]:
            return parametrization()
        key = (id(self), tensor_name)
        if _cache.get(key) is None:
            _cache[key] = parametrization()
        return _cache[key]

    def set_original(self, value):
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(module.__class__, tensor_name, property(get_parametrized, set_original))


def _check_like(what, X, Y, tensor_name, returned):
    for attr in ("dtype", "shape"):
        a, b = getattr(X, attr), getattr(Y, attr)
        if a != b:
            if returned:
                raise ValueError(f"The tensor returned by parametrization.right_inverse must have the same {attr} "
                                 f"as module.{tensor_name}, unless the `unsafe` flag is enabled.\n"
                                 f"module.{tensor_name}.{attr}: {b}\nreturned {attr}: {a}")
            raise ValueError(f"Registering a parametrization may not change the {attr} of the tensor, unless the "
                             f"`unsafe` flag is enabled.\nmodule.{tensor_name}.{attr}: {b}\n"
                             f"parametrization(module.{tensor_name}).{attr}: {a}")


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make ``module.<tensor_name>`` the output of ``parametrization`` (a Module).

    Args:
        module (nn.Module): the module holding the parameter or buffer ``tensor_name``.
        tensor_name (str): the parameter or buffer to parametrize (or one already parametrized:
            the new parametrization is applied after the others).
        parametrization (nn.Module): its ``forward(X)`` gives the tensor; an optional
            ``right_inverse(Y)`` gives the ``original`` tensor(s) (one Tensor, or a sequence, which
            become ``original0``, ``original1``, ... and ``forward`` takes them all).
        unsafe (bool): skip the checks that the parametrization keeps the shape and dtype.

    Returns the module (its class now ``Parametrized<Class>``). Raises ValueError for a name that
    is neither a parameter, a buffer nor parametrized, and for a changed shape or dtype (unless
    ``unsafe``).

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> class Positive(nn.Module):
    ...     def forward(self, X):
    ...         return X.exp()
    ...     def right_inverse(self, Y):
    ...         return Y.log()
    >>> m = register_parametrization(nn.Linear(2, 2), "weight", Positive())
    >>> m.weight = sn.full((2, 2), 3.0)       # stored as log(3) in original
    >>> round(m.parametrizations.weight.original[0, 0].item(), 4), m.weight[0, 0].item()
    (1.0986, 3.0)
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            Y = getattr(module, tensor_name)
            X = parametrization(Y)
            if not isinstance(X, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(X).__name__}.")
            _check_like("forward", X, Y, tensor_name, returned=False)
            if hasattr(parametrization, "right_inverse"):
                try:
                    Z = parametrization.right_inverse(X)
                except NotImplementedError:
                    pass
                else:
                    if not isinstance(Z, Tensor):
                        raise ValueError(f"parametrization.right_inverse must return a tensor. Got: {type(Z).__name__}")
                    _check_like("right_inverse", Z, Y, tensor_name, returned=True)
        module.parametrizations[tensor_name].append(parametrization)
        module.parametrizations[tensor_name].unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = parametrizations
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element "
                         f"with name '{tensor_name}'")
    return module


def is_parametrized(module, tensor_name=None):
    """Whether ``module`` has a parametrization (on ``tensor_name``, or on any tensor).

    >>> import scratchnet.nn as nn
    >>> is_parametrized(nn.Linear(2, 2))
    False
    """
    parametrizations = getattr(module, "parametrizations", None)
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else tensor_name in parametrizations


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Undo :func:`register_parametrization` on ``tensor_name``.

    With ``leave_parametrized=True`` the tensor keeps its current (parametrized) value; with
    False it goes back to ``original`` (only possible when ``original`` is one tensor). The
    tensor is a parameter again (the same Parameter object as ``original`` when there is one
    original). When no parametrization is left, the module's class is restored.

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> class Double(nn.Module):
    ...     def forward(self, X):
    ...         return 2 * X
    >>> m = register_parametrization(nn.Linear(2, 2), "weight", Double())
    >>> w = m.weight.detach().clone()
    >>> m = remove_parametrizations(m, "weight")
    >>> type(m).__name__, bool((m.weight == w).all())
    ('Linear', True)
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                t = getattr(module, tensor_name)
                _set_to(original, t)
    else:
        if not leave_parametrized:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized "
                             "in terms of a sequence of tensors.")
        t = getattr(module, tensor_name)
        original = Parameter(t.detach()) if t.requires_grad else t
    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    _register_tensor(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = module.__class__.__bases__[0]
    return module


def type_before_parametrizations(module):
    """The module's class as it was before any parametrization.

    >>> import scratchnet.nn as nn
    >>> type_before_parametrizations(nn.Linear(2, 2)).__name__
    'Linear'
    """
    return module.__class__.__bases__[0] if is_parametrized(module) else type(module)


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    """Register on ``to_module`` the parametrizations of ``from_module`` (all, or those of
    ``tensor_name``) and make their ``original`` tensors the same objects.

    >>> import scratchnet.nn as nn
    >>> class Double(nn.Module):
    ...     def forward(self, X):
    ...         return 2 * X
    >>> a = register_parametrization(nn.Linear(2, 2), "weight", Double())
    >>> b = transfer_parametrizations_and_params(a, nn.Linear(2, 2))
    >>> b.parametrizations.weight.original is a.parametrizations.weight.original
    True
    """
    if is_parametrized(from_module):
        names = list(from_module.parametrizations) if tensor_name is None else [tensor_name]
        for name in names:
            if not hasattr(to_module, name):
                setattr(to_module, name, Parameter(getattr(from_module, name).detach()))
            for fn in from_module.parametrizations[name]:
                register_parametrization(to_module, name, fn)
            source, target = from_module.parametrizations[name], to_module.parametrizations[name]
            if hasattr(source, "original"):
                target.original = source.original
            else:
                i = 0
                while hasattr(source, f"original{i}"):
                    setattr(target, f"original{i}", getattr(source, f"original{i}"))
                    i += 1
    return to_module
