"""Registry cases of the elementwise ops in scratchnet/ops/pointwise.py and pointwise_more.py.

Domains keep finite differences off kinks and poles: rounding functions see values 0.05 off the
0.1 grid (never on a step), inverse trig functions see (-0.9, 0.9), logs see positive values.
NaN, inf and signed zeros are checked against torch in tests/test_pointwise_special.py, integer
and bool inputs (dtypes, refusals) there too.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import F, Case, Example, away_from_zero, on_grid, positive, probabilities, seeds
from tests.registry import unary as _unary_strategy

#: shapes from 0-d to 3-d, empty ones (a side of 0) included
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


def unary(**params):
    return _unary_strategy(shapes, **params)


@st.composite
def broadcast_pair(draw, **params):
    pair = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=4))
    return Example(list(pair.input_shapes), {k: draw(v) for k, v in params.items()}, draw(seeds))


def inside(bound):
    """Values strictly inside (-bound, bound)."""
    return lambda x, rng: np.tanh(x) * bound


def above_one(x, rng):
    return np.abs(x) + 1.5


@st.composite
def broadcast_three(draw, **params):
    triple = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, min_side=0, max_side=3))
    return Example(list(triple.input_shapes), {k: draw(v) for k, v in params.items()}, draw(seeds))


def _unary(name, domain=None, **kw):
    return Case(name, lambda lib, a: getattr(lib, name)(a), unary(), **({"domain": domain} if domain else {}), **kw)


bound = st.integers(-15, 15).map(lambda k: k / 10)

CASES = [
    _unary("floor", on_grid(0.05)),
    _unary("ceil", on_grid(0.05)),
    _unary("trunc", on_grid(0.05)),
    _unary("frac", on_grid(0.05)),
    Case("round", lambda lib, a: lib.round(a), unary(), domain=on_grid(0.05)),
    Case("round-decimals", lambda lib, a, decimals: lib.round(a, decimals=decimals), unary(decimals=st.sampled_from([1, 2, -1])), domain=on_grid(0.03)),
    _unary("rsqrt", positive),
    _unary("reciprocal", away_from_zero),
    _unary("square"),
    _unary("exp2"),
    _unary("expm1"),
    _unary("log2", positive),
    _unary("log10", positive),
    _unary("erf"),
    _unary("erfc"),
    _unary("erfinv", inside(0.9), tol32=1e-4),
    _unary("sinh"),
    _unary("cosh"),
    _unary("tan", inside(1.2), tol32=1e-4),
    _unary("asin", inside(0.9)),
    _unary("acos", inside(0.9)),
    _unary("atan"),
    _unary("asinh"),
    _unary("acosh", above_one),
    _unary("atanh", inside(0.9)),
    _unary("deg2rad"),
    _unary("rad2deg", tol32=1e-4),
    _unary("sgn", away_from_zero),
    _unary("negative"),
    _unary("absolute", away_from_zero),
    Case("positive", lambda lib, a: lib.positive(a) * 2, unary()),
    Case("logit", lambda lib, a, eps: lib.logit(a, eps=eps), unary(eps=st.sampled_from([None, 0.1])), domain=probabilities, tol32=1e-4),
    Case("atan2", lambda lib, a, b: lib.atan2(a, b), broadcast_pair()),
    Case("hypot", lambda lib, a, b: lib.hypot(a, b), broadcast_pair(), domain=away_from_zero),
    Case("copysign", lambda lib, a, b: lib.copysign(a, b), broadcast_pair(), domain=away_from_zero),
    Case("copysign-scalar", lambda lib, a, s: lib.copysign(a, s), unary(s=st.sampled_from([1.0, -2.0, 0.0, -0.0])), domain=away_from_zero),
    Case("xlogy", lambda lib, a, b: lib.xlogy(a, b), broadcast_pair(), domain=[away_from_zero, positive]),
    Case("lerp", lambda lib, a, b, w: lib.lerp(a, b, w), broadcast_three()),
    Case("lerp-scalar", lambda lib, a, b, w: lib.lerp(a, b, w), broadcast_pair(w=st.sampled_from([0.0, 0.3, 0.5, 0.8, 1.5]))),
    Case("clamp_min", lambda lib, a, m: lib.clamp_min(a, m), unary(m=bound), domain=on_grid(0.05)),
    Case("clamp_max", lambda lib, a, m: lib.clamp_max(a, m), unary(m=bound), domain=on_grid(0.05)),
    Case("clamp_min-tensor", lambda lib, a, b: lib.clamp_min(a, b), broadcast_pair(), domain=[on_grid(0.0), on_grid(0.05)]),
    Case("clamp_max-tensor", lambda lib, a, b: lib.clamp_max(a, b), broadcast_pair(), domain=[on_grid(0.0), on_grid(0.05)]),
    Case("nan_to_num", lambda lib, a, nan, posinf: lib.nan_to_num(a, nan=nan, posinf=posinf), unary(nan=st.sampled_from([0.0, 2.0]), posinf=st.sampled_from([None, 1e3]))),
    Case("true_divide", lambda lib, a, b: lib.true_divide(a, b), broadcast_pair(), domain=away_from_zero),
    Case("rsub", lambda lib, a, b, alpha: lib.rsub(a, b, alpha=alpha), broadcast_pair(alpha=st.sampled_from([1, 2.5]))),
    Case("rsub-scalar", lambda lib, a, s: lib.rsub(a, s), unary(s=st.sampled_from([1, 2.5, -3.0]))),
    Case("addcmul", lambda lib, a, b, c, value: lib.addcmul(a, b, c, value=value), broadcast_three(value=st.sampled_from([1, 0.5, -2.0]))),
    Case("addcdiv", lambda lib, a, b, c, value: lib.addcdiv(a, b, c, value=value), broadcast_three(value=st.sampled_from([1, 0.5, -2.0])), domain=[lambda x, r: x, lambda x, r: x, away_from_zero]),
    Case("float_power", lambda lib, a, p: lib.float_power(a, p), unary(p=st.sampled_from([2, 0.5, -1.5, 3])), domain=positive),
    Case("float_power-tensor", lambda lib, a, b: lib.float_power(a, b), broadcast_pair(), domain=positive),
    Case("float_power-scalar-base", lambda lib, a, s: lib.float_power(s, a), unary(s=st.sampled_from([2, 0.5])), domain=positive),
    # tests that give bool tensors
    Case("isinf", lambda lib, a: (lib.isinf(a / (a > 0)), lib.isposinf(a / (a > 0)), lib.isneginf(-a / (a > 0))), unary(), domain=away_from_zero, grad=False),
    Case("signbit", lambda lib, a: lib.signbit(a), unary(), grad=False),
    Case("isclose", lambda lib, a, b, rtol, equal_nan: lib.isclose(a, a + b * 1e-5, rtol=rtol, equal_nan=equal_nan), broadcast_pair(rtol=st.sampled_from([1e-5, 1e-3, 0.0]), equal_nan=st.booleans()), grad=False),
]

COVERED_BY = {
    "fix": "trunc", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh",
    "arccosh": "acosh", "arctanh": "atanh", "arctan2": "atan2", "isposinf": "isinf", "isneginf": "isinf",
}
