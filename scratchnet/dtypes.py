"""Dtypes and torch's type promotion, in one table-driven place.

scratchnet holds six dtypes. torch promotes by *category* (bool < integer < float) and, within
one category, to the wider dtype; on scratchnet's six dtypes that is one total order::

    bool < uint8 < int32 < int64 < float32 < float64

so :func:`promote_types` is "the later of the two in that order".

:func:`result_type` is the dtype an op on several operands gets, with torch's three tiers:
tensors with dimensions decide; zero-dim tensors count only when they raise the category; Python
scalars (and NumPy scalars) count only when they raise the category, and then as the default dtype
(a float), int64 (an int) or bool. Ops that only make sense on floats (exp, log, sqrt, sigmoid,
true division, mean, ...) turn integer and bool results into the default float dtype
(:func:`float_result`), never float16.

>>> import scratchnet as sn
>>> sn.result_type(sn.ones(2), sn.tensor([1, 2]))
scratchnet.float32
>>> sn.result_type(sn.tensor([1, 2], dtype=sn.int32), 7)
scratchnet.int32
>>> sn.result_type(sn.tensor([1, 2]), sn.tensor(1.5, dtype=sn.float64))
scratchnet.float64
>>> sn.promote_types(sn.uint8, sn.int32), sn.can_cast(sn.float32, sn.int64)
(scratchnet.int32, False)
"""

import builtins
import numbers

import numpy as _np

from .backend import xp

class dtype:
    """A tensor's element type, as ``torch.dtype``: ``scratchnet.float32`` and its five siblings.

    Each wraps the NumPy dtype that holds the values (NumPy accepts it wherever it takes a dtype,
    and it compares and hashes equal to that NumPy dtype and its name), and answers torch's
    questions about itself: ``is_floating_point``, ``is_complex``, ``is_signed``, ``itemsize``.
    Its ``repr`` is torch's with scratchnet's name (``scratchnet.float32``); ``str`` is the bare
    name (``float32``), as NumPy's.

    >>> import scratchnet as sn
    >>> sn.float32, sn.ones(2).dtype == sn.float32, sn.long.is_signed, sn.bool.is_floating_point
    (scratchnet.float32, True, True, False)
    >>> import numpy as np
    >>> np.zeros(2, dtype=sn.int32).dtype
    dtype('int32')
    """

    __slots__ = ("dtype", "is_floating_point", "is_complex", "is_signed", "itemsize")

    def __init__(self, name):
        self.dtype = xp.dtype(name)  # the NumPy dtype (NumPy reads this attribute)
        self.is_floating_point = self.dtype.kind == "f"
        self.is_complex = False
        self.is_signed = self.dtype.kind in "fi"
        self.itemsize = self.dtype.itemsize

    def __getattr__(self, name):  # name, kind, char, type, ...: the NumPy dtype's
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.dtype, name)

    def __eq__(self, other):
        return self.dtype == (other.dtype if isinstance(other, dtype) else other)

    def __hash__(self):
        return hash(self.dtype)

    def __repr__(self):
        return f"scratchnet.{self.dtype.name}"

    def __str__(self):  # the bare name, as NumPy's str() gives, so "{dtype}" in messages reads "float32"
        return self.dtype.name

    def __reduce__(self):  # copy/deepcopy/pickle give back the one object of that name
        return (_by_name, (self.dtype.name,))

    def to_real(self):
        """The dtype itself (scratchnet has no complex dtypes)."""
        return self

    def to_complex(self):
        raise TypeError("complex tensors are not implemented in scratchnet")


float32, float64, int64, int32, uint8, bool_ = (dtype(n) for n in ("float32", "float64", "int64", "int32", "uint8", "bool"))


class _RefusedDtype(dtype):
    """A torch dtype scratchnet does not hold (float16, int8, complex, ...): it can be named and
    compared, and using it to make a tensor raises the error that says why (see REFUSED)."""

    __slots__ = ("_name",)

    def __init__(self, name, floating=False, complex_=False, signed=True, itemsize=2):
        self._name, self.is_floating_point, self.is_complex = name, floating, complex_
        self.is_signed, self.itemsize = signed, itemsize
        try:
            self.dtype = xp.dtype(name)
        except TypeError:  # bfloat16: NumPy has none, so NumPy is not told of one
            pass

    def __getattr__(self, name):
        if name == "dtype":
            raise AttributeError(name)
        return super().__getattr__(name)

    def __eq__(self, other):
        return isinstance(other, _RefusedDtype) and other._name == self._name or (
            not isinstance(other, dtype) and str(other) == self._name)

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f"scratchnet.{self._name}"

    def __str__(self):
        return self._name

    def __reduce__(self):
        return (_refused_by_name, (self._name,))

    def to_real(self):
        return {"complex64": float32, "complex128": float64}.get(self._name, self)


def _refused_by_name(name):
    return globals()[name]


float16 = _RefusedDtype("float16", floating=True)
bfloat16 = _RefusedDtype("bfloat16", floating=True)
complex64 = cfloat = _RefusedDtype("complex64", complex_=True, itemsize=8)
complex128 = cdouble = _RefusedDtype("complex128", complex_=True, itemsize=16)
int8 = _RefusedDtype("int8", itemsize=1)
int16 = _RefusedDtype("int16")
uint16 = _RefusedDtype("uint16", signed=False)
uint32 = _RefusedDtype("uint32", signed=False, itemsize=4)
uint64 = _RefusedDtype("uint64", signed=False, itemsize=8)
#: NumPy dtype -> scratchnet dtype (what ``Tensor.dtype`` answers).
WRAP = {d.dtype: d for d in (float32, float64, int64, int32, uint8, bool_)}


def _by_name(name):
    return WRAP[xp.dtype(name)]


def as_dtype(np_dtype):
    """The scratchnet dtype of a NumPy dtype scratchnet holds (the NumPy dtype itself otherwise)."""
    return WRAP.get(np_dtype, np_dtype)

#: The dtypes a Tensor may hold, in the order of the error message (floats first).
SUPPORTED_DTYPES = (float32, float64, int64, int32, uint8, bool_)
FLOAT_DTYPES = (float32, float64)
INTEGER_DTYPES = (uint8, int32, int64)

#: torch's promotion order on scratchnet's dtypes: the result of two is the later one.
_ORDER = {bool_: 0, uint8: 1, int32: 2, int64: 3, float32: 4, float64: 5}

#: The deliberate refusals: dtypes torch has and scratchnet does not, with the reason.
REFUSED = {
    "float16": "half precision is not implemented (NumPy's float16 is slow and torch's CPU "
               "kernels compute it differently); use float32",
    "bfloat16": "NumPy has no bfloat16; use float32",
    "complex64": "complex tensors are not implemented",
    "complex128": "complex tensors are not implemented",
    "int8": "only uint8, int32 and int64 integers are implemented",
    "int16": "only uint8, int32 and int64 integers are implemented",
    "uint16": "only uint8, int32 and int64 integers are implemented",
    "uint32": "only uint8, int32 and int64 integers are implemented",
    "uint64": "only uint8, int32 and int64 integers are implemented",
}

#: torch's names of dtypes, as its error messages print them ("not implemented for 'Long'").
TORCH_NAMES = {float32: "Float", float64: "Double", int64: "Long", int32: "Int", uint8: "Byte", bool_: "Bool"}

_default_dtype = float32


def get_default_dtype():
    """The dtype that Python floats become (float32 unless changed)."""
    return _default_dtype


def set_default_dtype(dtype):
    """Make Python floats become ``dtype`` (float32 or float64), as ``torch.set_default_dtype``."""
    global _default_dtype
    dtype = as_dtype(xp.dtype(dtype))
    if dtype not in FLOAT_DTYPES:
        raise TypeError(f"set_default_dtype: expected float32 or float64, got {dtype}")
    _default_dtype = dtype


def check_dtype(dtype):
    """``dtype`` as a NumPy dtype if scratchnet holds it; else an error naming the supported ones.

    >>> check_dtype("int32")
    scratchnet.int32
    >>> check_dtype("float16")
    Traceback (most recent call last):
    ...
    TypeError: scratchnet does not support dtype float16; supported dtypes: float32, float64, int64, int32, uint8, bool (float16: half precision is not implemented ...)
    """
    try:
        dtype = xp.dtype(dtype)
    except TypeError:
        if str(dtype) in REFUSED:
            dtype = str(dtype)
        else:
            raise TypeError(f"scratchnet does not know the dtype {dtype!r}") from None
    if dtype not in SUPPORTED_DTYPES:
        names = ", ".join(d.name for d in SUPPORTED_DTYPES)
        reason = REFUSED.get(str(dtype))
        raise TypeError(
            f"scratchnet does not support dtype {dtype}; supported dtypes: {names}"
            + (f" ({dtype}: {reason})" if reason else "")
        )
    return WRAP[dtype]


#: ... and of the dtypes scratchnet refuses, which its messages name too.
_TORCH_NAMES_BY_NAME = {d.name: n for d, n in TORCH_NAMES.items()}
_REFUSED_TORCH_NAMES = {"float16": "Half", "bfloat16": "BFloat16", "int8": "Char", "int16": "Short",
                        "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
                        "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def torch_name(dtype):
    """torch's C++ name of a dtype ('Float', 'Long', 'Bool'), as in its "not implemented" errors:
    the one table every message uses.

    >>> torch_name(float32), torch_name("int64"), torch_name(float16)
    ('Float', 'Long', 'Half')
    """
    try:
        name = xp.dtype(dtype).name
    except TypeError:
        name = str(dtype)
    return _TORCH_NAMES_BY_NAME.get(name) or _REFUSED_TORCH_NAMES.get(name, name)


def is_floating(dtype):
    return xp.dtype(dtype) in FLOAT_DTYPES


def category(dtype):
    """0 for bool, 1 for integers, 2 for floats: torch promotes across these categories."""
    dtype = xp.dtype(dtype)
    return 0 if dtype == bool_ else 2 if dtype.kind == "f" else 1


def promote_types(type1, type2):
    """The smallest dtype both cast to safely, as ``torch.promote_types``.

    >>> promote_types("int64", "float32"), promote_types("bool", "uint8")
    (scratchnet.float32, scratchnet.uint8)
    """
    a, b = check_dtype(type1), check_dtype(type2)
    return a if _ORDER[a] >= _ORDER[b] else b


def can_cast(from_, to):
    """Whether torch's in-place ops may write a ``from_`` result into a ``to`` tensor
    (``torch.can_cast``): never to a lower category (float -> int, int -> bool), else yes.

    >>> can_cast("float32", "int64"), can_cast("int64", "uint8"), can_cast("float64", "float32")
    (False, True, True)
    """
    return category(check_dtype(from_)) <= category(check_dtype(to))


def scalar_dtype(value):
    """The dtype a Python (or NumPy) scalar has as an operand: bool, int64, or the default float.

    NumPy scalars count as Python scalars, as in torch (an np.float64 does not make a float32
    tensor float64); torch reads an np.bool_ as a number, so it counts as a float there too.
    """
    if isinstance(value, builtins.bool):
        return bool_
    if isinstance(value, (int, _np.integer)):
        return int64
    if isinstance(value, (float, _np.floating, _np.bool_)):
        return _default_dtype
    raise TypeError(f"expected a Tensor or a number, got {type(value).__name__}")


def is_scalar(value):
    """A Python or NumPy number (not an array, not a Tensor)."""
    return isinstance(value, (numbers.Number, _np.bool_)) and not isinstance(value, (complex, _np.complexfloating))


def result_type(*operands):
    """The dtype torch gives an op on these operands (Tensors, Python and NumPy scalars).

    Three tiers, each promoted within itself: tensors with dimensions, zero-dim tensors, scalars.
    A lower tier changes the result only when it is of a higher category (bool < int < float),
    and then a bool result takes the lower tier's dtype, an integer result the lower tier's float.
    A NumPy array operand (as in ``tensor + ndarray``, which torch hands to NumPy) makes the result
    NumPy's own promotion.

    >>> import scratchnet as sn
    >>> result_type(sn.tensor([1, 2]), 2.5)
    scratchnet.float32
    >>> result_type(sn.tensor([1.0]), sn.tensor(1.0, dtype=sn.float64))
    scratchnet.float32
    >>> result_type(sn.tensor([1, 2], dtype=sn.uint8), sn.tensor(-1))
    scratchnet.uint8
    """
    from .tensor import Tensor

    if any(isinstance(o, xp.ndarray) for o in operands):
        arrays = [o.array if isinstance(o, Tensor) else o for o in operands]
        return check_dtype(xp.result_type(*arrays))
    dims = zero = scalars = None
    for o in operands:
        if isinstance(o, Tensor):
            if o.ndim > 0:
                dims = o.dtype if dims is None else promote_types(dims, o.dtype)
            else:
                zero = o.dtype if zero is None else promote_types(zero, o.dtype)
        else:
            s = scalar_dtype(o)
            scalars = s if scalars is None else promote_types(scalars, s)
    return _combine(dims, _combine(zero, scalars))


def _combine(higher, lower):
    """torch's rule for a higher tier meeting a lower one."""
    if higher is None:
        return lower
    if lower is None or category(higher) >= category(lower):
        return higher
    return promote_types(higher, lower)  # lower is of a higher category: its kind wins


def float_result(dtype):
    """The dtype of a float-only op (exp, log, sqrt, true division, mean, ...) on ``dtype``:
    floats stay, integers and bool become the default float dtype (never float16)."""
    dtype = as_dtype(xp.dtype(dtype))
    return dtype if dtype in FLOAT_DTYPES else _default_dtype


def scalar_to_array(value, dtype, checked=False):
    """A Python/NumPy scalar as a 0-d array of ``dtype``, as torch converts an operand: an int
    wraps around into a narrower integer dtype (uint8: -1 -> 255), an int beyond 64 bits is an
    OverflowError, a float beyond float32's range becomes inf. ``checked`` (torch's clamp and
    where bounds): an int out of the dtype's range (for unsigned, +-max) is torch's RuntimeError."""
    dtype = xp.dtype(dtype)
    if dtype.kind in "iu" and isinstance(value, (int, _np.integer)) and not isinstance(value, builtins.bool):
        value = int(value)
        if not -(2**63) <= value < 2**64:
            raise OverflowError("int too big to convert")
        info = xp.iinfo(dtype)
        if checked and not (-info.max if dtype.kind == "u" else info.min) <= value <= info.max:
            raise RuntimeError(f"value cannot be converted to type {dtype}_t without overflow")
        return xp.array(value % 2**64, dtype=xp.uint64).astype(dtype)
    if dtype == bool_:
        return xp.array(builtins.bool(value))
    if isinstance(value, int) and not isinstance(value, builtins.bool) and not -(2**63) <= value < 2**64:
        raise OverflowError("int too big to convert")
    with xp.errstate(over="ignore"):
        return xp.array(value, dtype=dtype)


_C_TYPE_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t", "float16": "c10::Half", "float32": "float", "float64": "double"}


def fill_scalar(value, dtype):
    """A Python number as a 0-d array of ``dtype`` the way torch's fills convert it (``fill_``,
    ``masked_fill``, ``index_fill``): checked, so a value the dtype cannot hold (a float outside an
    integer dtype's range, NaN/inf into an integer, a finite float beyond float32's range, an int
    beyond the dtype's range, unsigned accepting down to ``-max``) is torch's RuntimeError."""
    dtype = xp.dtype(dtype)
    if dtype == bool_:
        return xp.array(builtins.bool(value))
    bad = RuntimeError(f"value cannot be converted to type {_C_TYPE_NAMES.get(str(dtype), str(dtype))} without overflow")
    if isinstance(value, (builtins.bool, _np.bool_)):
        return xp.array(int(value), dtype=dtype)
    if isinstance(value, (int, _np.integer)):
        value = int(value)
        if not -(2**63) <= value < 2**64:
            raise OverflowError("int too big to convert")
        if dtype.kind in "iu":
            info = xp.iinfo(dtype)
            if not (-info.max if dtype.kind == "u" else info.min) <= value <= info.max:
                raise bad
            return xp.array(value % 2**64, dtype=xp.uint64).astype(dtype)
        return xp.array(float(value), dtype=dtype)
    value = float(value)
    if dtype.kind in "iu":
        info = xp.iinfo(dtype)
        if not info.min <= value < info.max + 1:  # truncated, so 255.5 fits uint8 (as torch); NaN fails
            raise bad
        return xp.array(int(value), dtype=dtype)
    if _np.isfinite(value) and builtins.abs(value) > float(xp.finfo(dtype).max):  # a Python float: no overflow warning
        raise bad
    return xp.array(value, dtype=dtype)
