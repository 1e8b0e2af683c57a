"""Sampling an image at arbitrary points: ``grid_sample`` and the grid of an affine map,
``affine_grid`` (the spatial transformer's two halves, Jaderberg et al. 2015), in 2-D.

``grid[n, h, w] = (x, y)`` in ``[-1, 1]`` names a point of image ``n`` (``-1`` the left/top edge,
``+1`` the right/bottom one: the outer edges of the corner pixels, or with ``align_corners=True``
their centres). Each output pixel is the input interpolated there: bilinearly from the 4 pixels
around the point, from the nearest pixel, or bicubically from 16. Points outside the image read
zeros, the border pixel (``'border'``), or the image reflected at its edges (``'reflection'``).

Both ops are one graph node each (``GridSampler2DBackward0``, ``AffineGridGeneratorBackward0``)
whose backward differentiates the composition of scratchnet ops written here: the gradient flows
to the input through the gathered pixel values and to the grid through the interpolation weights
(and the clipping or reflection of the coordinates), as torch's kernel computes it.

>>> import scratchnet as sn
>>> import scratchnet.nn.functional as F
>>> theta = sn.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
>>> image = sn.arange(4.0).view(1, 1, 2, 2)
>>> grid = F.affine_grid(theta, (1, 1, 2, 2), align_corners=False)
>>> F.grid_sample(image, grid, align_corners=False).tolist()
[[[[0.0, 1.0], [2.0, 3.0]]]]
"""

import warnings

from ..backend import FLOAT_DTYPES, xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor
from ._composite import composite

_ALIGN_WARNING = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
    "Please specify align_corners=True if the old behavior is desired. See the documentation of "
    "grid_sample for details."
)


def _const(array):
    return Tensor._make(array)


# ---- coordinates ---------------------------------------------------------------------------------


def _unnormalize(coord, size, align_corners):
    """[-1, 1] to pixel coordinates: the corner pixels' centres (align_corners) or outer edges."""
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _clip(x, size):
    """``x`` clipped to ``[0, size - 1]``; its gradient is the upstream one times 1 strictly inside,
    0 elsewhere (a product, as torch's kernel: a NaN gradient stays NaN)."""
    a = x.array
    with xp.errstate(invalid="ignore"):
        inside = (a > 0) & (a < size - 1)
        rest = xp.where(inside, 0, xp.clip(a, 0, size - 1)).astype(a.dtype)
    return x * _const(inside.astype(a.dtype)) + _const(rest)


def _reflect(x, twice_low, twice_high):
    """Reflect ``x`` into ``[twice_low / 2, twice_high / 2]`` (mirrored at each edge)."""
    if twice_low == twice_high:
        return x * 0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    a = (x - low).abs()
    flips = _const(xp.floor(a.array / span))
    extra = a.fmod(span)
    odd = _const(flips.array % 2 == 1)
    return (span - extra + low).where(odd, extra + low)


def _pad(x, size, padding_mode, align_corners):
    """The padding mode applied to pixel coordinates ``x`` (differentiably)."""
    if padding_mode == "border":
        return _clip(x, size)
    if padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
        return _clip(x, size)
    return x


def _pad_array(x, size, padding_mode, align_corners):
    """:func:`_pad` on plain integer-valued arrays (bicubic's taps: no gradient flows there)."""
    if padding_mode == "zeros":
        return x
    return _pad(_const(x), size, padding_mode, align_corners).array


# ---- sampling --------------------------------------------------------------------------------------


def _tap(flat, xs, ys, h, w):
    """``input[n, :, ys, xs]`` for integer-valued arrays ``xs, ys`` of shape (N, P), zero where
    the point is outside the image: (N, C, P)."""
    inside = (xs >= 0) & (xs <= w - 1) & (ys >= 0) & (ys <= h - 1)
    index = xp.where(inside, ys * w + xs, 0).astype(xp.int64)
    n, c = flat.shape[:2]
    values = flat.gather(2, _const(xp.broadcast_to(index[:, None, :], (n, c, index.shape[1]))))
    # a tap outside reads 0 by selection, so no gradient reaches pixel 0 through it (even times a NaN weight)
    return values.where(_const(xp.broadcast_to(inside[:, None, :], values.shape)), _const(xp.zeros((), flat.array.dtype)))


def _cubic_weights(t):
    """torch's cubic convolution weights (A = -0.75) of the 4 taps at offsets -1, 0, 1, 2."""
    a = -0.75

    def near(s):  # |s| <= 1
        return ((a + 2) * s - (a + 3)) * s * s + 1

    def far(s):  # 1 < |s| < 2
        return ((a * s - 5 * a) * s + 8 * a) * s - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _sample(input, grid, mode, padding_mode, align_corners):
    n, c, h, w = input.shape
    ho, wo = grid.shape[1:3]
    flat = input.reshape(n, c, h * w)
    gx, gy = grid[..., 0].reshape(n, ho * wo), grid[..., 1].reshape(n, ho * wo)
    if mode == "bicubic":
        ix, iy = _unnormalize(gx, w, align_corners), _unnormalize(gy, h, align_corners)
        x0, y0 = xp.floor(ix.array), xp.floor(iy.array)
        wx, wy = _cubic_weights(ix - _const(x0)), _cubic_weights(iy - _const(y0))
        out = 0
        for j in range(4):
            ys = _pad_array(y0 - 1 + j, h, padding_mode, align_corners)
            row = 0
            for i in range(4):
                xs = _pad_array(x0 - 1 + i, w, padding_mode, align_corners)
                row = row + _tap(flat, _finite(xs), _finite(ys), h, w) * wx[i].unsqueeze(1)
            out = out + row * wy[j].unsqueeze(1)
        return out.reshape(n, c, ho, wo)
    ix = _pad(_unnormalize(gx, w, align_corners), w, padding_mode, align_corners)
    iy = _pad(_unnormalize(gy, h, align_corners), h, padding_mode, align_corners)
    if mode == "nearest":  # the grid gets a zero gradient (torch's), through a term that is exactly 0
        link = (ix + iy).where(_const(xp.zeros(ix.shape, bool)), _const(xp.zeros((), ix.array.dtype)))
        out = _tap(flat, _finite(xp.rint(ix.array)), _finite(xp.rint(iy.array)), h, w) + link.unsqueeze(1)
        return out.reshape(n, c, ho, wo)
    x0, y0 = xp.floor(ix.array), xp.floor(iy.array)
    x1, y1 = x0 + 1, y0 + 1
    cx0, cy0, cx1, cy1 = (_const(v) for v in (x0, y0, x1, y1))
    weights = [(cx1 - ix) * (cy1 - iy), (ix - cx0) * (cy1 - iy), (cx1 - ix) * (iy - cy0), (ix - cx0) * (iy - cy0)]
    taps = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
    out = 0
    for (xs, ys), weight in zip(taps, weights):
        out = out + _tap(flat, _finite(xs), _finite(ys), h, w) * weight.unsqueeze(1)
    return out.reshape(n, c, ho, wo)


def _tap3d(flat, xs, ys, zs, size):
    """``input[n, :, zs, ys, xs]`` for integer-valued (N, P) arrays, zero outside: (N, C, P)."""
    d, h, w = size
    inside = (xs >= 0) & (xs <= w - 1) & (ys >= 0) & (ys <= h - 1) & (zs >= 0) & (zs <= d - 1)
    index = xp.where(inside, (zs * h + ys) * w + xs, 0).astype(xp.int64)
    n, c = flat.shape[:2]
    values = flat.gather(2, _const(xp.broadcast_to(index[:, None, :], (n, c, index.shape[1]))))
    return values.where(_const(xp.broadcast_to(inside[:, None, :], values.shape)), _const(xp.zeros((), flat.array.dtype)))


def _sample3d(input, grid, mode, padding_mode, align_corners):
    """Trilinear (torch's 'bilinear' of a 5-D input) or nearest sampling of (N, C, D, H, W) at the
    (x, y, z) points of an (N, D', H', W', 3) grid: the eight corners of the cell, each weighted by
    the opposite sub-volume."""
    n, c, d, h, w = input.shape
    out_shape = tuple(grid.shape[1:4])
    p = out_shape[0] * out_shape[1] * out_shape[2]
    flat = input.reshape(n, c, d * h * w)
    coords = [_pad(_unnormalize(grid[..., k].reshape(n, p), size, align_corners), size, padding_mode, align_corners)
              for k, size in enumerate((w, h, d))]
    if mode == "nearest":  # the grid gets a zero gradient (torch's), through a term that is exactly 0
        ix, iy, iz = coords
        link = (ix + iy + iz).where(_const(xp.zeros(ix.shape, bool)), _const(xp.zeros((), ix.array.dtype)))
        out = _tap3d(flat, *(_finite(xp.rint(t.array)) for t in coords), (d, h, w)) + link.unsqueeze(1)
        return out.reshape(n, c, *out_shape)
    low = [xp.floor(t.array) for t in coords]
    out = 0
    for corner in range(8):
        picks = [(corner >> k) & 1 for k in range(3)]  # 0: the low side of axis k, 1: the high one
        taps = [lo + b for lo, b in zip(low, picks)]
        weight = None
        for t, lo, b in zip(coords, low, picks):
            part = (t - _const(lo)) if b else (_const(lo + 1) - t)
            weight = part if weight is None else weight * part
        out = out + _tap3d(flat, *(_finite(v) for v in taps), (d, h, w)) * weight.unsqueeze(1)
    return out.reshape(n, c, *out_shape)


def _finite(x):
    """Integer-valued coordinates, NaN and +-inf sent far outside (their taps read zero)."""
    return xp.where(xp.isfinite(x), x, -(2.0**40))


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    r"""Sample ``input`` at the points ``grid`` (2-D): ``out[n, :, h, w]`` is ``input[n]``
    interpolated at ``grid[n, h, w] = (x, y)``, normalised to ``[-1, 1]``.

    Args:
        input (Tensor): :math:`(N, C, H_{in}, W_{in})`.
        grid (Tensor): :math:`(N, H_{out}, W_{out}, 2)`, the same dtype; ``x`` indexes the
            width, ``y`` the height.
        mode (str): ``'bilinear'`` | ``'nearest'`` | ``'bicubic'``. Default: ``'bilinear'``.
        padding_mode (str): what points outside read: ``'zeros'`` | ``'border'`` |
            ``'reflection'``. Default: ``'zeros'``.
        align_corners (bool): ``-1`` and ``1`` are the corner pixels' centres (True) or their
            outer edges (False, the default, with a warning when not given).

    Shape:
        - Output: :math:`(N, C, H_{out}, W_{out})`.

    >>> import scratchnet as sn
    >>> image = sn.tensor([[[[0.0, 2.0]]]])
    >>> grid_sample(image, sn.zeros(1, 1, 1, 2), align_corners=True).tolist()
    [[[[1.0]]]]
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '{padding_mode}'"
        )
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    _check_grid_sampler(input, grid)
    if input.ndim == 5:
        if mode == "bicubic":
            raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
        return composite("GridSampler3DBackward0", lambda x, g: _sample3d(x, g, mode, padding_mode, bool(align_corners)), input, grid)
    return composite("GridSampler2DBackward0", lambda x, g: _sample(x, g, mode, padding_mode, bool(align_corners)), input, grid)


def _check_grid_sampler(input, grid):
    si, sg = list(input.shape), list(grid.shape)
    if input.ndim == 0 or grid.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    dims = input.ndim - 2
    if input.ndim not in (4, 5) or grid.ndim != input.ndim:
        raise RuntimeError(
            f"grid_sampler(): expected {input.ndim}D input and grid with same number of dimensions, but got input with sizes {si} and grid with sizes {sg}"
        )
    if si[0] != sg[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with sizes {si} and grid with sizes {sg}")
    if sg[-1] != dims:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {dims} in last dimension, but got grid with sizes {sg}")
    for d in range(2, input.ndim):
        if si[d] == 0:
            raise RuntimeError(
                f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes {si} with dimension {d} being empty"
            )
    if input.dtype not in FLOAT_DTYPES:
        raise NotImplementedError(f"\"grid_sampler_2d_cpu_kernel_impl\" not implemented for '{torch_name(input.dtype)}'")
    if input.dtype != grid.dtype:
        raise RuntimeError(f"expected scalar type {torch_name(input.dtype)} but found {torch_name(grid.dtype)}")


# ---- affine grids -----------------------------------------------------------------------------------


def _base_coords(steps, dtype, align_corners):
    """torch's ``linspace(-1, 1, steps)`` (from both ends, meeting halfway), scaled by
    ``(steps - 1) / steps`` without align_corners; 0 for a single step."""
    if steps <= 1:
        return xp.zeros(steps, dtype)
    step = dtype.type(2.0 / (steps - 1))
    i = xp.arange(steps)
    half = steps // 2
    values = xp.where(i < half, dtype.type(-1) + step * i.astype(dtype), dtype.type(1) - step * (steps - 1 - i).astype(dtype))
    values = values.astype(dtype)
    if not align_corners:
        values = (values * dtype.type((steps - 1) / steps)).astype(dtype)
    return values


def affine_grid(theta, size, align_corners=None):
    r"""The sampling grid of a batch of affine maps: ``grid[n, h, w] = theta[n] @ (x_w, y_h, 1)``
    with ``(x_w, y_h)`` the normalised coordinates of the output pixel ``(h, w)`` (2-D: ``size``
    is :math:`(N, C, H, W)`, ``theta`` :math:`(N, 2, 3)`); :func:`grid_sample` then samples there.

    Args:
        theta (Tensor): :math:`(N, 2, 3)`, floating point.
        size (torch.Size or tuple): the output image size :math:`(N, C, H, W)`.
        align_corners (bool): as :func:`grid_sample`'s. Default: False (with a warning when not given).

    Shape:
        - Output: :math:`(N, H, W, 2)`.

    >>> import scratchnet as sn
    >>> theta = sn.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    >>> affine_grid(theta, (1, 1, 1, 2), align_corners=True).tolist()
    [[[[-1.0, 0.0], [1.0, 0.0]]]]
    """
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype!r}")
    shown, size = size, tuple(int(s) for s in size)
    if len(size) == 4:
        if theta.ndim != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {shown}. Got {theta.shape}.")
    elif len(size) == 5:
        if theta.ndim != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {shown}. Got {theta.shape}.")
        raise NotImplementedError("affine_grid of a 5-D (volumetric) size is not implemented in scratchnet yet")
    else:
        raise NotImplementedError(
            f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size {shown}."
        )
    if align_corners and min(size[-2:]) == 1:
        warnings.warn(
            "Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True. "
            "This is not an intended use case of affine_grid. See the documentation of affine_grid for details.",
            stacklevel=2,
        )
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {shown}")
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"The size of tensor a ({size[0]}) must match the size of tensor b ({theta.shape[0]}) at non-singleton dimension 0")
    n, _, h, w = size
    dtype = theta.array.dtype
    xs, ys = _base_coords(w, dtype, align_corners), _base_coords(h, dtype, align_corners)
    base = xp.stack(xp.broadcast_arrays(xs[None, :], ys[:, None], xp.ones((1, 1), dtype)), axis=-1).reshape(1, h * w, 3)
    base = xp.ascontiguousarray(xp.broadcast_to(base, (n, h * w, 3)))
    return AffineGrid.apply(theta, base=base, size=(n, h, w))


class AffineGrid(Function):
    """``grid = base @ theta^T`` (the base points ``(x, y, 1)`` of every output pixel), its
    gradient ``grad^T @ base`` (linear in the gradient, so every derivative follows)."""

    backward_name = "AffineGridGeneratorBackward0"

    def forward(ctx, theta, base, size):
        ctx.base = base
        n, h, w = size
        return xp.matmul(base, xp.swapaxes(theta, 1, 2)).reshape(n, h, w, 2)

    def backward(ctx, grad):
        n = grad.shape[0]
        flat = grad.reshape(n, -1, 2) if grad.numel() else grad.reshape(n, ctx.base.shape[1], 2)
        return flat.transpose(1, 2).bmm(_const(ctx.base))


_MODES, _PADDINGS = ("bilinear", "nearest", "bicubic"), ("zeros", "border", "reflection")


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """torch's low-level :func:`grid_sample`, the modes as numbers (bilinear 0, nearest 1, bicubic
    2; zeros 0, border 1, reflection 2), no default for ``align_corners``.

    >>> import scratchnet as sn
    >>> grid_sampler(sn.ones(1, 1, 2, 2), sn.zeros(1, 1, 1, 2), 0, 0, False).item()
    1.0
    """
    return grid_sample(input, grid, _MODES[interpolation_mode], _PADDINGS[padding_mode], bool(align_corners))


def affine_grid_generator(theta, size, align_corners):
    """torch's low-level :func:`affine_grid` (no default for ``align_corners``).

    >>> import scratchnet as sn
    >>> affine_grid_generator(sn.tensor([[[1.0, 0, 0], [0, 1.0, 0]]]), (1, 1, 1, 1), False).tolist()
    [[[[0.0, 0.0]]]]
    """
    return affine_grid(theta, size, bool(align_corners))


__all__ = ["grid_sampler", "affine_grid_generator"]
