"""Timing and memory, done the same way for every engine.

- Time: warm-up, then rounds that interleave the engines (so drift in the machine hits all of them
  alike); per engine the median and min, and against the baseline the median of per-round ratios.
- Memory: each engine's step runs in a fresh subprocess; its peak is the growth of the process's
  peak RSS over its resident size just before the first step (weights and data already built).
  CUDA peaks come from ``torch.cuda.max_memory_allocated``.

>>> r = compare({"a": lambda: None, "b": lambda: None}, baseline="a", rounds=3, warmup=1)
>>> sorted(r["engines"]) == ["a", "b"] and r["engines"]["a"]["ratio"] == 1.0
True
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time


def compare(steps, baseline, rounds=7, warmup=2, sync=None):
    """Time each ``steps[name]()`` in interleaved rounds; ratios are against ``baseline``.

    ``sync`` maps an engine name to a function that waits for its device (CUDA) before the clock
    is read. Returns {"engines": {name: {median, min, times, ratio}}, "rounds": rounds}.
    """
    sync = sync or {}
    for _ in range(warmup):
        for name, step in steps.items():
            step()
            sync.get(name, lambda: None)()
    times = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            wait = sync.get(name, lambda: None)
            wait()
            start = time.perf_counter()
            step()
            wait()
            times[name].append(time.perf_counter() - start)
    return {"engines": summarize(times, baseline), "rounds": rounds}


def summarize(times, baseline):
    """Median, min and the median of per-round ratios against the baseline engine."""
    base = times[baseline]
    return {
        name: {
            "median": statistics.median(ts),
            "min": min(ts),
            "times": ts,
            "ratio": statistics.median(t / b for t, b in zip(ts, base)),
        }
        for name, ts in times.items()
    }


def resident_bytes():
    """This process's resident set size now (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def peak_bytes():
    """The peak resident set size of this process so far (VmHWM: unlike getrusage's ru_maxrss it
    does not carry over the parent's peak into a child started by fork + exec)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure_peak_in_subprocess(module, function, *args):
    """Run ``module.function(*args)`` in a fresh Python; it returns {"peak": bytes, ...} as JSON."""
    code = f"import json, {module} as m; print(json.dumps(m.{function}(*{args!r})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def threads():
    """The thread counts each library uses (reported with every benchmark)."""
    info = {"cpu_count": os.cpu_count()}
    try:
        import torch

        info["torch_threads"] = torch.get_num_threads()
    except ImportError:
        pass
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        if var in os.environ:
            info[var] = os.environ[var]
    return info


def set_threads(n):
    """Use ``n`` threads in torch and (for processes started after this) NumPy's BLAS."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    try:
        import torch

        torch.set_num_threads(n)
    except ImportError:
        pass
