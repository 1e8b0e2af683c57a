"""Adagrad: each coordinate's step shrinks with the sum of its squared gradients.

    sum <- sum + g^2;   p <- p - lr / (1 + (t - 1) lr_decay) * g / (sqrt(sum) + eps)
"""

from ..backend import xp
from ..tensor import Tensor
from .optimizer import Optimizer, buffer, check, check_lr, count_step, flags, scalar_state, in_order


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.). As torch, its state (``step`` and ``sum``) exists from construction.

    >>> import scratchnet as sn
    >>> w = sn.nn.Parameter(sn.tensor([1.0]))
    >>> opt = Adagrad([w], lr=0.5)
    >>> w.grad = sn.tensor([4.0]); opt.step()
    >>> round(w.item(), 6)  # 1 - 0.5 * 4 / sqrt(16)
    0.5
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        check(lr_decay, lr_decay >= 0, "Invalid lr_decay value: {}")
        check(weight_decay, weight_decay >= 0, "Invalid weight_decay value: {}")
        check(initial_accumulator_value, initial_accumulator_value >= 0, "Invalid initial_accumulator_value value: {}")
        check(eps, eps >= 0, "Invalid epsilon value: {}")
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay, initial_accumulator_value=initial_accumulator_value, eps=eps, maximize=maximize)
        defaults = flags(defaults, foreach, differentiable=differentiable, fused=fused)
        del defaults["capturable"]  # torch's Adagrad has no capturable switch
        super().__init__(params, in_order(defaults, "lr lr_decay eps weight_decay initial_accumulator_value foreach maximize differentiable fused"))
        for group in self.param_groups:
            for p in group["params"]:
                if getattr(type(p), "cls_to_become", None) is not None:  # a lazy module's placeholder: its state needs a shape
                    p._refuse("is_complex")
                self.state[p]["step"] = scalar_state(0.0)
                self.state[p]["sum"] = Tensor._make(xp.full_like(p.array, group["initial_accumulator_value"]))

    def share_memory(self):
        """torch moves the ``sum`` buffers to shared memory for hogwild training; here they stay
        in this process's memory (nothing to do for a single process)."""

    def update(self, p, grad, state, group):
        total = buffer(state, "sum", p.array, fill=group["initial_accumulator_value"])
        t = count_step(state)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.array
        clr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        total += grad * grad
        p.array -= clr * grad / (xp.sqrt(total) + group["eps"])
