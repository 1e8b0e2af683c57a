"""Registry cases of scratchnet/ops/bitwise.py: bitwise ops and shifts (integers and bool), rounded
division (``//``, ``%``, ``fmod``, ``div(rounding_mode=...)``) and the reflected operators."""

from hypothesis import strategies as st

from tests.registry import DIVISION_SPECIALS, FLOATS, Case, away_from_zero, broadcast_pair, gaussian, unary

# Bitwise ops: the happy-path tests run int32/int64 (the first two); the dtype sweep also draws
# uint8, bool and floats (torch's NotImplementedError for floats, checked as error parity).
BITWISE = ("int32", "int64", "uint8", "bool") + FLOATS
ALL = FLOATS + ("int32", "int64", "uint8", "bool")


def _not_near_multiple(x, rng):
    """Values whose quotient by the divisors below stays off integers (remainder jumps there)."""
    return away_from_zero(x, rng) * 1.37


scalars = st.sampled_from([3, -2, 5, True, 255, -129])

# torch's vectorized fmod/remainder (Sleef) give NaN where the quotient overflows (a denormal divisor,
# 3e38 in float32); scratchnet gives C's exact fmod. A deliberate difference: those draws are left out.
EXACT = dict(specials=DIVISION_SPECIALS)

CASES = [
    Case("bitwise_and", lambda lib, a, b: (a & b, lib.bitwise_and(a, b), a.bitwise_and(b)), broadcast_pair(), grad=False, dtypes=BITWISE),
    Case("bitwise_or", lambda lib, a, b: (a | b, lib.bitwise_or(a, b), a.bitwise_or(b)), broadcast_pair(), grad=False, dtypes=BITWISE),
    Case("bitwise_xor", lambda lib, a, b: (a ^ b, lib.bitwise_xor(a, b), a.bitwise_xor(b)), broadcast_pair(), grad=False, dtypes=BITWISE),
    Case("bitwise_not", lambda lib, a: (~a, lib.bitwise_not(a), a.bitwise_not()), unary(), grad=False, dtypes=BITWISE),
    Case("bitwise-scalars", lambda lib, a, s: (a & s, s & a, a | s, s | a, a ^ s, s ^ a), unary(s=scalars), grad=False, dtypes=BITWISE),
    Case("shifts", lambda lib, a, b: (a << b, a >> b, lib.bitwise_left_shift(a, b), lib.bitwise_right_shift(a, b)), broadcast_pair(), grad=False, dtypes=BITWISE),
    Case("shifts-scalars", lambda lib, a, s: (a << s, a >> s, s << a, s >> a), unary(s=st.sampled_from([0, 1, 3, -1, 31, 40, 63, 70])), grad=False, dtypes=BITWISE),
    Case("floor_divide", lambda lib, a, b: (a // b, lib.floor_divide(a, b)), broadcast_pair(), domain=[gaussian, away_from_zero], grad=False, dtypes=ALL, **EXACT),
    Case("remainder", lambda lib, a, b: a % b, broadcast_pair(), domain=[_not_near_multiple, away_from_zero], dtypes=ALL, **EXACT),
    Case("remainder-method", lambda lib, a, b: lib.remainder(a, b) + a.remainder(b), broadcast_pair(), domain=[_not_near_multiple, away_from_zero], dtypes=ALL, **EXACT),
    Case("fmod", lambda lib, a, b: lib.fmod(a, b) + a.fmod(b), broadcast_pair(), domain=[_not_near_multiple, away_from_zero], dtypes=ALL, **EXACT),
    Case("division-scalars", lambda lib, a, s: (a % s, lib.fmod(a, s)), unary(s=st.sampled_from([3, -2, 2.5, -1.5, 0.7])), domain=_not_near_multiple, dtypes=ALL, **EXACT),
    Case("division-reflected", lambda lib, a, s: (s // a, s % a), unary(s=st.sampled_from([3, -2, 2.5, -1.5])), domain=away_from_zero, grad=False, dtypes=ALL, **EXACT),
    Case("div-rounding", lambda lib, a, b, mode: (lib.div(a, b, rounding_mode=mode), a.div(b, rounding_mode=mode)), broadcast_pair(mode=st.sampled_from(["trunc", "floor", None])), domain=[_not_near_multiple, away_from_zero], dtypes=ALL, **EXACT),
    Case("logical_xor", lambda lib, a, b: (lib.logical_xor(a, b), a.logical_xor(b)), broadcast_pair(), grad=False, dtypes=ALL),
]

COVERED_BY = {
    "__and__": "bitwise_and", "__rand__": "bitwise-scalars", "__or__": "bitwise_or",
    "__ror__": "bitwise-scalars", "__xor__": "bitwise_xor", "__rxor__": "bitwise-scalars",
    "__invert__": "bitwise_not", "bitwise_left_shift": "shifts", "bitwise_right_shift": "shifts",
    "__lshift__": "shifts", "__rshift__": "shifts", "__rlshift__": "shifts-scalars",
    "__rrshift__": "shifts-scalars", "__floordiv__": "floor_divide", "__rfloordiv__": "division-reflected",
    "__mod__": "remainder", "__rmod__": "division-reflected",
}
