"""``Tensor.resize_`` and ``resize_as_``: give a tensor a new shape in place, keeping its values in
memory order.

Shrinking (or keeping the size) makes the tensor a view of the first elements of its memory, so
writes still reach whatever else shares that memory; growing moves it to new memory whose first
elements are the old values and whose rest is uninitialised (zeros here). As in torch, a tensor that
requires grad cannot be resized, and a tensor's ``.data`` is a separate tensor: resizing it leaves
the original's shape alone.

>>> import scratchnet as sn
>>> x = sn.arange(6.0)
>>> x.resize_(2, 2)
tensor([[0., 1.],
        [2., 3.]])
>>> x.resize_(5).tolist()
[0.0, 1.0, 2.0, 3.0, 0.0]
"""

from ..backend import xp
from ..tensor import Tensor

__all__ = ["resize_as_"]


def _sizes(sizes):
    if not sizes:
        raise TypeError('resize_() missing 1 required positional arguments: "size"')
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    out = []
    for s in sizes:
        if isinstance(s, Tensor):
            s = s.item()
        if isinstance(s, bool) or not isinstance(s, (int, xp.integer)):
            raise TypeError(f"resize_(): argument 'size' (position 1) must be tuple of ints, not {type(s).__name__}")
        out.append(int(s))
    if any(s < 0 for s in out):
        raise RuntimeError("numel: integer multiplication overflow")
    return tuple(out)


def resize_(input, *sizes, memory_format=None):
    """Give ``input`` the shape ``sizes`` in place and return it (values kept in memory order; new
    elements uninitialised, zeros here).

    Args:
        sizes: ints, or one tuple / list / ``Size``.
        memory_format: accepted (scratchnet's memory is always contiguous).

    >>> import scratchnet as sn
    >>> sn.ones(2, 3).resize_(4).shape
    scratchnet.Size([4])
    """
    if input.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    shape = _sizes(sizes)
    n = 1
    for s in shape:
        n *= s
    old = input._array
    if shape == old.shape:
        return input  # nothing changes (and torch's version counter stays)
    if n <= old.size and old.flags.c_contiguous:
        new = old.reshape(-1)[:n].reshape(shape)  # a view: memory stays shared
    else:
        new = xp.zeros(n, dtype=old.dtype)
        keep = min(n, old.size)
        new[:keep] = old.reshape(-1)[:keep]
        new = new.reshape(shape)
    input._array = new
    for stale in ("_base", "_view_chain"):  # the old view recipe no longer makes this shape
        input.__dict__.pop(stale, None)
    input._bump_version()
    return input


def resize_as_(input, the_template, memory_format=None):
    """``input.resize_(the_template.shape)``: ``input`` in place, in the template's shape.

    >>> import scratchnet as sn
    >>> sn.zeros(6).resize_as_(sn.zeros(2, 3)).shape
    scratchnet.Size([2, 3])
    """
    if not isinstance(the_template, Tensor):
        raise TypeError(f"resize_as_(): argument 'the_template' (position 1) must be Tensor, not {type(the_template).__name__}")
    return resize_(input, tuple(the_template.shape), memory_format=memory_format)


METHODS = {"resize_": resize_, "resize_as_": resize_as_}
