"""Questions about tensors and dtypes: ``is_tensor``, ``is_floating_point``, ``is_nonzero``,
``numel``, and the limits of a dtype, ``finfo`` and ``iinfo``, as torch's.

>>> import scratchnet as sn
>>> sn.finfo(sn.float64).bits, sn.iinfo(sn.int32).min
(64, -2147483648)
"""

import builtins

from .backend import FLOAT_DTYPES, xp
from .creation import _dtype
from .tensor import Tensor, get_default_dtype


# --- questions about tensors and dtypes -------------------------------------------------------------


def is_tensor(obj):
    """Whether ``obj`` is a scratchnet Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input):
    """Whether ``input``'s dtype is a float (float32 or float64)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"is_floating_point(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input.dtype in FLOAT_DTYPES


def is_nonzero(input):
    """The truth of a one-element tensor (torch's error for more or fewer elements)."""
    if input.numel() == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if input.numel() > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return builtins.bool(input.array.reshape(()).item())


def numel(input):
    """The number of elements of ``input``."""
    if not isinstance(input, Tensor):
        raise TypeError(f"numel(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input.numel()


class finfo:
    """Limits of a float dtype, as ``torch.finfo``: bits, eps, max, min, tiny (= smallest_normal),
    resolution and dtype (a string such as 'float32').

    >>> import scratchnet as sn
    >>> sn.finfo(sn.float32).eps
    1.1920928955078125e-07
    """

    def __init__(self, type=None):  # noqa: A002  (torch's argument name)
        dtype = get_default_dtype() if type is None else _dtype(type)
        if dtype not in FLOAT_DTYPES:
            raise TypeError(f"torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'")
        info = xp.finfo(dtype)
        self.bits, self.dtype = int(info.bits), str(dtype)
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = float(10.0 ** -int(info.precision))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype, as ``torch.iinfo``: bits, max, min and dtype.

    >>> import scratchnet as sn
    >>> sn.iinfo(sn.uint8).max
    255
    """

    def __init__(self, type):  # noqa: A002
        dtype = _dtype(type)
        if dtype == xp.dtype(bool):
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if dtype.kind not in "iu":
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        info = xp.iinfo(dtype)
        self.bits, self.max, self.min, self.dtype = int(info.bits), int(info.max), int(info.min), str(dtype)

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
