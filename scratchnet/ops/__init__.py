"""Stateless differentiable ops, one file a family, and the table that makes them Tensor methods.

Each public op here is listed in the test suite's parity registry (tests/registry.py), which checks
its forward and backward against PyTorch and its gradient against finite differences.
"""

import builtins

from ..backend import xp
from ..tensor import Tensor
from . import activation, conv, layers, loss, math, pool, reduce, shape
from .activation import gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, tanh
from .math import (
    abs, add, allclose, clamp, cos, div, eq, equal, exp, ge, gt, isfinite, isnan, le, log,
    logical_and, logical_not, logical_or, lt, matmul, maximum, minimum, mm, mul, ne, neg, pow,
    sign, sin, sqrt, sub, to, where,
)
from .conv import conv2d
from .layers import batch_norm, dropout, linear, pad
from .bitwise import log1p
from .pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from .reduce import amax, amin, argmax, argmin, max, mean, min, std, sum, var
from .shape import (
    broadcast_tensors, broadcast_to, cat, chunk, clone, contiguous, expand, expand_as, flatten,
    getitem, one_hot, permute, reshape, setitem, split, squeeze, stack, t, transpose, unbind,
    unsqueeze, view,
)


def _reflected(op):
    return lambda self, other: op(other, self)


# The Tensor methods, each the op of the same name. Operators come first.
_METHODS = {
    "__add__": add, "__radd__": _reflected(add), "__sub__": sub, "__rsub__": _reflected(sub),
    "__mul__": mul, "__rmul__": _reflected(mul), "__truediv__": div, "__rtruediv__": _reflected(div),
    "__pow__": pow, "__rpow__": _reflected(pow), "__matmul__": matmul, "__rmatmul__": _reflected(matmul),
    "__neg__": neg, "__abs__": abs, "__getitem__": getitem, "__setitem__": setitem,
    "__eq__": eq, "__ne__": ne, "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge,
    "__and__": logical_and, "__or__": logical_or, "__invert__": logical_not,
    "add": add, "sub": sub, "mul": mul, "div": div, "pow": pow, "neg": neg, "matmul": matmul, "mm": mm,
    "exp": exp, "log": log, "log1p": log1p, "sqrt": sqrt, "abs": abs, "sin": sin, "cos": cos, "sign": sign,
    "sigmoid": sigmoid, "tanh": tanh, "relu": relu, "softmax": softmax, "log_softmax": log_softmax,
    "clamp": clamp, "clip": clamp, "maximum": maximum, "minimum": minimum,
    "sum": sum, "mean": mean, "max": max, "min": min, "amax": amax, "amin": amin, "var": var, "std": std,
    "argmax": argmax, "argmin": argmin,
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge, "isnan": isnan, "isfinite": isfinite,
    "reshape": reshape, "view": view, "flatten": flatten, "squeeze": squeeze, "unsqueeze": unsqueeze,
    "transpose": transpose, "permute": permute, "expand": expand, "expand_as": expand_as, "t": t,
    "unbind": unbind, "split": split, "chunk": chunk, "clone": clone, "contiguous": contiguous,
    "to": to, "equal": equal, "allclose": allclose,
}


def _gather_families():
    """Ops families added as their own module define ``__all__`` (their public ops) and, where
    they add Tensor methods, ``METHODS`` (name -> op); each is imported here and joins the table."""
    import importlib
    import pkgutil

    known = {"activation", "conv", "layers", "loss", "math", "pool", "reduce", "shape"}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name in known or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name in getattr(module, "__all__", ()):
            globals()[name] = getattr(module, name)
        _METHODS.update(getattr(module, "METHODS", {}))


_gather_families()
for _name, _op in _METHODS.items():
    setattr(Tensor, _name, _op)

_T_WARNED = set()  # which of x.T's two warnings (0-d: True, other ranks: False) were given


def _reversed_dims(self):
    """The tensor with its dimensions reversed, a view: ``x.T[i, j] = x[j, i]`` for a matrix
    (torch deprecates it, with a warning, on other ranks but still reverses them; 0-d and 1-D are returned as is).

    >>> import scratchnet as sn
    >>> sn.arange(6).reshape(2, 3).T.shape
    scratchnet.Size([3, 2])
    """
    if self.ndim != 2 and (self.ndim == 0) not in _T_WARNED:  # torch's deprecation warnings, once per process each
        import warnings

        _T_WARNED.add(self.ndim == 0)
        warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases." if self.ndim == 0 else
                      "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will "
                      "throw an error in a future release. Consider `x.mT` to transpose batches of matrices or "
                      "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.", stacklevel=2)
    return self.permute(tuple(reversed(builtins.range(self.ndim))))


Tensor.T = property(_reversed_dims)
Tensor.mT = property(shape.matrix_transpose)


from .formats import check_memory_format as _check_memory_format  # noqa: E402


def _cast_method(name, dtype):
    def cast(self, memory_format=None):
        _check_memory_format(self, memory_format, name)  # (ops/formats.py)
        return self.to(dtype)

    cast.__name__ = cast.__qualname__ = name
    cast.__doc__ = f"``self.to({dtype})``: a copy in {dtype} (``self`` itself when it already is {dtype}).\n\n" \
                   f"    >>> import scratchnet as sn\n    >>> sn.tensor([1.7, -2.0]).{name}().dtype == sn.{dtype}\n    True\n    "
    return cast


for _name, _dtype in [("float", "float32"), ("double", "float64"), ("long", "int64"), ("int", "int32"), ("bool", "bool"),
                      ("byte", "uint8")]:
    setattr(Tensor, _name, _cast_method(_name, _dtype))


def _refused_cast(name, dtype):
    def cast(self, memory_format=None):
        _check_memory_format(self, memory_format, name)  # (ops/formats.py)
        return self.to(dtype=dtype)  # scratchnet.dtypes.check_dtype raises the refusal, with its reason

    cast.__name__ = cast.__qualname__ = name
    cast.__doc__ = f"``self.to({dtype})``: refused with a clear TypeError (scratchnet holds no {dtype})."
    return cast


for _name, _dtype in [("half", "float16"), ("bfloat16", "bfloat16"), ("short", "int16"), ("char", "int8")]:
    setattr(Tensor, _name, _refused_cast(_name, _dtype))


def _apply_(self, callable):
    """Replace every element ``v`` by ``callable(v)`` in place (a Python call per element: slow, as
    torch warns), outside the graph: refused on a tensor that requires grad.

    >>> import scratchnet as sn
    >>> sn.tensor([1.0, 2.0]).apply_(lambda v: v * 10)
    tensor([10., 20.])
    """
    if self.requires_grad:
        raise RuntimeError("Can't call apply_() on Variable that requires grad. Use var.detach().apply_() instead.")
    values = [callable(v) for v in self.array.ravel().tolist()]
    self.array[...] = xp.asarray(values).reshape(self.array.shape).astype(self.array.dtype)
    self._version_counter[0] += 1
    return self


Tensor.apply_ = _apply_


def _cpu(self, memory_format=None):
    """``self``: every scratchnet tensor already lives on the CPU.

    >>> import scratchnet as sn
    >>> x = sn.ones(2)
    >>> x.cpu() is x
    True
    """
    return self


def _view_as(self, other):
    """``self.view(other.size())``: a view with the other tensor's shape.

    >>> import scratchnet as sn
    >>> sn.arange(6).view_as(sn.ones(2, 3)).shape
    scratchnet.Size([2, 3])
    """
    return self.view(other.shape)


def _reshape_as(self, other):
    """``self.reshape(other.size())``: a view where possible, else a copy.

    >>> import scratchnet as sn
    >>> sn.arange(6).reshape_as(sn.ones(3, 2)).shape
    scratchnet.Size([3, 2])
    """
    return self.reshape(other.shape)


def _type_as(self, other):
    """``self.to(other.dtype)``.

    >>> import scratchnet as sn
    >>> sn.arange(2).type_as(sn.ones(1)).dtype == sn.float32
    True
    """
    return self.to(other.dtype)


Tensor.cpu, Tensor.view_as, Tensor.reshape_as, Tensor.type_as = _cpu, _view_as, _reshape_as, _type_as
