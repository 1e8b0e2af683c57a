"""RMSprop: divide the gradient by a running root-mean-square of recent gradients.

    v <- alpha v + (1 - alpha) g^2;  centered: subtract the square of the running mean of g
    momentum: buf <- momentum buf + g / (sqrt(v) + eps);  p <- p - lr buf
    else:      p <- p - lr g / (sqrt(v) + eps)
"""

from ..backend import xp
from .optimizer import Optimizer, buffer, check, check_lr, count_step, flags, in_order


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), optionally centered and with momentum.

    >>> import scratchnet as sn
    >>> w = sn.nn.Parameter(sn.tensor([1.0]))
    >>> opt = RMSprop([w], lr=0.01)
    >>> w.grad = sn.tensor([2.0]); opt.step()
    >>> round(w.item(), 4)  # 1 - 0.01 * 2 / sqrt(0.01 * 4)
    0.9
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        check(eps, eps >= 0, "Invalid epsilon value: {}")
        check(momentum, momentum >= 0, "Invalid momentum value: {}")
        check(weight_decay, weight_decay >= 0, "Invalid weight_decay value: {}")
        check(alpha, alpha >= 0, "Invalid alpha value: {}")
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered, maximize=maximize)
        defaults = flags(defaults, foreach, capturable, differentiable)
        super().__init__(params, in_order(defaults, "lr momentum alpha eps centered weight_decay capturable foreach maximize differentiable"))

    def update(self, p, grad, state, group):
        alpha, eps, momentum = group["alpha"], group["eps"], group["momentum"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.array
        count_step(state)
        square_avg = buffer(state, "square_avg", p.array)
        if momentum > 0:  # made before grad_avg: torch's state order
            buffer(state, "momentum_buffer", p.array)
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = buffer(state, "grad_avg", p.array)
            grad_avg += (1 - alpha) * (grad - grad_avg)
            avg = xp.sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            avg = xp.sqrt(square_avg) + eps
        if momentum > 0:
            buf = buffer(state, "momentum_buffer", p.array)
            buf *= momentum
            buf += grad / avg
            p.array -= group["lr"] * buf
        else:
            p.array -= group["lr"] * grad / avg
