"""Fractional max pooling (Graham 2014): ``fractional_max_pool2d`` and ``fractional_max_pool3d``.

The output is a chosen size (or a fraction of the input's); the ``k x k`` windows start at
pseudo-random positions: for each plane a sample ``u`` in ``[0, 1)`` per axis places output
``i``'s window at ``int((i + u) a) - int(u a)``, ``a = (in - k) / (out - 1)``, the last window at
``in - k``. The samples are ``rand(N, C, 2)`` (width, height) drawn as torch draws them, so the
windows (and the result) equal torch's after the same seed; ``_random_samples`` fixes them.

>>> import scratchnet as sn
>>> import scratchnet.nn.functional as F
>>> x = sn.arange(16.0).view(1, 1, 4, 4)
>>> F.fractional_max_pool2d(x, 2, output_size=2, _random_samples=sn.zeros(1, 1, 2)).tolist()
[[[[5.0, 7.0], [13.0, 15.0]]]]
"""

from ..backend import xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor


def _pair(value):
    if isinstance(value, (tuple, list)):
        return tuple(value) if len(value) != 1 else (value[0], value[0])
    return (value, value)


def _starts(samples, size, out, k):
    """Window starts (N, C, out) for the samples (N, C) in the input's dtype, as torch's kernel."""
    dtype = samples.dtype
    starts = xp.zeros(samples.shape + (out,), dtype=xp.int64)
    if out > 1:
        alpha = dtype.type(size - k) / dtype.type(out - 1)
        i = xp.arange(out - 1).astype(dtype)
        with xp.errstate(invalid="ignore"):
            first = ((i + samples[..., None]) * alpha).astype(dtype)
            starts[..., : out - 1] = first.astype(xp.int64) - (samples * alpha).astype(dtype).astype(xp.int64)[..., None]
    if out > 0 and starts.size:
        starts[..., out - 1] = size - k
    return starts


class PlaneGather(Function):
    """``out[n, c, p] = x[n, c, idx[n, c, p]]`` over flattened planes (the pooled maxima)."""

    backward_name = "FractionalMaxPool2DBackward0"

    def forward(ctx, x, idx):
        ctx.idx, ctx.in_shape = idx, x.shape
        flat = x.reshape(x.shape[:2] + (x.shape[2] * x.shape[3],))
        n = idx.shape[2] * idx.shape[3]
        return xp.take_along_axis(flat, idx.reshape(idx.shape[:2] + (n,)), axis=2).reshape(idx.shape)

    def backward(ctx, grad):
        return PlaneScatterAdd.apply(grad, idx=ctx.idx, in_shape=ctx.in_shape)


class PlaneScatterAdd(Function):
    """The gradient of :class:`PlaneGather`: each value added at its index (overlapping windows add up)."""

    backward_name = "FractionalMaxPool2DBackwardBackward0"

    def forward(ctx, grad, idx, in_shape):
        ctx.idx = idx
        n, c, h, w = in_shape
        out = xp.zeros((n, c, h * w), dtype=grad.dtype)
        p = idx.shape[2] * idx.shape[3]
        rows = xp.arange(n)[:, None, None], xp.arange(c)[None, :, None]
        xp.add.at(out, rows + (idx.reshape(n, c, p),), grad.reshape(n, c, p))
        return out.reshape(in_shape)

    def backward(ctx, grad):
        return PlaneGather.apply(grad, idx=ctx.idx)


def _argmax_windows(x, rows, cols):
    """Flat index of each window's maximum as torch's kernel picks it: the first of equal maxima,
    the last NaN if there is one. rows (N, C, OH, kh), cols (N, C, OW, kw)."""
    n, c, h, w = x.shape
    kh, kw = rows.shape[-1], cols.shape[-1]
    pos = rows[:, :, :, None, :, None] * w + cols[:, :, None, :, None, :]  # (N, C, OH, OW, kh, kw)
    shape = pos.shape
    pos = pos.reshape(n, c, shape[2] * shape[3] * kh * kw)
    vals = xp.take_along_axis(x.reshape(n, c, h * w), pos, axis=2).reshape(shape[:4] + (kh * kw,))
    pos = pos.reshape(shape[:4] + (kh * kw,))
    nan = xp.isnan(vals)
    filled = xp.where(nan, -xp.inf, vals)
    best = xp.argmax(filled, axis=-1)
    last_nan = kh * kw - 1 - xp.argmax(nan[..., ::-1], axis=-1)
    pick = xp.where(nan.any(-1), last_nan, best)
    return xp.take_along_axis(pos, pick[..., None], axis=-1)[..., 0]


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
    r"""2-D fractional max pooling: the maximum over ``kernel_size`` windows placed pseudo-randomly
    so that the output has ``output_size`` (or ``output_ratio`` times the input's size).

    Args:
        input (Tensor): :math:`(N, C, H_{in}, W_{in})` or :math:`(C, H_{in}, W_{in})`.
        kernel_size (int or tuple): the window :math:`(k_H, k_W)`.
        output_size (int or tuple, optional): :math:`(H_{out}, W_{out})`.
        output_ratio (float or tuple, optional): the output's size as a fraction of the input's.
        return_indices (bool): also return the maxima's flat positions in each input plane.
        _random_samples (Tensor, optional): :math:`(N, C, 2)` samples in ``[0, 1)`` (drawn if not given).

    >>> import scratchnet as sn
    >>> fractional_max_pool2d(sn.randn(1, 3, 9, 9), 3, output_ratio=(0.5, 0.5)).shape
    scratchnet.Size([1, 3, 4, 4])
    """
    if output_size is None and output_ratio is None:
        raise ValueError("fractional_max_pool2d requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if not hasattr(output_ratio, "__len__"):  # torch's functional takes a pair here (the module pairs a number)
            raise TypeError(f"object of type '{type(output_ratio).__name__}' has no len()")
        if len(output_ratio) > 2:
            raise ValueError("fractional_max_pool2d requires output_ratio to either be a single Int or tuple of Ints.")
        ratio = _pair(output_ratio)
        output_size = [int(input.shape[-2] * ratio[0]), int(input.shape[-1] * ratio[1])]
    if input.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.ndim, 1)}, {max(input.ndim, 1) - 1}], but got -3)")
    if _random_samples is None:
        from ..random import rand

        if input.dtype.kind != "f":
            raise NotImplementedError(f"\"check_uniform_bounds\" not implemented for '{torch_name(input.dtype)}'")
        _random_samples = rand(1 if input.ndim == 3 else input.shape[0], input.shape[-3], 2, dtype=input.dtype)
    kh, kw = (int(k) for k in _pair(kernel_size))
    oh, ow = (int(o) for o in _pair(output_size))
    if input.ndim != 4 and input.ndim != 3:
        raise RuntimeError(f"fractional_max_pool2d(): Expected 3D or 4D tensor, but got: {list(input.shape)}")
    for d in range(1, input.ndim):
        if input.shape[d] == 0:
            raise RuntimeError(
                f"fractional_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but got{list(input.shape)} with dimension {d} being empty."
            )
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    n, c, h, w = x.shape
    if _random_samples.dtype != input.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if _random_samples.ndim != 3 or _random_samples.shape[0] < n or _random_samples.shape[1] != c or _random_samples.shape[2] != 2:
        if _random_samples.ndim == 3 and _random_samples.shape[0] < n:
            raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
        raise RuntimeError(f"Expect _random_samples to be of shape [{n}, {c}, 2], got {list(_random_samples.shape)}")
    if oh + kh - 1 > h:
        raise RuntimeError(f"fractional_max_pool2d(): pool height {kh} too large relative to input height {h}")
    if ow + kw - 1 > w:
        raise RuntimeError(f"fractional_max_pool2d(): pool width {kw} too large relative to input width {w}")
    samples = _random_samples.array[:n]
    rows = _starts(samples[..., 1], h, oh, kh)[..., None] + xp.arange(kh)
    cols = _starts(samples[..., 0], w, ow, kw)[..., None] + xp.arange(kw)
    idx = _argmax_windows(x.array, rows, cols)
    out = PlaneGather.apply(x, idx=idx)
    indices = Tensor._make(idx)
    if not batched:
        out, indices = out.squeeze(0), indices.squeeze(0)
    return (out, indices) if return_indices else out


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
    """:func:`fractional_max_pool2d` with ``return_indices=True``: ``(values, indices)``.

    >>> import scratchnet as sn
    >>> out, idx = fractional_max_pool2d_with_indices(sn.randn(1, 1, 5, 5), 2, output_size=3)
    >>> idx.dtype
    scratchnet.int64
    """
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True, _random_samples)


def _triple(value):
    if isinstance(value, (tuple, list)):
        return tuple(value) if len(value) != 1 else (value[0],) * 3
    return (value,) * 3


def _argmax_volumes(x, starts, kernel):
    """Flat index of each window's maximum in an (N, C, D, H, W) input, torch's way (the first of
    equal maxima, the last NaN if any); ``starts`` per axis (N, C, O_d), windows ``kernel``."""
    n, c = x.shape[:2]
    sizes = x.shape[2:]
    axes = [st[..., None] + xp.arange(k) for st, k in zip(starts, kernel)]  # (N, C, O_d, k_d)
    t, h, w = axes
    pos = (t[:, :, :, None, None, :, None, None] * sizes[1] + h[:, :, None, :, None, None, :, None]) * sizes[2] \
        + w[:, :, None, None, :, None, None, :]  # (N, C, OD, OH, OW, kd, kh, kw)
    lead, window = pos.shape[:5], int(xp.prod(kernel))
    count = int(xp.prod(lead[2:])) * window
    vals = xp.take_along_axis(x.reshape(n, c, int(xp.prod(sizes))), pos.reshape(n, c, count), axis=2).reshape(lead + (window,))
    pos = pos.reshape(lead + (window,))
    nan = xp.isnan(vals)
    best = xp.argmax(xp.where(nan, -xp.inf, vals), axis=-1)
    pick = xp.where(nan.any(-1), window - 1 - xp.argmax(nan[..., ::-1], axis=-1), best)
    return xp.take_along_axis(pos, pick[..., None], axis=-1)[..., 0]


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
    r"""3-D fractional max pooling: the maximum over ``kernel_size`` windows placed pseudo-randomly
    (one sample in ``[0, 1)`` per plane and axis, ``rand(N, C, 3)`` as torch draws it: depth,
    height, width) so that the output has ``output_size`` (or ``output_ratio`` times the input's).

    Args:
        input (Tensor): :math:`(N, C, D_{in}, H_{in}, W_{in})` or :math:`(C, D_{in}, H_{in}, W_{in})`.
        kernel_size (int or tuple): the window :math:`(k_D, k_H, k_W)`.
        output_size (int or tuple, optional): :math:`(D_{out}, H_{out}, W_{out})`.
        output_ratio (float or tuple, optional): the output's size as a fraction of the input's.
        return_indices (bool): also return the maxima's flat positions in each input volume.
        _random_samples (Tensor, optional): :math:`(N, C, 3)` samples (drawn if not given).

    >>> import scratchnet as sn
    >>> fractional_max_pool3d(sn.arange(8.0).view(1, 1, 2, 2, 2), 1, output_size=1, _random_samples=sn.zeros(1, 1, 3)).tolist()
    [[[[[7.0]]]]]
    """
    if output_size is None and output_ratio is None:
        raise ValueError("fractional_max_pool3d requires specifying either an output_size or an output_ratio")
    if output_size is None:
        ratio = _triple(output_ratio)
        output_size = [int(input.shape[-3 + d] * ratio[d]) for d in range(3)]
    if _random_samples is None:
        from ..random import rand

        if input.ndim < 4:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.ndim, 1)}, {max(input.ndim, 1) - 1}], but got -4)")
        if input.dtype.kind != "f":
            raise NotImplementedError(f"\"check_uniform_bounds\" not implemented for '{torch_name(input.dtype)}'")
        _random_samples = rand(1 if input.ndim == 4 else input.shape[0], input.shape[-4], 3, dtype=input.dtype)
    kernel = tuple(int(k) for k in _triple(kernel_size))
    out_size = tuple(int(o) for o in _triple(output_size))
    if input.ndim not in (4, 5):
        raise RuntimeError(f"fractional_max_pool3d_out(): Expected 4D or 5D tensor, but got: {list(input.shape)}")
    for d in range(1, input.ndim):
        if input.shape[d] == 0:
            raise RuntimeError(
                f"fractional_max_pool3d_out(): Expected input to have non-zero size for non-batch dimensions, but got{list(input.shape)} with dimension {d} being empty.")
    if input.dtype.kind != "f":
        raise NotImplementedError(f"\"fractional_max_pool3d_out_frame\" not implemented for '{torch_name(input.dtype)}'")
    batched = input.ndim == 5
    x = input if batched else input.unsqueeze(0)
    n, c, *sizes = x.shape
    if _random_samples.dtype != input.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if _random_samples.ndim != 3 or _random_samples.shape[0] < n or _random_samples.shape[1] != c or _random_samples.shape[2] != 3:
        raise RuntimeError(f"Expect _random_samples to be of shape [{n}, {c}, 3], got {list(_random_samples.shape)}")
    for name, o, k, size in zip(("time", "height", "width"), out_size, kernel, sizes):
        if o + k - 1 >= size:  # torch's 3-D check is strict (its 2-D one is not)
            raise RuntimeError(f"fractional_max_pool3d_out(): pool {name} {k} too large relative to input {name} {size}")
    samples = _random_samples.array[:n]
    starts = [_starts(samples[..., d], sizes[d], out_size[d], kernel[d]) for d in range(3)]
    idx = _argmax_volumes(x.array, starts, kernel)
    (od, oh, ow), (d, h, w) = out_size, sizes
    planes = x.reshape(n, c, d * h, w)  # a volume as one plane of d*h rows: the flat positions are the same
    out = PlaneGather.apply(planes, idx=idx.reshape(n, c, od * oh, ow)).reshape(n, c, od, oh, ow)
    indices = Tensor._make(idx)
    if not batched:
        out, indices = out.squeeze(0), indices.squeeze(0)
    return (out, indices) if return_indices else out


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
    """:func:`fractional_max_pool3d` with ``return_indices=True``: ``(values, indices)``.

    >>> import scratchnet as sn
    >>> out, idx = fractional_max_pool3d_with_indices(sn.randn(1, 1, 4, 4, 4), 2, output_size=2)
    >>> idx.shape
    scratchnet.Size([1, 1, 2, 2, 2])
    """
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True, _random_samples)


__all__ = []  # F's names only
