"""The Laplace (double exponential) distribution."""

import scratchnet as sn

from ._scalar import _LocScale

__all__ = ["Laplace"]


class Laplace(_LocScale):
    """Laplace(loc, scale): density ``exp(-|x - loc| / scale) / (2 scale)``.

    ``rsample``: ``u = empty(shape).uniform_(eps - 1, 1)``, ``loc - scale sign(u) log1p(-|u|)``
    (torch's draws after the same seed).

    >>> import scratchnet as sn
    >>> d = Laplace(0.0, 1.0)
    >>> print(f"{d.log_prob(sn.tensor(0.0)).item():.4f}", d.cdf(sn.tensor(0.0)).item())
    -0.6931 0.5
    """

    @property
    def mean(self):
        return self.loc

    @property
    def variance(self):
        return 2 * self.scale.pow(2)

    @property
    def stddev(self):
        return (2**0.5) * self.scale

    def rsample(self, sample_shape=()):
        eps = sn.finfo(self.loc.dtype).eps
        u = self._empty(self._extended_shape(sample_shape)).uniform_(eps - 1, 1)
        return self.loc - self.scale * u.sign() * sn.log1p(-u.abs())

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return -sn.log(2 * self.scale) - sn.abs(value - self.loc) / self.scale

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = value - self.loc
        return 0.5 - 0.5 * z.sign() * sn.expm1(-z.abs() / self.scale)

    def icdf(self, value):
        term = value - 0.5
        return self.loc - self.scale * term.sign() * sn.log1p(-2 * term.abs())

    def entropy(self):
        return 1 + sn.log(2 * self.scale)
