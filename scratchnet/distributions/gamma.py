"""The gamma distribution (shape ``concentration``, ``rate``)."""

import scratchnet as sn

from . import constraints
from ._scalar import _Elementwise

__all__ = ["Gamma"]

_NO_SAMPLER = ("{}: torch's _standard_gamma sampler (its own Marsaglia-Tsang variant on its generator) "
               "is not implemented in scratchnet, so its draws could not match torch's")


class Gamma(_Elementwise):
    """Gamma(concentration a, rate b): density ``b^a x^(a-1) exp(-b x) / Gamma(a)`` on x > 0.

    ``sample``/``rsample`` raise NotImplementedError (torch's _standard_gamma is not reproduced).

    >>> import scratchnet as sn
    >>> d = Gamma(sn.tensor([2.0]), sn.tensor([1.0]))
    >>> print(f"{d.log_prob(sn.tensor([1.0])).item():.4f}", d.mean.item(), d.variance.item())
    -1.0000 2.0 2.0
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _params = ("concentration", "rate")
    _mean_carrier_measure = 0

    def __init__(self, concentration, rate, validate_args=None):
        super().__init__(concentration, rate, validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape=()):
        raise NotImplementedError(_NO_SAMPLER.format(type(self).__name__))

    def log_prob(self, value):
        value = sn.as_tensor(value, dtype=self.rate.dtype)
        if self._validate_args:
            self._validate_sample(value)
        a, b = self.concentration, self.rate
        return sn.xlogy(a, b) + sn.xlogy(a - 1, value) - b * value - sn.lgamma(a)

    def entropy(self):
        a = self.concentration
        return a - sn.log(self.rate) + sn.lgamma(a) + (1.0 - a) * sn.digamma(a)
