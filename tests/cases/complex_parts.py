"""Registry cases of scratchnet/ops/complex_parts.py: angle, real and the old division operator
spellings (imag refuses every real tensor: tests/test_opinfo_pointwise.py compares its error)."""

from tests.registry import Case, away_from_zero, broadcast_pair, unary

CASES = [
    Case("angle", lambda lib, a: (lib.angle(a), a.angle()), unary()),
    Case("real", lambda lib, a: lib.real(a) * 2 + a.real, unary()),
    Case("__rdiv__", lambda lib, a, b: a.__rdiv__(b), broadcast_pair(), domain=away_from_zero),
    Case("__div__", lambda lib, a, b: a.__div__(b), broadcast_pair(), domain=[lambda x, r: x, away_from_zero]),
]

COVERED_BY = {"imag": "tests/test_opinfo_pointwise.py", "__idiv__": "tests/test_opinfo_pointwise.py"}
