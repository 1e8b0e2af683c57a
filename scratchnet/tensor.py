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
import operator
import weakref

from .backend import FLOAT_DTYPES, SUPPORTED_DTYPES, quiet_fp_errors, restore_fp_errors, xp

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
from .dtypes import WRAP as _WRAP_DTYPE
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
    """Whether ops record the graph now (False inside ``no_grad``).

    >>> import scratchnet as sn
    >>> with sn.no_grad():
    ...     sn.is_grad_enabled()
    False
    """
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
    ``grad_fn`` is this node, so a backward written with Tensor ops stays differentiable. A forward
    runs with NumPy's floating-point warnings off (x / 0, exp(1000): inf or NaN silently, as torch).

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

    # Defaults every node reads until apply records its own (class attributes: a node costs less).
    inputs = ()
    edges = ()  # the grad_fn of each input when this node was made (None for a leaf)
    needs_input_grad = ()
    _to_save = ()
    _saved = None
    _freed = False
    _retained = None  # weakref to an output Tensor that called retain_grad()
    _hooks = None  # hooks registered on the output Tensor (Tensor.register_hook)

    #: True for ops whose output is a view of their first input's memory (reshape, slicing, ...).
    is_view = False
    #: True for ops whose forward writes into their first input's memory and returns it (CopySlices).
    writes_input = False
    #: True for basic indexing (``GetItemBasic``: ctx.in_shape, ctx.index), whose gradient the
    #: backward walk adds straight into the base's (``run_backward``'s deliver_slice).
    _slice_of_base = False

    @classmethod
    def apply(cls, *inputs, **params):
        ctx = cls()
        requires_grad = False
        for t in inputs:
            if t._view_chain is not None and t._view_version != t._version_counter[0]:
                t._regenerate_grad_fn()  # a view whose base was changed in place: a fresh grad_fn
            if t._requires_grad:
                requires_grad = _grad_enabled
        # set before forward, so that forward saves only what the needed gradients use
        ctx.needs_input_grad = tuple(map(_requires_grad_of, inputs)) if requires_grad else (False,) * len(inputs)
        token = quiet_fp_errors()  # torch's kernels never warn (see backend)
        try:
            out = raw = ctx.forward(*map(_array_of, inputs), **params)
        finally:
            restore_fp_errors(token)
        if type(out) is not xp.ndarray:
            out = xp.asarray(out)
        if ctx.is_view:
            result = Tensor._make(out, requires_grad, ctx if requires_grad else None)
            _mark_view(result, inputs[0], cls, params)
        else:
            if not ctx.writes_input:
                if out.base is not None and builtins.any(xp.may_share_memory(out, t._array) for t in inputs):
                    out = out.copy()  # only declared views may alias an input's memory
                elif out.ndim > 1 and not out.flags.c_contiguous and not _keeps_layout(out, inputs):
                    out = xp.ascontiguousarray(out)  # a new tensor is row-major, as torch's are
            result = Tensor._make(out, requires_grad, ctx if requires_grad else None)
        if requires_grad:
            if out.dtype.kind not in "fc" and builtins.any(t._requires_grad and t._array.dtype.kind not in "fc" for t in inputs):
                # an integer tensor that requires grad (torch's fill_/gt_ make one) used by an op
                # with an integer result: torch refuses to record that result
                raise RuntimeError(f"Autograd not support dtype: {_dtypes.torch_name(out.dtype)}")
            ctx.inputs = inputs
            # the nodes that made the inputs, captured now: an in-place op later rebases the
            # input Tensor's grad_fn, but this node still depends on the value it had here
            ctx.edges = tuple(map(_grad_fn_of, inputs))
            ctx.out_shape = out.shape
            if ctx._to_save:
                ctx._pack_saved(inputs, raw, result)
        return result

    def forward(ctx, *arrays, **params):
        raise NotImplementedError

    def backward(ctx, grad):
        raise NotImplementedError

    def name(self):
        """torch's name for this node, e.g. ``AddBackward0`` (a node may set its own)."""
        return getattr(self, "backward_name", None) or type(self).__name__ + "Backward0"

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    @property
    def next_functions(self):
        """The nodes that made this node's inputs (None for leaves), as in torch."""
        return tuple((fn, 0) for fn in self.edges)

    # --- saving values for the backward ---------------------------------------------------------

    def save_for_backward(ctx, *arrays):
        ctx._to_save = arrays

    def _pack_saved(self, inputs, out, result):
        """Record what forward saved: an input as that Tensor (with its version), the output
        (``out`` as forward returned it) as a reference to ``result``, anything else as a constant."""
        saved = []
        for a in self._to_save:
            kind = None
            if a is None:
                kind = ("none",)  # a value this node's needed gradients do not use
            for t in inputs if kind is None else ():
                if a is t._array:
                    if t._standin:  # the old self of an in-place op: keep its values, not its memory
                        t._array, t._standin = t._array.copy(), False
                    kind = ("input", t, t._version_counter[0])
                    break
            if kind is None and a is out:
                kind = ("output", weakref.ref(result), result._array, result._version_counter, result._version_counter[0])
            saved.append(kind or ("const", a))
        if SAVED_TENSORS_HOOKS and SAVED_TENSORS_HOOKS[-1][0] is not None:  # graph.saved_tensors_hooks: the innermost pair packs
            saved = [_hook_saved(self._unpack(s)) if s[0] in ("input", "output") else s for s in saved]
        self._saved, self._to_save = saved, ()

    def _rebind_output(self, tensor):
        """An in-place op wrote this node's output into ``tensor``: a saved output is now that
        tensor's memory, checked against its version from here on (as torch checks ``exp_``)."""
        if self._saved:
            counter = tensor._version_counter
            self._saved = [
                ("output", weakref.ref(tensor), tensor._array, counter, counter[0]) if s[0] == "output" else s
                for s in self._saved
            ]

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        return tuple(self._unpack(s) for s in self._saved or ())

    def _unpack(self, s):
        if s[0] == "input":
            _, t, version = s
            if t._version_counter[0] != version:
                raise RuntimeError(_modified_message(t, version, f"the input of {self.name()}"))
            return t
        if s[0] == "output":
            _, ref, array, counter, version = s
            if counter[0] != version:
                raise RuntimeError(_modified_message(Tensor._make(array), version, f"output 0 of {self.name()}", counter[0]))
            return Tensor._make(array, requires_grad=True, grad_fn=self)
        if s[0] == "none":
            return None
        if s[0] == "hooked":
            return s[1](s[2])
        return Tensor._make(s[1])

    def _release(self):
        self._saved, self._freed = None, True


#: The active ``(pack_hook, unpack_hook)`` pairs of ``torch.autograd.graph.saved_tensors_hooks``
#: (scratchnet/autograd/graph.py); the last one applies. A pair ``(None, message)`` is
#: ``disable_saved_tensors_hooks(message)`` (no hooks apply; entering new ones is refused).
SAVED_TENSORS_HOOKS = []


def _hook_saved(tensor):
    """A saved tensor as the innermost hooks keep it: ``("hooked", unpack_hook, pack_hook(tensor))``."""
    pack, unpack = SAVED_TENSORS_HOOKS[-1]
    return ("hooked", unpack, pack(tensor))


# t.array, t._requires_grad, t._grad_fn of each input, read in C (Function.apply runs per op)
_array_of, _requires_grad_of, _grad_fn_of = (operator.attrgetter(n) for n in ("_array", "_requires_grad", "_grad_fn"))

_MULTI_VIEW_ADVICE = (
    "This view is the output of a function that returns multiple views. Such functions do not allow "
    "the output views to be modified inplace. You should replace the inplace operation by an out-of-place one."
)


def _keeps_layout(out, inputs):
    """An elementwise result laid out like its input (NumPy's order "K"): torch keeps such a
    layout too (``(x.t() * 2).is_contiguous()`` is False in both)."""
    order = lambda a: sorted((d for d in range(a.ndim) if a.shape[d] != 1), key=lambda d: -a.strides[d])  # noqa: E731
    return builtins.any(t._array.shape == out.shape and order(t._array) == order(out) for t in inputs)


def _modified_message(t, version, what, now=None):
    now = t._version_counter[0] if now is None else now
    return (
        f"one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{_dtypes.torch_name(t.dtype)}Tensor {list(t.shape)}], which is {what}, "
        f"is at version {now}; expected version {version} instead. Hint: the tensor was changed in "
        f"place after the op that needs it; use an out-of-place op (or .clone()) instead."
    )


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
        out = tuple(m if n == 1 else n for m, n in zip(a, b))  # a size of 0 broadcasts with 1 to 0
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
        stack.extend((fn, False) for fn in node.edges if fn is not None and fn not in visited)
    order.reverse()
    return order


def _fit(grad, like):
    """A gradient for tensor ``like``: broadcasting undone, cast to its dtype."""
    if grad._array.shape != like._array.shape:
        grad = unbroadcast(grad, like.shape)
    return grad if grad._array.dtype == like._array.dtype else grad.to(like.dtype)


#: Callables ``hook(node, grad_output, grad_inputs)`` that every backward pass calls at each node
#: (``scratchnet.trace`` adds one while it records).
BACKWARD_HOOKS = []


def run_backward(outputs, grad_outputs, inputs=None, retain_graph=False, create_graph=False, hooks=()):
    """Propagate ``grad_outputs`` from ``outputs`` back through the graph.

    With ``inputs=None`` gradients accumulate into the leaves' ``.grad`` (``Tensor.backward``);
    otherwise they are returned for ``inputs`` and no ``.grad`` is touched (``autograd.grad``).
    ``hooks`` are callables ``hook(node, grad_output, grad_inputs)`` called at every node visited,
    in order (used by :mod:`scratchnet.trace`). NumPy's floating-point warnings are off for the
    walk, as they are in every forward (torch never warns on an overflow).
    """
    token = quiet_fp_errors()
    try:
        return _walk_backward(outputs, grad_outputs, inputs, retain_graph, create_graph, hooks)
    finally:
        restore_fp_errors(token)


def _walk_backward(outputs, grad_outputs, inputs, retain_graph, create_graph, hooks):
    pending = {}  # node -> gradient of its output, summed over every use
    leaf_grads = {}  # id(leaf) -> (leaf, gradient)
    wanted = {}  # node -> tensors among `inputs` made by that node
    for t in inputs or ():
        if t.grad_fn is not None:
            wanted.setdefault(t.grad_fn, []).append(t)

    # Summing a tensor's gradients over its uses: the second use makes a new array (the first may
    # be shared: Add's backward hands one gradient to both inputs); later uses add into that one
    # in place, as does a slice's gradient (below). ``owned``: the sums this walk made itself.
    owned = set()

    def summed(t, fn):
        if fn is not None:
            return pending.get(fn)
        prev = leaf_grads.get(id(t))
        return None if prev is None else prev[1]

    def store(t, fn, g):
        if fn is not None:
            pending[fn] = g
        else:
            leaf_grads[id(t)] = (t, g)

    def deliver(t, fn, g):
        prev = summed(t, fn)
        if prev is None:
            store(t, fn, g)
        elif not create_graph and (fn or id(t)) in owned and prev._array.shape == g._array.shape and prev._array.dtype == g._array.dtype:
            prev._array += g._array
        else:
            store(t, fn, prev + g)
            if not create_graph:
                owned.add(fn or id(t))

    def deliver_slice(node, g):
        """A view's gradient (x[basic index], unbind, split, ...) added straight into its base's
        sum: without this, each of T slices would make a base-sized array of zeros to sum."""
        t, fn = node.inputs[0], node.edges[0]
        prev = summed(t, fn)
        if prev is None or (fn or id(t)) not in owned or prev._array.dtype != t._array.dtype:
            base = xp.zeros(node.in_shape, dtype=t._array.dtype) if prev is None else xp.array(prev._array, dtype=t._array.dtype, copy=True)
            prev = Tensor._make(base)
            store(t, fn, prev)
            owned.add(fn or id(t))
        prev._array[node.index] += g._array

    hooks = tuple(hooks) + tuple(BACKWARD_HOOKS)
    with set_grad_enabled(create_graph):
        for t, g in zip(outputs, grad_outputs):
            deliver(t, t.grad_fn, g)
        order = topological_order([t.grad_fn for t in outputs if t.grad_fn is not None])
        needed = None if inputs is None else _leading_to(order, inputs)
        for node in order:
            grad = pending.pop(node, None)
            if grad is None:
                continue
            if node._hooks:  # Tensor.register_hook on the tensor this node made
                grad = _call_hooks(node._hooks, grad)
            for t in wanted.get(node, ()):
                leaf_grads[id(t)] = (t, grad)
            if needed is not None and node not in needed:
                continue  # autograd.grad: no input lies behind this node
            kept = node._retained() if node._retained is not None else None
            if kept is not None and inputs is None:
                kept._grad = grad if create_graph else grad.detach()
            if node._slice_of_base and not create_graph and not hooks and node.needs_input_grad[0]:
                deliver_slice(node, grad)
                if not retain_graph:
                    node._release()
                continue
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
            for t, fn, g in zip(node.inputs, node.edges, fitted):
                if g is not None:
                    deliver(t, fn, g)

    for key, (t, g) in leaf_grads.items():
        if t.grad_fn is None and t.__dict__.get("_hooks"):
            leaf_grads[key] = (t, _call_hooks(t._hooks, g))
    if inputs is not None:
        return leaf_grads
    for t, g in leaf_grads.values():
        if not t.requires_grad:
            continue
        g = g if create_graph else Tensor._make(xp.array(g._array, copy=True))
        t._grad = g if t._grad is None else t._grad + g
        for hook in list(t.__dict__.get("_post_accumulate_hooks", {}).values()):
            hook(t)  # register_post_accumulate_grad_hook: the leaf, its .grad now in place
    while POST_BACKWARD_CALLBACKS:  # e.g. DistributedDataParallel averaging the gradients
        POST_BACKWARD_CALLBACKS.pop(0)()
    return None


#: Functions to call once, when the next ``.backward()`` has put every gradient in place
#: (torch's ``queue_callback``); :class:`scratchnet.nn.parallel.DistributedDataParallel` queues
#: its gradient all-reduce here.
POST_BACKWARD_CALLBACKS = []


def _leading_to(order, inputs):
    """The nodes of ``order`` (a topological order) from which some of ``inputs`` can be reached:
    the only ones ``autograd.grad`` has to run, as torch runs no other."""
    leaves = {id(t) for t in inputs if t.grad_fn is None}
    targets = {t.grad_fn for t in inputs if t.grad_fn is not None}
    needed = set()
    for node in reversed(order):  # the nodes behind a node come after it in order
        for t, fn in zip(node.inputs, node.edges):
            if (fn is None and id(t) in leaves) or fn in needed or fn in targets:
                needed.add(node)
                break
    return needed


def _call_hooks(hooks, grad):
    """Call each hook with the gradient; a hook that returns a Tensor replaces it."""
    for hook in list(hooks.values()):
        out = hook(grad)
        grad = grad if out is None else out
    return grad


class RemovableHandle:
    """What ``register_hook`` returns: ``.remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks):
        self.hooks, self.id = hooks, RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self):
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


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

    # ``array`` and ``grad`` are properties over these slots (a slot carries no ``__doc__``); the
    # engine's hot paths (Function.apply, _make) read and write the slots themselves
    __slots__ = ("_array", "_grad", "_grad_fn", "_requires_grad", "_version_counter", "__weakref__", "__dict__")
    __array_ufunc__ = None  # `ndarray + Tensor` calls Tensor.__radd__ instead of numpy's loop
    __hash__ = object.__hash__  # hashable by identity (optimizer state is keyed by parameter)

    # A view (see _mark_view) sets these on itself; every other tensor reads these defaults.
    _base = None  # the tensor whose memory a view looks at (torch's ``._base``)
    _view_chain = None  # ((Function, params), ...) that remake the view from its base, differentiably
    _view_version = 0  # the version at which the view's grad_fn was last made
    _standin = False  # True on the stand-in for a tensor's old self during an in-place op
    _made_in_no_grad = False  # a view made under no_grad of a base that requires grad
    _multi_view = None  # (i, name) for output i of unbind/split/chunk: torch refuses writing them

    def __init__(self, *args, device=None):
        """``torch.Tensor(...)``, the legacy constructor: ``Tensor(2, 3)`` is an uninitialised
        (here: zero) 2x3 tensor, ``Tensor([1, 2])`` holds the values in the default float dtype,
        ``Tensor()`` is empty. (``scratchnet.tensor(data)`` infers the dtype, as torch's.)

        >>> import scratchnet as sn
        >>> sn.Tensor(2, 3).shape, sn.Tensor([1, 2]).dtype
        (scratchnet.Size([2, 3]), scratchnet.float32)
        """
        made = Tensor._legacy_new(*args, device=device)  # scratchnet/creation.py
        self._setup(made._array, None, False)

    @classmethod
    def _wrap(cls, data, dtype=None, requires_grad=False):
        """The engine's constructor: a tensor over ``data`` (an array, a Tensor's values, or a
        Python value) in ``dtype`` (or the data's own), checked and made contiguous."""
        t = object.__new__(cls)
        t._setup(data, dtype, requires_grad)
        return t

    def _setup(self, data, dtype, requires_grad):
        array = _as_array(data, dtype)
        self._array = array
        self._grad = None
        self._grad_fn = None
        self._requires_grad = False
        self._version_counter = [0]
        self.requires_grad = requires_grad

    @classmethod
    def _make(cls, array, requires_grad=False, grad_fn=None):
        """Wrap an array the engine produced, without copying or checking it."""
        t = object.__new__(cls)
        t._array = array if isinstance(array, xp.ndarray) else xp.asarray(array)
        t._grad = None
        t._grad_fn = grad_fn
        t._requires_grad = requires_grad
        t._version_counter = [0]
        return t

    @property
    def array(self):
        """The NumPy array holding the tensor's values: shape and dtype are the tensor's, memory is
        shared with every view of it (``t.array[0] = 5`` changes ``t`` and its views, outside the
        graph). Unlike ``numpy()``, it is given even while the tensor requires grad.

        >>> import scratchnet as sn
        >>> sn.arange(3).array
        array([0, 1, 2])
        """
        return self._array

    @array.setter
    def array(self, value):
        self._array = value

    @property
    def grad(self):
        """The gradient dL/dt that ``backward()`` accumulated into this leaf (same shape and dtype
        as the tensor), or None: a tensor that does not require grad, a non-leaf without
        ``retain_grad()``, or after ``optimizer.zero_grad()``. Assignable, as in torch.

        >>> import scratchnet as sn
        >>> x = sn.tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward(); x.grad   # d(x^2)/dx = 2x
        tensor([2., 4.])
        """
        return self._grad

    @grad.setter
    def grad(self, value):
        self._grad = value

    # --- autograd attributes --------------------------------------------------------------------

    @property
    def grad_fn(self):
        """The node that made this tensor (None for a leaf). A view whose base was changed in
        place since gets a fresh one first (torch makes it lazily too)."""
        if self._view_chain is not None and self._view_version != self._version_counter[0]:
            self._regenerate_grad_fn()
        return self._grad_fn

    @grad_fn.setter
    def grad_fn(self, node):
        self._grad_fn = node

    @property
    def requires_grad(self):
        """Whether autograd records operations on this tensor (settable on leaves; only floating
        tensors may require grad, as in torch).

        >>> import scratchnet as sn
        >>> x = sn.ones(2, requires_grad=True)
        >>> x.requires_grad, (x * 2).requires_grad, x.detach().requires_grad
        (True, True, False)
        """
        if self._view_chain is not None and self._view_version != self._version_counter[0]:
            if self._multi_view is not None:  # its grad_fn cannot be remade (torch raises there)
                return self._requires_grad or self._base._requires_grad
            self._regenerate_grad_fn()
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
        """Set ``requires_grad`` in place and return ``self`` (only leaves can stop requiring grad).

        >>> import scratchnet as sn
        >>> sn.ones(2).requires_grad_().requires_grad
        True
        """
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        """True for a tensor no recorded op made (``grad_fn is None``): backward fills ``.grad``
        only on leaves that require grad.

        >>> import scratchnet as sn
        >>> x = sn.ones(2, requires_grad=True)
        >>> x.is_leaf, (x * 2).is_leaf
        (True, False)
        """
        return self.grad_fn is None

    @property
    def _version(self):
        """How many in-place edits this tensor's memory has seen (shared by a base and its views)."""
        return _Version(self._version_counter)

    def _regenerate_grad_fn(self):
        """Remake a view's grad_fn from its base's current history: replay the view ops on the
        base (torch names the node it makes this way AsStridedBackward0)."""
        global _grad_enabled
        base = self._base
        if self._multi_view is not None and base._requires_grad:
            i, name = self._multi_view
            raise RuntimeError(
                f"Output {i} of {name} is a view and its base or another view of its base has been modified inplace. "
                + _MULTI_VIEW_ADVICE
            )
        self._view_version = self._version_counter[0]
        if not base._requires_grad:
            self._grad_fn, self._requires_grad = None, False
            return
        t, mode, _grad_enabled = base, _grad_enabled, True
        try:
            for cls, params in self._view_chain:
                t = cls.apply(t, **params)
        finally:
            _grad_enabled = mode
        t._grad_fn.backward_name = "AsStridedBackward0"
        self._grad_fn, self._requires_grad = t._grad_fn, True

    def register_hook(self, hook):
        """Call ``hook(grad)`` with this tensor's gradient during backward; a returned tensor
        replaces the gradient. Returns a handle whose ``.remove()`` unregisters the hook.

        >>> import scratchnet as sn
        >>> x = sn.ones(2, requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 10)
        >>> (x * 3).sum().backward(); x.grad
        tensor([30., 30.])
        >>> h.remove()
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node = self.grad_fn
        if node is None:
            hooks = self.__dict__.setdefault("_hooks", {})
        else:
            if node._hooks is None:
                node._hooks = {}
            hooks = node._hooks
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` on this leaf each time backward has accumulated its ``.grad``
        (an optimizer step per parameter during backward, as torch's tutorial does). Returns a
        handle whose ``.remove()`` unregisters it.

        >>> import scratchnet as sn
        >>> w = sn.ones(2, requires_grad=True)
        >>> seen = []
        >>> h = w.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.tolist()))
        >>> (w * 3).sum().backward(); seen
        [[3.0, 3.0]]
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        hooks = self.__dict__.setdefault("_post_accumulate_hooks", {})
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn._retained = weakref.ref(self)

    @property
    def retains_grad(self):
        """True after ``retain_grad()`` on a non-leaf: backward then keeps its ``.grad`` too.

        >>> import scratchnet as sn
        >>> y = sn.ones(2, requires_grad=True) * 2
        >>> before = y.retains_grad
        >>> y.retain_grad(); before, y.retains_grad
        (False, True)
        """
        return self.grad_fn is not None and self.grad_fn._retained is not None and self.grad_fn._retained() is self

    def detach(self):
        """The same values (shared memory and version counter), cut off from the graph."""
        t = Tensor._make(self._array)
        t._version_counter = self._version_counter
        return t

    def detach_(self):
        """Detach this tensor from the graph in place: it becomes a leaf that does not require grad
        (a view cannot be detached in place, as in torch).

        >>> import scratchnet as sn
        >>> y = sn.ones(2, requires_grad=True) * 2
        >>> y.detach_().requires_grad, y.grad_fn is None
        (False, True)
        """
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._grad_fn = None
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
        """The size of each dimension, a ``scratchnet.Size`` (a tuple), as ``size()``.

        >>> import scratchnet as sn
        >>> sn.ones(2, 3).shape
        scratchnet.Size([2, 3])
        """
        return Size(self._array.shape)

    @property
    def ndim(self):
        """The number of dimensions (0 for a scalar tensor), as ``dim()``.

        >>> import scratchnet as sn
        >>> sn.tensor(1.0).ndim, sn.ones(2, 3).ndim
        (0, 2)
        """
        return self._array.ndim

    def dim(self):
        """The number of dimensions (``ndim``).

        >>> import scratchnet as sn
        >>> sn.ones(2, 3).dim()
        2
        """
        return self._array.ndim

    @property
    def dtype(self):
        """The element type, a ``scratchnet.dtype`` (``scratchnet.float32``, ``int64``, ...).

        >>> import scratchnet as sn
        >>> sn.ones(1).dtype, sn.tensor([1, 2]).dtype.is_floating_point
        (scratchnet.float32, False)
        """
        return _WRAP_DTYPE.get(self._array.dtype, self._array.dtype)

    @property
    def device(self):
        """Where the values live: always ``device(type='cpu')`` (NumPy)."""
        from ._device import CPU

        return CPU

    @property
    def is_cuda(self):
        """False: scratchnet tensors live on the CPU.

        >>> import scratchnet as sn
        >>> sn.ones(1).is_cuda
        False
        """
        return False

    def size(self, dim=None):
        """The shape as a ``scratchnet.Size``, or the length of dimension ``dim`` (negative counts from the end).

        >>> import scratchnet as sn
        >>> sn.ones(2, 3).size(), sn.ones(2, 3).size(-1)
        (scratchnet.Size([2, 3]), 3)
        """
        if dim is None:
            return self.shape
        return self._array.shape[_wrap_dim(dim, self.ndim)]

    def numel(self):
        """The number of elements (the product of the shape).

        >>> import scratchnet as sn
        >>> sn.ones(2, 3).numel()
        6
        """
        return int(self._array.size)

    def element_size(self):
        """Bytes per element of the dtype.

        >>> import scratchnet as sn
        >>> sn.ones(2).element_size(), sn.ones(2, dtype=sn.float64).element_size()
        (4, 8)
        """
        return self._array.itemsize

    def is_floating_point(self):
        """True for float32 and float64 tensors.

        >>> import scratchnet as sn
        >>> sn.ones(1).is_floating_point(), sn.arange(3).is_floating_point()
        (True, False)
        """
        return self.dtype in FLOAT_DTYPES

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._array.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))  # as torch: views, outputs of one unbind

    # --- values out -----------------------------------------------------------------------------

    @property
    def data(self):
        """torch's ``.data``: the values as a Tensor outside the graph (memory shared, but not the
        version counter: edits through ``.data`` are invisible to autograd, as in torch)."""
        return Tensor._make(self._array)

    @data.setter
    def data(self, other):
        self._array = other._array if isinstance(other, Tensor) else _as_array(other, None)

    def numpy(self):
        """The NumPy array behind the tensor (shared memory, not a copy); refuses a tensor that requires grad.

        >>> import scratchnet as sn
        >>> sn.arange(3).numpy()
        array([0, 1, 2])
        """
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._array

    def item(self):
        """The value of a one-element tensor as a Python number.

        >>> import scratchnet as sn
        >>> sn.tensor([2.5]).item()
        2.5
        """
        if self._array.size != 1:
            raise RuntimeError(f"a Tensor with {self._array.size} elements cannot be converted to Scalar")
        return self._array.item()

    def tolist(self):
        """The values as (nested) Python lists of Python numbers; a 0-d tensor gives a number.

        >>> import scratchnet as sn
        >>> sn.arange(4).reshape(2, 2).tolist()
        [[0, 1], [2, 3]]
        """
        return self._array.tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self._array.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'no values' if self._array.size == 0 else 'more than one value'} is ambiguous")
        return builtins.bool(self._array.item())

    def __index__(self):
        if self.dtype.kind not in "iu" or self._array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._array.item())

    def __array__(self, dtype=None, copy=None):
        return self._array if dtype is None else self._array.astype(dtype)

    def __repr__(self):
        """As torch prints (see :mod:`scratchnet._tensor_str`)."""
        from ._tensor_str import tensor_repr

        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        from ._tensor_str import tensor_format

        return tensor_format(self, spec)

    # --- memory layout (views share their base's memory) ---------------------------------------

    def stride(self, dim=None):
        """Steps in elements between neighbours along each dim, as torch's ``stride()``."""
        strides = [s // self._array.itemsize for s in self._array.strides]
        shape = self._array.shape
        if self._array.size == 0 and not builtins.any(strides):  # NumPy zeroes an empty array's strides; torch's are row-major
            strides, step = [], 1
            for n in reversed(shape):
                strides.insert(0, step)
                step *= builtins.max(n, 1)
        for d in reversed(range(len(shape))):  # a new size-1 dim: torch's stride, NumPy's is 0
            if shape[d] == 1 and strides[d] == 0:
                strides[d] = strides[d + 1] * builtins.max(shape[d + 1], 1) if d + 1 < len(shape) else 1
        return tuple(strides) if dim is None else strides[_wrap_dim(dim, self.ndim)]

    def storage_offset(self):
        """Where this tensor starts in its base's memory, in elements (0 unless a view)."""
        if self._base is None:
            return 0
        return (self.data_ptr() - self._base.data_ptr()) // self._array.itemsize + self._base.storage_offset()

    def data_ptr(self):
        """The address of the first element (equal for tensors that share memory from the same offset).

        >>> import scratchnet as sn
        >>> x = sn.ones(3)
        >>> x.view(3).data_ptr() == x.data_ptr()
        True
        """
        return self._array.__array_interface__["data"][0]

    def is_contiguous(self, memory_format=None):
        """True when the elements lie in memory in row-major order without gaps.

        >>> import scratchnet as sn
        >>> x = sn.ones(2, 3)
        >>> x.is_contiguous(), x.t().is_contiguous()
        (True, False)
        """
        return builtins.bool(self._array.flags.c_contiguous)

    def untyped_storage(self):
        """Refused: scratchnet has no storage objects (``data_ptr()`` and ``storage_offset()`` answer what they would)."""
        raise NotImplementedError("scratchnet has no storage objects; use data_ptr() and storage_offset()")

    # --- in-place edits: see scratchnet/ops/inplace.py for the ops (add_, mul_, ...) ------------

    def _apply_inplace(self, op, check_cast=True, name="Backward0", args=(), overlap_ok=False):
        """``self <- op(self)``, recorded in the graph as torch records an in-place op.

        ``op`` maps a Tensor standing for self's old value to the new value (any Tensor ops);
        the values are written into self's memory (through to the base when self is a view), the
        version counter that self shares with its base and views goes up, and self's grad_fn
        becomes the op's node (the base's a CopySlices node when self is a view).
        """
        return _inplace_module().apply_inplace(self, op, check_cast, name, args, overlap_ok)

    def _bump_version(self):
        self._version_counter[0] += 1

@functools.cache
def _inplace_module():
    from .ops import inplace  # (imported once, on first use: ops import this module)

    return inplace


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


class _Version(int):
    """``t._version``: the int torch shows. Older engine code bumps it as ``t._version[0] += 1``,
    which still works: indexing reaches the counter that a base and its views share."""

    def __new__(cls, counter):
        self = super().__new__(cls, counter[0])
        self._counter = counter
        return self

    def __getitem__(self, i):
        return self._counter[i]

    def __setitem__(self, i, value):
        self._counter[i] = value


def _mark_view(view, input, cls, params):
    """Make ``view`` (the output of view op ``cls`` on ``input``) a view as torch has them: one
    version counter with its base, ``._base`` the tensor that owns the memory, and the ops that
    remake it from the base (replayed when the base's history changes in place)."""
    base = input._base if input._base is not None else input
    view._base = base
    if input._standin:  # a view of an in-place op's stand-in is one too (its values may be saved)
        view._standin = True
    if input._multi_view is not None:  # a view of unbind's output keeps its restriction, as torch
        view._multi_view = input._multi_view
    view._version_counter = input._version_counter
    view._view_version = input._version_counter[0]
    if _grad_enabled:
        chain = input._view_chain if input._base is not None else ()
        view._view_chain = None if chain is None else chain + ((cls, params),)
    if not _grad_enabled or input._made_in_no_grad:
        view._made_in_no_grad = True  # an in-place op that needs grad on it is refused, as torch




def _can_cast(from_dtype, to_dtype):
    """torch's rule for writing a result into a tensor: no float -> integer, nothing -> bool
    except bool itself (any other cast, e.g. float64 -> float32 or int -> float, is allowed).

    >>> _can_cast(float32, int64), _can_cast(int64, float32), _can_cast(int64, bool_)
    (False, True, False)
    """
    from_dtype, to_dtype = xp.dtype(from_dtype), xp.dtype(to_dtype)
    if from_dtype.kind == "f" and to_dtype.kind in "iub":
        return False
    if to_dtype == bool_ and from_dtype != bool_:
        return False
    return True


def _unreadable(data):
    """torch's error for Python data no tensor can hold (None, a str, a ragged list, an int past
    int64), found by walking the data (only once NumPy has failed to read it), or None."""
    def walk(item, dim):
        if isinstance(item, (list, tuple)):
            lengths = set()
            for part in item:
                if isinstance(part, (list, tuple)):
                    lengths.add(len(part))
                    if len(lengths) > 1:
                        first = len(item[0]) if isinstance(item[0], (list, tuple)) else 1
                        return ValueError(f"expected sequence of length {first} at dim {dim + 1} (got {len(part)})")
                error = walk(part, dim + 1)
                if error:
                    return error
            return None
        if isinstance(item, str):
            return ValueError("too many dimensions 'str'") if dim else TypeError("new(): invalid data type 'str'")
        if isinstance(item, builtins.bool) or isinstance(item, (xp.generic, Tensor)):
            return None
        if isinstance(item, float):
            seen["float"] = True
            return None
        if isinstance(item, int):
            seen["huge"] = seen.get("huge") or not -(2**63) <= item < 2**63
            return None
        return RuntimeError(f"Could not infer dtype of {type(item).__name__}")

    seen = {}
    error = walk(data, 0)
    if error is None and seen.get("huge") and not seen.get("float"):  # (with a float in the data, a float tensor)
        error = ValueError("Overflow when unpacking long long")
    return error


def _as_array(data, dtype):
    """Array-like -> array with a supported dtype, as ``torch.tensor`` reads data.

    NumPy arrays and NumPy scalars keep their dtype (``np.float64(.5)`` makes float64); Python
    floats, and lists holding them, become the default dtype; Python ints int64, bools bool. With
    ``dtype`` given, ints wrap into a narrower integer dtype as torch's do (-1 -> 255 in uint8).
    """
    if isinstance(data, Tensor):
        array = data._array
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
            raise _unreadable(data) or type(e)(f"could not make a tensor from {type(data).__name__}: {e}") from None
        if array.dtype.kind in "OUSV" or (array.dtype == xp.uint64 and not isinstance(data, xp.ndarray)):
            error = _unreadable(data)
            if error is not None:
                raise error
            array = xp.asarray(data, dtype=float64)  # huge ints beside floats: a float tensor, as torch's
        if array.dtype == float64 and dtype is None and not _holds_numpy_float64(data):
            with xp.errstate(over="ignore"):  # 1e300 is inf in float32, as in torch (no warning)
                array = array.astype(_default_dtype)
    if dtype is not None:
        dtype = check_dtype(dtype)
        if dtype.kind in "iu" and not isinstance(data, (xp.ndarray, xp.generic, Tensor)) and array.size:
            _check_python_numbers(array, dtype)
        if array.dtype != dtype:
            with xp.errstate(over="ignore", invalid="ignore"):
                if dtype.kind in "iu" and array.dtype.kind in "iu":
                    array = array.astype(xp.int64).astype(dtype)  # wraps around, as torch's casts
                else:
                    array = array.astype(dtype)
    check_dtype(array.dtype)
    return array


def _check_python_numbers(array, dtype):
    """torch.tensor's checked conversion of Python numbers into an integer dtype: a float must lie
    in [min, max + 1) (it is truncated; NaN and inf never fit), an int in [min, max], or for an
    unsigned dtype in [-max, max] (-1 wraps to 255)."""
    info = xp.iinfo(dtype)
    with xp.errstate(invalid="ignore"):
        if array.dtype.kind == "f":
            fits = (array >= info.min) & (array < float(info.max + 1))
        elif array.dtype.kind in "iu":
            fits = (array >= (-info.max if dtype.kind == "u" else info.min)) & (array <= info.max)
        else:  # bools always fit
            return
    if not fits.all():
        raise RuntimeError(f"value cannot be converted to type {dtype} without overflow")


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
        if t._array.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs; this output has shape "
                f"{tuple(t.shape)}: pass a gradient of that shape, e.g. out.backward(gradient=...)"
            )
        return Tensor._make(xp.ones_like(t._array))
    gradient = gradient if isinstance(gradient, Tensor) else Tensor(gradient, dtype=t.dtype)
    if gradient.shape != t.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output has a shape of {tuple(gradient.shape)} and output has "
            f"a shape of {tuple(t.shape)}"
        )
    return gradient
