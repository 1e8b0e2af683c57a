"""Disagreements with torch that the randomized hypothesis profiles (``dev``, ``thorough``) or a
sweep of odd arguments found and the derandomized CI profile missed, pinned as fixed calls.

Each call runs on both engines; the results must match (shape, dtype, values, ``requires_grad``)
or both must raise, scratchnet with torch's exception type. Nothing here states torch's answer:
torch itself gives it.
"""

import warnings

import numpy as np
import pytest
import torch

import scratchnet

from .parity import assert_close, flat_outputs
from .test_parity import assert_clean_error


def _outcome(lib, fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return flat_outputs(fn(lib)), None
    except Exception as e:  # noqa: BLE001  (compared below)
        return None, e


def assert_same_as_torch(fn):
    ours, our_err = _outcome(scratchnet, fn)
    theirs, their_err = _outcome(torch, fn)
    if their_err is not None:
        assert our_err is not None, f"torch raised {type(their_err).__name__}: {their_err}; scratchnet returned {ours}"
        assert_clean_error(our_err, their_err, "scratchnet's error")  # torch's type, never NumPy's
        return
    assert our_err is None, f"scratchnet raised {type(our_err).__name__}: {our_err}; torch returned {theirs}"
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert_close(o, t, 1e-6, 1e-7)
        assert o.requires_grad == t.requires_grad


def _leaf(lib, shape, dtype="float32"):
    return lib.arange(int(np.prod(shape)), dtype=getattr(lib, dtype)).reshape(shape).requires_grad_(dtype.startswith("float"))


# roll: a 0-d input has no dim to roll along (not even 0 or -1: torch's IndexError, where NumPy's
# AxisError escaped); an empty input comes back copied whatever its dims; no shifts is an error
ROLL = {
    "0-d dim 0": lambda lib: lib.roll(lib.tensor(1.5), 1, 0),
    "0-d dim -1": lambda lib: lib.tensor(1.5).roll(-5, -1),
    "0-d two dims": lambda lib: lib.tensor(1.5).roll((1, 2), (0, 1)),
    "0-d no dims": lambda lib: lib.tensor(1.5).roll(1),
    "empty dim out of range": lambda lib: _leaf(lib, (0,)).roll(1, 2),
    "empty 2-d": lambda lib: _leaf(lib, (2, 0)).roll((1, 1), (0, 5)),
    "empty misaligned": lambda lib: _leaf(lib, (0,)).roll((1, 2), 0),
    "no shifts": lambda lib: _leaf(lib, (3,)).roll((), ()),
}


@pytest.mark.parametrize("name", ROLL)
def test_roll_dims_on_0d_and_empty(name):
    assert_same_as_torch(ROLL[name])


@pytest.mark.parametrize("dim", [0, -1, 1, -2, 2])
@pytest.mark.parametrize("shape", [(), (3,)])
def test_aminmax_checks_dim_of_0d(shape, dim):
    """A 0-d input takes dim 0 and -1 only (aminmax once reduced over nothing for any dim)."""
    assert_same_as_torch(lambda lib: lib.aminmax(_leaf(lib, shape), dim=dim))


def _index_add(dtype, source, alpha):
    return lambda lib: lib.index_add(lib.tensor([1, 2, 3]).to(getattr(lib, dtype)), 0, lib.tensor([0, 0, 2]), lib.tensor(source).to(getattr(lib, dtype)), alpha=alpha)


@pytest.mark.parametrize("alpha", [2.5, -2.5, 0.5, True, 2**40, 1e40, float("nan")])
@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "bool", "float32", "float64"])
def test_index_add_converts_alpha_to_the_dtype(dtype, alpha):
    """torch converts alpha to self's dtype first (truncated for integers: 3 * 2.5 adds 6, not 7;
    checked: -2.5 into uint8 or 1e40 into float32 is its RuntimeError); scratchnet once scaled
    the source in floating point and truncated each product."""
    assert_same_as_torch(_index_add(dtype, [3, -1, 7], alpha))


@pytest.mark.parametrize("op", ["scatter", "scatter_add", "scatter_reduce"])
def test_scatter_backward_of_a_0d_src_through_a_1_element_index(op):
    """self and src 0-d, index of shape (1,): the src gradient is the one element gathered (its
    backward once indexed a 0-d array, a NumPy IndexError)."""
    def fn(lib):
        x, src = lib.tensor(1.5, requires_grad=True), lib.tensor(2.5, requires_grad=True)
        extra = ("amax",) if op == "scatter_reduce" else ()
        y = getattr(lib, op)(x, 0, lib.zeros(1, dtype=lib.int64), src, *extra)
        return (y,) + lib.autograd.grad(y * 3, (x, src))
    assert_same_as_torch(fn)


@pytest.mark.parametrize("num_classes", [-1, 0, -2, 3])
@pytest.mark.parametrize("shape", [(0,), (0, 2), (2,)])
def test_one_hot_of_an_empty_tensor_needs_num_classes(shape, num_classes):
    """An empty input with num_classes <= 0 is torch's RuntimeError (scratchnet once returned a
    (0, 0) tensor)."""
    assert_same_as_torch(lambda lib: lib.nn.functional.one_hot(lib.zeros(shape, dtype=lib.int64), num_classes))


def _u8(lib):
    return lib.tensor([1, 2, 3], dtype=lib.uint8)


def _bools(lib):
    return lib.tensor([True, False])


# clamp_min / clamp_max / clamp with a Python bound: converted to the result's dtype as torch
# converts it (uint8 takes -1 as 255 but not 300; float32 not 1e40; int32's message names "int"),
# where NumPy's OverflowError escaped or an overflow became inf; bool has no scalar-bound loop, nor
# a two-tensor-bound one
CLAMPS = {
    "uint8 clamp_min -1": lambda lib: _u8(lib).clamp_min(-1),
    "uint8 clamp_min_ -1": lambda lib: _u8(lib).clamp_min_(-1),
    "uint8 clamp_max 300": lambda lib: lib.clamp_max(_u8(lib), 300),
    "uint8 clamp -1 300": lambda lib: _u8(lib).clamp(-1, 300),
    "float32 clamp_min 1e40": lambda lib: lib.tensor([1.0, 2.0]).clamp_min(1e40),
    "float64 clamp_min 1e40": lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float64).clamp_min(1e40),
    "float32 clamp max -1e40": lambda lib: lib.tensor([1.0, 2.0]).clamp(max=-1e40),
    "int32 clamp_min 2**40": lambda lib: lib.tensor([1, 2], dtype=lib.int32).clamp_min(2**40),
    "int32 clamp min 2**40": lambda lib: lib.tensor([1, 2], dtype=lib.int32).clamp(min=2**40),
    "int clamp_min 1.5": lambda lib: lib.tensor([1, 2]).clamp_min(1.5),
    "bool clamp_min True": lambda lib: _bools(lib).clamp_min(True),
    "bool clamp_max_ True": lambda lib: _bools(lib).clamp_max_(True),
    "bool clamp_min bool tensor": lambda lib: _bools(lib).clamp_min(_bools(lib)),
    "bool clamp two bool tensors": lambda lib: _bools(lib).clamp(_bools(lib), _bools(lib)),
    "bool clamp_ two bool tensors": lambda lib: _bools(lib).clamp_(_bools(lib), _bools(lib)),
    "bool clamp one bool tensor": lambda lib: _bools(lib).clamp(max=_bools(lib)),
    "bool clamp int tensor": lambda lib: _bools(lib).clamp(lib.tensor([1, 0]), _bools(lib)),
}


@pytest.mark.parametrize("name", CLAMPS)
def test_clamp_bounds_convert_as_torch(name):
    assert_same_as_torch(CLAMPS[name])


@pytest.mark.parametrize("value", [-2.0, -2, 2.7, 300, 1e40, float("nan"), True, -1])
@pytest.mark.parametrize("dtype", ["uint8", "int32", "float32", "bool"])
@pytest.mark.parametrize("reduce", [None, "add", "multiply"])
def test_scatter_value_converts_as_torch(dtype, value, reduce):
    """A number scattered into ``dtype`` is converted as torch's fills do: -2 into uint8 wraps to
    254, -2.0 / 300 / NaN / 1e40 are torch's RuntimeError (NumPy's OverflowError escaped)."""
    kwargs = {} if reduce is None else {"reduce": reduce}
    assert_same_as_torch(lambda lib: lib.tensor([1, 2, 3]).to(getattr(lib, dtype)).scatter(0, lib.tensor([0, 2]), value, **kwargs))


@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_prod_backward_with_an_index_larger_than_empty_src(include_self):
    """An empty src and an index of (2, 0, 0): torch's backward refuses the shapes with its
    RuntimeError (scratchnet's once broadcast two arrays, a NumPy ValueError)."""
    def fn(lib):
        x, src = lib.zeros(0, 0, 0, requires_grad=True), lib.zeros(0, 0, 0, requires_grad=True)
        y = lib.scatter_reduce(x, 0, lib.zeros(2, 0, 0, dtype=lib.int64), src, "prod", include_self=include_self)
        return lib.autograd.grad(y.sum(), (x, src))
    assert_same_as_torch(fn)


@pytest.mark.parametrize("op", ["var", "std", "var_mean", "std_mean", "sum"])
@pytest.mark.parametrize("dim", [(0, 0, 1), (0, -1, 1), (1, 0, 0), (0, 1, 1)])
@pytest.mark.parametrize("shape", [(), (2, 2)])
def test_variance_checks_dims_in_order(shape, dim, op):
    """torch's var/std wrap each dim in turn, so a repeated dim before an out-of-range one is the
    repeat's RuntimeError (sum checks every range first: its IndexError)."""
    assert_same_as_torch(lambda lib: getattr(lib, op)(lib.ones(shape), dim=dim))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("value", [3e38, -3e38, 1e-40, 1.5])
@pytest.mark.parametrize("dim", [None, 0])
def test_prod_gradient_divides_before_scaling(value, dim, dtype):
    """prod's gradient with no zero factor is grad * (out / x), in torch's order: for x = 3e38 in
    float32, out / x = 1 (scratchnet's (grad * out) / x overflowed to inf)."""
    def fn(lib):
        x = lib.tensor(np.array([value, 1.0], dtype), requires_grad=True)
        y = x.prod() if dim is None else x.prod(dim)
        return lib.autograd.grad(y, x, lib.tensor(np.array(1.1770827, dtype)))
    assert_same_as_torch(fn)


@pytest.mark.parametrize("value", [-1, -1.5, -0.5, 2.5, 300, -255, -256, 255.5, float("inf"), float("nan"), True, 2**63, 1e40])
@pytest.mark.parametrize("dtype", ["uint8", "int64", "float32"])
@pytest.mark.parametrize("op", ["addcmul", "addcdiv"])
def test_addcmul_addcdiv_convert_value_as_torch(op, dtype, value):
    """``value`` converted to the result's dtype with torch's check: uint8 takes -1 (as 255) but
    not -0.5 or inf (NumPy's OverflowError escaped for inf); 1e40 cannot scale float32."""
    def fn(lib):
        x = lib.tensor([1, 2, 3]).to(getattr(lib, dtype))
        other = x if op == "addcmul" else x.double()
        return getattr(lib, op)(x, other, other, value=value)
    assert_same_as_torch(fn)


@pytest.mark.parametrize("value", [-1.0, -1, 300, float("inf"), float("nan"), 1e40, -0.5, 2**40, True])
@pytest.mark.parametrize("value_dtype", ["float64", "int64", "float32", "bool"])
@pytest.mark.parametrize("dtype", ["uint8", "int32", "int64", "float32"])
@pytest.mark.parametrize("op", ["masked_fill", "masked_fill_", "index_fill"])
def test_fill_with_a_0d_tensor_value_converts_as_torch(op, dtype, value_dtype, value):
    """A 0-d tensor value is read as a number and converted as a fill (checked: -1.0 or 300 into
    uint8, inf into int64 are torch's RuntimeError; scratchnet once cast the array, wrapping)."""
    def fn(lib):
        x, v = lib.tensor([1, 2, 3]).to(getattr(lib, dtype)), lib.tensor(value).to(getattr(lib, value_dtype))
        if op == "index_fill":
            return x.index_fill(0, lib.tensor([0, 2]), v)
        return getattr(x, op)(lib.tensor([True, False, True]), v)
    assert_same_as_torch(fn)


@pytest.mark.parametrize("dim", [None, 0, -1, (0,), (0, 1), (0, 0), (0, -1, 1), (), (-2, -1)])
@pytest.mark.parametrize("ord", [None, 2, 1, float("inf"), -2, "fro", "nuc"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 2, 2)])
def test_linalg_norm_dispatch_and_checks(shape, ord, dim):
    """torch.linalg.norm: dim must name one or two dims; with no dim an ord needs a 1-D or 2-D
    input; no ord is the elements' 2-norm through vector_norm (so its errors are vector_norm's).
    scratchnet once returned values for a 3-dim dim, for dim=() and for an ord on a 0-d/3-D input."""
    def fn(lib):
        x = lib.arange(int(np.prod(shape)), dtype=lib.float64).reshape(shape) - 1  # float64: LAPACK's float32 SVDs differ by ulps
        return lib.linalg.norm(x, ord, dim)
    assert_same_as_torch(fn)


@pytest.mark.parametrize("op", ["linalg.vector_norm", "nansum"])
@pytest.mark.parametrize("dim", [(0, 0, 1), (0, -1, 1), (0, 1)])
@pytest.mark.parametrize("shape", [(), (2, 2)])
def test_vector_norm_checks_dims_in_order(shape, dim, op):
    def fn(lib):
        f = lib
        for part in op.split("."):
            f = getattr(f, part)
        return f(lib.ones(shape), dim=dim)
    assert_same_as_torch(fn)


@pytest.mark.parametrize("affine", ["both", "bias", "weight-2d"])
@pytest.mark.parametrize("shape, size", [((1, 0, 3), 1), ((1, 0, 3), 0), ((0, 2, 3), 2), ((2, 0, 3), 1), ((1, 2, 0), 2), ((1, 0, 3), 2), ((2, 2, 3), 1), ((1, 2, 3), 3), ((2, 2, 3), 2)])
def test_instance_norm_affine_sizes(shape, size, affine):
    """torch's instance norm is batch norm over (1, N*C, *) with weight/bias repeated N times: a
    weight of the wrong size is its RuntimeError ("weight should contain 4 elements not 2"; a NumPy
    reshape error escaped), and an empty input fails only when the repeated weight is empty."""
    def fn(lib):
        args = {"both": dict(weight=lib.ones(size) * 2, bias=lib.ones(size)), "bias": dict(bias=lib.ones(size)), "weight-2d": dict(weight=lib.ones(size, 1))}[affine]
        return lib.nn.functional.instance_norm(lib.arange(float(np.prod(shape))).reshape(shape) / 4, **args)
    assert_same_as_torch(fn)


@pytest.mark.parametrize("pad", [(1, 1), (1, 1, 1, 1), (0, 0, 1, 1)])
@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape", [(1, 1, 0), (0, 2, 3), (1, 0, 3), (0, 2, 2, 2), (1, 2, 0, 2), (0, 2, 3, 3), (0, 3)])
def test_pad_modes_refuse_empty_non_batch_dims(shape, mode, pad):
    """reflect/replicate take an empty batch dim only: an unbatched input's channel dim must be
    non-empty too (scratchnet once padded (0, 2, 3) by (1, 1, 1, 1) into (0, 4, 5))."""
    assert_same_as_torch(lambda lib: lib.nn.functional.pad(lib.zeros(shape), pad, mode=mode))


def _setitem(target, index, value):
    target[index] = value
    return target


@pytest.mark.parametrize("index", [[], [0]])
def test_index_put_of_a_tensor_into_itself_overlaps_even_when_empty(index):
    """``v[idx] = v`` is torch's overlap RuntimeError even for an empty view (the same tensor is a
    full overlap before any size is looked at); two views of the same empty slice are not."""
    def same(lib):
        v = lib.zeros(len(index), dtype=lib.int64)[len(index) and 0:]
        return _setitem(v, lib.tensor(index, dtype=lib.int64), v)

    def twin_views(lib):
        a = lib.zeros(1, dtype=lib.int64)
        return _setitem(a[1:], lib.tensor([], dtype=lib.int64), a[1:])
    assert_same_as_torch(same)
    assert_same_as_torch(twin_views)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("value", [1e-40, -1e-40, 0.0, 3e38, float("inf"), 2.0])
@pytest.mark.parametrize("op", ["log2", "log10"])
def test_log2_log10_gradient_divides(op, value, dtype):
    """torch's gradient is grad / (x ln b): for a float32 denormal x, 1 / (x ln b) overflows to
    inf where the quotient is finite (scratchnet once multiplied by the reciprocal)."""
    def fn(lib):
        x = lib.tensor(np.array([value, 1.5], dtype), requires_grad=True)
        return lib.autograd.grad(getattr(lib, op)(x), x, lib.tensor(np.array([0.0026, -3.0], dtype)))
    with np.errstate(all="ignore"):
        assert_same_as_torch(fn)


# flip: torch.flip takes its dims as one tuple of ints (an int alone is a TypeError), the method
# also as separate ints; once one function served both and torch.flip(x, 1) flipped dim 1
FLIP = {
    "method, ints": lambda lib: _leaf(lib, (2, 3)).flip(0, 1),
    "method, one int": lambda lib: _leaf(lib, (2, 3)).flip(-1),
    "method, a list": lambda lib: _leaf(lib, (2, 3)).flip([1]),
    "method, keyword": lambda lib: _leaf(lib, (2, 3)).flip(dims=(0,)),
    "function, an int": lambda lib: lib.flip(_leaf(lib, (2, 3)), 1),
    "function, keyword int": lambda lib: lib.flip(_leaf(lib, (2, 3)), dims=1),
    "function, empty tuple": lambda lib: lib.flip(_leaf(lib, (2, 3)), ()),
    "function, 0-d": lambda lib: lib.flip(_leaf(lib, ()), (0,)),
    "function, duplicates": lambda lib: lib.flip(_leaf(lib, (2, 3)), (1, -1)),
}


@pytest.mark.parametrize("name", FLIP)
def test_flip_dims_forms(name):
    assert_same_as_torch(FLIP[name])


# The reflected operators as torch writes them: ``n / x`` is ``x.reciprocal() * n`` (two roundings:
# it differs from a true division in the last bit for about a quarter of float32 values) and
# ``n - x`` is torch's rsub (one RsubBackward1 node; a Python bool on the left is refused)
REFLECTED = {
    "n / x float32": lambda lib: 3 / (lib.arange(4001.0) / 4000 + 0.5).requires_grad_(),
    "n / x float64": lambda lib: 0.7 / (lib.arange(4001.0, dtype=lib.float64) / 4000 + 0.5),
    "n / x int": lambda lib: 3 / lib.tensor([1, 2, 0, -7]),
    "n / x bool": lambda lib: 2 / lib.tensor([True, False]),
    "n / x 0-d": lambda lib: 1e-3 / lib.tensor(3.0, requires_grad=True),
    "n - x": lambda lib: 2.5 - lib.tensor([1, 2, 3]),
    "bool - x": lambda lib: True - lib.tensor([1, 2, 3]),
    "n - bool x": lambda lib: 1 - lib.tensor([True]),
}


@pytest.mark.parametrize("name", REFLECTED)
def test_reflected_operators_round_as_torch(name):
    assert_same_as_torch(REFLECTED[name])
    ours, theirs = (_outcome(lib, REFLECTED[name])[0] for lib in (scratchnet, torch))
    if theirs is not None:  # bit for bit, not within a tolerance
        assert all(np.array_equal(o.detach().numpy(), t.detach().numpy(), equal_nan=True) for o, t in zip(ours, theirs))


@pytest.mark.parametrize("expr", ["3 / x", "1 - x", "x.reciprocal() * 3"])
def test_reflected_operators_grad_fn_names(expr):
    names = []
    for lib in (scratchnet, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        fn = eval(expr, {"x": x}).grad_fn
        names.append(fn.name() if lib is scratchnet else type(fn).__name__)
    assert names[0] == names[1]


# split with a list of sizes: views with torch's SplitWithSizesBackward0, and (as torch does for
# every multi-view op) an in-place edit of one of them while grad is recorded refused; they were
# plain slices, so the edit went through
SPLIT_SIZES = {
    "split, list": lambda lib: (lib.arange(6.0, requires_grad=True) * 1).split([2, 4]),
    "split_with_sizes": lambda lib: lib.split_with_sizes(lib.arange(6.0, requires_grad=True) * 1, [3, 3]),
    "in place on a piece": lambda lib: (lib.arange(6.0, requires_grad=True) * 1).split([2, 4])[0].mul_(2),
    "in place, no grad": lambda lib: lib.arange(6.0).split([2, 4])[1].mul_(2),
    "empty pieces": lambda lib: lib.zeros(2, 0).split([0, 0], 1),
}


@pytest.mark.parametrize("name", SPLIT_SIZES)
def test_split_with_sizes_views(name):
    assert_same_as_torch(SPLIT_SIZES[name])
    ours, theirs = (_outcome(lib, SPLIT_SIZES[name])[0] for lib in (scratchnet, torch))
    for o, t in zip(ours or (), theirs or ()):
        assert (o.grad_fn is None) == (t.grad_fn is None)
        assert o.grad_fn is None or o.grad_fn.name() == type(t.grad_fn).__name__


# NumPy warns on an overflow, 0/0 or inf - inf (an exception under ``-W error``); torch never
# does. The registry's special-value draws check every op (tests/test_parity.py); these are the
# paths outside its cases where a warning escaped.
QUIET = {
    "float32 from a huge Python float": lambda lib: lib.tensor([1e300]),
    "batch-norm statistics of inf and NaN": lambda lib: lib.nn.BatchNorm1d(2)(lib.tensor([[float("inf"), 1.0], [1.0, float("nan")]])),
    "matmul overflow": lambda lib: lib.tensor([[3e38, 1.0], [1.0, 1.0]]) @ lib.tensor([[3e38, 1.0], [1.0, 1.0]]),
    "inf times zero": lambda lib: lib.tensor([float("inf")]) * 0,
    "NaN to int64": lambda lib: lib.tensor([float("nan")]).long() * 0,  # (torch's value is the platform's: compared times 0)
    "backward overflow": lambda lib: _square_grad(lib, 3e38),
}


def _square_grad(lib, value):
    x = lib.tensor([value], requires_grad=True)
    return lib.autograd.grad((x * x * x).sum(), [x])


@pytest.mark.parametrize("name", QUIET)
def test_no_numpy_floating_point_warning(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # a NumPy warning fails the call here
        QUIET[name](scratchnet)
    assert_same_as_torch(QUIET[name])


# torch.tensor of Python data no tensor can hold: torch's exception type (and message) for None,
# strings, ragged lists and ints past int64, where NumPy's object/str arrays gave a dtype TypeError
BAD_DATA = {
    "None": lambda lib: lib.tensor(None),
    "None in a list": lambda lib: lib.tensor([1, None]),
    "a str": lambda lib: lib.tensor("a"),
    "a list of str": lambda lib: lib.tensor(["a"]),
    "ragged": lambda lib: lib.tensor([[1, 2], [3]]),
    "ragged later": lambda lib: lib.tensor([[1], [2], [3, 4]]),
    "int past int64": lambda lib: lib.tensor([2**63]),
    "int below int64": lambda lib: lib.tensor([-(2**63) - 1]),
    "huge int beside a float": lambda lib: lib.tensor([1.5, 2**64]),
    "an object": lambda lib: lib.tensor([object()]),
    "a dict": lambda lib: lib.tensor({1: 2}),
}


@pytest.mark.parametrize("name", BAD_DATA)
def test_tensor_of_unreadable_data(name):
    assert_same_as_torch(BAD_DATA[name])
    ours, theirs = (_outcome(lib, BAD_DATA[name])[1] for lib in (scratchnet, torch))
    if theirs is not None:
        assert str(ours) == str(theirs)


# cross: torch's kernel computes each component as one fused multiply-add, fma(a[p], b[q],
# -(a[q] * b[p])); a plain difference of products differed in the last bit for most float
# results, and gave NaN where torch's gives inf (3e38 * 3e38 - 4.5e38 in float32)
def _cross_pair(lib, dtype, special):
    rng = np.random.default_rng(7)
    values = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 3e38, -3e38, 1e-40, 1.0, -1.5]
    a = rng.choice(values, (40, 3)) if special else rng.standard_normal((40, 3))
    b = rng.choice(values, (40, 3)) if special else rng.standard_normal((40, 3))
    return lib.tensor(a.astype(dtype)), lib.tensor(b.astype(dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("special", [False, True])
def test_cross_rounds_as_torch(dtype, special):
    (a, b), (ta, tb) = _cross_pair(scratchnet, dtype, special), _cross_pair(torch, dtype, special)
    ours = scratchnet.linalg.cross(a.requires_grad_(), b.requires_grad_())
    theirs = torch.linalg.cross(ta.requires_grad_(), tb.requires_grad_())
    assert np.array_equal(ours.detach().numpy(), theirs.detach().numpy(), equal_nan=True)  # bit for bit
    g = np.random.default_rng(8).standard_normal((40, 3)).astype(dtype)
    ours.backward(scratchnet.tensor(g))
    theirs.backward(torch.tensor(g))
    assert np.array_equal(a.grad.numpy(), ta.grad.numpy(), equal_nan=True)
    assert np.array_equal(b.grad.numpy(), tb.grad.numpy(), equal_nan=True)
