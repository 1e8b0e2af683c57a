"""The parts of a complex number, on scratchnet's real tensors: ``angle`` (pi for negative
numbers, 0 otherwise), ``real`` (the tensor itself) and ``imag`` (refused: torch has no imaginary
part of a real tensor); also the operator spellings ``__rdiv__`` / ``__idiv__`` torch keeps.

scratchnet holds no complex dtypes (NumPy's would need every op's derivative rewritten), so these
are the real-input halves of torch's definitions.

>>> import scratchnet as sn
>>> sn.angle(sn.tensor([-2.0, 0.0, 3.0]))
tensor([3.1416, 0.0000, 0.0000])
>>> x = sn.tensor([1.0, 2.0])
>>> sn.real(x) is x, x.real is x
(True, True)
"""

import math

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor, get_default_dtype

__all__ = ["angle", "real", "imag"]


def _need_tensor(fn, value):
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(value).__name__}")


class Angle(Function):
    """``pi`` where ``x < 0``, NaN where x is, else 0; its derivative is 0 for real input (torch's
    ``angle_backward``: a constant zero, outside the graph)."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return xp.where(a < 0, math.pi, xp.where(xp.isnan(a), a, 0)).astype(a.dtype)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return Tensor._make(xp.zeros_like(x.array))


def angle(input, *, out=None):
    """The argument (phase) of each element: ``pi`` for negative numbers, 0 for zero and positive
    ones, NaN for NaN; integers and bools give the default float dtype (unsigned ones are never
    negative). The gradient is 0.

    Args:
        input (Tensor): the input tensor.

    >>> import scratchnet as sn
    >>> sn.angle(sn.tensor([-1, 1]))
    tensor([3.1416, 0.0000])
    """
    _need_tensor("angle", input)
    if input.dtype not in FLOAT_DTYPES:
        input = Tensor._make(input.array.astype(get_default_dtype()))
    return Angle.apply(input)


def real(input):
    """The real part of ``input``: for scratchnet's real tensors, ``input`` itself (torch returns
    the same tensor for a real input).

    Args:
        input (Tensor): the input tensor.

    >>> import scratchnet as sn
    >>> x = sn.tensor([1.5])
    >>> sn.real(x) is x
    True
    """
    _need_tensor("real", input)
    return input


def imag(input):
    """The imaginary part of a complex tensor; refused with torch's RuntimeError for a real tensor
    (all of scratchnet's: it has no complex dtypes).

    Args:
        input (Tensor): the input tensor.

    >>> import scratchnet as sn
    >>> sn.imag(sn.tensor([1.0]))
    Traceback (most recent call last):
    ...
    RuntimeError: imag is not implemented for tensors with non-complex dtypes.
    """
    _need_tensor("imag", input)
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


def _set_real(self, value):
    self.copy_(value)  # the real part of a real tensor is the tensor: writing it writes the tensor


def _set_imag(self, value):
    imag(self)


def _idiv(self, other):
    """``self /= other``: torch's old spelling of ``__itruediv__``."""
    return self.__itruediv__(other)


def _rdiv(self, other):
    """``other / self``: torch's old spelling of ``__rtruediv__``."""
    return self.__rtruediv__(other)


def _div(self, other):
    """``self / other``: torch's old spelling of ``__truediv__``."""
    return self.__truediv__(other)


METHODS = {
    "angle": angle,
    "real": property(real, _set_real, doc="The real part: the tensor itself (scratchnet's tensors are real)."),
    "imag": property(imag, _set_imag, doc="The imaginary part: refused, as torch refuses it on a real tensor."),
    "__rdiv__": _rdiv, "__idiv__": _idiv, "__div__": _div,
}
