"""Rprop (Riedmiller & Braun): per-coordinate steps that grow while the gradient keeps its sign
and shrink when it flips; only the sign of the gradient is used.

    s = sign(g * g_prev):   step <- clamp(step * (eta+ if s > 0, eta- if s < 0, 1 if 0), min, max)
    where s < 0 the gradient is taken as 0 (no move, and no flip test next time)
    p <- p - sign(g) * step;   g_prev <- g

State: ``prev`` (the last gradient, zeroed where it flipped) and ``step_size`` (starting at lr).

>>> import scratchnet as sn
>>> w = sn.nn.Parameter(sn.tensor([1.0]))
>>> opt = Rprop([w], lr=0.1)
>>> for _ in range(2):
...     w.grad = sn.tensor([3.0]); opt.step()
>>> round(w.item(), 6)  # 1 - 0.1 - 0.12
0.78
"""

from ..backend import xp
from ..tensor import Tensor
from .optimizer import Optimizer, check_lr, count_step, flags, scalar_state, in_order


class Rprop(Optimizer):
    """Per-element step sizes grown by ``etas[1]`` while the gradient keeps its sign and shrunk by ``etas[0]`` when it flips.

    Args:
        params: parameters (or param groups); the other arguments are torch's, with torch's defaults and checks.

    >>> import scratchnet as sn
    >>> w = sn.nn.Parameter(sn.tensor([1.0, -2.0]))
    >>> o = sn.optim.Rprop([w], lr=0.1)
    >>> (w * w).sum().backward(); _ = o.step()
    >>> bool((w.detach().abs() < sn.tensor([1.0, 2.0])).all())
    True
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes), maximize=maximize)
        super().__init__(params, in_order(flags(defaults, foreach, capturable, differentiable), "lr etas step_sizes foreach maximize differentiable capturable"))

    def update(self, p, grad, state, group):
        (eta_minus, eta_plus), (step_min, step_max) = group["etas"], group["step_sizes"]
        if "prev" not in state:
            state["step"] = scalar_state(0.0)
            state["prev"] = Tensor._make(xp.zeros_like(p.array))
            state["step_size"] = Tensor._make(xp.full_like(grad, group["lr"]))
        count_step(state)
        prev, step_size = state["prev"].array, state["step_size"].array
        sign = xp.sign(grad * prev)
        factor = xp.where(sign > 0, eta_plus, xp.where(sign < 0, eta_minus, 1.0)).astype(step_size.dtype)
        step_size *= factor
        xp.clip(step_size, step_min, step_max, out=step_size)
        grad = xp.where(sign < 0, 0, grad).astype(grad.dtype)
        p.array -= xp.sign(grad) * step_size
        prev[...] = grad
