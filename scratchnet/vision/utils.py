"""Image grids, as ``torchvision.utils``: ``make_grid`` tiles a batch into one image, ``save_image``
writes it with Pillow.

>>> import scratchnet as sn
>>> make_grid(sn.zeros(5, 1, 4, 4), nrow=3).shape
scratchnet.Size([3, 14, 20])
"""

import math

from ..backend import xp
from ..tensor import Tensor

__all__ = ["make_grid", "save_image"]


def _as_batch(tensor):
    if isinstance(tensor, (list, tuple)):
        a = xp.stack([t.detach().array for t in tensor])
    elif isinstance(tensor, Tensor):
        a = tensor.detach().array
    else:
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if a.ndim == 2:
        a = a[None]
    if a.ndim == 3:
        a = xp.concatenate([a, a, a]) if a.shape[0] == 1 else a
        a = a[None]
    if a.ndim == 4 and a.shape[1] == 1:
        a = xp.concatenate([a, a, a], axis=1)
    return a


def _rescale(a, value_range):
    low, high = (float(a.min()), float(a.max())) if value_range is None else value_range
    return (xp.clip(a, low, high) - low) / max(high - low, 1e-5)


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """A (3, H', W') image with the batch's images on a grid of ``nrow`` columns, ``padding`` pixels
    apart (filled with ``pad_value``); ``normalize`` rescales to [0, 1] by ``value_range`` (default:
    the min and max, per image with ``scale_each``). Grey images are repeated to 3 channels."""
    a = _as_batch(tensor)
    if value_range is not None and not isinstance(value_range, tuple):
        raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")
    if normalize:
        a = a.astype(a.dtype if a.dtype.kind == "f" else xp.float32)
        a = xp.stack([_rescale(x, value_range) for x in a]) if scale_each else _rescale(a, value_range)
        a = a.astype(_as_batch(tensor).dtype if _as_batch(tensor).dtype.kind == "f" else xp.float32)
    if a.shape[0] == 1:
        return Tensor._wrap(xp.ascontiguousarray(a[0]))
    n, c, h, w = a.shape
    cols = min(nrow, n)
    rows = int(math.ceil(n / cols))
    cell_h, cell_w = h + padding, w + padding
    grid = xp.full((c, cell_h * rows + padding, cell_w * cols + padding), pad_value, dtype=a.dtype)
    for k in range(n):  # one slice per image (not per pixel)
        y, x = divmod(k, cols)
        grid[:, y * cell_h + padding : y * cell_h + padding + h, x * cell_w + padding : x * cell_w + padding + w] = a[k]
    return Tensor._wrap(grid)


def save_image(tensor, fp, format=None, **kwargs):
    """``make_grid(tensor, **kwargs)`` scaled to uint8 (x * 255 + 0.5, clamped) and saved by Pillow."""
    from PIL import Image

    grid = make_grid(tensor, **kwargs).array
    pixels = xp.clip(grid * 255 + 0.5, 0, 255).transpose(1, 2, 0).astype(xp.uint8)
    Image.fromarray(pixels).save(fp, format=format)
