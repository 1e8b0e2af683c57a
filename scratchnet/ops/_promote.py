"""Turning operands into Tensors of one dtype, by torch's promotion rules (scratchnet/dtypes.py),
and the dtype cast ``to``: the helpers every elementwise op in ops/math.py, ops/activation.py and
ops/bitwise.py starts with.

>>> import scratchnet as sn
>>> a, b = operands(sn.tensor([1, 2], dtype=sn.uint8), -1)
>>> b.dtype, b.item()
(scratchnet.uint8, 255)
"""

from ..backend import FLOAT_DTYPES, xp
from ..dtypes import float_result, is_scalar, scalar_to_array, torch_name
from ..tensor import Function, Tensor, broadcast_shapes, get_default_dtype, result_type

# --- turning operands into Tensors of one dtype (torch's promotion: scratchnet/dtypes.py) ------


def as_dtype(x, dtype, checked=False):
    """``x`` (Tensor, Python/NumPy scalar or array) as a Tensor of ``dtype``; a Tensor is cast in
    the graph; a Python int wraps into a narrow integer dtype as torch's do (uint8: -1 -> 255)."""
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else Cast.apply(x, dtype=dtype)
    if isinstance(x, xp.ndarray):
        return Tensor._make(x.astype(dtype, copy=False))
    return Tensor._make(scalar_to_array(x, dtype, checked=checked))


def check_operand(x, name, position):
    """A Tensor, a number or a NumPy array; anything else is torch's TypeError."""
    if not isinstance(x, (Tensor, xp.ndarray)) and not is_scalar(x):
        raise TypeError(f"{name}(): argument '{'input' if position == 1 else 'other'}' (position {position}) must be Tensor, not {type(x).__name__}")
    return x


def operands(a, b, floating=False, name="op", checked=False):
    """Promote ``a`` and ``b`` to torch's result dtype and check that their shapes broadcast.
    ``floating``: a float-only op (true division), so integer results become the default float;
    ``checked``: a Python int out of the dtype's range is torch's error (where, clamp)."""
    fast = _common_operands(a, b, floating)
    if fast is not None:
        return fast
    check_operand(a, name, 1)
    check_operand(b, name, 2)
    dtype = result_type(a, b)
    if floating:
        dtype = float_result(dtype)
    a, b = as_dtype(a, dtype, checked), as_dtype(b, dtype, checked)
    if a.shape != b.shape:
        broadcast_shapes(a.shape, b.shape)
    return a, b


_F32, _F64, _I64 = xp.dtype("float32"), xp.dtype("float64"), xp.dtype("int64")


def _common_operands(a, b, floating):
    """``operands`` for the commonest calls, decided without the general rules (the same answers,
    fewer steps: every op of a model starts here): two Tensors of one dtype, or a Tensor and a
    Python float or int of modest size. None for anything else."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            dtype = a._array.dtype
            if b._array.dtype is not dtype and b._array.dtype != dtype:
                return None
            if floating and dtype.kind != "f":
                return None
            if a._array.shape != b._array.shape and a._array.ndim and b._array.ndim:  # 0-d broadcasts to any
                broadcast_shapes(a._array.shape, b._array.shape)
            return a, b
        tensor, number, first = a, b, True
    elif isinstance(b, Tensor):
        tensor, number, first = b, a, False
    else:
        return None
    dtype = tensor._array.dtype
    kind = type(number)
    # a float32/64 Tensor keeps its dtype for any Python number, an int64 one for a Python int
    if (dtype is _F32 or dtype is _F64) and (kind is float or kind is int) or (dtype is _I64 and kind is int and not floating):
        if -1e18 < number < 1e18:  # no overflow, wrap-around or NaN to handle
            other = Tensor._make(xp.array(number, dtype=dtype))
            return (tensor, other) if first else (other, tensor)
    return None


def floating(x):
    """``x`` as a float Tensor: ops like exp and log turn integer input into the default float."""
    if not isinstance(x, Tensor):
        x = Tensor._wrap(x)
    return x if x.dtype in FLOAT_DTYPES else as_dtype(x, get_default_dtype())


def not_implemented(kernel, dtype):
    """torch's refusal of a dtype a kernel has no loop for: '"abs_cpu" not implemented for 'Bool''."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{torch_name(dtype)}\'')


def refuse(x, kernel, dtypes):
    """Raise torch's NotImplementedError when ``x``'s dtype is one of ``dtypes`` (by kind letter:
    'b' bool, 'iu' integers)."""
    if isinstance(x, Tensor) and x.dtype.kind in dtypes:
        raise not_implemented(kernel, x.dtype)
    return x


class Cast(Function):
    backward_name = "ToCopyBackward0"

    def forward(ctx, x, dtype):
        ctx.in_dtype = x.dtype
        return x.astype(dtype)

    def backward(ctx, grad):
        return grad.to(ctx.in_dtype)


def to(input, *args, dtype=None, device=None, **kwargs):
    """``tensor.to(dtype)``, ``.to('cpu')``, ``.to(other)``; there is no GPU in the NumPy engine.

    A cast to an integer or bool dtype leaves the graph (no gradient flows through it), as torch.

    >>> import scratchnet as sn
    >>> sn.ones(2, requires_grad=True).long().requires_grad
    False
    """
    from ..tensor import check_dtype

    for a in args + ((device,) if device is not None else ()):
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, str) and (a == "cpu" or a.startswith("cpu:")):
            continue
        elif isinstance(a, str) and a.split(":")[0] in ("cuda", "mps", "xpu", "meta"):
            raise RuntimeError(f"scratchnet runs on the CPU (NumPy); cannot move a tensor to {a!r}")
        elif a is not None:
            dtype = a
    if dtype is None or check_dtype(dtype) == input.dtype:
        return input
    dtype = check_dtype(dtype)
    if dtype not in FLOAT_DTYPES:  # integer and bool results carry no gradient: the graph ends here
        with xp.errstate(invalid="ignore", over="ignore"):
            return Tensor._make(input._array.astype(dtype))
    return Cast.apply(input, dtype=dtype)
