"""The continuous uniform distribution on ``[low, high)``."""

import scratchnet as sn

from . import constraints
from ._scalar import _Elementwise

__all__ = ["Uniform"]


class Uniform(_Elementwise):
    """Uniform(low, high): density ``1 / (high - low)`` on ``[low, high)``.

    ``rsample`` is ``low + rand(shape) * (high - low)``: torch's draws after the same seed.

    >>> import scratchnet as sn
    >>> d = Uniform(0.0, 4.0)
    >>> print(f"{d.log_prob(sn.tensor(1.0)).item():.4f}", d.cdf(sn.tensor(1.0)).item())
    -1.3863 0.25
    """

    has_rsample = True
    _params = ("low", "high")

    def __init__(self, low, high, validate_args=None):
        super().__init__(low, high, validate_args=validate_args)

    @property
    def arg_constraints(self):
        return {"low": constraints.less_than(self.high), "high": constraints.greater_than(self.low)}

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        return constraints.interval(self.low, self.high)

    @property
    def mean(self):
        return (self.high + self.low) / 2

    @property
    def mode(self):
        return float("nan") * self.high

    @property
    def stddev(self):
        return (self.high - self.low) / 12**0.5

    @property
    def variance(self):
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        rand = sn.rand(*shape, dtype=self.low.dtype)
        return self.low + rand * (self.high - self.low)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        inside = self.low.le(value).to(self.low.dtype) * self.high.gt(value).to(self.low.dtype)
        return sn.log(inside) - sn.log(self.high - self.low)

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value):
        return value * (self.high - self.low) + self.low

    def entropy(self):
        return sn.log(self.high - self.low)
