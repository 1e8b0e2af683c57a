"""The geometric distribution: the number of failures before the first success."""

from numbers import Number

import scratchnet as sn

from . import constraints
from .distribution import Distribution
from .utils import BinaryProbsLogits, broadcast_all

__all__ = ["Geometric"]


class Geometric(BinaryProbsLogits, Distribution):
    """Geometric(probs=p) or (logits=l): ``P(k) = (1 - p)^k p``, k = 0, 1, 2, ...

    ``sample``: ``u = empty(shape).uniform_(tiny, 1)``, ``floor(log(u) / log1p(-p))`` (torch's draws).

    >>> import scratchnet as sn
    >>> d = Geometric(probs=sn.tensor([0.5]))
    >>> print(f"{d.log_prob(sn.tensor([2.0])).item():.4f}", d.mean.item())
    -2.0794 1.0
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
        else:
            (self.logits,) = broadcast_all(logits)
        given = probs if probs is not None else logits
        super().__init__(sn.Size() if isinstance(given, Number) else given.size(), validate_args=validate_args)
        if self._validate_args and probs is not None:
            value = self.probs
            valid = value > 0
            if not bool(valid.all()):
                raise ValueError(
                    f"Expected parameter probs ({type(value).__name__} of shape {tuple(value.shape)}) "
                    f"of distribution {self!r} to be positive but found invalid values:\n{value.detach()[~valid]}"
                )

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Geometric, batch_shape, ("probs", "logits"), _instance)

    @property
    def mean(self):
        return 1.0 / self.probs - 1.0

    @property
    def mode(self):
        return sn.zeros_like(self.probs)

    @property
    def variance(self):
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        tiny = sn.finfo(self.probs.dtype).tiny
        with sn.no_grad():
            u = sn.empty(tuple(shape), dtype=self.probs.dtype).uniform_(tiny, 1)
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        # 0 * log(0) is 0 here: where p = 1 and k = 0 the failure term is dropped
        probs = sn.where((probs == 1) & (value == 0), sn.zeros_like(probs), probs)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self):
        return sn.nn.functional.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none") / self.probs
