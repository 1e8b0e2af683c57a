"""``scratchnet.distributed``: torch.distributed's names for data-parallel training.

scratchnet does no networking of its own: the transport is torch.distributed (gloo on CPUs, the
backend torchrun sets up), and scratchnet's tensors cross it as their own NumPy memory, shared
with a torch CPU tensor (``torch.from_numpy``), so an all-reduce writes straight into the
scratchnet tensor. Only the transport uses torch; every number scratchnet computes is its own.

>>> import scratchnet.distributed as dist
>>> dist.is_available(), dist.is_initialized()
(True, False)

A two-process run (``torchrun --standalone --nproc_per_node 2 script.py``)::

    dist.init_process_group("gloo")
    t = scratchnet.tensor([float(dist.get_rank())])
    dist.all_reduce(t)          # every rank now holds 0 + 1 = 1
"""

import enum
from datetime import timedelta

from ..backend import xp

__all__ = [
    "ReduceOp", "all_gather", "all_reduce", "barrier", "broadcast", "destroy_process_group",
    "CollectiveError", "get_backend", "get_rank", "get_world_size", "init_process_group", "is_available",
    "is_initialized", "reduce_scatter",
]


def _torch_dist():
    try:
        import torch.distributed as td
    except ImportError:  # pragma: no cover - torch is the transport
        raise RuntimeError("scratchnet.distributed moves tensors with torch.distributed; install torch (pip install 'scratchnet[torch]')") from None
    return td


class ReduceOp(enum.Enum):
    """How :func:`all_reduce` combines the ranks' tensors (torch's names)."""

    SUM = "sum"
    AVG = "avg"
    PRODUCT = "product"
    MAX = "max"
    MIN = "min"


def is_available():
    """Whether distributed training can run here (torch.distributed with gloo is importable)."""
    try:
        td = _torch_dist()
    except RuntimeError:
        return False
    return td.is_available() and td.is_gloo_available()


def is_initialized():
    """Whether :func:`init_process_group` has run in this process."""
    return is_available() and _torch_dist().is_initialized()


def init_process_group(backend="gloo", init_method=None, timeout=None, world_size=-1, rank=-1, store=None, **kwargs):
    """Join the group of processes (as ``torch.distributed.init_process_group``).

    Args:
        backend: ``"gloo"`` (scratchnet's tensors live on the CPU; ``"nccl"`` is refused).
        init_method: a URL (``env://`` by default: MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE,
            as torchrun sets them; ``tcp://host:port``; ``file://path``).
        timeout: a ``timedelta`` (or seconds) after which a collective that cannot complete
            raises instead of hanging.
    """
    if backend is None:
        backend = "gloo"
    if str(backend).lower() != "gloo":
        raise RuntimeError(f"scratchnet.distributed runs on the CPU with the gloo backend; got backend {backend!r}")
    if isinstance(timeout, (int, float)):
        timeout = timedelta(seconds=timeout)
    args = dict(backend="gloo", init_method=init_method, world_size=world_size, rank=rank, store=store, **kwargs)
    if timeout is not None:
        args["timeout"] = timeout
    _torch_dist().init_process_group(**args)


def destroy_process_group(group=None):
    """Leave the process group."""
    td = _torch_dist()
    if td.is_initialized():
        td.destroy_process_group() if group is None else td.destroy_process_group(group)


def _require_group():
    if not is_initialized():
        raise RuntimeError("Default process group has not been initialized, please make sure to call init_process_group.")
    return _torch_dist()


def get_rank(group=None):
    """This process's rank (0 .. world_size - 1)."""
    return _require_group().get_rank(group)


def get_world_size(group=None):
    """How many processes are in the group."""
    return _require_group().get_world_size(group)


def get_backend(group=None):
    """The name of the process group's backend (``"gloo"``); raises if no group is initialised."""
    return _require_group().get_backend(group)


def barrier(group=None, async_op=False):
    """Wait until every rank reaches this call."""
    return _collective("barrier", _require_group().barrier, group=group, async_op=async_op)


class CollectiveError(RuntimeError):
    """A collective could not complete: a rank stopped, timed out, or called something else."""


def _collective(name, fn, *args, **kwargs):
    """Run one torch.distributed collective; a failure becomes one clear error naming the call."""
    try:
        return fn(*args, **kwargs)
    except RuntimeError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise CollectiveError(
            f"{name} failed on rank {_torch_dist().get_rank()}: another rank stopped, timed out or "
            f"called a different collective (transport said: {first})"
        ) from None


class _Shared:
    """A scratchnet tensor seen by torch as a CPU tensor over the same NumPy memory. A tensor
    whose memory is not one contiguous block travels through a contiguous copy that is written
    back when the block closes."""

    def __init__(self, tensor):
        import torch

        self.tensor = tensor
        array = tensor.array
        self.copied = not (array.flags.c_contiguous and array.flags.writeable)
        self.array = xp.ascontiguousarray(array).copy() if self.copied else array
        self.torch = torch.from_numpy(self.array)

    def __enter__(self):
        return self.torch

    def __exit__(self, *exc):
        if self.copied:
            self.tensor.array[...] = self.array


def _check(tensor, name):
    from ..tensor import Tensor

    if not isinstance(tensor, Tensor):
        raise TypeError(f"{name} expects a scratchnet Tensor, got {type(tensor).__name__}")


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Combine ``tensor`` across ranks in place: afterwards every rank holds the sum (or average,
    product, max, min) of all ranks' tensors. ``AVG`` is a sum divided by the world size (gloo has
    no average of its own)."""
    td = _require_group()
    _check(tensor, "all_reduce")
    op = ReduceOp(op) if not isinstance(op, ReduceOp) else op
    torch_op = {ReduceOp.SUM: td.ReduceOp.SUM, ReduceOp.AVG: td.ReduceOp.SUM, ReduceOp.PRODUCT: td.ReduceOp.PRODUCT,
                ReduceOp.MAX: td.ReduceOp.MAX, ReduceOp.MIN: td.ReduceOp.MIN}[op]
    with _Shared(tensor) as t:
        _collective("all_reduce", td.all_reduce, t, op=torch_op, group=group)
        if op is ReduceOp.AVG:
            if t.dtype.is_floating_point:
                t.div_(td.get_world_size(group))
            else:
                t.floor_divide_(td.get_world_size(group))
    tensor._version[0] += 1
    return None


def broadcast(tensor, src, group=None, async_op=False):
    """Copy rank ``src``'s ``tensor`` into every rank's ``tensor`` (in place)."""
    td = _require_group()
    _check(tensor, "broadcast")
    with _Shared(tensor) as t:
        _collective("broadcast", td.broadcast, t, src=src, group=group)
    tensor._version[0] += 1


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Fill ``tensor_list[r]`` with rank ``r``'s ``tensor``, on every rank."""
    td = _require_group()
    _check(tensor, "all_gather")
    world = td.get_world_size(group)
    if len(tensor_list) != world:
        raise RuntimeError(f"all_gather: tensor_list must hold world_size = {world} tensors, got {len(tensor_list)}")
    for out in tensor_list:
        _check(out, "all_gather")
        if tuple(out.shape) != tuple(tensor.shape) or out.dtype != tensor.dtype:
            raise RuntimeError(f"all_gather: every output must match the input's shape {tuple(tensor.shape)} and dtype {tensor.dtype}, got {tuple(out.shape)} {out.dtype}")
    shared = [_Shared(out) for out in tensor_list]
    with _Shared(tensor) as t:
        _collective("all_gather", td.all_gather, [s.torch for s in shared], t, group=group)
    for s in shared:
        s.__exit__()
        s.tensor._version[0] += 1


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input_list[r]`` over all ranks into rank ``r``'s ``output``. gloo has no
    reduce-scatter, so this is written as what it means: an all-reduce of every piece, each rank
    keeping its own."""
    from ..tensor import Tensor

    td = _require_group()
    world, rank = td.get_world_size(group), td.get_rank(group)
    if len(input_list) != world:
        raise RuntimeError(f"reduce_scatter: input_list must hold world_size = {world} tensors, got {len(input_list)}")
    for piece in input_list:
        _check(piece, "reduce_scatter")
        if tuple(piece.shape) != tuple(output.shape):
            raise RuntimeError(f"reduce_scatter: every input must have the output's shape {tuple(output.shape)}, got {tuple(piece.shape)}")
    stacked = Tensor._make(xp.stack([p.array for p in input_list]))
    all_reduce(stacked, op=op, group=group)
    output.array[...] = stacked.array[rank]
    output._version[0] += 1
