"""Stateless differentiable ops, one file a family, and the table that makes them Tensor methods.

Each public op here is listed in the test suite's parity registry (tests/registry.py), which checks
its forward and backward against PyTorch and its gradient against finite differences.
"""

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
from .loss import log1p
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

Tensor.T = property(lambda self: self.permute(tuple(reversed(range(self.ndim)))))
Tensor.mT = property(shape.matrix_transpose)
Tensor.float = lambda self: self.to("float32")
Tensor.double = lambda self: self.to("float64")
Tensor.long = lambda self: self.to("int64")
Tensor.int = lambda self: self.to("int32")
Tensor.bool = lambda self: self.to("bool")
Tensor.cpu = lambda self: self
Tensor.view_as = lambda self, other: self.reshape(other.shape)
Tensor.reshape_as = lambda self, other: self.reshape(other.shape)
Tensor.type_as = lambda self, other: self.to(other.dtype)
