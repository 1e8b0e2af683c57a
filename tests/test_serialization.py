"""scratchnet.save / scratchnet.load: round trips of what training code saves (compared with what
torch.save/torch.load give back for the same objects), file objects, refusals, and attacks
(byte flips, truncations, decompression bombs, lying headers, torch's pickles, killed saves)."""

import collections
import io
import json
import os
import pathlib
import zipfile

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet.serialization import CheckpointError


def plain(x):
    """Either engine's loaded object as plain Python, with container and tensor kinds kept."""
    if isinstance(x, (torch.Tensor, sn.Tensor)):
        kind = "param" if isinstance(x, (torch.nn.Parameter, sn.nn.Parameter)) else "tensor"
        return (kind, str(x.dtype).split(".")[-1], tuple(x.shape), x.detach().numpy().tolist(), x.requires_grad)
    if isinstance(x, collections.OrderedDict):
        return ("odict", [(plain(k), plain(v)) for k, v in x.items()])
    if isinstance(x, dict):
        return ("dict", [(plain(k), plain(v)) for k, v in x.items()])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [plain(v) for v in x])
    if isinstance(x, float) and x != x:
        return "nan"
    return x


def make(m, nn):
    """A training checkpoint built the same way in either engine."""
    w = m.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    return {
        "epoch": 7, "best": 0.25, "nan": float("nan"), "inf": float("-inf"), "name": "run-1", "done": False, "none": None,
        "model": collections.OrderedDict([("fc.weight", w), ("fc.bias", m.zeros(2)), ("bn.num_batches_tracked", m.tensor(3))]),
        "optimizer": {"state": {0: {"momentum_buffer": m.ones(2, 3, dtype=m.float64)}, 1: {"step": m.tensor(4.0)}},
                      "param_groups": [{"lr": 0.1, "params": [0, 1], "betas": (0.9, 0.999), "nesterov": True}]},
        "history": [(1, 2.5), (2, 1.25)], "masks": [m.tensor([True, False]), m.tensor([1, 2], dtype=m.uint8)],
        "param": nn.Parameter(m.ones(2)), "empty": m.zeros(0, 3), "scalar": m.tensor(2.5, dtype=m.float64),
        "grad": m.ones(2, requires_grad=True), (1, "a"): "tuple key", 3: "int key",
    }


def test_round_trip_equals_torchs_round_trip(tmp_path):
    torch.save(make(torch, torch.nn), tmp_path / "torch.pt")
    theirs = torch.load(tmp_path / "torch.pt", weights_only=True)
    sn.save(make(sn, sn.nn), str(tmp_path / "ours.pt"))
    ours = sn.load(str(tmp_path / "ours.pt"), weights_only=True)
    assert plain(ours) == plain(theirs)


def test_paths_file_objects_and_map_location(tmp_path):
    obj = {"w": sn.ones(2)}
    sn.save(obj, tmp_path / "a.pt")  # a pathlib.Path
    with open(tmp_path / "b.pt", "wb") as f:
        sn.save(obj, f)
    with open(tmp_path / "b.pt", "rb") as f:
        assert sn.load(f, map_location="cpu")["w"].tolist() == [1.0, 1.0]
    for location in ("cpu", sn.device("cpu"), {"cuda:0": "cpu"}, lambda storage, loc: storage, None):
        assert sn.load(pathlib.Path(tmp_path / "a.pt"), map_location=location)["w"].tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="Found no NVIDIA driver"):
        sn.load(tmp_path / "a.pt", map_location="cuda")


def test_arguments_dtypes_devices_and_sizes_round_trip():
    import argparse

    obj = {"args": argparse.Namespace(lr=0.1, layers=[2, 3], name="x"), "dtype": sn.float64, "device": sn.device("cpu"),
           "size": sn.ones(2, 3).shape}
    buffer = io.BytesIO()
    sn.save(obj, buffer)
    buffer.seek(0)
    back = sn.load(buffer)
    assert back["args"] == obj["args"] and back["dtype"] == sn.float64 and back["device"] == sn.device("cpu")
    assert back["size"] == (2, 3) and type(back["size"]) is type(obj["size"])


def test_tensors_are_copied_shared_and_writable():
    w = sn.ones(3)
    buffer = io.BytesIO()
    sn.save({"a": w, "b": w, "list": [w]}, buffer)
    w.array[0] = 5.0  # a later change is not in the file
    buffer.seek(0)
    back = sn.load(buffer)
    assert back["a"] is back["b"] is back["list"][0] and back["a"].tolist() == [1.0, 1.0, 1.0]
    back["a"].array[1] = 2.0  # loaded arrays are ordinary, writable arrays
    net = sn.models.LeNet()
    buffer = io.BytesIO()
    sn.save(net.state_dict(), buffer)
    buffer.seek(0)
    other = sn.models.LeNet()
    other.load_state_dict(sn.load(buffer))
    assert all(np.array_equal(v.numpy(), other.state_dict()[k].numpy()) for k, v in net.state_dict().items())


@pytest.mark.parametrize("bad", [sn.nn.Linear(1, 1), lambda: 1, {1, 2}, object(), b"bytes", {"ok": [sn.ones(1), print]},
                                 collections.namedtuple("P", "x")(1)])
def test_other_objects_are_refused_naming_their_type(bad):
    with pytest.raises(TypeError, match="scratchnet.save cannot store objects of type") as e:
        sn.save(bad, io.BytesIO())
    if isinstance(bad, sn.nn.Module):
        assert "Linear" in str(e.value) and "state_dict()" in str(e.value)


def saved_bytes():
    buffer = io.BytesIO()
    sn.save({"w": sn.arange(12.0).reshape(3, 4), "step": 3, "names": ["a", "b"]}, buffer)
    return buffer.getvalue()


GOOD = saved_bytes()


def load_bytes(data, name="x.pt"):
    buffer = io.BytesIO(data)
    buffer.name = name
    return sn.load(buffer)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(1, 255)), min_size=1, max_size=4))
def test_byte_flips_load_the_same_data_or_raise_one_checkpoint_error(flips):
    data = bytearray(GOOD)
    for where, xor in flips:
        data[where] ^= xor
    try:
        back = load_bytes(bytes(data))
    except CheckpointError as e:
        assert str(e).startswith("x.pt: ")
        return
    assert plain(back) == plain(load_bytes(GOOD))


@given(st.integers(0, len(GOOD) - 1))
def test_truncations_raise_one_checkpoint_error(cut):
    with pytest.raises(CheckpointError, match="x.pt: "):
        load_bytes(GOOD[:cut])


def crafted(structure, members, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as z:
        z.writestr("structure.json", structure if isinstance(structure, str) else json.dumps(structure))
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def npy_header(shape, dtype="<f4"):
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


ROOT = {"format": "scratchnet.save/1", "root": {"t": "tensor", "id": "t0", "requires_grad": False}}


@pytest.mark.parametrize("data, problem", [
    (crafted(ROOT, {"t0.npy": npy_header((10**12,))}), "declares shape"),
    (crafted(ROOT, {"t0.npy": npy_header((4000, 4000)) + bytes(4000 * 4000 * 4)}, zipfile.ZIP_DEFLATED), "decompression bomb"),
    (crafted(ROOT, {"t0.npy": npy_header((3,)) + bytes(8)}), "truncated"),
    (crafted(ROOT, {"t0.npy": npy_header((1,)) + bytes(8)}), "more data than its shape"),
    (crafted(ROOT, {"t0.npy": npy_header((2,), "<f2") + bytes(4)}), "dtype float16"),
    (crafted(ROOT, {"t0.npy": npy_header((2,), "|O") + bytes(16)}), "not a valid .npy|dtype object"),
    (crafted(ROOT, {"t0.npy": b"not an npy file at all"}), "not a valid .npy"),
    (crafted(ROOT, {}), "missing member t0.npy"),
    (crafted("[1, 2", {}), "not valid JSON"),
    (crafted([1, 2], {}), "not a scratchnet.save header"),
    (crafted({"format": "scratchnet.save/1", "root": {"t": "pickle"}}, {}), "unknown structure node type 'pickle'"),
    (crafted({"format": "scratchnet.save/1", "root": {"t": "dict", "items": 3}}, {}), "without \\[key, value\\] pairs"),
    (crafted({"format": "scratchnet.save/1", "root": {"t": "tensor", "id": "../../etc"}}, {}), "bad tensor reference"),
    (crafted({"format": "scratchnet.save/1", "root": {"t": "dict", "items": [[{"t": "list", "v": []}, 1]]}}, {}), "unhashable dict key"),
    (crafted({"format": "scratchnet.save/1", "root": {"t": "tensor", "id": "t0", "requires_grad": True}},
             {"t0.npy": npy_header((1,), "<i8") + bytes(8)}), "marked requires_grad"),
    (b"not a zip file", "not a zip archive"),
    (b"", "not a zip archive"),
])
def test_crafted_archives_raise_one_clear_error(data, problem):
    with pytest.raises(CheckpointError, match=problem):
        load_bytes(data)


def test_torchs_pickles_are_refused_with_a_way_out(tmp_path):
    state = torch.nn.Linear(3, 2).state_dict()
    torch.save(state, tmp_path / "t.pt")
    with pytest.raises(CheckpointError, match="written by torch.save \\(pickle\\)"):
        sn.load(tmp_path / "t.pt")
    np.savez(tmp_path / "t.npz", **{k: v.numpy() for k, v in state.items()})  # the way out the message gives
    back = sn.load(tmp_path / "t.npz")
    model = sn.nn.Linear(3, 2)
    model.load_state_dict(back)
    assert list(back) == ["weight", "bias"] and np.array_equal(model.weight.detach().numpy(), state["weight"].numpy())
    np.savez(tmp_path / "obj.npz", a=np.array([object()], dtype=object))
    with pytest.raises(CheckpointError, match="not a valid .npy|dtype object"):
        sn.load(tmp_path / "obj.npz")
    with pytest.raises(CheckpointError, match="no such file"):
        sn.load(tmp_path / "missing.pt")


def test_saves_are_atomic_and_clean_up_after_killed_ones(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    sn.save({"v": 1}, path)
    stale = tmp_path / ".ckpt.pt.tmp-999999999-abc"  # left by a save whose process was killed
    stale.write_bytes(b"half a checkpoint")
    sn.save({"v": 2}, path)
    assert not stale.exists() and sn.load(path) == {"v": 2}
    import scratchnet.serialization as serialization

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(serialization, "_write_archive", broken)
    with pytest.raises(OSError, match="disk full"):
        sn.save({"v": 3}, path)
    assert sn.load(path) == {"v": 2} and sorted(os.listdir(tmp_path)) == ["ckpt.pt"]
