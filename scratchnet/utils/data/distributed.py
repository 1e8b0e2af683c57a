"""DistributedSampler: each rank's share of a dataset, as ``torch.utils.data.distributed``.

Every rank shuffles the whole index list the same way — a fresh generator seeded with
``seed + epoch`` (call :meth:`DistributedSampler.set_epoch` each epoch for a new order) — pads it
by repeating its start until it divides evenly (or drops the tail with ``drop_last``), and then
takes every ``num_replicas``-th index starting at its own rank. The shards are disjoint, cover
the dataset, and (scratchnet's generator being torch's) equal torch's shard for shard.

>>> s = DistributedSampler(list(range(10)), num_replicas=3, rank=1, shuffle=False)
>>> list(s), len(s)
([1, 4, 7, 0], 4)
"""

import math


class DistributedSampler:
    """Indices of rank ``rank``'s share of ``dataset`` among ``num_replicas`` processes.

    Args:
        dataset: anything with ``len``.
        num_replicas, rank: default to the process group's world size and this process's rank.
        shuffle: a new permutation every epoch (seeded by ``seed + epoch``).
        seed: the same on every rank.
        drop_last: drop the tail that does not divide evenly instead of padding.
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            from ... import distributed as dist

            if not dist.is_initialized():
                raise RuntimeError("DistributedSampler needs num_replicas and rank, or an initialised process group")
            num_replicas = dist.get_world_size() if num_replicas is None else num_replicas
            rank = dist.get_rank() if rank is None else rank
        if not 0 <= rank < num_replicas:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.epoch, self.drop_last, self.shuffle, self.seed = 0, drop_last, shuffle, seed
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self):
        from ...random import Generator, randperm

        n = len(self.dataset)
        if self.shuffle:
            g = Generator().manual_seed(self.seed + self.epoch)
            indices = randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            pad = self.total_size - len(indices)
            if pad <= len(indices):
                indices += indices[:pad]
            else:
                indices += (indices * math.ceil(pad / len(indices)))[:pad]
        else:
            indices = indices[: self.total_size]
        return iter(indices[self.rank : self.total_size : self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Use the permutation of this epoch (the same on every rank)."""
        self.epoch = epoch
