"""``scratchnet.vision.datasets``, as ``torchvision.datasets``: MNIST, FashionMNIST, KMNIST (IDX files,
no network), FakeData, ImageFolder/DatasetFolder; plus the digits the CLI trains on."""

from .digits import load_digits
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import KMNIST, MNIST, FashionMNIST, mnist_arrays, read_idx
from .utils import DataError, DataNotFound
from .vision import StandardTransform, VisionDataset

__all__ = ["DataError", "DataNotFound", "DatasetFolder", "FakeData", "FashionMNIST", "ImageFolder", "KMNIST",
           "MNIST", "StandardTransform", "VisionDataset", "load_digits", "mnist_arrays", "read_idx"]
from .cifar import CIFAR10, CIFAR100  # noqa: E402  (their python-version pickles, read as plain data only)

__all__ += ["CIFAR10", "CIFAR100"]
