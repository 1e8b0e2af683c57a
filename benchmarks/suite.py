"""The benchmark suite: scratchnet vs torch CPU vs torch CUDA, on ops and whole training steps.

    python -m benchmarks.suite [--quick] [--batches 32 100 256 512] [--rounds 5] [--threads N] [--out DIR]
    python -m benchmarks.suite --profile [--workloads step-gpt step-lstm] [--batches 100]
    scratchnet bench ...                 (the same)

For every workload and batch size, the engines run interleaved rounds after a warm-up; in each round
an engine gets a settled block (a pause so the other engine's threads stop spinning, untimed lead
steps, then a few timed consecutive steps whose median is the round's time: what a training loop
sees); each engine gets its median and min time and the median of per-round ratios against torch CPU. Peak memory is measured
per engine in a fresh process (CPU: growth of peak RSS; CUDA: torch.cuda.max_memory_allocated).
Results go to the terminal, to JSON and to two plots (time vs batch size, ratio bars).

Honest numbers: the run records the machine (CPUs, BLAS library, kernel and thread count via
threadpoolctl, torch's threads, library versions) and the 1-minute load average before and after
the run and each row; rows taken with a load above 0.5 are marked ``loaded`` and a warning is
printed (a loaded machine skews ratios, usually in scratchnet's favour). CUDA is queried only when
``--engines`` names torch-cuda.

``--profile`` times nothing: for each workload (at the first batch size) it runs one step of each
engine under its profiler and prints where the time goes, side by side: scratchnet's seconds per
Function (forward and backward, outermost calls) and torch's self CPU time per aten op
(torch.profiler's key_averages).
"""

import argparse
import json
import os
import time

import numpy as np

from benchmarks import harness

# ----------------------------------------------------------------------------------------------
# Engines: a small registry, so another backend is one more entry
# ----------------------------------------------------------------------------------------------


class EngineSpec:
    """How to build and time one engine. ``available()`` returns None or the reason it is not."""

    def __init__(self, name, lib, device="cpu"):
        self.name, self.lib_name, self.device = name, lib, device

    @property
    def lib(self):
        import importlib

        return importlib.import_module(self.lib_name)

    def available(self):
        try:
            lib = self.lib
        except ImportError as e:
            return f"{self.lib_name} is not installed ({e})"
        if self.device == "cuda" and not lib.cuda.is_available():
            return "no CUDA GPU is available to torch here"
        return None

    def tensor(self, array, requires_grad=False):
        t = self.lib.tensor(array)
        if self.device != "cpu":
            t = t.to(self.device)
        return t.requires_grad_(requires_grad) if requires_grad else t

    def sync(self):
        if self.device == "cuda":
            self.lib.cuda.synchronize()

    def reset_peak(self):
        if self.device == "cuda":
            self.lib.cuda.reset_peak_memory_stats()

    def peak_since_reset(self, before_rss):
        if self.device == "cuda":
            return self.lib.cuda.max_memory_allocated()
        return harness.peak_bytes() - before_rss


ENGINES = {
    "scratchnet": EngineSpec("scratchnet", "scratchnet"),
    "torch-cpu": EngineSpec("torch-cpu", "torch"),
    "torch-cuda": EngineSpec("torch-cuda", "torch", "cuda"),
}
BASELINE = "torch-cpu"

# ----------------------------------------------------------------------------------------------
# Workloads: each builds a closure doing one timed unit of work on an engine
# ----------------------------------------------------------------------------------------------


def _rng(batch):
    return np.random.default_rng(batch)


def op_matmul(engine, batch):
    """(batch x 784) @ (784 x 256), forward and backward: the MLP's first layer."""
    rng = _rng(batch)
    a = engine.tensor(rng.standard_normal((batch, 784)).astype(np.float32), True)
    w = engine.tensor(rng.standard_normal((784, 256)).astype(np.float32), True)

    def step():
        a.grad = w.grad = None
        (a @ w).sum().backward()

    return step


def op_tiny_chain(engine, batch, length=1000):
    """a chain of 1000 tiny ops on a vector of `batch` elements, forward + backward (per-op overhead)"""
    x = engine.tensor((1 + 0.001 * _rng(batch).standard_normal(batch)).astype(np.float32), True)

    def step():
        x.grad = None
        y = x
        for _ in range(length // 4):  # a Python number, a broadcast-free tensor, a reused leaf
            y = ((y * 1.0001 + 0.5) - x) * x
        y.sum().backward()

    return step


#: Workloads that are a chain of this many ops: their rows also report the time per op.
OPS_PER_STEP = {"tiny-ops": 1000}


def _conv(c_in, c_out, size):
    def workload(engine, batch):
        rng = _rng(batch)
        x = engine.tensor(rng.standard_normal((batch, c_in, size, size)).astype(np.float32), True)
        w = engine.tensor(rng.standard_normal((c_out, c_in, 3, 3)).astype(np.float32) * 0.1, True)
        b = engine.tensor(np.zeros(c_out, np.float32), True)
        F = engine.lib.nn.functional

        def step():
            x.grad = w.grad = b.grad = None
            F.conv2d(x, w, b, padding=1).sum().backward()

        return step

    workload.__doc__ = f"conv2d {c_in}->{c_out}, 3x3, padding 1, on {size}x{size}, forward + backward (seed 000)"
    return workload


def op_max_pool(engine, batch):
    """max_pool2d 2x2 on (batch, 32, 28, 28), forward + backward."""
    x = engine.tensor(_rng(batch).standard_normal((batch, 32, 28, 28)).astype(np.float32), True)
    F = engine.lib.nn.functional

    def step():
        x.grad = None
        F.max_pool2d(x, 2, 2).sum().backward()

    return step


def op_batch_norm(engine, batch):
    """batch_norm (training) on (batch, 32, 14, 14), forward + backward."""
    rng = _rng(batch)
    x = engine.tensor(rng.standard_normal((batch, 32, 14, 14)).astype(np.float32), True)
    w, b = engine.tensor(np.ones(32, np.float32), True), engine.tensor(np.zeros(32, np.float32), True)
    mean, var = engine.tensor(np.zeros(32, np.float32)), engine.tensor(np.ones(32, np.float32))
    F = engine.lib.nn.functional

    def step():
        x.grad = w.grad = b.grad = None
        F.batch_norm(x, mean, var, w, b, training=True).sum().backward()

    return step


def op_cross_entropy(engine, batch):
    """softmax + cross_entropy on (batch, 10) logits, forward + backward."""
    rng = _rng(batch)
    x = engine.tensor(rng.standard_normal((batch, 10)).astype(np.float32), True)
    y = engine.tensor(rng.integers(0, 10, batch))
    F = engine.lib.nn.functional

    def step():
        x.grad = None
        F.cross_entropy(x, y).backward()

    return step


def _training(model_name, optimizer, lr):
    def workload(engine, batch):
        import scratchnet
        import scratchnet.models

        cls, sample = scratchnet.models.MODELS[model_name]
        scratchnet.manual_seed(0)
        model = cls()
        if engine.lib_name == "torch":
            import reference.models
            from reference.exchange import copy_to_torch

            model = copy_to_torch(model, reference.models.MODELS[model_name]().to(engine.device))
        rng = _rng(batch)
        x = engine.tensor(rng.standard_normal((batch, *sample)).astype(np.float32))
        y = engine.tensor(rng.integers(0, 10, batch))
        opt = getattr(engine.lib.optim, optimizer)(model.parameters(), lr=lr)
        loss_fn = engine.lib.nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()

        return step

    workload.__doc__ = f"training step of the seed {model_name}: forward, backward, {optimizer}"
    return workload


def _text_training(kind, context=64, **sizes):
    def workload(engine, batch):
        from scratchnet import lm

        if engine.lib_name == "torch":
            import reference.models as models
        else:
            import scratchnet.models as models
        engine.lib.manual_seed(0)  # the same seed: the same weights in every engine, no copying
        model = models.TEXT_MODELS[kind](103, **sizes)
        if engine.lib_name == "torch":
            model = model.to(engine.device)
        rng = _rng(batch)
        x = engine.tensor(rng.integers(0, 103, (batch, context)))
        y = engine.tensor(rng.integers(0, 103, (batch, context)))
        opt = lm.make_optimizer(engine.lib, model, lr=1e-3)

        def step():
            lm.train_step(engine.lib, model, opt, x, y, 1e-3, clip=1.0)

        return step

    described = ", ".join(f"{k}={v}" for k, v in sizes.items())
    workload.__doc__ = f"training step of the char-{kind} language model ({described}, context {context}): forward, backward, clip, AdamW"
    return workload


WORKLOADS = {
    "tiny-ops": op_tiny_chain,
    "matmul": op_matmul,
    "conv2d-1->32": _conv(1, 32, 28),
    "conv2d-32->64": _conv(32, 64, 14),
    "max_pool2d": op_max_pool,
    "batch_norm": op_batch_norm,
    "cross_entropy": op_cross_entropy,
    "step-mlp": _training("mlp", "Adam", 1e-3),
    "step-cnn": _training("cnn", "Adam", 1e-3),
    "step-cnn5": _training("cnn5", "Adam", 2e-4),
    "step-lenet": _training("lenet", "SGD", 0.01),
    "step-gpt": _text_training("gpt", n_layer=2, n_head=4, n_embd=64, block_size=64),
    "step-lstm": _text_training("lstm", n_layer=2, n_embd=64, hidden_size=128),
}

# ----------------------------------------------------------------------------------------------
# Running
# ----------------------------------------------------------------------------------------------


def available_engines(names):
    """(engines to run, {name: reason} for those skipped)."""
    run, skipped = {}, {}
    for name in names:
        reason = ENGINES[name].available()
        if reason:
            skipped[name] = reason
        else:
            run[name] = ENGINES[name]
    return run, skipped


def peak_memory(engine_name, workload, batch, steps=2):
    """In a fresh process: the peak memory of a few steps of one workload on one engine."""
    engine = ENGINES[engine_name]
    step = WORKLOADS[workload](engine, batch)  # weights and data exist before the count starts
    before = harness.resident_bytes()
    engine.reset_peak()
    for _ in range(steps):
        step()
    engine.sync()
    return {"peak": engine.peak_since_reset(before)}


def run_suite(workloads, batches, engine_names, rounds=5, warmup=1, memory=True, log=print, settle=harness.SETTLE):
    engines, skipped = available_engines(engine_names)
    baseline = BASELINE if BASELINE in engines else next(iter(engines))
    results = []
    load_before = harness.load_average()
    for workload in workloads:
        for batch in batches:
            steps = {name: WORKLOADS[workload](engine, batch) for name, engine in engines.items()}
            row_load, others = harness.load_average(), harness.OtherWork().start()
            timing = harness.compare(steps, baseline=baseline, rounds=rounds, warmup=warmup, settle=settle,
                                    sync={n: e.sync for n, e in engines.items()})
            loads, busy = (row_load, harness.load_average()), others.stop()
            # the load average counts this run's own threads: a row is loaded when other processes
            # used more than LOADED cores while it was timed (or, without /proc, by the load average)
            loaded = harness.is_loaded(busy) if busy is not None else harness.is_loaded(*loads)
            row = {"workload": workload, "batch": batch, "engines": {}, "load_average": loads, "other_cores": busy, "loaded": loaded,
                   "block": timing["block"]}
            for name, stats in timing["engines"].items():
                entry = {k: stats[k] for k in ("median", "min", "ratio")}
                if workload in OPS_PER_STEP:
                    entry["us_per_op"] = stats["median"] * 1e6 / OPS_PER_STEP[workload]
                if memory:
                    try:
                        entry["peak_bytes"] = harness.measure_peak_in_subprocess("benchmarks.suite", "peak_memory", name, workload, batch)["peak"]
                    except Exception as e:  # a failed probe loses one number, not the run
                        entry["peak_error"] = str(e).splitlines()[0]
                row["engines"][name] = entry
            results.append(row)
            log(format_row(row, engines))
    load_after = harness.load_average()
    machine = harness.machine()
    # quiet = nothing else ran: the load average before the run, and other processes' CPU during it
    # (the load average after includes this run's own threads, so it is recorded, not judged)
    machine.update(load_before=load_before, load_after=load_after,
                   loaded=harness.is_loaded(load_before) or any(r["loaded"] for r in results))
    return {"results": results, "skipped": skipped, "baseline": baseline, "threads": harness.threads(), "rounds": rounds,
            "machine": machine, "time": time.strftime("%Y-%m-%d %H:%M:%S")}


def format_row(row, engines):
    parts = [f"{row['workload']:<15} batch {row['batch']:>4}"]
    for name in engines:
        e = row["engines"][name]
        mem = f" {e['peak_bytes'] / 2**20:6.1f} MiB" if "peak_bytes" in e else ""
        per_op = f" = {e['us_per_op']:.1f} us/op" if "us_per_op" in e else ""
        parts.append(f"{name} {e['median'] * 1e3:8.2f} ms{per_op} ({e['ratio']:.2f}x){mem}")
    if row.get("loaded"):
        busy = row.get("other_cores")
        parts.append(f"[loaded: other processes used {busy:.2f} cores]" if busy is not None else
                     f"[loaded: load average {row['load_average'][0]:.2f} -> {row['load_average'][1]:.2f}]")
    return "  |  ".join(parts)


def linear_fit(results, workload, engine):
    """Seconds per sample (slope) and fixed cost (intercept) of a workload's time vs batch size."""
    points = [(r["batch"], r["engines"][engine]["median"]) for r in results if r["workload"] == workload and engine in r["engines"]]
    if len(points) < 2:
        return None
    x, y = np.array(points, dtype=float).T
    slope, intercept = np.polyfit(x, y, 1)
    residual = float(np.max(np.abs(np.polyval([slope, intercept], x) - y) / y))
    return {"seconds_per_sample": float(slope), "fixed_seconds": float(intercept), "max_relative_residual": residual}


def _plot_time_vs_batch(plt, results, workloads, engines, path):
    """One panel per workload: milliseconds per step against the batch size, a line per engine."""
    cols = min(4, len(workloads))
    rows = -(-len(workloads) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3.2 * rows), squeeze=False)
    for ax, workload in zip(axes.ravel(), workloads):
        for name in engines:
            pts = [(r["batch"], r["engines"][name]["median"] * 1e3) for r in results if r["workload"] == workload and name in r["engines"]]
            if pts:
                ax.plot(*zip(*pts), "-o", label=name)
        ax.set(title=workload, xlabel="batch size", ylabel="ms per step")
        ax.ticklabel_format(axis="y", useOffset=False, style="plain")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(workloads):]:
        ax.axis("off")
    axes.ravel()[0].legend()
    fig.suptitle("time per step against the batch size (median over rounds)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _plot_one_batch(plt, results, workloads, engines, batch, path):
    """One batch size: a bar per engine for each workload (milliseconds per step, log scale when
    they span more than a factor 20), the value written at each bar's end."""
    fig, ax = plt.subplots(figsize=(10, max(3, 0.45 * len(workloads) * max(1, len(engines)) ** 0.5 + 1)))
    height = 0.8 / max(1, len(engines))
    every = []
    for i, name in enumerate(engines):
        ms = [next((r["engines"][name]["median"] * 1e3 for r in results if r["workload"] == w and name in r["engines"]), np.nan)
              for w in workloads]
        every += [m for m in ms if m == m]
        positions = np.arange(len(workloads)) + i * height
        bars = ax.barh(positions, ms, height, label=name)
        ax.bar_label(bars, labels=[f"{m:.3g} ms" if m == m else "" for m in ms], padding=3, fontsize=7)
    if every and max(every) / max(min(every), 1e-12) > 20:
        ax.set_xscale("log")
    ax.set_yticks(np.arange(len(workloads)) + height * (len(engines) - 1) / 2, workloads, fontsize=8)
    ax.invert_yaxis()
    ax.set(xlabel="milliseconds per step (median over rounds; shorter is faster)", title=f"time per step at batch {batch}")
    ax.grid(alpha=0.3, axis="x")
    ax.margins(x=0.12)  # room for the labels at the bars' ends
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def plot(report, path_prefix):
    """time-vs-batch.png (one panel per workload) and ratios.png (ratio against the baseline)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = report["results"]
    workloads = list(dict.fromkeys(r["workload"] for r in results))
    engines = list(dict.fromkeys(n for r in results for n in r["engines"]))
    batches = sorted({r["batch"] for r in results})
    if len(batches) == 1:  # one batch size (--quick): a line per panel would be one dot; bars instead
        _plot_one_batch(plt, results, workloads, engines, batches[0], path_prefix + "time-vs-batch.png")
    else:
        _plot_time_vs_batch(plt, results, workloads, engines, path_prefix + "time-vs-batch.png")

    labels = [f"{r['workload']} @{r['batch']}" for r in results]
    fig, ax = plt.subplots(figsize=(10, max(3, 0.28 * len(labels))))
    height = 0.8 / max(1, len(engines))
    for i, name in enumerate(engines):
        ratios = [r["engines"][name]["ratio"] if name in r["engines"] else np.nan for r in results]
        ax.barh(np.arange(len(labels)) + i * height, ratios, height, label=name)
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set_yticks(np.arange(len(labels)) + height * (len(engines) - 1) / 2, labels, fontsize=7)
    ax.set(xlabel=f"time relative to {report['baseline']} (lower is faster)", title=f"each engine's time relative to {report['baseline']}")
    ax.invert_yaxis()
    ax.legend()
    fig.tight_layout()
    fig.savefig(path_prefix + "ratios.png", dpi=90)
    plt.close(fig)


def profile_workloads(workloads, batch, engine_names=("scratchnet", "torch-cpu"), top=12, log=print):
    """One step of each workload per engine under its profiler (after a warm-up step): scratchnet's
    seconds per Function, torch's self CPU seconds per op. Returns {workload: {engine: {op: s}}}."""
    from benchmarks.profile_ops import format_breakdown, step_breakdown

    engines, _ = available_engines([n for n in engine_names if n != "torch-cuda"])
    out = {}
    for workload in workloads:
        tables = {name: step_breakdown(name, WORKLOADS[workload](engine, batch)) for name, engine in engines.items()}
        out[workload] = tables
        log(f"\n{workload}, batch {batch}: where one step's time goes")
        for line in format_breakdown(tables, top=top):
            log(line)
    return out


def _seconds(text):
    """--settle's value: a number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more seconds, got {text}")
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(prog="scratchnet bench", description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=list(WORKLOADS), metavar="WORKLOAD",
                        help=f"ops and training steps to time: {', '.join(WORKLOADS)} (default all)")
    parser.add_argument("--batches", nargs="+", type=int, default=[32, 100, 256, 512], metavar="N",
                        help="batch sizes (default 32 100 256 512)")
    parser.add_argument("--engines", nargs="+", default=["scratchnet", "torch-cpu"], choices=list(ENGINES), metavar="ENGINE",
                        help=f"engines to time: {', '.join(ENGINES)} (default scratchnet torch-cpu; torch-cuda only "
                             "when named: CUDA is not queried otherwise)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per workload and batch; ratios are medians over them (default 5)")
    parser.add_argument("--threads", type=int, default=None, help="threads for torch and NumPy's BLAS")
    parser.add_argument("--settle", type=_seconds, default=harness.SETTLE,
                        help=f"seconds of pause before each engine's block, so the other engine's threads stop spinning (default {harness.SETTLE})")
    parser.add_argument("--no-memory", action="store_true", help="skip the per-engine memory measurement")
    parser.add_argument("--quick", action="store_true", help="batch 100 only, 3 rounds (the time plot becomes bars)")
    parser.add_argument("--profile", action="store_true", help="no timing: print each workload's per-op breakdown in both engines (first batch size)")
    parser.add_argument("--top", type=int, default=12, help="ops per engine that --profile prints")
    parser.add_argument("--out", default=os.path.join("benchmarks", "results"), metavar="FOLDER",
                        help="where latest.json, time-vs-batch.png and ratios.png go (default benchmarks/results)")
    args = parser.parse_args(argv)
    if args.threads:
        harness.set_threads(args.threads)
    if args.quick:
        args.batches, args.rounds = [100], 3
    for line in harness.describe_machine(harness.machine()):
        print(line)
    if args.profile:
        load_before = harness.load_average()
        profiles = profile_workloads(args.workloads, args.batches[0], args.engines, top=args.top)
        warning = harness.load_warning(load_before, harness.load_average())
        if warning:
            print(warning)
        return {"profiles": profiles}
    _, skipped = available_engines(args.engines)
    for name, reason in skipped.items():
        print(f"skipping {name}: {reason}")
    warning = harness.load_warning(harness.load_average())
    if warning:
        print(warning)
    print(f"threads: {harness.threads()}; ratios are against {BASELINE}, median of per-round ratios over {args.rounds} rounds")
    report = run_suite(args.workloads, args.batches, args.engines, rounds=args.rounds, memory=not args.no_memory, settle=args.settle)
    if report["machine"]["loaded"]:
        busy = [r["other_cores"] for r in report["results"] if r.get("other_cores") is not None]
        print(f"WARNING: the machine was not quiet (load average {report['machine']['load_before']} before the run"
              + (f"; other processes used up to {max(busy):.2f} cores while rows were timed" if busy else "")
              + "): rows marked loaded are not trustworthy; rerun on a quiet machine")
    report["linear_fits"] = {
        f"{w}/{e}": fit for w in args.workloads for e in report["results"][0]["engines"] if (fit := linear_fit(report["results"], w, e))
    }
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "latest.json"), "w") as f:
        json.dump(report, f, indent=2)
    plot(report, os.path.join(args.out, ""))
    print(f"wrote {args.out}/latest.json, time-vs-batch.png, ratios.png")
    return report


if __name__ == "__main__":
    main()
