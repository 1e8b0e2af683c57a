"""Registry cases for the functions torch exposes at its top level with ATen's signatures
(scratchnet/ops/aten_level.py): convolution, the deprecated frobenius/nuclear norms, adjoint, and
the dropouts that take ``train`` positionally (their in-place forms too). Each runs the same sweep
as its functional twin: dtypes, special values, 0-d and empty shapes where they apply."""

from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.cases.nn_layers import conv_transpose_example, feature_dropout_example
from tests.registry import Case, Example, conv_example, seeds

from .reductions import matrix_example


def _convolution(lib, x, w, *b, stride, padding, dilation, groups, transposed=False, output_padding=None):
    dims = w.ndim - 2

    def each(v):  # ATen takes a list per spatial dim
        return list(v) if isinstance(v, (tuple, list)) else [v] * dims

    pads = [0] * dims if padding == "valid" else each(padding)
    return lib.convolution(x, w, b[0] if b else None, each(stride), pads, each(dilation), transposed, each(output_padding or 0), groups)


def _batched(example):
    return example.filter(lambda e: len(e.shapes[0]) == len(e.shapes[1]))  # ATen's convolution takes batches only


@st.composite
def adjoint_example(draw):
    return Example([draw(hnp.array_shapes(min_dims=2, max_dims=4, min_side=0, max_side=4))], {}, draw(seeds))


def _seeded(name, inplace=False):
    """torch's top-level dropout ``name`` after the same seed in both engines (torch's masks, bit for bit)."""

    def fn(lib, x, p):
        lib.manual_seed(1234)
        return getattr(lib, name)(x * 1 if inplace else x, p, True)

    return fn


def _frobenius(lib, a, ord, dim, keepdim):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lib.frobenius_norm(a, dim, keepdim)


def _nuclear(lib, a, ord, dim, keepdim):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lib.nuclear_norm(a, dim, keepdim)


CASES = [
    Case("convolution", _convolution, _batched(conv_example().filter(lambda e: e.params["padding"] != "same")), tol32=1e-4, edge=False),  # NARROWED as conv2d (issue 10)
    Case("convolution-transposed", lambda lib, x, w, *b, **kw: _convolution(lib, x, w, *b, transposed=True, **kw),
         _batched(conv_transpose_example(dims=1)), tol32=1e-4, edge=False),  # NARROWED as conv2d (issue 10)
    Case("adjoint", lambda lib, a: lib.adjoint(a), adjoint_example()),
    Case("frobenius_norm", _frobenius, matrix_example(st.just("fro")), tol32=1e-4),
    Case("nuclear_norm", _nuclear, matrix_example(st.just("nuc")), grad=False, tol32=1e-4, specials=(0.0, -0.0, 1.0, -2.5)),  # as matrix_norm-svd: NaN/inf entries are the LAPACK build's
    Case("feature_dropout", _seeded("feature_dropout"), feature_dropout_example(2).filter(lambda e: len(e.shapes[0]) >= 2)),
    Case("feature_dropout_", _seeded("feature_dropout_", inplace=True), feature_dropout_example(2).filter(lambda e: len(e.shapes[0]) >= 2)),
    Case("dropout_", _seeded("dropout_", inplace=True), feature_dropout_example(1)),
    Case("alpha_dropout_", _seeded("alpha_dropout_", inplace=True), feature_dropout_example(1)),
    Case("feature_alpha_dropout_", _seeded("feature_alpha_dropout_", inplace=True), feature_dropout_example(1).filter(lambda e: len(e.shapes[0]) >= 2)),
]

NOT_OPS = {
    "binomial": "random draws without a gradient: tests/test_aten_level.py compares them with torch's",
    "poisson": "random draws without a gradient: tests/test_aten_level.py compares them with torch's",
    "range": "a creation function: tests/test_aten_level.py",
    "typename": "returns a string: tests/test_aten_level.py",
    "is_distributed": "returns a Python bool: tests/test_aten_level.py",
    "lstsq": "removed from torch, raises its error: tests/test_aten_level.py",
    "solve": "removed from torch, raises its error: tests/test_aten_level.py",
    "eig": "removed from torch, raises its error: tests/test_aten_level.py",
    "symeig": "removed from torch, raises its error: tests/test_aten_level.py",
    "matrix_rank": "removed from torch, raises its error: tests/test_aten_level.py",
}
