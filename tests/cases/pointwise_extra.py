"""Registry cases of scratchnet/ops/pointwise_extra.py: logaddexp, fmax/fmin, heaviside,
gcd/lcm, ldexp, frexp, nextafter, sinc, isin, isreal, detach.

fmax/fmin see inputs on grids 0.05 apart (no ties for finite differences; ties, NaN and inf come
in the special-value draws). The top-level in-place functions (``torch.abs_(x)``, ...) and the
conjugation no-ops are compared with torch in tests/test_torch_functions.py.
"""

from hypothesis import strategies as st

from scratchnet.ops.pointwise_extra import _TOP_LEVEL_INPLACE
from tests.cases.pointwise import broadcast_pair, unary
from tests.registry import INTEGERS, Case, on_grid

CASES = [
    Case("logaddexp", lambda lib, a, b: lib.logaddexp(a, b), broadcast_pair()),
    Case("logaddexp2", lambda lib, a, b: lib.logaddexp2(a, b), broadcast_pair()),
    Case("fmax", lambda lib, a, b: lib.fmax(a, b), broadcast_pair(), domain=[on_grid(0.0), on_grid(0.05)]),
    Case("fmin", lambda lib, a, b: lib.fmin(a, b), broadcast_pair(), domain=[on_grid(0.0), on_grid(0.05)]),
    # no gradient: torch's backward refuses heaviside (tests/test_torch_functions.py)
    Case("heaviside", lambda lib, a, b: lib.heaviside(a, b), broadcast_pair(), domain=on_grid(0.0), grad=False),
    # integers only (floats are refused, which the dtype sweep checks through the mixed draws)
    Case("gcd", lambda lib, a, b: lib.gcd(a, b), broadcast_pair(), grad=False, dtypes=INTEGERS + ("float32",)),
    Case("lcm", lambda lib, a, b: lib.lcm(a, b), broadcast_pair(), grad=False, dtypes=INTEGERS + ("float32",)),
    Case("ldexp", lambda lib, a, b: lib.ldexp(a, b), broadcast_pair()),
    Case("frexp", lambda lib, a: tuple(lib.frexp(a)), unary()),
    Case("nextafter", lambda lib, a, b: lib.nextafter(a, b), broadcast_pair()),
    Case("sinc", lambda lib, a: lib.sinc(a), unary()),
    Case("isin", lambda lib, a, b, invert: lib.isin(a, b, invert=invert), broadcast_pair(invert=st.booleans()), domain=on_grid(0.0), grad=False),
    Case("isreal", lambda lib, a: lib.isreal(a), unary(), grad=False),
    Case("detach", lambda lib, a: lib.detach(a * 2), unary(), grad=False),
]

# (the Tensor method of each is the in-place table's, tested in tests/test_inplace.py; the
# top-level spelling is compared with torch's in tests/test_torch_functions.py)
COVERED_BY = {name: "tests/test_inplace.py, tests/test_torch_functions.py" for name in _TOP_LEVEL_INPLACE}
COVERED_BY.update({name: "tests/test_torch_functions.py" for name in [
    "conj", "resolve_conj", "resolve_neg", "is_conj", "is_neg", "conj_physical", "conj_physical_", "gcd_", "lcm_", "ldexp_", "sinc_",
    "nextafter_", "xlogy_"]})
