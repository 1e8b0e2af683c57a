"""Householder reflectors: LAPACK's compact QR (``geqrf``) and the products of its reflectors
(``householder_product``, alias ``orgqr``; ``ormqr``).

``geqrf`` leaves ``R`` on and above the diagonal and, below it, the vectors ``v_i`` (with an
implied 1 at position ``i``) of the reflectors ``H_i = I - tau_i v_i v_i^T``, as LAPACK's
``dlarfg``: ``beta = -sign(alpha) ||x||``, ``tau = (beta - alpha) / beta``, ``v = x / (alpha - beta)``
(``tau = 0`` where the column below the diagonal is already zero). ``Q = H_1 H_2 ... H_k``.

The products are written in scratchnet ops (one reflector at a time: a loop over the matrix
size, never the batch), so their gradients, and the next, come from those ops.

>>> import scratchnet as sn
>>> a, tau = sn.geqrf(sn.tensor([[3.0, 1.0], [4.0, 2.0]]))
>>> a[0, 0].item(), round(tau[0].item(), 4)
(-5.0, 1.6)
>>> Q = sn.linalg.householder_product(a, tau)
>>> [round(v, 4) for v in (Q @ sn.triu(a)).flatten().tolist()]
[3.0, 1.0, 4.0, 2.0]
"""

from collections import namedtuple

from ..backend import xp
from ..dtypes import torch_name
from ..tensor import Tensor
from .linalg import FLOAT_DTYPES, not_implemented
from .math import matmul, where

__all__ = ["geqrf", "ormqr", "orgqr"]

geqrf_result = namedtuple("geqrf", ["a", "tau"])


def _geqrf_arrays(a):
    """``(a, tau)``: LAPACK's compact QR of a batch ``(*, m, n)``."""
    a = xp.array(a, copy=True)
    m, n = a.shape[-2:]
    k = min(m, n)
    tau = xp.zeros(a.shape[:-2] + (k,), a.dtype)
    with xp.errstate(all="ignore"):
        for i in range(k if a.size else 0):
            alpha, x = a[..., i, i], a[..., i + 1 :, i]
            xnorm = xp.sqrt((x * x).sum(-1))
            skip = xnorm == 0
            beta = -xp.where(alpha >= 0, 1, -1) * xp.hypot(alpha, xnorm)
            t = xp.where(skip, 0, (beta - alpha) / xp.where(skip, 1, beta))
            scale = xp.where(skip, 1, 1 / xp.where(skip, 1, alpha - beta))
            a[..., i + 1 :, i] = x * scale[..., None]
            a[..., i, i] = xp.where(skip, alpha, beta)
            tau[..., i] = t
            v = xp.concatenate([xp.ones(a.shape[:-2] + (1,), a.dtype), a[..., i + 1 :, i]], -1)
            rest = a[..., i:, i + 1 :]
            a[..., i:, i + 1 :] = rest - t[..., None, None] * v[..., :, None] * (v[..., None, :] @ rest)
    return a, tau


def geqrf(input, *, out=None):
    """The QR decomposition in LAPACK's compact form ``(a, tau)``: ``R`` in the upper triangle of
    ``a``, the Householder vectors below it, their scales in ``tau`` (``(*, min(m, n))``). Use
    :func:`scratchnet.linalg.householder_product` for ``Q``. Not differentiable (as torch).

    >>> import scratchnet as sn
    >>> sn.geqrf(sn.tensor([[0.0], [2.0]])).a.flatten().tolist()
    [-2.0, 1.0]
    """
    if input.ndim < 2:
        raise RuntimeError(f"torch.geqrf: input must have at least 2 dimensions.")
    if input.dtype not in FLOAT_DTYPES:
        raise not_implemented("geqrf_cpu", input.dtype)
    from .ldl import NoDerivative

    a, tau = _geqrf_arrays(input.array)
    a, tau = (NoDerivative.apply(input, result=r, message="the derivative for 'geqrf' is not implemented.", name="GeqrfBackward0")
              for r in (a, tau))
    return geqrf_result(a, tau)


def _reflector(A, i):
    """``v_i``: column ``i`` of ``A`` below the diagonal, 1 at ``i``, 0 above (differentiable)."""
    m = A.shape[-2]
    below = Tensor._make((xp.arange(m) > i)[:, None])
    unit = Tensor._make((xp.arange(m) == i).astype(A.dtype)[:, None])
    return where(below, A[..., :, i : i + 1], unit)


def _reflect(C, v, t, left):
    """``H C`` (``left``) or ``C H`` with ``H = I - t v v^T``; ``v (*, m, 1)``, ``t (*,)``."""
    t = t[..., None, None]
    if left:
        return C - (t * v) * matmul(v.mT, C)
    return C - matmul(C, v) * (t * v.mT)


def _check_tau(name, A, tau):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if tau.ndim != A.ndim - 1:
        raise RuntimeError(f"{name}: input.dim() must be greater than or equal to tau.dim() + 1")  # torch's wording differs by op
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(f"{name}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got {list(tau.shape[:-1])}")
    if tau.dtype != A.dtype:
        raise RuntimeError(
            f"{name}: tau dtype {torch_name(tau.dtype)} does not match input dtype {torch_name(A.dtype)}"
        )
    if A.dtype not in FLOAT_DTYPES:
        raise not_implemented(name, A.dtype)


def householder_product(A, tau, *, out=None):
    """The first ``n`` columns of ``H_1 H_2 ... H_k`` with ``H_i = I - tau_i v_i v_i^T``, ``v_i``
    column ``i`` of ``A (*, m, n)`` below the diagonal with an implied 1 on it (``m >= n >= k``):
    the ``Q`` of :func:`geqrf`'s compact form. Differentiable in ``A`` and ``tau``.

    >>> import scratchnet as sn
    >>> sn.linalg.householder_product(sn.tensor([[1.0], [1.0]]), sn.tensor([1.0])).flatten().tolist()
    [0.0, -1.0]
    """
    name = "torch.linalg.householder_product"
    _check_tau(name, A, tau)
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if tau.shape[-1] > n:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    Q = Tensor._make(xp.broadcast_to(xp.eye(m, n, dtype=A.dtype), tuple(A.shape)).copy())
    if tau.shape[-1] == 0:  # no reflector: still a function of A (with a zero gradient), as torch
        Q = where(Tensor._make(xp.zeros((), bool)), A, Q)
    for i in reversed(range(tau.shape[-1])):
        Q = _reflect(Q, _reflector(A, i), tau[..., i], left=True)
    return Q


def orgqr(input, tau):
    """torch.orgqr: :func:`scratchnet.linalg.householder_product` under its LAPACK name.

    >>> import scratchnet as sn
    >>> sn.orgqr(sn.tensor([[1.0], [1.0]]), sn.tensor([1.0])).flatten().tolist()
    [0.0, -1.0]
    """
    return householder_product(input, tau)


def ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    """``Q C``, ``Q^T C`` (``transpose``), ``C Q`` or ``C Q^T`` (``left=False``) for ``C = other``
    and the full ``Q = H_1 ... H_k`` of the reflectors in ``input`` / ``tau`` (as
    :func:`householder_product`), without forming ``Q``. Differentiable in all three.

    >>> import scratchnet as sn
    >>> sn.ormqr(sn.tensor([[1.0], [1.0]]), sn.tensor([1.0]), sn.eye(2)).tolist()
    [[0.0, -1.0], [-1.0, 0.0]]
    """
    name = "torch.ormqr"
    _check_tau(name, input, tau)
    if other.ndim != input.ndim:
        raise RuntimeError(f"{name}: input.dim() must be equal to other.dim(), but got {input.ndim} and {other.ndim}")
    if other.dtype != input.dtype:
        raise RuntimeError(f"{name}: Expected other and input to have the same dtype, but got other.dtype = "
                           f"{torch_name(other.dtype)} and input.dtype = {torch_name(input.dtype)}")
    rows = other.shape[-2] if left else other.shape[-1]
    if input.shape[-2] != rows:
        side = "other.shape[-2]" if left else "other.shape[-1]"
        raise RuntimeError(f"{name}: input.shape[-2] must be equal to {side}")
    if tau.shape[-1] != min(rows, input.shape[-1]):
        side = "other.shape[-2]" if left else "other.shape[-1]"
        raise RuntimeError(f"{name}: tau.shape[-1] must be equal to min({side}, input.shape[-1])")
    k = tau.shape[-1]
    # Q C = H_1 (H_2 (... H_k C)): the last reflector first; Q^T reverses the order, as does a right product
    order = range(k) if transpose == left else reversed(range(k))
    C = other
    for i in order:
        C = _reflect(C, _reflector(input, i), tau[..., i], left=left)
    return C


METHODS = {"geqrf": geqrf, "orgqr": orgqr, "ormqr": ormqr}
