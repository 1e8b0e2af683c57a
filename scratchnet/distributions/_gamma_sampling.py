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
    return _at_least(out, xp.finfo(alpha.dtype).tiny).reshape(alpha.shape)


def _at_least(values, low):
    """C++'s ``std::max(low, v)``: ``low`` where ``v`` is below it or NaN."""
    return xp.where(low < values, values, values.dtype.type(low))


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
    gammas = _at_least(gammas, xp.finfo(f64).tiny)
    with xp.errstate(all="ignore"):
        ratio = _at_least((gammas / gammas.sum(-1, keepdims=True)).astype(concentration.dtype), xp.finfo(concentration.dtype).tiny)
    dtype = concentration.dtype.type
    below_one = xp.nextafter(dtype(1), dtype(0))
    return xp.where(ratio < below_one, ratio, below_one)  # std::min(below_one, ratio)


# ---- the Dirichlet sample's reparameterized gradient (torch's _dirichlet_grad), in float64 ---------

_DIRICHLET_COEF = (
    (((1.003668233, -0.01061107488, -0.0657888334, 0.01201642863), (0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033),
      (-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013)),
     ((0.221950385, -0.3187676331, 0.01799915743, 0.01074823814), (-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057),
      (0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05)),
     ((-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565), (0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181),
      (0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05))),
    (((1, -0.02924021934, -0.04438342661, 0.007285809825), (0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521),
      (-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149)),
     ((0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273), (0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956),
      (-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05)),
     ((0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05), (0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05),
      (-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06))),
)


def _digamma_in(a, dtype):
    """digamma computed in double, rounded to ``dtype`` (torch's digamma_one<scalar_t, double>)."""
    return _digamma_double(a).astype(dtype)


def _beta_grad_alpha_small(x, alpha, beta):
    """d x / d alpha of a Beta(alpha, beta) sample near 0: a Taylor series, in the sample's dtype."""
    t = x.dtype.type
    factor = _digamma_in(alpha, x.dtype) - _digamma_in(alpha + beta, x.dtype) - xp.log(x)
    numer = xp.ones_like(x)
    series = numer / alpha * (factor + t(1) / alpha)
    for i in range(1, 11):
        numer = numer * ((t(i) - beta) * x / t(i))
        denom = alpha + t(i)
        series = series + numer / denom * (factor + t(1) / denom)
    result = x * xp.power(t(1) - x, -beta) * series
    return xp.where(xp.isnan(result), t(0), result)


def _beta_grad_beta_small(x, alpha, beta):
    """d x / d beta of a Beta(alpha, beta) sample near 0: a Taylor series, in the sample's dtype."""
    t = x.dtype.type
    factor = _digamma_in(alpha + beta, x.dtype) - _digamma_in(beta, x.dtype)
    numer, betas, dbetas = xp.ones_like(x), xp.ones_like(x), xp.zeros_like(x)
    series = factor / alpha
    for i in range(1, 9):
        numer = numer * (-x / t(i))
        dbetas = dbetas * (beta - t(i)) + betas
        betas = betas * (beta - t(i))
        series = series + numer / (alpha + t(i)) * (dbetas + factor * betas)
    result = -xp.power(t(1) - x, t(1) - beta) * series
    return xp.where(xp.isnan(result), t(0), result)


def _beta_grad_alpha_mid(x, alpha, beta):
    """d x / d alpha for large alpha and beta: Rice's saddle-point expansion."""
    total = alpha + beta
    mean = alpha / total
    std = xp.sqrt(alpha * beta / (total + 1)) / total
    b2 = beta * beta
    poly = 47 * x * b2 * b2 + alpha * ((43 + 20 * (16 + 27 * beta) * x) * b2 * beta + alpha * (
        3 * (59 + 180 * beta - 90 * x) * b2 + alpha * ((453 + 1620 * beta * (1 - x) - 455 * x) * beta + alpha * (
            8 * (1 - x) * (135 * beta - 11)))))
    prefactor_num = (1 + 12 * alpha) * (1 + 12 * beta) / (total * total)
    prefactor_den = 12960 * alpha * alpha * alpha * beta * beta * (1 + 12 * total)
    near = prefactor_num / (1 - x) * poly / prefactor_den
    prefactor = -x / xp.sqrt(2 * alpha * beta / total)
    stirling = ((1 + 1 / (12 * alpha) + 1 / (288 * alpha * alpha)) * (1 + 1 / (12 * beta) + 1 / (288 * beta * beta))
                / (1 + 1 / (12 * total) + 1 / (288 * total * total)))
    term1_num = 2 * (alpha * alpha) * (x - 1) + alpha * beta * (x - 1) - x * b2
    axbx = alpha * (x - 1) + beta * x
    term1 = term1_num / (xp.sqrt(2 * alpha / beta) * xp.power(total, 1.5) * axbx * axbx)
    term2 = 0.5 * xp.log(alpha / (total * x))
    term3 = xp.sqrt(8 * alpha * beta / total) / (beta * x + alpha * (x - 1))
    term4 = xp.power(beta * xp.log(beta / (total * (1 - x))) + alpha * xp.log(alpha / (total * x)), -1.5)
    far = stirling * prefactor * (term1 + term2 * (term3 + xp.where(x < mean, term4, -term4)))
    return xp.where((mean - 0.1 * std <= x) & (x <= mean + 0.1 * std), near, far)


def dirichlet_grad_array(x, alpha, total):
    """``-(d/d alpha cdf(x; alpha, total - alpha)) / pdf / (1 - x)`` of each Beta marginal (torch's
    _dirichlet_grad): series near 0 and 1 (in the sample's dtype, as torch), a saddle point for large
    parameters and a rational fit elsewhere (in double)."""
    dtype = x.dtype
    xs, alphas, totals = (xp.asarray(v, dtype=dtype) for v in (x, alpha, total))
    x, alpha, total = (xp.asarray(v, dtype=f64) for v in (xs, alphas, totals))
    with xp.errstate(all="ignore"):
        betas = totals - alphas
        boundary = totals * xs * (dtype.type(1) - xs)
        beta = total - alpha
        u = xp.log(x)
        a = xp.log(alpha) - u
        b = xp.log(total) - a
        p = xp.zeros_like(x)
        q = xp.zeros_like(x)
        for i, pu in enumerate((1.0, u, u * u)):
            for j, pa in enumerate((1.0, a, a * a)):
                ua = pu * pa
                cp, cq = _DIRICHLET_COEF[0][i][j], _DIRICHLET_COEF[1][i][j]
                p = p + ua * (cp[0] + b * (cp[1] + b * (cp[2] + b * cp[3])))
                q = q + ua * (cq[0] + b * (cq[1] + b * (cq[2] + b * cq[3])))
        spread = _digamma_in(totals, dtype).astype(f64) - _digamma_in(alphas, dtype).astype(f64)
        result = (p / q * (x * spread / beta)).astype(dtype)
        result = xp.where((alphas > 6) & (betas > 6), _beta_grad_alpha_mid(x, alpha, beta).astype(dtype), result)
        result = xp.where((xs >= 0.5) & (boundary < 0.75), -_beta_grad_beta_small(dtype.type(1) - xs, betas, alphas), result)
        return xp.where((xs <= 0.5) & (boundary < 2.5), _beta_grad_alpha_small(xs, alphas, betas), result)


class SampleDirichlet(Function):
    """Dirichlet samples, torch's draws; the backward is torch's reparameterized gradient,
    ``g(x, alpha) * (grad - sum(x * grad))`` with ``g`` a constant (torch's node differentiates once)."""

    def forward(ctx, concentration, generator=None):
        out = dirichlet_array(concentration, generator)
        ctx.save_for_backward(concentration, out)
        return out

    def backward(ctx, grad):
        concentration, x = ctx.saved_tensors
        total = xp.broadcast_to(concentration.array.sum(-1, keepdims=True), concentration.shape)
        slope = Tensor._make(dirichlet_grad_array(x.array, concentration.array, total))
        x, grad = x.detach(), grad.detach()  # computed once, outside the graph, as torch's @once_differentiable
        return slope * (grad - (x * grad).sum(-1, keepdim=True))


def sample_dirichlet(concentration, generator=None):
    """``torch._sample_dirichlet``, differentiable as torch's ``Dirichlet.rsample``.

    >>> import scratchnet as sn
    >>> _ = sn.manual_seed(0)
    >>> round(sum(sample_dirichlet(sn.tensor([1.0, 2.0, 3.0])).tolist()), 5)
    1.0
    """
    return SampleDirichlet.apply(concentration, generator=generator)
