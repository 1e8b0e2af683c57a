"""RAdam (Liu et al. 2019): Adam whose adaptive step is switched on only once the variance of
the second-moment estimate is tractable, and then rectified.

    m <- beta1 m + (1 - beta1) g;   v <- beta2 v + (1 - beta2) g^2
    rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
    rho_t > 5: p <- p - lr m / (1 - beta1^t) * r_t * sqrt(1 - beta2^t) / (sqrt(v) + eps),
               r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
    else:      p <- p - lr m / (1 - beta1^t)                    (plain momentum SGD)

``decoupled_weight_decay=True`` shrinks p by (1 - lr weight_decay) first, as AdamW.

>>> import scratchnet as sn
>>> w = sn.nn.Parameter(sn.tensor([1.0]))
>>> opt = RAdam([w], lr=0.1)
>>> w.grad = sn.tensor([3.0]); opt.step()   # rho_1 = 1 < 5: an SGD step on m / (1 - beta1)
>>> round(w.item(), 6)
0.7
"""

from ..backend import xp
from .optimizer import Optimizer, buffer, lerp_, check, check_lr, count_step, flags, in_order


class RAdam(Optimizer):
    """Adam with the variance rectification ``rho_t`` (plain momentum steps while ``rho_t <= 5``).

    Args:
        params: parameters (or param groups); the other arguments are torch's, with torch's defaults and checks.

    >>> import scratchnet as sn
    >>> w = sn.nn.Parameter(sn.tensor([1.0, -2.0]))
    >>> o = sn.optim.RAdam([w], lr=0.1)
    >>> (w * w).sum().backward(); _ = o.step()
    >>> bool((w.detach().abs() < sn.tensor([1.0, 2.0])).all())
    True
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_lr(lr)
        check(eps, eps >= 0, "Invalid epsilon value: {}")
        check(betas[0], 0 <= betas[0] < 1, "Invalid beta parameter at index 0: {}")
        check(betas[1], 0 <= betas[1] < 1, "Invalid beta parameter at index 1: {}")
        check(weight_decay, weight_decay >= 0, "Invalid weight_decay value: {}")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, in_order(flags(defaults, foreach, capturable, differentiable), "lr betas eps weight_decay maximize foreach capturable decoupled_weight_decay differentiable"))

    def update(self, p, grad, state, group):
        lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        t = count_step(state)
        exp_avg, exp_avg_sq = buffer(state, "exp_avg", p.array), buffer(state, "exp_avg_sq", p.array)
        if wd and group["decoupled_weight_decay"]:
            p.array *= 1 - lr * wd
        elif wd:
            grad = grad + wd * p.array
        lerp_(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        bias_correction2 = 1 - beta2**t
        corrected = exp_avg / (1 - beta1**t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2**t / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = bias_correction2**0.5 / (xp.sqrt(exp_avg_sq) + eps)
            p.array -= corrected * lr * adaptive * rect
        else:
            p.array -= corrected * lr
