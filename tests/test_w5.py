"""The seed's worked backprop example (the project's headline check), in both engines."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import reference.w5
import scratchnet
from scratchnet.examples import w5


def test_w5_update_is_the_seeds_number_in_both_engines():
    for values in (w5.step(scratchnet), reference.w5.step()):
        assert round(values["W5"], 8) == 0.43703857


def test_every_printed_number_matches_the_seed():
    values = w5.step(scratchnet)
    for key, seed in w5.SEED_VALUES.items():
        assert values[key] == pytest.approx(seed, abs=6e-9), key


def test_every_weight_update_equals_torchs():
    ours, theirs = w5.step(scratchnet), reference.w5.step()
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert ours[key] == pytest.approx(theirs[key], rel=1e-12, abs=1e-14), key


def test_the_chain_rule_factors_multiply_to_the_gradient():
    v = w5.step(scratchnet)
    assert v["dE/do1"] * v["do1/dz3"] * v["dz3/dW5"] == pytest.approx(v["dE/dW5"], rel=1e-12)


weight = st.floats(-2, 2, allow_nan=False)
pair = st.tuples(weight, weight)


@given(x=pair, target=st.tuples(st.floats(0, 1), st.floats(0, 1)), w_hidden=st.tuples(pair, pair), w_out=st.tuples(pair, pair), lr=st.floats(0.001, 2.0), dtype=st.sampled_from(["float32", "float64"]))
def test_one_step_equals_torch_for_any_weights(x, target, w_hidden, w_out, lr, dtype):
    kwargs = dict(x=x, target=target, w_hidden=w_hidden, w_out=w_out, lr=lr)
    ours = w5.step(scratchnet, dtype=getattr(scratchnet, dtype), **kwargs)
    theirs = w5.step(torch, dtype=getattr(torch, dtype), **kwargs)
    rel, abs_ = (1e-10, 1e-12) if dtype == "float64" else (1e-5, 1e-6)
    for key in ours:
        if key != "do1/dz3":  # a ratio of two gradients: ill-conditioned where dE/do1 ~ 0
            assert ours[key] == pytest.approx(theirs[key], rel=rel, abs=abs_), key


def test_the_command_prints_the_seeds_numbers(capsys):
    assert w5.main() == 0
    out = capsys.readouterr().out
    assert "W5+ = 0.45 - 0.5 * 0.02592286 = 0.43703857" in out
    assert "0.60944600" in out and "0.02397190" in out
