"""Helpers shared by the distributions, as torch.distributions.utils: broadcasting parameters,
probabilities <-> logits, the standard normal draw, lazily computed attributes.

>>> import scratchnet as sn
>>> from scratchnet.distributions.utils import broadcast_all, probs_to_logits
>>> [tuple(t.shape) for t in broadcast_all(sn.zeros(2, 1), 1.0, sn.ones(3))]
[(2, 3), (2, 3), (2, 3)]
>>> print(f"{probs_to_logits(sn.tensor(0.5), is_binary=True).item():.4f}")
0.0000
"""

import math
from functools import update_wrapper
from numbers import Number

import scratchnet as sn

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs", "probs_to_logits", "tril_matrix_to_vec", "vec_to_tril_matrix"]

euler_constant = 0.57721566490153286060


def broadcast_all(*values):
    """Broadcast tensors and numbers to one shape: numbers become tensors of the first tensor's
    dtype (the default float dtype when all are numbers).

    >>> import scratchnet as sn
    >>> a, b = broadcast_all(sn.tensor([1.0, 2.0]), 3.0)
    >>> b
    tensor([3., 3.])
    """
    if not all(isinstance(v, (sn.Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, torch.Tensor or objects implementing __torch_function__.")
    if not any(isinstance(v, sn.Tensor) for v in values):
        dtype = sn.get_default_dtype()
        return tuple(sn.tensor(float(v), dtype=dtype) for v in values)
    like = next(v for v in values if isinstance(v, sn.Tensor))
    values = [v if isinstance(v, sn.Tensor) else sn.tensor(v, dtype=like.dtype) for v in values]
    return tuple(sn.broadcast_tensors(*values))


def _standard_normal(shape, dtype, device=None):
    """Standard normal draws of ``shape``: ``empty(shape).normal_()``, torch's same generator call."""
    return sn.empty(tuple(shape), dtype=dtype).normal_()


def _sum_rightmost(value, dim):
    """Sum the rightmost ``dim`` dimensions."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[: value.dim() - dim]) + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary=False):
    """Probabilities from logits: ``sigmoid`` (binary) or ``softmax`` over the last dimension.

    >>> import scratchnet as sn
    >>> logits_to_probs(sn.tensor([0.0, 0.0])).tolist()
    [0.5, 0.5]
    """
    return sn.sigmoid(logits) if is_binary else sn.softmax(logits, dim=-1)


def clamp_probs(probs):
    """Probabilities clamped to ``[eps, 1 - eps]`` of their dtype.

    >>> import scratchnet as sn
    >>> clamp_probs(sn.tensor([0.0], dtype=sn.float64)).item() > 0
    True
    """
    eps = sn.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    """Logits from probabilities: ``log(p) - log1p(-p)`` (binary) or ``log(p)``, p clamped to [eps, 1 - eps].

    >>> import scratchnet as sn
    >>> print(f"{probs_to_logits(sn.tensor([1.0]))[0].item():.1e}")
    -1.2e-07
    """
    p = clamp_probs(probs)
    return (sn.log(p) - sn.log1p(-p)) if is_binary else sn.log(p)


class lazy_property:
    """A property computed once, on first access, then stored on the instance.

    >>> class A:
    ...     @lazy_property
    ...     def x(self):
    ...         return 3
    >>> A().x
    3
    """

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with sn.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class BinaryProbsLogits:
    """``probs`` and ``logits`` of a binary event, each computed from the other on first use
    (the distributions with one success chance share them: Bernoulli, Binomial, Geometric, ...).

    >>> import scratchnet as sn
    >>> from scratchnet.distributions import Bernoulli
    >>> round(Bernoulli(logits=sn.tensor(0.0)).probs.item(), 2)
    0.5
    """

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    def _take_chance(self, probs, logits, total_count=None):
        """Keep ``probs`` or ``logits`` (exactly one, else torch's ValueError), broadcast with
        ``total_count`` when there is one (cast to their dtype), as ``_param``; the batch shape."""
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        name, given = ("probs", probs) if probs is not None else ("logits", logits)
        if total_count is None:
            (param,) = broadcast_all(given)
            shape = sn.Size() if isinstance(given, Number) else param.size()
        else:
            count, param = broadcast_all(total_count, given)
            self.total_count = count.to(param.dtype)
            shape = param.size()
        setattr(self, name, param)  # (an instance attribute: the other one is computed from it)
        self._param = param
        return shape

    def _expand_chance(self, new):
        """``new._param`` after :meth:`Distribution._expand_params`: whichever of probs/logits was given."""
        new._param = new.probs if "probs" in self.__dict__ else new.logits
        return new


def tril_matrix_to_vec(mat, diag=0):
    """The lower triangle (below diagonal ``diag``) of the last two dims, row by row, as a vector.

    >>> import scratchnet as sn
    >>> tril_matrix_to_vec(sn.tensor([[1.0, 0.0], [2.0, 3.0]])).tolist()
    [1.0, 2.0, 3.0]
    """
    n = mat.shape[-1]
    rows, cols = [], []
    for i in range(n):
        for j in range(n):
            if j - i <= diag:
                rows.append(i)
                cols.append(j)
    return mat[..., sn.tensor(rows), sn.tensor(cols)]


def vec_to_tril_matrix(vec, diag=0):
    """The inverse of :func:`tril_matrix_to_vec`.

    >>> import scratchnet as sn
    >>> vec_to_tril_matrix(sn.tensor([1.0, 2.0, 3.0])).tolist()
    [[1.0, 0.0], [2.0, 3.0]]
    """
    m = vec.shape[-1]
    n = int(round((-(1 + 2 * diag) + math.sqrt((1 + 2 * diag) ** 2 + 8 * m + 4 * abs(diag) * (diag + 1))) / 2))
    rows, cols = [], []
    for i in range(n):
        for j in range(n):
            if j - i <= diag:
                rows.append(i)
                cols.append(j)
    out = sn.zeros(tuple(vec.shape[:-1]) + (n, n), dtype=vec.dtype)
    out[..., sn.tensor(rows), sn.tensor(cols)] = vec
    return out
