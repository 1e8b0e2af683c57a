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

# --- floating-point errors: torch never warns on overflow, 0/0 or inf - inf --------------------------
#
# NumPy does (a RuntimeWarning, an exception under ``-W error``). Every op's forward (in
# ``Function.apply``) and every backward walk therefore runs with NumPy's floating-point errors
# ignored. ``xp.errstate`` costs a few microseconds each time; NumPy 2 keeps that state in a context
# variable, and setting it to a state made once costs a fraction of one. (Older NumPy: errstate.)
try:
    from numpy._core._ufunc_config import _extobj_contextvar as _fp_errors

    with xp.errstate(all="ignore"):
        _FP_QUIET = _fp_errors.get()

    def quiet_fp_errors():
        """Ignore floating-point errors until :func:`restore_fp_errors` is given the token."""
        return _fp_errors.set(_FP_QUIET)

    def restore_fp_errors(token):
        _fp_errors.reset(token)

except ImportError:  # pragma: no cover  (NumPy < 2)

    def quiet_fp_errors():
        state = xp.errstate(all="ignore")
        state.__enter__()
        return state

    def restore_fp_errors(token):
        token.__exit__(None, None, None)


#: Unsigned integers of each item size: the bit patterns :func:`fast_where` blends.
_BITS = {1: xp.uint8, 2: xp.uint16, 4: xp.uint32, 8: xp.uint64}

#: Below this many elements :func:`fast_where` leaves the choice to ``xp.where`` (no gain to have).
FAST_WHERE_MIN_SIZE = 2048


def fast_where(condition, x, y):
    """``xp.where(condition, x, y)`` (arrays or numbers, broadcast), without branches.

    NumPy's ``where`` takes a branch per element; with an unpredictable mask (a ReLU's, half its
    entries on either side) it ran at 11 ms for 2.5M float32 values here, against 1 ms for this:
    the mask becomes all-ones/all-zeros bit patterns M and the result is ``y ^ ((x ^ y) & M)``
    on the values' bits. The bits are copied exactly (NaN payloads, signed zeros), as ``where``.

    >>> import numpy as np
    >>> fast_where(np.array([True, False]), np.array([1.5, -0.0]), np.array(0.0)).tolist()
    [1.5, 0.0]
    """
    shape = xp.broadcast_shapes(xp.shape(condition), xp.shape(x), xp.shape(y))
    size = 1
    for n in shape:
        size *= n
    if size < FAST_WHERE_MIN_SIZE:
        return xp.where(condition, x, y)
    dtype = xp.result_type(x, y)  # Python numbers are weak, as in where
    if dtype.kind not in "fiub" or dtype.itemsize not in _BITS:
        return xp.where(condition, x, y)
    x, y = xp.asarray(x, dtype=dtype), xp.asarray(y, dtype=dtype)  # where's own casts
    bits = _BITS[dtype.itemsize]
    condition = xp.asarray(condition)
    if condition.dtype != bool:
        condition = condition != 0
    # the result's memory layout as where lays it out (NumPy's iterator, "K" order), then 1 or 0
    mask = xp.nditer([condition, x, y, None], op_flags=[["readonly"]] * 3 + [["writeonly", "allocate"]],
                     op_dtypes=[None, None, None, bits], flags=["zerosize_ok"], order="K").operands[3]
    xp.copyto(mask, condition, casting="unsafe")  # True -> 1, False -> 0
    xb, yb = x.view(bits), y.view(bits)
    if xb.ndim == 0 and not xb:  # x is +0 (all bits zero): y's bits where the mask is 0 (1 - 1 = 0, 0 - 1 = all ones)
        xp.subtract(mask, 1, out=mask)
        return xp.bitwise_and(mask, yb, out=mask).view(dtype)
    xp.negative(mask, out=mask)  # True -> all ones, False -> 0 (unsigned: wraps)
    if yb.ndim == 0 and not yb:  # y is +0: just x's bits under the mask
        xp.bitwise_and(mask, xb, out=mask)
    else:
        xp.bitwise_and(mask, xp.bitwise_xor(xb, yb), out=mask)
        xp.bitwise_xor(mask, yb, out=mask)
    return mask.view(dtype)


#: Elements per block of :func:`blocked`: 256 KB of float32, so a chain of passes over a block
#: finds it still in the core's cache.
BLOCK = 65536


def blocked(fn, *arrays):
    """``fn(*arrays)`` for same-shaped arrays, computed a block of ``BLOCK`` elements at a time.

    An elementwise formula of many NumPy passes (erf's polynomials: about 25) reads and writes
    every intermediate through memory when the arrays are large; on a block that fits in cache the
    same passes ran 2.5x faster here (1.6M float32: 37 -> 15 ms). The values are the same, since
    each element's arithmetic is; the result is a new C-ordered array of ``fn``'s dtype.

    >>> import numpy as np
    >>> blocked(lambda a, b: a * b + 1, np.arange(3.0), np.full(3, 2.0)).tolist()
    [1.0, 3.0, 5.0]
    """
    if arrays[0].size <= BLOCK:
        return fn(*arrays)
    flat = [xp.ascontiguousarray(a).reshape(-1) for a in arrays]
    first = fn(*(a[:BLOCK] for a in flat))
    out = xp.empty(flat[0].size, dtype=first.dtype)
    out[:BLOCK] = first
    for start in range(BLOCK, out.size, BLOCK):
        out[start : start + BLOCK] = fn(*(a[start : start + BLOCK] for a in flat))
    return out.reshape(arrays[0].shape)


def matmul(a, b):
    """``a @ b`` on arrays, with a stack of matrices times one matrix done as one product.

    NumPy runs ``(B, n, k) @ (k, m)`` as B products of n rows each; as one product of B*n rows
    (the stack's leading dims merged, which a C-contiguous array allows without a copy) it took
    half the time here ((100, 64, 64) @ (64, 256) float32: 2.65 -> 1.25 ms). Same values, shape
    and dtype as ``a @ b``.

    >>> import numpy as np
    >>> matmul(np.ones((2, 3, 4)), np.ones((4, 5))).shape
    (2, 3, 5)
    """
    if a.ndim > 2 and b.ndim == 2 and a.flags.c_contiguous:
        rows = 1
        for n in a.shape[:-1]:
            rows *= n
        return xp.matmul(a.reshape(rows, a.shape[-1]), b).reshape(a.shape[:-1] + b.shape[-1:])
    return xp.matmul(a, b)


#: Rows up to this long are summed by einsum: NumPy's reduce took 4-5x as long on short rows here
#: (6400 rows of 64 float32: 0.2 ms against 0.05); longer rows keep its pairwise sum, more
#: accurate there.
SHORT_ROW = 512


def sum_last(a):
    """``a.sum(axis=-1, keepdims=True)``, by einsum for short rows (the same sums up to rounding;
    a row of -0.0 sums to +0.0 there).

    >>> import numpy as np
    >>> sum_last(np.ones((2, 3))).tolist()
    [[3.0], [3.0]]
    """
    if a.ndim and a.shape[-1] <= SHORT_ROW:
        return xp.einsum("...i->...", a)[..., None]
    return a.sum(axis=-1, keepdims=True)


def index_add_rows(out, index, values):
    """``xp.add.at(out, index, values)`` for a 1-D integer ``index`` into ``out``'s first dim (each
    ``values[j]`` added to the row ``out[index[j]]``), without add.at's element-at-a-time loop.

    The rows are sorted by index (stably), each run of equal indices summed by one ``reduceat``,
    and each sum added to its row once (so a lone -0.0 becomes +0.0, as add.at and torch
    give). The sums are the same up to rounding: reduceat may pair the terms where add.at adds one
    after another. An embedding's gradient, 6400 rows of 64 into 103: 4.5 -> 1.4 ms here.

    >>> import numpy as np
    >>> index_add_rows(np.zeros((3, 1)), np.array([2, 0, 2]), np.array([[1.0], [2.0], [3.0]])).tolist()
    [[2.0], [0.0], [4.0]]
    """
    if index.size == 0 or values.size == 0:
        return out
    index = fast_where(index < 0, index + out.shape[0], index)  # -1 and rows - 1 are one run
    order = xp.argsort(index, kind="stable")
    sorted_index = index[order]
    starts = xp.flatnonzero(xp.r_[True, sorted_index[1:] != sorted_index[:-1]])
    with xp.errstate(over="ignore", invalid="ignore"):  # (add.at warns of neither)
        out[sorted_index[starts]] += xp.add.reduceat(values[order], starts, axis=0)  # (unique rows: += adds once)
    return out


def to_numpy(array):
    """The values as a NumPy array (a no-op on the CPU backend)."""
    return xp.asarray(array)
