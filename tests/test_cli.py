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


# --- text models: scratchnet train --model gpt|lstm|gru --data text, scratchnet sample ----------

TINY = ["--data", "text", "--n-layer", "1", "--n-embd", "8", "--n-head", "2", "--hidden-size", "8", "--block-size", "8",
        "--batch-size", "4", "--steps-per-epoch", "3", "--eval-batches", "1"]


@pytest.mark.parametrize("model", ["gpt", "lstm", "gru"])
def test_text_models_train_side_by_side(tmp_path, capsys, model):
    assert train(tmp_path, "--model", model, *TINY, "--epochs", "2") == 0
    printed = capsys.readouterr().out
    assert "initial weights identical from the seed" in printed and "val scratchnet" in printed and "ppl torch" in printed
    history = json.loads((tmp_path / "run" / "metrics.json").read_text())["history"]
    assert [r["epoch"] for r in history] == [1, 2] and [r["step"] for r in history] == [3, 6]
    for r in history:  # same weights, same batches, same schedule: float32 rounding apart
        for key in ("loss", "val_loss"):
            assert r[f"scratchnet_{key}"] == pytest.approx(r[f"torch_{key}"], rel=1e-4)
        assert r["torch_perplexity"] == pytest.approx(np.exp(r["torch_val_loss"]))
    assert (tmp_path / "run" / "curves.png").read_bytes()[:4] == b"\x89PNG"


def test_text_resume_continues_exactly_with_dropout(tmp_path):
    flags = ["--model", "gpt", *TINY, "--engine", "scratchnet", "--dropout", "0.2", "--lr-decay-steps", "6"]
    assert train(tmp_path, *flags, "--epochs", "2", out="straight") == 0
    assert train(tmp_path, *flags, "--epochs", "1", out="resumed") == 0
    assert train(tmp_path, *flags, "--epochs", "2", "--resume", out="resumed") == 0
    a = json.loads((tmp_path / "straight" / "metrics.json").read_text())["history"]
    b = json.loads((tmp_path / "resumed" / "metrics.json").read_text())["history"]
    drop = lambda rows: [{k: v for k, v in r.items() if not k.endswith("seconds")} for r in rows]  # noqa: E731
    assert drop(a) == drop(b) and len(a) == 2


def test_text_file_and_sample_identical_in_both_engines(tmp_path, capsys):
    corpus = tmp_path / "poem.txt"
    corpus.write_text("the quick brown fox jumps over the lazy dog. " * 40, encoding="utf-8")
    assert train(tmp_path, "--model", "gpt", *TINY, "--text-file", str(corpus)) == 0
    assert "vocabulary 28" in capsys.readouterr().out
    run = str(tmp_path / "run")
    assert main(["sample", "--out", run, "--prompt", "the ", "--tokens", "40", "--top-k", "5", "--temperature", "0.8", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    ours = out.split("--- scratchnet ---\n")[1].split("\n--- torch ---")[0]
    theirs = out.split("--- torch ---\n")[1].split("\n--- the two")[0]
    assert ours == theirs and ours.startswith("the ") and len(ours) == 44
    assert "the two engines wrote the same text" in out
    assert main(["sample", "--out", run, "--prompt", "the ", "--tokens", "40", "--seed", "4", "--engine", "scratchnet"]) == 0
    assert capsys.readouterr().out.split("--- scratchnet ---\n")[1].strip() != ours  # another seed, another text


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--model", "gpt", "--data", "digits"], "--model gpt learns text: use --data text"),
        (["--model", "cnn", "--data", "text"], "--model must be one of gpt, lstm, gru for --data text"),
        (["--model", "cnn", "--n-embd", "8"], "--n-embd is for the text models"),
        (["--model", "gpt", "--data", "text", "--n-embd", "10", "--n-head", "3"], "--n-embd (10) must be divisible by --n-head (3)"),
        (["--model", "gpt", "--data", "text", "--block-size", "0"], "--block-size must be a whole number from 1 to 4096"),
        (["--model", "lstm", "--data", "text", "--steps-per-epoch", "0"], "--steps-per-epoch must be a whole number"),
        (["--model", "gpt", "--data", "text", "--dropout", "1.5"], "--dropout must be a finite number >= 0.0 and <= 1.0"),
        (["--model", "gpt", "--data", "text", "--dropout", "1"], "--dropout must be below 1"),
        (["--model", "gpt", "--data", "text", "--lr", "nan"], "--lr must be a finite number > 0.0"),
        (["--model", "gpt", "--data", "text", "--min-lr", "1"], "--min-lr must be a finite number >= 0.0 and <= 0.003"),
        (["--model", "gpt", "--data", "text", "--warmup-steps", "-1"], "--warmup-steps must be a whole number from 0"),
        (["--model", "gpt", "--data", "text", "--lr-decay-steps", "0"], "--lr-decay-steps must be a whole number"),
        (["--model", "gpt", "--data", "text", "--grad-clip", "0"], "--grad-clip must be a finite number > 0.0"),
        (["--model", "gpt", "--data", "text", "--weight-decay", "-0.1"], "--weight-decay must be a finite number >= 0.0"),
        (["--model", "gpt", "--data", "text", "--text-file", "/nonexistent.txt"], "--text-file /nonexistent.txt: no such file"),
        (["--model", "gpt", "--data", "text", "--data-dir", "x"], "--data-dir is for the MNIST files"),
        (["--model", "gru", "--data", "text", "--resume"], "--resume: no checkpoint at"),
    ],
)
def test_text_user_errors_are_one_line_and_exit_2(tmp_path, capsys, flags, message):
    assert train(tmp_path, *flags) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "run" / "checkpoint.npz").exists()


def test_text_file_problems_and_resume_mismatch_are_clear(tmp_path, capsys):
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe not utf-8")
    assert train(tmp_path, "--model", "gpt", *TINY, "--text-file", str(tmp_path / "bad.txt")) == 2
    assert "not UTF-8 text (byte 0 is 0xff)" in capsys.readouterr().err
    (tmp_path / "short.txt").write_text("tiny", encoding="utf-8")
    assert train(tmp_path, "--model", "gpt", *TINY, "--text-file", str(tmp_path / "short.txt")) == 2
    assert "too few for --block-size 8" in capsys.readouterr().err
    assert train(tmp_path, "--model", "gpt", *TINY, "--engine", "scratchnet") == 0
    capsys.readouterr()
    wider = [f if f != "8" else "16" for f in TINY]
    assert train(tmp_path, "--model", "gpt", *wider, "--engine", "scratchnet", "--resume", "--epochs", "2") == 2
    assert "trained on another text or with other model sizes" in capsys.readouterr().err


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--prompt", ""], "--prompt must be at least one character"),
        (["--prompt", "a", "--tokens", "0"], "--tokens must be from 1 to"),
        (["--prompt", "a", "--temperature", "0"], "--temperature must be a positive finite number"),
        (["--prompt", "a", "--temperature", "inf"], "--temperature must be a positive finite number"),
        (["--prompt", "a", "--top-k", "0"], "--top-k must be at least 1"),
        (["--prompt", "a", "--seed", "-1"], "--seed must be between 0 and"),
        (["--prompt", "a", "--engine", "jax"], "--engine must be scratchnet, torch or both"),
    ],
)
def test_sample_argument_errors_come_before_any_work(tmp_path, capsys, flags, message):
    assert main(["sample", "--out", str(tmp_path / "nothing-here"), *flags]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_sample_refuses_a_missing_or_non_text_run_and_unknown_prompt_characters(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path / "none"), "--prompt", "a"]) == 2
    assert "--out: no checkpoint at" in capsys.readouterr().err
    assert train(tmp_path, "--epochs", "1", "--model", "xor", "--data", "xor", "--engine", "scratchnet", out="xor") == 0
    capsys.readouterr()
    assert main(["sample", "--out", str(tmp_path / "xor"), "--prompt", "a"]) == 2
    assert "is not a checkpoint of a text model" in capsys.readouterr().err
    assert train(tmp_path, "--model", "lstm", *TINY, "--engine", "scratchnet") == 0
    capsys.readouterr()
    assert main(["sample", "--out", str(tmp_path / "run"), "--prompt", "\u2603"]) == 2
    assert "--prompt: character '\u2603' is not in the vocabulary" in capsys.readouterr().err
    assert main(["sample", "--out", str(tmp_path / "run"), "--prompt", "a", "--top-k", "1000"]) == 2
    assert "--top-k must be at most the vocabulary size 103" in capsys.readouterr().err
    assert main(["sample", "--out", str(tmp_path / "run"), "--prompt", "a"]) == 2  # the run trained scratchnet only
    assert "holds no weights for torch" in capsys.readouterr().err


def test_sample_refuses_a_header_with_crafted_model_sizes(tmp_path, capsys):
    from scratchnet.checkpoint import load_arrays, save_arrays

    assert train(tmp_path, "--model", "gpt", *TINY, "--engine", "scratchnet") == 0
    path = tmp_path / "run" / "checkpoint.npz"
    arrays, meta = load_arrays(str(path))
    meta["text"]["model_args"]["n_embd"] = 10**9
    save_arrays(str(path), arrays, meta)
    capsys.readouterr()
    assert main(["sample", "--out", str(tmp_path / "run"), "--prompt", "a", "--engine", "scratchnet"]) == 2
    assert "records model sizes outside what scratchnet train writes" in capsys.readouterr().err


def test_version(capsys):
    from scratchnet.__main__ import main

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    import scratchnet

    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"scratchnet {scratchnet.__version__}"
