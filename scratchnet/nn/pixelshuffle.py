"""PixelShuffle and PixelUnshuffle: the module forms of ``F.pixel_shuffle`` / ``F.pixel_unshuffle``.

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> nn.PixelShuffle(2)
PixelShuffle(upscale_factor=2)
>>> nn.PixelShuffle(2)(sn.ones(1, 8, 3, 3)).shape
scratchnet.Size([1, 2, 6, 6])
"""

from ..ops.pixel import pixel_shuffle, pixel_unshuffle
from .module import Module


class PixelShuffle(Module):
    """``(*, C r^2, H, W) -> (*, C, H r, W r)`` with ``r = upscale_factor``."""

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """``(*, C, H r, W r) -> (*, C r^2, H, W)`` with ``r = downscale_factor``.

    >>> import scratchnet.nn as nn
    >>> nn.PixelUnshuffle(3)
    PixelUnshuffle(downscale_factor=3)
    """

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"
