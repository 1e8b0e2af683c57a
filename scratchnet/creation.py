"""Making tensors: tensor, zeros, ones, full, empty, arange, linspace, logspace, eye, the ``*_like``
forms, from_numpy (random tensors are in :mod:`scratchnet.random`), the legacy ``FloatTensor``-style constructors,
and the questions about tensors and dtypes (``is_tensor``, ``numel``, ``finfo``, ``iinfo``).

Python floats become float32 (the default dtype), Python ints int64, bools bool, as in torch. Every
factory takes ``dtype=``, ``device=`` (the CPU: ``'cpu'``, ``'cpu:0'`` or a device object whose
``str()`` is one of those; a GPU is refused) and ``requires_grad=``; ``layout``, ``pin_memory`` and
``memory_format`` are accepted where torch accepts them and change nothing here.

>>> import scratchnet as sn
>>> sn.tensor([1, 2]).dtype, sn.tensor([1.0, 2.0]).dtype
(scratchnet.int64, scratchnet.float32)
>>> sn.zeros(2, 3).shape
scratchnet.Size([2, 3])
>>> sn.full((2,), 7)
tensor([7, 7])
"""

import builtins
import math

from .backend import FLOAT_DTYPES, xp
from .dtypes import fill_scalar
from .tensor import Tensor, _as_array, check_dtype, get_default_dtype, int64

# --- arguments every factory takes ------------------------------------------------------------------


def _check_device(device):
    """Accept the CPU ('cpu', 'cpu:0', a device object printing as one of those); refuse the rest."""
    if device is None:
        return
    name = str(device) if not isinstance(device, int) else f"cuda:{device}"
    if name == "cpu" or name.startswith("cpu:"):
        return
    raise RuntimeError(f"scratchnet runs on the CPU (NumPy) only; device {name!r} is not available (use device='cpu')")


def _dtype(dtype):
    """A dtype argument (scratchnet dtype, NumPy dtype, Python type, legacy class) as a dtype."""
    if dtype is None:
        return None
    if isinstance(dtype, _LegacyType):
        return dtype.dtype
    return check_dtype(dtype)


def _int(value):
    if isinstance(value, Tensor) and value.ndim == 0 and value.dtype.kind in "iu":
        return int(value.item())
    if isinstance(value, (int, xp.integer)) and not isinstance(value, builtins.bool):
        return int(value)
    return None


def _sizes(size, name="size"):
    """Sizes given as varargs ``f(2, 3)``, a list/tuple ``f((2, 3))`` or a ``Size``, checked."""
    if not size and name in ("zeros", "ones", "empty"):
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        n = _int(s)
        if n is None:
            raise TypeError(f"{name}(): argument 'size' must be tuple of ints, but found element of type {type(s).__name__}")
        out.append(n)
    if builtins.any(n < 0 for n in out):
        raise RuntimeError(f"Trying to create tensor with negative dimension {builtins.min(out)}: {out}")
    return tuple(out)


def _new(array, requires_grad=False):
    """Wrap a fresh array (its dtype already checked) as a leaf tensor."""
    t = Tensor._make(array)
    t.requires_grad = builtins.bool(requires_grad)  # refuses a non-float dtype (RuntimeError, as torch)
    return t


def _make(array, dtype, requires_grad):
    dtype = get_default_dtype() if dtype is None else _dtype(dtype)
    return _new(array.astype(dtype, copy=False), requires_grad)


def _filled(fill, size, dtype, requires_grad):
    """A new tensor made directly in its dtype (no float64 intermediate)."""
    dtype = get_default_dtype() if dtype is None else _dtype(dtype)
    return _new(fill(size, dtype=dtype), requires_grad)


def _scalar_dtype(value):
    """The dtype torch gives a Python number: bool, int64 or the default float."""
    if isinstance(value, (builtins.bool, xp.bool_)):
        return xp.dtype(bool)
    if isinstance(value, (int, xp.integer)):
        return int64
    if isinstance(value, builtins.complex):
        raise TypeError("scratchnet does not support complex numbers")
    return get_default_dtype()


def _number(value, name):
    """A Python number from a number or a one-element tensor."""
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise TypeError(f"{name}(): argument must be Number, not Tensor")
        return value.item()
    return value


def writes_out(fn):
    """``fn`` (a factory) with torch's ``out=``: the values are made in ``out``'s dtype (a
    ``dtype=`` other than out's is refused), then ``out`` is resized to them (silently, as torch's
    factories do) and filled; ``out`` is returned."""
    import functools

    @functools.wraps(fn)
    def factory(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        from .dtypes import torch_name
        from .tensor import is_grad_enabled, no_grad

        if not isinstance(out, Tensor):
            raise TypeError(f"{fn.__name__}(): argument 'out' must be Tensor, not {type(out).__name__}")
        given = _dtype(kwargs.get("dtype"))
        if given is not None and given != out.dtype:
            raise RuntimeError(f"dtype {torch_name(given)} does not match dtype of out parameter ({torch_name(out.dtype)})")
        if out.requires_grad and is_grad_enabled():
            raise RuntimeError(f"{fn.__name__}(): functions with out=... arguments don't support automatic differentiation, "
                               "but one of the arguments requires grad.")
        result = fn(*args, **{**kwargs, "dtype": out.dtype})
        with no_grad():
            if tuple(out.shape) != tuple(result.shape):
                out.resize_(tuple(result.shape))
            out.copy_(result)
        return out

    return factory


# --- from data -------------------------------------------------------------------------------------


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (a number, nested lists, an array or a Tensor).

    >>> import scratchnet as sn
    >>> sn.tensor([[1, 2], [3, 4]], dtype=sn.float64)
    tensor([[1., 2.],
            [3., 4.]], dtype=scratchnet.float64)
    """
    _check_device(device)
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    if isinstance(data, Tensor):
        data = data.array
    array = xp.array(_as_array(data, _dtype(dtype)), copy=True)
    return _new(array, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor, sharing memory with a Tensor or NumPy array of the right dtype."""
    _check_device(device)
    dtype = _dtype(dtype)
    if isinstance(data, Tensor):
        return data if dtype is None or dtype == data.dtype else data.to(dtype)
    if isinstance(data, xp.ndarray) and (dtype is None or dtype == data.dtype):
        return Tensor._make(data if check_dtype(data.dtype) else data)
    return _new(_as_array(data, dtype))


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """``as_tensor`` with torch.asarray's ``copy=`` (True copies, None shares when it can)."""
    t = as_tensor(obj, dtype=dtype, device=device)
    if copy:
        t = Tensor._make(t.array.copy())
    if requires_grad:
        t = t.detach().requires_grad_()
    return t


def from_numpy(array):
    """A tensor sharing memory with the NumPy array (its dtype kept)."""
    if not isinstance(array, xp.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Tensor._make(array if check_dtype(array.dtype) else array)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A 0-d tensor holding the number ``s``, in the default float dtype unless given.

    >>> import scratchnet as sn
    >>> sn.scalar_tensor(3)
    tensor(3.)
    """
    _check_device(device)
    return _make(xp.asarray(_number(s, "scalar_tensor")), dtype, requires_grad)


def complex(real, imag, *, out=None):  # noqa: A001  (torch.complex)
    """Refused: scratchnet has no complex dtypes."""
    raise RuntimeError("scratchnet does not support complex tensors (supported dtypes: float32, float64, int64, int32, uint8, bool)")


# --- filled with one value ----------------------------------------------------------------------------


def size_argument(sizes, size, name):
    """The sizes a factory got, as positional ints or a tuple (``zeros(2, 3)``, ``zeros((2, 3))``)
    or as the keyword ``size=`` (``zeros(size=(2, 3))``), as torch accepts; both at once is
    torch's TypeError."""
    if size is None:
        return sizes
    if sizes:
        raise TypeError(f"{name}() got multiple values for argument 'size'")
    return (size,)


@writes_out
def zeros(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False, memory_format=None):
    """A tensor of zeros: ``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(x.shape)``.

    >>> import scratchnet as sn
    >>> sn.zeros(2, dtype=sn.int64)
    tensor([0, 0])
    """
    _check_device(device)
    return _filled(xp.zeros, _sizes(size_argument(sizes, size, "zeros"), "zeros"), dtype, requires_grad)


@writes_out
def ones(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False, memory_format=None):
    """A tensor of ones, sizes as for :func:`zeros`."""
    _check_device(device)
    return _filled(xp.ones, _sizes(size_argument(sizes, size, "ones"), "ones"), dtype, requires_grad)


@writes_out
def empty(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False, memory_format=None):
    """An uninitialised tensor (here: zeros, so nothing depends on leftover memory)."""
    _check_device(device)
    size = _sizes(size_argument(sizes, size, "empty"), "empty")
    return _new(_strided_zeros(size, _contiguous_strides(size), dtype, "empty"), requires_grad)


def _strided_zeros(size, stride, dtype, name):
    """A zero tensor of ``size`` laid out with ``stride`` (in elements) over a fresh block just
    large enough, as torch's strided factories lay theirs."""
    size = _sizes((size,), name)
    stride = tuple(int(s) for s in stride)
    if len(stride) != len(size):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality of strides ({len(stride)})")
    if builtins.any(s < 0 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}")
    dtype = get_default_dtype() if dtype is None else _dtype(dtype)
    span = 0 if 0 in size else 1 + builtins.sum((n - 1) * s for n, s in zip(size, stride))
    block = xp.zeros(builtins.max(span, 1), dtype=dtype)
    return xp.lib.stride_tricks.as_strided(block, size, tuple(s * block.itemsize for s in stride))


def _contiguous_strides(size):
    """torch's row-major strides of ``size`` (a 0-length dim counts as 1)."""
    strides, step = [], 1
    for n in reversed(size):
        strides.append(step)
        step *= builtins.max(n, 1)
    return tuple(reversed(strides))


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """An uninitialised (here: zero) tensor of ``size`` with the given ``stride`` (in elements).

    >>> import scratchnet as sn
    >>> sn.empty_strided((2, 3), (1, 2)).stride()
    (1, 2)
    """
    _check_device(device)
    return _new(_strided_zeros(size, stride, dtype, "empty_strided"), requires_grad)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """An uninitialised (here: zero) tensor of ``size`` whose memory holds its dims in the order
    ``physical_layout`` (outermost first): ``empty_permuted((2, 3, 4), (2, 0, 1))`` is laid out
    as a row-major ``(4, 2, 3)`` block.

    >>> import scratchnet as sn
    >>> sn.empty_permuted((2, 3, 4), (2, 0, 1)).stride()
    (3, 1, 6)
    """
    _check_device(device)
    size = _sizes((size,), "empty_permuted")
    layout_ = tuple(int(d) for d in physical_layout)
    if len(layout_) != len(size):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the physical_layout; i.e. "
                           f"len(size) = {len(size)} is not equal to len(physical_layout) = {len(layout_)}")
    seen = set()
    for i, d in enumerate(layout_):
        if not 0 <= d < len(size):
            raise RuntimeError(f"Dimension out of range (expected to be between 0 and {len(size) - 1}, but got {d} at "
                               f"index {i}).  NB: negative dims not currently supported; file an issue if you want it.")
        if d in seen:
            raise RuntimeError("Duplicate dim not allowed")
        seen.add(d)
    physical = _contiguous_strides(tuple(size[d] for d in layout_))
    stride = [0] * len(size)
    for position, d in enumerate(layout_):
        stride[d] = physical[position]
    return _new(_strided_zeros(size, stride, dtype, "empty_permuted"), requires_grad)


@writes_out
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A tensor of ``size`` filled with ``fill_value``; its dtype follows the value as torch's: a
    bool gives bool, an int int64, a float the default float (a 0-d tensor counts as its number).

    >>> import scratchnet as sn
    >>> sn.full((2,), True).tolist()
    [True, True]
    >>> sn.full((1,), 2.5).dtype
    scratchnet.float32
    """
    _check_device(device)
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    fill_value = _number(fill_value, "full")
    dtype = _scalar_dtype(fill_value) if dtype is None else _dtype(dtype)
    return _new(xp.full(_sizes((size,), "full"), fill_scalar(fill_value, dtype)), requires_grad)  # checked as fill_


@writes_out
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """The ``n x m`` identity (``m = n`` unless given).

    >>> import scratchnet as sn
    >>> sn.eye(2, 3)
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    _check_device(device)
    for name, v in (("n", n), ("m", m)):
        if v is not None and _int(v) is not None and _int(v) < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {_int(v)}")
    return _make(xp.eye(_int(n), None if m is None else _int(m)), dtype, requires_grad)


# --- ranges -------------------------------------------------------------------------------------------


@writes_out
def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """``start, start + step, ...`` up to (not including) ``end``; int64 when start, end and step
    are all integers, else the default float dtype.

    >>> import scratchnet as sn
    >>> sn.arange(3)
    tensor([0, 1, 2])
    >>> sn.arange(1, 2, 0.5).tolist()
    [1.0, 1.5]
    """
    _check_device(device)
    if end is None:
        start, end = 0, start
    start, end, step = (_number(v, "arange") for v in (start, end, step))
    floats = builtins.any(isinstance(v, (float, xp.floating)) for v in (start, end, step))
    dtype = (get_default_dtype() if floats else int64) if dtype is None else _dtype(dtype)
    if dtype == xp.dtype(bool):
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = builtins.max(0, math.ceil((end - start) / step))
    if dtype in FLOAT_DTYPES:
        values = start + xp.arange(n, dtype=xp.float64) * step
    else:  # torch computes an integer range in the integer dtype: start and step truncate first
        values = int(start) + xp.arange(n, dtype=xp.int64) * int(step)
    return _new(values.astype(dtype), requires_grad)


def _steps(steps, name):
    if _int(steps) is None:
        raise TypeError(f"{name}(): argument 'steps' must be int, not {type(steps).__name__}")
    if _int(steps) < 0:
        raise RuntimeError("number of steps must be non-negative")
    return _int(steps)


def _spaced(start, end, steps, dtype, name):
    """torch's evenly spaced ``steps`` points (its CPU kernel's arithmetic): the first half counted
    up from ``start``, the second down from ``end`` (so both ends are exact); an integer dtype
    truncates ``start``/``end`` first and steps in float64, a floating one computes in itself.
    Returns the points (float64 for an integer dtype, else ``dtype``) and the dtype."""
    dtype = get_default_dtype() if dtype is None else _dtype(dtype)
    dims = [f"{which} with {v.ndim} dimension(s)" for which, v in (("start", start), ("end", end)) if isinstance(v, Tensor)]
    if dims and builtins.any(isinstance(v, Tensor) and v.ndim for v in (start, end)):
        raise RuntimeError(f"{name} only supports 0-dimensional start and end tensors, but got {' and '.join(dims)}.")
    if dtype == xp.dtype(bool):
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Bool'")
    start, end, n = _number(start, name), _number(end, name), _steps(steps, name)
    work = dtype if dtype in FLOAT_DTYPES else xp.dtype(xp.float64)
    if dtype not in FLOAT_DTYPES:
        start, end = math.trunc(start), math.trunc(end)
    start, end = work.type(start), work.type(end)
    step = (end - start) / work.type(builtins.max(n - 1, 1))
    idx = xp.arange(n, dtype=work)
    up, down = start + step * idx, end - step * (work.type(n - 1) - idx)
    return xp.where(xp.arange(n) < builtins.max(n // 2, 1), up, down).astype(work, copy=False), dtype  # one point: start


@writes_out
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive (``start``/``end`` may be
    0-d tensors). An integer ``dtype`` truncates ``start`` and ``end`` first, then each point.

    >>> import scratchnet as sn
    >>> sn.linspace(0, 1, 3).tolist()
    [0.0, 0.5, 1.0]
    >>> sn.linspace(4.3, -3, 4, dtype=sn.int64).tolist()
    [4, 1, 0, -3]
    """
    _check_device(device)
    values, dtype = _spaced(start, end, steps, dtype, "linspace")
    with xp.errstate(invalid="ignore", over="ignore"):
        return _new(values.astype(dtype), requires_grad)


@writes_out
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """``steps`` values from ``base**start`` to ``base**end``, evenly spaced in the exponent (the
    exponents as :func:`linspace`'s, so an integer ``dtype`` truncates ``start`` and ``end``).

    >>> import scratchnet as sn
    >>> sn.logspace(0, 2, 3, base=2)
    tensor([1., 2., 4.])
    """
    _check_device(device)
    exponents, dtype = _spaced(start, end, steps, dtype, "logspace")
    with xp.errstate(invalid="ignore", over="ignore", divide="ignore"):
        values = xp.power(exponents.dtype.type(_number(base, "logspace")), exponents)
        return _new(values.astype(dtype), requires_grad)


# --- shaped like another tensor -------------------------------------------------------------------


def _like(input, dtype, device):
    if not isinstance(input, Tensor):
        raise TypeError(f"expected a Tensor as 'input', got {type(input).__name__}")
    _check_device(device)
    return input.dtype if dtype is None else _dtype(dtype)


def _dense_and_apart(size, stride):
    """torch's "non-overlapping and dense": no elements, or the dims of length 2+, by increasing
    stride, step exactly over one another (1, then the product of the lengths before)."""
    if 0 in size:  # no elements: nothing overlaps
        return True
    dims = sorted((d for d in range(len(size)) if size[d] >= 2), key=lambda d: stride[d])
    need = 1
    for d in dims:
        if stride[d] != need:
            return False
        need *= size[d]
    return True


def _dense_strides(size, stride):
    """torch's strides of a dense tensor with the dims in the order of ``stride`` (ties and
    stride-0 dims keep their place; equal strides put the longer dim outside)."""
    perm = list(reversed(range(len(size))))  # innermost first

    def swap(a, b):
        if stride[a] == 0 or stride[b] == 0:
            return 0
        if stride[a] != stride[b]:
            return -1 if stride[a] < stride[b] else 1
        return 1 if size[a] > size[b] else 0

    for i in range(1, len(perm)):
        j = i
        for k in range(i - 1, -1, -1):
            c = swap(perm[k], perm[j])
            if c > 0:
                perm[k], perm[j] = perm[j], perm[k]
                j = k
            elif c < 0:
                break
    out, step = [0] * len(size), 1
    for d in perm:
        out[d] = step
        step *= builtins.max(size[d], 1)
    return tuple(out)


def like_strides(input, memory_format):
    """The strides of a ``*_like`` result, as torch's ``empty_like``: ``preserve_format`` (the
    default) keeps a dense input's strides exactly and lays any other in its dims' order,
    ``contiguous_format`` is row-major, channels-last as named."""
    size = tuple(input.shape)
    name = str(memory_format).replace("torch.", "") if memory_format is not None else "preserve_format"
    if name in ("channels_last", "channels_last_3d") and input.ndim in (4, 5):
        order = (0, 2, 3, 1) if input.ndim == 4 else (0, 2, 3, 4, 1)
        physical = _contiguous_strides(tuple(size[d] for d in order))
        return tuple(physical[order.index(d)] for d in range(input.ndim))
    if name != "preserve_format":
        return _contiguous_strides(size)
    stride = input.stride()
    return stride if _dense_and_apart(size, stride) else _dense_strides(size, stride)


def like_array(input, memory_format, dtype, fill=None):
    """A fresh array of ``input``'s shape laid out as :func:`like_strides` says, all ``fill``
    (zeros when None)."""
    array = _strided_zeros(tuple(input.shape), like_strides(input, memory_format), dtype, "like")
    if fill is not None:
        array[...] = fill
    return array


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Zeros of ``input``'s shape, in its dtype unless given (laid out as ``input`` is, unless
    ``memory_format=contiguous_format``)."""
    dtype = _like(input, dtype, device)
    return _new(like_array(input, memory_format, dtype), requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Ones of ``input``'s shape, in its dtype unless given (laid out as ``input`` is)."""
    dtype = _like(input, dtype, device)
    return _new(like_array(input, memory_format, dtype, 1), requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """An uninitialised (here: zero) tensor of ``input``'s shape, in its dtype unless given (laid
    out as ``input`` is, unless ``memory_format=contiguous_format``).

    >>> import scratchnet as sn
    >>> sn.empty_like(sn.zeros(2, 3).t()).stride()
    (1, 3)
    """
    dtype = _like(input, dtype, device)
    return _new(like_array(input, memory_format, dtype), requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """``fill_value`` in ``input``'s shape and (unless given) dtype: ``full_like(ints, 2.5)`` is 2s."""
    dtype = _like(input, dtype, device)
    value = fill_scalar(_number(fill_value, "full_like"), dtype)
    return _new(like_array(input, memory_format, dtype, value), requires_grad)


# --- the legacy constructors: FloatTensor(2, 3), LongTensor([1, 2]), Tensor(2, 3) ---------------------

#: torch's legacy type names, by dtype ('torch.FloatTensor' is what ``x.type()`` returns).
TYPE_NAMES = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor", "int32": "IntTensor",
    "uint8": "ByteTensor", "bool": "BoolTensor",
}


def legacy_new(dtype, *args, device=None):
    """What ``FloatTensor(...)`` and ``Tensor(...)`` do: sizes give an uninitialised (zero) tensor
    of that shape, one sequence or array gives its values in ``dtype``, nothing gives shape (0,)."""
    _check_device(device)
    dtype = xp.dtype(dtype)
    if len(args) == 1 and isinstance(args[0], Tensor):
        if args[0].dtype != dtype:
            raise TypeError(f"expected {TYPE_NAMES[str(dtype)]} (got {TYPE_NAMES.get(str(args[0].dtype), args[0].dtype)})")
        return args[0]
    if not args:
        return Tensor._make(xp.zeros((0,), dtype=dtype))
    if builtins.all(_int(a) is not None for a in args) or (len(args) == 1 and isinstance(args[0], tuple) and type(args[0]).__name__ == "Size"):
        return Tensor._make(xp.zeros(_sizes(args, "new"), dtype=dtype))
    if len(args) == 1 and isinstance(args[0], (list, tuple, xp.ndarray)):
        return Tensor._make(xp.array(_as_array(args[0], None), copy=True).astype(dtype))
    if len(args) == 1:
        raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")
    raise TypeError(f"new(): expected sizes (ints) or one sequence of data, got {tuple(type(a).__name__ for a in args)}")


class _LegacyType(type):
    """The class of ``FloatTensor`` & co.: calling one builds a tensor of its dtype, and
    ``isinstance(x, FloatTensor)`` asks whether ``x`` is a float32 tensor, as in torch."""

    def __call__(cls, *args, device=None):
        return legacy_new(cls.dtype, *args, device=device)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype

    def __repr__(cls):
        return f"<class 'scratchnet.{cls.__name__}'>"


def _legacy_class(name, dtype):
    return _LegacyType(name, (), {"dtype": xp.dtype(dtype), "__doc__": f"A {dtype} tensor: ``{name}(2, 3)`` (sizes) or ``{name}([1, 2])`` (data)."})


FloatTensor = _legacy_class("FloatTensor", "float32")
DoubleTensor = _legacy_class("DoubleTensor", "float64")
LongTensor = _legacy_class("LongTensor", "int64")
IntTensor = _legacy_class("IntTensor", "int32")
ByteTensor = _legacy_class("ByteTensor", "uint8")
BoolTensor = _legacy_class("BoolTensor", "bool")
LEGACY_TYPES = {cls.__name__: cls for cls in (FloatTensor, DoubleTensor, LongTensor, IntTensor, ByteTensor, BoolTensor)}


def tensor_legacy_new(*args, device=None):
    """``Tensor(2, 3)`` / ``Tensor([1, 2])``: the legacy constructor in the default float dtype.

    >>> import scratchnet as sn
    >>> tensor_legacy_new(2, 3).shape, tensor_legacy_new([1, 2]).dtype
    (scratchnet.Size([2, 3]), scratchnet.float32)
    """
    return legacy_new(get_default_dtype(), *args, device=device)


# torch.Tensor(...) is this legacy constructor (Tensor.__init__ calls it); the engine builds its
# own tensors with Tensor._wrap(array) and Tensor._make(array).
Tensor._legacy_new = staticmethod(tensor_legacy_new)
