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

# weight/spectral norm (hook form and parametrizations), fusion, skip_init, stateless (torch.nn.utils's other namespaces)
from . import fusion, init, memory_format, parametrizations, parametrize, stateless  # noqa: E402
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights  # noqa: E402
from .init import skip_init  # noqa: E402
from .memory_format import convert_conv2d_weight_memory_format, convert_conv3d_weight_memory_format  # noqa: E402
from .spectral_norm import remove_spectral_norm, spectral_norm  # noqa: E402
from .weight_norm import remove_weight_norm, weight_norm  # noqa: E402
from . import clip_grad, convert_parameters  # noqa: E402,F401

__all__ += [
    "convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format", "fuse_conv_bn_eval",
    "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights", "fusion", "parametrizations",
    "parametrize", "remove_spectral_norm", "remove_weight_norm", "skip_init", "spectral_norm", "stateless",
    "weight_norm",
]
