"""Data-parallel training on one machine: several processes on loopback, gloo.

DDP on 2 and 3 ranks must equal single-process training on the combined batch (the mean loss of
equal shards averages to the combined mean, and so do the gradients), in scratchnet and in torch,
and scratchnet must equal torch. The sampler's shards equal torch's; a rank that disagrees or
dies gives a clear error, not a hang.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet.utils.data.distributed import DistributedSampler

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(engine, mode, world, out, timeout=120):
    """Start ``world`` ranks of tests/ddp_worker.py; returns their (returncode, stderr)."""
    env = dict(os.environ, MASTER_ADDR="127.0.0.1", MASTER_PORT=str(free_port()), WORLD_SIZE=str(world),
               OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-m", "tests.ddp_worker", engine, mode, str(out)], cwd=ROOT,
                              env=dict(env, RANK=str(r), LOCAL_RANK=str(r)), stderr=subprocess.PIPE, text=True)
             for r in range(world)]
    results = []
    for p in procs:
        try:
            _, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            raise AssertionError(f"{engine} {mode}: a rank hung for {timeout} s")
        results.append((p.returncode, err))
    return results


def finished(code, err):
    """A rank that exited cleanly, or that torch's gloo aborted at teardown after its work was done
    (1 run in ~20 on 2 cores, torch's own DDP as often as scratchnet's: "terminate called without an
    active exception" from gloo's threads when a peer's connections close first)."""
    return code == 0 or (code == -6 and "finished" in err and "terminate called without an active exception" in err)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every engine's DDP run on 2 and 3 ranks and its single-process twin on the combined batch."""
    tmp = tmp_path_factory.mktemp("ddp")
    out = {}
    for world in (2, 3):
        for engine in ("scratchnet", "torch"):
            path = tmp / f"{engine}-{world}.npz"
            results = launch(engine, "train", world, path)
            assert all(finished(code, err) for code, err in results), results
            out[engine, world] = dict(np.load(path))
            single = tmp / f"{engine}-{world}-single.npz"
            env_world = dict(os.environ, WORLD_SIZE=str(world), PYTHONPATH=str(ROOT))
            subprocess.run([sys.executable, "-m", "tests.ddp_worker", engine, "single", str(single)], cwd=ROOT, env=env_world, check=True)
            out[engine, world, "single"] = dict(np.load(single))
    return out


@pytest.mark.parametrize("world", [2, 3])
@pytest.mark.parametrize("engine", ["scratchnet", "torch"])
def test_ddp_equals_single_process_on_the_combined_batch(runs, engine, world):
    ddp, single = runs[engine, world], runs[engine, world, "single"]
    assert set(ddp) == set(single)
    for key in single:
        np.testing.assert_allclose(ddp[key], single[key], rtol=1e-10, atol=1e-12, err_msg=f"{engine} x{world}: {key}")


@pytest.mark.parametrize("world", [2, 3])
def test_scratchnet_ddp_equals_torch_ddp(runs, world):
    ours, theirs = runs["scratchnet", world], runs["torch", world]
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-10, atol=1e-12, err_msg=f"x{world}: {key}")


def test_a_rank_with_another_model_is_a_clear_error(tmp_path):
    results = launch("scratchnet", "mismatch", 2, tmp_path / "x.npz")
    assert [code for code, _ in results] == [2, 2], results
    assert all("holds different parameters" in err for _, err in results)


def test_a_dead_rank_is_an_error_not_a_hang(tmp_path):
    results = launch("scratchnet", "die", 2, tmp_path / "x.npz", timeout=90)
    (code0, err0), (code1, _) = results
    assert code1 == 3 and code0 == 2, results
    assert "another rank stopped, timed out or called a different collective" in err0


@given(n=st.integers(1, 40), world=st.integers(1, 4), shuffle=st.booleans(), drop_last=st.booleans(),
       seed=st.integers(0, 2**31), epoch=st.integers(0, 5))
def test_sampler_shards_equal_torchs(n, world, shuffle, drop_last, seed, epoch):
    from torch.utils.data.distributed import DistributedSampler as TorchSampler

    data = list(range(n))
    for rank in range(world):
        ours = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
        theirs = TorchSampler(data, num_replicas=world, rank=rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
        ours.set_epoch(epoch)
        theirs.set_epoch(epoch)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_collectives_need_a_group():
    with pytest.raises(RuntimeError, match="init_process_group"):
        sn.distributed.all_reduce(sn.ones(2))
    with pytest.raises(ValueError, match="Invalid rank"):
        DistributedSampler(range(4), num_replicas=2, rank=2)


def test_torchrun_trains_data_parallel_like_one_process(tmp_path):
    """``torchrun --nproc_per_node 2 -m scratchnet train``: each batch split across 2 ranks, both
    engines wrapped in DDP; the table (printed by rank 0 only) equals a single-process run's."""
    common = ["train", "--model", "mlp", "--epochs", "2", "--engine", "both", "--no-progress"]
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    single = subprocess.run([sys.executable, "-m", "scratchnet", *common, "--out", str(tmp_path / "one")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert single.returncode == 0, single.stderr
    ddp = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                          "-m", "scratchnet", *common, "--out", str(tmp_path / "two")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert ddp.returncode == 0, ddp.stderr[-3000:]
    assert "data-parallel on 2 processes" in ddp.stdout
    assert ddp.stdout.count("training mlp") == 1  # only rank 0 prints
    import json

    one = json.loads((tmp_path / "one" / "metrics.json").read_text())["history"]
    two = json.loads((tmp_path / "two" / "metrics.json").read_text())["history"]
    for a, b in zip(one, two):
        for engine in ("scratchnet", "torch"):
            assert abs(a[f"{engine}_loss"] - b[f"{engine}_loss"]) < 1e-4, (a, b)
            assert abs(a[f"{engine}_accuracy"] - b[f"{engine}_accuracy"]) <= 1 / 359 + 1e-9, (a, b)


def test_the_training_run_leaves_the_group_it_made():
    """train.finish_distributed destroys the group init_distributed made (a one-rank gloo group
    here), and leaves alone a group it did not make."""
    import torch.distributed as dist

    from scratchnet import train

    dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
    try:
        train.finish_distributed(False)
        assert dist.is_initialized()
        train.finish_distributed(True)
        assert not dist.is_initialized()
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
