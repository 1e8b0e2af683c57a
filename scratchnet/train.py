"""``scratchnet train``: train a seed network in scratchnet and PyTorch side by side.

Both engines start from the same weights — each initialises its own network after the same
``manual_seed``, and scratchnet's generator is torch's, bit for bit — and see the same batches (one
seeded DataLoader order feeds both); dropout masks agree too. After each
epoch a table compares their training loss and test accuracy; the run writes metrics.json, a plot
(curves.png) and a checkpoint (checkpoint.npz, no pickle) to ``--out``.
"""

import math
import os
import time
from dataclasses import dataclass, field

from .backend import xp
from .runlog import check_output_folder, resume_note  # noqa: F401  (train_text imports them from here too)

MODELS = ("xor", "mlp", "bn-mlp", "dropout-mlp", "cnn", "cnn5", "lenet")
DATASETS = ("digits", "mnist", "xor")

#: The seeds' optimizer and learning rate for each network.
DEFAULT_OPTIMIZER = {"xor": ("sgd", 1.0), "mlp": ("adam", 1e-3), "bn-mlp": ("adam", 1e-2), "dropout-mlp": ("adam", 1e-3),
                     "cnn": ("adam", 1e-3), "cnn5": ("adam", 2e-4), "lenet": ("sgd", 0.01)}
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop", "adagrad": "Adagrad"}
INPUT_SIZE = {"cnn": 28, "cnn5": 28, "lenet": 32, "mlp": 28, "bn-mlp": 28, "dropout-mlp": 28}


class UsageError(Exception):
    """A mistake in what the user asked for: printed as one line, exit status 2."""


@dataclass
class Config:
    model: str = "cnn"
    data: str = "digits"
    data_dir: str = None
    engine: str = "both"
    device: str = "cpu"
    epochs: int = 10
    batch_size: int = 100
    lr: float = None
    optimizer: str = None
    seed: int = 777
    allow_nonfinite: bool = False
    world: int = 1  # processes under torchrun (set from WORLD_SIZE)
    rank: int = 0
    out: str = None  # default: a new runs/<time>-<model> folder, runs/latest pointing at it
    resume: bool = False
    progress: bool = True
    engines: list = field(default_factory=list)

    def resolve(self):
        if self.model not in MODELS:
            raise UsageError(f"--model must be one of {', '.join(MODELS)} (got {self.model!r})")
        if self.data not in DATASETS:
            raise UsageError(f"--data must be one of {', '.join(DATASETS)} (got {self.data!r})")
        if (self.model == "xor") != (self.data == "xor"):
            raise UsageError(
                f"--model {self.model} cannot train on --data {self.data}: the xor model learns the XOR table "
                f"(--data xor), the image models learn digits or mnist"
            )
        if self.engine not in ("scratchnet", "torch", "both"):
            raise UsageError(f"--engine must be scratchnet, torch or both (got {self.engine!r})")
        if self.device not in ("cpu", "cuda"):
            raise UsageError(f"--device must be cpu or cuda (got {self.device!r})")
        if self.epochs < 1 or self.batch_size < 1:
            raise UsageError(f"--epochs and --batch-size must be positive (got {self.epochs} and {self.batch_size})")
        name, lr = DEFAULT_OPTIMIZER[self.model]
        self.optimizer = (self.optimizer or name).lower()
        if self.optimizer not in OPTIMIZERS:
            raise UsageError(f"--optimizer must be one of {', '.join(OPTIMIZERS)} (got {self.optimizer!r})")
        self.lr = lr if self.lr is None else self.lr
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise UsageError(f"--lr must be a positive finite number (got {self.lr})")
        check_seed(self.seed)
        self.engines = ["scratchnet", "torch"] if self.engine == "both" else [self.engine]
        if "torch" in self.engines or self.device == "cuda":
            try:
                import torch
            except ImportError:
                raise UsageError("--engine torch/both needs PyTorch: pip install 'scratchnet[torch]' (or use --engine scratchnet)") from None
            if self.device == "cuda" and not torch.cuda.is_available():
                raise UsageError("--device cuda: no CUDA GPU is available to PyTorch here (use --device cpu)")
        if self.device == "cuda" and self.engines == ["scratchnet"]:
            raise UsageError("--device cuda applies to the torch engine; scratchnet runs on the CPU")
        return self


# --- data ---------------------------------------------------------------------------------------


def load_data(config):
    """(x_train, y_train, x_test, y_test) as arrays shaped for the model's input."""
    from .vision.datasets import DataError, load_digits, mnist_arrays
    from .vision.transforms import fit_images

    if config.data == "xor":
        x = xp.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=xp.float32)
        y = xp.array([[0], [1], [1], [0]], dtype=xp.float32)
        return x, y, x, y
    if config.data == "digits":
        train, test = load_digits(seed=0)
        arrays = [t.array for t in train.tensors + test.tensors]
    else:
        root = config.data_dir or default_mnist_dir()
        try:
            arrays = list(mnist_arrays(root))
        except DataError as e:
            where = "" if config.data_dir else f" (looked in {' and '.join(mnist_candidates())}; set SCRATCHNET_MNIST or pass --data-dir)"
            raise UsageError(f"{e}{where}") from None
    size = INPUT_SIZE[config.model]
    x_train, y_train, x_test, y_test = arrays
    if x_train.shape[-1] != size:
        x_train, x_test = fit_images(x_train, size), fit_images(x_test, size)
    if config.model in ("mlp", "bn-mlp", "dropout-mlp"):
        x_train, x_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    return x_train, y_train, x_test, y_test


def mnist_candidates():
    """Where ``--data mnist`` looks without ``--data-dir``, in order: ``$SCRATCHNET_MNIST``, else
    ``data/mnist`` in the project that holds this scratchnet (the folder above the package), then
    ``shared/data/mnist`` beside that project — never relative to the current directory."""
    if os.environ.get("SCRATCHNET_MNIST"):
        return [os.environ["SCRATCHNET_MNIST"]]
    project = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return [os.path.join(project, "data", "mnist"), os.path.join(os.path.dirname(project), "shared", "data", "mnist")]


def default_mnist_dir():
    """The first of :func:`mnist_candidates` that exists (else the first, for the error message)."""
    candidates = mnist_candidates()
    return next((c for c in candidates if os.path.isdir(c)), candidates[0])


# --- engines ------------------------------------------------------------------------------------


class Engine:
    """One engine's model, loss and optimizer, with the few calls the loop needs."""

    def __init__(self, name, lib, model, config):
        self.name, self.lib, self.model = name, lib, model
        self.device = config.device if name == "torch" else "cpu"
        self.loss_fn = lib.nn.BCELoss() if config.model == "xor" else lib.nn.CrossEntropyLoss()
        self.optimizer = getattr(lib.optim, OPTIMIZERS[config.optimizer])(model.parameters(), lr=config.lr)
        self.seconds = 0.0

    def tensor(self, array):
        t = self.lib.tensor(array)
        return t.to(self.device) if self.name == "torch" else t

    def sync(self):
        if self.device == "cuda":
            self.lib.cuda.synchronize()

    def train_step(self, x, y):
        start = time.perf_counter()
        self.model.train()
        self.optimizer.zero_grad()
        net = getattr(self, "parallel", None) or self.model  # DistributedDataParallel under torchrun
        loss = self.loss_fn(net(self.tensor(x)), self.tensor(y))
        loss.backward()
        self.optimizer.step()
        value = loss.item()
        self.sync()
        self.seconds += time.perf_counter() - start
        return value

    def accuracy(self, x, y, batch=500):
        self.model.eval()
        correct = 0
        with self.lib.no_grad():
            for i in range(0, len(x), batch):
                out = self.model(self.tensor(x[i : i + batch]))
                if out.shape[-1] == 1:  # one sigmoid output: the XOR net
                    pred = (out > 0.5).long().reshape(-1)
                    truth = self.tensor(y[i : i + batch]).long().reshape(-1)
                else:
                    pred, truth = out.argmax(dim=1), self.tensor(y[i : i + batch])
                correct += int((pred == truth).sum().item())
        return correct / len(x)


def build_engines(config):
    import scratchnet

    from . import models

    scratchnet.manual_seed(config.seed)
    ours = models.MODELS[config.model][0]()
    engines = {}
    if "scratchnet" in config.engines:
        engines["scratchnet"] = Engine("scratchnet", scratchnet, ours, config)
    if "torch" in config.engines:
        import torch

        import reference.models

        torch.manual_seed(config.seed)  # the same seed: the same initial weights, no copying
        twin = reference.models.MODELS[config.model]()
        config.weights_agree = all(
            (ours_p.detach().numpy() == p.detach().numpy()).all()
            for ours_p, p in zip(ours.state_dict().values(), twin.state_dict().values())
        )
        engines["torch"] = Engine("torch", torch, twin.to(config.device), config)
    if config.world > 1:
        wrap_data_parallel(config, engines)
    return engines


# --- data-parallel training (torchrun) ----------------------------------------------------------


def init_distributed(config):
    """Under ``torchrun`` (WORLD_SIZE > 1 in the environment) join the process group: one group
    serves both engines — gloo carries CPU tensors (scratchnet's, and torch's on the CPU), NCCL
    torch's CUDA tensors. Sets ``config.rank`` and ``config.world``. Returns whether it made the
    group (then :func:`finish_distributed` ends it)."""
    config.world = int(os.environ.get("WORLD_SIZE", "1"))
    config.rank = int(os.environ.get("RANK", "0"))
    if config.world <= 1:
        return False
    try:
        import torch.distributed as dist
    except ImportError:
        raise UsageError("data-parallel training moves tensors with torch.distributed: pip install 'scratchnet[torch]'") from None
    from datetime import timedelta

    made = not dist.is_initialized()
    if made:
        backend = "cpu:gloo,cuda:nccl" if config.device == "cuda" else "gloo"
        dist.init_process_group(backend, timeout=timedelta(seconds=120))
    if config.device == "cuda":
        import torch

        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    return made


def finish_distributed(made, finished=True):
    """Leave the process group that :func:`init_distributed` made: after a finished run every rank
    first waits for the others (so none tears gloo down while another still sends; after an error
    no rank waits for ranks that may never come), then the group is destroyed."""
    if made:
        import torch.distributed as dist

        if finished:
            dist.barrier()
        dist.destroy_process_group()


def wrap_data_parallel(config, engines):
    """Each engine's model gets a DistributedDataParallel twin for training (``engine.parallel``);
    ``engine.model`` stays the plain network for evaluation and checkpoints."""
    for engine in engines.values():
        if engine.name == "scratchnet":
            from .nn.parallel import DistributedDataParallel
        else:
            from torch.nn.parallel import DistributedDataParallel
        device_ids = [int(os.environ.get("LOCAL_RANK", "0"))] if engine.device == "cuda" else None
        engine.parallel = DistributedDataParallel(engine.model, device_ids=device_ids)


def shard(indices, config):
    """This rank's part of one batch: contiguous, as equal as the batch allows. With equal parts
    the average of the ranks' gradients is the gradient of the whole batch's mean loss, so
    data-parallel training equals single-process training."""
    if config.world <= 1:
        return indices
    return xp.array_split(xp.asarray(indices), config.world)[config.rank]


def mean_over_ranks(value, config):
    """The average of ``value`` over all ranks (for the table's losses)."""
    if config.world <= 1:
        return value
    import torch
    import torch.distributed as dist

    t = torch.tensor([float(value)], dtype=torch.float64)
    dist.all_reduce(t)
    return t.item() / config.world


# --- checkpoints --------------------------------------------------------------------------------


def _state_arrays(engine):
    """An engine's model and optimizer state as named NumPy arrays."""
    out = {}
    for k, v in engine.model.state_dict().items():
        out[f"{engine.name}/model/{k}"] = v.detach().cpu().numpy() if engine.name == "torch" else v.numpy()
    for index, buffers in engine.optimizer.state_dict()["state"].items():
        for k, v in buffers.items():
            value = v.detach().cpu().numpy() if engine.name == "torch" else v.numpy()
            out[f"{engine.name}/optim/{index}/{k}"] = value
    out[f"{engine.name}/rng"] = engine.lib.get_rng_state().numpy()  # dropout masks resume in step
    return out


def save_run(config, engines, history, path, **extra):
    """The checkpoint: every engine's state, and a header saying what it is (``extra`` adds to it)."""
    from .runlog import save_checkpoint

    meta = {"model": config.model, "data": config.data, "optimizer": config.optimizer, "engines": list(engines),
            "epoch": len(history), "history": history, **extra}
    try:
        save_checkpoint(path, engines, meta, _state_arrays)
    except OSError as e:
        raise UsageError(f"--out {config.out}: could not save the checkpoint ({e.strerror or e}); the previous one is intact") from None


def restore_run(config, engines, path):
    """Load a checkpoint into the engines; checks everything before changing anything."""
    from .checkpoint import CheckpointError, load_arrays

    try:
        arrays, meta = load_arrays(path)
    except CheckpointError as e:
        raise UsageError(f"--resume: {e}") from None
    history = meta.get("history", [])
    if not isinstance(history, list) or not all(isinstance(row, dict) for row in history):
        raise UsageError(f"--resume: {path} has a malformed history in its header")
    if not isinstance(meta.get("engines", []), list):
        raise UsageError(f"--resume: {path} has a malformed engine list in its header")
    for key in ("model", "optimizer"):
        if meta.get(key) != getattr(config, key):
            raise UsageError(f"--resume: {path} is a checkpoint of {key} {meta.get(key)!r}, not {getattr(config, key)!r}")
    missing = [e for e in engines if e not in meta.get("engines", [])]
    if missing:
        raise UsageError(f"--resume: {path} holds no state for engine(s) {', '.join(missing)}")
    staged = []
    for engine in engines.values():
        own = engine.model.state_dict()
        prefix = f"{engine.name}/model/"
        saved = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
        if set(saved) != set(own) or any(tuple(saved[k].shape) != tuple(own[k].shape) for k in own):
            raise UsageError(f"--resume: {path} does not match the {config.model} network's parameters")
        for k in own:
            _check_values(path, f"{engine.name} {k}", saved[k], own[k], config)
        params = [p for group in engine.optimizer.param_groups for p in group["params"]]  # the optimizer's numbering
        optim = {}
        for k, v in arrays.items():
            if k.startswith(f"{engine.name}/optim/"):
                parts = k.split("/", 3)
                if len(parts) != 4 or not parts[2].isdigit() or int(parts[2]) >= len(params):
                    raise UsageError(f"--resume: {path} holds optimizer state {k!r} for no parameter of the model")
                index, name = int(parts[2]), parts[3]
                if name != "step" and tuple(v.shape) != tuple(params[index].shape):
                    raise UsageError(f"--resume: {path}: optimizer state {k!r} has shape {tuple(v.shape)}, its parameter {tuple(params[index].shape)}")
                if name == "step" and v.size != 1:
                    raise UsageError(f"--resume: {path}: optimizer step count {k!r} is not a single number")
                optim.setdefault(index, {})[name] = v
        expected = set(engine.optimizer.state_dict()["state"].get(0, {})) if engine.optimizer.state_dict()["state"] else None
        for index, buffers in optim.items():
            if expected and set(buffers) != expected:
                raise UsageError(f"--resume: {path}: optimizer state for parameter {index} has {sorted(buffers)}, expected {sorted(expected)}")
        rng = arrays.get(f"{engine.name}/rng")
        if rng is not None and (rng.dtype.name != "uint8" or rng.ndim != 1):
            raise UsageError(f"--resume: {path} holds a malformed random-generator state for {engine.name}")
        staged.append((engine, saved, optim, rng))
    for engine, saved, optim, rng in staged:
        lib = engine.lib
        if rng is not None:
            lib.set_rng_state(lib.tensor(rng))
        engine.model.load_state_dict({k: lib.tensor(v).to(engine.device) if engine.name == "torch" else lib.tensor(v) for k, v in saved.items()})
        state = engine.optimizer.state_dict()
        state["state"] = {i: {k: (lib.tensor(v).to(engine.device) if engine.name == "torch" and k != "step" else lib.tensor(v)) for k, v in b.items()} for i, b in optim.items()}
        engine.optimizer.load_state_dict(state)
    return meta.get("history", [])


def _check_values(path, what, saved, own, config):
    """Refuse a weight whose dtype differs from the model's (an int64 or float64 array would be
    cast, losing information) or that holds NaN/inf, unless --allow-nonfinite."""
    dtype = str(own.dtype).replace("torch.", "")
    if str(saved.dtype) != dtype:
        raise UsageError(f"--resume: {path}: {what} is {saved.dtype}, the model's is {dtype} (refusing a lossy cast)")
    if saved.dtype.kind == "f" and not xp.isfinite(saved).all() and not getattr(config, "allow_nonfinite", False):
        raise UsageError(f"--resume: {path}: {what} holds NaN or infinite values (pass --allow-nonfinite to load it anyway)")


# --- the run ------------------------------------------------------------------------------------


def check_seed(seed):
    """Seeds are whole numbers in [0, 2**32) (what every generator here takes)."""
    if not 0 <= seed < 2**32:
        raise UsageError(f"--seed must be between 0 and {2**32 - 1} (got {seed})")


def run(config):
    """Train as configured; returns the per-epoch history (a list of dicts). Under ``torchrun``
    every rank trains on its shard of each batch; only rank 0 prints and writes files."""
    config.resolve()
    made = init_distributed(config)
    try:
        history = _run(config)
    except BaseException:
        finish_distributed(made, finished=False)
        raise
    finish_distributed(made)
    return history


def _run(config):
    from .runlog import choose_out, point_latest

    lead = config.rank == 0
    fresh = choose_out(config)  # a new runs/<time>-<model> folder unless --out (or --resume) says which
    if lead and not fresh:
        check_output_folder(config.out)
    x_train, y_train, x_test, y_test = load_data(config)
    engines = build_engines(config)
    latest = None
    if lead and fresh:  # made once the data and the models are ready, so a failed start leaves no empty run
        check_output_folder(config.out)
        latest = point_latest(config.out)
    checkpoint = os.path.join(config.out, "checkpoint.npz")
    history = restore_run(config, engines, checkpoint) if config.resume else []
    from .utils.data import BatchSampler, RandomSampler
    from .utils.data._random import seeded_generator

    loader = BatchSampler(RandomSampler(range(len(x_train)), generator=seeded_generator(config.seed)),
                          config.batch_size, drop_last=len(x_train) > config.batch_size)
    for _ in range(len(history)):  # a resumed run continues the same sequence of batch orders
        list(loader)
    if lead:
        print(header(config, len(x_train), len(x_test)))
        print(resume_note(config, history))
    start = len(history) + 1  # the first row this run prints carries the header, resumed or not
    for epoch in range(start, config.epochs + 1):
        row = train_epoch(config, engines, loader, x_train, y_train, epoch)
        for name, engine in engines.items():
            row[f"{name}_accuracy"] = engine.accuracy(x_test, y_test)
        history.append(row)
        if not lead:
            continue
        print(table_row(row, engines, first=epoch == start))
        save_run(config, engines, history, checkpoint)
    if lead:
        write_outputs(config, history, latest)
    return history


def train_epoch(config, engines, loader, x_train, y_train, epoch):
    batches = list(loader)  # one epoch's index lists
    totals = {name: 0.0 for name in engines}
    for engine in engines.values():
        engine.seconds = 0.0
    bar = _progress(batches, f"epoch {epoch}/{config.epochs}", config.progress and config.rank == 0)
    for indices in bar:
        part = shard(indices, config)
        x, y = x_train[part], y_train[part]
        for name, engine in engines.items():
            totals[name] += engine.train_step(x, y)
        if hasattr(bar, "set_postfix"):
            bar.set_postfix({name: f"{totals[name] / (bar.n + 1):.4f}" for name in engines})
    row = {"epoch": epoch}
    for name, engine in engines.items():
        row[f"{name}_loss"] = mean_over_ranks(totals[name] / len(batches), config)
        row[f"{name}_seconds"] = engine.seconds
    return row


def _progress(items, description, enabled):
    if not enabled:
        return items
    try:
        from tqdm import tqdm
    except ImportError:
        return items
    return tqdm(items, desc=description, leave=False, unit="batch", dynamic_ncols=True)


def header(config, n_train, n_test):
    engines = " and ".join(config.engines)
    text = (f"training {config.model} on {config.data} ({n_train} train / {n_test} test images) with {engines}; "
            f"{OPTIMIZERS[config.optimizer]}(lr={config.lr}), batch {config.batch_size}, seed {config.seed}")
    if config.world > 1:
        text += f", data-parallel on {config.world} processes (each batch split across them)"
    if "torch" in config.engines:
        text += f", torch on {config.device}"
        if len(config.engines) > 1:
            agree = getattr(config, "weights_agree", None)
            text += ("; initial weights identical from the seed" if agree else
                     "; initial weights DIFFER from the seed" if agree is False else "")
    return text


def table_row(row, engines, first):
    names = list(engines)
    cols = ["epoch"] + [f"loss {n}" for n in names] + (["loss diff"] if len(names) == 2 else [])
    cols += [f"acc {n}" for n in names] + (["acc diff"] if len(names) == 2 else []) + [f"s/epoch {n}" for n in names]
    values = [f"{row['epoch']}"] + [f"{row[f'{n}_loss']:.5f}" for n in names]
    if len(names) == 2:
        values.append(f"{row['scratchnet_loss'] - row['torch_loss']:+.1e}")
    values += [f"{100 * row[f'{n}_accuracy']:.2f}%" for n in names]
    if len(names) == 2:
        values.append(f"{100 * (row['scratchnet_accuracy'] - row['torch_accuracy']):+.2f}")
    values += [f"{row[f'{n}_seconds']:.2f}" for n in names]
    from .runlog import table_line

    return table_line(cols, values, header=first)


#: the two panels of curves.png: (history key, y label, panel title, scale)
PANELS = [("loss", "training loss", "training loss", 1), ("accuracy", "test accuracy (%)", "test accuracy", 100)]


def write_outputs(config, history, latest=None):
    from .runlog import write_outputs as write

    write(config, history, PANELS, f"{config.model} on {config.data}", latest)


def plot(history, engines, path, title):
    """Training loss and test accuracy per epoch, one line with markers per engine."""
    from .runlog import plot_curves

    plot_curves(history, engines, path, title, PANELS)
