"""torch's top-level functions with ATen signatures (scratchnet/ops/aten_level.py), against torch:
the ones whose functional twins the registry checks (kl_div, embedding, ...) through their own
argument order and integer reductions, the random draws after the same seed, torch.range, the
removed functions' errors, and the predicates."""

import warnings

import numpy as np
import pytest
import torch

import scratchnet as sn

from .parity import assert_close

rng = np.random.default_rng(0)
X = rng.standard_normal((2, 3, 6))


def _both(fn):
    """fn(lib, tensor) in each engine, for the same float64 input (a leaf that wants grad)."""
    xs, xt = sn.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return (fn(sn, xs), xs), (fn(torch, xt), xt)


CALLS = {
    "kl_div-none": lambda lib, x: lib.kl_div(x.log_softmax(-1), x.softmax(0), 0),
    "kl_div-mean": lambda lib, x: lib.kl_div(x.log_softmax(-1), x.softmax(0), 1),
    "kl_div-sum-log_target": lambda lib, x: lib.kl_div(x, x.flip(0), 2, log_target=True),
    "bce_with_logits": lambda lib, x: lib.binary_cross_entropy_with_logits(x, x.sigmoid().detach(), None, lib.ones(6, dtype=lib.float64) * 2, 2),
    "embedding": lambda lib, x: lib.embedding(x[0], lib.tensor([[2, 0], [1, 1]])),
    "embedding-padding": lambda lib, x: lib.embedding(x[1], lib.tensor([2, 0, 1]), 1),
    "instance_norm": lambda lib, x: lib.instance_norm(x, lib.ones(3, dtype=lib.float64), None, None, None, True, 0.1, 1e-5, False),
    "max_pool1d": lambda lib, x: lib.max_pool1d(x, 2),
    "max_pool1d-stride": lambda lib, x: lib.max_pool1d(x, 3, [1], 1, 1, True),
    "avg_pool1d": lambda lib, x: lib.avg_pool1d(x, 3, [2], 1, False, False),
    "adaptive_max_pool1d": lambda lib, x: lib.adaptive_max_pool1d(x, 4),
    "nuclear_norm-batch": lambda lib, x: lib.nuclear_norm(x, (1, 2), True),
    "frobenius_norm-dim": lambda lib, x: lib.frobenius_norm(x, (0, 2)),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_aten_signature_matches_torch(name):
    (ours, xs), (theirs, xt) = _both(CALLS[name])
    ours, theirs = (ours, theirs) if isinstance(theirs, tuple) else ((ours,), (theirs,))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert_close(a, b, 1e-12, 1e-12, what=name)
    first_s, first_t = ours[0], theirs[0]
    v = rng.standard_normal(tuple(first_t.shape))
    (gs,), (gt,) = sn.autograd.grad(first_s, [xs], sn.tensor(v)), torch.autograd.grad(first_t, [xt], torch.tensor(v))
    assert_close(gs, gt, 1e-10, 1e-12, what=f"{name} gradient")


@pytest.mark.parametrize("reduction", [0, 1, 2, 3, -1, "mean", True])
def test_integer_reductions_as_aten(reduction):
    """1 is mean, 2 sum, any other integer none; a string or a bool is refused."""
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    try:
        theirs = torch.kl_div(torch.tensor(x), torch.tensor(x).exp(), reduction)
    except TypeError as e:
        with pytest.raises(TypeError, match=str(e).split(",")[0].replace("(", r"\(").replace(")", r"\)")):
            sn.kl_div(sn.tensor(x), sn.tensor(x).exp(), reduction)
        return
    assert_close(sn.kl_div(sn.tensor(x), sn.tensor(x).exp(), reduction), theirs, 1e-12, 1e-12)


@pytest.mark.parametrize("name, args", [("poisson", ([0.5, 5.0, 40.0, 0.0],)), ("binomial", ([10.0, 5.0, 0.0, 300.0], [0.5, 0.2, 0.7, 0.01]))])
def test_random_draws_are_torchs_from_the_same_seed(name, args):
    torch.manual_seed(7)
    sn.manual_seed(7)
    theirs = getattr(torch, name)(*(torch.tensor(a).repeat(50) for a in args))
    ours = getattr(sn, name)(*(sn.tensor(a).repeat(50) for a in args))
    assert ours.dtype == sn.float32 and np.array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("args, kwargs", [((1, 4), {}), ((0, 1, 0.25), {}), ((5,), {}), ((1, 4), {"dtype": "int64"}), ((3, -1, -0.5), {}),
                                          ((0, 0.3, 0.1), {"dtype": "float64"}), ((5, 1), {}), ((1, 4, 0), {})])
def test_range_includes_its_end_as_torch(args, kwargs):
    def run(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = lib.range(*args, **{k: getattr(lib, v) for k, v in kwargs.items()})
            except (RuntimeError, TypeError) as e:
                return ("raises", type(e).__name__, str(e)[:20]), [str(w.message) for w in caught]
            return (out.numpy().tolist(), str(out.dtype).split(".")[-1]), [str(w.message) for w in caught]

    assert run(sn) == run(torch)


@pytest.mark.parametrize("name", ["lstsq", "solve", "eig", "symeig", "matrix_rank"])
def test_removed_functions_raise_torchs_error(name):
    args = (torch.eye(2), torch.eye(2)) if name in ("lstsq", "solve") else (torch.eye(2),)
    with pytest.raises(RuntimeError) as theirs:
        getattr(torch, name)(*args)
    with pytest.raises(RuntimeError) as ours:
        getattr(sn, name)(*(sn.eye(2) for _ in args))
    assert str(ours.value) == str(theirs.value)


def test_predicates_and_names_as_torch():
    for lib in (sn, torch):
        x = lib.ones(2, 3)
        assert (lib.get_device(x), x.get_device(), lib.is_distributed(x), x.is_distributed()) == (-1, -1, False, False)
        assert lib.is_same_size(x, lib.zeros(2, 3)) and not lib.is_same_size(x, x.t())
        assert [lib.typename(t) for t in (x, x.double(), x.long(), x.bool(), 1.0, "s")] == [
            "torch.FloatTensor", "torch.DoubleTensor", "torch.LongTensor", "torch.BoolTensor", "float", "str"]
        with pytest.raises(RuntimeError, match="Got 1-D tensor"):
            lib.adjoint(lib.ones(3))


@pytest.mark.parametrize("name, args", [
    ("poisson", ([1, 2],)), ("poisson", ([-1.0, 2.0],)), ("poisson", ([float("nan")],)), ("poisson", (3.0,)), ("poisson", ([],)),
    ("binomial", ([1, 2], [0.5, 0.5])), ("binomial", ([1.0, 2.0], [1, 0])), ("binomial", ([3.0, 2.0], "float64")),
    ("binomial", ([1.0, 1.0, 1.0], [0.5, 0.5])), ("binomial", ([[4.0], [2.0]], [0.5, 0.25, 1.0])),
])
def test_random_draws_refuse_and_broadcast_as_torch(name, args):
    """torch's errors (integer inputs, a negative or NaN rate, mixed dtypes, shapes that do not
    broadcast), and its draws for 0-d, empty and broadcast inputs."""
    def run(lib):
        made = [lib.tensor([0.5, 0.5], dtype=lib.float64) if a == "float64" else lib.tensor(a) for a in args]
        lib.manual_seed(3)
        try:
            out = getattr(lib, name)(*made)
        except Exception as e:
            return type(e).__name__, str(e)[:70]  # (scratchnet's broadcast error adds the two shapes after torch's words)
        return out.numpy().tolist(), str(out.dtype).split(".")[-1]

    assert run(sn) == run(torch)
