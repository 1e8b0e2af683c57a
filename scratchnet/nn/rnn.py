"""Recurrent layers: RNN, LSTM, GRU and their single-step cells, with torch's parameters.

Each time step is two matmul nodes (x W_ih^T + b_ih, h W_hh^T + b_hh) and then the gate
arithmetic: for LSTM and GRU one node each (fused because the benchmark showed it halves the
time; :mod:`scratchnet.ops.recurrent` writes their backward out), for the plain RNN an add and a
tanh. With x the input at a step and h, c the state, the LSTM step is

    i, f, g, o = split(x W_ih^T + b_ih + h W_hh^T + b_hh, 4)      (gate order i, f, g, o)
    c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
    h' = sigmoid(o) * tanh(c')                                    (times W_hr^T with proj_size)

the GRU step (gate order r, z, n)

    r = sigmoid(x_r + h_r),  z = sigmoid(x_z + h_z),  n = tanh(x_n + r * h_n),  h' = (1 - z) * n + z * h

with x_* = x W_i*^T + b_i* and h_* = h W_h*^T + b_h*, and the plain RNN step
h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).

An LSTM or GRU layer over a whole (unpacked) sequence runs as one node per direction instead
(:class:`scratchnet.ops.recurrent.LSTMLayer`, ``GRULayer``, as torch's fused CPU kernel): the same step, on
arrays, with the weight gradients summed over the steps in one matrix product each.

A multi-layer network feeds each layer's outputs (both directions concatenated when
bidirectional) to the next, with dropout between layers while training. A
:class:`~scratchnet.nn.utils.rnn.PackedSequence` input runs each step on only the sequences still
running at that step.

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> lstm = nn.LSTM(10, 20, num_layers=2)
>>> [name for name, _ in lstm.named_parameters()][:4]
['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
>>> output, (h_n, c_n) = lstm(sn.randn(5, 3, 10))
>>> output.shape, h_n.shape, c_n.shape
(scratchnet.Size([5, 3, 20]), scratchnet.Size([2, 3, 20]), scratchnet.Size([2, 3, 20]))
"""

import math
import numbers
import warnings

from .. import creation
from ..ops.layers import linear
from ..ops.recurrent import gru_cell, gru_layer, lstm_cell, lstm_layer
from ..ops.shape import cat, split, stack
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module, Parameter
from .utils.rnn import PackedSequence

# --- one time step ----------------------------------------------------------------------------------


def rnn_tanh_step(x, state, w_ih, w_hh, b_ih=None, b_hh=None):
    (h,) = state
    h = (linear(x, w_ih, b_ih) + linear(h, w_hh, b_hh)).tanh()
    return h, (h,)


def rnn_relu_step(x, state, w_ih, w_hh, b_ih=None, b_hh=None):
    (h,) = state
    h = (linear(x, w_ih, b_ih) + linear(h, w_hh, b_hh)).relu()
    return h, (h,)


def lstm_step(x, state, w_ih, w_hh, b_ih=None, b_hh=None, w_hr=None):
    """i, f, g, o = split(x W_ih^T + b_ih + h W_hh^T + b_hh, 4); c' = sigmoid(f) c + sigmoid(i) tanh(g);
    h' = sigmoid(o) tanh(c') (then h' W_hr^T with proj_size). The two matmuls are nodes of their
    own; the gate arithmetic is one node (``scratchnet.ops.recurrent``: fused, as the benchmark
    showed it halves the time of an LSTM step)."""
    h, c = lstm_cell(x, state, w_ih, w_hh, b_ih, b_hh)
    if w_hr is not None:
        h = linear(h, w_hr)
    return h, (h, c)


def gru_step(x, state, w_ih, w_hh, b_ih=None, b_hh=None):
    """r = sigmoid(x_r + h_r), z = sigmoid(x_z + h_z), n = tanh(x_n + r * h_n), h' = (1 - z) n + z h,
    the thirds x_* of x W_ih^T + b_ih and h_* of h W_hh^T + b_hh; the gate arithmetic is one node
    (``scratchnet.ops.recurrent``)."""
    (h,) = state
    h = gru_cell(x, h, w_ih, w_hh, b_ih, b_hh)
    return h, (h,)


STEPS = {"RNN_TANH": rnn_tanh_step, "RNN_RELU": rnn_relu_step, "LSTM": lstm_step, "GRU": gru_step}
GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# --- one direction of one layer over the sequence -----------------------------------------------------


def run_direction(step, inputs, state, weights, batch_sizes=None, reverse=False):
    """Run ``step`` over the list of per-step ``inputs`` from ``state`` (a tuple of (B, *) tensors).

    Returns the per-step outputs (in time order) and the final state. With ``batch_sizes``
    (packed input, sorted longest first) step t holds only the first ``batch_sizes[t]`` sequences:
    forwards, the rows of sequences that have ended are set aside as their final state; backwards,
    a sequence joins (from its initial state) at its last step.
    """
    order = range(len(inputs) - 1, -1, -1) if reverse else range(len(inputs))
    outputs, finished = [None] * len(inputs), []
    initial = state
    if batch_sizes is not None and reverse:
        state = tuple(s[: int(batch_sizes[-1])] for s in state)
    for t in order:
        if batch_sizes is not None:
            rows, held = int(batch_sizes[t]), state[0].shape[0]
            if rows < held:  # forwards: sequences rows.. ended at the previous step
                finished.append(tuple(s[rows:] for s in state))
                state = tuple(s[:rows] for s in state)
            elif rows > held:  # backwards: sequences held.. start here
                state = tuple(cat([s, s0[held:rows]]) for s, s0 in zip(state, initial))
        outputs[t], state = step(inputs[t], state, *weights)
    if finished:  # rows come back in order: the last to finish are the lowest rows
        state = tuple(cat([s] + [f[k] for f in reversed(finished)]) for k, s in enumerate(state))
    return outputs, state


# --- the modules ---------------------------------------------------------------------------------------


class RNNBase(Module):
    """The parameters and the multi-layer, bidirectional loop shared by RNN, LSTM and GRU."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                f"dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout, self.bidirectional = bias, batch_first, float(dropout), bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        gate_size = GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names, self._all_weights = [], []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else real_hidden * directions
                shapes = [("weight_ih", (gate_size, layer_input)), ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr", (proj_size, hidden_size))]
                suffix = "_reverse" if direction == 1 else ""
                names = []
                for name, shape in shapes:
                    full = f"{name}_l{layer}{suffix}"
                    setattr(self, full, Parameter(creation.empty(*shape, device=device, dtype=dtype)))
                    names.append(full)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self):
        """A no-op: torch packs weights for cuDNN here; NumPy needs nothing."""

    def _layer_weights(self, layer, direction):
        names = self._all_weights[layer * (2 if self.bidirectional else 1) + direction]
        weights = [getattr(self, n) for n in names]
        if not self.bias:  # the step functions take (w_ih, w_hh, b_ih, b_hh[, w_hr])
            weights = weights[:2] + [None, None] + weights[2:]
        return weights

    def _state_sizes(self):
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        return [real_hidden, self.hidden_size] if self.mode == "LSTM" else [self.hidden_size]

    def forward(self, input, hx=None):
        name = type(self).__name__
        directions = 2 if self.bidirectional else 1
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            batch_sizes = batch_sizes.array
            batch, batched = int(batch_sizes[0]), True
            offsets = [0]
            for b in batch_sizes:
                offsets.append(offsets[-1] + int(b))
            steps = [data[offsets[t]:offsets[t + 1]] for t in range(len(batch_sizes))]
            dtype = data.dtype
        else:
            if input.ndim not in (2, 3):
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D tensor instead")
            batched = input.ndim == 3
            x = input if batched else input.unsqueeze(1)
            if batched and self.batch_first:
                x = x.transpose(0, 1)
            if x.shape[-1] != self.input_size:
                raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {x.shape[-1]}")
            if x.shape[0] == 0:
                raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
            batch, batch_sizes, dtype = x.shape[1], None, x.dtype
        # the layers' input: one (T, B, features) tensor ``seq`` while the layers run fused (one node
        # each), else a list of steps (packed sequences, proj_size: a cell per step)
        fused = batch_sizes is None and ((self.mode == "LSTM" and not self.proj_size) or self.mode == "GRU")
        seq, steps = (x, None) if fused else (None, steps if packed else list(x.unbind(0)))
        states = self._initial_states(hx, batch, batched, dtype)
        if packed and sorted_indices is not None:
            states = [s[:, sorted_indices] for s in states]
        step = STEPS[self.mode]
        finals = [[] for _ in states]
        for layer in range(self.num_layers):
            outs = []
            for direction in range(directions):
                index = layer * directions + direction
                start = tuple(s[index] for s in states)
                weights = self._layer_weights(layer, direction)
                if fused and self.mode == "LSTM":  # one node for the whole layer
                    out, *end = lstm_layer(seq, *start, *weights[:4], reverse=direction == 1)
                elif fused:
                    out, *end = gru_layer(seq, *start, *weights[:4], reverse=direction == 1)
                else:
                    out, end = run_direction(step, steps, start, weights, batch_sizes, reverse=direction == 1)
                outs.append(out)
                for k, s in enumerate(end):
                    finals[k].append(s)
            if fused:
                seq = outs[0] if directions == 1 else cat(outs, dim=-1)
            else:
                steps = outs[0] if directions == 1 else [cat([a, b], dim=-1) for a, b in zip(*outs)]
            if self.dropout and self.training and layer < self.num_layers - 1:
                if fused:
                    seq = F.dropout(seq, self.dropout, True)  # one mask draw for the whole layer, as torch
                else:
                    steps = self._drop(steps, batch_sizes)
        finals = [stack(f) for f in finals]
        if packed:
            if unsorted_indices is not None:
                finals = [f[:, unsorted_indices] for f in finals]
            output = PackedSequence(cat(steps), input.batch_sizes, sorted_indices, unsorted_indices)
        else:
            output = seq if fused else stack(steps)
            if not batched:
                output, finals = output.squeeze(1), [f.squeeze(1) for f in finals]
            elif self.batch_first:
                output = output.transpose(0, 1)
        return output, (tuple(finals) if self.mode == "LSTM" else finals[0])

    def _drop(self, steps, batch_sizes):
        """Dropout on a layer's whole output at once (one mask draw, as torch)."""
        if batch_sizes is None:
            return list(F.dropout(stack(steps), self.dropout, True).unbind(0))
        return list(split(F.dropout(cat(steps), self.dropout, True), [int(b) for b in batch_sizes]))

    def _initial_states(self, hx, batch, batched, dtype):
        directions = 2 if self.bidirectional else 1
        sizes = self._state_sizes()
        if hx is None:
            return [creation.zeros(self.num_layers * directions, batch, n, dtype=dtype) for n in sizes]
        given = list(hx) if self.mode == "LSTM" else [hx]
        if self.mode == "LSTM" and (not isinstance(hx, (tuple, list)) or len(given) != 2):
            raise RuntimeError("LSTM expects hx to be a tuple (h_0, c_0)")
        states = []
        for s, n in zip(given, sizes):
            if not isinstance(s, Tensor):
                raise TypeError(f"{type(self).__name__}: hx must be a Tensor, got {type(s).__name__}")
            if batched and s.ndim != 3:
                raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {s.ndim}-D tensor")
            if not batched and s.ndim != 2:
                raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {s.ndim}-D tensor")
            s = s if batched else s.unsqueeze(1)
            expected = (self.num_layers * directions, batch, n)
            if tuple(s.shape) != expected:
                raise RuntimeError(f"Expected hidden size {expected}, got {list(s.shape)}")
            states.append(s)
        return states

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


_RNN_ARGS = ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional")


class RNN(RNNBase):
    """``nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False)``: h_t = tanh(x_t W_ih^T + b_ih +
    h_{t-1} W_hh^T + b_hh). ``forward(input, h_0=None)`` returns ``(output, h_n)``."""

    def __init__(self, *args, **kwargs):
        names = ("input_size", "hidden_size", "num_layers", "nonlinearity") + _RNN_ARGS[3:]
        kwargs.update(zip(names, args))
        nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", **kwargs)


class LSTM(RNNBase):
    """``nn.LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
    dropout=0.0, bidirectional=False, proj_size=0)``. ``forward(input, (h_0, c_0)=None)`` returns
    ``(output, (h_n, c_n))``; gate order i, f, g, o as torch."""

    def __init__(self, *args, **kwargs):
        kwargs.update(zip(_RNN_ARGS + ("proj_size",), args))
        super().__init__("LSTM", **kwargs)


class GRU(RNNBase):
    """``nn.GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
    dropout=0.0, bidirectional=False)``; gate order r, z, n as torch."""

    def __init__(self, *args, **kwargs):
        kwargs.update(zip(_RNN_ARGS, args))
        super().__init__("GRU", **kwargs)


# --- cells ---------------------------------------------------------------------------------------------


class RNNCellBase(Module):
    """The parameters every recurrent cell holds, made as torch makes them.

    ``weight_ih``: (gates * hidden_size, input_size), ``weight_hh``: (gates * hidden_size, hidden_size),
    ``bias_ih``/``bias_hh``: (gates * hidden_size,) when ``bias``; all drawn from
    U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)). ``gates`` is 1 for RNNCell, 4 for LSTMCell, 3 for GRUCell.

    >>> import scratchnet as sn
    >>> sn.nn.LSTMCell(3, 5).weight_ih.shape
    scratchnet.Size([20, 3])
    """

    gates, mode = 1, "RNN_TANH"

    def __init__(self, input_size, hidden_size, bias=True, num_chunks=None, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        gates = self.gates if num_chunks is None else num_chunks  # (torch's base class takes the gate count)
        self.weight_ih = Parameter(creation.empty(gates * hidden_size, input_size, device=device, dtype=dtype))
        self.weight_hh = Parameter(creation.empty(gates * hidden_size, hidden_size, device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(creation.empty(gates * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(creation.empty(gates * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _run(self, input, states):
        name = type(self).__name__
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        if x.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {x.shape[1]} expected {self.input_size}")
        full = []
        for s in states:
            if s is None:
                s = creation.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
            elif not batched:
                if s.ndim != 1:
                    raise RuntimeError(f"{name}: Expected hidden to be 1D for unbatched 1D input, got {s.ndim}D instead")
                s = s.unsqueeze(0)
            elif s.ndim != 2:
                raise RuntimeError(f"{name}: Expected hidden to be 2D for batched 2D input, got {s.ndim}D instead")
            if tuple(s.shape) != (x.shape[0], self.hidden_size):
                raise RuntimeError(f"hidden has inconsistent hidden_size or batch: got {list(s.shape)} expected {[x.shape[0], self.hidden_size]}")
            full.append(s)
        _, out = STEPS[self.mode](x, tuple(full), self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return out if batched else tuple(s.squeeze(0) for s in out)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """``nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')``:
    ``forward(input, hx=None)`` returns h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity, self.mode = nonlinearity, "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, bias, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return self._run(input, [hx])[0]


class LSTMCell(RNNCellBase):
    """``nn.LSTMCell(input_size, hidden_size, bias=True)``: ``forward(input, (h, c)=None)``
    returns ``(h', c')``."""

    gates, mode = 4, "LSTM"

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        h, c = (None, None) if hx is None else hx
        return self._run(input, [h, c])


class GRUCell(RNNCellBase):
    """``nn.GRUCell(input_size, hidden_size, bias=True)``: ``forward(input, hx=None)`` returns h'."""

    gates, mode = 3, "GRU"

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return self._run(input, [hx])[0]
