"""Randomized low-rank SVD and PCA (Halko, Martinsson and Tropp, 2009, algorithms 4.4 and 5.1),
as torch's ``svd_lowrank`` / ``pca_lowrank``: a Gaussian test matrix (drawn from the global
generator, so a seed gives torch's draws), a few subspace iterations with QR, then the SVD of
the small projected matrix. Compositions of differentiable ops (matmul, linalg.qr, linalg.svd).

>>> import scratchnet as sn
>>> _ = sn.manual_seed(0)
>>> U, S, V = sn.svd_lowrank(sn.tensor([[3.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), q=2)
>>> [round(s, 4) for s in S.tolist()]
[3.0, 1.0]
"""

from .decompositions import linalg_qr_fn, linalg_svd_fn
from .math import matmul

__all__ = ["svd_lowrank", "pca_lowrank"]


def _basis(A, q, niter, M=None):
    """``Q (*, m, q)`` with orthonormal columns such that ``Q Q^T (A - M)`` approximates ``A - M``."""
    from ..random import randn

    dtype = A.dtype if A.dtype in ("float32", "float64") else "float32"
    R = randn(A.shape[-1], q, dtype=dtype)

    def times(X, Y, transpose=False):
        left = A.mT if transpose else A
        out = matmul(left, Y)
        return out if M is None else out - matmul(M.mT if transpose else M, Y)

    Q = linalg_qr_fn(times(A, R)).Q
    for _ in range(2 if niter is None else niter):
        Q = linalg_qr_fn(times(A, Q, transpose=True)).Q
        Q = linalg_qr_fn(times(A, Q)).Q
    return Q


def _lowrank(A, q, niter, M):
    m, n = A.shape[-2:]
    q = 6 if q is None else q
    if M is not None:
        M = M.broadcast_to(tuple(A.shape))
    if m < n:
        A, M = A.mT, (None if M is None else M.mT)
    Q = _basis(A, q, niter, M)
    B = matmul(Q.mT, A)
    if M is not None:
        B = B - matmul(Q.mT, M)
    U, S, Vh = linalg_svd_fn(B, full_matrices=False)
    U, V = matmul(Q, U), Vh.mT
    return (V, S, U) if m < n else (U, S, V)


def svd_lowrank(A, q=6, niter=2, M=None):
    """``(U, S, V)`` with ``A - M ~ U diag(S) V^T`` of rank ``q`` (``M`` broadcasts to ``A``; none
    by default), by ``niter`` subspace iterations from a random start: seed the generator for
    repeatable results.

    >>> import scratchnet as sn
    >>> U, S, V = sn.svd_lowrank(sn.ones(4, 3), q=1)
    >>> round(S.item(), 4)
    3.4641
    """
    return _lowrank(A, q, niter, M)


def pca_lowrank(A, q=None, center=True, niter=2):
    """``(U, S, V)``, the principal components of the rows of ``A`` (centred by their column means
    unless ``center=False``) from :func:`svd_lowrank` with ``q`` (default ``min(6, m, n)``).

    >>> import scratchnet as sn
    >>> U, S, V = sn.pca_lowrank(sn.tensor([[1.0, 1.0], [-1.0, -1.0]]), q=1)
    >>> round(S.item(), 4)
    2.0
    """
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not (0 <= q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return _lowrank(A, q, niter, None)
    return _lowrank(A - A.mean(dim=(-2,), keepdim=True), q, niter, None)
