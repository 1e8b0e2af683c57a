"""Watch a backward pass node by node.

Inside ``with trace.backward() as t:``, every backward pass records, for each node in the order
it is visited: the op (its ``grad_fn`` name), its output shape and the input shapes, the gradient
arriving at its output, and the gradient it hands to each input. ``print(t)`` shows them as a
table: the chain rule of a hand calculation, read off the engine.

>>> import scratchnet as sn
>>> x = sn.tensor([2.0], requires_grad=True)
>>> with backward() as t:
...     y = (x * x).sum()
...     y.backward()
>>> [step.name for step in t.steps]
['SumBackward0', 'MulBackward0']
>>> t.steps[1].grad_inputs[0].tolist()
[2.0]
"""

import contextlib
import sys
import types
from dataclasses import dataclass, field

from .backend import xp
from .tensor import BACKWARD_HOOKS


@dataclass
class Step:
    index: int
    name: str
    output_shape: tuple
    input_shapes: list
    grad_output: object  # array
    grad_inputs: list = field(default_factory=list)  # arrays, None where an input needs no gradient


class Trace:
    def __init__(self):
        self.steps = []

    def record(self, node, grad_output, grad_inputs):
        copy = lambda g: None if g is None else xp.array(g.array, copy=True)  # noqa: E731
        self.steps.append(Step(
            len(self.steps), node.name(), tuple(grad_output.shape), [tuple(t.shape) for t in node.inputs],
            copy(grad_output), [copy(g) for g in grad_inputs],
        ))

    def find(self, name):
        """The steps of one op, in visiting order."""
        return [s for s in self.steps if s.name == name]

    def table(self, max_values=6):
        """One row per node: op, shapes, incoming gradient, gradients handed on."""

        def show(a):
            if a is None:
                return "-"
            if a.size <= max_values:
                return xp.array2string(a.ravel(), precision=8, separator=", ", floatmode="fixed", max_line_width=10**6)
            return f"{tuple(a.shape)} |g|={float(xp.linalg.norm(a)):.4g}"

        lines = [f"{'#':>3}  {'node':<22} {'out':<10} {'grad in (dL/d out)':<40} grads out (dL/d input)"]
        for s in self.steps:
            outs = "; ".join(show(g) for g in s.grad_inputs)
            lines.append(f"{s.index:>3}  {s.name:<22} {str(s.output_shape):<10} {show(s.grad_output):<40} {outs}")
        return "\n".join(lines)

    def __str__(self):
        return self.table()


@contextlib.contextmanager
def backward():
    """Record every backward pass run inside the block."""
    t = Trace()
    BACKWARD_HOOKS.append(t.record)
    try:
        yield t
    finally:
        BACKWARD_HOOKS.remove(t.record)


class _TraceModule(types.ModuleType):
    """``scratchnet.trace`` is this module *and* torch's ``trace(input)`` (the sum of a matrix's
    diagonal), so ``torch.trace(m)`` keeps working under ``import scratchnet as torch``."""

    def __call__(self, input):
        from .ops.arrange import trace

        return trace(input)


sys.modules[__name__].__class__ = _TraceModule
