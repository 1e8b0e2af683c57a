"""The embedded default dataset: scikit-learn's handwritten digits (1,797 real 8x8 images, values
0..16), so the project trains on real data with no download and no shared folder."""

from ...backend import xp
from ...tensor import Tensor, float32
from ...utils.data import TensorDataset


def load_digits(test_fraction=0.2, seed=0):
    """(train, test) TensorDatasets of images (N, 1, 8, 8) in [0, 1] and int64 labels; a fixed split."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError as e:  # pragma: no cover - a dependency of the package
        raise ImportError("the digits dataset needs scikit-learn: pip install scikit-learn") from e
    bunch = sklearn_digits()
    images = (bunch.images / 16.0).astype(float32)[:, None]
    labels = bunch.target.astype(xp.int64)
    order = xp.random.default_rng(seed).permutation(len(labels))
    cut = int(round(len(labels) * (1 - test_fraction)))
    train, test = order[:cut], order[cut:]
    return (
        TensorDataset(Tensor._wrap(images[train]), Tensor._wrap(labels[train])),
        TensorDataset(Tensor._wrap(images[test]), Tensor._wrap(labels[test])),
    )
