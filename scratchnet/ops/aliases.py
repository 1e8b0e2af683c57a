"""torch's other spellings of ops scratchnet already has: ``torch.divide`` is ``torch.div``,
``torch.greater`` is ``torch.gt``, ``x.where(cond, y)`` is ``torch.where(cond, x, y)``, and
``ravel``, the flattened view (or copy). Each is the op it names, so its dtype rules, errors and
gradients are that op's.

>>> import scratchnet as sn
>>> sn.divide(sn.tensor([3.0, -3.0]), 2, rounding_mode="floor")
tensor([ 1., -2.])
>>> sn.tensor([[1, 2], [3, 4]]).ravel()
tensor([1, 2, 3, 4])
"""

from ..tensor import Tensor, bool_, uint8
from . import math as _math
from . import shape as _shape

__all__ = [
    "divide", "multiply", "subtract", "clip", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "ravel", "is_complex", "is_signed",
]

divide = _math.div
multiply = _math.mul
subtract = _math.sub
clip = _math.clamp
greater = _math.gt
greater_equal = _math.ge
less = _math.lt
less_equal = _math.le
not_equal = _math.ne


def ravel(input):
    """``input`` as one dimension, in row-major order: ``input.contiguous().view(-1)`` (a view when
    the memory is contiguous, else of a copy); a 0-d tensor becomes shape ``(1,)``.

    >>> import scratchnet as sn
    >>> sn.ravel(sn.tensor(5.0)).shape
    scratchnet.Size([1])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"ravel(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return _shape.view(_shape.contiguous(input), -1)


def _where_method(self, condition, other):
    """``torch.where(condition, self, other)``: ``self`` where ``condition``, else ``other``.

    >>> import scratchnet as sn
    >>> sn.tensor([1.0, 2.0]).where(sn.tensor([True, False]), 0.0)
    tensor([1., 0.])
    """
    return _math.where(condition, self, other)


def _broadcast_to_method(self, size):
    """``torch.broadcast_to(self, size)``: ``self`` expanded to ``size`` (a view).

    >>> import scratchnet as sn
    >>> sn.tensor([1, 2]).broadcast_to((2, 2)).shape
    scratchnet.Size([2, 2])
    """
    return _shape.broadcast_to(self, size)


def is_complex(input):
    """False: scratchnet holds no complex dtypes (torch's answer for every real tensor).

    >>> import scratchnet as sn
    >>> sn.is_complex(sn.ones(2))
    False
    """
    return False


def is_signed(input):
    """Whether ``input``'s dtype holds negative values (all but uint8 and bool).

    >>> import scratchnet as sn
    >>> sn.tensor([1], dtype=sn.uint8).is_signed(), sn.tensor([1.0]).is_signed()
    (False, True)
    """
    return input.dtype not in (uint8, bool_)


def _nelement(self):
    """``self.numel()``: the number of elements (torch's older name).

    >>> import scratchnet as sn
    >>> sn.ones(2, 3).nelement()
    6
    """
    return self.numel()


def _ndimension(self):
    """``self.dim()``: the number of dimensions (torch's older name).

    >>> import scratchnet as sn
    >>> sn.ones(2, 3).ndimension()
    2
    """
    return self.dim()


METHODS = {
    "divide": divide, "multiply": multiply, "subtract": subtract, "greater": greater,
    "greater_equal": greater_equal, "less": less, "less_equal": less_equal, "not_equal": not_equal,
    "ravel": ravel, "where": _where_method, "broadcast_to": _broadcast_to_method,
    "is_complex": is_complex, "is_signed": is_signed, "nelement": _nelement, "ndimension": _ndimension,
}
