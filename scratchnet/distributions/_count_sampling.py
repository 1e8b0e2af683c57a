"""torch's CPU samplers of counts: ``torch.poisson`` and ``torch.binomial``, draw for draw.

Both run one element at a time in memory order on the generator's double uniforms (torch's
kernels are serial too: each element consumes as many uniforms as its own rejections need).

* Poisson: for a rate below 10, multiply uniforms until the product falls to ``exp(-rate)``;
  from 10 up, Hoermann's transformed rejection (PTRS).
* Binomial: below 10 expected successes, count geometric waiting times (inversion); otherwise
  Hoermann's BTRS; ``p > 1/2`` samples the failures. The float32 steps torch takes in float32
  (``count * prob``, ``sqrt``, ``log1p(-prob)``) are taken in float32 here.

>>> import scratchnet as sn
>>> _ = sn.manual_seed(0)
>>> poisson_array(sn.tensor([0.0, 3.0]).array).tolist()[0]
0.0
"""

import math

from .. import _sampling
from ..backend import xp
from ..dtypes import torch_name
from ..random import generator_or_default

f32, f64 = xp.float32, xp.float64


def _uniform(gen):
    return float(_sampling.uniform01(gen, 1, f64)[0])


def _poisson_one(lam, gen):
    if lam >= 10:
        slam, loglam = math.sqrt(lam), math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = _uniform(gen) - 0.5
            v = _uniform(gen)
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + lam + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b) <= -lam + k * loglam - math.lgamma(k + 1.0):
                return k
    if lam == 0:
        return 0
    enlam, count, product = math.exp(-lam), 0, 1.0
    while True:
        product *= _uniform(gen)
        if product > enlam:
            count += 1
        else:
            return count


def poisson_array(rate, generator=None):
    """One Poisson draw per element of the float array ``rate`` (torch.poisson's values and order)."""
    if rate.dtype.kind != "f":
        raise NotImplementedError(f"\"poisson_cpu\" not implemented for '{torch_name(rate.dtype)}'")
    flat = xp.ascontiguousarray(rate).astype(f64).ravel()
    if (flat < 0).any() or xp.isnan(flat).any():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    gen = generator_or_default(generator)
    return xp.array([_poisson_one(r, gen) for r in flat.tolist()], dtype=f64).astype(rate.dtype).reshape(rate.shape)


_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
         0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287)


def _stirling_tail(k):
    """``log k! - (Stirling's approximation)``: a table to 9, the series above."""
    if k <= 9:
        return _TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _inversion(count, prob, t, gen):
    logprob = float(xp.log1p(-t(prob)))
    geom_sum, successes = 0.0, 0
    while True:
        geom_sum += math.ceil(math.log(_uniform(gen)) / logprob)
        if geom_sum > count:
            return successes
        successes += 1


def _btrs(count, prob, t, gen):
    stddev = float(xp.sqrt(t(t(count) * t(prob) * (t(1) - t(prob)))))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = float(t(count) * t(prob)) + 0.5
    v_r = 0.92 - 4.2 / b
    r = float(t(prob) / (t(1) - t(prob)))
    alpha = (2.83 + 5.1 / b) * stddev
    m = math.floor(float((t(count) + t(1)) * t(prob)))
    while True:
        u = _uniform(gen) - 0.5
        v = _uniform(gen)
        us = 0.5 - abs(u)
        k = float(t(math.floor((2 * a / us + b) * u + c)))
        if k < 0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = math.log(v * alpha / (a / (us * us) + b))
        bound = ((m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
                 + (count + 1) * math.log((count - m + 1) / (count - k + 1))
                 + (k + 0.5) * math.log(r * (count - k + 1) / (k + 1))
                 + _stirling_tail(m) + _stirling_tail(count - m) - _stirling_tail(k) - _stirling_tail(count - k))
        if v <= bound:
            return k


def _binomial_one(count, prob, t, gen):
    if count <= 0.0 or prob <= 0.0:
        return 0.0
    if prob >= 1.0:
        return count
    if prob <= 0.5:
        if float(t(count) * t(prob)) >= 10.0:
            return _btrs(count, prob, t, gen)
        return _inversion(count, prob, t, gen)
    if prob > 0.5:
        q = float(t(1.0) - t(prob))
        if float(t(count) * t(q)) >= 10.0:
            return float(t(count) - t(_btrs(count, q, t, gen)))
        return float(t(count) - t(_inversion(count, q, t, gen)))
    return math.nan


def binomial_array(count, prob, generator=None):
    """One binomial draw per element of the float arrays ``count`` and ``prob`` (same shape)."""
    if count.dtype.kind != "f":
        raise NotImplementedError(f"\"binomial_cpu\" not implemented for '{torch_name(count.dtype)}'")
    t = count.dtype.type
    gen = generator_or_default(generator)
    pairs = zip(xp.ascontiguousarray(count).ravel().tolist(), xp.ascontiguousarray(prob).astype(count.dtype).ravel().tolist())
    return xp.array([_binomial_one(n, p, t, gen) for n, p in pairs], dtype=f64).astype(count.dtype).reshape(count.shape)
