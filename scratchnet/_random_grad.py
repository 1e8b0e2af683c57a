"""The autograd node of a random op whose inputs may want a gradient (``normal(mean, std)``,
``bernoulli(p)``): torch records the draw in the graph, with a gradient of zero for every input
(the samples are not a differentiable function of their parameters in torch's derivatives).

>>> import scratchnet as sn
>>> mean = sn.tensor([1.0, 2.0], requires_grad=True)
>>> y = sn.normal(mean, 1.0)
>>> y.grad_fn.name()
'NormalBackward1'
>>> sn.autograd.grad(y.sum(), mean)[0]
tensor([0., 0.])
"""

from .backend import xp
from .tensor import Function, Tensor


class Sampled(Function):
    """``values`` (drawn already) as the output of the inputs: zero gradient for each input, or,
    with ``name="NotImplemented"``, torch's error when a gradient is asked for."""

    def forward(ctx, *inputs, values, name, op="bernoulli"):
        ctx.backward_name, ctx.op = name, op
        ctx.shapes = [(x.shape, x.dtype) for x in inputs]
        return values

    def backward(ctx, grad):
        if ctx.backward_name == "NotImplemented":
            raise RuntimeError(f"derivative for aten::{ctx.op} is not implemented")
        zeros = tuple(Tensor._make(xp.zeros(shape, dtype=dtype)) for shape, dtype in ctx.shapes)
        return zeros if len(zeros) > 1 else zeros[0]


def sampled(values, inputs, name, op="bernoulli"):
    """``values`` as a tensor recorded against the tensors among ``inputs`` (plain when none)."""
    tensors = [x for x in inputs if isinstance(x, Tensor)]
    values = values.array if isinstance(values, Tensor) else values
    if not tensors:
        return Tensor._make(values)
    return Sampled.apply(*tensors, values=values, name=name, op=op)
