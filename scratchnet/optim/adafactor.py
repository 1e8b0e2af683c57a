"""Adafactor (Shazeer & Stern): Adam's second moment kept as a row and a column factor.

For a matrix gradient G (m x n) at step t, with beta2_t = 1 - t^tau (tau = ``beta2_decay``):

    R <- lerp(R, mean over columns of G^2, 1 - beta2_t)        (m x 1: ``row_var``)
    C <- lerp(C, mean over rows of G^2, 1 - beta2_t)           (1 x n: ``col_var``)
    V  = R C / max(mean(R), eps1)                               (the rank-1 estimate of E[G^2])
    U  = G / sqrt(max(V, eps1^2)),   U <- U / max(1, RMS(U) / d)
    p <- p - max(eps2, RMS(p)) * min(lr, 1 / sqrt(t)) * U

A vector (or 0-d) gradient keeps a full ``variance`` instead of the factors. ``weight_decay``
first shrinks p by (1 - lr * weight_decay). As torch's, the step is relative to the parameter's
size, so ``lr`` only caps the relative step size.

>>> import scratchnet as sn
>>> w = sn.nn.Parameter(sn.ones(2, 2))
>>> opt = Adafactor([w])
>>> w.grad = sn.ones(2, 2); opt.step()
>>> [round(v, 4) for v in w.flatten().tolist()]
[0.99, 0.99, 0.99, 0.99]
"""

from ..backend import xp
from .optimizer import Optimizer, check, count_step, lerp_, scalar_state


class Adafactor(Optimizer):
    """Adafactor with torch's arguments, defaults and checks.

    Args:
        params: parameters or param groups. lr: the cap on the relative step size (default 1e-2).
        beta2_decay: tau in beta2_t = 1 - t^tau (<= 0). eps: (eps1, eps2); eps1 None is the
        dtype's machine epsilon. d: the update's RMS clipping threshold (>= 1).
        weight_decay: decoupled, as AdamW's. maximize: ascend instead.

    >>> import scratchnet as sn
    >>> w = sn.nn.Parameter(sn.tensor([3.0, -1.0]))
    >>> o = sn.optim.Adafactor([w], lr=0.1)
    >>> (w * w).sum().backward(); _ = o.step()
    >>> bool((w.detach().abs() < sn.tensor([3.0, 1.0])).all())
    True
    """

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *, foreach=None, maximize=False):
        from ..tensor import Tensor

        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        check(lr, 0.0 <= lr, "Learning rate should be >= 0 but is: {}")
        check(beta2_decay, 0.0 >= beta2_decay, "beta2_decay should be <= 0 but is: {}")
        if eps[0] is not None:
            check(eps[0], 0.0 <= eps[0], "epsilon1 should be >= 0 but is: {}")
        check(eps[1], 0.0 <= eps[1], "epsilon2 should be >= 0 but is: {}")
        check(d, 1.0 <= d, "Clipping threshold d should be >= 1 but is: {}")
        check(weight_decay, 0.0 <= weight_decay, "weight_decay should be >= 0 but is: {}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay, foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def update(self, p, grad, state, group):
        from ..tensor import Tensor

        lr, weight_decay, d = float(group["lr"]), group["weight_decay"], group["d"]
        eps1, eps2 = group["eps"]
        array = p.array
        if eps1 is None:
            eps1 = float(xp.finfo(array.dtype).eps)
        if not state:  # torch's state: the step, then two factors for a matrix (or a stack of them), else a full variance
            state["step"] = scalar_state(0.0)
            if grad.ndim > 1:
                state["row_var"] = Tensor._make(xp.zeros(grad.shape[:-1] + (1,), dtype=grad.dtype))
                state["col_var"] = Tensor._make(xp.zeros(grad.shape[:-2] + (1,) + grad.shape[-1:], dtype=grad.dtype))
            else:
                state["variance"] = Tensor._make(xp.zeros_like(grad))
        t = count_step(state)
        one_minus_beta2 = t**group["beta2_decay"]
        rho = min(lr, 1 / t**0.5)
        alpha = max(eps2, float(xp.sqrt((array * array).sum())) / array.size**0.5) * rho  # (an empty parameter: torch's ZeroDivisionError)
        if weight_decay:
            array *= 1 - lr * weight_decay
        if grad.ndim > 1:
            row_var, col_var = state["row_var"].array, state["col_var"].array
            row_mean = xp.sqrt((grad * grad).sum(axis=-1, keepdims=True)) ** 2 / grad.shape[-1]  # torch: a norm, squared
            lerp_(row_var, row_mean, one_minus_beta2)
            col_mean = xp.sqrt((grad * grad).sum(axis=-2, keepdims=True)) ** 2 / grad.shape[-2]
            lerp_(col_var, col_mean, one_minus_beta2)
            estimate = xp.matmul(row_var, col_var)
            estimate /= xp.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
        else:
            variance = state["variance"].array
            lerp_(variance, grad * grad, one_minus_beta2)
            estimate = variance.copy()
        update = 1 / xp.sqrt(xp.maximum(estimate, eps1 * eps1))
        update *= grad
        denom = max(1.0, float(xp.sqrt((update * update).sum())) / (update.size**0.5 * d))
        array += update * (-alpha / denom)
