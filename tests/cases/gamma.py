"""Registry cases of the gamma family (scratchnet/ops/gamma.py) and its torch.special names.

Domains keep finite differences off the poles at 0 and the negative integers: ``off_poles`` keeps
every value at least 0.1 from an integer (negative values included, where the reflection formulas
run); mvlgamma's shifted arguments ``x - i / 2`` stay positive. NaN, +-inf, +-0, huge values and
integer inputs come from the harness's sweeps.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import Case, unary


def off_poles(x, rng):
    """Values at least 0.1 from every integer, about as spread as the draw."""
    x = np.asarray(x) * 2
    return np.floor(x) + 0.1 + 0.8 * (x - np.floor(x))


def above_poles(x, rng):
    """Values above 2: mvlgamma(x, p <= 4)'s lgamma(x - 3/2) stays off the poles."""
    return np.abs(x) + 2.1


CASES = [
    Case("lgamma", lambda lib, a: lib.lgamma(a), unary(), domain=off_poles),
    Case("digamma", lambda lib, a: lib.digamma(a), unary(), domain=off_poles),
    Case("polygamma", lambda lib, a, n: lib.polygamma(n, a), unary(n=st.integers(0, 4)), domain=off_poles),
    Case("mvlgamma", lambda lib, a, p: lib.mvlgamma(a, p=p), unary(p=st.integers(1, 4)), domain=above_poles),
    # the Tensor methods, the in-place polygamma_, and torch.special's names
    Case("polygamma_", lambda lib, a, n: ((a * 1).polygamma_(n), a.lgamma(), a.polygamma(n)), unary(n=st.integers(0, 3)), domain=off_poles),
    Case("special-gamma", lambda lib, a, p: (lib.special.gammaln(a), lib.special.psi(a), lib.special.multigammaln(a, p)),
         unary(p=st.integers(1, 3)), domain=above_poles),
]

from tests.registry import positive  # noqa: E402


def _gamma_rsample(lib, a):
    lib.manual_seed(1234)  # reseeded on every call: the same draws for both engines and every retry
    return lib.distributions.Gamma(a, 1.0).rsample()


# torch's gamma sampler (scratchnet/distributions/_gamma_sampling.py): the draws bit for bit, the
# implicit reparameterization gradient; finite differences do not apply (a perturbed alpha moves
# the Marsaglia-Tsang draw along a different path than the implicit gradient's fixed quantile)
CASES.append(Case("distributions.Gamma.rsample", _gamma_rsample, unary(), domain=positive, fd=False))


def _dirichlet_rsample(lib, a):
    lib.manual_seed(1234)
    return lib.distributions.Dirichlet(a).rsample()


# torch's Dirichlet sampler and its reparameterized gradient (a once-differentiable node in torch:
# no second derivative to compare); the last dimension is the categories (at least one)
CASES.append(Case("distributions.Dirichlet.rsample", _dirichlet_rsample, unary(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)),
                  domain=positive, fd=False))
