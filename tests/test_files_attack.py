"""Files, data and the command line under attack (issue 16): nothing crashes, nothing is exhausted,
nothing is silently wrong.

Each reader is fuzzed (byte flips, truncations, junk) and fed crafted archives: the only outcomes
allowed are the reader's own clear error or the exact original data — never another exception,
never a silent change — and memory stays bounded whatever a header declares.
"""

import gzip
import io
import json
import os
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet.checkpoint import META_KEY, CheckpointError, load_arrays, save_arrays
from scratchnet.vision.datasets import DataError
from scratchnet.vision.datasets.mnist import read_idx

ARRAYS = {"w": np.arange(12, dtype=np.float32).reshape(3, 4), "b": np.array([1.5, -2.0]), "n": np.array([3], dtype=np.int64)}
META = {"model": "mlp", "history": [{"epoch": 1}]}


@pytest.fixture(scope="module")
def checkpoint_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("ck") / "c.npz"
    save_arrays(str(path), ARRAYS, META)
    return path.read_bytes()


def outcome_is_clean(path):
    """Loading either refuses with CheckpointError or returns exactly what was saved."""
    try:
        arrays, meta = load_arrays(str(path))
    except CheckpointError:
        return
    assert meta == META
    assert set(arrays) == set(ARRAYS)
    for k, v in ARRAYS.items():
        assert arrays[k].dtype == v.dtype and np.array_equal(arrays[k], v), k


@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), min_size=1, max_size=4))
def test_byte_flips_never_load_silently(checkpoint_bytes, tmp_path_factory, flips):
    data = bytearray(checkpoint_bytes)
    for pos, xor in flips:
        data[pos % len(data)] ^= xor
    path = tmp_path_factory.mktemp("flip") / "c.npz"
    path.write_bytes(bytes(data))
    outcome_is_clean(path)


@given(cut=st.integers(0, 10**6), junk=st.binary(max_size=64))
def test_truncations_and_junk(checkpoint_bytes, tmp_path_factory, cut, junk):
    path = tmp_path_factory.mktemp("cut") / "c.npz"
    path.write_bytes(checkpoint_bytes[: cut % len(checkpoint_bytes)] + junk)
    outcome_is_clean(path)


def crafted(tmp_path, members, compression=zipfile.ZIP_STORED):
    path = tmp_path / "crafted.npz"
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, payload in members.items():
            z.writestr(name, payload)
    return path


def npy(array):
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def header(meta):
    return npy(np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))


def npy_declaring(shape, dtype="<f4"):
    text = repr({"descr": dtype, "fortran_order": False, "shape": shape}).encode()
    text += b" " * (63 - len(text) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + b"\x00" * 64


def peak_mib(fn):
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 2**20


@pytest.mark.parametrize("what, members, compression, message", [
    ("deflate bomb", {"w.npy": npy(np.zeros(100_000_000, np.uint8)), f"{META_KEY}.npy": header(META)}, zipfile.ZIP_DEFLATED, "refused"),
    ("huge declared shape", {"w.npy": npy_declaring((10**12,)), f"{META_KEY}.npy": header(META)}, zipfile.ZIP_STORED, "declares shape"),
    ("not an array", {"w.txt": b"hello", f"{META_KEY}.npy": header(META)}, zipfile.ZIP_STORED, "not a .npy member"),
    ("float16", {"w.npy": npy(np.ones(3, np.float16)), f"{META_KEY}.npy": header(META)}, zipfile.ZIP_STORED, "float16"),
    ("object array", {"w.npy": npy_declaring((2,), "|O"), f"{META_KEY}.npy": header(META)}, zipfile.ZIP_STORED, "not accepted"),
    ("header is a list", {"w.npy": npy(np.ones(2, np.float32)), f"{META_KEY}.npy": header([1, 2])}, zipfile.ZIP_STORED, "expected an object"),
    ("header not uint8", {"w.npy": npy(np.ones(2, np.float32)), f"{META_KEY}.npy": npy(np.ones(2))}, zipfile.ZIP_STORED, "corrupt header"),
    ("no header", {"w.npy": npy(np.ones(2, np.float32))}, zipfile.ZIP_STORED, "no header"),
    ("trailing bytes", {"w.npy": npy(np.ones(2, np.float32)) + b"xx", f"{META_KEY}.npy": header(META)}, zipfile.ZIP_STORED, "trailing"),
])
def test_crafted_archives_are_refused_with_bounded_memory(tmp_path, what, members, compression, message):
    path = crafted(tmp_path, members, compression)
    assert path.stat().st_size < 10 * 2**20
    before = path.read_bytes()

    def load():
        with pytest.raises(CheckpointError, match=message):
            load_arrays(str(path))

    assert peak_mib(load) < 100, what
    assert path.read_bytes() == before  # a refused file is left as it was


def test_killed_saves_leave_no_temporaries(tmp_path):
    stale = tmp_path / ".tmp-999999999-abc.npz"  # a pid that cannot be running
    stale.write_bytes(b"x" * 1000)
    save_arrays(str(tmp_path / "c.npz"), ARRAYS, META)
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.npz"]


# --- the IDX reader --------------------------------------------------------------------------------


def idx_bytes(count, magic=2051, shape=(28, 28), body=None):
    head = magic.to_bytes(4, "big") + count.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in shape)
    return head + (body if body is not None else bytes(range(256)) * (count * int(np.prod(shape)) // 256) + b"\0" * ((count * int(np.prod(shape))) % 256))


@given(flips=st.lists(st.tuples(st.integers(0, 10**5), st.integers(1, 255)), max_size=3), cut=st.integers(0, 10**5), gz=st.booleans())
def test_idx_fuzz(tmp_path_factory, flips, cut, gz):
    data = bytearray(idx_bytes(3))
    for pos, xor in flips:
        data[pos % len(data)] ^= xor
    data = bytes(data[: max(1, cut % (len(data) + 1))])
    path = tmp_path_factory.mktemp("idx") / ("f.gz" if gz else "f")
    path.write_bytes(gzip.compress(data) if gz else data)
    try:
        array = read_idx(str(path), 2051, (28, 28))
    except DataError:
        return
    assert array.dtype == np.uint8 and array.shape[1:] == (28, 28)
    assert array.tobytes() == data[16:]


def test_gzip_bomb_is_refused_with_bounded_memory(tmp_path):
    path = tmp_path / "bomb-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(400_000, body=b"\0" * (400_000 * 784)), compresslevel=9))
    assert path.stat().st_size < 2 * 2**20

    def load():
        with pytest.raises(DataError, match="compression bomb"):
            read_idx(str(path), 2051, (28, 28))

    assert peak_mib(load) < 100


def test_labels_out_of_range_are_refused(tmp_path):
    path = tmp_path / "t10k-labels-idx1-ubyte"
    path.write_bytes(idx_bytes(3, magic=2049, shape=(), body=bytes([1, 200, 3])))
    images = tmp_path / "t10k-images-idx3-ubyte"
    images.write_bytes(idx_bytes(3))
    from scratchnet.vision.datasets import MNIST

    with pytest.raises(DataError, match="label 200"):
        MNIST(str(tmp_path), train=False)


# --- the command line ------------------------------------------------------------------------------


def run_cli(capsys, *argv):
    from scratchnet.__main__ import main

    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize("argv, message", [
    (["train", "--seed", "-1"], "--seed must be between"),
    (["train", "--seed", str(2**40)], "--seed must be between"),
    (["train", "--lr", "nan"], "--lr must be a positive finite"),
    (["train", "--lr", "inf"], "--lr must be a positive finite"),
    (["train", "--lr", "-1"], "--lr must be a positive finite"),
    (["train", "--epochs", "0"], "must be positive"),
    (["train", "--out", "/proc/version"], "exists and is not a folder"),
    (["train", "--out", "/proc/scratchnet-run"], "cannot write there"),
    (["compare", "--batch-size", "0"], "--batch-size must be positive"),
    (["compare", "--batch-size", "-1"], "--batch-size must be positive"),
    (["compare", "--seed", "-1"], "--seed must be between"),
])
def test_user_errors_are_one_line_and_exit_2(capsys, argv, message):
    code, err = run_cli(capsys, *argv)
    assert code == 2, err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.fixture(scope="module")
def xor_run(tmp_path_factory):
    from scratchnet.__main__ import main

    out = tmp_path_factory.mktemp("xor")
    assert main(["train", "--model", "xor", "--data", "xor", "--epochs", "1", "--engine", "scratchnet", "--no-progress", "--out", str(out)]) == 0
    return out


def tamper(xor_run, tmp_path, change):
    """A copy of the xor run's checkpoint with ``change(arrays, meta)`` applied."""
    arrays, meta = load_arrays(str(xor_run / "checkpoint.npz"))
    change(arrays, meta)
    out = tmp_path / "run"
    out.mkdir()
    payload = {k: v for k, v in arrays.items()}
    payload[META_KEY] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with open(out / "checkpoint.npz", "wb") as f:
        np.savez(f, **payload)
    return out


def _weight_key(arrays):
    return next(k for k in arrays if "/model/" in k and k.endswith("weight"))


@pytest.mark.parametrize("what, change, message", [
    ("int64 weights", lambda a, m: a.__setitem__(_weight_key(a), a[_weight_key(a)].astype(np.int64)), "refusing a lossy cast"),
    ("float64 weights", lambda a, m: a.__setitem__(_weight_key(a), a[_weight_key(a)].astype(np.float64)), "refusing a lossy cast"),
    ("NaN weights", lambda a, m: a[_weight_key(a)].__setitem__((0, 0), np.nan), "NaN or infinite"),
    ("history a number", lambda a, m: m.__setitem__("history", 3), "malformed history"),
    ("optimizer index out of range", lambda a, m: a.__setitem__("scratchnet/optim/99/momentum_buffer", np.zeros(2, np.float32)), "for no parameter"),
    ("optimizer state of the wrong shape", lambda a, m: a.__setitem__(next(k for k in a if "/optim/0/" in k and not k.endswith("step")), np.zeros(7, np.float32)) if any("/optim/0/" in k and not k.endswith("step") for k in a) else a.__setitem__("scratchnet/optim/0/momentum_buffer", np.zeros(7, np.float32)), "shape"),
])
def test_tampered_checkpoints_are_refused_and_left_untouched(capsys, xor_run, tmp_path, what, change, message):
    out = tamper(xor_run, tmp_path, change)
    before = (out / "checkpoint.npz").read_bytes()
    code, err = run_cli(capsys, "train", "--model", "xor", "--data", "xor", "--epochs", "2", "--engine", "scratchnet", "--no-progress", "--out", str(out), "--resume")
    assert code == 2 and message in err, (what, err)
    assert (out / "checkpoint.npz").read_bytes() == before
