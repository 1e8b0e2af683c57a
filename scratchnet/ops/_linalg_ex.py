"""The ``_ex`` forms of linalg's inverse, Cholesky and solve: results with an ``info`` code per
matrix (0, or LAPACK's code: the zero pivot, the order of the failing minor) instead of an error,
unless ``check_errors=True``.

>>> import scratchnet as sn
>>> sn.linalg.inv_ex(sn.tensor([[1.0, 2.0], [2.0, 4.0]])).info.item()
2
"""

import math
from collections import namedtuple

from ..backend import xp
from ..tensor import Tensor
from .linalg import LinAlgError, _first_not_positive, _zero_pivots, check_matrices, inv, linalg_cholesky, solve


linalg_inv_ex = namedtuple("linalg_inv_ex", ["inverse", "info"])
linalg_cholesky_ex = namedtuple("linalg_cholesky_ex", ["L", "info"])
linalg_solve_ex = namedtuple("linalg_solve_ex", ["result", "info"])


def _info(A, codes):
    return Tensor._make(xp.asarray(codes, dtype=xp.int32).reshape(tuple(A.shape[:-2])))


def _ex(name, run, A, check_errors, codes_of, fill):
    """Run ``run()``; on a LinAlgError (and ``check_errors=False``) give ``fill`` values and the
    LAPACK-style code of each failing matrix, as torch's ``*_ex`` functions do."""
    try:
        return run(), _info(A, xp.zeros(int(math.prod(A.shape[:-2])), xp.int32))
    except LinAlgError as e:
        if check_errors:
            raise LinAlgError(str(e).replace(name.replace("_ex", ""), name, 1)) from None
        return fill(), _info(A, codes_of(A.array))


def _each(fn, a, out_shape):
    """``fn`` on each matrix of a batch, NaN where it fails (the error path of the _ex forms;
    outside the graph)."""
    flat = a.reshape((-1,) + a.shape[-2:])
    out = xp.full((flat.shape[0],) + tuple(out_shape[len(a.shape) - 2 :]), xp.nan, a.dtype)
    for i, m in enumerate(flat):
        try:
            out[i] = fn(m, i)
        except xp.linalg.LinAlgError:
            pass
    return Tensor._make(out.reshape(out_shape))


def inv_ex(A, *, check_errors=False, out=None):
    """``(inverse, info)``: info is 0, or the index of the zero pivot of a singular matrix (whose
    inverse is then not meaningful).

    >>> import scratchnet as sn
    >>> sn.linalg.inv_ex(sn.eye(2)).info.item()
    0
    """
    check_matrices("linalg.inv_ex", A)
    fill = lambda: _each(lambda m, i: xp.linalg.inv(m), A.array, A.shape)  # noqa: E731
    inverse, info = _ex("linalg.inv_ex", lambda: inv(A), A, check_errors, _zero_pivots, fill)
    return linalg_inv_ex(inverse, info)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """``(L, info)``: info is 0, or the order of the first leading minor that is not
    positive-definite.

    >>> import scratchnet as sn
    >>> sn.linalg.cholesky_ex(-sn.eye(2)).info.item()
    1
    """
    check_matrices("linalg.cholesky_ex", A)

    def codes(a):
        flat = a.reshape((-1,) + a.shape[-2:])
        return [0 if _positive(m) else _first_not_positive(m)[0] for m in flat]

    fill = lambda: _each(lambda m, i: xp.linalg.cholesky(m).T if upper else xp.linalg.cholesky(m), A.array, A.shape)  # noqa: E731
    L, info = _ex("linalg.cholesky_ex", lambda: linalg_cholesky(A, upper=upper), A, check_errors, codes, fill)
    return linalg_cholesky_ex(L, info)


def _positive(m):
    try:
        xp.linalg.cholesky(m)
        return True
    except xp.linalg.LinAlgError:
        return False


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """``(result, info)`` of :func:`solve`: info is 0, or the zero pivot of a singular matrix.

    >>> import scratchnet as sn
    >>> sn.linalg.solve_ex(sn.eye(2), sn.ones(2)).result.tolist()
    [1.0, 1.0]
    """
    check_matrices("linalg.solve_ex", A)

    def fill():
        vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
        b = B.array[..., None] if vector else B.array
        batch = xp.broadcast_shapes(tuple(A.shape[:-2]), b.shape[:-2])
        a_full, b_full = xp.broadcast_to(A.array, batch + tuple(A.shape[-2:])), xp.broadcast_to(b, batch + b.shape[-2:])
        b_flat = b_full.reshape((-1,) + b.shape[-2:])
        out = _each(lambda m, i: xp.linalg.solve(m, b_flat[i]), a_full, batch + b.shape[-2:])
        return out.squeeze(-1) if vector else out

    result, info = _ex("linalg.solve_ex", lambda: solve(A, B, left=left), A, check_errors, _zero_pivots, fill)
    return linalg_solve_ex(result, info)
