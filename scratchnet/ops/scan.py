"""Scans (running reductions along one dim): cumsum, cumprod, cummax, cummin, logcumsumexp.

Output i along ``dim`` combines inputs 0..i. The backward of a running sum is a running sum
from the other end (:func:`reverse_cumsum`); the others build on it. Every backward is written
with Tensor ops, so second derivatives work.

>>> import scratchnet as sn
>>> x = sn.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> x.cumsum(dim=0)
tensor([1., 3., 6.], grad_fn=<CumsumBackward0>)
>>> x.cumsum(dim=0).sum().backward()
>>> x.grad
tensor([3., 2., 1.])
"""

from .. import return_types
from ..backend import FLOAT_DTYPES, fast_where, xp
from ..tensor import Function, Tensor, _wrap_dim, is_grad_enabled
from .reduce import TakeAlong, accumulation_dtype, dim_alias, index_result, quiet, torch_name

__all__ = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"]  # (others_product: a helper of prod)


def _scan_dim(input, dim):
    return _wrap_dim(dim, input.ndim)


def _position(shape, dim):
    """0, 1, 2, ... along ``dim``, shaped to broadcast against ``shape``."""
    return xp.arange(shape[dim]).reshape([-1 if i == dim else 1 for i in range(len(shape))])


def _wide(x):
    """torch accumulates float32 scans in float64 (so 1e30 * 3e38 * 0 is 0, not NaN)."""
    return xp.float64 if x.dtype == xp.float32 else x.dtype


def reverse_cumsum(grad, dim):
    """sum_{j >= i} grad_j along ``dim``: the running sum from the far end."""
    return grad if grad.ndim == 0 else ReverseCumsum.apply(grad, dim=dim)


class Cumsum(Function):
    def forward(ctx, x, dim):
        ctx.dim = dim
        return x.copy() if x.ndim == 0 else xp.cumsum(x, axis=dim, dtype=_wide(x)).astype(x.dtype)

    def backward(ctx, grad):
        return reverse_cumsum(grad, ctx.dim)


class ReverseCumsum(Function):
    """The running sum from the last element back: the backward of cumsum (and cumsum is its)."""

    def forward(ctx, x, dim):
        ctx.dim = dim
        flipped = xp.flip(x, axis=dim)
        return xp.flip(xp.cumsum(flipped, axis=dim, dtype=_wide(x)), axis=dim).astype(x.dtype)

    def backward(ctx, grad):
        return Cumsum.apply(grad, dim=ctx.dim)


@dim_alias
def cumsum(input, dim, *, dtype=None):
    """Running sum along ``dim``; bool and ints sum as int64 (or as ``dtype``).

    >>> import scratchnet as sn
    >>> sn.tensor([[1, 2], [3, 4]]).cumsum(dim=1)
    tensor([[1, 3],
            [3, 7]])
    """
    input = accumulation_dtype(input, dtype)
    if input.dtype == xp.bool_:  # (dtype=bool: torch has no bool kernel)
        raise NotImplementedError("\"cumsum_out_cpu\" not implemented for 'Bool'")
    return Cumsum.apply(input, dim=_scan_dim(input, dim))


class Cumprod(Function):
    """Running product. Before the first zero z of a row, d out_i / d x_k = out_i / x_k; at z it is
    (product before z) times the running product after z; past z it is 0 (torch's rule)."""

    def forward(ctx, x, dim):
        ctx.dim = dim
        out = x.copy() if x.ndim == 0 else xp.cumprod(x, axis=dim, dtype=_wide(x)).astype(x.dtype)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if x.numel() <= 1 or x.shape[ctx.dim] == 1:
            return grad  # torch's shortcut (so a NaN or inf alone passes the gradient through)
        dim, zero = ctx.dim, x.array == 0
        if not zero.any():
            return reverse_cumsum(grad * out, dim) / x
        if is_grad_enabled():  # a graph of the gradient is wanted (create_graph)
            return _cumprod_grad_exact(x, grad, dim)
        from .math import where

        zeros_so_far = xp.cumsum(zero, axis=dim)
        before = Tensor._make(zeros_so_far == 0)  # [0, first zero)
        upto_second = zeros_so_far == 1  # [first zero, second zero)
        position = _position(x.shape, dim)
        first = xp.argmax(upto_second, axis=dim, keepdims=True)
        at = upto_second & (position == first)
        between = Tensor._make(upto_second & ~at)
        grad_before = where(before, reverse_cumsum(where(before, grad * out, 0.0), dim) / where(before, x, 1.0), 0.0)
        # at the first zero z: prod_{j<z} x_j * sum_{z<=i<z2} grad_i prod_{z<j<=i} x_j
        prefix = where(Tensor._make(xp.broadcast_to(position == first - 1, x.shape)), out, 0.0).sum(dim=dim, keepdim=True)
        prefix = where(Tensor._make(first > 0), prefix, 1.0)
        tail = Cumprod.apply(where(between, x, 1.0), dim=dim)
        grad_at = where(Tensor._make(at), (where(Tensor._make(upto_second), grad, 0.0) * tail).sum(dim=dim, keepdim=True) * prefix, 0.0)
        return grad_before + grad_at


@dim_alias
def cumprod(input, dim, *, dtype=None):
    """Running product along ``dim``; bool and ints multiply as int64. Zeros have torch's gradient.

    >>> import scratchnet as sn
    >>> sn.tensor([2.0, 3.0, 0.0, 4.0]).cumprod(dim=0)
    tensor([2., 6., 0., 0.])
    """
    input = accumulation_dtype(input, dtype)
    if input.dtype == xp.bool_:  # (dtype=bool: torch has no bool kernel)
        raise NotImplementedError("\"cumprod_out_cpu\" not implemented for 'Bool'")
    return Cumprod.apply(input, dim=_scan_dim(input, dim))


def exclusive_cumprod(t, dim):
    """prod_{j<k} t_j along ``dim``: ``t`` shifted one place with a 1 in front, then a running
    product (exact at zeros, unlike cumprod / t)."""
    from .math import where

    position = xp.broadcast_to(_position(t.shape, dim), t.shape)
    shifted = where(Tensor._make(position > 0), TakeAlong.apply(t, indices=xp.maximum(position - 1, 0), dim=dim), 1.0)
    return Cumprod.apply(shifted, dim=dim)  # (where, not a product with a 0/1 mask: inf * 0 is NaN)


def others_product(x, dim):
    """For each k along ``dim``, the product of every other element: (product before k) times
    (product after k), two running products, so exact (and twice differentiable) with zeros."""
    flip = x.shape[dim] - 1 - xp.broadcast_to(_position(x.shape, dim), x.shape)
    after = TakeAlong.apply(exclusive_cumprod(TakeAlong.apply(x, indices=flip, dim=dim), dim), indices=flip, dim=dim)
    return exclusive_cumprod(x, dim) * after


def _cumprod_grad_exact(x, grad, dim):
    """d/dx_m sum_i grad_i out_i = (prod_{j<m} x_j) * sum_{i>=m} grad_i prod_{m<j<=i} x_j, built from
    an n x n table of running products: O(n^2), but differentiable again where x has zeros."""
    from .math import where

    n = x.shape[dim]
    m = xp.arange(n).reshape([n if a == dim else 1 for a in range(x.ndim + 1)])
    i = xp.arange(n).reshape([n if a == dim + 1 else 1 for a in range(x.ndim + 1)])
    table = list(x.shape)
    table.insert(dim, n)
    factors = where(Tensor._make(xp.broadcast_to(i > m, table)), x.unsqueeze(dim).expand(tuple(table)), 1.0)
    runs = Cumprod.apply(factors, dim=dim + 1)  # runs[m, i] = prod_{m<j<=i} x_j
    tails = (grad.unsqueeze(dim) * runs * Tensor._make((i >= m).astype(x.dtype))).sum(dim=dim + 1)
    return exclusive_cumprod(x, dim) * tails


class Cummax(TakeAlong):
    backward_name = "CummaxBackward0"


class Cummin(TakeAlong):
    backward_name = "CumminBackward0"


def _running_extreme(input, dim, largest):
    d = _scan_dim(input, dim)
    name = "cummax" if largest else "cummin"
    if input.ndim == 0:
        index = xp.zeros((), xp.int64)
    else:
        a = input.array
        running = (xp.maximum if largest else xp.minimum).accumulate(a, axis=d)
        hit = a == running
        if a.dtype.kind == "f":
            hit |= xp.isnan(a) & xp.isnan(running)
        index = xp.maximum.accumulate(fast_where(hit, _position(a.shape, d), 0), axis=d)
    values = (Cummax if largest else Cummin).apply(input, indices=index, dim=d, keepdim=True)
    result = return_types.cummax if largest else return_types.cummin
    return result(values, index_result(index, d, True, input.ndim))


@dim_alias
def cummax(input, dim):
    """Running maximum along ``dim`` and where it was found (the latest index on a tie); a NaN,
    once seen, is the maximum from then on. The gradient goes to those indices.

    >>> import scratchnet as sn
    >>> sn.tensor([1.0, 3.0, 2.0, 3.0]).cummax(dim=0)
    scratchnet.return_types.cummax(
    values=tensor([1., 3., 3., 3.]),
    indices=tensor([0, 1, 1, 3]))
    """
    return _running_extreme(input, dim, True)


@dim_alias
def cummin(input, dim):
    """Running minimum along ``dim`` and its indices; see :func:`cummax`."""
    return _running_extreme(input, dim, False)


class Logcumsumexp(Function):
    """log(cumsum(exp(x))) via ``logaddexp.accumulate``; d out_i / d x_k = exp(x_k - out_i) for k <= i.

    The backward shifts by each row's final value (the largest), so exp never overflows there.
    """

    def forward(ctx, x, dim):
        ctx.dim = dim
        # torch's CPU scan accumulates float32 in float64 (an ulp of out moves exp(x - out) by 0.1% at 1e4)
        out = x.copy() if x.ndim == 0 else xp.logaddexp.accumulate(x.astype(xp.float64), axis=dim).astype(x.dtype)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if x.ndim == 0 or x.numel() == 0:
            return grad
        from .math import where

        # torch's formula: the positive and negative parts of grad in log space, each through a
        # reversed logcumsumexp (so inf/NaN land where torch's do)
        lowest = Tensor._make(xp.asarray(xp.finfo(grad.dtype).min, dtype=grad.dtype))
        with quiet():  # log(0) and inf - inf are expected here (torch warns about neither)
            log_abs = grad.abs().log()
            parts = [where(sign, log_abs, lowest) - out for sign in (grad > 0, grad < 0)]
            pos, neg = [(Logcumsumexp.apply(p.flip(ctx.dim), dim=ctx.dim).flip(ctx.dim) + x).exp() for p in parts]
            return pos - neg


@dim_alias
def logcumsumexp(input, dim):
    """log(cumsum(exp(input))) along ``dim``, without overflow (floating input only, as torch).

    >>> import scratchnet as sn
    >>> sn.tensor([0.0, 0.0, 1000.0], dtype=sn.float64).logcumsumexp(dim=0).tolist()
    [0.0, 0.6931471805599453, 1000.0]
    """
    if input.dtype not in FLOAT_DTYPES:
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for '{torch_name(input.dtype)}'")
    with quiet():
        return Logcumsumexp.apply(input, dim=_scan_dim(input, dim))


METHODS = {name: globals()[name] for name in __all__}

