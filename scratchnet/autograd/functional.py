"""``torch.autograd.functional``: Jacobians, Hessians and their products, by reverse mode.

    jacobian(f, x)[i..., j...] = d f(x)[i...] / d x[j...]      (one backward per output element)
    hessian(f, x)              = jacobian(grad of f, x)          (f returns one value)
    vjp(f, x, v) = (f(x), v^T J)     jvp(f, x, v) = (f(x), J v)  (J v by the double-vjp trick)
    vhp(f, x, v) = (f(x), v^T H)     hvp(f, x, v) = (f(x), H v)

>>> import scratchnet as sn
>>> jacobian(lambda x: x ** 2, sn.tensor([1.0, 3.0]))
tensor([[2., 0.],
        [0., 6.]])
>>> hessian(lambda x: (x ** 3).sum(), sn.tensor([1.0, 2.0]))
tensor([[ 6.,  0.],
        [ 0., 12.]])
"""

from .. import creation
from ..ops import stack
from ..tensor import Tensor, enable_grad

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def _as_inputs(inputs):
    single = isinstance(inputs, Tensor)
    inputs = (inputs,) if single else tuple(inputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"The inputs given to jacobian must be either a Tensor or a tuple of Tensors but the "
                            f"value at index {i} has type {type(t).__name__}.")
    return single, tuple(t.detach().requires_grad_(t.is_floating_point()) for t in inputs)


def _grads(output, inputs, grad_output, create_graph):
    from . import grad

    if not output.requires_grad:
        return tuple(creation.zeros_like(t) for t in inputs)
    found = grad(output, inputs, grad_output, retain_graph=True, create_graph=create_graph, allow_unused=True)
    return tuple(creation.zeros_like(t) if g is None else g for g, t in zip(found, inputs))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``.

    Args:
        func: a function of Tensors returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        create_graph (bool): record the computation, so the result can be differentiated again.
        strict, vectorize: accepted for torch's API; ``strategy`` must be ``"reverse-mode"``.

    Shapes: output ``(*out)`` and input ``(*in)`` give ``(*out, *in)``; tuples give nested tuples
    (outer over outputs, inner over inputs), as torch's.
    """
    if strategy != "reverse-mode":
        raise NotImplementedError("scratchnet's jacobian computes by reverse mode only (strategy='reverse-mode')")
    single_in, xs = _as_inputs(inputs)
    with enable_grad():
        out = func(*xs)
        single_out = isinstance(out, Tensor)
        outs = (out,) if single_out else tuple(out)
        result = []
        for o in outs:
            rows = []
            flat = o.reshape(-1)
            for k in range(flat.numel()):
                onehot = creation.zeros_like(flat)
                onehot.array[k] = 1
                rows.append(_grads(flat, xs, onehot, create_graph))
            per_input = []
            for j, x in enumerate(xs):
                if rows:
                    block = stack([r[j] for r in rows]).reshape(*o.shape, *x.shape)
                else:
                    block = creation.zeros(*o.shape, *x.shape, dtype=x.dtype)
                per_input.append(block if create_graph else block.detach())
            result.append(per_input[0] if single_in else tuple(per_input))
    return result[0] if single_out else tuple(result)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a function returning one value: ``(*in, *in)`` for one input."""
    single_in, xs = _as_inputs(inputs)

    def gradient(*args):
        with enable_grad():
            out = func(*args)
            if not isinstance(out, Tensor) or out.numel() != 1:
                raise RuntimeError("The function given to hessian should return a single Tensor with a single element")
            g = _grads(out.reshape(()), args, None, True)
        return g[0] if single_in else g

    return jacobian(gradient, xs[0] if single_in else xs, create_graph=create_graph)


def _products(func, inputs, v, create_graph, second):
    single_in, xs = _as_inputs(inputs)
    with enable_grad():
        out = func(*xs)
        if second:
            if out.numel() != 1:
                raise RuntimeError("The function given to hvp/vhp should return a single Tensor with a single element")
            g = _grads(out.reshape(()), xs, None, True)
            vs = (v,) if isinstance(v, Tensor) else tuple(v)
            dot = sum((gi * vi).sum() for gi, vi in zip(g, vs))
            prod = _grads(dot, xs, None, create_graph)
        else:
            prod = _grads(out, xs, v, create_graph)
    prod = tuple(p if create_graph else p.detach() for p in prod)
    value = out if create_graph else out.detach()
    return value, prod[0] if single_in else prod


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``: the vector-Jacobian product (``v`` may be None for one value)."""
    return _products(func, inputs, v, create_graph, second=False)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T H)`` for a function returning one value."""
    return _products(func, inputs, v, create_graph, second=True)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)``: equal to vhp, the Hessian being symmetric."""
    return _products(func, inputs, v, create_graph, second=True)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)`` by the double-vjp trick: J v = d/du (u^T J v) ... computed as the
    gradient with respect to ``u`` of ``(u^T J) . v``."""
    single_in, xs = _as_inputs(inputs)
    vs = (v,) if isinstance(v, Tensor) else tuple(v)
    with enable_grad():
        out = func(*xs)
        u = creation.zeros_like(out).requires_grad_(True)
        g = _grads(out, xs, u, True)
        dot = sum((gi * vi).sum() for gi, vi in zip(g, vs))
        (jv,) = _grads(dot, (u,), None, create_graph)
    value = out if create_graph else out.detach()
    return value, jv if create_graph else jv.detach()
