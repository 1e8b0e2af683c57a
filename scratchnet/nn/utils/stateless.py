"""``torch.nn.utils.stateless.functional_call``: run a module with other tensors in place of its
parameters and buffers, for one call (the module is left as it was).

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> import warnings
>>> m = nn.Linear(2, 1)
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     out = functional_call(m, {"weight": sn.ones(1, 2), "bias": sn.zeros(1)}, (sn.tensor([[1.0, 2.0]]),))
>>> out.tolist()
[[3.0]]
"""

import contextlib
import warnings

from ...tensor import Tensor

__all__ = ["functional_call"]


def _untie(module, tensors):
    """Give every name tied to a given one (the same tensor under two names) the given value."""
    named = dict(module.named_parameters(remove_duplicate=False))
    named.update(module.named_buffers(remove_duplicate=False))
    groups = {}
    for name, t in named.items():
        groups.setdefault(id(t), set()).add(name)
    tied = {n: names for names in groups.values() if len(names) > 1 for n in names}
    given = [n for n in tensors if n in tied]
    for name in given:
        names = tied[name]
        if len(names & set(given)) > 1 and len({id(tensors[n]) for n in names if n in tensors}) != 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, which are tied. "
                             "Consider using tie_weights=False")
    out = dict(tensors)
    for name in given:
        for other in tied[name]:
            out[other] = tensors[name]
    return out


def _locate(module, name):
    *path, leaf = name.split(".")
    for part in path:
        child = module._modules.get(part) if part in module._modules else getattr(module, part, None)
        if child is None:
            return None, leaf
        module = child
    return module, leaf


@contextlib.contextmanager
def _reparametrize_module(module, tensors, tie_weights=False, strict=False):
    if tie_weights:
        tensors = _untie(module, tensors)
    if strict:
        own = set(dict(module.named_parameters(remove_duplicate=False))) | set(dict(module.named_buffers(remove_duplicate=False)))
        unexpected = [k for k in tensors if k not in own]
        missing = [k for k in own if k not in tensors]
        errors = []
        if unexpected:
            errors.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            errors.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if errors:
            raise RuntimeError(f"Error(s) in reparametrizing for {module._get_name()}:\n\t" + "\n\t".join(errors))
    undo = []
    try:
        for name, value in tensors.items():
            owner, leaf = _locate(module, name)
            if owner is None:
                continue
            if not isinstance(value, Tensor):
                raise TypeError(f"{value} is not an instance of torch.Tensor")
            for table in (owner._parameters, owner._buffers):
                if leaf in table:
                    undo.append((table, leaf, table[leaf]))
                    table[leaf] = value  # straight into the table: the parameter's place is kept
                    break
            else:
                undo.append((owner, leaf, owner.__dict__.get(leaf, _MISSING)))
                object.__setattr__(owner, leaf, value)
        yield
    finally:
        for where, leaf, old in reversed(undo):
            if isinstance(where, dict):
                where[leaf] = old
            elif old is _MISSING:
                where.__dict__.pop(leaf, None)
            else:
                object.__setattr__(where, leaf, old)


_MISSING = object()


def _functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True, strict=False):
    kwargs = {} if kwargs is None else kwargs
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _reparametrize_module(module, parameters_and_buffers, tie_weights=tie_weights, strict=strict):
        return module(*args, **kwargs)


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` with ``parameters_and_buffers`` (a dict from dotted names, as
    ``named_parameters()``/``named_buffers()`` give them, to Tensors) used in place of the module's
    own tensors for this one call. Deprecated in torch (a FutureWarning) in favour of
    :func:`scratchnet.func.functional_call`.

    Args:
        tie_weights (bool): a tensor the module uses under several names (tied weights) takes the
            given value under all of them.
        strict (bool): the dict must name every parameter and buffer, and nothing else.

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> import warnings
    >>> m = nn.Linear(1, 1, bias=False)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     functional_call(m, {"weight": sn.full((1, 1), 2.0)}, sn.ones(1, 1)).item()
    2.0
    """
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be removed in a "
                  "future version of PyTorch. Please use `torch.func.functional_call` instead which is a drop-in "
                  "replacement.", FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights, strict=strict)
