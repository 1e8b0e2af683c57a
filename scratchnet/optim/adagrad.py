"""Adagrad: each coordinate's step shrinks with the sum of its squared gradients.

    sum <- sum + g^2;   p <- p - lr / (1 + (t - 1) lr_decay) * g / (sqrt(sum) + eps)
"""

from ..backend import xp
from .optimizer import Optimizer, buffer, check, count_step


class Adagrad(Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, *, maximize=False):
        check(lr, lr >= 0, "Invalid learning rate: {}")
        check(lr_decay, lr_decay >= 0, "Invalid lr_decay value: {}")
        check(weight_decay, weight_decay >= 0, "Invalid weight_decay value: {}")
        check(initial_accumulator_value, initial_accumulator_value >= 0, "Invalid initial_accumulator_value value: {}")
        check(eps, eps >= 0, "Invalid epsilon value: {}")
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay, initial_accumulator_value=initial_accumulator_value, eps=eps, maximize=maximize)
        super().__init__(params, defaults)

    def update(self, p, grad, state, group):
        total = buffer(state, "sum", p.array, fill=group["initial_accumulator_value"])
        t = count_step(state)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.array
        clr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        total += grad * grad
        p.array -= clr * grad / (xp.sqrt(total) + group["eps"])
