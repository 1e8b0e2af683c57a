"""Averaged SGD (Polyak & Juditsky): SGD with a decaying step, plus a running average ``ax`` of
the iterates that starts once ``t0`` steps have passed.

    p <- p (1 - lambd eta) - eta g
    ax <- ax + mu (p - ax)                 (ax <- p while mu = 1)
    eta <- lr / (1 + lambd lr t)^alpha;    mu <- 1 / max(1, t - t0)

``eta`` and ``mu`` are 0-d state tensors (float32, as torch keeps them); ``ax`` is the average.

>>> import scratchnet as sn
>>> w = sn.nn.Parameter(sn.tensor([1.0]))
>>> opt = ASGD([w], lr=0.1, lambd=0.0)
>>> w.grad = sn.tensor([1.0]); opt.step()
>>> round(w.item(), 6), round(opt.state[w]["ax"].item(), 6)
(0.9, 0.9)
"""

from ..backend import xp
from ..tensor import Tensor
from .optimizer import Optimizer, check, check_lr, count_step, flags, scalar_state, in_order


class ASGD(Optimizer):
    """Averaged SGD: SGD steps with a decaying rate ``eta`` and a running average ``ax`` of the iterates (torch's eta/mu/ax).

    Args:
        params: parameters (or param groups); the other arguments are torch's, with torch's defaults and checks.

    >>> import scratchnet as sn
    >>> w = sn.nn.Parameter(sn.tensor([1.0, -2.0]))
    >>> o = sn.optim.ASGD([w], lr=0.1)
    >>> (w * w).sum().backward(); _ = o.step()
    >>> bool((w.detach().abs() < sn.tensor([1.0, 2.0])).all())
    True
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None, maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check(weight_decay, weight_decay >= 0, "Invalid weight_decay value: {}")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, in_order(flags(defaults, foreach, capturable, differentiable), "lr lambd alpha t0 weight_decay foreach maximize differentiable capturable"))

    def update(self, p, grad, state, group):
        lr, lambd = group["lr"], group["lambd"]
        if "eta" not in state:
            state["step"] = scalar_state(0.0)
            state["eta"] = scalar_state(lr)
            state["mu"] = scalar_state(1.0)
            state["ax"] = Tensor._make(xp.zeros_like(p.array))
        t = count_step(state)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.array
        eta = state["eta"].array.item()
        p.array *= 1 - lambd * eta
        p.array -= eta * grad
        mu, ax = state["mu"].array, state["ax"].array
        if mu.item() != 1:
            ax += (p.array - ax) * mu
        else:
            ax[...] = p.array
        state["eta"].array[...] = lr / ((1 + lambd * lr * t) ** group["alpha"])
        state["mu"].array[...] = 1 / max(1, t - group["t0"])
