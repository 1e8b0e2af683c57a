"""Student's t distribution with ``df`` degrees of freedom, location and scale."""

import math

import scratchnet as sn

from . import constraints
from ._scalar import _Elementwise
from .utils import _standard_normal

__all__ = ["StudentT"]


class StudentT(_Elementwise):
    """StudentT(df, loc=0, scale=1): density ``Gamma((df+1)/2) / (Gamma(df/2) sqrt(df pi) scale)
    (1 + y^2 / df)^(-(df+1)/2)``, ``y = (x - loc) / scale``.

    ``rsample`` is ``loc + scale X / sqrt(Z / df)``, ``X = empty(shape).normal_()`` then
    ``Z ~ Chi2(df)`` by torch's gamma sampler (the same draws after the same seed).

    >>> import scratchnet as sn
    >>> d = StudentT(sn.tensor([3.0]))
    >>> print(f"{d.log_prob(sn.tensor([0.0])).item():.4f}", d.variance.item())
    -1.0009 3.0
    """

    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True
    _params = ("df", "loc", "scale")

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        super().__init__(df, loc, scale, validate_args=validate_args)

    @property
    def mean(self):
        return sn.where(self.df > 1, self.loc, sn.full_like(self.loc, float("nan")))

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        df = self.df
        finite = self.scale.pow(2) * df / (df - 2)
        heavy = sn.where(df > 1, sn.full_like(df, float("inf")), sn.full_like(df, float("nan")))
        return sn.where(df > 2, finite, heavy)

    def rsample(self, sample_shape=()):
        from .chi2 import Chi2

        shape = self._extended_shape(sample_shape)
        x = _standard_normal(shape, dtype=self.df.dtype)
        z = Chi2(self.df, validate_args=False).rsample(sample_shape)
        return self.loc + self.scale * (x * sn.rsqrt(z / self.df))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        df = self.df
        y = (value - self.loc) / self.scale
        z = self.scale.log() + 0.5 * df.log() + 0.5 * math.log(math.pi) + sn.lgamma(0.5 * df) - sn.lgamma(0.5 * (df + 1.0))
        return -0.5 * (df + 1.0) * sn.log1p(y**2.0 / df) - z

    def entropy(self):
        df = self.df
        lbeta = sn.lgamma(0.5 * df) + math.lgamma(0.5) - sn.lgamma(0.5 * (df + 1))
        return self.scale.log() + 0.5 * (df + 1) * (sn.digamma(0.5 * (df + 1)) - sn.digamma(0.5 * df)) + 0.5 * df.log() + lbeta
