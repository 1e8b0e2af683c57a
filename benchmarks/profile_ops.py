"""Where the time goes: scratchnet's time per Function (forward and backward, outermost calls
only), torch's self CPU time per op (torch.profiler), and the two side by side.

>>> import scratchnet as sn
>>> with op_times() as table:
...     x = sn.ones(3, requires_grad=True)
...     (x * x).sum().backward()
>>> {"Mul forward", "Mul backward", "SumAll forward"} <= set(table)
True
"""

import contextlib
import time

from benchmarks import harness

from scratchnet.tensor import Function


def _subclasses(cls):
    out, stack = [], [cls]
    while stack:
        for sub in stack.pop().__subclasses__():
            out.append(sub)
            stack.append(sub)
    return out


@contextlib.contextmanager
def op_times():
    """Within the block, sum the seconds spent in each Function's forward and backward.

    Time inside nested calls (a backward that calls other ops) counts to the outermost one.
    """
    table, depth = {}, [0]

    def timed(label, fn):
        def run(*args, **kwargs):
            depth[0] += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    table[label(args)] = table.get(label(args), 0.0) + time.perf_counter() - start

        return run

    original_apply = Function.__dict__["apply"]
    patched = {}
    Function.apply = classmethod(timed(lambda args: f"{args[0].__name__} forward", original_apply.__func__))
    for cls in _subclasses(Function):
        if "backward" in cls.__dict__:
            patched[cls] = cls.__dict__["backward"]
            cls.backward = timed(lambda args: f"{type(args[0]).__name__} backward", patched[cls])
    try:
        yield table
    finally:
        Function.apply = original_apply
        for cls, fn in patched.items():
            cls.backward = fn


def torch_op_times(step, steps=1):
    """torch's self CPU seconds per op, per call of ``step`` (averaged over ``steps`` calls;
    torch.profiler's key_averages). What the profiler's native code prints (kineto's
    "gpuGetDeviceCount failed" on a machine without a GPU) is silenced."""
    import torch

    with harness.quiet_native_stderr():
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
            for _ in range(steps):
                step()
        averages = prof.key_averages()
    return {e.key: e.self_cpu_time_total / 1e6 / steps for e in averages}


def step_breakdown(engine_name, step, steps=5):
    """{op: seconds per step}, averaged over ``steps`` profiled calls of ``step`` after a warm-up
    call, plus "(whole step)": the median unprofiled step, so that what the table leaves out
    (Python between ops) shows."""
    step()
    whole = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        whole.append(time.perf_counter() - start)
    if engine_name == "scratchnet":
        with op_times() as table:
            for _ in range(steps):
                step()
        table = {k: v / steps for k, v in table.items()}
    else:
        table = torch_op_times(step, steps)
    return {"(whole step)": sorted(whole)[len(whole) // 2], **table}


def format_breakdown(tables, top=12):
    """Lines: the ``top`` ops of each engine by time, in ms, one column per engine."""
    columns = []
    for name, table in tables.items():
        whole = table.get("(whole step)")
        ops = sorted(((k, v) for k, v in table.items() if k != "(whole step)"), key=lambda kv: -kv[1])
        head = f"{name}: {whole * 1e3:.2f} ms a step" if whole is not None else name
        accounted = sum(v for _, v in ops)
        cells = [f"{head} (ops listed below {accounted * 1e3:.2f} ms in all)"] + [f"{k[:34]:<34} {v * 1e3:8.3f}" for k, v in ops[:top]]
        columns.append(cells)
    width = max(len(c) for col in columns for c in col) + 2
    rows = max(len(col) for col in columns)
    return ["  " + "| ".join((col[i] if i < len(col) else "").ljust(width) for col in columns).rstrip() for i in range(rows)]
