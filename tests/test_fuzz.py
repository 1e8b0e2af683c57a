"""A differential fuzzer: hypothesis draws small programs (3-8 steps: arithmetic, reductions,
views, indexing, in-place ops, ``__setitem__``, augmented assignment), each runs on scratchnet and
on torch, and everything is compared (tests/differential.py): every tensor the program made (so
write-through into bases and views is checked), dtypes, ``requires_grad``, ``grad_fn is None``,
the leaves' gradients after a backward, and that scratchnet raises, with the same exception type
and never a NumPy one, exactly when torch raises.

CI runs it derandomized (the "ci" profile); ``HYPOTHESIS_PROFILE=thorough`` runs thousands, and
``--hypothesis-show-statistics`` prints how many programs ran through and how many raised.
"""

import warnings

import numpy as np
from hypothesis import event, given, settings
from hypothesis import strategies as st

from .differential import check_same

#: step name -> (number of tensor operands, parameter strategy)
BINARY = ["add", "sub", "mul", "div", "maximum"]
UNARY = ["exp", "tanh", "sigmoid", "neg", "abs", "sin", "relu", "clone", "detach", "float", "double"]
REDUCE = ["sum", "mean", "sum-dim", "mean-dim"]  # amax: torch saves its output, ours its input (issue 11 territory)
VIEWS = ["t", "transpose", "permute", "view-flat", "reshape", "unsqueeze", "squeeze", "expand", "slice", "select",
         "none-index", "unbind", "split", "chunk", "T", "mT", "contiguous", "narrow", "flatten"]
INDEX = ["index-int-tensor", "index-mask", "index-mixed"]
INPLACE = ["add_", "sub_", "mul_", "div_", "clamp_", "zero_", "fill_", "copy_", "exp_", "relu_", "neg_",
           "sigmoid_", "tanh_", "pow_", "masked_fill_", "setitem-basic", "setitem-advanced", "setitem-mask",
           "iadd", "imul", "isub", "itruediv", "relu-inplace"]
STEPS = BINARY + UNARY + REDUCE + VIEWS + INDEX + INPLACE


import scratchnet as sn  # noqa: E402

#: int64 leaves mix integer and float operands: drawn once torch's promotion table is in result_type
#: (NumPy's makes int64 with float32 float64, torch float32).
_DTYPES = ["float32", "float64", "float32"] + (["int64"] if sn.result_type(sn.ones(2), sn.tensor([1, 2])) == sn.float32 else [])


@st.composite
def programs(draw):
    n_leaves = draw(st.integers(1, 3))
    leaves = []
    dtype = draw(st.sampled_from(_DTYPES))  # one float dtype a program: mixing is the promotion harness's
    for _ in range(n_leaves):
        ndim = draw(st.integers(0, 3))
        shape = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
        leaves.append((shape, "int64" if dtype == "int64" or (len(_DTYPES) > 3 and draw(st.integers(0, 4)) == 0) else dtype, draw(st.booleans())))
    steps = []
    for _ in range(draw(st.integers(3, 8))):
        name = draw(st.sampled_from(STEPS))
        steps.append((name, draw(st.integers(0, 63)), draw(st.integers(0, 63)), draw(st.integers(0, 2**16))))
    return leaves, steps, draw(st.integers(0, 2**31))


def _pick(live, k, floating=False):
    pool = [t for t in live if t.is_floating_point()] if floating else live
    return pool[k % len(pool)] if pool else live[k % len(live)]


def _dim(t, k):
    return (k % t.ndim) - (t.ndim if k % 2 else 0) if t.ndim else 0


def _basic_key(t, r):
    """A basic key from the seed ``r``: ints, slices with steps, None, Ellipsis."""
    rng = np.random.default_rng(r)
    key = []
    for d in range(t.ndim):
        n = t.shape[d]
        c = rng.integers(0, 4)
        if c == 0:
            key.append(int(rng.integers(-n, n)))
        elif c == 1:
            key.append(slice(int(rng.integers(0, n + 1)), None, int(rng.integers(1, 3))))
        elif c == 2:
            key.append(slice(None))
        else:
            key.append(None)
            key.append(slice(None))
    if rng.integers(0, 3) == 0:
        key.insert(int(rng.integers(0, len(key) + 1)), Ellipsis)
    return tuple(key)


def step(lib, live, name, a, b, r, n_leaves=0):
    """Apply step ``name`` to the live tensors (``a``, ``b`` pick operands, ``r`` seeds details).
    An in-place step mostly writes into a tensor the program made (a leaf now and then: torch's
    refusal is compared too)."""
    rng = np.random.default_rng(r)
    pool = live[n_leaves:] if name in INPLACE and len(live) > n_leaves and a % 6 else live
    x = _pick(pool, a, floating=name in INPLACE or name in UNARY)
    y = _pick(live, b)
    scalar = [2.0, 0.5, -1.5, 3][r % 4]
    if name in BINARY:
        other = y if r % 3 or name == "maximum" else scalar
        return getattr(lib, name)(x, other) if name == "maximum" else getattr(x, name)(other)
    if name in UNARY:
        return getattr(x, name)()
    if name == "sum":
        return x.sum()
    if name == "mean":
        return x.float().mean()
    if name in ("sum-dim", "mean-dim", "amax-dim"):
        if x.ndim == 0:  # reductions of 0-d tensors over a dim: issue 11's edge cases, fuzzed there
            return x.sum()
        d = _dim(x, r)
        keep = bool(r % 2)
        return x.sum(d, keepdim=keep) if name == "sum-dim" else x.float().mean(d, keepdim=keep) if name == "mean-dim" else x.amax(d, keepdim=keep)
    if name == "t":
        return x.t()
    if name == "T":
        return x.T if x.ndim == 2 else x.permute(*reversed(range(x.ndim))) if x.ndim else x
    if name == "mT":
        return x.mT
    if name == "transpose":
        return x.transpose(_dim(x, r), _dim(x, r // 3))
    if name == "permute":
        return x.permute(*[int(i) for i in rng.permutation(x.ndim)]) if x.ndim else x
    if name == "view-flat":
        return x.view(-1)
    if name == "reshape":
        return x.reshape(-1, 1) if r % 2 else x.reshape(x.shape[::-1])
    if name == "flatten":
        return x.flatten()
    if name == "unsqueeze":
        return x.unsqueeze(_dim(x, r) if x.ndim else 0)
    if name == "squeeze":
        return x.squeeze() if r % 2 else x.squeeze(_dim(x, r))
    if name == "expand":
        return x.expand(2, *x.shape)
    if name == "contiguous":
        return x.contiguous()
    if name == "slice":
        return x[_basic_key(x, r)]
    if name == "select":
        if hasattr(x, "select"):
            return x.select(_dim(x, r), r % 2)
        if x.ndim == 0:
            raise IndexError("select() cannot be applied to a 0-dim tensor.")
        return x[(slice(None),) * (_dim(x, r) % x.ndim) + (r % 2,)]
    if name == "narrow":
        return x[(slice(None),) * (_dim(x, r) % max(x.ndim, 1)) + (slice(r % 2, None),)] if x.ndim else x
    if name == "none-index":
        return x[None, ..., None]
    if name in ("unbind", "split", "chunk"):
        d = _dim(x, r)
        parts = x.unbind(d) if name == "unbind" else x.split(1 + r % 2, d) if name == "split" else x.chunk(1 + r % 3, d)
        return parts[(r // 5) % len(parts)] if len(parts) else x
    if name == "index-int-tensor":
        n = x.shape[0] if x.ndim else 1
        return x[lib.tensor(rng.integers(-n, n, size=int(rng.integers(0, 4))))]
    if name == "index-mask":
        return x[lib.tensor(np.asarray(rng.standard_normal(tuple(x.shape)) > 0))]
    if name == "index-mixed":
        n = x.shape[-1] if x.ndim else 1
        return x[..., 0, lib.tensor([r % n, 0])] if x.ndim >= 2 else x[lib.tensor([0, 0])]
    # in-place steps: they return the tensor they changed
    if name in ("add_", "sub_", "mul_", "div_", "pow_"):
        other = y if r % 3 and name != "pow_" else scalar  # (pow's NaN edges: the special-value harness's)
        return getattr(x, name)(other)
    if name == "clamp_":
        return x.clamp_(-0.5, 0.8)
    if name == "zero_":
        return x.zero_()
    if name == "fill_":
        return x.fill_(scalar)
    if name == "copy_":
        return x.copy_(y)
    if name in ("exp_", "relu_", "neg_", "sigmoid_", "tanh_"):
        return getattr(x, name)()
    if name == "masked_fill_":
        return x.masked_fill_(x > 0, scalar)
    if name == "detach_":
        return x.detach_()
    if name == "setitem-basic":
        x[_basic_key(x, r)] = y if r % 2 else scalar
        return x
    if name == "setitem-advanced":
        n = x.shape[0] if x.ndim else 1
        x[lib.tensor(rng.integers(-n, n, size=int(rng.integers(0, 3))))] = scalar if r % 2 else y
        return x
    if name == "setitem-mask":
        x[x > 0.3] = scalar
        return x
    if name == "relu-inplace":
        return lib.nn.functional.relu(x, inplace=True)
    ops = {"iadd": "__iadd__", "imul": "__imul__", "isub": "__isub__", "itruediv": "__itruediv__"}
    return getattr(x, ops[name])(y if r % 2 else scalar)


def make_program(leaves, steps, seed):
    def program(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rng = np.random.default_rng(seed)
            made = []
            for shape, dtype, grad in leaves:
                values = rng.standard_normal(shape) * 2
                values = np.round(values) if dtype == "int64" else values
                made.append(lib.tensor(np.asarray(values, dtype=dtype), requires_grad=grad and dtype != "int64"))
            live = list(made)
            for name, a, b, r in steps:
                out = step(lib, live, name, a, b, r, len(made))
                live.append(out)
            results = list(live)
            final = [t for t in live if t.requires_grad]
            if final:
                t = final[-1]
                w = lib.tensor(np.asarray(rng.standard_normal(tuple(t.shape)), dtype=str(t.dtype).replace("torch.", "")))
                (t * w).sum().backward()
                results += [leaf.grad for leaf in made]
            return results

    return program


_EXAMPLES = settings().max_examples


@settings(max_examples=_EXAMPLES * (8 if _EXAMPLES >= 400 else 2), deadline=None)
@given(programs())
def test_programs_agree_with_torch(program):
    leaves, steps, seed = program
    loose = any(dtype != "float64" for _, dtype, _ in leaves) or any(name == "float" for name, *_ in steps)
    outcome = check_same(make_program(leaves, steps, seed), what=f"program {steps} on leaves {leaves}", loose=loose)
    event(f"outcome: {outcome}")
