"""Muon (Jordan et al.): SGD with Nesterov momentum whose update is orthogonalized.

Each step, for a matrix parameter:

    buf <- lerp(buf, g, 1 - momentum);    u = lerp(g, buf, momentum) with nesterov, else buf
    u  <- NewtonSchulz(u)                 (about U V^T for u = U S V^T: every singular value ~1)
    p  <- p (1 - lr weight_decay) - lr' u,  lr' = lr * sqrt(max(1, rows / cols)) ("original")

The Newton-Schulz iteration runs ``ns_steps`` times on X = u / ||u|| (transposed to be wide):
A = X X^T, B = b A + c A A, X <- a X + B X, with torch's coefficients (a, b, c). torch runs it in
bfloat16; scratchnet holds no bfloat16 tensors, so it computes in float32 and rounds every
intermediate result to bfloat16's 8 significant bits (:func:`round_bfloat16`) where torch's
kernels round, which gives torch's updates up to the last bfloat16 bit.

>>> import scratchnet as sn
>>> w = sn.nn.Parameter(sn.eye(2))
>>> opt = Muon([w], lr=0.1, weight_decay=0.0)
>>> w.grad = sn.tensor([[1.0, 0.0], [0.0, 1.0]]); opt.step()
>>> bool(w.detach().diagonal().lt(1).all())
True
"""

import math

from ..backend import xp
from .optimizer import Optimizer, buffer, check, lerp_

EPS = 1e-7
DEFAULT_COEFFICIENTS = (3.4445, -4.7750, 2.0315)


def round_bfloat16(a):
    """float32 values rounded to the nearest bfloat16 (ties to even), kept as float32.

    >>> import numpy as np
    >>> round_bfloat16(np.array([1.0, 1.00390625, 1.01171875], dtype=np.float32)).tolist()
    [1.0, 1.0, 1.015625]
    """
    a = xp.asarray(a, dtype=xp.float32)
    bits = a.view(xp.uint32)
    rounded = (bits + xp.uint32(0x7FFF) + ((bits >> xp.uint32(16)) & xp.uint32(1))) & xp.uint32(0xFFFF0000)
    return xp.where(xp.isnan(a), a, rounded.view(xp.float32))


def zeropower_via_newtonschulz(grad, coefficients, steps, eps):
    """The Newton-Schulz orthogonalization of a matrix, in bfloat16 precision as torch's."""
    if steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = coefficients
    tall = grad.shape[0] > grad.shape[1]
    x = round_bfloat16(grad.T if tall else grad)
    norm = round_bfloat16(xp.sqrt((x * x).sum(dtype=xp.float32)))
    x = round_bfloat16(x / xp.maximum(norm, round_bfloat16(xp.float32(eps))))
    for _ in range(steps):
        gram = round_bfloat16(x @ x.T)
        update = round_bfloat16(b * gram + c * (gram @ gram))
        x = round_bfloat16(a * x + update @ x)
    return x.T if tall else x


def _adjust_lr(lr, adjust_lr_fn, shape):
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, rows / cols))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, cols))
    elif adjust_lr_fn == "spectral_unclamped":
        ratio = math.sqrt(rows / cols)
    else:
        ratio = 1.0
    return lr * ratio


class Muon(Optimizer):
    """Muon with torch's arguments, defaults and checks; every parameter must be a matrix.

    Args:
        params: 2-D parameters or param groups. lr, weight_decay (decoupled), momentum, nesterov;
        ns_coefficients (a, b, c) and ns_steps: the Newton-Schulz iteration; eps: the norm's
        floor; adjust_lr_fn: None/"original", "match_rms_adamw" or "spectral_unclamped".

    >>> import scratchnet as sn
    >>> Muon([sn.nn.Parameter(sn.ones(3))])
    Traceback (most recent call last):
    ...
    ValueError: Muon only supports 2D parameters whereas we found a parameter with size: scratchnet.Size([3])
    """

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True, ns_coefficients=DEFAULT_COEFFICIENTS, eps=EPS,
                 ns_steps=5, adjust_lr_fn=None):
        from ..tensor import Tensor

        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        check(lr, 0.0 <= lr, "Learning rate should be >= 0 but is: {}")
        check(momentum, 0.0 <= momentum, "momentum should be >= 0 but is: {}")
        check(weight_decay, 0.0 <= weight_decay, "weight decay should be >= 0 but is: {}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw", "spectral_unclamped"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov, ns_coefficients=ns_coefficients, eps=eps,
                        ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: {p.size()}")

    def update(self, p, grad, state, group):
        if grad.ndim != 2:
            raise ValueError("Param gradient must be a 2D matrix")
        lr, momentum = float(group["lr"]), group["momentum"]
        buf = buffer(state, "momentum_buffer", p.array)
        lerp_(buf, grad, 1 - momentum)
        step = lerp_(grad.astype(buf.dtype, copy=True), buf, momentum) if group["nesterov"] else buf
        step = zeropower_via_newtonschulz(step.astype(xp.float32), group["ns_coefficients"], group["ns_steps"], group["eps"])
        p.array *= 1 - lr * group["weight_decay"]
        p.array -= _adjust_lr(lr, group["adjust_lr_fn"], p.array.shape) * step.astype(p.array.dtype)
