"""Registry cases of scratchnet/ops/complex_parts.py (angle, real, the old division operator
spellings) and ops/fill.py (imag refuses every real tensor: tests/test_opinfo_pointwise.py
compares its error, and the in-place ``__idiv__``)."""

from tests.registry import Case, away_from_zero, broadcast_pair, unary


def _divisions(lib, a, b):
    return a.__rdiv__(b), b.__div__(a), lib.fill(a, b.sum()), lib.fill(b, 2)


CASES = [
    Case("angle", lambda lib, a: (lib.angle(a), a.angle(), lib.real(a) * 2 + a.real), unary()),
    Case("__rdiv__", _divisions, broadcast_pair(), domain=away_from_zero),
]

COVERED_BY = {"imag": "tests/test_opinfo_pointwise.py", "__idiv__": "tests/test_opinfo_pointwise.py",
              "real": "tests/cases/complex_parts.py (the angle case)", "__div__": "tests/cases/complex_parts.py (the __rdiv__ case)",
              "fill": "tests/cases/complex_parts.py (the __rdiv__ case)"}
