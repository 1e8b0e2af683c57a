"""torch's refusals in the gather/scatter/index/mask and arrangement ops: each bad call raises
the same exception type on both engines, and the message torch gives (the registry checks the
values of the good calls)."""

import pytest
import torch

import scratchnet

# (call on lib, compare the message too)
BAD_CALLS = [
    ("gather: index out of range", lambda lib, x: lib.gather(x, 0, lib.tensor([[5, 0, 0]])), True),
    ("gather: negative index", lambda lib, x: lib.gather(x, 1, lib.tensor([[-1]])), True),
    ("gather: float index", lambda lib, x: lib.gather(x, 0, lib.tensor([[0.0]])), False),
    ("gather: ndim differs", lambda lib, x: lib.gather(x, 0, lib.zeros(3, dtype=lib.int64)), True),
    ("gather: index too large", lambda lib, x: lib.gather(x, 0, lib.zeros(2, 4, dtype=lib.int64)), True),
    ("gather: dim out of range", lambda lib, x: lib.gather(x, 5, lib.zeros(1, 1, dtype=lib.int64)), True),
    ("scatter: src dtype", lambda lib, x: lib.scatter(x, 0, lib.tensor([[0]]), lib.ones(1, 1, dtype=lib.float64)), True),
    ("scatter: src smaller than index", lambda lib, x: lib.scatter(x, 0, lib.tensor([[0, 1, 0]]), lib.ones(1, 2)), True),
    ("scatter: bad reduce", lambda lib, x: lib.scatter(x, 0, lib.tensor([[0]]), lib.ones(1, 1), reduce="mean"), True),
    ("scatter: out of range", lambda lib, x: lib.scatter(x, 0, lib.tensor([[3]]), 1.0), True),
    ("scatter_add: src dtype", lambda lib, x: lib.scatter_add(x, 0, lib.tensor([[0]]), lib.ones(1, 1, dtype=lib.float64)), True),
    ("scatter_reduce: bad reduce", lambda lib, x: lib.scatter_reduce(x, 0, lib.tensor([[0]]), lib.ones(1, 1), "foo"), True),
    ("index_select: 2-d index", lambda lib, x: lib.index_select(x, 0, lib.tensor([[0]])), True),
    ("index_select: out of range", lambda lib, x: lib.index_select(x, 0, lib.tensor([4])), True),
    ("index_select: negative", lambda lib, x: lib.index_select(x, 0, lib.tensor([-1])), True),
    ("index_select: float index", lambda lib, x: lib.index_select(x, 0, lib.tensor([0.0])), False),
    ("index_add: source shape", lambda lib, x: lib.index_add(x, 0, lib.tensor([0, 0]), lib.ones(2, 2)), True),
    ("index_add: out of range", lambda lib, x: lib.index_add(x, 0, lib.tensor([0, 5]), lib.ones(2, 3)), True),
    ("index_add: dtype", lambda lib, x: lib.index_add(x, 0, lib.tensor([0]), lib.ones(1, 3, dtype=lib.float64)), True),
    ("index_add: count", lambda lib, x: lib.index_add(x, 0, lib.tensor([0, 1]), lib.ones(1, 3)), True),
    ("index_copy: int32 index", lambda lib, x: lib.index_copy(x, 0, lib.tensor([1], dtype=lib.int32), lib.ones(1, 3)), False),
    ("index_copy: out of range", lambda lib, x: lib.index_copy(x, 0, lib.tensor([3]), lib.ones(1, 3)), True),
    ("index_copy: count", lambda lib, x: lib.index_copy(x, 0, lib.tensor([0, 1]), lib.ones(1, 3)), True),
    ("index_fill: 1-d value", lambda lib, x: lib.index_fill(x, 1, lib.tensor([1]), lib.tensor([-1.0])), True),
    ("index_fill: out of range", lambda lib, x: lib.index_fill(x, 1, lib.tensor([7]), 1.0), True),
    ("index_fill: 2-d index", lambda lib, x: lib.index_fill(x, 0, lib.tensor([[0]]), 1.0), True),
    ("index_put: out of range", lambda lib, x: lib.index_put(x, (lib.tensor([5]),), lib.tensor(1.0)), True),
    ("index_put: dtype", lambda lib, x: lib.index_put(x, (lib.tensor([0]),), lib.tensor(1.0, dtype=lib.float64)), True),
    ("index_put: values shape", lambda lib, x: lib.index_put(x, (lib.tensor([0]),), lib.tensor([1.0, 2.0])), True),
    ("index_put: too many", lambda lib, x: lib.index_put(x, (lib.tensor([0]), lib.tensor([1]), lib.tensor([0])), lib.tensor(9.0)), True),
    ("index_put: float index", lambda lib, x: lib.index_put(x, (lib.tensor([0.0]),), lib.tensor(1.0)), True),
    ("index_put: number values", lambda lib, x: lib.index_put(x, (lib.tensor([0]),), 9.0), False),
    ("masked_fill: int mask", lambda lib, x: lib.masked_fill(x, lib.tensor([1, 0, 1]), 2.0), True),
    ("masked_fill: 1-d value", lambda lib, x: lib.masked_fill(x, lib.tensor([True, False, True]), lib.tensor([2.0])), True),
    ("masked_fill: shape", lambda lib, x: lib.masked_fill(x, lib.ones(2, 2, dtype=lib.bool), 1.0), False),
    ("masked_select: int mask", lambda lib, x: lib.masked_select(x, lib.tensor([1, 0, 1])), True),
    ("masked_scatter: short source", lambda lib, x: lib.masked_scatter(x, lib.tensor([True, False, True]), lib.ones(3)), True),
    ("masked_scatter: dtype", lambda lib, x: lib.masked_scatter(x, lib.tensor([True, False, True]), lib.ones(10, dtype=lib.float64)), True),
    ("take: out of range", lambda lib, x: lib.take(x, lib.tensor([6])), True),
    ("take: below range", lambda lib, x: lib.take(x, lib.tensor([-7])), True),
    ("take: int32 index", lambda lib, x: lib.take(x, lib.tensor([1], dtype=lib.int32)), True),
    ("take: empty input", lambda lib, x: lib.take(lib.zeros(0), lib.tensor([0])), True),
    ("take_along_dim: ndim", lambda lib, x: lib.take_along_dim(x, lib.tensor([0]), 0), True),
    ("take_along_dim: int32", lambda lib, x: lib.take_along_dim(x, lib.tensor([[0]], dtype=lib.int32), 0), True),
    ("repeat: too few sizes", lambda lib, x: x.repeat(2), True),
    ("fliplr: 1-d", lambda lib, x: lib.fliplr(x[0]), True),
    ("roll: shifts and dims", lambda lib, x: lib.roll(x, (1, 2), (0,)), True),
    ("diagonal: same dims", lambda lib, x: lib.diagonal(x, 0, 1, 1), True),
    ("diag: 3-d", lambda lib, x: lib.diag(x.reshape(1, 2, 3)), True),
    ("tril: 1-d", lambda lib, x: lib.tril(x[0]), True),
    ("trace: bool", lambda lib, x: lib.trace(x > 2), True),
    ("flip: no dims", lambda lib, x: lib.flip(x), False),
    ("flip: an int for dims", lambda lib, x: lib.flip(x, 1), True),
    ("flip: three positional arguments", lambda lib, x: lib.flip(x, 0, 1), True),
    ("flip: a Tensor for dims", lambda lib, x: lib.flip(x, lib.tensor([1])), True),
    ("flip: a float in dims", lambda lib, x: lib.flip(x, (1.0,)), True),
    ("Tensor.flip: a float", lambda lib, x: x.flip(1.0), True),
    ("Tensor.flip: no dims", lambda lib, x: x.flip(), True),
    ("Tensor.flip: an int keyword", lambda lib, x: x.flip(dims=1), True),
    ("trace: 3-d", lambda lib, x: lib.trace(x.reshape(1, 2, 3)), True),
    ("narrow: past the end", lambda lib, x: lib.narrow(x, 1, 2, 2), True),
    ("narrow: 0-d", lambda lib, x: lib.narrow(x.sum(), 0, 0, 1), True),
    ("select: out of range", lambda lib, x: lib.select(x, 1, 3), True),
    ("split_with_sizes: sum", lambda lib, x: x.split_with_sizes([1, 1], 1), True),
    ("tensor_split: 0-d", lambda lib, x: lib.tensor_split(x.sum(), 2), True),
    ("tensor_split: no sections", lambda lib, x: lib.tensor_split(x, 0), True),
    ("hsplit: indivisible", lambda lib, x: lib.hsplit(x, 2), True),
    ("vsplit: 1-d", lambda lib, x: lib.vsplit(x[0], 1), True),
    ("dsplit: 2-d", lambda lib, x: lib.dsplit(x, 1), True),
    ("movedim: repeated", lambda lib, x: lib.movedim(x, (0, 0), (0, 1)), True),
    ("movedim: lengths", lambda lib, x: lib.movedim(x, (0, 1), (0,)), True),
    ("meshgrid: indexing", lambda lib, x: lib.meshgrid(x[0], x[1], indexing="yx"), True),
    ("meshgrid: 2-d", lambda lib, x: lib.meshgrid(x, indexing="ij"), False),
    ("repeat_interleave: negative", lambda lib, x: lib.repeat_interleave(x, lib.tensor([1, -1]), dim=0), True),
    ("repeat_interleave: length", lambda lib, x: lib.repeat_interleave(x, lib.tensor([1, 2, 3]), dim=0), False),
    ("hstack: empty", lambda lib, x: lib.hstack([]), False),
]


@pytest.mark.parametrize("name, call, message", BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_refusals_match_torch(name, call, message):
    with pytest.raises(Exception) as theirs:
        call(torch, torch.arange(6.0).reshape(2, 3))
    with pytest.raises(Exception) as ours:
        call(scratchnet, scratchnet.arange(6.0).reshape(2, 3))
    assert isinstance(ours.value, type(theirs.value)), f"scratchnet raised {ours.value!r}; torch {theirs.value!r}"
    assert not type(ours.value).__module__.startswith("numpy"), f"a NumPy exception escaped: {ours.value!r}"
    if message:
        assert str(ours.value) == str(theirs.value).split("\n")[0]
