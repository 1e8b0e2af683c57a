"""One LSTM or GRU time step, as ``torch.lstm_cell`` / ``torch.gru_cell``: two matmuls, then the
gate arithmetic as one node.

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
The GRU step (gate order r, z, n; x_* and h_* the thirds of x W_ih^T + b_ih and h W_hh^T + b_hh)

    r = sigmoid(x_r + h_r),  z = sigmoid(x_z + h_z),  n = tanh(x_n + r * h_n),  h' = (1 - z) n + z h

is fused the same way (:class:`GRUGates`), with dn = dh' (1 - z) (1 - n^2), dr = dn h_n r(1 - r),
dz = dh' (h - n) z(1 - z): d x_gates = [dr, dz, dn], d h_gates = [dr, dz, dn * r], dh = dh' z.

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


class GRUGates(Function):
    """(x_gates (N, 3H), h_gates (N, 3H), h (N, H)) -> h' (N, H)."""

    def forward(ctx, xg, hg, h):
        H = h.shape[-1]
        r = _sigmoid(xg[..., :H] + hg[..., :H])
        z = _sigmoid(xg[..., H:2 * H] + hg[..., H:2 * H])
        h_n = hg[..., 2 * H:]
        n = xp.tanh(xg[..., 2 * H:] + r * h_n)
        ctx.save_for_backward(xg, hg, h)
        ctx.values = (r, z, n, h_n)
        return (1 - z) * n + z * h

    def backward(ctx, grad):
        xg, hg, h = ctx.saved_tensors
        if not is_grad_enabled():
            r, z, n, h_n = ctx.values
            g = grad.array
            dn = g * (1 - z) * (1 - n * n)
            dr = dn * h_n * r * (1 - r)
            dz = g * (h.array - n) * z * (1 - z)
            wrap = Tensor._make
            return wrap(xp.concatenate([dr, dz, dn], axis=-1)), wrap(xp.concatenate([dr, dz, dn * r], axis=-1)), wrap(g * z)
        x_r, x_z, x_n = xg.chunk(3, dim=-1)
        h_r, h_z, h_n = hg.chunk(3, dim=-1)
        r, z = (x_r + h_r).sigmoid(), (x_z + h_z).sigmoid()
        n = (x_n + r * h_n).tanh()
        dn = grad * (1 - z) * (1 - n * n)
        dr = dn * h_n * r * (1 - r)
        dz = grad * (h - n) * z * (1 - z)
        return cat([dr, dz, dn], dim=-1), cat([dr, dz, dn * r], dim=-1), grad * z


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """``torch.gru_cell``: one GRU step from hidden state ``hx``; returns h'.

    input (N, in), hx (N, H), w_ih (3H, in), w_hh (3H, H), biases (3H,).
    """
    xg, hg = linear(input, w_ih, b_ih), linear(hx, w_hh, b_hh)
    if hg.shape[-1] % 3 or tuple(hx.shape) != tuple(hg.shape[:-1]) + (hg.shape[-1] // 3,) or xg.shape != hg.shape:
        raise RuntimeError(f"gru_cell: expected hx of shape {list(hg.shape[:-1]) + [hg.shape[-1] // 3]} and gates of one shape, got hx {list(hx.shape)}, gates {list(xg.shape)} and {list(hg.shape)}")
    return GRUGates.apply(xg, hg, hx)


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


__all__ = ["gru_cell", "lstm_cell"]
