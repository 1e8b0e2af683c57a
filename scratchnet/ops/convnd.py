"""conv1d, the transposed convolutions and unfold/fold, all on conv2d's im2col machinery.

- ``conv1d`` is a conv2d over a height-1 image: (N, C, L) -> (N, C, 1, L).
- ``conv_transpose2d`` is the adjoint of conv2d, the map conv2d's input gradient already is:
  ``conv_transpose2d(x, w) = conv_input_grad(x, w)``; its backward is conv2d (for x) and conv2d's
  weight gradient with the roles of input and output swapped (for w).
- ``unfold`` is im2col made visible, (N, C, H, W) -> (N, C*KH*KW, L); ``fold`` is col2im, its
  adjoint, summing overlapping blocks back.

>>> import scratchnet as sn
>>> x = sn.ones(1, 1, 2, 2)
>>> conv_transpose2d(x, sn.ones(1, 1, 2, 2)).tolist()
[[[[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]]]
>>> unfold(sn.arange(9.0).reshape(1, 1, 3, 3), 2)[0].tolist()
[[0.0, 1.0, 3.0, 4.0], [1.0, 2.0, 4.0, 5.0], [3.0, 4.0, 6.0, 7.0], [4.0, 5.0, 7.0, 8.0]]
"""

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor
from .conv import (
    Conv2d, ConvWeightGrad, Geometry, _refuse, _same_type, col2im, conv_forward, conv_geometry,
    conv_input_grad, conv_output_shape, empty_conv, im2col, output_size, pair, triple,
)


def single(value, name):
    """An int or a 1-sequence as an int (torch's ``_single``)."""
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"{name} must be an int or a 1-tuple, got {value!r}")
        value = value[0]
    return int(value)


def _lift(a):
    """(N, C, L) -> (N, C, 1, L) on arrays or Tensors."""
    return a[:, :, None, :] if isinstance(a, xp.ndarray) else a.unsqueeze(2)


# --- conv1d ----------------------------------------------------------------------------------------


class Conv1d(Function):
    """conv2d on the lifted input and weight; gradients lifted back down."""

    backward_name = "ConvolutionBackward0"

    def forward(ctx, x, weight, *bias, geometry):
        y = conv_forward(_lift(x), _lift(weight), geometry)[:, :, 0, :]
        if bias:
            y += bias[0].reshape(1, -1, 1)
        ctx.save_for_backward(x, weight)
        ctx.geometry = geometry
        return y

    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        g4, x4, w4 = _lift(grad), _lift(x), _lift(weight)
        grads = (
            ConvTranspose.apply(g4, w4, out_shape=tuple(x4.shape), geometry=ctx.geometry).squeeze(2) if need[0] else None,
            ConvWeightGrad.apply(x4, g4, weight_shape=tuple(w4.shape), geometry=ctx.geometry).squeeze(2) if need[1] else None,
        )
        if len(need) == 3:
            grads += (grad.sum(dim=(0, 2)) if need[2] else None,)
        return grads


def _unbatched(input, batched_ndim, fn):
    if input.ndim == batched_ndim - 1:
        return fn(input.unsqueeze(0)).squeeze(0)
    return fn(input)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``F.conv1d``: input (N, C, L) or (C, L), weight (O, C / groups, K); padding an int,
    ``'valid'`` or ``'same'``."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: {list(input.shape)}")
    if weight.ndim != 3:
        raise RuntimeError(f"conv1d expects a 3D weight (out_channels, in_channels/groups, kW), got size {list(weight.shape)}")
    stride, dilation = (1, single(stride, "stride")), (1, single(dilation, "dilation"))
    pad = padding if isinstance(padding, str) else (0, single(padding, "padding"))

    def run(x):
        probe_x, probe_w = Tensor._make(_lift(x.array)), Tensor._make(_lift(weight.array))
        geometry = conv_geometry(probe_x, probe_w, bias, stride, pad, dilation, groups, "conv1d")
        inputs = (x, weight) if bias is None else (x, weight, bias)
        if geometry is None:
            n, o, _, length = conv_output_shape(probe_x.shape, probe_w.shape, stride, pad, dilation)
            return empty_conv(inputs, (n, o, length))
        return Conv1d.apply(*inputs, geometry=geometry)

    return _unbatched(input, 3, run)


# --- transposed convolutions -----------------------------------------------------------------------


class ConvTranspose(Function):
    """x (N, Cin, H, W), weight (Cin, Cout / groups, KH, KW) -> (N, Cout, H', W'): conv2d's adjoint.

    For 3-D arrays (the 1-D transposed convolution) the arrays are lifted by a height-1 axis."""

    backward_name = "ConvolutionBackward0"

    def forward(ctx, x, weight, *bias, out_shape, geometry):
        one_d = x.ndim == 3
        x4, w4 = (_lift(x), _lift(weight)) if one_d else (x, weight)
        y = conv_input_grad(x4, w4, out_shape, geometry)
        y = y[:, :, 0, :] if one_d else y
        if bias:  # in place, as torch: the result keeps the input's dtype
            y = (y + bias[0].reshape((1, -1) + (1,) * (y.ndim - 2))).astype(y.dtype, copy=False)
        ctx.save_for_backward(x, weight)
        ctx.geometry, ctx.one_d, ctx.out_shape = geometry, one_d, out_shape
        return y

    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        lift = _lift if ctx.one_d else (lambda t: t)
        drop = (lambda t: t.squeeze(2)) if ctx.one_d else (lambda t: t)
        g4, x4, w4 = lift(grad), lift(x), lift(weight)
        grads = (
            drop(Conv2d.apply(g4, w4, geometry=ctx.geometry, out_size=tuple(x4.shape[2:]))) if need[0] else None,
            drop(ConvWeightGrad.apply(g4, x4, weight_shape=tuple(w4.shape), geometry=ctx.geometry)) if need[1] else None,
        )
        if len(need) == 3:
            grads += (grad.sum(dim=(0,) + tuple(range(2, grad.ndim))) if need[2] else None,)
        return grads


def _transposed_geometry(name, x_shape, w_shape, bias, stride, padding, output_padding, groups, dilation, dims):
    """Check a transposed convolution as torch does; returns (output shape, Geometry), 2-D."""
    n, c_in, *size = x_shape
    if not isinstance(groups, int) or groups <= 0:
        raise RuntimeError(f"non-positive groups is not supported (got groups={groups})")
    if w_shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got weight of size {list(w_shape)} instead")
    if w_shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size {list(w_shape)} instead")
    if w_shape[0] != c_in:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(w_shape)}, expected input{list(x_shape)} to have "
            f"{w_shape[0]} channels, but got {c_in} channels instead"
        )
    c_out = w_shape[1] * groups
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise RuntimeError(f"Given transposed=1, weight of size {list(w_shape)}, expected bias to be 1-dimensional with {c_out} elements, but got bias of size {list(bias.shape)} instead")
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"non-positive stride is not supported (got stride={stride})")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero (got dilation={dilation})")
    if any(p < 0 for p in padding):
        raise RuntimeError(f"negative padding is not supported (got padding={padding})")
    for op, s, d in zip(output_padding, stride, dilation):
        if (op < 0 or (op >= s and op >= d)) and dims == 3:  # torch's 3-D kernel words it per dimension
            named = [f"{what}_{axis}: {v}" for what, vs in (("output_padding", output_padding), ("stride", stride), ("dilation", dilation)) for axis, v in zip(("depth", "height", "width"), vs)]
            raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got {' '.join(named)}")
        if op < 0 or (op >= s and op >= d):
            raise RuntimeError(
                f"output padding must be smaller than either stride or dilation, but got output_padding={output_padding}, "
                f"stride={stride}, dilation={dilation}"
            )
    out = [(i - 1) * s - 2 * p + d * (k - 1) + op + 1 for i, s, p, d, k, op in zip(size, stride, padding, dilation, w_shape[2:], output_padding)]
    if n == 0 and 0 in w_shape[1:]:  # torch's empty-batch path indexes the empty weight first
        raise IndexError("select(): index 0 out of range for tensor of size [0] at dimension 0")
    if n and c_in and 0 in size:
        shown = list(x_shape) if dims != 1 else [n, c_in, 1, *size]
        raise RuntimeError(f"Only zero batch or zero channel inputs are supported, but got input shape: {shown}")
    if w_shape[1] == 0:
        raise RuntimeError(f"{name}: a weight of size {list(w_shape)} has no output channels")
    if 0 in w_shape[2:]:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel size {list(w_shape[2:])}")
    if n == 0 and min(out) == 0:  # an empty batch may have an empty output (not a negative one)
        pass
    elif min(out) <= 0 and dims == 3:
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, size))}). Calculated output size per channel: ({' x '.join(map(str, out))}). Output size is too small")
    elif min(out) <= 0:
        raise RuntimeError(f"Given input size per channel: {list(size)}. Calculated output size per channel: {out}. Output size is too small")
    shape = (n, c_out, *out) if dims != 1 else (n, c_out, 1, *out)
    pads = tuple((p, p) for p in padding) if dims != 1 else ((0, 0), (padding[0], padding[0]))
    lift = (lambda t: t) if dims != 1 else (lambda t: (1,) + tuple(t))
    return shape, Geometry(lift(stride), pads, lift(dilation), groups)


def _transposed_dtypes(input, weight, bias, dims=2):
    """torch's CPU transposed convolution: floats and int64 only, the weight in the input's dtype,
    and a bias that the output's dtype can hold (it is added in place)."""
    if input.dtype not in FLOAT_DTYPES and str(input.dtype) != "int64":
        _refuse(f"slow_conv_transpose{3 if dims == 3 else 2}d_out_cpu", input.dtype)
    _same_type(input, weight)
    if bias is not None and input.dtype.kind != "f" and bias.dtype.kind == "f":
        names = {"float32": "Float", "float64": "Double"}
        raise RuntimeError(f"result type {names[str(bias.dtype)]} can't be cast to the desired output type Long")


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, dims):
    name = f"conv_transpose{dims}d"
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got input of size: {list(input.shape)}")
    if weight.ndim != dims + 2:
        raise RuntimeError(f"{name} expects a {dims + 2}D weight (in_channels, out_channels/groups, ...), got size {list(weight.shape)}")
    norm = {1: lambda v, n: (single(v, n),), 2: pair, 3: triple}[dims]
    args = (norm(stride, "stride"), norm(padding, "padding"), norm(output_padding, "output_padding"), groups, norm(dilation, "dilation"))

    def run(x):
        shape, geometry = _transposed_geometry(name, tuple(x.shape), tuple(weight.shape), bias, args[0], args[1], args[2], args[3], args[4], dims)
        inputs = (x, weight) if bias is None else (x, weight, bias)
        if x.shape[0] == 0 or x.shape[1] == 0:  # no kernel runs: no dtype rules either, as torch
            return empty_conv(inputs, shape if dims != 1 else shape[:2] + shape[3:])
        _transposed_dtypes(x, weight, bias, dims)
        return ConvTranspose.apply(*inputs, out_shape=shape, geometry=geometry)

    return _unbatched(input, dims + 2, run)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """``F.conv_transpose2d``: input (N, Cin, H, W), weight (Cin, Cout / groups, KH, KW); output
    H' = (H - 1) stride - 2 padding + dilation (KH - 1) + output_padding + 1."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """``F.conv_transpose1d``: input (N, Cin, L), weight (Cin, Cout / groups, K)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1)


# --- unfold / fold ---------------------------------------------------------------------------------


def _blocks(name, size, kernel, dilation, padding, stride):
    for v, what in ((kernel, "kernel_size"), (dilation, "dilation"), (stride, "stride")):
        if min(v) <= 0:
            raise RuntimeError(f"{name}: expected {what} to be greater than zero, but got {what}={v}")
    if min(padding) < 0:
        raise RuntimeError(f"{name}: expected padding to be non-negative, but got padding={padding}")
    blocks = tuple(output_size(s, k, st, 2 * p, d) for s, k, st, p, d in zip(size, kernel, stride, padding, dilation))
    if min(blocks) < 1:
        raise RuntimeError(
            f"Given input with spatial size {tuple(size)}, kernel_size={kernel}, dilation={dilation}, padding={padding}, "
            f"calculated shape of the array of sliding blocks as {blocks}, but its components must be at least one."
        )
    return blocks


class Im2Col(Function):
    """(N, C, H, W) -> (N, C*KH*KW, L): every block's values as a column."""

    def forward(ctx, x, kernel, blocks, geometry):
        ctx.in_shape, ctx.kernel, ctx.geometry = x.shape, kernel, geometry
        cols = im2col(x, kernel, blocks, geometry)  # (C, KH, KW, N, OH, OW)
        n = x.shape[0]
        return xp.ascontiguousarray(cols.transpose(3, 0, 1, 2, 4, 5)).reshape(n, x.shape[1] * kernel[0] * kernel[1], blocks[0] * blocks[1])

    def backward(ctx, grad):
        return Col2Im.apply(grad, in_shape=ctx.in_shape, kernel=ctx.kernel, geometry=ctx.geometry)


class Col2Im(Function):
    """(N, C*KH*KW, L) -> (N, C, H, W): each column added back where its block lies."""

    def forward(ctx, cols, in_shape, kernel, geometry):
        n, c = in_shape[:2]
        (pt, pb), (pl, pr) = geometry.padding
        blocks = tuple(output_size(s, k, st, p0 + p1, d) for s, k, st, (p0, p1), d in zip(in_shape[2:], kernel, geometry.stride, geometry.padding, geometry.dilation))
        ctx.kernel, ctx.blocks, ctx.geometry = kernel, blocks, geometry
        blocked = cols.reshape(n, c, *kernel, *blocks).transpose(1, 2, 3, 0, 4, 5)
        return xp.ascontiguousarray(col2im(blocked, in_shape, geometry))

    def backward(ctx, grad):
        return Im2Col.apply(grad, kernel=ctx.kernel, blocks=ctx.blocks, geometry=ctx.geometry)


def _integers_refused(input, kernel_name):
    """torch's im2col/col2im kernels take floats and bool, no integers."""
    if input.dtype.kind in "iu":
        _refuse(kernel_name, input.dtype)


def _fold_args(kernel_size, dilation, padding, stride):
    return pair(kernel_size, "kernel_size"), pair(dilation, "dilation"), pair(padding, "padding"), pair(stride, "stride")


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """``F.unfold``: the sliding blocks of a (N, C, H, W) or (C, H, W) input as columns,
    (N, C * KH * KW, L), L the number of blocks."""
    if input.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    if input.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-input.ndim}, {input.ndim - 1}], but got {input.ndim})")
    if input.ndim > 4 or 0 in input.shape[input.ndim - 3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {list(input.shape)}")
    _integers_refused(input, "im2col_out_cpu")
    kernel, dilation, padding, stride = _fold_args(kernel_size, dilation, padding, stride)
    blocks = _blocks("im2col", input.shape[-2:], kernel, dilation, padding, stride)
    geometry = Geometry(stride, tuple((p, p) for p in padding), dilation)
    return _unbatched(input, 4, lambda x: Im2Col.apply(x, kernel=kernel, blocks=blocks, geometry=geometry))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """``F.fold``: columns (N, C * KH * KW, L) summed back into a (N, C, H, W) image, ``output_size``
    = (H, W); the adjoint of unfold."""
    if input.ndim not in (2, 3) or 0 in input.shape[input.ndim - 2:]:
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: {list(input.shape)}")
    _integers_refused(input, "col2im_out_cpu")
    size = pair(output_size, "output_size")
    kernel, dilation, padding, stride = _fold_args(kernel_size, dilation, padding, stride)
    blocks = _blocks("col2im", size, kernel, dilation, padding, stride)
    rows, length = input.shape[-2:]
    if rows % (kernel[0] * kernel[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)={rows} and kernel_size={kernel}")
    if length != blocks[0] * blocks[1]:
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}, stride={stride}, "
            f"expected size of input's dimension 2 to match the calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
            f"{blocks[0] * blocks[1]}, but got input.size(2)={length}."
        )
    geometry = Geometry(stride, tuple((p, p) for p in padding), dilation)

    def run(x):
        shape = (x.shape[0], rows // (kernel[0] * kernel[1]), *size)
        return Col2Im.apply(x, in_shape=shape, kernel=kernel, geometry=geometry)

    return _unbatched(input, 3, run)


__all__ = ["conv1d", "conv_transpose1d", "conv_transpose2d"]
FUNCTIONAL = ["conv1d", "conv_transpose1d", "conv_transpose2d", "unfold", "fold"]
