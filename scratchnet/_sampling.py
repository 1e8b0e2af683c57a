"""torch's CPU sampling algorithms, rebuilt on a :class:`~scratchnet.random.Generator`'s words.

Each function returns a flat NumPy array of ``n`` samples drawn exactly as torch's CPU kernels
draw them (ATen's ``DistributionsHelper.h`` and ``cpu/DistributionTemplates.h``), consuming the
same words in the same order, so the stream stays in step with torch's for every later call.

>>> from scratchnet.random import Generator
>>> uniform(Generator().manual_seed(777), 2, "float32").tolist()
[0.08191531896591187, 0.49113744497299194]
"""

import math

from ._avx_mathfun import log_ps, sincos_ps
from ._fma import fma32, fma64
from .backend import xp

f32, f64 = xp.float32, xp.float64
_TWO_PI = 2.0 * math.pi


def uniform01(gen, n, dtype):
    """torch's ``uniform_real_distribution(0, 1)``: float32 from the low 24 bits of one word,
    float64 from the low 53 bits of a 64-bit word."""
    if xp.dtype(dtype) == f64:
        return (gen.random64(n) & xp.uint64(2**53 - 1)).astype(f64) * 2.0**-53
    return ((gen.random32(n) & xp.uint64(2**24 - 1)).astype(f32) * f32(2.0**-24)).astype(f32)


def uniform(gen, n, dtype, low=0.0, high=1.0):
    """``uniform_(low, high)``: ``fma(u, high - low, low)`` in the tensor's dtype, as torch's
    ``transformation::uniform_real`` compiles; a value that rounds up to ``high`` becomes
    ``low`` (torch keeps the range half-open that way — measured)."""
    dtype = xp.dtype(dtype)
    u = uniform01(gen, n, dtype)
    if dtype == f64:
        lo, hi = f64(low), f64(high)
        r = fma64(u, hi - lo, lo)
    else:
        lo, hi = f32(low), f32(high)
        r = fma32(u, hi - lo, lo)
    return xp.where(r >= hi, lo, r)


#: Values a block of the vectorised normal fill computes at once (a multiple of 16): its float64
#: temporaries then stay in cache (4M float32 normals here: 0.56 s in one block, 0.36 in blocks of 2**18).
_FILL_BLOCK = 1 << 18


def normal(gen, n, dtype, mean=0.0, std=1.0, contiguous=True):
    """``normal_(mean, std)`` with torch's three paths: 16 or more contiguous float32 values use
    the AVX2 vectorised Box–Muller (``normal_fill_AVX2``), 16 or more float64 values the scalar
    one (``normal_fill``), and anything smaller the cached double Box–Muller
    (``normal_distribution<double>``)."""
    dtype = xp.dtype(dtype)
    if n >= 16 and contiguous:
        u = uniform01(gen, n, dtype)
        fill = _fill16_avx2 if dtype == f32 else _fill16_double
        full = (n // 16) * 16
        out = u.copy()
        for start in range(0, full, _FILL_BLOCK):  # by blocks: the polynomials' temporaries stay in cache
            stop = min(start + _FILL_BLOCK, full)
            out[start:stop] = fill(u[start:stop].reshape(-1, 2, 8), mean, std).reshape(-1)
        if n % 16:
            tail = uniform01(gen, 16, dtype).reshape(1, 2, 8)
            out[n - 16:] = fill(tail, mean, std).reshape(-1)
        return out
    return normal_serial(gen, n, mean, std).astype(dtype)


def _fill16_avx2(u, mean, std):
    """Blocks of 16 float32 uniforms -> 16 normals: element j pairs with j + 8."""
    u1, u2 = f32(1) - u[:, 0], u[:, 1]
    radius = xp.sqrt(f32(-2) * log_ps(u1))
    sin, cos = sincos_ps(f32(_TWO_PI) * u2)
    return xp.stack([fma32(radius * cos, f32(std), f32(mean)), fma32(radius * sin, f32(std), f32(mean))], axis=1)


def _fill16_double(u, mean, std):
    """Blocks of 16 float64 uniforms -> 16 normals with libm's log, cos and sin."""
    u1, u2 = 1.0 - u[:, 0], u[:, 1]
    radius = xp.sqrt(-2.0 * _libm(math.log, u1))
    theta = _TWO_PI * u2
    return xp.stack([fma64(radius * _libm(math.cos, theta), std, mean), fma64(radius * _libm(math.sin, theta), std, mean)], axis=1)


def _libm(fn, x):
    """``fn`` (a ``math`` function: the C library's) on every element; NumPy's own vectorised
    log/sin/cos may differ from the C library's by an ulp on some CPUs."""
    return xp.fromiter(map(fn, x.ravel().tolist()), dtype=f64, count=x.size).reshape(x.shape)


def normal_serial(gen, n, mean=0.0, std=1.0):
    """torch's ``normal_distribution<double>``, one value at a time: Box–Muller on two double
    uniforms, the sine sample cached in the generator for the next call."""
    out = xp.empty(n, dtype=f64)
    for i in range(n):
        if gen.next_double_normal is not None:
            z, gen.next_double_normal = gen.next_double_normal, None
        else:
            u1, u2 = uniform01(gen, 2, f64).tolist()
            r = math.sqrt(-2.0 * math.log1p(-u2))
            theta = _TWO_PI * u1
            gen.next_double_normal = r * math.sin(theta)
            z = r * math.cos(theta)
        out[i] = z
    return fma64(out, std, mean)


def normal_double(gen, n, mean=0.0, std=1.0):
    """``n`` draws of torch's ``normal_distribution<double>`` (log_normal_ exponentiates them)."""
    return normal_serial(gen, n, mean, std)


def bernoulli(gen, p, dtype="float64"):
    """``bernoulli_distribution``: ``u < p`` per element with ``u`` a uniform of ``p``'s
    precision (double for a Python float ``p``, float32 for a float32 tensor of probabilities)."""
    p = xp.asarray(p)
    u = uniform01(gen, p.size, f32 if p.dtype == f32 else f64).reshape(p.shape)
    return u < p


def random_from_to(gen, n, low, high, dtype):
    """``random_(low, high)`` / ``randint``: ``word % range + low``, with 64-bit words when the
    range is 2**28 or more (torch 2.14's threshold, measured: it keeps the modulo bias small)."""
    span = int(high) - int(low)
    wide = span >= 2**28
    words = gen.random64(n) if wide else gen.random32(n)
    values = (words % xp.uint64(span)).astype(xp.int64) + int(low)
    return values.astype(dtype)


def random_full(gen, n, dtype):
    """``random_()`` with no bounds: ``[0, 2**mantissa]`` for floats, ``[0, max]`` for integers."""
    dtype = xp.dtype(dtype)
    if dtype == xp.bool_:
        return (gen.random32(n) & xp.uint64(1)).astype(bool)
    if dtype in (f64, xp.dtype("int64")):
        words = gen.random64(n)
    else:
        words = gen.random32(n)
    if dtype.kind == "f":
        modulus = 2 ** (24 if dtype == f32 else 53) + 1
    else:
        modulus = int(xp.iinfo(dtype).max) + 1
    return (words % xp.uint64(modulus)).astype(dtype)


def randperm(gen, n):
    """torch's ``randperm`` on the CPU (n below 2**32 / 20): a forward Fisher–Yates shuffle,
    swapping position ``i`` with ``i + word % (n - i)``. The words are drawn first (one per step,
    as torch draws them); the swaps depend on each other, so they run one at a time."""
    perm = list(range(n))
    if n > 1:
        picks = (gen.random32(n - 1) % xp.arange(n, 1, -1, dtype=xp.uint64)).tolist()
        for i, z in enumerate(picks):
            j = i + z
            perm[i], perm[j] = perm[j], perm[i]
    return xp.array(perm, dtype=xp.int64)


def exponential(gen, n, lambd):
    """``exponential_(lambd)``: ``-1 / lambd * log1p(-u)`` with double uniforms."""
    u = uniform01(gen, n, f64)
    return -1.0 / lambd * _libm(math.log1p, -u)


def geometric(gen, n, p):
    """``geometric_(p)``: ``ceil(log(u) / log1p(-p))`` with double uniforms."""
    u = uniform01(gen, n, f64)
    return xp.ceil(_libm(math.log, u) / math.log1p(-p))


def cauchy(gen, n, median, sigma):
    """``cauchy_(median, sigma)``: ``median + sigma * tan(pi * (u - 0.5))`` (one fused
    multiply-add, as compiled)."""
    u = uniform01(gen, n, f64)
    return fma64(sigma, _libm(math.tan, math.pi * (u - 0.5)), median)


def multinomial(gen, probs, num_samples, replacement):
    """torch's CPU ``multinomial`` on a 2-D array of weights (one row a distribution).

    Without replacement, or for one sample, torch takes ``argmax``/``topk`` of ``p / q`` with
    ``q`` exponential(1) draws (the Gumbel trick); with replacement it binary-searches each double
    uniform in the row's normalised cumulative sum (``MultinomialKernel.cpp``)."""
    rows, k = probs.shape
    if not replacement or num_samples == 1:
        q = exponential(gen, probs.size, 1.0).astype(probs.dtype).reshape(probs.shape)
        with xp.errstate(divide="ignore", invalid="ignore"):
            keys = probs / q
        if num_samples == 1:
            return xp.argmax(keys, axis=1)[:, None]
        order = xp.argsort(-keys, axis=1, kind="stable")
        return order[:, :num_samples]
    acc = f64 if probs.dtype == f64 else f32
    out = xp.empty((rows, num_samples), dtype=xp.int64)
    for r in range(rows):
        cum = xp.cumsum(probs[r].astype(acc), dtype=acc)
        cum = cum / cum[-1]
        cum[-1] = 1
        u = uniform01(gen, num_samples, f64)
        out[r] = xp.searchsorted(cum.astype(f64), u, side="left")
    return out
