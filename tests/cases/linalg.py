"""Registry cases of scratchnet.linalg (and torch's top-level aliases): batches of matrices drawn
well-conditioned, so inverses and solves are stable and finite differences meaningful.

- general square matrices: ``I * 1.5 + 0.3 * X`` (eigenvalues near 1.5);
- symmetric ones with distinct eigenvalues: ``Q diag(w) Q^T`` with ``Q`` from the QR of the
  draw and ``w`` spaced at least 0.5 apart (eigh, Cholesky: all positive); the case symmetrizes
  its input, ``(A + A^T) / 2``, so a finite difference on one triangle sees what the gradient says;
- for the SVD: ``Q1 diag(s) Q2^T`` with distinct singular values.

Eigen- and singular vectors are defined up to sign; each case fixes the sign (first row
positive) on both engines before comparing.
"""

import warnings

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import NO_LARGE, SPECIAL_VALUES, Case, Example, seeds

#: Special values for the iterative eigen- and singular-value solvers: zeros and denormals. With
#: inf, NaN or huge entries torch's LAPACK (MKL) either refuses ("failed to converge") or returns
#: whatever its iterations left (NaN in some places, untouched identity columns in others), which
#: depends on the library's internals: no definition to match.
FINITE_SPECIALS = tuple(v for v in SPECIAL_VALUES if np.isfinite(v) and abs(v) < 1e29)

batch = hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=2)  # empty batches included


def _matrices(square=True):
    """Apply a domain only to non-empty batches of (square) matrices: the 0-d, 1-D, empty and
    non-square draws of the odd-shapes check pass through unchanged (torch decides what they do)."""

    def wrap(domain):
        def apply(x, rng):
            if x.ndim < 2 or x.size == 0 or (square and x.shape[-1] != x.shape[-2]):
                return x
            return domain(x, rng)

        apply.__name__, apply.__doc__ = domain.__name__, domain.__doc__
        return apply

    return wrap


@_matrices()
def conditioned(x, rng):
    """Square matrices near 1.5 * I."""
    return 0.3 * x + 1.5 * np.eye(x.shape[-1])


def _orthogonal(x):
    q, r = np.linalg.qr(x)
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1) + 0.5)[..., None, :]


@_matrices()
def symmetric_spread(x, rng):
    """Symmetric positive-definite matrices with eigenvalues 1, 1.5, 2, ... (jittered)."""
    n = x.shape[-1]
    w = 1.0 + 0.5 * np.arange(n) + rng.uniform(0, 0.1, x.shape[:-1])
    q = _orthogonal(x)
    return q @ (w[..., :, None] * np.swapaxes(q, -1, -2))


@_matrices(square=False)
def spread_singular(x, rng):
    """Matrices with singular values 1, 1.6, 2.2, ... (jittered)."""
    m, n = x.shape[-2:]
    k = min(m, n)
    s = 1.0 + 0.6 * np.arange(k)[::-1] + rng.uniform(0, 0.1, x.shape[:-2] + (k,))
    u = _orthogonal(rng.standard_normal(x.shape[:-2] + (m, m)))[..., :k]
    v = _orthogonal(x.swapaxes(-1, -2) @ x + np.eye(n) if m >= n else rng.standard_normal(x.shape[:-2] + (n, n)))[..., :k]
    return u @ (s[..., :, None] * np.swapaxes(v, -1, -2))


@st.composite
def square(draw, rhs=None, min_n=1):
    b, n = draw(batch), draw(st.integers(min_n, 4))
    shapes = [b + (n, n)]
    params = {}
    if rhs == "matrix":
        shapes.append(draw(st.sampled_from([b, b[1:], ()])) + (n, draw(st.integers(1, 3))))
    elif rhs == "vector":
        shapes.append(b + (n,))
    elif rhs == "right":
        shapes.append(b + (draw(st.integers(1, 3)), n))
    return Example(shapes, params, draw(seeds))


@st.composite
def rectangular(draw, **params):
    b = draw(batch)
    shape = b + (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    return Example([shape], {k: draw(v) for k, v in params.items()}, draw(seeds))


@st.composite
def tall_with_rhs(draw):
    b, n = draw(batch), draw(st.integers(1, 3))
    m = n + draw(st.integers(0, 2))
    return Example([b + (m, n), b + (m, draw(st.integers(1, 3)))], {}, draw(seeds))


@st.composite
def vecdot_shapes(draw):
    """Batch dims that broadcast and one common last dim (torch does not broadcast the summed dim)."""
    pair = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3))
    k = draw(st.integers(1, 3))
    return Example([s + (k,) for s in pair.input_shapes], {}, draw(seeds))


def sym(a):
    return (a + a.mT) / 2


def first_row_positive(lib, v, like=None):
    """Each column (of v, or of ``like`` when given) times the sign of its first entry."""
    ref = v if like is None else like
    return lib.sign(ref[..., :1, :]).detach() if lib.__name__ == "torch" else lib.sgn(ref[..., :1, :]).detach()


def eigh_fixed(lib, a, UPLO):
    w, v = lib.linalg.eigh(sym(a), UPLO=UPLO)
    return w, v * first_row_positive(lib, v)


def qr_fixed(lib, a, mode):
    q, r = lib.linalg.qr(a, mode=mode)
    k = min(a.shape[-2:])
    signs = lib.sign(r[..., :k, :k].diagonal(dim1=-2, dim2=-1)) if lib.__name__ == "torch" else _diag_sign(r, k)
    q = q[..., :, :k] * signs.unsqueeze(-2)
    return q, r[..., :k, :] * signs.unsqueeze(-1)


def _diag_sign(r, k):
    import scratchnet

    return scratchnet.tensor(np.sign(np.diagonal(r.detach().numpy()[..., :k, :k], axis1=-2, axis2=-1)))


def svd_fixed(lib, a, full_matrices):
    u, s, vh = lib.linalg.svd(a, full_matrices=full_matrices)
    k = s.shape[-1]
    signs = first_row_positive(lib, u[..., :k])
    return u[..., :k] * signs, s, vh[..., :k, :] * signs.mT


def torch_svd_fixed(lib, a, some):
    u, s, v = lib.svd(a, some=some)
    k = s.shape[-1]
    signs = first_row_positive(lib, u[..., :k])
    return u[..., :k] * signs, s, v[..., :k] * signs


def _quiet(fn):
    def call(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)

    return call


triangular = [_matrices()(lambda x, r: np.triu(x) * 0.3 + 1.5 * np.eye(x.shape[-1])), lambda x, r: x]

CASES = [
    Case("linalg.inv", lambda lib, a: lib.linalg.inv(a), square(), domain=conditioned, tol32=1e-4),
    Case("inverse", lambda lib, a: lib.inverse(a), square(), domain=conditioned, tol32=1e-4),
    Case("linalg.det", lambda lib, a: lib.linalg.det(a), square(), domain=conditioned, tol32=1e-4),
    Case("det", lambda lib, a: lib.det(a), square(), domain=conditioned, tol32=1e-4),
    Case("linalg.slogdet", lambda lib, a: tuple(lib.linalg.slogdet(a)), square(), domain=conditioned, tol32=1e-4),
    Case("slogdet", lambda lib, a: tuple(lib.slogdet(a)), square(), domain=conditioned, tol32=1e-4),
    Case("logdet", lambda lib, a: lib.logdet(sym(a)), square(), domain=symmetric_spread, tol32=1e-4),
    Case("linalg.solve", lambda lib, a, b: lib.linalg.solve(a, b), square("matrix"), domain=[conditioned, lambda x, r: x], tol32=1e-4),
    Case("linalg.solve-vector", lambda lib, a, b: lib.linalg.solve(a, b), square("vector"), domain=[conditioned, lambda x, r: x], tol32=1e-4),
    Case("linalg.solve-right", lambda lib, a, b: lib.linalg.solve(a, b, left=False), square("right"), domain=[conditioned, lambda x, r: x], tol32=1e-4),
    Case("linalg.solve_triangular", lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=True), square("matrix"), domain=triangular, tol32=1e-4),
    Case("linalg.solve_triangular-lower-unit", lambda lib, a, b: lib.linalg.solve_triangular(a.mT, b, upper=False, unitriangular=True), square("matrix"), domain=triangular, tol32=1e-4),
    Case("linalg.cholesky", lambda lib, a, upper: lib.linalg.cholesky(sym(a), upper=upper), square().map(lambda e: Example(e.shapes, {"upper": e.seed % 2 == 0}, e.seed)), domain=symmetric_spread, tol32=1e-4),
    Case("linalg.qr", lambda lib, a, mode: qr_fixed(lib, a, mode), rectangular(mode=st.sampled_from(["reduced", "complete"])).filter(lambda e: e.params["mode"] == "reduced" or e.shapes[0][-2] <= e.shapes[0][-1]), tol32=1e-4, specials=FINITE_SPECIALS),
    Case("linalg.eigh", lambda lib, a, UPLO: eigh_fixed(lib, a, UPLO), square().map(lambda e: Example(e.shapes, {"UPLO": "LU"[e.seed % 2]}, e.seed)), domain=symmetric_spread, tol32=1e-4, specials=FINITE_SPECIALS),
    Case("linalg.eigvalsh", lambda lib, a: lib.linalg.eigvalsh(sym(a)), square(), domain=symmetric_spread, tol32=1e-4, specials=FINITE_SPECIALS),
    Case("linalg.svd", lambda lib, a, full_matrices: svd_fixed(lib, a, full_matrices), rectangular(full_matrices=st.booleans()), domain=spread_singular, tol32=1e-4, specials=FINITE_SPECIALS),
    Case("svd", lambda lib, a, some: torch_svd_fixed(lib, a, some), rectangular(some=st.booleans()), domain=spread_singular, tol32=1e-4),
    Case("linalg.svdvals", lambda lib, a: lib.linalg.svdvals(a), rectangular(), domain=spread_singular, tol32=1e-4, specials=FINITE_SPECIALS),
    Case("linalg.pinv", lambda lib, a: lib.linalg.pinv(a), rectangular(), domain=spread_singular, tol32=1e-4, specials=FINITE_SPECIALS),
    Case("pinverse", lambda lib, a: lib.pinverse(a), rectangular(), domain=spread_singular, tol32=1e-4, specials=FINITE_SPECIALS),
    Case("linalg.matrix_power", lambda lib, a, n: lib.linalg.matrix_power(a, n), square().map(lambda e: Example(e.shapes, {"n": [0, 1, 2, 3, -1, -2][e.seed % 6]}, e.seed)), domain=conditioned, tol32=1e-4),
    Case("matrix_power", lambda lib, a, n: lib.matrix_power(a, n), square().map(lambda e: Example(e.shapes, {"n": [0, 1, 2, 3, -1, -2][e.seed % 6]}, e.seed)), domain=conditioned, tol32=1e-4),
    Case("linalg.matrix_rank", lambda lib, a: lib.linalg.matrix_rank(a), rectangular(), grad=False, specials=FINITE_SPECIALS),
    Case("linalg.lstsq", lambda lib, a, b: lib.linalg.lstsq(a, b).solution, tall_with_rhs(), domain=[spread_singular, lambda x, r: x], tol32=1e-4, specials=FINITE_SPECIALS),
    Case("linalg.norm", lambda lib, a: lib.linalg.norm(a), rectangular(), tol32=1e-4),
    Case("linalg.vecdot", lambda lib, a, b: lib.linalg.vecdot(a, b), vecdot_shapes()),
    Case("linalg.matmul", lambda lib, a, b: lib.linalg.matmul(a, b), square("matrix"), tol32=1e-4, specials=NO_LARGE),  # as matmul: BLAS order decides inf vs NaN at +-1e30 and 3e38
]

@st.composite
def tensorinv_shapes(draw):
    rows = tuple(draw(st.integers(1, 2)) for _ in range(draw(st.integers(1, 2))))
    n = int(np.prod(rows))
    cols = draw(st.sampled_from([(n,), (1, n)] + ([(2, n // 2)] if n % 2 == 0 else [])))
    return Example([rows + cols], {"ind": len(rows)}, draw(seeds))


def tensor_conditioned(x, rng):
    """Conditioned as a matrix from its first ``ind`` dims (rows) to the rest."""
    return x  # the case reshapes and shifts, see _tensorinv


def _tensorinv(lib, a, ind):
    n = int(np.prod(a.shape[:ind]))
    shifted = a * 0.3 + lib.eye(n, dtype=a.dtype).reshape(a.shape) * 1.5
    return lib.linalg.tensorinv(shifted, ind=ind)


def _tensorsolve(lib, a, b):
    n = int(np.prod(b.shape))
    shifted = a * 0.3 + lib.eye(n, dtype=a.dtype).reshape(a.shape) * 1.5
    return lib.linalg.tensorsolve(shifted, b)


@st.composite
def tensorsolve_shapes(draw):
    b = tuple(draw(st.integers(1, 2)) for _ in range(draw(st.integers(1, 2))))
    n = int(np.prod(b))
    rest = draw(st.sampled_from([(n,)] + ([(2, n // 2)] if n % 2 == 0 else [])))
    return Example([b + rest, b], {}, draw(seeds))


@st.composite
def vander_shapes(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=2, max_side=3))
    return Example([shape], {"N": draw(st.sampled_from([None, 2, 4]))}, draw(seeds))


CASES += [
    Case("linalg.inv_ex", lambda lib, a: tuple(lib.linalg.inv_ex(a)), square(), domain=conditioned, tol32=1e-4),
    Case("linalg.cholesky_ex", lambda lib, a: tuple(lib.linalg.cholesky_ex(sym(a))), square(), domain=symmetric_spread, tol32=1e-4),
    Case("linalg.solve_ex", lambda lib, a, b: tuple(lib.linalg.solve_ex(a, b)), square("matrix"), domain=[conditioned, lambda x, r: x], tol32=1e-4),
    Case("linalg.tensorinv", _tensorinv, tensorinv_shapes(), tol32=1e-4),
    Case("linalg.tensorsolve", _tensorsolve, tensorsolve_shapes(), tol32=1e-4),
    Case("linalg.vander", lambda lib, x, N: lib.linalg.vander(x, N=N), vander_shapes(), tol32=1e-4),
    # (torch's cond on an empty batch returns a tensor outside the graph: drawn non-empty)
    Case("linalg.cond", lambda lib, a: lib.linalg.cond(a), rectangular().filter(lambda e: 0 not in e.shapes[0]), domain=spread_singular, tol32=1e-4),
    Case("linalg.diagonal", lambda lib, a, offset: lib.linalg.diagonal(a, offset=offset), rectangular(offset=st.integers(-2, 2))),
]

@_matrices()
def lower_factor(x, rng):
    """Lower-triangular factors with a diagonal away from 0."""
    n = x.shape[-1]
    return np.tril(x) * 0.3 + np.eye(n) * (1.0 + np.arange(n) * 0.2)


@st.composite
def rhs_then_square(draw):
    b, n = draw(batch), draw(st.integers(1, 4))
    return Example([b + (n, draw(st.integers(1, 3))), b + (n, n)], {"flag": draw(st.booleans())}, draw(seeds))


CASES += [
    Case("matrix_exp", lambda lib, a: lib.matrix_exp(a * 2), square(), tol32=1e-4),
    Case("linalg.matrix_exp", lambda lib, a: lib.linalg.matrix_exp(a), square(), tol32=1e-4),
    # (the factor is made triangular: torch's gradient counts the triangle its forward never reads)
    Case("cholesky_solve", lambda lib, b, low, flag: lib.cholesky_solve(b, lib.tril(low).mT if flag else lib.tril(low), upper=flag), rhs_then_square(), domain=[lambda x, r: x, lower_factor], tol32=1e-4),
    Case("cholesky_inverse", lambda lib, low: lib.cholesky_inverse(lib.tril(low)), square(), domain=lower_factor, tol32=1e-4),
    Case("triangular_solve", lambda lib, b, a, flag: tuple(lib.triangular_solve(b, a.mT, upper=True, transpose=flag)), rhs_then_square(), domain=[lambda x, r: x, lower_factor], tol32=1e-4),
]

NOT_OPS = {
    "cholesky": "torch.cholesky is removed in torch: raises torch's RuntimeError (tests/test_linalg.py)",
    "qr": "torch.qr is removed in torch: raises torch's RuntimeError (tests/test_linalg.py)",
}
