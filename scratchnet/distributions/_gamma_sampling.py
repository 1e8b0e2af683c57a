"""torch's CPU gamma sampler (``torch._standard_gamma``) and its reparameterized gradient.

The sampler is Marsaglia and Tsang's acceptance-rejection method (with the ``alpha < 1`` boost
``Gamma(alpha) = Gamma(alpha + 1) U^(1/alpha)``), run one element at a time in memory order on
the generator's double uniforms and its cached double Box-Muller normals, with the float32 steps
torch takes in float32 (``1 / alpha``, ``alpha + 1``, ``alpha - 1/3``) and the rest in double, so
the draws and the generator's state after them are torch's. The element loop is serial because
the stream is: each element consumes a number of draws decided by its own rejections.

The gradient ``d sample / d alpha = -(d cdf / d alpha) / pdf`` (implicit reparameterization)
uses a series for small samples, Rice's saddle-point expansion for large alpha and a fitted
rational function elsewhere (the approximations torch uses), vectorised.

>>> import scratchnet as sn
>>> _ = sn.manual_seed(0)
>>> sn.distributions.Gamma(sn.tensor([2.0]), sn.tensor([1.0])).sample().shape
scratchnet.Size([1])
"""

import math

from .. import _sampling
from ..backend import xp
from ..dtypes import torch_name
from ..ops.gamma import _digamma
from ..random import generator_or_default
from ..tensor import Function, Tensor

f32, f64 = xp.float32, xp.float64
_THIRD_F32 = float(f32(1.0) / f32(3.0))  # torch's 1.0f / 3.0f
_SQUEEZE = float(f32(0.0331))  # torch's 0.0331f


def _one(alpha, single, gen):
    """One draw of Gamma(alpha, 1) in double (``alpha`` a Python float of the tensor's dtype)."""
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        inverse = float(f32(1.0) / f32(alpha)) if single else 1.0 / alpha
        scale *= math.pow(1.0 - _sampling.uniform01(gen, 1, f64)[0], inverse)
        alpha = float(f32(alpha) + f32(1.0)) if single else alpha + 1.0
    d = float(f32(alpha) - f32(_THIRD_F32)) if single else alpha - _THIRD_F32
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        while True:
            x = float(_sampling.normal_serial(gen, 1)[0])
            y = 1.0 + c * x
            if not y <= 0:
                break
        v = y * y * y
        u = 1.0 - float(_sampling.uniform01(gen, 1, f64)[0])
        xx = x * x
        if u < 1.0 - _SQUEEZE * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + (math.log(v) if v > 0 else -math.inf)):
            return scale * d * v


def standard_gamma_array(alpha, generator=None):
    """Gamma(alpha, 1) draws for every element of the float array ``alpha`` (torch's order and values)."""
    if alpha.dtype.kind != "f":
        raise NotImplementedError(f"\"gamma_cpu\" not implemented for '{torch_name(alpha.dtype)}'")
    gen = generator_or_default(generator)
    single = alpha.dtype == f32
    flat = xp.ascontiguousarray(alpha).ravel().tolist()
    out = xp.array([_one(a, single, gen) for a in flat], dtype=f64).astype(alpha.dtype)
    tiny = xp.finfo(alpha.dtype).tiny
    return xp.maximum(out, tiny).reshape(alpha.shape)


def _digamma_double(a):
    return _digamma(xp.asarray(a, dtype=f64))


def standard_gamma_grad_array(alpha, x):
    """``-(d/d alpha cdf(x; alpha)) / pdf(x; alpha)`` for Gamma(alpha, 1) samples x, in float64."""
    a = xp.asarray(alpha, dtype=f64)
    x = xp.asarray(x, dtype=f64)
    with xp.errstate(all="ignore"):
        # small x: the series of the regularized incomplete gamma function
        numer, denom = xp.ones_like(x), a.copy()
        series1, series2 = numer / denom, numer / (denom * denom)
        for i in range(1, 6):
            numer = numer * (-x / i)
            denom = denom + 1
            series1 = series1 + numer / denom
            series2 = series2 + numer / (denom * denom)
        pow_x_alpha = xp.power(x, a)
        pdf = xp.power(x, a - 1) * xp.exp(-x)
        cdf = pow_x_alpha * series1
        cdf_alpha = (xp.log(x) - _digamma_double(a)) * cdf - pow_x_alpha * series2
        small = -cdf_alpha / pdf
        small = xp.where(xp.isnan(small), 0.0, small)
        # large alpha: Rice's saddle-point expansion (a polynomial near the mode)
        near = (0.9 * a <= x) & (x <= 1.1 * a)
        numer_1 = 1 + 24 * a * (1 + 12 * a)
        numer_2 = 1440 * (a * a) + 6 * x * (53 - 120 * x) - 65 * x * x / a + a * (107 + 3600 * x)
        mode_part = numer_1 * numer_2 / (1244160 * (a * a) * (a * a))
        root = xp.sqrt(8 * a)
        term2 = root / (a - x)
        term3 = xp.power(x - a - a * xp.log(x / a), -1.5)
        term23 = xp.where(x < a, term2 - term3, term2 + term3)
        term1 = xp.log(x / a) * term23 - xp.sqrt(2 / a) * (a + x) / ((a - x) * (a - x))
        stirling = 1 + 1 / (12 * a) * (1 + 1 / (24 * a))
        tail_part = -stirling * (x * term1) / root
        large = xp.where(near, mode_part, tail_part)
        # elsewhere: a bivariate rational approximation in log(x / alpha), log(alpha)
        u, v = xp.log(x / a), xp.log(a)
        c = [_COEF[0][i] + u * (_COEF[1][i] + u * _COEF[2][i]) for i in range(8)]
        p = c[0] + v * (c[1] + v * (c[2] + v * c[3]))
        q = c[4] + v * (c[5] + v * (c[6] + v * c[7]))
        rational = xp.exp(p / q)
        return xp.where(x < 0.8, small, xp.where(a > 8.0, large, rational))


_COEF = (
    (0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084),
    (0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915, -0.00058392623),
    (0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-07),
)


class StandardGamma(Function):
    """Gamma(alpha, 1) samples, torch's draws; the backward is the implicit reparameterization
    gradient (a constant: torch defines no second derivative here)."""

    def forward(ctx, alpha, generator=None):
        out = standard_gamma_array(alpha, generator)
        ctx.save_for_backward(alpha, out)
        return out

    def backward(ctx, grad):
        alpha, out = ctx.saved_tensors
        slope = standard_gamma_grad_array(alpha.array, out.array).astype(alpha.dtype)
        return grad * Tensor._make(slope)


def standard_gamma(concentration, generator=None):
    """``torch._standard_gamma``: one Gamma(concentration, 1) draw per element.

    >>> import scratchnet as sn
    >>> _ = sn.manual_seed(0)
    >>> standard_gamma(sn.tensor([1.0, 5.0])).shape
    scratchnet.Size([2])
    """
    return StandardGamma.apply(concentration, generator=generator)


def dirichlet_array(concentration, generator=None):
    """``torch._sample_dirichlet``: Gamma(alpha_k, 1) draws in double (alpha cast to double),
    normalized over the last dimension, cast back and kept inside ``[tiny, 1)``."""
    if concentration.dtype.kind != "f":
        raise NotImplementedError(f"\"dirichlet\" not implemented for '{torch_name(concentration.dtype)}'")
    gen = generator_or_default(generator)
    flat = xp.ascontiguousarray(concentration).astype(f64).ravel().tolist()
    gammas = xp.array([_one(a, False, gen) for a in flat], dtype=f64).reshape(concentration.shape)
    gammas = xp.maximum(gammas, xp.finfo(f64).tiny)
    with xp.errstate(all="ignore"):
        ratio = (gammas / gammas.sum(-1, keepdims=True)).astype(concentration.dtype)
    dtype = concentration.dtype.type
    return xp.minimum(xp.nextafter(dtype(1), dtype(0)), xp.maximum(xp.finfo(concentration.dtype).tiny, ratio))
