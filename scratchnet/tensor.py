"""Tensor and the autograd engine.

A :class:`Tensor` holds an array (``.array``) and, when it was made by a differentiable op while
gradients were being recorded, the node that made it (``.grad_fn``). Each node is a
:class:`Function`: its ``forward`` computes on arrays, its ``backward`` turns the gradient of its
output into gradients of its inputs using scratchnet's own Tensor ops, so that a backward pass can
itself be recorded (``create_graph=True``) and differentiated again.

``backward()`` walks the graph iteratively in topological order, hands each node the sum of the
gradients flowing into its output, undoes broadcasting in one place (:func:`unbroadcast`) and
accumulates into the leaves' ``.grad``.

>>> import scratchnet as sn
>>> x = sn.ones(3, 3, requires_grad=True)
>>> out = ((x + 5) * (x + 5)).mean()
>>> out
tensor(36., grad_fn=<MeanBackward0>)
>>> out.backward()
>>> x.grad[0, 0].item()
1.3333333730697632
"""

import builtins
import functools
import weakref

from .backend import FLOAT_DTYPES, SUPPORTED_DTYPES, xp

# ----------------------------------------------------------------------------------------------
# Dtypes and promotion
# ----------------------------------------------------------------------------------------------

# The dtype table and torch's promotion rules live in scratchnet/dtypes.py; the names are
# re-exported here, where the rest of the engine has always found them.
from . import dtypes as _dtypes
from .dtypes import (  # noqa: F401
    bool_, can_cast, check_dtype, float32, float64, get_default_dtype, int32, int64,
    promote_types, result_type, uint8,
)
from .dtypes import category as _category  # noqa: F401

_default_dtype = float32  # kept in step with dtypes' default (Tensor.__repr__ reads it)


def set_default_dtype(dtype):
    """Make Python floats become ``dtype`` (float32 or float64), as ``torch.set_default_dtype``."""
    global _default_dtype
    _dtypes.set_default_dtype(dtype)
    _default_dtype = _dtypes.get_default_dtype()


# ----------------------------------------------------------------------------------------------
# Grad mode
# ----------------------------------------------------------------------------------------------

_grad_enabled = True


def is_grad_enabled():
    return _grad_enabled


class _GradMode:
    """Base of no_grad / enable_grad: a context manager and a decorator."""

    mode = True

    def __enter__(self):
        global _grad_enabled
        self.prev, _grad_enabled = _grad_enabled, self.mode
        return self

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self.prev

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Ops inside record no graph.

    >>> import scratchnet as sn
    >>> x = sn.ones(2, requires_grad=True)
    >>> with sn.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    mode = False


class enable_grad(_GradMode):
    """Ops inside record the graph, even within ``no_grad``."""

    mode = True


class set_grad_enabled(_GradMode):
    """Switch recording on or off now (as a call) or within a ``with`` block, as in torch."""

    def __init__(self, mode):
        global _grad_enabled
        self.mode = builtins.bool(mode)
        self.prev, _grad_enabled = _grad_enabled, self.mode

    def __enter__(self):
        return self

    def __call__(self, fn):
        global _grad_enabled
        _grad_enabled = self.prev  # used as a decorator: undo the switch made in __init__
        return super().__call__(fn)


# ----------------------------------------------------------------------------------------------
# Function: one node of the graph
# ----------------------------------------------------------------------------------------------

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling backward."
)


class Function:
    """An op with a forward on arrays and a backward on Tensors.

    Subclasses write ``forward(ctx, *arrays, **params) -> array`` and
    ``backward(ctx, grad) -> grad or tuple of grads`` (one per input, None where there is none).
    ``ctx.save_for_backward(...)`` keeps arrays for the backward; ``ctx.saved_tensors`` returns
    them as Tensors: an input comes back as that very input Tensor and the output as a Tensor whose
    ``grad_fn`` is this node, so a backward written with Tensor ops stays differentiable.

    >>> import scratchnet as sn
    >>> class Cube(Function):
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     def backward(ctx, grad):
    ...         x, = ctx.saved_tensors
    ...         return grad * 3 * x * x
    >>> x = sn.tensor(2.0, requires_grad=True)
    >>> y = Cube.apply(x)
    >>> y.backward(); x.grad.item()
    12.0
    """

    def __init__(self):
        self.inputs = ()
        self.needs_input_grad = ()
        self._to_save = ()
        self._saved = None
        self._freed = False
        self._retained = None  # weakref to an output Tensor that called retain_grad()

    @classmethod
    def apply(cls, *inputs, **params):
        ctx = cls()
        out = ctx.forward(*[t.array for t in inputs], **params)
        requires_grad = _grad_enabled and any(t.requires_grad for t in inputs)
        result = Tensor._make(out, requires_grad=requires_grad, grad_fn=ctx if requires_grad else None)
        for t in inputs:  # a view shares its base's version counter, so in-place edits are seen
            if out is t.array or (isinstance(out, xp.ndarray) and out.base is not None and xp.may_share_memory(out, t.array)):
                result._version = t._version
                break
        if requires_grad:
            ctx.inputs = inputs
            ctx.needs_input_grad = tuple(t.requires_grad for t in inputs)
            ctx.out_shape = tuple(result.array.shape)
            ctx._pack_saved(inputs, out, result)
        return result

    def forward(ctx, *arrays, **params):
        raise NotImplementedError

    def backward(ctx, grad):
        raise NotImplementedError

    def name(self):
        """torch's name for this node, e.g. ``AddBackward0``."""
        return getattr(type(self), "backward_name", type(self).__name__ + "Backward0")

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    @property
    def next_functions(self):
        """The nodes that made this node's inputs (None for leaves), as in torch."""
        return tuple((t.grad_fn, 0) for t in self.inputs)

    # --- saving values for the backward ---------------------------------------------------------

    def save_for_backward(ctx, *arrays):
        ctx._to_save = arrays

    def _pack_saved(self, inputs, out, result):
        saved = []
        for a in self._to_save:
            kind = next((("input", t, t._version[0]) for t in inputs if a is t.array), None)
            if kind is None and a is out:
                kind = ("output", weakref.ref(result), out, result._version)
            saved.append(kind or ("const", a))
        self._saved, self._to_save = saved, ()

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        return tuple(self._unpack(s) for s in self._saved or ())

    def _unpack(self, s):
        if s[0] == "input":
            _, t, version = s
            if t._version[0] != version:
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: [{t.dtype}{list(t.shape)}] is at version {t._version[0]}; "
                    f"expected version {version} instead (the input of {self.name()})"
                )
            return t
        if s[0] == "output":
            _, _, array, version = s
            if version[0] != 0:
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: the output of {self.name()} is at version {version[0]}; "
                    f"expected version 0 instead"
                )
            return Tensor._make(array, requires_grad=True, grad_fn=self)
        return Tensor._make(s[1])

    def _release(self):
        self._saved, self._freed = None, True


# ----------------------------------------------------------------------------------------------
# Broadcasting, undone in one place
# ----------------------------------------------------------------------------------------------


def broadcast_shapes(*shapes):
    """The shape that ``shapes`` broadcast to, or an error like torch's naming the clash.

    >>> broadcast_shapes((2, 1), (3,))
    (2, 3)
    >>> broadcast_shapes((2, 3), (4,))
    Traceback (most recent call last):
    ...
    RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1 (shapes (2, 3) and (4,))
    """
    out = ()
    for shape in shapes:
        ndim = max(len(out), len(shape))
        a = (1,) * (ndim - len(out)) + tuple(out)
        b = (1,) * (ndim - len(shape)) + tuple(shape)
        for i, (m, n) in enumerate(zip(a, b)):
            if m != n and m != 1 and n != 1:
                raise RuntimeError(
                    f"The size of tensor a ({m}) must match the size of tensor b ({n}) at "
                    f"non-singleton dimension {i} (shapes {tuple(out)} and {tuple(shape)})"
                )
        out = tuple(builtins.max(m, n) if m != 1 else n for m, n in zip(a, b))
    return out


def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``: the backward of broadcasting an input of that shape.

    Leading dimensions that broadcasting added are summed away; dimensions of size 1 that it
    stretched are summed with keepdim. Written with Tensor ops, so it is differentiable too.

    >>> import scratchnet as sn
    >>> unbroadcast(sn.ones(2, 3), (3,)).tolist()
    [2.0, 2.0, 2.0]
    """
    shape = tuple(shape)
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    if dims:
        grad = grad.sum(dim=dims, keepdim=True)
    return grad.reshape(shape)


# ----------------------------------------------------------------------------------------------
# The backward walk
# ----------------------------------------------------------------------------------------------


def topological_order(roots):
    """Every node reachable from ``roots``, each before the nodes that made its inputs.

    Iterative (an explicit stack), so a graph 100,000 nodes deep needs no recursion.
    """
    order, visited = [], set()
    stack = [(node, False) for node in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        stack.extend((t.grad_fn, False) for t in node.inputs if t.grad_fn is not None and t.grad_fn not in visited)
    order.reverse()
    return order


def _fit(grad, like):
    """A gradient for tensor ``like``: broadcasting undone, cast to its dtype."""
    grad = unbroadcast(grad, like.shape)
    return grad if grad.dtype == like.dtype else grad.to(like.dtype)


#: Callables ``hook(node, grad_output, grad_inputs)`` that every backward pass calls at each node
#: (``scratchnet.trace`` adds one while it records).
BACKWARD_HOOKS = []


def run_backward(outputs, grad_outputs, inputs=None, retain_graph=False, create_graph=False, hooks=()):
    """Propagate ``grad_outputs`` from ``outputs`` back through the graph.

    With ``inputs=None`` gradients accumulate into the leaves' ``.grad`` (``Tensor.backward``);
    otherwise they are returned for ``inputs`` and no ``.grad`` is touched (``autograd.grad``).
    ``hooks`` are callables ``hook(node, grad_output, grad_inputs)`` called at every node visited,
    in order (used by :mod:`scratchnet.trace`).
    """
    pending = {}  # node -> gradient of its output, summed over every use
    leaf_grads = {}  # id(leaf) -> (leaf, gradient)
    wanted = {}  # node -> tensors among `inputs` made by that node
    for t in inputs or ():
        if t.grad_fn is not None:
            wanted.setdefault(t.grad_fn, []).append(t)

    def deliver(t, g):
        if t.grad_fn is not None:
            pending[t.grad_fn] = g if t.grad_fn not in pending else pending[t.grad_fn] + g
        else:
            prev = leaf_grads.get(id(t))
            leaf_grads[id(t)] = (t, g if prev is None else prev[1] + g)

    hooks = tuple(hooks) + tuple(BACKWARD_HOOKS)
    with set_grad_enabled(create_graph):
        for t, g in zip(outputs, grad_outputs):
            deliver(t, g)
        for node in topological_order([t.grad_fn for t in outputs if t.grad_fn is not None]):
            grad = pending.pop(node, None)
            if grad is None:
                continue
            for t in wanted.get(node, ()):
                leaf_grads[id(t)] = (t, grad)
            kept = node._retained() if node._retained is not None else None
            if kept is not None and inputs is None:
                kept.grad = grad if create_graph else grad.detach()
            grads = node.backward(grad)
            if not isinstance(grads, tuple):
                grads = (grads,)
            if len(grads) != len(node.inputs):
                raise RuntimeError(f"{node.name()} returned {len(grads)} gradients for {len(node.inputs)} inputs")
            if not retain_graph:
                node._release()
            fitted = [
                _fit(g, t) if (need and g is not None) else None
                for t, g, need in zip(node.inputs, grads, node.needs_input_grad)
            ]
            for hook in hooks:
                hook(node, grad, fitted)
            for t, g in zip(node.inputs, fitted):
                if g is not None:
                    deliver(t, g)

    if inputs is not None:
        return leaf_grads
    for t, g in leaf_grads.values():
        if not t.requires_grad:
            continue
        g = g if create_graph else Tensor._make(xp.array(g.array, copy=True))
        t.grad = g if t.grad is None else t.grad + g
    while POST_BACKWARD_CALLBACKS:  # e.g. DistributedDataParallel averaging the gradients
        POST_BACKWARD_CALLBACKS.pop(0)()
    return None


#: Functions to call once, when the next ``.backward()`` has put every gradient in place
#: (torch's ``queue_callback``); :class:`scratchnet.nn.parallel.DistributedDataParallel` queues
#: its gradient all-reduce here.
POST_BACKWARD_CALLBACKS = []


# ----------------------------------------------------------------------------------------------
# Tensor
# ----------------------------------------------------------------------------------------------


class Tensor:
    """An n-dimensional array that can record the ops applied to it.

    Build one with :func:`scratchnet.tensor` (or ``zeros``, ``randn``, ...). Arithmetic, indexing
    and the ops in :mod:`scratchnet.ops` are attached as methods, with torch's names.

    >>> import scratchnet as sn
    >>> a = sn.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> b = (a * a).sum()
    >>> b.backward()
    >>> a.grad
    tensor([[2., 4.],
            [6., 8.]])
    """

    __slots__ = ("array", "grad", "grad_fn", "_requires_grad", "_version", "__weakref__", "__dict__")
    __array_ufunc__ = None  # `ndarray + Tensor` calls Tensor.__radd__ instead of numpy's loop
    __hash__ = object.__hash__  # hashable by identity (optimizer state is keyed by parameter)

    def __init__(self, data, dtype=None, requires_grad=False):
        array = _as_array(data, dtype)
        self.array = array
        self.grad = None
        self.grad_fn = None
        self._requires_grad = False
        self._version = [0]
        self.requires_grad = requires_grad

    @classmethod
    def _make(cls, array, requires_grad=False, grad_fn=None):
        """Wrap an array the engine produced, without copying or checking it."""
        t = object.__new__(cls)
        t.array = array if isinstance(array, xp.ndarray) else xp.asarray(array)
        t.grad = None
        t.grad_fn = grad_fn
        t._requires_grad = requires_grad
        t._version = [0]
        return t

    # --- autograd attributes --------------------------------------------------------------------

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        flag = builtins.bool(flag)
        if flag and self.dtype not in FLOAT_DTYPES:
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients (got {self.dtype})"
            )
        if self.grad_fn is not None and not flag:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        self._requires_grad = flag

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn._retained = weakref.ref(self)

    @property
    def retains_grad(self):
        return self.grad_fn is not None and self.grad_fn._retained is not None and self.grad_fn._retained() is self

    def detach(self):
        """The same values (shared, not copied), cut off from the graph."""
        t = Tensor._make(self.array)
        t._version = self._version
        return t

    def detach_(self):
        self.grad_fn = None
        self._requires_grad = False
        return self

    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``.

        A scalar needs no ``gradient``; a non-scalar needs one of its shape (the vector of the
        vector-Jacobian product).
        """
        if not self.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        gradient = _grad_output(self, gradient)
        retain_graph = create_graph if retain_graph is None else retain_graph
        run_backward([self], [gradient], retain_graph=retain_graph, create_graph=create_graph)

    # --- shape and dtype ------------------------------------------------------------------------

    @property
    def shape(self):
        return Size(self.array.shape)

    @property
    def ndim(self):
        return self.array.ndim

    def dim(self):
        return self.array.ndim

    @property
    def dtype(self):
        return self.array.dtype

    @property
    def device(self):
        """Where the values live: always ``device(type='cpu')`` (NumPy)."""
        from ._device import CPU

        return CPU

    @property
    def is_cuda(self):
        return False

    def size(self, dim=None):
        if dim is None:
            return self.shape
        return self.array.shape[_wrap_dim(dim, self.ndim)]

    def numel(self):
        return int(self.array.size)

    def element_size(self):
        return self.array.itemsize

    def is_floating_point(self):
        return self.dtype in FLOAT_DTYPES

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self)))

    # --- values out -----------------------------------------------------------------------------

    @property
    def data(self):
        """torch's ``.data``: the values as a Tensor outside the graph (storage shared)."""
        return self.detach()

    @data.setter
    def data(self, other):
        self.array = other.array if isinstance(other, Tensor) else _as_array(other, None)

    def numpy(self):
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self.array

    def item(self):
        if self.array.size != 1:
            raise RuntimeError(f"a Tensor with {self.array.size} elements cannot be converted to Scalar")
        return self.array.item()

    def tolist(self):
        return self.array.tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self.array.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self.array.size} values is ambiguous")
        return builtins.bool(self.array.item())

    def __index__(self):
        if self.dtype.kind not in "iu" or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.array.item())

    def __array__(self, dtype=None, copy=None):
        return self.array if dtype is None else self.array.astype(dtype)

    def __repr__(self):
        """As torch prints (see :mod:`scratchnet._tensor_str`)."""
        from ._tensor_str import tensor_repr

        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        from ._tensor_str import tensor_format

        return tensor_format(self, spec)

    # --- in-place edits (bump the version counter, so a stale saved tensor is caught) ------------

    def _check_inplace(self):
        if _grad_enabled and self.requires_grad and self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")

    def _write(self, values):
        self._check_inplace()
        self.array[...] = values.array if isinstance(values, Tensor) else values
        self._version[0] += 1
        return self

    def copy_(self, src):
        return self._write(src)

    def zero_(self):
        return self._write(0)

    def fill_(self, value):
        return self._write(value)

    def add_(self, other, alpha=1):
        other = other.array if isinstance(other, Tensor) else other
        return self._write(self.array + alpha * other)

    def sub_(self, other, alpha=1):
        other = other.array if isinstance(other, Tensor) else other
        return self._write(self.array - alpha * other)

    def mul_(self, other):
        return self._write(self.array * (other.array if isinstance(other, Tensor) else other))

    def div_(self, other):
        return self._write(self.array / (other.array if isinstance(other, Tensor) else other))

    def uniform_(self, a=0.0, b=1.0):
        from .backend import rng

        return self._write(rng().uniform(a, b, self.shape))

    def normal_(self, mean=0.0, std=1.0):
        from .backend import rng

        return self._write(rng().normal(mean, std, self.shape))

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_


class Size(tuple):
    """A shape, printed as torch prints one: ``scratchnet.Size([2, 3])``."""

    def __repr__(self):
        return f"scratchnet.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


def _wrap_dim(dim, ndim):
    """A dim in ``[-ndim, ndim)`` as a non-negative index, or torch's IndexError."""
    lo, hi = -builtins.max(ndim, 1), builtins.max(ndim, 1) - 1
    if not isinstance(dim, (int, xp.integer)) or isinstance(dim, builtins.bool):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if not lo <= dim <= hi:
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
    return int(dim) % builtins.max(ndim, 1)


def _as_array(data, dtype):
    """Array-like -> array with a supported dtype, as ``torch.tensor`` reads data.

    NumPy arrays and NumPy scalars keep their dtype (``np.float64(.5)`` makes float64); Python
    floats, and lists holding them, become the default dtype; Python ints int64, bools bool. With
    ``dtype`` given, ints wrap into a narrower integer dtype as torch's do (-1 -> 255 in uint8).
    """
    if isinstance(data, Tensor):
        array = data.array
    elif isinstance(data, xp.ndarray):
        array = data
    elif isinstance(data, xp.generic):
        array = xp.asarray(data)
    else:
        if isinstance(data, int) and not isinstance(data, builtins.bool) and not -(2**63) <= data < 2**63:
            raise ValueError(f"Overflow when unpacking long long: {data} does not fit in int64")
        try:
            array = xp.asarray(data)
        except (ValueError, TypeError, OverflowError) as e:
            raise type(e)(f"could not make a tensor from {type(data).__name__}: {e}") from None
        if array.dtype == float64 and dtype is None and not _holds_numpy_float64(data):
            array = array.astype(_default_dtype)
    if dtype is not None:
        dtype = check_dtype(dtype)
        if dtype == int32 and array.dtype == int64 and not isinstance(data, (xp.ndarray, Tensor)) and array.size:
            if array.min() < -(2**31) or array.max() >= 2**31:
                raise RuntimeError("value cannot be converted to type int32 without overflow")
        if array.dtype != dtype:
            with xp.errstate(over="ignore", invalid="ignore"):
                if dtype.kind in "iu" and array.dtype.kind in "iu":
                    array = array.astype(xp.int64).astype(dtype)  # wraps around, as torch's casts
                else:
                    array = array.astype(dtype)
    check_dtype(array.dtype)
    return array


def _holds_numpy_float64(data):
    """Whether nested lists hold a NumPy float64 scalar (torch then keeps float64)."""
    if isinstance(data, (xp.floating, xp.ndarray)):
        return data.dtype == float64
    if isinstance(data, (list, tuple)):
        return any(_holds_numpy_float64(d) for d in data)
    return False


def _grad_output(t, gradient):
    """The gradient handed to ``t`` at the start of backward, checked against its shape."""
    if gradient is None:
        if t.array.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs; this output has shape "
                f"{tuple(t.shape)}: pass a gradient of that shape, e.g. out.backward(gradient=...)"
            )
        return Tensor._make(xp.ones_like(t.array))
    gradient = gradient if isinstance(gradient, Tensor) else Tensor(gradient, dtype=t.dtype)
    if gradient.shape != t.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output has a shape of {tuple(gradient.shape)} and output has "
            f"a shape of {tuple(t.shape)}"
        )
    return gradient
