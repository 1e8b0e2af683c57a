"""Gradient clipping, as ``torch.nn.utils.clip_grad``.

The total norm is the ``norm_type``-norm of the vector of every gradient's own norm (the same as
the norm of all gradients concatenated). ``clip_grad_norm_`` then multiplies every gradient in
place by ``min(max_norm / (total + 1e-6), 1)``.

>>> import scratchnet as sn
>>> p = sn.zeros(2, requires_grad=True)
>>> p.grad = sn.tensor([3.0, 4.0])
>>> clip_grad_norm_([p], 1.0)
tensor(5.)
>>> [round(v, 4) for v in p.grad.tolist()]
[0.6, 0.8]
"""

import math
import types
import warnings

from ...backend import xp
from ...tensor import Tensor, get_default_dtype


def _as_list(tensors):
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _vector_norm(array, p):
    a = xp.abs(array)
    if p == math.inf:
        return a.max() if a.size else xp.zeros((), a.dtype)
    if p == -math.inf:
        return a.min() if a.size else xp.array(math.inf, a.dtype)
    if p == 0:
        return xp.asarray((a != 0).sum(), dtype=a.dtype)
    if p == 1:
        return a.sum()
    if p == 2:
        return xp.sqrt((a * a).sum())
    return (a ** p).sum() ** (1.0 / p)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The ``norm_type``-norm of ``tensors`` viewed as one vector (a 0-d tensor of their dtype;
    ``tensor(0.)`` when there are none). ``norm_type`` may be ``inf``."""
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return Tensor._make(xp.zeros((), dtype=get_default_dtype()))
    if math.isinf(norm_type) and any(t.numel() == 0 for t in tensors):  # max/min of nothing: torch refuses
        which = "_foreach_norm cannot compute the infinity norm" if norm_type > 0 and foreach is not False else (
            f"linalg.vector_norm cannot compute the {'inf' if norm_type > 0 else '-inf'} norm")
        raise RuntimeError(f"{which} on an empty tensor because the operation does not have an identity")
    dtype = tensors[0].dtype
    norms = xp.stack([_vector_norm(t.array, norm_type).astype(dtype) for t in tensors])
    total = _vector_norm(norms, norm_type).astype(dtype)
    if error_if_nonfinite and not xp.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    return Tensor._make(xp.asarray(total))


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Multiply every ``.grad`` in place by ``min(max_norm / (total_norm + 1e-6), 1)``."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    total = total_norm.array if isinstance(total_norm, Tensor) else xp.asarray(total_norm)
    coef = xp.minimum(float(max_norm) / (total + 1e-6), 1.0).astype(total.dtype)
    for g in grads:
        g.array[...] = g.array * coef.astype(g.dtype)
        g._version[0] += 1


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Rescale the gradients of ``parameters`` in place so that their total norm is at most
    ``max_norm``; returns the total norm before clipping (a 0-d tensor).

    Arguments:
        parameters: an iterable of Tensors (or one Tensor) whose ``.grad`` is clipped.
        max_norm: the largest total norm allowed.
        norm_type: the p of the p-norm (``float('inf')`` for the largest magnitude).
        error_if_nonfinite: raise if the total norm is nan or inf.
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if generator and not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=2)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated spelling of :func:`clip_grad_norm_`."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every ``.grad`` in place to ``[-clip_value, clip_value]``."""
    clip_value = float(clip_value)
    for p in _as_list(parameters):
        if p.grad is not None:
            xp.clip(p.grad.array, -clip_value, clip_value, out=p.grad.array)
            p.grad._version[0] += 1
