"""Linear algebra, part 2: QR, symmetric eigendecomposition, SVD, and what is built on them
(pseudo-inverse, rank, least squares).

A factorization has several outputs; its node returns them packed into one array (each output
flattened per batch element, side by side), and the outputs are slices of it reshaped, so one
backward sees the gradients of all of them. The backwards (torch's formulas, in scratchnet ops):

- QR (``m >= n``): ``M = R dR^T - dQ^T Q``; ``dA = (dQ + Q copyltu(M)) R^-T``;
- eigh: ``dA = V (skew(V^T dV) / E + diag(dw)) V^T`` with ``E_ij = w_j - w_i``;
- SVD: ``dA = U [(skew(U^T dU) S + S skew(V^T dV)) / E + diag(dS)] V^T`` plus the parts of
  ``dU``, ``dV`` outside the spans of U, V, with ``E_ij = S_j^2 - S_i^2`` and ``skew(X) = X - X^T``.

They need distinct eigen/singular values (a repeated one has no unique vectors), as in torch.

>>> import scratchnet as sn
>>> Q, R = sn.linalg.qr(sn.tensor([[3.0, 1.0], [4.0, 2.0]]))
>>> round(abs(R[0, 0].item()), 4), round(abs(R[1, 1].item()), 4)
(5.0, 0.4)
"""

import math
from collections import namedtuple

from ..backend import xp
from ..tensor import Function, Tensor
from . import _lapack
from .linalg import check_matrices, inv, solve, solve_triangular
from .math import matmul
from .shape import cat

__all__ = ["qr", "svd", "pinverse", "matrix_exp"]

linalg_qr = namedtuple("linalg_qr", ["Q", "R"])
linalg_eigh = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
linalg_svd = namedtuple("linalg_svd", ["U", "S", "Vh"])
svd_result = namedtuple("svd", ["U", "S", "V"])
linalg_lstsq = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


def _const(array):
    return Tensor._make(array)


def _eye(n, like):
    return _const(xp.eye(n, dtype=like.dtype))


def _diag_embed(v):
    """A batch of diagonal matrices from a batch of vectors (differentiable)."""
    return v.unsqueeze(-1) * _eye(v.shape[-1], v)


def _tril(m, k=0):
    n = m.shape[-1]
    return m * _const(xp.tril(xp.ones((m.shape[-2], n), dtype=m.dtype), k))


# --- packing several outputs into one node ------------------------------------------------------


class _Packed:
    """(Mixed into a Function) a node with several outputs: ``compute(*arrays) -> list of arrays`` is packed; subclasses
    write ``grads(ctx, outputs, grads)`` on the unpacked Tensors."""

    def forward(ctx, *arrays, **params):
        ctx.params = params
        outs = ctx.compute(*arrays, **params)
        ctx.batch = arrays[0].shape[:-2]
        ctx.cores = [o.shape[len(ctx.batch) :] for o in outs]
        packed = xp.concatenate([o.reshape(ctx.batch + (math.prod(core),)) for o, core in zip(outs, ctx.cores)], axis=-1)
        ctx.save_for_backward(packed)
        return packed

    def backward(ctx, grad):
        (packed,) = ctx.saved_tensors
        return ctx.grads(unpack(packed, ctx.batch, ctx.cores), unpack(grad, ctx.batch, ctx.cores))


def unpack(t, batch, cores):
    parts, start = [], 0
    for core in cores:
        size = math.prod(core)
        parts.append(t[..., start : start + size].reshape(tuple(batch) + tuple(core)))
        start += size
    return parts


def _apply(cls, cores, *tensors, **params):
    """Run a packed node and return its outputs (shapes ``batch + core`` for each core)."""
    return unpack(cls.apply(*tensors, **params), tuple(tensors[0].shape[:-2]), cores)


# --- QR -------------------------------------------------------------------------------------------


class LinalgQr(_Packed, Function):
    def compute(ctx, a, mode):
        if mode == "r":
            return [xp.linalg.qr(a, mode="r")]
        return list(xp.linalg.qr(a, mode=mode))

    def grads(ctx, outs, grads):
        mode = ctx.params["mode"]
        if mode == "r":
            raise RuntimeError(
                "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
                "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr."
            )
        (q, r), (gq, gr) = outs, grads
        m, n = q.shape[-2], r.shape[-1]
        if mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        if m >= n:
            return _qr_tall_grad(q, r, gq, gr)
        a = ctx.inputs[0]
        y = a[..., m:]
        u, v, gu, gv = r[..., :m], r[..., m:], gr[..., :m], gr[..., m:]
        gx = _qr_tall_grad(q, u, gq + matmul(y, gv.mT), gu)
        return cat([gx, matmul(q, gv)], dim=-1)


def _qr_tall_grad(q, r, gq, gr):
    m = matmul(r, gr.mT) - matmul(gq.mT, q)
    copyltu = _tril(m) + _tril(m, -1).mT
    b = gq + matmul(q, copyltu)
    return solve_triangular(r, b.mT, upper=True).mT  # b R^-T


def linalg_qr_fn(A, mode="reduced", *, out=None):
    """``A = Q R`` with orthonormal columns in ``Q`` and upper-triangular ``R``; ``mode`` is
    ``'reduced'`` (``Q`` is ``m x k``, k = min(m, n)), ``'complete'`` (``m x m``) or ``'r'`` (``Q``
    empty). A namedtuple ``(Q, R)``.

    >>> import scratchnet as sn
    >>> Q, R = sn.linalg.qr(sn.ones(4, 3))
    >>> tuple(Q.shape), tuple(R.shape)
    ((4, 3), (3, 3))
    """
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or 'complete'")
    check_matrices("linalg.qr", A, square=False)
    m, n = A.shape[-2:]
    k = min(m, n)
    cores = {"reduced": [(m, k), (k, n)], "complete": [(m, m), (m, n)], "r": [(k, n)]}[mode]
    parts = _apply(LinalgQr, cores, A, mode=mode)
    if mode == "r":
        return linalg_qr(Tensor._make(xp.zeros((0,), A.dtype)), parts[0])
    return linalg_qr(*parts)


def qr(input, some=True, *, out=None):
    """torch.qr, which torch has removed: raises its RuntimeError pointing to linalg.qr.

    >>> import scratchnet as sn
    >>> sn.qr(sn.eye(2))
    Traceback (most recent call last):
    ...
    RuntimeError: This function was deprecated since version 1.9 and is now removed. ...
    """
    mode = "reduced" if some else "complete"
    raise RuntimeError(
        "This function was deprecated since version 1.9 and is now removed. `torch.qr` is deprecated in favor of "
        "`torch.linalg.qr` and the boolean parameter `some` has been replaced with a string parameter `mode`.\n\n"
        "Q, R = torch.qr(A) should be replaced with:\nQ, R = torch.linalg.qr(A, mode='reduced')\n\nand\n\n"
        "Q, R = torch.qr(A, some=False) should be replaced with:\nQ, R = torch.linalg.qr(A, mode='complete')\n\n"
        f"Since `some` was set to {some}, use mode='{mode}'."
    )


# --- symmetric eigendecomposition --------------------------------------------------------------


def _check_uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


class LinalgEigh(_Packed, Function):
    def compute(ctx, a, UPLO):
        return list(_lapack.eigh(a, UPLO))

    def grads(ctx, outs, grads):
        (w, v), (gw, gv) = outs, grads
        vgv = matmul(v.mT, gv)
        skew = 0.5 * (vgv - vgv.mT)
        gaps = w.unsqueeze(-2) - w.unsqueeze(-1)
        gaps = gaps + _eye(w.shape[-1], w)  # the diagonal of skew is 0; 1 there avoids 0/0
        return matmul(matmul(v, skew / gaps + _diag_embed(gw)), v.mT)


def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and orthonormal eigenvectors of symmetric matrices, reading the
    ``UPLO`` triangle: ``A = V diag(w) V^T``; a namedtuple ``(eigenvalues, eigenvectors)``.

    >>> import scratchnet as sn
    >>> sn.linalg.eigh(sn.tensor([[2.0, 0.0], [0.0, 1.0]])).eigenvalues.tolist()
    [1.0, 2.0]
    """
    _check_uplo(UPLO)
    check_matrices("linalg.eigh", A)
    n = A.shape[-1]
    return linalg_eigh(*_apply(LinalgEigh, [(n,), (n, n)], A, UPLO=UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    """The eigenvalues of symmetric matrices, ascending (gradient ``V diag(dw) V^T``, through eigh).

    >>> import scratchnet as sn
    >>> sn.linalg.eigvalsh(sn.tensor([[2.0, 1.0], [1.0, 2.0]])).tolist()
    [1.0, 3.0]
    """
    _check_uplo(UPLO)
    check_matrices("linalg.eigvalsh", A)
    return eigh(A, UPLO).eigenvalues


# --- singular value decomposition ----------------------------------------------------------------


class LinalgSvd(_Packed, Function):
    def compute(ctx, a, full_matrices):
        return list(_lapack.svd(a, full_matrices=full_matrices))

    def grads(ctx, outs, grads):
        (u, s, vh), (gu, gs, gvh) = outs, grads
        k = s.shape[-1]
        if ctx.params["full_matrices"]:  # torch: only the first k columns of U / rows of Vh count
            u, gu, vh, gvh = u[..., :k], gu[..., :k], vh[..., :k, :], gvh[..., :k, :]
        v, gv = vh.mT, gvh.mT
        m, n = u.shape[-2], v.shape[-2]
        ugu, vgv = matmul(u.mT, gu), matmul(v.mT, gv)
        s2 = s * s
        gaps = s2.unsqueeze(-2) - s2.unsqueeze(-1) + _eye(k, s)
        core = ((ugu - ugu.mT) * s.unsqueeze(-2) + s.unsqueeze(-1) * (vgv - vgv.mT)) / gaps + _diag_embed(gs)
        if m > k:
            gu_s = gu / s.unsqueeze(-2)
            return matmul(matmul(u, core) + gu_s - matmul(u, matmul(u.mT, gu_s)), vh)
        if n > k:
            gv_s = (gv / s.unsqueeze(-2)).mT
            return matmul(u, matmul(core, vh) + gv_s - matmul(matmul(gv_s, v), vh))
        return matmul(matmul(u, core), vh)


def linalg_svd_fn(A, full_matrices=True, *, driver=None, out=None):
    """``A = U diag(S) Vh`` with singular values ``S`` descending; ``full_matrices=False`` gives the
    reduced ``U (m, k)``, ``Vh (k, n)``. A namedtuple ``(U, S, Vh)``.

    >>> import scratchnet as sn
    >>> sn.linalg.svd(sn.tensor([[3.0, 0.0], [0.0, -4.0]])).S.tolist()
    [4.0, 3.0]
    """
    check_matrices("linalg.svd", A, square=False)
    m, n = A.shape[-2:]
    k = min(m, n)
    cores = [(m, m), (k,), (n, n)] if full_matrices else [(m, k), (k,), (k, n)]
    return linalg_svd(*_apply(LinalgSvd, cores, A, full_matrices=bool(full_matrices)))


def svdvals(A, *, driver=None, out=None):
    """The singular values of each matrix, descending (gradient ``U diag(dS) Vh``, through the SVD).

    >>> import scratchnet as sn
    >>> sn.linalg.svdvals(sn.tensor([[3.0, 0.0], [0.0, -4.0]])).tolist()
    [4.0, 3.0]
    """
    check_matrices("linalg.svdvals", A, square=False)
    return linalg_svd_fn(A, full_matrices=False).S


def svd(input, some=True, compute_uv=True, *, out=None):
    """torch.svd: ``(U, S, V)`` with ``A = U diag(S) V^T`` (V, not Vh, and reduced by default:
    ``some=False`` gives the full U and V); ``compute_uv=False`` gives zero-filled U and V.

    >>> import scratchnet as sn
    >>> U, S, V = sn.svd(sn.ones(3, 2))
    >>> tuple(U.shape), tuple(V.shape)
    ((3, 2), (2, 2))
    """
    check_matrices("linalg.svd", input, square=False)
    if not compute_uv:
        m, n = input.shape[-2:]
        batch = tuple(input.shape[:-2])
        zeros = [Tensor._make(xp.zeros(batch + (d, d), input.dtype)) for d in (m, n)]
        return svd_result(zeros[0], svdvals(input), zeros[1])
    u, s, vh = linalg_svd_fn(input, full_matrices=not some)
    return svd_result(u, s, vh.mT)


# --- built on the SVD ------------------------------------------------------------------------------


def _cutoff(s, m, n, atol, rtol, dtype):
    """torch's tolerance: ``max(atol, rtol * largest singular value)``, rtol defaulting to
    ``eps * max(m, n)`` unless ``atol > 0`` is given (then 0). Each may be a number or a tensor
    broadcasting against the batch."""
    atol, rtol = (v.array[..., None] if isinstance(v, Tensor) else v for v in (atol, rtol))
    if rtol is None:
        default = xp.finfo(dtype).eps * max(m, n)
        rtol = default if atol is None else xp.where(xp.asarray(atol) > 0, 0.0, default)
    top = s[..., :1] if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), dtype)
    return xp.maximum(0.0 if atol is None else atol, rtol * top)


class LinalgPinv(Function):
    def forward(ctx, a, atol, rtol, hermitian=False):
        if hermitian:  # torch: the eigendecomposition of the lower triangle, |w| as singular values
            w, v = _lapack.eigh(a, "L")
            u, vh = v * xp.sign(xp.where(w == 0, 1, w))[..., None, :], xp.swapaxes(v, -1, -2)
            s = xp.abs(w)
            top = xp.sort(s, axis=-1)[..., ::-1]
            keep = s > _cutoff(top, a.shape[-2], a.shape[-1], atol, rtol, a.dtype)
        else:
            u, s, vh = _lapack.svd(a, full_matrices=False)
            keep = s > _cutoff(s, a.shape[-2], a.shape[-1], atol, rtol, a.dtype)
        s_inv = xp.where(keep, 1 / xp.where(keep, s, 1), 0)
        out = xp.swapaxes(vh, -1, -2) @ (s_inv[..., :, None] * xp.swapaxes(u, -1, -2))
        ctx.save_for_backward(a, out)
        return out.astype(a.dtype, copy=False)

    def backward(ctx, grad):
        a, p = ctx.saved_tensors
        m, n = a.shape[-2], a.shape[-1]
        gt = grad.mT
        return (
            -matmul(matmul(p.mT, grad), p.mT)
            + matmul(matmul(_eye(m, a) - matmul(a, p), gt), matmul(p, p.mT))
            + matmul(matmul(p.mT, p), matmul(gt, _eye(n, a) - matmul(p, a)))
        )


def pinv(A, *, atol=None, rtol=None, hermitian=False, rcond=None, out=None):
    """The Moore-Penrose pseudo-inverse through the SVD, dropping singular values at or below
    ``max(atol, rtol * largest)`` (torch's defaults). Its gradient assumes the rank is locally
    constant.

    >>> import scratchnet as sn
    >>> sn.linalg.pinv(sn.tensor([[2.0, 0.0], [0.0, 0.0]])).tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """
    check_matrices("linalg.pinv", A, square=False)
    if rcond is not None:
        rtol = rcond
    if hermitian:
        check_matrices("linalg.pinv", A)
    return LinalgPinv.apply(A, atol=atol, rtol=rtol, hermitian=bool(hermitian))


def pinverse(input, rcond=1e-15):
    """torch.pinverse: :func:`pinv` with relative tolerance ``rcond``.

    >>> import scratchnet as sn
    >>> sn.pinverse(sn.eye(2) * 4).tolist()
    [[0.25, 0.0], [0.0, 0.25]]
    """
    return pinv(input, rtol=rcond)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None, out=None):
    """The number of singular values above ``max(atol, rtol * largest)`` (int64, no gradient).

    >>> import scratchnet as sn
    >>> sn.linalg.matrix_rank(sn.tensor([[1.0, 2.0], [2.0, 4.0]])).item()
    1
    """
    check_matrices("linalg.matrix_rank", A, square=False)
    if tol is not None:
        atol, rtol = tol, 0.0
    s = _lapack.svd(A.array, compute_uv=False)
    return Tensor._make((s > _cutoff(s, A.shape[-2], A.shape[-1], atol, rtol, A.dtype)).sum(-1).astype(xp.int64))


def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solutions ``X`` minimising ``||A X - B||`` (through the pseudo-inverse), as
    torch's namedtuple ``(solution, residuals, rank, singular_values)``; residuals and singular
    values are filled as torch's drivers fill them (empty for the default 'gelsy').

    >>> import scratchnet as sn
    >>> x = sn.linalg.lstsq(sn.tensor([[1.0], [1.0]]), sn.tensor([[1.0], [3.0]])).solution
    >>> round(x.item(), 4)
    2.0
    """
    check_matrices("linalg.lstsq", A, square=False)
    if B.dtype != A.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected B to have the same dtype as A, but got B of type {B.dtype} instead")
    vector = B.ndim == A.ndim - 1
    b = B.unsqueeze(-1) if vector else B
    if b.shape[-2] != A.shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    m, n = A.shape[-2:]
    rtol = rcond if rcond is not None else xp.finfo(A.dtype).eps * max(m, n)
    x = matmul(pinv(A, rtol=rtol), b)
    rank = matrix_rank(A, rtol=rtol)
    empty = Tensor._make(xp.zeros((0,), A.dtype))
    driver = driver or "gelsy"
    if driver == "gels":  # torch: 'gels' assumes full rank and reports no rank
        rank = Tensor._make(xp.zeros((0,), xp.int64))
    singular = svdvals(A).detach() if driver in ("gelsd", "gelss") else empty
    residuals = empty
    if driver != "gelsy" and m > n and (driver == "gels" or bool((rank.array == n).all())):
        residuals = ((matmul(A, x) - b) ** 2).sum(-2)
    return linalg_lstsq(x.squeeze(-1) if vector else x, residuals, rank, singular)




# --- the matrix exponential (a composition of the ops above; the Cholesky-based solves: cholesky_solves.py)


def matrix_exp(A, *, out=None):
    """``exp(A) = sum_k A^k / k!`` for a batch of square matrices, by scaling and squaring: the
    series (18 terms, Horner's rule) of ``A / 2^s`` with ``||A / 2^s|| <= 1/2``, squared ``s``
    times. Built from matmuls, so its gradient (and the next) come from theirs.

    >>> import scratchnet as sn
    >>> round(sn.matrix_exp(sn.tensor([[1.0]])).item(), 4)
    2.7183
    """
    check_matrices("linalg.matrix_exp", A)
    n = A.shape[-1]
    if n == 1:  # torch's trivial case: the elementwise exponential (exp(-inf) = 0, not a series)
        return A.exp()
    norm = float(xp.abs(A.array).sum(-2).max()) if A.array.size else 0.0  # the 1-norm bounds the spectral radius
    s = max(0, int(math.ceil(math.log2(norm / 0.5)))) if norm > 0.5 and math.isfinite(norm) else 0
    b = A * (1.0 / 2**s) if s else A
    eye = _eye(n, A)
    result = eye + b * (1.0 / 18)
    for k in range(17, 0, -1):
        result = eye + matmul(b, result) * (1.0 / k)
    for _ in range(s):
        result = matmul(result, result)
    return result


METHODS = {"svd": svd, "pinverse": pinverse, "qr": qr, "matrix_exp": matrix_exp}
