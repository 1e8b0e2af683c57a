"""``torch.func``'s function transforms, computed by scratchnet's reverse-mode autograd.

``grad(f)`` returns a function computing the gradient of ``f``; transforms compose
(``grad(grad(f))``, ``jacrev(jacrev(f))``, ``vmap(grad(f))``) because every gradient is computed
with ``create_graph=True``. Each differentiated input enters ``f`` as a new node of the graph (a
fresh leaf, or a view of an input that already requires grad), so nested transforms keep their
variables apart. A result is returned outside the graph (``requires_grad=False``) unless it
depends on a tensor that requires grad outside the transform, as torch's.

    grad(f)(x) = df/dx            vjp(f, x) = (f(x), v -> v^T J)       jvp(f, (x,), (t,)) = (f(x), J t)
    jacrev(f)(x) = jacfwd(f)(x) = J  (shape out + in)                 hessian(f)(x) = d2f/dx2

>>> import scratchnet as sn
>>> grad(lambda x: (x ** 3).sum())(sn.tensor([1.0, 2.0]))
tensor([ 3., 12.])
>>> grad(grad(lambda x: x ** 3))(sn.tensor(2.0))
tensor(12.)
"""

from .. import creation
from ..ops import stack
from ..tensor import Tensor, enable_grad, topological_order
from ._tree import tree_flatten, tree_map, tree_unflatten

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "vjp"]


def _autograd_grad(*args, **kwargs):
    from ..autograd import grad as autograd_grad

    return autograd_grad(*args, **kwargs)


def _enter(x, fresh):
    """``x`` as a differentiable input of the transform's function."""
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    if x.requires_grad:
        return x.view_as(x)  # a new node over x: its gradient is this level's, x's stays the outer one's
    leaf = x.detach().requires_grad_(True)
    fresh.add(id(leaf))
    return leaf


def _reaches_outer(t, fresh):
    """Whether ``t`` depends on a tensor that requires grad and is not one of this level's leaves."""
    if not t.requires_grad:
        return False
    if t.grad_fn is None:
        return id(t) not in fresh
    for node in topological_order([t.grad_fn]):
        for x in node.inputs:
            if isinstance(x, Tensor) and x.grad_fn is None and x.requires_grad and id(x) not in fresh:
                return True
    return False


def _finish(t, fresh):
    if isinstance(t, Tensor) and not _reaches_outer(t, fresh):
        return t.detach()
    return t


def _argnums_tuple(argnums, nargs, api):
    many = isinstance(argnums, tuple)
    nums = argnums if many else (argnums,)
    if many and not nums:
        raise RuntimeError(f"{api}: argnums must be non-empty")
    for n in nums:
        if not isinstance(n, int):
            raise RuntimeError(f"{api}: argnums must be int or Tuple[int, ...], got: {type(n)}")
        if not -nargs <= n < nargs:
            raise RuntimeError(f"Got argnum={n}, but only {nargs} positional inputs")
    nums = tuple(n % nargs for n in nums)
    if len(set(nums)) != len(nums):
        raise RuntimeError(f"{api}: argnums must be unique, got {argnums}")
    return many, nums


def _prepare(args, argnums, api):
    """The arguments with the differentiated ones entered, their flat leaves, and how to rebuild
    a result of the differentiated arguments' structure from one value per leaf."""
    if not args:
        raise RuntimeError(f"{api}: Expected at least one positional argument but got none")
    many, nums = _argnums_tuple(argnums, len(args), api)
    fresh, args, leaves, specs = set(), list(args), [], []
    for n in nums:
        flat, spec = tree_flatten(args[n])
        entered = [_enter(x, fresh) for x in flat]
        args[n] = tree_unflatten(entered, spec)
        specs.append((len(leaves), len(entered), spec))
        leaves.extend(entered)

    def rebuild(values):
        parts = [tree_unflatten(values[start:start + count], spec) for start, count, spec in specs]
        return tuple(parts) if many else parts[0]

    return args, leaves, fresh, rebuild


def _grads(outputs, leaves, grad_outputs):
    """d(outputs . grad_outputs)/d(leaves), zeros where unused, recorded for further transforms."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not pairs:
        return [creation.zeros_like(x) for x in leaves]
    found = _autograd_grad([o for o, _ in pairs], leaves, [g for _, g in pairs], retain_graph=True,
                           create_graph=True, allow_unused=True)
    return [creation.zeros_like(x) if g is None else g for g, x in zip(found, leaves)]


def _split_aux(out, has_aux, api):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{api}(f)(*args): output of function f should be a tuple: (output, aux) if has_aux is True")
    return out


def grad_and_value(func, argnums=0, has_aux=False):
    """A function returning ``(grad, value)`` of ``func`` (which returns one scalar Tensor, or
    ``(scalar, aux)`` with ``has_aux``: then ``(grad, (value, aux))``).

    Args:
        func: a function of Tensors (or nested tuples/lists/dicts of them).
        argnums (int or tuple of ints): the arguments to differentiate; a tuple gives a tuple of
            gradients. Each gradient has its argument's structure (a dict of parameters gives a
            dict of gradients).
        has_aux (bool): ``func`` returns ``(output, aux)``; ``aux`` is passed through.

    >>> import scratchnet as sn
    >>> g, v = grad_and_value(lambda x, y: (x * y).sum(), argnums=(0, 1))(sn.tensor([1.0, 2.0]), sn.tensor([3.0, 4.0]))
    >>> g, v
    ((tensor([3., 4.]), tensor([1., 2.])), tensor(11.))
    """
    def wrapper(*args, **kwargs):
        with enable_grad():
            args, leaves, fresh, rebuild = _prepare(args, argnums, "grad_and_value")
            out, aux = _split_aux(func(*args, **kwargs), has_aux, "grad_and_value")
            if not isinstance(out, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor "
                                   f"with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?")
            grads = [_finish(g, fresh) for g in _grads([out], leaves, [None])]
        value = _finish(out, fresh)
        if has_aux:
            return rebuild(grads), (value, tree_map(lambda t: _finish(t, fresh), aux))
        return rebuild(grads), value

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """A function computing the gradient of ``func`` (one scalar Tensor out) with respect to
    argument(s) ``argnums``; with ``has_aux``, ``(grad, aux)``. See :func:`grad_and_value`.

    >>> import scratchnet as sn
    >>> grad(lambda x: x.sin().sum())(sn.tensor([0.0]))
    tensor([1.])
    """
    inner = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        g, value = inner(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def vjp(func, *primals, has_aux=False):
    """``(func(*primals), vjp_fn)``: ``vjp_fn(cotangents)`` gives the vector-Jacobian products,
    one per primal (a tuple), ``cotangents`` having the output's structure. ``vjp_fn`` may be called
    many times. With ``has_aux``: ``(output, vjp_fn, aux)``.

    >>> import scratchnet as sn
    >>> out, fn = vjp(lambda x: x ** 2, sn.tensor([1.0, 3.0]))
    >>> fn(sn.ones(2))
    (tensor([2., 6.]),)
    """
    with enable_grad():
        fresh, entered = set(), []
        for p in primals:
            flat, spec = tree_flatten(p)
            entered.append(tree_unflatten([_enter(x, fresh) for x in flat], spec))
        out, aux = _split_aux(func(*entered), has_aux, "vjp")
    out_flat, out_spec = tree_flatten(out)
    for o in out_flat:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"vjp(f, *primals): expected f(*primals) to return only tensors, got unsupported type {type(o)}")
    leaves, specs = [], []
    for p in entered:
        flat, spec = tree_flatten(p)
        specs.append((len(leaves), len(flat), spec))
        leaves.extend(flat)

    def vjp_fn(cotangents):
        cot_flat, cot_spec = tree_flatten(cotangents)
        if len(cot_flat) != len(out_flat):
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree structure of outputs "
                               f"to the function. cotangents: {cot_spec}, primal output: {out_spec}")
        for c, o in zip(cot_flat, out_flat):
            if tuple(c.shape) != tuple(o.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {c.shape} and output[0] has a "
                                   f"shape of {o.shape}.")
        with enable_grad():
            grads = [_finish(g, fresh) for g in _grads(out_flat, leaves, cot_flat)]
        return tuple(tree_unflatten(grads[s:s + n], spec) for s, n, spec in specs)

    value = tree_unflatten([_finish(o, fresh) for o in out_flat], out_spec)
    if has_aux:
        return value, vjp_fn, tree_map(lambda t: _finish(t, fresh), aux)
    return value, vjp_fn


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """A function computing the Jacobian of ``func`` with respect to argument(s) ``argnums``, one
    backward pass per output element. For output ``(*out)`` and input ``(*in)`` the Jacobian has
    shape ``(*out, *in)``; nested outputs and tuple ``argnums`` give nested results (outer:
    outputs, inner: arguments), as torch's. ``chunk_size`` is accepted and changes nothing.

    >>> import scratchnet as sn
    >>> jacrev(lambda x: x ** 2)(sn.tensor([1.0, 3.0]))
    tensor([[2., 0.],
            [0., 6.]])
    """
    def wrapper(*args, **kwargs):
        with enable_grad():
            args, leaves, fresh, rebuild = _prepare(args, argnums, "jacrev")
            out, aux = _split_aux(func(*args, **kwargs), has_aux, "jacrev")
            out_flat, out_spec = tree_flatten(out)
            jacs = []
            for o in out_flat:
                if not isinstance(o, Tensor):
                    raise RuntimeError(f"jacrev(func, ...)(*args): expected f(*args) to return only tensors, got unsupported type {type(o)}")
                flat = o.reshape(-1)
                rows = []
                for k in range(flat.numel()):
                    onehot = creation.zeros_like(flat)
                    onehot.array[k] = 1
                    rows.append(_grads([flat], leaves, [onehot]))
                blocks = []
                for j, x in enumerate(leaves):
                    if rows:
                        block = stack([r[j] for r in rows]).reshape(*o.shape, *x.shape)
                    else:
                        block = creation.zeros(*o.shape, *x.shape, dtype=x.dtype)
                    blocks.append(_finish(block, fresh))
                jacs.append(rebuild(blocks))
        result = tree_unflatten(jacs, out_spec)
        return (result, tree_map(lambda t: _finish(t, fresh), aux)) if has_aux else result

    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """torch's forward-mode Jacobian, with the same values and shapes as :func:`jacrev`:
    scratchnet computes it by reverse mode (one backward per output element), which gives the same
    Jacobian (rounding aside). ``randomness`` is accepted for torch's signature.

    >>> import scratchnet as sn
    >>> jacfwd(lambda x: x.sum(0))(sn.ones(2, 2))
    tensor([[[1., 0.],
             [1., 0.]],
    <BLANKLINE>
            [[0., 1.],
             [0., 1.]]])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    return jacrev(func, argnums, has_aux=has_aux)


def hessian(func, argnums=0):
    """The Hessian of ``func`` (one scalar out): ``jacfwd(jacrev(func))``; shape ``(*in, *in)``.

    >>> import scratchnet as sn
    >>> hessian(lambda x: (x ** 3).sum())(sn.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(func(*primals), J @ tangents)``: the Jacobian-vector product, computed by reverse mode
    with the double-vjp trick (``J t`` is the gradient in ``u`` of ``(u^T J) . t``).

    Args: ``primals`` and ``tangents`` are tuples of the same structure.

    >>> import scratchnet as sn
    >>> jvp(lambda x: x ** 2, (sn.tensor([1.0, 3.0]),), (sn.tensor([1.0, 1.0]),))
    (tensor([1., 9.]), tensor([2., 6.]))
    """
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")
    if not isinstance(tangents, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected tangents to be a tuple.")
    p_flat, p_spec = tree_flatten(primals)
    t_flat, _ = tree_flatten(tangents)
    if len(p_flat) != len(t_flat):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the same python structure.")
    for p, t in zip(p_flat, t_flat):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to have the same shape, "
                               f"got {p.shape} and {t.shape}")
    with enable_grad():
        fresh = set()
        leaves = [_enter(x, fresh) for x in p_flat]
        out, aux = _split_aux(func(*tree_unflatten(leaves, p_spec)), has_aux, "jvp")
        out_flat, out_spec = tree_flatten(out)
        results = []
        for o in out_flat:
            if not o.requires_grad:
                results.append(creation.zeros_like(o))
                continue
            u = creation.zeros_like(o).requires_grad_(True)
            fresh.add(id(u))
            gs = _grads([o], leaves, [u])
            dot = sum((g * t).sum() for g, t in zip(gs, t_flat))
            jv = _autograd_grad(dot, u, create_graph=True, allow_unused=True)[0] if dot.requires_grad else None
            results.append(creation.zeros_like(o) if jv is None else jv)
    value = tree_unflatten([_finish(o, fresh) for o in out_flat], out_spec)
    tangent_out = tree_unflatten([_finish(r, fresh) for r in results], out_spec)
    if has_aux:
        return value, tangent_out, tree_map(lambda t: _finish(t, fresh), aux)
    return value, tangent_out


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` using the given tensors in place of the module's parameters and
    buffers (a dict from dotted names, or a tuple of dicts with no name repeated). With
    :func:`grad` this differentiates a module with respect to its parameters without touching
    ``.grad``.

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> m = nn.Linear(2, 1)
    >>> params = {"weight": sn.tensor([[1.0, 1.0]]), "bias": sn.tensor([0.0])}
    >>> grad(lambda p: functional_call(m, p, (sn.tensor([[2.0, 3.0]]),)).sum())(params)["weight"]
    tensor([[2., 3.]])
    """
    from ..nn.utils.stateless import _functional_call

    if isinstance(parameter_and_buffer_dicts, dict):
        tensors = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, (tuple, list)):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
        counts = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated = [k for k, n in counts.items() if n > 1]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call is ambiguous")
        tensors = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got "
                         f"{type(parameter_and_buffer_dicts)}")
    return _functional_call(module, tensors, args, kwargs, tie_weights=tie_weights, strict=strict)
