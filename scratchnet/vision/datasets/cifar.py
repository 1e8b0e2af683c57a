"""CIFAR-10 and CIFAR-100 from their "python version" files, as ``torchvision.datasets``.

``CIFAR10(root, train=True)`` reads ``root/cifar-10-batches-py/data_batch_1`` ... ``_5`` (or
``test_batch``) and ``batches.meta``; ``CIFAR100`` reads ``root/cifar-100-python/{train,test,meta}``.
There is no network: ``download=True`` uses the files when they are there and otherwise says where
to put them. As in torchvision, ``.data`` is a uint8 NumPy array (N, 32, 32, 3), ``.targets`` a
list of ints, ``.classes`` the label names, and a sample is ``(PIL image, int label)`` passed
through ``transform`` / ``target_transform``.

Those files are Python pickles. They are read with an unpickler that builds only plain data
(dicts, lists, strings, bytes, numbers) and NumPy arrays: any other global a file names is refused
(:class:`DataError`), so a file cannot run code when loaded. MD5 checksums are not verified.
"""

import io
import os
import pickle

from .utils import DataError, DataNotFound
from .vision import StandardTransform, VisionDataset

__all__ = ["CIFAR10", "CIFAR100"]

#: The only globals a CIFAR pickle may name: how NumPy rebuilds an array and its dtype.
_ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
            ("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "scalar"),
            ("numpy._core.multiarray", "scalar"), ("_codecs", "encode")}


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _ALLOWED:
            raise DataError(f"refusing to load {module}.{name} from a dataset file: only plain data and NumPy arrays are read")
        return super().find_class(module, name)


def load_pickled_data(path):
    """The plain-data object in the pickle at ``path`` (latin-1 strings, as torchvision reads them)."""
    with open(path, "rb") as f:
        raw = f.read()
    try:
        return _DataUnpickler(io.BytesIO(raw), encoding="latin1").load()
    except DataError:
        raise
    except Exception as e:  # noqa: BLE001  (a truncated or foreign file, reported by name)
        raise DataError(f"{path}: not a readable CIFAR batch ({type(e).__name__}: {e})") from None


class CIFAR10(VisionDataset):
    """CIFAR-10: 50,000 training and 10,000 test colour images, 32x32, in 10 classes.

    Args:
        root (str): the folder holding ``cifar-10-batches-py``.
        train (bool): the five training batches, or the test batch.
        transform: applied to the PIL image (e.g. ``transforms.ToTensor()``).
        target_transform: applied to the int label.
        download (bool): accepted; the files must already be there (no network).
    """

    base_folder = "cifar-10-batches-py"
    train_list = [f"data_batch_{i}" for i in range(1, 6)]
    test_list = ["test_batch"]
    meta = {"filename": "batches.meta", "key": "label_names"}
    labels_key = "labels"

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        import numpy as np

        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        folder = os.path.join(self.root, self.base_folder)
        names = self.train_list if train else self.test_list
        missing = [n for n in names + [self.meta["filename"]] if not os.path.isfile(os.path.join(folder, n))]
        if missing:
            where = f"{', '.join(missing)} in {folder}"
            if download:
                raise DataNotFound(f"{type(self).__name__}: no network here to download from; place {where}")
            raise DataNotFound(f"Dataset not found or corrupted. You can use download=True to download it (here: place {where}; there is no network)")
        data, self.targets = [], []
        for name in names:
            entry = load_pickled_data(os.path.join(folder, name))
            if not isinstance(entry, dict) or "data" not in entry or self.labels_key not in entry:
                raise DataError(f"{os.path.join(folder, name)}: expected a dict with 'data' and '{self.labels_key}'")
            data.append(np.asarray(entry["data"], dtype=np.uint8))
            self.targets.extend(int(t) for t in entry[self.labels_key])
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))
        if len(self.data) != len(self.targets):
            raise DataError(f"{folder}: {len(self.data)} images but {len(self.targets)} labels")
        meta = load_pickled_data(os.path.join(folder, self.meta["filename"]))
        self.classes = list(meta[self.meta["key"]])
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        from PIL import Image

        return StandardTransform(self.transform, self.target_transform)(Image.fromarray(self.data[index]), self.targets[index])

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR-100: as CIFAR-10 with 100 fine classes (``root/cifar-100-python``)."""

    base_folder = "cifar-100-python"
    train_list = ["train"]
    test_list = ["test"]
    meta = {"filename": "meta", "key": "fine_label_names"}
    labels_key = "fine_labels"
