"""scratchnet.linalg mirrors torch.linalg: inverses, determinants, solves, factorizations (Cholesky,
QR, eigh, SVD) and what is built on them, norms, products, each differentiable.

The ops live in :mod:`scratchnet.ops.linalg` (inverse, det, solve, Cholesky, powers),
:mod:`scratchnet.ops.decompositions` (QR, eigh, SVD, pinv, rank, lstsq) and
:mod:`scratchnet.ops.products` (cross, multi_dot); this module gives them torch.linalg's names.

>>> import scratchnet as sn
>>> A = sn.tensor([[4.0, 1.0], [1.0, 3.0]])
>>> round(sn.linalg.det(A).item(), 4)
11.0
>>> sn.linalg.solve(A, sn.tensor([5.0, 4.0])).tolist()
[1.0, 1.0]
"""

from .ops.decompositions import eigh, eigvalsh, lstsq, matrix_rank, pinv, svdvals
from .ops.decompositions import linalg_qr_fn as qr
from .ops.decompositions import linalg_svd_fn as svd
from .ops.linalg import LinAlgError, det, inv, matrix_power, solve, solve_triangular
from .ops.linalg import linalg_cholesky as cholesky
from .ops.linalg import linalg_slogdet_fn as slogdet
from .ops.math import matmul
from .ops.products import _linalg_cross, _multi_dot

__all__ = [
    "LinAlgError", "inv", "det", "slogdet", "solve", "solve_triangular", "cholesky", "qr", "eigh", "eigvalsh",
    "svd", "svdvals", "pinv", "matrix_power", "matrix_rank", "lstsq", "multi_dot", "cross", "matmul", "norm",
    "vector_norm", "matrix_norm", "vecdot",
]


def multi_dot(tensors, *, out=None):
    """``tensors[0] @ tensors[1] @ ...``: the first may be a 1-D row vector, the last a column.

    >>> import scratchnet as sn
    >>> sn.linalg.multi_dot([sn.ones(2), sn.ones(2, 3), sn.ones(3)]).item()
    6.0
    """
    return _multi_dot(tensors)


def cross(input, other, *, dim=-1, out=None):
    """Cross product of 3-vectors along ``dim`` (default the last), batch dims broadcast.

    >>> import scratchnet as sn
    >>> sn.linalg.cross(sn.tensor([0.0, 1.0, 0.0]), sn.tensor([0.0, 0.0, 1.0])).tolist()
    [1.0, 0.0, 0.0]
    """
    return _linalg_cross(input, other, dim)


def vecdot(x, y, *, dim=-1, out=None):
    """``sum(x * y, dim)`` with broadcasting (real tensors).

    >>> import scratchnet as sn
    >>> sn.linalg.vecdot(sn.ones(2, 3), sn.ones(3)).tolist()
    [3.0, 3.0]
    """
    return (x * y).sum(dim)


# ---- norms ---------------------------------------------------------------------------------------
# vector_norm and matrix_norm belong to the reductions family (helper i11-ops-a); when that family
# provides them (as scratchnet.ops.<family>.vector_norm / matrix_norm) they replace the minimal
# versions below, and norm() dispatches to them by torch's rules.


def _minimal_vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The Euclidean norm only (stand-in until the reductions family's vector_norm is merged)."""
    if ord != 2:
        raise NotImplementedError("scratchnet.linalg.vector_norm: only ord=2 until the reductions family is merged")
    from .ops.math import where

    squares = x * x
    total = squares.sum(dim=dim, keepdim=keepdim) if dim is not None else squares.sum()
    zero = total == 0
    return where(zero, 0.0, where(zero, 1.0, total).sqrt())  # gradient 0 at the zero vector, as torch


def _minimal_matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """The Frobenius norm only (stand-in until the reductions family's matrix_norm is merged)."""
    if ord != "fro":
        raise NotImplementedError("scratchnet.linalg.matrix_norm: only ord='fro' until the reductions family is merged")
    return _minimal_vector_norm(A, 2, tuple(dim), keepdim)


def _provided(name, fallback):
    from . import ops

    return getattr(ops, name, None) or fallback


vector_norm = _provided("vector_norm", _minimal_vector_norm)
matrix_norm = _provided("matrix_norm", _minimal_matrix_norm)


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """torch.linalg.norm: a matrix norm when ``ord`` is a string, ``dim`` is a pair, or ``A`` is 2-D
    with ``ord`` given and ``dim`` None; otherwise a vector norm (over everything when ``dim`` and
    ``ord`` are None).

    >>> import scratchnet as sn
    >>> sn.linalg.norm(sn.tensor([[3.0, 0.0], [0.0, 4.0]])).item()
    5.0
    """
    if isinstance(dim, int):
        dim = (dim,)
    if isinstance(ord, str) or (dim is not None and len(dim) == 2) or (dim is None and ord is not None and A.ndim == 2):
        return matrix_norm(A, "fro" if ord is None else ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
