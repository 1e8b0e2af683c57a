"""``scratchnet.data``: datasets, DataLoader, transforms and the MNIST / digits readers."""

from . import transforms
from .dataset import DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split
from .digits import load_digits
from .mnist import MNIST, DataError, mnist_splits, read_idx
from .text import CharDataset, CharTokenizer, default_corpus, read_text_file
