"""Adaptive pooling (avg and max, 1-D and 2-D): output cell i covers the input window
[floor(i * H / OH), ceil((i + 1) * H / OH)), so any input size maps to the requested output size.

Windows differ in length by at most one, so each is gathered as a fixed number K of taps (the
shorter ones padded with a masked repeat of their first element): ``where`` masks the padding, so
a NaN stays in its own window (a matrix-product formulation mixes NaN * 0 into every window).
One pair of linear Functions serves both poolings: :class:`WindowSum` (gather taps, weight, sum)
and its adjoint :class:`WindowScatter` (each other's backward, so second derivatives work); the
max pooling is a WindowSum over the one winning tap per window (the last NaN wins, as torch).

>>> import scratchnet as sn
>>> nan = float("nan")
>>> adaptive_avg_pool2d(sn.tensor([[[[1.0], [nan]]]]), (2, 1)).flatten().tolist()
[1.0, nan]
>>> adaptive_max_pool1d(sn.tensor([[[1.0, 5.0, 2.0, 0.0]]]), 2, return_indices=True)[1].tolist()
[[[1, 2]]]
"""

from ..backend import FLOAT_DTYPES, fast_where, xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor
from .conv import pair



def _windows(n, out):
    """Per output cell: K tap positions (padded), which taps are real, and the window length."""
    i = xp.arange(out)
    starts, ends = (i * n) // out, -(-((i + 1) * n) // out)
    k = int((ends - starts).max()) if out else 0
    taps = starts[:, None] + xp.arange(k)
    valid = taps < ends[:, None]
    return fast_where(valid, taps, starts[:, None]), valid, ends - starts


def _plane_windows(h, w, oh, ow):
    """Flat (H*W) tap indices (OH*OW, KH*KW), their validity, and each window's element count."""
    th, vh, ch = _windows(h, oh)
    tw, vw, cw = _windows(w, ow)
    idx = (th[:, None, :, None] * w + tw[None, :, None, :]).reshape(oh * ow, -1)
    valid = (vh[:, None, :, None] & vw[None, :, None, :]).reshape(oh * ow, -1)
    return idx, valid, (ch[:, None] * cw[None, :]).reshape(-1)


class WindowSum(Function):
    """out[n, c, p] = sum_k weight[p, k] x[n, c, idx[.., p, k]] (masked where weight is 0), divided
    by ``divisor[p]`` when one is given.

    ``idx`` is (P, K) or per sample (N, C, P, K); x is (N, C, H, W), out (N, C, OH, OW)."""

    def forward(ctx, x, idx, weight, out_hw, name, divisor=None):
        n, c = x.shape[:2]
        ctx.idx, ctx.weight, ctx.in_shape, ctx.node_name, ctx.divisor = idx, weight, x.shape, name, divisor
        p, k = idx.shape[-2:]
        flat = x.reshape(n, c, x.shape[2] * x.shape[3])
        taps = xp.broadcast_to(idx, (n, c, p, k)).reshape(n, c, p * k)
        vals = xp.take_along_axis(flat, taps, axis=2).reshape((n, c) + idx.shape[-2:])
        out = fast_where(weight > 0, vals * weight.astype(x.dtype), 0).sum(axis=-1)
        if divisor is not None:  # sum, then divide (as torch: a sum may overflow before the division)
            out = out / divisor.astype(x.dtype)
        return out.astype(x.dtype, copy=False).reshape(n, c, *out_hw)

    def backward(ctx, grad):
        if getattr(ctx, "refuse_no_channels", False) and ctx.in_shape[1] == 0:  # as torch's backward kernel
            raise RuntimeError(
                "adaptive_avg_pool2d_backward(): Expected grad_output to have non-zero size for non-batch "
                f"dimensions, but grad_output has sizes {list(grad.shape)} with dimension 1 being empty"
            )
        return WindowScatter.apply(grad, idx=ctx.idx, weight=ctx.weight, in_shape=ctx.in_shape, name=ctx.node_name, divisor=ctx.divisor)

    def name(self):
        return getattr(self, "node_name", "WindowSumBackward0")


class WindowScatter(Function):
    """The adjoint of WindowSum: each output's gradient, weighted, added to its taps."""

    def forward(ctx, grad, idx, weight, in_shape, name, divisor=None):
        n, c, h, w = in_shape
        ctx.idx, ctx.weight, ctx.out_hw, ctx.node_name, ctx.divisor = idx, weight, grad.shape[2:], name, divisor
        g = grad.reshape(n, c, idx.shape[-2], 1)
        if divisor is not None:
            g = g / divisor.reshape(-1, 1).astype(grad.dtype)
        g = g * weight.astype(grad.dtype)
        taps = xp.broadcast_to(idx, (n, c) + idx.shape[-2:])
        offsets = (xp.arange(n * c).reshape(n, c, 1, 1) * (h * w) + taps).ravel()
        out = xp.bincount(offsets, weights=g.ravel(), minlength=n * c * h * w)
        return out.astype(grad.dtype).reshape(in_shape)

    def backward(ctx, gg):
        return WindowSum.apply(gg, idx=ctx.idx, weight=ctx.weight, out_hw=ctx.out_hw, name=ctx.node_name, divisor=ctx.divisor)

    def name(self):
        return getattr(self, "node_name", "WindowScatterBackward0")


def _check(input, output_size, dims, name):
    """torch's checks of an adaptive pooling, in its order; returns the (OH, OW) of the 2-D pooling
    (OH = 1 for the 1-D ones). Average pooling checks only the spatial dims for emptiness and
    takes any dtype on an empty input (no kernel runs); max pooling checks every non-batch dim."""
    if dims == 2 and isinstance(output_size, (tuple, list)) and input.ndim <= len(output_size):
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")  # torch's Python layer
    if dims == 2 and "avg" in name and input.ndim < 3 and not isinstance(output_size, (tuple, list)) and int(output_size) == 1:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.ndim, 1)}, {max(input.ndim, 1) - 1}], but got -2)")
    if input.ndim not in (dims + 1, dims + 2):
        if dims == 1:
            raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 'self' (while checking arguments for {name})")
        raise RuntimeError(f"{name}(): Expected 3D or 4D tensor, but got{':' if 'max' in name else ''} {list(input.shape)}")
    if dims == 1:
        size = output_size[0] if isinstance(output_size, (tuple, list)) else output_size
        sizes = (1, input.shape[-1] if size is None else int(size))
    else:
        raw = output_size if isinstance(output_size, (tuple, list)) else pair(output_size, "output_size")
        if len(raw) != 2:
            raise RuntimeError(f"{name}: output_size must be 2, got {len(raw)}")
        sizes = tuple(input.shape[-2 + i] if s is None else int(s) for i, s in enumerate(raw))
    maximum = "max" in name
    if not maximum and sizes == (1, 1):
        return sizes  # torch takes the mean over the plane, whatever its size
    first = 1 if maximum else input.ndim - dims
    for d in range(first, input.ndim):
        if input.shape[d] == 0:
            shown = list(input.shape) if maximum or dims == 2 else list(input.shape[:-1]) + [1, input.shape[-1]]
            where = d if maximum or dims == 2 else d + 1
            kind = name if maximum else "adaptive_avg_pool2d"
            raise RuntimeError(
                f"{kind}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes "
                f"{shown} with dimension {where} being empty"
            )
    if min(sizes) < 0 or (dims == 2 and min(sizes) == 0 and input.numel()):
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 but received {output_size}")
    if input.dtype not in FLOAT_DTYPES and (maximum or input.numel()):
        kind = name.replace("1d", "2d")
        raise NotImplementedError(f'"{kind}" not implemented for \'{torch_name(input.dtype)}\'')
    return sizes


def _as_4d(input, dims):
    """(N, C, [H,] W) or unbatched -> (N, C, H, W); returns the 4-D tensor and how to undo it."""
    x = input
    if dims == 1:
        x = x.unsqueeze(-2)
    unbatched = x.ndim == 3
    if unbatched:
        x = x.unsqueeze(0)

    def back(t):
        t = t.squeeze(0) if unbatched else t
        return t.squeeze(-2) if dims == 1 else t

    return x, back


def _adaptive_avg(input, output_size, dims):
    name = f"adaptive_avg_pool{dims}d"
    oh, ow = _check(input, output_size, dims, name)
    x, back = _as_4d(input, dims)
    if (oh, ow) == (1, 1):  # torch takes the mean over the plane here (its dtype rules, its node)
        return back(x.mean(dim=(-1, -2), keepdim=True))
    idx, valid, counts = _plane_windows(x.shape[2], x.shape[3], oh, ow)
    out = WindowSum.apply(x, idx=idx, weight=valid, out_hw=(oh, ow), name="AdaptiveAvgPool2DBackward0", divisor=counts)
    if out.grad_fn is not None:  # a batched input without channels: torch's backward refuses it
        out.grad_fn.refuse_no_channels = input.ndim == dims + 2
    return back(out)


def _adaptive_max(input, output_size, return_indices, dims):
    name = f"adaptive_max_pool{dims}d"
    oh, ow = _check(input, output_size, dims, name)
    x, back = _as_4d(input, dims)
    n, c, h, w = x.shape
    idx, valid, _ = _plane_windows(h, w, oh, ow)
    flat = x.array.reshape(n, c, h * w)
    vals = fast_where(valid, flat[:, :, idx], -xp.inf)  # (N, C, P, K)
    arg = xp.argmax(vals, axis=-1)
    nan = xp.isnan(vals)
    last_nan = vals.shape[-1] - 1 - xp.argmax(nan[..., ::-1], axis=-1) if vals.shape[-1] else arg
    arg = fast_where(nan.any(axis=-1), last_nan, arg)
    winner = xp.take_along_axis(xp.broadcast_to(idx, vals.shape), arg[..., None], axis=-1)  # (N, C, P, 1)
    out = back(WindowSum.apply(x, idx=winner, weight=xp.ones((1, 1), dtype=x.dtype), out_hw=(oh, ow), name="AdaptiveMaxPool2DBackward0"))
    if not return_indices:
        return out
    indices = Tensor._make(winner.reshape(n, c, oh, ow).astype(xp.int64))
    return out, back(indices)


def adaptive_avg_pool2d(input, output_size):
    """``F.adaptive_avg_pool2d``: the mean of each adaptive window; ``output_size`` an int or a pair
    (None keeps that input size)."""
    return _adaptive_avg(input, output_size, 2)


def adaptive_avg_pool1d(input, output_size):
    """``F.adaptive_avg_pool1d`` of a (N, C, L) or (C, L) input."""
    return _adaptive_avg(input, output_size, 1)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """``F.adaptive_max_pool2d``: the maximum of each adaptive window (NaN wins), and with
    ``return_indices`` its position in the flattened H*W plane."""
    return _adaptive_max(input, output_size, return_indices, 2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """``F.adaptive_max_pool1d`` of a (N, C, L) or (C, L) input."""
    return _adaptive_max(input, output_size, return_indices, 1)


__all__ = ["adaptive_avg_pool1d"]
FUNCTIONAL = ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d"]
