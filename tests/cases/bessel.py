"""Registry cases of scratchnet/ops/bessel.py: i0 and special.i0e / i1 / i1e, over the series
range and the asymptotic one (inputs scaled to reach |x| > 20)."""

from tests.cases.pointwise import unary
from tests.registry import Case

wide = lambda x, rng: x * 12  # (|x| past 20 for some elements: the asymptotic branch)

CASES = [
    Case("i0", lambda lib, a: lib.i0(a), unary(), domain=wide, tol32=1e-4),
    Case("special.i0e", lambda lib, a: lib.special.i0e(a), unary(), domain=wide, tol32=1e-4),
    Case("special.i1", lambda lib, a: lib.special.i1(a), unary(), domain=wide, tol32=1e-4),
    Case("special.i1e", lambda lib, a: lib.special.i1e(a), unary(), domain=wide, tol32=1e-4),
]

COVERED_BY = {"i0_": "tests/test_torch_functions.py"}
