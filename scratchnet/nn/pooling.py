"""Pooling modules: max, average and adaptive pooling in 1-D and 2-D, as torch's (arguments kept
as given, reprs torch's).

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> nn.AvgPool1d(3)
AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))
>>> nn.AdaptiveMaxPool2d((5, 7))(sn.randn(1, 64, 8, 9)).shape
scratchnet.Size([1, 64, 5, 7])
"""

from ..ops import pool, pool_adaptive, pool3d
from .module import Module


class _MaxPoolNd(Module):
    fn = None

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):
        return type(self).fn(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode, self.return_indices)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}"


class MaxPool2d(_MaxPoolNd):
    """The maximum over each (kernel_size) window of a (N, C, H, W) input."""

    fn = staticmethod(pool.max_pool2d)


class MaxPool1d(_MaxPoolNd):
    """The maximum over each window of a (N, C, L) input."""

    fn = staticmethod(pool.max_pool1d)


class AvgPool2d(Module):
    """The mean over each window of a (N, C, H, W) input."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        return pool.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _single(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,)


class AvgPool1d(Module):
    """The mean over each window of a (N, C, L) input."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding, self.ceil_mode, self.count_include_pad = _single(padding), ceil_mode, count_include_pad

    def forward(self, input):
        return pool.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AdaptivePool(Module):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(_AdaptivePool):
    """Average pooling to a fixed output size (H_out, W_out), whatever the input size."""

    def forward(self, input):
        return pool_adaptive.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveAvgPool1d(_AdaptivePool):
    """Average pooling of (N, C, L) to a fixed length."""

    def forward(self, input):
        return pool_adaptive.adaptive_avg_pool1d(input, self.output_size)


class _AdaptiveMaxPool(_AdaptivePool):
    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices


class AdaptiveMaxPool2d(_AdaptiveMaxPool):
    """Max pooling to a fixed output size; ``return_indices`` also gives the winners' positions."""

    def forward(self, input):
        return pool_adaptive.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPool):
    """Max pooling of (N, C, L) to a fixed length."""

    def forward(self, input):
        return pool_adaptive.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class MaxPool3d(_MaxPoolNd):
    """The maximum over each (kD, kH, kW) window of a (N, C, D, H, W) input (see ``F.max_pool3d``).

    Unbatched (C, D, H, W) inputs too; ``return_indices`` also gives the winners' flat D*H*W positions.

    >>> import scratchnet as sn
    >>> MaxPool3d((3, 2, 2), stride=(2, 1, 2))(sn.randn(20, 16, 50, 44, 31)).shape
    scratchnet.Size([20, 16, 24, 43, 15])
    """

    fn = staticmethod(pool3d.max_pool3d)


class AvgPool3d(Module):
    """The mean over each (kD, kH, kW) window of a (N, C, D, H, W) input (see ``F.avg_pool3d``).

    >>> import scratchnet as sn
    >>> AvgPool3d(3, stride=2)(sn.randn(2, 3, 9, 8, 7)).shape
    scratchnet.Size([2, 3, 4, 3, 3])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        return pool3d.avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool3d(_AdaptivePool):
    """Average pooling of (N, C, D, H, W) to a fixed (D_out, H_out, W_out), whatever the input size.

    >>> import scratchnet as sn
    >>> AdaptiveAvgPool3d((5, None, 7))(sn.randn(1, 4, 8, 9, 10)).shape
    scratchnet.Size([1, 4, 5, 9, 7])
    """

    def forward(self, input):
        return pool3d.adaptive_avg_pool3d(input, self.output_size)


class AdaptiveMaxPool3d(_AdaptiveMaxPool):
    """Max pooling of (N, C, D, H, W) to a fixed (D_out, H_out, W_out), whatever the input size.

    ``return_indices`` also gives the winners' flat D*H*W positions.

    >>> import scratchnet as sn
    >>> AdaptiveMaxPool3d(2)(sn.randn(1, 4, 8, 9, 10)).shape
    scratchnet.Size([1, 4, 2, 2, 2])
    """

    def forward(self, input):
        return pool3d.adaptive_max_pool3d(input, self.output_size, self.return_indices)
