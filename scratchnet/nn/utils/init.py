"""``torch.nn.utils.skip_init``: make a module without running its parameter initialisation.

>>> import scratchnet.nn as nn
>>> m = skip_init(nn.Linear, 4, 2)
>>> tuple(m.weight.shape)
(2, 4)
"""

import inspect

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """Instantiate ``module_cls(*args, **kwargs)`` with uninitialised parameters.

    torch builds the module on the ``meta`` device and then allocates empty memory; scratchnet has
    no meta device, so the module is built normally and its parameters and buffers are then set
    to zeros (torch's are arbitrary memory), with the random generator's state restored: as in
    torch, no random numbers are consumed. ``module_cls`` must take a ``device`` argument.

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> _ = sn.manual_seed(0); a = sn.rand(1).item()
    >>> _ = sn.manual_seed(0); _ = skip_init(nn.Linear, 3, 3); b = sn.rand(1).item()
    >>> a == b
    True
    """
    from ..module import Module

    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    from ... import random

    state = random.get_rng_state()
    try:
        module = module_cls(*args, **kwargs)
    finally:
        random.set_rng_state(state)
    for t in list(module.parameters()) + list(module.buffers()):
        t.array[...] = 0
    return module
