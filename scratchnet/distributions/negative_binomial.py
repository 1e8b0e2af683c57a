"""The negative binomial distribution: successes before ``total_count`` failures."""

import scratchnet as sn

from . import constraints
from .distribution import Distribution
from .gamma import Gamma
from .utils import BinaryProbsLogits, lazy_property

__all__ = ["NegativeBinomial"]


class NegativeBinomial(BinaryProbsLogits, Distribution):
    """NegativeBinomial(total_count r, probs=p | logits=l):
    ``P(k) = Gamma(k + r) / (k! Gamma(r)) p^k (1 - p)^r``.

    ``sample`` is ``poisson(Gamma(r, exp(-logits)).sample())``: torch's draws after the same seed.

    >>> import scratchnet as sn
    >>> d = NegativeBinomial(3.0, probs=sn.tensor([0.5]))
    >>> print(f"{d.log_prob(sn.tensor([2.0])).item():.4f}", d.mean.item())
    -1.6740 3.0
    """

    arg_constraints = {"total_count": constraints.greater_than_eq(0), "probs": constraints.half_open_interval(0.0, 1.0),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        super().__init__(self._take_chance(probs, logits, total_count), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(NegativeBinomial, batch_shape, ("total_count", "probs", "logits"), _instance)
        return self._expand_chance(new)

    @property
    def mean(self):
        return self.total_count * sn.exp(self.logits)

    @property
    def mode(self):
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        return self.mean / sn.sigmoid(-self.logits)

    @property
    def param_shape(self):
        return self._param.size()

    @lazy_property
    def _gamma(self):
        return Gamma(concentration=self.total_count, rate=sn.exp(-self.logits), validate_args=False)

    def sample(self, sample_shape=()):
        from ._count_sampling import poisson_array

        with sn.no_grad():
            rate = self._gamma.sample(sample_shape=sample_shape)
            return sn.Tensor._make(poisson_array(rate.array))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logsigmoid = sn.nn.functional.logsigmoid
        unnormalized = self.total_count * logsigmoid(-self.logits) + value * logsigmoid(self.logits)
        normalization = -sn.lgamma(self.total_count + value) + sn.lgamma(1.0 + value) + sn.lgamma(self.total_count)
        normalization = normalization.masked_fill(self.total_count + value == 0.0, 0.0)
        return unnormalized - normalization
