"""MNIST, FashionMNIST and KMNIST from their IDX files, as ``torchvision.datasets``.

``MNIST(root, train=True)`` reads ``root/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte``
(gzipped or not; also found directly in ``root`` or ``root/raw``). There is no network:
``download=True`` uses the files when they are there and otherwise says where to put them. As in
torchvision, ``.data`` is a uint8 (N, 28, 28) Tensor, ``.targets`` int64, and a sample is
``(PIL image, int label)`` passed through ``transform``/``target_transform``.

Every file is checked (magic number, item shape, count, length, label range) and read with a
bound: see :mod:`.utils`.
"""

import os

from ...backend import xp
from ...tensor import Tensor
from .vision import VisionDataset
from ... import _safe_io
from .utils import DataError, DataNotFound

__all__ = ["FashionMNIST", "KMNIST", "MNIST", "mnist_arrays", "read_idx"]

IMAGES, LABELS = 2051, 2049  # the IDX magic numbers of MNIST's two file kinds


def read_idx(path, magic, item_shape):
    """The uint8 array in an IDX file, after checking its header, size and length — read through
    scratchnet's one bounded loading path (:func:`scratchnet._safe_io.read_idx`)."""
    try:
        return _safe_io.read_idx(path, magic, tuple(item_shape))
    except _safe_io.ReadError as e:
        raise DataError(str(e)) from None


def _find(folders, stem):
    for folder in folders:
        for name in (stem, stem + ".gz"):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                return path
    return None


class MNIST(VisionDataset):
    """The MNIST digits (60,000 training and 10,000 test images, 28x28 grey).

    Args:
        root (str): the folder holding ``MNIST/raw`` (torchvision's layout).
        train (bool): the training files (``train-*``) or the test files (``t10k-*``).
        transform: applied to the PIL image (e.g. ``transforms.ToTensor()``).
        target_transform: applied to the int label.
        download (bool): accepted; the files must already be there (no network).
    """

    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        split = "train" if train else "t10k"
        stems = [f"{split}-images-idx3-ubyte", f"{split}-labels-idx1-ubyte"]
        folders = [self.raw_folder, self.root, os.path.join(self.root, "raw")]
        paths = [_find(folders, s) for s in stems]
        if None in paths:
            where = f"{stems[0]}[.gz] and {stems[1]}[.gz] in {self.raw_folder}"
            if download:
                raise DataNotFound(f"{type(self).__name__}: no network here to download from; place {where}")
            raise DataNotFound(f"Dataset not found. You can use download=True to download it "
                               f"(here: place {where}; there is no network)")
        images = read_idx(paths[0], IMAGES, (28, 28))
        labels = read_idx(paths[1], LABELS, ())
        if len(images) != len(labels):
            raise DataError(f"{paths[0]} has {len(images)} images but {paths[1]} has {len(labels)} labels")
        if len(labels) and int(labels.max()) >= len(self.classes):
            raise DataError(f"{paths[1]}: label {int(labels.max())} is not one of the {len(self.classes)} classes")
        self.data, self.targets = Tensor._wrap(images), Tensor._wrap(labels.astype(xp.int64))

    def _renamed(self, old, new):
        import warnings

        warnings.warn(f"{old} has been renamed {new}", stacklevel=3)
        return getattr(self, new)

    train_data = property(lambda self: self._renamed("train_data", "data"))
    test_data = property(lambda self: self._renamed("test_data", "data"))
    train_labels = property(lambda self: self._renamed("train_labels", "targets"))
    test_labels = property(lambda self: self._renamed("test_labels", "targets"))

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, type(self).__name__, "processed")

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        from PIL import Image

        image = Image.fromarray(self.data.array[index], mode="L")
        target = int(self.targets.array[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"

class FashionMNIST(MNIST):
    """Zalando's clothing images in MNIST's format (root/FashionMNIST/raw/...)."""

    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST: ten cursive Japanese characters in MNIST's format (root/KMNIST/raw/...)."""

    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


def mnist_arrays(root):
    """(x_train, y_train, x_test, y_test): float32 (N, 1, 28, 28) images in [0, 1] and int64 labels.
    The full MNIST where its train files exist; else the test set's first 8,000 images for
    training and its last 2,000 for testing (the real data these machines hold)."""
    folders = [root, os.path.join(root, "raw"), os.path.join(root, "MNIST", "raw")]
    if _find(folders, "t10k-images-idx3-ubyte") is None or _find(folders, "t10k-labels-idx1-ubyte") is None:
        raise DataNotFound(
            f"no MNIST t10k files in {root} (looked for t10k-images-idx3-ubyte[.gz] and "
            f"t10k-labels-idx1-ubyte[.gz] there, in raw/ and in MNIST/raw/)"
        )
    test = MNIST(root, train=False)
    if _find(folders, "train-images-idx3-ubyte") is not None:
        train = MNIST(root, train=True)
        parts = [train.data.array, train.targets.array, test.data.array, test.targets.array]
    else:
        cut = len(test) * 4 // 5
        x, y = test.data.array, test.targets.array
        parts = [x[:cut], y[:cut], x[cut:], y[cut:]]
    images = [p[:, None].astype(xp.float32) / xp.float32(255) for p in parts[0::2]]
    return images[0], parts[1], images[1], parts[3]
