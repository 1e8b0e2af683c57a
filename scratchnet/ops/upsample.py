"""``F.interpolate``: resizing by nearest neighbour, (bi/tri)linear or bicubic interpolation, or area averaging.

Every mode is separable: each spatial dim is resampled in turn. Nearest reads one source position
per output position; linear mixes two, w0 * x[i0] + w1 * x[i1], with the source coordinate torch
uses: ``dst * (in - 1) / (out - 1)`` with ``align_corners=True``, else ``(dst + 0.5) * scale - 0.5``
(clamped at 0), ``scale`` being 1 / scale_factor when one is given, else in / out. The gathers are
:class:`~scratchnet.ops.layers.IndexPad` nodes (whose backward adds back), so gradients and second
derivatives follow; the whole resize is one node with torch's name (``UpsampleBilinear2DBackward0``).

>>> import scratchnet as sn
>>> x = sn.tensor([[[1.0, 2.0]]])
>>> interpolate(x, scale_factor=2).tolist()
[[[1.0, 1.0, 2.0, 2.0]]]
>>> interpolate(x, size=3, mode="linear", align_corners=True).tolist()
[[[1.0, 1.5, 2.0]]]
"""

import math

from ..backend import FLOAT_DTYPES, xp
from ..dtypes import torch_name
from ..tensor import Tensor
from ._composite import composite
from .layers import IndexPad
from .pool_adaptive import adaptive_avg_pool1d, adaptive_avg_pool2d

_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "trilinear", "area", "bicubic")
_NEEDS = {"linear": 3, "bilinear": 4, "trilinear": 5, "bicubic": 4}


def _scale(in_size, out_size, align_corners, scale_factor):
    if align_corners:
        return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    return 1.0 / scale_factor if scale_factor is not None and scale_factor > 0 else in_size / out_size


def _take(x, dim, idx):
    return IndexPad.apply(x, indices=((dim, idx),), name="IndexPadBackward0")


def _resample(x, dim, out_size, mode, align_corners, scale_factor, nearest_shortcuts=False):
    """x resized along ``dim`` to ``out_size``."""
    n = x.shape[dim]
    dst = xp.arange(out_size, dtype=xp.float64)
    if mode in ("nearest", "nearest-exact"):
        # the source index from a float32 scale (a float32 product for nearest, a double one for
        # nearest-exact); torch's 2-D nearest kernel (nearest_idx) copies at the same size and
        # takes i // 2 at twice the size, whatever the scale factor
        scale = xp.float32(1.0 / scale_factor if scale_factor is not None and scale_factor > 0 else xp.float32(n) / xp.float32(out_size))
        if mode == "nearest-exact":
            src = xp.floor(((dst + 0.5) * xp.float64(scale)).astype(xp.float32))
        elif out_size == n and nearest_shortcuts:
            src = dst
        elif out_size == 2 * n and nearest_shortcuts:
            src = xp.floor(dst / 2)
        else:
            src = xp.floor(dst.astype(xp.float32) * scale)
        return _take(x, dim, xp.minimum(src.astype(xp.int64), n - 1))
    if out_size == n:  # torch: the same size is a copy, x * 1 + x * 0 (whatever the scale factor)
        w0 = Tensor._make(xp.ones((), x.dtype))
        return x * w0 + x * (w0 * 0)
    scale = _scale(n, out_size, align_corners, scale_factor)
    if mode == "bicubic":
        return _cubic(x, dim, dst * scale if align_corners else (dst + 0.5) * scale - 0.5)
    src = dst * scale if align_corners else xp.maximum((dst + 0.5) * scale - 0.5, 0.0)
    i0 = xp.minimum(xp.floor(src).astype(xp.int64), n - 1)
    i1 = xp.minimum(i0 + 1, n - 1)
    w1 = (src - i0).astype(x.dtype)
    shape = [1] * x.ndim
    shape[dim] = out_size
    w1 = Tensor._make(w1.reshape(shape))
    return _take(x, dim, i0) * (1 - w1) + _take(x, dim, i1) * w1


def _cubic(x, dim, src):
    """Cubic convolution (Keys, A = -0.75) along ``dim`` at source coordinates ``src`` (not clamped):
    four taps floor(src) - 1 .. floor(src) + 2, each index clamped to the input (torch's bicubic)."""
    n, a = x.shape[dim], -0.75
    base = xp.floor(src)
    t = src - base
    far, near = lambda d: ((a * d - 5 * a) * d + 8 * a) * d - 4 * a, lambda d: ((a + 2) * d - (a + 3)) * d * d + 1
    weights = (far(t + 1), near(t), near(1 - t), far(2 - t))
    shape = [1] * x.ndim
    shape[dim] = len(src)
    out = None
    for k, w in enumerate(weights):
        idx = xp.clip(base.astype(xp.int64) + (k - 1), 0, n - 1)
        term = _take(x, dim, idx) * Tensor._make(w.astype(x.dtype).reshape(shape))
        out = term if out is None else out + term
    return out


def _output_sizes(input, size, scale_factor, dims, recompute):
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    spatial = input.shape[2:]
    if size is not None:
        sizes = list(size) if isinstance(size, (tuple, list)) else [size] * max(dims, 0)
        if isinstance(size, (tuple, list)) and len(sizes) != dims:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got input with spatial "
                f"dimensions of {list(spatial)} and output size of {sizes}. Please provide input tensor in (N, C, d1, d2, "
                "...,dK) format and output size in (o1, o2, ...,oK) format."
            )
        return [int(s) for s in sizes], [None] * dims
    scales = list(scale_factor) if isinstance(scale_factor, (tuple, list)) else [scale_factor] * max(dims, 0)
    if isinstance(scale_factor, (tuple, list)) and len(scales) != dims:
        raise ValueError(
            f"Input and scale_factor must have the same number of spatial dimensions, but got input with spatial "
            f"dimensions of {list(spatial)} and scale_factor of shape {scales}. Please provide input tensor in (N, C, "
            "d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format."
        )
    sizes = [int(math.floor(float(n * s))) for n, s in zip(spatial, scales)]
    return sizes, [None] * dims if recompute else [float(s) for s in scales]


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None, antialias=False):
    """``F.interpolate`` of a (N, C, d1, ..., dK) input (K = 1, 2 or 3) to ``size`` or by
    ``scale_factor``; modes 'nearest', 'nearest-exact', 'linear' (3-D input), 'bilinear' (4-D),
    'trilinear' (5-D), 'bicubic' (4-D; cubic convolution with A = -0.75, taps clamped to the
    input, so values may overshoot the input's range as torch's), 'area' (adaptive average pooling)."""
    if mode not in _MODES:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got {mode})")
    if antialias:
        raise NotImplementedError("scratchnet's interpolate has no antialias")
    if align_corners is not None and mode not in ("linear", "bilinear", "trilinear", "bicubic"):
        raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
    if input.ndim not in (3, 4, 5):
        _output_sizes(input, size, scale_factor, input.ndim - 2, recompute_scale_factor)  # torch's ValueErrors come first
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got {mode})")
    if mode in _NEEDS and input.ndim != _NEEDS[mode]:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_NEEDS[mode]}D input")
    dims = input.ndim - 2
    sizes, scales = _output_sizes(input, size, scale_factor, dims, recompute_scale_factor)
    if input.shape[1] == 0 and mode != "area":  # torch's kernel checks these before its dtype dispatch
        raise RuntimeError(f"Non-empty {input.ndim}D data tensor expected but got a tensor with sizes [{', '.join(map(str, input.shape))}]")
    if min(sizes) <= 0 or min(input.shape[2:]) <= 0:
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({', '.join(map(str, input.shape[2:]))}) output ({', '.join(map(str, sizes))})")
    if mode not in ("nearest", "nearest-exact", "area") and input.dtype not in FLOAT_DTYPES:  # area: adaptive pooling's rules
        raise NotImplementedError(f'"upsample_{mode}" not implemented for \'{input.dtype}\'')
    if mode in ("nearest", "nearest-exact") and input.dtype not in FLOAT_DTYPES and input.dtype != xp.uint8:
        # torch's nearest kernels take floats and uint8 only
        raise NotImplementedError(f'"compute_indices_weights_nearest" not implemented for \'{torch_name(input.dtype)}\'')
    if mode == "area":
        if dims == 3:
            from .pool3d import adaptive_avg_pool3d

            return adaptive_avg_pool3d(input, sizes)
        return adaptive_avg_pool1d(input, sizes) if dims == 1 else adaptive_avg_pool2d(input, sizes)
    align = bool(align_corners)

    def fn(x):
        for i, (out_size, scale) in enumerate(zip(sizes, scales)):
            x = _resample(x, 2 + i, out_size, mode, align, scale, dims == 2)
        return x

    kind = {"nearest": "Nearest", "nearest-exact": "NearestExact", "linear": "Linear", "bilinear": "Bilinear", "trilinear": "Trilinear", "bicubic": "Bicubic"}[mode]
    return composite(f"Upsample{kind}{dims}DBackward0", fn, input)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """``F.upsample`` (deprecated in torch): interpolate."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """``F.upsample_nearest`` (deprecated in torch): nearest interpolation."""
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """``F.upsample_bilinear`` (deprecated in torch): bilinear with align_corners=True."""
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


FUNCTIONAL = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear"]
