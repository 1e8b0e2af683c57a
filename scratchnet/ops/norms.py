"""Norms: ``Tensor.norm`` / ``scratchnet.norm``, and ``vector_norm`` and ``matrix_norm`` (the
functions behind ``scratchnet.linalg.vector_norm`` / ``matrix_norm``).

The vector p-norm is ``(sum |x|^p)^(1/p)``; p = inf takes the largest ``|x|``, -inf the smallest,
0 counts the nonzero elements. Its gradient is ``sign(x) |x|^(p-1) / norm^(p-1)`` (0 where the
norm is 0, and at x = 0 when p < 1, as torch), shared among ties for p = ±inf.

>>> import scratchnet as sn
>>> x = sn.tensor([3.0, -4.0], requires_grad=True)
>>> x.norm()
tensor(5., grad_fn=<LinalgVectorNormBackward0>)
>>> x.norm().backward(); x.grad.tolist()
[0.6000000238418579, -0.800000011920929]
"""

import math

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor, _wrap_dim
from . import _lapack
from .math import where
from .reduce import amax, amin, count, expand_back, normalize_dims, quiet, reduced_shape, torch_name
from .reduce import sum as _sum

__all__ = ["norm"]


def _ord_text(ord):
    return f"{ord:g}" if isinstance(ord, (int, float)) else str(ord)


class VectorNorm(Function):
    backward_name = "LinalgVectorNormBackward0"

    def forward(ctx, x, ord, dims, keepdim, literal=False):
        ctx.shape, ctx.dims, ctx.keepdim, ctx.ord = x.shape, dims, keepdim, ord
        a = xp.abs(x)
        with quiet():
            if ord == math.inf or ord == -math.inf:
                out = (a.max if ord > 0 else a.min)(axis=dims, keepdims=True)
                hits = a == out
                ctx.weights = hits / xp.maximum(hits.sum(axis=dims, keepdims=True), 1)  # none hit a NaN norm: 0, as torch
                out = out if keepdim else out.reshape([n for i, n in enumerate(x.shape) if i not in dims])
            elif ord == 0:
                out = (a != 0).sum(axis=dims, keepdims=keepdim).astype(x.dtype)
            elif count(x.shape, dims) == 1 and not literal:  # one element a group: |x|, no power to overflow (torch)
                out = a.reshape(reduced_shape(x.shape, dims, keepdim))
            elif ord == 1:
                out = a.sum(axis=dims, keepdims=keepdim)
            elif ord == 2:
                out = xp.sqrt((a * a).sum(axis=dims, keepdims=keepdim))
            else:
                out = (a**ord).sum(axis=dims, keepdims=keepdim) ** (1.0 / ord)
        out = xp.asarray(out, dtype=x.dtype)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        p, raw_grad = ctx.ord, grad
        grad = expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim)
        sign = Tensor._make(xp.nan_to_num(xp.sign(x.array), nan=0.0))  # torch's sgn(nan) is 0
        if p == 0:
            return grad * 0
        if p == 1:
            return grad * sign
        if p == math.inf or p == -math.inf:
            return grad * sign * Tensor._make(ctx.weights.astype(x.dtype))
        norm = expand_back(out, ctx.shape, ctx.dims, ctx.keepdim)
        zero_norm = Tensor._make(norm.array == 0)
        with quiet():  # torch's masks: where the norm (or, for p < 1, x) is 0 the gradient is 0
            if p == 2:
                return grad * where(zero_norm, 0.0, x / norm)
            if p < 1:
                return sign * where(Tensor._make(x.array == 0), 0.0, x.abs() ** (p - 1)) * grad * norm ** (1 - p)
            scale = where(Tensor._make(out.array == 0), 0.0, raw_grad / out ** (p - 1))
            return sign * x.abs() ** (p - 1) * expand_back(scale, ctx.shape, ctx.dims, ctx.keepdim)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The vector ``ord``-norm of ``x`` over ``dim`` (an int, a tuple, or None for all elements).

    >>> import scratchnet as sn
    >>> vector_norm(sn.tensor([[3.0, 4.0], [0.0, 1.0]]), ord=1, dim=1)
    tensor([7., 1.])
    """
    if isinstance(ord, str) or not isinstance(ord, (int, float)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}")
    if x.dtype not in FLOAT_DTYPES:  # checked before any dtype= cast, as torch
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {torch_name(x.dtype)}")
    if dtype is not None:
        x = x.to(dtype)
    dims = normalize_dims(dim, x.ndim, in_order=True)  # torch wraps and checks each dim in turn
    if (ord < 0 or ord == math.inf) and x.ndim:
        if dim is None or dim == () or dim == []:
            if x.numel() == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {_ord_text(ord)} norm on an empty tensor because the operation does not have an identity")
        else:
            for d in dims:
                if x.shape[d] == 0:  # (sic: torch's message lacks the space before "because")
                    raise RuntimeError(f"linalg.vector_norm cannot compute the {_ord_text(ord)} norm on the dimension {d}because this dimension is empty and the operation does not have an identity")
    # torch takes |x| for one-element groups, except for a 0-d tensor given a dim
    return VectorNorm.apply(x, ord=float(ord), dims=dims, keepdim=keepdim, literal=x.ndim == 0 and dim is not None)


class SingularValues(Function):
    """The singular values of the matrices in the last two dims, largest first. Its gradient
    ``U diag(g) V^T`` holds U and V fixed, so it is right to first order only."""

    backward_name = "LinalgSvdBackward0"

    def forward(ctx, a):
        u, s, vh = _lapack.svd(a, full_matrices=False)
        ctx.u, ctx.vh = u, vh
        return s

    def backward(ctx, grad):
        u, vh = Tensor._make(ctx.u.astype(grad.dtype)), Tensor._make(ctx.vh.astype(grad.dtype))
        return (u * grad.unsqueeze(-2)) @ vh


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """A matrix norm over the two dims ``dim``: 'fro' (sqrt of the sum of squares), 'nuc' (sum of
    singular values), 1 / -1 (largest / smallest column sum of |A|), inf / -inf (row sums),
    2 / -2 (largest / smallest singular value).

    >>> import scratchnet as sn
    >>> matrix_norm(sn.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=1)
    tensor(6.)
    """
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if A.dtype not in FLOAT_DTYPES:  # checked before any dtype= cast, as torch
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor as input. Got {torch_name(A.dtype)}")
    if dtype is not None:
        A = A.to(dtype)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
    rows, cols = (_wrap_dim(d, A.ndim) for d in dim)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({rows}, {cols})")
    if ord == "fro":
        return vector_norm(A, 2, (rows, cols), keepdim)
    # a largest column/row sum or singular value of none at all: torch gives 0, outside the graph
    maxed = {1: A.shape[cols], math.inf: A.shape[rows], 2: min(A.shape[rows], A.shape[cols])}.get(ord, 1)
    if maxed == 0:
        return Tensor._make(xp.zeros(reduced_shape(A.shape, (rows, cols), keepdim), A.dtype))
    if ord in (1, -1, math.inf, -math.inf):
        along = rows if ord in (1, -1) else cols
        sums = _sum(A.abs(), dim=along, keepdim=True)
        return (amax if ord > 0 else amin)(sums, dim=(rows, cols), keepdim=keepdim)
    if ord in ("nuc", 2, -2):
        rest = [d for d in range(A.ndim) if d not in (rows, cols)]
        values = SingularValues.apply(A.permute(*rest, rows, cols))
        out = _sum(values, dim=-1) if ord == "nuc" else (amax if ord == 2 else amin)(values, dim=-1)
        if keepdim:
            for d in sorted((rows, cols)):
                out = out.unsqueeze(d)
        return out
    raise RuntimeError(f"linalg.matrix_norm: Order {_ord_text(ord)} not supported.")


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """``torch.norm``: the 2-norm of all elements by default; a number ``p`` gives the vector
    p-norm over ``dim``; 'fro' the 2-norm over up to two dims; 'nuc' the nuclear matrix norm.

    >>> import scratchnet as sn
    >>> sn.tensor([[1.0, 2.0], [2.0, 4.0]]).norm(p=1, dim=0)
    tensor([3., 6.])
    """
    dims = [dim] if isinstance(dim, int) else dim
    if isinstance(p, str):
        if p == "fro" and (dim is None or len(dims) <= 2):
            return vector_norm(input, 2, dims, keepdim, dtype=dtype)
        return matrix_norm(input, p, list(range(input.ndim)) if dims is None else dims, keepdim, dtype=dtype)
    return vector_norm(input, 2.0 if p is None else p, dims, keepdim, dtype=dtype)


METHODS = {"norm": norm}
