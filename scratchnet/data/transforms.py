"""Image transforms, as ``torchvision.transforms``: Compose, ToTensor, Normalize, and Fit (scale an
image up by repetition and pad it to a size: the 8x8 digits into the seed CNN's 28x28).

>>> import numpy as np
>>> img = np.array([[0, 255], [128, 64]], dtype=np.uint8)
>>> Compose([ToTensor(), Normalize((0.5,), (1.0,))])(img).double().numpy().round(4).tolist()
[[[-0.5, 0.5], [0.002, -0.249]]]
"""

from ..backend import xp
from ..tensor import Tensor, float32


class Compose:
    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x


class ToTensor:
    """uint8 H x W (x C) in [0, 255] -> float32 C x H x W in [0, 1]; float arrays are kept in value."""

    def __call__(self, image):
        a = image.array if isinstance(image, Tensor) else xp.asarray(image)
        if a.ndim == 2:
            a = a[None]
        elif a.ndim == 3:
            a = a.transpose(2, 0, 1)
        else:
            raise ValueError(f"ToTensor expects an H x W or H x W x C image, got shape {a.shape}")
        if a.dtype == xp.uint8:  # in float32, as torchvision: img.float().div(255)
            return Tensor(a.astype(float32) / xp.float32(255))
        return Tensor(a.astype(float32))


class Normalize:
    """(x - mean) / std per channel."""

    def __init__(self, mean, std):
        self.mean = xp.asarray(mean, dtype=float32).reshape(-1, 1, 1)
        self.std = xp.asarray(std, dtype=float32).reshape(-1, 1, 1)
        if (self.std == 0).any():
            raise ValueError(f"Normalize: std evaluated to zero ({std}), leading to division by zero.")

    def __call__(self, x):
        return Tensor(((x.array - self.mean) / self.std).astype(x.dtype))


class Fit:
    """Scale a C x H x W image up by whole-pixel repetition, then pad it with zeros to ``size``."""

    def __init__(self, size):
        self.size = size

    def __call__(self, x):
        return Tensor(fit_images(x.array[None], self.size)[0])


def fit_images(images, size):
    """(N, C, h, w) -> (N, C, size, size): repeat each pixel floor(size / h) times, centre, zero-pad."""
    n, c, h, w = images.shape
    k = max(1, min(size // h, size // w))
    big = images.repeat(k, axis=2).repeat(k, axis=3)
    out = xp.zeros((n, c, size, size), dtype=images.dtype)
    top, left = (size - big.shape[2]) // 2, (size - big.shape[3]) // 2
    out[:, :, top : top + big.shape[2], left : left + big.shape[3]] = big
    return out
