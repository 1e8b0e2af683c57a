"""Linear algebra, part 1: inverse, determinants, linear solves, Cholesky, matrix powers (part 2,
the factorizations QR/eigh/SVD and what is built on them: ``decompositions.py``).

Every function takes a batch of matrices ``(*, n, n)``, as torch. Each is one node whose backward
is written with scratchnet ops (so second derivatives work):

- ``inv``: ``Y = A^-1``, ``dA = -Y^T dY Y^T``;
- ``det``: ``dA = dd * det(A) * A^-T``; ``slogdet``: ``dA = dlogabsdet * A^-T``;
- ``solve``: ``X = A^-1 B``, ``dB = A^-T dX``, ``dA = -dB X^T``;
- ``cholesky``: ``A = L L^T``, ``dA = sym(L^-T Phi(L^T dL) L^-1)`` where ``Phi`` keeps the lower
  triangle and halves the diagonal.

A singular (or, for Cholesky, not positive-definite) input raises :class:`LinAlgError` (a
``RuntimeError``) with torch's message.

>>> import scratchnet as sn
>>> sn.linalg.inv(sn.tensor([[2.0, 0.0], [0.0, 4.0]])).tolist()
[[0.5, 0.0], [0.0, 0.25]]
>>> sn.linalg.inv(sn.tensor([[1.0, 2.0], [2.0, 4.0]]))
Traceback (most recent call last):
...
scratchnet.linalg.LinAlgError: linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.
"""

from collections import namedtuple

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor, broadcast_shapes, is_grad_enabled
from . import _lapack
from .math import matmul, where

__all__ = ["inverse", "det", "logdet", "slogdet", "cholesky", "matrix_power"]

from ..dtypes import torch_name  # noqa: E402


class LinAlgError(RuntimeError):
    """A matrix that the requested factorization or inverse cannot handle (singular, not
    positive-definite), as ``torch.linalg.LinAlgError``."""


LinAlgError.__module__ = "scratchnet.linalg"

slogdet_result = namedtuple("slogdet", ["sign", "logabsdet"])
linalg_slogdet = namedtuple("linalg_slogdet", ["sign", "logabsdet"])


def check_matrices(name, A, square=True):
    """torch's checks on a batch of matrices: at least 2-D, floating, square."""
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.dtype not in FLOAT_DTYPES:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {torch_name(A.dtype)}")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} matrices")


def not_implemented(kernel, dtype):
    """torch's error for a kernel it has no integer/bool version of."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{torch_name(dtype)}\'')


def _batch_prefix(A, index):
    return f"(Batch element {index}): " if A.ndim > 2 else ""


def _zero_pivots(a):
    """For each matrix, the 1-based index of the first exactly-zero pivot of LU with partial
    pivoting (as LAPACK's getrf reports it), 0 if none (flattened over the batch)."""
    return _lapack.lu_factor(a)[3].reshape(-1)


def _tame(a):
    """Finite, far from overflow and without denormals: NumPy's LAPACK then agrees with torch's
    to rounding (with inf, NaN, huge or denormal values the kernels' order of operations and
    reciprocals decide where inf and NaN land)."""
    if a.size == 0:
        return True
    magnitude = xp.abs(a)
    return bool(magnitude.max() < 1e15) and not bool(((magnitude > 0) & (magnitude < xp.finfo(a.dtype).tiny)).any())


def _inverse(a, check):
    """``a^-1``: LAPACK through NumPy for finite input; with inf/NaN, or where a pivot is zero
    and ``check`` is off, scratchnet's own LU (torch's inf/NaN placement, see ``_lapack``)."""
    if _tame(a):
        try:
            return xp.linalg.inv(a)
        except xp.linalg.LinAlgError:
            if check:
                raise
    out, info = _lapack.solve(a, xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape))
    if check and (info > 0).any():
        raise xp.linalg.LinAlgError("singular")
    return out


def _raise_singular(name, A, message):
    pivots = _zero_pivots(A)
    bad = int(xp.argmax(pivots > 0)) if (pivots > 0).any() else 0
    raise LinAlgError(f"{name}: {_batch_prefix(A, bad)}" + message.format(max(int(pivots[bad]), 1), n=A.shape[-1]))


def _tensor_const(array):
    return Tensor._make(array)


# ----------------------------------------------------------------------------------------------
# inverse and determinants
# ----------------------------------------------------------------------------------------------


class LinalgInvEx(Function):
    def forward(ctx, a, check=True):
        try:
            out = _inverse(a, check)
        except xp.linalg.LinAlgError:
            _raise_singular("linalg.inv", a, "The diagonal element {} is zero, the inversion could not be completed because the input matrix is singular.")
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return -matmul(matmul(y.mT, grad), y.mT)


def inv(A, *, out=None):
    """``A^-1`` for a batch of square matrices; singular input raises :class:`LinAlgError`.

    >>> import scratchnet as sn
    >>> sn.linalg.inv(sn.tensor([[0.0, 1.0], [1.0, 0.0]])).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    check_matrices("linalg.inv", A)
    return LinalgInvEx.apply(A)


def inverse(input, *, out=None):
    """torch.inverse: the same as :func:`scratchnet.linalg.inv`.

    >>> import scratchnet as sn
    >>> sn.inverse(sn.eye(2) * 2).tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    """
    return inv(input)


class LinalgDet(Function):
    def forward(ctx, a):
        if _tame(a):
            out = xp.asarray(xp.linalg.det(a)).astype(a.dtype)
        else:  # torch's LU (of A^T, the layout LAPACK reads): its inf/NaN
            lu, _, sign, _ = _lapack.lu_factor(xp.swapaxes(a, -1, -2))
            with xp.errstate(all="ignore"):
                out = (sign * xp.diagonal(lu, axis1=-2, axis2=-1).prod(-1)).astype(a.dtype)
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, grad):
        a, d = ctx.saved_tensors
        n = a.shape[-1]
        scale = (grad * d).unsqueeze(-1).unsqueeze(-1)
        if n == 1:  # det of a 1x1 matrix is its entry (torch's gradient: grad, even at 0)
            return grad.unsqueeze(-1).unsqueeze(-1) * _tensor_const(xp.ones(a.shape, a.dtype))
        if not is_grad_enabled():
            # torch's first-order formula: A^T G = grad det(A) I through the LU of A^T, a zero
            # pivot replaced by eps (so an exactly singular matrix gets 0, not its cofactors)
            lu, perm, _, _ = _lapack.lu_factor(xp.swapaxes(a.array, -1, -2))
            diag = xp.diagonal(lu, axis1=-2, axis2=-1)
            lu = lu + (xp.where(diag == 0, xp.finfo(a.dtype).eps, 0)[..., None] * xp.eye(n, dtype=a.dtype))
            rhs = xp.broadcast_to(scale.array * xp.eye(n, dtype=a.dtype), a.shape)
            return _tensor_const(_lapack.lu_solve(lu, perm, rhs).astype(a.dtype))
        singular = d.array == 0
        if not singular.any():
            return scale * inv(a).mT
        # (differentiated again) an exactly singular matrix: its cofactor matrix U adj(S) Vh det(U Vh)
        # from the SVD, held constant
        u, s, vh = xp.linalg.svd(a.array)
        others = xp.where(xp.eye(n, dtype=bool), 1, s[..., None, :]).prod(-1)
        cofactor = (u * others[..., None, :]) @ vh * (xp.linalg.det(u) * xp.linalg.det(vh))[..., None, None]
        safe = xp.where(singular[..., None, None], xp.eye(n, dtype=a.dtype), a.array)
        regular = d.array[..., None, None] * xp.swapaxes(xp.linalg.inv(safe), -1, -2)
        dense = xp.where(singular[..., None, None], cofactor, regular).astype(a.dtype)
        return grad.unsqueeze(-1).unsqueeze(-1) * _tensor_const(dense)


def linalg_det(A, *, out=None):
    """``torch.linalg.det``: the determinant of each matrix of a batch ``(*, n, n) -> (*)``; its
    gradient is ``det(A) A^-T`` (0 for an exactly singular matrix, as torch's).

    >>> import scratchnet as sn
    >>> sn.linalg.det(sn.tensor([[1.0, 2.0], [3.0, 4.0]])).item()
    -2.0...
    """
    check_matrices("linalg.det", A)
    return LinalgDet.apply(A)


def det(input):
    """``torch.det(input)``: :func:`linalg_det` under its older name (its argument named ``input``).

    >>> import scratchnet as sn
    >>> sn.det(input=sn.eye(2) * 3).item()
    9.0
    """
    return linalg_det(input)


class LinalgSlogdet(Function):
    """log|det A| (the sign is :class:`SlogdetSign`)."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _slogdet_arrays(a)[1]

    def backward(ctx, grad):  # torch does not check for a singular matrix here: inf/NaN
        (a,) = ctx.saved_tensors
        return grad.unsqueeze(-1).unsqueeze(-1) * LinalgInvEx.apply(a, check=False).mT


def _slogdet_arrays(a):
    """(sign, log|det|) from the LU factors, as torch: the sign of a NaN determinant is 0."""
    lu, _, perm_sign, _ = _lapack.lu_factor(a)
    diag = xp.diagonal(lu, axis1=-2, axis2=-1)
    with xp.errstate(all="ignore"):
        signs = xp.nan_to_num(xp.sign(diag), nan=0.0)
        return (perm_sign * signs.prod(-1)).astype(a.dtype), xp.log(xp.abs(diag)).sum(-1).astype(a.dtype)


class SlogdetSign(Function):
    """The sign of det A: an output that records the graph, with gradient zero (as torch's)."""

    backward_name = "LinalgSlogdetBackward0"

    def forward(ctx, a):
        return _slogdet_arrays(a)[0]

    def backward(ctx, grad):
        return Tensor._make(xp.zeros(ctx.inputs[0].shape, grad.dtype))


def _slogdet(A, name, result):
    check_matrices(name, A)
    return result(SlogdetSign.apply(A), LinalgSlogdet.apply(A))


def linalg_slogdet_fn(A, *, out=None):
    """``(sign, logabsdet)`` with ``det(A) = sign * exp(logabsdet)``, stable where det over- or
    underflows; a namedtuple.

    >>> import scratchnet as sn
    >>> sn.linalg.slogdet(sn.tensor([[-2.0, 0.0], [0.0, 3.0]])).sign.item()
    -1.0
    """
    return _slogdet(A, "linalg.slogdet", linalg_slogdet)


def slogdet(input, *, out=None):
    """torch.slogdet: ``(sign, logabsdet)`` of each matrix (see ``scratchnet.linalg.slogdet``).

    >>> import scratchnet as sn
    >>> round(sn.slogdet(sn.eye(2) * 3).logabsdet.item(), 4)
    2.1972
    """
    return _slogdet(input, "linalg.slogdet", slogdet_result)


def logdet(input):
    """``log(det(A))``: NaN where the determinant is negative, -inf where it is 0.

    >>> import scratchnet as sn
    >>> round(sn.logdet(sn.eye(2) * 3).item(), 4)
    2.1972
    """
    sign, logabs = _slogdet(input, "linalg.slogdet", slogdet_result)
    return where(sign < 0, float("nan"), logabs)


# ----------------------------------------------------------------------------------------------
# solving AX = B
# ----------------------------------------------------------------------------------------------


class LinalgSolveEx(Function):
    def forward(ctx, a, b, check=True, trans=False):
        """``op(A) X = B`` with ``op(A) = A^T`` when ``trans`` (what ``left=False`` solves, from
        the LU of A itself, as torch)."""
        ctx.trans = trans
        broadcast_shapes(a.shape[:-2], b.shape[:-2])  # torch's error if they clash
        batch = xp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a_full = xp.broadcast_to(a, batch + a.shape[-2:])
        b_full = xp.broadcast_to(b, batch + b.shape[-2:])
        if _tame(a_full) and _tame(b_full):
            try:
                out = xp.linalg.solve(xp.swapaxes(a_full, -1, -2) if trans else a_full, b_full)
                info = None
            except xp.linalg.LinAlgError:
                out, info = _lapack.solve(a_full, b_full, trans)
        else:  # inf/NaN: scratchnet's own LU, for torch's placement of inf and NaN
            out, info = _lapack.solve(a_full, b_full, trans)
        if check and info is not None and (info > 0).any():
            index = int(xp.argmax(info.reshape(-1) > 0))
            raise LinAlgError(f"torch.linalg.solve: {_batch_prefix(a_full, index)}The solver failed because the input matrix is singular.")
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        grad_b = LinalgSolveEx.apply(a, grad, check=False, trans=not ctx.trans)  # torch's backward does not check
        grad_a = None
        if ctx.needs_input_grad[0]:
            grad_a = -matmul(x, grad_b.mT) if ctx.trans else -matmul(grad_b, x.mT)
        return grad_a, grad_b


def solve(A, B, *, left=True, out=None, _check=True):
    """``X`` with ``A X = B`` (or ``X A = B`` when ``left=False``); ``B`` is ``(*, n, k)`` or a
    batch of vectors ``(*, n)``; batch dims broadcast. Singular A raises :class:`LinAlgError`.

    >>> import scratchnet as sn
    >>> sn.linalg.solve(sn.eye(2) * 2, sn.tensor([2.0, 4.0])).tolist()
    [1.0, 2.0]
    """
    check_matrices("linalg.solve", A)
    if B.dtype != A.dtype:
        raise RuntimeError(
            f"linalg.solve: Expected A and B to have the same dtype, but found A of type {torch_name(A.dtype)} and B of type "
            f"{torch_name(B.dtype)} instead"
        )
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if not left:
        if vector:
            raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not supported for left=False. In this case linalg.solve is equivalent to B / A.squeeze(-1)")
        if B.ndim < 2 or B.shape[-1] != A.shape[-1]:
            raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation XA = B ({A.shape[-2]}x{A.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")
        return LinalgSolveEx.apply(A, B.mT, check=_check, trans=True).mT
    b = B.unsqueeze(-1) if vector else B
    if b.ndim < 2 or b.shape[-2] != A.shape[-1]:
        shape = f"{b.shape[-2]}x{b.shape[-1]}" if b.ndim >= 2 else f"{b.shape[-1]}"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B ({A.shape[-2]}x{A.shape[-1]} and {shape})")
    x = LinalgSolveEx.apply(A, b, check=_check)
    return x.squeeze(-1) if vector else x


def _triangle(n, upper, strict, dtype):
    mask = xp.triu(xp.ones((n, n), dtype=dtype), 1 if strict else 0) if upper else xp.tril(xp.ones((n, n), dtype=dtype), -1 if strict else 0)
    return mask


class LinalgSolveTriangular(Function):
    def forward(ctx, a, b, upper, unitriangular):
        ctx.upper, ctx.unitriangular = upper, unitriangular
        n = a.shape[-1]
        broadcast_shapes(a.shape[:-2], b.shape[:-2])  # torch's error if they clash
        out = _lapack.triangular_solve(a, b, upper, unitriangular)  # no singularity check, as torch
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        grad_b = LinalgSolveTriangular.apply(a.mT, grad, upper=not ctx.upper, unitriangular=ctx.unitriangular)
        grad_a = None
        if ctx.needs_input_grad[0]:
            keep = _tensor_const(_triangle(a.shape[-1], ctx.upper, ctx.unitriangular, a.dtype) != 0)
            grad_a = where(keep, -matmul(grad_b, x.mT), 0.0)  # (torch's tril/triu: no NaN from inf * 0)
        return grad_a, grad_b


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """``X`` with ``A X = B`` for triangular ``A`` (only its ``upper`` or lower triangle is read; a
    unit diagonal is assumed with ``unitriangular``); ``B`` is ``(*, n, k)``.

    >>> import scratchnet as sn
    >>> A = sn.tensor([[2.0, 1.0], [0.0, 1.0]])
    >>> sn.linalg.solve_triangular(A, sn.tensor([[3.0], [1.0]]), upper=True).tolist()
    [[1.0], [1.0]]
    """
    if A.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor A must have at least 2 dimensions.")
    if B.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.solve_triangular: A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} matrices")
    if not left:
        return solve_triangular(A.mT, B.mT, upper=not upper, unitriangular=unitriangular).mT
    if B.shape[-2] != A.shape[-1]:
        raise RuntimeError(
            f"linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B ({A.shape[-2]}x{A.shape[-1]} and "
            f"{B.shape[-2]}x{B.shape[-1]})"
        )
    if A.dtype not in FLOAT_DTYPES:
        raise not_implemented("triangular_solve_cpu", A.dtype)
    if B.dtype != A.dtype:  # torch solves in A's dtype
        B = B.to(A.dtype)
    return LinalgSolveTriangular.apply(A, B, upper=bool(upper), unitriangular=bool(unitriangular))


# ----------------------------------------------------------------------------------------------
# Cholesky
# ----------------------------------------------------------------------------------------------


class LinalgCholeskyEx(Function):
    def forward(ctx, a, upper, check=True):
        low, info = _lapack.cholesky_lower(xp.swapaxes(a, -1, -2) if upper else a)  # upper reads the upper triangle
        if check and (info > 0).any():
            flat = info.reshape(-1)
            index = int(xp.argmax(flat > 0))
            raise LinAlgError(
                f"linalg.cholesky: {_batch_prefix(a, index)}The factorization could not be completed because the input is not "
                f"positive-definite (the leading minor of order {int(flat[index])} is not positive-definite)."
            )
        ctx.upper = upper
        out = xp.swapaxes(low, -1, -2).copy() if upper else low
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        low, g = (out.mT, grad.mT) if ctx.upper else (out, grad)
        n = low.shape[-1]
        lower = _tensor_const(xp.tril(xp.ones((n, n), dtype=bool)))
        phi = where(lower, matmul(low.mT, g), 0.0) * _tensor_const(1 - 0.5 * xp.eye(n, dtype=low.dtype))
        # L^-T phi L^-1 by two triangular solves, as torch (a failed factor of cholesky_ex: inf/NaN)
        left = solve_triangular(low.mT, phi, upper=True)
        grad_a = solve_triangular(low.mT, left.mT, upper=True).mT
        return 0.5 * (grad_a + grad_a.mT)


def linalg_cholesky(A, *, upper=False, out=None, _check=True):
    """``L`` (lower) with ``A = L L^T`` for symmetric positive-definite ``A`` (or ``U = L^T`` with
    ``upper=True``); reads the lower triangle. Other input raises :class:`LinAlgError`.

    >>> import scratchnet as sn
    >>> sn.linalg.cholesky(sn.tensor([[4.0, 2.0], [2.0, 2.0]])).tolist()
    [[2.0, 0.0], [1.0, 1.0]]
    """
    check_matrices("linalg.cholesky", A)
    return LinalgCholeskyEx.apply(A, upper=bool(upper), check=_check)


def cholesky(input, upper=False, *, out=None):
    """torch.cholesky, which torch has removed: raises its RuntimeError pointing to linalg.cholesky.

    >>> import scratchnet as sn
    >>> sn.cholesky(sn.eye(2))
    Traceback (most recent call last):
    ...
    RuntimeError: This function was deprecated since version 1.9 and is now removed. ...
    """
    raise RuntimeError(
        "This function was deprecated since version 1.9 and is now removed. `torch.cholesky` is deprecated in favor of "
        "`torch.linalg.cholesky`.\nL = torch.cholesky(A) should be replaced with:\nL = torch.linalg.cholesky(A)\n"
        "U = torch.cholesky(A, upper=True) should be replaced with:\nU = torch.linalg.cholesky(A).mH"
    )


# ----------------------------------------------------------------------------------------------
# matrix powers
# ----------------------------------------------------------------------------------------------


class MatrixPowerZero(Function):
    """``A^0``: the identity, a copy into A's shape whose gradient is 0 (torch's CopyBackwards)."""

    backward_name = "CopyBackwards"

    def forward(ctx, a):
        return xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()

    def backward(ctx, grad):
        return _tensor_const(xp.zeros(ctx.inputs[0].shape, grad.dtype))


def matrix_power(input, n, *, out=None):
    """``A^n`` for an integer ``n`` by repeated squaring (``n < 0``: powers of ``A^-1``; ``n = 0``:
    the identity).

    >>> import scratchnet as sn
    >>> sn.linalg.matrix_power(sn.tensor([[1.0, 1.0], [0.0, 1.0]]), 3).tolist()
    [[1.0, 3.0], [0.0, 1.0]]
    """
    A = input
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"linalg_matrix_power(): argument 'n' (position 2) must be int, not {type(n).__name__}")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} matrices")
    if n == 0:
        return MatrixPowerZero.apply(A)
    base = inv(A) if n < 0 else A
    if abs(n) <= 3:  # torch's own products for the small powers: A, A A, (A A) A
        result = base
        for _ in range(abs(n) - 1):
            result = matmul(result, base)
        return result
    result, n = None, abs(n)
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


METHODS = {
    "inverse": inverse, "det": det, "logdet": logdet, "slogdet": slogdet, "matrix_power": matrix_power,
    "cholesky": cholesky,
}
