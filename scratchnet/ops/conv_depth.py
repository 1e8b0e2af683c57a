"""conv3d and conv_transpose3d: a 3-D convolution is a sum of 2-D ones, one per depth tap.

For kernel depth tap ``t`` the output's depth slice ``od`` reads the input's depth slice
``od * stride_d + t * dilation_d`` (of the depth-padded input), and the (H, W) part of the window
is a 2-D convolution with the weight's slice ``weight[:, :, t]``:

    y[n, :, od] = sum over t of conv2d(x_padded[n, :, od * sd + t * dd], weight[:, :, t])

So each depth tap stacks its input slices into a batch of N * OD images and runs conv2d's
im2col + GEMM engine (:mod:`scratchnet.ops.conv`, chunked there) on them; the input and weight
gradients are the 2-D engine's per tap, added back at the slices they came from. The 2-D
Functions (``Conv2d``, ``ConvInputGrad``, ``ConvWeightGrad``) call these for 5-D arrays, so a 3-D
convolution has their node names and their second derivatives; ``conv_transpose3d`` is their
adjoint as ``conv_transpose2d`` is (:mod:`scratchnet.ops.convnd`).

>>> import scratchnet as sn
>>> conv3d(sn.ones(1, 1, 3, 3, 3), sn.ones(1, 1, 2, 2, 2)).flatten().tolist()
[8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0]
>>> conv_transpose3d(sn.ones(1, 1, 1, 1, 1), sn.ones(1, 2, 2, 2, 2)).shape
scratchnet.Size([1, 2, 2, 2, 2])
"""

from ..backend import xp
from .conv import Conv2d, Geometry, conv_geometry, conv_output_shape, empty_conv, output_size, triple


def _split(geometry):
    """A 3-D Geometry as the depth's (stride, (before, after) padding, dilation) and the 2-D rest."""
    rest = Geometry(geometry.stride[1:], geometry.padding[1:], geometry.dilation[1:], geometry.groups)
    return geometry.stride[0], geometry.padding[0], geometry.dilation[0], rest


def _depth_padded(x, pads):
    """(N, C, D, H, W) with ``pads`` = (before, after) zero slices added along D."""
    if pads == (0, 0):
        return x
    out = xp.zeros((x.shape[0], x.shape[1], x.shape[2] + sum(pads), *x.shape[3:]), dtype=x.dtype)
    out[:, :, pads[0] : pads[0] + x.shape[2]] = x
    return out


def _depth_slices(tap, stride, dilation, out_depth):
    """Which (padded) input depth slices depth tap ``tap`` reads, one per output depth slice."""
    return slice(tap * dilation, tap * dilation + stride * (out_depth - 1) + 1, stride)


def _as_images(a):
    """(N, C, D, H, W) -> (N * D, C, H, W): each depth slice of each sample an image."""
    n, c, d, h, w = a.shape
    return a.transpose(0, 2, 1, 3, 4).reshape(n * d, c, h, w)


def _as_volume(a, n):
    """The inverse of :func:`_as_images`: (N * D, C, H, W) -> (N, C, D, H, W)."""
    return a.reshape(n, a.shape[0] // n, *a.shape[1:]).transpose(0, 2, 1, 3, 4)


def depth_forward(x, weight, geometry, out_size=None):
    """y = weight * x for 5-D arrays: the 2-D convolutions of the depth taps, summed."""
    from .conv import conv_forward

    sd, pads, dd, flat = _split(geometry)
    depth = out_size[0] if out_size is not None else output_size(x.shape[2], weight.shape[2], sd, sum(pads), dd)
    xd = _depth_padded(x, pads)
    y = None
    for tap in range(weight.shape[2]):
        images = _as_images(xd[:, :, _depth_slices(tap, sd, dd, depth)])
        part = conv_forward(images, weight[:, :, tap], flat, None if out_size is None else out_size[1:])
        y = part if y is None else y.__iadd__(part)
    return _as_volume(y, x.shape[0])


def depth_input_grad(grad, weight, x_shape, geometry):
    """dL/dx for 5-D arrays: each depth tap's 2-D input gradient added back at its slices."""
    from .conv import conv_input_grad

    n, c, d, h, w = x_shape
    sd, pads, dd, flat = _split(geometry)
    dx = xp.zeros((n, c, d + sum(pads), h, w), dtype=grad.dtype)
    images = _as_images(grad)
    for tap in range(weight.shape[2]):
        part = conv_input_grad(images, weight[:, :, tap], (images.shape[0], c, h, w), flat)
        dx[:, :, _depth_slices(tap, sd, dd, grad.shape[2])] += _as_volume(part, n)
    return dx[:, :, pads[0] : pads[0] + d]


def depth_weight_grad(x, grad, weight_shape, geometry):
    """dL/dw for 5-D arrays: weight depth slice t is the 2-D weight gradient of depth tap t."""
    from .conv import conv_weight_grad

    sd, pads, dd, flat = _split(geometry)
    xd, images = _depth_padded(x, pads), _as_images(grad)
    dw = xp.empty(weight_shape, dtype=grad.dtype)
    shape = (weight_shape[0], weight_shape[1], *weight_shape[3:])
    for tap in range(weight_shape[2]):
        slices = _as_images(xd[:, :, _depth_slices(tap, sd, dd, grad.shape[2])])
        dw[:, :, tap] = conv_weight_grad(slices, images, shape, flat)
    return dw


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``F.conv3d`` / ``torch.conv3d``: a 3-D convolution (a cross-correlation, as torch's).

    out(N_i, C_out_j) = bias(C_out_j) + sum over k of weight(C_out_j, k) * input(N_i, k)

    Args:
        input: (N, C_in, D, H, W) or unbatched (C_in, D, H, W).
        weight: (C_out, C_in / groups, kD, kH, kW).
        bias: (C_out,) or None.
        stride, dilation: an int or a triple.
        padding: an int, a triple, ``'valid'`` (none) or ``'same'`` (output as large as the input,
            the odd slice after; stride 1 only).
        groups: input and output channels split into this many groups.

    Shape: D_out = (D + 2 padding - dilation (kD - 1) - 1) // stride + 1, and so for H and W.

    >>> import scratchnet as sn
    >>> conv3d(sn.randn(2, 4, 5, 6, 7), sn.randn(8, 2, 3, 3, 3), groups=2, padding=1).shape
    scratchnet.Size([2, 8, 5, 6, 7])
    """
    if input.ndim not in (4, 5):
        raise RuntimeError(f"Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: {list(input.shape)}")
    if weight.ndim != 5:
        raise RuntimeError(f"conv3d expects a 5D weight (out_channels, in_channels/groups, kD, kH, kW), got size {list(weight.shape)}")
    if input.ndim == 4:
        return conv3d(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0)
    stride, dilation = triple(stride, "stride"), triple(dilation, "dilation")
    geometry = conv_geometry(input, weight, bias, stride, padding, dilation, groups, "conv3d")
    inputs = (input, weight) if bias is None else (input, weight, bias)
    if geometry is None:
        return empty_conv(inputs, conv_output_shape(input.shape, weight.shape, stride, padding, dilation))
    return Conv2d.apply(*inputs, geometry=geometry)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """``F.conv_transpose3d`` / ``torch.conv_transpose3d``: the adjoint of conv3d (its input
    gradient), sometimes called a deconvolution.

    Args:
        input: (N, C_in, D, H, W) or unbatched (C_in, D, H, W).
        weight: (C_in, C_out / groups, kD, kH, kW).
        bias: (C_out,) or None.
        stride, padding, output_padding, dilation: an int or a triple; ``output_padding`` (smaller
            than the stride or the dilation) adds slices at the end of each dim.
        groups: input and output channels split into this many groups.

    Shape: D_out = (D - 1) stride - 2 padding + dilation (kD - 1) + output_padding + 1, and so for
    H and W.

    >>> import scratchnet as sn
    >>> conv_transpose3d(sn.randn(1, 2, 3, 3, 3), sn.randn(2, 4, 3, 3, 3), stride=2, output_padding=1).shape
    scratchnet.Size([1, 4, 8, 8, 8])
    """
    from .convnd import _conv_transpose

    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 3)


__all__ = ["conv3d", "conv_transpose3d"]
FUNCTIONAL = ["conv3d", "conv_transpose3d"]
