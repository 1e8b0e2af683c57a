"""``scratchnet.as_torch()``: run unmodified PyTorch code on scratchnet.

Inside ``with scratchnet.as_torch():`` an import hook (a finder at the front of ``sys.meta_path``)
answers every import of ``torch`` or ``torchvision`` — and of each sub-path — with scratchnet's
module of the same path::

    torch                      -> scratchnet
    torch.nn.functional        -> scratchnet.nn.functional
    torch.utils.data           -> scratchnet.utils.data
    torch.optim.lr_scheduler   -> scratchnet.optim.lr_scheduler
    torchvision                -> scratchnet.vision
    torchvision.datasets       -> scratchnet.vision.datasets

A sub-path scratchnet does not have raises ``ModuleNotFoundError`` naming it. On exit the hook is
removed and ``sys.modules`` gets back every entry it had before (real torch, if it was imported,
is ``torch`` again), and the modules imported inside that hold scratchnet in torch's place (a
model file's ``import torch``) are dropped, so importing them again afterwards runs them afresh
against real torch. Modules imported inside that never saw the alias (the standard library's,
NumPy's, scratchnet's own) stay loaded: they are the same for either engine.

>>> import scratchnet
>>> with scratchnet.as_torch():
...     import torch
...     import torch.nn.functional as F
...     from torchvision import transforms
>>> torch is scratchnet, F is scratchnet.nn.functional, transforms is scratchnet.vision.transforms
(True, True, True)
>>> with scratchnet.as_torch():
...     import torch.fx
Traceback (most recent call last):
    ...
ModuleNotFoundError: No module named 'torch.fx': scratchnet has no such part (there is no scratchnet.fx)
"""

import importlib
import importlib.abc
import importlib.util
import sys
import types
from contextlib import contextmanager

#: torch's top-level packages and the scratchnet module each one becomes
ALIASES = {"torch": "scratchnet", "torchvision": "scratchnet.vision"}


def target_of(name):
    """The scratchnet module that stands for ``name`` (``"torch.nn"`` -> ``"scratchnet.nn"``), or None."""
    top, dot, rest = name.partition(".")
    if top not in ALIASES:
        return None
    return ALIASES[top] + dot + rest


def _is_aliased(name):
    return target_of(name) is not None


class _TorchFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``torch...``/``torchvision...`` and loads scratchnet's module of the same path."""

    def __init__(self):
        self._own_specs = {}

    def find_spec(self, fullname, path=None, target=None):
        if not _is_aliased(fullname):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        target = target_of(spec.name)
        try:
            module = importlib.import_module(target)
        except ModuleNotFoundError as error:
            if error.name is not None and (target == error.name or target.startswith(error.name + ".")):
                raise ModuleNotFoundError(f"No module named '{spec.name}': scratchnet has no such part "
                                          f"(there is no {target})", name=spec.name) from None
            raise
        self._own_specs[spec.name] = getattr(module, "__spec__", None)
        return module

    def exec_module(self, module):
        # the import system stamped torch's spec on scratchnet's module: give it its own back
        module.__spec__ = self._own_specs.pop(module.__spec__.name, module.__spec__)


def _holds_alias(module, tainted_names):
    """Whether a module's globals refer to scratchnet standing in for torch: an aliased module, an
    object defined in scratchnet, or one defined in a module already found to hold it."""
    try:
        values = list(vars(module).values())
    except TypeError:
        return False
    for value in values:
        if isinstance(value, types.ModuleType):
            name = getattr(value, "__name__", "") or ""
            if name == "scratchnet" or name.startswith("scratchnet.") or name in tainted_names:
                return True
            continue
        owner = getattr(value, "__module__", None)
        if isinstance(owner, str) and (owner == "scratchnet" or owner.startswith("scratchnet.") or owner in tainted_names):
            return True
    return False


def _modules_to_drop(before):
    """The modules imported inside the context that must not outlive it: torch's names, and every
    new module (and its new parent packages) that holds the alias, directly or through another."""
    new = {name: m for name, m in sys.modules.items() if name not in before}
    drop = {name for name in new if _is_aliased(name)}
    candidates = {name: m for name, m in new.items()
                  if name not in drop and name != "scratchnet" and not name.startswith("scratchnet.")}
    changed = True
    while changed:  # a module that imports a model module that imports torch holds it too
        changed = False
        for name, module in candidates.items():
            if name not in drop and _holds_alias(module, drop):
                drop.add(name)
                changed = True
    for name in list(drop):  # `from pkg import model` must not find a stale pkg.model afterwards
        parts = name.split(".")
        for i in range(1, len(parts)):
            parent = ".".join(parts[:i])
            if parent in new and not parent.startswith("scratchnet"):
                drop.add(parent)
    return drop


@contextmanager
def as_torch():
    """Inside this context ``import torch`` (and ``torchvision``, and every sub-path) imports
    scratchnet: unmodified PyTorch code runs on scratchnet.

    The previous ``sys.modules`` entries come back on exit (so real torch is importable again), and
    modules imported inside that hold scratchnet in torch's place are dropped. Contexts nest.

    Example::

        with scratchnet.as_torch():
            import my_pytorch_model      # its `import torch` gets scratchnet
        net = my_pytorch_model.Net()     # a scratchnet module, usable after the context

    >>> import scratchnet
    >>> with scratchnet.as_torch():
    ...     import torch.nn as nn
    ...     layer = nn.Linear(2, 3)
    >>> type(layer) is scratchnet.nn.Linear
    True
    """
    before = dict(sys.modules)
    for name in [n for n in sys.modules if _is_aliased(n)]:
        del sys.modules[name]  # so that importing them goes through the finder
    finder = _TorchFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        try:
            sys.meta_path.remove(finder)
        except ValueError:
            pass
        for name in _modules_to_drop(before):
            sys.modules.pop(name, None)
        for name in [n for n in sys.modules if _is_aliased(n)]:
            sys.modules.pop(name, None)
        for name, module in before.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
