"""Normalisation over groups of elements: layer_norm, group_norm, instance_norm, rms_norm.

layer, group and instance norm share one node, :class:`Normalize`: view the input so that each
group to normalise lies along ``dims``, take its mean and biased variance, and

    x_hat = (x - mean) / sqrt(var + eps),      y = x_hat * weight + bias.

Its backward is the closed form (N elements in a group, g = dL/dx_hat = grad * weight):

    dL/dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)
    dL/dweight = sum(grad * x_hat),   dL/dbias = sum(grad)

computed on arrays when no graph is wanted, and with scratchnet ops (from the saved input) when
the backward is itself recorded (``create_graph=True``), so second derivatives follow.
rms_norm is a short composition of ops.

>>> import scratchnet as sn
>>> x = sn.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
>>> y = layer_norm(x, (3,))
>>> [round(v, 4) for v in y.tolist()[0]]
[-1.2247, 0.0, 1.2247]
>>> y.grad_fn
<NativeLayerNormBackward0 object at ...>
"""

from ..backend import FLOAT_DTYPES, sum_last, xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor, is_grad_enabled, no_grad
from ._promote import not_implemented


def _row_means(a):
    """Means along the last axis, kept as a size-1 axis (NaN for an empty row, as mean's)."""
    if a.shape[-1] == 0:
        return a.mean(axis=-1, keepdims=True)
    return sum_last(a) / a.dtype.type(a.shape[-1])


class Normalize(Function):
    """x_hat = (x - mean) / sqrt(var + eps) over ``dims`` of x viewed as ``view``, then the affine
    ``x_hat * weight + bias`` (weight and bias viewed as ``affine_shape``; ``has`` says which are
    given)."""

    def forward(ctx, x, *affine, view, dims, affine_shape, sum_dims, has, eps):
        # the groups lie along the view's last axis (dims == (-1,)): one einsum pass per sum of products
        xv = x.reshape(view)
        x_hat = xv - _row_means(xv)
        var = xp.einsum("...i,...i->...", x_hat, x_hat)[..., None] / view[-1]
        invstd = (1.0 / xp.sqrt(var + eps)).astype(x.dtype)
        x_hat *= invstd
        ctx.view, ctx.dims, ctx.affine_shape, ctx.sum_dims, ctx.has, ctx.eps = view, dims, affine_shape, sum_dims, has, eps
        ctx.x_hat, ctx.invstd = x_hat, invstd  # kept for the array backward: no second pass over x
        weight = affine[0] if has[0] else None
        ctx.save_for_backward(x, *([weight] if weight is not None else []))
        if ctx.scale_shift:  # torch's group norm: per (sample, channel) y = x * scale + shift
            return ctx.scale_shift_form(x, xv, invstd, weight, affine[-1] if has[1] else None)
        x_hat = x_hat.reshape(x.shape)
        out = x_hat * weight.reshape(affine_shape) if weight is not None else x_hat.copy()  # never x_hat itself
        if has[1]:
            out += affine[-1].reshape(affine_shape)
        return out

    scale_shift = False

    def scale_shift_form(ctx, x, xv, invstd, weight, bias):
        """y = x * scale + shift with scale = invstd * weight, shift = bias - mean * scale, per
        sample and channel (x viewed as (N, groups, per-group)): NaN and inf as torch's kernel."""
        n, groups, c = x.shape[0], xv.shape[1], x.shape[1]
        mean = xv.mean(axis=-1)  # (N, groups)
        scale = xp.repeat(invstd[..., 0], c // groups, axis=1)  # (N, C)
        mean = xp.repeat(mean, c // groups, axis=1)
        if weight is not None:
            scale = scale * weight
        shift = -mean * scale if bias is None else bias - mean * scale
        ctx.group_mean = mean
        x3 = x.reshape(n, c, int(xp.prod(x.shape[2:])))
        return (x3 * scale[..., None] + shift[..., None]).astype(x.dtype).reshape(x.shape)

    def backward(ctx, grad):
        x, *weight = ctx.saved_tensors
        if not is_grad_enabled():
            return ctx.backward_arrays(x.array, grad.array, weight[0].array if weight else None)
        xv = x.reshape(ctx.view)
        centered = xv - xv.mean(dim=ctx.dims, keepdim=True)
        invstd = ((centered * centered).mean(dim=ctx.dims, keepdim=True) + ctx.eps) ** -0.5
        x_hat = centered * invstd
        g = (grad * weight[0].reshape(ctx.affine_shape) if weight else grad).reshape(ctx.view)
        grad_x = (g - g.mean(dim=ctx.dims, keepdim=True) - x_hat * (g * x_hat).mean(dim=ctx.dims, keepdim=True)) * invstd
        grads = [grad_x.reshape(x.shape)]
        need = ctx.needs_input_grad
        if ctx.has[0]:
            grads.append(_sum_over(grad * x_hat.reshape(x.shape), ctx.sum_dims).reshape(weight[0].shape) if need[1] else None)
        if ctx.has[1]:
            grads.append(_sum_over(grad, ctx.sum_dims).reshape(ctx.inputs[-1].shape) if need[-1] else None)
        return tuple(grads)

    def backward_arrays(ctx, x, grad, weight):
        if ctx.scale_shift:
            return ctx.scale_shift_backward(x, grad, weight)
        if ctx.row_sums:
            return ctx.row_sums_backward(x, grad, weight)
        wrap, x_hat, n = Tensor._make, ctx.x_hat, ctx.view[-1]
        g = (grad * weight.reshape(ctx.affine_shape) if weight is not None else xp.array(grad, copy=True)).reshape(ctx.view)
        projection = xp.einsum("...i,...i->...", g, x_hat)[..., None] / n
        g -= g.mean(axis=-1, keepdims=True)
        g -= x_hat * projection
        g *= ctx.invstd
        grads = [wrap(g.reshape(x.shape))]
        need = ctx.needs_input_grad
        if ctx.has[0] and need[1]:
            if ctx.sum_dims == tuple(range(len(ctx.sum_dims))) and len(ctx.view) == 2:  # layer norm: (rows, features)
                grad_w = xp.einsum("ij,ij->j", grad.reshape(ctx.view), x_hat)
            else:
                grad_w = (grad * x_hat.reshape(x.shape)).sum(axis=ctx.sum_dims)
            grads.append(wrap(grad_w.reshape(weight.shape)))
        elif ctx.has[0]:
            grads.append(None)
        if ctx.has[1]:
            grads.append(wrap(grad.sum(axis=ctx.sum_dims).reshape(ctx.inputs[-1].shape)) if need[-1] else None)
        return tuple(grads)


    def scale_shift_backward(ctx, x, grad, weight):
        """torch's group norm backward, on the sums per (sample, channel) ds = sum(dy * x) and
        db = sum(dy): dx = c1 * dy + c2 * x + c3 with c1 = invstd * weight and, per group of D
        elements, c2 = (sum(db * w) * mean - sum(ds * w)) * invstd^3 / D, c3 = -c2 * mean -
        sum(db * w) * invstd / D; dweight = sum((ds - db * mean) * invstd), dbias = sum(db)."""
        n, c, groups = x.shape[0], x.shape[1], ctx.view[1]
        per, size = c // groups, ctx.view[-1]
        x3, dy = x.reshape(n, c, -1 if n * c else 0), grad.reshape(n, c, -1 if n * c else 0)
        ds, db = xp.einsum("ncl,ncl->nc", dy, x3), dy.sum(axis=-1)
        gamma = weight if weight is not None else xp.ones(c, dtype=x.dtype)
        mean, invstd = ctx.group_mean[:, ::per], ctx.invstd[..., 0]  # (N, groups)
        ds_g, db_g = (ds * gamma).reshape(n, groups, per).sum(-1), (db * gamma).reshape(n, groups, per).sum(-1)
        c2 = (db_g * mean - ds_g) * invstd * invstd * invstd / size
        c3 = -c2 * mean - db_g * invstd / size
        c1 = xp.repeat(invstd, per, axis=1) * gamma
        dx = c1[..., None] * dy + xp.repeat(c2, per, axis=1)[..., None] * x3 + xp.repeat(c3, per, axis=1)[..., None]
        grads = [Tensor._make(dx.astype(x.dtype).reshape(x.shape))]
        need = ctx.needs_input_grad
        if ctx.has[0]:
            grads.append(Tensor._make(((ds - db * ctx.group_mean) * xp.repeat(invstd, per, axis=1)).sum(axis=0).astype(x.dtype)) if need[1] else None)
        if ctx.has[1]:
            grads.append(Tensor._make(db.sum(axis=0).astype(x.dtype)) if need[-1] else None)
        return tuple(grads)


    row_sums = False

    def row_sums_backward(ctx, x, grad, weight):
        """torch's layer norm backward, per row of D elements with g = dy * weight: ds = sum(g * x),
        db = sum(g), dx = invstd * g + b * x + c with b = (db * mean - ds) * invstd^3 / D and
        c = -b * mean - db * invstd / D; dweight = sum over rows of dy * x_hat, dbias = sum dy."""
        rows, size = ctx.view
        xv, dy = x.reshape(rows, size), grad.reshape(rows, size)
        g = dy * weight.reshape(1, size) if weight is not None else dy
        invstd = ctx.invstd  # (rows, 1)
        mean = _row_means(xv) if size else xp.zeros((rows, 1), x.dtype)
        ds, db = xp.einsum("ij,ij->i", g, xv)[:, None], sum_last(g)
        b = (db * mean - ds) * invstd * invstd * invstd / size
        c = -b * mean - db * invstd / size
        grads = [Tensor._make((invstd * g + b * xv + c).astype(x.dtype).reshape(x.shape))]
        need = ctx.needs_input_grad
        if ctx.has[0]:
            grads.append(Tensor._make(xp.einsum("ij,ij->j", dy, ctx.x_hat).reshape(weight.shape)) if need[1] else None)
        if ctx.has[1]:
            grads.append(Tensor._make(dy.sum(axis=0).reshape(ctx.inputs[-1].shape)) if need[-1] else None)
        return tuple(grads)


class LayerNormNode(Normalize):
    backward_name = "NativeLayerNormBackward0"
    row_sums = True


class GroupNormNode(Normalize):
    backward_name = "NativeGroupNormBackward0"
    scale_shift = True


def _check_float(name, input, *others, kernel=None, mixed_first=True):
    """torch's dtype checks of a normalisation: weight and bias (``others``) of the input's dtype
    (RuntimeError, "mixed dtype") and a floating input (NotImplementedError naming ``kernel``).
    As torch, with ``mixed_first`` the first parameter given is compared before the input's
    dtype is checked, the others after."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(input).__name__}")
    given = [t for t in others if t is not None]
    for t in given[:1] if mixed_first else ():
        if t.dtype != input.dtype:
            raise RuntimeError(f"{name}: mixed dtype (CPU): expected parameters of the input's dtype {torch_name(input.dtype)}, got {torch_name(t.dtype)}")
    if input.dtype not in FLOAT_DTYPES:
        raise not_implemented(kernel or name, input.dtype)
    for t in given:
        if t.dtype != input.dtype:
            raise RuntimeError(f"{name}: expected scalar type {torch_name(input.dtype)} but found {torch_name(t.dtype)} (weight and bias must have the input's dtype)")


def _normalize(node, input, weight, bias, view, dims, affine_shape, sum_dims, eps):
    has = (weight is not None, bias is not None)
    affine = [t for t in (weight, bias) if t is not None]
    return node.apply(input, *affine, view=view, dims=dims, affine_shape=affine_shape, sum_dims=sum_dims, has=has, eps=eps)


def _shape_tuple(normalized_shape, name):
    if isinstance(normalized_shape, (int, xp.integer)):  # the modules take an int; the functions, as torch's, do not
        raise TypeError(f"{name}(): argument 'normalized_shape' (position 2) must be tuple of ints, not int")
    return tuple(int(n) for n in normalized_shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """``F.layer_norm``: normalise over the last ``len(normalized_shape)`` dims.

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, the mean and biased variance taken over
    the trailing dims, which must equal ``normalized_shape``; weight and bias have that shape.

    >>> import scratchnet as sn
    >>> layer_norm(sn.ones(2, 4), [4]).tolist()
    [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    """
    shape = _shape_tuple(normalized_shape, "layer_norm")
    _check_float("layer_norm", input, weight, bias, kernel="LayerNormKernelImpl")
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, {', '.join(map(str, shape))}], "
            f"but got input of size{list(input.shape)}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape {list(t.shape)} and normalized_shape = {list(shape)}")
    lead = input.ndim - k
    rows = int(xp.prod(input.shape[:lead])) if lead else 1
    view = (rows, int(xp.prod(shape)))
    return _normalize(LayerNormNode, input, weight, bias, view, (1,), shape, tuple(range(lead)), eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """``F.group_norm``: split the C channels of an (N, C, *) input into ``num_groups`` groups and
    normalise each group of each sample; weight and bias are per channel (C,).

    >>> import scratchnet as sn
    >>> group_norm(sn.arange(8.0).reshape(1, 4, 2), 2).shape
    scratchnet.Size([1, 4, 2])
    """
    _check_float("group_norm", input, weight, bias, kernel="GroupNormKernelImpl")
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    n, c = input.shape[0], input.shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of shape {list(input.shape)} and num_groups={num_groups}")
    if c == 0:
        raise RuntimeError("Expected number of channels to be greater than 0, got 0")
    if int(xp.prod(input.shape[2:])) == 0:
        raise RuntimeError(f"Expected HxW to be greater than 0, got 0 (input of shape {list(input.shape)})")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.shape[0] != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, but got {name} of shape {list(t.shape)} and input of shape {list(input.shape)}")
    view = (n, num_groups, (c // num_groups) * int(xp.prod(input.shape[2:])))
    affine_shape = (1, c) + (1,) * (input.ndim - 2)
    sum_dims = (0,) + tuple(range(2, input.ndim))
    return _normalize(GroupNormNode, input, weight, bias, view, (2,), affine_shape, sum_dims, eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True, momentum=0.1, eps=1e-5):
    """``F.instance_norm``: normalise each channel of each sample over its spatial dims.

    With running statistics, training (``use_input_stats``) updates them in place with the batch
    average of the per-instance mean and unbiased variance, as torch; otherwise they are used.
    """
    from .layers import batch_norm

    spatial = int(xp.prod(input.shape[2:]))
    if use_input_stats and spatial == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {list(input.shape)}")
    if input.ndim < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but got 1): instance_norm expects an (N, C, *) input, got a {input.ndim}-D one")
    _check_float("instance_norm", input, weight, bias, running_mean, running_var, kernel="batch_norm", mixed_first=False)
    n, c = input.shape[0], input.shape[1]
    # torch runs batch norm over (1, n * c, *) with each tensor repeated per sample: its checks
    # count n * c elements against the repeated tensor's n * numel (a NumPy reshape error escaped)
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.ndim > 1:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
        if t is not None and input.numel() and t.numel() != c:
            raise RuntimeError(f"{name} should contain {n * c} elements not {n * t.numel()}")
    if input.numel() == 0:  # torch's empty shortcut of batch norm, on the weight repeated per sample
        if any(t is not None and n * t.numel() == 0 for t in (weight, bias)):  # element 0 of an empty repeat
            raise IndexError("select(): index 0 out of range for tensor of size [0] at dimension 0")
        out = input * 1
        if weight is not None:
            out = out * weight[0]
        return out + bias[0] if bias is not None else out
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    count = spatial
    if running_mean is not None or running_var is not None:
        x = input.array.reshape(n, c, -1)
        mean, var = x.mean(axis=2), x.var(axis=2) * (count / (count - 1))
        with no_grad():
            if running_mean is not None:
                running_mean.copy_(running_mean.array * (1 - momentum) + mean.mean(axis=0) * momentum)
            if running_var is not None:
                running_var.copy_(running_var.array * (1 - momentum) + var.mean(axis=0) * momentum)
    view = (n, c, count)
    affine_shape = (1, c) + (1,) * (input.ndim - 2)
    sum_dims = (0,) + tuple(range(2, input.ndim))
    return _normalize(Normalize, input, weight, bias, view, (2,), affine_shape, sum_dims, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``F.rms_norm``: y = x / sqrt(mean(x^2) + eps) * weight over the trailing dims.

    ``eps=None`` means the dtype's machine epsilon, as torch.

    >>> import scratchnet as sn
    >>> rms_norm(sn.tensor([[3.0, 4.0]]), [2], eps=0.0).tolist()
    [[0.8485281467437744, 1.1313709020614624]]
    """
    shape = _shape_tuple(normalized_shape, "rms_norm")
    if not isinstance(input, Tensor):
        raise TypeError(f"rms_norm(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.dtype not in FLOAT_DTYPES:
        raise not_implemented("rms_norm", input.dtype)
    k = len(shape)
    if k == 0:
        raise RuntimeError(f"Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = {list(shape)}")
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape {list(weight.shape)} and normalized_shape = {list(shape)}")
    if input.ndim == 0:
        raise ValueError("Input tensor must have at least 1 dimensions, but got 0")
    if input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, {', '.join(map(str, shape))}], "
            f"but got input of size{list(input.shape)}"
        )
    eps = float(xp.finfo(input.dtype).eps) if eps is None else eps
    dims = tuple(range(input.ndim - k, input.ndim))
    out = input * (input.pow(2).mean(dim=dims, keepdim=True) + eps).rsqrt()
    if weight is None:
        return out
    out = out * weight  # a weight of another dtype promotes, then the result is cast back, as torch
    return out if out.dtype == input.dtype else out.to(input.dtype)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """``F.local_response_norm``: x / (k + alpha * mean of x^2 over ``size`` neighbouring
    channels) ** beta, the window centred (padded with zeros) as torch's."""
    from .layers import pad
    from .shape import stack

    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    if input.dtype.kind != "f" and input.dtype != xp.int64:  # torch's average pooling has no loop for these
        raise not_implemented("avg_pool2d" if input.ndim == 3 else "avg_pool3d_out_frame", input.dtype)
    c = input.shape[1]
    sq = pad(input * input, (0, 0) * (input.ndim - 2) + (size // 2, (size - 1) // 2))
    total = stack([sq[:, i:i + c] for i in range(size)], dim=0).sum(dim=0)
    window = total // size if input.dtype == xp.int64 else total / size  # int64: the pooling's integer average
    return input / (window * alpha + k) ** beta


__all__ = ["layer_norm", "group_norm", "rms_norm"]
_FUNCTIONAL = ["layer_norm", "group_norm", "instance_norm", "rms_norm", "local_response_norm"]


def _sum_over(t, dims):
    """``t`` summed over ``dims`` — none at all when ``dims`` is empty (``sum(dim=())`` would sum
    everything, as in torch)."""
    return t.sum(dim=dims) if dims else t
