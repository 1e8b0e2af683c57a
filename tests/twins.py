"""Twin modules for the layer tests: the same layer built in scratchnet and in torch, with the
weights copied across by state_dict key, then run side by side.

>>> import scratchnet, torch
>>> ours, theirs = twin(lambda lib: lib.nn.Linear(3, 2))
>>> bool((ours.weight.detach().numpy() == theirs.weight.detach().numpy()).all())
True
"""

import numpy as np
import torch

import scratchnet

from .parity import TOLERANCE, as_numpy, assert_close


def copy_state(ours, theirs):
    """Copy scratchnet module ``ours``' state_dict into torch module ``theirs`` (same keys, same
    order, asserted); returns theirs."""
    keys, their_keys = list(ours.state_dict()), list(theirs.state_dict())
    assert keys == their_keys, f"state_dict keys differ:\n scratchnet {keys}\n torch      {their_keys}"
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.array, copy=True)) for k, v in ours.state_dict().items()})
    return theirs


def twin(make, dtype="float64"):
    """``make(lib)`` built on both engines, cast to ``dtype``, scratchnet's weights copied to torch."""
    ours, theirs = make(scratchnet), make(torch)
    if dtype == "float64":
        ours, theirs = ours.double(), theirs.double()
    return ours, copy_state(ours, theirs)


def tensors(arrays, requires_grad=True):
    """The same arrays as scratchnet and torch tensors (floats requiring grad if asked)."""
    ours = [scratchnet.tensor(a, requires_grad=requires_grad and a.dtype.kind == "f") for a in arrays]
    theirs = [torch.tensor(a, requires_grad=requires_grad and a.dtype.kind == "f") for a in arrays]
    return ours, theirs


def flat(out):
    """Outputs as a list of tensors: tuples (and PackedSequences) flattened, None dropped."""
    if out is None:
        return []
    if isinstance(out, (tuple, list)):
        return [o for item in out for o in flat(item)]
    return [out]


def loss_of(outputs, weights):
    """sum_i <w_i, out_i>: a scalar whose gradient hands each output its own random direction."""
    total = None
    for o, w in zip(outputs, weights):
        term = (o * (scratchnet.tensor(w) if isinstance(o, scratchnet.Tensor) else torch.tensor(w))).sum()
        total = term if total is None else total + term
    return total


def compare_run(ours, theirs, our_out, their_out, our_inputs=(), their_inputs=(), dtype="float64", rtol=None, atol=None, seed=0):
    """Outputs equal; then backward of one random projection of all outputs on both engines, and
    every parameter gradient and input gradient equal."""
    rtol_d, atol_d = TOLERANCE[dtype]
    rtol, atol = rtol or rtol_d, atol or atol_d
    a, b = flat(our_out), flat(their_out)
    assert len(a) == len(b), f"{len(a)} outputs vs torch's {len(b)}"
    for i, (x, y) in enumerate(zip(a, b)):
        assert_close(x, y, rtol, atol, what=f"output {i}")
    rng = np.random.default_rng(seed)
    pairs = [(x, y) for x, y in zip(a, b) if y.requires_grad]
    if not pairs:
        return
    ws = [rng.standard_normal(tuple(y.shape)).astype(dtype) for _, y in pairs]
    loss_of([x for x, _ in pairs], ws).backward()
    loss_of([y for _, y in pairs], ws).backward()
    grad_tol = (rtol * 10, atol * 10) if dtype == "float32" else (rtol, atol)
    for (name, p), (tname, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        if q.grad is None:
            assert p.grad is None or not np.any(as_numpy(p.grad)), f"{name}: torch has no gradient, scratchnet has one"
            continue
        assert p.grad is not None, f"{name}: no gradient in scratchnet"
        assert_close(p.grad, q.grad, *grad_tol, what=f"gradient of {name}")
    for i, (x, y) in enumerate(zip(our_inputs, their_inputs)):
        if getattr(y, "requires_grad", False) and y.grad is not None:
            assert_close(x.grad, y.grad, *grad_tol, what=f"gradient of input {i}")
