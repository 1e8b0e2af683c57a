"""Timing and memory, done the same way for every engine.

- Time: warm-up, then rounds that interleave the engines (so drift in the machine hits all of them
  alike), each engine's turn a settled block of consecutive steps (see :func:`compare`); per
  engine the median and min, and against the baseline the median of per-round ratios.
- Memory: each engine's step runs in a fresh subprocess; its peak is the growth of the process's
  peak RSS over its resident size just before the first step (weights and data already built).
  CUDA peaks come from ``torch.cuda.max_memory_allocated``.

>>> r = compare({"a": lambda: None, "b": lambda: None}, baseline="a", rounds=3, warmup=1, settle=0)
>>> sorted(r["engines"]) == ["a", "b"] and r["engines"]["a"]["ratio"] == 1.0
True
"""

import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time


#: Seconds an engine's idle threads get to park before its block of steps starts. OpenBLAS's
#: workers keep spinning (sched_yield) for about 2^28 cycles after a call, OpenMP's for a while
#: too; measured here, one engine's spinning threads took a core from the other's next steps (the
#: MLP step read 5.2 ms for scratchnet and 2.9 ms for torch when single steps alternated, against
#: 3.2 and 2.1 ms each alone). Settled blocks time what a user's training loop sees.
SETTLE = 0.25

#: Untimed steps at the start of each block last at least this long (threads waking, caches).
LEAD = 0.02

#: The timed steps of a block last about this long (at least one step, at most MAX_BLOCK).
BLOCK = 0.1
MAX_BLOCK = 10


def compare(steps, baseline, rounds=7, warmup=2, sync=None, settle=SETTLE):
    """Time each ``steps[name]()`` in interleaved rounds; ratios are against ``baseline``.

    Each round runs every engine in turn, as a block: wait ``settle`` seconds (so the previous
    engine's threads stop spinning), run untimed lead steps, then time a few consecutive steps
    and keep their median as the round's time. ``sync`` maps an engine name to a function that
    waits for its device (CUDA) before the clock is read. Returns
    {"engines": {name: {median, min, times, ratio}}, "rounds": rounds, "block": {name: (lead, timed)}}.
    """
    sync = sync or {}
    waits = {name: sync.get(name, lambda: None) for name in steps}

    def timed(name):
        waits[name]()
        start = time.perf_counter()
        steps[name]()
        waits[name]()
        return time.perf_counter() - start

    estimate = {name: 0.0 for name in steps}
    for _ in range(warmup):
        for name in steps:
            estimate[name] = timed(name)
    block = {name: (_count(LEAD, t, 1, MAX_BLOCK), _count(BLOCK, t, 1, MAX_BLOCK)) for name, t in estimate.items()}
    times = {name: [] for name in steps}
    for _ in range(rounds):
        for name in steps:
            lead, count = block[name]
            if settle:
                time.sleep(settle)
            for _ in range(lead):
                timed(name)
            times[name].append(statistics.median(timed(name) for _ in range(count)))
    return {"engines": summarize(times, baseline), "rounds": rounds, "block": block}


def _count(seconds, step_seconds, low, high):
    """How many steps of ``step_seconds`` fill ``seconds`` (between low and high)."""
    if step_seconds <= 0:
        return low
    return max(low, min(high, round(seconds / step_seconds)))


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


#: A 1-minute load average above this (per machine, as ``os.getloadavg()[0]``) marks results as
#: taken on a loaded machine: other work then skews the ratios (torch's OpenMP threads lose more to
#: contention than NumPy does, which flatters scratchnet).
LOADED = 0.5

#: Environment variables that change which BLAS kernel or how many threads run (reported as set).
_BLAS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def load_average():
    """The 1-minute load average now (None where the OS has none)."""
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return None


def _cpu_seconds_of_others():
    """CPU seconds used so far by every process except this one (from /proc; None elsewhere).

    The load average counts the benchmark's own threads too (two busy threads make it ~2), so it
    can only say whether the machine was quiet *before* a run; during a run, what matters is how
    much CPU the other processes take, which this measures."""
    me = os.getpid()
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    try:
        names = os.listdir("/proc")
    except OSError:
        return None
    for name in names:
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / tick


class OtherWork:
    """How many cores other processes kept busy, on average, between ``start()`` and ``stop()``."""

    def start(self):
        self.t0, self.c0 = time.perf_counter(), _cpu_seconds_of_others()
        return self

    def stop(self):
        c1 = _cpu_seconds_of_others()
        if self.c0 is None or c1 is None:
            return None
        return max(0.0, (c1 - self.c0) / max(time.perf_counter() - self.t0, 1e-9))


def is_loaded(*loads):
    """Whether any of these load averages is above :data:`LOADED`."""
    return any(x is not None and x > LOADED for x in loads)


def blas_info():
    """The BLAS (and OpenMP) libraries in use: library, version, kernel ("architecture") and
    thread count, from threadpoolctl; without it, NumPy's build configuration (no thread count)."""
    import numpy  # noqa: F401  (loads NumPy's BLAS, so threadpoolctl can see it)

    env = {k: os.environ[k] for k in _BLAS_ENV if k in os.environ}
    try:
        import threadpoolctl
    except ImportError:
        return {"source": "numpy.show_config (threadpoolctl is not installed: thread counts unknown)",
                "libraries": _numpy_blas_config(), "env": env}
    keep = ("user_api", "internal_api", "prefix", "version", "num_threads", "threading_layer", "architecture")
    libraries = [{k: lib[k] for k in keep if k in lib} for lib in threadpoolctl.threadpool_info()]
    return {"source": "threadpoolctl " + threadpoolctl.__version__, "libraries": libraries, "env": env}


def _numpy_blas_config():
    import numpy

    try:
        config = numpy.show_config(mode="dicts")
        deps = config.get("Build Dependencies", {})
        return [{"user_api": name, **{k: v for k, v in deps[name].items() if k in ("name", "version")}} for name in ("blas", "lapack") if name in deps]
    except Exception as e:  # an older NumPy without mode="dicts"
        return [{"error": f"could not read numpy's build configuration: {e}"}]


def machine():
    """What a result depends on besides the code: CPUs, load, BLAS, thread counts, library versions."""
    import platform

    import numpy

    try:
        import torch  # noqa: F401  (first, so that threadpoolctl sees the OpenMP it brings)
    except ImportError:
        pass
    info = {"cpu_count": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "numpy": numpy.__version__, "load_average": load_average(), "blas": blas_info(), "threads": threads()}
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_parallel"] = torch.__config__.parallel_info().strip().splitlines()[:6]
    except ImportError:
        pass
    return info


def describe_machine(info):
    """The lines printed above a benchmark's results."""
    libs = ", ".join(
        " ".join(filter(None, (lib.get("internal_api", lib.get("name", "?")), lib.get("version"))))
        + (f" ({lib['architecture']} kernel)" if lib.get("architecture") else "")
        + (f" x{lib['num_threads']} threads" if "num_threads" in lib else "")
        for lib in info["blas"]["libraries"]
    )
    lines = [f"machine: {info['cpu_count']} CPUs, load average {_fmt_load(info['load_average'])}; numpy {info['numpy']}"
             + (f", torch {info['torch']} ({info['threads'].get('torch_threads')} threads)" if "torch" in info else ""),
             f"BLAS ({info['blas']['source']}): {libs}" + (f"; env {info['blas']['env']}" if info["blas"]["env"] else "")]
    return lines


def load_warning(before, after=None):
    """A warning line when the machine was loaded before or after the run (else None); with only
    ``before``, about the load now."""
    if not is_loaded(before, after):
        return None
    when = f"{_fmt_load(before)} now" if after is None else f"{_fmt_load(before)} before, {_fmt_load(after)} after"
    return (f"WARNING: load average {when} (> {LOADED}): other work is running, so timings and ratios are "
            f"not trustworthy (results are marked loaded); rerun on a quiet machine")


def _fmt_load(x):
    return "unknown" if x is None else f"{x:.2f}"


@contextlib.contextmanager
def quiet_native_stderr():
    """Silence what native code (torch's profiler, kineto) writes to stderr within the block, such as
    "gpuGetDeviceCount failed" on a machine without a GPU; Python's own errors still propagate."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def set_threads(n):
    """Use ``n`` threads in torch and (for processes started after this) NumPy's BLAS."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    try:
        import torch

        torch.set_num_threads(n)
    except ImportError:
        pass
