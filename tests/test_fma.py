"""scratchnet._fma: fused multiply-adds rounded once, the core of torch-exact normal sampling.

fma32 rounds the float64 sum of every element and sends only the suspect ones (a float32 halfway
point, a subnormal end) through the exact path; these tests hold both to an independent oracle
(exact rational arithmetic) and to each other, on halfway cases built to trip a plain rounding."""

from fractions import Fraction

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from scratchnet import _fma

floats32 = st.floats(width=32, allow_nan=False, allow_infinity=False, allow_subnormal=True)
any32 = st.floats(width=32, allow_subnormal=True)


def rounded_once(a, b, c):
    """round(a * b + c) to float32, ties to even, from the exact rational value."""
    exact = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
    near = np.float32(float(exact))
    candidates = [np.nextafter(near, np.float32(-np.inf)), near, np.nextafter(near, np.float32(np.inf))]
    distance = [abs(Fraction(float(x)) - exact) for x in candidates]
    best = min(distance)
    ties = [x for x, d in zip(candidates, distance) if d == best]
    return min(ties, key=lambda x: int(np.array(x).view(np.uint32)) & 1)  # the even one on a tie


def bits(x):
    return np.asarray(x, dtype=np.float32).view(np.uint32)


def halfway_case(r0, sign_ab, sign_c):
    """(a, b, c) with c = r0 and a * b just under half an ulp of r0: the float64 sum lands exactly
    on the float32 halfway point, and rounding it again goes the wrong way half the time."""
    e = int(np.floor(np.log2(float(r0))))
    ea = (e - 24) // 2
    a = np.float32(sign_ab * (1 + 2.0**-23) * 2.0**ea)
    b = np.float32((1 - 2.0**-23) * 2.0 ** (e - 24 - ea))
    return a, b, np.float32(sign_c * r0)


@given(floats32, floats32, floats32)
def test_fma32_rounds_once(a, b, c):
    exact = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
    assume(exact != 0 and abs(exact) < Fraction(3.4e38))  # (the sign of an exact zero, and overflow, aside)
    assert bits(_fma.fma32(np.float32([a]), np.float32([b]), np.float32([c]))[0]) == bits(rounded_once(a, b, c))


@given(st.lists(st.tuples(any32, any32, any32), min_size=1, max_size=40))
def test_fma32_equals_the_exact_path_on_every_input(triples):
    a, b, c = (np.float32([t[i] for t in triples]) for i in range(3))
    with np.errstate(all="ignore"):
        assert np.array_equal(bits(_fma.fma32(a, b, c)), bits(_fma._fma32_exact(a, b, c)))


@given(st.lists(st.floats(float(np.float32(1e-30)), float(np.float32(1e30)), width=32), min_size=1, max_size=20), st.sampled_from([-1, 1]), st.sampled_from([-1, 1]))
def test_fma32_on_halfway_sums(values, sign_ab, sign_c):
    cases = [halfway_case(v, sign_ab, sign_c) for v in values]
    a, b, c = (np.float32([t[i] for t in cases]) for i in range(3))
    assert np.array_equal(bits(_fma.fma32(a, b, c)), bits([rounded_once(*t) for t in cases]))


def test_the_halfway_cases_trip_a_plain_rounding():
    """The built cases are the hard ones: rounding the float64 sum again is wrong on about half (the ties that round to even come out right)."""
    r0 = np.random.default_rng(0).uniform(1e-20, 1e20, 500).astype(np.float32)
    cases = [halfway_case(v, sign, sign) for v, sign in zip(r0, np.resize([1, -1], r0.size))]
    a, b, c = (np.float32([t[i] for t in cases]) for i in range(3))
    want = bits([rounded_once(*t) for t in cases])
    plain = bits((a.astype(np.float64) * b + c).astype(np.float32))
    assert np.array_equal(bits(_fma.fma32(a, b, c)), want) and (plain != want).mean() > 0.3


def test_fma32_broadcasts_and_keeps_0d():
    out = _fma.fma32(np.float32([1.0, 2.0, 3.0]), np.float32(2.0), np.float32(0.5))
    assert out.dtype == np.float32 and out.tolist() == [2.5, 4.5, 6.5]
    zero_d = _fma.fma32(2.0, 3.0, 1.0)
    assert isinstance(zero_d, np.ndarray) and zero_d.shape == () and float(zero_d) == 7.0


# --- fma64 -------------------------------------------------------------------------------------------

floats64 = st.floats(min_value=-1e150, max_value=1e150, allow_nan=False, allow_infinity=False)


def rounded_once64(a, b, c):
    """round(a * b + c) to float64 from the exact rational value (Fraction's float() rounds to nearest, ties to even)."""
    return float(Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c)))


@given(floats64, floats64, floats64)
def test_fma64_rounds_once(a, b, c):
    got = float(_fma.fma64(np.array(a), np.array(b), np.array(c)))
    want = rounded_once64(a, b, c)
    assert got == want or (got == 0 and want == 0)


@given(st.integers(3 * 2**24, 2**26 - 1), st.integers(3 * 2**24, 2**26 - 1), st.integers(-80, 80), st.sampled_from([1e-10, -1e-10, 1e-300, -1e-300, 0.25, -0.25]))
def test_fma64_on_products_that_land_halfway(k, j, shift, tiny):
    """Two odd 27-bit integers whose product lies in [2**53, 2**54): an odd 54-bit number, so the
    rounded product sits exactly halfway and a tiny c decides the direction (1.5 * 3e38 - 1e-10
    came out one double too high once: a plain rounding is wrong on half of these)."""
    m, n = 2 * k + 1, 2 * j + 1
    a, b = float(m) * 2.0**shift, float(n) * 2.0**-shift
    assert float(_fma.fma64(np.array(a), np.array(b), np.array(tiny))) == rounded_once64(a, b, tiny)


def test_fma64_the_case_torch_found():
    assert float(_fma.fma64(np.array(-3e38), np.array(-1.5), np.array(-1e-10))) == 4.5e38
