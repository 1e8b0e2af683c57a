"""The ``_ex`` forms of linalg's inverse, Cholesky and solve: results with an ``info`` code per
matrix (0, or LAPACK's code: the zero pivot, the order of the failing minor) instead of an error,
unless ``check_errors=True``.

>>> import scratchnet as sn
>>> sn.linalg.inv_ex(sn.tensor([[1.0, 2.0], [2.0, 4.0]])).info.item()
2
"""

from collections import namedtuple

from ..backend import xp
from ..tensor import Tensor
from . import _lapack
from .linalg import LinAlgError, LinalgCholeskyEx, LinalgInvEx, _batch_prefix, check_matrices, solve

linalg_inv_ex = namedtuple("linalg_inv_ex", ["inverse", "info"])
linalg_cholesky_ex = namedtuple("linalg_cholesky_ex", ["L", "info"])
linalg_solve_ex = namedtuple("linalg_solve_ex", ["result", "info"])


def _info(info):
    return Tensor._make(xp.asarray(info, dtype=xp.int32))


def _raise(name, A, info, message):
    flat = info.reshape(-1)
    index = int(xp.argmax(flat > 0))
    raise LinAlgError(f"{name}: {_batch_prefix(A, index)}" + message.format(int(flat[index])))


_SINGULAR = "The diagonal element {} is zero, the inversion could not be completed because the input matrix is singular."


def inv_ex(A, *, check_errors=False, out=None):
    """``(inverse, info)``: info is 0, or the index of the zero pivot of a singular matrix (whose
    inverse then holds inf/NaN, as torch's).

    >>> import scratchnet as sn
    >>> sn.linalg.inv_ex(sn.eye(2)).info.item()
    0
    """
    check_matrices("linalg.inv_ex", A)
    info = _lapack.lu_factor(A.array)[3]
    if check_errors and (info > 0).any():
        _raise("linalg.inv_ex", A, info, _SINGULAR)
    return linalg_inv_ex(LinalgInvEx.apply(A, check=False), _info(info))


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """``(L, info)``: info is 0, or the order of the first leading minor that is not
    positive-definite (L then holds the factorization as far as it got, as LAPACK's).

    >>> import scratchnet as sn
    >>> sn.linalg.cholesky_ex(-sn.eye(2)).info.item()
    1
    """
    check_matrices("linalg.cholesky_ex", A)
    a = A.array
    info = _lapack.cholesky_lower(xp.swapaxes(a, -1, -2) if upper else a)[1]
    if check_errors and (info > 0).any():
        _raise("linalg.cholesky_ex", A, info, "The factorization could not be completed because the input is not positive-definite (the leading minor of order {} is not positive-definite).")
    return linalg_cholesky_ex(LinalgCholeskyEx.apply(A, upper=bool(upper), check=False), _info(info))


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """``(result, info)`` of :func:`solve`: info is 0, or the zero pivot of a singular matrix (the
    result then holds inf/NaN, as torch's).

    >>> import scratchnet as sn
    >>> sn.linalg.solve_ex(sn.eye(2), sn.ones(2)).result.tolist()
    [1.0, 1.0]
    """
    check_matrices("linalg.solve_ex", A)
    result = solve(A, B, left=left, _check=False)
    info = _lapack.lu_factor(A.array)[3]  # (left=False solves with the same LU of A, transposed)
    if check_errors and (info > 0).any():
        _raise("torch.linalg.solve_ex", A, info, "The solver failed because the input matrix is singular.")
    return linalg_solve_ex(result, _info(info))
