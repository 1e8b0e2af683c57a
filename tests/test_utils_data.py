"""scratchnet.utils.data against torch.utils.data: collation, samplers, the DataLoader (in the main
process and in worker processes), datasets and random_split."""

import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from hypothesis import given
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet.utils import data as sud
from scratchnet.utils.data._random import seeded_generator


def plain(x):
    """A batch as plain Python (tensors -> (dtype name, shape, values)), for either engine."""
    if isinstance(x, (torch.Tensor, sn.Tensor)):
        return (str(x.dtype).split(".")[-1], tuple(x.shape), x.tolist())
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__, tuple(plain(v) for v in x))
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [plain(v) for v in x])
    return x


Point = collections.namedtuple("Point", "x y")
DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool"]


@st.composite
def samples(draw):
    """A batch of samples of one random structure (what datasets return)."""
    n = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    dtype = draw(st.sampled_from(DTYPES))

    def leaf(kind, i):
        if kind == "float":
            return float(i) + 0.5
        if kind == "int":
            return i * 3 - 2
        if kind == "bool":
            return i % 2 == 0
        if kind == "str":
            return f"s{i}"
        if kind == "np":
            return (np.arange(int(np.prod(shape))).reshape(shape) + i).astype(dtype)  # (arange makes no bools past 2)
        if kind == "npscalar":
            return np.dtype(dtype).type(i)
        return ("tensor", np.asarray((np.arange(int(np.prod(shape))).reshape(shape) + i)).astype(dtype))

    kinds = draw(st.lists(st.sampled_from(["float", "int", "bool", "str", "np", "npscalar", "tensor"]), min_size=1, max_size=3))
    wrap = draw(st.sampled_from(["tuple", "list", "dict", "namedtuple", "bare"]))

    def make(i, engine):
        leaves = []
        for k in kinds:
            v = leaf(k, i)
            if isinstance(v, tuple) and v and v[0] == "tensor":
                v = torch.from_numpy(np.array(v[1])) if engine == "torch" else sn.tensor(np.array(v[1]))
            leaves.append(v)
        if wrap == "bare":
            return leaves[0]
        if wrap == "dict":
            return {f"k{j}": v for j, v in enumerate(leaves)}
        if wrap == "namedtuple":
            return Point(leaves[0], leaves[-1])
        return tuple(leaves) if wrap == "tuple" else list(leaves)

    return [make(i, "torch") for i in range(n)], [make(i, "sn") for i in range(n)]


@given(samples())
def test_default_collate_equals_torchs(batches):
    theirs, ours = batches
    assert plain(sud.default_collate(ours)) == plain(tud.default_collate(theirs))


@given(samples())
def test_default_convert_equals_torchs(batches):
    theirs, ours = batches
    assert plain(sud.default_convert(ours[0])) == plain(tud.default_convert(theirs[0]))


def test_collate_refuses_what_torch_refuses():
    for bad in ([object(), object()], [np.array(["a"]), np.array(["b"])]):
        with pytest.raises(TypeError) as theirs:
            tud.default_collate(bad)
        with pytest.raises(TypeError) as ours:
            sud.default_collate(bad)
        assert str(ours.value) == str(theirs.value).replace("torch.", "")
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        sud.default_collate([sn.zeros(2), sn.zeros(3)])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        sud.default_collate([[1, 2], [1]])


@given(n=st.integers(1, 40), batch_size=st.integers(1, 12), drop_last=st.booleans())
def test_sequential_loading_equals_torch(n, batch_size, drop_last):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    ours = sud.DataLoader(sud.TensorDataset(sn.tensor(x), sn.arange(n)), batch_size=batch_size, drop_last=drop_last)
    theirs = tud.DataLoader(tud.TensorDataset(torch.from_numpy(x), torch.arange(n)), batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    assert [plain(b) for b in ours] == [plain(b) for b in theirs]
    it, their_it = iter(ours), iter(theirs)
    assert len(it) == len(their_it)
    if len(it):  # (drop_last with fewer samples than a batch: no batch at all)
        assert plain(next(it)) == plain(next(their_it))
    lists = [(float(i), i, f"n{i}") for i in range(n)]  # a plain list is a dataset too
    assert [plain(b) for b in sud.DataLoader(lists, batch_size, drop_last=drop_last)] == \
        [plain(b) for b in tud.DataLoader(lists, batch_size, drop_last=drop_last)]
    assert [plain(b) for b in sud.DataLoader(lists, batch_size=None)] == [plain(b) for b in tud.DataLoader(lists, batch_size=None)]


@given(n=st.integers(1, 30), batch_size=st.integers(1, 8), drop_last=st.booleans(), seed=st.integers(0, 1000))
def test_shuffled_loading_visits_every_sample_once(n, batch_size, drop_last, seed):
    ds = sud.TensorDataset(sn.arange(n))
    g = seeded_generator(seed)
    loader = sud.DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last, generator=g)
    first = [b[0].tolist() for b in loader]
    flat = sum(first, [])
    assert len(first) == len(loader) == len(tud.DataLoader(range(n), batch_size=batch_size, drop_last=drop_last))
    assert len(set(flat)) == len(flat) and set(flat) <= set(range(n))
    assert len(flat) == (n - n % batch_size if drop_last else n)
    g.manual_seed(seed)  # the same seed gives the same epochs
    assert [b[0].tolist() for b in loader] == first


def test_samplers_behave_as_torchs():
    data = list(range(10))
    assert list(sud.SequentialSampler(data)) == list(tud.SequentialSampler(data))
    for drop_last in (True, False):
        ours = sud.BatchSampler(sud.SequentialSampler(data), 3, drop_last)
        theirs = tud.BatchSampler(tud.SequentialSampler(data), 3, drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
    assert sorted(sud.RandomSampler(data)) == data and len(sud.RandomSampler(data)) == 10
    for num_samples in (3, 10, 25, 70):
        draws = list(sud.RandomSampler(data, replacement=True, num_samples=num_samples))
        assert len(draws) == num_samples == len(tud.RandomSampler(data, replacement=True, num_samples=num_samples))
        assert set(draws) <= set(data)
        no_repl = list(sud.RandomSampler(data, num_samples=num_samples))  # whole permutations, then a part of one
        assert len(no_repl) == num_samples and sorted(no_repl[: 10 * (num_samples // 10)]) == sorted(data * (num_samples // 10))
    assert sorted(sud.SubsetRandomSampler([5, 7, 9])) == [5, 7, 9]
    w = sud.WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 50)
    assert len(w) == 50 and set(w) <= {1, 3} and w.weights.dtype == sn.float64
    assert sorted(sud.WeightedRandomSampler([0.5, 1.0, 0.1, 3.0], 4, replacement=False)) == [0, 1, 2, 3]


@pytest.mark.parametrize("make", [
    lambda m: m.RandomSampler(range(3), num_samples=0),
    lambda m: m.RandomSampler(range(3), replacement=1),
    lambda m: m.BatchSampler(range(3), 0, False),
    lambda m: m.BatchSampler(range(3), 2, None),
    lambda m: m.WeightedRandomSampler([1.0], -1),
    lambda m: m.WeightedRandomSampler([[1.0]], 1),
    lambda m: m.DataLoader(range(3), sampler=m.SequentialSampler(range(3)), shuffle=True),
    lambda m: m.DataLoader(range(3), batch_sampler=[[0]], batch_size=2),
    lambda m: m.DataLoader(range(3), batch_size=None, drop_last=True),
    lambda m: m.DataLoader(range(3), num_workers=-1),
    lambda m: m.DataLoader(range(3), persistent_workers=True),
    lambda m: m.DataLoader(range(3), prefetch_factor=2),
    lambda m: m.DataLoader(range(3), timeout=-1),
])
def test_bad_options_raise_torchs_errors(make):
    with pytest.raises(Exception) as theirs:
        make(tud)
    with pytest.raises(type(theirs.value)) as ours:
        make(sud)
    assert str(ours.value) == str(theirs.value)


class Squares(tud.IterableDataset, sud.IterableDataset):
    """An iterable dataset split between workers by get_worker_info (as torch's docs show)."""

    def __init__(self, n, info):
        self.n, self.info = n, info

    def __iter__(self):
        w = self.info()
        start, step = (0, 1) if w is None else (w.id, w.num_workers)
        return iter([i * i for i in range(start, self.n, step)])

    def __len__(self):
        return self.n


@pytest.mark.parametrize("workers", [0, 2])
def test_iterable_dataset_with_workers_yields_torchs_order(workers):
    ours = sud.DataLoader(Squares(11, sud.get_worker_info), batch_size=2, num_workers=workers)
    theirs = tud.DataLoader(Squares(11, tud.get_worker_info), batch_size=2, num_workers=workers)
    assert [b.tolist() for b in ours] == [b.tolist() for b in theirs]
    assert len(ours) == len(theirs)


def _worker_tag(i):
    info = sud.get_worker_info()
    return (i, -1 if info is None else info.id, info.num_workers if info else 0)


class Tagged(sud.Dataset):
    def __getitem__(self, i):
        if i == 13:
            raise KeyError("thirteen")
        return _worker_tag(i)

    def __len__(self):
        return 12


def _init(worker_id):
    import random

    random.seed(1000 + worker_id)


def test_map_dataset_in_worker_processes_comes_back_in_order():
    loader = sud.DataLoader(Tagged(), batch_size=3, num_workers=2, worker_init_fn=_init, prefetch_factor=1)
    batches = list(loader)
    assert [b[0].tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
    assert [b[1].tolist() for b in batches] == [[0] * 3, [1] * 3, [0] * 3, [1] * 3]  # round-robin, as torch
    assert all(b[2].tolist() == [2] * 3 for b in batches)
    assert sud.get_worker_info() is None
    persistent = sud.DataLoader(Tagged(), batch_size=4, num_workers=2, persistent_workers=True)
    assert [b[0].tolist() for b in persistent] == [b[0].tolist() for b in persistent]


@pytest.mark.parametrize("persistent", [True, False])
def test_shuffled_epochs_in_workers_draw_as_torchs(persistent):
    """A new iterator draws a base seed (then the sampler its order); persistent workers reuse
    torch's one iterator, so later epochs draw no base seed: orders and the global stream agree."""
    orders = {}
    for lib, data in ((sn, sud), (torch, tud)):
        lib.manual_seed(5)
        loader = data.DataLoader(list(range(10)), batch_size=4, shuffle=True, num_workers=2, persistent_workers=persistent)
        orders[lib] = [[b.tolist() for b in loader] for _ in range(3)] + [lib.rand(2).tolist()]
    assert orders[sn] == orders[torch]


def test_an_error_in_a_worker_reaches_the_main_process():
    loader = sud.DataLoader(Tagged(), batch_size=2, num_workers=2, sampler=[0, 13, 2])
    with pytest.raises(KeyError, match="Caught KeyError in DataLoader worker process"):
        list(loader)


def test_spawned_workers_load_in_order():
    from tests.mp_workers import Doubles

    loader = sud.DataLoader(Doubles(), batch_size=2, num_workers=2, multiprocessing_context="spawn")
    assert [b[0].tolist() for b in loader] == [[0, 1], [2, 3], [4, 5], [6]]
    assert [b[1].dtype for b in loader] == [sn.float64] * 4


def test_a_worker_that_dies_is_reported_not_waited_for():
    from tests.mp_workers import DiesAtTwo

    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly"):
        list(sud.DataLoader(DiesAtTwo(), batch_size=1, num_workers=1))
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.5 seconds"):
        list(sud.DataLoader(DiesAtTwo(), batch_size=1, num_workers=1, timeout=0.5))


def test_loader_draws_the_base_seed_then_the_order_as_torch():
    """Each pass draws one seed from the generator, then the sampler's permutations, as torch."""
    calls = []
    import scratchnet.utils.data._random as r

    seed, perm = r.draw_seed, r.randperm
    try:
        r.draw_seed = lambda g=None: calls.append("seed") or seed(g)
        r.randperm = lambda n, g=None: calls.append(("randperm", n)) or perm(n, g)
        list(sud.DataLoader(range(5), batch_size=2, shuffle=True, generator=seeded_generator(0)))
        list(sud.DataLoader(range(5), batch_size=2, shuffle=True))  # no generator: a fresh one seeded from the global
    finally:
        r.draw_seed, r.randperm = seed, perm
    # torch's RandomSampler draws a second (empty-sliced) permutation when num_samples % n == 0
    assert calls == ["seed", ("randperm", 5), ("randperm", 5), "seed", "seed", ("randperm", 5), ("randperm", 5)]


def test_datasets_combine_as_torchs():
    a, b = sud.TensorDataset(sn.arange(3)), sud.TensorDataset(sn.arange(10, 15))
    ta, tb = tud.TensorDataset(torch.arange(3)), tud.TensorDataset(torch.arange(10, 15))
    ours, theirs = a + b, ta + tb
    assert isinstance(ours, sud.ConcatDataset) and ours.cumulative_sizes == theirs.cumulative_sizes
    assert [ours[i][0].item() for i in range(-8, 8)] == [theirs[i][0].item() for i in range(-8, 8)]
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        ours[-9]
    stacked = sud.StackDataset(a, sud.TensorDataset(sn.arange(3) * 2))
    assert [s[0].item() for s in stacked[2]] == [2, 4]
    assert sud.StackDataset(x=a, y=a)[1]["y"][0].item() == 1
    sub = sud.Subset(b, [4, 0])
    assert sub[0][0].item() == 14 and len(sub) == 2
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        sud.TensorDataset(sn.zeros(2), sn.zeros(3))
    chained = Squares(3, sud.get_worker_info) + Squares(2, sud.get_worker_info)
    assert list(chained) == [0, 1, 4, 0, 1]


@given(n=st.integers(0, 60), parts=st.lists(st.floats(0.05, 1.0), min_size=1, max_size=4))
def test_random_split_sizes_equal_torchs(n, parts):
    fractions = [p / sum(parts) for p in parts]
    fractions[-1] = 1 - sum(fractions[:-1])
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = tud.random_split(range(n), fractions, generator=torch.Generator().manual_seed(0))
        ours = sud.random_split(range(n), fractions, generator=seeded_generator(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    assert sorted(sum((list(s) for s in ours), [])) == list(range(n))
    again = sud.random_split(range(n), [len(s) for s in ours], generator=seeded_generator(0))
    assert [list(s) for s in again] == [list(s) for s in ours]
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset!"):
        sud.random_split(range(n), [n + 2])


def _torch_identical_generator():
    if not hasattr(sn, "Generator"):
        pytest.skip("scratchnet.Generator (torch-identical, issue 13) is not in this tree yet")


@given(n=st.integers(1, 50), batch_size=st.integers(1, 9), seed=st.integers(0, 2**31), replacement=st.booleans())
def test_orders_equal_torchs_with_a_torch_identical_generator(n, batch_size, seed, replacement):
    """Once the generator is torch's, samplers, random_split and the DataLoader draw torch's orders."""
    _torch_identical_generator()
    ours = sud.DataLoader(range(n), batch_size=batch_size, shuffle=True, generator=sn.Generator().manual_seed(seed))
    theirs = tud.DataLoader(range(n), batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))
    assert [b.tolist() for b in ours] == [b.tolist() for b in theirs]
    assert list(sud.RandomSampler(range(n), replacement=replacement, num_samples=n + 40, generator=sn.Generator().manual_seed(seed))) == \
        list(tud.RandomSampler(range(n), replacement=replacement, num_samples=n + 40, generator=torch.Generator().manual_seed(seed)))
    a = sud.random_split(range(n), [n // 2, n - n // 2], generator=sn.Generator().manual_seed(seed))
    b = tud.random_split(range(n), [n // 2, n - n // 2], generator=torch.Generator().manual_seed(seed))
    assert [list(s) for s in a] == [list(s) for s in b]
    sn.manual_seed(seed), torch.manual_seed(seed)  # no generator: both draw from the global one
    assert [b.tolist() for b in sud.DataLoader(range(n), batch_size=batch_size, shuffle=True)] == \
        [b.tolist() for b in tud.DataLoader(range(n), batch_size=batch_size, shuffle=True)]
