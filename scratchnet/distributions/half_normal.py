"""The half-normal and half-Cauchy distributions: ``|X|`` of a centred normal / Cauchy."""

import math

import scratchnet as sn

from . import constraints
from .cauchy import Cauchy
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .transforms import AbsTransform

__all__ = ["HalfNormal", "HalfCauchy"]


class _Half(TransformedDistribution):
    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _base = None

    def __init__(self, scale, validate_args=None):
        super().__init__(self._base(0, scale, validate_args=False), AbsTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(type(self), _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def scale(self):
        return self.base_dist.scale

    @property
    def mode(self):
        return sn.zeros_like(self.scale)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return sn.where(value >= 0, log_prob, sn.full_like(log_prob, -math.inf))

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob):
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self):
        return self.base_dist.entropy() - math.log(2)


class HalfNormal(_Half):
    """HalfNormal(scale): ``|X|`` for ``X ~ Normal(0, scale)`` (the same draws as torch).

    >>> import scratchnet as sn
    >>> d = HalfNormal(sn.tensor([1.0]))
    >>> print(f"{d.log_prob(sn.tensor([0.5])).item():.4f}", f"{d.mean.item():.4f}")
    -0.3508 0.7979
    """

    _base = Normal

    @property
    def mean(self):
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def variance(self):
        return self.scale.pow(2) * (1 - 2 / math.pi)


class HalfCauchy(_Half):
    """HalfCauchy(scale): ``|X|`` for ``X ~ Cauchy(0, scale)`` (the same draws as torch).

    >>> import scratchnet as sn
    >>> d = HalfCauchy(sn.tensor([1.0]))
    >>> print(f"{d.log_prob(sn.tensor([0.0])).item():.4f}")
    -0.4516
    """

    _base = Cauchy

    @property
    def mean(self):
        return sn.full(tuple(self._extended_shape()), math.inf, dtype=self.scale.dtype)

    @property
    def variance(self):
        return self.base_dist.variance

    def log_prob(self, value):
        return super().log_prob(sn.as_tensor(value, dtype=self.scale.dtype))
