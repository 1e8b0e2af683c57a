"""One forward + backward of the seed-000 CNN at batch 100: scratchnet vs torch CPU, in one run.

    python -m benchmarks.cnn_step [--batch 100] [--rounds 9] [--threads N]

Prints the median time of each engine, the median of per-round ratios, each engine's peak memory
(measured in a fresh process) and where scratchnet's time goes, op by op, beside torch's profile.
"""

import argparse

import numpy as np

from benchmarks import harness


def make_step(engine, batch, seed=0):
    """A closure running one forward + backward of the seed CNN (cross-entropy on random labels)."""
    import scratchnet
    import scratchnet.models

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, batch)
    scratchnet.manual_seed(seed)
    model = scratchnet.models.CNN()
    if engine == "scratchnet":
        xs, ys = scratchnet.tensor(x), scratchnet.tensor(y)

        def step():
            model.zero_grad()
            logits = model(xs)
            loss = -logits.log_softmax(dim=1)[scratchnet.arange(batch), ys].mean()
            loss.backward()

        return step
    import torch

    import reference.models
    from reference.exchange import copy_to_torch

    device = "cuda" if engine == "torch-cuda" else "cpu"
    twin = copy_to_torch(model, reference.models.CNN().to(device))
    xt, yt = torch.tensor(x, device=device), torch.tensor(y, device=device)

    def step():
        twin.zero_grad()
        torch.nn.functional.cross_entropy(twin(xt), yt).backward()

    return step


def peak_memory(engine, batch, steps=3):
    """Run in a fresh process: the peak growth of resident memory over a few steps."""
    step = make_step(engine, batch)
    before = harness.resident_bytes()
    for _ in range(steps):
        step()
    return {"peak": harness.peak_bytes() - before}


def breakdown(batch):
    """scratchnet's seconds per op (outermost calls) and torch's self-CPU time per aten op."""
    from benchmarks.profile_ops import op_times, torch_op_times

    step = make_step("scratchnet", batch)
    step()
    with op_times() as ours:
        step()
    tstep = make_step("torch", batch)
    tstep()
    return ours, torch_op_times(tstep)  # (torch's profiler warns of no GPU on a CPU machine: silenced)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    if args.threads:
        harness.set_threads(args.threads)
    for line in harness.describe_machine(harness.machine()):
        print(line)
    load_before = harness.load_average()
    steps = {name: make_step(name, args.batch) for name in ("scratchnet", "torch")}
    result = harness.compare(steps, baseline="torch", rounds=args.rounds)
    result["load_average"] = (load_before, harness.load_average())
    result["loaded"] = harness.is_loaded(*result["load_average"])
    print(f"seed-000 CNN, forward + backward, batch {args.batch}, float32; threads: {harness.threads()}")
    if result["loaded"]:
        print(harness.load_warning(*result["load_average"]))
    for name, r in result["engines"].items():
        mem = harness.measure_peak_in_subprocess("benchmarks.cnn_step", "peak_memory", name, args.batch)["peak"]
        print(f"  {name:<11} median {r['median'] * 1e3:7.1f} ms  min {r['min'] * 1e3:7.1f} ms  "
              f"ratio vs torch {r['ratio']:.2f}x  peak memory {mem / 2**20:6.1f} MiB")
    ours, theirs = breakdown(args.batch)
    print("\nwhere the time goes (one step)")
    print("  scratchnet op                      ms  | torch op                                  ms")
    left = sorted(ours.items(), key=lambda kv: -kv[1])[:12]
    right = sorted(theirs.items(), key=lambda kv: -kv[1])[:12]
    for i in range(max(len(left), len(right))):
        a = f"{left[i][0]:<30} {left[i][1] * 1e3:7.2f}" if i < len(left) else " " * 38
        b = f"{right[i][0]:<38} {right[i][1] * 1e3:7.2f}" if i < len(right) else ""
        print(f"  {a}  | {b}")
    return result


if __name__ == "__main__":
    main()
