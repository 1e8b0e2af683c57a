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
    return p


def main(argv=None):
    parser = argparse.ArgumentParser(prog="scratchnet", description="scratchnet: a NumPy neural-network engine that mirrors PyTorch")
    sub = parser.add_subparsers(dest="command")
    _train_parser(sub)
    w5 = sub.add_parser("w5", help="the seed's worked backprop example, beside PyTorch")
    w5.add_argument("--trace", action="store_true", help="print the backward pass node by node")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from .checkpoint import CheckpointError
    from .data import DataError
    from .train import UsageError

    try:
        if args.command == "w5":
            from .examples import w5 as example

            return example.main(trace=args.trace)
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
