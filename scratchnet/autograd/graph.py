"""``torch.autograd.graph``: hooks on the tensors the graph saves for the backward.

Inside ``saved_tensors_hooks(pack, unpack)``, every tensor an op saves for its backward is passed
to ``pack`` and what ``pack`` returns is kept instead; the backward calls ``unpack`` on it to get
the tensor back. (Only the innermost pair applies, as torch.) This is how activation
checkpointing (:func:`scratchnet.utils.checkpoint.checkpoint`) recomputes instead of keeping.

>>> import scratchnet as sn
>>> seen = []
>>> x = sn.tensor([2.0], requires_grad=True)
>>> with saved_tensors_hooks(lambda t: seen.append(t.shape) or t, lambda t: t):
...     y = x * x
>>> y.backward(); x.grad, len(seen)
(tensor([4.]), 2)
"""

from ..tensor import SAVED_TENSORS_HOOKS

__all__ = ["disable_saved_tensors_hooks", "increment_version", "save_on_cpu", "saved_tensors_hooks"]


class saved_tensors_hooks:  # noqa: N801  (torch's name)
    """Context manager: ``pack_hook(tensor) -> anything`` when an op saves ``tensor`` for its
    backward, ``unpack_hook(packed) -> Tensor`` when the backward needs it back. The unpacked
    tensor must have the saved tensor's values (the hooks may move, compress or recompute it).

    >>> import scratchnet as sn
    >>> x = sn.ones(2, requires_grad=True)
    >>> with saved_tensors_hooks(lambda t: t.detach().numpy().copy(), lambda a: sn.from_numpy(a)):
    ...     y = (x * 3.0).exp().sum()
    >>> y.backward(); round(x.grad[0].item(), 2)
    60.26
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        SAVED_TENSORS_HOOKS.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        SAVED_TENSORS_HOOKS.pop()
        return False


class save_on_cpu(saved_tensors_hooks):  # noqa: N801
    """Keep saved tensors in CPU memory (``pin_memory`` and ``device_type`` accepted). scratchnet's
    tensors already live there: the tensor itself is kept, as torch does for a CPU tensor.

    >>> import scratchnet as sn
    >>> x = sn.ones(2, requires_grad=True)
    >>> with save_on_cpu(pin_memory=False):
    ...     y = (x * x).sum()
    >>> y.backward(); x.grad
    tensor([2., 2.])
    """

    def __init__(self, pin_memory=False, device_type="cuda"):
        super().__init__(lambda t: t, lambda t: t)


class disable_saved_tensors_hooks:  # noqa: N801
    """Within this block, an op that would save a tensor while saved-tensor hooks are active, or
    entering ``saved_tensors_hooks``, raises RuntimeError with ``error_message``.

    >>> import scratchnet as sn
    >>> with disable_saved_tensors_hooks("no hooks here"):
    ...     try:
    ...         with saved_tensors_hooks(lambda t: t, lambda t: t):
    ...             pass
    ...     except RuntimeError as e:
    ...         print(e)
    no hooks here
    """

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        SAVED_TENSORS_HOOKS.append((None, self.error_message))
        return self

    def __exit__(self, *exc):
        SAVED_TENSORS_HOOKS.pop()
        return False


_enter_hooks = saved_tensors_hooks.__enter__


def _checked_enter(self):
    if SAVED_TENSORS_HOOKS and SAVED_TENSORS_HOOKS[-1][0] is None:
        raise RuntimeError(SAVED_TENSORS_HOOKS[-1][1])
    return _enter_hooks(self)


saved_tensors_hooks.__enter__ = _checked_enter


def increment_version(tensor):
    """Bump the version counter of ``tensor`` (or of each tensor of a sequence), as an in-place
    change does, so that a backward that saved it sees it changed.

    >>> import scratchnet as sn
    >>> t = sn.ones(1); v = t._version
    >>> increment_version(t); t._version == v + 1
    True
    """
    from ..tensor import Tensor

    for t in (tensor,) if isinstance(tensor, Tensor) else tensor:
        t._version_counter[0] += 1
