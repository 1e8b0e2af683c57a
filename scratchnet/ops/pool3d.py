"""3-D pooling: max_pool3d, avg_pool3d, adaptive_avg_pool3d, adaptive_max_pool3d.

A (kD, kH, kW) window is the product of a (kH, kW) window and a kD one, and the pools are
separable over that product: the maximum over the window is the maximum over depth of the (H, W)
maxima, the window's sum is the sum over depth of the (H, W) sums (divided once by the window's
count, the product of the per-dim counts, padding counted or not; integers truncated once), and
adaptive windows are products of per-dim windows as well. So each 3-D
pool is two 2-D pools of :mod:`scratchnet.ops.pool` / :mod:`scratchnet.ops.pool_adaptive`: one
over (H, W) of every depth slice, viewed as (N, C * D, H, W), and one over depth, viewed as
(N, C, D, OH * OW) with a (kD, 1) window. Ties go as in torch's loops over (d, h, w): the first
maximum wins, and a NaN beats everything (the last NaN). Each pool is recorded as one node under
torch's name (:func:`~scratchnet.ops._composite.composite`), so it differentiates (twice) as
the 2-D pools do.

>>> import scratchnet as sn
>>> x = sn.arange(8.0).reshape(1, 1, 2, 2, 2)
>>> max_pool3d(x, 2).flatten().tolist(), avg_pool3d(x, 2).flatten().tolist()
([7.0], [3.5])
"""

from ..backend import FLOAT_DTYPES, xp
from ..dtypes import torch_name
from ..tensor import Tensor
from . import pool, pool_adaptive
from ._composite import composite
from .conv import triple


def _batched(input, fn):
    """Run a 5-D pooling on a 4-D (unbatched) input too."""
    if input.ndim == 4:
        out = fn(input.unsqueeze(0))
        return tuple(o.squeeze(0) for o in out) if isinstance(out, tuple) else out.squeeze(0)
    return fn(input)


def _pool_out(size, k, s, p, d, ceil_mode):
    """torch's pooling output length (a ceil_mode window must start inside the input or left pad)."""
    span = size + 2 * p - d * (k - 1) - 1
    n = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (n - 1) * s >= size + p:
        n -= 1
    return n


def _pool_args(input, kernel_size, stride, padding, dilation, ceil_mode, name):
    """Check a 3-D pooling's arguments in torch's order; returns kernel, stride, padding, dilation
    (triples) and the output's (OD, OH, OW)."""
    maximum = name == "max_pool3d"
    either = "either " if maximum else ""
    kernel = triple(kernel_size, "kernel_size", f"{name}: kernel_size must {either}be a single int, or a tuple of three ints")
    omitted = stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0)
    stride = kernel if omitted else triple(stride, "stride", f"{name}: stride must {either}be omitted, a single int, or a tuple of three ints")
    padding = triple(padding, "padding", f"{name}: padding must {either}be a single int, or a tuple of three ints")
    dilation = triple(dilation, "dilation", f"{name}: dilation must be either a single int, or a tuple of three ints")
    if input.ndim not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    if 0 in stride:
        raise RuntimeError("stride should not be zero")
    for values, what, letters in ((kernel, "kernel size", ("kT", "kH", "kW")), (stride, "stride", ("dT", "dH", "dW")),
                                  (dilation, "dilation", ("dilationT", "dilationH", "dilationW"))):
        if min(values) <= 0:
            shown = " ".join(f"{letter}: {v}" for letter, v in zip(letters, values))
            raise RuntimeError(f"{what} should be greater than zero, but got {shown}")
    for axis in range(1, input.ndim):
        if input.shape[axis] == 0:
            where = "max_pool3d_with_indices_out_cpu_template()" if maximum else "avg_pool3d()"
            raise RuntimeError(
                f"{where}: Expected input's non-batch dimensions to have positive length, but input has a "
                f"shape of {list(input.shape)} and non-batch dimension {axis - 1} has length zero!"
            )
    for p, k, d in zip(padding, kernel, dilation):
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > k // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} and dilation={d}")
    size = tuple(input.shape[-3:])
    if not maximum and any(s < k for s, k in zip(size, kernel)):
        raise RuntimeError(
            f"input image (T: {size[0]} H: {size[1]} W: {size[2]}) smaller than kernel size "
            f"(kT: {kernel[0]} kH: {kernel[1]} kW: {kernel[2]})"
        )
    out = tuple(_pool_out(*args, ceil_mode) for args in zip(size, kernel, stride, padding, dilation))
    if min(out) <= 0:
        lead = input.shape[-4]
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, (lead, *size)))}). Calculated output size: "
            f"({'x'.join(map(str, (lead, *out)))}). Output size is too small"
        )
    if maximum:
        for axis, (n, s_, p, k, d, o) in enumerate(zip(size, stride, padding, kernel, dilation, out)):
            starts = xp.arange(o)[:, None] * s_ - p + xp.arange(k)[None, :] * d
            empty = xp.flatnonzero(~((starts >= 0) & (starts < n)).any(axis=1))
            if empty.size:  # its maximum would be -inf; torch's backward corrupts memory there
                raise RuntimeError(
                    f"max_pool3d: window {int(empty[0])} along dim {axis + input.ndim - 3} covers only padding (input size "
                    f"{n}, padding {p}, kernel {k}, dilation {d}, stride {s_}); use less padding or dilation"
                )
    kinds = "iu" if maximum else ("i" if input.dtype == xp.int64 else "")
    if input.dtype not in FLOAT_DTYPES and input.dtype.kind not in kinds:
        kernel_name = "max_pool3d" if maximum else "avg_pool3d_out_frame"
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'{torch_name(input.dtype)}\'')
    return kernel, stride, padding, dilation, out


def _two_passes(x, plane, depth):
    """``depth(plane(x as (N, C*D, H, W)) as (N, C, D, OH*OW))`` as (N, C, OD, OH, OW)."""
    n, c, d, h, w = x.shape
    flat = plane(x.reshape(n, c * d, h, w))
    oh, ow = flat.shape[-2:]
    out = depth(flat.reshape(n, c, d, oh * ow))
    return out.reshape(n, c, out.shape[2], oh, ow)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """``F.max_pool3d`` / ``torch.max_pool3d``: the maximum over each (kD, kH, kW) window.

    out(N_i, C_j, d, h, w) = max over (k, m, n) of
    input(N_i, C_j, stride[0] d + dilation[0] k, stride[1] h + dilation[1] m, stride[2] w + dilation[2] n)

    Args:
        input: (N, C, D, H, W) or unbatched (C, D, H, W); floats or integers.
        kernel_size: the window, an int or a triple (so are the three below).
        stride: the window's step (defaults to ``kernel_size``).
        padding: implicit -inf on each side, at most half the kernel.
        dilation: the spacing of the window's taps.
        ceil_mode: round the output size up (the last window may hang past the input).
        return_indices: also return each winner's position in the flattened D*H*W volume.

    Shape: D_out = (D + 2 padding - dilation (kD - 1) - 1) / stride + 1, floored (or ceiled), and
    so for H and W.

    >>> import scratchnet as sn
    >>> max_pool3d(sn.randn(2, 3, 4, 5, 6), 2, return_indices=True)[1].shape
    scratchnet.Size([2, 3, 2, 2, 3])
    """
    kernel, stride, padding, dilation, _ = _pool_args(input, kernel_size, stride, padding, dilation, ceil_mode, "max_pool3d")

    def plane(t, indices=False):
        return pool.max_pool2d(t, kernel[1:], stride[1:], padding[1:], dilation[1:], ceil_mode, indices)

    def depth(t, indices=False):
        return pool.max_pool2d(t, (kernel[0], 1), (stride[0], 1), (padding[0], 0), (dilation[0], 1), ceil_mode, indices)

    out = composite("MaxPool3DWithIndicesBackward0", lambda t: _batched(t, lambda b: _two_passes(b, plane, depth)), input)
    if not return_indices:
        return out
    return out, _batched(input.detach(), lambda b: _indices(b, plane, depth))


def _indices(x, plane, depth):
    """The winners' flat D*H*W positions: the depth pass says which depth slice won, the plane
    pass where in its (H, W) plane."""
    n, c, d, h, w = x.shape
    _, at_plane = plane(Tensor._make(x.array.reshape(n, c * d, h, w)), indices=True)
    oh, ow = at_plane.shape[-2:]
    values = plane(Tensor._make(x.array.reshape(n, c * d, h, w)))
    _, at_depth = depth(Tensor._make(values.array.reshape(n, c, d, oh * ow)), indices=True)
    slab = at_depth.array // (oh * ow)  # the winning depth slice of each output
    within = xp.take_along_axis(at_plane.array.reshape(n, c, d, oh * ow), slab, axis=2)
    return Tensor._make((slab * (h * w) + within).reshape(n, c, slab.shape[2], oh, ow))


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """``F.max_pool3d_with_indices``: :func:`max_pool3d` returning (output, indices).

    >>> import scratchnet as sn
    >>> max_pool3d_with_indices(sn.arange(8.0).reshape(1, 1, 2, 2, 2), 2)[1].flatten().tolist()
    [7]
    """
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
    """``F.avg_pool3d``: the mean over each (kD, kH, kW) window.

    out(N_i, C_j, d, h, w) = sum over the window of input / (its element count, or ``divisor_override``)

    Args:
        input: (N, C, D, H, W) or unbatched (C, D, H, W); floats or int64 (truncated toward zero).
        kernel_size, stride (defaults to ``kernel_size``), padding (implicit zeros): an int or a triple.
        ceil_mode: round the output size up.
        count_include_pad: count the padding zeros in the divisor.
        divisor_override: divide every window's sum by this instead.

    Shape: as :func:`max_pool3d` with dilation 1.

    >>> import scratchnet as sn
    >>> avg_pool3d(sn.ones(1, 1, 2, 2, 2), 2, padding=1, count_include_pad=False).flatten().tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    """
    kernel, stride, padding, _, _ = _pool_args(input, kernel_size, stride, padding, 1, ceil_mode, "avg_pool3d")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")

    def plane(t):  # window sums (a divisor of 1); the window's count divides once, at the end
        return pool.avg_pool2d(t, kernel[1:], stride[1:], padding[1:], ceil_mode, count_include_pad, 1)

    def depth(t):
        return pool.avg_pool2d(t, (kernel[0], 1), (stride[0], 1), (padding[0], 0), ceil_mode, count_include_pad, 1)

    if divisor_override is not None:
        divisor = xp.asarray(float(divisor_override))
    else:
        divisor = _counts(input.shape[-3:], kernel, stride, padding, ceil_mode, count_include_pad)

    def fn(b):
        sums = _two_passes(b, plane, depth)
        if sums.dtype.kind == "f":
            return sums / Tensor._make(divisor.astype(sums.dtype))
        whole = divisor.astype(xp.int64)  # integers: the quotient truncated toward zero, exactly
        q = xp.abs(sums.array) // xp.abs(whole)
        return Tensor._make((xp.sign(sums.array) * xp.sign(whole) * q).astype(sums.dtype))

    return composite("AvgPool3DBackward0", lambda t: _batched(t, fn), input)


def _counts(size, kernel, stride, padding, ceil_mode, count_include_pad):
    """Each window's element count, (OD, OH, OW): the product of the (H, W) counts and the depth
    ones (as the 2-D pooling counts them, padding included or not)."""
    def per_plane(hw, k, s, p):
        probe = Tensor._make(xp.zeros((1, 1, *hw)))
        k, out, geometry, _ = pool.pool_geometry(probe, k, s, p, 1, ceil_mode, "avg_pool2d")
        return xp.asarray(pool._divisor(hw, out, k, geometry, count_include_pad, None), dtype=xp.float64)

    plane = per_plane(size[1:], kernel[1:], stride[1:], padding[1:])
    depth = per_plane((size[0], 1), (kernel[0], 1), (stride[0], 1), (padding[0], 0))
    return depth[:, 0][:, None, None] * plane[None]


# --- adaptive ------------------------------------------------------------------------------------


def _adaptive_sizes(input, output_size, name):
    """Check a 3-D adaptive pooling as torch does; returns the (OD, OH, OW) asked for."""
    maximum = "max" in name
    listed = isinstance(output_size, (tuple, list))
    if listed and input.ndim <= len(output_size):
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")  # torch's Python layer
    if not maximum and not listed and int(output_size) == 1 and input.ndim < 4:  # torch takes the mean
        if input.ndim < 3:  # over the last three dims, refused by the first one missing
            span = max(input.ndim, 1)
            raise IndexError(f"Dimension out of range (expected to be in range of [{-span}, {span - 1}], but got {-span - 1})")
        return (1, 1, 1)
    if input.ndim not in (4, 5):
        raise RuntimeError(f"{name}(): Expected 4D or 5D tensor, but got{':' if maximum else ''} {list(input.shape)}")
    raw = tuple(output_size) if listed else (output_size,) * 3
    if len(raw) != 3:
        raise RuntimeError(f"{name}(): internal error: output_size.size() must be 3" if maximum else f"{name}: output_size must be 3")
    sizes = tuple(input.shape[-3 + i] if s is None else int(s) for i, s in enumerate(raw))
    if not maximum and sizes == (1, 1, 1):
        return sizes  # torch takes the mean over the volume here, whatever its size
    for axis in range(1, input.ndim):
        if input.shape[axis] == 0:
            raise RuntimeError(
                f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes "
                f"{list(input.shape)} with dimension {axis} being empty"
            )
    if min(sizes) < 0:
        if maximum:
            shape = list(input.shape[:-3]) + list(sizes)
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: {shape}")
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 but received {{{sizes[0]}, {sizes[1]},{sizes[2]}}}")
    if input.dtype not in FLOAT_DTYPES:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{torch_name(input.dtype)}\'')
    return sizes


def _nothing(t, sizes):
    """An adaptive pooling to an empty output: no windows (zero gradients)."""
    return t.reshape(-1)[:0].reshape(*t.shape[:2], *sizes)


def adaptive_avg_pool3d(input, output_size):
    """``F.adaptive_avg_pool3d``: the mean over each adaptive window, cell i of a dim of length L
    and output length O covering [floor(i L / O), ceil((i + 1) L / O)).

    Args:
        input: (N, C, D, H, W) or unbatched (C, D, H, W); floats.
        output_size: an int or a triple (OD, OH, OW); None keeps that input size.

    >>> import scratchnet as sn
    >>> adaptive_avg_pool3d(sn.randn(1, 64, 8, 9, 10), (5, None, 7)).shape
    scratchnet.Size([1, 64, 5, 9, 7])
    """
    sizes = _adaptive_sizes(input, output_size, "adaptive_avg_pool3d")
    if sizes == (1, 1, 1):  # torch takes the mean here (its dtype rules, its node)
        return input.mean(dim=(-3, -2, -1), keepdim=True)

    def fn(b):
        if 0 in sizes:
            return _nothing(b, sizes)
        return _two_passes(b, lambda a: pool_adaptive.adaptive_avg_pool2d(a, sizes[1:]),
                           lambda a: pool_adaptive.adaptive_avg_pool2d(a, (sizes[0], a.shape[-1])))

    return composite("AdaptiveAvgPool3DBackward0", lambda t: _batched(t, fn), input)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """``F.adaptive_max_pool3d``: the maximum over each adaptive window (see
    :func:`adaptive_avg_pool3d`), NaN winning; with ``return_indices`` also each winner's position
    in the flattened D*H*W volume.

    >>> import scratchnet as sn
    >>> out, idx = adaptive_max_pool3d(sn.arange(8.0).reshape(1, 1, 2, 2, 2), 1, return_indices=True)
    >>> out.item(), idx.item()
    (7.0, 7)
    """
    sizes = _adaptive_sizes(input, output_size, "adaptive_max_pool3d")

    def plane(a, indices=False):
        return pool_adaptive.adaptive_max_pool2d(a, sizes[1:], indices)

    def depth(a, indices=False):
        return pool_adaptive.adaptive_max_pool2d(a, (sizes[0], a.shape[-1]), indices)

    def fn(b):
        return _nothing(b, sizes) if 0 in sizes else _two_passes(b, plane, depth)

    out = composite("AdaptiveMaxPool3DBackward0", lambda t: _batched(t, fn), input)
    if not return_indices:
        return out
    if 0 in sizes:
        return out, Tensor._make(xp.zeros(out.shape, dtype=xp.int64))
    return out, _batched(input.detach(), lambda b: _indices(b, plane, depth))


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """``F.adaptive_max_pool3d_with_indices``: :func:`adaptive_max_pool3d` returning (output, indices).

    >>> import scratchnet as sn
    >>> adaptive_max_pool3d_with_indices(sn.randn(1, 2, 3, 4, 5), 2)[1].dtype
    scratchnet.int64
    """
    return adaptive_max_pool3d(input, output_size, return_indices=True)


__all__ = ["max_pool3d"]
FUNCTIONAL = [
    "max_pool3d", "max_pool3d_with_indices", "avg_pool3d", "adaptive_avg_pool3d", "adaptive_max_pool3d",
    "adaptive_max_pool3d_with_indices",
]
