"""``scratchnet.nn.utils``: gradient clipping, parameters as one vector, and the ``rnn`` helpers
for variable-length sequences, as ``torch.nn.utils``.

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> net = nn.Linear(3, 2)
>>> net(sn.ones(4, 3)).sum().backward()
>>> total = nn.utils.clip_grad_norm_(net.parameters(), max_norm=0.1)
>>> bool(total > 0.1), round(nn.utils.get_total_norm([p.grad for p in net.parameters()]).item(), 4)
(True, 0.1)
"""

from . import rnn
from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .convert_parameters import parameters_to_vector, vector_to_parameters

__all__ = [
    "clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm",
    "parameters_to_vector", "rnn", "vector_to_parameters",
]
