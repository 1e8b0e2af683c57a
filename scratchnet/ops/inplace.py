"""In-place ops (``add_``, ``mul_``, ``x[i] = v``, ``+=``, ...) recorded in the graph as torch does.

Every in-place op is its out-of-place twin run on a stand-in for the tensor's old value, then
written back (:func:`apply_inplace`):

1. ``old`` = a Tensor that shares ``self``'s memory and history (its ``grad_fn``) but is a new
   object, so the graph can refer to "self before the edit";
2. ``new = op(old)`` with ordinary, differentiable ops (if a node saves ``old`` for its backward,
   ``old`` switches to a copy of its values at that moment, since the memory is about to change);
3. the values of ``new`` are written into ``self``'s memory, the version counter that ``self``
   shares with its base and views goes up, and ``self``'s ``grad_fn`` becomes ``new``'s.

**Views: the CopySlices idea.** When ``self`` is a view of a base (``b[0:2]``, ``b.t()``, ...) the
write lands in the base's memory, so the *base*'s history must change too. The view is rebuilt
from a stand-in of the old base (replaying the view ops), the op runs on that, and the base gets
a ``CopySlices`` node: "the old base with the view's region replaced by the new values". Its
backward sends the gradient of the base to two places: to the old base with the view's region
zeroed (those elements were overwritten), and to the new values as the view of the gradient
(which flows on through the op to the old view, and so back into the old base's region). The view
itself gets a fresh ``grad_fn`` the next time it is used, replayed from the base's new history.

Saved tensors are checked against the shared version counter: a value that a backward needs and
that was changed in place since makes backward fail with torch's error instead of lying.

>>> import scratchnet as sn
>>> x = sn.ones(3, requires_grad=True)
>>> y = x * 1
>>> y[0] = 5.0
>>> y
tensor([5., 1., 1.], grad_fn=<CopySlices>)
>>> y.sum().backward(); x.grad
tensor([0., 1., 1.])
"""

from ..backend import xp
from ..dtypes import fill_scalar
from ..dtypes import torch_name
from ..tensor import _MULTI_VIEW_ADVICE, Function, Tensor, _can_cast, broadcast_shapes, is_grad_enabled

__all__ = []


def _dtype_name(dtype):
    return torch_name(dtype)


def _replay(t, chain):
    """The view ``chain`` ((Function, params), ...) applied to ``t``: the same view, differentiably."""
    for cls, params in chain:
        t = cls.apply(t, **params)
    return t


def _replay_array(array, chain):
    """The same view of a plain array (no graph): each view op's forward on arrays."""
    for cls, params in chain:
        array = cls().forward(array, **params)
    return array


def _stand_in(t):
    """A new Tensor for ``t``'s old value: same memory and history, its own identity."""
    old = Tensor._make(t.array, t.requires_grad, t.grad_fn)
    old._standin = True
    return old


_SELF_OVERLAP_ERROR = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation."
)


_VIEW_OF_LEAF_ERROR = "a view of a leaf Variable that requires grad is being used in an in-place operation."
_NO_GRAD_VIEW_ERROR = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
    "your code by moving both the view and the inplace either both inside the no_grad block "
    "(if you don't want the inplace to be tracked) or both outside (if you want the inplace "
    "to be tracked)."
)


def _internal_overlap(a):
    # (a contiguous array has no stride-0 dim of size > 1: the flag answers the common case in C)
    return a.size > 1 and not a.flags.c_contiguous and any(s == 0 and n > 1 for s, n in zip(a.strides, a.shape))


def _write(dst, src):
    """``dst[...] = src``; into an expanded ``dst`` (one cell behind several elements) only the
    elements that change are written, in order, as torch's index_put_ and masked_fill_ do."""
    if _internal_overlap(dst):
        changed = ~((dst == src) | (xp.isnan(dst) & xp.isnan(src)) if dst.dtype.kind == "f" else dst == src)
        dst[changed] = xp.broadcast_to(src, dst.shape)[changed]
    else:
        dst[...] = src


def _check_target(self, overlap_ok=False):
    """torch's refusals of an in-place op, before anything is computed."""
    if is_grad_enabled():
        if self._multi_view is not None and self.requires_grad:
            i, name = self._multi_view
            raise RuntimeError(f"Output {i} of {name} is a view and is being modified inplace. " + _MULTI_VIEW_ADVICE)
        base = self._base if self._base is not None else self
        if base._requires_grad and base._grad_fn is None:
            if self._base is not None:
                raise RuntimeError(_VIEW_OF_LEAF_ERROR)
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        if self._base is not None and self._base._grad_fn is None and self.requires_grad:
            raise RuntimeError(_VIEW_OF_LEAF_ERROR)  # e.g. a view of a base that was detach_()ed since
        if self._made_in_no_grad and (self.requires_grad or (self._base is not None and self._base.requires_grad)):
            raise RuntimeError(_NO_GRAD_VIEW_ERROR)
    if not overlap_ok and _internal_overlap(self.array):
        raise RuntimeError(_SELF_OVERLAP_ERROR)


def _dense(a):
    """Every element in its own memory cell and no gaps (any order of dims), as torch's
    non-overlapping-and-dense."""
    if a.size <= 1:
        return True
    span = sum((n - 1) * abs(s) for n, s in zip(a.shape, a.strides)) + a.itemsize
    return all(s != 0 for n, s in zip(a.shape, a.strides) if n > 1) and span == a.size * a.itemsize


def overlap(x, y, ones_free=False):
    """torch's overlap status of two tensors: "none", "full" (the same elements in the same
    layout: sizes, strides and start), "partial", or "too hard" (one of them is not dense: torch
    then lets it through)."""
    if x is y:  # torch: a tensor against itself is a full overlap, even an empty or expanded one
        return "full"
    a, b = x.array, y.array
    if not xp.may_share_memory(a, b):
        return "none"
    if not (_dense(a) and _dense(b)):
        return "too hard"
    if x.data_ptr() != y.data_ptr() or a.nbytes != b.nbytes:
        return "partial"
    if a.size == 1 or not ones_free or a.shape == b.shape:
        return "full" if a.shape == b.shape and x.stride() == y.stride() else "partial"
    # x[None] = x: torch's copy into the view lets size-1 dims differ (as observed)
    layout = lambda t: [(n, s) for n, s in zip(t.shape, t.stride()) if n != 1]  # noqa: E731
    return "full" if layout(x) == layout(y) else "partial"


OVERLAP_ERROR = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
    "single memory location. Please clone() the tensor before performing the operation."
)


def _check_overlap_with(self, args):
    """torch refuses an input that shares part of the written tensor's memory in another layout."""
    for other in args:
        if isinstance(other, Tensor) and overlap(self, other) == "partial":
            raise RuntimeError(OVERLAP_ERROR)


def _fit_result(self, new, check_cast):
    """``new`` checked against ``self``'s shape and cast to its dtype, as torch writes a result."""
    if not isinstance(new, Tensor):
        new = Tensor._make(xp.asarray(new, dtype=self.dtype))
    if new.array.shape != self.array.shape:
        try:
            shape = broadcast_shapes(self.shape, new.shape)
        except RuntimeError:
            shape = tuple(new.shape)
        if shape != tuple(self.shape):
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(shape)}")
        new = new.expand(self.shape)
    if new.dtype != self.dtype:
        if check_cast and not _can_cast(new.dtype, self.dtype):
            raise RuntimeError(
                f"result type {_dtype_name(new.dtype)} can't be cast to the desired output type {_dtype_name(self.dtype)}"
            )
        new = new.to(self.dtype)
    return new


def _differentiable(new, old, name, args=()):
    """torch keeps an in-place result in the graph even where the op has no gradient (``eq_``
    on a tensor that requires grad): the old values and tensor arguments get zero gradients."""
    if new._grad_fn is None and is_grad_enabled():
        inputs = [old] + [a for a in args if isinstance(a, Tensor) and a.requires_grad]
        if old.requires_grad or len(inputs) > 1:
            new = NoGradient.apply(*inputs, value=new.array)
            new._grad_fn.backward_name = name
    return new


class NoGradient(Function):
    """``value``, as a node whose inputs all get a zero gradient (comparisons written in place)."""

    def forward(ctx, *arrays, value):
        return value.copy()

    def backward(ctx, grad):
        return tuple(_zeros_like(grad) for _ in ctx.inputs)  # zeros even where grad is inf/NaN, as torch


def apply_inplace(self, op, check_cast=True, name="Backward0", args=(), overlap_ok=False):
    """``self <- op(self)`` recorded as torch records an in-place op; returns ``self``.

    See the module docstring for the steps and the CopySlices idea. ``check_cast=False`` lets any
    cast through (``copy_`` and ``x[i] = v`` cast like an assignment; ``add_`` and the others may
    not turn a float result into an integer tensor).
    """
    _check_target(self, overlap_ok)
    _check_overlap_with(self, args)
    base, chain = self._base, self._view_chain
    if base is not None and chain is not None and is_grad_enabled() and base._requires_grad:
        old_base = _stand_in(base)
        old_view = _replay(old_base, chain)
        new = _differentiable(_fit_result(self, op(old_view), check_cast), old_view, name, args)
        node = new._grad_fn
        base_new = CopySlices.apply(old_base, new, chain=chain)
        self._bump_version()
        _rebase(base, base_new._grad_fn)  # self's grad_fn: regenerated lazily
    else:
        old = _stand_in(self)
        new = _differentiable(_fit_result(self, op(old), check_cast), old, name, args)
        if self._made_in_no_grad and new.requires_grad and is_grad_enabled():
            raise RuntimeError(_NO_GRAD_VIEW_ERROR)  # a value that requires grad into a no_grad view
        node = new._grad_fn
        if new.requires_grad and is_grad_enabled() and base is not None and chain is not None:
            # a view of a base outside the graph gets a value that requires grad: the base
            # joins the graph through CopySlices (as `zeros(3)[1:].add_(w)` in torch)
            _check_target(self, overlap_ok)
            base_new = CopySlices.apply(_stand_in(base), new, chain=chain)
            self._bump_version()
            _rebase(base, base_new._grad_fn)
        else:
            if new.array is not self.array:
                _write(self.array, new.array)
            self._bump_version()
            if is_grad_enabled() and (node is not None or self._grad_fn is not None or self._requires_grad):
                _rebase(self, node)
                if base is not None and chain is not None:
                    self._view_version = self._version_counter[0]
    if node is not None:
        node._rebind_output(self)
    return self


def _rebase(t, node):
    """``t``'s history is now ``node``; a ``retain_grad()`` moves along, as in torch."""
    old = t._grad_fn
    if old is not None and old._retained is not None and old._retained() is t and node is not None:
        node._retained, old._retained = old._retained, None
    t._grad_fn, t._requires_grad = node, node is not None


class CopySlices(Function):
    """``base`` with the region that view ``chain`` selects replaced by ``value``, written into
    ``base``'s memory. Backward: the gradient with that region zeroed goes to the old base, the
    region itself (the view of the gradient) to ``value``.
    """

    backward_name = "CopySlices"
    writes_input = True

    def forward(ctx, base, value, chain):
        ctx.chain = chain
        region = _replay_array(base, chain)
        ctx.overlapping = _internal_overlap(region)  # an expanded view: its backward is refused
        _write(region, value)
        return base

    def backward(ctx, grad):
        need_base, need_value = ctx.needs_input_grad
        if ctx.overlapping:
            raise RuntimeError(_SELF_OVERLAP_ERROR)  # torch's backward writes through the expanded view too
        grad_base = ZeroRegion.apply(grad, chain=ctx.chain) if need_base else None
        return grad_base, (_replay(grad, ctx.chain) if need_value else None)


class ZeroRegion(Function):
    """A copy of ``x`` with the region that view ``chain`` selects set to zero (linear, so its
    backward is itself)."""

    backward_name = "CopySlices"

    def forward(ctx, x, chain):
        ctx.chain = chain
        out = x.copy()
        _replay_array(out, chain)[...] = 0
        return out

    def backward(ctx, grad):
        return ZeroRegion.apply(grad, chain=ctx.chain)


class Fill(Function):
    """``x`` overwritten by ``value`` (a Tensor broadcast to x's shape): the node of ``zero_``,
    ``fill_`` and ``copy_``. The old values get no gradient; ``value`` gets the gradient."""

    def forward(ctx, x, value):
        ctx.value_shape = value.shape
        return xp.broadcast_to(value.astype(x.dtype, copy=False), x.shape).copy()

    def backward(ctx, grad):
        need_x, need_value = ctx.needs_input_grad
        return (_zeros_like(grad) if need_x else None), (grad if need_value else None)


def _zeros_like(grad):
    """torch's ``zeros_like(grad)`` gradient (not ``grad * 0``, which is NaN where grad is inf)."""
    return Tensor._make(xp.zeros(grad.shape, grad.dtype))


def _fill(name):
    def fill(old, value):
        value = value if isinstance(value, Tensor) else Tensor._make(fill_scalar(value, old.dtype))
        out = Fill.apply(old, value)
        if out.grad_fn is not None:
            out.grad_fn.backward_name = name
        return out

    return fill


def zero_(self):
    """Fill with zeros, in place (torch's ``zero_``: ZeroBackward0, no gradient to the old values)."""
    return self._apply_inplace(lambda old: _fill("ZeroBackward0")(old, 0), overlap_ok=True)


def fill_(self, value):
    """Fill with ``value`` (a number or a 0-d Tensor), in place."""
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(
            f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions."
        )
    name = "FillBackward3" if isinstance(value, Tensor) else "FillBackward2"
    return self._apply_inplace(lambda old: _fill(name)(old, value), check_cast=False, overlap_ok=True)


def copy_(self, src, non_blocking=False):
    """Copy ``src``'s values (broadcast to self's shape, cast to self's dtype) into self."""
    if isinstance(src, xp.ndarray):
        src = Tensor._make(src)  # engine code copies arrays in
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    try:
        broadcast_shapes(self.shape, src.shape)
        ok = broadcast_shapes(self.shape, src.shape) == tuple(self.shape)
    except RuntimeError:
        ok = False
    if not ok:
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast shape "
            f"{list(src.shape) if src.ndim >= self.ndim else list(self.shape)}"
        )
    if src.requires_grad and self.dtype.kind not in "fc":
        src = src.detach()  # a copy into an integer tensor is outside the graph, as in torch
    return self._apply_inplace(lambda old: _fill("CopyBackwards")(old, src), check_cast=False, args=(src,))


#: In-place ops torch records but cannot differentiate (its message names the op at backward).
_NO_INPLACE_DERIVATIVE = {"acosh": "acosh", "arccosh": "acosh", "asinh": "asinh", "arcsinh": "asinh", "atanh": "atanh", "arctanh": "atanh"}


def _refuse_backward(op):
    def backward(grad):
        raise NotImplementedError(f"the derivative for 'inplace version of {op}' is not implemented.")

    return backward


#: In-place ops that torch lets write into an expanded tensor (one memory cell behind several
#: elements): it only warns that this is deprecated. The others refuse (scatter_, index_add_, ...).
_EXPANDED_TARGET_OK = {"index_put", "index_fill"}


#: In-place ops torch does not record at all: the values change (and the version), the tensor
#: keeps its grad_fn, so gradients flow as if it still held the old values (even on a leaf).
_UNRECORDED = {"logical_and", "logical_or", "logical_xor", "logical_not"}
_COMPARISONS = {"eq", "ne", "lt", "le", "gt", "ge"}


def _write_unrecorded(self, new):
    if _internal_overlap(self.array):
        raise RuntimeError(_SELF_OVERLAP_ERROR)
    new = _fit_result(self, new, check_cast=False)
    _write(self.array, new.array.astype(self.dtype, copy=False))
    self._bump_version()
    return self


def _inplace_of(name):
    """The in-place form of Tensor method ``name``: ``x.name_(*args)`` = ``x <- x.name(*args)``.

    The out-of-place op is looked up when called, so an op family added later gets its in-place
    form from one line in METHODS below.
    """

    node_name = "".join(part.capitalize() for part in name.split("_")) + "Backward0"

    def method(self, *args, **kwargs):
        if name == "float_power" and str(self.dtype) != "float64":
            raise RuntimeError(f"the base given to float_power_ has dtype {torch_name(self.dtype)} but the operation's result requires dtype Double")
        if name in _UNRECORDED:
            return _write_unrecorded(self, getattr(self.detach(), name)(*args, **kwargs))
        node = node_name
        if name in _COMPARISONS and args and isinstance(args[0], Tensor):
            node = node_name[:-1] + "1"  # torch: EqBackward0 against a number, EqBackward1 a tensor
        def op(old):
            new = getattr(old, name)(*args, **kwargs)
            if name in _NO_INPLACE_DERIVATIVE and new.grad_fn is not None:  # the op's own node (a view's
                new.grad_fn.backward = _refuse_backward(_NO_INPLACE_DERIVATIVE[name])  # CopySlices wraps it)
            return new

        return self._apply_inplace(op, name=node, args=args, overlap_ok=name in _EXPANDED_TARGET_OK)

    method.__name__ = name + "_"
    method.__doc__ = f"In place ``{name}``: ``x.{name}_(...)`` writes ``x.{name}(...)`` into ``x`` (recorded in the graph)."
    return method


def _inplace_operator(name):
    def method(self, other):
        out = getattr(Tensor, name, None)
        if out is None:
            return NotImplemented  # Python then tries the plain operator, and reports it missing
        return self._apply_inplace(lambda old: out(old, other), args=(other,))

    return method


def masked_fill_(self, mask, value):
    """Write ``value`` where ``mask`` is True, in place."""
    if hasattr(Tensor, "masked_fill"):
        return self._apply_inplace(lambda old: old.masked_fill(mask, value), check_cast=False, overlap_ok=True)
    from .math import where

    return self._apply_inplace(lambda old: where(mask, value, old), check_cast=False, overlap_ok=True)


#: Ops whose in-place form is their out-of-place op written back (``x.add_(y)`` = x <- x.add(y)).
#: One line per op: a later op family adds its in-place form here.
_FROM_OUT_OF_PLACE = [
    "add", "sub", "mul", "div", "pow", "neg", "exp", "log", "log1p", "sqrt", "abs", "sin", "cos",
    "sign", "clamp", "clip", "sigmoid", "tanh", "relu", "true_divide",
    "multiply", "subtract", "divide", "square", "rsqrt", "reciprocal", "floor", "ceil", "round",
    "trunc", "frac", "exp2", "expm1", "log2", "log10", "tan", "asin", "acos", "atan", "sinh",
    "cosh", "asinh", "acosh", "atanh", "atan2", "erf", "erfc", "lerp", "addcmul", "addcdiv",
    "floor_divide", "remainder", "fmod", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
    "bitwise_left_shift", "bitwise_right_shift", "logical_and", "logical_or", "logical_not",
    "logical_xor", "index_put", "index_add", "index_copy", "index_fill", "scatter", "scatter_add",
    "scatter_reduce", "masked_scatter", "tril", "triu", "nan_to_num", "clamp_min", "clamp_max",
    "fix", "negative", "xlogy", "hypot", "copysign", "sgn", "deg2rad", "rad2deg", "float_power", "mvlgamma",
    "digamma", "lgamma", "sinc", "logit", "heaviside", "eq", "ne", "lt", "le", "gt", "ge",
    "greater", "less", "greater_equal", "less_equal", "not_equal", "renorm",
    "erfinv", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "arctan2", "absolute",
    "baddbmm", "addmm", "addmv", "addbmm", "addr", "cumsum", "cumprod",
]

#: Python's augmented assignments, each the in-place form of its operator.
_AUGMENTED = {
    "__iadd__": "__add__", "__isub__": "__sub__", "__imul__": "__mul__", "__itruediv__": "__truediv__",
    "__ifloordiv__": "__floordiv__", "__imod__": "__mod__", "__ipow__": "__pow__", "__iand__": "__and__",
    "__ior__": "__or__", "__ixor__": "__xor__", "__ilshift__": "__lshift__", "__irshift__": "__rshift__",
    "__imatmul__": "__matmul__",
}

METHODS = {name + "_": _inplace_of(name) for name in _FROM_OUT_OF_PLACE}
METHODS.update({name: _inplace_operator(op) for name, op in _AUGMENTED.items()})
METHODS.update({
    "zero_": zero_, "fill_": fill_, "copy_": copy_, "masked_fill_": masked_fill_,
})  # the random fills (uniform_, normal_, bernoulli_, ...) are scratchnet/random.py's
