"""The Poisson distribution (counts) with rate ``rate``."""

import scratchnet as sn

from . import constraints
from ._scalar import _Elementwise
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Poisson"]


class Poisson(_Elementwise, ExponentialFamily):
    """Poisson(rate): ``P(k) = rate^k exp(-rate) / k!``.

    ``sample`` is ``torch.poisson(rate.expand(shape))``'s algorithm on the same generator: torch's
    draws after the same seed.

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
        from ._count_sampling import poisson_array

        shape = tuple(self._extended_shape(sample_shape))
        with sn.no_grad():
            return sn.Tensor._make(poisson_array(self.rate.expand(shape).array))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - (value + 1).lgamma()

    @property
    def _natural_params(self):
        return (sn.log(self.rate),)

    def _log_normalizer(self, x):
        return sn.exp(x)
