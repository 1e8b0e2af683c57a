"""The Poisson distribution (counts) with rate ``rate``."""

import scratchnet as sn

from . import constraints
from ._scalar import _Elementwise
from .utils import broadcast_all

__all__ = ["Poisson"]


class Poisson(_Elementwise):
    """Poisson(rate): ``P(k) = rate^k exp(-rate) / k!``.

    ``sample`` raises NotImplementedError: torch's ``torch.poisson`` sampler (its own rejection
    algorithm on its generator) is not reproduced, so its draws could not match torch's.

    >>> import scratchnet as sn
    >>> d = Poisson(sn.tensor([2.0]))
    >>> print(f"{d.log_prob(sn.tensor([3.0])).item():.4f}")
    -1.7123
    """

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer
    _params = ("rate",)

    def __init__(self, rate, validate_args=None):
        super().__init__(rate, validate_args=validate_args)

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    def sample(self, sample_shape=()):
        raise NotImplementedError("Poisson.sample: torch.poisson's sampler is not implemented in scratchnet")

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - (value + 1).lgamma()
