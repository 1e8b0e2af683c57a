"""The one place that knows the array library.

Every op is written against ``xp`` rather than a bare ``numpy``, so a GPU backend (CuPy) later is a
change to this file, not a rewrite of the ops.

>>> from scratchnet.backend import xp
>>> xp.zeros(2).tolist()
[0.0, 0.0]
"""

import numpy as xp

#: Dtypes a Tensor may hold. Anything else (float16, complex, strings, objects) is refused at
#: creation with an error that names this list.
SUPPORTED_DTYPES = tuple(
    xp.dtype(name) for name in ("float32", "float64", "int64", "int32", "uint8", "bool")
)
FLOAT_DTYPES = (xp.dtype("float32"), xp.dtype("float64"))

def to_numpy(array):
    """The values as a NumPy array (a no-op on the CPU backend)."""
    return xp.asarray(array)
