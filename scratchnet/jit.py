"""``torch.jit``, answered eagerly: ``script`` and ``trace`` return the module or function they are
given (scratchnet has no compiler; the code runs as written, as ``scratchnet.compile`` does), the
decorators (``ignore``, ``unused``, ``export``) return what they decorate, and saving or loading
TorchScript archives is refused with a clear error.

>>> import scratchnet as sn
>>> net = sn.nn.Linear(2, 1)
>>> script(net) is net, trace(net, sn.ones(1, 2)) is net
(True, True)
"""

__all__ = ["Final", "annotate", "export", "ignore", "is_scripting", "is_tracing", "load", "save", "script", "trace",
           "unused"]


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """``obj`` itself: scratchnet runs modules and functions eagerly."""
    return obj


def trace(func, example_inputs=None, *args, **kwargs):
    """``func`` itself (no graph is recorded; the code runs as written for every input)."""
    return func


def ignore(drop=False, **kwargs):
    """A decorator that returns the function unchanged (also usable as ``@ignore`` bare)."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    """The function unchanged."""
    return fn


def export(fn):
    """The function unchanged."""
    return fn


def annotate(the_type, the_value):
    """``the_value`` (a type hint for the TorchScript compiler, which scratchnet does not have)."""
    return the_value


def is_scripting():
    """False: nothing is ever compiled."""
    return False


def is_tracing():
    """False: nothing is ever traced."""
    return False


class Final:
    """``torch.jit.Final[int]``: a type annotation, accepted and ignored."""

    def __class_getitem__(cls, item):
        return item


def save(m, f, _extra_files=None):
    """Refused: there are no TorchScript archives (save the state_dict with scratchnet.save)."""
    raise NotImplementedError("scratchnet has no TorchScript archives; save the state_dict with scratchnet.save")


def load(f, map_location=None, _extra_files=None):
    """Refused: there are no TorchScript archives (load a state_dict with scratchnet.load)."""
    raise NotImplementedError("scratchnet cannot load TorchScript archives; load a state_dict with scratchnet.load")
