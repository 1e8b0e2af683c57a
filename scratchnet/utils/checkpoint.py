"""``torch.utils.checkpoint``: activation checkpointing. The forward of a segment keeps no
intermediate values for the backward; the backward runs the segment's forward again to get them.
The random generator's state at the forward is restored for the recomputation
(``preserve_rng_state=True``), so dropout draws the same mask; gradients equal those of the
plain computation.

Two forms, as torch's:

* ``use_reentrant=False`` (recommended): the forward records the ordinary graph (each op's own
  ``grad_fn``), with :class:`scratchnet.autograd.graph.saved_tensors_hooks` keeping, instead of
  each saved tensor, its place in the order; the first backward use of one reruns the segment
  and hands the recomputed tensors out. Works with ``autograd.grad`` and keyword arguments.
* ``use_reentrant=True`` (the default when not given, with torch's warning): one
  ``CheckpointFunctionBackward`` node; its backward reruns the segment on detached inputs and
  backpropagates through it (accumulating into the parameters it uses).

(scratchnet's graph nodes keep references to their input tensors, so the memory saved is less
than torch's; the values, the recomputation and the gradients are torch's.)

>>> import scratchnet as sn
>>> x = sn.tensor([1.0, 2.0], requires_grad=True)
>>> y = checkpoint(lambda a: (a.sin() * a).sum(), x, use_reentrant=False)
>>> y.backward()
>>> bool(sn.allclose(x.grad, x.detach().cos() * x.detach() + x.detach().sin()))
True
"""

import warnings

from ..autograd.function import Function
from ..autograd.graph import saved_tensors_hooks
from ..tensor import Tensor, enable_grad, is_grad_enabled

__all__ = ["CheckpointError", "checkpoint", "checkpoint_sequential", "detach_variable"]

_REENTRANT_WARNING = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in PyTorch 2.9, "
    "calling checkpoint without use_reentrant will raise an exception. use_reentrant=False is recommended, but if "
    "you need to preserve the current default behavior, you can pass use_reentrant=True. Refer to docs for more "
    "details on the differences between the two variants."
)


class CheckpointError(RuntimeError):
    """The recomputation did not save what the forward saved (the segment is not deterministic)."""


def detach_variable(inputs):
    """Each Tensor of the tuple detached, keeping its ``requires_grad``.

    >>> import scratchnet as sn
    >>> (d,) = detach_variable((sn.ones(1, requires_grad=True) * 2,))
    >>> d.grad_fn is None, d.requires_grad
    (True, True)
    """
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}")
    out = []
    for x in inputs:
        if isinstance(x, Tensor):
            d = x.detach()
            d.requires_grad_(x.requires_grad)
            out.append(d)
        else:
            out.append(x)
    return tuple(out)


class _RngFork:
    """Run a block with the generator at ``state``, then put back the state it had."""

    def __init__(self, state):
        self.state = state

    def __enter__(self):
        from .. import random

        if self.state is not None:
            self.outer = random.get_rng_state()
            random.set_rng_state(self.state)

    def __exit__(self, *exc):
        from .. import random

        if self.state is not None:
            random.set_rng_state(self.outer)


class CheckpointFunction(Function):
    """The reentrant form's node (``CheckpointFunctionBackward``)."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        from .. import random

        ctx.run_function = run_function
        ctx.rng_state = random.get_rng_state() if preserve_rng_state else None
        ctx.inputs = args
        ctx.save_for_backward(*(a for a in args if isinstance(a, Tensor)))
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        from ..autograd import backward

        saved = iter(ctx.saved_tensors)
        args = [next(saved) if isinstance(a, Tensor) else a for a in ctx.inputs]
        detached = detach_variable(tuple(args))
        with _RngFork(ctx.rng_state), enable_grad():
            outputs = ctx.run_function(*detached)
        outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(d.grad if isinstance(d, Tensor) else None for d in detached)


def _checkpoint_reentrant(function, preserve_rng_state, args):
    if is_grad_enabled() and not any(isinstance(a, Tensor) and a.requires_grad for a in args):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=3)
    return CheckpointFunction.apply(function, preserve_rng_state, *args)


def _checkpoint_plain(function, preserve_rng_state, args, kwargs):
    from .. import random

    rng_state = random.get_rng_state() if preserve_rng_state else None
    kept = {"count": 0, "recomputed": None}

    def pack(tensor):
        index = kept["count"]
        kept["count"] += 1
        return index

    def unpack(index):
        if kept["recomputed"] is None:
            recomputed = []

            def record(tensor):
                recomputed.append(tensor)  # kept in the recomputed graph: double backward works
                return len(recomputed) - 1

            with _RngFork(rng_state), enable_grad(), saved_tensors_hooks(record, lambda i: recomputed[i]):
                function(*args, **kwargs)
            if len(recomputed) != kept["count"]:
                raise CheckpointError(
                    "torch.utils.checkpoint: A different number of tensors was saved during the original forward and "
                    f"recomputation.\nNumber of tensors saved during forward: {kept['count']}\n"
                    f"Number of tensors saved during recomputation: {len(recomputed)}")
            kept["recomputed"] = recomputed
        return kept["recomputed"][index]

    with saved_tensors_hooks(pack, unpack):
        return function(*args, **kwargs)


def checkpoint(function, *args, use_reentrant=None, preserve_rng_state=True, context_fn=None, determinism_check="default",
               debug=False, early_stop=True, **kwargs):
    """``function(*args, **kwargs)``, its intermediate values recomputed in the backward instead of
    kept.

    Args:
        function: the segment (a module or any function of Tensors).
        use_reentrant (bool): which form (see the module notes); ``None`` warns, as torch, and
            means True.
        preserve_rng_state (bool): restore the generator's state for the recomputation, so random
            ops (dropout) draw what the forward drew.
        context_fn, determinism_check, debug, early_stop: accepted for torch's signature.
        kwargs: passed to ``function`` (not with ``use_reentrant=True``: ValueError, as torch).

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> block = nn.Sequential(nn.Linear(3, 3), nn.Tanh())
    >>> x = sn.ones(2, 3, requires_grad=True)
    >>> checkpoint(block, x, use_reentrant=True).sum().backward()
    >>> block[0].weight.grad.shape
    scratchnet.Size([3, 3])
    """
    if use_reentrant is None:
        warnings.warn(_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if context_fn is not None:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        return _checkpoint_reentrant(function, preserve_rng_state, args)
    return _checkpoint_plain(function, preserve_rng_state, args, kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run a Sequential (or a list of modules/functions) in ``segments`` chunks, checkpointing all
    but the last, as torch's.

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    >>> out = checkpoint_sequential(model, 2, sn.ones(1, 2, requires_grad=True), use_reentrant=False)
    >>> out.shape
    scratchnet.Size([1, 1])
    """
    if use_reentrant is None:
        warnings.warn(_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    from ..nn.container import Sequential

    if isinstance(functions, Sequential):
        functions = list(functions.children())

    def run(start, end):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x

        return forward

    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
