"""torch.profiler's mirror (scratchnet.profiler), torch.cond / torch.while_loop and torch.vmap."""

import json

import numpy as np
import pytest
import torch

import scratchnet as sn


@pytest.mark.parametrize("kwargs", [dict(wait=1, warmup=1, active=2), dict(wait=0, warmup=0, active=1, repeat=2),
                                    dict(wait=2, warmup=1, active=3, repeat=1, skip_first=2), dict(wait=1, warmup=0, active=1, skip_first=1)])
def test_schedule_steps_as_torch(kwargs):
    ours, theirs = sn.profiler.schedule(**kwargs), torch.profiler.schedule(**kwargs)
    assert [ours(s).name for s in range(20)] == [theirs(s).name for s in range(20)]


def test_a_scheduled_loop_saves_the_windows_torch_saves():
    def run(lib):
        saved = []
        sched = lib.profiler.schedule(wait=1, warmup=1, active=2, repeat=2)
        w = lib.ones(3, requires_grad=True)
        with lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CPU], schedule=sched,
                                  on_trace_ready=lambda p: saved.append(p.step_num)) as prof:
            for _ in range(10):
                (w * 2).sum().backward()
                prof.step()
        return saved

    assert run(sn) == run(torch)


def test_events_name_each_op_and_its_backward(tmp_path):
    w = sn.ones(3, requires_grad=True)
    with sn.profiler.profile() as prof:
        for _ in range(3):
            with sn.profiler.record_function("step"):
                (w * 2).sum().backward()
    counts = {e.key: e.count for e in prof.key_averages()}
    # the ops a backward runs (SumBackward0's expand, MulBackward0's multiply) are its children
    assert {k: counts[k] for k in ("step", "SumAll", "SumBackward0", "MulBackward0")} == {"step": 3, "SumAll": 3, "SumBackward0": 3, "MulBackward0": 3}
    assert counts["Mul"] >= 6 and all(e.depth > 0 for e in prof.events() if e.name == "Expand")
    total = sum(counts.values())
    for parent in prof.events():  # every call's children ran inside it, so its self time is >= 0
        assert all(parent.time_range_start <= c.time_range_start <= c.time_range_end <= parent.time_range_end for c in parent.children)
        assert parent.self_cpu_time_total >= 0 and (parent.name != "step" or parent.children)
    table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=3)
    rows = table.splitlines()[3:6]  # header, then the three largest self times in order
    keys = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)[:3]
    assert "Self CPU" in table and [r.split()[0] for r in rows] == [e.key for e in keys]
    prof.export_chrome_trace(str(tmp_path / "trace.json"))
    events = json.loads((tmp_path / "trace.json").read_text())["traceEvents"]
    assert len(events) == total and {e["ph"] for e in events} == {"X"}
    # nothing is recorded outside the block, and Function is left as it was
    (w * 2).sum()
    assert sum(e.count for e in prof.key_averages()) == total


def test_autograd_profiler_spelling():
    with sn.autograd.profiler.profile() as prof:
        sn.ones(2) * 3
    with sn.autograd.profiler.profile(enabled=False) as off:
        sn.ones(2) * 3
    assert [e.key for e in prof.function_events] == ["Mul"] and prof.self_cpu_time_total > 0 and len(off.function_events) == 0


@pytest.mark.parametrize("pred", [True, False, 2.0, 0, "tensor-true", "tensor-false", "two-elements"])
def test_cond_as_torch(pred):
    def run(lib):
        p = {"tensor-true": lib.tensor(3.0) > 1, "tensor-false": lib.tensor([0.5]) > 1, "two-elements": lib.tensor([True, False])}.get(pred, pred)
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        try:
            out = lib.cond(p, lambda a: (a * 3).sum(), lambda a: (a ** 2).sum(), (x,))
        except RuntimeError as e:
            return str(e).split(",")[0]
        out.backward()
        return out.item(), x.grad.tolist()

    assert run(sn) == run(torch)


def test_while_loop_and_vmap_as_torch():
    def run(lib):
        loop = lib.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s * 1.5 + i), (lib.tensor(0), lib.tensor([1.0, 2.0])))
        mapped = lib.vmap(lambda r: r * r.sum())(lib.tensor([[1.0, 2.0], [3.0, 4.0]]))
        return loop[0].item(), loop[1].tolist(), mapped.tolist()

    ours, theirs = run(sn), run(torch)
    assert ours[0] == theirs[0] and np.allclose(ours[1], theirs[1]) and np.allclose(ours[2], theirs[2])
