"""2-D convolution as im2col + one matrix product.

im2col copies, for every kernel tap (i, j), the input pixels that tap sees at every output position
into one row block of a column matrix; the convolution is then one GEMM of the weights against it:

    cols[c, i, j, n, oh, ow] = x_padded[n, c, oh * stride + i * dilation, ow * stride + j * dilation]
    out[n, o, oh, ow]        = sum over (c, i, j) of weight[o, c, i, j] * cols[c, i, j, n, oh, ow]

Its backward is two more GEMMs: one against the columns (rebuilt from the saved input: holding them
from forward to backward would cost KH*KW times the input per layer) for the weight, one against
the weights for the columns, which col2im adds back onto the input (one block per kernel tap).

The columns are KH*KW times the input (25 times for a 5x5 kernel), so they are never built for the
whole batch at once: each GEMM runs over a chunk of a few samples whose columns fit in about
``CHUNK_BYTES`` (a block that is still in cache when the GEMM reads it), writing its slice of the
output in place. Memory stays bounded by the chunk, whatever the batch size; the arithmetic is the
same. The columns' layout, (C, KH, KW) rows by (N, OH, OW) columns, makes every GEMM operand a
contiguous matrix and leaves the output channel-major, (O, N, OH, OW) in memory, which is the
layout the next layer's im2col reads without a transpose.

With stride 1 (the common case) the columns are laid out by whole padded rows instead: a tap's
block is then, for every (channel, sample) plane of the padded input, one contiguous run of it
shifted by the tap's offset ``i * dilation * Wp + j * dilation`` (Wp the padded width), so each copy
(and each of col2im's adds) is a long run of memory rather than OH rows of OW elements, which is
where NumPy's loops spend their time. The GEMMs then compute Wp - OW extra "wrapped" positions per
output row; the forward drops them, and the backward feeds them zero gradients, which add nothing
while the values they meet are finite (otherwise the backward takes the compact columns).

Three Functions close the loop, so the backward is differentiable too (second derivatives):
``Conv2d`` (x, w -> y), ``ConvInputGrad`` (g, w -> dx) and ``ConvWeightGrad`` (x, g -> dw); each
one's backward is made of the other two.

The seed's worked sums, 6, 9 and 11 along the first row and 10 below the first:

>>> import scratchnet as sn
>>> x = sn.tensor([[[[1.0, 2, 3, 4, 5], [2, 1, 0, 1, 2], [3, 0, 1, 1, 0], [1, 4, 1, 0, 2]]]])
>>> w = sn.tensor([[[[1.0, 0, 1], [1, 0, 1], [0, 1, 0]]]])
>>> conv2d(x, w)[0, 0].tolist()
[[6.0, 9.0, 11.0], [10.0, 4.0, 3.0]]
"""

from typing import NamedTuple

from ..backend import FLOAT_DTYPES, xp
from ..dtypes import torch_name
from ..dtypes import can_cast, promote_types, result_type
from ..tensor import Function, Tensor


class Geometry(NamedTuple):
    """Where a sliding window goes: stride, (before, after) padding per spatial dim, dilation, groups."""

    stride: tuple
    padding: tuple  # ((top, bottom), (left, right))
    dilation: tuple
    groups: int = 1


def pair(value, name):
    """An int or a 2-sequence of ints as a 2-tuple (torch's ``_pair``)."""
    if isinstance(value, (int, xp.integer)) and not isinstance(value, bool):
        return (int(value), int(value))
    value = tuple(value)
    if len(value) == 1:
        return (int(value[0]),) * 2
    if len(value) != 2 or not all(isinstance(v, (int, xp.integer)) for v in value):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    return tuple(int(v) for v in value)


def triple(value, name, message=None):
    """An int or a 3-sequence of ints as a 3-tuple (torch's ``_triple``), refused with torch's
    convolution message (or ``message``) otherwise."""
    if isinstance(value, (int, xp.integer)) and not isinstance(value, bool):
        return (int(value),) * 3
    value = tuple(value)
    if len(value) == 1:
        value = value * 3
    if len(value) != 3 or not all(isinstance(v, (int, xp.integer)) and not isinstance(v, bool) for v in value):
        raise RuntimeError(message or f"expected {name} to be a single integer value or a list of 3 values to match the convolution dimensions, but got {name}={list(value)}")
    return tuple(int(v) for v in value)


def _tuple_for(dims, value, name):
    return pair(value, name) if dims == 2 else triple(value, name)


def output_size(size, kernel, stride, pad_total, dilation):
    return (size + pad_total - dilation * (kernel - 1) - 1) // stride + 1


def taps(kernel, out_size, geometry):
    """For each kernel tap (i, j): the strided slices of the padded input it reads, in row-major order."""
    (kh, kw), (oh, ow) = kernel, out_size
    (sh, sw), (dh, dw) = geometry.stride, geometry.dilation
    for i in range(kh):
        for j in range(kw):
            yield (slice(i * dh, i * dh + sh * (oh - 1) + 1, sh), slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))


def padded_channels_first(x, padding, fill=0.0, size=None):
    """(N, C, H, W) -> (C, N, H + pads, W + pads): padded, with channels leading for the GEMMs."""
    n, c, h, w = x.shape
    (pt, pb), (pl, pr) = padding
    hp, wp = size or (h + pt + pb, w + pl + pr)
    out = xp.empty((c, n, hp, wp), dtype=x.dtype)
    out[:, :, pt : pt + h, pl : pl + w] = x.transpose(1, 0, 2, 3)
    for rows, cols in ((slice(0, pt), slice(None)), (slice(pt + h, hp), slice(None)),  # only the border
                       (slice(pt, pt + h), slice(0, pl)), (slice(pt, pt + h), slice(pl + w, wp))):  # is filled
        out[:, :, rows, cols] = fill
    return out


#: About how many bytes of columns one GEMM chunk builds (see the module docstring).
CHUNK_BYTES = 1 << 22


def batch_chunks(n, sample_bytes):
    """The batch as slices of a few samples, each about CHUNK_BYTES of columns (at least one sample)."""
    step = max(1, CHUNK_BYTES // max(1, sample_bytes))
    return [slice(i, min(i + step, n)) for i in range(0, n, step)]


def im2col(x, kernel, out_size, geometry, out=None):
    """The column matrix of ``x``: shape (C, KH, KW, N, OH, OW), one contiguous block per tap
    (written into ``out``, a flat buffer, when one is given)."""
    xt = padded_channels_first(x, geometry.padding)
    shape = (x.shape[1], *kernel, x.shape[0], *out_size)
    size = int(xp.prod(shape))
    cols = xp.empty(shape, dtype=x.dtype) if out is None else out[:size].reshape(shape)
    for k, (rows, columns) in enumerate(taps(kernel, out_size, geometry)):
        cols[:, k // kernel[1], k % kernel[1]] = xt[:, :, rows, columns]
    return cols


def col2im_add(cols, xt, geometry):
    """Add each tap's block of ``cols`` back onto the padded, channels-first ``xt`` (C, N, Hp, Wp)."""
    kernel, out_size = cols.shape[1:3], cols.shape[4:6]
    for k, (rows, columns) in enumerate(taps(kernel, out_size, geometry)):
        xt[:, :, rows, columns] += cols[:, k // kernel[1], k % kernel[1]]


def col2im(cols, x_shape, geometry):
    """The adjoint of im2col: add each tap's block back where it was read from; (N, C, H, W)."""
    n, c, h, w = x_shape
    (pt, pb), (pl, pr) = geometry.padding
    xt = xp.zeros((c, n, h + pt + pb, w + pl + pr), dtype=cols.dtype)
    col2im_add(cols, xt, geometry)
    return xt[:, :, pt : pt + h, pl : pl + w].transpose(1, 0, 2, 3)


def _grouped(a, groups, split):
    """A GEMM operand split by group: (groups, rows per group, columns), where the rows are the
    axes before ``split`` and the columns those after (explicit, so empty sizes reshape too)."""
    rows, columns = int(xp.prod(a.shape[:split])), int(xp.prod(a.shape[split:]))
    return a.reshape(groups, rows // groups, columns)


def _chunked(x_shape, kernel, positions, dtype):
    """The batch chunks of a convolution with ``positions`` GEMM columns per sample, and one
    reusable columns buffer."""
    rows = x_shape[1] * kernel[0] * kernel[1]
    chunks = batch_chunks(x_shape[0], rows * positions * xp.dtype(dtype).itemsize)
    longest = max((s.stop - s.start for s in chunks), default=0)
    return chunks, xp.empty(rows * longest * positions, dtype=dtype)


def _columns(chunk, positions):
    """The GEMM columns of a batch chunk: its samples' output positions."""
    return slice(chunk.start * positions, chunk.stop * positions)


# --- stride 1: columns by whole padded rows (see the module docstring) ------------------------------


def _row_shifted(geometry, channels, kernel, out_channels):
    """Whether to lay the columns out by rows: stride 1, and enough columns rows (C*KH*KW) per
    output channel that the long copies they gain outweigh re-laying the output (or its gradient)
    row by row: measured here, a 32->64 3x3 layer gains 10-20 %, a 1->32 3x3 one loses as much."""
    return geometry.stride == (1, 1) and channels * kernel[0] * kernel[1] > 2 * out_channels


def _shifts(kernel, pitch, geometry):
    """Where each tap's run starts in a flattened padded plane of row length ``pitch``."""
    (dh, dw) = geometry.dilation
    return [i * dh * pitch + j * dw for i in range(kernel[0]) for j in range(kernel[1])]


def im2col_rows(xt, kernel, out_size, geometry, out):
    """Stride-1 columns of the padded, channels-first ``xt`` (C, n, Hp, Wp): shape
    (C, KH*KW, n, OH*Wp), tap k's block the run of each plane from its shift on; the run's last
    Wp - OW entries lie past the last output and are zeroed (written into ``out``)."""
    c, n, hp, wp = xt.shape
    oh, ow = out_size
    run = (oh - 1) * wp + ow
    planes = xt.reshape(c, n, hp * wp)
    taps_ = kernel[0] * kernel[1]
    cols = out[: c * taps_ * n * oh * wp].reshape(c, taps_, n, oh * wp)
    for k, shift in enumerate(_shifts(kernel, wp, geometry)):
        cols[:, k, :, :run] = planes[:, :, shift : shift + run]
    cols[:, :, :, run:] = 0
    return cols


def col2im_rows_add(dcols, planes, out_size, kernel, geometry, pitch):
    """The adjoint of im2col_rows: add tap k's block of ``dcols`` (C, KH*KW, n, OH*Wp) onto each
    flattened padded plane of ``planes`` (C, n, Hp*Wp) from the tap's shift on."""
    oh, ow = out_size
    run = (oh - 1) * pitch + ow
    for k, shift in enumerate(_shifts(kernel, pitch, geometry)):
        planes[:, :, shift : shift + run] += dcols[:, k, :, :run]


def _wide(grad, chunk, pitch):
    """A chunk of the output gradient, channels first, each row widened to ``pitch`` with zeros:
    (O, n, OH, pitch), the layout of im2col_rows's columns."""
    o, (oh, ow) = grad.shape[1], grad.shape[2:]
    wide = xp.zeros((o, chunk.stop - chunk.start, oh, pitch), dtype=grad.dtype)
    wide[..., :ow] = grad[chunk].transpose(1, 0, 2, 3)
    return wide


def conv_forward(x, weight, geometry, out_size=None):
    """y = weight * x: per batch chunk, one (grouped) GEMM against its columns, written into place.

    ``out_size`` may name fewer output positions than fit (the adjoint of a transposed convolution
    whose output_padding made its output longer than a convolution of it gives back)."""
    if x.ndim == 5:  # 3-D: one 2-D convolution per depth tap (ops/conv_depth.py)
        from .conv_depth import depth_forward
        return depth_forward(x, weight, geometry, out_size)
    out_channels, _, kh, kw = weight.shape
    n, _, h, w = x.shape
    (pt, pb), (pl, pr) = geometry.padding
    out_size = tuple(out_size) if out_size is not None else (
        output_size(h, kh, geometry.stride[0], pt + pb, geometry.dilation[0]),
        output_size(w, kw, geometry.stride[1], pl + pr, geometry.dilation[1]),
    )
    g, (oh, ow) = geometry.groups, out_size
    w_rows = _grouped(weight, g, 1)
    if _row_shifted(geometry, x.shape[1], (kh, kw), out_channels):
        pitch = w + pl + pr  # GEMM columns per output row
        chunks, buffer = _chunked(x.shape, (kh, kw), oh * pitch, x.dtype)
        y = xp.empty((n, out_channels, oh, ow), dtype=x.dtype)
        for chunk in chunks:
            cols = im2col_rows(padded_channels_first(x[chunk], geometry.padding), (kh, kw), out_size, geometry, buffer)
            wide = w_rows @ _grouped(cols, g, 2)  # (G, O/G, n*OH*Wp): the wrapped positions dropped here
            y[chunk] = wide.reshape(out_channels, chunk.stop - chunk.start, oh, pitch)[..., :ow].transpose(1, 0, 2, 3)
        return y
    chunks, buffer = _chunked(x.shape, (kh, kw), oh * ow, x.dtype)
    y = xp.empty((out_channels, n, oh, ow), dtype=x.dtype)  # channel-major, as the GEMM writes it
    y_rows = y.reshape(g, out_channels // g, n * oh * ow)
    for chunk in chunks:
        cols = im2col(x[chunk], (kh, kw), out_size, geometry, out=buffer)
        y_rows[:, :, _columns(chunk, oh * ow)] = w_rows @ _grouped(cols, g, 3)  # (G, O/G, n*OH*OW)
    return y.transpose(1, 0, 2, 3)


def conv_input_grad(grad, weight, x_shape, geometry):
    """dL/dx = col2im(weight^T @ grad), chunk by chunk: (N, C, H, W)."""
    if grad.ndim == 5:  # 3-D: per depth tap (ops/conv_depth.py)
        from .conv_depth import depth_input_grad
        return depth_input_grad(grad, weight, x_shape, geometry)
    n, c, h, w = x_shape
    (pt, pb), (pl, pr) = geometry.padding
    g, kernel, out_size = geometry.groups, weight.shape[2:], grad.shape[2:]
    w_t = _grouped(weight, g, 1).transpose(0, 2, 1)  # (G, C/G*KH*KW, O/G)
    hp, wp = h + pt + pb, w + pl + pr
    xt = xp.zeros((c, n, hp, wp), dtype=grad.dtype)
    taps_ = kernel[0] * kernel[1]
    if _row_shifted(geometry, c, kernel, weight.shape[0]) and xp.isfinite(weight).all():  # (the wrapped positions then add exact zeros)
        chunks, _ = _chunked(x_shape, kernel, out_size[0] * wp, grad.dtype)
        planes = xt.reshape(c, n, hp * wp)
        for chunk in chunks:
            dcols = w_t @ _grouped(_wide(grad, chunk, wp), g, 1)  # (G, C/G*KH*KW, n*OH*Wp)
            dcols = dcols.reshape(c, taps_, chunk.stop - chunk.start, out_size[0] * wp)
            col2im_rows_add(dcols, planes[:, chunk], out_size, kernel, geometry, wp)
    else:
        positions = out_size[0] * out_size[1]
        g_rows = _grouped(xp.ascontiguousarray(grad.transpose(1, 0, 2, 3)), g, 1)  # (G, O/G, N*OH*OW)
        chunks, _ = _chunked(x_shape, kernel, positions, grad.dtype)
        for chunk in chunks:
            dcols = w_t @ g_rows[:, :, _columns(chunk, positions)]  # (G, C/G*KH*KW, n*OH*OW)
            col2im_add(dcols.reshape(c, *kernel, chunk.stop - chunk.start, *out_size), xt[:, chunk], geometry)
    return xt[:, :, pt : pt + h, pl : pl + w].transpose(1, 0, 2, 3)


def conv_weight_grad(x, grad, weight_shape, geometry):
    """dL/dw = grad @ cols^T, summed over the batch chunks: (O, C/G, KH, KW)."""
    if x.ndim == 5:  # 3-D: per depth tap (ops/conv_depth.py)
        from .conv_depth import depth_weight_grad
        return depth_weight_grad(x, grad, weight_shape, geometry)
    g, kernel, out_size = geometry.groups, weight_shape[2:], grad.shape[2:]
    dw = xp.zeros((g, weight_shape[0] // g, int(xp.prod(weight_shape[1:]))), dtype=grad.dtype)
    if _row_shifted(geometry, x.shape[1], kernel, weight_shape[0]) and xp.isfinite(x).all():  # (the wrapped positions then add exact zeros)
        wp = x.shape[3] + sum(geometry.padding[1])
        chunks, buffer = _chunked(x.shape, kernel, out_size[0] * wp, x.dtype)
        for chunk in chunks:
            cols = im2col_rows(padded_channels_first(x[chunk], geometry.padding), kernel, out_size, geometry, buffer)
            dw += _grouped(_wide(grad, chunk, wp), g, 1) @ _grouped(cols, g, 2).transpose(0, 2, 1)
        return dw.reshape(weight_shape)
    positions = out_size[0] * out_size[1]
    g_rows = _grouped(xp.ascontiguousarray(grad.transpose(1, 0, 2, 3)), g, 1)  # (G, O/G, N*OH*OW)
    chunks, buffer = _chunked(x.shape, kernel, positions, x.dtype)
    for chunk in chunks:
        cols = im2col(x[chunk], kernel, out_size, geometry, out=buffer)
        dw += g_rows[:, :, _columns(chunk, positions)] @ _grouped(cols, g, 3).transpose(0, 2, 1)  # (G, O/G, C/G*KH*KW)
    return dw.reshape(weight_shape)


class Conv2d(Function):
    backward_name = "ConvolutionBackward0"

    def forward(ctx, x, weight, *bias, geometry, out_size=None):
        y = conv_forward(x, weight, geometry, out_size=out_size)  # the columns are not kept: the backward
        if bias:  # rebuilds them (a copy) rather than hold KH*KW times the input per layer
            y += bias[0].reshape((1, -1) + (1,) * (y.ndim - 2))  # y is new: in place saves a pass over it
        ctx.save_for_backward(x, weight)
        ctx.geometry = geometry
        return y

    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need_x, need_w = ctx.needs_input_grad[:2]
        grads = (
            ConvInputGrad.apply(grad, weight, x_shape=x.shape, geometry=ctx.geometry) if need_x else None,
            ConvWeightGrad.apply(x, grad, weight_shape=weight.shape, geometry=ctx.geometry) if need_w else None,
        )
        if len(ctx.inputs) == 3:
            grads += (grad.sum(dim=(0,) + tuple(range(2, grad.ndim))) if ctx.needs_input_grad[2] else None,)
        return grads


class ConvInputGrad(Function):
    """(grad, weight) -> dL/dx. Its own backward: conv2d(gg, weight) and the weight gradient."""

    backward_name = "ConvolutionBackwardBackward0"

    def forward(ctx, grad, weight, x_shape, geometry):
        ctx.save_for_backward(grad, weight)
        ctx.geometry = geometry
        return conv_input_grad(grad, weight, x_shape, geometry)

    def backward(ctx, gg):
        grad, weight = ctx.saved_tensors
        need_g, need_w = ctx.needs_input_grad
        return (
            Conv2d.apply(gg, weight, geometry=ctx.geometry, out_size=tuple(grad.shape[2:])) if need_g else None,
            ConvWeightGrad.apply(gg, grad, weight_shape=weight.shape, geometry=ctx.geometry) if need_w else None,
        )


class ConvWeightGrad(Function):
    """(x, grad) -> dL/dw. Its own backward: the input gradient and conv2d(x, gg)."""

    backward_name = "ConvolutionBackwardBackward1"

    def forward(ctx, x, grad, weight_shape, geometry):
        ctx.save_for_backward(x, grad)
        ctx.geometry = geometry
        return conv_weight_grad(x, grad, weight_shape, geometry)

    def backward(ctx, gg):
        x, grad = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad
        return (
            ConvInputGrad.apply(grad, gg, x_shape=x.shape, geometry=ctx.geometry) if need_x else None,
            Conv2d.apply(x, gg, geometry=ctx.geometry, out_size=tuple(grad.shape[2:])) if need_g else None,
        )


_C_NAMES = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "uint8": "unsigned char", "bool": "bool"}


def _refuse(kernel_name, dtype):
    raise NotImplementedError(f'"{kernel_name}" not implemented for \'{torch_name(dtype)}\'')


def check_dtypes(input, weight, bias, dilated, plain_kernel="slow_conv2d_cpu"):
    """torch's dtype rules for a convolution's kernel (after the bias's, in conv_geometry): the CPU
    kernel's dtypes (the plain kernel takes floats and integers, the dilated one floats and
    int64; neither bool); then the weight in the input's dtype. Integer results wrap as torch's do."""
    if dilated and input.dtype not in FLOAT_DTYPES and str(input.dtype) != "int64":
        _refuse("slow_conv_dilated<>", input.dtype)
    if input.dtype == xp.bool_:
        _refuse(plain_kernel, input.dtype)
    _same_type(input, weight)


def _same_type(input, weight):
    if weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {torch_name(input.dtype)} but found {torch_name(weight.dtype)}")


def _same_padding(kernel, dilation):
    """torch's padding='same': total d*(k-1), the odd pixel after."""
    total = dilation * (kernel - 1)
    return (total // 2, total - total // 2)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``F.conv2d``: input (N, C, H, W) or (C, H, W), weight (O, C / groups, KH, KW).

    ``padding`` is an int, a pair, ``'valid'`` (none) or ``'same'`` (output as large as the input;
    stride 1 only, as torch).
    """
    stride, dilation = pair(stride, "stride"), pair(dilation, "dilation")
    if input.ndim == 3:
        out = conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups)
        return out.squeeze(0)
    if input.ndim != 4:
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: {list(input.shape)}")
    geometry = conv_geometry(input, weight, bias, stride, padding, dilation, groups)
    inputs = (input, weight) if bias is None else (input, weight, bias)
    if geometry is None:
        return empty_conv(inputs, conv_output_shape(input.shape, weight.shape, stride, padding, dilation))
    return Conv2d.apply(*inputs, geometry=geometry)


def conv_output_shape(x_shape, w_shape, stride, padding, dilation):
    """(N, O, OH, OW) of a convolution; O is 0 for an input with no channels (as torch)."""
    n, c, *size = x_shape
    kernel = w_shape[2:]
    if padding == "same":
        spatial = list(size)
    else:
        p = (0,) * len(size) if padding == "valid" else _tuple_for(len(size), padding, "padding")
        spatial = [output_size(s, k, st, 2 * q, d) for s, k, st, q, d in zip(size, kernel, stride, p, dilation)]
    return (n, w_shape[0] if c else 0, *spatial)


def conv_geometry(input, weight, bias, stride, padding, dilation, groups, name="conv2d"):
    """Check a (batched, 4-D) convolution's arguments as torch does, in torch's order (shapes, then
    dtypes); returns its Geometry, or None for an input with no samples or no channels, whose
    result torch makes without running a kernel (see :class:`EmptyConv`)."""
    dims = len(stride)  # 2, or 3 for conv3d
    if weight.ndim != dims + 2:
        taps = ", ".join(("kD", "kH", "kW")[-dims:])
        raise RuntimeError(f"{name} expects a {dims + 2}D weight (out_channels, in_channels/groups, {taps}), got size {list(weight.shape)}")
    kernel = weight.shape[2:]
    if padding == "valid":
        pads = ((0, 0),) * dims
    elif padding == "same":
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        pads = tuple(_same_padding(k, d) for k, d in zip(kernel, dilation))
    elif isinstance(padding, str):
        raise ValueError(f"Invalid padding string {padding!r}, should be one of ['valid', 'same']")
    else:
        p = _tuple_for(dims, padding, "padding")
        if any(v < 0 for v in p):
            raise RuntimeError(f"negative padding is not supported (got padding={p})")
        pads = tuple((v, v) for v in p)
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"non-positive stride is not supported (got stride={stride})")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero (got dilation={dilation})")
    if not isinstance(groups, int) or groups <= 0:
        raise RuntimeError(f"non-positive groups is not supported (got groups={groups})")
    out_channels, in_per_group = weight.shape[:2]
    if out_channels < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got weight of size {list(weight.shape)} instead")
    if out_channels % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size {list(weight.shape)} instead"
        )
    if input.shape[1] != in_per_group * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input{list(input.shape)} "
            f"to have {in_per_group * groups} channels, but got {input.shape[1]} channels instead"
        )
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with {out_channels} elements, but got bias of size {list(bias.shape)} instead")
    padded = tuple(size + sum(p) for size, p in zip(input.shape[2:], pads))
    effective = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel))
    if any(p < e for p, e in zip(padded, effective)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel size: "
            f"({' x '.join(map(str, effective))}). Kernel size can't be greater than actual input size"
        )
    if bias is not None and bias.dtype != input.dtype:
        raise RuntimeError(f"Input type ({_C_NAMES[str(input.dtype)]}) and bias type ({_C_NAMES[str(bias.dtype)]}) should be the same")
    if input.shape[0] == 0 or input.shape[1] == 0:
        return None
    if 0 in input.shape:
        raise RuntimeError(f"Only zero batch or zero channel inputs are supported, but got input shape: {list(input.shape)}")
    check_dtypes(input, weight, bias, dilated=any(d != 1 for d in dilation), plain_kernel=_plain_kernel(dims, kernel, stride, pads))
    return Geometry(stride, pads, dilation, groups)


def _plain_kernel(dims, kernel, stride, pads):
    """The name of torch's CPU kernel that refuses a bool convolution: 3-D builds columns unless
    the kernel is 1x1x1 with stride 1 and no padding."""
    if dims == 2:
        return "slow_conv2d_cpu"
    pointwise = all(k == 1 for k in kernel) and all(s == 1 for s in stride) and all(p == (0, 0) for p in pads)
    return "slow_conv3d_cpu" if pointwise else "compute_columns3d"


class EmptyConv(Function):
    """A convolution of an input with no samples or no channels: zeros of the output's shape (with
    no channels when the input has none, as torch), and zero gradients."""

    backward_name = "ConvolutionBackward0"

    def forward(ctx, x, weight, *bias, shape, dtype):
        ctx.shapes = [(a.shape, a.dtype) for a in (x, weight, *bias)]
        return xp.zeros(shape, dtype=dtype)

    def backward(ctx, grad):
        return tuple(Tensor._make(xp.zeros(shape, dtype=dtype)) for shape, dtype in ctx.shapes)


def empty_conv(inputs, shape):
    """EmptyConv of ``inputs`` = (x, weight[, bias]) with torch's dtype: torch multiplies the input
    by the weight's first element (a 0-d tensor) or, with no channels, by the whole weight, with
    its promotion rules, then adds the bias in place."""
    x, weight = inputs[:2]
    if x.shape[1] and weight.numel() == 0:  # torch reads the (flattened) weight's first element
        raise IndexError("select(): index 0 out of range for tensor of size [0] at dimension 0")
    dtype = promote_types(x.dtype, weight.dtype) if x.shape[1] == 0 else result_type(x, Tensor._make(xp.zeros((), weight.dtype)))
    if len(inputs) == 3 and not can_cast(inputs[2].dtype, dtype):
        raise RuntimeError(f"result type {torch_name(inputs[2].dtype)} can't be cast to the desired output type {torch_name(dtype)}")
    return EmptyConv.apply(*inputs, shape=shape, dtype=dtype)


__all__ = ["conv2d", "im2col", "col2im", "Conv2d", "ConvInputGrad", "ConvWeightGrad", "Tensor"]
