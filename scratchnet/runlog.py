"""What ``scratchnet train`` writes, for the image and the text models alike: the run's folder
(``runs/<time>-<model>``, with ``runs/latest`` pointing at the newest), the per-epoch table, the
checkpoint, ``metrics.json`` and the curves (``curves.png``).

>>> cols, values = ["epoch", "loss a"], ["1", "0.50000"]
>>> print(table_line(cols, values, header=True))
    epoch     loss a
        1    0.50000
"""

import json
import os
import tempfile
import time
from dataclasses import asdict

#: where runs go when ``--out`` is not given (one folder per run), and the pointer to the newest
RUNS_DIR = "runs"
LATEST = "latest"


def _usage_error():
    from .train import UsageError

    return UsageError


# --- run folders ----------------------------------------------------------------------------------


def new_run_folder(model, runs=RUNS_DIR, now=None):
    """A fresh folder name for a run: ``runs/20261201-101500-cnn`` (``-2``, ``-3``... when taken).

    >>> import tempfile
    >>> base = tempfile.mkdtemp()
    >>> first = new_run_folder("cnn", base, now=0)
    >>> os.makedirs(first)
    >>> os.path.basename(first), os.path.basename(new_run_folder("cnn", base, now=0))
    ('19700101-000000-cnn', '19700101-000000-cnn-2')
    """
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(time.time() if now is None else now))
    name = f"{stamp}-{model}"
    path, n = os.path.join(runs, name), 1
    while os.path.lexists(path):
        n += 1
        path = os.path.join(runs, f"{name}-{n}")
    return path


def point_latest(folder):
    """Make ``<runs>/latest`` point at ``folder`` (a relative symlink; a one-line pointer file where
    the file system has no symlinks). A real ``latest`` folder from an older scratchnet is kept,
    renamed, never overwritten. Returns the pointer's path."""
    runs = os.path.dirname(folder) or "."
    latest = os.path.join(runs, LATEST)
    if os.path.isdir(latest) and not os.path.islink(latest):
        kept = new_run_folder("previous-latest", runs)
        os.rename(latest, kept)
        print(f"note: moved the old {latest} folder to {kept} ({latest} now points at the newest run)")
    tmp = os.path.join(runs, f".{LATEST}-{os.getpid()}")
    if os.path.lexists(tmp):
        os.remove(tmp)
    try:
        os.symlink(os.path.basename(folder), tmp)
    except (OSError, NotImplementedError):
        with open(tmp, "w") as f:
            f.write(os.path.basename(folder) + "\n")
    os.replace(tmp, latest)  # atomic: a reader sees the old pointer or the new one
    return latest


def resolve_run_folder(path):
    """``path``, or the run it points at when it is a pointer file written by :func:`point_latest`."""
    if os.path.isfile(path) and os.path.getsize(path) < 4096:
        with open(path, errors="replace") as f:
            name = f.read().strip()
        target = os.path.join(os.path.dirname(path), name)
        if name and os.sep not in name and os.path.isdir(target):
            return target
    return path


def choose_out(config):
    """Set ``config.out``: the given ``--out``; with ``--resume`` and no ``--out``, the newest run
    (``runs/latest``); otherwise a new ``runs/<time>-<model>`` folder. Returns whether ``latest``
    must point at it once it exists."""
    UsageError = _usage_error()
    if config.out is not None:
        config.out = resolve_run_folder(config.out)
        return False
    latest = os.path.join(RUNS_DIR, LATEST)
    if config.resume:
        if not os.path.lexists(latest):
            raise UsageError(f"--resume: no previous run in {RUNS_DIR}/ ({latest} does not exist); pass --out FOLDER")
        config.out = os.path.join(RUNS_DIR, os.readlink(latest)) if os.path.islink(latest) else resolve_run_folder(latest)
        return False
    config.out = new_run_folder(config.model)
    return True


def check_output_folder(folder):
    """Make sure ``folder`` can hold the run's files before any training starts."""
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise _usage_error()(f"--out {folder}: exists and is not a folder")
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-") as f:
            f.write(b"x" * 4096)
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        raise _usage_error()(f"--out {folder}: cannot write there ({e.strerror or e})") from None


def resume_note(config, history):
    """The line under the header: where the run writes, and where a resumed run picks up."""
    if not config.resume:
        return f"writing to {config.out}"
    if len(history) >= config.epochs:
        return f"resuming {config.out}: it has trained {len(history)} epochs already, --epochs {config.epochs} asks for no more"
    return f"resuming {config.out} after epoch {len(history)} of {config.epochs}"


# --- the table ------------------------------------------------------------------------------------


def table_line(cols, values, header):
    """One row of the per-epoch table (each column at least 9 wide), with the header line above it
    when ``header`` (the first row a run prints, resumed or not)."""
    widths = [max(len(c), 9) for c in cols]
    line = "  ".join(v.rjust(w) for v, w in zip(values, widths))
    if header:
        return "  ".join(c.rjust(w) for c, w in zip(cols, widths)) + "\n" + line
    return line


# --- files ----------------------------------------------------------------------------------------


def save_checkpoint(path, engines, meta, state_arrays):
    """Every engine's model, optimizer and generator state (``state_arrays(engine)``) and ``meta``,
    written atomically to ``path``."""
    from .checkpoint import save_arrays

    arrays = {}
    for engine in engines.values():
        arrays.update(state_arrays(engine))
    save_arrays(path, arrays, meta)


def write_outputs(config, history, panels, title, latest=None):
    """metrics.json and curves.png in ``config.out``; prints what was written."""
    UsageError = _usage_error()
    try:
        os.makedirs(config.out, exist_ok=True)
        with open(os.path.join(config.out, "metrics.json"), "w") as f:
            json.dump({"config": {k: v for k, v in asdict(config).items() if k != "progress"}, "history": history}, f, indent=2)
        plot_curves(history, config.engines, os.path.join(config.out, "curves.png"), title, panels)
    except OSError as e:
        raise UsageError(f"--out {config.out}: could not write metrics.json or curves.png ({e.strerror or e})") from None
    note = f" ({latest} points here)" if latest else ""
    print(f"wrote {config.out}/metrics.json, curves.png and checkpoint.npz{note}")


# --- the curves -----------------------------------------------------------------------------------

STYLES = ({"marker": "o", "linestyle": "-", "markersize": 7}, {"marker": "s", "linestyle": "--", "markersize": 5, "markerfacecolor": "none"})


def readable_axes(ax, epochs, values):
    """Axes a reader can trust at any length of run: whole-number epochs with a margin (one epoch
    is a point in the middle, not 0.96-1.04), no offset or scientific-notation trick on the values
    (an 8e-6 difference must not look like a cliff), and a value range at least 2% of the values'
    size, so that float-rounding differences between the engines lie on top of each other."""
    from matplotlib.ticker import MaxNLocator

    lo, hi = min(epochs), max(epochs)
    ax.set_xlim(lo - 0.5, hi + 0.5) if hi - lo < 2 else ax.set_xlim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
    if hi - lo < 12:
        ax.set_xticks(range(lo, hi + 1))  # every epoch, whole numbers only
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.ticklabel_format(axis="y", useOffset=False, style="plain")
    finite = [v for v in values if v == v and abs(v) != float("inf")]
    if finite:
        low, high = min(finite), max(finite)
        span = max(high - low, 0.02 * max(abs(low), abs(high)), 1e-6)
        middle = (low + high) / 2
        ax.set_ylim(middle - 0.6 * span, middle + 0.6 * span)
    ax.grid(alpha=0.3)


def plot_curves(history, engines, path, title, panels):
    """Write :func:`curves_figure` to ``path`` (a PNG)."""
    import matplotlib.pyplot as plt

    fig = curves_figure(history, engines, title, panels)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def curves_figure(history, engines, title, panels):
    """One panel per ``(key, ylabel, panel title, scale)`` in ``panels``: ``row[f"{engine}_{key}"]``
    per epoch, one line with markers per engine; each title says the largest engine difference."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [r["epoch"] for r in history]
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4), squeeze=False)
    for ax, (key, ylabel, panel_title, scale) in zip(axes[0], panels):
        every = []
        for name, style in zip(engines, STYLES):
            values = [scale * r[f"{name}_{key}"] for r in history]
            every += values
            ax.plot(epochs, values, label=name, **style)
        readable_axes(ax, epochs, every)
        heading = f"{title}: {panel_title}"
        if len(engines) == 2:
            gap = max(abs(scale * (r[f"{engines[0]}_{key}"] - r[f"{engines[1]}_{key}"])) for r in history)
            heading += f"\nlargest difference between the engines: {gap:.2g}"
        ax.set(xlabel="epoch", ylabel=ylabel, title=heading)
        ax.legend()
    fig.tight_layout()
    return fig
