"""Hook handles and the module backward hooks.

A full backward hook sees the gradients with respect to a module's inputs and outputs, however its
forward is composed. As in torch, the module's tensor inputs pass through an identity node before
the forward, and its tensor outputs through another after it: the output nodes' backward sees
``grad_output`` (and runs the backward pre-hooks, which may replace it); the input nodes' backward
sees ``grad_input`` and runs the backward hooks (which may replace it).

>>> import scratchnet as sn, scratchnet.nn as nn
>>> seen = []
>>> lin = nn.Linear(2, 1)
>>> _ = lin.register_full_backward_hook(lambda m, gi, go: seen.append((gi[0].shape, go[0].shape)))
>>> lin(sn.ones(3, 2, requires_grad=True)).sum().backward()
>>> seen
[(scratchnet.Size([3, 2]), scratchnet.Size([3, 1]))]
"""

import itertools

from ..backend import xp
from ..tensor import Function, Tensor, is_grad_enabled

_ids = itertools.count()


class Handle:
    """What ``register_*_hook`` returns: ``remove()`` takes the hook away (also as a context manager)."""

    def __init__(self, table, extra=None):
        self.id = next(_ids)
        self.tables = [table] + ([extra] if extra is not None else [])

    def remove(self):
        for table in self.tables:
            table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class BackwardHookFunctionBackward(Function):
    """Identity in the forward; its backward hands the gradient to ``on_grad`` (which may replace it)."""

    def forward(ctx, x, on_grad, index):
        ctx.on_grad, ctx.index = on_grad, index
        return x.view()

    def backward(ctx, grad):
        return ctx.on_grad(ctx.index, grad)


class BackwardHook:
    """The per-call state of a module's backward hooks: which inputs and outputs were wrapped."""

    def __init__(self, module, hooks, pre_hooks):
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.n_inputs, self.input_slots, self.grad_inputs = 0, [], {}
        self.n_outputs, self.output_slots, self.grad_outputs = 0, [], {}
        self.grad_output = None

    def _wrap(self, values, on_grad, slots):
        out, count = [], 0
        self.last_tensors = [v for v in values if isinstance(v, Tensor)]
        for v in values:
            if isinstance(v, Tensor) and v.requires_grad and is_grad_enabled():
                slots.append(count)
                v = BackwardHookFunctionBackward.apply(v, on_grad=on_grad, index=count)
            out.append(v)
            count += isinstance(v, Tensor)
        return out, count

    def setup_input_hook(self, args):
        wrapped, self.n_inputs = self._wrap(args, self._on_input_grad, self.input_slots)
        self.input_tensors = self.last_tensors
        return tuple(wrapped)

    def setup_output_hook(self, out):
        single = isinstance(out, Tensor)
        wrapped, self.n_outputs = self._wrap([out] if single else list(out) if isinstance(out, (tuple, list)) else [out], self._on_output_grad, self.output_slots)
        if not self.output_slots:
            return out
        return wrapped[0] if single else type(out)(wrapped) if isinstance(out, tuple) and not hasattr(out, "_fields") else wrapped if isinstance(out, list) else type(out)(*wrapped)

    def _on_output_grad(self, index, grad):
        self.grad_outputs[index] = grad
        if len(self.grad_outputs) < len(self.output_slots):
            return grad  # the other outputs' gradients are still to come
        grad_output = tuple(self.grad_outputs.get(i) for i in range(self.n_outputs))
        for hook in self.pre_hooks:
            result = hook(self.module, grad_output)
            if result is not None:
                grad_output = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        self.grad_output = grad_output
        if not self.input_slots:  # no input needs a gradient: the hooks run now, as torch
            self._run_hooks(tuple(None for _ in range(self.n_inputs)))
        return grad_output[index]

    def _on_input_grad(self, index, grad):
        self.grad_inputs[index] = grad
        if len(self.grad_inputs) < len(self.input_slots):
            return grad
        # a tensor input that needs no gradient gets zeros, as torch's hook shows it
        grad_input = tuple(self.grad_inputs[i] if i in self.grad_inputs else Tensor._make(xp.zeros_like(t.array)) for i, t in enumerate(self.input_tensors))
        result = self._run_hooks(grad_input)
        return result[index] if result is not None else grad

    def _run_hooks(self, grad_input):
        grad_output = self.grad_output if self.grad_output is not None else tuple(None for _ in range(self.n_outputs))
        replaced = None
        for hook in self.hooks:
            result = hook(self.module, grad_input, grad_output)
            if result is not None:
                result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
                if len(result) != len(grad_input):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(result)}, but expected {len(grad_input)}")
                if len(self.input_slots) > 1:
                    raise NotImplementedError("scratchnet: a backward hook may replace grad_input only for a module with one tensor input")
                grad_input = replaced = result
        return replaced
