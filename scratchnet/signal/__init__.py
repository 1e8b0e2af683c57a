"""``torch.signal``'s mirror: the window functions of :mod:`scratchnet.signal.windows`.

>>> import scratchnet as sn
>>> sn.signal.windows.hann(3).tolist()
[0.0, 1.0, 0.0]
"""

from . import windows

__all__ = ["windows"]
