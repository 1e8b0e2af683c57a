"""Registry cases: the activations of scratchnet.ops.nn_activation (F.silu ... F.softmin).

Inputs sit on a grid offset from every kink (0, +-lambd, +-3, the hardtanh bounds), so finite
differences never straddle one.
"""

import numpy as np
from hypothesis import strategies as st

from tests.registry import Case, F, away_from_zero, dim_of, on_grid, shape, unary

grid = on_grid(0.05)
alphas = st.sampled_from([0.5, 1.0, 2.0])


def _hardsigmoid(lib, a):
    """torch has no double backward for hardsigmoid, so its torch side is torch's own formula made
    differentiable twice: value relu6(x + 3) / 6, gradient strictly inside (-3, 3) with torch's
    kernel constant 1.0f / 6.0f, 0 elsewhere (NaN too) (F.hardsigmoid itself is compared in
    tests/test_nn_modules.py)."""
    if lib.__name__ == "torch":
        if not a.is_floating_point():
            return F(lib).hardsigmoid(a)  # torch's own refusal of integer input
        value = lib.nn.functional.relu6(a + 3) / 6
        inside = lib.where((a > -3) & (a < 3), a, lib.zeros_like(a))  # the gradient flows here only
        c = float(np.float32(1 / 6))
        return inside * c + (value - inside * c).detach()
    return F(lib).hardsigmoid(a)


def _prelu(lib, x, w):
    return F(lib).prelu(x, w.reshape(-1)[: (x.shape[1] if x.ndim >= 2 else 1)] if w.numel() > 1 else w)


CASES = [
    Case("silu", lambda lib, a: F(lib).silu(a * 3), unary()),
    Case("elu", lambda lib, a, alpha: F(lib).elu(a, alpha), unary(alpha=alphas), domain=grid),
    Case("selu", lambda lib, a: F(lib).selu(a), unary(), domain=grid),
    Case("celu", lambda lib, a, alpha: F(lib).celu(a, alpha), unary(alpha=alphas), domain=grid),
    Case("glu", lambda lib, a, dim: F(lib).glu(lib.cat([a, a * 0.5 + 1], dim=dim), dim), dim_of()),
    Case("softplus", lambda lib, a, beta, threshold: F(lib).softplus(a * 3, beta, threshold), unary(beta=st.sampled_from([1.0, 2.0, 0.5]), threshold=st.sampled_from([20.0, 1.0])), domain=grid),
    Case("softsign", lambda lib, a: F(lib).softsign(a), unary(), domain=away_from_zero),
    Case("hardtanh", lambda lib, a, lo: F(lib).hardtanh(a, lo, lo + 1.5), unary(lo=st.sampled_from([-1.0, -0.5, 0.3])), domain=grid),
    Case("relu6", lambda lib, a: F(lib).relu6(a * 3), unary(), domain=grid),
    Case("hardswish", lambda lib, a: F(lib).hardswish(a * 2), unary(), domain=grid),
    Case("hardsigmoid", _hardsigmoid, unary(), domain=grid),
    Case("mish", lambda lib, a: F(lib).mish(a * 3), unary()),
    Case("prelu", _prelu, unary(shape).map(lambda e: type(e)(e.shapes + [(e.shapes[0][1] if len(e.shapes[0]) >= 2 else 1,) if e.seed % 2 else (1,)], e.params, e.seed)), domain=[grid, lambda x, rng: x]),
    Case("threshold", lambda lib, a, threshold, value: F(lib).threshold(a, threshold, value), unary(threshold=st.sampled_from([0.0, 0.5, -1.0]), value=st.sampled_from([0.0, -2.0, 3.0])), domain=grid),
    Case("logsigmoid", lambda lib, a: F(lib).logsigmoid(a * 5), unary()),
    Case("tanhshrink", lambda lib, a: F(lib).tanhshrink(a), unary()),
    Case("softshrink", lambda lib, a, lambd: F(lib).softshrink(a, lambd), unary(lambd=st.sampled_from([0.5, 0.0, 1.0])), domain=grid),
    Case("hardshrink", lambda lib, a, lambd: F(lib).hardshrink(a, lambd), unary(lambd=st.sampled_from([0.5, 0.0, 1.0])), domain=grid),
    Case("softmin", lambda lib, a, dim: F(lib).softmin(a * 3, dim=dim), dim_of()),
]
