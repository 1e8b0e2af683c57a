"""Stochastic gradient descent with momentum, dampening, Nesterov, weight decay, maximize.

    g <- grad + weight_decay * p
    buf <- g on the first step (torch seeds it with the gradient, not zeros),
           then momentum * buf + (1 - dampening) * g
    g <- g + momentum * buf (Nesterov) or buf
    p <- p - lr * g

>>> import scratchnet as sn
>>> w = sn.nn.Parameter(sn.tensor([1.0]))
>>> opt = SGD([w], lr=0.1, momentum=0.9)
>>> for _ in range(2):
...     w.grad = sn.tensor([1.0]); opt.step()
>>> round(w.item(), 6)  # 1 - 0.1 * 1 - 0.1 * 1.9
0.71
"""

from ..tensor import Tensor
from .optimizer import Optimizer, check, check_lr, flags


class SGD(Optimizer):
    """``p -= lr * (g + weight_decay p)`` with momentum (the buffer seeded with the first gradient), dampening, nesterov, maximize.

    Args:
        params: parameters (or param groups); the other arguments are torch's, with torch's defaults and checks.

    >>> import scratchnet as sn
    >>> w = sn.nn.Parameter(sn.tensor([1.0, -2.0]))
    >>> o = sn.optim.SGD([w], lr=0.1)
    >>> (w * w).sum().backward(); _ = o.step()
    >>> bool((w.detach().abs() < sn.tensor([1.0, 2.0])).all())
    True
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False, foreach=None, differentiable=False, fused=None):
        check_lr(lr)
        check(momentum, momentum >= 0, "Invalid momentum value: {}")
        check(weight_decay, not weight_decay < 0, "Invalid weight_decay value: {}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        defaults = flags(defaults, foreach, differentiable=differentiable, fused=fused)
        del defaults["capturable"]  # torch's SGD has no capturable switch
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def update(self, p, grad, state, group):
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.array
        momentum = group["momentum"]
        if momentum:
            if state.get("momentum_buffer") is None:
                state["momentum_buffer"] = Tensor._make(grad.copy())
                buf = state["momentum_buffer"].array
            else:
                buf = state["momentum_buffer"].array
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        p.array -= group["lr"] * grad
