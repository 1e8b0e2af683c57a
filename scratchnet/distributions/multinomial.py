"""The multinomial distribution: counts of ``total_count`` categorical draws (event shape (K,))."""

import math

import scratchnet as sn

from . import constraints
from .binomial import Binomial
from .categorical import Categorical
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Multinomial"]


class Multinomial(Distribution):
    """Multinomial(total_count=n, probs=p | logits=l): ``P(x) = n! / prod x_k! prod p_k^x_k``.

    ``sample`` counts ``n`` Categorical draws (torch's draws after the same seed).

    >>> import scratchnet as sn
    >>> d = Multinomial(2, probs=sn.tensor([0.5, 0.5]))
    >>> print(f"{d.log_prob(sn.tensor([1.0, 1.0])).item():.4f}")
    -0.6931
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self._binomial = Binomial(total_count=total_count, probs=self.probs)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Multinomial, _instance)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, sn.Size(batch_shape), self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def param_shape(self):
        return self._categorical.param_shape

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        sample_shape = sn.Size(sample_shape)
        samples = self._categorical.sample(sn.Size((self.total_count,) + tuple(sample_shape)))
        order = list(range(samples.dim()))
        order.append(order.pop(0))
        samples = samples.permute(*order)
        counts = sn.zeros(tuple(self._extended_shape(sample_shape)), dtype=samples.dtype)
        counts = counts.scatter_add(-1, samples, sn.ones_like(samples))
        return counts.to(self.probs.dtype)

    def entropy(self):
        n = sn.tensor(self.total_count)
        term1 = n * self._categorical.entropy() - sn.lgamma(n + 1)
        support = self._binomial.enumerate_support(expand=False)[1:]
        binomial_probs = sn.exp(self._binomial.log_prob(support))
        term2 = (binomial_probs * sn.lgamma(support + 1)).sum([0, -1])
        return term1 + term2

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = sn.lgamma(value.sum(-1) + 1)
        log_factorial_xs = sn.lgamma(value + 1).sum(-1)
        logits = sn.where((value == 0) & (logits == -math.inf), sn.zeros_like(logits), logits)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)
