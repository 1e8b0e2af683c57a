"""Adadelta (Zeiler 2012): steps scaled by the ratio of two running root-mean-squares.

    v <- rho v + (1 - rho) g^2
    delta <- sqrt(u + eps) / sqrt(v + eps) * g
    u <- rho u + (1 - rho) delta^2
    p <- p - lr * delta

``v`` is torch's ``square_avg`` state, ``u`` its ``acc_delta``.

>>> import scratchnet as sn
>>> w = sn.nn.Parameter(sn.tensor([1.0]))
>>> opt = Adadelta([w])
>>> w.grad = sn.tensor([1.0]); opt.step()
>>> round(1 - w.item(), 6)  # sqrt(1e-6) / sqrt(0.1 + 1e-6)
0.003162
"""

from ..backend import xp
from .optimizer import Optimizer, buffer, check, check_lr, count_step, flags, in_order


class Adadelta(Optimizer):
    """Steps ``sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g``, both averages with decay ``rho``.

    Args:
        params: parameters (or param groups); the other arguments are torch's, with torch's defaults and checks.

    >>> import scratchnet as sn
    >>> w = sn.nn.Parameter(sn.tensor([1.0, -2.0]))
    >>> o = sn.optim.Adadelta([w])
    >>> (w * w).sum().backward(); _ = o.step()
    >>> bool((w.detach().abs() < sn.tensor([1.0, 2.0])).all())
    True
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False, maximize=False, differentiable=False):
        check_lr(lr)
        check(rho, 0.0 <= rho <= 1.0, "Invalid rho value: {}")
        check(eps, eps >= 0, "Invalid epsilon value: {}")
        check(weight_decay, weight_decay >= 0, "Invalid weight_decay value: {}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, in_order(flags(defaults, foreach, capturable, differentiable), "lr rho eps weight_decay maximize capturable foreach differentiable"))

    def update(self, p, grad, state, group):
        rho, eps = group["rho"], group["eps"]
        count_step(state)
        square_avg, acc_delta = buffer(state, "square_avg", p.array), buffer(state, "acc_delta", p.array)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.array
        square_avg *= rho
        square_avg += (1 - rho) * grad * grad
        delta = xp.sqrt(acc_delta + eps) / xp.sqrt(square_avg + eps) * grad
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        p.array -= group["lr"] * delta
