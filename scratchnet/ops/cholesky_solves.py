"""Solves from a Cholesky factor and the older triangular solve: ``cholesky_solve``,
``cholesky_inverse`` and ``triangular_solve`` (torch's argument order: the right-hand side first).

Each reads only the triangle of the factor that it is told to (``upper``), with LAPACK's
kernels' inf/NaN behaviour (``_lapack``); their gradients are torch's formulas, which count the
whole factor:

- ``cholesky_solve``: ``X = (L L^T)^-1 B``; ``dB = cholesky_solve(dX, L)``, ``dL = -(dB X^T + X dB^T) L``;
- ``cholesky_inverse``: ``Y = (L L^T)^-1``; ``dL = -(Y (dY + dY^T) Y) L``.

>>> import scratchnet as sn
>>> sn.cholesky_solve(sn.tensor([[2.0], [4.0]]), sn.eye(2) * 2).tolist()
[[0.5], [1.0]]
"""

from collections import namedtuple

from ..backend import xp
from ..tensor import Function
from . import _lapack
from ..dtypes import torch_name
from .linalg import LinAlgError, _batch_prefix, _tame, not_implemented, solve_triangular
from .math import matmul

__all__ = ["cholesky_solve", "cholesky_inverse", "triangular_solve"]


def cholesky_solve(B, L, upper=False, *, out=None):
    """``X`` with ``(L L^T) X = B`` from the Cholesky factor ``L`` (or ``U = L^T`` with ``upper``).

    >>> import scratchnet as sn
    >>> sn.cholesky_solve(sn.tensor([[2.0], [4.0]]), sn.eye(2) * 2).tolist()
    [[0.5], [1.0]]
    """
    _check_rhs_and_factor("cholesky_solve", B, L)
    return CholeskySolve.apply(B, L, upper=bool(upper))


class CholeskySolve(Function):
    """``X = (L L^T)^-1 B`` by two triangular solves (reading L's triangle); torch's backward:
    ``dB = cholesky_solve(dX, L)``, ``dL = -(dB X^T + X dB^T) L`` (``-L (...)`` for upper)."""

    def forward(ctx, b, factor, upper):
        ctx.upper = upper
        low = xp.swapaxes(factor, -1, -2) if upper else factor
        y = _lapack.triangular_solve(low, b, upper=False)
        out = _lapack.triangular_solve(xp.swapaxes(low, -1, -2), y, upper=True)
        ctx.save_for_backward(factor, out)
        return out

    def backward(ctx, grad):
        factor, x = ctx.saved_tensors
        grad_b = CholeskySolve.apply(grad, factor, upper=ctx.upper)
        common = matmul(grad_b, x.mT)
        common = common + common.mT
        return grad_b, (-matmul(factor, common) if ctx.upper else -matmul(common, factor))


def _check_rhs_and_factor(name, b, A):
    """torch's checks of (b, A) for cholesky_solve / triangular_solve, in its order."""
    prefix = "torch.triangular_solve: Expected " if name == "triangular_solve" else ""
    for label, t in (("b", b), ("A" if prefix else "u", A)):
        if t.ndim < 2:
            if prefix:
                raise RuntimeError(f"{prefix}{label} to have at least 2 dimensions, but it has {t.ndim} dimensions instead")
            raise RuntimeError(f"{label} should have at least 2 dimensions, but has {t.ndim} dimensions instead")
    if b.dtype != A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {torch_name(b.dtype)} and A of type {torch_name(A.dtype)} instead.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} matrices")
    if A.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is {A.shape[-2]} by {A.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}")
    if A.dtype not in ("float32", "float64"):
        raise not_implemented(f"{name}_cpu", A.dtype)


def cholesky_inverse(L, upper=False, *, out=None):
    """``(L L^T)^-1`` from the Cholesky factor ``L`` (or ``U = L^T`` with ``upper``).

    >>> import scratchnet as sn
    >>> sn.cholesky_inverse(sn.eye(2) * 2).tolist()
    [[0.25, 0.0], [0.0, 0.25]]
    """
    if L.ndim < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    if L.shape[-1] != L.shape[-2]:
        raise RuntimeError(f"cholesky_inverse: A must be batches of square matrices, but they are {L.shape[-2]} by {L.shape[-1]} matrices")
    if L.dtype not in ("float32", "float64"):
        raise not_implemented("cholesky_inverse_out_cpu", L.dtype)
    zero = xp.diagonal(L.array, axis1=-2, axis2=-1) == 0
    if zero.any():  # LAPACK's potri: the first zero diagonal element of the factor
        flat = zero.reshape(-1, L.shape[-1])
        index = int(xp.argmax(flat.any(-1)))
        raise LinAlgError(
            f"cholesky_inverse: {_batch_prefix(L, index)}The diagonal element {int(xp.argmax(flat[index])) + 1} is zero, the "
            "inversion could not be completed because the input matrix is singular."
        )
    return CholeskyInverse.apply(L, upper=bool(upper))


class CholeskyInverse(Function):
    """``(L L^T)^-1 = L^-T L^-1`` (``potri``: the triangle's inverse, then its product); torch's
    backward: ``dL = -(Y (G + G^T) Y) L`` (``-L (...)`` for upper), Y the result."""

    def forward(ctx, factor, upper):
        ctx.upper = upper
        low = xp.swapaxes(factor, -1, -2) if upper else factor
        if _tame(low):  # finite and moderate: LAPACK through NumPy agrees to rounding
            low_inv = xp.linalg.inv(xp.tril(low))
            out = xp.swapaxes(low_inv, -1, -2) @ low_inv
        else:
            out = _lapack.cholesky_inverse_lower(low)
        ctx.save_for_backward(factor, out)
        return out

    def backward(ctx, grad):
        factor, y = ctx.saved_tensors
        common = matmul(y, matmul(grad + grad.mT, y))
        return -matmul(factor, common) if ctx.upper else -matmul(common, factor)


triangular_solve_result = namedtuple("triangular_solve", ["solution", "cloned_coefficient"])


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """torch.triangular_solve (deprecated in torch for ``linalg.solve_triangular``): ``X`` with
    ``A X = b`` (``A^T X = b`` with ``transpose``), and a copy of ``A``.

    >>> import scratchnet as sn
    >>> sn.triangular_solve(sn.tensor([[2.0], [2.0]]), sn.eye(2) * 2).solution.tolist()
    [[1.0], [1.0]]
    """
    _check_rhs_and_factor("triangular_solve", b, A)
    a = A.mT if transpose else A
    solution = solve_triangular(a, b, upper=upper != transpose, unitriangular=unitriangular)
    return triangular_solve_result(solution, A.clone())


METHODS = {"cholesky_solve": cholesky_solve, "cholesky_inverse": cholesky_inverse, "triangular_solve": triangular_solve}
