"""Registry cases of scratchnet.special (torch.special's names): the normal distribution's CDF,
log-CDF and quantile, erfcx, sinc, entr, xlog1py, and the aliases of the elementwise ops."""

import numpy as np
from hypothesis.extra import numpy as hnp

from tests.registry import Case, broadcast_pair, positive, probabilities, unary

nonempty = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


def unit_interval(x, rng):
    return 1 / (1 + np.exp(-x)) * 0.85 + 0.05


def _aliases(lib, x):
    s = lib.special
    return (s.erf(x), s.erfc(x), s.erfinv(x), s.exp2(x), s.expm1(x), s.log1p(x), s.logit(x), s.expit(x),
            s.xlogy(x, x), s.softmax(x, dim=-1), s.log_softmax(x, dim=-1))


CASES = [
    Case("special.ndtr", lambda lib, a: lib.special.ndtr(a * 3), unary()),
    Case("special.log_ndtr", lambda lib, a: lib.special.log_ndtr(a * 3), unary(), tol32=1e-4),
    Case("special.ndtri", lambda lib, a: lib.special.ndtri(a), unary(), domain=probabilities, tol32=1e-4),
    Case("special.erfcx", lambda lib, a: lib.special.erfcx(a * 3), unary(), tol32=1e-4),
    Case("special.sinc", lambda lib, a: lib.special.sinc(a), unary(), tol32=1e-4),
    Case("special.entr", lambda lib, a: lib.special.entr(a), unary(), domain=positive),
    Case("special.xlog1py", lambda lib, a, b: lib.special.xlog1py(a, b), broadcast_pair(), domain=[lambda x, r: x, positive]),
    Case("special-aliases", _aliases, unary(nonempty), domain=unit_interval, tol32=1e-4),
]
