"""The in-place activations under torch's names (``relu_``, ``elu_``, ``selu_``, ...) and the
randomized leaky ReLU, ``rrelu`` (Xu et al. 2015).

Each ``op_`` is its out-of-place op recorded in place (scratchnet/ops/inplace.py): the result is
``input`` itself, its version goes up, and a leaf that requires grad is refused, as torch does.

``rrelu`` is ``x`` where ``x > 0`` and ``a x`` elsewhere. In training each non-positive element
draws its own slope ``a ~ U(lower, upper)`` (torch's CPU kernel walks the elements in order and
draws one double uniform, from a 64-bit word, for each element ``<= 0``: the same numbers after
the same seed); in evaluation ``a = (lower + upper) / 2`` for all.

>>> import scratchnet as sn
>>> y = sn.tensor([-1.0, 2.0], requires_grad=True) * 1
>>> relu_(y) is y, y
(True, tensor([0., 2.], grad_fn=<ReluBackward0>))
>>> rrelu(sn.tensor([-1.0, 2.0]))
tensor([-0.2292,  2.0000])
"""

from .. import _sampling
from ..backend import FLOAT_DTYPES, fast_where, xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor
from .activation import leaky_relu, relu
from .nn_activation import SELU_ALPHA, SELU_SCALE, _elu, float_only, threshold


def relu_(input):
    """In-place :func:`~scratchnet.nn.functional.relu`: ``input <- max(input, 0)``.

    >>> import scratchnet as sn
    >>> x = sn.tensor([-1.0, 3.0]); relu_(x); x
    tensor([0., 3.])
    tensor([0., 3.])
    """
    return relu(input, inplace=True)


def _elu_inplace(input, alpha, scale, input_scale, name, node):
    float_only(input, name)
    return input._apply_inplace(lambda old: _elu(node, old, alpha, scale, input_scale))


def elu_(input, alpha=1.0):
    """In-place :func:`~scratchnet.nn.functional.elu`.

    >>> import scratchnet as sn
    >>> x = sn.tensor([0.0, 2.0]); elu_(x).tolist()
    [0.0, 2.0]
    """
    return _elu_inplace(input, alpha, 1.0, 1.0, "elu", "EluBackward1")


def selu_(input):
    """In-place :func:`~scratchnet.nn.functional.selu`.

    >>> import scratchnet as sn
    >>> round(selu_(sn.tensor([1.0])).item(), 4)
    1.0507
    """
    return _elu_inplace(input, SELU_ALPHA, SELU_SCALE, 1.0, "selu", "EluBackward1")


def celu_(input, alpha=1.0):
    """In-place :func:`~scratchnet.nn.functional.celu`.

    >>> import scratchnet as sn
    >>> round(celu_(sn.tensor([-1.0]), 2.0).item(), 4)
    -0.7869
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _elu_inplace(input, alpha, 1.0, 1.0 / alpha, "celu", "CeluBackward1")


def leaky_relu_(input, negative_slope=0.01):
    """In-place :func:`~scratchnet.nn.functional.leaky_relu`.

    >>> import scratchnet as sn
    >>> leaky_relu_(sn.tensor([-1.0, 1.0]), 0.5).tolist()
    [-0.5, 1.0]
    """
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place :func:`~scratchnet.nn.functional.hardtanh`.

    >>> import scratchnet as sn
    >>> hardtanh_(sn.tensor([-3.0, 0.5, 3.0])).tolist()
    [-1.0, 0.5, 1.0]
    """
    from .nn_activation import hardtanh

    return hardtanh(input, min_val, max_val, inplace=True)


def threshold_(input, threshold_value=None, value=None, **kwargs):
    """In-place :func:`~scratchnet.nn.functional.threshold`: ``input <- input if input > threshold
    else value``.

    >>> import scratchnet as sn
    >>> threshold_(sn.tensor([0.5, 2.0]), 1.0, -1.0).tolist()
    [-1.0, 2.0]
    """
    threshold_value = kwargs.pop("threshold", threshold_value)
    if kwargs:
        raise TypeError(f"threshold_() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if threshold_value is None or value is None:
        raise TypeError("threshold_() missing required arguments: 'threshold' and 'value'")
    out = threshold(input, threshold_value, value, inplace=True)
    node = out.grad_fn
    if getattr(node, "node_name", None) == "ThresholdBackward0":  # torch's in-place node (it saves the result)
        node.node_name = "ThresholdBackward1"
    return out


# ---- rrelu -------------------------------------------------------------------------------------


class RReLUWithNoise(Function):
    """``x * noise`` where the noise is the slope drawn (or fixed) per element, 1 where ``x > 0``."""

    backward_name = "RreluWithNoiseBackward0"

    def forward(ctx, x, noise, grad_scale):
        ctx.grad_scale = grad_scale
        return fast_where(noise != 1, x * noise, x) if x.size else x.copy()

    def backward(ctx, grad):
        return grad * Tensor._make(ctx.grad_scale.astype(grad.array.dtype, copy=False))


class RReLUWithNoiseInPlace(RReLUWithNoise):
    backward_name = "RreluWithNoiseBackward1"


def _rrelu_noise(x, lower, upper, training, generator):
    """(forward noise, backward factor) arrays for ``x``: drawn slopes (training) or the mean."""
    dtype = x.dtype
    if training:
        below = x <= 0
        gen = _generator(generator)
        draws = _sampling.uniform01(gen, int(below.sum()), xp.float64)
        lo, hi = float(dtype.type(lower)), float(dtype.type(upper))  # torch holds the bounds in the dtype's opmath
        slopes = (draws * (hi - lo) + lo).astype(dtype)
        noise = xp.ones(x.shape, dtype)
        noise[below] = slopes
        if upper - lower > 1e-6:
            return noise, noise
        mid = dtype.type((lower + upper) / 2)  # torch's backward then is leaky_relu's (NaN passes as positive)
        return noise, xp.where((x > 0) | xp.isnan(x), dtype.type(1), mid)
    mid = dtype.type((lower + upper) / 2)
    return xp.where(x <= 0, mid, dtype.type(1)), xp.where(x > 0, dtype.type(1), mid)


    return fma64(a, b, c)


def _generator(generator):
    from ..random import generator_or_default

    return generator_or_default(generator)


def _check_rrelu(input, lower, upper, training, name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.dtype not in FLOAT_DTYPES:
        kernel = "rrelu_with_noise_out_cpu" if training else "leaky_relu_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{torch_name(input.dtype)}'")
    if upper < lower:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False, generator=None):
    r"""The randomized leaky ReLU: :math:`\text{RReLU}(x) = x` for :math:`x \ge 0` and :math:`a x`
    otherwise, with :math:`a \sim \mathcal{U}(\text{lower}, \text{upper})` drawn per element in
    training and :math:`a = (\text{lower} + \text{upper}) / 2` in evaluation.

    Args:
        input (Tensor): a float tensor of any shape.
        lower (float): the lower bound of the slopes' uniform distribution. Default: 1/8.
        upper (float): the upper bound. Default: 1/3.
        training (bool): draw the slopes (True) or use their mean (False). Default: False.
        inplace (bool): write the result into ``input``. Default: False.

    Shape:
        - Input: :math:`(*)`; Output: :math:`(*)`, the same shape.

    >>> import scratchnet as sn
    >>> rrelu(sn.tensor([-2.0, 1.0]), 0.25, 0.75)
    tensor([-1.,  1.])
    """
    _check_rrelu(input, lower, upper, training, "rrelu")
    if inplace:
        return rrelu_(input, lower, upper, training, generator)
    noise, scale = _rrelu_noise(input.array, lower, upper, training, generator)
    return RReLUWithNoise.apply(input, noise=noise, grad_scale=scale)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """In-place :func:`rrelu`.

    >>> import scratchnet as sn
    >>> rrelu_(sn.tensor([-2.0, 1.0]), 0.5, 0.5).tolist()
    [-1.0, 1.0]
    """
    _check_rrelu(input, lower, upper, training, "rrelu_")
    from .inplace import _check_target

    _check_target(input)  # refuse a leaf that requires grad before drawing (torch draws nothing then)
    noise, scale = _rrelu_noise(input.array, lower, upper, training, generator)
    return input._apply_inplace(lambda old: RReLUWithNoiseInPlace.apply(old, noise=noise, grad_scale=scale))


__all__ = ["relu_", "selu_", "celu_", "threshold_", "rrelu", "rrelu_"]
