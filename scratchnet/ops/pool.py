"""Pooling: max_pool2d, avg_pool2d, adaptive_avg_pool2d.

A pooling window visits the same strided slices of the padded input as a convolution's kernel
taps (:func:`scratchnet.ops.conv.taps`), so pooling is a loop over taps on whole arrays: max keeps
a running maximum and which tap won (``np.maximum``-style with ``out=`` buffers); avg sums and
divides. Their backward scatters the gradient back through the same slices.

Each pool and its backward form a pair of Functions whose backwards are each other, so second
derivatives work: ``MaxPool2d`` / ``MaxPoolGrad`` and ``AvgPool2d`` / ``AvgPoolGrad``.

>>> import scratchnet as sn
>>> x = sn.arange(16.0).reshape(1, 1, 4, 4)
>>> max_pool2d(x, 2).tolist()
[[[[5.0, 7.0], [13.0, 15.0]]]]
>>> avg_pool2d(x, 2).tolist()
[[[[2.5, 4.5], [10.5, 12.5]]]]
"""

from ..backend import FLOAT_DTYPES, xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor
from .conv import Geometry, pair, taps


def pool_geometry(input, kernel_size, stride, padding, dilation, ceil_mode, name):
    """Check a pooling's arguments as torch does; returns (kernel, out_size, geometry, padded size)."""
    if input.ndim not in (3, 4):
        if name == "avg_pool2d" and input.ndim < 3:  # torch reads dim -3 first
            raise IndexError("Dimension specified as -3 but tensor has no dimensions" if input.ndim == 0 else
                             f"Dimension out of range (expected to be in range of [{-input.ndim}, {input.ndim - 1}], but got -3)")
        raise RuntimeError(f"{name}: Expected 3D or 4D (batch mode) tensor for input, got size {list(input.shape)}")
    # max pooling takes floats and integers, average pooling floats and int64; neither takes bool
    allowed = "iu" if name.startswith("max") else "i" if input.dtype == xp.int64 else ""
    if input.dtype not in FLOAT_DTYPES and input.dtype.kind not in allowed:
        kind = torch_name(input.dtype)
        raise NotImplementedError(f'"{name.replace("1d", "2d")}" not implemented for \'{kind}\'')
    if any(n == 0 for n in input.shape[input.ndim - 3:]):
        shown = [n for i, n in enumerate(input.shape) if not (name.endswith("1d") and i == input.ndim - 2)]
        what = "2D or 3D" if name.endswith("1d") else "3D or 4D"
        raise RuntimeError(f"{name}: Expected {what} (batch mode) tensor with optional 0 dim batch size for input, but got: {shown}")
    kernel = pair(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == () or stride == [] else pair(stride, "stride")
    padding, dilation = pair(padding, "padding"), pair(dilation, "dilation")
    if any(k <= 0 for k in kernel) or any(s <= 0 for s in stride) or any(d <= 0 for d in dilation):
        raise RuntimeError(f"{name}: kernel_size, stride and dilation must be greater than zero, got kernel_size={kernel}, stride={stride}, dilation={dilation}")
    effective = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    for p, k, e in zip(padding, kernel, effective):
        if p < 0 or p > k // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} and dilation={dilation[0]}")
    h, w = input.shape[-2:]
    out_size = []
    for size, p, e, s in zip((h, w), padding, effective, stride):
        span = size + 2 * p - e
        n = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (n - 1) * s >= size + p:  # the last window must start inside the input or left pad
            n -= 1
        out_size.append(n)
    if min(out_size) <= 0:
        raise RuntimeError(
            f"Given input size: ({'x'.join(str(v) for v in input.shape[-3:])}). Calculated output size: "
            f"({input.shape[-3]}x{out_size[0]}x{out_size[1]}). Output size is too small"
        )
    if name == "max_pool2d":
        for axis, (size, p, k, d, s, n) in enumerate(zip((h, w), padding, kernel, dilation, stride, out_size)):
            empty = [o for o in range(n) if not any(0 <= o * s - p + t * d < size for t in range(k))]
            if empty:  # its maximum would be -inf; torch's backward corrupts memory there
                raise RuntimeError(
                    f"max_pool2d: window {empty[0]} along dim {axis + 2} covers only padding (input size "
                    f"{size}, padding {p}, kernel {k}, dilation {d}, stride {s}); use less padding or dilation"
                )
    # ceil_mode windows may hang past the padding: pad enough to hold them
    padded = tuple(max(size + 2 * p, (n - 1) * s + e) for size, p, n, s, e in zip((h, w), padding, out_size, stride, effective))
    pads = tuple((p, full - size - p) for p, full, size in zip(padding, padded, (h, w)))
    return kernel, tuple(out_size), Geometry(stride, pads, dilation), padded


def _like(x, shape, fill, dtype=None):
    """A new (N, C, H, W) array laid out in memory as ``x`` is (batch-major or channel-major).

    A convolution's output is channel-major in memory; keeping every buffer in the same order
    keeps each elementwise pass contiguous (a mixed layout makes it several times slower).
    """
    dtype = dtype or x.dtype
    if x.strides[1] > x.strides[0]:
        return xp.full((shape[1], shape[0], *shape[2:]), fill, dtype=dtype).transpose(1, 0, 2, 3)
    return xp.full(shape, fill, dtype=dtype)


def _padded(x, geometry, fill):
    (pt, pb), (pl, pr) = geometry.padding
    if pt == pb == pl == pr == 0:
        return x
    n, c, h, w = x.shape
    out = _like(x, (n, c, h + pt + pb, w + pl + pr), fill)
    out[:, :, pt : pt + h, pl : pl + w] = x
    return out


def _crop(x_padded, shape, geometry):
    (pt, _), (pl, _) = geometry.padding
    return x_padded[:, :, pt : pt + shape[2], pl : pl + shape[3]]


def _overlap(kernel, geometry):
    """Whether windows share input elements (then scattered gradients must add, not assign)."""
    return any(s < d * (k - 1) + 1 for k, s, d in zip(kernel, geometry.stride, geometry.dilation))


# --- max ---------------------------------------------------------------------------------------


def _running_max(windows, real, nan):
    """The maximum over the taps' windows and which tap won each (int16), torch's way: strictly
    greater wins, so the first maximum; with ``nan``, a NaN wins over anything (the last NaN);
    padding (``real`` False) never wins while the window has an element of x."""
    out = windows[0].copy(order="K")
    arg = xp.zeros_like(out, dtype=xp.int16)
    better, step = xp.empty_like(out, dtype=bool), xp.empty_like(out, dtype=xp.int16)
    on_pad = None if real is None else xp.broadcast_to(~real[0], out.shape).copy()
    for k, window in enumerate(windows[1:], 1):
        xp.greater(window, out, out=better)
        if nan:
            better |= xp.isnan(window)
        if on_pad is not None:  # padding never wins: any element of x beats it, even an equal one
            better |= on_pad & real[k]
            on_pad &= ~better
        xp.maximum(out, window, out=out)
        # arg = where(better, k, arg) in two passes: taps come in order, so arg < k everywhere
        xp.multiply(better, xp.int16(k), out=step)
        xp.maximum(arg, step, out=arg)
    return out, arg


def _real_taps(in_shape, kernel, out_size, geometry):
    """(taps, OH, OW): whether tap k of each window reads an element of x (not padding); None
    without padding."""
    (pt, pb), (pl, pr) = geometry.padding
    if pt == pb == pl == pr == 0:
        return None
    frame = xp.zeros((in_shape[2] + pt + pb, in_shape[3] + pl + pr), dtype=bool)
    frame[pt : pt + in_shape[2], pl : pl + in_shape[3]] = True
    return xp.stack([frame[rows, cols] for rows, cols in taps(kernel, out_size, geometry)])


class MaxPool2d(Function):
    backward_name = "MaxPool2DWithIndicesBackward0"

    def forward(ctx, x, kernel, out_size, geometry):
        xpad = _padded(x, geometry, -xp.inf if x.dtype.kind == "f" else xp.iinfo(x.dtype).min)
        windows = [xpad[:, :, rows, cols] for rows, cols in taps(kernel, out_size, geometry)]
        real = _real_taps(x.shape, kernel, out_size, geometry)  # per tap, which windows it reads inside x
        out, arg = _running_max(windows, real, nan=False)
        if x.dtype.kind == "f" and xp.isnan(out).any():  # (a NaN anywhere in a window reaches its max)
            out, arg = _running_max(windows, real, nan=True)
        ctx.arg, ctx.kernel, ctx.geometry, ctx.in_shape = arg, kernel, geometry, x.shape
        return out

    def backward(ctx, grad):
        return MaxPoolGrad.apply(grad, arg=ctx.arg, kernel=ctx.kernel, geometry=ctx.geometry, in_shape=ctx.in_shape)


class MaxPoolGrad(Function):
    """Scatter each output's gradient to the input element that won its window."""

    backward_name = "MaxPool2DWithIndicesBackwardBackward0"

    def forward(ctx, grad, arg, kernel, geometry, in_shape):
        ctx.arg, ctx.kernel, ctx.geometry = arg, kernel, geometry
        n, c, h, w = in_shape
        (pt, pb), (pl, pr) = geometry.padding
        gpad = _like(arg, (n, c, h + pt + pb, w + pl + pr), 0, grad.dtype)
        won = xp.empty_like(arg, dtype=bool)
        overlap = _overlap(kernel, geometry)
        picked = xp.empty_like(arg, dtype=grad.dtype) if overlap else None
        for k, (rows, cols) in enumerate(taps(kernel, grad.shape[2:], geometry)):
            xp.equal(arg, k, out=won)
            if overlap:
                xp.multiply(grad, won, out=picked)
                gpad[:, :, rows, cols] += picked
            else:  # disjoint windows: write straight into place
                xp.multiply(grad, won, out=gpad[:, :, rows, cols])
        return _crop(gpad, in_shape, geometry)

    def backward(ctx, gg):
        return MaxPoolGather.apply(gg, arg=ctx.arg, kernel=ctx.kernel, geometry=ctx.geometry)


class MaxPoolGather(Function):
    """Read, for each window, the element that won it (the adjoint of MaxPoolGrad)."""

    backward_name = "MaxPool2DWithIndicesBackward0"

    def forward(ctx, x, arg, kernel, geometry):
        ctx.arg, ctx.kernel, ctx.geometry, ctx.in_shape = arg, kernel, geometry, x.shape
        xpad = _padded(x, geometry, 0.0)
        out = xp.zeros(arg.shape, dtype=x.dtype)
        for k, (rows, cols) in enumerate(taps(kernel, arg.shape[2:], geometry)):
            out += xpad[:, :, rows, cols] * (arg == k)
        return out

    def backward(ctx, grad):
        return MaxPoolGrad.apply(grad, arg=ctx.arg, kernel=ctx.kernel, geometry=ctx.geometry, in_shape=ctx.in_shape)


def _batched(input, fn):
    """Run a 4-D pooling on a 3-D (unbatched) input too."""
    if input.ndim == 3:
        out = fn(input.unsqueeze(0))
        return tuple(o.squeeze(0) for o in out) if isinstance(out, tuple) else out.squeeze(0)
    return fn(input)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """``F.max_pool2d``: the maximum of each window; ``stride`` defaults to ``kernel_size``."""
    kernel, out_size, geometry, _ = pool_geometry(input, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")

    def pool(x):
        out = MaxPool2d.apply(x, kernel=kernel, out_size=out_size, geometry=geometry)
        if not return_indices:
            return out
        probe = MaxPool2d()  # which tap won each window, as a plain computation
        probe.forward(x.array, kernel, out_size, geometry)
        return out, _flat_indices(probe.arg, x.shape, kernel, geometry)

    return _batched(input, pool)


def _flat_indices(arg, in_shape, kernel, geometry):
    """torch's return_indices: the winner's position in the flattened H*W input plane (int64)."""
    oh, ow = arg.shape[2:]
    (sh, sw), (dh, dw) = geometry.stride, geometry.dilation
    (pt, _), (pl, _) = geometry.padding
    rows = xp.arange(oh).reshape(-1, 1) * sh - pt + (arg // kernel[1]) * dh
    cols = xp.arange(ow).reshape(1, -1) * sw - pl + (arg % kernel[1]) * dw
    return Tensor._make((rows * in_shape[3] + cols).astype(xp.int64))


# --- average -------------------------------------------------------------------------------------


def _divisor(in_hw, out_size, kernel, geometry, count_include_pad, divisor_override):
    """What each window's sum is divided by, as torch: (OH, OW) or a number."""
    if divisor_override is not None:
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        return float(divisor_override)
    (pt, pb), (pl, pr) = geometry.padding
    h, w = in_hw
    frame = xp.zeros((h + pt + pb, w + pl + pr))
    if count_include_pad:  # the input and its declared padding count; ceil_mode overhang does not
        p_h, p_w = geometry.padding[0][0], geometry.padding[1][0]
        frame[: h + 2 * p_h, : w + 2 * p_w] = 1
    else:
        frame[pt : pt + h, pl : pl + w] = 1
    counts = sum(frame[rows, cols] for rows, cols in taps(kernel, out_size, geometry))
    return counts


class AvgPool2d(Function):
    backward_name = "AvgPool2DBackward0"

    def forward(ctx, x, kernel, out_size, geometry, divisor):
        ctx.kernel, ctx.geometry, ctx.divisor, ctx.in_shape = kernel, geometry, divisor, x.shape
        xpad = _padded(x, geometry, 0.0)
        out = _like(x, (*x.shape[:2], *out_size), 0)
        for rows, cols in taps(kernel, out_size, geometry):
            out += xpad[:, :, rows, cols]
        if x.dtype.kind != "f":  # integer pooling truncates toward zero, as torch's kernel
            return xp.trunc(out / xp.asarray(divisor)).astype(x.dtype)
        out /= xp.asarray(divisor, dtype=x.dtype)
        return out

    def backward(ctx, grad):
        return AvgPoolGrad.apply(grad, kernel=ctx.kernel, geometry=ctx.geometry, divisor=ctx.divisor, in_shape=ctx.in_shape)


class AvgPoolGrad(Function):
    """Spread each window's gradient evenly over the elements it averaged."""

    backward_name = "AvgPool2DBackwardBackward0"

    def forward(ctx, grad, kernel, geometry, divisor, in_shape):
        ctx.kernel, ctx.geometry, ctx.divisor, ctx.out_size = kernel, geometry, divisor, grad.shape[2:]
        n, c, h, w = in_shape
        (pt, pb), (pl, pr) = geometry.padding
        gpad = _like(grad, (n, c, h + pt + pb, w + pl + pr), 0)
        share = grad / xp.asarray(divisor, dtype=grad.dtype)
        for rows, cols in taps(kernel, grad.shape[2:], geometry):
            gpad[:, :, rows, cols] += share
        return _crop(gpad, in_shape, geometry)

    def backward(ctx, gg):
        return AvgPool2d.apply(gg, kernel=ctx.kernel, out_size=ctx.out_size, geometry=ctx.geometry, divisor=ctx.divisor)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
    """``F.avg_pool2d``: the mean of each window (padding counted unless ``count_include_pad=False``)."""
    kernel, out_size, geometry, _ = pool_geometry(input, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
    divisor = _divisor(input.shape[-2:], out_size, kernel, geometry, count_include_pad, divisor_override)
    return _batched(input, lambda x: AvgPool2d.apply(x, kernel=kernel, out_size=out_size, geometry=geometry, divisor=divisor))


from .pool_adaptive import adaptive_avg_pool2d  # noqa: E402,F401  (adaptive pooling: its own file)


# --- 1-D pooling: 2-D pooling over a height-1 image --------------------------------------------------


def _single(value, name):
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"{name} must be an int or a 1-tuple, got {value!r}")
        value = value[0]
    return int(value)


def _lifted(input, name):
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{name}: Expected 2D or 3D (batch mode) tensor for input, but got {list(input.shape)}")
    return input.unsqueeze(-2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """``F.max_pool1d`` of a (N, C, L) or (C, L) input."""
    stride = None if stride is None or stride == () or stride == [] else (1, _single(stride, "stride"))
    x = _lifted(input, "max_pool1d")
    if not return_indices and input.dtype not in FLOAT_DTYPES:  # torch's kernel without indices: floats only
        kind = torch_name(input.dtype)
        raise NotImplementedError(f'"max_pool1d_impl" not implemented for \'{kind}\'')
    kernel = (1, _single(kernel_size, "kernel_size"))
    pool_geometry(x, kernel, stride, (0, _single(padding, "padding")), (1, _single(dilation, "dilation")), ceil_mode, "max_pool1d")
    out = max_pool2d(x, kernel, stride, (0, _single(padding, "padding")), (1, _single(dilation, "dilation")), ceil_mode, return_indices)
    return tuple(o.squeeze(-2) for o in out) if return_indices else out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """``F.avg_pool1d`` of a (N, C, L) or (C, L) input."""
    stride = None if stride is None or stride == () or stride == [] else (1, _single(stride, "stride"))
    x = _lifted(input, "avg_pool1d")
    kernel = (1, _single(kernel_size, "kernel_size"))
    pool_geometry(x, kernel, stride, (0, _single(padding, "padding")), 1, ceil_mode, "avg_pool1d")
    return avg_pool2d(x, kernel, stride, (0, _single(padding, "padding")), ceil_mode, count_include_pad).squeeze(-2)
