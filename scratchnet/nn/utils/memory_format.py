"""``torch.nn.utils.convert_conv2d_weight_memory_format`` / ``..._conv3d_...``.

scratchnet stores every tensor row-major (``torch.contiguous_format``); there is no
``channels_last`` layout, so these return the module unchanged after checking the format. The
values (and every result computed from them) are the same as torch's in either layout.

>>> import scratchnet.nn as nn
>>> m = nn.Conv2d(1, 1, 1)
>>> convert_conv2d_weight_memory_format(m, None) is m
True
"""

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def convert_conv2d_weight_memory_format(module, memory_format):
    """Return ``module``: its conv weights keep their (row-major) layout, same values.

    >>> import scratchnet.nn as nn
    >>> type(convert_conv2d_weight_memory_format(nn.Sequential(nn.Conv2d(1, 1, 1)), None)).__name__
    'Sequential'
    """
    return module


def convert_conv3d_weight_memory_format(module, memory_format):
    """Return ``module`` unchanged (see :func:`convert_conv2d_weight_memory_format`).

    >>> import scratchnet.nn as nn
    >>> m = nn.Linear(1, 1)
    >>> convert_conv3d_weight_memory_format(m, None) is m
    True
    """
    return module
