"""The LAPACK kernels behind torch's linalg, written in NumPy over a whole batch at once (a Python
loop over the matrix size ``n``, never over elements or batch entries), so that scratchnet gives
torch's answers where NumPy's own routines differ or refuse: the info codes of the ``_ex``
functions, the inf/NaN-filled results of singular solves, partial Cholesky factors, the sign of a
NaN determinant.

- :func:`getrf` (and :func:`lu_factor`, its square form): LU with partial pivoting: the pivot is the first largest
  ``|a|`` of the column (a NaN is never chosen unless it comes first, as ``idamax``); a zero pivot
  leaves its column unscaled and sets ``info`` to its 1-based index (the first one);
- :func:`lu_solve`: ``A X = B`` from those factors (``getrs``);
- :func:`triangular_solve`: substitution with a triangular matrix (``trsm``): no check for a zero
  diagonal (``x / 0`` gives inf or NaN, as torch);
- :func:`cholesky_lower`: the column Cholesky (``potf2``): a column whose ``a_jj - sum l_jk^2``
  is not positive (or NaN) stops that matrix, keeping that value on the diagonal, and sets
  ``info`` to its order.

>>> import numpy as np
>>> lu, perm, sign, info = lu_factor(np.array([[1.0, 2.0], [2.0, 4.0]]))
>>> info.tolist(), sign.tolist()
(2, -1.0)
"""

from ..backend import xp


def _flat(a):
    return a.reshape((int(xp.prod(a.shape[:-2], dtype=xp.int64)),) + a.shape[-2:])


def lu_factor(a):
    """``(lu, perm, sign, info)`` of a batch ``(*, n, n)``: L (unit, below the diagonal) and U in
    ``lu``; ``perm[i]`` the row of ``a`` in row ``i`` of ``P A``; ``sign`` the permutation's sign."""
    lu, pivots, perm, info = getrf(a)
    swaps = (pivots != xp.arange(1, pivots.shape[-1] + 1)).sum(-1)
    sign = xp.where(swaps % 2 == 1, -1, 1).astype(a.dtype)
    return lu, perm, sign, info


def getrf(a):
    """``(lu, pivots, perm, info)`` of a batch ``(*, m, n)``, LAPACK's ``getrf``: with
    ``k = min(m, n)``, L (``m x k``, unit, below the diagonal) and U (``k x n``) in ``lu``;
    ``pivots`` LAPACK's 1-based int32 row swaps (row ``i`` was swapped with row ``pivots[i] - 1``,
    in order); ``perm[i]`` the row of ``a`` that ends in row ``i`` (``a[perm] = L U``)."""
    u = xp.array(_flat(a), copy=True)
    batch, m, n = u.shape
    k_max = min(m, n)
    rows = xp.arange(batch)
    perm = xp.broadcast_to(xp.arange(m), (batch, m)).copy()
    pivots = xp.broadcast_to(xp.arange(1, k_max + 1, dtype=xp.int32), (batch, k_max)).copy()
    info = xp.zeros(batch, dtype=xp.int32)
    with xp.errstate(all="ignore"):
        for k in range(k_max if u.size else 0):  # (an empty batch of any dtype: nothing to do)
            col = xp.abs(u[:, k:, k])
            p = k + xp.argmax(xp.where(xp.isnan(col), -1, col), axis=1)
            p = xp.where(xp.isnan(col[:, 0]), k, p)
            pivot_value = u[rows, p, k]
            p = xp.where(pivot_value == 0, k, p)  # getf2 swaps only for a nonzero pivot
            u[rows, k], u[rows, p] = u[rows, p], u[rows, k].copy()
            perm[rows, k], perm[rows, p] = perm[rows, p], perm[rows, k].copy()
            pivots[:, k] = p + 1
            pivot = u[:, k, k]
            info = xp.where((info == 0) & (pivot == 0), k + 1, info).astype(xp.int32)
            safe = xp.where(pivot == 0, 1, pivot)[:, None]
            # torch's kernels: float64 scales by the reciprocal of the pivot, float32 divides
            # (it matters only for inf, NaN and denormals: 1 / denormal overflows)
            scaled = u[:, k + 1 :, k] * (1 / safe) if a.dtype == xp.float64 else u[:, k + 1 :, k] / safe
            factors = xp.where((pivot != 0)[:, None], scaled, u[:, k + 1 :, k])
            u[:, k + 1 :, k] = factors
            u[:, k + 1 :, k + 1 :] -= factors[:, :, None] * u[:, k, None, k + 1 :]
    shape = a.shape[:-2]
    return u.reshape(a.shape), pivots.reshape(shape + (k_max,)), perm.reshape(shape + (m,)), info.reshape(shape)


def triangular_solve(t, b, upper, unit=False, reciprocal=False):
    """``X`` with ``T X = B`` by column substitution (every entry divided and subtracted, zeros
    included, so NaN and inf spread as in torch's kernels); batches broadcast. ``reciprocal``
    multiplies by ``1 / t_kk`` instead of dividing, as the LU solve's kernel does (there a
    denormal pivot gives inf)."""
    batch = xp.broadcast_shapes(t.shape[:-2], b.shape[:-2])
    n = t.shape[-1]
    t = xp.broadcast_to(t, batch + t.shape[-2:])
    x = xp.array(xp.broadcast_to(b, batch + b.shape[-2:]), copy=True)
    order = range(n - 1, -1, -1) if upper else range(n)
    with xp.errstate(all="ignore"):
        for k in order:
            if not unit:
                if reciprocal:
                    x[..., k, :] *= 1 / t[..., k, k, None]
                else:
                    x[..., k, :] /= t[..., k, k, None]
            rest = slice(0, k) if upper else slice(k + 1, n)
            x[..., rest, :] -= t[..., rest, k, None] * x[..., k, None, :]
    return x


def solve(a, b, trans=False):
    """``(X, info)`` with ``A X = B`` (``A^T X = B`` with ``trans``) through :func:`lu_factor`
    of ``A`` and :func:`lu_solve`."""
    lu, perm, _, info = lu_factor(a)
    return lu_solve(lu, perm, b, trans), info


def lu_solve(lu, perm, b, trans=False):
    """``X`` with ``A X = B`` (or ``A^T X = B``, as ``getrs``'s 'T') from :func:`lu_factor`'s
    factors of ``A``; no check: a zero pivot gives inf/NaN, as torch. Batches broadcast."""
    batch = xp.broadcast_shapes(lu.shape[:-2], b.shape[:-2])
    b = xp.broadcast_to(b, batch + b.shape[-2:])
    perm = xp.broadcast_to(perm, batch + perm.shape[-1:])
    lu = xp.broadcast_to(lu, batch + lu.shape[-2:])
    if trans:  # A^T = U^T L^T P: solve U^T, then L^T, then undo the permutation
        lut = xp.swapaxes(lu, -1, -2)
        w = triangular_solve(lut, triangular_solve(lut, b, upper=False, reciprocal=True), upper=True, unit=True)
        x = xp.empty_like(w)
        xp.put_along_axis(x, perm[..., :, None], w, axis=-2)
        return x
    pb = xp.take_along_axis(b, perm[..., :, None], axis=-2)
    y = triangular_solve(lu, pb, upper=False, unit=True)
    return triangular_solve(lu, y, upper=True, reciprocal=True)


def cholesky_lower(a):
    """``(L, info)``: the lower Cholesky factor of each matrix (reading its lower triangle); for a
    matrix that is not positive-definite, the factor as far as it got (LAPACK's ``potf2``: the
    failing column keeps ``a_jj - sum l_jk^2`` on its diagonal, later columns the input), info the
    order of the failing minor."""
    low = xp.tril(xp.array(_flat(a), copy=True))
    batch, n = low.shape[0], low.shape[-1]
    info = xp.zeros(batch, dtype=xp.int32)
    with xp.errstate(all="ignore"):
        for j in range(n):
            active = info == 0
            row = low[:, j, :j]
            ajj = low[:, j, j] - (row * row).sum(-1)
            bad = active & ~(ajj > 0)
            info = xp.where(bad, j + 1, info).astype(xp.int32)
            go = active & ~bad
            low[:, j, j] = xp.where(active, xp.where(go, xp.sqrt(xp.where(go, ajj, 1)), ajj), low[:, j, j])
            col = (low[:, j + 1 :, j] - (low[:, j + 1 :, :j] * row[:, None, :]).sum(-1)) * (1 / low[:, j, j])[:, None]
            low[:, j + 1 :, j] = xp.where(go[:, None], col, low[:, j + 1 :, j])
    return low.reshape(a.shape), info.reshape(a.shape[:-2])


def _masked_sum(products, mask, axis):
    """Sum of ``products`` where ``mask``: the structural zeros of a triangle are skipped, never
    multiplied (so ``0 * inf`` does not make a NaN), as LAPACK's triangular kernels."""
    return xp.where(mask, products, 0).sum(axis)


def cholesky_inverse_lower(low):
    """``(L L^T)^-1`` from a lower factor, as LAPACK's ``potri``: the inverse of the triangle
    (``trti2``, column by column from the last), then ``L^-T L^-1`` over the triangles only
    (``lauu2``), mirrored into the upper half."""
    n = low.shape[-1]
    t = xp.tril(xp.array(low, copy=True))
    lower = xp.tril(xp.ones((n, n), dtype=bool))
    with xp.errstate(all="ignore"):
        for j in range(n - 1, -1, -1):
            t[..., j, j] = 1 / t[..., j, j]
            if j < n - 1:
                x = t[..., j + 1 :, j]
                block = t[..., j + 1 :, j + 1 :]
                t[..., j + 1 :, j] = _masked_sum(block * x[..., None, :], lower[j + 1 :, j + 1 :], -1) * -t[..., j, j, None]
        k = xp.arange(n)
        # out[i, j] = sum over k >= max(i, j) of t[k, i] t[k, j]
        mask = k[:, None, None] >= xp.maximum(k[None, :, None], k[None, None, :])
        return _masked_sum(t[..., :, :, None] * t[..., :, None, :], mask, -3)


def svd(a, **kwargs):
    """NumPy's SVD with torch's error where the iteration does not converge (non-finite input)."""
    from .linalg import LinAlgError

    try:
        return xp.linalg.svd(a, **kwargs)
    except xp.linalg.LinAlgError:
        flat = a.reshape((-1,) + a.shape[-2:])
        bad = [i for i in range(flat.shape[0]) if not xp.isfinite(flat[i]).all()]
        prefix = f"(Batch element {bad[0] if bad else 0}): " if a.ndim > 2 else ""
        raise LinAlgError(f"linalg.svd: {prefix}The algorithm failed to converge because the input matrix contained non-finite values.") from None


def eigh(a, UPLO):
    """NumPy's eigh with torch's error where the iteration does not converge."""
    from .linalg import LinAlgError

    try:
        return xp.linalg.eigh(a, UPLO=UPLO)
    except xp.linalg.LinAlgError:
        raise LinAlgError("linalg.eigh: The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: 1).") from None
