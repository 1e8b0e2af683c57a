"""ExponentialFamily: distributions with density ``exp(<t(x), theta> - F(theta) + k(x))``."""

import scratchnet as sn

from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """The base of the exponential families: subclasses give ``_natural_params`` (theta),
    ``_log_normalizer(*theta)`` (F) and ``_mean_carrier_measure`` (E[k(x)]); the entropy then
    follows from the Bregman divergence, ``H = F(theta) - <theta, grad F(theta)> - E[k(x)]``.

    >>> import scratchnet as sn
    >>> from scratchnet.distributions import Exponential
    >>> d = Exponential(sn.tensor([2.0]))
    >>> print(f"{ExponentialFamily.entropy(d).item():.4f}", f"{d.entropy().item():.4f}")
    0.3069 0.3069
    """

    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def entropy(self):
        result = -self._mean_carrier_measure
        params = [p.detach().requires_grad_() for p in self._natural_params]
        with sn.enable_grad():
            log_norm = self._log_normalizer(*params)
            grads = sn.autograd.grad(log_norm.sum(), params, create_graph=True)
        result = result + log_norm
        for p, g in zip(params, grads):
            result = result - (p * g).reshape(tuple(self._batch_shape) + (-1,)).sum(-1)
        return result
