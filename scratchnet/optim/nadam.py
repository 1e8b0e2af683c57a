"""NAdam (Dozat 2016): Adam with Nesterov momentum and a warming-up momentum schedule.

    mu_t = beta1 (1 - 0.5 * 0.96^(t psi))          (psi = momentum_decay)
    m <- beta1 m + (1 - beta1) g;   v <- beta2 v + (1 - beta2) g^2
    denom = sqrt(v / (1 - beta2^t)) + eps
    p <- p - lr (1 - mu_t) / (1 - prod_{i<=t} mu_i) g / denom
           - lr mu_{t+1} / (1 - prod_{i<=t+1} mu_i) m / denom

``mu_product`` (the running product, a float32 0-d tensor as in torch) is kept in the state.
``decoupled_weight_decay=True`` shrinks p by (1 - lr weight_decay) first, as AdamW.

>>> import scratchnet as sn
>>> w = sn.nn.Parameter(sn.tensor([1.0]))
>>> opt = NAdam([w], lr=0.1)
>>> w.grad = sn.tensor([1.0]); opt.step()
>>> w.item() < 1.0
True
"""

from ..backend import xp
from .optimizer import Optimizer, buffer, lerp_, check, check_lr, count_step, flags, scalar_state


class NAdam(Optimizer):
    """Adam with Nesterov momentum and torch's momentum-decay schedule (``mu_product``).

    Args:
        params: parameters (or param groups); the other arguments are torch's, with torch's defaults and checks.

    >>> import scratchnet as sn
    >>> w = sn.nn.Parameter(sn.tensor([1.0, -2.0]))
    >>> o = sn.optim.NAdam([w], lr=0.1)
    >>> (w * w).sum().backward(); _ = o.step()
    >>> bool((w.detach().abs() < sn.tensor([1.0, 2.0])).all())
    True
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_lr(lr)
        check(eps, eps >= 0, "Invalid epsilon value: {}")
        check(betas[0], 0 <= betas[0] < 1, "Invalid beta parameter at index 0: {}")
        check(betas[1], 0 <= betas[1] < 1, "Invalid beta parameter at index 1: {}")
        check(weight_decay, weight_decay >= 0, "Invalid weight_decay value: {}")
        check(momentum_decay, momentum_decay >= 0, "Invalid momentum_decay value: {}")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, flags(defaults, foreach, capturable, differentiable))

    def update(self, p, grad, state, group):
        lr, (beta1, beta2), eps, wd, psi = group["lr"], group["betas"], group["eps"], group["weight_decay"], group["momentum_decay"]
        if "mu_product" not in state:
            state["step"] = scalar_state(0.0)
            state["mu_product"] = scalar_state(1.0)
        t = count_step(state)
        exp_avg, exp_avg_sq = buffer(state, "exp_avg", p.array), buffer(state, "exp_avg_sq", p.array)
        if wd and group["decoupled_weight_decay"]:
            p.array *= 1 - lr * wd
        elif wd:
            grad = grad + wd * p.array
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        state["mu_product"].array[...] = state["mu_product"].array * mu  # rounded to its float32
        mu_product = state["mu_product"].array.item()
        lerp_(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        denom = xp.sqrt(exp_avg_sq / (1 - beta2**t)) + eps
        p.array += (-lr * (1.0 - mu) / (1.0 - mu_product)) * grad / denom
        p.array += (-lr * mu_next / (1.0 - mu_product * mu_next)) * exp_avg / denom
