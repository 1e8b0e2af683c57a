"""Matrix and vector products: bmm, the fused ``beta * input + alpha * product`` forms (addmm,
addmv, addr, baddbmm, addbmm) and dot/vdot/inner/outer/mv; tensordot, kron, cross and chains of
matmuls are in ``products_more.py``, cdist in ``distance.py``.

The products are one node each whose backward is products again, so second derivatives work:
for ``C = A @ B``, ``dA = dC @ B^T`` and ``dB = A^T @ dC``. Shapes and dtypes are checked
first, with torch's messages.

>>> import scratchnet as sn
>>> sn.bmm(sn.ones(2, 3, 4), sn.ones(2, 4, 5)).shape
scratchnet.Size([2, 3, 5])
>>> sn.addmm(sn.zeros(3), sn.ones(2, 4), sn.ones(4, 3), beta=0.5, alpha=2).tolist()
[[8.0, 8.0, 8.0], [8.0, 8.0, 8.0]]
"""

from ..backend import xp
from ..dtypes import promote_types, torch_name
from ..tensor import Function, Tensor, bool_, is_grad_enabled
from ._promote import not_implemented
from .math import matmul, mul

__all__ = [
    "bmm", "baddbmm", "addmm", "addmv", "addbmm", "addr", "outer", "ger", "dot", "vdot", "inner", "mv",
]

_type = {"float32": "float", "float64": "double", "int64": "long", "int32": "int", "uint8": "unsigned char", "bool": "bool"}


def _T(dtype):
    return torch_name(dtype)


def _same_dtype(*tensors):
    for t in tensors[1:]:
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(f"expected scalar type {_T(tensors[0].dtype)} but found {_T(t.dtype)}")


def _expandable(input, target):
    """torch's error when ``input`` cannot be expanded to ``target`` (the shape of the product)."""
    shape = tuple(input.shape)
    pad = (1,) * (len(target) - len(shape)) + shape
    for d, (n, m) in enumerate(zip(pad, target)):
        if len(shape) > len(target) or (n != m and n != 1):
            raise RuntimeError(
                f"The expanded size of the tensor ({target[d]}) must match the existing size ({n}) at non-singleton "
                f"dimension {d}.  Target sizes: {list(target)}.  Tensor sizes: {list(shape)}"
            )


def _size(t, d):
    """``t.size(d)`` with torch's IndexError (torch reads the result's sizes before checking ndim)."""
    if t.ndim == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    if not -t.ndim <= d < t.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-t.ndim}, {t.ndim - 1}], but got {d})")
    return t.shape[d]


def _gemm_scalar(value, dtype):
    """alpha or beta as torch's integer GEMM loops read it: truncated to the integer type (0.5 -> 0),
    a negative one refused by uint8."""
    if dtype.kind not in "iu":
        return value
    if dtype.kind == "u" and value < 0:
        raise RuntimeError(f"value cannot be converted to type {dtype}_t without overflow")
    return int(value)


def _scale_check(dtype, beta):
    """torch's ``result.mul_(beta)`` (its path for an empty contraction): a float beta cannot
    scale an integer result, nor a number a bool one."""
    kind = "Float" if isinstance(beta, float) else "Bool" if isinstance(beta, bool) else "Long"
    if (dtype.kind in "iu" and kind == "Float") or (dtype == bool_ and kind != "Bool"):
        raise RuntimeError(f"result type {kind} can't be cast to the desired output type {_T(dtype)}")


_CTYPE = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "uint8": "unsigned char", "bool": "bool"}


# ----------------------------------------------------------------------------------------------
# The fused product nodes: out = beta * input + alpha * (a @ b), one class for all five forms
# ----------------------------------------------------------------------------------------------


class _Product:
    """(Mixed into a Function) ``beta * input + alpha * product(a, b)`` where product is ``a @ b`` (bmm, addmm, addmv),
    its sum over the batch (addbmm) or the outer product (addr), in ``dtype``.

    ``skip_zero_alpha``: alpha = 0 skips the product (BLAS's rule, so NaN and inf in the factors
    do not leak, as in torch's addmm, addmv, addbmm); otherwise ``0 * (a @ b)`` is computed (baddbmm's
    and addr's loops). beta = 0 always ignores input. An empty contraction gives zeros."""

    kind = "matmul"

    def forward(ctx, input, a, b, beta, alpha, dtype, shape, skip_zero_alpha=True, resized=False):
        ctx.save_for_backward(a, b)
        ctx.beta, ctx.alpha, ctx.resized = beta, alpha, resized
        a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
        with xp.errstate(all="ignore"):
            if dtype == bool_:  # addr on bools: (beta and input) or (alpha and a * b)
                out = (a[:, None] & b[None, :]) if ctx.kind == "outer" else (a @ b)
                out = out.any(axis=0) if ctx.kind == "batch-sum" else out
                out = out & bool(alpha)
                out = out | (input.astype(bool) & bool(beta)) if beta != 0 else out
            else:
                k = xp.asarray(alpha).astype(dtype)
                if skip_zero_alpha and alpha == 0:
                    out = None
                elif ctx.kind == "outer":  # torch's loop: alpha * vec1[i] * vec2[j], left to right
                    out = (a if alpha == 1 else k * a)[:, None] * b[None, :]
                else:
                    out = a @ b
                    out = out if alpha == 1 else k * out
                terms = []
                if ctx.kind == "batch-sum" and out is not None:  # torch: one addmm a batch, in order
                    terms, out = list(out), None
                if beta != 0:
                    scaled = input.astype(dtype, copy=False) if beta == 1 else xp.asarray(beta).astype(dtype) * input.astype(dtype)
                    out = scaled if out is None else scaled + out
                for term in terms:
                    out = term if out is None else out + term
            return xp.broadcast_to(xp.zeros((), dtype) if out is None else out, shape).astype(dtype)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_input, need_a, need_b = ctx.needs_input_grad
        if ctx.resized and (need_a or need_b):  # torch's addmv quirk below: its backward refuses too
            if grad.ndim == 0:
                raise RuntimeError("outer: Expected 1-D argument self, but got 0-D")
            raise RuntimeError(
                f"Function AddmvBackward0 returned an invalid gradient at index 1 - got {[grad.shape[0], a.shape[1]]} but "
                f"expected shape compatible with {list(a.shape)}"
            )
        if ctx.kind != "outer":  # mixed dtypes reach here only for empty products (addr's backward refuses them, as torch's)
            a, b = a.to(grad.dtype), b.to(grad.dtype)
        if ctx.kind == "outer":
            ga, gb = (mv(grad, b) if need_a else None), (mv(grad.mT, a) if need_b else None)
        elif ctx.kind == "batch-sum":
            g3 = grad.unsqueeze(0).expand(a.shape[0], *grad.shape)
            ga, gb = (bmm(g3, b.mT) if need_a else None), (bmm(a.mT, g3) if need_b else None)
        elif b.ndim == 1:  # matrix @ vector
            ga, gb = (outer(grad, b) if need_a else None), (mv(a.mT, grad) if need_b else None)
        else:
            ga, gb = (matmul(grad, b.mT) if need_a else None), (matmul(a.mT, grad) if need_b else None)
        # torch scales after the product (so 0 * inf is NaN there, too)
        ga, gb = ((g if g is None or ctx.alpha == 1 else g * ctx.alpha) for g in (ga, gb))
        g_input = (grad * ctx.beta if ctx.beta != 1 else grad) if need_input else None
        return g_input, ga, gb


def _node(name, kind="matmul"):
    return type(name, (_Product, Function), {"kind": kind, "__module__": __name__})


Bmm, Baddbmm, Addmm, Addmv, Mv = (_node(n) for n in ("Bmm", "Baddbmm", "Addmm", "Addmv", "Mv"))
Addbmm, Addr = _node("Addbmm", "batch-sum"), _node("Addr", "outer")


def _fused(node, input, a, b, beta, alpha, dtype, shape, skip_zero_alpha=True, resized=False):
    dtype = xp.dtype(dtype)
    if dtype.kind != "f" and is_grad_enabled() and any(t.requires_grad for t in (input, a, b)):
        raise RuntimeError(f"Autograd not support dtype: {_T(dtype)}")  # an integer result of float inputs
    return node.apply(input, a, b, beta=beta, alpha=alpha, dtype=dtype, shape=shape, skip_zero_alpha=skip_zero_alpha, resized=resized)


def _none_input(a):
    return Tensor._make(xp.zeros((), a.dtype))


def _check_batches(b1, b2, name1="batch1", name2="batch2"):
    for name, t in ((name1, b1), (name2, b2)):
        if t.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    if b2.shape[0] != b1.shape[0] or b2.shape[1] != b1.shape[2]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{b1.shape[0]}, {b1.shape[2]}] but got: "
            f"[{b2.shape[0]}, {b2.shape[1]}]."
        )


def _batched(kernel, input, batch1, batch2, beta, alpha, node, skip_zero_alpha):
    """bmm and baddbmm: the result has batch2's dtype; an empty result or contraction needs no kernel
    (no dtype checks: zeros, or input * beta); otherwise one dtype for all and no bool kernel."""
    shape = (batch1.shape[0], batch1.shape[1], batch2.shape[2])
    dtype = batch2.dtype
    if input is not None and input.dtype != batch1.dtype:
        names = [_CTYPE[str(t.dtype)] for t in (input, batch1, batch2)]
        raise RuntimeError(f"Input dtypes must be the same, got: input {names[0]}, batch1: {names[1]}, batch2: {names[2]}")
    if 0 in shape or batch1.shape[2] == 0:
        if beta != 0 and 0 not in shape:
            _scale_check(dtype, beta)
        return _fused(node, _none_input(batch1) if input is None else input, batch1, batch2, beta, alpha, dtype, shape)
    if batch1.dtype == bool_:
        raise not_implemented(kernel, bool_)
    _same_dtype(*([batch1, batch2] if input is None else [input, batch1, batch2]))
    beta, alpha = _gemm_scalar(beta, dtype), _gemm_scalar(alpha, dtype)
    return _fused(node, _none_input(batch1) if input is None else input, batch1, batch2, beta, alpha, dtype, shape, skip_zero_alpha)


def bmm(input, mat2, *, out=None):
    """Batched matrix product: ``(b, n, m) @ (b, m, p) -> (b, n, p)`` (no broadcasting).

    >>> import scratchnet as sn
    >>> sn.bmm(sn.ones(2, 1, 3), sn.ones(2, 3, 1)).tolist()
    [[[3.0]], [[3.0]]]
    """
    _check_batches(input, mat2)
    return _batched("bmm", None, input, mat2, 0, 1, Bmm, True)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * bmm(batch1, batch2)``; input broadcasts to the product's shape.

    >>> import scratchnet as sn
    >>> sn.baddbmm(sn.ones(1), sn.ones(2, 1, 3), sn.ones(2, 3, 1), alpha=2).tolist()
    [[[7.0]], [[7.0]]]
    """
    shape = (_size(batch1, 0), _size(batch1, 1), _size(batch2, 2))
    _check_batches(batch1, batch2)
    _expandable(input, shape)
    return _batched("baddbmm", input, batch1, batch2, beta, alpha, Baddbmm, False)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]``: ``(n, p)`` from ``(b, n, m), (b, m, p)``.

    >>> import scratchnet as sn
    >>> sn.addbmm(sn.zeros(1, 1), sn.ones(3, 1, 2), sn.ones(3, 2, 1)).tolist()
    [[6.0]]
    """
    shape = (_size(batch1, 1), _size(batch2, 2))
    for name, t in (("batch1", batch1), ("batch2", batch2)):
        if t.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and {batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(
            f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x{batch1.shape[2]} and {batch2.shape[1]}x{batch2.shape[2]})"
        )
    _expandable(input, shape)
    dtype, batches = input.dtype, batch1.shape[0]
    if batches == 0:  # torch: result = beta * input, no kernel (so no dtype checks)
        if beta != 0:
            _scale_check(dtype, beta)
        return _fused(Addbmm, input, batch1, batch2, beta, alpha, dtype, shape)
    # torch adds the batches one addmm at a time: addmm's checks, beta for the first, then 1
    _addmm_checks(input, batch1[0], batch2[0])
    if 0 not in shape and batch1.shape[2] == 0:
        for b in [beta] + [1] * (batches - 1):
            if b != 0:
                _scale_check(dtype, b)
    elif 0 not in shape:
        if dtype == bool_:
            raise not_implemented("addmm_impl_cpu_", bool_)
        beta, alpha = _gemm_scalar(beta, dtype), _gemm_scalar(alpha, dtype)
    return _fused(Addbmm, input, batch1, batch2, beta, alpha, dtype, shape)


def _addmm_checks(input, mat1, mat2):
    if input.dtype != mat2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_T(input.dtype)} and {_T(mat2.dtype)}")
    if mat1.dtype != mat2.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_T(mat1.dtype)} and {_T(mat2.dtype)}")


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * mat1 @ mat2`` for matrices; input broadcasts to ``(n, p)``.

    As in torch (BLAS), ``beta = 0`` ignores ``input`` and ``alpha = 0`` the product, NaN included.

    >>> import scratchnet as sn
    >>> sn.addmm(sn.tensor([1.0, 2.0]), sn.ones(1, 3), sn.ones(3, 2)).tolist()
    [[4.0, 5.0]]
    """
    for name, t in (("mat1", mat1), ("mat2", mat2)):
        if t.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {t.ndim}-D tensor")
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x{mat1.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})"
        )
    _addmm_checks(input, mat1, mat2)
    shape = (mat1.shape[0], mat2.shape[1])
    _expandable(input, shape)
    dtype = input.dtype
    if 0 not in shape and mat1.shape[1] == 0:
        if beta != 0:
            _scale_check(dtype, beta)
    elif 0 not in shape:
        if dtype == bool_:
            raise not_implemented("addmm_impl_cpu_", bool_)
        beta, alpha = _gemm_scalar(beta, dtype), _gemm_scalar(alpha, dtype)
    return _fused(Addmm, input, mat1, mat2, beta, alpha, dtype, shape)


def _check_mv(input, mat, vec):
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    if mat.shape[1] != vec.shape[0] or (input.ndim == 1 and input.shape[0] not in (1, mat.shape[0])):
        size = f"({input.shape[0]})" if input.ndim == 1 else "()"
        raise RuntimeError(f"size mismatch, got input {size}, mat ({mat.shape[0]}x{mat.shape[1]}), vec ({vec.shape[0]})")
    if not input.dtype == mat.dtype == vec.dtype:
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {_T(input.dtype)}, {_T(mat.dtype)}, and {_T(vec.dtype)}"
        )


def _addmv(node, input, mat, vec, beta, alpha):
    dtype, (n, k) = mat.dtype, mat.shape
    if n and not k:  # an empty contraction: beta * input, beta read as the dtype reads it
        beta = bool(beta) if dtype == bool_ else _gemm_scalar(beta, dtype)
    elif n:
        if dtype == bool_:
            raise not_implemented("addmv_impl_cpu", bool_)
        beta, alpha = _gemm_scalar(beta, dtype), _gemm_scalar(alpha, dtype)
    return _fused(node, input, mat, vec, beta, alpha, dtype, (n,))


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * mat @ vec``: ``(n,)`` from ``(n, m), (m,)``.

    As in torch (BLAS), ``beta = 0`` ignores ``input`` and ``alpha = 0`` the product, NaN included.

    >>> import scratchnet as sn
    >>> sn.addmv(sn.ones(2), sn.ones(2, 3), sn.ones(3), beta=2).tolist()
    [5.0, 5.0]
    """
    _check_mv(input, mat, vec)
    n, k = mat.shape
    if 0 in (n, k) and beta != 0 and tuple(input.shape) != (n,):
        # torch: an empty product returns beta * input in input's own shape ((1,) or ()), not (n,)
        beta = bool(beta) if input.dtype == bool_ else _gemm_scalar(beta, input.dtype)
        return _fused(Addmv, input, mat, vec, beta, 0, input.dtype, tuple(input.shape), resized=True)
    return _addmv(Addmv, input, mat, vec, beta, alpha)


def mv(input, vec, *, out=None):
    """Matrix-vector product: ``(n, m) @ (m,) -> (n,)``.

    >>> import scratchnet as sn
    >>> sn.mv(sn.eye(2) * 3, sn.tensor([1.0, 2.0])).tolist()
    [3.0, 6.0]
    """
    n = _size(input, 0)  # torch makes the result (input.size(0),) first
    _check_mv(Tensor._make(xp.zeros((n,), vec.dtype)), input, vec)  # then checks mv as addmv
    return _addmv(Mv, _none_input(input), input, vec, 0, 1)


def _addr_scalar(value, name, dtype):
    if dtype.kind in "iub" and isinstance(value, float):
        raise RuntimeError(f"For integral input tensors, argument {name} must not be a floating point number.")
    if isinstance(value, bool) and dtype != bool_:
        raise RuntimeError(f"Boolean {name} only supported for Boolean results.")


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)``, elementwise: dtypes promote as in ``+``; on
    bools ``(beta and input) or (alpha and vec1[i] and vec2[j])``.

    >>> import scratchnet as sn
    >>> sn.addr(sn.zeros(2, 2), sn.tensor([1.0, 2.0]), sn.tensor([3.0, 4.0])).tolist()
    [[3.0, 4.0], [6.0, 8.0]]
    """
    for name, t in (("vec1", vec1), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {t.ndim}-D")
    shape = (vec1.shape[0], vec2.shape[0])
    _expandable(input, shape)
    dtype = promote_types(promote_types(input.dtype, vec1.dtype), vec2.dtype)  # input is expanded first: no 0-d tier
    _addr_scalar(beta, "beta", dtype)
    _addr_scalar(alpha, "alpha", dtype)
    return _fused(Addr, input, vec1, vec2, beta, alpha, dtype, shape, skip_zero_alpha=False)


def outer(input, vec2, *, out=None):
    """Outer product ``input[i] * vec2[j]`` of two vectors (torch records it as a Mul).

    >>> import scratchnet as sn
    >>> sn.outer(sn.tensor([1, 2]), sn.tensor([3, 4, 5])).tolist()
    [[3, 4, 5], [6, 8, 10]]
    """
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return mul(input.reshape(-1, 1), vec2)


ger = outer


class Dot(Function):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.asarray(xp.dot(a, b))

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Vdot(Dot):
    pass


def _check_dot(a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have the same number of "
            f"elements, but got {a.shape[0]} and {b.shape[0]} elements respectively"
        )
    if a.dtype != b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_T(a.dtype)} and {_T(b.dtype)}")
    if a.dtype == bool_:
        raise not_implemented("dot", bool_)


def dot(input, tensor, *, out=None):
    """``sum(input * tensor)`` for two 1-D tensors of one size and dtype.

    >>> import scratchnet as sn
    >>> sn.dot(sn.tensor([1.0, 2.0]), sn.tensor([3.0, 4.0])).item()
    11.0
    """
    _check_dot(input, tensor)
    return Dot.apply(input, tensor)


def vdot(input, other, *, out=None):
    """``sum(conj(input) * other)``; on real tensors the same as :func:`dot`.

    >>> import scratchnet as sn
    >>> sn.vdot(sn.tensor([1.0, 2.0]), sn.tensor([3.0, 4.0])).item()
    11.0
    """
    _check_dot(input, other)
    return Vdot.apply(input, other)


def inner(input, other, *, out=None):
    """Sum over the last dims: ``out[i..., j...] = sum_k input[i..., k] * other[j..., k]``
    (a 0-d operand multiplies).

    >>> import scratchnet as sn
    >>> sn.inner(sn.ones(2, 3), sn.ones(4, 3)).shape
    scratchnet.Size([2, 4])
    """
    if input.ndim == 0 or other.ndim == 0:
        return mul(input, other)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got shapes {list(input.shape)} and {list(other.shape)}"
        )
    return tensordot(input, other, dims=([-1], [-1]))


METHODS = {name: globals()[name] for name in __all__}

# tensordot (used by inner) and the helpers scratchnet.linalg takes from here
from .products_more import _linalg_cross, _multi_dot, tensordot  # noqa: E402, F401
