"""One rank of a data-parallel run, written once against the shared API and run with
``lib`` = scratchnet or torch (``python -m tests.ddp_worker ENGINE MODE OUT``, with MASTER_ADDR,
MASTER_PORT, RANK and WORLD_SIZE set as torchrun sets them).

MODE: ``train`` (DDP steps on this rank's shard, results written by rank 0), ``single`` (no
group: the same steps on the combined batch), ``mismatch`` (rank 1 builds a different model),
``die`` (rank 1 exits before the first collective).
"""

import os
import sys
from datetime import timedelta

import numpy as np

STEPS, PER_RANK, SEED = 4, 3, 7


def build(lib):
    lib.manual_seed(SEED)
    return lib.nn.Sequential(lib.nn.Linear(5, 8), lib.nn.Tanh(), lib.nn.Linear(8, 3)).double()


def batches(world):
    rng = np.random.default_rng(SEED)
    return [(rng.standard_normal((world * PER_RANK, 5)), rng.integers(0, 3, world * PER_RANK)) for _ in range(STEPS)]


def train(lib, model, data, shard=slice(None)):
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    losses = []
    for x, y in data:
        optimizer.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(lib.tensor(x[shard])), lib.tensor(y[shard]))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def main(engine, mode, out):
    if engine == "scratchnet":
        import scratchnet as lib
    else:
        import torch as lib
    world = int(os.environ.get("WORLD_SIZE", 1))
    if mode == "single":
        model = build(lib)
        losses = train(lib, model, batches(world))
        np.savez(out, losses=np.array(losses), **{k: v.detach().numpy() for k, v in model.state_dict().items()})
        return
    dist = lib.distributed
    dist.init_process_group("gloo", timeout=timedelta(seconds=10))
    rank = dist.get_rank()
    if mode == "die" and rank == 1:
        os._exit(3)
    model = build(lib)
    if mode == "mismatch" and rank == 1:
        model = lib.nn.Sequential(lib.nn.Linear(5, 8), lib.nn.Tanh(), lib.nn.Linear(8, 4)).double()
    try:
        ddp = lib.nn.parallel.DistributedDataParallel(model)
    except RuntimeError as e:
        print(f"rank {rank}: {e}", file=sys.stderr)
        dist.destroy_process_group()
        sys.exit(2)
    losses = train(lib, ddp, batches(world), slice(rank * PER_RANK, (rank + 1) * PER_RANK))
    total = lib.tensor(np.array(losses))
    dist.all_reduce(total)
    if rank == 0:
        np.savez(out, losses=(total / world).numpy(), **{k: v.detach().numpy() for k, v in model.state_dict().items()})
    # every rank leaves together: torch's gloo threads abort a rank ("terminate called without an
    # active exception") when a peer tears its connections down while they still run; the line
    # below says the work itself was done (tests/test_distributed.py accepts that abort after it)
    print(f"rank {rank}: finished", file=sys.stderr, flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main(*sys.argv[1:4])
