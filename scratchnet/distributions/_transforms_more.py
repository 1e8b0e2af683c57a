"""The transforms beyond the elementwise bijections (re-exported by :mod:`.transforms`): absolute
value, softplus, softmax, stick breaking, and reinterpreting batch dimensions as event ones.

>>> import scratchnet as sn
>>> AbsTransform()(sn.tensor([-1.0])).tolist()
[1.0]
"""

import scratchnet as sn

from . import constraints
from .transforms import Transform, _clipped_sigmoid  # transforms.py imports this module last, after these
from .utils import _sum_rightmost


class AbsTransform(Transform):
    """``y = |x|`` (not bijective: ``inv`` returns y itself, the positive preimage).

    >>> import scratchnet as sn
    >>> AbsTransform()(sn.tensor([-2.0])).tolist()
    [2.0]
    """

    domain = constraints.real
    codomain = constraints.positive

    def __eq__(self, other):
        return isinstance(other, AbsTransform)

    def _call(self, x):
        return x.abs()

    def _inverse(self, y):
        return y


class SoftplusTransform(Transform):
    """``y = log(1 + exp(x))``; ``inv: x = y + log(-expm1(-y))``; ``log |dy/dx| = -softplus(-x)``.

    >>> import scratchnet as sn
    >>> print(f"{SoftplusTransform()(sn.tensor([0.0])).item():.4f}")
    0.6931
    """

    domain = constraints.real
    codomain = constraints.positive
    bijective = True
    sign = +1

    def __eq__(self, other):
        return isinstance(other, SoftplusTransform)

    def _call(self, x):
        return sn.nn.functional.softplus(x)

    def _inverse(self, y):
        return (-y).expm1().neg().log() + y

    def log_abs_det_jacobian(self, x, y):
        return -sn.nn.functional.softplus(-x)


class SoftmaxTransform(Transform):
    """``y = softmax(x)`` over the last dimension (not bijective: ``inv`` is ``log``).

    >>> import scratchnet as sn
    >>> SoftmaxTransform()(sn.zeros(2)).tolist()
    [0.5, 0.5]
    """

    domain = constraints.real_vector
    codomain = constraints.simplex

    def __eq__(self, other):
        return isinstance(other, SoftmaxTransform)

    def _call(self, x):
        probs = (x - x.max(-1, True)[0]).exp()
        return probs / probs.sum(-1, True)

    def _inverse(self, y):
        return y.log()

    def forward_shape(self, shape):
        return shape


class StickBreakingTransform(Transform):
    """Unconstrained ``(..., K - 1)`` vectors to the ``(..., K)`` simplex by stick breaking:
    ``z_k = sigmoid(x_k - log(K - k))``, ``y_k = z_k prod_{j<k} (1 - z_j)``, the rest last.

    >>> import scratchnet as sn
    >>> StickBreakingTransform()(sn.zeros(1)).tolist()
    [0.5, 0.5]
    """

    domain = constraints.real_vector
    codomain = constraints.simplex
    bijective = True

    def __eq__(self, other):
        return isinstance(other, StickBreakingTransform)

    @staticmethod
    def _offset(n, count, like):
        return n - sn.ones(count, dtype=like.dtype).cumsum(-1)

    def _call(self, x):
        offset = self._offset(x.shape[-1] + 1, x.shape[-1], x)
        z = _clipped_sigmoid(x - offset.log())
        z_cumprod = (1 - z).cumprod(-1)
        pad = sn.nn.functional.pad
        return pad(z, [0, 1], value=1) * pad(z_cumprod, [1, 0], value=1)

    def _inverse(self, y):
        y_crop = y[..., :-1]
        offset = self._offset(y.shape[-1], y_crop.shape[-1], y)
        sf = (1 - y_crop.cumsum(-1)).clamp(min=sn.finfo(y.dtype).tiny)
        return y_crop.log() - sf.log() + offset.log()

    def log_abs_det_jacobian(self, x, y):
        offset = self._offset(x.shape[-1] + 1, x.shape[-1], x)
        x = x - offset.log()
        return (-x + sn.nn.functional.logsigmoid(x) + y[..., :-1].log()).sum(-1)

    def forward_shape(self, shape):
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        return tuple(shape[:-1]) + (shape[-1] + 1,)

    def inverse_shape(self, shape):
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        return tuple(shape[:-1]) + (shape[-1] - 1,)


class IndependentTransform(Transform):
    """``base_transform`` with ``reinterpreted_batch_ndims`` more event dimensions: its
    log-determinant summed over them.

    >>> import scratchnet as sn
    >>> from scratchnet.distributions.transforms import ExpTransform
    >>> IndependentTransform(ExpTransform(), 1).log_abs_det_jacobian(sn.ones(2), None).item()
    2.0
    """

    def __init__(self, base_transform, reinterpreted_batch_ndims, cache_size=0):
        super().__init__(cache_size=cache_size)
        self.base_transform = base_transform.with_cache(cache_size)
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims

    @property
    def domain(self):
        return constraints.independent(self.base_transform.domain, self.reinterpreted_batch_ndims)

    @property
    def codomain(self):
        return constraints.independent(self.base_transform.codomain, self.reinterpreted_batch_ndims)

    @property
    def bijective(self):
        return self.base_transform.bijective

    @property
    def sign(self):
        return self.base_transform.sign

    def _call(self, x):
        return self.base_transform(x)

    def _inverse(self, y):
        return self.base_transform.inv(y)

    def log_abs_det_jacobian(self, x, y):
        return _sum_rightmost(self.base_transform.log_abs_det_jacobian(x, y), self.reinterpreted_batch_ndims)

    def __repr__(self):
        return f"{self.__class__.__name__}({self.base_transform!r}, {self.reinterpreted_batch_ndims})"
