"""Real PyTorch-style programs (tests/programs/) run under torch as written and under scratchnet with
only their imports swapped, mechanically: ``import torch`` -> ``import scratchnet as torch`` (every
sub-path the same) and ``torchvision`` -> ``scratchnet.vision``. Both must run and learn."""

import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).parent / "programs"
ROOT = Path(__file__).resolve().parent.parent

SWAPS = [
    (r"^(\s*)import torchvision\b(?!\.)", r"\1import scratchnet.vision as torchvision"),
    (r"^(\s*)from torchvision\b", r"\1from scratchnet.vision"),
    (r"^(\s*)import torch\.(\S+) as (\w+)", r"\1import scratchnet.\2 as \3"),
    (r"^(\s*)import torch$", r"\1import scratchnet as torch"),
    (r"^(\s*)from torch\b", r"\1from scratchnet"),
]


def to_scratchnet(source):
    """The program with its imports swapped, and nothing else changed."""
    for pattern, replacement in SWAPS:
        source = re.sub(pattern, replacement, source, flags=re.MULTILINE)
    return source


def test_the_swap_changes_imports_only():
    source = "import torch\nimport torch.nn as nn\nfrom torch.utils.data import DataLoader\nfrom torchvision import datasets\nx = torch.ones(1)  # torch\n"
    assert to_scratchnet(source) == ("import scratchnet as torch\nimport scratchnet.nn as nn\nfrom scratchnet.utils.data import DataLoader\n"
                                     "from scratchnet.vision import datasets\nx = torch.ones(1)  # torch\n")


def run(program, engine, workdir, *args):
    source = (PROGRAMS / program).read_text()
    if engine == "scratchnet":
        source = to_scratchnet(source)
        assert "import torch\n" not in source and "torchvision import" not in source.replace("scratchnet.vision", "")
    script = workdir / f"{engine}_{program}"
    script.write_text(source)
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, str(script), *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{engine} run of {program} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def needs_device_to():
    import scratchnet as sn

    try:
        sn.ones(1).to(sn.device("cpu"))
    except Exception as e:  # tensor.to(device) is being merged (ops.math.to calling _device.parse_device)
        pytest.skip(f"Tensor.to(device) does not accept device objects yet ({type(e).__name__}: {e})")


@pytest.fixture(scope="module")
def mnist_data(tmp_path_factory):
    """data/MNIST/raw holding the real test set twice (as train and as test: the machines hold only
    the test set), unzipped, as torchvision wants; made once for the module."""
    from tests.conftest import mnist_dir

    mnist_path = mnist_dir()
    if not (mnist_path / "t10k-images-idx3-ubyte.gz").exists() and not (mnist_path / "t10k-images-idx3-ubyte").exists():
        pytest.skip(f"real MNIST not found in {mnist_path} (set SCRATCHNET_MNIST to a folder with the IDX files)")
    tmp_path = tmp_path_factory.mktemp("mnist")
    raw = tmp_path / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for stem in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        source = mnist_path / (stem + ".gz")
        with (gzip.open(source, "rb") if source.exists() else open(mnist_path / stem, "rb")) as f:
            content = f.read()
        (raw / stem).write_bytes(content)
        (raw / stem.replace("t10k", "train")).write_bytes(content)
    return tmp_path / "data"


@pytest.fixture
def mnist_root(mnist_data, tmp_path):
    """A work folder whose ../data is the MNIST folder (programs read "../data")."""
    (tmp_path / "data").symlink_to(mnist_data, target_is_directory=True)
    work = tmp_path / "work"
    work.mkdir()
    return work


def losses(text):
    return [float(v) for v in re.findall(r"Loss: ([0-9.]+)", text)]


@pytest.mark.parametrize("engine", ["torch", "scratchnet"])
def test_mnist_classifier_runs_and_learns(engine, mnist_root):
    if engine == "scratchnet":
        needs_device_to()
    out = run("mnist_classifier.py", engine, mnist_root, "--max-batches", "30", "--log-interval", "10", "--test-batch-size", "100",
              "--save-model")
    curve = losses(out)
    assert len(curve) == 3 and min(curve[1:]) < curve[0], out
    found = re.search(r"Average loss: ([0-9.]+), Accuracy: \d+/\d+ \((\d+)%\)", out)
    assert float(found.group(1)) < 1.5 and int(found.group(2)) >= 50, out  # chance: loss 2.30, accuracy 10%
    assert (mnist_root / "mnist_cnn.pt").exists()


@pytest.mark.parametrize("engine", ["torch", "scratchnet"])
def test_checkpointed_regression_runs_and_learns(engine, tmp_path):
    if engine == "scratchnet":
        needs_device_to()
    out = run("checkpointed_regression.py", engine, tmp_path, "--epochs", "4", "--workers", "2")
    val = [float(v) for v in re.findall(r"val loss ([0-9.]+)", out)]
    assert len(val) == 4 and val[-1] < 0.5 * val[0], out
    assert "restored epoch 2 from regression.pt" in out and re.search(r"first weights: tensor\(\[", out)
    shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.mark.parametrize("engine", ["torch", "scratchnet"])
def test_mnist_hogwild_shares_the_model_between_processes(engine, mnist_root):
    """Two processes train one shared model; the parent, which never trains, tests it. (Started by
    fork here to keep the test short; spawn is covered by test_namespace's hogwild test.)"""
    if engine == "scratchnet":
        needs_device_to()
    out = run("mnist_hogwild.py", engine, mnist_root, "--max-batches", "30", "--start-method", "fork")
    assert len(re.findall(r"rank [01] batch \d+\tLoss", out)) == 6, out
    assert int(re.search(r"Accuracy: \d+/\d+ \((\d+)%\)", out).group(1)) >= 60, out  # untrained: about 10%
