"""repr/str/format of tensors against torch's, over random values, shapes, dtypes and print options
(scratchnet prints ``scratchnet.`` where torch prints ``torch.``)."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import scratchnet as sn

DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool"]
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-5, 1e-4, 123.456, 1e8, 1.5e8, 1e10, -2.5e-7, 3.0e4,
           float("nan"), float("inf"), float("-inf"), 1 / 3, 99.99995, 9.99995e-5]


def both(array, requires_grad=False):
    ours, theirs = sn.tensor(array), torch.from_numpy(np.array(array))
    if requires_grad:
        ours.requires_grad_(), theirs.requires_grad_()
    return ours, theirs


def as_torch_text(text):
    return text.replace("scratchnet.", "torch.")


def values_for(dtype):
    if dtype == "bool":
        return st.booleans()
    if dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        return st.one_of(st.integers(int(info.min), int(info.max)), st.integers(-3, 12).filter(lambda v: info.min <= v <= info.max))
    width = 32 if dtype == "float32" else 64
    scale = st.sampled_from([1.0, 1e-6, 1e-3, 10.0, 1e3, 1e6, 1e9])
    return st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=True, allow_infinity=True, width=width),
                     st.builds(lambda v, s: v * s, st.floats(-10, 10, width=width), scale),
                     st.integers(-1000, 1000).map(float))


@st.composite
def arrays(draw):
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(st.one_of(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5),
                           st.sampled_from([(1001,), (40, 26), (3, 400), (2, 0, 3), (0,)])))
    uniform = draw(st.booleans())  # one value everywhere (all whole numbers, all zeros, ...) or a mixture
    if uniform or int(np.prod(shape)) > 200:
        fill = draw(values_for(dtype))
        a = np.full(shape, fill, dtype=dtype)
        if a.size and not uniform:
            a.flat[:: max(1, a.size // 7)] = np.array(draw(st.lists(values_for(dtype), min_size=1, max_size=1))[0]).astype(dtype)
        return a
    return draw(hnp.arrays(np.dtype(dtype), shape, elements=values_for(dtype)))


@given(arrays(), st.booleans())
def test_repr_equals_torchs(a, requires_grad):
    requires_grad = requires_grad and a.dtype.kind == "f"
    ours, theirs = both(a, requires_grad)
    assert as_torch_text(repr(ours)) == repr(theirs)
    assert as_torch_text(str(ours)) == str(theirs)


@given(arrays(), st.sampled_from([dict(precision=2), dict(sci_mode=True), dict(sci_mode=False), dict(threshold=5),
                                  dict(edgeitems=1, threshold=10), dict(linewidth=40), dict(profile="short"),
                                  dict(profile="full"), dict(edgeitems=0, threshold=3)]))
def test_repr_under_print_options_equals_torchs(a, options):
    ours, theirs = both(a)
    try:
        torch.set_printoptions(**options)
        sn.set_printoptions(**options)
        assert as_torch_text(repr(ours)) == repr(theirs)
    finally:
        torch.set_printoptions(profile="default")
        sn.set_printoptions(profile="default")


def test_graph_suffixes_and_parameters_print_as_torchs():
    x, tx = both(np.array([1.5, -2.0], dtype=np.float32), requires_grad=True)
    assert repr(x * 2) == repr(tx * 2) and repr((x * 2).sum()) == repr((tx * 2).sum())
    w, tw = sn.nn.Parameter(sn.ones(2, 3)), torch.nn.Parameter(torch.ones(2, 3))
    assert repr(w) == repr(tw)
    long_row, tlong = both(np.linspace(-1, 1, 30).astype(np.float64), requires_grad=True)
    assert as_torch_text(repr(long_row * 1)) == repr(tlong * 1).replace("MulBackward0", "MulBackward0")


@pytest.mark.parametrize("spec", [".4f", ".2e", "", "10.3f", "g"])
def test_format_on_zero_dim_tensors_equals_torchs(spec):
    for value, dtype in ((0.123456, np.float32), (3.0, np.float64), (7, np.int64)):
        ours, theirs = both(np.array(value, dtype=dtype), requires_grad=dtype is not np.int64)
        assert format(ours, spec) == format(theirs, spec)
        assert f"loss {ours:{spec}}" == f"loss {theirs:{spec}}"
    assert "{:.4f}".format(sn.tensor(0.5)) == "0.5000"
    with pytest.raises(TypeError):
        format(sn.tensor([1.0, 2.0]), ".4f")
    with pytest.raises(TypeError):
        format(torch.tensor([1.0, 2.0]), ".4f")
