"""How a DataLoader turns a list of samples into a batch, as torch's ``default_collate``.

By the type of the first sample: Tensors stack along a new dim 0; NumPy arrays become tensors and
stack; Python floats become a float64 tensor, ints an int64 tensor (bools a bool tensor), NumPy
scalars a tensor of their dtype; strings and bytes stay a list; dicts collate key by key,
namedtuples field by field, other sequences position by position (tuples come back as lists, as
torch's do).

>>> import scratchnet as sn
>>> x, y, s = default_collate([(sn.zeros(2), 1, "a"), (sn.ones(2), 2, "b")])
>>> x.shape, y.tolist(), s
(scratchnet.Size([2, 2]), [1, 2], ('a', 'b'))
>>> default_collate([{"x": 0.5}, {"x": 1.5}])["x"].dtype
scratchnet.float64
"""

import collections.abc
import copy

from ....backend import xp
from ....tensor import Tensor

__all__ = ["default_collate", "default_convert"]

_MESSAGE = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _tensor(values, dtype=None):
    from .... import tensor

    return tensor(values, dtype=dtype)


def _stack(batch):
    shapes = [tuple(t.shape) for t in batch]
    for i, s in enumerate(shapes):
        if s != shapes[0]:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shapes[0])} at entry 0 and {list(s)} at entry {i}")
    from .... import stack

    return stack(list(batch), 0)


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def default_collate(batch):
    """Collate a list of samples into a batch (see the module docstring for the rules)."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack(batch)
    if isinstance(elem, xp.ndarray) or (isinstance(elem, xp.generic) and not isinstance(elem, (xp.str_, xp.bytes_))):
        if elem.dtype.kind in "SaUO":
            raise TypeError(_MESSAGE.format(elem.dtype))
        if isinstance(elem, xp.ndarray) and elem.ndim:
            return _stack([Tensor._wrap(xp.asarray(b)) for b in batch])
        return Tensor._wrap(xp.asarray(batch))
    if isinstance(elem, float):
        from .... import float64

        return _tensor(batch, float64)
    if isinstance(elem, int):
        return _tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(collated)
            return clone
        try:
            return type(elem)(collated)
        except TypeError:
            return collated
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(s) != len(elem) for s in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [default_collate(s) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, c in enumerate(columns):
                    clone[i] = c
                return clone
            return type(elem)(columns)
        except TypeError:
            return columns
    raise TypeError(_MESSAGE.format(type(elem)))


def default_convert(data):
    """What a DataLoader with ``batch_size=None`` does to each sample: NumPy arrays become tensors,
    containers are converted inside, everything else is kept."""
    if isinstance(data, xp.ndarray) and data.dtype.kind not in "SaUO":
        return Tensor._wrap(data)
    if isinstance(data, xp.generic) and not isinstance(data, (xp.str_, xp.bytes_)) and data.dtype.kind not in "SaUO":
        return Tensor._wrap(xp.asarray(data))
    if isinstance(data, (str, bytes, Tensor)):
        return data
    if isinstance(data, collections.abc.Mapping):
        converted = {k: default_convert(v) for k, v in data.items()}
        try:
            clone = copy.copy(data)
            clone.update(converted)
            return clone
        except (TypeError, AttributeError):
            return converted
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data
