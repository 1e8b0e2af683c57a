"""``scratchnet.autograd``: gradients without touching ``.grad``, as ``torch.autograd``.

>>> import scratchnet as sn
>>> x = sn.tensor(3.0, requires_grad=True)
>>> (dx,) = sn.autograd.grad(x ** 3, x, create_graph=True)   # 3x^2 = 27
>>> (dxx,) = sn.autograd.grad(dx, x)                          # 6x = 18
>>> dx.item(), dxx.item()
(27.0, 18.0)
"""

from ..tensor import Tensor, _grad_output, run_backward
from . import anomaly_mode, function, functional  # noqa: F401  (torch.autograd's sub-modules)
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .function import Function, once_differentiable
from .functional import hessian, jacobian


def _as_tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """The gradients of ``outputs`` with respect to ``inputs`` (a tuple, one per input).

    ``grad_outputs`` is the vector of the vector-Jacobian product (needed for non-scalar outputs).
    With ``create_graph=True`` the backward pass is recorded, so the result can be differentiated
    again (Hessian-vector products, gradient penalties).
    """
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    grad_outputs = _as_tuple(grad_outputs) if isinstance(grad_outputs, (Tensor, list, tuple)) else (grad_outputs,)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad requires one grad_output per output: got {len(grad_outputs)} for {len(outputs)} outputs")
    for i, o in enumerate(outputs):
        if not o.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grad_outputs = [_grad_output(o, g) for o, g in zip(outputs, grad_outputs)]
    retain_graph = create_graph if retain_graph is None else retain_graph
    found = run_backward(outputs, grad_outputs, inputs=inputs, retain_graph=retain_graph, create_graph=create_graph)
    result = []
    for t in inputs:
        if id(t) not in found:
            if not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
            result.append(None)
        else:
            g = found[id(t)][1]
            result.append(g if create_graph else g.detach())
    return tuple(result)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False):
    """``torch.autograd.backward``: accumulate into ``.grad`` from several outputs at once."""
    tensors = _as_tuple(tensors)
    grad_tensors = (None,) * len(tensors) if grad_tensors is None else _as_tuple(grad_tensors)
    grads = [_grad_output(t, g) for t, g in zip(tensors, grad_tensors)]
    retain_graph = create_graph if retain_graph is None else retain_graph
    run_backward(tensors, grads, retain_graph=retain_graph, create_graph=create_graph)


class _VariableMeta(type):
    """Every Tensor is an instance of Variable (``isinstance(t, Variable)``), as in torch."""

    def __instancecheck__(cls, other):
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):  # noqa: N801  (torch's legacy name)
    """``torch.autograd.Variable``: since torch 0.4 a Variable is a Tensor. ``Variable(data)`` is
    ``data.detach()`` (the same memory, out of any graph), made to require grad when asked;
    ``volatile`` is gone (a warning; use ``no_grad``). Every Tensor passes ``isinstance(t, Variable)``.

    >>> import scratchnet as sn
    >>> x = sn.ones(2)
    >>> v = Variable(x, requires_grad=True)
    >>> v.requires_grad, x.requires_grad, isinstance(x, Variable)
    (True, False, True)
    """

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if data is None:
            from ..creation import empty

            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if volatile:
            import warnings

            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.", stacklevel=2)
            if requires_grad:
                raise ValueError("Variable can't be volatile and require_grad at the same time!")
        out = data.detach()
        return out.requires_grad_(True) if requires_grad else out


def gradcheck(*args, **kwargs):
    """``torch.autograd.gradcheck``: :func:`scratchnet.gradcheck` (float64 finite differences)."""
    from ..gradcheck import gradcheck as check

    return check(*args, **kwargs)


def gradgradcheck(*args, **kwargs):
    """``torch.autograd.gradgradcheck``: :func:`scratchnet.gradgradcheck` (second derivatives)."""
    from ..gradcheck import gradgradcheck as check

    return check(*args, **kwargs)


__all__ = ["Function", "Variable", "backward", "detect_anomaly", "grad", "gradcheck", "gradgradcheck", "hessian",
           "jacobian", "once_differentiable", "set_detect_anomaly"]

# torch.autograd's other namespaces: grad_mode (no_grad, ...), graph (saved-tensor hooks)
from . import grad_mode, graph, profiler  # noqa: E402,F401
from .grad_mode import (  # noqa: E402,F401
    enable_grad, inference_mode, is_multithreading_enabled, no_grad, set_grad_enabled, set_multithreading_enabled,
)

__all__ += ["enable_grad", "grad_mode", "graph", "inference_mode", "is_multithreading_enabled", "no_grad",
            "set_grad_enabled", "set_multithreading_enabled"]
