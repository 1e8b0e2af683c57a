"""A base for the distributions with elementwise parameters broadcast together (loc/scale, rate)."""

from numbers import Number

import scratchnet as sn

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all


class _Elementwise(Distribution):
    """Parameters named in ``_params`` broadcast to one batch shape (``()`` when all are numbers)."""

    _params = ()

    def __init__(self, *values, validate_args=None):
        for name, value in zip(self._params, broadcast_all(*values)):
            setattr(self, name, value)
        first = getattr(self, self._params[0])
        batch_shape = sn.Size() if all(isinstance(v, Number) for v in values) else first.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(type(self), batch_shape, self._params, _instance)

    def _empty(self, shape):
        first = getattr(self, self._params[0])
        return sn.empty(tuple(shape), dtype=first.dtype)


class _LocScale(_Elementwise):
    """A real-valued distribution with a location and a positive scale (Cauchy, Laplace): their
    constraints, ``rsample``, parameter names and mode, declared once."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True
    _params = ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        super().__init__(loc, scale, validate_args=validate_args)

    @property
    def mode(self):
        return self.loc
