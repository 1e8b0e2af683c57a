"""torch's ``native_*`` normalisations: the layer's output together with the statistics it used.

    native_batch_norm(x, w, b, running_mean, running_var, training, momentum, eps)
        -> (out, save_mean, save_invstd)    per channel (C,); empty (0,) in evaluation
    native_layer_norm(x, normalized_shape, w, b, eps)
        -> (out, mean, rstd)                x.shape[:-k] + (1,) * k, k = len(normalized_shape)
    native_group_norm(x, w, b, N, C, HxW, group, eps)
        -> (out, mean, rstd)                (N, group)

``invstd``/``rstd`` is 1 / sqrt(Var[x] + eps) with the biased variance. As torch, the batch- and
layer-norm statistics carry no gradient; the group-norm ones do.

>>> import scratchnet as sn
>>> out, mean, rstd = native_layer_norm(sn.tensor([[1.0, 3.0]]), [2], None, None, 0.0)
>>> out.tolist(), mean.tolist(), rstd.tolist()
([[-1.0, 1.0]], [[2.0]], [[1.0]])
"""

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor, no_grad
from ..dtypes import torch_name
from ._promote import not_implemented
from .layers import BatchNorm
from .normalization import group_norm, layer_norm


def _detached(array, dtype):
    return Tensor._make(xp.asarray(array, dtype=dtype))


def _welford_nan(x, axes):
    """0, or NaN for the rows holding an infinity: torch's layer- and group-norm statistics are
    NaN there (its running mean meets inf - inf), not +-inf."""
    return xp.where(xp.isinf(x).any(axis=axes, keepdims=True), xp.nan, 0.0).astype(x.dtype)


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """Batch norm over dim 1 of an (N, C, ...) input, returning ``(out, save_mean, save_invstd)``.

    In training the batch's mean and 1 / sqrt(biased var + eps) per channel are returned and the
    running estimates (if given) move by ``momentum`` (the variance unbiased, n / (n - 1)); in
    evaluation the running estimates normalise and the two statistics are empty.

    >>> import scratchnet as sn
    >>> out, mean, invstd = native_batch_norm(sn.tensor([[1.0], [3.0]]), None, None, None, None, True, 0.1, 0.0)
    >>> out.tolist(), mean.tolist(), invstd.tolist()
    ([[-1.0], [1.0]], [2.0], [1.0])
    """
    if input.numel() == 0 and training:
        raise RuntimeError(f"input tensor must have at least one element, but got input_sizes = {list(input.shape)}")
    if input.dtype not in FLOAT_DTYPES:
        raise not_implemented("batch_norm", input.dtype)
    if input.ndim < 2:
        raise RuntimeError(f"native_batch_norm: expected an (N, C, ...) input, got {input.ndim}-D")
    channels, dims = input.shape[1], (0,) + tuple(range(2, input.ndim))
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and tuple(t.shape) != (channels,):
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError("native_batch_norm: running_mean and running_var must be defined in evaluation mode")
        from .layers import batch_norm

        out = batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
        return out, _detached(xp.zeros(0), input.dtype), _detached(xp.zeros(0), input.dtype)
    x = input.array
    with xp.errstate(all="ignore"):
        mean = x.mean(axis=dims, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=dims, keepdims=True)
        count = x.size // channels
        if running_mean is not None:
            with no_grad():
                running_mean.copy_(running_mean.array * (1 - momentum) + mean.reshape(channels) * momentum)
        if running_var is not None:
            with no_grad():
                unbiased = var.reshape(channels) * (count / (count - 1) if count > 1 else xp.nan)
                running_var.copy_(running_var.array * (1 - momentum) + unbiased * momentum)
        invstd = 1 / xp.sqrt(var.reshape(channels) + eps)
    if (weight is None) != (bias is None):
        weight = weight if weight is not None else Tensor._make(xp.ones(channels, dtype=input.dtype))
        bias = bias if bias is not None else Tensor._make(xp.zeros(channels, dtype=input.dtype))
    affine = () if weight is None else (weight, bias)
    out = BatchNorm.apply(input, *affine, dims=dims, eps=eps, stats=(mean, var))
    return out, _detached(mean.reshape(channels), input.dtype), _detached(invstd, input.dtype)


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """:func:`~scratchnet.nn.functional.layer_norm`, returning ``(out, mean, rstd)`` with the
    statistics of each normalised row, shaped ``input.shape[:-k] + (1,) * k``.

    >>> import scratchnet as sn
    >>> [t.shape for t in native_layer_norm(sn.ones(2, 3), (3,), None, None, 1e-5)]
    [scratchnet.Size([2, 3]), scratchnet.Size([2, 1]), scratchnet.Size([2, 1])]
    """
    out = layer_norm(input, normalized_shape, weight, bias, eps)
    k = len(tuple(normalized_shape))
    axes = tuple(range(input.ndim - k, input.ndim))
    x = input.array
    if not x.size:  # as torch: a mean of 0 and an rstd of NaN for an empty row
        stats = tuple(input.shape[:input.ndim - k]) + (1,) * k
        return out, _detached(xp.zeros(stats), input.dtype), _detached(xp.full(stats, xp.nan), input.dtype)
    with xp.errstate(all="ignore"):
        mean = x.mean(axis=axes, keepdims=True) + _welford_nan(x, axes)
        rstd = 1 / xp.sqrt(((x - mean) ** 2).mean(axis=axes, keepdims=True) + eps)
    return out, _detached(mean, input.dtype), _detached(rstd, input.dtype)


def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """:func:`~scratchnet.nn.functional.group_norm` of an (N, C, *) input with ``prod(*) = HxW``,
    returning ``(out, mean, rstd)``, each statistic (N, group) and differentiable.

    >>> import scratchnet as sn
    >>> out, mean, rstd = native_group_norm(sn.tensor([[[1.0], [3.0]]]), None, None, 1, 2, 1, 1, 0.0)
    >>> mean.tolist(), rstd.tolist()
    ([[2.0]], [[1.0]])
    """
    if input.numel() != N * C * HxW:
        raise RuntimeError(f"Expected X.numel() == N * C * HxW, got {input.numel()} elements for N={N}, C={C}, HxW={HxW}")
    out = group_norm(input, group, weight, bias, eps)
    if input.numel() == 0:
        empty = Tensor._make(xp.zeros((N, group), dtype=input.dtype))
        return out, empty, empty * 1
    rows = input.reshape(N, group, -1)
    mean = rows.mean(-1) + Tensor._make(_welford_nan(rows.array, (2,))[..., 0].astype(input.dtype))
    rstd = ((rows - mean.unsqueeze(-1)).square().mean(-1) + eps).rsqrt()
    return out, mean, rstd


class NativeDropout(Function):
    """``x * noise``; backward ``grad * back`` (torch scales the gradient by 1 / (1 - p) only when
    ``train`` is True: with ``train=None`` its forward drops and scales, its backward only masks)."""

    backward_name = "NativeDropoutBackward0"

    def forward(ctx, x, noise, back):
        ctx.back = back
        return x * noise

    def backward(ctx, grad):
        return grad * Tensor._make(ctx.back)


def native_dropout(input, p, train):
    """Dropout returning ``(out, mask)``: ``mask`` (bool) marks the kept elements, ``out`` is
    ``input * mask / (1 - p)``. The mask is drawn as torch draws it (also for p = 0 and 1, which
    still consume the generator); ``train=False`` keeps everything (``train=None`` trains, as torch,
    but its gradient is the mask alone, unscaled, as torch's). An empty input's mask is an empty
    tensor of the input's dtype, as torch's.

    >>> import scratchnet as sn
    >>> out, mask = native_dropout(sn.ones(3), 0.0, True)
    >>> out.tolist(), mask.tolist()
    ([1.0, 1.0, 1.0], [True, True, True])
    """
    from ..random import dropout_noise

    shape = tuple(input.shape)
    if input.numel() == 0:
        return NativeDropout.apply(input, noise=input.array, back=input.array), Tensor._make(xp.zeros(shape, dtype=input.dtype))
    if train is not None and not train:
        ones = xp.ones(shape, dtype=input.dtype)
        return NativeDropout.apply(input, noise=ones, back=ones), Tensor._make(xp.ones(shape, dtype=bool))
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={1 - p}")
    if input.dtype not in FLOAT_DTYPES:
        raise RuntimeError(f"result type Float can't be cast to the desired output type {torch_name(input.dtype).capitalize()}")
    if p == 1:  # nothing kept; torch still draws its mask
        noise = dropout_noise(shape, 0.5, input.dtype, like=input.array) * 0
    else:
        noise = dropout_noise(shape, p, input.dtype, like=input.array)
    mask = noise != 0
    back = noise if train else mask.astype(input.dtype)
    return NativeDropout.apply(input, noise=noise, back=back), Tensor._make(mask)


__all__ = ["native_batch_norm", "native_layer_norm", "native_group_norm", "native_dropout"]
METHODS = {}
