"""``torch.autograd.grad_mode``: the switches of graph recording.

``no_grad``, ``enable_grad``, ``set_grad_enabled`` (scratchnet/tensor.py) and ``inference_mode``
(scratchnet/_platform.py), plus ``set_multithreading_enabled`` (the backward runs on one thread
here; the switch is remembered and answered by ``is_multithreading_enabled``).

>>> import scratchnet as sn
>>> with no_grad():
...     with enable_grad():
...         sn.is_grad_enabled()
True
"""

from .._platform import inference_mode
from ..tensor import enable_grad, is_grad_enabled, no_grad, set_grad_enabled

__all__ = ["enable_grad", "inference_mode", "is_multithreading_enabled", "no_grad", "set_grad_enabled",
           "set_multithreading_enabled"]

_multithreading = [True]


def is_multithreading_enabled():
    """Whether the backward may use several threads (torch's default: True).

    >>> is_multithreading_enabled()
    True
    """
    return _multithreading[0]


class set_multithreading_enabled:  # noqa: N801  (torch's name)
    """Switch multithreaded backward on or off, now and (as a ``with`` block) until the block ends.
    scratchnet's backward is single-threaded whatever the switch; only the answer changes.

    >>> with set_multithreading_enabled(False):
    ...     is_multithreading_enabled()
    False
    >>> is_multithreading_enabled()
    True
    """

    def __init__(self, mode):
        self.prev = _multithreading[0]
        _multithreading[0] = bool(mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _multithreading[0] = self.prev
        return False

    def clone(self):
        return set_multithreading_enabled(_multithreading[0])


del is_grad_enabled
