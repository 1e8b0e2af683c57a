"""Every op in the registry, checked three ways under hypothesis:

(a) its forward equals torch's, in float32 and float64;
(b) its vector-Jacobian product for a random upstream gradient equals ``torch.autograd.grad``'s;
(c) its gradient equals float64 central finite differences (``scratchnet.gradcheck``);

and then off the happy path, where torch's answer may be an error:

(f) with a dtype drawn per input (float32, float64, int32, int64, uint8, bool, mixed pairs): the
    result's dtype, values and ``requires_grad`` equal torch's, and gradients where floating;
(g) with special values (NaN, +-inf, +-0, 1e30, 3e38, denormals): values and gradients equal
    torch's, NaN-aware;
(h) with 0-d and 0-size shapes: the same;

and in (f)-(h), whenever torch raises, scratchnet raises too, with torch's exception type and its
own message: a NumPy exception escaping (AxisError, or any error raised from inside NumPy) fails.
"""

import inspect
import os
import sys
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet
import scratchnet.nn.functional
from scratchnet.tensor import Function

from .parity import TOLERANCE, assert_close, flat_outputs
from .registry import BY_NAME, CASES, COVERED_BY, NOT_OPS, FLOATS, Example, dtype_choice, odd_shapes, values

DIFFERENTIABLE = [c for c in CASES if c.grad]


def base_dtypes(case):
    """The dtypes of the happy-path tests: float32 and float64, or, for a case whose dtypes start
    with an integer dtype (bitwise ops), its first two."""
    if case.dtypes and case.dtypes[0] not in FLOATS:
        return list(case.dtypes[:2])
    return [d for d in FLOATS if d in case.dtypes]


def make_inputs(case, example, dtype):
    return values(case, example, [dtype] * len(example.shapes))


def run(case, lib, arrays, example, requires_grad=False):
    inputs = [lib.tensor(a, requires_grad=requires_grad) for a in arrays]
    return inputs, flat_outputs(case.fn(lib, *inputs, **example.params))


def tolerances(case, dtype, backward=False):
    if dtype not in TOLERANCE:
        return 0, 0  # integers and bool: exact
    rtol, atol = TOLERANCE[dtype]
    if dtype == "float32":
        rtol = atol = case.tol32 * (10 if backward else 1)
    return rtol, atol


@pytest.mark.parametrize("case", CASES, ids=repr)
@given(data=st.data())
def test_forward_matches_torch(case, data):
    example = data.draw(case.draw, label="example")
    for dtype in base_dtypes(case):
        arrays = make_inputs(case, example, dtype)
        _, ours = run(case, scratchnet, arrays, example)
        _, theirs = run(case, torch, arrays, example)
        assert len(ours) == len(theirs)
        for i, (o, t) in enumerate(zip(ours, theirs)):
            # an output in float32 (an op that casts, e.g. integer input to the default float) is
            # held to float32's tolerance even when the inputs were drawn in float64
            out_dtype = "float32" if getattr(t, "dtype", None) == torch.float32 else dtype
            assert_close(o, t, *tolerances(case, out_dtype), what=f"{case.name} forward output {i} ({dtype})")


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=repr)
@given(data=st.data())
def test_backward_matches_torch(case, data):
    example = data.draw(case.draw, label="example")
    for dtype in ("float32", "float64"):
        arrays = make_inputs(case, example, dtype)
        sn_in, sn_out = run(case, scratchnet, arrays, example, requires_grad=True)
        th_in, th_out = run(case, torch, arrays, example, requires_grad=True)
        sn_out = [o for o in sn_out if o.requires_grad]
        th_out = [o for o in th_out if o.requires_grad]
        assert len(sn_out) == len(th_out), f"{case.name}: {len(sn_out)} differentiable outputs, torch has {len(th_out)}"
        if not th_out:
            continue
        rng = np.random.default_rng(example.seed + 1)
        vs = [rng.standard_normal(tuple(o.shape)).astype(dtype) for o in th_out]
        ours = scratchnet.autograd.grad(sn_out, sn_in, [scratchnet.tensor(v) for v in vs], allow_unused=True)
        theirs = torch.autograd.grad(th_out, th_in, [torch.tensor(v) for v in vs], allow_unused=True)
        for i, (g, h, x) in enumerate(zip(ours, theirs, sn_in)):
            g = np.zeros(x.shape, dtype) if g is None else g
            h = np.zeros(x.shape, dtype) if h is None else h
            assert_close(g, h, *tolerances(case, dtype, backward=True), what=f"{case.name} gradient of input {i} ({dtype})")


#: Finite differences are the second opinion on a gradient torch's already checks at every draw
#: (test_backward_matches_torch): half the draws (10 in CI, 20 in dev).
FD_DRAWS = settings(max_examples=max(6, settings.default.max_examples // 2))


@pytest.mark.parametrize("case", [c for c in DIFFERENTIABLE if c.fd], ids=repr)
@FD_DRAWS
@given(data=st.data())
def test_gradient_matches_finite_differences(case, data):
    example = data.draw(case.draw, label="example")
    arrays = make_inputs(case, example, "float64")
    inputs = [scratchnet.tensor(a, requires_grad=True) for a in arrays]
    scratchnet.gradcheck(lambda *xs: tuple(flat_outputs(case.fn(scratchnet, *xs, **example.params))), inputs)


# ---- the registry itself ------------------------------------------------------------------------


def public_ops():
    """Every op scratchnet exposes: the functions in scratchnet.ops, the Tensor methods, F's names."""
    names = {n for n, v in vars(scratchnet.ops).items() if callable(v) and not n.startswith("_") and not inspect.ismodule(v) and getattr(v, "__module__", "").startswith("scratchnet.ops")}
    names |= {n for n in scratchnet.ops._METHODS}
    names |= set(scratchnet.nn.functional.__all__)
    return names - {"Tensor"}


def test_registry_is_complete():
    """An op without a registry entry is unverified: add a Case to tests/registry.py."""
    missing = sorted(n for n in public_ops() if n not in BY_NAME and n not in COVERED_BY and n not in NOT_OPS)
    assert not missing, f"ops with no parity case: {missing}"


def _function_classes():
    """Every Function subclass defined in scratchnet's modules (not in docstring examples)."""
    seen, stack = set(), [Function]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return {c for c in seen if c.__module__.startswith("scratchnet") and getattr(sys.modules[c.__module__], c.__name__, None) is c}


def test_every_function_is_exercised(monkeypatch):
    """Run each case once (forward, backward, double backward) and note which Functions ran.

    A Function that no case reaches is a node in scratchnet's graphs that nothing verifies.
    """
    used = set()
    original = Function.apply.__func__

    def spy(cls, *args, **kwargs):
        used.update(cls.__mro__)  # a subclass run (a custom Function's node) exercises its bases' code
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Function, "apply", classmethod(spy))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # .example() warns that it is meant for the REPL
        for case in CASES:
            quiet = 0  # draws in a row that ran no Function not seen before
            for _ in range(40):  # enough draws to reach every branch (dim=None and dim=int, ...)
                if quiet >= 15:
                    break  # (this case's branches are reached; the rest would repeat them)
                seen = len(used)
                example = case.draw.example()
                arrays = make_inputs(case, example, base_dtypes(case)[-1])
                try:
                    inputs, outs = run(case, scratchnet, arrays, example, requires_grad=case.grad)
                except (RuntimeError, ValueError, IndexError, TypeError, NotImplementedError):
                    continue  # a draw the op refuses (whether torch refuses it too is the parity tests' check)
                outs = [o for o in outs if o.requires_grad]
                if not outs:
                    continue
                # upstream gradients that require grad: the double backward then reaches every
                # Function that a backward pass uses (as gradgradcheck differentiates them too)
                vs = [scratchnet.ones_like(o, requires_grad=True) for o in outs]
                grads = scratchnet.autograd.grad(outs, inputs, vs, allow_unused=True, create_graph=True)
                second = [(g * g).sum() for g in grads if g is not None and g.requires_grad]
                if second:
                    scratchnet.autograd.grad(second, inputs + vs, allow_unused=True)
                quiet = 0 if len(used) > seen else quiet + 1
    unused = sorted(c.__name__ for c in _function_classes() - used)
    assert not unused, f"Functions no registry case runs: {unused}"


# ---- second derivatives ---------------------------------------------------------------------------
#
# The backward of every op is written with scratchnet's own ops, so it can be differentiated again.
# (d) second derivatives equal torch's; (e) they equal float64 finite differences of the first.


def _second_order(lib, case, arrays, example, vs, ws):
    """d/d(inputs, v) of sum_i <w_i, dL/dx_i> where dL/dx = vjp(v): a Hessian-vector product."""
    inputs, outs = run(case, lib, arrays, example, requires_grad=True)
    outs = [o for o in outs if o.requires_grad]
    v = [lib.tensor(a, requires_grad=True) for a in vs]
    grads = lib.autograd.grad(outs, inputs, v, create_graph=True, allow_unused=True)
    terms = [(g * lib.tensor(w)).sum() for g, w in zip(grads, ws) if g is not None and g.requires_grad]
    if not terms:
        return [None] * (len(inputs) + len(v))
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return list(lib.autograd.grad(total, inputs + v, allow_unused=True))


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=repr)
@settings(max_examples=10)
@given(data=st.data())
def test_second_derivatives_match_torch(case, data):
    example = data.draw(case.draw, label="example")
    arrays = make_inputs(case, example, "float64")
    rng = np.random.default_rng(example.seed + 2)
    _, probe = run(case, torch, arrays, example, requires_grad=True)
    probe = [o for o in probe if o.requires_grad]
    if not probe:
        return
    vs = [rng.standard_normal(tuple(o.shape)) for o in probe]
    ws = [rng.standard_normal(a.shape) for a in arrays]
    try:
        theirs = _second_order(torch, case, arrays, example, vs, ws)
    except (RuntimeError, NotImplementedError) as e:
        if "unsupported" in str(e) or "not implemented" in str(e):
            return  # torch defines no second derivative here (e.g. scatter_reduce prod with repeated zeros)
        raise
    ours = _second_order(scratchnet, case, arrays, example, vs, ws)
    shapes = [a.shape for a in arrays] + [v.shape for v in vs]
    for i, (g, h, shape) in enumerate(zip(ours, theirs, shapes)):
        g = np.zeros(shape) if g is None else g
        h = np.zeros(shape) if h is None else h
        assert_close(g, h, 1e-8, 1e-10, what=f"{case.name} second derivative, argument {i}")


@pytest.mark.parametrize("case", [c for c in DIFFERENTIABLE if c.fd], ids=repr)
@settings(max_examples=max(4, settings.default.max_examples // 3))  # (6 in CI: torch checks them at 10 draws above)
@given(data=st.data())
def test_second_derivatives_match_finite_differences(case, data):
    example = data.draw(case.draw, label="example")
    arrays = make_inputs(case, example, "float64")
    inputs = [scratchnet.tensor(a, requires_grad=True) for a in arrays]
    scratchnet.gradgradcheck(lambda *xs: tuple(o for o in flat_outputs(case.fn(scratchnet, *xs, **example.params)) if o.is_floating_point()), inputs, seed=example.seed)


# ---- off the happy path: dtypes, special values, 0-d and 0-size shapes, errors --------------------

#: Fewer examples than the happy-path tests (these run both engines on every draw, errors included).
OFF_PATH = settings(max_examples=max(4, settings.default.max_examples // 3))


def _origin(exc):
    """The file the exception was raised in (the innermost frame of its traceback)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_filename if tb is not None else ""


def assert_clean_error(ours, theirs, what):
    """scratchnet's error where torch raised: torch's exception type, raised by scratchnet itself."""
    leaked = isinstance(ours, np.exceptions.AxisError) or f"{os.sep}numpy{os.sep}" in _origin(ours)
    assert not leaked, f"{what}: a NumPy exception escaped ({type(ours).__name__}: {ours}, from {_origin(ours)}); torch: {type(theirs).__name__}: {theirs}"
    expected = type(theirs)
    if expected is torch.linalg.LinAlgError:  # torch's class lives in torch._C: scratchnet's own mirror of it
        expected = scratchnet.linalg.LinAlgError
    assert isinstance(ours, expected), f"{what}: scratchnet raised {type(ours).__name__} ({ours}), torch {type(theirs).__name__} ({theirs})"


def attempt(case, lib, arrays, example, grads):
    """Run the case on one engine: (inputs, outputs, None) or (None, None, the exception)."""
    try:
        inputs = [lib.tensor(a, requires_grad=g) for a, g in zip(arrays, grads)]
        return inputs, flat_outputs(case.fn(lib, *inputs, **example.params)), None
    except Exception as e:  # noqa: BLE001  (the comparison below decides)
        return None, None, e


def assert_no_numpy_warning(caught, what):
    """torch never warns on an overflow, 0/0 or inf - inf: NumPy's RuntimeWarning for one (an
    exception under ``-W error``) must not escape a scratchnet op either."""
    for w in caught:
        if issubclass(w.category, RuntimeWarning) and "encountered in" in str(w.message):
            raise AssertionError(f"{what}: NumPy's warning escaped: {w.message} ({w.filename}:{w.lineno})")


def _tolerance(case, dtype, backward=False):
    return tolerances(case, str(dtype).replace("torch.", ""), backward)


def compare_off_path(case, example, arrays, what):
    """Forward, requires_grad and (where floating) a VJP against torch, or the same error."""
    grads = [a.dtype.kind == "f" and case.grad for a in arrays]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sn_in, ours, sn_err = attempt(case, scratchnet, arrays, example, grads)
    assert_no_numpy_warning(caught, what)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        th_in, theirs, th_err = attempt(case, torch, arrays, example, grads)
    if th_err is not None or sn_err is not None:
        if th_err is None:
            raise AssertionError(f"{what}: scratchnet raised {type(sn_err).__name__}: {sn_err}; torch returned a value") from sn_err
        assert sn_err is not None, f"{what}: torch raised {type(th_err).__name__}: {th_err}; scratchnet returned a value"
        assert_clean_error(sn_err, th_err, what)
        return
    assert len(ours) == len(theirs), f"{what}: {len(ours)} outputs, torch has {len(theirs)}"
    # a float64 result of float32 and float64 operands carries float32 rounding (torch's float32
    # intermediates, e.g. its vectorised log, round unlike NumPy's by an ulp): float32's tolerance
    low = "float32" if any(a.dtype == np.float32 for a in arrays) else None
    for i, (o, t) in enumerate(zip(ours, theirs)):
        if not isinstance(t, torch.Tensor):
            assert o == t, f"{what}: output {i} is {o!r}, torch's {t!r}"
            continue
        assert_close(o, t, *_tolerance(case, low if low and t.dtype == torch.float64 else t.dtype), what=f"{what}: output {i}")
        assert o.requires_grad == t.requires_grad, f"{what}: output {i} requires_grad {o.requires_grad}, torch {t.requires_grad}"
    pairs = [(o, t) for o, t in zip(ours, theirs) if isinstance(t, torch.Tensor) and t.requires_grad]
    if not pairs:
        return
    rng = np.random.default_rng(example.seed + 1)
    vs = [rng.standard_normal(tuple(t.shape)).astype(str(t.dtype).replace("torch.", "")) for _, t in pairs]
    wanted = [i for i, g in enumerate(grads) if g]
    if all(t.numel() == 0 for _, t in pairs):
        # an empty output's gradient is zero; torch's reflection-pad backward returns uninitialized
        # memory there (pad (1, 2, 2, 2) by (0, 0, 0, 0, -1, -1), reflect: a different gradient
        # each run), so scratchnet's is held to zero instead of to torch's
        # (a backward that refuses, as addcdiv's does for an integer divisor, is compared with
        # torch's refusal below)
        try:
            mine = scratchnet.autograd.grad([o for o, _ in pairs], [sn_in[i] for i in wanted], [scratchnet.tensor(v) for v in vs], allow_unused=True)
        except Exception:  # noqa: BLE001
            mine = None
        if mine is not None:
            for i, g in zip(wanted, mine):
                assert g is None or not np.asarray(g.detach().array).any(), f"{what}: gradient of input {i} through an empty output is not zero"
            return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            mine = scratchnet.autograd.grad([o for o, _ in pairs], [sn_in[i] for i in wanted], [scratchnet.tensor(v) for v in vs], allow_unused=True)
            sn_err = None
        except Exception as e:  # noqa: BLE001
            sn_err = e
    assert_no_numpy_warning(caught, what + " backward")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ref = torch.autograd.grad([t for _, t in pairs], [th_in[i] for i in wanted], [torch.tensor(v) for v in vs], allow_unused=True)
            th_err = None
        except Exception as e:  # noqa: BLE001
            th_err = e
    if th_err is not None or sn_err is not None:
        assert th_err is not None, f"{what}: backward: scratchnet raised {type(sn_err).__name__}: {sn_err}; torch did not"
        if sn_err is None and "Found dtype" in str(th_err):
            # torch's own backward refuses the dtypes its forward accepted (huber_loss on mixed
            # float32/float64 or float/int operands: "Found dtype Double but expected Float"):
            # nothing to compare the gradient with; scratchnet's gradient is allowed to exist
            return
        if sn_err is None and "Index to scalar can have only 1 value" in str(th_err):
            # likewise torch's index_fill backward on a 0-d self with an empty index: its forward
            # accepts the pair, its backward's index_select of the 0-d value refuses the empty index
            return
        assert sn_err is not None, f"{what}: backward: torch raised {type(th_err).__name__}: {th_err}; scratchnet did not"
        assert_clean_error(sn_err, th_err, what + " backward")
        return
    for i, g, h in zip(wanted, mine, ref):
        shape, dtype = arrays[i].shape, arrays[i].dtype
        g = np.zeros(shape, dtype) if g is None else g
        h = np.zeros(shape, dtype) if h is None else h
        assert_close(g, h, *_tolerance(case, low or dtype, backward=True), what=f"{what}: gradient of input {i}")


@pytest.mark.parametrize("case", [c for c in CASES if c.dtypes], ids=repr)
@OFF_PATH
@given(data=st.data())
def test_dtypes_match_torch(case, data):
    example = data.draw(case.draw, label="example")
    dtypes = data.draw(dtype_choice(case, len(example.shapes)), label="dtypes")
    compare_off_path(case, example, values(case, example, dtypes), f"{case.name} with dtypes {dtypes}")


@pytest.mark.parametrize("case", [c for c in CASES if c.edge and any(d in FLOATS for d in c.dtypes)], ids=repr)
@OFF_PATH
@given(data=st.data())
def test_special_values_match_torch(case, data):
    example = data.draw(case.draw, label="example")
    dtype = data.draw(st.sampled_from([d for d in FLOATS if d in case.dtypes]), label="dtype")
    arrays = values(case, example, [dtype] * len(example.shapes), special=True)
    compare_off_path(case, example, arrays, f"{case.name} with special values ({dtype})")


@pytest.mark.parametrize("case", [c for c in CASES if c.odd_shapes and c.draw is not None], ids=repr)
@OFF_PATH
@given(data=st.data())
def test_odd_shapes_match_torch(case, data):
    example = data.draw(case.draw, label="example")
    if not example.shapes:
        return
    example = data.draw(odd_shapes(example), label="odd shapes")
    dtype = base_dtypes(case)[0]
    compare_off_path(case, example, values(case, example, [dtype] * len(example.shapes)), f"{case.name} with shapes {example.shapes}")
