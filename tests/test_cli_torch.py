"""scratchnet.as_torch (the import hook), `scratchnet run script.py` (an unmodified PyTorch script
on scratchnet) and `scratchnet compare --model-file path.py:Net` (the user's own model in both
engines, the first layer that disagrees). Every script and model here is written by the test."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import scratchnet
from scratchnet.__main__ import main

torch = pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parent.parent


def write(folder, name, source):
    path = folder / name
    path.write_text(textwrap.dedent(source))
    return path


# --- as_torch -------------------------------------------------------------------------------------


def test_every_torch_path_is_scratchnets_inside_and_real_torch_comes_back():
    import torchvision  # noqa: F401  (so that its entry must come back too)

    real = dict((k, v) for k, v in sys.modules.items() if k.split(".")[0] in ("torch", "torchvision"))
    with scratchnet.as_torch():
        import torch as t
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.optim.lr_scheduler as sched
        import torchvision as tv
        from torch.utils.data import DataLoader
        from torchvision import datasets, transforms
        assert t is scratchnet and nn is scratchnet.nn and F is scratchnet.nn.functional
        assert sched is scratchnet.optim.lr_scheduler and tv is scratchnet.vision
        assert DataLoader is scratchnet.utils.data.DataLoader
        assert datasets is scratchnet.vision.datasets and transforms is scratchnet.vision.transforms
        assert sys.modules["torch.nn.functional"] is scratchnet.nn.functional
    after = dict((k, v) for k, v in sys.modules.items() if k.split(".")[0] in ("torch", "torchvision"))
    assert after == real  # exactly the entries from before, the same objects
    import torch as again
    import torch.nn.functional as F_again

    assert again is torch and F_again is torch.nn.functional
    # scratchnet's modules keep their own identity (the hook does not leave torch's spec on them)
    assert scratchnet.__spec__.name == "scratchnet" and scratchnet.nn.functional.__spec__.name == "scratchnet.nn.functional"


def test_a_missing_part_is_a_clear_module_not_found_error():
    with scratchnet.as_torch():
        with pytest.raises(ModuleNotFoundError, match=r"No module named 'torch.fx': scratchnet has no such part") as info:
            import torch.fx  # noqa: F401
        assert info.value.name == "torch.fx"
        with pytest.raises(ModuleNotFoundError, match=r"'torchvision.io': scratchnet has no such part \(there is no scratchnet.vision.io\)"):
            import torchvision.io  # noqa: F401
        import torch.nn  # the failure left nothing broken behind

    import torch.fx  # real torch has it

    assert torch.fx.__name__ == "torch.fx"


def test_modules_imported_inside_do_not_leak(tmp_path, monkeypatch):
    write(tmp_path, "leaf_model.py", "import torch\nENGINE = torch.__name__\n")
    write(tmp_path, "uses_model.py", "import leaf_model\nENGINE = leaf_model.ENGINE\n")
    write(tmp_path, "plain_helper.py", "VALUE = 3\n")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    write(pkg, "__init__.py", "")
    write(pkg, "net.py", "from torch import nn\nLayer = nn.Linear\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with scratchnet.as_torch():
        import leaf_model
        import plain_helper
        import uses_model
        from pkg import net
        assert leaf_model.ENGINE == uses_model.ENGINE == "scratchnet" and net.Layer is scratchnet.nn.Linear
    for name in ("leaf_model", "uses_model", "pkg", "pkg.net"):
        assert name not in sys.modules, name
    assert sys.modules["plain_helper"] is plain_helper  # it never saw the alias: no need to forget it
    import leaf_model as fresh
    import uses_model as fresh_user
    from pkg import net as fresh_net

    assert fresh.ENGINE == fresh_user.ENGINE == "torch" and fresh_net.Layer is torch.nn.Linear
    for name in ("leaf_model", "uses_model", "pkg", "pkg.net", "plain_helper"):
        sys.modules.pop(name, None)


def test_contexts_nest_and_an_error_inside_still_restores():
    with pytest.raises(ValueError):
        with scratchnet.as_torch():
            with scratchnet.as_torch():
                import torch as inner
            import torch as outer
            assert inner is outer is scratchnet
            raise ValueError("boom")
    import torch as after

    assert after is torch and not any(type(f).__name__ == "_TorchFinder" for f in sys.meta_path)


# --- scratchnet run -------------------------------------------------------------------------------

TRAINING_SCRIPT = '''
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

assert __name__ == "__main__"
epochs = int(sys.argv[1])
torch.manual_seed(0)
x = torch.randn(96, 5)
y = (x[:, 0] - x[:, 1] > 0).long()
loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2))
optimizer = optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
for epoch in range(epochs):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
        print(f"{loss.item():.8f}")
    scheduler.step()
print("engine", torch.__name__, sys.argv[1:])
sys.exit(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
'''


def run_python(*argv, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_run_gives_the_same_losses_as_real_torch(tmp_path):
    script = write(tmp_path, "train_loop.py", TRAINING_SCRIPT)
    real = run_python(str(script), "2", cwd=tmp_path)
    ours = run_python("-m", "scratchnet", "run", str(script), "2", "7", cwd=tmp_path)
    assert real.returncode == 0, real.stderr
    assert ours.returncode == 7, ours.stderr  # the script's exit status passes through
    *real_losses, real_tail = real.stdout.splitlines()
    *our_losses, our_tail = ours.stdout.splitlines()
    assert real_tail == "engine torch ['2']" and our_tail == "engine scratchnet ['2', '7']"
    assert len(real_losses) == len(our_losses) == 12
    for a, b in zip(real_losses, our_losses):
        assert float(a) == pytest.approx(float(b), rel=2e-5, abs=1e-6)


def test_run_in_process_argv_name_exit_status_and_failures(tmp_path, capsys):
    sibling = write(tmp_path, "helper_for_run.py", "import torch.nn as nn\nLAYER = nn.Linear\n")
    script = write(tmp_path, "script.py", """
        import sys
        import torchvision.transforms as T
        import helper_for_run
        print(__name__, sys.argv, helper_for_run.LAYER.__module__, T.Normalize.__module__.split('.')[0])
        if sys.argv[1:] == ["fail"]:
            raise KeyError("from the script")
        if sys.argv[1:] == ["message"]:
            sys.exit("stopped: a message")
    """)
    argv_before = sys.argv[:]
    assert main(["run", str(script), "--flag", "x"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"__main__ ['{script}', '--flag', 'x'] scratchnet.nn.") and out.rstrip().endswith("scratchnet")
    assert sys.argv == argv_before and "helper_for_run" not in sys.modules
    assert main(["run", str(script), "fail"]) == 1
    err = capsys.readouterr().err
    assert "KeyError: 'from the script'" in err and "Traceback" in err and "runpy" not in err
    assert main(["run", str(script), "message"]) == 1
    assert "stopped: a message" in capsys.readouterr().err
    assert sibling.exists()


def test_run_usage_errors_and_help(tmp_path, capsys):
    assert main(["run", str(tmp_path / "missing.py")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["run"]) == 2
    assert "usage: scratchnet run" in capsys.readouterr().err
    assert main(["run", "--help"]) == 0
    assert "unmodified PyTorch" in capsys.readouterr().out
    script = write(tmp_path, "uses_fx.py", "import torch.fx\n")
    assert main(["run", str(script)]) == 1
    assert "No module named 'torch.fx': scratchnet has no such part" in capsys.readouterr().err


def test_run_m_runs_a_module(tmp_path, capsys, monkeypatch):
    write(tmp_path, "as_module.py", "import torch\nprint('module on', torch.__name__)\n")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "-m", "as_module"]) == 0
    assert "module on scratchnet" in capsys.readouterr().out


# --- compare --model-file -------------------------------------------------------------------------

MLP = """
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x.flatten(1))))
"""

CNN = """
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(Block(1, 4), nn.MaxPool2d(2), Block(4, 8), nn.AdaptiveAvgPool2d(1))
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(8, 5)

    def forward(self, x):
        return self.head(self.drop(self.features(x).flatten(1)))


def make_model():
    return SmallCNN()
"""

# planted bugs: code that computes differently only when `torch` is scratchnet
PLANTED = """
import torch
import torch.nn as nn

ON_SCRATCHNET = torch.__name__ == "scratchnet"


class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid((1.001 if ON_SCRATCHNET and BUG == "forward" else 1.0) * x)


if ON_SCRATCHNET:
    from scratchnet.tensor import Function

    class Identity(Function):
        def forward(ctx, x):
            return x * 1.0

        def backward(ctx, grad):
            return grad * (1.5 if BUG == "backward" else 1.0)

    identity = Identity.apply
else:
    def identity(x):
        return x * 1.0


class Pass(nn.Module):
    def forward(self, x):
        return identity(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.act = nn.Sequential(Swish(), Pass())
        self.fc2 = nn.Linear(8, 2)

    def forward(self, x):
        h = self.act(self.fc1(x))
        if ON_SCRATCHNET and BUG == "between":
            h = h * 1.001
        return self.fc2(h)
"""


def compare(capsys, *argv):
    code = main(["compare", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_compare_agreeing_user_models(tmp_path, capsys):
    mlp = write(tmp_path, "mlp.py", MLP)
    code, out, err = compare(capsys, "--model-file", f"{mlp}:MLP", "--input-shape", "2,3,4")
    assert code == 0, err
    assert "no mismatch" in out and "float64" in out and "input (2, 3, 4)" in out
    cnn = write(tmp_path, "cnn.py", CNN)
    code, out, err = compare(capsys, "--model-file", f"{cnn}:make_model", "--input-shape", "2,1,8,8", "--target", "1,4")
    assert code == 0, err
    assert "cross-entropy" in out and "no mismatch" in out
    checks = int(out.split("no mismatch: ")[1].split()[0])
    assert checks > 30  # every conv, batch norm, block, the dropout and the head, forward and backward
    code, out, err = compare(capsys, "--model-file", f"{cnn}:SmallCNN", "--input-shape", "2,1,8,8", "--train")
    assert code == 0 and "train mode" in out, out + err  # dropout draws the same masks in both
    code, out, err = compare(capsys, "--model-file", f"{cnn}:SmallCNN", "--input-shape", "2,1,8,8", "--dtype", "float32")
    assert code == 0 and "float32" in out, out + err


@pytest.mark.parametrize("bug, message", [
    ("forward", "first mismatch: output of layer 'act.0' (Swish)"),
    ("backward", "first mismatch: input gradient of layer 'act.1' (Pass)"),
    ("between", "first mismatch: the forward code of the model (Net) between its layers, before it calls 'fc2'"),
])
def test_compare_names_the_layer_with_the_planted_bug(tmp_path, capsys, bug, message):
    path = write(tmp_path, f"planted_{bug}.py", f"BUG = {bug!r}\n" + PLANTED)
    code, out, err = compare(capsys, "--model-file", f"{path}:Net", "--input-shape", "3,6")
    assert code == 1, out + err
    assert message in out, out


def test_compare_perturb_on_a_user_model(tmp_path, capsys):
    cnn = write(tmp_path, "cnn.py", CNN)
    code, out, _ = compare(capsys, "--model-file", f"{cnn}:SmallCNN", "--input-shape", "2,1,8,8", "--perturb", "features.2.conv.weight")
    assert code == 1 and "output of layer 'features.2.conv' (Conv2d)" in out, out


@pytest.mark.parametrize("spec, extra, message", [
    ("{d}/absent.py:Net", [], "no such file"),
    ("{d}/mlp.txt", [], "expected a Python file, PATH.py:NAME"),
    ("{d}/mlp.py:Nope", [], "the file defines no 'Nope' (nn.Module classes in it: MLP)"),
    ("{d}/mlp.py:9x", [], "'9x' is not a Python name"),
    ("{d}/cnn.py", [], "name the model class, PATH.py:NAME (nn.Module classes in the file: Block, SmallCNN)"),
    ("{d}/cnn.py:Block", [], "Block() under torch raised TypeError"),
    ("{d}/mlp.py:MLP", ["--input-shape", "3,a"], "--input-shape 3,a: expected positive whole numbers"),
    ("{d}/mlp.py:MLP", ["--input-shape", "3,0"], "expected positive whole numbers"),
    ("{d}/mlp.py:MLP", ["--input-shape", "3,6"], "refused an input of shape (3, 6) under torch: RuntimeError: mat1 and mat2 shapes cannot be multiplied (3x6 and 12x16)"),
    ("{d}/mlp.py:MLP", ["--input-shape", "2,12", "--target", "1"], "--target has 1 class indices; the batch"),
    ("{d}/mlp.py:MLP", ["--input-shape", "2,12", "--target", "1,x"], "--target 1,x: expected class indices"),
    ("{d}/mlp.py:MLP", ["--input-shape", "2,12", "--perturb", "fc9.weight"], "--perturb: no parameter 'fc9.weight'"),
    ("{d}/raises.py:Net", [], "importing it with torch raised ZeroDivisionError"),
    ("{d}/needs_fx.py:Net", [], "importing it with scratchnet failed: No module named 'torch.fx': scratchnet has no such part"),
    ("{d}/extra_param.py:Net", ["--input-shape", "2,4"], "state_dict keys differ between the engines: only in torch: none; only in scratchnet: extra"),
])
def test_compare_model_file_errors_are_one_clear_line(tmp_path, capsys, spec, extra, message):
    write(tmp_path, "mlp.py", MLP)
    write(tmp_path, "mlp.txt", MLP)
    write(tmp_path, "cnn.py", CNN)
    write(tmp_path, "raises.py", "1 / 0\n")
    write(tmp_path, "needs_fx.py", "import torch\nimport torch.fx\nclass Net(torch.nn.Module):\n    pass\n")
    write(tmp_path, "extra_param.py", """
        import torch
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 2)
                if torch.__name__ == "scratchnet":
                    self.extra = nn.Parameter(torch.zeros(1))

            def forward(self, x):
                return self.fc(x)
    """)
    code, out, err = compare(capsys, "--model-file", spec.format(d=tmp_path), *extra)
    assert code == 2, out + err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err, err


def test_compare_model_file_siblings_are_imported_per_engine(tmp_path, capsys):
    write(tmp_path, "layers_lib.py", """
        import torch
        from torch import nn

        class Scaled(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = nn.Linear(4, 4)
                self.engine = torch.__name__

            def forward(self, x):
                return self.lin(x) * 2
    """)
    path = write(tmp_path, "uses_sibling.py", """
        from torch import nn
        from layers_lib import Scaled

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = Scaled()
                self.out = nn.Linear(4, 1)

            def forward(self, x):
                return self.out(self.body(x))
    """)
    code, out, err = compare(capsys, "--model-file", f"{path}:Net", "--input-shape", "3,4")
    assert code == 0 and "no mismatch" in out, out + err
    assert "layers_lib" not in sys.modules


# --- without torch --------------------------------------------------------------------------------

BLOCK_TORCH = """
import sys

class NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "torchvision"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NoTorch())
"""


def test_scratchnet_works_where_torch_is_absent(tmp_path):
    probe = BLOCK_TORCH + textwrap.dedent(f"""
        import scratchnet
        assert not any(m.split(".")[0] == "torch" for m in sys.modules)
        import scratchnet.vision, scratchnet.utils.data, scratchnet.optim.lr_scheduler
        from scratchnet.__main__ import main
        out = {str(tmp_path / 'run')!r}
        assert main(["train", "--engine", "scratchnet", "--model", "xor", "--data", "xor", "--epochs", "1", "--no-progress", "--out", out]) == 0
        assert main(["train", "--engine", "both", "--model", "xor", "--data", "xor", "--epochs", "1", "--no-progress", "--out", out]) == 2
        assert main(["compare", "--model", "mlp"]) == 2
        with scratchnet.as_torch():
            import torch
            assert torch is scratchnet
        print("ok")
    """)
    done = run_python("-c", probe, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "ok"
    assert "--engine torch/both needs PyTorch: pip install 'scratchnet[torch]'" in done.stderr
    assert "compare needs PyTorch to compare against: pip install 'scratchnet[torch]'" in done.stderr


def test_run_a_suite_program_unchanged_prints_what_torch_prints(tmp_path):
    """tests/programs/checkpointed_regression.py (save, load, resume, a DataLoader, a scheduler), run
    as written by python and by `scratchnet run`: the same losses, epoch by epoch."""
    program = ROOT / "tests" / "programs" / "checkpointed_regression.py"
    outputs = []
    for engine, command in (("torch", [str(program)]), ("scratchnet", ["-m", "scratchnet", "run", str(program)])):
        folder = tmp_path / engine
        folder.mkdir()
        done = run_python(*command, "--epochs", "3", "--workers", "0", cwd=folder)
        assert done.returncode == 0, done.stderr[-3000:]
        outputs.append([line for line in done.stdout.splitlines() if line.startswith(("epoch", "restored"))])
    assert len(outputs[0]) == 4 and outputs[0] == outputs[1], outputs


SEQUENCE = """
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 8)
        self.lstm = nn.LSTM(8, 16, batch_first=True, num_layers=2)
        self.attn = nn.MultiheadAttention(16, 2, batch_first=True)
        self.head = nn.Linear(16, 5)

    def forward(self, ids):
        h, _ = self.lstm(self.emb(ids))
        a, _ = self.attn(h, h, h)
        return self.head(a + h)
"""


def test_compare_a_sequence_model_with_token_ids(tmp_path, capsys):
    path = write(tmp_path, "tagger.py", SEQUENCE)
    code, out, err = compare(capsys, "--model-file", f"{path}:Tagger", "--input-shape", "2,7", "--input-ints", "20")
    assert code == 0 and "no mismatch" in out and "largest abs difference inf" not in out, out + err
    code, out, err = compare(capsys, "--model-file", f"{path}:Tagger", "--input-shape", "2,7", "--input-ints", "20", "--perturb", "lstm.weight_hh_l1")
    assert code == 1 and "output of layer 'lstm' (LSTM)" in out, out + err
    code, out, err = compare(capsys, "--model-file", f"{path}:Tagger", "--input-shape", "2,7")
    assert code == 2 and "pass --input-ints K" in err, err
