"""Stochastic gradient descent with momentum, dampening, Nesterov, weight decay, maximize.

    g <- grad + weight_decay * p
    buf <- g on the first step (torch seeds it with the gradient, not zeros),
           then momentum * buf + (1 - dampening) * g
    g <- g + momentum * buf (Nesterov) or buf
    p <- p - lr * g
"""

from .optimizer import Optimizer, check


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False):
        check(lr, lr >= 0, "Invalid learning rate: {}")
        check(momentum, momentum >= 0, "Invalid momentum value: {}")
        check(weight_decay, weight_decay >= 0, "Invalid weight_decay value: {}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def update(self, p, grad, state, group):
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.array
        momentum = group["momentum"]
        if momentum:
            if "momentum_buffer" not in state:
                from ..tensor import Tensor

                state["momentum_buffer"] = Tensor._make(grad.copy())
                buf = state["momentum_buffer"].array
            else:
                buf = state["momentum_buffer"].array
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        p.array -= group["lr"] * grad
