"""Where a tensor's values live: ``share_memory_`` moves them into shared memory (an anonymous
shared mapping), so processes forked afterwards (``scratchnet.multiprocessing``) read and write the
same values: Module.share_memory() and hogwild training rest on it.

>>> import scratchnet as sn
>>> t = sn.ones(3)
>>> t.share_memory_() is t, t.is_shared(), t.tolist()
(True, True, [1.0, 1.0, 1.0])
"""

import mmap

from ..backend import xp

__all__ = []


def _shared_empty(shape, dtype):
    dtype = xp.dtype(dtype)
    count = int(xp.prod(shape, dtype=xp.int64)) if shape else 1
    buffer = mmap.mmap(-1, max(1, count * dtype.itemsize))  # MAP_SHARED | MAP_ANONYMOUS: kept across fork
    return xp.frombuffer(buffer, dtype=dtype, count=count).reshape(shape)


def _is_shared_array(a):
    while a is not None and not isinstance(a, mmap.mmap):
        a = a.base if isinstance(a, xp.ndarray) else getattr(a, "obj", None) if isinstance(a, memoryview) else None
    return a is not None


def share_memory_(self):
    """Move the values into shared memory (in place; a no-op if they are there already)."""
    if not _is_shared_array(self.array):
        shared = _shared_empty(self.array.shape, self.array.dtype)
        shared[...] = self.array
        self.array = shared
    return self


def is_shared(self):
    """True once the values are in shared memory."""
    return _is_shared_array(self.array)


METHODS = {"share_memory_": share_memory_, "is_shared": is_shared}
