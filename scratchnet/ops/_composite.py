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
        if is_grad_enabled():  # create_graph: differentiate through the real inputs
            xs = list(inputs)
        else:  # stand-ins, so the walk stops at this node's inputs
            xs = [Tensor._make(t.array, requires_grad=n) for t, n in zip(inputs, need)]
        with enable_grad():
            out = ctx.fn(*xs)
        wanted = [x for x, n in zip(xs, need) if n]
        if not out.requires_grad:
            return tuple(None for _ in xs)
        found = run_backward([out], [grad], inputs=wanted, retain_graph=True, create_graph=is_grad_enabled())
        return tuple(found[id(x)][1] if n and id(x) in found else None for x, n in zip(xs, need))

    def name(self):
        return getattr(self, "node_name", "CompositeBackward0")



def composite(name, fn, *inputs):
    """``fn(*inputs)`` recorded as one node called ``name`` (torch's node name)."""
    return Composite.apply(*inputs, fn=fn, name=name)
