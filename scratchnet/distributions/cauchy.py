"""The Cauchy (Lorentz) distribution."""

import math

import scratchnet as sn

from ._scalar import _LocScale

__all__ = ["Cauchy"]


class Cauchy(_LocScale):
    """Cauchy(loc, scale): density ``1 / (pi scale (1 + ((x - loc) / scale)^2))``; no mean, infinite variance.

    ``rsample`` is ``loc + empty(shape).cauchy_() * scale``: torch's draws after the same seed.

    >>> import scratchnet as sn
    >>> d = Cauchy(0.0, 1.0)
    >>> print(f"{d.log_prob(sn.tensor(0.0)).item():.4f}", d.cdf(sn.tensor(0.0)).item())
    -1.1447 0.5
    """

    @property
    def mean(self):
        return sn.full(tuple(self._extended_shape()), float("nan"), dtype=self.loc.dtype)

    @property
    def variance(self):
        return sn.full(tuple(self._extended_shape()), float("inf"), dtype=self.loc.dtype)

    def rsample(self, sample_shape=()):
        eps = self._empty(self._extended_shape(sample_shape)).cauchy_()
        return self.loc + eps * self.scale

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return -math.log(math.pi) - self.scale.log() - (((value - self.loc) / self.scale) ** 2).log1p()

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return sn.atan((value - self.loc) / self.scale) / math.pi + 0.5

    def icdf(self, value):
        return sn.tan(math.pi * (value - 0.5)) * self.scale + self.loc

    def entropy(self):
        return math.log(4 * math.pi) + self.scale.log()
