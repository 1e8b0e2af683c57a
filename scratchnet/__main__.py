"""The ``scratchnet`` command.

    scratchnet train [--model cnn] [--data digits] [--engine both] ...   train beside PyTorch
    scratchnet train --model gpt|lstm|gru --data text [--text-file F]    a character language model
    scratchnet sample --out RUN --prompt TEXT [--tokens N] ...            text from each engine
    scratchnet compare [--model cnn | --model-file net.py:Net] ...        the first layer that disagrees
    scratchnet run script.py [ARGS]                                       a PyTorch script on scratchnet
    scratchnet bench [--quick] ...                                        the benchmark suite
    scratchnet w5 [--trace]                                               the seed's worked example
"""

import argparse
import sys


def _train_parser(sub):
    from .train import DATASETS, MODELS, OPTIMIZERS, Config

    d = Config()
    p = sub.add_parser("train", help="train a seed network in scratchnet and PyTorch side by side",
                       description="Train a seed network in scratchnet and PyTorch from the same weights on the same batches.")
    p.add_argument("--model", default=d.model, metavar="{" + ",".join(MODELS) + ",gpt,lstm,gru}", help=f"one of {', '.join(MODELS)}, or gpt, lstm, gru with --data text (default {d.model})")
    p.add_argument("--data", default=None, metavar="{" + ",".join(DATASETS) + ",text}", help=f"one of {', '.join(DATASETS)}, text (default {d.data}: the digits shipped with scikit-learn; text for the text models)")
    p.add_argument("--data-dir", default=None, help="the folder with the MNIST IDX files, for --data mnist (default $SCRATCHNET_MNIST, else data/mnist in the project "
                        "that holds scratchnet, else shared/data/mnist beside that project; never the current directory)")
    p.add_argument("--engine", default=d.engine, metavar="{scratchnet,torch,both}",
                   help="which engines train: scratchnet alone needs no PyTorch (default both)")
    p.add_argument("--device", default=d.device, metavar="{cpu,cuda}", help="the torch engine's device; scratchnet runs on the CPU (default cpu)")
    p.add_argument("--epochs", type=int, default=None, help=f"(default {d.epochs}; 5 for the text models)")
    p.add_argument("--batch-size", type=int, default=None, help=f"(default {d.batch_size}; 32 for the text models)")
    p.add_argument("--lr", type=float, default=None, help="learning rate (default: the seed's for the model)")
    p.add_argument("--optimizer", default=None, metavar="{" + ",".join(OPTIMIZERS) + "}", help=f"one of {', '.join(OPTIMIZERS)} (default: the seed's for the model)")
    p.add_argument("--seed", type=int, default=d.seed, help=f"(default {d.seed})")
    p.add_argument("--out", default=None, metavar="FOLDER",
                   help="folder for metrics.json, curves.png and checkpoint.npz (default: a new runs/<time>-<model> folder, "
                        "with runs/latest pointing at the newest run)")
    p.add_argument("--resume", action="store_true",
                   help="continue from the checkpoint in --out (default: the newest run, runs/latest) exactly as if it had never stopped")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--allow-nonfinite", action="store_true", help="with --resume: load weights even if they hold NaN or inf")
    t = p.add_argument_group("text models (--model gpt|lstm|gru --data text)")
    t.add_argument("--text-file", default=None, help="a UTF-8 file to learn (default: CPython's pydoc_data.topics text)")
    for flag, kind, help_ in [("block-size", int, "context length (default 64)"), ("n-layer", int, "layers (default 2)"),
                              ("n-head", int, "attention heads, gpt (default 4)"), ("n-embd", int, "width / embedding size (default 64)"),
                              ("hidden-size", int, "recurrent hidden size, lstm/gru (default 128)"), ("dropout", float, "(default 0)"),
                              ("steps-per-epoch", int, "training steps per epoch (default 20)"),
                              ("warmup-steps", int, "linear warm-up steps (default a tenth of the decay steps, at most 100)"),
                              ("lr-decay-steps", int, "length of the cosine decay (default epochs x steps-per-epoch)"),
                              ("min-lr", float, "learning rate at the end of the decay (default lr/10)"),
                              ("weight-decay", float, "AdamW weight decay on the weight matrices (default 0.1)"),
                              ("grad-clip", float, "clip the gradient norm to this (default 1.0)"),
                              ("eval-batches", int, "held-out batches per evaluation (default 4)")]:
        t.add_argument(f"--{flag}", type=kind, default=None, help=help_)
    return p


def _sample_parser(sub):
    p = sub.add_parser("sample", help="generate text from a text run with each engine",
                       description="Generate text from a `scratchnet train --data text` run's checkpoint, in each engine.")
    p.add_argument("--out", required=True, metavar="FOLDER", help="the run's folder, holding checkpoint.npz (runs/latest: the newest run)")
    p.add_argument("--prompt", required=True, help="the text to continue")
    p.add_argument("--tokens", type=int, default=200, help="characters to generate (default 200)")
    p.add_argument("--temperature", type=float, default=1.0, help="divide the logits by this (default 1.0)")
    p.add_argument("--top-k", type=int, default=None, help="sample among the k likeliest characters only (default all)")
    p.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    p.add_argument("--engine", default="both", metavar="{scratchnet,torch,both}", help="which engines generate (default both)")
    return p


def _compare_parser(sub):
    from .models import MODELS

    p = sub.add_parser(
        "compare", help="find the first layer where scratchnet and torch disagree (a seed model, or your own)",
        description="Build a model in both engines with the same weights, run forward and backward on the same input, and "
                    "report the first layer whose output or gradients disagree. Without --model-file: a seed model against "
                    "its PyTorch twin. With --model-file PATH.py:NAME: your own PyTorch model class (or a function returning "
                    "one, called with no arguments), imported once with real torch and once with scratchnet in torch's place "
                    "(scratchnet.as_torch), torch's weights copied across by state_dict. Exit status 0: they agree; 1: a mismatch.")
    p.add_argument("--model", default="cnn", metavar="{" + ",".join(MODELS) + "}", help=f"a seed model: one of {', '.join(MODELS)} (default cnn)")
    p.add_argument("--model-file", default=None, metavar="PATH.py:NAME",
                   help="your own model instead: a PyTorch file and the nn.Module class (or factory function) in it, e.g. net.py:Net")
    p.add_argument("--input-shape", default=None, metavar="N,C,H,W",
                   help="the input's shape, for --model-file (default 1,1,28,28)")
    p.add_argument("--input-ints", type=int, default=None, metavar="K",
                   help="with --model-file: integer inputs in [0, K) (token ids for an Embedding) instead of normal floats")
    p.add_argument("--target", default=None, metavar="I,J,...",
                   help="with --model-file: class indices, one per sample: backward from cross-entropy (default: the outputs' sum)")
    p.add_argument("--dtype", default="float64", choices=("float64", "float32"), help="both models' dtype (default float64)")
    p.add_argument("--rtol", type=float, default=None, help="relative tolerance (default 1e-6 in float64, 1e-4 in float32)")
    p.add_argument("--atol", type=float, default=None, help="absolute tolerance (default 1e-8 in float64, 1e-5 in float32)")
    p.add_argument("--train", action="store_true", help="with --model-file: compare in train mode (dropout with the same masks) instead of eval")
    p.add_argument("--batch-size", type=int, default=4, help="for a seed model: the batch (default 4)")
    p.add_argument("--seed", type=int, default=0, help="seed for the weights and the input (default 0)")
    p.add_argument("--perturb", default=None, metavar="PARAM",
                   help="nudge this scratchnet parameter by 1e-3 (e.g. layer2.0.weight) to watch the locator find it")
    return p


def train_command(args):
    from .train import Config, UsageError, run
    from .train_text import TEXT_FLAGS, TEXT_MODELS, TextConfig, run_text

    values = vars(args)
    if args.model in TEXT_MODELS or args.data == "text":
        fields = {k: v for k, v in values.items() if k in TextConfig.__dataclass_fields__ and v is not None}
        if args.data_dir is not None:
            raise UsageError("--data-dir is for the MNIST files; a text model takes --text-file")
        config = TextConfig(**fields)
        config.progress = not args.no_progress
        run_text(config)
        return 0
    given = [k for k in TEXT_FLAGS if values.get(k) is not None]
    if given:
        raise UsageError(f"--{given[0].replace('_', '-')} is for the text models (--model gpt, lstm or gru with --data text)")
    config = Config(**{k: v for k, v in values.items() if k in Config.__dataclass_fields__ and v is not None})
    config.progress = not args.no_progress
    run(config)
    return 0


def compare_command(args):
    from .train import UsageError

    if args.model_file is not None:
        from .train import check_seed

        check_seed(args.seed)
        from .model_file import compare_model_file

        return compare_model_file(args)
    try:
        import torch  # noqa: F401
    except ImportError:
        raise UsageError("compare needs PyTorch to compare against: pip install 'scratchnet[torch]'") from None
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
    if argv[:1] == ["run"]:  # everything after the script's name is the script's own
        from .runner import main as run_main

        return run_main(argv[1:])
    if argv[:1] == ["bench"]:  # the suite parses its own flags (argparse's REMAINDER would not pass them)
        from benchmarks.suite import main as bench_main

        bench_main(argv[1:])
        return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return dispatch(args)


def build_parser():
    """The ``scratchnet`` argument parser, every subcommand with its description and flags."""
    parser = argparse.ArgumentParser(prog="scratchnet", description="scratchnet: a NumPy neural-network engine that mirrors PyTorch")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"scratchnet {__version__}")
    sub = parser.add_subparsers(dest="command")
    _train_parser(sub)
    _sample_parser(sub)
    _compare_parser(sub)
    sub.add_parser("run", help="run an unmodified PyTorch script on scratchnet (see scratchnet run --help)",
                   description="Run SCRIPT.py [ARGS] with every `import torch`/`torchvision` answered by scratchnet "
                               "(scratchnet.as_torch). See scratchnet run --help.")
    sub.add_parser("bench", help="the benchmark suite: scratchnet vs torch CPU vs torch CUDA (see scratchnet bench --help)",
                   description="Time ops and training steps in each engine. See scratchnet bench --help.")
    w5 = sub.add_parser("w5", help="the seed's worked backprop example, beside PyTorch",
                        description="The seed's worked example (a 2-2-2 sigmoid network, one SGD step): every forward value, "
                                    "the chain rule for dE/dW5 and the updated weights, computed by scratchnet beside the "
                                    "seed's hand calculation.")
    w5.add_argument("--trace", action="store_true", help="print the backward pass node by node")
    return parser


def dispatch(args):
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
            return train_command(args)
        if args.command == "sample":
            from .sample import sample_command

            sample_command(args)
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
