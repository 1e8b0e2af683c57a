"""torch's own formulas for the piecewise activations (elu, softplus, hardtanh, hardswish, ...),
forward and backward side by side, so that values and gradients agree with torch at the kinks,
at +-inf and at NaN.

Each activation is one :class:`Pointwise` node: ``forward`` is a NumPy formula on the input
array, ``backward`` a formula on the saved input (a Tensor) and the incoming gradient written
with scratchnet ops, so that it can be differentiated again.

torch's CPU kernels run a vectorised loop over the first ``n - n % (2 * lanes)`` elements of a
contiguous tensor and a scalar loop over the rest; for a NaN input some of its backward kernels
answer differently in the two (a NaN from the vector blend, the scalar branch's value otherwise).
:func:`vector_part` tells which elements torch's vector loop handles (AVX2: two 32-byte vectors).

>>> import scratchnet as sn
>>> vector_part(sn.zeros(20).array).sum()
np.int64(16)
"""

from ..backend import xp
from ..tensor import Function, Tensor

def _vector_bytes():
    """The width of torch's CPU vectors here: 64 bytes where the CPU has AVX-512 (torch's
    AVX512 kernels), else 32 (AVX2). ``ATEN_CPU_CAPABILITY`` overrides it, as it does torch's."""
    import os

    wanted = os.environ.get("ATEN_CPU_CAPABILITY", "").lower()
    if wanted:
        return 64 if wanted == "avx512" else 32 if wanted == "avx2" else 16
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "")
    except OSError:
        return 32
    return 64 if " avx512f" in flags else 32


#: Bytes in the vector loop's step: torch's CPU kernels unroll two vectors.
_STEP_BYTES = 2 * _vector_bytes()


def vector_part(x):
    """A mask of the elements of array ``x`` (contiguous, flattened) that torch's vectorised
    loop computes; the remainder goes through its scalar loop."""
    n = x.size
    step = _STEP_BYTES // x.itemsize
    return (xp.arange(n) < n - n % step).reshape(x.shape)


def const(mask_or_array, like):
    """An array as a constant Tensor of ``like``'s dtype."""
    return Tensor._make(xp.asarray(mask_or_array).astype(like.dtype))


class Pointwise(Function):
    """``out = forward(x)`` on arrays; the gradient is ``backward(x, grad)`` on Tensors."""

    def forward(ctx, x, forward, backward, name):
        ctx.save_for_backward(x)
        ctx.rule, ctx.node_name = backward, name
        with xp.errstate(all="ignore"):
            return xp.asarray(forward(x)).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with xp.errstate(all="ignore"):
            return ctx.rule(x, grad)

    def name(self):
        return getattr(self, "node_name", "PointwiseBackward0")


def apply(name, x, forward, backward):
    return Pointwise.apply(x, forward=forward, backward=backward, name=name)


def nan_as(x, grad, vector_value, scalar_value):
    """``grad`` with the entries at NaN inputs replaced: by ``vector_value`` (a Tensor or a number)
    in torch's vector loop, by ``scalar_value`` in its scalar loop; ``None`` keeps ``grad`` there."""
    from .math import where

    a = x.array
    nan = xp.isnan(a)
    if not nan.any():
        return grad
    lanes = vector_part(a)
    for mask, value in ((nan & lanes, vector_value), (nan & ~lanes, scalar_value)):
        if value is not None and mask.any():
            grad = where(Tensor._make(mask), value, grad)
    return grad


__all__ = []
