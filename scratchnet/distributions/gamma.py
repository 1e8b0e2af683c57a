"""The gamma distribution (shape ``concentration``, ``rate``)."""

import scratchnet as sn
from scratchnet.backend import xp

from . import constraints
from ._scalar import _Elementwise
from .exp_family import ExponentialFamily

__all__ = ["Gamma"]



class Gamma(_Elementwise, ExponentialFamily):
    """Gamma(concentration a, rate b): density ``b^a x^(a-1) exp(-b x) / Gamma(a)`` on x > 0.

    ``rsample`` is ``_standard_gamma(concentration) / rate`` with torch's sampler (the same draws
    after the same seed) and its implicit reparameterization gradient.

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

    def rsample(self, sample_shape=(), generator=None):
        from ._gamma_sampling import standard_gamma

        shape = tuple(self._extended_shape(sample_shape))
        value = standard_gamma(self.concentration.expand(shape), generator=generator) / self.rate.expand(shape)
        tiny = sn.finfo(value.dtype).tiny
        value.array[...] = xp.maximum(value.array, tiny)  # outside the graph, as torch's clamp_ of .detach()
        return value

    def sample(self, sample_shape=(), generator=None):
        with sn.no_grad():
            return self.rsample(sample_shape, generator=generator)

    def log_prob(self, value):
        value = sn.as_tensor(value, dtype=self.rate.dtype)
        if self._validate_args:
            self._validate_sample(value)
        a, b = self.concentration, self.rate
        return sn.xlogy(a, b) + sn.xlogy(a - 1, value) - b * value - sn.lgamma(a)

    def cdf(self, value):
        raise NotImplementedError("Gamma.cdf needs the regularized incomplete gamma function (torch.special.gammainc), "
                                  "which scratchnet does not implement yet")

    def entropy(self):
        a = self.concentration
        return a - sn.log(self.rate) + sn.lgamma(a) + (1.0 - a) * sn.digamma(a)

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return sn.lgamma(x + 1) + (x + 1) * sn.log(-y.reciprocal())
