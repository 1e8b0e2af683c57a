"""Datasets and the DataLoader, as ``torch.utils.data``.

A DataLoader with a seed visits the samples in the same order every time, so two engines can be
fed the very same batches.

>>> import scratchnet as sn
>>> ds = TensorDataset(sn.arange(10.0), sn.arange(10))
>>> [y.tolist() for _, y in DataLoader(ds, batch_size=4, shuffle=True, seed=0)]
[[4, 6, 2, 7], [3, 5, 9, 0], [8, 1]]
"""

import math

from ..backend import xp
from ..tensor import Tensor


class Dataset:
    """Anything with ``__getitem__(i)`` and ``__len__``."""

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError


class TensorDataset(Dataset):
    """Samples are the i-th rows of the given tensors (which must agree in their first dim)."""

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        n = tensors[0].shape[0]
        for i, t in enumerate(tensors):
            if t.shape[0] != n:
                raise ValueError(f"Size mismatch between tensors: tensor 0 has {n} rows, tensor {i} has {t.shape[0]}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


class Subset(Dataset):
    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, list(indices)

    def __getitem__(self, index):
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self):
        return len(self.indices)


def _generator(seed=None, generator=None):
    if generator is not None:
        return generator if isinstance(generator, xp.random.Generator) else xp.random.default_rng(int(generator))
    if seed is not None:
        return xp.random.default_rng(int(seed))
    from ..backend import rng

    return rng()


def random_split(dataset, lengths, generator=None, seed=None):
    """Split into non-overlapping Subsets of the given lengths (or fractions summing to 1)."""
    n = len(dataset)
    if all(isinstance(x, float) for x in lengths) and math.isclose(sum(lengths), 1.0) and sum(lengths) <= 1:
        sizes = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        lengths = sizes
    if sum(lengths) != n:
        raise ValueError(f"Sum of input lengths ({sum(lengths)}) does not equal the length of the input dataset ({n})!")
    order = _generator(seed, generator).permutation(n).tolist()
    out, start = [], 0
    for length in lengths:
        out.append(Subset(dataset, order[start : start + length]))
        start += length
    return out


def default_collate(samples):
    """Stack a list of samples into a batch: tensors stack, numbers become a tensor, tuples recurse."""
    first = samples[0]
    if isinstance(first, Tensor):
        return Tensor(xp.stack([s.array for s in samples]))
    if isinstance(first, (int, float, xp.number)) and not isinstance(first, bool):
        return Tensor(xp.asarray(samples))
    if isinstance(first, xp.ndarray):
        return Tensor(xp.stack(samples))
    if isinstance(first, (tuple, list)):
        return type(first)(default_collate(list(group)) for group in zip(*samples))
    if isinstance(first, dict):
        return {k: default_collate([s[k] for s in samples]) for k in first}
    raise TypeError(f"default_collate: batch must contain tensors, numbers, arrays, tuples or dicts; found {type(first).__name__}")


class DataLoader:
    """Batches of a dataset; ``shuffle`` with ``seed`` (or a NumPy ``generator``) gives a
    reproducible order, a new one each epoch."""

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, collate_fn=None, generator=None, seed=None, num_workers=0):
        if batch_size is None or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self.collate_fn = collate_fn or default_collate
        self.rng = _generator(seed, generator) if shuffle else None
        self.num_workers = num_workers  # accepted for torch compatibility; loading runs in-process

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def batch_indices(self):
        """The index lists of one epoch's batches (draws a new order each call when shuffling)."""
        n = len(self.dataset)
        order = self.rng.permutation(n) if self.shuffle else xp.arange(n)
        stop = n - n % self.batch_size if self.drop_last else n
        return [order[i : i + self.batch_size].tolist() for i in range(0, stop, self.batch_size)]

    def __iter__(self):
        fetch_many = getattr(self.dataset, "get_batch", None)
        for indices in self.batch_indices():
            if fetch_many is not None and self.collate_fn is default_collate:
                yield fetch_many(indices)
            else:
                yield self.collate_fn([self.dataset[i] for i in indices])
