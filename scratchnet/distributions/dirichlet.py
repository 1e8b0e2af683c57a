"""The Dirichlet distribution over the probability simplex (event shape (K,))."""

import scratchnet as sn

from . import constraints
from .exp_family import ExponentialFamily
from .distribution import Distribution

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    """Dirichlet(concentration): density ``prod_k x_k^(a_k - 1) Gamma(sum a) / prod Gamma(a_k)``.

    ``rsample`` draws torch's values after the same seed (its _sample_dirichlet: normalized gamma
    draws), with torch's reparameterized gradient (_dirichlet_grad's approximations).

    >>> import scratchnet as sn
    >>> d = Dirichlet(sn.tensor([1.0, 1.0, 1.0]))
    >>> print(f"{d.log_prob(sn.tensor([0.2, 0.3, 0.5])).item():.4f}")
    0.6931
    """

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Dirichlet, batch_shape, ("concentration",), _instance)

    def rsample(self, sample_shape=()):
        from ._gamma_sampling import sample_dirichlet

        return sample_dirichlet(self.concentration.expand(tuple(self._extended_shape(sample_shape))))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        a = self.concentration
        return sn.xlogy(a - 1.0, value).sum(-1) + sn.lgamma(a.sum(-1)) - sn.lgamma(a).sum(-1)

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self):
        above = (self.concentration - 1).clamp(min=0.0)
        mode = above / above.sum(-1, True)
        below = (self.concentration < 1).all(-1, keepdim=True)
        corner = sn.nn.functional.one_hot(mode.argmax(-1), above.shape[-1]).to(mode.dtype)
        return sn.where(below, corner, mode)

    @property
    def variance(self):
        a0 = self.concentration.sum(-1, True)
        return self.concentration * (a0 - self.concentration) / (a0.pow(2) * (a0 + 1))

    def entropy(self):
        a = self.concentration
        k = a.shape[-1]
        a0 = a.sum(-1)
        return sn.lgamma(a).sum(-1) - sn.lgamma(a0) - (k - a0) * sn.digamma(a0) - ((a - 1.0) * sn.digamma(a)).sum(-1)

    @property
    def _natural_params(self):
        return (self.concentration,)

    def _log_normalizer(self, x):
        return x.lgamma().sum(-1) - sn.lgamma(x.sum(-1))
