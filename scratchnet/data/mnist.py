"""MNIST from its IDX files, gzipped or not, as torchvision lays them out.

``MNIST(root, train=True)`` looks for ``{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`` in
``root``, ``root/raw`` or ``root/MNIST/raw`` (the folder torchvision.datasets.MNIST uses). It checks
each file's magic number, counts and size, and says exactly what is wrong with a bad one.
"""

import gzip
import os

from ..backend import xp
from ..tensor import Tensor, float32
from .dataset import Dataset, Subset

IMAGES, LABELS = 2051, 2049  # the IDX magic numbers of MNIST's two file kinds


class DataError(ValueError):
    """A data folder or file that cannot be used, with the reason."""


def _find(root, stem):
    for folder in (root, os.path.join(root, "raw"), os.path.join(root, "MNIST", "raw")):
        for name in (stem, stem + ".gz"):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                return path
    return None


def _read(path):
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            return f.read()
    except (OSError, EOFError) as e:
        raise DataError(f"{path}: cannot be read ({e})") from None


def read_idx(path, magic, item_shape):
    """The array in an IDX file, after checking its header and its length."""
    data = _read(path)
    header = 8 + 4 * len(item_shape)
    if len(data) < header:
        raise DataError(f"{path}: truncated header ({len(data)} bytes)")
    found = int.from_bytes(data[0:4], "big")
    if found != magic:
        raise DataError(f"{path}: magic number {found}, expected {magic} (is this the right file?)")
    count = int.from_bytes(data[4:8], "big")
    dims = tuple(int.from_bytes(data[8 + 4 * i : 12 + 4 * i], "big") for i in range(len(item_shape)))
    if dims != item_shape:
        raise DataError(f"{path}: items of shape {dims}, expected {item_shape}")
    expected = header + count * int(xp.prod(item_shape or (1,)))
    if len(data) != expected:
        raise DataError(f"{path}: {len(data)} bytes, expected {expected} for {count} items (truncated or corrupt)")
    return xp.frombuffer(data, dtype=xp.uint8, offset=header).reshape((count, *item_shape))


class MNIST(Dataset):
    """The images as float32 (1, 28, 28) in [0, 1] (or through ``transform``), labels as ints."""

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        if download:
            raise DataError("scratchnet does not download: place the MNIST IDX files in the folder and pass it as root")
        split = "train" if train else "t10k"
        paths = [_find(root, f"{split}-images-idx3-ubyte"), _find(root, f"{split}-labels-idx1-ubyte")]
        if None in paths:
            raise DataError(
                f"no MNIST {split} files in {root} (looked for {split}-images-idx3-ubyte[.gz] and "
                f"{split}-labels-idx1-ubyte[.gz] there, in raw/ and in MNIST/raw/)"
            )
        self.data = read_idx(paths[0], IMAGES, (28, 28))
        self.targets = read_idx(paths[1], LABELS, ())
        if len(self.data) != len(self.targets):
            raise DataError(f"{paths[0]} has {len(self.data)} images but {paths[1]} has {len(self.targets)} labels")
        self.transform, self.target_transform = transform, target_transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        image = self.data[index]
        x = self.transform(image) if self.transform else Tensor(image[None].astype(float32) / xp.float32(255))
        y = int(self.targets[index])
        return x, (self.target_transform(y) if self.target_transform else y)

    def get_batch(self, indices):
        """A whole batch at once (no per-sample Python loop) when no transform is set."""
        if self.transform or self.target_transform:
            from .dataset import default_collate

            return default_collate([self[i] for i in indices])
        images = self.data[indices][:, None].astype(float32) / xp.float32(255)
        return Tensor(images), Tensor(self.targets[indices].astype(xp.int64))


def mnist_splits(root):
    """(train, test): the full MNIST where its train files exist; else the test set's first 8,000
    images for training and its last 2,000 for testing (the real data these machines hold)."""
    if _find(root, "train-images-idx3-ubyte") is not None:
        return MNIST(root, train=True), MNIST(root, train=False)
    test = MNIST(root, train=False)
    n = len(test)
    cut = n * 4 // 5
    return _Split(test, range(cut)), _Split(test, range(cut, n))


class _Split(Subset):
    def get_batch(self, indices):
        return self.dataset.get_batch([self.indices[i] for i in indices])
