"""``scratchnet.nn.functional``: the ops under torch.nn.functional's names.

>>> import scratchnet as sn
>>> import scratchnet.nn.functional as F
>>> F.softmax(sn.tensor([[1.0, 2.0]]), dim=1).sum().item()
1.0
"""

from ..ops.activation import gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, tanh
from ..ops.shape import one_hot

__all__ = ["gelu", "leaky_relu", "log_softmax", "one_hot", "relu", "sigmoid", "softmax", "tanh"]
