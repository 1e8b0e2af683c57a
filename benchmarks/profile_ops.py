"""Where scratchnet's time goes: time per Function, forward and backward, outermost calls only.

>>> import scratchnet as sn
>>> with op_times() as table:
...     x = sn.ones(3, requires_grad=True)
...     (x * x).sum().backward()
>>> sorted(table)[:2]
['Mul backward', 'Mul forward']
"""

import contextlib
import time

from scratchnet.tensor import Function


def _subclasses(cls):
    out, stack = [], [cls]
    while stack:
        for sub in stack.pop().__subclasses__():
            out.append(sub)
            stack.append(sub)
    return out


@contextlib.contextmanager
def op_times():
    """Within the block, sum the seconds spent in each Function's forward and backward.

    Time inside nested calls (a backward that calls other ops) counts to the outermost one.
    """
    table, depth = {}, [0]

    def timed(label, fn):
        def run(*args, **kwargs):
            depth[0] += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    table[label(args)] = table.get(label(args), 0.0) + time.perf_counter() - start

        return run

    original_apply = Function.__dict__["apply"]
    patched = {}
    Function.apply = classmethod(timed(lambda args: f"{args[0].__name__} forward", original_apply.__func__))
    for cls in _subclasses(Function):
        if "backward" in cls.__dict__:
            patched[cls] = cls.__dict__["backward"]
            cls.backward = timed(lambda args: f"{type(args[0]).__name__} backward", patched[cls])
    try:
        yield table
    finally:
        Function.apply = original_apply
        for cls, fn in patched.items():
            cls.backward = fn
