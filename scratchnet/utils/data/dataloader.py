"""The DataLoader, as ``torch.utils.data.DataLoader``: batches of a dataset, in the order its
sampler gives, loaded in the main process or in ``num_workers`` worker processes (the standard
library's ``multiprocessing``; batches still come back in order).

Each ``iter(loader)`` first draws a base seed from ``generator`` (the workers' seeds derive from
it), then the sampler draws its order: the calls torch makes, in torch's order.

>>> import scratchnet as sn
>>> from scratchnet.utils.data import TensorDataset
>>> ds = TensorDataset(sn.arange(10.0), sn.arange(10))
>>> [y.tolist() for _, y in DataLoader(ds, batch_size=4)]
[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
>>> len(DataLoader(ds, batch_size=4, drop_last=True))
2
"""

import multiprocessing
import queue
import warnings

from . import _random
from ._utils.collate import default_collate, default_convert
from ._utils.fetch import make_fetcher
from ._utils.worker import RESUME, RemoteError, WorkerStopped, get_worker_info, worker_loop
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info"]


class _InfiniteConstantSampler(Sampler):
    """For iterable datasets: an endless stream of ``None`` (the dataset decides when it ends)."""

    def __iter__(self):
        while True:
            yield None


def _check_options(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, timeout,
                   prefetch_factor, persistent_workers, drop_last):
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                         "to enable multiprocessing, otherwise set prefetch_factor to None.")
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    if isinstance(dataset, IterableDataset):
        for name, value in (("shuffle", shuffle), ("sampler", sampler), ("batch_sampler", batch_sampler)):
            if value not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, but got {name}={value}")
    if sampler is not None and shuffle:
        raise ValueError("sampler option is mutually exclusive with shuffle")
    if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
        raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
    if batch_sampler is None and batch_size is None and drop_last:
        raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")


class DataLoader:
    """Iterate over ``dataset`` in batches.

    Args:
        dataset: a map-style :class:`Dataset` (or anything with ``__getitem__``/``__len__``) or an
            :class:`IterableDataset`.
        batch_size (int or None): samples per batch (``None``: no batching, samples one by one).
        shuffle (bool): a new random order each epoch (a :class:`RandomSampler` on ``generator``).
        sampler / batch_sampler: where the indices (or lists of indices) come from instead.
        num_workers (int): worker processes (0: load in the main process).
        collate_fn: merges a list of samples into a batch (default :func:`default_collate`).
        drop_last (bool): drop the last, incomplete batch.
        timeout (float): seconds to wait for a worker's batch before raising (0: forever).
        worker_init_fn: called as ``worker_init_fn(worker_id)`` in each worker after seeding.
        multiprocessing_context: a ``multiprocessing`` context or start-method name.
        generator: the generator the order and the workers' base seed are drawn from.
        prefetch_factor (int): batches loaded ahead per worker (default 2 with workers).
        persistent_workers (bool): keep the workers between epochs.
        pin_memory, pin_memory_device, in_order: accepted for torch's signature (no pinned memory
            without an accelerator, as torch warns; batches always come in order).
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        _check_options(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, timeout,
                       prefetch_factor, persistent_workers, drop_last)
        self.dataset, self.num_workers, self.timeout, self.worker_init_fn = dataset, num_workers, timeout, worker_init_fn
        self.prefetch_factor = 2 if num_workers > 0 and prefetch_factor is None else prefetch_factor
        self.pin_memory, self.pin_memory_device, self.in_order = pin_memory, pin_memory_device, in_order
        self.persistent_workers, self.generator = persistent_workers, generator
        self.multiprocessing_context = multiprocessing_context
        self._iterable = isinstance(dataset, IterableDataset)
        if batch_sampler is not None:
            batch_size, drop_last = None, False
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size, self.drop_last, self.sampler, self.batch_sampler = batch_size, drop_last, sampler, batch_sampler
        self.collate_fn = collate_fn or (default_collate if batch_sampler is not None else default_convert)
        self._workers = None

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self._index_sampler)

    def __iter__(self):
        if self.pin_memory:  # no accelerator: torch warns and loads into ordinary memory
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                          "memory won't be used.", stacklevel=2)
        indices = iter(self._index_sampler)  # lazy, as torch's: the order is drawn at the first batch
        if self.num_workers > 0 and self.persistent_workers and self._workers is not None and self._workers.alive():
            # torch resets its one iterator: no new base seed is drawn for the later epochs
            self._workers.resume()
            return _DataLoaderIter(self, self._workers.batches(indices, keep=True))
        base_seed = _random.draw_seed(self.generator)  # a new iterator draws one, as torch's
        if self.num_workers == 0:
            return _DataLoaderIter(self, self._single_process(indices))
        if not self.persistent_workers:  # the workers belong to this pass over the data
            return _DataLoaderIter(self, _Workers(self, base_seed).batches(indices, keep=False))
        self._workers = _Workers(self, base_seed)
        return _DataLoaderIter(self, self._workers.batches(indices, keep=True))

    def _single_process(self, indices):
        fetcher = make_fetcher(self._iterable, self.dataset, self._auto_collation, self.collate_fn, self.drop_last)
        for index in indices:
            try:
                batch = fetcher.fetch(index)
            except StopIteration:
                if self._iterable:
                    return
                raise
            yield batch


class _DataLoaderIter:
    """One pass over a DataLoader (what ``iter(loader)`` gives): ``next()`` is the next batch and
    ``len()`` the loader's length, as torch's iterators."""

    def __init__(self, loader, batches):
        self._loader, self._batches, self._num_yielded = loader, batches, 0

    def __iter__(self):
        return self

    def __next__(self):
        batch = next(self._batches)
        self._num_yielded += 1
        return batch

    def __len__(self):
        return len(self._loader)

    def close(self):
        self._batches.close()


class _Workers:
    """The worker processes of one DataLoader: index queues out, one result queue back."""

    def __init__(self, loader, base_seed):
        self.queues, self.processes = [], []
        context = loader.multiprocessing_context
        if context is None:
            context = multiprocessing.get_context()
        elif isinstance(context, str):
            context = multiprocessing.get_context(context)
        self.timeout, self.n = loader.timeout, loader.num_workers
        self.outstanding = loader.prefetch_factor * loader.num_workers
        self.results = context.Queue()
        for worker_id in range(self.n):
            q = context.Queue()
            p = context.Process(
                target=worker_loop, daemon=True,
                args=(loader._iterable, loader.dataset, q, self.results, loader._auto_collation, loader.collate_fn,
                      loader.drop_last, base_seed, loader.worker_init_fn, worker_id, self.n),
            )
            p.start()
            self.queues.append(q)
            self.processes.append(p)

    def alive(self):
        return all(p.is_alive() for p in self.processes)

    def resume(self):
        for q in self.queues:
            q.put(RESUME)
        for _ in self.queues:
            while self._get()[0] != RESUME:
                pass

    def _get(self):
        waited = 0.0
        while True:
            try:
                return self.results.get(timeout=1.0 if not self.timeout else self.timeout)
            except queue.Empty:
                if self.timeout:
                    raise RuntimeError(f"DataLoader timed out after {self.timeout} seconds") from None
                dead = [str(p.pid) for p in self.processes if not p.is_alive()]
                if dead:
                    self.shutdown()
                    raise RuntimeError(f"DataLoader worker (pid(s) {', '.join(dead)}) exited unexpectedly") from None
                waited += 1.0

    def batches(self, indices, keep):
        active = [True] * self.n
        owner, received, sent, next_out, turn = {}, {}, 0, 0, 0
        exhausted = False
        try:
            while True:
                while not exhausted and sent - next_out < self.outstanding and any(active):
                    try:
                        index = next(indices)
                    except StopIteration:
                        exhausted = True
                        break
                    while not active[turn % self.n]:
                        turn += 1
                    worker = turn % self.n
                    turn += 1
                    self.queues[worker].put((sent, index))
                    owner[sent] = worker
                    sent += 1
                while next_out < sent and next_out not in received and not active[owner[next_out]]:
                    next_out += 1  # a task given to a worker that has run out of samples
                if next_out >= sent:
                    if exhausted or not any(active):
                        return
                    continue
                if next_out in received:
                    data = received.pop(next_out)
                    next_out += 1
                    if isinstance(data, RemoteError):
                        data.reraise()
                    yield data
                    continue
                task, data = self._get()
                if isinstance(data, WorkerStopped):
                    active[data.worker_id] = False
                    continue
                received[task] = data
        finally:
            if not keep:
                self.shutdown()

    def shutdown(self):
        for q in self.queues:
            try:
                q.put(None)
            except (OSError, ValueError):
                pass
        for p in self.processes:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
        self.queues, self.processes = [], []

    __del__ = shutdown
