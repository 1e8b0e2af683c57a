"""The LDL factorization of symmetric (possibly indefinite) matrices, LAPACK's ``sytrf`` with
Bunch-Kaufman pivoting (lower storage, as torch), and the solve from it (``sytrs``).

``A = P L D L^T P^T`` with ``L`` unit lower and ``D`` block diagonal (1x1 and 2x2 blocks). The
compact ``LD`` holds ``L`` below the diagonal and ``D`` on it (and, for a 2x2 block, on the
subdiagonal); ``pivots`` are LAPACK's (1-based, int32): ``p > 0`` a 1x1 block after swapping
rows/columns ``k`` and ``p - 1``; a pair of equal ``-p`` a 2x2 block after swapping ``k + 1`` and
``p - 1``. With ``alpha = (1 + sqrt(17)) / 8`` the pivot of column ``k`` is kept when
``|a_kk| >= alpha * colmax`` (LAPACK's rule, so the pivots are LAPACK's).

The pivot choice of each step depends on the values, so the steps of different matrices of a
batch differ: the kernels run one matrix at a time (loops over the matrix size inside). Like
torch, neither is differentiable.

>>> import scratchnet as sn
>>> A = sn.tensor([[0.0, 1.0], [1.0, 0.0]])
>>> LD, pivots = sn.linalg.ldl_factor(A)
>>> pivots.tolist()
[-2, -2]
>>> sn.linalg.ldl_solve(LD, pivots, sn.tensor([[2.0], [3.0]])).tolist()
[[3.0], [2.0]]
"""

import math
from collections import namedtuple

from ..backend import xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor
from .linalg import check_matrices

__all__ = []

ALPHA = (1 + math.sqrt(17)) / 8
linalg_ldl_factor = namedtuple("linalg_ldl_factor", ["LD", "pivots"])
linalg_ldl_factor_ex = namedtuple("linalg_ldl_factor_ex", ["LD", "pivots", "info"])


class NoDerivative(Function):
    """A result that, like torch's, is part of the graph but has no derivative: its backward
    raises ``message`` (torch names such a node ``name``)."""

    def forward(ctx, *arrays, result, message, name):
        ctx.message, ctx.backward_name = message, name
        return result

    def backward(ctx, grad):
        raise RuntimeError(ctx.message)


def _first_max(v):
    return int(xp.argmax(xp.abs(v)))


def _swap_symmetric(a, kk, kp):
    """Swap rows and columns ``kk < kp`` of the trailing block, in lower storage."""
    a[kp + 1 :, [kk, kp]] = a[kp + 1 :, [kp, kk]]
    column, row = a[kk + 1 : kp, kk].copy(), a[kp, kk + 1 : kp].copy()
    a[kk + 1 : kp, kk], a[kp, kk + 1 : kp] = row, column
    a[kk, kk], a[kp, kp] = a[kp, kp], a[kk, kk]


def _sytf2(a):
    """``(ld, pivots, info)`` of one symmetric matrix (its lower triangle), LAPACK's ``sytf2``."""
    a = xp.tril(a)
    n = a.shape[-1]
    pivots, info, k = xp.zeros(n, xp.int32), 0, 0
    while k < n:
        step, absakk = 1, abs(a[k, k])
        imax = k + 1 + _first_max(a[k + 1 :, k]) if k < n - 1 else k
        colmax = abs(a[imax, k]) if k < n - 1 else 0.0
        if max(absakk, colmax) == 0 or math.isnan(absakk):
            info, kp = info or k + 1, k
        else:
            if absakk >= ALPHA * colmax:
                kp = k
            else:
                rowmax = abs(a[imax, k + _first_max(a[imax, k:imax])])
                if imax < n - 1:
                    rowmax = max(rowmax, abs(a[imax + 1 + _first_max(a[imax + 1 :, imax]), imax]))
                if absakk >= ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif abs(a[imax, imax]) >= ALPHA * rowmax:
                    kp = imax
                else:
                    kp, step = imax, 2
            kk = k + step - 1
            if kp != kk:
                _swap_symmetric(a, kk, kp)
                if step == 2:
                    a[k + 1, k], a[kp, k] = a[kp, k], a[k + 1, k]
            if step == 1 and k < n - 1:
                d11 = 1 / a[k, k]
                x = a[k + 1 :, k].copy()
                a[k + 1 :, k + 1 :] -= xp.tril(d11 * x[:, None] * x[None, :])
                a[k + 1 :, k] = x * d11
            elif step == 2 and k < n - 2:
                d21 = a[k + 1, k]
                d11, d22 = a[k + 1, k + 1] / d21, a[k, k] / d21
                d21 = (1 / (d11 * d22 - 1)) / d21
                c0, c1 = a[k + 2 :, k].copy(), a[k + 2 :, k + 1].copy()
                wk, wkp1 = d21 * (d11 * c0 - c1), d21 * (d22 * c1 - c0)
                a[k + 2 :, k + 2 :] -= xp.tril(c0[:, None] * wk[None, :] + c1[:, None] * wkp1[None, :])
                a[k + 2 :, k], a[k + 2 :, k + 1] = wk, wkp1
        pivots[k : k + step] = kp + 1 if step == 1 else -(kp + 1)
        k += step
    return a, pivots, info


def _sytrs(a, pivots, b):
    """``X`` with ``A X = B`` from one matrix's ``sytf2`` factors, LAPACK's ``sytrs`` (lower)."""
    b = xp.array(b, copy=True)
    n, k = a.shape[-1], 0
    while k < n:  # L D Y = P^T B
        if pivots[k] > 0:
            kp = pivots[k] - 1
            b[[k, kp]] = b[[kp, k]]
            b[k + 1 :] -= a[k + 1 :, k, None] * b[k]
            b[k] /= a[k, k]
            k += 1
        else:
            kp = -pivots[k] - 1
            b[[k + 1, kp]] = b[[kp, k + 1]]
            b[k + 2 :] -= a[k + 2 :, k, None] * b[k] + a[k + 2 :, k + 1, None] * b[k + 1]
            akm1k = a[k + 1, k]
            akm1, ak = a[k, k] / akm1k, a[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1
            bkm1, bk = b[k] / akm1k, b[k + 1] / akm1k
            b[k], b[k + 1] = (ak * bkm1 - bk) / denom, (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:  # L^T P^T X = Y
        if pivots[k] > 0:
            b[k] -= a[k + 1 :, k] @ b[k + 1 :]
            kp = pivots[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 1
        else:
            b[k] -= a[k + 1 :, k] @ b[k + 1 :]
            b[k - 1] -= a[k + 1 :, k - 1] @ b[k + 1 :]
            kp = -pivots[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 2
    return b


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    """:func:`ldl_factor`, also giving LAPACK's ``info`` (int32: 0, or the 1-based index of a
    zero block of ``D``); it checks nothing unless ``check_errors``. ``(LD, pivots, info)``.

    >>> import scratchnet as sn
    >>> sn.linalg.ldl_factor_ex(sn.tensor([[4.0, 2.0], [2.0, 3.0]])).LD.tolist()
    [[4.0, 0.0], [0.5, 2.0]]
    """
    check_matrices("torch.linalg.ldl_factor_ex", A)
    flat = A.array.reshape((math.prod(A.shape[:-2]),) + tuple(A.shape[-2:]))
    with xp.errstate(all="ignore"):
        results = [_sytf2(m) for m in flat]
    n, batch = A.shape[-1], tuple(A.shape[:-2])
    ld = xp.stack([r[0] for r in results]) if results else xp.zeros(flat.shape, A.dtype)
    pivots = xp.stack([r[1] for r in results]) if results else xp.zeros((0, n), xp.int32)
    info = xp.array([r[2] for r in results], xp.int32)
    if check_errors and (info > 0).any():
        raise RuntimeError(f"torch.linalg.ldl_factor_ex: The factorization could not be completed because the input is not invertible "
                           f"(D[{int(info[info > 0][0])}] is zero)")
    LD = NoDerivative.apply(A, result=ld.reshape(A.shape), message="derivative for aten::linalg_ldl_factor_ex is not implemented",
                            name="NotImplemented")
    return linalg_ldl_factor_ex(LD, Tensor._make(pivots.reshape(batch + (n,))),
                                Tensor._make(info.reshape(batch)))


def ldl_factor(A, *, hermitian=False, out=None):
    """The compact LDL factorization ``A = P L D L^T P^T`` of symmetric ``A (*, n, n)`` (only its
    lower triangle is read), with Bunch-Kaufman pivoting: ``(LD, pivots)``, as LAPACK's ``sytrf``.

    >>> import scratchnet as sn
    >>> sn.linalg.ldl_factor(sn.tensor([[4.0, 2.0], [2.0, 3.0]])).pivots.tolist()
    [1, 2]
    """
    LD, pivots, info = ldl_factor_ex(A, hermitian=hermitian)
    if (info.array > 0).any():
        raise RuntimeError("torch.linalg.ldl_factor: The factorization could not be completed because the input is not invertible")
    return linalg_ldl_factor(LD, pivots)


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    """``X`` with ``A X = B`` from :func:`ldl_factor`'s ``(LD, pivots)`` of ``A``; ``B (*, n, k)``,
    batches broadcast.

    >>> import scratchnet as sn
    >>> LD, pivots = sn.linalg.ldl_factor(sn.tensor([[4.0, 2.0], [2.0, 3.0]]))
    >>> sn.linalg.ldl_solve(LD, pivots, sn.tensor([[6.0], [5.0]])).tolist()
    [[1.0], [1.0]]
    """
    check_matrices("torch.linalg.ldl_solve", LD)
    if B.ndim < 2:
        raise RuntimeError("torch.linalg.ldl_solve: The input tensor B must have at least 2 dimensions.")
    if pivots.dtype != "int32":
        raise RuntimeError("torch.linalg.ldl_solve: Expected pivots to be integers. Got " + torch_name(pivots.dtype))
    if B.dtype != LD.dtype:
        raise RuntimeError(f"torch.linalg.ldl_solve: Expected LD and B to have the same dtype, but got LD with dtype "
                           f"{torch_name(LD.dtype)} and B with dtype {torch_name(B.dtype)} instead")
    n = LD.shape[-1]
    if B.shape[-2] != n:
        raise RuntimeError(f"torch.linalg.ldl_solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    if tuple(pivots.shape) != tuple(LD.shape[:-1]):
        raise RuntimeError("torch.linalg.ldl_solve: Expected LD.shape[:-1] and pivots.shape to be the same, but got pivots with "
                           f"shape {list(pivots.shape)} instead")
    batch = xp.broadcast_shapes(tuple(LD.shape[:-2]), tuple(B.shape[:-2]))
    size = math.prod(batch)
    ld = xp.broadcast_to(LD.array, batch + (n, n)).reshape((size, n, n))
    piv = xp.broadcast_to(pivots.array, batch + (n,)).reshape((size, n))
    b = xp.broadcast_to(B.array, batch + tuple(B.shape[-2:])).reshape((size,) + tuple(B.shape[-2:]))
    with xp.errstate(all="ignore"):
        x = [_sytrs(ld[i], piv[i], b[i]) for i in range(b.shape[0])]
    out = xp.stack(x) if x else xp.zeros(b.shape, B.dtype)
    return NoDerivative.apply(LD, B, result=out.reshape(batch + tuple(B.shape[-2:])),
                              message="derivative for aten::linalg_ldl_solve is not implemented", name="NotImplemented")
