"""Padding layers: ``nn.ReflectionPad{1,2,3}d``, ``ReplicationPad*``, ``CircularPad*``,
``ConstantPad*`` and ``ZeroPad*``, each ``F.pad`` with its mode and a padding fixed at
construction. An int pads every side of the last n dims by that much; a tuple of 2n ints gives
(left, right, top, bottom, front, back), the last dim first, as ``F.pad``.

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> nn.ReflectionPad2d(1)
ReflectionPad2d((1, 1, 1, 1))
>>> nn.ReflectionPad2d(1)(sn.arange(4.0).view(1, 1, 2, 2)).shape
scratchnet.Size([1, 1, 4, 4])
>>> nn.ConstantPad1d((1, 0), 2.5)
ConstantPad1d(padding=(1, 0), value=2.5)
"""

from ..ops.layers import pad
from .module import Module


def _sides(padding, n):
    """``padding`` as a tuple of 2n ints (an int repeated on every side)."""
    if isinstance(padding, int):
        return (padding,) * (2 * n)
    padding = tuple(padding)
    if len(padding) != 2 * n:
        raise ValueError(f"expected padding of length {2 * n} (an int or a 2*{n}-tuple), got {len(padding)}")
    return padding


class _PadNd(Module):
    mode = "constant"
    dims = 2

    def __init__(self, padding):
        super().__init__()
        self.padding = _sides(padding, self.dims)

    def forward(self, input):
        return pad(input, self.padding, self.mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


def _padding_class(name, base, mode, dims, doc):
    return type(name, (base,), {"mode": mode, "dims": dims, "__doc__": doc, "__module__": __name__})


_WHAT = {"reflect": "mirrors the input at its edges (the edge itself not repeated)",
         "replicate": "repeats the edge values", "circular": "wraps the input around"}
_SHAPES = {1: "(N, C, W) or (C, W)", 2: "(N, C, H, W) or (C, H, W)", 3: "(N, C, D, H, W) or (C, D, H, W)"}

for _n in (1, 2, 3):
    for _prefix, _mode in (("Reflection", "reflect"), ("Replication", "replicate"), ("Circular", "circular")):
        _name = f"{_prefix}Pad{_n}d"
        globals()[_name] = _padding_class(_name, _PadNd, _mode, _n, f"``nn.{_name}(padding)``: pads {_SHAPES[_n]} input; {_WHAT[_mode]}.")
    _name = f"ConstantPad{_n}d"
    globals()[_name] = _padding_class(_name, _ConstantPadNd, "constant", _n, f"``nn.{_name}(padding, value)``: pads {_SHAPES[_n]} input with ``value``.")


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


ZeroPad1d = _padding_class("ZeroPad1d", _ZeroPadNd, "constant", 1, "``nn.ZeroPad1d(padding)``: pads (N, C, W) or (C, W) input with zeros.")
ZeroPad2d = _padding_class("ZeroPad2d", _ZeroPadNd, "constant", 2, "``nn.ZeroPad2d(padding)``: pads (N, C, H, W) or (C, H, W) input with zeros.")
ZeroPad3d = _padding_class("ZeroPad3d", _ZeroPadNd, "constant", 3, "``nn.ZeroPad3d(padding)``: pads (N, C, D, H, W) or (C, D, H, W) input with zeros.")

__all__ = [f"{p}Pad{n}d" for n in (1, 2, 3) for p in ("Reflection", "Replication", "Circular", "Constant", "Zero")]
