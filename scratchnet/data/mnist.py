"""MNIST from its IDX files, gzipped or not, as torchvision lays them out.

``MNIST(root, train=True)`` looks for ``{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`` in
``root``, ``root/raw`` or ``root/MNIST/raw`` (the folder torchvision.datasets.MNIST uses). It checks
each file's magic number, counts and size, and says exactly what is wrong with a bad one.
"""

import os

from .. import _safe_io
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


def read_idx(path, magic, item_shape, classes=None):
    """The array in an IDX file, after checking its header and its length (through
    :mod:`scratchnet._safe_io`: memory bounded by what the header declares, gzip streamed with a
    ceiling). ``classes``: labels must be below it (MNIST's 10)."""
    try:
        array = _safe_io.read_idx(path, magic, tuple(item_shape))
    except _safe_io.ReadError as e:
        raise DataError(str(e)) from None
    if classes is not None and array.size and int(array.max()) >= classes:
        bad = int(xp.argmax(array >= classes))
        raise DataError(f"{path}: label {int(array.flat[bad])} at item {bad}, expected 0..{classes - 1}")
    return array


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
        self.targets = read_idx(paths[1], LABELS, (), classes=10)
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
