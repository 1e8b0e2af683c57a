"""Where a tensor's values live: ``share_memory_`` moves them into a named block of shared memory,
so other processes (``scratchnet.multiprocessing``, started by fork or by spawn) read and write the
same values: Module.share_memory() and hogwild training rest on it.

A shared array is a NumPy array whose pickle is a reference to its block (name, offset, shape,
strides) instead of a copy of its values, so passing a shared tensor to a spawned process hands
over the memory itself, as torch does. Results computed from it are ordinary arrays.

>>> import scratchnet as sn
>>> t = sn.ones(3)
>>> t.share_memory_() is t, t.is_shared(), t.tolist()
(True, True, [1.0, 1.0, 1.0])
"""

import os
import weakref
from multiprocessing import resource_tracker, shared_memory

from ..backend import xp

__all__ = []


def _unlink(name, creator):
    """Remove the block's name once nothing in the creating process uses it (the memory itself
    lives on while any process still maps it)."""
    if os.getpid() != creator:
        return
    try:
        from _posixshmem import shm_unlink

        shm_unlink("/" + name.lstrip("/"))
        resource_tracker.unregister("/" + name.lstrip("/"), "shared_memory")
    except (ImportError, OSError):
        pass


class SharedArray(xp.ndarray):
    """An ndarray over a SharedMemory block (kept alive by the array and its views)."""

    def __array_finalize__(self, obj):
        self._shm = getattr(obj, "_shm", None)

    def __array_wrap__(self, out, context=None, return_scalar=False):
        if out is self:  # an in-place update (``a += b``): still the shared array
            return out
        out = out.view(xp.ndarray)  # the result of arithmetic is new, private memory
        return out[()] if return_scalar else out

    def _offset(self):
        """Where this array starts in its block, or None if its memory is not in the block."""
        shm = self._shm
        if shm is None:
            return None
        base = xp.frombuffer(shm.buf, dtype=xp.uint8).__array_interface__["data"][0]
        if self.size == 0:
            return 0
        bounds = xp.lib.array_utils.byte_bounds if hasattr(xp.lib, "array_utils") else xp.byte_bounds
        low, high = bounds(self)
        return self.__array_interface__["data"][0] - base if base <= low and high <= base + shm.size else None

    def __reduce__(self):
        offset = self._offset()
        if offset is None:  # not (or no longer) in the block: pickle the values
            return xp.array(self).__reduce__()
        return (_attach, (self._shm.name, offset, self.shape, self.strides, self.dtype.str))


def _over(shm, shape, dtype, offset=0, strides=None):
    """A SharedArray whose own base is the block's buffer (so every view of it keeps ``shm``, and
    with it the mapping, alive)."""
    a = SharedArray.__new__(SharedArray, shape, dtype=xp.dtype(dtype), buffer=shm.buf, offset=offset, strides=strides)
    a._shm = shm
    return a


def _attach(name, offset, shape, strides, dtype):
    """In the receiving process: the same memory, by the block's name."""
    return _over(shared_memory.SharedMemory(name=name), shape, dtype, offset, strides)


def _shared_empty(shape, dtype):
    dtype = xp.dtype(dtype)
    nbytes = int(xp.prod(shape, dtype=xp.int64)) * dtype.itemsize if shape else dtype.itemsize
    shm = shared_memory.SharedMemory(create=True, size=max(1, nbytes))
    weakref.finalize(shm, _unlink, shm.name, os.getpid())
    return _over(shm, shape, dtype)


def share_memory_(self):
    """Move the values into shared memory (in place; a no-op if they are there already)."""
    if not is_shared(self):
        shared = _shared_empty(self.array.shape, self.array.dtype)
        shared[...] = self.array
        self.array = shared
    return self


def is_shared(self):
    """True once the values are in shared memory."""
    return isinstance(self.array, SharedArray) and self.array._offset() is not None


def cuda(self, device=None, non_blocking=False, memory_format=None):
    """Refused, as torch refuses on a machine without a GPU."""
    from .._device import check_cpu, device as Device

    check_cpu(Device("cuda"))


def pin_memory(self, device=None):
    """Refused, as torch refuses without an accelerator (pinned memory is for copies to a GPU)."""
    return cuda(self)


def is_pinned(self, device=None):
    """False: there is no accelerator, so no page-locked memory.

    >>> import scratchnet as sn
    >>> sn.ones(1).is_pinned()
    False
    """
    return False


def get_device(self):
    """-1: the CPU, as torch numbers it."""
    return -1


METHODS = {"share_memory_": share_memory_, "is_shared": is_shared, "cuda": cuda, "pin_memory": pin_memory,
           "is_pinned": is_pinned, "get_device": get_device}
