"""The data pipeline: datasets, a reproducible DataLoader, transforms, the IDX reader's checks."""

import gzip
import os

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.data import DataError, DataLoader, MNIST, Subset, TensorDataset, mnist_splits, random_split, read_idx
from scratchnet.data import transforms as T


def test_loader_order_is_reproducible_and_new_each_epoch():
    ds = TensorDataset(sn.arange(20.0).reshape(10, 2), sn.arange(10))
    a, b = DataLoader(ds, 3, shuffle=True, seed=5), DataLoader(ds, 3, shuffle=True, seed=5)
    first = [y.tolist() for _, y in a]
    assert first == [y.tolist() for _, y in b]
    assert sorted(sum(first, [])) == list(range(10))
    assert [y.tolist() for _, y in a] != first  # the next epoch draws a new order
    assert [len(y) for _, y in DataLoader(ds, 3, drop_last=True)] == [3, 3, 3]
    x, y = next(iter(DataLoader(ds, 4)))
    assert x.shape == (4, 2) and y.tolist() == [0, 1, 2, 3]


def test_collate_and_custom_collate():
    ds = [(np.ones(2, dtype=np.float32) * i, i) for i in range(5)]
    x, y = next(iter(DataLoader(ds, 5)))
    assert x.shape == (5, 2) and y.dtype == sn.int64
    assert next(iter(DataLoader(ds, 2, collate_fn=lambda s: len(s)))) == 2


def test_random_split_and_subset():
    ds = TensorDataset(sn.arange(10))
    a, b = random_split(ds, [7, 3], seed=0)
    assert len(a) == 7 and len(b) == 3
    assert sorted([a[i][0].item() for i in range(7)] + [b[i][0].item() for i in range(3)]) == list(range(10))
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(ds, [5, 3])
    assert len(random_split(ds, [0.5, 0.5], seed=1)[0]) == 5
    assert Subset(ds, [2, 4])[1][0].item() == 4


def test_transforms_equal_torchvision():
    tv = pytest.importorskip("torchvision.transforms")
    img = np.random.default_rng(0).integers(0, 256, (28, 28), dtype=np.uint8)
    ours = T.Compose([T.ToTensor(), T.Normalize((0.5,), (1.0,))])(img)
    theirs = tv.Compose([tv.ToTensor(), tv.Normalize((0.5,), (1.0,))])(img)
    assert ours.shape == tuple(theirs.shape) == (1, 28, 28)
    assert np.array_equal(ours.numpy(), theirs.numpy())
    assert T.Fit(28)(sn.ones(1, 8, 8)).shape == (1, 28, 28)


def write_idx(path, magic, array, gz=True):
    header = magic.to_bytes(4, "big") + len(array).to_bytes(4, "big")
    for d in array.shape[1:]:
        header += d.to_bytes(4, "big")
    data = header + array.astype(np.uint8).tobytes()
    with (gzip.open if gz else open)(path, "wb") as f:
        f.write(data)
    return data


def fake_mnist(folder, n=12, gz=True):
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (n, 28, 28)), rng.integers(0, 10, n)
    suffix = ".gz" if gz else ""
    write_idx(os.path.join(folder, "t10k-images-idx3-ubyte" + suffix), 2051, images, gz)
    write_idx(os.path.join(folder, "t10k-labels-idx1-ubyte" + suffix), 2049, labels, gz)
    return images, labels


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_reads_idx_files_in_torchvisions_layout(tmp_path, gz):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    images, labels = fake_mnist(str(raw), gz=gz)
    ds = MNIST(str(tmp_path), train=False)
    x, y = ds[3]
    assert x.shape == (1, 28, 28) and y == labels[3]
    assert np.allclose(x.numpy()[0], images[3] / 255.0)
    train, test = mnist_splits(str(tmp_path))  # no train files: the test set split 4:1
    assert (len(train), len(test)) == (9, 3)
    xb, yb = next(iter(DataLoader(test, 3)))
    assert yb.tolist() == labels[9:].tolist()


def test_mnist_refuses_bad_files_with_the_reason(tmp_path):
    with pytest.raises(DataError, match="no MNIST t10k files"):
        MNIST(str(tmp_path), train=False)
    fake_mnist(str(tmp_path), gz=False)
    path = tmp_path / "t10k-images-idx3-ubyte"
    data = path.read_bytes()
    path.write_bytes(data[:-100])
    with pytest.raises(DataError, match="truncated or corrupt"):
        MNIST(str(tmp_path), train=False)
    path.write_bytes((2049).to_bytes(4, "big") + data[4:])
    with pytest.raises(DataError, match="magic number 2049, expected 2051"):
        read_idx(str(path), 2051, (28, 28))
    with pytest.raises(DataError, match="does not download"):
        MNIST(str(tmp_path), download=True)


def test_real_mnist_matches_torchvisions_reader(mnist_path, tmp_path):
    """The real test set, read by scratchnet, equals what torchvision's IDX reader makes of it."""
    reader = pytest.importorskip("torchvision.datasets.mnist")
    ours = MNIST(str(mnist_path), train=False)
    assert len(ours) == 10_000
    files = {}
    for stem in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):  # torchvision reads them unzipped
        source = mnist_path / (stem + ".gz")
        opener = gzip.open if source.exists() else open
        with opener(source if source.exists() else mnist_path / stem, "rb") as f:
            (tmp_path / stem).write_bytes(f.read())
        files[stem] = str(tmp_path / stem)
    images = reader.read_image_file(files["t10k-images-idx3-ubyte"]).numpy()
    labels = reader.read_label_file(files["t10k-labels-idx1-ubyte"]).numpy()
    assert np.array_equal(ours.data, images) and np.array_equal(ours.targets, labels)
    x, y = ours[1234]
    assert y == labels[1234] and np.allclose(x.numpy()[0], images[1234] / 255.0)


def test_digits_default_is_real_and_split_fixed():
    (a, b), (c, d) = sn.data.load_digits(), sn.data.load_digits()
    assert len(a) + len(b) == 1797 and len(b) == 359
    assert np.array_equal(a.tensors[1].numpy(), c.tensors[1].numpy())
    assert a.tensors[0].shape[1:] == (1, 8, 8) and 0.0 <= float(a.tensors[0].numpy().min()) and float(a.tensors[0].numpy().max()) <= 1.0


def test_save_and_load_without_pickle(tmp_path):
    net = sn.models.LeNet()
    path = str(tmp_path / "lenet.npz")
    sn.save(net.state_dict(), path)
    other = sn.models.LeNet()
    other.load_state_dict(sn.load(path))
    assert all(np.array_equal(v.numpy(), other.state_dict()[k].numpy()) for k, v in net.state_dict().items())
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(sn.checkpoint.CheckpointError, match="not a .npz archive"):
        sn.load(str(tmp_path / "bad.npz"))
    np.savez(tmp_path / "pickled.npz", a=np.array([object()], dtype=object))
    with pytest.raises(sn.checkpoint.CheckpointError, match="not a readable checkpoint"):
        sn.load(str(tmp_path / "pickled.npz"))
