"""torch's control-flow operators, run eagerly: ``cond`` picks a branch, ``while_loop`` loops.

torch traces both branches (or the body) into a graph under ``torch.compile``; scratchnet runs
eagerly, so the branch is simply called, and gradients flow through whatever it computed.

>>> import scratchnet as sn
>>> cond(sn.tensor(2.0) > 1, lambda a: a * 2, lambda a: a - 1, (sn.tensor(2.0),))
tensor(4.)
>>> while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (sn.tensor(0), sn.tensor(1.0)))
(tensor(3), tensor(8.))
"""

from .tensor import Tensor

__all__ = ["cond", "while_loop"]


def _truth(pred):
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred!r}.")
        return bool(pred.item())
    if not isinstance(pred, (bool, int, float)):
        raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred!r}.")
    return bool(pred)


def cond(pred, true_fn, false_fn, operands=()):
    """``true_fn(*operands)`` if ``pred`` (a bool or one-element tensor) holds, else ``false_fn(*operands)``."""
    if not callable(true_fn) or not callable(false_fn):
        raise RuntimeError("Expect both branches to be callable.")
    if not isinstance(operands, (tuple, list)):
        raise RuntimeError(f"Expect operands to be a tuple of possibly nested dict/list/tuple that only consists of tensor leaves, but got {operands}.")
    return true_fn(*operands) if _truth(pred) else false_fn(*operands)


def while_loop(cond_fn, body_fn, carried_inputs):
    """``carried = body_fn(*carried)`` while ``cond_fn(*carried)`` holds; returns the last
    ``carried`` (a tuple, as torch)."""
    if not isinstance(carried_inputs, (tuple, list)):
        raise RuntimeError(f"carried_inputs must be a tuple or list, got {type(carried_inputs)}")
    carried = tuple(carried_inputs)
    while _truth(cond_fn(*carried)):
        out = body_fn(*carried)
        carried = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    return carried
