"""torch's type promotion (scratchnet/dtypes.py) and integer/bool ops: issue 10's reproductions, each
against real torch, plus the promotion table itself compared with torch's over every pair."""

import copy
import itertools
import warnings

import numpy as np
import pytest
import torch

import scratchnet as sn

DTYPES = ["float32", "float64", "int32", "int64", "uint8", "bool"]


def outcome(lib, fn):
    """fn(lib) as (dtype name, values, requires_grad) or ('error', exception type name)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = fn(lib)
        except Exception as e:  # noqa: BLE001
            return ("error", type(e).__name__)
    if isinstance(out, (sn.Tensor, torch.Tensor)):
        return (str(out.dtype).replace("torch.", ""), out.tolist(), out.requires_grad)
    return ("value", str(out).replace("torch.", "").replace("dtype('", "").replace("')", ""))


def same(fn):
    """fn gives the same dtype, requires_grad and values (float32 to a few ulps) or the same error."""
    ours, theirs = outcome(sn, fn), outcome(torch, fn)
    if len(ours) == 3 and len(theirs) == 3 and ours[0] == theirs[0] and ours[0].startswith("float"):
        np.testing.assert_allclose(np.array(ours[1], float), np.array(theirs[1], float), rtol=1e-6, err_msg=f"{ours} vs {theirs}")
        assert ours[2] == theirs[2]
    else:
        assert ours == theirs, f"scratchnet {ours} vs torch {theirs}"
    return ours


# ---- the promotion table --------------------------------------------------------------------------


@pytest.mark.parametrize("a,b", list(itertools.product(DTYPES, DTYPES)))
def test_promote_types_and_can_cast_match_torch(a, b):
    assert str(sn.promote_types(a, b)) == str(torch.promote_types(getattr(torch, a), getattr(torch, b))).replace("torch.", "")
    assert sn.can_cast(a, b) == torch.can_cast(getattr(torch, a), getattr(torch, b))


SCALARS = [True, 3, -1, 2.5, np.float64(0.5), np.int32(2), np.float32(1.5)]


@pytest.mark.parametrize("a", DTYPES)
@pytest.mark.parametrize("b", DTYPES + ["scalar"])
@pytest.mark.parametrize("dims", ["dim-dim", "dim-0d", "0d-0d"])
def test_result_type_of_tensors_and_scalars_matches_torch(a, b, dims):
    """Dimensioned tensors > 0-d tensors > Python/NumPy scalars, by category, as torch."""
    def make(lib, dtype, zero):
        return lib.ones(() if zero else (2,), dtype=getattr(lib, "bool" if dtype == "bool" else dtype))

    for s in SCALARS if b == "scalar" else [None]:
        def add(lib):
            x = make(lib, a, dims == "0d-0d")
            y = s if b == "scalar" else make(lib, b, dims != "dim-dim")
            return (x + y).dtype, (y + x).dtype, (x * y).dtype

        ours = tuple(str(d) for d in add(sn))
        theirs = tuple(str(d).replace("torch.", "") for d in add(torch))
        assert ours == theirs, f"{a} with {b if s is None else repr(s)} ({dims})"


def test_result_type_function_matches_torch():
    for fn in [lambda lib: lib.result_type(lib.tensor([1, 2]), 2.5), lambda lib: lib.result_type(lib.tensor([1.0]), np.float64(2.0)),
               lambda lib: lib.result_type(lib.tensor([1], dtype=lib.uint8), lib.tensor(-1))]:
        same(fn)


# ---- issue 10's reproductions ------------------------------------------------------------------


def test_issue_reproductions_of_promotion():
    same(lambda lib: lib.ones(2) * lib.tensor([1, 2]))  # float64 -> float32
    same(lambda lib: lib.where(lib.tensor([True, False]), lib.ones(2), lib.tensor([1, 2])))
    same(lambda lib: lib.maximum(lib.ones(2), lib.tensor([1, 2])))
    same(lambda lib: lib.clamp(lib.tensor([1, 2]), 0.5))
    same(lambda lib: lib.log1p(lib.tensor([1, 2])))
    for op in ("tanh", "exp", "log", "sin", "cos", "sqrt", "sigmoid"):
        assert same(lambda lib: getattr(lib, op)(lib.tensor([True])))[0] == "float32"
    assert same(lambda lib: lib.tensor(np.float64(0.5)))[0] == "float64"
    assert same(lambda lib: lib.tensor(np.array([0.5])))[0] == "float64"
    assert same(lambda lib: lib.tensor([0.5]))[0] == "float32"


def test_integer_casts_cut_the_graph():
    for lib in (sn, torch):
        x = lib.ones(3, requires_grad=True)
        assert x.long().requires_grad is False and x.bool().requires_grad is False and x.int().requires_grad is False
        assert x.double().requires_grad is True
        with pytest.raises(RuntimeError, match="does not require grad"):
            (x.long() * 3).sum().backward()


def test_python_and_numpy_scalars_keep_the_tensor_dtype():
    same(lambda lib: lib.tensor([1, 2], dtype=lib.int32) + 5)
    same(lambda lib: lib.tensor([1, 2], dtype=lib.int32) + np.int64(5))
    same(lambda lib: lib.tensor([1, 2], dtype=lib.int32) + np.float64(0.5))
    same(lambda lib: lib.tensor([1.0]) + np.float64(0.5))
    same(lambda lib: lib.tensor([1, 2]) + 2.5)
    same(lambda lib: lib.tensor([1, 2], dtype=lib.uint8) + -1)  # wraps around, as torch
    same(lambda lib: lib.tensor([1, 2], dtype=lib.uint8) * 300)
    same(lambda lib: lib.tensor([1, 2], dtype=lib.int32) + 2**40)
    same(lambda lib: lib.tensor([1, 2]) + 2**70)  # OverflowError in both


def test_float_only_ops_and_their_refusals():
    same(lambda lib: lib.tensor([1, 2]) / lib.tensor([2, 4]))
    same(lambda lib: lib.tensor([1, 2]).softmax(0))  # NotImplementedError (no integer kernel)
    same(lambda lib: lib.tensor([1, 2]).softmax(0, dtype=lib.float64))
    same(lambda lib: lib.nn.functional.gelu(lib.tensor([1, 2])))
    same(lambda lib: lib.nn.functional.leaky_relu(lib.tensor([1, 2])))
    same(lambda lib: lib.relu(lib.tensor([True])))
    same(lambda lib: lib.tensor([1, 2]).mean())


def test_pow_rules():
    same(lambda lib: lib.tensor([2, 3]) ** -1)  # RuntimeError: integers to negative integer powers
    same(lambda lib: lib.tensor([2, 1, -1, 0]) ** lib.tensor([-1, -2, -3, -1]))
    same(lambda lib: lib.tensor([2, 3]) ** 0.5)
    same(lambda lib: 2 ** lib.tensor([1, 2], dtype=lib.uint8))
    same(lambda lib: lib.tensor([True]) ** 2)
    same(lambda lib: lib.tensor([True]) ** lib.tensor([True]))


def test_bool_subtraction_and_negation_are_refused_like_torch():
    with pytest.raises(NotImplementedError, match=r"Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not\(\)` operator instead."):
        sn.tensor([True]) - 1
    with pytest.raises(NotImplementedError, match="with two bool tensors"):
        sn.tensor([True]) - sn.tensor([False])
    with pytest.raises(NotImplementedError, match="Negation, the `-` operator, on a bool tensor"):
        -sn.tensor([True])
    same(lambda lib: 1 - lib.tensor([True]))


def test_operands_torch_does_not_take_are_python_type_errors():
    for other in ([1, 2], (1, 2), None, "a"):
        with pytest.raises(TypeError, match="unsupported operand type"):
            sn.ones(2) + other
        with pytest.raises(TypeError):
            torch.ones(2) + other
    assert (sn.tensor([1, 2]) == [1, 2]) is False and (torch.tensor([1, 2]) == [1, 2]) is False
    with pytest.raises(TypeError):
        sn.ones(2) < [1, 2]
    with pytest.raises(TypeError, match=r"add\(\): argument 'other' \(position 2\) must be Tensor, not list"):
        sn.add(sn.ones(2), [1, 2])


def test_refused_dtypes_are_named_with_a_reason():
    with pytest.raises(TypeError, match=r"does not support dtype float16; supported dtypes: .*half precision"):
        sn.ones(2).to(np.float16)
    with pytest.raises(TypeError, match="complex tensors are not implemented"):
        sn.tensor([1 + 2j])


# ---- integer and bool operators ------------------------------------------------------------------


def test_bitwise_reproductions():
    assert same(lambda lib: lib.tensor([1, 2, 3]) & lib.tensor([3, 1, 2]))[1] == [1, 0, 2]
    same(lambda lib: lib.tensor([1, 2, 3]) | lib.tensor([3, 1, 2]))
    same(lambda lib: lib.tensor([1, 2, 3]) ^ lib.tensor([3, 1, 2]))
    same(lambda lib: ~lib.tensor([1, 2, 3]))
    same(lambda lib: ~lib.tensor([3], dtype=lib.uint8))
    same(lambda lib: ~lib.tensor([True, False]))
    same(lambda lib: lib.tensor([True, False]) & lib.tensor([True, True]))
    same(lambda lib: lib.tensor([3], dtype=lib.uint8) & lib.tensor([-1], dtype=lib.int32))
    same(lambda lib: 3 & lib.tensor([True]))
    same(lambda lib: lib.tensor([1, 2]) & lib.tensor([1, 2, 3]))  # RuntimeError: shapes


def test_bitwise_on_floats_is_torchs_error():
    for op, kernel in [(lambda a, b: a & b, "bitwise_and_cpu"), (lambda a, b: a | b, "bitwise_or_cpu"), (lambda a, b: a ^ b, "bitwise_xor_cpu"),
                       (lambda a, b: a << b, "lshift_cpu"), (lambda a, b: a >> b, "rshift_cpu")]:
        with pytest.raises(NotImplementedError, match=f'^"{kernel}" not implemented for \'Float\'$'):
            op(sn.ones(2), sn.ones(2))
        with pytest.raises(NotImplementedError, match=f'"{kernel}" not implemented for \'Float\''):
            op(torch.ones(2), torch.ones(2))
    with pytest.raises(TypeError, match=r"~ \(operator.invert\) is only implemented on integer and Boolean-type tensors"):
        ~sn.ones(2)
    with pytest.raises(NotImplementedError, match="\"bitwise_not_cpu\" not implemented for 'Float'"):
        sn.bitwise_not(sn.ones(2))
    with pytest.raises(NotImplementedError, match="\"bitwise_and_cpu\" not implemented for 'Float'"):
        sn.tensor([1]) & 1.5


def test_shifts_past_the_width():
    for shift in (-1, 0, 1, 31, 32, 63, 64, 100):
        same(lambda lib: lib.tensor([-8, 8, 1, -1]) << shift)
        same(lambda lib: lib.tensor([-8, 8, 1, -1]) >> shift)
        same(lambda lib: lib.tensor([-8, 8, 1, -1], dtype=lib.int32) >> shift)
        same(lambda lib: lib.tensor([1, 128], dtype=lib.uint8) << shift)
    same(lambda lib: 1 << lib.tensor([3]))
    same(lambda lib: lib.tensor([True]) << lib.tensor([True]))


def test_division_family_sign_rules_and_errors():
    a, b = [-7, 7, -7, 7, 0], [2, 2, -2, -2, 3]
    for fn in [lambda lib: lib.tensor(a) // lib.tensor(b), lambda lib: lib.tensor(a) % lib.tensor(b),
               lambda lib: lib.fmod(lib.tensor(a), lib.tensor(b)), lambda lib: lib.div(lib.tensor(a), lib.tensor(b), rounding_mode="trunc"),
               lambda lib: lib.div(lib.tensor(a), lib.tensor(b), rounding_mode="floor"),
               lambda lib: lib.tensor([-7.5, 7.5, -0.0, 1.0]) // lib.tensor([2.0, -2.0, 3.0, 0.0]),
               lambda lib: lib.tensor([-7.5, 7.5, 1.0, -1.0]) % lib.tensor([2.0, -2.0, 0.0, float("inf")]),
               lambda lib: lib.fmod(lib.tensor([-7.5, 7.5, 1.0]), lib.tensor([2.0, -2.0, 0.0])),
               lambda lib: lib.tensor([7]) // 1.5, lambda lib: 5 // lib.tensor([-3]), lambda lib: 5.5 % lib.tensor([3]),
               lambda lib: lib.tensor([5], dtype=lib.uint8) // -1]:
        same(fn)
    for fn in [lambda t: t // 0, lambda t: t % 0, lambda t: sn.fmod(t, 0) if isinstance(t, sn.Tensor) else torch.fmod(t, 0),
               lambda t: (sn if isinstance(t, sn.Tensor) else torch).div(t, t * 0, rounding_mode="trunc")]:
        for lib in (sn, torch):
            with pytest.raises(RuntimeError, match="^ZeroDivisionError$"):
                fn(lib.tensor([1, 2]))
    same(lambda lib: lib.tensor([True]) // lib.tensor([True]))  # "div_floor_cpu" not implemented for 'Bool'
    same(lambda lib: lib.tensor([True]) % lib.tensor([True]))
    with pytest.raises(RuntimeError, match="rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'"):
        sn.div(sn.ones(2), 2, rounding_mode="round")


def test_division_family_gradients_match_torch():
    def grads(lib, fn):
        x = lib.tensor([1.5, -2.5, 4.0], dtype=lib.float64, requires_grad=True)
        y = lib.tensor([2.0, 0.7, -1.5], dtype=lib.float64, requires_grad=True)
        out = fn(lib, x, y)
        out.backward(lib.ones(3, dtype=lib.float64))
        return out.grad_fn.name(), x.grad.tolist(), y.grad.tolist()

    for fn in [lambda lib, x, y: x % y, lambda lib, x, y: lib.fmod(x, y), lambda lib, x, y: lib.div(x, y, rounding_mode="trunc"),
               lambda lib, x, y: lib.div(x, y, rounding_mode="floor"), lambda lib, x, y: (x % 2.0) * y, lambda lib, x, y: lib.fmod(x, 2.0) * y]:
        ours, theirs = grads(sn, fn), grads(torch, fn)
        assert ours[0] == theirs[0]
        np.testing.assert_allclose(ours[1], theirs[1])
        np.testing.assert_allclose(ours[2], theirs[2])
    for lib in (sn, torch):
        x = lib.tensor([1.5], requires_grad=True)
        y = x // 2
        assert y.requires_grad
        with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not implemented"):
            y.sum().backward()


def test_tensor_creation_dtypes_as_torch():
    assert sn.tensor([0.1], dtype=sn.float64).item() == 0.1  # no float32 rounding on the way
    for fn in [lambda lib: lib.tensor(np.float64(0.5)), lambda lib: lib.tensor([np.float64(0.5), 1.0]), lambda lib: lib.tensor(np.float32(0.5)),
               lambda lib: lib.tensor(np.int32(5)), lambda lib: lib.tensor(np.bool_(True)), lambda lib: lib.tensor([1, 2.0]),
               lambda lib: lib.tensor([True, 2]), lambda lib: lib.tensor([-1], dtype=lib.uint8), lambda lib: lib.tensor([1.7, -1.7], dtype=lib.int64),
               lambda lib: lib.tensor([1e40], dtype=lib.float32), lambda lib: lib.tensor([2, 0], dtype=lib.bool), lambda lib: lib.tensor(2**70),
               lambda lib: lib.tensor([2**32], dtype=lib.int32)]:
        same(fn)


def test_scalar_range_checks_and_bool_results_as_torch():
    u8 = lambda lib: lib.tensor([1, 2], dtype=lib.uint8)  # noqa: E731
    same(lambda lib: lib.clamp(u8(lib), 300))  # RuntimeError: value cannot be converted ... without overflow
    same(lambda lib: lib.clamp(u8(lib), -1))  # -1 wraps to 255 here, as torch
    same(lambda lib: lib.where(lib.tensor([True, False]), u8(lib), 300))
    same(lambda lib: lib.where(lib.tensor([True, False]), u8(lib), -1))
    same(lambda lib: lib.add(lib.tensor([True, False]), lib.tensor([False, False]), alpha=2))  # stays bool
    same(lambda lib: lib.add(lib.tensor([True, False]), lib.tensor([True, True]), alpha=0.5))  # RuntimeError
    same(lambda lib: lib.tensor([1, 2]) // lib.tensor([], dtype=lib.int64).reshape(0, 1) if lib is torch else lib.tensor([1, 2]) // lib.zeros(0, 1, dtype=lib.int64))
    same(lambda lib: lib.softmax(lib.zeros(0, dtype=lib.int64), 0))  # empty: torch runs no kernel
    same(lambda lib: lib.clamp(3, 1))  # TypeError: input must be a Tensor
    same(lambda lib: lib.fmod(5, lib.tensor([3])))  # TypeError
    same(lambda lib: lib.tensor([-0.0, 4.0, -float("inf")]) ** -0.5)  # torch's 1/sqrt: -inf at -0


@pytest.mark.parametrize("name", ["float32", "float64", "int64", "int32", "uint8", "bool", "float", "double", "long", "int"])
def test_dtype_objects_answer_as_torchs(name):
    ours, theirs = getattr(sn, name), getattr(torch, name)
    for attr in ("is_floating_point", "is_complex", "is_signed", "itemsize"):
        assert getattr(ours, attr) == getattr(theirs, attr), (name, attr)
    assert repr(ours) == repr(theirs).replace("torch.", "scratchnet.")
    assert sn.zeros(1, dtype=ours).dtype is ours and ours.to_real() is ours
    assert np.zeros(1, dtype=ours).dtype == np.dtype(str(theirs).replace("torch.", ""))  # NumPy takes it as a dtype
    assert copy.deepcopy(ours) is ours and {ours: 1}[np.dtype(ours)] == 1


def test_tensor_dtype_is_scratchnets_dtype_object():
    x = sn.ones(2, dtype=sn.float64)
    assert type(x.dtype) is sn.dtype and x.dtype == sn.float64 and x.dtype != sn.float32
    assert sn.result_type(x, 1) is sn.float64 and sn.promote_types(sn.uint8, sn.int32) is sn.int32
    assert sn.get_default_dtype() is sn.float32
