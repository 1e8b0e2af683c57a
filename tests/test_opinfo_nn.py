"""Regressions found by running PyTorch's own OpInfo sample inputs (tools/opinfo_sweep.py) through
the nn.functional family: each case is a small pinned input, run through both engines and compared
with torch at runtime (values, dtype, gradients)."""

import numpy as np
import pytest
import torch

import scratchnet


def _rand(shape, seed=0, dtype="float64", low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def _run(lib, fn, arrays, grad):
    xs = [lib.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    out = fn(lib, *xs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    grads = []
    if grad:
        floats = [o for o in outs if isinstance(o, lib.Tensor) and o.requires_grad]
        total = sum((o * lib.ones_like(o).mul(0.5 + i)).sum() for i, o in enumerate(floats))
        wrt = [x for x in xs if x.requires_grad]
        grads = [g for g in lib.autograd.grad(total, wrt, allow_unused=True)]
    return outs, grads


def check(fn, arrays, grad=True, rtol=1e-7, atol=1e-9):
    """fn(lib, *tensors) on both engines: same outputs (dtype and values) and gradients."""
    ours, theirs = (_run(lib, fn, arrays, grad) for lib in (scratchnet, torch))
    for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        if b is None or not isinstance(b, torch.Tensor):
            assert a is None or a == b or not isinstance(a, scratchnet.Tensor) or not a.numel(), (a, b)
            continue
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], (a.dtype, b.dtype)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=atol)
    assert len(ours[0]) == len(theirs[0])


def test_softmin_with_dtype_negates_in_the_input_dtype():
    # torch takes -x in uint8 (wrapping) before the cast to dtype
    x = np.array([[8, 2, 0, 4, 9], [1, 0, 7, 3, 3]], dtype=np.uint8)
    check(lambda lib, t: lib.nn.functional.softmin(t, 1, dtype=lib.float64), [x], grad=False)


def same_outcome(fn):
    """fn(lib) on both engines: the same exception type, or results of one shape and dtype."""
    results = []
    for lib in (scratchnet, torch):
        try:
            results.append(fn(lib))
        except Exception as e:  # noqa: BLE001  (compared below)
            results.append(e)
    ours, theirs = results
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs), (ours, theirs)
    else:
        assert not isinstance(ours, Exception), ours
        assert tuple(ours.shape) == tuple(theirs.shape)


@pytest.mark.parametrize("shape, stats", [((), 0), ((0,), 0), ((0,), 3), ((3,), 0), ((3,), 3)])
def test_batch_norm_one_d_and_empty_inputs(shape, stats):
    # torch returns an empty input as is, and reads a 1-D input's channel count as 0
    x, m, v = _rand(shape), _rand((stats,)), _rand((stats,), low=0.5)
    same_outcome(lambda lib: lib.nn.functional.batch_norm(lib.tensor(x), lib.tensor(m), lib.tensor(v), training=True))


@pytest.mark.parametrize("shape", [(), (2, 3)])
def test_binary_cross_entropy_differentiates_the_target(shape):
    x, y = _rand(shape, 1, low=0.05, high=0.95), _rand(shape, 2, low=0.0, high=1.0)
    check(lambda lib, a, b: lib.nn.functional.binary_cross_entropy(a, b), [x, y])
    # and the target's gradient differentiated once more (log(1 - x) - log(x))
    def second(lib, a, b):
        loss = lib.nn.functional.binary_cross_entropy(a, b, reduction="sum")
        return lib.autograd.grad(loss, b, create_graph=True)[0]
    check(second, [x, y])


@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_native_dropout_train_none_drops_but_backward_only_masks(p):
    # torch: train=None trains in the forward, but its gradient is the mask, unscaled
    def fn(lib, x):
        lib.manual_seed(7)
        return lib.native_dropout(x, p, None)
    check(fn, [_rand((3, 4), 3)])
