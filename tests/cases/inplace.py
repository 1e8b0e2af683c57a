"""Registry cases of in-place ops, views written in place, and ``__setitem__``.

Each case makes a non-leaf (``a * 1``) or a view of one, edits it in place and returns it, so the
parity tests check the values, the vector-Jacobian product against torch, finite differences and
second derivatives through the rebased history (CopySlices for views). Draws of the in-place table
over every op with an in-place form live in tests/test_inplace.py.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scratchnet.ops.inplace import METHODS as INPLACE_METHODS

from ..registry import Case, Example, away_from_zero, on_grid, positive, positive_steps, seeds


@st.composite
def into(draw, unary=False, **params):
    """A target shape and (unless ``unary``) an operand shape that broadcasts to it."""
    target = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4))
    shapes = [target]
    if not unary:
        k = draw(st.integers(0, len(target)))
        other = tuple(n if draw(st.booleans()) else 1 for n in target[len(target) - k:])
        shapes.append(other)
    return Example(shapes, {k: draw(v) for k, v in params.items()}, draw(seeds))


@st.composite
def view_write(draw):
    """A shape, a view of it (by basic index or a view op), and a value shape for the write."""
    s = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    kind = draw(st.sampled_from(["index", "t", "unsqueeze", "reshape", "narrow-chain"]))
    if kind == "index":
        index = draw(hnp.basic_indices(s, min_dims=0, allow_newaxis=True, allow_ellipsis=True).filter(positive_steps))
        view_shape = np.empty(s)[index].shape
    elif kind == "t":
        index, view_shape = None, s[::-1]
    elif kind == "unsqueeze":
        index, view_shape = None, (1,) + s
    elif kind == "reshape":
        index, view_shape = None, (int(np.prod(s)),)
    else:
        index, view_shape = None, s[1:] if len(s) > 1 else ()
    return Example([s, view_shape], {"kind": kind, "index": index, "op": draw(st.sampled_from(["mul_", "add_", "copy_", "exp_"]))}, draw(seeds))


def make_view(y, kind, index):
    if kind == "index":
        return y[index]
    if kind == "t":
        return y.permute(*reversed(range(y.ndim)))
    if kind == "unsqueeze":
        return y.unsqueeze(0)
    if kind == "reshape":
        return y.reshape(-1)
    return y[0] if y.ndim > 1 else y[0]


def write_view(lib, a, b, kind, index, op):
    """Edit a view of a non-leaf in place; both the base and the view come back."""
    y = a * 1
    v = make_view(y, kind, index)
    if op == "exp_":
        v.exp_()
    else:
        getattr(v, op)(b)
    return y, v * 1


@st.composite
def setitem_example(draw, scalar=False):
    """A basic or advanced index (no repeated positions, so finite differences hold) and the value."""
    s = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    kind = draw(st.sampled_from(["basic", "int-array", "mask", "mixed", "int-and-array"]))
    if kind == "basic":
        index = draw(hnp.basic_indices(s, min_dims=0, allow_newaxis=True, allow_ellipsis=True).filter(positive_steps))
    elif kind == "int-array":
        index = np.array(draw(st.lists(st.integers(0, s[0] - 1), min_size=0, max_size=s[0], unique=True)), dtype=np.int64)
    elif kind == "mask":
        index = np.array(draw(st.lists(st.booleans(), min_size=s[0], max_size=s[0])), dtype=bool)
    elif kind == "mixed" and len(s) > 1:
        rows = np.array(draw(st.lists(st.integers(0, s[0] - 1), min_size=1, max_size=s[0], unique=True)), dtype=np.int64)
        index = (rows, slice(None, None, draw(st.sampled_from([1, 2]))))
    elif len(s) > 1:
        cols = np.array(draw(st.lists(st.integers(0, s[1] - 1), min_size=1, max_size=s[1], unique=True)), dtype=np.int64)
        index = (draw(st.integers(0, s[0] - 1)), cols)
    else:
        index = draw(st.integers(-s[0], s[0] - 1))
    import torch

    picked = tuple(torch.empty(s)[_torch_index(torch, index)].shape)
    value = picked[draw(st.integers(0, len(picked))):]  # a trailing part: broadcast into place
    shapes = [s] if scalar else [s, value]
    return Example(shapes, {"index": index}, draw(seeds))


def _torch_index(lib, index):
    if isinstance(index, tuple):
        return tuple(_torch_index(lib, i) for i in index)
    return lib.tensor(index) if isinstance(index, np.ndarray) else index


def setitem(lib, a, b, index):
    y = a * 1
    y[_torch_index(lib, index)] = b
    return y


def setitem_scalar(lib, a, index):
    y = a * 2
    y[_torch_index(lib, index)] = 0.5
    return y * a


def augmented(lib, a, b):
    y = a * 1
    y += b
    y *= b
    y -= a
    y /= b * b + 1
    y **= 2
    return y


UNARY = ["exp", "neg", "sigmoid", "tanh", "relu", "sin", "cos", "abs", "sqrt", "log"]

CASES = [
    Case("add_", lambda lib, a, b, alpha: (a * 1).add_(b, alpha=alpha), into(alpha=st.sampled_from([1, 0.5, -2.0]))),
    Case("sub_", lambda lib, a, b: (a * 1).sub_(b), into()),
    Case("mul_", lambda lib, a, b: (a * 1).mul_(b), into()),
    Case("div_", lambda lib, a, b: (a * 1).div_(b), into(), domain=[positive, away_from_zero]),
    Case("pow_", lambda lib, a, b: (a * 1).pow_(b), into(), domain=positive),
    Case("pow_-scalar", lambda lib, a, p: (a * 1).pow_(p), into(unary=True, p=st.sampled_from([2, 0.5, -1.0])), domain=positive),
    Case("inplace-unary", lambda lib, a, name: getattr(a * 1, name + "_")() * a, into(unary=True, name=st.sampled_from(UNARY)), domain=positive),
    Case("clamp_", lambda lib, a, lo, hi: (a * 1).clamp_(lo, hi), into(unary=True, lo=st.sampled_from([-0.55, None]), hi=st.sampled_from([0.45, 1.05])), domain=on_grid(0.0)),
    Case("zero_", lambda lib, a, b: (a * 1).zero_() + a * b, into()),
    Case("fill_", lambda lib, a, b: (a * 1).fill_(b.sum()) * a, into()),
    Case("copy_", lambda lib, a, b: (a * 1).copy_(b) * a, into()),
    Case("masked_fill_", lambda lib, a: (a * 1).masked_fill_(a > 0, 2.0) * a, into(unary=True), domain=away_from_zero),
    Case("relu-inplace", lambda lib, a: lib.nn.functional.relu(a * 1, inplace=True), into(unary=True), domain=away_from_zero),
    Case("leaky_relu-inplace", lambda lib, a: lib.nn.functional.leaky_relu(a * 1, 0.1, inplace=True), into(unary=True), domain=away_from_zero),
    Case("augmented-assignment", augmented, into(), domain=[away_from_zero, positive]),
    Case("inplace-on-view", write_view, view_write()),
    Case("setitem", setitem, setitem_example()),
    Case("setitem-scalar", setitem_scalar, setitem_example(scalar=True)),
    Case("gt_", lambda lib, a, b: (a * 1).gt_(b) * a * b, into(), domain=[on_grid(0.0), on_grid(0.05)]),
    Case("contiguous", lambda lib, a: a.unsqueeze(0).transpose(0, -1).contiguous() * 2, into(unary=True)),
]

#: Every other in-place method and operator is drawn by tests/test_inplace.py over the table.
COVERED_BY = {name: "tests/test_inplace.py" for name in INPLACE_METHODS if name not in {c.name for c in CASES}}
COVERED_BY.update({"__setitem__": "setitem", "uniform_": "tests/test_inplace.py", "normal_": "tests/test_inplace.py"})
