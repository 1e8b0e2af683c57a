"""The binomial distribution: successes in ``total_count`` trials of probability ``probs``."""

import scratchnet as sn

from . import constraints
from .distribution import Distribution
from .utils import BinaryProbsLogits

__all__ = ["Binomial"]


def _symmetric_relu(x):
    """max(x, 0), with gradient 1/2 at 0 (the average of the two sides)."""
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


class Binomial(BinaryProbsLogits, Distribution):
    """Binomial(total_count=n, probs=p) or (n, logits=l): ``P(k) = C(n, k) p^k (1 - p)^(n - k)``.

    ``sample`` is ``torch.binomial(total_count, probs)``'s algorithm (inversion or BTRS) on the same
    generator: torch's draws after the same seed.

    >>> import scratchnet as sn
    >>> d = Binomial(4, probs=sn.tensor([0.5]))
    >>> print(f"{d.log_prob(sn.tensor([2.0])).item():.4f}", d.mean.item())
    -0.9808 2.0
    """

    arg_constraints = {"total_count": constraints.nonnegative_integer, "probs": constraints.unit_interval, "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        super().__init__(self._take_chance(probs, logits, total_count), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(Binomial, batch_shape, ("total_count", "probs", "logits"), _instance)
        return self._expand_chance(new)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self):
        return self.total_count * self.probs

    @property
    def mode(self):
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    @property
    def param_shape(self):
        return self._param.size()

    def sample(self, sample_shape=()):
        from ._count_sampling import binomial_array

        shape = tuple(self._extended_shape(sample_shape))
        with sn.no_grad():
            return sn.Tensor._make(binomial_array(self.total_count.expand(shape).array, self.probs.expand(shape).array))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        n, logits = self.total_count, self.logits
        log_choose = sn.lgamma(n + 1) - sn.lgamma(value + 1) - sn.lgamma(n - value + 1)
        # n log(1 + exp(l)), written stably: n max(l, 0) + n log1p(exp(-|l|))
        normalizer = n * _symmetric_relu(logits) + n * sn.log1p(sn.exp(-sn.abs(logits)))
        return value * logits + log_choose - normalizer

    def entropy(self):
        total = int(self.total_count.max())
        if not self.total_count.min() == total:
            raise NotImplementedError("Inhomogeneous total count not supported by `entropy`.")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(sn.exp(log_prob) * log_prob).sum(0)

    def enumerate_support(self, expand=True):
        total = int(self.total_count.max())
        if not self.total_count.min() == total:
            raise NotImplementedError("Inhomogeneous total count not supported by `enumerate_support`.")
        values = sn.arange(1 + total, dtype=self._param.dtype)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + tuple(self._batch_shape))
        return values
