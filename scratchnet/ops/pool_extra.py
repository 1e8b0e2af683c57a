"""More pooling, as ``torch.nn.functional``: max unpooling (the partial inverse of max pooling),
power-average (Lp) pooling, and the ``*_with_indices`` spellings of max pooling.

``max_unpool2d(x, indices)`` puts each value of ``x`` back at the position its max pool took it
from (``indices``, flat positions in an output plane) and zeros elsewhere; its gradient gathers
the upstream gradient at those positions, and the gather's gradient is the unpool again, so every
derivative follows. ``lp_pool2d`` is ``(sum over the window of x^p)^(1/p)``, written as torch
writes it: an average pool of ``x^p`` times the window size, to the power ``1/p``.

>>> import scratchnet as sn
>>> import scratchnet.nn.functional as F
>>> x = sn.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
>>> out, idx = F.max_pool2d(x, 2, return_indices=True)
>>> F.max_unpool2d(out, idx, 2).tolist()
[[[[0.0, 0.0], [0.0, 4.0]]]]
>>> F.lp_pool2d(x, 1, 2).tolist()
[[[[10.0]]]]
"""

from ..backend import xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor
from .activation import relu
from .pool import _single, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from .pool_adaptive import adaptive_max_pool1d, adaptive_max_pool2d


def _pair(value, name):
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return (int(value[0]),) * 2
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        return tuple(int(v) for v in value)
    return (int(value), int(value))


# ---- max unpooling -----------------------------------------------------------------------------


class MaxUnpool(Function):
    """``(*, C, H, W)`` values to ``(*, C, OH, OW)`` planes: ``out.plane[idx] = x``, zeros elsewhere."""

    backward_name = "MaxUnpool2DBackward0"

    def forward(ctx, x, idx, size):
        ctx.idx, ctx.in_shape = idx, x.shape
        flat = xp.zeros(x.shape[:-2] + (size[0] * size[1],), dtype=x.dtype)
        n = x.shape[-2] * x.shape[-1]
        xp.put_along_axis(flat, idx.reshape(idx.shape[:-2] + (n,)), x.reshape(x.shape[:-2] + (n,)), axis=-1)
        return flat.reshape(x.shape[:-2] + tuple(size))

    def backward(ctx, grad):
        return UnpoolGather.apply(grad, idx=ctx.idx)


class UnpoolGather(Function):
    """The gradient of :class:`MaxUnpool`: the upstream gradient at each value's position."""

    backward_name = "MaxUnpool2DBackwardBackward0"

    def forward(ctx, grad, idx):
        ctx.idx, ctx.size = idx, grad.shape[-2:]
        flat = grad.reshape(grad.shape[:-2] + (grad.shape[-2] * grad.shape[-1],))
        n = idx.shape[-2] * idx.shape[-1]
        return xp.take_along_axis(flat, idx.reshape(idx.shape[:-2] + (n,)), axis=-1).reshape(idx.shape)

    def backward(ctx, grad):
        return MaxUnpool.apply(grad, idx=ctx.idx, size=ctx.size)


def _unpool_size(input, kernel, stride, padding, output_size):
    """torch's ``_unpool_output_size``: the default ``(in - 1) stride - 2 pad + kernel``, or the
    requested size, which must lie strictly within one stride of it."""
    dims = len(kernel)
    default = [(input.shape[-dims + d] - 1) * stride[d] + kernel[d] - 2 * padding[d] for d in range(dims)]
    if output_size is None:
        size = default
    else:
        if len(output_size) == dims + 2:
            output_size = output_size[2:]
        if len(output_size) != dims:
            raise ValueError(
                f"output_size should be a sequence containing {dims} or {dims + 2} elements, but it has a length of '{len(output_size)}'"
            )
        for d in range(dims):
            low, high = default[d] - stride[d], default[d] + stride[d]
            if not low < output_size[d] < high:
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {low} and {high})')
        size = [int(s) for s in output_size]
    for d in range(dims):
        if size[d] < 0:
            raise ValueError(
                f"max_unpooling: output_size must contain non-negative spatial dimensions, but got output_size[{d}]={size[d]}"
            )
    return size


def _unpool2d(input, indices, size):
    if not isinstance(indices, Tensor) or indices.dtype != xp.int64:
        kind = torch_name(indices.dtype) if isinstance(indices, Tensor) else type(indices).__name__
        raise RuntimeError(f"elements in indices should be type int64 but got: {kind}")
    if input.dtype.kind != "f":
        raise NotImplementedError(f"\"max_unpool2d\" not implemented for '{torch_name(input.dtype)}'")
    if input.ndim not in (3, 4):
        raise RuntimeError(
            f"Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with {input.ndim} dimensions."
        )
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}"
        )
    oh, ow = size
    idx = indices.array
    if idx.size and (idx.min() < 0 or idx.max() >= oh * ow):
        bad = idx[(idx < 0) | (idx >= oh * ow)].flat[0]
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size {oh}x{ow})")
    return MaxUnpool.apply(input, idx=idx, size=(oh, ow))


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    r"""The partial inverse of :func:`max_pool2d`: each value goes back to the position of the
    maximum it came from, every other position is zero.

    Args:
        input (Tensor): :math:`(N, C, H_{in}, W_{in})` or :math:`(C, H_{in}, W_{in})`.
        indices (Tensor): int64, the shape of ``input``: flat positions in an output plane, as
            ``max_pool2d(..., return_indices=True)`` gives.
        kernel_size, stride, padding: those of the max pool (``stride`` defaults to ``kernel_size``).
        output_size (optional): the size to produce (with or without the leading ``N, C``).

    Shape:
        - Output: :math:`(N, C, H_{out}, W_{out})`, :math:`H_{out} = (H_{in} - 1) \times
          \text{stride} - 2 \times \text{padding} + \text{kernel\_size}` unless ``output_size``.

    >>> import scratchnet as sn
    >>> max_unpool2d(sn.tensor([[[[5.0]]]]), sn.tensor([[[[3]]]]), 2).tolist()
    [[[[0.0, 0.0], [0.0, 5.0]]]]
    """
    kernel = _pair(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == () or stride == [] else _pair(stride, "stride")
    padding = _pair(padding, "padding")
    size = _unpool_size(input, kernel, stride, padding, output_size)
    return _unpool2d(input, indices, size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    r"""The partial inverse of :func:`max_pool1d`: :math:`(N, C, L_{in})` or :math:`(C, L_{in})`
    to :math:`L_{out} = (L_{in} - 1) \times \text{stride} - 2 \times \text{padding} + \text{kernel\_size}`
    (or ``output_size``), each value at the position of its maximum, zeros elsewhere.

    >>> import scratchnet as sn
    >>> max_unpool1d(sn.tensor([[[2.0, 7.0]]]), sn.tensor([[[1, 2]]]), 2).tolist()
    [[[0.0, 2.0, 7.0, 0.0]]]
    """
    kernel = (_single(kernel_size, "kernel_size"),)
    stride = kernel if stride is None or stride == () or stride == [] else (_single(stride, "stride"),)
    padding = (_single(padding, "padding"),)
    (length,) = _unpool_size(input, kernel, stride, padding, output_size)
    if not isinstance(indices, Tensor):
        raise TypeError(f"max_unpool1d(): argument 'indices' must be Tensor, not {type(indices).__name__}")
    return _unpool2d(input.unsqueeze(-1), indices.unsqueeze(-1), (length, 1)).squeeze(-1)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    r"""The partial inverse of :func:`max_pool3d`: :math:`(N, C, D_{in}, H_{in}, W_{in})` or
    :math:`(C, D_{in}, H_{in}, W_{in})` to :math:`D_{out} = (D_{in} - 1) \times \text{stride} - 2
    \times \text{padding} + \text{kernel\_size}` (likewise H, W; or ``output_size``), each value at
    the flat position ``indices`` gives in its output volume, zeros elsewhere.

    >>> import scratchnet as sn
    >>> max_unpool3d(sn.tensor([[[[[5.0]]]]]), sn.tensor([[[[[7]]]]]), 2).flatten().tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0]
    """
    from .conv import triple

    kernel = triple(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == () or stride == [] else triple(stride, "stride")
    padding = triple(padding, "padding")
    if isinstance(input, Tensor) and input.ndim not in (4, 5):
        raise RuntimeError(f"Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with {input.ndim} dimensions.")
    od, oh, ow = _unpool_size(input, kernel, stride, padding, output_size)
    if not isinstance(indices, Tensor) or indices.dtype != xp.int64:
        kind = torch_name(indices.dtype) if isinstance(indices, Tensor) else type(indices).__name__
        raise RuntimeError(f"elements in indices should be type int64 but got: {kind}")
    if input.dtype.kind != "f":
        raise NotImplementedError(f"\"max_unpooling3d_forward_out\" not implemented for '{torch_name(input.dtype)}'")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}")
    idx = indices.array
    if idx.size and (idx.min() < 0 or idx.max() >= od * oh * ow):
        bad = idx[(idx < 0) | (idx >= od * oh * ow)].flat[0]
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size {od}x{oh}x{ow})")
    lead, (d, h, w) = tuple(input.shape[:-3]), tuple(input.shape[-3:])
    planes = input.reshape(*lead, d * h, w)  # a volume as one plane of d*h rows: the flat positions are the same
    out = MaxUnpool.apply(planes, idx=idx.reshape(lead + (d * h, w)), size=(od * oh, ow))
    return out.reshape(*lead, od, oh, ow)


# ---- power-average pooling ---------------------------------------------------------------------


def _lp(out, norm_type, area):
    return (out.sign() * relu(out.abs())).mul(area).pow(1.0 / norm_type)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    r"""Power-average pooling: :math:`f(X) = \sqrt[p]{\sum_{x \in X} x^p}` over each window
    (``p = norm_type``; ``p = inf`` would be max pooling, ``p = 1`` sum pooling).

    Args:
        input (Tensor): :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        norm_type (float): the power ``p``.
        kernel_size: the window, an int or a pair.
        stride: the step, defaults to ``kernel_size``.
        ceil_mode (bool): count a partial window at the end.

    >>> import scratchnet as sn
    >>> lp_pool2d(sn.full((1, 1, 2, 2), 3.0), 2, 2).tolist()
    [[[[6.0]]]]
    """
    kh, kw = _pair(kernel_size, "kernel_size")
    out = avg_pool2d(input.pow(norm_type), (kh, kw), stride, 0, ceil_mode)
    return _lp(out, norm_type, kh * kw)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    r"""1-D power-average pooling over :math:`(N, C, L)` or :math:`(C, L)`: the ``p``-th root of
    the sum of ``x^p`` over each window.

    >>> import scratchnet as sn
    >>> lp_pool1d(sn.tensor([[3.0, 4.0]]), 2, 2).tolist()
    [[5.0]]
    """
    k = _single(kernel_size, "kernel_size")
    out = avg_pool1d(input.pow(norm_type), k, stride, 0, ceil_mode)
    return _lp(out, norm_type, k)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    r"""3-D power-average pooling over :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`: the
    ``p``-th root of the sum of ``x^p`` over each window.

    >>> import scratchnet as sn
    >>> lp_pool3d(sn.full((1, 1, 2, 2, 2), 2.0), 1, 2).flatten().tolist()
    [16.0]
    """
    from .conv import triple
    from .pool3d import avg_pool3d

    kd, kh, kw = triple(kernel_size, "kernel_size")
    out = avg_pool3d(input.pow(norm_type), (kd, kh, kw), stride, 0, ceil_mode)
    return _lp(out, norm_type, kd * kh * kw)


# ---- the *_with_indices spellings ---------------------------------------------------------------


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """:func:`max_pool1d` with ``return_indices=True``: ``(values, indices)``.

    >>> import scratchnet as sn
    >>> max_pool1d_with_indices(sn.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)[1].tolist()
    [[1, 2]]
    """
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """:func:`max_pool2d` with ``return_indices=True``: ``(values, indices)``.

    >>> import scratchnet as sn
    >>> max_pool2d_with_indices(sn.tensor([[[1.0, 3.0], [4.0, 2.0]]]), 2)[1].tolist()
    [[[2]]]
    """
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """:func:`adaptive_max_pool1d` with ``return_indices=True``: ``(values, indices)``.

    >>> import scratchnet as sn
    >>> adaptive_max_pool1d_with_indices(sn.tensor([[1.0, 3.0, 2.0]]), 1)[1].tolist()
    [[1]]
    """
    return adaptive_max_pool1d(input, output_size, return_indices=True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """:func:`adaptive_max_pool2d` with ``return_indices=True``: ``(values, indices)``.

    >>> import scratchnet as sn
    >>> adaptive_max_pool2d_with_indices(sn.tensor([[[1.0, 3.0], [4.0, 2.0]]]), 1)[1].tolist()
    [[[2]]]
    """
    return adaptive_max_pool2d(input, output_size, return_indices=True)


__all__ = ["max_pool1d_with_indices"]  # the one torch also has at the top level
