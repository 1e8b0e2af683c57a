"""The `scratchnet` command: training side by side, outputs, resume, and the errors users make."""

import json

import numpy as np
import pytest

from scratchnet.__main__ import main
from scratchnet.train import Config, build_engines, load_data


def train(tmp_path, *flags, out="run"):
    return main(["train", "--no-progress", "--out", str(tmp_path / out), *flags])


def test_train_both_engines_writes_metrics_plot_and_checkpoint(tmp_path, capsys):
    assert train(tmp_path, "--epochs", "2", "--model", "mlp") == 0
    printed = capsys.readouterr().out
    assert "loss scratchnet" in printed and "acc torch" in printed
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    history = metrics["history"]
    assert [r["epoch"] for r in history] == [1, 2]
    for r in history:  # the same weights and batches: the engines agree to float32 rounding
        assert r["scratchnet_loss"] == pytest.approx(r["torch_loss"], rel=1e-4)
        assert abs(r["scratchnet_accuracy"] - r["torch_accuracy"]) <= 0.01
    assert history[1]["scratchnet_loss"] < history[0]["scratchnet_loss"]
    png = (tmp_path / "run" / "curves.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_resume_continues_exactly_as_an_uninterrupted_run(tmp_path):
    assert train(tmp_path, "--epochs", "2", "--model", "bn-mlp", "--engine", "scratchnet", out="straight") == 0
    assert train(tmp_path, "--epochs", "1", "--model", "bn-mlp", "--engine", "scratchnet", out="resumed") == 0
    assert train(tmp_path, "--epochs", "2", "--model", "bn-mlp", "--engine", "scratchnet", "--resume", out="resumed") == 0
    a = json.loads((tmp_path / "straight" / "metrics.json").read_text())["history"]
    b = json.loads((tmp_path / "resumed" / "metrics.json").read_text())["history"]
    assert [r["scratchnet_loss"] for r in a] == [r["scratchnet_loss"] for r in b]
    assert [r["scratchnet_accuracy"] for r in a] == [r["scratchnet_accuracy"] for r in b]


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--model", "xor"], "--model xor cannot train on --data digits"),
        (["--model", "resnet"], "--model must be one of"),
        (["--engine", "jax"], "--engine must be scratchnet, torch or both"),
        (["--data", "mnist", "--data-dir", "/nonexistent-folder"], "no MNIST t10k files in /nonexistent-folder"),
        (["--optimizer", "lbfgs"], "--optimizer must be one of"),
        (["--lr", "-1"], "--lr must be a positive"),
        (["--resume"], "--resume: no checkpoint at"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(tmp_path, capsys, flags, message):
    assert train(tmp_path, *flags) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_cuda_without_a_gpu_is_a_clear_error(tmp_path, capsys):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a GPU is present here")
    assert train(tmp_path, "--device", "cuda") == 2
    assert "no CUDA GPU is available" in capsys.readouterr().err


def test_a_bad_checkpoint_is_refused_and_left_untouched(tmp_path, capsys):
    assert train(tmp_path, "--epochs", "1", "--model", "mlp", "--engine", "scratchnet") == 0
    checkpoint = tmp_path / "run" / "checkpoint.npz"
    good = checkpoint.read_bytes()
    assert train(tmp_path, "--epochs", "2", "--model", "lenet", "--engine", "scratchnet", "--resume") == 2
    assert "is a checkpoint of model 'mlp', not 'lenet'" in capsys.readouterr().err
    assert checkpoint.read_bytes() == good
    checkpoint.write_bytes(good[: len(good) // 2])
    assert train(tmp_path, "--epochs", "2", "--model", "mlp", "--engine", "scratchnet", "--resume") == 2
    assert "not a readable checkpoint" in capsys.readouterr().err
    assert len(checkpoint.read_bytes()) == len(good) // 2


def test_argparse_rejects_a_bad_flag_value_without_traceback(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "--epochs", "many"])
    assert exit_.value.code == 2 and "invalid int value" in capsys.readouterr().err


def test_w5_command(capsys):
    assert main(["w5"]) == 0
    assert "0.43703857" in capsys.readouterr().out


def test_real_mnist_few_steps_loss_falls_and_engines_agree(mnist_path):
    """Real MNIST (the first images of the 8,000-image training split): 30 steps of the MLP in
    both engines from the same weights on the same batches."""
    config = Config(model="mlp", data="mnist", data_dir=str(mnist_path), engine="both", lr=1e-3).resolve()
    x, y, _, _ = load_data(config)
    engines = build_engines(config)
    losses = {name: [] for name in engines}
    for step in range(30):
        xb, yb = x[step * 50 : (step + 1) * 50], y[step * 50 : (step + 1) * 50]
        for name, engine in engines.items():
            losses[name].append(engine.train_step(xb, yb))
    ours, theirs = np.array(losses["scratchnet"]), np.array(losses["torch"])
    assert np.allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    assert ours[-5:].mean() < 0.5 * ours[:5].mean()
