"""Both column layouts of the convolution (scratchnet/ops/conv.py) against torch: the compact one
and, for stride 1, the one laid out by padded rows, whose wrapped positions must add nothing,
even beside inf and NaN values (the backward falls back to compact columns there). The layout
each layer gets is a speed choice; here each is forced on every geometry drawn."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet.ops import conv

SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0]


@st.composite
def geometries(draw):
    groups = draw(st.sampled_from([1, 1, 2]))
    c, o = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), 7))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), 7))
    n = draw(st.integers(1, 3))
    return dict(n=n, c=c, h=h, w=w, o=o, kernel=(kh, kw), dilation=(dh, dw), padding=(ph, pw), groups=groups)


@pytest.mark.parametrize("rows", [False, True])
@settings(max_examples=40, deadline=None)
@given(geometries(), st.sampled_from(["float32", "float64"]), st.integers(0, 2**32 - 1), st.sampled_from([None, "x", "w", "g"]))
def test_each_column_layout_agrees_with_torch(rows, geo, dtype, seed, special):
    if special == "w":  # torch itself differs where a padding zero meets an inf weight (tests/registry.py NARROWED)
        geo["padding"] = (0, 0)
        geo["h"], geo["w"] = max(geo["h"], geo["dilation"][0] * (geo["kernel"][0] - 1) + 1), max(geo["w"], geo["dilation"][1] * (geo["kernel"][1] - 1) + 1)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((geo["n"], geo["c"], geo["h"], geo["w"])).astype(dtype)
    w = rng.standard_normal((geo["o"], geo["c"] // geo["groups"], *geo["kernel"])).astype(dtype)
    kwargs = dict(padding=geo["padding"], dilation=geo["dilation"], groups=geo["groups"])
    out_shape = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), **kwargs).shape
    g = rng.standard_normal(tuple(out_shape)).astype(dtype)
    target = {"x": x, "w": w, "g": g}.get(special)
    if target is not None:  # one special value somewhere: the wrapped positions must not spread it
        target.flat[rng.integers(target.size)] = rng.choice(SPECIAL)
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w)]
    expected = torch.nn.functional.conv2d(*theirs, **kwargs)
    expected.backward(torch.tensor(g))
    saved = conv._row_shifted
    conv._row_shifted = lambda geometry, *_: rows and geometry.stride == (1, 1)
    try:
        ours = [sn.tensor(a, requires_grad=True) for a in (x, w)]
        got = sn.nn.functional.conv2d(*ours, **kwargs)
        got.backward(sn.tensor(g))
    finally:
        conv._row_shifted = saved
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    for a, b in ((got, expected), (ours[0].grad, theirs[0].grad), (ours[1].grad, theirs[1].grad)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), **tol)
