"""Variable-length sequences for the recurrent layers, as ``torch.nn.utils.rnn``.

A batch of sequences of different lengths is either *padded* into one (T, B, *) tensor, or
*packed*: the time steps laid end to end, step t holding only the ``batch_sizes[t]`` sequences
still running (sequences sorted longest first), so an RNN does no work on padding.

>>> import scratchnet as sn
>>> a, b = sn.tensor([1.0, 2.0, 3.0]), sn.tensor([4.0, 5.0])
>>> padded = pad_sequence([a, b], batch_first=True)
>>> padded.tolist()
[[1.0, 2.0, 3.0], [4.0, 5.0, 0.0]]
>>> packed = pack_padded_sequence(padded, [3, 2], batch_first=True)
>>> packed.data.tolist(), packed.batch_sizes.tolist()
([1.0, 4.0, 2.0, 5.0, 3.0], [2, 2, 1])
>>> out, lengths = pad_packed_sequence(packed, batch_first=True)
>>> out.tolist(), lengths.tolist()
([[1.0, 2.0, 3.0], [4.0, 5.0, 0.0]], [3, 2])
"""

from collections import namedtuple

from ...backend import xp
from ...ops.layers import pad
from ...ops.shape import IndexAdd, stack
from ...tensor import Tensor

__all__ = [
    "PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
    "unpad_sequence", "pack_sequence", "unpack_sequence",
]


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """Packed time steps: ``data`` (sum(batch_sizes), *), ``batch_sizes`` (int64, one per step),
    ``sorted_indices`` (the batch order used, or None) and its inverse ``unsorted_indices``."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _with_data(self, data):
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else self._with_data(data)

    def cpu(self):
        return self

    def double(self):
        return self.to("float64")

    def float(self):
        return self.to("float32")

    @property
    def is_cuda(self):
        return False

    def is_pinned(self):
        return False


def invert_permutation(permutation):
    """The permutation that undoes ``permutation`` (None stays None)."""
    if permutation is None:
        return None
    inverse = xp.empty_like(permutation.array)
    inverse[permutation.array] = xp.arange(permutation.numel())
    return Tensor._make(inverse)


def _lengths_array(lengths):
    array = lengths.array if isinstance(lengths, Tensor) else xp.asarray(lengths)
    return array.astype(xp.int64).reshape(-1)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded (T, B, *) batch (``batch_first``: (B, T, *)) of sequences of ``lengths``.

    With ``enforce_sorted`` the lengths must be in decreasing order; otherwise the batch is
    sorted here and the order kept in ``sorted_indices``.
    """
    lengths = _lengths_array(lengths)
    if enforce_sorted:
        if (xp.diff(lengths) > 0).any():
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
                "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
                "if you do not need ONNX exportability."
            )
        sorted_indices = None
    else:
        order = xp.argsort(-lengths, kind="stable")
        lengths = lengths[order]
        sorted_indices = Tensor._make(order.astype(xp.int64))
    batch_dim = 0 if batch_first else 1
    if lengths.size != input.shape[batch_dim]:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.size} (batch_size={input.shape[batch_dim]})")
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0")
    steps = input.shape[1 - batch_dim]
    if lengths.size and lengths.max() > steps:
        raise RuntimeError(f"the longest length ({int(lengths.max())}) exceeds the input's {steps} time steps")
    if batch_first:
        input = input.transpose(0, 1)
    if sorted_indices is not None:
        input = input[:, sorted_indices]
    running = xp.arange(steps)[:, None] < lengths[None, :]  # (T, B): step t of sequence b exists
    running = running[: int(lengths.max()) if lengths.size else 0]
    batch_sizes = Tensor._make(running.sum(axis=1).astype(xp.int64))
    data = input[: running.shape[0]][Tensor._make(running)]  # time-major order: step by step
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo :func:`pack_padded_sequence`: returns the padded batch and the lengths (int64), both
    in the original batch order. ``total_length`` pads to that many time steps."""
    data, batch_sizes = sequence.data, sequence.batch_sizes.array
    steps, batch = len(batch_sizes), int(batch_sizes[0]) if len(batch_sizes) else 0
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                f"Expected total_length to be at least the length of the longest sequence in input, but got "
                f"total_length={total_length} and max sequence length being {steps}"
            )
        steps_out = total_length
    else:
        steps_out = steps
    running = xp.arange(batch)[None, :] < batch_sizes[:, None]  # (T, B)
    running = xp.concatenate([running, xp.zeros((steps_out - steps, batch), bool)])
    padded = IndexAdd.apply(data, shape=(steps_out, batch) + tuple(data.shape[1:]), index=running)
    if padding_value != 0:
        padded = padded + Tensor._make((~running).reshape(running.shape + (1,) * (data.ndim - 1)) * xp.asarray(padding_value, data.dtype))
    lengths = running.sum(axis=0).astype(xp.int64)
    if sequence.unsorted_indices is not None:
        padded = padded[:, sequence.unsorted_indices]
        lengths = lengths[sequence.unsorted_indices.array]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, Tensor._make(lengths)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack tensors of shapes (L_i, *) into (T, B, *) (``batch_first``: (B, T, *)), T the longest
    L_i, filling with ``padding_value`` on ``padding_side`` ('right' or 'left')."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        extra = longest - s.shape[0]
        widths = (0, 0) * (s.ndim - 1) + ((0, extra) if padding_side == "right" else (extra, 0))
        padded.append(pad(s, widths, value=padding_value) if extra else s)
    return stack(padded, dim=0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of its sequences, each cut to its length."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[: int(n)] for seq, n in zip(padded_sequences, _lengths_array(lengths))]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of tensors (L_i, *) (longest first, unless ``enforce_sorted=False``)."""
    lengths = Tensor._make(xp.array([s.shape[0] for s in sequences], dtype=xp.int64))
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """Undo :func:`pack_sequence`: the list of sequences, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)



