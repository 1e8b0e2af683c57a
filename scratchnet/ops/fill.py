"""``torch.fill(input, value)``: the out-of-place form of ``Tensor.fill_``, a new tensor of
``input``'s shape and dtype with every element ``value`` (a number, or a 0-d tensor that then
receives the gradient: the sum of the incoming one; ``input`` receives none).

>>> import scratchnet as sn
>>> sn.fill(sn.tensor([1, 2, 3]), 7)
tensor([7, 7, 7])
"""

from ..tensor import Tensor

__all__ = ["fill"]


def fill(input, value):
    """A copy of ``input`` with every element set to ``value`` (cast to ``input``'s dtype).

    Args:
        input (Tensor): gives the shape and dtype.
        value (number or 0-d Tensor): the value.

    >>> import scratchnet as sn
    >>> sn.fill(sn.zeros(2), sn.tensor(1.5))
    tensor([1.5000, 1.5000])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"fill(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input.clone().fill_(value)
