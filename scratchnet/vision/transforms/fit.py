"""Fit (scratchnet's own, not torchvision's): scale an image up by whole-pixel repetition and pad it
to a size (the 8x8 digits into the seed CNN's 28x28).

>>> import numpy as np
>>> fit_images(np.ones((1, 1, 2, 2), dtype=np.float32), 5).shape
(1, 1, 5, 5)
"""

from ...backend import xp
from ...tensor import Tensor


class Fit:
    """Scale a C x H x W image up by whole-pixel repetition, then pad it with zeros to ``size``."""

    def __init__(self, size):
        self.size = size

    def __call__(self, x):
        return Tensor._wrap(fit_images(x.array[None], self.size)[0])


def fit_images(images, size):
    """(N, C, h, w) -> (N, C, size, size): repeat each pixel floor(size / h) times, centre, zero-pad."""
    n, c, h, w = images.shape
    k = max(1, min(size // h, size // w))
    big = images.repeat(k, axis=2).repeat(k, axis=3)
    out = xp.zeros((n, c, size, size), dtype=images.dtype)
    top, left = (size - big.shape[2]) // 2, (size - big.shape[3]) // 2
    out[:, :, top : top + big.shape[2], left : left + big.shape[3]] = big
    return out
