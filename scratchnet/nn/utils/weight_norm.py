"""``torch.nn.utils.weight_norm`` (the hook-based form): ``w = g * v / ||v||``.

The parameter ``weight`` is replaced by ``weight_g`` (the magnitudes: one per slice along
``dim``) and ``weight_v`` (the direction); a forward pre-hook recomputes ``weight`` from them
before every forward. The norm is taken over every dim except ``dim`` (``dim=None`` or ``-1``:
over the whole tensor, ``weight_g`` then being 0-d, as torch's ``norm_except_dim``).

    weight = weight_g * weight_v / norm_except_dim(weight_v, 2, dim)

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     m = weight_norm(nn.Linear(3, 2))
>>> [name for name, _ in m.named_parameters()], tuple(m.weight_g.shape)
(['bias', 'weight_g', 'weight_v'], (2, 1))
"""

import warnings

from ..module import Parameter

__all__ = ["WeightNorm", "norm_except_dim", "remove_weight_norm", "weight_norm"]


def norm_except_dim(v, pow=2, dim=0):
    """``torch.norm_except_dim``: the ``pow``-norm of ``v`` over every dim but ``dim``, kept with
    size 1 in the reduced dims (``dim=-1``: the norm of the whole tensor, 0-d).

    >>> import scratchnet as sn
    >>> norm_except_dim(sn.tensor([[3.0, 4.0], [0.0, 1.0]]), 2, 0).tolist()
    [[5.0], [1.0]]
    """
    if dim == -1:
        return v.norm(pow)
    if v.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if not -v.ndim <= dim < v.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-v.ndim}, {v.ndim - 1}], but got {dim})")
    d = dim % v.ndim
    shape = [1] * v.ndim
    shape[d] = v.shape[d]
    return v.movedim(d, 0).reshape(v.shape[d], -1).norm(pow, dim=1).reshape(shape)


def _weight_norm(v, g, dim=0):
    """``torch._weight_norm``: ``v * (g / norm_except_dim(v, 2, dim))``."""
    return v * (g / norm_except_dim(v, 2, dim))


class WeightNorm:
    """The forward pre-hook that :func:`weight_norm` registers (its ``name`` and ``dim``)."""

    def __init__(self, name, dim):
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module):
        return _weight_norm(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"), self.dim)

    @staticmethod
    def apply(module, name, dim):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).detach()))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Reparametrize ``module.<name>`` as magnitude ``<name>_g`` times direction ``<name>_v``
    (deprecated in torch, with a FutureWarning, in favour of
    :func:`scratchnet.nn.utils.parametrizations.weight_norm`).

    Args:
        module (nn.Module): the module; name (str): the parameter; dim (int): the dim kept by
            the norm (``None``: the norm of the whole tensor).

    Returns the module, with parameters ``<name>_g`` and ``<name>_v`` in place of ``<name>``.

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     m = weight_norm(nn.Linear(3, 2), dim=None)
    >>> m.weight_g.shape
    scratchnet.Size([])
    """
    warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of `torch.nn.utils.parametrizations.weight_norm`.",
                  FutureWarning, stacklevel=2)
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    """Undo :func:`weight_norm`: ``<name>`` is one Parameter again, holding the current weight.

    >>> import scratchnet.nn as nn
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     m = remove_weight_norm(weight_norm(nn.Linear(3, 2)))
    >>> [name for name, _ in m.named_parameters()]
    ['bias', 'weight']
    """
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
