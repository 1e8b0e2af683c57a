"""The ``scratchnet`` command.

    scratchnet train [--model cnn] [--data digits] [--engine both] ...   train beside PyTorch
    scratchnet w5 [--trace]                                               the seed's worked example
"""

import argparse
import sys


def _train_parser(sub):
    from .train import DATASETS, MODELS, OPTIMIZERS, Config

    d = Config()
    p = sub.add_parser("train", help="train a seed network in scratchnet and PyTorch side by side",
                       description="Train a seed network in scratchnet and PyTorch from the same weights on the same batches.")
    p.add_argument("--model", default=d.model, help=f"one of {', '.join(MODELS)} (default {d.model})")
    p.add_argument("--data", default=d.data, help=f"one of {', '.join(DATASETS)} (default {d.data}: the digits shipped with scikit-learn)")
    p.add_argument("--data-dir", default=None, help="the folder with the MNIST IDX files (default $SCRATCHNET_MNIST or ../shared/data/mnist)")
    p.add_argument("--engine", default=d.engine, help="scratchnet, torch or both (default both)")
    p.add_argument("--device", default=d.device, help="cpu or cuda, for the torch engine (default cpu)")
    p.add_argument("--epochs", type=int, default=d.epochs, help=f"(default {d.epochs})")
    p.add_argument("--batch-size", type=int, default=d.batch_size, help=f"(default {d.batch_size})")
    p.add_argument("--lr", type=float, default=None, help="learning rate (default: the seed's for the model)")
    p.add_argument("--optimizer", default=None, help=f"one of {', '.join(OPTIMIZERS)} (default: the seed's for the model)")
    p.add_argument("--seed", type=int, default=d.seed, help=f"(default {d.seed})")
    p.add_argument("--out", default=d.out, help=f"folder for metrics.json, curves.png, checkpoint.npz (default {d.out})")
    p.add_argument("--resume", action="store_true", help="continue from --out/checkpoint.npz")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--allow-nonfinite", action="store_true", help="with --resume: load weights even if they hold NaN or inf")
    return p


def compare_command(args):
    import numpy as np

    import reference.models
    import scratchnet
    from reference.exchange import copy_to_torch

    from .compare import locate_mismatch
    from .models import MODELS
    from .train import UsageError

    if args.model not in MODELS:
        raise UsageError(f"--model must be one of {', '.join(MODELS)} (got {args.model!r})")
    if args.batch_size < 1:
        raise UsageError(f"--batch-size must be positive (got {args.batch_size})")
    from .train import check_seed

    check_seed(args.seed)
    scratchnet.manual_seed(args.seed)
    cls, sample = MODELS[args.model]
    ours = cls().double().eval()
    twin = copy_to_torch(ours, reference.models.MODELS[args.model]().double()).eval()
    if args.perturb:
        params = dict(ours.named_parameters())
        if args.perturb not in params:
            raise UsageError(f"--perturb: no parameter {args.perturb!r}; the model has {', '.join(params)}")
        with scratchnet.no_grad():
            params[args.perturb].array[...] += 1e-3  # every element, so no dead unit can hide it
    x = scratchnet.tensor(np.random.default_rng(args.seed).standard_normal((args.batch_size, *sample)))
    report = locate_mismatch(ours, twin, x)
    print(f"{args.model}: scratchnet vs torch, float64, {len(report.checked)} checks")
    print(report)
    return 0 if report.ok else 1


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:  # the suite parses its own flags (argparse's REMAINDER would not pass them)
        from benchmarks.suite import main as bench_main

        bench_main(argv[1:])
        return 0
    parser = argparse.ArgumentParser(prog="scratchnet", description="scratchnet: a NumPy neural-network engine that mirrors PyTorch")
    sub = parser.add_subparsers(dest="command")
    _train_parser(sub)
    cmp_ = sub.add_parser("compare", help="find the first layer where scratchnet and torch disagree")
    cmp_.add_argument("--model", default="cnn")
    cmp_.add_argument("--batch-size", type=int, default=4)
    cmp_.add_argument("--seed", type=int, default=0)
    cmp_.add_argument("--perturb", default=None, metavar="PARAM", help="nudge this scratchnet parameter (e.g. layer2.0.weight) to see the locator find it")
    sub.add_parser("bench", help="the benchmark suite: scratchnet vs torch CPU vs torch CUDA (see scratchnet bench --help)")
    w5 = sub.add_parser("w5", help="the seed's worked backprop example, beside PyTorch")
    w5.add_argument("--trace", action="store_true", help="print the backward pass node by node")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from .checkpoint import CheckpointError
    from .vision.datasets import DataError
    from .train import UsageError

    try:
        if args.command == "w5":
            from .examples import w5 as example

            return example.main(trace=args.trace)
        if args.command == "compare":
            return compare_command(args)
        if args.command == "train":
            from .train import Config, run

            config = Config(**{k: v for k, v in vars(args).items() if k in Config.__dataclass_fields__})
            config.progress = not args.no_progress
            run(config)
            return 0
    except (UsageError, DataError, CheckpointError) as e:
        print(f"scratchnet {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
