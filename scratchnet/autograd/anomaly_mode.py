"""``torch.autograd.detect_anomaly`` / ``set_detect_anomaly``: a switch the backward walk reads.

While it is on, a backward node that produces a NaN gradient raises torch's error naming the node
("Function 'LogBackward0' returned nan values in its 0th output."), so the op that made the first
NaN is found at once. (torch also prints the forward traceback of that op; scratchnet does not
record tracebacks.)

>>> import scratchnet as sn
>>> x = sn.tensor([-1.0], requires_grad=True)
>>> with detect_anomaly():
...     sn.sqrt(x).sum().backward()
Traceback (most recent call last):
    ...
RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.
"""

import functools

from ..backend import xp
from ..tensor import BACKWARD_HOOKS

__all__ = ["detect_anomaly", "is_anomaly_enabled", "set_detect_anomaly"]

_enabled = False


def is_anomaly_enabled():
    """Whether anomaly detection is on (``torch.is_anomaly_enabled``)."""
    return _enabled


def _check_nan(node, grad_output, grad_inputs):
    """The backward walk's hook while detection is on: a NaN gradient is torch's error."""
    for i, g in enumerate(grad_inputs):
        if g is not None and g.array.dtype.kind == "f" and xp.isnan(g.array).any():
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def _switch(mode):
    global _enabled
    _enabled = bool(mode)
    if _enabled and _check_nan not in BACKWARD_HOOKS:
        BACKWARD_HOOKS.append(_check_nan)
    elif not _enabled and _check_nan in BACKWARD_HOOKS:
        BACKWARD_HOOKS.remove(_check_nan)


class set_detect_anomaly:  # noqa: N801  (torch's name)
    """Turn anomaly detection on or off: at once, and back as it was when used as a context manager.

    Args:
        mode (bool): on or off.
        check_nan (bool): accepted for torch's API (scratchnet always checks NaN while on).
    """

    def __init__(self, mode, check_nan=True):
        self.prev = _enabled
        _switch(mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _switch(self.prev)
        return False


class detect_anomaly:  # noqa: N801  (torch's name)
    """A context manager (or decorator) with anomaly detection on inside."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = _enabled
        _switch(True)
        return self

    def __exit__(self, *exc):
        _switch(self.prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper
