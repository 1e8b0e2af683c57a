"""``scratchnet.multiprocessing``, as ``torch.multiprocessing``: the standard library's
``multiprocessing`` (everything it has), plus torch's extras. Tensors put in shared memory
(``tensor.share_memory_()``, ``module.share_memory()``) are seen by processes started with the
'fork' method (Linux's default) as the same memory, so hogwild training really shares weights.

>>> import scratchnet.multiprocessing as mp
>>> mp.get_start_method(allow_none=False) in ("fork", "spawn", "forkserver")
True
"""

import multiprocessing as _mp
from multiprocessing import *  # noqa: F401,F403

from multiprocessing import Process, Queue, get_context, get_start_method, set_start_method  # noqa: F401

__all__ = [*_mp.__all__, "ProcessContext", "ProcessRaisedException", "get_all_sharing_strategies",
           "get_sharing_strategy", "set_sharing_strategy", "spawn", "start_processes"]

_strategy = ["file_descriptor"]


def get_all_sharing_strategies():
    return {"file_descriptor", "file_system"}


def get_sharing_strategy():
    return _strategy[0]


def set_sharing_strategy(new_strategy):
    if new_strategy not in get_all_sharing_strategies():
        raise AssertionError(f"invalid sharing strategy {new_strategy!r}")
    _strategy[0] = new_strategy


class ProcessRaisedException(Exception):
    """A spawned process ended with an exception."""


class ProcessContext:
    """The processes of one ``spawn``: ``join()`` waits for them and raises if one failed."""

    def __init__(self, processes):
        self.processes = processes

    def pids(self):
        return [p.pid for p in self.processes]

    def join(self, timeout=None):
        for p in self.processes:
            p.join(timeout)
        failed = [(i, p.exitcode) for i, p in enumerate(self.processes) if p.exitcode not in (0, None)]
        if failed:
            i, code = failed[0]
            raise ProcessRaisedException(f"process {i} terminated with exit code {code}")
        return all(p.exitcode is not None for p in self.processes)


def _run(fn, i, args):
    fn(i, *args)


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Run ``fn(i, *args)`` for i in range(nprocs), each in its own process."""
    context = get_context(start_method)
    processes = [context.Process(target=_run, args=(fn, i, args), daemon=daemon) for i in range(nprocs)]
    for p in processes:
        p.start()
    result = ProcessContext(processes)
    if not join:
        return result
    result.join()
    return None


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """``start_processes`` with the 'spawn' method, as torch's."""
    return start_processes(fn, args, nprocs, join, daemon, start_method)
