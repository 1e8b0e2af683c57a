"""Registry cases for the scans (scratchnet/ops/scan.py): cumsum, cumprod, cummax, cummin,
logcumsumexp, along ints and negative ints, on 0-d and 0-size shapes, float/int/bool input."""

from hypothesis import strategies as st

from ..registry import Case, distinct
from ._reducing import ALL_KINDS, as_kind, dims_example, shapes_any, specials, ties, with_nan, with_zeros

one_dim = dict(none=False, tuples=False, empty=False, keepdim=False)
dtypes = st.sampled_from([None, None, "float64"])


def _scan(name):
    def call(lib, a, dim, kind, dtype):
        a = as_kind(lib, a, kind)
        extra = {"dtype": getattr(lib, dtype)} if dtype else {}
        return getattr(lib, name)(a, dim, **extra)

    return call


def _running(name):
    return lambda lib, a, dim, kind: tuple(getattr(as_kind(lib, a, kind), name)(dim))


CASES = [
    Case("cumsum", _scan("cumsum"), dims_example(shapes_any, **one_dim, kind=st.sampled_from(ALL_KINDS), dtype=dtypes)),
    Case("cumsum-special", _scan("cumsum"), dims_example(shapes_any, **one_dim, kind=st.just("float"), dtype=st.just(None)), domain=specials, fd=False),
    Case("cumprod", _scan("cumprod"), dims_example(shapes_any, **one_dim, kind=st.sampled_from(ALL_KINDS), dtype=dtypes)),
    Case("cumprod-zeros", _scan("cumprod"), dims_example(shapes_any, **one_dim, kind=st.just("float"), dtype=st.just(None)), domain=with_zeros),
    Case("cumprod-special", _scan("cumprod"), dims_example(shapes_any, **one_dim, kind=st.just("float"), dtype=st.just(None)), domain=specials, grad=False),
    Case("cummax", _running("cummax"), dims_example(shapes_any, **one_dim, kind=st.sampled_from(ALL_KINDS)), domain=distinct),
    Case("cummin", _running("cummin"), dims_example(shapes_any, **one_dim, kind=st.sampled_from(ALL_KINDS)), domain=distinct),
    Case("cummax-ties", _running("cummax"), dims_example(shapes_any, **one_dim, kind=st.just("float")), domain=ties, fd=False),
    Case("cummin-special", _running("cummin"), dims_example(shapes_any, **one_dim, kind=st.just("float")), domain=with_nan, fd=False),
    Case("logcumsumexp", lambda lib, a, dim: lib.logcumsumexp(a * 3, dim), dims_example(shapes_any, **one_dim)),
    Case("logcumsumexp-special", lambda lib, a, dim: lib.logcumsumexp(a, dim), dims_example(shapes_any, **one_dim), domain=specials, grad=False),
]
