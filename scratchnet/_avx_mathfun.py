"""float32 ``log`` and ``sincos`` exactly as torch's AVX2 normal sampler computes them.

torch fills float32 normals of 16 or more elements with ``normal_fill_16_AVX2``, which takes its
logarithm, sine and cosine from ``avx_mathfun.h`` (Cephes' single-precision polynomials, by
Pommier and Garberoglio) rather than from libm. Reproducing torch's normals bit for bit means
reproducing those polynomials step by step in float32, including the places where the compiler
fused a multiply and an add into one FMA (:func:`scratchnet._fma.fma32`).

>>> import numpy as np
>>> float(abs(log_ps(np.float32([2.0]))[0] - np.log(2.0))) < 1e-7
True
"""

from ._fma import fma32
from .backend import fast_where, xp

f32 = xp.float32

_LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
          -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1]
_LOG_Q1, _LOG_Q2 = f32(-2.12194440e-4), f32(0.693359375)
_SQRTHF = f32(0.707106781186547524)
_DP = [f32(-0.78515625), f32(-2.4187564849853515625e-4), f32(-3.77489497744594108e-8)]
_SINCOF = [f32(-1.9515295891e-4), f32(8.3321608736e-3), f32(-1.6666654611e-1)]
_COSCOF = [f32(2.443315711809948e-005), f32(-1.388731625493765e-003), f32(4.166664568298827e-002)]
_FOPI = f32(1.27323954473516)


def log_ps(x):
    """Natural log of float32 ``x`` as avx_mathfun's ``log256_ps`` (NaN for x <= 0)."""
    x = xp.asarray(x, dtype=f32)
    invalid = x <= 0
    x = xp.maximum(x, f32(1.17549435e-38))  # cut off denormals
    bits = x.view(xp.uint32)
    e = ((bits >> 23).astype(xp.int32) - 0x7F).astype(f32) + f32(1)
    x = ((bits & xp.uint32(~0x7F800000 & 0xFFFFFFFF)) | xp.uint32(0x3F000000)).view(f32)  # mantissa in [0.5, 1)
    small = x < _SQRTHF
    e = e - small.astype(f32)
    x = (x - f32(1)) + fast_where(small, x, f32(0))
    z = x * x
    y = xp.full_like(x, f32(_LOG_P[0]))
    for p in _LOG_P[1:]:
        y = fma32(y, x, f32(p))
    y = y * x
    y = fma32(y, z, e * _LOG_Q1)
    y = fma32(-z, f32(0.5), y)
    x = fma32(e, _LOG_Q2, x + y)
    return fast_where(invalid, f32(xp.nan), x)


def sincos_ps(x):
    """(sin x, cos x) of float32 ``x`` as avx_mathfun's ``sincos256_ps``."""
    x = xp.asarray(x, dtype=f32)
    sign_sin = xp.signbit(x)
    x = xp.abs(x)
    j = (x * _FOPI).astype(xp.int32)  # truncation, as _mm256_cvttps_epi32
    j = (j + 1) & ~1
    y = j.astype(f32)
    swap_sin = (j & 4) != 0
    poly = (j & 2) == 0  # True: the sine polynomial gives sin
    for dp in _DP:  # extended-precision range reduction x - y * pi/4
        x = fma32(y, dp, x)
    sign_cos = ((~(j - 2)) & 4) != 0
    sign_sin = sign_sin ^ swap_sin
    z = x * x
    c = fma32(xp.full_like(z, _COSCOF[0]), z, _COSCOF[1])
    c = fma32(c, z, _COSCOF[2])
    c = c * z
    c = fma32(c, z, -(z * f32(0.5)))
    c = c + f32(1)
    s = fma32(xp.full_like(z, _SINCOF[0]), z, _SINCOF[1])
    s = fma32(s, z, _SINCOF[2])
    s = s * z
    s = fma32(s, x, x)
    sin = fast_where(poly, s, c)
    cos = fast_where(poly, c, s)
    return fast_where(sign_sin, -sin, sin), fast_where(sign_cos, -cos, cos)
