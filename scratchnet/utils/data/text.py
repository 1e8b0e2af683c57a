"""Character-level text data with no download: a tokenizer, a dataset of shifted windows, and the
default corpus — the English documentation text that ships inside every CPython
(``pydoc_data.topics``: the help pages of the language reference, about 465,000 characters).

>>> tok = CharTokenizer("hello")
>>> tok.vocab_size, tok.encode("hell"), tok.decode([3, 2])
(4, [1, 0, 2, 2], 'ol')
>>> ds = CharDataset("hello world", block_size=4)
>>> x, y = ds[0]
>>> tok = ds.tokenizer
>>> tok.decode(x.tolist()), tok.decode(y.tolist())
('hell', 'ello')
"""

import os

from ...backend import xp
from ...vision.datasets.utils import DataError
from .dataset import Dataset

#: The largest --text-file read (bytes); a bigger file is refused before it is read.
MAX_TEXT_BYTES = 64 * 2**20


def default_corpus():
    """The text of CPython's ``pydoc_data.topics``: its values joined in sorted-key order.

    >>> text = default_corpus()
    >>> len(text) > 400_000 and "lambda" in text
    True
    """
    from pydoc_data.topics import topics

    return "".join(topics[key] for key in sorted(topics))


def read_text_file(path, max_bytes=MAX_TEXT_BYTES):
    """The contents of a UTF-8 file; a missing, unreadable, oversized, empty or non-UTF-8 file is
    one :class:`DataError` naming it."""
    if not os.path.isfile(path):
        raise DataError(f"--text-file {path}: no such file")
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise DataError(f"--text-file {path}: {size} bytes is more than the {max_bytes} allowed")
        with open(path, "rb") as f:
            raw = f.read(max_bytes + 1)
    except OSError as e:
        raise DataError(f"--text-file {path}: cannot read it ({e.strerror or e})") from None
    if len(raw) > max_bytes:  # it grew while we looked
        raise DataError(f"--text-file {path}: more than the {max_bytes} bytes allowed")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DataError(f"--text-file {path}: not UTF-8 text (byte {e.start} is {raw[e.start]:#04x})") from None
    if not text:
        raise DataError(f"--text-file {path}: the file is empty")
    return text


class CharTokenizer:
    """Characters <-> integer ids; the vocabulary is the sorted set of characters of ``text``
    (or the given ``chars``, in that order, e.g. from a checkpoint).

    Args:
        text (str): text to build the vocabulary from.
        chars (str or list, optional): the vocabulary itself, instead of ``text``.
    """

    def __init__(self, text=None, chars=None):
        self.chars = list(chars) if chars is not None else sorted(set(text or ""))
        if not self.chars:
            raise DataError("a tokenizer needs at least one character")
        self.stoi = {c: i for i, c in enumerate(self.chars)}
        if len(self.stoi) != len(self.chars):
            raise DataError("a tokenizer's characters must be distinct")

    @property
    def vocab_size(self):
        return len(self.chars)

    def encode(self, text):
        """A list of ids; a character outside the vocabulary is a ValueError naming it."""
        try:
            return [self.stoi[c] for c in text]
        except KeyError as e:
            raise ValueError(f"character {e.args[0]!r} is not in the vocabulary ({self.vocab_size} characters)") from None

    def decode(self, ids):
        """The text of a sequence of ids."""
        return "".join(self.chars[int(i)] for i in ids)

    def __repr__(self):
        return f"CharTokenizer(vocab_size={self.vocab_size})"


class CharDataset(Dataset):
    """Every window of ``block_size`` characters of ``text``, as (x, y) int64 index tensors with
    ``y`` the window shifted one character on: item ``i`` is ``(ids[i:i+T], ids[i+1:i+T+1])``.

    Args:
        text (str): the text.
        block_size (int): the window length T (>= 1).
        tokenizer (CharTokenizer, optional): default: built from ``text``.

    Shapes: each of x and y is (T,); ``len(dataset) == len(text) - T``.
    """

    def __init__(self, text, block_size, tokenizer=None):
        if not isinstance(block_size, int) or block_size < 1:
            raise ValueError(f"block_size must be a positive integer (got {block_size!r})")
        if len(text) <= block_size:
            raise DataError(f"the text has {len(text)} characters; a window of block_size {block_size} needs at least {block_size + 1}")
        self.tokenizer = tokenizer or CharTokenizer(text)
        self.block_size = block_size
        self.ids = xp.array(self.tokenizer.encode(text), dtype=xp.int64)

    def __len__(self):
        return len(self.ids) - self.block_size

    def __getitem__(self, index):
        from ...tensor import Tensor

        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for a CharDataset of {n} windows")
        index %= n
        chunk = self.ids[index : index + self.block_size + 1]
        return Tensor._wrap(chunk[:-1].copy()), Tensor._wrap(chunk[1:].copy())

    def windows(self, starts):
        """(x, y) as int64 arrays of shape (len(starts), T) for the windows beginning at ``starts``."""
        starts = xp.asarray(starts, dtype=xp.int64)
        offsets = starts[:, None] + xp.arange(self.block_size + 1)
        chunk = self.ids[offsets]
        return chunk[:, :-1], chunk[:, 1:]
