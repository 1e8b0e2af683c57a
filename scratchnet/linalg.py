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

from .ops.decompositions import eigh, eigvalsh, lstsq, matrix_exp, matrix_rank, pinv, svdvals
from .ops.decompositions import linalg_qr_fn as qr
from .ops.decompositions import linalg_svd_fn as svd
from .ops._linalg_ex import cholesky_ex, inv_ex, solve_ex
from .ops.linalg import LinAlgError, inv, matrix_power, solve, solve_triangular
from .ops.linalg import linalg_det as det
from .ops.linalg import linalg_cholesky as cholesky
from .ops.linalg import linalg_slogdet_fn as slogdet
from .ops.math import matmul
from .ops.lu import linalg_lu as lu
from .ops.lu import linalg_lu_solve as lu_solve
from .ops.lu import lu_factor, lu_factor_ex
from .ops.householder import householder_product
from .ops.ldl import ldl_factor, ldl_factor_ex, ldl_solve
from .ops.matrix_functions import eig, eigvals, matrix_sqrth, polar
from .ops.products import _linalg_cross, _multi_dot
from .backend import xp
from .tensor import Tensor

__all__ = [
    "LinAlgError", "inv", "det", "slogdet", "solve", "solve_triangular", "cholesky", "qr", "eigh", "eigvalsh",
    "svd", "svdvals", "pinv", "matrix_power", "matrix_rank", "lstsq", "multi_dot", "cross", "matmul", "norm",
    "vector_norm", "matrix_norm", "vecdot", "inv_ex", "cholesky_ex", "solve_ex", "tensorinv", "tensorsolve", "vander",
    "cond", "diagonal", "matrix_exp", "lu", "lu_factor", "lu_factor_ex", "lu_solve",
    "householder_product", "matrix_sqrth", "polar", "eig", "eigvals", "ldl_factor", "ldl_factor_ex", "ldl_solve",
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
    from .dtypes import torch_name

    if x.dtype not in ("float32", "float64"):
        raise RuntimeError(f"linalg.vecdot: Expected a floating point or complex tensor as input. Got {torch_name(x.dtype)}")
    if y.dtype != x.dtype:
        raise RuntimeError(
            f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type {torch_name(x.dtype)} and y of type "
            f"{torch_name(y.dtype)} instead"
        )
    return (x * y).sum(dim)


def tensorinv(A, ind=2, *, out=None):
    """The inverse of ``A`` seen as a linear map from its first ``ind`` dims to the rest:
    ``tensordot(tensorinv(A, ind), A, ind)`` is the identity; shape ``A.shape[ind:] + A.shape[:ind]``.

    >>> import scratchnet as sn
    >>> tuple(sn.linalg.tensorinv(sn.eye(4).reshape(4, 2, 2), ind=1).shape)
    (2, 2, 4)
    """
    import math

    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    if ind > A.ndim:
        raise RuntimeError(f"ArrayRef: invalid slice, N = {ind}; size = {A.ndim}")
    rows, cols = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    if math.prod(rows) != math.prod(cols):
        raise RuntimeError(
            f"Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got "
            f"{math.prod(cols)} != {math.prod(rows)}"
        )
    return inv(A.reshape(math.prod(rows), math.prod(cols))).reshape(cols + rows)


def tensorsolve(A, B, dims=None, *, out=None):
    """``X`` with ``tensordot(A, X, X.ndim) = B``: ``A`` seen as a map from its last dims (the
    ``dims`` listed are moved there first) to ``B``'s shape.

    >>> import scratchnet as sn
    >>> tuple(sn.linalg.tensorsolve(sn.eye(6).reshape(2, 3, 6), sn.ones(2, 3)).shape)
    (6,)
    """
    import math

    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = A.permute(*[d for d in range(A.ndim) if d not in dims], *dims)
    rest = tuple(A.shape[B.ndim:])
    x = solve(A.reshape(math.prod(B.shape), math.prod(rest)), B.reshape(-1))
    return x.reshape(rest)


def vander(x, *, N=None):
    """The Vandermonde matrix ``[1, x, x^2, ..., x^(N-1)]`` along a new last dim (N defaults to
    ``x.shape[-1]``).

    >>> import scratchnet as sn
    >>> sn.linalg.vander(sn.tensor([1.0, 2.0]), N=3).tolist()
    [[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]]
    """
    from .dtypes import torch_name
    from .ops.scan import cumprod
    from .ops.shape import cat

    if x.dtype == "bool":
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer tensors, but got {torch_name('bool')}")
    x = x.reshape(1) if x.ndim == 0 else x
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    if x.dtype not in ("float32", "float64"):
        x = x.long()  # integer input gives int64 powers, as torch
    ones = Tensor._make(xp.ones(tuple(x.shape) + (1,), x.dtype))
    powers = cumprod(x.unsqueeze(-1).expand(*x.shape, n - 1), dim=-1)  # torch's cumprod: its gradient too
    return cat([ones, powers], dim=-1)


def cond(A, p=None, *, out=None):
    """The condition number: ``sigma_max / sigma_min`` for ``p`` None or 2 (``-2``: the inverse),
    otherwise ``norm(A, p) * norm(inv(A), p)``.

    >>> import scratchnet as sn
    >>> sn.linalg.cond(sn.tensor([[1.0, 0.0], [0.0, 4.0]])).item()
    4.0
    """
    if A.ndim < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    if A.numel() == 0:  # torch: zeros of the batch shape, outside the graph
        return Tensor._make(xp.zeros(tuple(A.shape[:-2]), A.dtype))
    if p in (None, 2, -2):
        s = svdvals(A)
        ratio = s[..., 0] / s[..., -1]
        return ratio if p != -2 else 1 / ratio
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonal (shifted by ``offset``) of the matrices over ``dim1`` and ``dim2``, as a last
    dim.

    >>> import scratchnet as sn
    >>> sn.linalg.diagonal(sn.arange(9.0).reshape(3, 3), offset=1).tolist()
    [1.0, 5.0]
    """
    from .ops.einsum import einsum
    from .tensor import _wrap_dim

    d1, d2 = _wrap_dim(dim1, A.ndim), _wrap_dim(dim2, A.ndim)
    rest = [d for d in range(A.ndim) if d not in (d1, d2)]
    m = A.permute(*rest, d1, d2)
    m = m[..., :, offset:] if offset >= 0 else m[..., -offset:, :]
    k = max(0, min(m.shape[-2], m.shape[-1]))
    return einsum("...ii->...i", m[..., :k, :k])


# ---- norms ---------------------------------------------------------------------------------------
# vector_norm and matrix_norm live with the reductions (scratchnet/ops/norms.py); norm() below
# dispatches to them by torch's rules.

from .ops.norms import matrix_norm, vector_norm  # noqa: E402


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
    # torch's checks first: a dim names one or two dims; with no dim, an ord needs a 1-D or 2-D A
    if dim is not None and len(dim) not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
    if dim is None and ord is not None and A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A.ndim}D.")
    if isinstance(ord, str):
        return matrix_norm(A, ord, (0, 1) if dim is None else dim, keepdim, dtype=dtype)
    # a numeric ord over a pair of dims (or a whole 2-D A) is a matrix norm; no ord is the 2-norm
    # of the elements (Frobenius's value), computed as a vector norm, so its errors are vector_norm's
    if ord is not None and ((dim is not None and len(dim) == 2) or (dim is None and A.ndim == 2)):
        return matrix_norm(A, ord, (0, 1) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
