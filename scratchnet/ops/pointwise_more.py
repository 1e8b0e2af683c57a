"""Elementwise ops with a second input or a parameter: logit, atan2, hypot, copysign,
xlogy, lerp, clamp_min/clamp_max, nan_to_num, rsub, addcmul/addcdiv and float_power.

Binary ops promote their operands as torch does and broadcast; the engine sums each gradient
back to its input's shape. Derivatives follow torch's conventions where a formula has a hole:
atan2 at (0, 0) has gradient 0, copysign has gradient 0 at x = 0, xlogy's ``d/dx`` is 0 where
``x = 0`` and ``y <= 0``, clamp's gradient flows strictly inside the bound (ties split for
tensor bounds).

>>> import scratchnet as sn
>>> sn.atan2(sn.tensor([1.0, -1.0]), sn.tensor([0.0, 0.0]))
tensor([ 1.5708, -1.5708])
"""

from ..backend import FLOAT_DTYPES, fast_where, xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor, bool_, broadcast_shapes, float64, result_type
from ._pointwise_torch import nan_as, vector_part
from .activation import sigmoid
from .math import _integer_alpha, div, pow, where
from .pointwise import _cast, _float, _need_tensor, _pair, _refuse, _zeros

__all__ = [
    "logit", "atan2", "arctan2", "hypot", "copysign", "xlogy", "lerp", "clamp_min",
    "clamp_max", "nan_to_num", "true_divide",
    "rsub", "addcmul", "addcdiv", "float_power",
]


def _mask(array):
    return Tensor._make(array)


# --- one input with parameters ----------------------------------------------------------------


class Logit(Function):
    def forward(ctx, a, eps):
        ctx.save_for_backward(a)
        ctx.eps = eps
        # torch's clamp, ``x < eps ? eps : (x > 1 - eps ? 1 - eps : x)``: for eps > 0.5 (bounds
        # crossed) it differs from clip's max-then-min
        z = a if eps is None else xp.where(a < eps, eps, xp.where(a > 1 - eps, 1 - eps, a)).astype(a.dtype)
        with xp.errstate(all="ignore"):
            return xp.log(z / (1 - z))

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        eps = ctx.eps
        a = x.array
        slope = grad / (x * (1 - x))
        # at x = 0 or 1 torch's scalar loop answers grad * inf; its vector loop divides, so that
        # -0.0 gives -grad * inf there (which elements each loop takes: vector_part)
        pole = ((a == 0) | (a == 1)) & ~vector_part(a)
        if pole.any():  # (only then: the inf would reach the second derivative through where)
            slope = where(_mask(pole), grad * float("inf"), slope)
        if eps is None:
            return where(_mask((a < 0) | (a > 1)), float("nan"), slope)
        # a NaN input: outside the clamp's range for the vector blend (0), inside for the scalar
        # loop's test (the formula's NaN)
        return nan_as(x, where(_mask((a >= eps) & (a <= 1 - eps)), slope, 0.0), None, float("nan"))


def logit(input, eps=None, *, out=None):
    """``log(z / (1 - z))`` with ``z = clamp(x, eps, 1 - eps)`` (no clamp when ``eps`` is None);
    the gradient is 0 where the clamp bites, NaN outside [0, 1] without ``eps``.

    >>> import scratchnet as sn
    >>> sn.logit(sn.tensor([0.5, 0.75]))
    tensor([0.0000, 1.0986])
    """
    return Logit.apply(_float(input), eps=eps)


class Atan2(Function):
    """Applied to the inputs in their own dtypes: the backward is torch's formula on them, so an
    integer ``other * other`` wraps as torch's does and a bool ``-input`` is refused."""

    def forward(ctx, a, b, dtype):
        ctx.save_for_backward(a, b)
        return xp.arctan2(a.astype(dtype, copy=False), b.astype(dtype, copy=False))

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        r2 = a * a + b * b
        inv = where(_mask(r2.array == 0), 0.0, 1 / where(_mask(r2.array == 0), 1.0, r2))  # 0 at (0, 0), as torch
        return (grad * b * inv if need_a else None), (grad * -a * inv if need_b else None)


def atan2(input, other, *, out=None):
    """The angle of the point ``(other, input)``: ``atan(input / other)`` in the right quadrant.

    >>> import scratchnet as sn
    >>> sn.atan2(sn.tensor([1.0]), sn.tensor([-1.0]))
    tensor([2.3562])
    """
    _need_tensor("atan2", "other", other)
    a, b = _pair(input, other, floating=True)  # checks and the result dtype
    return Atan2.apply(input, other, dtype=a.dtype)


arctan2 = atan2


class Hypot(Function):
    def forward(ctx, a, b):
        out = xp.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        return grad * a / out, grad * b / out


def hypot(input, other, *, out=None):
    """``sqrt(input**2 + other**2)`` without overflow; float tensors only.

    >>> import scratchnet as sn
    >>> sn.hypot(sn.tensor([3.0]), sn.tensor([4.0]))
    tensor([5.])
    """
    _need_tensor("hypot", "other", other)
    if result_type(input, other) not in FLOAT_DTYPES:
        raise _refuse("hypot_cpu", result_type(input, other))
    return Hypot.apply(*_pair(input, other))


class Copysign(Function):
    def forward(ctx, a, b):
        out = xp.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        zero = _mask(a.array == 0)
        return grad * where(zero, 0.0, out / where(zero, 1.0, a)), _zeros(grad)


class CopysignScalar(Copysign):
    backward_name = "CopysignBackward1"


def copysign(input, other, *, out=None):
    """``|input|`` with the sign of ``other`` (a tensor or a number; -0.0 counts as negative).

    >>> import scratchnet as sn
    >>> sn.copysign(sn.tensor([1.0, -2.0]), -0.0)
    tensor([-1., -2.])
    """
    cls = Copysign if isinstance(other, Tensor) else CopysignScalar
    return cls.apply(*_pair(input, other, floating=True))


class Xlogy(Function):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with xp.errstate(all="ignore"):
            return fast_where((a == 0) & ~xp.isnan(b), xp.zeros_like(a), a * xp.log(b))

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = where(_mask((a.array == 0) & (b.array <= 0)), 0.0, xlogy(grad, b)) if need_a else None
        return grad_a, (grad * a / b if need_b else None)


def xlogy(input, other, *, out=None):
    """``input * log(other)``, and 0 where ``input == 0`` (unless ``other`` is NaN).

    >>> import scratchnet as sn
    >>> sn.xlogy(sn.tensor([0.0, 2.0]), sn.tensor([0.0, 1.0]))
    tensor([0., 0.])
    """
    return Xlogy.apply(*_pair(input, other, floating=True))


class Lerp(Function):
    """``start + weight * (end - start)``, as torch computes it (from the nearer end)."""

    def forward(ctx, s, e, w):
        ctx.save_for_backward(s, e, w)
        with xp.errstate(all="ignore"):
            return fast_where(xp.abs(w) < 0.5, s + w * (e - s), e - (e - s) * (1 - w)).astype(s.dtype)

    def backward(ctx, grad):
        s, e, w = ctx.saved_tensors
        return grad * (1 - w), grad * w, grad * (e - s)


class LerpScalar(Lerp):
    backward_name = "LerpBackward0"

    def backward(ctx, grad):
        return super().backward(grad)[:2] + (None,)


Lerp.backward_name = "LerpBackward1"


def lerp(input, end, weight, *, out=None):
    """Linear interpolation ``input + weight * (end - input)``; ``weight`` a number or a tensor
    (all three broadcast); float tensors of one dtype.

    >>> import scratchnet as sn
    >>> sn.lerp(sn.tensor([0.0, 10.0]), sn.tensor([10.0, 20.0]), 0.25).tolist()
    [2.5, 12.5]
    """
    kernel = "lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar"
    if input.dtype not in FLOAT_DTYPES:
        raise _refuse(kernel, input.dtype)
    for what, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t.dtype != input.dtype and (what == "end" or t.ndim > 0):
            raise RuntimeError(f"expected dtype {_short(input.dtype)} for `{what}` but got dtype {_short(t.dtype)}")
    if isinstance(weight, Tensor):
        broadcast_shapes(input.shape, end.shape, weight.shape)
        return Lerp.apply(input, end, _cast(weight, input.dtype))
    broadcast_shapes(input.shape, end.shape)
    return LerpScalar.apply(input, end, Tensor._make(xp.asarray(weight, dtype=input.dtype)))


def _short(dtype):
    return {"float32": "float", "float64": "double", "int64": "long", "int32": "int", "uint8": "unsigned char", "bool": "bool"}[str(dtype)]


class ClampMin(Function):
    backward_name = "ClampMinBackward0"

    def forward(ctx, a, bound):
        ctx.save_for_backward(a)
        ctx.bound = bound
        return xp.maximum(a, xp.asarray(bound, dtype=a.dtype))

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return where(_mask(x.array > ctx.bound), grad, 0.0)  # where, not a product: an inf grad outside is 0


class ClampMax(ClampMin):
    backward_name = "ClampMaxBackward0"

    def forward(ctx, a, bound):
        ctx.save_for_backward(a)
        ctx.bound = bound
        return xp.minimum(a, xp.asarray(bound, dtype=a.dtype))

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return where(_mask(x.array < ctx.bound), grad, 0.0)


class ClampMinTensor(Function):
    """``max(x, bound)`` for a tensor bound: the larger one takes the gradient, a tie splits it, and
    a NaN on either side (the output is NaN) sends it to both, as torch."""

    backward_name = "ClampMinBackward1"
    larger = True

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.maximum(a, b) if ctx.larger else xp.minimum(a, b)

    def backward(ctx, grad):
        a, b = (t.array for t in ctx.saved_tensors)
        tie = 0.5 * (a == b)
        a_loses, b_loses = (a < b, a > b) if ctx.larger else (a > b, a < b)
        # the loser gets 0 even where grad is inf or NaN (torch selects, it does not multiply)
        return tuple(where(_mask(w == 0), 0.0, grad * _mask(w)) for w in (1 - a_loses - tie, 1 - b_loses - tie))


class ClampMaxTensor(ClampMinTensor):
    backward_name = "ClampMaxBackward1"
    larger = False


def _clamp_one(input, bound, scalar_cls, tensor_cls):
    from ..dtypes import fill_scalar
    from ._promote import not_implemented

    kernel = "clamp_min" if scalar_cls is ClampMin else "clamp_max"
    if isinstance(bound, Tensor):
        return tensor_cls.apply(*_pair(input, bound))
    x, _ = _pair(input, 0)
    x = _cast(x, result_type(input, bound))
    if x.dtype == bool_:  # torch has no bool loop for a scalar bound either
        raise not_implemented(f"{kernel}_scalar_cpu", bool_)
    # the bound in the result's dtype as torch converts it: checked, so uint8 takes -1 (as 255)
    # but not 300, float32 not 1e40 (torch's RuntimeError, where NumPy's OverflowError escaped)
    return scalar_cls.apply(x, bound=fill_scalar(bound, x.dtype))


def clamp_min(input, min):  # noqa: A002  (torch's argument name)
    """``max(input, min)`` (``min`` a number or a tensor); the gradient flows where ``x > min``.

    >>> import scratchnet as sn
    >>> sn.clamp_min(sn.tensor([-1.0, 2.0]), 0.0)
    tensor([0., 2.])
    """
    return _clamp_one(input, min, ClampMin, ClampMinTensor)


def clamp_max(input, max):  # noqa: A002
    """``min(input, max)`` (``max`` a number or a tensor); the gradient flows where ``x < max``.

    >>> import scratchnet as sn
    >>> sn.clamp_max(sn.tensor([-1.0, 2.0]), 0.0)
    tensor([-1.,  0.])
    """
    return _clamp_one(input, max, ClampMax, ClampMaxTensor)


class NanToNum(Function):
    def forward(ctx, a, nan, posinf, neginf):
        ctx.save_for_backward(a)
        return xp.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * _mask(xp.isfinite(x.array))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """NaN -> ``nan``, +inf -> ``posinf`` and -inf -> ``neginf`` (default: the dtype's largest and
    lowest finite values); integer input comes back unchanged (copied). Gradient 1 where finite.

    >>> import scratchnet as sn
    >>> sn.nan_to_num(sn.tensor([float('nan'), 1.0, float('-inf')]), neginf=-5.0)
    tensor([ 0.,  1., -5.])
    """
    if input.dtype not in FLOAT_DTYPES:
        return Tensor._make(input.array.copy())
    info = xp.finfo(input.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    return NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf)


# --- arithmetic forms ----------------------------------------------------------------------------

def true_divide(input, other, *, out=None):
    """``input / other`` in a float dtype (torch's alias of div).

    >>> import scratchnet as sn
    >>> sn.true_divide(sn.tensor([1, 2]), 4).tolist()
    [0.25, 0.5]
    """
    return div(*_pair(input, other, floating=True))


class Rsub(Function):
    """``other - alpha * input``."""

    def forward(ctx, a, b, alpha):
        ctx.alpha = alpha
        if a.dtype.kind in "iu" and alpha != 1:  # alpha in the integer dtype, as torch's checked cast (-3 -> 253 in uint8)
            alpha = _integer_alpha(alpha, a.dtype, negated=True)
        with xp.errstate(all="ignore"):
            return b - alpha * a if alpha != 1 else b - a

    def backward(ctx, grad):
        return -grad * ctx.alpha, grad


class RsubScalar(Rsub):
    backward_name = "RsubBackward1"


def rsub(input, other, alpha=1):
    """``other - alpha * input`` (subtraction with the operands reversed).

    >>> import scratchnet as sn
    >>> sn.rsub(sn.tensor([1.0, 2.0]), 5)
    tensor([4., 3.])
    """
    if input.dtype == bool_ and isinstance(other, Tensor) and other.dtype == bool_:
        raise NotImplementedError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."
        )
    if input.dtype == bool_ or (isinstance(other, Tensor) and other.dtype == bool_) or isinstance(other, (bool, xp.bool_)):
        raise NotImplementedError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, "
            "use the `~` or `logical_not()` operator instead."
        )
    a, b = _pair(input, other)
    if a.dtype.kind in "iu" and isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if a.dtype.kind in "iu":
        _integer_alpha(alpha, a.dtype, negated=True)  # (refuses an alpha the dtype cannot hold, as torch)
    cls = Rsub if isinstance(other, Tensor) else RsubScalar
    return cls.apply(a, b, alpha=alpha)


def _three(input, t1, t2):
    dtype = result_type(input, t1, t2)
    broadcast_shapes(input.shape, t1.shape, t2.shape)
    return [_cast(t, dtype) for t in (input, t1, t2)]


def _integer_value(value, dtype):
    """``value`` as torch's kernels read it: converted to ``dtype`` with torch's check (a value the
    dtype cannot hold, e.g. inf or 300 into uint8, 1e40 into float32, is its RuntimeError); for
    integers truncated (0.5 -> 0), uint8 taking -1 as 255 as torch's fills do."""
    from ..dtypes import fill_scalar

    converted = fill_scalar(value, dtype)
    return converted.item() if dtype.kind in "iu" else value


class Addcmul(Function):
    def forward(ctx, a, t1, t2, value):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        with xp.errstate(all="ignore"):
            return (a + xp.asarray(value).astype(a.dtype) * t1 * t2).astype(a.dtype, copy=False)

    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        _, need1, need2 = ctx.needs_input_grad
        return grad, (grad * (t2 * ctx.value) if need1 else None), (grad * (t1 * ctx.value) if need2 else None)  # torch's order


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 * tensor2`` (all three broadcast).

    >>> import scratchnet as sn
    >>> sn.addcmul(sn.tensor([1.0]), sn.tensor([2.0]), sn.tensor([3.0]), value=0.5)
    tensor([4.])
    """
    a, t1, t2 = _three(input, tensor1, tensor2)
    if a.dtype == bool_:
        raise NotImplementedError('"addcmul_cpu_out" not implemented for \'Bool\'')
    return Addcmul.apply(a, t1, t2, value=_integer_value(value, a.dtype))


class Addcdiv(Function):
    def forward(ctx, a, t1, t2, value, t2_dtype):
        ctx.save_for_backward(t1, t2)
        ctx.value, ctx.t2_dtype = value, t2_dtype
        with xp.errstate(all="ignore"):
            return (a + value * t1 / t2).astype(a.dtype, copy=False)

    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        _, need1, need2 = ctx.needs_input_grad
        if need1 and ctx.t2_dtype.kind in "iub":  # torch forms value / tensor2 in tensor2's own dtype
            if ctx.t2_dtype.kind == "u" and ctx.value < 0:
                raise RuntimeError("value cannot be converted to type uint8_t without overflow")
            raise RuntimeError(f"result type Float can't be cast to the desired output type {torch_name(ctx.t2_dtype)}")
        g1 = grad * (ctx.value / t2) if need1 else None  # torch's forms, in its order
        g2 = -grad * (ctx.value * t1 / (t2 * t2)) if need2 else None
        return grad, g1, g2


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 / tensor2`` (all three broadcast); integer division refused.

    >>> import scratchnet as sn
    >>> sn.addcdiv(sn.tensor([1.0]), sn.tensor([2.0]), sn.tensor([4.0]), value=2)
    tensor([2.])
    """
    if tensor1.dtype not in FLOAT_DTYPES and tensor2.dtype not in FLOAT_DTYPES:
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a "
            "true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as "
            "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
            "implementation: (input + value * tensor1 / tensor2), for all dtypes."
        )
    a, t1, t2 = _three(input, tensor1, tensor2)
    _integer_value(value, a.dtype)  # checked as torch: 1e40 cannot scale a float32 result
    return Addcdiv.apply(a, t1, t2, value=value, t2_dtype=tensor2.dtype)


def float_power(input, exponent, *, out=None):
    """``input ** exponent`` computed in float64 (both operands cast), as torch.

    >>> import scratchnet as sn
    >>> sn.float_power(sn.tensor([2, 3]), 2)
    tensor([4., 9.], dtype=scratchnet.float64)
    """
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("float_power(): expected a Tensor as input or exponent")
    base = _cast(input, float64) if isinstance(input, Tensor) else float(input)
    power = _cast(exponent, float64) if isinstance(exponent, Tensor) else float(exponent)
    if not isinstance(base, Tensor):
        base = Tensor._make(xp.asarray(base, dtype=float64))
    return pow(base, power)


METHODS = {name: globals()[name] for name in __all__ if name != "rsub"}
