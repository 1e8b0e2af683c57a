"""Twins against torch for the top-level functions and Tensor methods of ops/shape_extra.py,
ops/signal_windows.py, ops/pointwise_extra.py, ops/stats_extra.py and ops/scatter_extra.py that
the parity registry cannot express: shape arithmetic without tensors, errors, in-place
metadata edits (version counters, leaves, views), torch's own backward quirks.
"""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import scratchnet as sn


def outcome(fn, lib):
    """``fn(lib)``'s value as nested lists (a tuple of tensors as a list of them), or the type of
    the exception it raised."""
    try:
        out = fn(lib)
    except Exception as e:  # noqa: BLE001 (the type is what is compared)
        return type(e).__name__
    if isinstance(out, tuple):
        return [o.tolist() if hasattr(o, "tolist") else o for o in out]
    return out.tolist() if hasattr(out, "tolist") else out


def same(fn):
    ours, theirs = outcome(fn, sn), outcome(fn, torch)
    assert ours == theirs, (ours, theirs)
    return ours


# --- shape_extra -------------------------------------------------------------------------------

sizes = st.lists(st.integers(0, 3), max_size=3).map(tuple)


@settings(max_examples=25)
@given(shapes=st.lists(st.one_of(sizes, st.integers(0, 3)), max_size=3))
def test_broadcast_shapes(shapes):
    out = same(lambda lib: tuple(lib.broadcast_shapes(*shapes)))
    if not isinstance(out, str):
        assert type(sn.broadcast_shapes(*shapes)).__name__ == "Size"


@settings(max_examples=25)
@given(shape=st.lists(st.integers(0, 4), max_size=3).map(tuple), flat=st.lists(st.integers(-30, 30), max_size=4),
       dtype=st.sampled_from(["int64", "int32", "float32"]), zero_d=st.booleans())
def test_unravel_index(shape, flat, dtype, zero_d):
    values = np.array(flat[:1] if zero_d and flat else flat, dtype=dtype)
    if zero_d and flat:
        values = values.reshape(())
    same(lambda lib: lib.unravel_index(lib.tensor(values), shape))


def test_unravel_index_refuses_negative_shapes_and_non_tensors():
    same(lambda lib: lib.unravel_index(lib.tensor([1]), (2, -4)))
    with pytest.raises(TypeError):
        sn.unravel_index(5, (3, 3))


@pytest.mark.parametrize("call", [
    lambda lib: lib.rot90(lib.ones(3), 1),
    lambda lib: lib.rot90(lib.ones(2, 3), 1, [0]),
    lambda lib: lib.rot90(lib.ones(2, 3), 1, [1, -1]),
    lambda lib: lib.rot90(lib.ones(2, 3), 1, [0, 2]),
    lambda lib: lib.block_diag(lib.ones(2, 2, 2)),
    lambda lib: lib.block_diag(),
    lambda lib: lib.cartesian_prod(lib.ones(2, 2)),
    lambda lib: lib.combinations(lib.ones(2, 2)),
    lambda lib: lib.combinations(lib.arange(3), 5),
    lambda lib: lib.vander(lib.ones(2, 2)),
    lambda lib: lib.vander(lib.ones(2), N=-1),
    lambda lib: lib.vander(lib.tensor([True, False])),
    lambda lib: lib.trapezoid(lib.ones(2, 3), lib.ones(3), dim=0),
    lambda lib: lib.trapezoid(lib.tensor([True, False])),
    lambda lib: lib.cumulative_trapezoid(lib.ones(0, dtype=lib.bool)),
    lambda lib: lib.ones(2, 3).sum_to_size(2),
    lambda lib: lib.ones(2, 3).t_().transpose_(0, 1).unsqueeze_(-1).squeeze_(),
    lambda lib: lib.ones(2, 3, 4).t_(),
    lambda lib: lib.ones(2, 3).unsqueeze_(3),
    lambda lib: lib.ones(2, 3, 4).swapaxes_(0, -1).swapdims_(1, 0),
    lambda lib: lib.concatenate([lib.ones(2, 1), lib.zeros(2, 2)], axis=1),
    lambda lib: lib.concatenate([lib.ones(2, 1), lib.zeros(2, 2)], axis=-1),
    lambda lib: lib.trapz(lib.tensor([1.0, 2.0, 4.0]), lib.tensor([0.0, 1.0, 3.0])),
    lambda lib: lib.trapz(lib.tensor([1.0, 2.0, 4.0]), dx=0.5),
])
def test_shape_functions_values_and_errors(call):
    same(call)


def test_vander_backward_refuses_as_torch():
    for lib in (sn, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        v = lib.vander(x)
        assert v.requires_grad
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            v.sum().backward()
        assert not lib.vander(x, N=1).requires_grad


def test_block_diag_backward_reads_past_an_empty_vector_as_torch():
    grads = []
    for lib in (sn, torch):
        blocks = [lib.ones(2, requires_grad=True), lib.ones(0, requires_grad=True), lib.tensor(3.0, requires_grad=True)]
        out = lib.block_diag(*blocks)
        g = lib.arange(out.numel(), dtype=lib.float32).reshape(out.shape)
        grads.append([x.tolist() for x in lib.autograd.grad(out, blocks, g)])
    assert grads[0] == grads[1]


def test_in_place_shape_edits_bump_the_version_and_keep_the_graph():
    for lib in (sn, torch):
        x = lib.ones(2, 3, requires_grad=True)
        y = x * 2
        before = y._version
        assert y.t_() is y and y.shape == (3, 2) and y._version == before + 1
        y.unsqueeze_(0).squeeze_(0).transpose_(0, 1)
        (y * lib.arange(3.0)).sum().backward()
        assert x.grad.tolist() == [[0.0, 2.0, 4.0], [0.0, 2.0, 4.0]]
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            lib.ones(2, 1, requires_grad=True).squeeze_()
        with lib.no_grad():
            lib.ones(2, 1, requires_grad=True).squeeze_()  # allowed outside the graph


def test_in_place_shape_edit_of_a_view_stays_a_view():
    for lib in (sn, torch):
        base = lib.zeros(2, 3)
        v = base[0]
        v.unsqueeze_(0)
        assert v.shape == (1, 3) and v._base is base
        v.mul_(0).add_(5)
        assert base.tolist() == [[5.0, 5.0, 5.0], [0.0, 0.0, 0.0]]
        b = lib.ones(2, 3, requires_grad=True) * 1
        w = b.view(6)
        w.unsqueeze_(0)
        w.mul_(lib.arange(6.0).reshape(1, 6))
        assert b.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


@pytest.mark.parametrize("name", ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"])
def test_window_errors_and_flags(name):
    same(lambda lib: getattr(lib, name)(3, dtype=lib.int64))
    same(lambda lib: getattr(lib, name)(-1))
    for lib in (sn, torch):
        w = getattr(lib, name)(3, requires_grad=True)
        assert w.requires_grad and w.is_leaf and w.dtype == lib.float32


# --- pointwise_extra ---------------------------------------------------------------------------

from scratchnet.ops.pointwise_extra import _TOP_LEVEL_INPLACE  # noqa: E402

_INPLACE_ARGS = {  # the arguments after the tensor, as functions of the library
    "clamp_": lambda lib: (-0.5, 0.5), "clamp_max_": lambda lib: (0.25,), "clamp_min_": lambda lib: (0.25,),
    "clip_": lambda lib: (-0.5, 0.5), "fill_": lambda lib: (2.5,), "xlogy_": lambda lib: (lib.tensor([2.0, 3.0, 0.5]),),
    "addmv_": lambda lib: (lib.ones(3, 2), lib.tensor([1.0, -2.0])),
    "index_put_": lambda lib: ((lib.tensor([0, 2]),), lib.tensor([7.0, 8.0])),
}


@pytest.mark.parametrize("name", sorted(_TOP_LEVEL_INPLACE))
def test_top_level_in_place_functions(name):
    assert callable(getattr(torch, name))  # each is a torch function
    results = []
    for lib in (sn, torch):
        x = lib.tensor([0.25, 0.5, 0.75])
        args = _INPLACE_ARGS.get(name, lambda lib: ())(lib)
        out = getattr(lib, name)(x, *args)
        assert out is x
        results.append(x.tolist())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)


def test_in_place_forms_of_the_new_ops():
    for name, a, b in [("gcd_", [4, 6], [6, 9]), ("lcm_", [4, 6], [6, 9]), ("ldexp_", [1.0, 3.0], [2.0, -1.0]),
                       ("nextafter_", [1.0, 2.0], [2.0, 2.0]), ("heaviside_", [-1.0, 0.0], [0.5, 0.5])]:
        got = []
        for lib in (sn, torch):
            x = lib.tensor(a)
            assert getattr(x, name)(lib.tensor(b)) is x
            got.append(x.tolist())
        assert got[0] == got[1], name
    same(lambda lib: lib.tensor([1, 2]).ldexp_(lib.tensor([1, 1])))  # an int result can't go back in


def test_conjugation_no_ops_and_detach():
    for lib in (sn, torch):
        x = lib.ones(2, requires_grad=True) * 2
        for name in ("conj", "resolve_conj", "resolve_neg", "conj_physical", "conj_physical_"):
            assert getattr(lib, name)(x) is x and getattr(x, name)() is x
        assert not x.is_conj() and not x.is_neg() and not lib.is_conj(x) and not lib.is_neg(x)
        d = lib.detach(x)
        assert not d.requires_grad and d._version == x._version
        y = x.detach()
        lib.detach_(y)


def test_heaviside_refuses_backward_and_mixed_dtypes():
    for lib in (sn, torch):
        x = lib.tensor([1.0, -1.0], requires_grad=True)
        out = lib.heaviside(x, lib.tensor([0.5]))
        assert out.requires_grad
        with pytest.raises(RuntimeError, match="heaviside"):
            out.sum().backward()
    same(lambda lib: lib.heaviside(lib.tensor([1.0]), lib.tensor([1.0], dtype=lib.float64)))
    same(lambda lib: lib.heaviside(lib.tensor([1.0]), 0.5))


@pytest.mark.parametrize("call", [
    lambda lib: lib.isin(3, lib.tensor([3, 4])),
    lambda lib: lib.isin(lib.tensor([3.0, float("nan")]), 3),
    lambda lib: lib.isin(lib.tensor([1, 300]), lib.tensor([44], dtype=lib.uint8)),
    lambda lib: lib.isin(lib.tensor([True]), lib.tensor([1])),
    lambda lib: lib.isin(lib.tensor([1.0, float("nan")]), lib.tensor([float("nan")])),
    lambda lib: lib.isin(3, 3),
    lambda lib: lib.frexp(lib.tensor([1, 2])),
    lambda lib: lib.logaddexp(lib.tensor([1.0]), 2.0),
    lambda lib: lib.gcd(lib.tensor([2.0]), lib.tensor([4.0])),
    lambda lib: lib.lcm(lib.tensor([2 ** 40]), lib.tensor([2 ** 40 + 1])),
    lambda lib: lib.lcm(lib.tensor([200], dtype=lib.uint8), lib.tensor([3], dtype=lib.uint8)),
])
def test_pointwise_values_and_errors(call):
    same(call)


# --- stats_extra, scatter_extra, tensor_extra ----------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda lib: lib.quantile(lib.ones(0), 0.5),
    lambda lib: lib.quantile(lib.ones(3, dtype=lib.int64), 0.5),
    lambda lib: lib.quantile(lib.ones(3), 1.5),
    lambda lib: lib.nanquantile(lib.ones(3), -0.5),
    lambda lib: lib.quantile(lib.ones(3), lib.tensor([0.5], dtype=lib.float64)),
    lambda lib: lib.quantile(lib.ones(3), lib.tensor([[0.5]])),
    lambda lib: lib.quantile(lib.ones(3), lib.tensor([0.5, 2.0])),
    lambda lib: lib.quantile(lib.ones(3), 0.5, interpolation="foo"),
    lambda lib: lib.nanquantile(lib.full((2, 3), float("nan")), 0.5, dim=1),
    lambda lib: lib.quantile(lib.tensor(3.0), lib.tensor([0.5]), dim=0, keepdim=True),
    lambda lib: lib.cov(lib.ones(2, 2, 2)),
    lambda lib: lib.cov(lib.tensor([True, False])),
    lambda lib: lib.cov(lib.tensor([1.0, 2.0]), fweights=lib.tensor([1.0, 2.0])),
    lambda lib: lib.cov(lib.tensor([1.0, 2.0]), fweights=lib.tensor([1, -2])),
    lambda lib: lib.cov(lib.tensor([1.0, 2.0]), aweights=lib.tensor([1, 2])),
    lambda lib: lib.cov(lib.tensor([1.0, 2.0]), aweights=lib.tensor([1.0])),
    lambda lib: lib.cov(lib.tensor([1, 2, 4]), aweights=lib.tensor([0.5, 1.0, 2.0], dtype=lib.float64)),
    lambda lib: lib.corrcoef(lib.tensor([1.0, 2.0, 4.0])),
    lambda lib: lib.histogram(lib.tensor([1, 2]), 3),
    lambda lib: lib.histogram(lib.tensor([1.0, float("nan")]), 3),
    lambda lib: lib.histogram(lib.tensor([1.0, float("inf")]), 3),
    lambda lib: lib.histogram(lib.tensor([1.0, 2.0]), 2, weight=lib.tensor([2.0, 3.0])),
    lambda lib: lib.histogram(lib.tensor([1.0]), lib.tensor([0.0], dtype=lib.float64)),
    lambda lib: lib.histogram(lib.ones(0), 3),
    lambda lib: lib.dist(lib.tensor([1, 2]), lib.tensor([3, 5])),
    lambda lib: lib.dist(lib.ones(0), lib.ones(0), float("inf")),
    lambda lib: lib.select_scatter(lib.zeros(2, 2), lib.ones(2), 0, 5),
    lambda lib: lib.select_scatter(lib.zeros(2, 2), lib.ones(3), 0, 0),
    lambda lib: lib.slice_scatter(lib.zeros(3, 3), lib.ones(3, 1), 1, 0, 3, 2),
    lambda lib: lib.diagonal_scatter(lib.zeros(3, 3), lib.ones(2)),
    lambda lib: lib.diagonal_scatter(lib.zeros(3), lib.ones(2)),
    lambda lib: lib.put(lib.zeros(2), lib.tensor([0]), lib.tensor([1.0], dtype=lib.float64)),
    lambda lib: lib.put(lib.zeros(2), lib.tensor([0], dtype=lib.int32), lib.tensor([1.0])),
    lambda lib: lib.put(lib.zeros(2), lib.tensor([0, 1]), lib.tensor([1.0])),
    lambda lib: lib.zeros(2, 2).put_(lib.tensor([4]), lib.tensor([1.0])),
    lambda lib: lib.zeros(5, 2).fill_diagonal_(1, wrap=True),
    lambda lib: lib.zeros(2, 3, 2).fill_diagonal_(1),
    lambda lib: lib.zeros(3).fill_diagonal_(1),
    lambda lib: lib.renorm(lib.ones(3), 2, 0, 1.0),
    lambda lib: lib.renorm(lib.ones(2, 2), -1, 0, 1.0),
    lambda lib: lib.renorm(lib.ones(2, 2), 2, 0, -1.0),
    lambda lib: lib.renorm(lib.tensor([[1, 2]]), 2, 0, 1.0),
    lambda lib: lib.ones(5, 2).index_reduce(0, lib.tensor([0, 7]), lib.ones(2, 2), "prod"),
    lambda lib: lib.ones(5, 2).index_reduce(0, lib.tensor([-1]), lib.ones(1, 2), "prod"),
    lambda lib: lib.ones(5, 2).index_reduce(0, lib.tensor([0]), lib.ones(1, 2), "sum"),
    lambda lib: lib.ones(5, 2, dtype=lib.int64).index_reduce(0, lib.tensor([0, 0, 2]), lib.tensor([[2, 3], [4, 5], [6, 7]]), "mean"),
    lambda lib: lib.ones(5, 2).index_reduce(0, lib.tensor([0, 0]), lib.tensor([[2.0, 3], [4, 5]]), "amin", include_self=False),
])
@pytest.mark.filterwarnings("ignore")
def test_stats_and_scatter_values_and_errors(call):
    ours, theirs = outcome(call, sn), outcome(call, torch)
    if isinstance(ours, list) and isinstance(theirs, list):
        if isinstance(call(torch), tuple):  # (hist, bin_edges): each compared
            assert len(ours) == len(theirs)
            pairs = zip(ours, theirs)
        else:
            pairs = [(ours, theirs)]
        for o, t in pairs:
            np.testing.assert_allclose(np.asarray(o, dtype=float), np.asarray(t, dtype=float), rtol=1e-5, equal_nan=True)
    else:
        assert ours == theirs


def test_dist_p0_and_histogram_refuse_backward():
    for lib in (sn, torch):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError):
            lib.autograd.grad(lib.dist(a * 1, lib.zeros(2), 0), a)
        h = lib.histogram(a, 2).hist
        assert h.requires_grad
        with pytest.raises(RuntimeError):
            h.sum().backward()


def test_index_reduce_in_place_writes_and_warns():
    for lib in (sn, torch):
        x = lib.ones(3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's "index_reduce() is in beta"
            assert x.index_reduce_(0, lib.tensor([1, 1]), lib.tensor([5.0, 2.0]), "amax") is x
        assert x.tolist() == [1.0, 5.0, 1.0]


def test_tensor_queries():
    for lib in (sn, torch):
        t = lib.ones(2, 3)
        assert t.is_same_size(lib.zeros(2, 3)) and not t.is_same_size(lib.zeros(3, 2))
        assert t.nbytes == 24 and t.itemsize == 4 and t.is_cpu and not t.is_meta
        assert lib.ones(0).nbytes == 0 and lib.ones(3).expand(2, 3).nbytes == 24 and lib.ones(1, dtype=lib.bool).itemsize == 1
        e = t.new_empty_strided((2, 2), (2, 1), dtype=lib.int64)
        assert e.shape == (2, 2) and e.dtype == lib.int64 and t.new_empty_strided((1,), (1,)).dtype == lib.float32
        assert lib.tensor([2.0]).is_nonzero() and not lib.tensor(0.0).is_nonzero()
    same(lambda lib: lib.ones(2).is_nonzero())
    same(lambda lib: lib.ones(0).is_nonzero())


def test_i0_in_place_and_special_names():
    for lib in (sn, torch):
        x = lib.tensor([0.0, 1.0])
        assert lib.i0_(x) is x and x.i0_() is x
        assert lib.special.i0(lib.tensor([1.0])).item() == pytest.approx(1.2660658)
    np.testing.assert_allclose(sn.tensor([0.0, 1.0]).i0_().i0_().tolist(), torch.tensor([0.0, 1.0]).i0_().i0_().tolist(), rtol=1e-6)
