"""Parameters as one flat vector and back, as ``torch.nn.utils.convert_parameters``.

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> net = nn.Linear(2, 1)
>>> v = parameters_to_vector(net.parameters())
>>> v.shape
scratchnet.Size([3])
>>> vector_to_parameters(sn.zeros(3), net.parameters()); net.bias.tolist()
[0.0]
"""

from ...ops.shape import cat
from ...tensor import Tensor


def parameters_to_vector(parameters):
    """Every parameter flattened and concatenated into one 1-D tensor (differentiable)."""
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Point each parameter's ``.data`` at its slice of ``vec`` (shared, as torch)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    start = 0
    for p in parameters:
        n = p.numel()
        p.data = vec.array[start:start + n].reshape(p.shape)
        start += n
