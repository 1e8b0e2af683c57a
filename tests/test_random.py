"""Same seed, same numbers: every random function against torch's CPU generator, bit for bit.

hypothesis draws seeds, shapes (odd sizes and sizes around torch's 16-element switch between
its scalar and vectorised normal paths), dtypes, parameters and whole call sequences; each draw
runs in both engines from the same seed and must give identical bits — and leave both generators
in the same state (the next draw agrees too).
"""

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import scratchnet as sn
import scratchnet.nn.functional as F
from scratchnet import _sampling

seeds = st.integers(0, 2**32 - 1) | st.sampled_from([0, 1, 777, 2**63 - 1, 2**64 - 1, -1])
sizes = st.integers(0, 40) | st.sampled_from([15, 16, 17, 31, 32, 33, 1000, 1003])
shapes = st.one_of(sizes.map(lambda n: (n,)), st.tuples(st.integers(0, 5), st.integers(0, 9)), st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 5)))
float_dtypes = st.sampled_from(["float32", "float64"])


def same_bits(ours, theirs, what):
    a = np.atleast_1d(ours.numpy() if isinstance(ours, sn.Tensor) else np.asarray(ours))
    b = np.atleast_1d(theirs.numpy())
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs torch {b.shape}"
    assert str(a.dtype) == str(b.dtype).replace("torch.", ""), f"{what}: dtype {a.dtype} vs torch {b.dtype}"
    bad = a.view(np.uint8).reshape(a.size, -1) != b.view(np.uint8).reshape(b.size, -1) if a.size else np.zeros(0, bool)
    if bad.any():
        i = int(np.argwhere(bad.any(axis=-1))[0][0])
        raise AssertionError(f"{what}: {int(bad.any(axis=-1).sum())} of {a.size} differ; first at flat index {i}: {a.ravel()[i]!r} vs torch {b.ravel()[i]!r}")


def seeded(seed):
    sn.manual_seed(seed)
    torch.manual_seed(seed)


def next_draw_agrees():
    same_bits(sn.rand(3), torch.rand(3), "the draw after")
    same_bits(sn.randn(3, dtype=sn.float64), torch.randn(3, dtype=torch.float64), "the normal after")


def test_known_words():
    """The issue's check: torch.rand after manual_seed(777) is the low 24 bits of MT19937's words."""
    rs = np.random.RandomState(777)
    words = rs.randint(0, 2**32, size=5, dtype=np.uint64)
    expected = ((words & (2**24 - 1)) * 2.0**-24).astype(np.float32)
    sn.manual_seed(777)
    assert sn.rand(5).numpy().tolist() == expected.tolist()


@given(seed=seeds, shape=shapes, dtype=float_dtypes)
def test_rand_randn(seed, shape, dtype):
    seeded(seed)
    same_bits(sn.rand(*shape, dtype=getattr(sn, dtype)), torch.rand(*shape, dtype=getattr(torch, dtype)), "rand")
    same_bits(sn.randn(shape, dtype=getattr(sn, dtype)), torch.randn(shape, dtype=getattr(torch, dtype)), "randn")
    same_bits(sn.randn(*shape, dtype=getattr(sn, dtype)), torch.randn(*shape, dtype=getattr(torch, dtype)), "randn again")
    next_draw_agrees()


@given(seed=seeds, shape=shapes, dtype=float_dtypes, data=st.data())
def test_fills(seed, shape, dtype, data):
    a = data.draw(st.floats(-3, 3, width=32))
    b = a + data.draw(st.floats(0, 5, width=32))
    std = data.draw(st.floats(0, 4, width=32))
    p = data.draw(st.floats(0, 1))
    seeded(seed)
    ours, theirs = sn.empty(*shape, dtype=getattr(sn, dtype)), torch.empty(*shape, dtype=getattr(torch, dtype))
    same_bits(ours.uniform_(a, b), theirs.uniform_(a, b), "uniform_")
    same_bits(ours.normal_(a, std), theirs.normal_(a, std), "normal_")
    same_bits(ours.bernoulli_(p), theirs.bernoulli_(p), "bernoulli_")
    same_bits(ours.exponential_(std + 0.5), theirs.exponential_(std + 0.5), "exponential_")
    same_bits(ours.log_normal_(a, std + 0.1), theirs.log_normal_(a, std + 0.1), "log_normal_")
    same_bits(ours.cauchy_(a, std + 0.1), theirs.cauchy_(a, std + 0.1), "cauchy_")
    same_bits(ours.geometric_(min(max(p, 0.01), 0.99)), theirs.geometric_(min(max(p, 0.01), 0.99)), "geometric_")
    same_bits(ours.random_(), theirs.random_(), "random_()")
    same_bits(ours.random_(-5, 7), theirs.random_(-5, 7), "random_(-5, 7)")
    next_draw_agrees()


@given(seed=seeds, shape=shapes, dtype=st.sampled_from(["int64", "int32", "uint8", "bool", "float32", "float64"]), data=st.data())
def test_integers(seed, shape, dtype, data):
    top = {"uint8": 256, "bool": 2, "float32": 2**24, "int64": 2**40, "float64": 2**40}.get(dtype, 2**31 - 1)
    low = data.draw(st.integers(0 if dtype in ("uint8", "bool") else -top, top - 1))
    high = data.draw(st.integers(low + 1, top))
    seeded(seed)
    same_bits(sn.randint(low, high, shape, dtype=getattr(sn, dtype if dtype != "bool" else "bool")),
              torch.randint(low, high, shape, dtype=getattr(torch, dtype)), "randint")
    same_bits(sn.randint(max(high, 1), shape), torch.randint(max(high, 1), shape), "randint(high, size)")
    ours, theirs = sn.empty(*shape, dtype=getattr(sn, dtype if dtype != "bool" else "bool")), torch.empty(*shape, dtype=getattr(torch, dtype))
    same_bits(ours.random_(), theirs.random_(), "random_()")
    n = data.draw(sizes)
    same_bits(sn.randperm(n), torch.randperm(n), "randperm")
    next_draw_agrees()


@given(seed=seeds, data=st.data())
def test_call_sequences(seed, data):
    """Any interleaving of small and large normals (the cached sine sample crosses calls)."""
    seeded(seed)
    for _ in range(data.draw(st.integers(1, 8))):
        kind = data.draw(st.sampled_from(["randn", "randn64", "rand", "randint", "normal_small", "perm"]))
        n = data.draw(sizes)
        if kind == "randn":
            same_bits(sn.randn(n), torch.randn(n), kind)
        elif kind == "randn64":
            same_bits(sn.randn(n, dtype=sn.float64), torch.randn(n, dtype=torch.float64), kind)
        elif kind == "rand":
            same_bits(sn.rand(n, dtype=sn.float64), torch.rand(n, dtype=torch.float64), kind)
        elif kind == "randint":
            same_bits(sn.randint(3, 9, (n,)), torch.randint(3, 9, (n,)), kind)
        elif kind == "normal_small":
            same_bits(sn.empty(n % 16).normal_(1.0, 2.0), torch.empty(n % 16).normal_(1.0, 2.0), kind)
        else:
            same_bits(sn.randperm(n), torch.randperm(n), kind)
    next_draw_agrees()


@given(seed=seeds, shape=shapes)
def test_generators_and_state(seed, shape):
    g, h = sn.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
    assert g.initial_seed() == h.initial_seed()
    same_bits(sn.randn(*shape, generator=g), torch.randn(*shape, generator=h), "randn with a generator")
    same_bits(g.get_state(), h.get_state(), "get_state (torch's byte layout)")
    state = g.get_state()
    first = sn.rand(5, generator=g)
    g.set_state(state)
    assert sn.rand(5, generator=g).tolist() == first.tolist()
    # a state taken from torch loads into scratchnet and continues torch's stream
    g.set_state(sn.tensor(h.get_state().numpy()))
    same_bits(sn.randn(7, generator=g), torch.randn(7, generator=h), "after loading torch's state")


def test_global_state_functions():
    seeded(5)
    state = sn.get_rng_state()
    same_bits(state, torch.get_rng_state(), "get_rng_state")
    a = sn.randn(3)
    sn.set_rng_state(state)
    assert sn.randn(3).tolist() == a.tolist()
    assert sn.initial_seed() == 5
    s = sn.seed()
    assert sn.initial_seed() == s
    with sn.random.fork_rng():
        sn.rand(10)
    b = sn.rand(2)
    sn.manual_seed(s)
    assert sn.rand(2).tolist() == b.tolist()


@given(seed=seeds, shape=st.tuples(st.integers(1, 4), st.integers(1, 30)), dtype=float_dtypes, replacement=st.booleans(), data=st.data())
def test_multinomial_bernoulli_normal(seed, shape, dtype, replacement, data):
    seeded(seed)
    weights = sn.rand(*shape, dtype=getattr(sn, dtype)) ** 2 + 0.01
    theirs_w = torch.rand(*shape, dtype=getattr(torch, dtype)) ** 2 + 0.01
    same_bits(weights, theirs_w, "weights")
    k = data.draw(st.integers(1, shape[1] if not replacement else 50))
    same_bits(sn.multinomial(weights, k, replacement), torch.multinomial(theirs_w, k, replacement), "multinomial")
    same_bits(sn.multinomial(weights[0], 1), torch.multinomial(theirs_w[0], 1), "multinomial 1-D")
    probs, theirs_p = sn.rand(*shape, dtype=getattr(sn, dtype)), torch.rand(*shape, dtype=getattr(torch, dtype))
    same_bits(sn.bernoulli(probs), torch.bernoulli(theirs_p), "bernoulli(probs)")
    mean, std = sn.randn(*shape, dtype=getattr(sn, dtype)), sn.rand(*shape, dtype=getattr(sn, dtype))
    tm, ts = torch.tensor(mean.numpy()), torch.tensor(std.numpy())
    torch.randn(*shape, dtype=getattr(torch, dtype)), torch.rand(*shape, dtype=getattr(torch, dtype))
    same_bits(sn.normal(mean, std), torch.normal(tm, ts), "normal(tensor, tensor)")
    same_bits(sn.normal(mean, 2.0), torch.normal(tm, 2.0), "normal(tensor, float)")
    same_bits(sn.normal(0.5, 2.0, size=shape), torch.normal(0.5, 2.0, size=shape), "normal(float, float, size)")
    next_draw_agrees()


@given(seed=seeds, shape=shapes, p=st.sampled_from([0.1, 0.2, 0.25, 0.5, 0.9, 0.0, 1.0]), dtype=float_dtypes)
def test_dropout_masks(seed, shape, p, dtype):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    seeded(seed)
    same_bits(F.dropout(sn.tensor(x), p), torch.nn.functional.dropout(torch.tensor(x), p), "F.dropout")
    same_bits(sn.nn.Dropout(p)(sn.tensor(x)), torch.nn.Dropout(p)(torch.tensor(x)), "nn.Dropout")
    next_draw_agrees()


def test_likes_and_errors():
    seeded(9)
    x, y = sn.zeros(3, 17), torch.zeros(3, 17)
    same_bits(sn.rand_like(x), torch.rand_like(y), "rand_like")
    same_bits(sn.randn_like(x), torch.randn_like(y), "randn_like")
    same_bits(sn.randint_like(x, 5), torch.randint_like(y, 5), "randint_like")
    same_bits(sn.randint_like(x, 2, 5), torch.randint_like(y, 2, 5), "randint_like(low, high)")
    for ours, theirs in [
        (lambda: sn.randint(5, 5, (2,)), lambda: torch.randint(5, 5, (2,))),
        (lambda: sn.empty(2).uniform_(3, 1), lambda: torch.empty(2).uniform_(3, 1)),
        (lambda: sn.empty(2).normal_(0, -1), lambda: torch.empty(2).normal_(0, -1)),
        (lambda: sn.multinomial(sn.tensor([0.0, 0.0]), 1), lambda: torch.multinomial(torch.tensor([0.0, 0.0]), 1)),
        (lambda: sn.multinomial(sn.tensor([1.0, 1.0]), 3), lambda: torch.multinomial(torch.tensor([1.0, 1.0]), 3)),
        (lambda: sn.zeros(2, requires_grad=True).uniform_(), lambda: torch.zeros(2, requires_grad=True).uniform_()),
        (lambda: sn.rand(2, dtype=sn.int64), lambda: torch.rand(2, dtype=torch.int64)),
    ]:
        with pytest.raises(Exception) as theirs_error:
            theirs()
        with pytest.raises(type(theirs_error.value)):
            ours()


def test_default_init_equals_torch_from_the_seed():
    """Layers made after the same manual_seed hold torch's initial weights, no exchange needed."""
    import reference.models as R
    import scratchnet.models as M

    for name in ["XORNet", "DeepXORNet", "MnistMLP", "DropoutMLP", "BatchNormMLP", "PlainMLP", "CNN", "CNN5", "LeNet"]:
        seeded(777)
        ours, theirs = getattr(M, name)().state_dict(), getattr(R, name)().state_dict()
        assert list(ours) == list(theirs)
        for key in theirs:
            same_bits(ours[key], theirs[key], f"{name}.{key}")
    for layer in [lambda lib: lib.nn.Linear(7, 5), lambda lib: lib.nn.Linear(3, 2, bias=False), lambda lib: lib.nn.Conv2d(3, 4, 3), lambda lib: lib.nn.Conv2d(2, 4, (2, 3), groups=2)]:
        seeded(11)
        ours, theirs = layer(sn).state_dict(), layer(torch).state_dict()
        for key in theirs:
            same_bits(ours[key], theirs[key], key)
    next_draw_agrees()


@given(seed=seeds, shape=st.sampled_from([(5, 3), (3, 5), (16, 16), (4, 3, 2, 2), (2, 1, 3, 3), (40, 9)]), data=st.data())
def test_init_functions(seed, shape, data):
    import scratchnet.nn.init as si

    gain = data.draw(st.sampled_from([1.0, 0.5, math.sqrt(2)]))
    cases = [
        ("uniform_", dict(a=-0.5, b=2.0)), ("normal_", dict(mean=0.5, std=2.0)),
        ("xavier_uniform_", dict(gain=gain)), ("xavier_normal_", dict(gain=gain)),
        ("kaiming_uniform_", dict(a=math.sqrt(5))), ("kaiming_normal_", dict(mode="fan_out", nonlinearity="relu")),
        ("trunc_normal_", dict(std=0.02)), ("trunc_normal_", dict(mean=0.3, std=1.0, a=-0.5, b=0.5)),
        ("orthogonal_", dict(gain=gain)), ("eye_" if len(shape) == 2 else "dirac_", {}),
    ]
    if len(shape) == 2:
        cases.append(("sparse_", dict(sparsity=0.3, std=0.01)))
    for name, kwargs in cases:
        seeded(seed)
        ours = getattr(si, name)(sn.empty(*shape), **kwargs)
        theirs = getattr(torch.nn.init, name)(torch.empty(*shape), **kwargs)
        if name == "orthogonal_":  # same normals; the QR is NumPy's LAPACK (float64), torch's is float32,
            # whose rounding the QR amplifies by the normals' condition number (seen up to 1.6e-4 relative)
            generator = torch.Generator().manual_seed(seed)  # (the same normals; the global generators untouched)
            normals = torch.empty(shape[0], math.prod(shape[1:])).normal_(0, 1, generator=generator).numpy().astype(np.float64)
            tol = max(1e-5, 10 * np.linalg.cond(normals) * np.finfo(np.float32).eps)
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=tol, atol=tol / 10, err_msg=f"{name} (tolerance {tol:.1e})")
        else:
            same_bits(ours, theirs, f"nn.init.{name}({kwargs})")
        next_draw_agrees()
        g, h = sn.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
        if name not in ("eye_", "dirac_", "orthogonal_"):
            same_bits(getattr(si, name)(sn.empty(*shape), **kwargs, generator=g), getattr(torch.nn.init, name)(torch.empty(*shape), **kwargs, generator=h), f"{name} with a generator")


@given(seed=seeds, n=st.sampled_from([1, 3, 15, 16, 17, 40]), dtype=float_dtypes, mean=st.sampled_from([-0.0, 0.0, 2.5]))
def test_signed_zeros_and_zero_std(seed, n, dtype, mean):
    """std = 0 gives ``z * 0 + mean``: the sign of a zero result follows z's, bit for bit as torch's."""
    seeded(seed)
    same_bits(sn.empty(n, dtype=getattr(sn, dtype)).normal_(mean, 0.0), torch.empty(n, dtype=getattr(torch, dtype)).normal_(mean, 0.0), "normal_ std=0")
    next_draw_agrees()


@pytest.mark.parametrize("view", ["transpose", "slice", "t", "permute", "expand"])
@given(seed=seeds)
def test_dropout_noise_on_views_follows_torchs_memory_order(view, seed):
    """torch draws dropout's noise into empty_like(input): a transposed (dense) input lays the draws
    out in its own memory order, a sliced or expanded one row-major (batch_first attention's case)."""
    make = {"transpose": lambda l: l.arange(60.0).reshape(3, 4, 5).transpose(0, 1),
            "slice": lambda l: l.arange(60.0).reshape(3, 4, 5)[:, ::2],
            "t": lambda l: l.arange(24.0).reshape(4, 6).t(),
            "permute": lambda l: l.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1),
            "expand": lambda l: l.arange(4.0).reshape(4, 1).expand(4, 3)}[view]
    seeded(seed)
    same_bits(sn.nn.functional.dropout(make(sn), 0.5).contiguous(), torch.nn.functional.dropout(make(torch), 0.5).contiguous(), f"dropout of a {view} view")
    next_draw_agrees()


@pytest.mark.parametrize("n", [_sampling._FILL_BLOCK - 16, _sampling._FILL_BLOCK + 5, 2 * _sampling._FILL_BLOCK + 16 * 3 + 7])
def test_normals_across_the_fill_blocks(n):
    """The vectorised normal fill runs block by block: a size around and past a block's end
    gives torch's bits (randn, and normal_ with a mean and std)."""
    sn.manual_seed(n)
    torch.manual_seed(n)
    same_bits(sn.randn(n), torch.randn(n), "randn")
    ours, theirs = sn.empty(n), torch.empty(n)
    sn.nn.init.normal_(ours, 1.5, 0.2)
    torch.nn.init.normal_(theirs, 1.5, 0.2)
    same_bits(ours, theirs, "normal_")
