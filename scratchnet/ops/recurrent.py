"""One LSTM time step, as ``torch.lstm_cell``: two matmuls, then the gate arithmetic as one node.

    gates = x W_ih^T + b_ih + h W_hh^T + b_hh          (N, 4H), gate order i, f, g, o
    i, f, o = sigmoid(.), g = tanh(.)
    c' = f * c + i * g,    h' = o * tanh(c')

The gate arithmetic (:class:`LSTMGates`) is fused because the LSTM benchmark showed it matters
(about 2x on a 2-layer LSTM, seq 35, batch 20): written op by op it is eleven nodes a step. Its
backward is the chain rule written out, with t = tanh(c'):

    dc      = dc' + dh' * o * (1 - t^2)
    d gates = [dc * g * i(1 - i),  dc * c * f(1 - f),  dc * i * (1 - g^2),  dh' * t * o(1 - o)]
    d c     = dc * f

on arrays when no graph is wanted, and with scratchnet ops (so differentiable again) otherwise.

>>> import scratchnet as sn
>>> x, h, c = sn.ones(1, 2), sn.zeros(1, 1), sn.zeros(1, 1)
>>> h1, c1 = lstm_cell(x, (h, c), sn.zeros(4, 2), sn.zeros(4, 1))
>>> round(c1.item(), 4), round(h1.item(), 4)  # i = f = o = 0.5, g = 0: nothing stored
(0.0, 0.0)
"""

from ..backend import xp
from ..tensor import Function, Tensor, is_grad_enabled
from .layers import linear
from .shape import cat


def _sigmoid(a):
    e = xp.exp(-xp.abs(a))  # never overflows
    return xp.where(a >= 0, 1 / (1 + e), e / (1 + e))


class LSTMGates(Function):
    """(gates (N, 4H), c (N, H)) -> stack([h', c']) (2, N, H)."""

    def forward(ctx, gates, c):
        H = c.shape[-1]
        i, f, o = _sigmoid(gates[..., :H]), _sigmoid(gates[..., H:2 * H]), _sigmoid(gates[..., 3 * H:])
        g = xp.tanh(gates[..., 2 * H:3 * H])
        c_new = f * c + i * g
        t = xp.tanh(c_new)
        ctx.save_for_backward(gates, c)
        ctx.values = (i, f, g, o, t)
        return xp.stack([o * t, c_new])

    def backward(ctx, grad):
        gates, c = ctx.saved_tensors
        if not is_grad_enabled():
            i, f, g, o, t = ctx.values
            dh, dc_new = grad.array[0], grad.array[1]
            dc = dc_new + dh * o * (1 - t * t)
            d_gates = xp.concatenate([dc * g * i * (1 - i), dc * c.array * f * (1 - f), dc * i * (1 - g * g), dh * t * o * (1 - o)], axis=-1)
            return Tensor._make(d_gates), Tensor._make(dc * f)
        i, f, g, o = gates.chunk(4, dim=-1)
        i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
        t = (f * c + i * g).tanh()
        dh, dc_new = grad[0], grad[1]
        dc = dc_new + dh * o * (1 - t * t)
        d_gates = cat([dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g), dh * t * o * (1 - o)], dim=-1)
        return d_gates, dc * f


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """``torch.lstm_cell``: one LSTM step; ``hx`` is (h, c); returns (h', c').

    input (N, in), h and c (N, H), w_ih (4H, in), w_hh (4H, H), biases (4H,).
    """
    h, c = hx
    gates = linear(input, w_ih, b_ih) + linear(h, w_hh, b_hh)
    if tuple(c.shape) != tuple(gates.shape[:-1]) + (gates.shape[-1] // 4,) or gates.shape[-1] % 4:
        raise RuntimeError(f"lstm_cell: expected c of shape {list(gates.shape[:-1]) + [gates.shape[-1] // 4]} for gates of shape {list(gates.shape)}, got {list(c.shape)}")
    if c.dtype != gates.dtype:
        raise RuntimeError(f"lstm_cell: expected c of dtype {gates.dtype}, got {c.dtype}")
    both = LSTMGates.apply(gates, c)
    return both[0], both[1]


__all__ = ["lstm_cell"]
