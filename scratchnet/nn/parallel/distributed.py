"""DistributedDataParallel: the same model on every rank, gradients averaged after backward.

Data-parallel training in three steps, each visible here:

1. at construction every rank takes rank 0's parameters and buffers (a broadcast), after
   checking that all ranks hold the same parameter shapes (so a mismatch is an error, not a hang);
2. each rank runs forward and backward on its own shard of the batch;
3. when backward has finished, the gradients are averaged across ranks with all-reduce — not one
   call per parameter but per *bucket*: parameters are grouped (in reverse order of registration,
   roughly the order backward produces their gradients, as torch does) into flat buffers of about
   ``bucket_cap_mb`` megabytes, each summed in one collective and divided by the world size.

Every rank then holds the same averaged gradient, so the same optimizer step keeps the replicas
identical. Inside ``with ddp.no_sync():`` step 3 is skipped and gradients accumulate locally.

>>> import scratchnet as sn
>>> from scratchnet.nn.parallel.distributed import make_buckets
>>> params = [sn.zeros(1000), sn.zeros(10), sn.zeros(300000)]
>>> [len(b.params) for b in make_buckets(params, bucket_cap_mb=1)]
[1, 2]
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from ... import distributed as dist
from ...backend import xp
from ...tensor import POST_BACKWARD_CALLBACKS, Tensor, is_grad_enabled, no_grad
from ..module import Module


@dataclass
class Bucket:
    """Parameters whose gradients travel together in one all-reduce."""

    params: list = field(default_factory=list)
    numel: int = 0


def make_buckets(params, bucket_cap_mb=25.0):
    """Group ``params`` (last registered first) into buckets of at most ``bucket_cap_mb`` MiB each;
    a parameter larger than the cap gets a bucket of its own."""
    cap = bucket_cap_mb * 2**20
    buckets, current, size = [], Bucket(), 0
    for p in reversed(list(params)):
        nbytes = p.numel() * p.element_size()
        if current.params and size + nbytes > cap:
            buckets.append(current)
            current, size = Bucket(), 0
        current.params.append(p)
        current.numel += p.numel()
        size += nbytes
    if current.params:
        buckets.append(current)
    return buckets


class DistributedDataParallel(Module):
    """Wrap ``module`` for data-parallel training (as ``torch.nn.parallel.DistributedDataParallel``).

    Args:
        module: the model (the same architecture on every rank).
        device_ids, output_device: accepted for torch's signature; scratchnet runs on the CPU.
        broadcast_buffers: copy rank 0's buffers (batch-norm statistics) to every rank before each
            forward, as torch does.
        bucket_cap_mb: the size of each gradient bucket.
        find_unused_parameters: parameters that got no gradient take part as zeros (otherwise
            such a parameter is an error, since the ranks' buckets would not line up).

    The wrapped model is ``ddp.module``; its state_dict keys gain torch's ``module.`` prefix.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=25, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, **kwargs):
        super().__init__()
        if not dist.is_initialized():
            raise RuntimeError("Default process group has not been initialized, please make sure to call init_process_group.")
        if device_ids not in (None, [], ["cpu"]) and any(str(d) != "cpu" for d in device_ids):
            raise RuntimeError(f"scratchnet runs on the CPU: DistributedDataParallel takes device_ids=None, got {device_ids}")
        self.module = module
        self.process_group = process_group
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.require_sync = True
        params = [p for p in module.parameters() if p.requires_grad]
        self._check_shapes_agree(params)
        with no_grad():
            for t in list(module.parameters()) + list(module.buffers()):
                dist.broadcast(t, src=0, group=process_group)
        self.buckets = make_buckets(params, bucket_cap_mb)
        self._queued = False

    def _check_shapes_agree(self, params):
        """Every rank must hold the same parameters: compare a fingerprint of their shapes first."""
        shapes = [tuple(p.shape) for p in params]
        code = xp.array([len(shapes), hash(tuple(shapes)) & (2**62 - 1)], dtype=xp.int64)
        world = dist.get_world_size(self.process_group)
        mine = Tensor._make(code)
        gathered = [Tensor._make(xp.zeros(2, dtype=xp.int64)) for _ in range(world)]
        dist.all_gather(gathered, mine, group=self.process_group)
        for rank, other in enumerate(gathered):
            if other.array.tolist() != code.tolist():
                raise RuntimeError(
                    f"DistributedDataParallel: rank {rank} holds different parameters than rank "
                    f"{dist.get_rank(self.process_group)} ({int(other.array[0])} vs {len(shapes)} "
                    f"parameters, or different shapes); every rank must build the same model"
                )

    def forward(self, *inputs, **kwargs):
        if self.broadcast_buffers:
            with no_grad():
                for b in self.module.buffers():
                    dist.broadcast(b, src=0, group=self.process_group)
        out = self.module(*inputs, **kwargs)
        if self.require_sync and is_grad_enabled() and not self._queued:
            self._queued = True
            POST_BACKWARD_CALLBACKS.append(self._sync_gradients)
        return out

    def _sync_gradients(self):
        """Average every gradient across ranks, one all-reduce per bucket."""
        self._queued = False
        world = dist.get_world_size(self.process_group)
        for bucket in self.buckets:
            missing = [p for p in bucket.params if p.grad is None]
            if missing and not self.find_unused_parameters:
                raise RuntimeError(
                    "DistributedDataParallel: a parameter received no gradient in this backward pass; "
                    "pass find_unused_parameters=True if the model has parameters that are not always used"
                )
            dtype = xp.result_type(*[p.dtype for p in bucket.params])
            flat = xp.concatenate([(p.grad.array if p.grad is not None else xp.zeros(p.shape, dtype=p.dtype)).ravel().astype(dtype) for p in bucket.params])
            buffer = Tensor._make(flat)
            dist.all_reduce(buffer, group=self.process_group)
            flat = buffer.array / world
            offset = 0
            for p in bucket.params:
                n = p.numel()
                averaged = flat[offset:offset + n].reshape(tuple(p.shape)).astype(p.dtype)
                offset += n
                if p.grad is None:
                    p.grad = Tensor._make(averaged)
                else:
                    p.grad.array[...] = averaged

    @contextmanager
    def no_sync(self):
        """Within this block, backward passes accumulate gradients locally with no all-reduce;
        the first synchronised backward after it averages the accumulated sum."""
        previous, self.require_sync = self.require_sync, False
        try:
            yield
        finally:
            self.require_sync = previous
