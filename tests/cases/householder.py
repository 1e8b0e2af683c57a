"""Registry cases of the Householder family (scratchnet.ops.householder: geqrf, householder_product,
ormqr) and of the matrix functions (scratchnet.ops.matrix_functions: matrix_sqrth, polar).
Reflector inputs are drawn as they come (``A (*, m, n)``, ``m >= n``, with ``tau (*, k)``,
``k <= n``); matrix_sqrth's input is symmetric positive-definite with spread eigenvalues, polar's
has spread singular values (tests.cases.linalg), so the decompositions' gradients are defined.
"""

from hypothesis import strategies as st

from tests.cases.linalg import batch, rectangular, spread_singular, square, sym, symmetric_spread
from tests.registry import Case, Example, seeds


@st.composite
def reflectors(draw, other=False):
    b, n = draw(batch), draw(st.integers(1, 3))
    m, k = n + draw(st.integers(0, 2)), n if other else draw(st.integers(0, n))  # ormqr: k = min(m, n)
    shapes, params = [b + (m, n), b + (k,)], {}
    if other:
        params = {"left": draw(st.booleans()), "transpose": draw(st.booleans())}
        cols = draw(st.integers(1, 3))
        shapes.append(b + ((m, cols) if params["left"] else (cols, m)))
    return Example(shapes, params, draw(seeds))


# NARROWED until special values spread as in torch's kernels (edge=False): inf/NaN give NaN
# where torch's reflectors give 0 (householder_product, ormqr), eigh/SVD of huge or non-finite
# entries are LAPACK-internal (matrix_sqrth, polar: see FINITE_SPECIALS in tests/cases/linalg.py)
CASES = [
    Case("geqrf", lambda lib, a: tuple(lib.geqrf(a)), rectangular(), grad=False, tol32=1e-4),
    Case("ormqr", lambda lib, a, t, c, left, transpose: lib.ormqr(a, t, c, left=left, transpose=transpose), reflectors(other=True), tol32=1e-4, fd=False, edge=False),
    Case("linalg.matrix_sqrth", lambda lib, a: lib.linalg.matrix_sqrth(sym(a)), square(), domain=symmetric_spread, tol32=1e-4, fd=False, edge=False),
    Case("linalg.polar", lambda lib, a: tuple(lib.linalg.polar(a)), rectangular().filter(lambda e: e.shapes[0][-2] >= e.shapes[0][-1]), domain=spread_singular, tol32=1e-4, fd=False, edge=False),
]

COVERED_BY = {
    # the same reflector products as ormqr's (its case); compared with torch, gradients included, in the test file
    "orgqr": "tests/test_opinfo_linalg.py", "linalg.householder_product": "tests/test_opinfo_linalg.py",
    "mH": "tests/test_opinfo_linalg.py", "H": "tests/test_opinfo_linalg.py",  # the adjoint's attribute forms
    "svd_lowrank": "tests/test_opinfo_linalg.py", "pca_lowrank": "tests/test_opinfo_linalg.py",  # random: seeded there
}

NOT_OPS = {
    "linalg.eig": "complex results (scratchnet has no complex dtypes): raises NotImplementedError; tests/test_opinfo_linalg.py",
    "linalg.eigvals": "complex results (scratchnet has no complex dtypes): raises NotImplementedError; tests/test_opinfo_linalg.py",
}
