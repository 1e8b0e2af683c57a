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

from ..backend import fast_where, xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor, is_grad_enabled
from .layers import linear
from .shape import cat


def _sigmoid(a):
    e = xp.exp(-xp.abs(a))  # never overflows
    return fast_where(a >= 0, 1 / (1 + e), e / (1 + e))


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


def _check_cell(input, w_ih):
    """torch reads input.size(1) and w_ih.size(1) first: an input or weight under 2-D is its IndexError."""
    for t in (input, w_ih):
        if t.ndim < 2:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-max(t.ndim, 1)}, {max(t.ndim, 1) - 1}], but got 1): an RNN cell takes a (N, features) input and (gates, features) weights, got {t.ndim}-D")


def _hidden_gates(hg):
    """torch adds the other gates into the hidden side's in place and applies sigmoid_ there: an
    integer result is refused."""
    if hg.dtype.kind != "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type {torch_name(hg.dtype)}")
    return hg


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """``torch.gru_cell``: one GRU step from hidden state ``hx``; returns h'.

    input (N, in), hx (N, H), w_ih (3H, in), w_hh (3H, H), biases (3H,). As torch, the gates
    are computed in the hidden side's dtype (an input side of another float dtype promotes the
    new gate ``n`` only).

    >>> import scratchnet as sn
    >>> gru_cell(sn.ones(1, 2), sn.zeros(1, 1), sn.zeros(3, 2), sn.zeros(3, 1)).tolist()
    [[0.0]]
    """
    _check_cell(input, w_ih)
    xg = linear(input, w_ih, b_ih)
    hg = _hidden_gates(linear(hx, w_hh, b_hh))
    if hg.shape[-1] % 3 or tuple(hx.shape) != tuple(hg.shape[:-1]) + (hg.shape[-1] // 3,) or xg.shape != hg.shape:
        raise RuntimeError(f"gru_cell: expected hx of shape {list(hg.shape[:-1]) + [hg.shape[-1] // 3]} and gates of one shape, got hx {list(hx.shape)}, gates {list(xg.shape)} and {list(hg.shape)}")
    if xg.dtype.kind != "f":  # exact small integers: added into the float gates as torch does
        xg = xg.to(hg.dtype)
    if xg.dtype != hg.dtype:  # float32 and float64: torch's op order, unfused
        x_r, x_z, x_n = xg.chunk(3, dim=-1)
        h_r, h_z, h_n = hg.chunk(3, dim=-1)
        r = (h_r + x_r).to(hg.dtype).sigmoid()
        z = (h_z + x_z).to(hg.dtype).sigmoid()
        n = (x_n + h_n * r).tanh()
        return (hx - n) * z + n
    return GRUGates.apply(xg, hg, hx)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """``torch.lstm_cell``: one LSTM step; ``hx`` is (h, c); returns (h', c').

    input (N, in), h and c (N, H), w_ih (4H, in), w_hh (4H, H), biases (4H,). As torch, the
    gates take the hidden side's dtype; a cell state of another float dtype promotes h' and c'.

    >>> import scratchnet as sn
    >>> h1, c1 = lstm_cell(sn.ones(1, 2), (sn.zeros(1, 1), sn.zeros(1, 1)), sn.zeros(4, 2), sn.zeros(4, 1))
    >>> c1.tolist()
    [[0.0]]
    """
    h, c = hx
    _check_cell(input, w_ih)
    hg = linear(h, w_hh, b_hh)  # torch: linear_hh(h).add_(linear_ih(x))
    gates = _hidden_gates(hg) + linear(input, w_ih, b_ih)
    if gates.dtype != hg.dtype:
        gates = gates.to(hg.dtype)
    if tuple(c.shape) != tuple(gates.shape[:-1]) + (gates.shape[-1] // 4,) or gates.shape[-1] % 4:
        raise RuntimeError(f"lstm_cell: expected c of shape {list(gates.shape[:-1]) + [gates.shape[-1] // 4]} for gates of shape {list(gates.shape)}, got {list(c.shape)}")
    if c.dtype.kind != "f":  # an integer or bool cell state is multiplied in the gates' dtype
        c = c.to(gates.dtype)
    both = LSTMGates.apply(gates, c)
    return both[0], both[1]


__all__ = ["gru_cell", "lstm_cell"]
