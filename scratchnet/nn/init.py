"""Weight initialisation, as ``torch.nn.init``: each fills a tensor in place and returns it.

Xavier (Glorot) keeps the variance of activations and gradients equal across a layer:
``std = gain * sqrt(2 / (fan_in + fan_out))``, and the uniform form draws from ``[-a, a]`` with
``a = sqrt(3) * std``. He (Kaiming) uses ``std = gain / sqrt(fan)`` for ReLU-like layers.

>>> import scratchnet as sn
>>> w = sn.empty(256, 784)
>>> bound = (6 / (256 + 784)) ** 0.5
>>> bool(abs(xavier_uniform_(w)).max() <= bound)
True
"""

import math

from ..backend import xp
from ..tensor import Tensor, no_grad


def calculate_gain(nonlinearity, param=None):
    """The gain torch recommends for a nonlinearity (relu: sqrt(2), tanh: 5/3, ...)."""
    linear = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid"]
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"negative_slope {slope} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.ndim < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with samples of U(a, b), drawn as torch draws them.

    >>> import scratchnet as sn
    >>> uniform_(sn.empty(3), -1, 1).abs().max().item() <= 1
    True
    """
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with samples of N(mean, std²), drawn as torch draws them."""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with N(mean, std²) samples restricted to [a, b], as torch 2.14 does: when the mass
    inside [a, b] is above 0.3, whole normal tensors are drawn and out-of-range elements replaced
    from the next draw until none is left; otherwise uniforms on [a, b] are accepted with
    probability ``pdf(x) / pdf(mode)`` (rejection sampling, the acceptance uniforms drawn after
    the candidates each round).

    >>> import scratchnet as sn
    >>> trunc_normal_(sn.empty(100), std=1.0, a=-0.5, b=0.5).abs().max().item() <= 0.5
    True
    """
    from ..ops.math import where

    def norm_cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    with no_grad():
        p = norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std)
        if p > 0.3:
            lo, hi = (xp.asarray(v, dtype=tensor.dtype) for v in (a, b))
            result = tensor.normal_(mean, std, generator=generator)
            while True:
                mask = (result.array < lo) | (result.array > hi)
                if not mask.any():
                    break
                fresh = Tensor._make(xp.empty_like(result.array)).normal_(mean, std, generator=generator)
                result = Tensor._make(xp.where(mask, fresh.array, result.array))
            if result is not tensor:
                tensor.copy_(result)
            return tensor
        mode = max(a, min(mean, b))
        log_peak = -0.5 * ((mode - mean) / std) ** 2
        dtype = tensor.dtype.type

        def log_pdf(x):  # torch's in-place chain, each step in the tensor's dtype
            x = (x - dtype(mean)) / dtype(std)
            return (x * x) * dtype(-0.5) - dtype(log_peak)

        def accept_draw():
            u = Tensor._make(xp.empty_like(tensor.array)).uniform_(generator=generator).array
            with xp.errstate(divide="ignore"):
                return xp.log(u)

        tensor.uniform_(a, b, generator=generator)
        result = tensor.array.copy()
        pending = accept_draw() > log_pdf(result)
        while pending.any():
            candidates = Tensor._make(xp.empty_like(result)).uniform_(a, b, generator=generator).array
            result = xp.where(pending, candidates, result)
            pending = xp.where(pending, accept_draw() > log_pdf(candidates), pending)
        return tensor.copy_(Tensor._make(result))


def orthogonal_(tensor, gain=1.0, generator=None):
    """Fill with a (semi-)orthogonal matrix: the Q of a QR decomposition of standard normals,
    signs fixed by R's diagonal, times ``gain`` (torch's algorithm and draws; the QR itself is
    NumPy's LAPACK, so values agree with torch's to rounding, not always to the bit).

    >>> import scratchnet as sn
    >>> q = orthogonal_(sn.empty(3, 3))
    >>> bool(((q @ q.T) - sn.eye(3)).abs().max() < 1e-5)
    True
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    with no_grad():
        flat = Tensor._make(xp.empty((rows, cols), dtype=tensor.dtype)).normal_(0, 1, generator=generator).array
        if rows < cols:
            flat = flat.T
        q, r = xp.linalg.qr(flat)
        q = (q * xp.sign(xp.diagonal(r))).astype(tensor.dtype)
        if rows < cols:
            q = q.T
        tensor.copy_(Tensor._make(xp.ascontiguousarray(q).reshape(tuple(tensor.shape)) * tensor.dtype.type(gain)))
    return tensor


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill a 2-D tensor with N(0, std²) values and zero ``ceil(sparsity * rows)`` random rows of
    each column (one ``randperm`` per column, as torch — drawn from the default generator even
    when ``generator`` is given, as torch does)."""
    from ..random import randperm

    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))
    with no_grad():
        tensor.normal_(0, std, generator=generator)
        values = tensor.array.copy()
        for col in range(cols):
            values[randperm(rows).array[:num_zeros], col] = 0
        tensor.copy_(Tensor._make(values))
    return tensor


def eye_(tensor):
    """Fill a 2-D tensor with the identity (ones on the diagonal, as ``torch.eye``)."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        return tensor.copy_(Tensor._make(xp.eye(*tensor.shape, dtype=tensor.dtype)))


def dirac_(tensor, groups=1):
    """Fill a {3, 4, 5}-D convolution weight with the Dirac delta: each output channel passes
    one input channel through unchanged (per group)."""
    dims = tensor.ndim
    if dims not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.shape
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = sizes[0] // groups
    values = xp.zeros(tuple(sizes), dtype=tensor.dtype)
    centre = tuple(s // 2 for s in sizes[2:])
    for g in range(groups):
        for d in range(min(per_group, sizes[1])):
            values[(g * per_group + d, d) + centre] = 1
    with no_grad():
        return tensor.copy_(Tensor._make(values))


def constant_(tensor, val):
    """Fill ``tensor`` in place with the value ``val``, without recording it in the graph.

    Args:
        tensor: the tensor to fill (any shape).
        val (float): the value.

    >>> import scratchnet as sn
    >>> constant_(sn.empty(2), 0.5)
    tensor([0.5000, 0.5000])
    """
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor):
    """Fill ``tensor`` with zeros in place (``constant_(tensor, 0)``).

    >>> import scratchnet as sn
    >>> zeros_(sn.empty(2))
    tensor([0., 0.])
    """
    return constant_(tensor, 0.0)


def ones_(tensor):
    """Fill ``tensor`` with ones in place (``constant_(tensor, 1)``).

    >>> import scratchnet as sn
    >>> ones_(sn.empty(2))
    tensor([1., 1.])
    """
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator=generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """N(0, std²) with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator=generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """U(-bound, bound) with ``bound = gain * sqrt(3 / fan)`` (He et al., 2015); torch's Linear
    and Conv layers use ``a = sqrt(5)``."""
    if 0 in tuple(tensor.shape):  # torch: nothing to fill, with a warning (e.g. a Linear with no inputs)
        import warnings

        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator=generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """N(0, std²) with ``std = gain / sqrt(fan)``."""
    if 0 in tuple(tensor.shape):  # torch: nothing to fill, with a warning
        import warnings

        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode)), generator=generator)


def _deprecated_spelling(new):
    """torch's old name without the trailing underscore: the same fill, with torch's FutureWarning
    pointing at the caller."""
    old = new.__name__[:-1]

    def old_spelling(*args, **kwargs):
        import warnings

        warnings.warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{new.__name__}`.", FutureWarning, stacklevel=2)
        return new(*args, **kwargs)

    old_spelling.__name__ = old_spelling.__qualname__ = old
    old_spelling.__doc__ = f"{old}(...): deprecated (a FutureWarning), as in torch; does what :func:`{new.__name__}` does."
    return old_spelling


uniform, normal, constant = _deprecated_spelling(uniform_), _deprecated_spelling(normal_), _deprecated_spelling(constant_)
eye, dirac, orthogonal, sparse = (_deprecated_spelling(f) for f in (eye_, dirac_, orthogonal_, sparse_))
xavier_uniform, xavier_normal = _deprecated_spelling(xavier_uniform_), _deprecated_spelling(xavier_normal_)
kaiming_uniform, kaiming_normal = _deprecated_spelling(kaiming_uniform_), _deprecated_spelling(kaiming_normal_)
