"""Making tensors: tensor, zeros, ones, full, empty, arange, linspace, eye, the ``*_like`` forms
and from_numpy (random tensors are in :mod:`scratchnet.random`).

Python floats become float32 (the default dtype), Python ints int64, as in torch.

>>> import scratchnet as sn
>>> sn.tensor([1, 2]).dtype, sn.tensor([1.0, 2.0]).dtype
(dtype('int64'), dtype('float32'))
>>> sn.zeros(2, 3).shape
scratchnet.Size([2, 3])
"""

from .backend import xp
from .tensor import Tensor, _as_array, check_dtype, get_default_dtype, int64


def _sizes(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    for s in size:
        if not isinstance(s, (int, xp.integer)) or s < 0:
            raise ValueError(f"sizes must be non-negative integers, got {tuple(size)}")
    return tuple(int(s) for s in size)


def _make(array, dtype, requires_grad):
    dtype = get_default_dtype() if dtype is None else check_dtype(dtype)
    return Tensor(array.astype(dtype, copy=False), requires_grad=requires_grad)


def _filled(fill, size, dtype, requires_grad):
    """A new tensor made directly in its dtype (no float64 intermediate)."""
    dtype = get_default_dtype() if dtype is None else check_dtype(dtype)
    return Tensor(fill(size, dtype=dtype), requires_grad=requires_grad)


def tensor(data, dtype=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (a number, nested lists, an array or a Tensor)."""
    if isinstance(data, Tensor):
        data = data.array
    array = xp.array(_as_array(data, dtype), copy=True)
    return Tensor(array, requires_grad=requires_grad)


def as_tensor(data, dtype=None):
    return data if isinstance(data, Tensor) and dtype is None else Tensor(data, dtype=dtype)


def from_numpy(array):
    """A tensor sharing memory with the NumPy array (its dtype kept)."""
    if not isinstance(array, xp.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Tensor(array)


def zeros(*size, dtype=None, requires_grad=False):
    return _filled(xp.zeros, _sizes(size), dtype, requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    return _filled(xp.ones, _sizes(size), dtype, requires_grad)


def empty(*size, dtype=None, requires_grad=False):
    return _filled(xp.empty, _sizes(size), dtype, requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    if dtype is None:
        dtype = int64 if isinstance(fill_value, int) and not isinstance(fill_value, bool) else "bool" if isinstance(fill_value, bool) else None
    return _make(xp.full(_sizes((size,)), fill_value), dtype, requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    return _make(xp.eye(n, m), dtype, requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """Like torch: int64 when start, end and step are all ints, else the default float."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if dtype is None and all(isinstance(v, int) for v in (start, end, step)):
        dtype = int64
    return _make(xp.arange(start, end, step), dtype, requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False):
    return _make(xp.linspace(start, end, steps), dtype, requires_grad)










def zeros_like(input, dtype=None, requires_grad=False):
    return _filled(xp.zeros, input.shape, dtype or input.dtype, requires_grad)


def ones_like(input, dtype=None, requires_grad=False):
    return _filled(xp.ones, input.shape, dtype or input.dtype, requires_grad)


def empty_like(input, dtype=None, requires_grad=False):
    return _filled(xp.empty, input.shape, dtype or input.dtype, requires_grad)


def full_like(input, fill_value, dtype=None, requires_grad=False):
    return _make(xp.full(input.shape, fill_value), dtype or input.dtype, requires_grad)



