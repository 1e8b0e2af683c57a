"""``scratchnet.testing``, as ``torch.testing``: ``assert_close`` with torch's default tolerances
(float32: rtol 1.3e-6, atol 1e-5; float64: rtol 1e-7, atol 1e-7; integers and bools: exact) and
torch's messages.

>>> import scratchnet as sn
>>> assert_close(sn.tensor([1.0, 2.0]), sn.tensor([1.0, 2.0 + 1e-7]))
>>> assert_close(sn.tensor([1, 2]), sn.tensor([1, 3]))
Traceback (most recent call last):
...
AssertionError: Tensor-likes are not equal!
<BLANKLINE>
Mismatched elements: 1 / 2 (50.0%)
Greatest absolute difference: 1 at index (1,)
Greatest relative difference: 0.3333333432674408 at index (1,)
"""

import collections.abc
import numbers

from ..backend import xp
from ..tensor import Tensor

__all__ = ["assert_close"]

_TOLERANCES = {"float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def _dtype_name(dtype):
    return "scratchnet." + ("bool" if dtype == xp.bool_ else dtype.name)


def _tolerances(*dtypes):
    pairs = [_TOLERANCES.get(d.name, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _mismatch(identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    equality = rtol == 0 and atol == 0

    def line(kind, diff, idx, tol):
        text = f"{kind.title()} difference: {diff}" if idx is None else f"Greatest {kind} difference: {diff} at index {idx}"
        return text + ("" if equality else f" (up to {tol} allowed)") + "\n"

    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n{extra.strip()}\n"
    return (msg + line("absolute", abs_diff, abs_idx, atol) + line("relative", rel_diff, rel_idx, rtol)).strip()


def _scalar_message(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch("Scalars", f"Expected {expected} but got {actual}.", abs_diff, None, atol, rel_diff, None, rtol)


def _tensor_message(a, e, matches, rtol, atol):
    total, bad = matches.size, matches.size - int(matches.sum())
    extra = f"Mismatched elements: {bad} / {total} ({bad / total:.1%})"
    if a.dtype.kind not in "fc":
        a, e = a.astype(xp.int64), e.astype(xp.int64)
    with xp.errstate(divide="ignore", invalid="ignore"):
        abs_diff = xp.abs(a - e).ravel()
        abs_diff[matches.ravel()] = 0
        rel_diff = abs_diff / xp.abs(e).ravel().astype(abs_diff.dtype if abs_diff.dtype.kind == "f" else xp.float32)
        rel_diff = rel_diff.astype(abs_diff.dtype if abs_diff.dtype.kind == "f" else xp.float32)
        rel_diff[matches.ravel()] = 0

    def where(flat):
        return tuple(int(i) for i in xp.unravel_index(flat, matches.shape)) if matches.shape else ()

    i, j = int(xp.argmax(abs_diff)), int(xp.argmax(rel_diff))
    return _mismatch("Tensor-likes", extra, abs_diff[i].item(), where(i), atol, rel_diff[j].item(), where(j), rtol)


def _fail(message, path, msg):
    if msg is not None:
        message = msg(message) if callable(msg) else msg
    elif path:
        message += f"\n\nThe failure occurred for item {''.join(f'[{p!r}]' for p in path)}"
    raise AssertionError(message)


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, path, msg):
    a = actual.detach().array if isinstance(actual, Tensor) else xp.asarray(actual)
    e = expected.detach().array if isinstance(expected, Tensor) else xp.asarray(expected)
    from ..tensor import Size

    if a.shape != e.shape:
        _fail(f"The values for attribute 'shape' do not match: {Size(a.shape)!r} != {Size(e.shape)!r}.", path, msg)
    if check_dtype and a.dtype != e.dtype:
        _fail(f"The values for attribute 'dtype' do not match: {_dtype_name(a.dtype)} != {_dtype_name(e.dtype)}.", path, msg)
    if rtol is None:
        rtol, atol = _tolerances(a.dtype, e.dtype)
    if a.dtype != e.dtype:
        common = xp.result_type(a, e)
        a, e = a.astype(common), e.astype(common)
    if a.dtype == xp.bool_ or a.dtype.kind in "iu":
        matches = a == e if rtol == 0 and atol == 0 else xp.isclose(a.astype(xp.float64), e.astype(xp.float64), rtol, atol)
    else:
        with xp.errstate(invalid="ignore", over="ignore"):
            matches = xp.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan) | ((a == e) & ~xp.isnan(a))
    if matches.all():
        return
    if a.shape == ():
        _fail(_scalar_message(a.item(), e.item(), rtol, atol), path, msg)
    _fail(_tensor_message(a, e, xp.asarray(matches), rtol, atol), path, msg)


def _is_number(x):
    return isinstance(x, (numbers.Number, xp.number, xp.bool_)) and not isinstance(x, Tensor)


def _compare(actual, expected, rtol, atol, equal_nan, check_dtype, path, msg):
    tensor_like = (Tensor, xp.ndarray)
    if isinstance(actual, tensor_like) and isinstance(expected, tensor_like):
        return _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, path, msg)
    if _is_number(actual) and _is_number(expected):
        as_array = lambda x: xp.asarray(x, dtype=xp.float64 if isinstance(x, float) else None)  # noqa: E731
        return _compare_tensors(as_array(actual), as_array(expected), rtol, atol, equal_nan, check_dtype, path, msg)
    strings = (str, bytes)
    if isinstance(actual, collections.abc.Sequence) and isinstance(expected, collections.abc.Sequence) \
            and not isinstance(actual, strings) and not isinstance(expected, strings):
        if len(actual) != len(expected):
            _fail(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", path, msg)
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, rtol, atol, equal_nan, check_dtype, path + [i], msg)
        return
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected, collections.abc.Mapping):
        if set(actual) != set(expected):
            missing, extra = set(expected) - set(actual), set(actual) - set(expected)
            _fail(f"The keys of the mappings do not match:\nMissing keys in the actual mapping: {sorted(missing, key=repr)}\n"
                  f"Extra keys in the actual mapping: {sorted(extra, key=repr)}", path, msg)
        for key in expected:
            _compare(actual[key], expected[key], rtol, atol, equal_nan, check_dtype, path + [key], msg)
        return
    if actual is None and expected is None:
        return
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False, check_device=True,
                 check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raise an AssertionError unless ``actual`` and ``expected`` are close: for tensors (and
    nested sequences/mappings of them, and numbers) ``|actual - expected| <= atol + rtol * |expected|``
    elementwise, after checking shapes and (``check_dtype``) dtypes. ``rtol``/``atol`` default by
    dtype as torch's; give both or neither."""
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {'rtol' if rtol is None else 'atol'}.")
    _compare(actual, expected, rtol, atol, equal_nan, check_dtype, [], msg)
