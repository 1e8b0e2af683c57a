"""Adam and AdamW (decoupled weight decay), as torch computes them.

    m <- beta1 m + (1 - beta1) g            v <- beta2 v + (1 - beta2) g^2
    p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

Adam adds weight_decay * p to g; AdamW instead shrinks p by (1 - lr * weight_decay) first.
amsgrad uses the running maximum of v.
"""

import math

from ..backend import xp
from ..tensor import Tensor
from .optimizer import Optimizer, buffer, check, check_lr, count_step, flags


class Adam(Optimizer):
    """Adam (Kingma & Ba). ``decoupled_weight_decay=True`` is AdamW.

    >>> import scratchnet as sn
    >>> w = sn.nn.Parameter(sn.tensor([1.0, -1.0]))
    >>> opt = Adam([w], lr=0.1)
    >>> w.grad = sn.tensor([3.0, -0.5]); opt.step()
    >>> [round(v, 4) for v in w.tolist()]  # the first step moves each coordinate by about lr
    [0.9, -0.9]
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, foreach=None, maximize=False, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
        check_lr(lr)
        check(eps, eps >= 0, "Invalid epsilon value: {}")
        check(betas[0], 0 <= betas[0] < 1, "Invalid beta parameter at index 0: {}")
        check(betas[1], 0 <= betas[1] < 1, "Invalid beta parameter at index 1: {}")
        check(weight_decay, weight_decay >= 0, "Invalid weight_decay value: {}")
        if not (all(isinstance(b, float) for b in betas) or all(isinstance(b, Tensor) for b in betas)):
            raise ValueError("betas must be either both floats or both Tensors")
        for i, b in enumerate(betas):
            if isinstance(b, Tensor) and b.numel() != 1:
                raise ValueError(f"Tensor betas[{i}] must be 1-element")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize)
        defaults = flags(defaults, foreach, capturable, differentiable, fused=fused)
        defaults["decoupled_weight_decay"] = decoupled_weight_decay
        super().__init__(params, defaults)

    def update(self, p, grad, state, group):
        lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if wd and group["decoupled_weight_decay"]:
            p.array *= 1 - lr * wd
        elif wd:
            grad = grad + wd * p.array
        t = count_step(state)
        m, v = buffer(state, "exp_avg", p.array), buffer(state, "exp_avg_sq", p.array)
        # In place, through one scratch buffer kept between steps: each large temporary would be a
        # fresh allocation (and page faults) on every step.
        tmp = self.scratch(p)
        xp.subtract(grad, m, out=tmp)  # m <- m + (1 - beta1) (g - m), torch's lerp
        tmp *= 1 - beta1
        m += tmp
        xp.multiply(grad, grad, out=tmp)  # v <- beta2 v + (1 - beta2) g^2
        tmp *= 1 - beta2
        v *= beta2
        v += tmp
        if group["amsgrad"]:
            v_max = buffer(state, "max_exp_avg_sq", p.array)
            xp.maximum(v_max, v, out=v_max)
            v = v_max
        xp.sqrt(v, out=tmp)  # denom = sqrt(v) / sqrt(1 - beta2^t) + eps
        tmp /= math.sqrt(1 - beta2**t)
        tmp += eps
        xp.divide(m, tmp, out=tmp)
        tmp *= lr / (1 - beta1**t)
        p.array -= tmp

    def scratch(self, p):
        """A work array shaped like ``p``, reused across steps (not part of the saved state)."""
        cache = self.__dict__.setdefault("_scratch", {})
        if id(p) not in cache or cache[id(p)].shape != p.array.shape or cache[id(p)].dtype != p.array.dtype:
            cache[id(p)] = xp.empty_like(p.array)
        return cache[id(p)]


class AdamW(Adam):
    """Adam with decoupled weight decay: p shrinks by (1 - lr * weight_decay) before the step."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *, maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize, capturable=capturable, differentiable=differentiable, fused=fused, decoupled_weight_decay=True)
