"""Pinned examples from torch's own OpInfo samples (views, copies, creation, randomness) that
scratchnet once got wrong, and the ``*_copy`` functions the registry covers by one case per path:
each is run in both engines here and compared (values, dtype, shape, contiguity, node names,
gradients).
"""

import warnings

import numpy as np
import pytest
import torch

import scratchnet as sn


def _run(fn, lib, grad=False):
    """``fn(lib)`` on a fixed input (``lib.x``: a 3x4 float64 matrix, requires grad if ``grad``)."""
    x = lib.tensor(np.arange(12.0).reshape(3, 4) - 4.5, dtype=lib.float64).requires_grad_(grad)
    return x, fn(lib, x)


def _pieces(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


# --- linspace/logspace with an integer dtype: torch truncates start and end first ----------------

SPACED = [
    ("linspace", (4.3, -3, 50), {"dtype": "int64"}), ("linspace", (4.3, 50, 50), {"dtype": "int64"}),
    ("linspace", (-3.7, 50, 7), {"dtype": "int64"}), ("linspace", (0, 10, 7), {"dtype": "uint8"}),
    ("linspace", (-2.0, 4, 1), {"dtype": "float32"}), ("linspace", (1.5, 3.1, 7), {"dtype": "float32"}),
    ("logspace", (0, 1.2, 4), {"dtype": "int64"}), ("logspace", (0.5, 3.9, 4, 2.5), {"dtype": "int64"}),
    ("logspace", (0, -3, 1), {"dtype": "float32"}), ("logspace", (0, 1.2, 4, 5.0), {"dtype": "int32"}),
]


@pytest.mark.parametrize("name,args,kwargs", SPACED, ids=[f"{n}{a}{k['dtype']}" for n, a, k in SPACED])
def test_spaced_points_match_torch(name, args, kwargs):
    ours = getattr(sn, name)(*args, dtype=getattr(sn, kwargs["dtype"]))
    theirs = getattr(torch, name)(*args, dtype=getattr(torch, kwargs["dtype"]))
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_spaced_points_take_0d_tensors_and_refuse_bool():
    ours = sn.linspace(sn.tensor(4.3), sn.tensor(-3), 9, dtype=sn.int64)
    np.testing.assert_array_equal(ours.numpy(), torch.linspace(torch.tensor(4.3), torch.tensor(-3), 9, dtype=torch.int64).numpy())
    with pytest.raises(NotImplementedError):
        torch.linspace(0, 1, 3, dtype=torch.bool)
    with pytest.raises(NotImplementedError):
        sn.linspace(0, 1, 3, dtype=sn.bool)


# --- random ops in the graph: zero gradients, torch's node names ---------------------------------

RANDOM = {
    "normal(T, T)": lambda lib, m, s: lib.normal(m, s),
    "normal(T, float)": lambda lib, m, s: lib.normal(m, 1.1),
    "normal(float, T)": lambda lib, m, s: lib.normal(2.7, s),
    "bernoulli(T)": lambda lib, m, s: lib.bernoulli(s / 4),
}


@pytest.mark.parametrize("name", list(RANDOM))
def test_random_ops_record_a_zero_gradient(name):
    results = []
    for lib in (sn, torch):
        lib.manual_seed(42)
        m = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        s = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        y = RANDOM[name](lib, m, s)
        grads = lib.autograd.grad((y * lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)).sum(), [m, s], allow_unused=True)
        results.append((y.detach().numpy(), y.grad_fn.name(), [None if g is None else g.numpy().tolist() for g in grads]))
    (ours, our_name, our_grads), (theirs, their_name, their_grads) = results
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert our_name == their_name
    assert [g or [0.0] * 3 for g in our_grads] == [g or [0.0] * 3 for g in their_grads]


def test_bernoulli_with_a_scalar_p_has_no_derivative():
    for lib in (sn, torch):
        y = lib.bernoulli(lib.tensor([0.2, 0.4], requires_grad=True), 0.5)
        assert y.requires_grad
        with pytest.raises(RuntimeError, match="not implemented"):
            y.sum().backward()


# --- the *_copy functions: the view's values, fresh row-major memory, torch's node name ----------

COPIES = {
    "alias_copy": lambda lib, x: lib.alias_copy(x),
    "as_strided_copy": lambda lib, x: lib.as_strided_copy(x, (2, 3), (1, 4), 1),
    "detach_copy": lambda lib, x: lib.detach_copy(x),
    "diagonal_copy": lambda lib, x: lib.diagonal_copy(x, 1),
    "expand_copy": lambda lib, x: lib.expand_copy(x[:1], (2, 3, 4)),
    "narrow_copy": lambda lib, x: lib.narrow_copy(x, 1, 1, 2),
    "Tensor.narrow_copy": lambda lib, x: x.narrow_copy(0, 1, 2),
    "permute_copy": lambda lib, x: lib.permute_copy(x, (1, 0)),
    "select_copy": lambda lib, x: lib.select_copy(x, 1, -1),
    "slice_copy": lambda lib, x: lib.slice_copy(x, 1, 1, None, 2),
    "split_copy": lambda lib, x: lib.split_copy(x, 3, 1),
    "split_with_sizes_copy": lambda lib, x: lib.split_with_sizes_copy(x, [1, 2], 0),
    "squeeze_copy": lambda lib, x: lib.squeeze_copy(x[:1], 0),
    "squeeze_copy()": lambda lib, x: lib.squeeze_copy(x[:1]),
    "squeeze_copy(dims)": lambda lib, x: lib.squeeze_copy(x[:1, None], (0, 1)),
    "t_copy": lambda lib, x: lib.t_copy(x),
    "transpose_copy": lambda lib, x: lib.transpose_copy(x, 0, -1),
    "unbind_copy": lambda lib, x: lib.unbind_copy(x, 1),
    "unfold_copy": lambda lib, x: lib.unfold_copy(x, 1, 2, 1),
    "unsqueeze_copy": lambda lib, x: lib.unsqueeze_copy(x, 1),
    "view_copy": lambda lib, x: lib.view_copy(x, (6, 2)),
    "unsafe_chunk": lambda lib, x: lib.unsafe_chunk(x, 2, 1),
    "unsafe_split": lambda lib, x: lib.unsafe_split(x, 2, 0),
    "unsafe_split_with_sizes": lambda lib, x: lib.unsafe_split_with_sizes(x, [3, 1], 1),
    "Tensor.unsafe_split": lambda lib, x: x.unsafe_split(3, 1),
    "as_strided": lambda lib, x: lib.as_strided(x, (3, 2), (2, 3), 2),
    "H": lambda lib, x: x.H,
    "mH": lambda lib, x: x.reshape(2, 3, 2).mH,
}


@pytest.mark.parametrize("name", list(COPIES))
def test_copies_and_views_match_torch(name):
    (sx, ours), (tx, theirs) = _run(COPIES[name], sn, grad=True), _run(COPIES[name], torch, grad=True)
    ours, theirs = _pieces(ours), _pieces(theirs)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
        assert a.stride() == b.stride() and a.requires_grad == b.requires_grad
        if name.endswith("_copy"):
            # (torch names its node without a derivative "torch::autograd::NotImplemented")
            assert a.grad_fn is None or a.grad_fn.name() == b.grad_fn.name().replace("torch::autograd::", "")
            assert a.data_ptr() != sx.data_ptr()
    wanted = [i for i, b in enumerate(theirs) if b.requires_grad and not b.grad_fn.name().endswith("NotImplemented")]
    if wanted:
        cot = [np.linspace(-1, 1, theirs[i].numel()).reshape(tuple(theirs[i].shape)) for i in wanted]
        (tg,) = torch.autograd.grad(sum((theirs[i] * torch.tensor(c)).sum() for i, c in zip(wanted, cot)), [tx])
        (sg,) = sn.autograd.grad(sum((ours[i] * sn.tensor(c)).sum() for i, c in zip(wanted, cot)), [sx])
        np.testing.assert_allclose(sg.numpy(), tg.numpy(), rtol=1e-12)


def test_as_strided_reads_its_base_memory_and_checks_bounds():
    """A view of a larger block: as_strided's offset counts from the block's start (OpInfo's
    partial views), and a view past the block's end is torch's RuntimeError."""
    base_t, base_s = torch.arange(20.0), sn.arange(20.0)
    for size, stride, offset in [((2, 2), (1, 2), None), ((2, 2), (1, 2), 0), ((2, 2), (1, 2), 10)]:
        theirs = base_t[5:15].as_strided(size, stride, offset)
        ours = base_s[5:15].as_strided(size, stride, offset)
        assert ours.tolist() == theirs.tolist()
    for lib, base in ((torch, base_t), (sn, base_s)):
        with pytest.raises(RuntimeError):
            base[5:15].as_strided((2, 2), (1, 2), 18)


def test_as_strided_in_place_and_its_writes_share_memory():
    for lib in (sn, torch):
        x = lib.zeros(6)
        y = x.as_strided((2, 2), (1, 2))
        y[1, 1] = 5.0
        assert x.tolist() == [0.0, 0.0, 0.0, 5.0, 0.0, 0.0]
        z = lib.arange(6.0)
        assert z.as_strided_((3,), (2,)) is z and z.tolist() == [0.0, 2.0, 4.0]


def test_as_strided_scatter_gradient_is_the_true_one():
    """torch's backward of as_strided_scatter is wrong (its own gradcheck fails on OpInfo's
    samples); ours agrees with finite differences, and the forward with torch's."""
    x = sn.tensor(np.linspace(-1, 1, 9).reshape(3, 3), requires_grad=True)
    src = sn.tensor(np.linspace(2, 3, 4).reshape(2, 2), requires_grad=True)
    assert sn.autograd.gradcheck(lambda a, b: sn.as_strided_scatter(a, b, (2, 2), (1, 2), 1), (x, src))
    theirs = torch.as_strided_scatter(torch.tensor(x.detach().numpy()), torch.tensor(src.detach().numpy()), (2, 2), (1, 2), 1)
    np.testing.assert_array_equal(sn.as_strided_scatter(x, src, (2, 2), (1, 2), 1).detach().numpy(), theirs.numpy())
    np.testing.assert_array_equal(x.as_strided_scatter(src, (2, 2), (1, 2), 1).detach().numpy(), theirs.numpy())


@pytest.mark.parametrize("attr", ["H", "mH", "mT"])
def test_conjugate_transposes_refuse_vectors_and_pass_0d(attr):
    for lib in (sn, torch):
        with pytest.raises(RuntimeError, match=f"tensor.{attr} is only supported"):
            getattr(lib.ones(3), attr)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert getattr(lib.tensor(2.0), attr).tolist() == 2.0


def test_fill_refuses_a_tensor_value_with_dims_and_keeps_the_dtype():
    for lib in (sn, torch):
        with pytest.raises(RuntimeError):
            lib.fill(lib.zeros(2), lib.ones(2))
    ours, theirs = sn.fill(sn.zeros(3, dtype=sn.int64), 2.7), torch.fill(torch.zeros(3, dtype=torch.int64), 2.7)
    assert ours.tolist() == theirs.tolist() and str(ours.dtype).endswith("int64")
    v = sn.tensor(1.5, requires_grad=True)
    (g,) = sn.autograd.grad(sn.fill(sn.zeros(2, 3), v).sum(), [v])
    assert g.item() == 6.0


# --- torch.signal.windows ------------------------------------------------------------------------

WINDOWS = {
    "bartlett": {}, "blackman": {}, "cosine": {}, "hamming": {}, "hann": {}, "nuttall": {},
    "exponential": {"tau": 2.78}, "gaussian": {"std": 1.92}, "general_cosine": {"a": [0.46, 0.23, 0.31]},
    "general_hamming": {"alpha": 0.6}, "kaiser": {"beta": 7.5},
}


@pytest.mark.parametrize("name", list(WINDOWS))
def test_signal_windows_match_torch(name):
    for M in range(0, 6):
        for sym in (True, False):
            for dtype in ("float32", "float64"):
                ours = getattr(sn.signal.windows, name)(M, sym=sym, dtype=getattr(sn, dtype), **WINDOWS[name])
                theirs = getattr(torch.signal.windows, name)(M, sym=sym, dtype=getattr(torch, dtype), **WINDOWS[name])
                assert str(ours.dtype).endswith(dtype)
                np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=2e-6 if dtype == "float32" else 1e-12, atol=1e-7)
    ours, theirs = getattr(sn.signal.windows, name)(4, requires_grad=True, **WINDOWS[name]), getattr(torch.signal.windows, name)(4, requires_grad=True, **WINDOWS[name])
    assert ours.requires_grad == theirs.requires_grad and ours.grad_fn.name() == theirs.grad_fn.name()


@pytest.mark.parametrize("call", [
    lambda w, lib: w.hann(3, dtype=lib.int64), lambda w, lib: w.bartlett(-1), lambda w, lib: w.kaiser(4, beta=-1.0),
    lambda w, lib: w.gaussian(4, std=0.0), lambda w, lib: w.exponential(4, tau=-1.0), lambda w, lib: w.exponential(4, center=1.0),
    lambda w, lib: w.general_cosine(3, a=[]), lambda w, lib: w.general_cosine(3, a=1.0),
])
def test_signal_windows_refuse_as_torch(call):
    errors = []
    for lib in (sn, torch):
        with pytest.raises(Exception) as info:
            call(lib.signal.windows, lib)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]


# --- uninitialised factories: shape, dtype and strides as torch's (values are not compared) ------

EMPTIES = {
    "empty((1, 0, 5, 1))": lambda lib: lib.empty((1, 0, 5, 1)),
    "empty(0)": lambda lib: lib.empty(0, dtype=lib.int64),
    "empty_like(0x5x0)": lambda lib: lib.empty_like(lib.zeros(0, 5, 0)),
    "empty_strided((5,), (4,))": lambda lib: lib.empty_strided((5,), (4,)),
    "empty_strided((5, 5, 5), (2, 0, 1))": lambda lib: lib.empty_strided((5, 5, 5), (2, 0, 1)),
    "new_empty_strided((2, 3), (7, 8))": lambda lib: lib.ones(5).new_empty_strided((2, 3), (7, 8), dtype=lib.float64),
    "new_empty((2, 0))": lambda lib: lib.ones(5, 5).new_empty((2, 0)),
    "empty_permuted((2, 3, 4), (2, 0, 1))": lambda lib: lib.empty_permuted((2, 3, 4), (2, 0, 1)),
    "empty_permuted((2, 0, 4), (2, 0, 1))": lambda lib: lib.empty_permuted((2, 0, 4), (2, 0, 1), dtype=lib.int64),
    "empty_permuted((), ())": lambda lib: lib.empty_permuted((), ()),
    "zeros((3, 0, 2))": lambda lib: lib.zeros(3, 0, 2),
}


@pytest.mark.parametrize("name", list(EMPTIES))
def test_uninitialised_factories_lay_out_as_torch(name):
    ours, theirs = EMPTIES[name](sn), EMPTIES[name](torch)
    assert tuple(ours.shape) == tuple(theirs.shape) and ours.stride() == theirs.stride()
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]


@pytest.mark.parametrize("call", [
    lambda lib: lib.empty_permuted((2, 3), (0,)), lambda lib: lib.empty_permuted((2, 3), (0, 0)),
    lambda lib: lib.empty_permuted((2, 3), (0, 2)), lambda lib: lib.empty_strided((2, 3), (1,)),
    lambda lib: lib.empty_strided((2, -3), (1, 1)), lambda lib: lib.empty_strided((2, 3), (1, -1)),
])
def test_strided_factories_refuse_as_torch(call):
    for lib in (sn, torch):
        with pytest.raises(RuntimeError):
            call(lib)


# --- the factories' out=: made in out's dtype, out resized and returned (it was ignored) --------

FACTORIES_OUT = {
    "zeros": lambda lib, out: lib.zeros(3, out=out), "ones": lambda lib, out: lib.ones(2, 2, out=out),
    "full": lambda lib, out: lib.full((2,), 1.5, out=out), "eye": lambda lib, out: lib.eye(2, out=out),
    "arange": lambda lib, out: lib.arange(3, out=out), "linspace": lambda lib, out: lib.linspace(0, 1, 3, out=out),
    "logspace": lambda lib, out: lib.logspace(0, 1, 2, out=out), "empty": lambda lib, out: lib.empty(0, 2, out=out),
    "rand": lambda lib, out: (lib.manual_seed(0), lib.rand(3, out=out))[1],
    "randn": lambda lib, out: (lib.manual_seed(0), lib.randn(3, out=out))[1],
    "randint": lambda lib, out: (lib.manual_seed(0), lib.randint(5, (3,), out=out))[1],
}


@pytest.mark.filterwarnings("ignore:The number of elements in the out tensor")  # (torch's arange on a non-empty out)
@pytest.mark.parametrize("name", list(FACTORIES_OUT))
@pytest.mark.parametrize("dtype", ["float64", "int64", "bool"])
def test_factories_write_out_as_torch(name, dtype):
    results = []
    for lib in (sn, torch):
        out = lib.ones(1, dtype=getattr(lib, dtype))
        try:
            r = FACTORIES_OUT[name](lib, out)
        except Exception as e:  # noqa: BLE001 (the type is what is compared)
            results.append(type(e).__name__)
            continue
        assert r is out
        results.append((str(out.dtype).split(".")[-1], tuple(out.shape), out.stride(), out.tolist() if name != "empty" else None))
    assert results[0] == results[1]


def test_factories_refuse_a_dtype_other_than_outs():
    for lib in (sn, torch):
        with pytest.raises(RuntimeError, match="does not match dtype of out parameter"):
            lib.zeros(3, out=lib.empty(0, dtype=lib.float64), dtype=lib.int64)


# --- discrete ranges checked against the dtype (they once wrapped silently) ----------------------

RANGES = {
    "randint(5, bool)": lambda lib: lib.randint(5, (3,), dtype=lib.bool),
    "randint(2, bool)": lambda lib: lib.randint(2, (3,), dtype=lib.bool),
    "randint(-1, 300, uint8)": lambda lib: lib.randint(-1, 300, (3,), dtype=lib.uint8),
    "randint(0, 300, uint8)": lambda lib: lib.randint(0, 300, (3,), dtype=lib.uint8),
    "randint(0, 3.5)": lambda lib: lib.randint(0, 3.5, (3,)),
    "randint_like(bool, 5)": lambda lib: lib.randint_like(lib.ones(2, dtype=lib.bool), 5),
    "uint8.random_(0, 300)": lambda lib: lib.ones(3, dtype=lib.uint8).random_(0, 300),
    "uint8.random_(0, 256)": lambda lib: lib.ones(3, dtype=lib.uint8).random_(0, 256),
    "int32.random_(-2**31 - 1, 5)": lambda lib: lib.ones(3, dtype=lib.int32).random_(-2**31 - 1, 5),
    "randint(int64 extremes)": lambda lib: lib.randint(-2**63, 2**63 - 1, (2,)),
}


@pytest.mark.parametrize("name", list(RANGES))
def test_discrete_ranges_are_checked_against_the_dtype(name):
    results = []
    for lib in (sn, torch):
        lib.manual_seed(0)
        try:
            results.append(RANGES[name](lib).tolist())
        except Exception as e:  # noqa: BLE001 (the type and message are what is compared)
            results.append((type(e).__name__, str(e)[:30]))
    assert results[0] == results[1]


# --- *_like results keep a dense input's layout (preserve_format), so the draws land as torch's --

LIKES = {
    "rand_like": lambda lib, x: lib.rand_like(x), "randn_like": lambda lib, x: lib.randn_like(x),
    "randint_like": lambda lib, x: lib.randint_like(x, 3, 10), "empty_like": lambda lib, x: lib.empty_like(x),
    "zeros_like": lambda lib, x: lib.zeros_like(x), "ones_like": lambda lib, x: lib.ones_like(x),
    "full_like": lambda lib, x: lib.full_like(x, 2.5),
}


@pytest.mark.parametrize("name", list(LIKES))
@pytest.mark.parametrize("layout", ["transposed", "permuted", "sliced", "size-1 dims", "sliced and permuted", "expanded", "empty"])
def test_like_factories_keep_the_layout_as_torch(name, layout):
    results = []
    for lib in (sn, torch):
        base = lib.zeros(4, 5, 6)
        x = {"transposed": base[0].t(), "permuted": base.permute(2, 0, 1), "sliced": base[:, ::2],
             "size-1 dims": base[:, :1].permute(2, 1, 0), "sliced and permuted": base.permute(1, 2, 0)[::2],
             "expanded": base[:1].expand(3, 5, 6), "empty": base[:, :0].permute(2, 0, 1)}[layout]
        lib.manual_seed(0)
        out = LIKES[name](lib, x)
        results.append((out.stride(), None if name == "empty_like" else out.tolist()))
    assert results[0] == results[1]


# --- OpInfo's error inputs: torch's exception type and message -----------------------------------

ERRORS = {
    "linspace(1-D, 1-D)": lambda lib: lib.linspace(lib.ones(2), lib.ones(2), 3),
    "linspace(0-D, 1-D)": lambda lib: lib.linspace(lib.ones(()), lib.ones(2), 3),
    "logspace(1-D, 1)": lambda lib: lib.logspace(lib.ones(2), 1, 3),
    "narrow_copy(dim=ndim)": lambda lib: lib.narrow_copy(lib.ones(2, 3), 2, 0, 1),
    "cauchy_(sigma=-1)": lambda lib: lib.ones(3).cauchy_(0, -1),
    "cauchy_(sigma=0)": lambda lib: lib.ones(3).cauchy_(0, 0),
    "multinomial(out=float)": lambda lib: lib.multinomial(lib.ones(1, 2), 2, out=lib.empty(1, 2)),
    "as_strided_scatter(out of bounds)": lambda lib: lib.as_strided_scatter(lib.ones(4, 4), lib.ones(2, 2), [2, 2], [200, 200]),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_inputs_raise_as_torch(name):
    errors = []
    for lib in (sn, torch):
        with pytest.raises(Exception) as info:
            ERRORS[name](lib)
        errors.append((type(info.value).__name__, str(info.value).split("  (Could this")[0]))
    assert errors[0] == errors[1]
