"""``torch.autograd.Function``: your own op, with the forward and backward you write, on Tensors.

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):            # runs without recording a graph
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):        # one gradient per output in, one per forward argument out
            y, = ctx.saved_tensors
            return grad * y

    y = Exp.apply(x)                    # y.grad_fn is an ExpBackward node

How it joins the engine: ``apply`` runs ``forward`` under ``no_grad``, then records one node of
scratchnet's graph (an engine ``Function``, scratchnet/tensor.py) whose inputs are the Tensor arguments
and whose backward calls yours. Several differentiable outputs are packed into one flat array
whose pieces are handed out as views, so one backward call receives every output's gradient
(zeros for an output that was not used, as torch materialises them). A backward written with
Tensor ops is itself recorded under ``create_graph=True``, so second derivatives work as in torch.

>>> import scratchnet as sn
>>> class Cube(Function):
...     @staticmethod
...     def forward(ctx, x, scale):
...         ctx.save_for_backward(x)
...         ctx.scale = scale
...         return scale * x ** 3
...     @staticmethod
...     def backward(ctx, grad):
...         x, = ctx.saved_tensors
...         return grad * 3 * ctx.scale * x ** 2, None     # no gradient for ``scale``
>>> x = sn.tensor([1.0, 2.0], requires_grad=True)
>>> y = Cube.apply(x, 2.0)
>>> y.grad_fn.name()
'CubeBackward'
>>> y.sum().backward(); x.grad
tensor([ 6., 24.])
"""

import functools

from ..backend import xp
from ..tensor import FREED_MESSAGE, Tensor, is_grad_enabled, no_grad
from ..tensor import Function as _EngineFunction

__all__ = ["Function", "FunctionCtx", "once_differentiable"]


class FunctionCtx:
    """The ``ctx`` your ``forward`` and ``backward`` share: save tensors, read ``needs_input_grad``,
    and keep any other value as an attribute."""

    def __init__(self):
        self.needs_input_grad = ()
        self._saved, self._non_differentiable, self.materialize_grads = (), (), True
        self._freed = False

    def save_for_backward(self, *tensors):
        """Keep Tensors (or None) for the backward; a later in-place change to one is an error there."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {tensors.index(t)} is of type {type(t).__name__}")
        self._saved = tuple((t, None if t is None else t._version_counter[0]) for t in tensors)
        from ..tensor import SAVED_TENSORS_HOOKS, _hook_saved

        if SAVED_TENSORS_HOOKS and SAVED_TENSORS_HOOKS[-1][0] is not None:  # graph.saved_tensors_hooks see it
            self._saved = tuple((None, None) if t is None else (_hook_saved(t), "hooked") for t in tensors)

    def save_for_forward(self, *tensors):
        """Accepted for torch's API (forward-mode AD is not implemented)."""

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        if any(version == "hooked" for _, version in self._saved):
            return tuple(None if t is None else t[1](t[2]) for t, _ in self._saved)
        for t, version in self._saved:
            if t is not None and t._version_counter[0] != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an inplace "
                    f"operation: [{type(t).__name__} {list(t.shape)}] is at version {t._version_counter[0]}; "
                    f"expected version {version} instead.")
        return tuple(t for t, _ in self._saved)

    def mark_non_differentiable(self, *tensors):
        """Outputs that get no gradient (indices, masks): they come out not requiring grad."""
        self._non_differentiable = tuple(tensors)

    def mark_dirty(self, *tensors):
        raise NotImplementedError("scratchnet's custom Functions do not support mark_dirty (forward editing its "
                                  "inputs in place); return a new tensor instead")

    def set_materialize_grads(self, value):
        """With False, backward receives None (not zeros) for outputs that get no gradient.

        (One difference from torch: the differentiable outputs of a Function with several share
        one packed gradient, so an unused one among them still arrives as zeros.)"""
        self.materialize_grads = bool(value)


class _Node(_EngineFunction):
    """The graph node standing for one call of a custom Function (its forward already ran)."""

    def forward(node, *arrays, packed, user, ctx, pieces, n_args, tensor_slots):
        node.user, node.user_ctx, node.pieces, node.n_args, node.tensor_slots = user, ctx, pieces, n_args, tensor_slots
        node.backward_name = user.__name__ + "Backward"
        return packed

    def backward(node, grad):
        ctx = node.user_ctx
        grads = []
        packed = sum(1 for piece in node.pieces if piece[0] == "packed")
        for piece in node.pieces:  # one gradient per output of forward, as torch hands them
            if piece[0] == "packed":
                _, offset, shape = piece
                size = 1
                for n in shape:
                    size *= n
                grads.append(grad[offset:offset + size].reshape(shape) if packed > 1 else grad)
            elif piece[0] == "zeros" and ctx.materialize_grads:
                grads.append(Tensor._make(xp.zeros(piece[1], dtype=piece[2])))
            else:
                grads.append(None)
        result = node.user.backward(ctx, *grads)
        result = result if isinstance(result, tuple) else (result,)
        if len(result) > node.n_args and all(g is None for g in result[node.n_args:]):
            result = result[:node.n_args]  # extra trailing Nones are allowed, as in torch
        if len(result) != node.n_args:
            raise RuntimeError(f"function {node.user.__name__}Backward returned an incorrect number of gradients "
                               f"(expected {node.n_args}, got {len(result)})")
        out = []
        for slot, t in zip(node.tensor_slots, node.inputs):
            g = result[slot]
            if g is not None and not isinstance(g, Tensor):
                raise TypeError(f"function {node.user.__name__}Backward returned a gradient of type {type(g).__name__} "
                                f"for input {slot}; expected a Tensor or None")
            if g is not None and tuple(g.shape) != tuple(t.shape):
                if g.numel() != t.numel():
                    raise RuntimeError(f"Function {node.user.__name__}Backward returned an invalid gradient at index "
                                       f"{slot} - got {list(g.shape)} but expected shape compatible with {list(t.shape)}")
                g = g.reshape(t.shape)
            out.append(g)
        return tuple(out)

    def _release(self):
        super()._release()
        self.user_ctx._freed = True


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call ``apply``.

    (Or torch's other style: ``forward(*args)`` plus ``setup_context(ctx, inputs, output)``.)
    ``backward`` returns one gradient per argument of ``forward`` (None for non-Tensors and for
    inputs that need none); ``ctx.needs_input_grad[i]`` says which are wanted.
    """

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        if kwargs:
            raise TypeError(f"{cls.__name__}.apply takes positional arguments only (as torch's)")
        ctx = FunctionCtx()
        tensor_slots = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        grad = is_grad_enabled() and any(args[i].requires_grad for i in tensor_slots)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad and grad for a in args)
        separate = cls.setup_context is not Function.setup_context
        with no_grad():
            output = cls.forward(*args) if separate else cls.forward(ctx, *args)
            if separate:
                cls.setup_context(ctx, args, output)
        single = not isinstance(output, tuple)
        outputs = (output,) if single else output
        if not grad:
            return output
        return _connect(cls, ctx, args, tensor_slots, outputs, single)


def _connect(cls, ctx, args, tensor_slots, outputs, single):
    """Record the node and hand out its outputs (views of the packed result when there are several)."""
    nondiff = {id(t) for t in ctx._non_differentiable}
    differentiable = [i for i, o in enumerate(outputs)
                      if isinstance(o, Tensor) and o.is_floating_point() and id(o) not in nondiff]
    if not differentiable:
        return outputs[0] if single else outputs
    dtypes = {outputs[i].dtype for i in differentiable}
    if len(dtypes) > 1:
        raise NotImplementedError(f"{cls.__name__}: scratchnet's custom Functions need one floating dtype for all "
                                  f"differentiable outputs, got {sorted(str(d) for d in dtypes)}")
    pieces, offset = [], 0
    for i, o in enumerate(outputs):
        if i in differentiable:
            pieces.append(("packed", offset, tuple(o.shape)))
            offset += o.numel()
        elif isinstance(o, Tensor):
            pieces.append(("zeros", tuple(o.shape), o.array.dtype))
        else:
            pieces.append(("none",))
    if len(differentiable) == 1:
        packed = outputs[differentiable[0]].array
    else:
        packed = xp.concatenate([outputs[i].array.reshape(-1) for i in differentiable])
    node_cls = cls.__dict__.get("_backward_cls")
    if node_cls is None:  # as torch, a node class per Function: ``type(y.grad_fn).__name__ == "CubeBackward"``
        node_cls = type(cls.__name__ + "Backward", (_Node,), {"__module__": cls.__module__})
        cls._backward_cls = node_cls
    node_out = node_cls.apply(*[args[i] for i in tensor_slots], packed=packed, user=cls, ctx=ctx, pieces=pieces,
                           n_args=len(args), tensor_slots=tensor_slots)
    result = list(outputs)
    for i in differentiable:
        if len(differentiable) == 1:
            result[i] = node_out
        else:
            _, offset, shape = pieces[i]
            result[i] = node_out[offset:offset + outputs[i].numel()].view(shape)
    return result[0] if single else tuple(result)


def once_differentiable(backward):
    """Mark a backward as not differentiable itself: it runs without recording a graph."""

    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with no_grad():
            return backward(ctx, *grads)

    return wrapper
