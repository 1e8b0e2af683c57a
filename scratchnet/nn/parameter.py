"""``scratchnet.nn.parameter``: Parameter, Buffer, and the placeholders of lazy modules.

- :class:`Buffer` marks a tensor as module state that is not learned: assigned to a Module
  attribute it is registered as a buffer (``persistent=False`` keeps it out of ``state_dict``).
- :class:`UninitializedParameter` and :class:`UninitializedBuffer` hold the place of a tensor whose
  shape is not known yet (a lazy module's weight before its first forward); ``materialize(shape)``
  gives it memory and turns it into a plain Parameter (a plain Tensor), in place, so an optimizer
  built before still holds it.

>>> import scratchnet as sn
>>> p = UninitializedParameter()
>>> p
<UninitializedParameter>
>>> p.materialize((2, 3)); type(p).__name__, p.shape
('Parameter', scratchnet.Size([2, 3]))
>>> m = sn.nn.Module(); m.stats = Buffer(sn.zeros(2)); [name for name, _ in m.named_buffers()]
['stats']
"""

from ..backend import xp
from ..tensor import Tensor
from .module import Parameter

_UNINITIALIZED_USE = (
    "Attempted to use an uninitialized parameter in {}. This error happens when you are using a "
    "`LazyModule` or explicitly manipulating `torch.nn.parameter.{}` objects. When using LazyModules "
    "Call `forward` with a dummy batch to initialize the parameters before calling torch functions"
)


class _BufferMeta(type(Tensor)):
    """``isinstance(t, Buffer)`` is true of any tensor that Buffer (or UninitializedBuffer) made."""

    def __instancecheck__(cls, instance):
        if cls is Buffer and isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False):
            return True
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """``nn.Buffer(data=None, *, persistent=True)``: ``data`` (detached, keeping ``requires_grad``)
    marked as a buffer: assigning it to a Module attribute registers it, as ``register_buffer``.

    Args:
        data: the tensor (empty if None).
        persistent: whether the buffer is part of the module's ``state_dict``.

    >>> import scratchnet as sn
    >>> m = sn.nn.Module(); m.count = Buffer(sn.tensor(0), persistent=False)
    >>> list(m.state_dict()), [name for name, _ in m.named_buffers()]
    ([], ['count'])
    """

    def __new__(cls, data=None, *, persistent=True):
        data = Tensor._make(xp.empty(0, dtype=xp.float32)) if data is None else data
        t = data.detach()
        t.requires_grad = data.requires_grad
        t.persistent, t._is_buffer = persistent, True
        return t


def is_lazy(t):
    """Whether ``t`` is an uninitialized parameter or buffer (torch's ``nn.parameter.is_lazy``).

    >>> is_lazy(UninitializedBuffer()), is_lazy(Parameter())
    (True, False)
    """
    return isinstance(t, UninitializedTensorMixin)


_SLOT = Tensor.__dict__["_array"]  # the values' slot, read and written past the refusing property below


class UninitializedTensorMixin:
    """What the two placeholders share: no shape until ``materialize``, and no values: an op that
    reads them raises torch's ValueError (the dtype, ``size()``, casts and ``to`` still work)."""

    cls_to_become = None

    @property
    def _array(self):  # what every op reads (Function.apply): refused
        raise ValueError(_UNINITIALIZED_USE.format("an op", type(self).__name__))

    @_array.setter
    def _array(self, value):
        _SLOT.__set__(self, value)

    @property
    def array(self):  # the (empty) storage itself, for casts
        return _SLOT.__get__(self)

    @array.setter
    def array(self, value):
        _SLOT.__set__(self, value)

    @property
    def dtype(self):
        return Tensor._make(_SLOT.__get__(self)).dtype

    def size(self, dim=None):
        return Tensor._make(_SLOT.__get__(self)).size(dim)

    def materialize(self, shape, device=None, dtype=None):
        """Give the tensor memory of ``shape`` (uninitialized values) and ``dtype`` (its own by
        default), and make it a plain Parameter / Tensor, in place.

        >>> b = UninitializedBuffer(); b.materialize(3); b.shape
        scratchnet.Size([3])
        """
        from .. import creation

        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        creation.empty(0, device=device)  # torch's error for a device this machine lacks
        self._array = xp.empty(shape, dtype=self.array.dtype if dtype is None else creation.empty(0, dtype=dtype).array.dtype)
        self._version_counter[0] += 1
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually happens "
            "in `load_state_dict` when trying to load an uninitialized parameter into an initialized one. "
            "Call `forward` to initialize the parameters before accessing their attributes."
        )

    def share_memory_(self):
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. Call `forward` to initialize the "
            "parameters before calling `module.share_memory()`."
        )

    def _refuse(self, what):  # (an optimizer's state made from it: Adagrad)
        """The error for using the placeholder's values (``what`` names the use)."""
        raise ValueError(_UNINITIALIZED_USE.format(what, type(self).__name__))

    def __repr__(self):
        return f"<{type(self).__name__}>"

    def __reduce_ex__(self, proto):
        return (type(self), (self.requires_grad,))

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, dtype=self.dtype)
        return memo[id(self)]


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """``nn.UninitializedParameter(requires_grad=True, device=None, dtype=None)``: a Parameter
    whose shape is not known yet; ``materialize(shape)`` turns it into a Parameter.

    >>> p = UninitializedParameter(); p.materialize((4,)); p.requires_grad, p.dtype
    (True, scratchnet.float32)
    """

    cls_to_become = Parameter

    def __init__(self, requires_grad=True, device=None, dtype=None):
        from .. import creation

        Tensor._setup(self, creation.empty(0, device=device, dtype=dtype).array, None, requires_grad)


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """``nn.UninitializedBuffer(requires_grad=False, device=None, dtype=None, persistent=True)``:
    a buffer whose shape is not known yet; ``materialize(shape)`` turns it into a Tensor.

    >>> b = UninitializedBuffer(); b.materialize((2,)); type(b).__name__
    'Tensor'
    """

    cls_to_become = Tensor

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        from .. import creation

        self._setup(creation.empty(0, device=device, dtype=dtype).array, None, requires_grad)
        self.persistent, self._is_buffer = persistent, True


__all__ = ["Buffer", "Parameter", "UninitializedBuffer", "UninitializedParameter", "is_lazy"]
