"""Convolution modules beyond the seed's Conv2d: Conv1d, ConvTranspose1d, ConvTranspose2d, Unfold,
Fold. Parameters, their initialisation (torch's ``reset_parameters``: kaiming_uniform_ with
a = sqrt(5) for the weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias), state-dict keys and
reprs are torch's.

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> nn.ConvTranspose2d(16, 33, 3, stride=2)
ConvTranspose2d(16, 33, kernel_size=(3, 3), stride=(2, 2))
>>> nn.Conv1d(16, 33, 3, stride=2)(sn.randn(20, 16, 50)).shape
scratchnet.Size([20, 33, 24])
"""

import math

from .. import creation
from ..ops import convnd
from ..ops.conv import pair
from ..ops import conv_depth as _conv3d
from . import functional as F
from . import init
from .module import Module, Parameter


def _single(v):
    return (v[0],) if isinstance(v, (tuple, list)) else (v,)


def _triple(v):
    """torch's ``_triple``: an int repeated three times, a sequence as a tuple."""
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * 3


class _ConvNd(Module):
    dims = 2
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode="zeros", device=None, dtype=None, output_padding=0):
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError(f"padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='{padding_mode}'")
        norm = {1: lambda v, name: _single(v), 2: pair, 3: lambda v, name: _triple(v)}[self.dims]
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of ['valid', 'same']")
            if padding == "same" and any(s != 1 for s in norm(stride, "stride")):
                raise ValueError("padding='same' is not supported for strided convolutions")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = norm(kernel_size, "kernel_size"), norm(stride, "stride")
        self.padding = padding if isinstance(padding, str) else norm(padding, "padding")
        self.dilation, self.transposed = norm(dilation, "dilation"), self.transposed
        self.output_padding, self.groups, self.padding_mode = norm(output_padding, "output_padding"), groups, padding_mode
        if isinstance(self.padding, str):
            self._reversed_padding_repeated_twice = [0, 0] * self.dims
            if self.padding == "same":
                for i, (d, k) in enumerate(zip(self.dilation, self.kernel_size)):
                    total = d * (k - 1)
                    j = self.dims - 1 - i
                    self._reversed_padding_repeated_twice[2 * j : 2 * j + 2] = [total // 2, total - total // 2]
        else:
            self._reversed_padding_repeated_twice = [p for p in reversed(self.padding) for _ in range(2)]
        shape = (in_channels, out_channels // groups) if self.transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(creation.empty(*shape, *self.kernel_size, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    """``nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
    groups=1, bias=True, padding_mode='zeros')``: weight (out, in / groups, kernel)."""

    dims = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype)

    def forward(self, input):
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return convnd.conv1d(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return convnd.conv1d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    """``nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
    groups=1, bias=True, padding_mode='zeros')``: weight (out, in / groups, KH, KW)."""

    dims = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype)

    def forward(self, input):
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return F.conv2d(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class _ConvTransposeNd(_ConvNd):
    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype, output_padding)

    def _output_padding(self, input, output_size):
        if output_size is None:
            return self.output_padding
        batched = input.ndim == self.dims + 2
        lead = 2 if batched else 1
        output_size = list(output_size)
        if len(output_size) == lead + self.dims:
            output_size = output_size[lead:]
        if len(output_size) != self.dims:
            raise ValueError(f"ConvTranspose{self.dims}D: for {input.ndim}D input, output_size must have {self.dims} or {lead + self.dims} elements (got {len(output_size)})")
        mins = [(input.shape[d + lead] - 1) * self.stride[d] - 2 * self.padding[d] + self.dilation[d] * (self.kernel_size[d] - 1) + 1 for d in range(self.dims)]
        maxs = [m + s - 1 for m, s in zip(mins, self.stride)]
        for size, lo, hi in zip(output_size, mins, maxs):
            if size < lo or size > hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {mins} to {maxs} (for an input of {list(input.shape[lead:])})")
        return tuple(s - m for s, m in zip(output_size, mins))

    def forward(self, input, output_size=None):
        fn = {1: convnd.conv_transpose1d, 2: convnd.conv_transpose2d, 3: _conv3d.conv_transpose3d}[self.dims]
        output_padding = self._output_padding(input, output_size)
        return fn(input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups, self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    """``nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
    output_padding=0, groups=1, bias=True, dilation=1)``: weight (in, out / groups, KH, KW)."""

    dims = 2


class ConvTranspose1d(_ConvTransposeNd):
    """``nn.ConvTranspose1d``: weight (in, out / groups, K)."""

    dims = 1


class Conv3d(_ConvNd):
    """A 3-D convolution over (N, C_in, D, H, W) inputs (see ``F.conv3d``).

    ``nn.Conv3d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
    groups=1, bias=True, padding_mode='zeros')``.

    Shape: input (N, C_in, D, H, W) or (C_in, D, H, W); output (N, C_out, D_out, H_out, W_out)
    with D_out = (D + 2 padding - dilation (kD - 1) - 1) // stride + 1, and so for H and W.
    weight: (C_out, C_in / groups, kD, kH, kW), bias: (C_out,), both U(-sqrt(k), sqrt(k)) with
    k = groups / (C_in kD kH kW).

    >>> import scratchnet as sn
    >>> m = Conv3d(16, 33, (3, 5, 2), stride=(2, 1, 1), padding=(4, 2, 0))
    >>> m(sn.randn(2, 16, 10, 5, 5)).shape
    scratchnet.Size([2, 33, 8, 5, 4])
    """

    dims = 3

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype)

    def forward(self, input):
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return _conv3d.conv3d(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return _conv3d.conv3d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class ConvTranspose3d(_ConvTransposeNd):
    """A transposed 3-D convolution, the adjoint of Conv3d (see ``F.conv_transpose3d``).

    ``nn.ConvTranspose3d(in_channels, out_channels, kernel_size, stride=1, padding=0,
    output_padding=0, groups=1, bias=True, dilation=1)``; ``forward(input, output_size=None)`` may
    pick the output size.

    Shape: D_out = (D - 1) stride - 2 padding + dilation (kD - 1) + output_padding + 1, and so for
    H and W. weight: (C_in, C_out / groups, kD, kH, kW).

    >>> import scratchnet as sn
    >>> m = ConvTranspose3d(4, 2, 3, stride=2)
    >>> m(sn.randn(1, 4, 2, 3, 3), output_size=(6, 7, 8)).shape
    scratchnet.Size([1, 2, 6, 7, 8])
    """

    dims = 3


class Fold(Module):
    """Sum columns (N, C * KH * KW, L) back into an image (N, C, H, W); see ``F.fold``."""

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input):
        return convnd.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, stride={self.stride}"


class Unfold(Module):
    """The sliding blocks of an image as columns (N, C * KH * KW, L); see ``F.unfold``."""

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input):
        return convnd.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
