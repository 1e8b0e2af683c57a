"""Distributions built on others: InverseGamma, FisherSnedecor, Kumaraswamy, LogisticNormal."""

import math
from numbers import Number

import scratchnet as sn

from . import constraints
from .distribution import Distribution
from .gamma import Gamma
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, PowerTransform, StickBreakingTransform
from .uniform import Uniform
from .utils import broadcast_all, euler_constant

__all__ = ["InverseGamma", "FisherSnedecor", "Kumaraswamy", "LogisticNormal"]


class InverseGamma(TransformedDistribution):
    """InverseGamma(concentration, rate): ``1 / X`` for ``X ~ Gamma(concentration, rate)``.

    >>> import scratchnet as sn
    >>> d = InverseGamma(sn.tensor([3.0]), sn.tensor([2.0]))
    >>> print(f"{d.log_prob(sn.tensor([1.0])).item():.4f}", d.mean.item())
    -0.6137 1.0
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, concentration, rate, validate_args=None):
        base = Gamma(concentration, rate, validate_args=validate_args)
        neg_one = -sn.ones((), dtype=base.rate.dtype)
        super().__init__(base, PowerTransform(neg_one), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(InverseGamma, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def concentration(self):
        return self.base_dist.concentration

    @property
    def rate(self):
        return self.base_dist.rate

    @property
    def mean(self):
        result = self.rate / (self.concentration - 1)
        return sn.where(self.concentration > 1, result, sn.full_like(result, math.inf))

    @property
    def mode(self):
        return self.rate / (self.concentration + 1)

    @property
    def variance(self):
        result = self.rate.square() / ((self.concentration - 1).square() * (self.concentration - 2))
        return sn.where(self.concentration > 2, result, sn.full_like(result, math.inf))

    def entropy(self):
        a = self.concentration
        return a + self.rate.log() + a.lgamma() - (1 + a) * a.digamma()


class FisherSnedecor(Distribution):
    """FisherSnedecor(df1, df2): ``(X1 / df1) / (X2 / df2)`` for chi-squared X1, X2 (torch's draws).

    >>> import scratchnet as sn
    >>> d = FisherSnedecor(sn.tensor([4.0]), sn.tensor([6.0]))
    >>> print(f"{d.log_prob(sn.tensor([1.0])).item():.4f}", d.mean.item())
    -0.8802 1.5
    """

    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1, df2, validate_args=None):
        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        batch_shape = sn.Size() if isinstance(df1, Number) and isinstance(df2, Number) else self.df1.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(FisherSnedecor, _instance)
        batch_shape = sn.Size(batch_shape)
        new.df1, new.df2 = self.df1.expand(tuple(batch_shape)), self.df2.expand(tuple(batch_shape))
        new._gamma1, new._gamma2 = self._gamma1.expand(batch_shape), self._gamma2.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        df2 = sn.where(self.df2 <= 2, sn.full_like(self.df2, math.nan), self.df2)
        return df2 / (df2 - 2)

    @property
    def mode(self):
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return sn.where(self.df1 <= 2, sn.full_like(mode, math.nan), mode)

    @property
    def variance(self):
        df2 = sn.where(self.df2 <= 4, sn.full_like(self.df2, math.nan), self.df2)
        return 2 * df2.pow(2) * (self.df1 + df2 - 2) / (self.df1 * (df2 - 2).pow(2) * (df2 - 4))

    def rsample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        x1 = self._gamma1.rsample(sample_shape).view(shape)
        x2 = self._gamma2.rsample(sample_shape).view(shape)
        tiny = sn.finfo(x2.dtype).tiny
        x2 = x2.clamp(min=tiny)
        return (x1 / x2).clamp(min=tiny)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        ct1, ct2, ct3 = self.df1 * 0.5, self.df2 * 0.5, self.df1 / self.df2
        t1 = (ct1 + ct2).lgamma() - ct1.lgamma() - ct2.lgamma()
        t2 = ct1 * ct3.log() + (ct1 - 1) * sn.log(value)
        t3 = (ct1 + ct2) * sn.log1p(ct3 * value)
        return t1 + t2 - t3


def _moments(a, b, n):
    """The n-th moment of Kumaraswamy(a, b): ``b B(1 + n / a, b)``."""
    arg1 = 1 + n / a
    return b * sn.exp(sn.lgamma(arg1) + sn.lgamma(b) - sn.lgamma(arg1 + b))


class Kumaraswamy(TransformedDistribution):
    """Kumaraswamy(a, b): ``(1 - U^(1/b))^(1/a)`` for ``U ~ Uniform(0, 1)``; density
    ``a b x^(a-1) (1 - x^a)^(b-1)`` on (0, 1).

    >>> import scratchnet as sn
    >>> d = Kumaraswamy(sn.tensor([2.0]), sn.tensor([3.0]))
    >>> print(f"{d.log_prob(sn.tensor([0.5])).item():.4f}")
    0.5232
    """

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        base = Uniform(sn.full_like(self.concentration0, 0), sn.full_like(self.concentration0, 1), validate_args=validate_args)
        transforms = [PowerTransform(exponent=self.concentration0.reciprocal()), AffineTransform(loc=1.0, scale=-1.0),
                      PowerTransform(exponent=self.concentration1.reciprocal())]
        super().__init__(base, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Kumaraswamy, _instance)
        new.concentration1 = self.concentration1.expand(tuple(batch_shape))
        new.concentration0 = self.concentration0.expand(tuple(batch_shape))
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return _moments(self.concentration1, self.concentration0, 1)

    @property
    def mode(self):
        a, b = self.concentration1, self.concentration0
        log_mode = b.reciprocal() * (-b).log1p() - (-b * a).log1p()
        log_mode = sn.where((b < 1) | (a < 1), sn.full_like(log_mode, math.nan), log_mode)
        return log_mode.exp()

    @property
    def variance(self):
        return _moments(self.concentration1, self.concentration0, 2) - sn.pow(self.mean, 2)

    def entropy(self):
        t1 = 1 - self.concentration1.reciprocal()
        t0 = 1 - self.concentration0.reciprocal()
        h0 = sn.digamma(self.concentration0 + 1) + euler_constant
        return t0 + t1 * h0 - sn.log(self.concentration1) - sn.log(self.concentration0)


class LogisticNormal(TransformedDistribution):
    """LogisticNormal(loc, scale): a normal vector of size K - 1 sent to the K-simplex by stick
    breaking (event shape (K,)).

    >>> import scratchnet as sn
    >>> d = LogisticNormal(sn.zeros(2), sn.ones(2))
    >>> round(d.rsample().sum().item(), 5), d.event_shape
    (1.0, scratchnet.Size([3]))
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        base = Normal(loc, scale, validate_args=validate_args)
        if not base.batch_shape:
            base = base.expand([1])
        super().__init__(base, StickBreakingTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LogisticNormal, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def loc(self):
        return self.base_dist.base_dist.loc

    @property
    def scale(self):
        return self.base_dist.base_dist.scale
