"""Channel-wise and alpha dropout modules (the element-wise ``Dropout`` is in :mod:`.layers`).

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> nn.Dropout2d(p=0.3)
Dropout2d(p=0.3, inplace=False)
>>> x = sn.ones(4, 8, 3, 3)
>>> y = nn.Dropout2d()(x)
>>> sorted(set(y.sum(dim=(2, 3)).flatten().tolist())) in ([0.0, 18.0], [18.0], [0.0])
True
"""

from ..ops import layers as L
from .module import Module


class _DropoutNd(Module):
    fn = None

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return type(self).fn(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) input with probability p (scale the rest by 1 / (1 - p))."""

    fn = staticmethod(L.dropout1d)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) input with probability p."""

    fn = staticmethod(L.dropout2d)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) input with probability p."""

    fn = staticmethod(L.dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout that keeps SELU's self-normalisation (mean and variance)."""

    fn = staticmethod(L.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels."""

    fn = staticmethod(L.feature_alpha_dropout)
