"""``scratchnet train --model gpt|lstm|gru --data text``: a character language model trained in
scratchnet and PyTorch side by side, and ``scratchnet sample``: text generated from a run.

Both engines build their model after the same ``manual_seed`` (identical initial weights, no
copying), see the same batches (the windows of step ``s`` are drawn by ``default_rng([seed, s])``,
so a resumed run sees exactly the batches an uninterrupted one would) and train with the same
AdamW (weight decay on matrices only, betas (0.9, 0.95)), ``clip_grad_norm_`` and warm-up + cosine
schedule (:mod:`scratchnet.lm`). An "epoch" is ``--steps-per-epoch`` steps; after each, the table
shows both engines' training loss and their loss and perplexity on held-out text (the last 10%).
"""

import math
import os
import time
from dataclasses import dataclass, field

from .backend import xp
from .train import UsageError, check_output_folder, check_seed, restore_run, resume_note, save_run, _progress

TEXT_MODELS = ("gpt", "lstm", "gru")
DEFAULT_LR = {"gpt": 3e-3, "lstm": 1e-2, "gru": 1e-2}
#: the flags that only text models take (name in Config -> flag), refused for the image models
TEXT_FLAGS = ("text_file", "block_size", "n_layer", "n_head", "n_embd", "hidden_size", "dropout", "steps_per_epoch",
              "warmup_steps", "lr_decay_steps", "min_lr", "weight_decay", "grad_clip", "eval_batches")
MAX_STEPS = 10**7


@dataclass
class TextConfig:
    model: str = "gpt"
    data: str = "text"
    text_file: str = None
    engine: str = "both"
    device: str = "cpu"
    epochs: int = 5
    steps_per_epoch: int = 20
    batch_size: int = 32
    block_size: int = 64
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64
    hidden_size: int = 128
    dropout: float = 0.0
    lr: float = None
    min_lr: float = None
    warmup_steps: int = None
    lr_decay_steps: int = None
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    eval_batches: int = 4
    optimizer: str = "adamw"
    seed: int = 777
    allow_nonfinite: bool = False
    out: str = None  # default: a new runs/<time>-<model> folder, runs/latest pointing at it
    resume: bool = False
    progress: bool = True
    engines: list = field(default_factory=list)

    def resolve(self):
        def positive(flag, value, limit=None):
            if not isinstance(value, int) or value < 1 or (limit and value > limit):
                raise UsageError(f"--{flag} must be a whole number from 1{f' to {limit}' if limit else ''} (got {value})")

        def finite(flag, value, low, high=None, low_open=False):
            ok = isinstance(value, (int, float)) and math.isfinite(value) and (value > low if low_open else value >= low)
            if not ok or (high is not None and value > high):
                bound = f"{'>' if low_open else '>='} {low}" + (f" and <= {high}" if high is not None else "")
                raise UsageError(f"--{flag} must be a finite number {bound} (got {value})")

        if self.model not in TEXT_MODELS:
            raise UsageError(f"--model must be one of {', '.join(TEXT_MODELS)} for --data text (got {self.model!r})")
        if self.data != "text":
            raise UsageError(f"--model {self.model} learns text: use --data text (got --data {self.data})")
        if self.engine not in ("scratchnet", "torch", "both"):
            raise UsageError(f"--engine must be scratchnet, torch or both (got {self.engine!r})")
        if self.device not in ("cpu", "cuda"):
            raise UsageError(f"--device must be cpu or cuda (got {self.device!r})")
        for flag in ("epochs", "steps_per_epoch", "batch_size", "n_layer", "eval_batches"):
            positive(flag.replace("_", "-"), getattr(self, flag), MAX_STEPS)
        positive("block-size", self.block_size, 4096)
        for flag in ("n_head", "n_embd", "hidden_size"):
            positive(flag.replace("_", "-"), getattr(self, flag), 8192)
        if self.model == "gpt" and self.n_embd % self.n_head:
            raise UsageError(f"--n-embd ({self.n_embd}) must be divisible by --n-head ({self.n_head})")
        finite("dropout", self.dropout, 0.0, 1.0)
        if self.dropout == 1.0:
            raise UsageError("--dropout must be below 1 (1 drops everything)")
        self.lr = DEFAULT_LR[self.model] if self.lr is None else self.lr
        finite("lr", self.lr, 0.0, low_open=True)
        self.min_lr = self.lr / 10 if self.min_lr is None else self.min_lr
        finite("min-lr", self.min_lr, 0.0, self.lr)
        total = self.epochs * self.steps_per_epoch
        self.lr_decay_steps = total if self.lr_decay_steps is None else self.lr_decay_steps
        positive("lr-decay-steps", self.lr_decay_steps, MAX_STEPS)
        self.warmup_steps = max(1, min(100, self.lr_decay_steps // 10)) if self.warmup_steps is None else self.warmup_steps
        if not isinstance(self.warmup_steps, int) or not 0 <= self.warmup_steps <= self.lr_decay_steps:
            raise UsageError(f"--warmup-steps must be a whole number from 0 to --lr-decay-steps {self.lr_decay_steps} (got {self.warmup_steps})")
        finite("weight-decay", self.weight_decay, 0.0)
        finite("grad-clip", self.grad_clip, 0.0, low_open=True)
        check_seed(self.seed)
        self.engines = ["scratchnet", "torch"] if self.engine == "both" else [self.engine]
        if "torch" in self.engines:
            try:
                import torch
            except ImportError:
                raise UsageError("--engine torch/both needs PyTorch: pip install 'scratchnet[torch]' (or use --engine scratchnet)") from None
            if self.device == "cuda" and not torch.cuda.is_available():
                raise UsageError("--device cuda: no CUDA GPU is available to PyTorch here (use --device cpu)")
        if self.device == "cuda" and self.engines == ["scratchnet"]:
            raise UsageError("--device cuda applies to the torch engine; scratchnet runs on the CPU")
        if self.text_file is not None and not os.path.isfile(self.text_file):
            raise UsageError(f"--text-file {self.text_file}: no such file")
        return self

    def model_args(self, vocab_size):
        if self.model == "gpt":
            return dict(vocab_size=vocab_size, n_layer=self.n_layer, n_head=self.n_head, n_embd=self.n_embd,
                        block_size=self.block_size, dropout=self.dropout)
        return dict(vocab_size=vocab_size, n_layer=self.n_layer, n_embd=self.n_embd, hidden_size=self.hidden_size,
                    dropout=self.dropout, block_size=self.block_size)


# --- data ---------------------------------------------------------------------------------------


def load_text(config):
    """(train dataset, held-out dataset): the first 90% and the last 10% of the corpus's ids."""
    from .vision.datasets import DataError
    from .utils.data.text import CharDataset, CharTokenizer, default_corpus, read_text_file

    try:
        text = default_corpus() if config.text_file is None else read_text_file(config.text_file)
    except DataError as e:
        raise UsageError(str(e)) from None
    cut = int(len(text) * 0.9)
    need = config.block_size + 1
    if cut < need or len(text) - cut < need:
        raise UsageError(f"the text has {len(text)} characters: too few for --block-size {config.block_size} "
                         f"(each of the 90% training and 10% held-out parts needs at least {need})")
    tokenizer = CharTokenizer(text)
    train = CharDataset(text[:cut], config.block_size, tokenizer=tokenizer)
    held_out = CharDataset(text[cut:], config.block_size, tokenizer=tokenizer)
    return train, held_out


def step_batch(dataset, seed, step, batch_size):
    """The (x, y) windows of training step ``step``: a function of (seed, step) alone."""
    starts = xp.random.default_rng([seed, step]).integers(0, len(dataset), batch_size)
    return dataset.windows(starts)


# --- engines ------------------------------------------------------------------------------------


class TextEngine:
    def __init__(self, name, lib, model, config):
        from . import lm

        self.name, self.lib, self.model, self.config = name, lib, model, config
        self.device = config.device if name == "torch" else "cpu"
        self.optimizer = lm.make_optimizer(lib, model, lr=config.lr, weight_decay=config.weight_decay)
        self.seconds = 0.0

    def tensor(self, array):
        t = self.lib.tensor(array)
        return t.to(self.device) if self.name == "torch" else t

    def train_step(self, x, y, lr):
        from . import lm

        start = time.perf_counter()
        loss, _ = lm.train_step(self.lib, self.model, self.optimizer, self.tensor(x), self.tensor(y), lr, self.config.grad_clip)
        value = loss.item()
        if self.device == "cuda":
            self.lib.cuda.synchronize()
        self.seconds += time.perf_counter() - start
        return value

    def held_out_loss(self, batches):
        from . import lm

        self.model.eval()
        total = 0.0
        with self.lib.no_grad():
            for x, y in batches:
                total += lm.lm_loss(self.lib, self.model(self.tensor(x)), self.tensor(y)).item()
        return total / len(batches)


def build_text_engines(config, vocab_size):
    import scratchnet

    from . import models

    kwargs = config.model_args(vocab_size)
    scratchnet.manual_seed(config.seed)
    ours = models.TEXT_MODELS[config.model](**kwargs)
    engines = {}
    if "scratchnet" in config.engines:
        engines["scratchnet"] = TextEngine("scratchnet", scratchnet, ours, config)
    if "torch" in config.engines:
        import torch

        import reference.models

        torch.manual_seed(config.seed)  # the same seed: the same initial weights, no copying
        twin = reference.models.TEXT_MODELS[config.model](**kwargs)
        config.weights_agree = all(
            (a.detach().numpy() == b.detach().numpy()).all() for a, b in zip(ours.state_dict().values(), twin.state_dict().values())
        )
        engines["torch"] = TextEngine("torch", torch, twin.to(config.device), config)
    return engines


# --- the run ------------------------------------------------------------------------------------


def run_text(config):
    """Train as configured; returns the per-epoch history (a list of dicts)."""
    from . import lm
    from .checkpoint import CheckpointError, load_arrays
    from .runlog import choose_out, point_latest

    config.resolve()
    fresh = choose_out(config)  # a new runs/<time>-<model> folder unless --out (or --resume) says which
    if not fresh:
        check_output_folder(config.out)
    train, held_out = load_text(config)
    tokenizer = train.tokenizer
    checkpoint = os.path.join(config.out, "checkpoint.npz")
    text_meta = {"chars": "".join(tokenizer.chars), "model_args": config.model_args(tokenizer.vocab_size)}
    if config.resume:
        try:
            _, meta = load_arrays(checkpoint)
        except CheckpointError as e:
            raise UsageError(f"--resume: {e}") from None
        if meta.get("text") != text_meta:
            raise UsageError(f"--resume: {checkpoint} was trained on another text or with other model sizes "
                             f"({_describe(meta.get('text'))}, now {_describe(text_meta)})")
    engines = build_text_engines(config, tokenizer.vocab_size)
    history = restore_run(config, engines, checkpoint) if config.resume else []
    latest = None
    if fresh:  # made once the text and the models are ready, so a failed start leaves no empty run
        check_output_folder(config.out)
        latest = point_latest(config.out)
    rng = xp.random.default_rng([config.seed, 2**31])  # the held-out windows: fixed for the run
    eval_batches = [held_out.windows(rng.integers(0, len(held_out), config.batch_size)) for _ in range(config.eval_batches)]
    print(text_header(config, train, held_out))
    print(resume_note(config, history))
    start = len(history) + 1  # the first row this run prints carries the header, resumed or not
    for epoch in range(start, config.epochs + 1):
        totals = {name: 0.0 for name in engines}
        for engine in engines.values():
            engine.seconds = 0.0
        first = (epoch - 1) * config.steps_per_epoch
        bar = _progress(range(first, first + config.steps_per_epoch), f"epoch {epoch}/{config.epochs}", config.progress)
        for step in bar:
            x, y = step_batch(train, config.seed, step, config.batch_size)
            lr = lm.lr_at(step, config.lr_decay_steps, config.warmup_steps, config.lr, config.min_lr)
            for name, engine in engines.items():
                totals[name] += engine.train_step(x, y, lr)
        row = {"epoch": epoch, "step": first + config.steps_per_epoch, "lr": lr}
        for name, engine in engines.items():
            row[f"{name}_loss"] = totals[name] / config.steps_per_epoch
            row[f"{name}_val_loss"] = engine.held_out_loss(eval_batches)
            row[f"{name}_perplexity"] = math.exp(min(row[f"{name}_val_loss"], 700.0))
            row[f"{name}_seconds"] = engine.seconds
        history.append(row)
        print(text_row(row, engines, first=epoch == start))
        save_run(config, engines, history, checkpoint, text=text_meta)
    write_text_outputs(config, history, latest)
    return history


def _describe(text_meta):
    if not isinstance(text_meta, dict):
        return "no text settings recorded"
    args = text_meta.get("model_args", {})
    return f"{len(text_meta.get('chars', ''))} characters, " + ", ".join(f"{k}={v}" for k, v in sorted(args.items()) if k != "vocab_size")


def text_header(config, train, held_out):
    source = config.text_file or "pydoc_data.topics (CPython's documentation)"
    size = (f"{config.n_layer} layers, {config.n_head} heads, width {config.n_embd}" if config.model == "gpt"
            else f"{config.n_layer} layers, embedding {config.n_embd}, hidden {config.hidden_size}")
    text = (f"training {config.model} ({size}, context {config.block_size}) on {source}: "
            f"{len(train.ids)} train / {len(held_out.ids)} held-out characters, vocabulary {train.tokenizer.vocab_size}; "
            f"{' and '.join(config.engines)}; AdamW(lr={config.lr}, betas=(0.9, 0.95), weight_decay={config.weight_decay} on matrices), "
            f"clip {config.grad_clip}, warm-up {config.warmup_steps} + cosine to {config.min_lr:g} over {config.lr_decay_steps} steps, "
            f"batch {config.batch_size}, {config.steps_per_epoch} steps/epoch, seed {config.seed}")
    if "torch" in config.engines:
        text += f", torch on {config.device}"
        if len(config.engines) > 1:
            text += "; initial weights identical from the seed" if config.weights_agree else "; initial weights DIFFER from the seed"
    return text


def text_row(row, engines, first):
    names = list(engines)
    two = len(names) == 2
    cols = ["epoch"] + [f"loss {n}" for n in names] + (["loss diff"] if two else [])
    cols += [f"val {n}" for n in names] + (["val diff"] if two else []) + [f"ppl {n}" for n in names] + [f"s/epoch {n}" for n in names]
    values = [f"{row['epoch']}"] + [f"{row[f'{n}_loss']:.5f}" for n in names]
    if two:
        values.append(f"{row['scratchnet_loss'] - row['torch_loss']:+.1e}")
    values += [f"{row[f'{n}_val_loss']:.5f}" for n in names]
    if two:
        values.append(f"{row['scratchnet_val_loss'] - row['torch_val_loss']:+.1e}")
    values += [f"{row[f'{n}_perplexity']:.3f}" for n in names] + [f"{row[f'{n}_seconds']:.2f}" for n in names]
    from .runlog import table_line

    return table_line(cols, values, header=first)


#: the two panels of curves.png: (history key, y label, panel title, scale)
TEXT_PANELS = [("loss", "training loss (nats/char)", "training loss", 1), ("val_loss", "held-out loss (nats/char)", "held-out loss", 1)]


def write_text_outputs(config, history, latest=None):
    from .runlog import write_outputs

    write_outputs(config, history, TEXT_PANELS, f"{config.model} on text", latest)


def plot_text(history, engines, path, title):
    """Training loss and held-out loss per epoch, one line with markers per engine."""
    from .runlog import plot_curves

    plot_curves(history, engines, path, title, TEXT_PANELS)
