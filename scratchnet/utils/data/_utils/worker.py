"""The loop a DataLoader worker process runs, and ``get_worker_info()``.

A worker is seeded as torch seeds its workers (``base_seed + worker_id`` for Python's ``random``
and scratchnet's generator, NumPy's global generator from a SeedSequence of the two), runs
``worker_init_fn(worker_id)``, then answers ``(task_id, indices)`` messages from its index queue
with ``(task_id, batch)`` on the shared result queue until it receives ``None``.
"""

import os
import queue
import random
import traceback
from dataclasses import dataclass

from .fetch import make_fetcher

_worker_info = None


@dataclass(frozen=True)
class WorkerInfo:
    """What a worker knows about itself: ``id``, ``num_workers``, ``seed``, its copy of ``dataset``."""

    id: int
    num_workers: int
    seed: int
    dataset: object


def get_worker_info():
    """In a DataLoader worker process, its :class:`WorkerInfo`; in the main process ``None``."""
    return _worker_info


class RemoteError:
    """An exception raised in a worker, carried to the main process with its traceback."""

    def __init__(self, worker_id, exc):
        self.type, self.worker_id = type(exc), worker_id
        self.text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))

    def reraise(self):
        message = f"Caught {self.type.__name__} in DataLoader worker process {self.worker_id}.\nOriginal {self.text}"
        try:
            error = self.type(message)
        except Exception:
            error = RuntimeError(message)
        raise error


class WorkerStopped:
    """An iterable dataset's worker ran out of samples."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


RESUME = "resume"  # a persistent worker starts a new epoch (a fresh iterator over its dataset)


def _seed(base_seed, worker_id):
    import numpy

    from .... import manual_seed

    seed = base_seed + worker_id
    random.seed(seed)
    manual_seed(seed)
    state = numpy.random.SeedSequence([worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]).generate_state(4)
    numpy.random.seed(state)
    return seed


def worker_loop(iterable, dataset, index_queue, result_queue, auto_collation, collate_fn, drop_last,
                base_seed, init_fn, worker_id, num_workers):
    global _worker_info
    seed = _seed(base_seed, worker_id)
    _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
    failure, fetcher = None, None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        fetcher = make_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
    except Exception as e:
        failure = RemoteError(worker_id, e)
    ended, parent = False, os.getppid()
    while True:
        try:
            message = index_queue.get(timeout=5.0)
        except queue.Empty:
            if os.getppid() != parent:  # the main process is gone (killed): stop rather than linger
                break
            continue
        if message is None:
            break
        if message == RESUME:
            ended = False
            fetcher = make_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
            result_queue.put((RESUME, None))
            continue
        task, index = message
        if ended:
            continue
        if failure is not None:
            data, failure = failure, None
        else:
            try:
                data = fetcher.fetch(index)
            except StopIteration:
                if not iterable:
                    raise
                data, ended = WorkerStopped(worker_id), True
            except Exception as e:
                data = RemoteError(worker_id, e)
        result_queue.put((task, data))
        del data
    _worker_info = None
