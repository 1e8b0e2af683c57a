"""``scratchnet.utils.data``, as ``torch.utils.data``: datasets, samplers, the DataLoader and collation.

>>> import scratchnet as sn
>>> from scratchnet.utils.data import DataLoader, TensorDataset
>>> ds = TensorDataset(sn.arange(6.0).reshape(3, 2), sn.arange(3))
>>> x, y = next(iter(DataLoader(ds, batch_size=2)))
>>> x.shape, y.tolist()
(scratchnet.Size([2, 2]), [0, 1])
"""

from ._utils.collate import default_collate, default_convert
from ._utils.worker import WorkerInfo, get_worker_info
from .dataloader import DataLoader
from .dataset import (
    ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset, TensorDataset, random_split,
)
from . import distributed
from .distributed import DistributedSampler
from .sampler import (
    BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler,
)

__all__ = [
    "BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "DistributedSampler", "IterableDataset", "RandomSampler",
    "Sampler", "SequentialSampler", "StackDataset", "Subset", "SubsetRandomSampler", "TensorDataset",
    "WeightedRandomSampler", "WorkerInfo", "default_collate", "default_convert", "get_worker_info", "random_split",
]
