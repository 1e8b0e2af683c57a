"""Registry cases of the LU family (scratchnet.ops.lu): the factorization ``linalg.lu`` (through
``lu_factor_ex`` and ``lu_unpack``) of rectangular draws, and the solves from ``lu_factor`` of
square ones drawn near 1.5 * I (:func:`tests.cases.linalg.conditioned`), so that they are stable
and finite differences meaningful. The thin forms (torch.lu, torch.lu_solve, lu_factor's check)
are compared with torch on PyTorch's own samples in tests/test_opinfo_linalg.py.
"""

from hypothesis import strategies as st

from tests.cases.linalg import conditioned, rectangular, square
from tests.registry import Case, Example


def _solve(lib, a, b, left, adjoint):
    LU, pivots = lib.linalg.lu_factor(a)
    return lib.linalg.lu_solve(LU, pivots, b if left else b.mT, left=left, adjoint=adjoint)


solve_shapes = square("matrix").flatmap(lambda e: st.tuples(st.booleans(), st.booleans()).map(
    lambda f: Example(e.shapes, {"left": f[0], "adjoint": f[1]}, e.seed)))

# NARROWED until the backwards spread NaN as torch's do: with inf/NaN/huge entries torch's LU
# gradients are NaN where its kernels multiply an inf by a structural zero, ours finite (edge=False)
CASES = [
    Case("linalg.lu", lambda lib, a: tuple(lib.linalg.lu(a)), rectangular(), tol32=1e-4, edge=False, fd=False),
    Case("linalg.lu_solve", _solve, solve_shapes, domain=[conditioned, lambda x, r: x], tol32=1e-4, edge=False, fd=False),
]

COVERED_BY = {
    "linalg.lu_factor": "linalg.lu_solve", "linalg.lu_factor_ex": "linalg.lu", "lu_unpack": "linalg.lu",
    "lu": "tests/test_opinfo_linalg.py", "lu_solve": "tests/test_opinfo_linalg.py",
}
