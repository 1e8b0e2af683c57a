"""Functions of a matrix built on its symmetric eigendecomposition or its SVD (``matrix_sqrth``,
``polar``), and the general eigendecomposition, which scratchnet cannot give: the eigenvalues of a
real non-symmetric matrix are complex and scratchnet has no complex dtypes.

Both are compositions of differentiable ops (:func:`..decompositions.eigh`, ``svd``), so their
gradients (and the next) come from those; like theirs they need distinct eigen/singular values.

>>> import scratchnet as sn
>>> sn.linalg.matrix_sqrth(sn.tensor([[4.0, 0.0], [0.0, 9.0]])).tolist()
[[2.0, 0.0], [0.0, 3.0]]
"""

from collections import namedtuple

from .decompositions import eigh, linalg_svd_fn
from .linalg import check_matrices
from .math import matmul
from .shape import transpose

__all__ = []  # (torch.adjoint itself: scratchnet/ops/aten_level.py)

linalg_polar = namedtuple("linalg_polar", ["U", "H"])


def matrix_sqrth(A):
    """The symmetric positive-definite ``X`` with ``X X = A`` for symmetric positive-definite
    ``A (*, n, n)`` (only its lower triangle is read): ``V diag(sqrt(w)) V^T`` from ``eigh``.

    >>> import scratchnet as sn
    >>> sn.linalg.matrix_sqrth(sn.tensor([[2.0, 0.0], [0.0, 16.0]]))[1, 1].item()
    4.0
    """
    check_matrices("linalg.matrix_sqrth", A)
    w, v = eigh(A, "L")
    return matmul(v * w.sqrt().unsqueeze(-2), v.mT)


def polar(A, *, out=None):
    """The polar decomposition ``A = U H`` of ``A (*, m, n)``, ``m >= n``: ``U (*, m, n)`` with
    orthonormal columns, ``H (*, n, n)`` symmetric positive-semidefinite; from the reduced SVD
    ``A = W diag(S) Vh``: ``U = W Vh``, ``H = Vh^T diag(S) Vh``. A namedtuple ``(U, H)``.

    >>> import scratchnet as sn
    >>> U, H = sn.linalg.polar(sn.tensor([[0.0, -2.0], [3.0, 0.0]]))
    >>> U.tolist(), H.tolist()
    ([[0.0, -1.0], [1.0, 0.0]], [[3.0, 0.0], [0.0, 2.0]])
    """
    check_matrices("linalg.polar", A, square=False)
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"linalg.polar: input must have at least as many rows as columns, but got {m} by {n} matrices")
    w, s, vh = linalg_svd_fn(A, full_matrices=False)
    return linalg_polar(matmul(w, vh), matmul(vh.mT * s.unsqueeze(-2), vh))


def _complex_only(name):
    raise NotImplementedError(
        f"{name}: the eigenvalues of a general real matrix are complex, and scratchnet has no complex dtypes; "
        "for a symmetric matrix use linalg.eigh / linalg.eigvalsh"
    )


def eig(A, *, out=None):
    """torch.linalg.eig: not available (its results are complex; scratchnet has no complex dtypes).
    Raises NotImplementedError; :func:`scratchnet.linalg.eigh` covers symmetric matrices.

    >>> import scratchnet as sn
    >>> sn.linalg.eig(sn.eye(2))
    Traceback (most recent call last):
    ...
    NotImplementedError: linalg.eig: the eigenvalues of a general real matrix are complex, and scratchnet has no complex dtypes; for a symmetric matrix use linalg.eigh / linalg.eigvalsh
    """
    check_matrices("linalg.eig", A)
    _complex_only("linalg.eig")


def eigvals(A, *, out=None):
    """torch.linalg.eigvals: not available (complex results, as :func:`eig`). Raises NotImplementedError.

    >>> import scratchnet as sn
    >>> sn.linalg.eigvals(sn.eye(2))
    Traceback (most recent call last):
    ...
    NotImplementedError: linalg.eigvals: the eigenvalues of a general real matrix are complex, and scratchnet has no complex dtypes; for a symmetric matrix use linalg.eigh / linalg.eigvalsh
    """
    check_matrices("linalg.eigvals", A)
    _complex_only("linalg.eigvals")


def _matrices_only(x, what):
    if x.ndim == 1:  # (a 0-d tensor is returned as is, as by mT)
        raise RuntimeError(f"tensor.{what} is only supported on matrices or batches of matrices. Got {x.ndim}-D tensor.")


def _mH(self):
    """``x.mH``: the conjugate transpose of the last two dims (real tensors: ``x.mT``), a view."""
    _matrices_only(self, "mH")
    return self if self.ndim == 0 else transpose(self, -2, -1)


def _H(self):
    """``x.H``: the conjugate transpose of a matrix (2-D only; real tensors: ``x.T``), a view."""
    if self.ndim != 2:
        raise RuntimeError(
            f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor."
            + (" For batches of matrices, consider using tensor.mH" if self.ndim > 2 else "")
        )
    return transpose(self, 0, 1)


METHODS = {"mH": property(_mH), "H": property(_H)}
