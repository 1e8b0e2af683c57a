"""Adafactor and Muon against torch's: the parameters and state after a few steps from the same
start, for torch's own test configurations, in float32 and float64; and their refusals."""

import numpy as np
import pytest
import torch

import scratchnet as sn

ADAFACTOR = [{}, {"weight_decay": 0.1, "lr": 0.01}, {"weight_decay": 0.1, "maximize": True}, {"beta2_decay": -1.0}, {"d": 1.5},
             {"eps": (1e-30, 1e-3)}, {"lr": 0.5}]
MUON = [{}, {"lr": 0.01}, {"weight_decay": 0.2}, {"momentum": 0.8}, {"nesterov": False}, {"ns_steps": 6},
        {"ns_coefficients": (3.4, -4.7, 2.0)}, {"adjust_lr_fn": "match_rms_adamw"}, {"adjust_lr_fn": "spectral_unclamped"}]


def _run(lib, name, kwargs, shapes, dtype, steps=4):
    rng = np.random.default_rng(len(shapes))
    params = [lib.nn.Parameter(lib.tensor(rng.standard_normal(s).astype(dtype))) for s in shapes]
    opt = getattr(lib.optim, name)(params, **kwargs)
    for _ in range(steps):
        for p in params:
            p.grad = lib.tensor(rng.standard_normal(p.shape).astype(dtype) * 3)
        opt.step()
    state = [{k: np.asarray(v.detach().numpy() if hasattr(v, "numpy") else v) for k, v in sorted(opt.state[p].items())} for p in params]
    return [p.detach().numpy() for p in params], state


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", ADAFACTOR, ids=str)
def test_adafactor_as_torch(kwargs, dtype):
    shapes = [(4, 3), (2, 3, 5), (6,), ()]  # matrices (and a stack) keep row/col factors; vectors a variance
    (ours, our_state), (theirs, their_state) = (_run(lib, "Adafactor", kwargs, shapes, dtype) for lib in (sn, torch))
    rtol = 2e-5 if dtype == "float32" else 1e-12
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)
    for s, t in zip(our_state, their_state):
        assert sorted(s) == sorted(t)
        for k in s:
            np.testing.assert_allclose(s[k], t[k], rtol=rtol * 10, atol=rtol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", MUON, ids=str)
def test_muon_as_torch(kwargs, dtype):
    """torch orthogonalizes in bfloat16; scratchnet rounds its float32 intermediates to bfloat16
    where torch's kernels round: the same parameters to float32's last bits."""
    shapes = [(5, 3), (3, 8), (4, 4)]
    (ours, our_state), (theirs, their_state) = (_run(lib, "Muon", kwargs, shapes, dtype) for lib in (sn, torch))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    for s, t in zip(our_state, their_state):
        np.testing.assert_allclose(s["momentum_buffer"], t["momentum_buffer"], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name, args, kwargs", [
    ("Adafactor", [(2,)], {"lr": -1.0}), ("Adafactor", [(2,)], {"beta2_decay": 0.5}), ("Adafactor", [(2,)], {"d": 0.5}),
    ("Adafactor", [(2,)], {"eps": (-1.0, 1e-3)}), ("Adafactor", [(2,)], {"weight_decay": -0.1}),
    ("Muon", [(2,)], {}), ("Muon", [(2, 2)], {"adjust_lr_fn": "other"}), ("Muon", [(2, 2)], {"momentum": -1.0}),
])
def test_refusals_as_torch(name, args, kwargs):
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(s)) for s in args], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(sn.optim, name)([sn.nn.Parameter(sn.ones(s)) for s in args], **kwargs)
    assert str(ours.value).replace("scratchnet", "torch") == str(theirs.value)


def test_round_bfloat16_matches_torchs_conversion():
    from scratchnet.optim.muon import round_bfloat16

    rng = np.random.default_rng(0)
    x = np.concatenate([rng.standard_normal(5000).astype(np.float32) * 10.0 ** rng.integers(-30, 30, 5000),
                        np.array([0.0, -0.0, np.inf, -np.inf, 3.4e38, 1e-40], dtype=np.float32)]).astype(np.float32)
    assert np.array_equal(round_bfloat16(x), torch.tensor(x).bfloat16().float().numpy())
