"""The newcomer's stumbling points of issue 15 in the command line: a folder per run with
runs/latest pointing at the newest, a resumed run's table header, plots readable at one epoch and
one batch size, the MNIST folder independent of the current directory, and every subcommand's
--help describing it and its choices."""

import argparse
import json
import os

import pytest

from scratchnet import runlog
from scratchnet.__main__ import build_parser, main

XOR = ["--model", "xor", "--data", "xor", "--engine", "scratchnet", "--epochs", "1", "--no-progress"]


def test_each_run_gets_its_own_folder_and_latest_points_at_the_newest(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["train", *XOR]) == 0
    first_out = capsys.readouterr().out
    assert main(["train", *XOR]) == 0
    second_out = capsys.readouterr().out
    runs = sorted(p.name for p in (tmp_path / "runs").iterdir() if p.name != "latest")
    assert len(runs) == 2 and all(name.endswith("-xor") or name.endswith("-xor-2") for name in runs)
    latest = tmp_path / "runs" / "latest"
    newest = os.readlink(latest) if latest.is_symlink() else latest.read_text().strip()
    assert newest == runs[-1] and (tmp_path / "runs" / runs[0] / "checkpoint.npz").exists()  # the first run survives
    assert f"wrote runs/{runs[0]}/metrics.json" in first_out and "(runs/latest points here)" in second_out
    # --resume without --out continues the newest run, and its table has a header
    assert main(["train", *XOR[:-3], "--epochs", "2", "--no-progress", "--resume"]) == 0
    resumed = capsys.readouterr().out
    assert f"resuming runs/{runs[-1]} after epoch 1 of 2" in resumed
    header = next(line for line in resumed.splitlines() if "loss scratchnet" in line)
    assert header.split()[:3] == ["epoch", "loss", "scratchnet"]
    history = json.loads((tmp_path / "runs" / runs[-1] / "metrics.json").read_text())["history"]
    assert [r["epoch"] for r in history] == [1, 2]


def test_resume_without_any_run_and_an_old_latest_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["train", *XOR, "--resume"]) == 2
    assert "--resume: no previous run in runs/" in capsys.readouterr().err
    old = tmp_path / "runs" / "latest"
    old.mkdir(parents=True)
    (old / "metrics.json").write_text("{}")
    assert main(["train", *XOR]) == 0
    out = capsys.readouterr().out
    kept = [p for p in (tmp_path / "runs").iterdir() if "previous-latest" in p.name]
    assert len(kept) == 1 and (kept[0] / "metrics.json").read_text() == "{}"  # moved, not overwritten
    assert "moved the old runs/latest folder" in out and old.exists()


def test_a_pointer_file_stands_for_the_run_where_there_are_no_symlinks(tmp_path):
    run = tmp_path / "20260101-000000-cnn"
    run.mkdir()
    (tmp_path / "latest").write_text(run.name + "\n")
    assert runlog.resolve_run_folder(str(tmp_path / "latest")) == str(run)
    assert runlog.resolve_run_folder(str(run)) == str(run)
    (tmp_path / "other").write_text("../../etc\n")  # only a folder beside the pointer
    assert runlog.resolve_run_folder(str(tmp_path / "other")) == str(tmp_path / "other")


def test_an_explicit_out_is_used_as_given_and_leaves_latest_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["train", *XOR, "--out", "mine"]) == 0
    assert (tmp_path / "mine" / "curves.png").exists() and not (tmp_path / "runs").exists()


# --- plots ----------------------------------------------------------------------------------------


def one_epoch():
    return [{"epoch": 1, "scratchnet_loss": 1.269080, "torch_loss": 1.269088, "scratchnet_accuracy": 0.8774, "torch_accuracy": 0.8774}]


def test_a_one_epoch_plot_is_readable():
    import matplotlib.pyplot as plt

    from scratchnet.train import PANELS

    fig = runlog.curves_figure(one_epoch(), ["scratchnet", "torch"], "mlp on digits", PANELS)
    try:
        loss, accuracy = fig.axes
        for ax in (loss, accuracy):
            assert ax.get_xlim() == (0.5, 1.5) and list(ax.get_xticks()) == [1]  # one epoch is one whole-numbered point
            assert all(line.get_marker() not in (None, "None", "") for line in ax.get_lines())  # a dot, not an invisible line
            assert ax.get_title().startswith("mlp on digits") and ax.get_xlabel() == "epoch" and ax.get_ylabel()
            assert not ax.yaxis.get_major_formatter().get_useOffset()
            fig.canvas.draw()
            assert ax.yaxis.get_offset_text().get_text() == ""  # no "+1.269" hiding above the axis
        low, high = loss.get_ylim()
        assert high - low >= 0.02 * 1.269  # an 8e-6 difference is not a cliff
        assert "largest difference between the engines: 8e-06" in loss.get_title()
    finally:
        plt.close(fig)


def test_many_epochs_keep_whole_number_ticks():
    import matplotlib.pyplot as plt

    from scratchnet.train_text import TEXT_PANELS

    history = [{"epoch": e, "scratchnet_loss": 3 / e, "torch_loss": 3 / e, "scratchnet_val_loss": 3.1 / e, "torch_val_loss": 3.1 / e}
               for e in range(1, 41)]
    fig = runlog.curves_figure(history, ["scratchnet", "torch"], "gpt on text", TEXT_PANELS)
    try:
        for ax in fig.axes:
            ticks = [t for t in ax.get_xticks() if 1 <= t <= 40]
            assert ticks and all(float(t).is_integer() for t in ticks)
    finally:
        plt.close(fig)


def test_bench_with_one_batch_size_draws_bars(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    from benchmarks import suite

    results = [{"workload": w, "batch": 100, "engines": {"scratchnet": {"median": a, "ratio": a / b}, "torch-cpu": {"median": b, "ratio": 1.0}}}
               for w, a, b in [("matmul", 5e-4, 3e-4), ("step-cnn", 0.3, 0.06)]]
    figures, really_close = [], plt.close
    monkeypatch.setattr(plt, "close", lambda fig=None: figures.append(fig))
    suite.plot({"results": results, "baseline": "torch-cpu"}, str(tmp_path) + "/")
    time_plot = figures[0]
    (ax,) = time_plot.axes
    assert len(ax.patches) == 4 and not ax.get_lines()  # a bar per engine and workload, no one-dot lines
    assert "batch 100" in ax.get_title() and [t.get_text() for t in ax.get_yticklabels()] == ["matmul", "step-cnn"]
    assert (tmp_path / "time-vs-batch.png").stat().st_size > 1000
    for fig in figures:
        really_close(fig)
    figures.clear()
    suite.plot({"results": results + [dict(r, batch=32) for r in results], "baseline": "torch-cpu"}, str(tmp_path) + "/")
    assert all(ax.get_lines() for ax in figures[0].axes if ax.axison)  # several batch sizes: lines per panel
    for fig in figures:
        really_close(fig)


# --- MNIST's folder -------------------------------------------------------------------------------


def test_the_default_mnist_folder_does_not_depend_on_the_current_directory(tmp_path, monkeypatch):
    from scratchnet import train

    monkeypatch.delenv("SCRATCHNET_MNIST", raising=False)
    monkeypatch.chdir(tmp_path)
    here = train.mnist_candidates()
    monkeypatch.chdir(tmp_path.parent)
    assert train.mnist_candidates() == here and all(os.path.isabs(p) for p in here)
    monkeypatch.setenv("SCRATCHNET_MNIST", str(tmp_path / "mine"))
    assert train.default_mnist_dir() == str(tmp_path / "mine")


def test_a_missing_mnist_says_where_it_looked(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SCRATCHNET_MNIST", str(tmp_path / "nothing"))
    assert main(["train", "--data", "mnist", "--engine", "scratchnet", "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "nothing") in err and "set SCRATCHNET_MNIST or pass --data-dir" in err


# --- --help ---------------------------------------------------------------------------------------


def subcommands():
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sub.choices


@pytest.mark.parametrize("name", ["train", "sample", "compare", "run", "bench", "w5"])
def test_every_subcommand_describes_itself_and_every_flag(name, capsys):
    parser = subcommands()[name]
    assert parser.description and len(parser.description) > 40, name
    for action in parser._actions:
        assert action.help, f"scratchnet {name} {action.option_strings}: no help"
    if name == "run":  # its own parser: everything after the script's name is the script's
        assert main(["run", "--help"]) == 0
        return
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: scratchnet {name}")


def test_help_names_the_choices(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = capsys.readouterr().out
    for choices in ("{scratchnet,torch,both}", "{cpu,cuda}", "{digits,mnist,xor,text}", "lenet", "gpt", "sgd", "runs/latest", "SCRATCHNET_MNIST"):
        assert choices in text, choices
    assert main(["run", "--help"]) == 0
    assert "SCRIPT.py" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["bench", "--help"])
    text = capsys.readouterr().out
    assert "step-cnn" in text and "torch-cpu" in text and "--quick" in text
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    text = capsys.readouterr().out
    assert "--model-file PATH.py:NAME" in text and "{float64,float32}" in text
