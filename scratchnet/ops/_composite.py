"""One graph node for an op written as a composition of other ops.

torch records many ops (losses, activations, padding modes) as a single node with its own name
(``MseLossBackward0``, ``SiluBackward0``). :func:`composite` gives a composition of scratchnet ops
the same shape: the forward runs the composition without recording; the backward runs it again,
recorded, and differentiates it, so the gradient (and, under ``create_graph``, the gradient of the
gradient) is the composition's own.

>>> import scratchnet as sn
>>> x = sn.tensor([1.0, 2.0], requires_grad=True)
>>> y = composite("SquareBackward0", lambda t: t * t, x)
>>> y.grad_fn
<SquareBackward0 object at ...>
>>> y.sum().backward(); x.grad
tensor([2., 4.])
"""

from ..backend import xp
from ..tensor import Function, Tensor, enable_grad, is_grad_enabled, no_grad, run_backward


class Composite(Function):
    """A node whose forward is ``fn`` on the inputs and whose backward differentiates ``fn``."""

    def forward(ctx, *arrays, fn, name):
        ctx.fn, ctx.node_name = fn, name
        ctx.save_for_backward(*arrays)
        with no_grad():
            out = fn(*[Tensor._make(a) for a in arrays])
        return out.array

    def backward(ctx, grad):
        inputs = ctx.saved_tensors
        need = ctx.needs_input_grad
        if is_grad_enabled():  # create_graph: each partial derivative is itself a composite node
            name = ctx.name().replace("Backward0", "BackwardBackward0")
            return tuple(
                composite(name, _partial(ctx.fn, i), *inputs, grad) if n else None for i, n in enumerate(need)
            )
        # stand-in leaves: the walk stops at this node's inputs, and each gets its partial derivative
        xs = [Tensor._make(t.array, requires_grad=n) for t, n in zip(inputs, need)]
        with enable_grad():
            out = ctx.fn(*xs)
        if not out.requires_grad:
            return tuple(None for _ in xs)
        found = run_backward([out], [grad], inputs=[x for x, n in zip(xs, need) if n], retain_graph=False)
        return tuple(found[id(x)][1] if n and id(x) in found else None for x, n in zip(xs, need))

    def name(self):
        return getattr(self, "node_name", "CompositeBackward0")


def _partial(fn, i):
    """The function (x_1, ..., x_n, g) -> d<fn(x), g>/dx_i, differentiable in all its arguments
    (it is evaluated on the stand-ins of the node that differentiates it)."""

    def partial(*args):
        xs, g = list(args[:-1]), args[-1]
        with enable_grad():
            if not xs[i].requires_grad:  # evaluated for its value: differentiate a fresh leaf
                xs[i] = Tensor._make(xs[i].array, requires_grad=True)
            out = fn(*xs)
            if not out.requires_grad:
                return Tensor._make(xp.zeros_like(xs[i].array))
            found = run_backward([out], [g], inputs=[xs[i]], retain_graph=True, create_graph=True)
        return found[id(xs[i])][1] if id(xs[i]) in found else Tensor._make(xp.zeros_like(xs[i].array))

    return partial


def composite(name, fn, *inputs):
    """``fn(*inputs)`` recorded as one node called ``name`` (torch's node name)."""
    return Composite.apply(*inputs, fn=fn, name=name)
