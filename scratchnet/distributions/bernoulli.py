"""The Bernoulli distribution (0/1 outcomes), by ``probs`` or ``logits``."""


import scratchnet as sn

from . import constraints
from .exp_family import ExponentialFamily
from .utils import BinaryProbsLogits, broadcast_all

__all__ = ["Bernoulli"]


class Bernoulli(BinaryProbsLogits, ExponentialFamily):
    """Bernoulli(probs=p) or Bernoulli(logits=l): 1 with probability ``p = sigmoid(l)``, else 0.

    ``sample`` is ``bernoulli(probs.expand(shape))``, torch's draws after the same seed;
    ``log_prob(x) = x log p + (1 - x) log(1 - p)`` (as ``-binary_cross_entropy_with_logits``).

    >>> import scratchnet as sn
    >>> d = Bernoulli(probs=sn.tensor([0.25]))
    >>> print(f"{d.log_prob(sn.tensor([1.0])).item():.4f}")
    -1.3863
    >>> d.enumerate_support().tolist()
    [[0.0], [1.0]]
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True
    _mean_carrier_measure = 0

    def __init__(self, probs=None, logits=None, validate_args=None):
        super().__init__(self._take_chance(probs, logits), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(Bernoulli, batch_shape, ("probs", "logits"), _instance)
        return self._expand_chance(new)

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return mode.masked_fill(self.probs == 0.5, float("nan"))

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    @property
    def param_shape(self):
        return self._param.size()

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        with sn.no_grad():
            return sn.bernoulli(self.probs.expand(tuple(shape)))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -sn.nn.functional.binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self):
        return sn.nn.functional.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand=True):
        values = sn.arange(2, dtype=self._param.dtype)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + tuple(self._batch_shape))
        return values

    @property
    def _natural_params(self):
        return (sn.logit(self.probs),)

    def _log_normalizer(self, x):
        return sn.log1p(sn.exp(x))
