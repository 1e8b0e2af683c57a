"""Adamax (Kingma & Ba, section 7): Adam with the infinity norm in place of the second moment.

    m <- beta1 m + (1 - beta1) g
    u <- max(beta2 u, |g| + eps)
    p <- p - lr / (1 - beta1^t) * m / u

``m`` is torch's ``exp_avg`` state, ``u`` its ``exp_inf``.

>>> import scratchnet as sn
>>> w = sn.nn.Parameter(sn.tensor([1.0]))
>>> opt = Adamax([w], lr=0.1)
>>> w.grad = sn.tensor([5.0]); opt.step()
>>> round(w.item(), 6)
0.9
"""

from ..backend import xp
from .optimizer import Optimizer, buffer, lerp_, check, check_lr, count_step, flags, in_order


class Adamax(Optimizer):
    """Adam with the infinity norm: ``p -= lr / (1 - beta1^t) * m / (u + eps)``, ``u = max(beta2 u, |g|)``.

    Args:
        params: parameters (or param groups); the other arguments are torch's, with torch's defaults and checks.

    >>> import scratchnet as sn
    >>> w = sn.nn.Parameter(sn.tensor([1.0, -2.0]))
    >>> o = sn.optim.Adamax([w], lr=0.1)
    >>> (w * w).sum().backward(); _ = o.step()
    >>> bool((w.detach().abs() < sn.tensor([1.0, 2.0])).all())
    True
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *, maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check(eps, eps >= 0, "Invalid epsilon value: {}")
        check(betas[0], 0 <= betas[0] < 1, "Invalid beta parameter at index 0: {}")
        check(betas[1], 0 <= betas[1] < 1, "Invalid beta parameter at index 1: {}")
        check(weight_decay, weight_decay >= 0, "Invalid weight_decay value: {}")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, in_order(flags(defaults, foreach, capturable, differentiable), "lr betas eps weight_decay foreach maximize differentiable capturable"))

    def update(self, p, grad, state, group):
        (beta1, beta2), eps = group["betas"], group["eps"]
        t = count_step(state)
        exp_avg, exp_inf = buffer(state, "exp_avg", p.array), buffer(state, "exp_inf", p.array)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.array
        lerp_(exp_avg, grad, 1 - beta1)
        exp_inf *= beta2
        xp.maximum(exp_inf, xp.abs(grad) + eps, out=exp_inf)
        clr = group["lr"] / (1 - beta1**t)
        p.array -= clr * exp_avg / exp_inf
