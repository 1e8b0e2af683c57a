"""Registry cases of scratchnet/ops/stats_extra.py: quantile/nanquantile (every interpolation),
cov (with weights), corrcoef, histogram, dist.

Quantile inputs are distinct (no ties: the sort's gradient goes to one element per rank, and a
tie would make that choice the sort's); NaN, inf and repeats come in the special-value draws.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import NO_HUGE, Case, Example, distinct, seeds
from tests.registry import broadcast_pair as nonempty_pair

shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
modes = st.sampled_from(["linear", "lower", "higher", "midpoint", "nearest"])
qs = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 1.0, 0.9]), st.lists(st.sampled_from([0.0, 0.1, 0.5, 0.75, 1.0]), min_size=1, max_size=3))


@st.composite
def quantile_example(draw):
    s = draw(shapes)
    n = len(s)
    dim = draw(st.one_of(st.none(), st.integers(-n, n - 1))) if n else draw(st.sampled_from([None, 0, -1]))
    return Example([s], {"q": draw(qs), "dim": dim, "keepdim": draw(st.booleans()), "interpolation": draw(modes)}, draw(seeds))


def _quantile(name):
    def fn(lib, a, q, dim, keepdim, interpolation):
        if isinstance(q, list):  # a tensor of quantiles, in the input's dtype (as torch requires)
            q = lib.tensor(q, dtype=a.dtype if a.is_floating_point() else lib.float32)
        return getattr(lib, name)(a, q, dim=dim, keepdim=keepdim, interpolation=interpolation)

    return fn


@st.composite
def cov_example(draw):
    """At least 3 observations and positive weights (a positive number of degrees of freedom, so
    finite differences apply); 0-d and empty inputs, where torch divides by zero, come in the
    odd-shape draws."""
    s = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4).map(lambda s: s[:-1] + (s[-1] + 2,)))
    observations = s[-1]
    fw = draw(st.one_of(st.none(), hnp.arrays(np.int64, observations, elements=st.integers(1, 3))))
    aw = draw(st.one_of(st.none(), hnp.arrays(np.float64, observations, elements=st.floats(0.1, 2.0))))
    return Example([s], {"correction": draw(st.sampled_from([0, 1, 2])), "fweights": fw, "aweights": aw}, draw(seeds))


def _cov(lib, a, correction, fweights, aweights):
    # aweights in the input's float dtype (torch's matmul refuses float32 with float64 there)
    const = lambda w: None if w is None else lib.tensor(w, dtype=a.dtype if w.dtype == np.float64 and a.is_floating_point() else None)
    return lib.cov(a, correction=correction, fweights=const(fweights), aweights=const(aweights))


@st.composite
def histogram_example(draw):
    s = draw(shapes)
    bins = draw(st.one_of(st.integers(1, 5), st.lists(st.sampled_from([-2.0, -0.5, 0.0, 0.3, 1.0, 2.5]), min_size=2, max_size=4, unique=True).map(sorted)))
    return Example([s], {"bins": bins, "range": draw(st.sampled_from([None, (-1.0, 1.0), (0.0, 0.0)])), "density": draw(st.booleans())}, draw(seeds))


def _histogram(lib, a, bins, range, density):
    if isinstance(bins, list):
        bins = lib.tensor(bins, dtype=a.dtype if a.is_floating_point() else lib.float32)
        return tuple(lib.histogram(a, bins, density=density))
    return tuple(lib.histogram(a, bins, range=range, density=density))


CASES = [
    Case("quantile", _quantile("quantile"), quantile_example(), domain=distinct),
    Case("nanquantile", _quantile("nanquantile"), quantile_example(), domain=distinct),
    Case("cov", _cov, cov_example()),
    Case("corrcoef", lambda lib, a: lib.corrcoef(a), st.builds(lambda s, seed: Example([s], {}, seed), hnp.array_shapes(min_dims=1, max_dims=2, min_side=2, max_side=4), seeds), tol32=1e-4),
    # NARROWED until torch's overflow is mimicked: with values near float32's max, torch's bin
    # position (x - left) * bins overflows to inf and its local search then picks another bin
    Case("histogram", _histogram, histogram_example(), grad=False, specials=NO_HUGE),
    # (p = 0, whose backward torch refuses, and the empty inputs the inf norms refuse: tests/test_torch_functions.py)
    Case("dist", lambda lib, a, b, p: lib.dist(a, b, p), nonempty_pair(p=st.sampled_from([1, 2, 3, 0.5, float("inf"), -float("inf")])), tol32=1e-4),
]
