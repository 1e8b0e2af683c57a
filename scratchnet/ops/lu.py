"""The LU family: ``A = P L U`` with partial pivoting (LAPACK's ``getrf``, :func:`._lapack.getrf`)
for any ``(*, m, n)`` batch, its compact form ``(LU, pivots)`` (1-based int32 row swaps, as
torch and LAPACK), the solves that use it, and the deprecated ``torch.lu`` / ``torch.lu_solve``.

With ``k = min(m, n)``, ``L`` is ``m x k`` (unit diagonal) and ``U`` is ``k x n``. Backwards
(written in scratchnet ops, so they differentiate again), with ``gL`` the strictly lower and
``gU`` the upper part of the incoming gradient:

- wide or square (``m <= n``, ``U = [U1 U2]``): ``gA = P L^-T [((L^T gL - gU U^T)_lower U1^-T + gU1), gU2]``;
- tall (``m > n``, ``L = [L1; L2]``): ``gA = P [L1^-T (gU U^T - L^T gL)_upper + gL1, gL2] U^-T``;
- ``X = A^-1 B``: ``gB = A^-T gX``, ``gL = -(P^T gB X^T U^T)_lower``, ``gU = -(U^-T gX X^T)_upper``
  (the adjoint solve ``X = A^-T B`` swaps the roles: ``gL = -(P^T X gB^T U^T)_lower``,
  ``gU = -(L^T P^T X gB^T)_upper``).

>>> import scratchnet as sn
>>> A = sn.tensor([[1.0, 2.0], [3.0, 4.0]])
>>> LU, pivots = sn.linalg.lu_factor(A)
>>> pivots.tolist()
[2, 2]
>>> sn.linalg.lu_solve(LU, pivots, sn.tensor([[5.0], [11.0]])).tolist()
[[1.0], [2.0]]
"""

from collections import namedtuple

from ..backend import xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor
from . import _lapack
from .linalg import FLOAT_DTYPES, not_implemented, solve_triangular
from .math import matmul, where
from .shape import cat

__all__ = ["lu", "lu_solve", "lu_unpack"]

linalg_lu_factor = namedtuple("linalg_lu_factor", ["LU", "pivots"])
linalg_lu_factor_ex = namedtuple("linalg_lu_factor_ex", ["LU", "pivots", "info"])
linalg_lu_result = namedtuple("linalg_lu", ["P", "L", "U"])
lu_unpack_result = namedtuple("lu_unpack", ["P", "L", "U"])


def _const(array):
    return Tensor._make(array)


def _mask(t, lower, fill=0.0):
    """The strictly lower (``lower``) or the upper triangle of each matrix, ``fill`` elsewhere
    (differentiable; a ``where``, so an inf outside the triangle makes no NaN)."""
    m, n = t.shape[-2:]
    keep = xp.tril(xp.ones((m, n), bool), -1) if lower else xp.triu(xp.ones((m, n), bool))
    return where(_const(keep), t, fill)


def _factors(lu):
    """``(L, U)`` from the compact ``lu`` (differentiable): unit lower ``m x k``, upper ``k x n``."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    if lu.dtype not in FLOAT_DTYPES:  # (only an empty batch gets here: torch keeps its dtype)
        a = lu.array
        return _const(xp.tril(a[..., :, :k], -1) | xp.eye(m, k, dtype=a.dtype)), _const(xp.triu(a[..., :k, :]))
    return _mask(lu[..., :, :k], True, _const(xp.eye(m, k, dtype=lu.dtype))), _mask(lu[..., :k, :], False)


def _permutation(pivots, m, dtype):
    """``(perm, P)`` from LAPACK's swaps: ``a[perm] = L U``, ``P[perm[i], i] = 1`` (``A = P L U``)."""
    batch, k = pivots.shape[:-1], pivots.shape[-1]
    perm = xp.array(xp.broadcast_to(xp.arange(m), batch + (m,)))
    swap = pivots.astype(xp.int64) - 1
    for i in range(k):  # the swaps in order (a loop over the matrix size, not the batch)
        target = swap[..., i : i + 1]
        here, there = perm[..., i : i + 1].copy(), xp.take_along_axis(perm, target, -1)
        perm[..., i : i + 1] = there
        xp.put_along_axis(perm, target, here, -1)
    p = xp.zeros(batch + (m, m), dtype)
    xp.put_along_axis(p, perm[..., None, :], 1, -2)  # column i holds a one in row perm[i]
    return perm, p


def _lu_grad(L, U, P, gL, gU):
    """``dA`` from the gradients of ``L`` (strictly lower part) and ``U`` (upper part)."""
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if m <= n:
        lower = _mask(matmul(L.mT, gL) - matmul(gU, U.mT), True)
        inner = solve_triangular(U[..., :k].mT, lower, upper=False, left=False) + gU[..., :k]
        inner = cat([inner, gU[..., k:]], dim=-1) if n > k else inner
        return matmul(P, solve_triangular(L.mT, inner, upper=True, unitriangular=True))
    upper = _mask(matmul(gU, U.mT) - matmul(L.mT, gL), False)
    inner = solve_triangular(L[..., :k, :].mT, upper, upper=True, unitriangular=True) + gL[..., :k, :]
    inner = cat([inner, gL[..., k:, :]], dim=-2)
    return matmul(P, solve_triangular(U.mT, inner, upper=False, left=False))


class LinalgLuFactorEx(Function):
    """The compact factor ``LU`` as a node (its pivots and info are computed with it, outside)."""

    def forward(ctx, a, result):
        lu, ctx.p = result
        ctx.save_for_backward(lu)
        return lu

    def backward(ctx, grad):
        (lu,) = ctx.saved_tensors
        L, U = _factors(lu)
        k = min(lu.shape[-2:])
        return _lu_grad(L, U, _const(ctx.p), _mask(grad[..., :, :k], True), _mask(grad[..., :k, :], False))


def _check_factor_input(name, A, pivot):
    if A.ndim < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} instead")
    if A.dtype not in FLOAT_DTYPES and A.numel() > 0:  # (torch factors an empty batch of any dtype)
        raise not_implemented("lu_cpu", A.dtype)
    if not pivot:
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")


def _raise_info(name, info):
    if info.size and (info > 0).any():
        first = int(xp.argmax(info.reshape(-1) > 0))
        prefix = f"(Batch element {first}): " if info.ndim else ""
        i = int(info.reshape(-1)[first])
        raise RuntimeError(
            f"{name}: {prefix}U[{i},{i}] is zero and using it on lu_solve would result in a division by zero. If you "
            "still want to perform the factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)"
        )


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """:func:`lu_factor` without its check unless ``check_errors``, also giving LAPACK's ``info``
    (int32, 0 or the 1-based index of the first zero pivot of ``U``). A namedtuple ``(LU, pivots, info)``.

    >>> import scratchnet as sn
    >>> sn.linalg.lu_factor_ex(sn.tensor([[1.0, 2.0], [2.0, 4.0]])).info.item()
    2
    """
    _check_factor_input("linalg.lu_factor", A, pivot)
    lu, pivots, _, info = _lapack.getrf(A.array)
    if check_errors:
        _raise_info("torch.linalg.lu_factor_ex", info)
    p = _permutation(pivots, A.shape[-2], A.dtype)[1]
    LU = LinalgLuFactorEx.apply(A, result=(lu, p))
    return linalg_lu_factor_ex(LU, _const(pivots), _const(info))


def lu_factor(A, *, pivot=True, out=None):
    """The compact LU factorization with partial pivoting, ``A = P L U`` (``A (*, m, n)``): ``LU``
    holds ``L`` below its diagonal (unit diagonal implied) and ``U`` on and above it; ``pivots``
    (int32, ``(*, min(m, n))``) are LAPACK's 1-based row swaps. Raises where ``U`` has a zero
    on its diagonal. A namedtuple ``(LU, pivots)``.

    >>> import scratchnet as sn
    >>> LU, pivots = sn.linalg.lu_factor(sn.tensor([[1.0, 2.0], [3.0, 4.0]]))
    >>> LU.tolist(), pivots.tolist()
    ([[3.0, 4.0], [0.3333333432674408, 0.6666666269302368]], [2, 2])
    """
    _check_factor_input("linalg.lu_factor", A, pivot)
    LU, pivots, info = lu_factor_ex(A)
    _raise_info("torch.linalg.lu_factor", info.array)
    return linalg_lu_factor(LU, pivots)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """``(P, L, U)`` from :func:`lu_factor`'s compact form, with ``A = P L U``: ``L`` unit lower
    ``(*, m, k)``, ``U`` upper ``(*, k, n)``, ``P`` the ``(*, m, m)`` permutation (in LU's dtype).
    ``unpack_data=False`` leaves ``L``, ``U`` empty; ``unpack_pivots=False`` leaves ``P`` empty.

    >>> import scratchnet as sn
    >>> P, L, U = sn.lu_unpack(*sn.linalg.lu_factor(sn.tensor([[1.0, 2.0], [3.0, 4.0]])))
    >>> P.tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    if LU_data.ndim < 2:
        raise RuntimeError(f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: {list(LU_data.shape)} instead")
    if LU_pivots.dtype != "int32":
        raise RuntimeError(
            "torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\n"
            "Note: this function is intended to be used with the output produced by torch.linalg.lu_factor"
        )
    m, n = LU_data.shape[-2:]
    empty = _const(xp.zeros((0,), LU_data.dtype))
    P = empty
    if unpack_pivots:
        if LU_pivots.shape[-1] != min(m, n):
            raise RuntimeError(f"torch.lu_unpack: the last dimension of LU_pivots ({LU_pivots.shape[-1]}) should be min(m, n) = {min(m, n)}")
        pivots = LU_pivots.array
        if pivots.size and ((pivots < 1) | (pivots > m)).any():
            raise RuntimeError(
                "pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive.Did you properly pass the result of lu_factor?"
            )
        P = _const(_permutation(xp.broadcast_to(pivots, tuple(LU_data.shape[:-2]) + pivots.shape[-1:]), m, LU_data.dtype)[1])
    if not unpack_data:
        return lu_unpack_result(P, empty, empty)
    return lu_unpack_result(P, *_factors(LU_data))


def linalg_lu(A, *, pivot=True, out=None):
    """The LU decomposition with partial pivoting ``A = P L U`` of ``A (*, m, n)``: ``P`` a
    permutation ``(*, m, m)``, ``L`` unit lower ``(*, m, k)``, ``U`` upper ``(*, k, n)``,
    ``k = min(m, n)``. Differentiable through ``L`` and ``U``. A namedtuple ``(P, L, U)``.

    >>> import scratchnet as sn
    >>> P, L, U = sn.linalg.lu(sn.tensor([[1.0, 2.0], [3.0, 4.0]]))
    >>> U.tolist()
    [[3.0, 4.0], [0.0, 0.6666666269302368]]
    """
    _check_factor_input("linalg.lu", A, pivot)
    LU, pivots, _ = lu_factor_ex(A)
    return linalg_lu_result(*lu_unpack(LU, pivots))


def lu(A, pivot=True, get_infos=False, out=None):
    """torch.lu (deprecated in torch for :func:`scratchnet.linalg.lu_factor`): ``(LU, pivots)``,
    or ``(LU, pivots, infos)`` with ``get_infos``.

    >>> import scratchnet as sn
    >>> sn.lu(sn.tensor([[1.0, 2.0], [3.0, 4.0]]))[1].tolist()
    [2, 2]
    """
    _check_factor_input("linalg.lu_factor", A, pivot)
    LU, pivots, info = lu_factor_ex(A)
    return (LU, pivots, info) if get_infos else (LU, pivots)


class LinalgLuSolve(Function):
    """``X`` with ``A X = B`` (``A^T X = B`` with ``adjoint``; ``X A = B`` with ``left=False``)
    from the compact factors of ``A``."""

    def forward(ctx, lu, b, perm, p, left, adjoint):
        ctx.perm, ctx.p, ctx.left, ctx.adjoint = perm, p, left, adjoint
        rhs = b if left else xp.swapaxes(b, -1, -2)
        x = _lapack.lu_solve(lu, perm, rhs, trans=adjoint != (not left))
        x = x if left else xp.swapaxes(x, -1, -2)
        ctx.save_for_backward(lu, x)
        return x

    def backward(ctx, grad):
        lu, x = ctx.saved_tensors
        # as a left solve: A^T X^T = B^T is the adjoint solve of the transposes
        adjoint = ctx.adjoint != (not ctx.left)
        if not ctx.left:
            x, grad = x.mT, grad.mT
        P = _const(ctx.p)
        gb = LinalgLuSolve.apply(lu, grad, perm=ctx.perm, p=ctx.p, left=True, adjoint=not adjoint)
        glu = None
        if ctx.needs_input_grad[0]:
            L, U = _factors(lu)
            if adjoint:
                gl = -matmul(matmul(P.mT, matmul(x, gb.mT)), U.mT)
                gu = -matmul(matmul(L.mT, P.mT), matmul(x, gb.mT))
            else:
                gl = -matmul(matmul(P.mT, gb), matmul(x.mT, U.mT))
                gu = -matmul(solve_triangular(U.mT, grad, upper=False), x.mT)
            glu = _mask(gl, True) + _mask(gu, False)
        return glu, (gb if ctx.left else gb.mT)


def _apply_solve(LU, pivots, B, left, adjoint):
    perm, p = _permutation(pivots, LU.shape[-2], LU.dtype)
    return LinalgLuSolve.apply(LU, B, perm=perm, p=p, left=bool(left), adjoint=bool(adjoint))


def linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """``X`` with ``A X = B`` from :func:`lu_factor`'s ``(LU, pivots)`` of ``A``; ``adjoint`` solves
    ``A^T X = B``; ``left=False`` solves ``X A = B``. ``B (*, n, k)``; batches broadcast.

    >>> import scratchnet as sn
    >>> LU, pivots = sn.linalg.lu_factor(sn.tensor([[2.0, 0.0], [0.0, 4.0]]))
    >>> sn.linalg.lu_solve(LU, pivots, sn.tensor([[2.0], [4.0]])).tolist()
    [[1.0], [1.0]]
    """
    if LU.dtype not in FLOAT_DTYPES:
        raise RuntimeError(f"torch.linalg.lu_solve: Expected a floating point or complex tensor as input. Got {torch_name(LU.dtype)}")
    if B.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    if LU.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor LU must have at least 2 dimensions.")
    if LU.shape[-1] != LU.shape[-2]:
        raise RuntimeError(f"torch.linalg.lu_solve: A must be batches of square matrices, but they are {LU.shape[-2]} by {LU.shape[-1]} matrices")
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        shape = f"{B.shape[-2]}x{B.shape[-1]}"
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation {equation} ({n}x{n} and {shape})")
    if pivots.shape[-1] != n:
        raise RuntimeError("linalg.lu_solve: Number of pivots per batch should be same as the dimension of the matrix")
    if pivots.dtype != "int32":
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    if tuple(pivots.shape[:-1]) != tuple(LU.shape[:-2]):
        raise RuntimeError(
            f"linalg.lu_solve: Expected LU.shape[:-2] == pivots.shape[:-1] (got {list(LU.shape[:-2])} and {list(pivots.shape[:-1])})"
        )
    if LU.dtype != B.dtype:
        raise RuntimeError(
            f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type {torch_name(LU.dtype)} and B "
            f"of type {torch_name(B.dtype)} instead"
        )
    return _apply_solve(LU, pivots.array, B, left, adjoint)


def lu_solve(b, LU_data, LU_pivots, *, out=None):
    """torch.lu_solve (deprecated in torch for :func:`scratchnet.linalg.lu_solve`, whose arguments
    are reversed): ``X`` with ``A X = b`` from ``A``'s compact LU factors.

    >>> import scratchnet as sn
    >>> LU, pivots = sn.linalg.lu_factor(sn.tensor([[2.0, 0.0], [0.0, 4.0]]))
    >>> sn.lu_solve(sn.tensor([[2.0], [4.0]]), LU, pivots).tolist()
    [[1.0], [1.0]]
    """
    return linalg_lu_solve(LU_data, LU_pivots, b)


METHODS = {"lu": lu, "lu_solve": lu_solve}
