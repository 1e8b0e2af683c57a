"""Conversions and factories on a tensor: ``to`` in torch's positional forms, ``type`` with torch's
type strings, ``new_zeros/new_ones/new_full/new_empty/new_tensor``, and :func:`numpy_names`, the
decorator that lets an op take NumPy's ``axis=``/``keepdims=`` for ``dim=``/``keepdim=``.

A cast to a float dtype stays in the graph (``ToCopyBackward0``); a cast to an integer or bool
dtype leaves it, as in torch (those dtypes carry no gradient).

>>> import scratchnet as sn
>>> x = sn.tensor([1.5, 2.5])
>>> x.to("cpu", sn.float64).dtype, x.to(sn.int64)
(scratchnet.float64, tensor([1, 2]))
>>> x.type()
'torch.FloatTensor'
"""

import functools
import inspect

from .. import dtypes
from ..backend import FLOAT_DTYPES, quiet_fp_errors, restore_fp_errors, xp
from ..tensor import Tensor
from .math import Cast

__all__ = []

_NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim"}


def numpy_names(fn):
    """Let ``fn`` take ``axis=`` for ``dim=`` and ``keepdims=`` for ``keepdim=``, as torch's
    functions do (its argument parser maps NumPy's names).

    >>> @numpy_names
    ... def first(input, dim=0):
    ...     return dim
    >>> first(None, axis=2)
    2
    """
    params = inspect.signature(fn).parameters
    names = {k: v for k, v in _NUMPY_NAMES.items() if v in params}
    if not names:
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for numpy_name, torch_name in names.items():
            if numpy_name in kwargs:
                if torch_name in kwargs:
                    raise TypeError(f"{fn.__name__}() got both '{torch_name}' and its alias '{numpy_name}'")
                kwargs[torch_name] = kwargs.pop(numpy_name)
        return fn(*args, **kwargs)

    return wrapper


# --- to and type -------------------------------------------------------------------------------------


#: dtype names that scratchnet's own code passes to ``to`` as strings (``x.to("float32")``)
_DTYPE_STRINGS = {"float32", "float64", "int64", "int32", "uint8", "bool"}


def _is_device(a):
    """A device argument ('cpu', 'cuda:0', an index, a device object) rather than a dtype."""
    if isinstance(a, (xp.dtype, type, dtypes.dtype)) or a in _DTYPE_STRINGS:
        return False
    if isinstance(a, str) or (isinstance(a, int) and not isinstance(a, bool)):
        return True
    try:
        xp.dtype(a)
    except TypeError:
        return True  # not a dtype: a device object (anything printing as 'cpu' passes the check)
    return False


def cast(input, dtype, copy=False):
    """``input`` in ``dtype``: in the graph for float targets, outside it for int/bool ones."""
    if dtype == input.dtype and not copy:
        return input
    if dtype in FLOAT_DTYPES and input.dtype in FLOAT_DTYPES:
        return Cast.apply(input, dtype=dtype)
    token = quiet_fp_errors()  # NaN or inf to an integer: torch's value, no NumPy warning
    try:
        return Tensor._make(input.array.astype(dtype))
    finally:
        restore_fp_errors(token)


def to(input, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
    """``x.to(dtype)``, ``x.to(device, dtype)``, ``x.to(other)`` (other's dtype), each optionally
    followed by ``non_blocking, copy`` positionally; ``device`` must be the CPU.

    >>> import scratchnet as sn
    >>> sn.ones(2).to("cpu", sn.int64, False, True)
    tensor([1, 1])
    """
    from ..creation import _check_device, _dtype

    args = list(args)
    if args and isinstance(args[0], Tensor):
        dtype = args.pop(0).dtype
    elif args and (args[0] is None or _is_device(args[0])):  # to(device, dtype, ...)
        device = args.pop(0)
        if args and not isinstance(args[0], bool):
            dtype = args.pop(0)
    elif args and not isinstance(args[0], bool):  # to(dtype, ...)
        dtype = args.pop(0)
    if len(args) > 2:
        raise TypeError(f"to() received too many positional arguments: {len(args) + 1}")
    non_blocking = args[0] if len(args) > 0 else non_blocking
    copy = args[1] if len(args) > 1 else copy
    _check_device(device)
    from .formats import check_memory_format

    check_memory_format(input, memory_format, "to")  # (a channels-last format wants a 4-D / 5-D tensor)
    dtype = input.dtype if dtype is None else _dtype(dtype)
    return cast(input, dtype, copy=bool(copy))


def type_(input, dtype=None, non_blocking=False, **kwargs):
    """With no argument, torch's type string ('torch.FloatTensor'); with a dtype, a type string
    or a legacy class (``scratchnet.DoubleTensor``), the tensor cast to it.

    >>> import scratchnet as sn
    >>> sn.zeros(1).type("torch.LongTensor")
    tensor([0])
    """
    from ..creation import LEGACY_TYPES, TYPE_NAMES, _dtype

    if dtype is None:
        return "torch." + TYPE_NAMES[str(input.dtype)]
    if isinstance(dtype, str):
        name = dtype
        if name.startswith("torch.cuda.") or name.startswith("scratchnet.cuda."):
            raise RuntimeError(f"scratchnet runs on the CPU (NumPy) only; cannot make a {name}")
        short = name.split(".", 1)[1] if name.startswith(("torch.", "scratchnet.")) else None
        if short not in LEGACY_TYPES:
            raise ValueError(f"invalid type: '{name}'")
        dtype = LEGACY_TYPES[short]
    return cast(input, _dtype(dtype))


# --- new_* factories -----------------------------------------------------------------------------


def _new_filled(fill, doc):
    def new(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False, **kwargs):
        from ..creation import _check_device, _dtype, _new, _sizes

        if "size" in kwargs:  # x.new_zeros(size=(2, 3))
            if size:
                raise TypeError("new(): argument 'size' given by name and position")
            size = (kwargs.pop("size"),)
        if kwargs:
            raise TypeError(f"new(): got an unexpected keyword argument {next(iter(kwargs))!r}")
        _check_device(device)
        dtype = self.dtype if dtype is None else _dtype(dtype)
        return _new(fill(_sizes(size, "new"), dtype), requires_grad)

    new.__doc__ = doc
    return new


new_zeros = _new_filled(xp.zeros, "A tensor of zeros of ``size``, in ``self``'s dtype unless given.")
new_ones = _new_filled(xp.ones, "A tensor of ones of ``size``, in ``self``'s dtype unless given.")
new_empty = _new_filled(xp.zeros, "An uninitialised (here: zero) tensor of ``size``, in ``self``'s dtype unless given.")
new_zeros.__name__, new_ones.__name__, new_empty.__name__ = "new_zeros", "new_ones", "new_empty"


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A tensor of ``size`` filled with ``fill_value``, in ``self``'s dtype unless given.

    >>> import scratchnet as sn
    >>> sn.zeros(1, dtype=sn.int64).new_full((2,), 3.7)
    tensor([3, 3])
    """
    from ..creation import full

    return full(size, fill_value, dtype=self.dtype if dtype is None else dtype, device=device, requires_grad=requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A new tensor holding a copy of ``data``, in ``self``'s dtype unless given.

    >>> import scratchnet as sn
    >>> sn.zeros(1).new_tensor([1, 2])
    tensor([1., 2.])
    """
    from ..creation import tensor

    return tensor(data, dtype=self.dtype if dtype is None else dtype, device=device, requires_grad=requires_grad)


METHODS = {
    "to": to, "type": type_, "new_zeros": new_zeros, "new_ones": new_ones, "new_full": new_full,
    "new_empty": new_empty, "new_tensor": new_tensor,
}
