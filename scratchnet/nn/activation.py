"""Activation modules (beyond the seed's ReLU, Sigmoid, Tanh, LeakyReLU, GELU, Softmax in
:mod:`.layers`): thin holders of arguments around :mod:`scratchnet.nn.functional`, with torch's
reprs; ``PReLU`` learns its slope (``weight``, initialised to ``init``).

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> nn.ELU(alpha=0.5)
ELU(alpha=0.5)
>>> nn.Hardtanh(-2.0, 2.0)(sn.tensor([-3.0, 1.0, 3.0])).tolist()
[-2.0, 1.0, 2.0]
>>> nn.PReLU(3).weight.shape
scratchnet.Size([3])
"""

import warnings
from .. import creation
from ..ops import nn_activation as A
from . import functional as F
from . import init
from . import layers as _layers
from .module import Module, Parameter


def _inplace(module, lead=", "):
    return f"{lead}inplace=True" if module.inplace else ""


class _Inplace(Module):
    """An activation whose only argument is ``inplace``."""

    fn = None

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return type(self).fn(input, inplace=self.inplace)

    def extra_repr(self):
        return _inplace(self, "")


class _Plain(Module):
    fn = None

    def forward(self, input):
        return type(self).fn(input)


class SiLU(_Inplace):
    """x * sigmoid(x)."""

    fn = staticmethod(A.silu)


class Mish(_Inplace):
    """x * tanh(softplus(x))."""

    fn = staticmethod(A.mish)


class SELU(_Inplace):
    """scale * elu(x, alpha), torch's constants."""

    fn = staticmethod(A.selu)


class Hardswish(_Inplace):
    """x * relu6(x + 3) / 6."""

    fn = staticmethod(A.hardswish)

    def extra_repr(self):
        return ""


class Hardsigmoid(Hardswish):
    """relu6(x + 3) / 6."""

    fn = staticmethod(A.hardsigmoid)


class ELU(Module):
    """x for x > 0, alpha (e^x - 1) otherwise."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return A.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}{_inplace(self)}"


class CELU(ELU):
    """x for x > 0, alpha (e^(x / alpha) - 1) otherwise."""

    def forward(self, input):
        return A.celu(input, self.alpha, self.inplace)


class Hardtanh(Module):
    """clamp(x, min_val, max_val)."""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
        super().__init__()
        for old, new in (("min_value", "min_val"), ("max_value", "max_val")):  # torch's deprecated names
            if locals()[old] is not None:
                warnings.warn(f"keyword argument `{old}` is deprecated and renamed to `{new}`", FutureWarning, stacklevel=2)
        min_val = min_val if min_value is None else min_value
        max_val = max_val if max_value is None else max_value
        if min_val >= max_val:
            raise AssertionError("min_val must be less than max_val")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input):
        return A.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace(self)}"


class ReLU6(Hardtanh):
    """min(max(0, x), 6)."""

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _inplace(self, "")


class Threshold(Module):
    """x where x > threshold, else value."""

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input):
        return A.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}{_inplace(self)}"


class GLU(Module):
    """a * sigmoid(b) for the two halves a, b of the input along ``dim``."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return A.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmin(GLU):
    """softmax(-x) along ``dim``."""

    def __init__(self, dim=None):
        super().__init__(dim)

    def forward(self, input):
        return F.softmin(input, self.dim)  # without dim: torch's warning and implicit dim


class Softplus(Module):
    """log(1 + e^(beta x)) / beta (x itself above ``threshold``)."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return A.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softshrink(Module):
    """x - lambd above lambd, x + lambd below -lambd, 0 between."""

    fn = staticmethod(A.softshrink)

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return type(self).fn(input, self.lambd)

    def extra_repr(self):
        return str(self.lambd)


class Hardshrink(Softshrink):
    """x where |x| > lambd, else 0."""

    fn = staticmethod(A.hardshrink)


class Softsign(_Plain):
    """x / (1 + |x|)."""

    fn = staticmethod(A.softsign)


class LogSigmoid(_Plain):
    """log(sigmoid(x))."""

    fn = staticmethod(A.logsigmoid)


class Tanhshrink(_Plain):
    """x - tanh(x)."""

    fn = staticmethod(A.tanhshrink)


class PReLU(Module):
    """x where x > 0, else a x, with a learned: one slope, or one per channel (``num_parameters``)."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(creation.empty(num_parameters, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return A.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


# ReLU and LeakyReLU live in layers.py (where the in-place work edits them); their torch reprs,
# which show ``inplace=True`` when set, are given here so the two edits do not collide.
def _relu_repr(self):
    return "inplace=True" if getattr(self, "inplace", False) else ""


def _leaky_relu_repr(self):
    return f"negative_slope={self.negative_slope}" + (", inplace=True" if getattr(self, "inplace", False) else "")


_layers.ReLU.extra_repr = _relu_repr
_layers.LeakyReLU.extra_repr = _leaky_relu_repr
