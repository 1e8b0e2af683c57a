"""The per-op fast paths (issue 17) give exactly what the general rules give: operands' shortcut
for two Tensors of one dtype or a Tensor and a Python number, and ``x[long tensor]``."""

import math

import numpy as np
import pytest
import torch

import scratchnet as sn
from scratchnet.ops import _promote

DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool"]
NUMBERS = [2, -1, 0, 2.5, -0.0, 1e20, 2**40, 10**18, math.nan, math.inf, True]


def _general(a, b, floating):
    saved = _promote._common_operands
    _promote._common_operands = lambda *args: None
    try:
        return _promote.operands(a, b, floating=floating)
    finally:
        _promote._common_operands = saved


def _same(fast, slow):
    for f, s in zip(fast, slow):
        assert f.dtype == s.dtype and f.shape == s.shape
        np.testing.assert_array_equal(f.array, s.array)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("floating", [False, True])
def test_operands_fast_path_matches_the_general_rules(dtype, floating):
    t = sn.tensor([1, 0, 3]).to(dtype)
    for number in NUMBERS:
        for a, b in ((t, number), (number, t)):
            try:
                slow = _general(a, b, floating)
            except Exception as e:  # the fast path must refuse alike
                with pytest.raises(type(e)):
                    _promote.operands(a, b, floating=floating)
                continue
            _same(_promote.operands(a, b, floating=floating), slow)
    for other in ("float32", "int64", dtype):
        u = sn.tensor([[2], [5]]).to(other)
        _same(_promote.operands(t, u, floating=floating), _general(t, u, floating))
    with pytest.raises(RuntimeError, match="must match the size"):
        _promote.operands(t, sn.ones(4).to(dtype), floating=floating)


@pytest.mark.parametrize("key", [[1, -1, 0, 1], [[0, 2], [2, 2]], []])
def test_indexing_by_a_long_tensor_is_torch_s(key):
    values = np.arange(12.0).reshape(4, 3)
    x, tx = sn.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    y, ty = x[sn.tensor(key, dtype=sn.int64)], tx[torch.tensor(key, dtype=torch.int64)]
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    assert y.grad_fn.name() == ty.grad_fn.name()
    y.sum().backward(), ty.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_an_out_of_range_long_tensor_index_raises_torch_s_error():
    with pytest.raises(IndexError, match="index 4 is out of bounds for dimension 0 with size 4"):
        sn.ones(4, 2)[sn.tensor([0, 4])]
    with pytest.raises(IndexError, match="index -5 is out of bounds"):
        sn.ones(4)[sn.tensor([-5])]


# --- backend.fast_where: NumPy's where without branches -------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from scratchnet.backend import FAST_WHERE_MIN_SIZE, fast_where  # noqa: E402

_SPECIAL = [math.nan, -math.nan, math.inf, -math.inf, 0.0, -0.0, 5e-324, 1e-40, 3e38, -1.5, 2.0]
_SHAPES = [((64, 40), (64, 40), (64, 40)), ((64, 40), (64, 40), ()), ((64, 1), (1, 40), (64, 40)),
           ((64, 40), (), (64, 40)), ((40,), (64, 40), (1,)), ((64, 40), (), ()), ((5,), (5,), ())]


def _values(rng, shape, dtype):
    a = rng.standard_normal(shape) * 100
    if np.dtype(dtype).kind == "f":
        a = np.where(rng.random(shape) < 0.4, rng.choice(_SPECIAL, size=shape), a)
    return np.asarray(a).astype(dtype)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DTYPES), st.sampled_from(_SHAPES), st.integers(0, 2**32 - 1),
       st.sampled_from([None, 0.0, -0.0, 0, 1, 2.5, math.nan, True]), st.booleans(), st.booleans())
def test_fast_where_is_where_bit_for_bit(dtype, shapes, seed, number, number_first, transposed):
    """Every dtype, special values, signed zeros, broadcasting, Python numbers on either side,
    non-bool masks, transposed (non-C-contiguous) operands: the same bits, dtype, shape, layout."""
    rng = np.random.default_rng(seed)
    cond = rng.random(shapes[0]) < 0.5
    if rng.random() < 0.2:
        cond = (cond * rng.integers(1, 255, shapes[0])).astype(np.uint8)  # where takes any truth values
    x, y = _values(rng, shapes[1], dtype), _values(rng, shapes[2], dtype)
    if number is not None:
        x, y = (number, y) if number_first else (x, number)
    if transposed and all(np.ndim(a) in (0, 2) for a in (cond, x, y)):
        cond, x, y = (a.T if isinstance(a, np.ndarray) else a for a in (cond, x, y))
    kept = cond.copy()
    try:
        expected = np.where(cond, x, y)
    except Exception as e:  # an overflowing number: the same exception
        with pytest.raises(type(e)):
            fast_where(cond, x, y)
        return
    got = fast_where(cond, x, y)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert got.tobytes() == expected.tobytes() and (cond == kept).all()
    if got.size >= FAST_WHERE_MIN_SIZE:
        assert got.strides == expected.strides


# --- backend.index_add_rows: add.at by sorted runs -------------------------------------------------

from scratchnet.backend import index_add_rows  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["float32", "float64", "int64"]), st.integers(0, 300), st.integers(1, 40),
       st.integers(0, 5), st.integers(0, 2**32 - 1))
def test_index_add_rows_is_add_at(dtype, n, rows, cols, seed):
    """Against ``np.add.at`` on repeated, unsorted (and negative) indices, special values, empty
    index or rows: the same NaN/inf positions and signs of zero; values equal up to the rounding of
    another summation order (exactly for integers)."""
    rng = np.random.default_rng(seed)
    index = rng.integers(-rows, rows, n)
    values = _values(rng, (n, cols), dtype)
    start = _values(rng, (rows, cols), dtype)
    expected = start.copy()
    np.add.at(expected, index, values)
    got = index_add_rows(start.copy(), index, values)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if dtype == "int64":
        assert np.array_equal(got, expected)
        return
    # where the summation order decides (huge terms: overflow to inf, or cancel), rows are exempt
    huge = np.zeros(rows, bool)
    np.logical_or.at(huge, index % rows, (np.abs(values) > 1e30).any(axis=1))
    huge = np.broadcast_to(huge[:, None], got.shape)
    assert np.array_equal(np.isnan(got) & ~huge, np.isnan(expected) & ~huge)
    exact = (got == expected) | np.isnan(expected)
    # any two orders of summing k terms differ by at most ~2 k eps times the sum of their sizes
    size = np.abs(start).astype(np.float64)
    np.add.at(size, index, np.abs(values))
    terms = np.bincount(index % rows, minlength=rows)[:, None] + 1
    with np.errstate(invalid="ignore"):
        close = np.abs(got.astype(np.float64) - expected) <= 2 * terms * np.finfo(dtype).eps * size
    assert (exact | close | huge).all()
    assert np.array_equal(np.signbit(got[got == 0]), np.signbit(expected[got == 0]))
