"""Registry cases of scratchnet/ops/products.py and einsum.py: sizes drawn from 0 to 3 (empty
products included), batch dims, the fused ``beta``/``alpha`` forms with ``beta = 0`` (input
ignored), einsum over equations with diagonals, ellipses, broadcasting and implicit outputs.
"""

import warnings

from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import NO_HUGE, NO_LARGE, Case, Example, seeds

size = st.integers(0, 3)
pos = st.integers(1, 3)
scale = st.sampled_from([1, 0.5, -2.0, 0])


def _broadcastable_to(draw, target):
    """A shape that broadcasts to ``target``: some trailing dims kept, some set to 1."""
    keep = draw(st.integers(0, len(target)))
    return tuple(draw(st.sampled_from([n, 1])) for n in target[len(target) - keep :])


@st.composite
def fused(draw, kind):
    b, n, m, p = draw(size), draw(size), draw(size), draw(size)
    product, operands = {
        "bmm": ((b, n, p), [(b, n, m), (b, m, p)]),
        "baddbmm": ((b, n, p), [(b, n, m), (b, m, p)]),
        "addbmm": ((n, p), [(b, n, m), (b, m, p)]),
        "addmm": ((n, p), [(n, m), (m, p)]),
        "addmv": ((n,), [(n, m), (m,)]),
        "mv": ((n,), [(n, m), (m,)]),
        "addr": ((n, p), [(n,), (p,)]),
    }[kind]
    shapes = operands if kind in ("bmm", "mv") else [_broadcastable_to(draw, product)] + operands
    if kind == "addmv" and 0 in (n, m):  # torch's addmv resizes oddly on empty products (() or (1,) out)
        shapes = [(n or 1,), (n or 1, m or 1), (m or 1,)]
    params = {} if kind in ("bmm", "mv") else {"beta": draw(scale), "alpha": draw(scale)}
    return Example(shapes, params, draw(seeds))


@st.composite
def vectors(draw, count=2):
    n = draw(size)
    return Example([(n,)] * count, {}, draw(seeds))


@st.composite
def outer_shapes(draw):
    return Example([(draw(size),), (draw(size),)], {}, draw(seeds))


@st.composite
def inner_shapes(draw):
    if draw(st.booleans()):
        return Example([draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)), ()], {}, draw(seeds))
    k = draw(size)
    a = draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)) + (k,)
    b = draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)) + (k,)
    return Example([a, b], {}, draw(seeds))


@st.composite
def tensordot_shapes(draw):
    k = draw(st.integers(0, 2))
    contracted = tuple(draw(size) for _ in range(k))
    a = tuple(draw(pos) for _ in range(draw(st.integers(0, 2)))) + contracted
    b = contracted + tuple(draw(pos) for _ in range(draw(st.integers(0, 2))))
    if draw(st.booleans()):
        return Example([a, b], {"dims": k}, draw(seeds))
    order = draw(st.permutations(range(k)))
    dims_a = [len(a) - k + i - len(a) * draw(st.booleans()) for i in order]
    dims_b = list(order)
    return Example([a, b], {"dims": (dims_a, dims_b)}, draw(seeds))


@st.composite
def kron_shapes(draw):
    return Example([draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)) for _ in range(2)], {}, draw(seeds))


@st.composite
def cross_shapes(draw, default_dim=False):
    pair = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=2 if default_dim else 3))
    a, b = pair.input_shapes
    nd = max(len(a), len(b))
    a, b = (1,) * (nd - len(a)) + a, (1,) * (nd - len(b)) + b
    where = draw(st.integers(0, nd))
    a, b = a[:where] + (3,) + a[where:], b[:where] + (3,) + b[where:]
    dim = where - (nd + 1) * draw(st.booleans())
    return Example([a, b], {} if default_dim else {"dim": dim}, draw(seeds))


@st.composite
def cdist_shapes(draw):
    pair = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=2))
    m = draw(pos)
    a, b = pair.input_shapes
    modes = ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"]
    params = {"p": draw(st.sampled_from([2.0, 1.0, 3.0, 0.0, 1.5, float("inf")])), "compute_mode": draw(st.sampled_from(modes))}
    return Example([a + (draw(size), m), b + (draw(size), m)], params, draw(seeds))


@st.composite
def chain_shapes(draw, vectors_at_ends=False):
    count = draw(st.integers(2, 4))
    sizes = [draw(pos) for _ in range(count + 1)]
    shapes = [(sizes[i], sizes[i + 1]) for i in range(count)]
    if vectors_at_ends and draw(st.booleans()):
        shapes[0] = shapes[0][1:]
    if vectors_at_ends and draw(st.booleans()):
        shapes[-1] = shapes[-1][:1]
    return Example(shapes, {}, draw(seeds))


EQUATIONS = [
    "ij,jk->ik", "ij,jk", "ii->i", "ii", "iji->j", "iij->ji", "bij,bjk->bik", "ij->", "ij->ji", "i,j->ij",
    "ij,ij->ij", "...ij,...jk->...ik", "...i,...i->...", "...ij->j", "ba", "ij,jk,kl->il", "i,i", ",i->i",
    "b...,b...->...", "aB,Bc->ca",
]


@st.composite
def einsum_example(draw):
    equation = draw(st.sampled_from(EQUATIONS))
    lhs = equation.split("->")[0]
    sizes = {ch: draw(size) for ch in set(lhs) if ch.isalpha()}
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=lhs.count(",") + 1, min_dims=0, max_dims=2, max_side=3)).input_shapes
    shapes = []
    for term, ellipsis in zip(lhs.split(","), batch):
        stretch = draw(st.booleans())  # a size-1 dim where a label's size is larger: torch broadcasts it
        dims = []
        for ch in term.replace("...", "."):
            dims.extend(ellipsis if ch == "." else [1 if stretch and draw(st.booleans()) and term.count(ch) == 1 else sizes[ch]])
        shapes.append(tuple(dims))
    form = draw(st.sampled_from(["varargs", "list"]))
    return Example(shapes, {"equation": equation, "form": form}, draw(seeds))


def _einsum(lib, *xs, equation, form):
    return lib.einsum(equation, list(xs)) if form == "list" else lib.einsum(equation, *xs)


def _quiet(fn):
    def call(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # cross without dim, chain_matmul: deprecations
            return fn(*args, **kwargs)

    return call


#: The BLAS-backed products draw no large finite values: BLAS's order (and where it applies
#: alpha) decides inf vs NaN there, as for matmul. addr, an elementwise loop, draws them all.
CASES = [
    Case("bmm", lambda lib, a, b: lib.bmm(a, b), fused("bmm"), specials=NO_LARGE),
    Case("baddbmm", lambda lib, x, a, b, beta, alpha: lib.baddbmm(x, a, b, beta=beta, alpha=alpha), fused("baddbmm"), specials=NO_LARGE),
    Case("addbmm", lambda lib, x, a, b, beta, alpha: lib.addbmm(x, a, b, beta=beta, alpha=alpha), fused("addbmm"), specials=NO_LARGE),
    Case("addmm", lambda lib, x, a, b, beta, alpha: lib.addmm(x, a, b, beta=beta, alpha=alpha), fused("addmm"), specials=NO_LARGE),
    Case("addmv", lambda lib, x, a, b, beta, alpha: lib.addmv(x, a, b, beta=beta, alpha=alpha), fused("addmv"), specials=NO_LARGE),
    Case("addr", lambda lib, x, a, b, beta, alpha: lib.addr(x, a, b, beta=beta, alpha=alpha), fused("addr")),
    Case("mv", lambda lib, a, b: lib.mv(a, b), fused("mv"), specials=NO_LARGE),
    Case("outer", lambda lib, a, b: lib.outer(a, b), outer_shapes()),
    Case("ger", lambda lib, a, b: lib.ger(a, b), outer_shapes()),
    Case("dot", lambda lib, a, b: lib.dot(a, b), vectors()),
    Case("vdot", lambda lib, a, b: lib.vdot(a, b), vectors()),
    Case("inner", lambda lib, a, b: lib.inner(a, b), inner_shapes(), specials=NO_LARGE),  # a matrix product, as matmul
    Case("tensordot", lambda lib, a, b, dims: lib.tensordot(a, b, dims=dims), tensordot_shapes()),
    Case("kron", lambda lib, a, b: lib.kron(a, b), kron_shapes(), specials=NO_HUGE),  # its gradient sums products: +-3e38 overflow by order
    Case("cross", lambda lib, a, b, dim: lib.cross(a, b, dim=dim), cross_shapes()),
    Case("cross-default-dim", _quiet(lambda lib, a, b: lib.cross(a, b)), cross_shapes(default_dim=True)),
    Case("linalg.cross", lambda lib, a, b, dim: lib.linalg.cross(a, b, dim=dim), cross_shapes()),
    Case("cdist", lambda lib, a, b, p, compute_mode: lib.cdist(a, b, p=p, compute_mode=compute_mode), cdist_shapes(), tol32=1e-4),
    # large finite values: BLAS's summation order and FMA decide inf vs NaN (as for matmul)
    Case("chain_matmul", _quiet(lambda lib, *ms: lib.chain_matmul(*ms)), chain_shapes(), specials=NO_LARGE),
    Case("linalg.multi_dot", lambda lib, *ms: lib.linalg.multi_dot(list(ms)), chain_shapes(vectors_at_ends=True)),
    # sums of products: with large finite values, the summation order decides (as for matmul)
    Case("einsum", lambda lib, *xs, equation, form: _einsum(lib, *xs, equation=equation, form=form), einsum_example(), specials=NO_LARGE),
]
