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

from ..backend import FLOAT_DTYPES, fast_where, xp
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


def _through_steps(ctx, steps, grad):
    """A fused layer's backward with create_graph: the VJP of the step-by-step layer ``steps``
    rebuilt from the node's own inputs, so that it can be differentiated again."""
    from ..autograd import grad as vjp

    wanted = [t for t, need in zip(ctx.inputs, ctx.needs_input_grad) if need]
    found = iter(vjp(steps(*ctx.inputs, reverse=ctx.reverse), wanted, grad, create_graph=True, allow_unused=True))
    return tuple(next(found) if need else None for need in ctx.needs_input_grad)


class _FusedLayer(Function):
    """What LSTMLayer and GRULayer share: the saved inputs, and a backward that works on arrays
    (``backward_arrays``) or, with create_graph, differentiates the step-by-step layer."""

    backward_name = "MkldnnRnnLayerBackward0"

    @staticmethod
    def input_gates(x, w_ih, biases, reverse):
        """x W_ih^T + b_ih for every step at once (T, B, gates), and the steps' order."""
        T, B, _ = x.shape
        xg = (x.reshape(T * B, -1) @ w_ih.T).reshape(T, B, w_ih.shape[0])
        if biases:
            xg += biases[0]
        return xg, range(T - 1, -1, -1) if reverse else range(T)

    def keep(ctx, reverse, values, x, w_ih, w_hh):
        ctx.reverse, ctx.values = reverse, values
        ctx.save_for_backward(x, w_ih, w_hh)

    def backward(ctx, grad):
        if is_grad_enabled():
            return _through_steps(ctx, ctx.steps, grad)
        return ctx.backward_arrays(grad.array, *(t.array for t in ctx.saved_tensors))


class LSTMLayer(_FusedLayer):
    """A whole LSTM layer (one direction) over a (T, B, I) sequence as one node, as torch's fused
    CPU kernel runs it: the input side's gates of every step in one matrix product, the recurrence
    step by step on arrays, and in the backward one product each for dW_ih, dW_hh (summed over
    the steps) and the input gradient, after the step-by-step pass that carries dh and dc back
    (the formulas of :class:`LSTMGates`). Output (T + 1, B, H): the T outputs, then c_T (the
    caller slices them apart; h_T is the output of the last step run).

    With ``create_graph`` its backward rebuilds the layer step by step from the same inputs and
    differentiates that, so second derivatives work as everywhere else."""

    def forward(ctx, x, h0, c0, w_ih, w_hh, *biases, reverse):
        T, B, _ = x.shape
        H = h0.shape[-1]
        xg, order = ctx.input_gates(x, w_ih, biases, reverse)
        acts, tanh_c = xp.empty((T, B, 4 * H), x.dtype), xp.empty((T, B, H), x.dtype)
        hs, cs = xp.empty((T + 1, B, H), x.dtype), xp.empty((T + 1, B, H), x.dtype)  # by step run
        hs[0], cs[0] = h0, c0
        out = xp.empty((T + 1, B, H), x.dtype)
        for k, t in enumerate(order):
            hg = hs[k] @ w_hh.T
            if biases:
                hg += biases[1]
            gates = hg + xg[t]  # torch's order: linear_hh(h) + linear_ih(x)
            a = acts[t]
            xp.tanh(gates[:, 2 * H : 3 * H], out=a[:, 2 * H : 3 * H])  # g; i, f, o as sigmoid(x) =
            gates *= 0.5  # (1 + tanh(x / 2)) / 2: never overflows
            xp.tanh(gates[:, : 2 * H], out=a[:, : 2 * H])
            xp.tanh(gates[:, 3 * H :], out=a[:, 3 * H :])
            for part in (a[:, : 2 * H], a[:, 3 * H :]):
                part += 1
                part *= 0.5
            xp.add(a[:, H : 2 * H] * cs[k], a[:, :H] * a[:, 2 * H : 3 * H], out=cs[k + 1])
            xp.tanh(cs[k + 1], out=tanh_c[t])
            xp.multiply(a[:, 3 * H :], tanh_c[t], out=hs[k + 1])
            out[t] = hs[k + 1]
        out[T] = cs[T]
        ctx.keep(reverse, (acts, tanh_c, hs, cs), x, w_ih, w_hh)
        return out

    def steps(ctx, *inputs, reverse):
        return lstm_layer_steps(*inputs, reverse=reverse)

    def backward_arrays(ctx, g, x, w_ih, w_hh):
        acts, tanh_c, hs, cs = ctx.values
        T, B, H = tanh_c.shape
        order = range(T - 1, -1, -1) if ctx.reverse else range(T)
        d_acts = xp.empty_like(acts)
        dh_next, dc_next = xp.zeros((B, H), g.dtype), g[T].copy()
        for k in reversed(range(T)):
            t = order[k]
            a, tc = acts[t], tanh_c[t]
            i, f, gg, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
            dh = g[t] + dh_next
            dc = dc_next + dh * o * (1 - tc * tc)
            d = d_acts[t]
            d[:, :H] = dc * gg * i * (1 - i)
            d[:, H : 2 * H] = dc * cs[k] * f * (1 - f)
            d[:, 2 * H : 3 * H] = dc * i * (1 - gg * gg)
            d[:, 3 * H :] = dh * tc * o * (1 - o)
            dc_next = dc * f
            dh_next = d @ w_hh
        flat = d_acts.reshape(T * B, 4 * H)
        h_prev = hs[:T][::-1] if ctx.reverse else hs[:T]  # the state each time step started from
        need = ctx.needs_input_grad
        wrap = lambda a: Tensor._make(a) if a is not None else None  # noqa: E731
        grads = [
            (flat @ w_ih).reshape(x.shape) if need[0] else None,
            dh_next if need[1] else None,
            dc_next if need[2] else None,
            flat.T @ x.reshape(T * B, -1) if need[3] else None,
            flat.T @ xp.ascontiguousarray(h_prev).reshape(T * B, H) if need[4] else None,
        ]
        if len(ctx.inputs) > 5:
            db = flat.sum(axis=0) if need[5] or need[6] else None
            grads += [db if need[5] else None, db.copy() if need[6] else None]
        return tuple(wrap(a) for a in grads)


def lstm_layer_steps(x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """The step-by-step LSTM layer (lstm_cell per step): LSTMLayer's packed (T + 1, B, H) result."""
    from .shape import stack

    h, c = h0, c0
    outs = [None] * x.shape[0]
    for t in (range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])):
        h, c = lstm_cell(x[t], (h, c), w_ih, w_hh, b_ih, b_hh)
        outs[t] = h
    return stack(outs + [c])


def lstm_layer(x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """One direction of an LSTM layer over x (T, B, I) from (h0, c0): (outputs (T, B, H), h_T, c_T),
    fused (:class:`LSTMLayer`) when every tensor is of one float dtype, else step by step."""
    tensors = [x, h0, c0, w_ih, w_hh] + ([b_ih, b_hh] if b_ih is not None and b_hh is not None else [])
    fused = (len(tensors) == 7 or (b_ih is None and b_hh is None)) and x.dtype in FLOAT_DTYPES and all(
        t.dtype == x.dtype for t in tensors) and x.ndim == 3 and x.shape[0] > 0
    packed = LSTMLayer.apply(*tensors, reverse=reverse) if fused else lstm_layer_steps(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)
    T = x.shape[0]
    return packed[:T], packed[0 if reverse else T - 1], packed[T]


class GRULayer(_FusedLayer):
    """A whole GRU layer (one direction) over a (T, B, I) sequence as one node, like
    :class:`LSTMLayer`: the input side's gates of every step in one product, the recurrence on
    arrays, the weight and input gradients as one product each (the formulas of
    :class:`GRUGates`). Output (T, B, H); with ``create_graph`` its backward differentiates the
    step-by-step layer."""

    def forward(ctx, x, h0, w_ih, w_hh, *biases, reverse):
        T, B, _ = x.shape
        H = h0.shape[-1]
        xg, order = ctx.input_gates(x, w_ih, biases, reverse)
        acts = xp.empty((T, B, 4 * H), x.dtype)  # r, z, n and the hidden side's h_n, per step
        hs = xp.empty((T + 1, B, H), x.dtype)  # by step run
        hs[0] = h0
        out = xp.empty((T, B, H), x.dtype)
        for k, t in enumerate(order):
            hg = hs[k] @ w_hh.T
            if biases:
                hg += biases[1]
            a = acts[t]
            a[:, : 2 * H] = _sigmoid(xg[t][:, : 2 * H] + hg[:, : 2 * H])  # r, z
            a[:, 3 * H :] = hg[:, 2 * H :]
            xp.tanh(xg[t][:, 2 * H :] + a[:, :H] * hg[:, 2 * H :], out=a[:, 2 * H : 3 * H])  # n
            z, n = a[:, H : 2 * H], a[:, 2 * H : 3 * H]
            xp.add((hs[k] - n) * z, n, out=hs[k + 1])  # torch's kernel: (h - n) z + n
            out[t] = hs[k + 1]
        ctx.keep(reverse, (acts, hs), x, w_ih, w_hh)
        return out

    def steps(ctx, *inputs, reverse):
        return gru_layer_steps(*inputs, reverse=reverse)

    def backward_arrays(ctx, g, x, w_ih, w_hh):
        acts, hs = ctx.values
        T, B, H = g.shape
        order = range(T - 1, -1, -1) if ctx.reverse else range(T)
        d_x, d_h = xp.empty((T, B, 3 * H), g.dtype), xp.empty((T, B, 3 * H), g.dtype)
        dh_next = xp.zeros((B, H), g.dtype)
        for k in reversed(range(T)):
            t = order[k]
            a = acts[t]
            r, z, n, h_n = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
            dh = g[t] + dh_next
            dn = dh * (1 - z) * (1 - n * n)
            dr = dn * h_n * r * (1 - r)
            dz = dh * (hs[k] - n) * z * (1 - z)
            d_x[t, :, :H], d_x[t, :, H : 2 * H], d_x[t, :, 2 * H :] = dr, dz, dn
            d_h[t, :, :H], d_h[t, :, H : 2 * H], d_h[t, :, 2 * H :] = dr, dz, dn * r
            dh_next = dh * z + d_h[t] @ w_hh
        fx, fh = d_x.reshape(T * B, 3 * H), d_h.reshape(T * B, 3 * H)
        h_prev = hs[:T][::-1] if ctx.reverse else hs[:T]  # the state each time step started from
        need = ctx.needs_input_grad
        grads = [
            (fx @ w_ih).reshape(x.shape) if need[0] else None,
            dh_next if need[1] else None,
            fx.T @ x.reshape(T * B, -1) if need[2] else None,
            fh.T @ xp.ascontiguousarray(h_prev).reshape(T * B, H) if need[3] else None,
        ]
        if len(ctx.inputs) > 4:
            grads += [fx.sum(axis=0) if need[4] else None, fh.sum(axis=0) if need[5] else None]
        return tuple(Tensor._make(a) if a is not None else None for a in grads)


def gru_layer_steps(x, h0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """The step-by-step GRU layer (gru_cell per step): GRULayer's (T, B, H) result."""
    from .shape import stack

    h = h0
    outs = [None] * x.shape[0]
    for t in (range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])):
        h = gru_cell(x[t], h, w_ih, w_hh, b_ih, b_hh)
        outs[t] = h
    return stack(outs)


def gru_layer(x, h0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """One direction of a GRU layer over x (T, B, I) from h0: (outputs (T, B, H), h_T), fused
    (:class:`GRULayer`) when every tensor is of one float dtype, else step by step."""
    tensors = [x, h0, w_ih, w_hh] + ([b_ih, b_hh] if b_ih is not None and b_hh is not None else [])
    fused = (len(tensors) == 6 or (b_ih is None and b_hh is None)) and x.dtype in FLOAT_DTYPES and all(
        t.dtype == x.dtype for t in tensors) and x.ndim == 3 and x.shape[0] > 0
    out = GRULayer.apply(*tensors, reverse=reverse) if fused else gru_layer_steps(x, h0, w_ih, w_hh, b_ih, b_hh, reverse)
    return out, out[0 if reverse else x.shape[0] - 1]


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
