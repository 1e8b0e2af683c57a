"""Layers: modules that own parameters (or a mode) and call :mod:`scratchnet.nn.functional`.

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> nn.Linear(20, 30)(sn.randn(128, 20)).shape
scratchnet.Size([128, 30])
>>> conv = nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))
>>> conv(sn.randn(20, 16, 50, 100)).shape
scratchnet.Size([20, 33, 26, 100])
"""

import math

from .. import creation
from ..ops.conv import pair
from ..tensor import get_default_dtype
from . import functional as F
from . import init
from .conv import Conv2d  # noqa: F401  (the convolutions live in nn/conv.py)
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d  # noqa: F401  (pooling: nn/pooling.py)
from .module import Module, Parameter


class Identity(Module):
    """Returns its input unchanged.

    Shape: any

    >>> import scratchnet as sn
    >>> sn.nn.Identity()(sn.ones(2)).tolist()
    [1.0, 1.0]
    """

    def forward(self, input):
        return input


class Linear(Module):
    """y = x W^T + b, W of shape (out_features, in_features); initialised as torch's Linear."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(creation.empty(out_features, in_features, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        # torch's default: kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), for both
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class _BatchNorm(Module):
    """Normalise each channel by the batch's statistics (training) or running ones (eval).

    gamma (``weight``) and beta (``bias``) are learned; ``running_mean`` and ``running_var`` are
    buffers, updated in training with momentum (or a cumulative average when momentum is None).
    """

    expected_dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        super().__init__()
        creation.empty(0, device=device)  # torch's error for a device this machine lacks
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats, self.has_bias = affine, track_running_stats, bias
        dtype = dtype or get_default_dtype()
        self.register_parameter("weight", Parameter(creation.ones(num_features, dtype=dtype)) if affine else None)
        self.register_parameter("bias", Parameter(creation.zeros(num_features, dtype=dtype)) if affine and bias else None)
        if track_running_stats:
            self.register_buffer("running_mean", creation.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", creation.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", creation.tensor(0))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def _check_input_dim(self, input):
        if input.ndim not in self.expected_dims:
            raise ValueError(f"expected {' or '.join(f'{d}D' for d in self.expected_dims)} input (got {input.ndim}D input)")

    def forward(self, input):
        self._check_input_dim(input)
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.array += 1
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked.item())
        use_batch_stats = self.training or self.running_mean is None
        return F.batch_norm(
            input,
            self.running_mean if not self.training or self.track_running_stats else None,
            self.running_var if not self.training or self.track_running_stats else None,
            self.weight, self.bias, use_batch_stats, momentum, self.eps,
        )

    def extra_repr(self):
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` per channel, batch statistics in training (running ones, updated with ``momentum``, in eval).

    Shape: (N, C) or (N, C, L)

    >>> import scratchnet as sn
    >>> sn.nn.BatchNorm1d(3)(sn.randn(4, 3)).shape
    scratchnet.Size([4, 3])
    """

    expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization per channel of an image batch (see BatchNorm1d).

    Shape: (N, C, H, W)

    >>> import scratchnet as sn
    >>> sn.nn.BatchNorm2d(3)(sn.randn(2, 3, 4, 4)).shape
    scratchnet.Size([2, 3, 4, 4])
    """

    expected_dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalization per channel of a volume batch (see BatchNorm1d).

    Each channel's (N, D, H, W) values are normalised by their mean and biased variance in training.

    Shape: (N, C, D, H, W)

    >>> import scratchnet as sn
    >>> sn.nn.BatchNorm3d(3)(sn.randn(2, 3, 2, 4, 4)).shape
    scratchnet.Size([2, 3, 2, 4, 4])
    """

    expected_dims = (5,)


class SyncBatchNorm(_BatchNorm):
    """Batch normalization whose training statistics are shared by every process of a group.

    In one process (or with ``torch.distributed`` not initialized) it is BatchNorm over any
    (N, C, ...) input. torch synchronizes only tensors on an accelerator and refuses a CPU input
    once a process group is up; scratchnet, CPU-only, refuses it the same way.

    Shape: (N, C, ...)

    >>> import scratchnet as sn
    >>> sn.nn.SyncBatchNorm(3)(sn.randn(2, 3, 4)).shape
    scratchnet.Size([2, 3, 4])
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, process_group=None, device=None,
                 dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input):
        if input.ndim < 2:
            raise ValueError(f"expected at least 2D input (got {input.ndim}D input)")
        if input.shape[1] == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")
        from .. import distributed

        if self.training and distributed.is_initialized():  # torch synchronizes accelerator tensors only
            raise ValueError("SyncBatchNorm expected input tensor to be on GPU or XPU or privateuseone")

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """``module`` with every BatchNorm*d in it replaced by a SyncBatchNorm that shares its
        parameters and buffers (a BatchNorm passed itself comes back converted)."""
        converted = module
        if isinstance(module, _BatchNorm):
            converted = cls(module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats, process_group,
                            bias=module.bias is not None)
            if module.affine:
                converted.weight, converted.bias = module.weight, module.bias
            converted.running_mean, converted.running_var = module.running_mean, module.running_var
            converted.num_batches_tracked = module.num_batches_tracked
            converted.training = module.training
        for name, child in module.named_children():
            converted.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return converted


class Dropout(Module):
    """In training, zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)`` (torch's masks from the same seed); the identity in eval.

    Shape: any

    >>> import scratchnet as sn
    >>> sn.nn.Dropout(0.5).eval()(sn.ones(3)).tolist()
    [1.0, 1.0, 1.0]
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Flatten(Module):
    """Merge dims ``start_dim .. end_dim`` (default 1 .. -1).

    Shape: (N, *) -> (N, prod(*))

    >>> import scratchnet as sn
    >>> sn.nn.Flatten()(sn.ones(2, 3, 4)).shape
    scratchnet.Size([2, 12])
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class ReLU(Module):
    """``max(x, 0)``.

    Shape: any

    >>> import scratchnet as sn
    >>> sn.nn.ReLU()(sn.tensor([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)


class Sigmoid(Module):
    """``1 / (1 + e^-x)``.

    Shape: any

    >>> import scratchnet as sn
    >>> sn.nn.Sigmoid()(sn.tensor([0.0])).item()
    0.5
    """

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(Module):
    """``tanh(x)``.

    Shape: any

    >>> import scratchnet as sn
    >>> sn.nn.Tanh()(sn.tensor([0.0])).item()
    0.0
    """

    def forward(self, input):
        return F.tanh(input)


class LeakyReLU(Module):
    """``x`` where positive, ``negative_slope * x`` elsewhere.

    Shape: any

    >>> import scratchnet as sn
    >>> sn.nn.LeakyReLU(0.1)(sn.tensor([-1.0])).tolist()
    [-0.10000000149011612]
    """

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class GELU(Module):
    """``x * Phi(x)`` (``approximate='tanh'``: the tanh form).

    Shape: any

    >>> import scratchnet as sn
    >>> sn.nn.GELU()(sn.tensor([0.0])).item()
    0.0
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softmax(Module):
    """``e^x / sum(e^x)`` along ``dim``, computed stably.

    Shape: any

    >>> import scratchnet as sn
    >>> sn.nn.Softmax(dim=0)(sn.tensor([0.0, 0.0])).tolist()
    [0.5, 0.5]
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """``log(softmax(x, dim))``, computed stably.

    Shape: any

    >>> import scratchnet as sn
    >>> sn.nn.LogSoftmax(dim=0)(sn.tensor([0.0, 0.0])).exp().sum().item()
    1.0
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.log_softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size`` (a tuple or list; one entry may be -1)."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)) or not all(isinstance(s, int) for s in unflattened_size):
            raise TypeError(f"unflattened_size must be a tuple of ints, but found type {type(unflattened_size).__name__}")
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input):
        d = self.dim % input.ndim
        return input.reshape(*input.shape[:d], *self.unflattened_size, *input.shape[d + 1 :])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Softmax2d(Module):
    """softmax over the channels (dim -3) of a (N, C, H, W) or (C, H, W) input."""

    def forward(self, input):
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D instead")
        return F.softmax(input, -3)
