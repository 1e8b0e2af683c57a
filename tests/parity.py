"""Helpers for comparing scratchnet with torch: conversions, tolerances, messages that locate a mismatch."""

import numpy as np
import torch

import scratchnet

#: (rtol, atol) by dtype: float64 agrees to rounding; float32 to a few ulps of the larger values.
TOLERANCE = {"float64": (1e-9, 1e-11), "float32": (1e-5, 1e-5)}


def to_torch(x, requires_grad=False):
    """A scratchnet Tensor or an array as a torch tensor with the same values and dtype."""
    array = x.detach().array if isinstance(x, scratchnet.Tensor) else np.asarray(x)
    return torch.tensor(array, requires_grad=requires_grad)


def as_numpy(x):
    if isinstance(x, scratchnet.Tensor):
        return x.detach().array
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy(force=True)  # force: torch may hand back a lazy ZeroTensor
    return np.asarray(x)


def assert_close(ours, theirs, rtol, atol, what="value"):
    """Equal shapes and dtypes, values within ``atol + rtol * |theirs|``; the message says where not."""
    a, b = as_numpy(ours), as_numpy(theirs)
    assert a.shape == b.shape, f"{what}: scratchnet shape {a.shape} != torch shape {b.shape}"
    assert str(a.dtype) == str(b.dtype).replace("torch.", ""), f"{what}: scratchnet dtype {a.dtype} != torch dtype {b.dtype}"
    if a.dtype.kind in "biu":
        bad = a != b
    else:
        bad = ~np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        err = np.abs(a.astype(float) - b.astype(float))
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {bad.size} elements differ (rtol={rtol}, atol={atol}); "
            f"first at index {where}: scratchnet {a[where]!r} vs torch {b[where]!r}; "
            f"max abs error {np.nanmax(err):.3e}"
        )


def flat_outputs(out):
    """An op's result as a list of tensors (tuples and namedtuples flattened)."""
    if isinstance(out, (tuple, list)):
        return [o for item in out for o in flat_outputs(item)]
    return [out]
