"""Tensor attributes and legacy methods that ask or set what a tensor is, rather than compute:
the device and layout predicates (every scratchnet tensor is a dense CPU one), ``dim_order``,
the legacy ``new`` constructor, ``set_``/``is_set_to`` (sharing another tensor's memory),
``map_``/``map2_`` (a Python function applied element by element), ``as_subclass``.

>>> import scratchnet as sn
>>> x = sn.ones(2, 3)
>>> x.is_mps, x.is_nested, x.t().dim_order()
(False, False, (1, 0))
"""

from ..backend import xp
from ..tensor import Tensor

__all__ = []

#: torch's predicates that are False for every dense CPU tensor
_NEVER = ("is_xpu", "is_mps", "is_ipu", "is_xla", "is_vulkan", "is_mkldnn", "is_maia", "is_mtia", "is_nested", "is_quantized",
          "is_sparse_csr")


def _false(self):
    return False


def _dense_in_order(shape, strides, order):
    """Whether the dims, taken outermost first in ``order``, are laid out densely (size-1 dims
    may have any stride): torch's contiguity test for a memory format."""
    expected = 1
    for d in reversed(order):
        if shape[d] != 1:
            if strides[d] != expected:
                return False
            expected *= shape[d]
    return True


def dim_order(self, *, ambiguity_check=False):
    """The dims from the outermost in memory to the innermost, as torch orders them: contiguous
    and channels-last tensors by their format, any other by an insertion sort on the strides
    (equal strides: the shorter dim inside; zero strides: no preference).

    >>> import scratchnet as sn
    >>> sn.ones(2, 3, 4).permute(2, 0, 1).dim_order()
    (1, 2, 0)
    """
    if not isinstance(ambiguity_check, bool):
        raise TypeError("The ambiguity_check argument must be a bool or a list of memory formats.")
    shape, strides, n = tuple(self.shape), self.stride(), self.ndim
    if n <= 1:
        return tuple(range(n))
    contiguous = _dense_in_order(shape, strides, range(n))
    channels_last = n == 4 and _dense_in_order(shape, strides, (0, 2, 3, 1))
    if contiguous and not channels_last:
        return tuple(range(n))
    if channels_last and not contiguous:
        return (0, 2, 3, 1)

    def at_least(a, b):
        return b == 0 or (a != 0 and (a >= b or a % b == 0))

    def should_swap(a, b):
        sa, sb = strides[a], strides[b]
        if sa == 0 or sb == 0:
            return 0
        if sa == sb:
            return 0 if at_least(shape[b], shape[a]) else 1
        return -1 if at_least(sb, sa) else 1 if at_least(sa, sb) else 0

    perm = list(reversed(range(n)))  # sorted innermost first, then reversed
    for i in range(1, n):
        j = i
        for k in reversed(range(i)):
            order = should_swap(perm[k], perm[j])
            if order > 0:
                perm[k], perm[j] = perm[j], perm[k]
                j = k
            elif order < 0:
                break
    if ambiguity_check and any(should_swap(perm[i], perm[i + 1]) != -1 for i in range(n - 1)):
        raise RuntimeError("The tensor does not have unique dim order.")
    return tuple(reversed(perm))


def new(self, *args, **kwargs):
    """Legacy constructor: a tensor of this one's dtype: ``new(2, 3)`` or ``new(size)`` (zeros
    here, unset in torch), ``new([1, 2])`` (data), ``new(other)`` (shares other's memory),
    ``new()`` (empty).

    >>> import scratchnet as sn
    >>> sn.ones(1, dtype=sn.float64).new([1, 2]).dtype
    scratchnet.float64
    """
    from .. import creation

    if kwargs.pop("device", None) not in (None, "cpu"):
        raise RuntimeError("new(): expected a CPU device")
    if kwargs:
        raise TypeError(f"new() got unexpected keyword arguments {sorted(kwargs)}")
    if not args:
        return creation.empty(0, dtype=self.dtype)
    if len(args) == 1 and isinstance(args[0], Tensor):
        if args[0].dtype != self.dtype:
            raise TypeError(f"expected {self.dtype} (got {args[0].dtype})")
        return args[0].detach()
    if all(isinstance(a, (int, xp.integer)) and not isinstance(a, bool) for a in args):
        return creation.zeros(*args, dtype=self.dtype)
    if len(args) == 1 and isinstance(args[0], tuple) and type(args[0]) is not tuple:  # a Size: that shape
        return creation.zeros(tuple(args[0]), dtype=self.dtype)
    if len(args) == 1:  # a list or plain tuple: data
        return creation.tensor(args[0], dtype=self.dtype)
    raise TypeError(f"new() received an invalid combination of arguments: {args!r}")


def is_set_to(self, tensor):
    """Whether both tensors view the same memory with the same offset, sizes and strides.

    >>> import scratchnet as sn
    >>> a, b = sn.ones(3), sn.zeros(2)
    >>> a.is_set_to(b), a.set_(b).is_set_to(b)
    (False, True)
    """
    a, b = self._array, tensor._array
    return (a.__array_interface__["data"][0] == b.__array_interface__["data"][0] and a.shape == b.shape
            and a.strides == b.strides and a.dtype == b.dtype)


def set_(self, source=None, storage_offset=None, size=None, stride=None):
    """Make this tensor view ``source``'s memory (its sizes, strides and dtype); with no source,
    an empty tensor. In place: every later write to one shows in the other."""
    if source is None:
        self._array = xp.empty(0, dtype=self._array.dtype)
    else:
        if not isinstance(source, Tensor):
            raise TypeError(f"set_(): expected a Tensor source, got {type(source).__name__}")
        if source.dtype != self.dtype:
            raise RuntimeError(f"Could not set tensor of type {self.dtype} to a tensor of type {source.dtype}")
        if storage_offset is not None or size is not None or stride is not None:
            raise NotImplementedError("set_(source, storage_offset, size, stride) is not supported in scratchnet: "
                                      "set_(source) shares the source's memory; take a view of it for another geometry")
        self._array = source._array
    self._version_counter[0] += 1
    return self


def _apply_elementwise(self, fn, *others):
    arrays = xp.broadcast_arrays(self._array, *(o._array for o in others))
    if arrays[0].shape != self._array.shape:
        raise RuntimeError(f"map_: the other tensors must broadcast to this one's shape {list(self.shape)}")
    flat = [a.ravel().tolist() for a in arrays]
    values = [fn(*row) for row in zip(*flat)]
    self._array[...] = xp.asarray(values, dtype=self._array.dtype).reshape(self._array.shape)
    self._version_counter[0] += 1
    return self


def map_(self, tensor, callable):
    """``self[i] = callable(self[i], tensor[i])`` for every element, in place (Python numbers).

    >>> import scratchnet as sn
    >>> sn.zeros(2).map_(sn.ones(2), lambda a, b: a + b + 1).tolist()
    [2.0, 2.0]
    """
    return _apply_elementwise(self, callable, tensor)


def map2_(self, x, y, callable):
    """``self[i] = callable(self[i], x[i], y[i])`` for every element, in place."""
    return _apply_elementwise(self, callable, x, y)


def as_subclass(self, cls):
    """This tensor as an instance of ``cls`` (a Tensor subclass): the same memory and graph.

    >>> import scratchnet as sn
    >>> type(sn.ones(2).as_subclass(sn.nn.Parameter)).__name__
    'Parameter'
    """
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError(f"as_subclass(): argument 'cls' must be a subclass of Tensor, got {cls!r}")
    out = self.view(tuple(self.shape))
    out.__class__ = cls
    return out


def const_data_ptr(self):
    """The address of the tensor's first element (``data_ptr``)."""
    return self.data_ptr()


def _never(name):
    device = name[3:]
    doc = (f"False: scratchnet has no {device} tensors; every one is a dense CPU tensor.\n\n"
           f"    >>> import scratchnet as sn\n    >>> sn.ones(1).{name}\n    False\n    ")
    return property(_false, doc=doc)


METHODS = {name: _never(name) for name in _NEVER}
METHODS.update(dim_order=dim_order, new=new, is_set_to=is_set_to, set_=set_, map_=map_, map2_=map2_, as_subclass=as_subclass,
               const_data_ptr=const_data_ptr)
