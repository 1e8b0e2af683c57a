"""Registry cases for sparse COO tensors (scratchnet/sparse_coo.py): a dense tensor through
``to_sparse()`` and back through ``to_dense()`` (values and gradients unchanged), and a sparse
matrix times a dense one (``torch.mm`` / ``torch.spmm`` / ``@``), the product graph networks take."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..registry import Case, Example, seeds


@st.composite
def sparse_round_trip(draw):
    return Example([draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4))], {}, draw(seeds))


@st.composite
def sparse_product(draw):
    n, k, m = draw(st.integers(0, 4)), draw(st.integers(1, 4)), draw(st.integers(0, 3))
    rng = np.random.default_rng(draw(seeds))
    nnz = draw(st.integers(0, 6)) if n else 0
    indices = np.stack([rng.integers(0, n, nnz), rng.integers(0, k, nnz)]) if nnz else np.zeros((2, 0), np.int64)
    values = rng.standard_normal(nnz)
    return Example([(k, m)], {"indices": indices, "values": values, "size": (n, k)}, draw(seeds))


def _round_trip(lib, x):
    s = x.to_sparse()
    return s.to_dense() * 2


def _product(lib, dense, indices, values, size):
    s = lib.sparse_coo_tensor(lib.tensor(indices), lib.tensor(values, dtype=dense.dtype), size)
    return lib.mm(s, dense) + lib.spmm(s, dense) + s @ dense


CASES = [
    Case("Tensor.to_sparse", _round_trip, sparse_round_trip(), dtypes=("float32", "float64"), mixed=False),
    Case("sparse_coo_tensor-mm", _product, sparse_product(), dtypes=("float32", "float64"), mixed=False, odd_shapes=False),
]
