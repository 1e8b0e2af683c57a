"""Registry cases of the reduction/indexing ops added from torch's OpInfo sweep: nonzero_static,
gradient (uniform spacing, per-dim spacings, sample coordinates; edge orders 1 and 2),
histogramdd (bin counts, per-dim counts, edge tensors; ranges, weights, density)."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import Case, Example, seeds, unary


@st.composite
def gradient_example(draw):
    s = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=3, max_side=4))
    n = len(s)
    dim = draw(st.one_of(st.none(), st.integers(-n, n - 1), st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True).map(tuple)))
    kind = draw(st.sampled_from(["default", "scalar", "per-dim", "coordinates"]))
    return Example([s], {"dim": dim, "kind": kind, "edge_order": draw(st.sampled_from([1, 2]))}, draw(seeds))


def _gradient(lib, a, dim, kind, edge_order):
    dims = range(a.ndim) if dim is None else [dim] if isinstance(dim, int) else dim
    sizes = [a.shape[d] for d in dims]
    if kind == "default":
        spacing = 1
    elif kind == "scalar":
        spacing = 0.5
    elif kind == "per-dim":
        spacing = [1.0 + k for k in range(len(sizes))]
    else:  # uneven sample positions, in the input's float dtype
        dtype = a.dtype if a.is_floating_point() else lib.float32
        spacing = [lib.tensor(np.cumsum(1.0 + 0.5 * (np.arange(m) % 3)), dtype=dtype) for m in sizes]
    return lib.gradient(a, spacing=spacing, dim=dim, edge_order=edge_order)


@st.composite
def histogramdd_example(draw):
    s = draw(hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4))
    D = s[-1]
    bins = draw(st.one_of(st.integers(1, 3), st.lists(st.integers(1, 3), min_size=D, max_size=D), st.just("edges")))
    rng = draw(st.one_of(st.none(), st.just([-1.0, 1.0] * D)))
    return Example([s], {"bins": bins, "range": rng, "weighted": draw(st.booleans()), "density": draw(st.booleans())}, draw(seeds))


def _histogramdd(lib, a, bins, range, weighted, density):
    dtype = a.dtype if a.is_floating_point() else lib.float32
    if bins == "edges":
        bins = [lib.tensor([-1.5, -0.2, 0.0, 0.7, 2.0][: 2 + k % 4], dtype=dtype) for k in builtins_range(a.shape[-1])]
        range = None
    weight = (lib.arange(a[..., 0].numel(), dtype=dtype).reshape(a.shape[:-1]) % 3) if weighted and a.ndim > 1 else None
    return tuple(_flat(lib.histogramdd(a, bins, range=range, weight=weight, density=density)))


def _flat(result):
    return [result.hist, *result.bin_edges]


builtins_range = range

CASES = [
    Case("nonzero_static", lambda lib, x, size, fill_value: lib.nonzero_static(x * (x.abs() > 0.5), size=size, fill_value=fill_value),
         unary(size=st.integers(0, 6), fill_value=st.sampled_from([-1, 0, 7])), grad=False),
    # (fd=False for the CI budget: its gradients and second derivatives are compared with torch's)
    Case("gradient", _gradient, gradient_example(), tol32=1e-4, fd=False),
    Case("histogramdd", _histogramdd, histogramdd_example(), grad=False),
]
