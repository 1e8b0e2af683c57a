"""Pixel shuffle: trading channels for resolution (sub-pixel convolution, Shi et al. 2016).

``pixel_shuffle(x, r)`` moves each group of ``r * r`` channels into an ``r x r`` block of pixels:
``(*, C * r^2, H, W) -> (*, C, H * r, W * r)``, with
``out[..., c, h * r + i, w * r + j] = x[..., c * r^2 + i * r + j, h, w]``.
``pixel_unshuffle(x, r)`` is its inverse (an empty input comes back in its own shape, as torch's). Both are one reshape-transpose-reshape (a copy, as
torch's); each one's backward is the other, so every derivative follows.

>>> import scratchnet as sn
>>> x = sn.arange(8.0).view(1, 4, 1, 2)
>>> pixel_shuffle(x, 2).tolist()
[[[[0.0, 2.0, 1.0, 3.0], [4.0, 6.0, 5.0, 7.0]]]]
>>> bool((pixel_unshuffle(pixel_shuffle(x, 2), 2) == x).all())
True
"""

from ..backend import xp
from ..tensor import Function


def _shuffle(x, r):
    lead, (c, h, w) = x.shape[:-3], x.shape[-3:]
    k = len(lead)
    blocks = x.reshape(lead + (c // (r * r), r, r, h, w))
    order = tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2)  # (C, H, r, W, r)
    return xp.ascontiguousarray(blocks.transpose(order)).reshape(lead + (c // (r * r), h * r, w * r))


def _unshuffle(x, r):
    lead, (c, h, w) = x.shape[:-3], x.shape[-3:]
    k = len(lead)
    blocks = x.reshape(lead + (c, h // r, r, w // r, r))
    order = tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3)  # (C, r, r, H, W)
    return xp.ascontiguousarray(blocks.transpose(order)).reshape(lead + (c * r * r, h // r, w // r))


class PixelShuffle(Function):
    backward_name = "PixelShuffleBackward0"

    def forward(ctx, x, r):
        ctx.r, ctx.in_shape = r, x.shape
        return _shuffle(x, r)

    def backward(ctx, grad):
        if grad.numel() == 0:  # torch's backward refuses an empty input here; its gradient is empty
            return grad.reshape(ctx.in_shape)
        return PixelUnshuffle.apply(grad, r=ctx.r)


class PixelUnshuffle(Function):
    backward_name = "PixelUnshuffleBackward0"

    def forward(ctx, x, r):
        ctx.r, ctx.empty = r, x.size == 0
        if ctx.empty:  # torch hands an empty input back as a copy of its own shape
            return x.copy()
        return _unshuffle(x, r)

    def backward(ctx, grad):
        return grad.clone() if ctx.empty else PixelShuffle.apply(grad, r=ctx.r)


def _check(name, input, factor, what):
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with {input.ndim} dimension(s)")
    if factor <= 0:
        raise RuntimeError(f"{name} expects a positive {what}, but got {factor}")


def pixel_shuffle(input, upscale_factor):
    """Rearrange ``(*, C r^2, H, W)`` into ``(*, C, H r, W r)``: each group of ``r^2`` channels
    becomes an ``r x r`` block of pixels (``r = upscale_factor``).

    Args:
        input (Tensor): at least 3-d, its channel dim (``-3``) divisible by ``upscale_factor ** 2``.
        upscale_factor (int): the factor ``r`` > 0 that height and width grow by.

    >>> import scratchnet as sn
    >>> pixel_shuffle(sn.ones(1, 9, 4, 4), 3).shape
    scratchnet.Size([1, 1, 12, 12])
    """
    _check("pixel_shuffle", input, upscale_factor, "upscale_factor")
    c = input.shape[-3]
    if c % (upscale_factor * upscale_factor):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)={c} is not divisible by {upscale_factor * upscale_factor}")
    return PixelShuffle.apply(input, r=int(upscale_factor))


def pixel_unshuffle(input, downscale_factor):
    """The inverse of :func:`pixel_shuffle`: ``(*, C, H r, W r) -> (*, C r^2, H, W)``, each
    ``r x r`` block of pixels stacked into ``r^2`` channels (``r = downscale_factor``).

    >>> import scratchnet as sn
    >>> pixel_unshuffle(sn.ones(2, 1, 4, 6), 2).shape
    scratchnet.Size([2, 4, 2, 3])
    """
    _check("pixel_unshuffle", input, downscale_factor, "downscale_factor")
    h, w = input.shape[-2:]
    if h % downscale_factor:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h} is not divisible by {downscale_factor}")
    if w % downscale_factor:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w} is not divisible by {downscale_factor}")
    return PixelUnshuffle.apply(input, r=int(downscale_factor))


__all__ = ["pixel_shuffle", "pixel_unshuffle"]
