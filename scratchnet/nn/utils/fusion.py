"""``torch.nn.utils.fusion``: fold an eval-mode BatchNorm into the Conv or Linear before it.

BatchNorm in eval is an affine map per channel, ``y = (x - mean) / sqrt(var + eps) * gamma +
beta``; after a layer ``x = W z + b`` it folds into new weights:

    scale = gamma / sqrt(var + eps)
    W' = W * scale (per output channel)      b' = (b - mean) * scale + beta

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> conv, bn = nn.Conv2d(2, 3, 3).eval(), nn.BatchNorm2d(3).eval()
>>> x = sn.randn(1, 2, 5, 5)
>>> bool(sn.allclose(fuse_conv_bn_eval(conv, bn)(x), bn(conv(x)), atol=1e-6))
True
"""

import copy

from ... import creation
from ..module import Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A copy of ``conv`` (eval mode) with ``bn`` (eval mode) folded into its weight and bias.

    Args:
        conv: a Conv module; bn: a BatchNorm module with running statistics;
        transpose (bool): ``conv`` is a transposed convolution (output channels in dim 1).

    >>> import scratchnet.nn as nn
    >>> fused = fuse_conv_bn_eval(nn.Conv2d(2, 3, 1).eval(), nn.BatchNorm2d(3).eval())
    >>> tuple(fused.bias.shape)
    (3,)
    """
    if conv.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    fused = copy.deepcopy(conv)
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError("bn.running_mean and bn.running_var must not be None")
    fused.weight, fused.bias = fuse_conv_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                    bn.eps, bn.weight, bn.bias, transpose)
    return fused


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """The fused ``(weight, bias)`` Parameters of a convolution followed by a BatchNorm
    (``conv_b``, ``bn_w``, ``bn_b`` may be None: 0, 1, 0). Dtypes are the convolution's.

    >>> import scratchnet as sn
    >>> w, b = fuse_conv_bn_weights(sn.ones(2, 1, 1, 1), None, sn.zeros(2), sn.full((2,), 3.0), 1.0, None, None)
    >>> w.flatten().tolist(), b.tolist()
    ([0.5, 0.5], [0.0, 0.0])
    """
    weight_dtype = conv_w.dtype
    bias_dtype = conv_b.dtype if conv_b is not None else weight_dtype
    conv_b = creation.zeros_like(bn_rm) if conv_b is None else conv_b
    bn_w = creation.ones_like(bn_rm) if bn_w is None else bn_w
    bn_b = creation.zeros_like(bn_rm) if bn_b is None else bn_b
    rsqrt = (bn_rv + bn_eps).rsqrt()
    shape = ([1, -1] if transpose else [-1, 1]) + [1] * (conv_w.ndim - 2)
    w = (conv_w * (bn_w * rsqrt).reshape(shape)).to(dtype=weight_dtype)
    b = ((conv_b - bn_rm) * rsqrt * bn_w + bn_b).to(dtype=bias_dtype)
    return Parameter(w.detach(), conv_w.requires_grad), Parameter(b.detach(), conv_b.requires_grad)


def fuse_linear_bn_eval(linear, bn):
    """A copy of ``linear`` (eval mode) with ``bn`` (eval mode, ``num_features`` equal to
    ``out_features`` or 1) folded in.

    >>> import scratchnet.nn as nn
    >>> tuple(fuse_linear_bn_eval(nn.Linear(2, 3).eval(), nn.BatchNorm1d(3).eval()).weight.shape)
    (3, 2)
    """
    if linear.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    fused = copy.deepcopy(linear)
    if linear.out_features != bn.num_features and bn.num_features != 1:
        raise AssertionError("To fuse, linear.out_features == bn.num_features or bn.num_features == 1, "
                             f"got linear.out_features={linear.out_features} and bn.num_features={bn.num_features}")
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError("bn.running_mean and bn.running_var must not be None")
    fused.weight, fused.bias = fuse_linear_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                      bn.eps, bn.weight, bn.bias)
    return fused


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """The fused ``(weight, bias)`` Parameters of a Linear followed by a BatchNorm.

    >>> import scratchnet as sn
    >>> w, b = fuse_linear_bn_weights(sn.ones(2, 2), sn.ones(2), sn.zeros(2), sn.full((2,), 3.0), 1.0,
    ...                               sn.ones(2), sn.zeros(2))
    >>> w.tolist(), b.tolist()
    ([[0.5, 0.5], [0.5, 0.5]], [0.5, 0.5])
    """
    weight_dtype = linear_w.dtype
    bias_dtype = linear_b.dtype if linear_b is not None else weight_dtype
    linear_b = creation.zeros_like(bn_rm) if linear_b is None else linear_b
    scale = bn_w * (bn_rv + bn_eps).rsqrt()
    w = linear_w * scale.unsqueeze(-1).to(dtype=weight_dtype)
    b = ((linear_b - bn_rm) * scale + bn_b).to(dtype=bias_dtype)
    return Parameter(w.detach(), linear_w.requires_grad), Parameter(b.detach(), linear_b.requires_grad)
