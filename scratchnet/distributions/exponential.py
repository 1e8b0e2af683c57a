"""The exponential distribution with rate ``rate``."""

import scratchnet as sn

from . import constraints
from ._scalar import _Elementwise
from .exp_family import ExponentialFamily

__all__ = ["Exponential"]


class Exponential(_Elementwise, ExponentialFamily):
    """Exponential(rate): density ``rate exp(-rate x)`` on ``x >= 0``.

    ``rsample`` is ``empty(shape).exponential_() / rate``: torch's draws after the same seed.

    >>> import scratchnet as sn
    >>> d = Exponential(sn.tensor([2.0]))
    >>> print(f"{d.log_prob(sn.tensor([1.0])).item():.4f}", d.mean.item())
    -1.3069 0.5
    """

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _params = ("rate",)
    _mean_carrier_measure = 0

    def __init__(self, rate, validate_args=None):
        super().__init__(rate, validate_args=validate_args)

    @property
    def mean(self):
        return self.rate.reciprocal()

    @property
    def mode(self):
        return sn.zeros_like(self.rate)

    @property
    def stddev(self):
        return self.rate.reciprocal()

    @property
    def variance(self):
        return self.rate.pow(-2)

    def rsample(self, sample_shape=()):
        return self._empty(self._extended_shape(sample_shape)).exponential_() / self.rate

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 1 - sn.exp(-self.rate * value)

    def icdf(self, value):
        return -sn.log1p(-value) / self.rate

    def entropy(self):
        return 1.0 - sn.log(self.rate)

    @property
    def _natural_params(self):
        return (-self.rate,)

    def _log_normalizer(self, x):
        return -sn.log(-x)
