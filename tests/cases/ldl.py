"""Registry cases of the LDL family (scratchnet.ops.ldl; not differentiable, as in torch): the
factorization of symmetric indefinite draws (``(A + A^T) / 2``, so Bunch-Kaufman's 1x1 and 2x2
pivots both occur), and the solve from it of systems drawn near 1.5 * I.
"""

from tests.cases.linalg import conditioned, square, sym
from tests.registry import Case


def _solve(lib, a, b):
    LD, pivots = lib.linalg.ldl_factor(sym(a))
    return lib.linalg.ldl_solve(LD, pivots, b)


# NARROWED until the pivot search and info treat NaN/inf as MKL's sytrf does (edge=False)
CASES = [
    Case("linalg.ldl_factor_ex", lambda lib, a: tuple(lib.linalg.ldl_factor_ex(sym(a))), square(), grad=False, tol32=1e-4, edge=False),
    Case("linalg.ldl_solve", _solve, square("matrix"), domain=[conditioned, lambda x, r: x], grad=False, tol32=1e-4, edge=False),
]

COVERED_BY = {"linalg.ldl_factor": "linalg.ldl_solve"}
