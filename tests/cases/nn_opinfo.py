"""Registry cases for the nn.functional ops added from PyTorch's OpInfo sweep (tools/opinfo_sweep.py):
F.linear_cross_entropy, torch.native_batch_norm / native_layer_norm / native_group_norm and
F.max_unpool3d and F.fractional_max_pool3d."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.cases.norm_attention import NO_SQUARE_OVERFLOW
from tests.registry import FLOATS, SPECIAL_VALUES, Case, Example, F, distinct, seeds, unary


@st.composite
def linear_ce_example(draw):
    n, c, k = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    batched = draw(st.integers(0, 3)) > 0
    extra = draw(st.sampled_from([(), (), (2,)])) if batched else ()
    shapes = [(n, k) if batched else (k,), (c, *extra, k)]
    if draw(st.booleans()):
        shapes.append((c, *extra))  # linear_bias
    params = {"reduction": draw(st.sampled_from(["none", "mean", "sum"])), "label_smoothing": draw(st.sampled_from([0.0, 0.2]))}
    tshape = ((n,) if batched else ()) + extra
    params["target"] = draw(hnp.arrays(np.int64, tshape, elements=st.integers(0, c - 1)))
    if draw(st.booleans()):
        params["weight"] = draw(hnp.arrays(np.float64, (c,), elements=st.floats(0.2, 2.0)))
    return Example(shapes, params, draw(seeds))


def _linear_ce(lib, x, w, b=None, target=None, weight=None, **params):
    weight = None if weight is None else lib.tensor(weight.astype(str(x.dtype).split(".")[-1]))
    return F(lib).linear_cross_entropy(x, w, lib.tensor(target), linear_bias=b, weight=weight, **params)


@st.composite
def native_norm_example(draw, kind):
    n, c, rest = draw(st.integers(1, 2)), draw(st.sampled_from([1, 2, 4])), draw(st.sampled_from([(), (3,), (2, 1)]))
    shape = (n, c, *rest)
    affine = draw(st.booleans())
    if kind == "layer":
        k = draw(st.integers(1, len(shape)))
        shapes = [shape] + [shape[len(shape) - k:]] * 2 * affine
        return Example(shapes, {"k": k, "eps": draw(st.sampled_from([1e-5, 0.1]))}, draw(seeds))
    shapes = [shape] + [(c,)] * 2 * affine
    params = {"eps": draw(st.sampled_from([1e-5, 0.1]))}
    if kind == "batch":
        params.update(training=draw(st.booleans()), momentum=draw(st.sampled_from([0.1, 0.5])))
    else:
        params["group"] = draw(st.sampled_from([g for g in (1, 2, 4) if c % g == 0]))
    return Example(shapes, params, draw(seeds))


def _native_batch_norm(lib, x, w=None, b=None, training=True, momentum=0.1, eps=1e-5):
    c = x.shape[1] if x.ndim > 1 else 0
    mean, var = lib.zeros(c, dtype=x.dtype) + 0.25, lib.ones(c, dtype=x.dtype) * 1.5
    out = lib.native_batch_norm(x, w, b, mean, var, training, momentum, eps)
    return (*out, mean, var)  # and the running estimates it moved


def _native_group_norm(lib, x, w=None, b=None, group=1, eps=1e-5):
    hxw = int(np.prod(x.shape[2:]))
    return lib.native_group_norm(x, w, b, x.shape[0], x.shape[1] if x.ndim > 1 else 1, hxw, group, eps)


@st.composite
def unpool3d_example(draw):
    k = draw(st.integers(1, 2))
    stride = draw(st.sampled_from([None, k + 1]))  # windows apart: no index twice
    spatial = tuple(draw(st.integers(k, k + 1)) for _ in range(3))  # small volumes: finite differences per element
    lead = draw(st.sampled_from([(1, 2), (1,)]))
    return Example([lead + spatial], {"k": k, "stride": stride}, draw(seeds))


def _unpool3d(lib, x, k, stride):
    out, idx = F(lib).max_pool3d(x, k, stride, return_indices=True)
    return F(lib).max_unpool3d(out, idx, k, stride, output_size=x.shape[-3:])


@st.composite
def fractional3d_example(draw):
    k = draw(st.integers(1, 2))
    spatial = tuple(draw(st.integers(k + 1, 3)) for _ in range(3))
    size = tuple(draw(st.integers(1, n - k)) for n in spatial)  # torch wants out + k - 1 < in
    lead = draw(st.sampled_from([(1, 2), (1,)]))
    return Example([lead + spatial], {"kernel_size": k, "output_size": size}, draw(seeds))


def _fractional3d(lib, x, **kw):
    lib.manual_seed(4321)  # the window positions are drawn: the same seed, the same draws as torch's
    return F(lib).fractional_max_pool3d(x, return_indices=True, **kw)


def _native_dropout(lib, x, p, train):
    lib.manual_seed(1234)  # the mask is drawn: the same seed, the same mask as torch's
    return lib.native_dropout(x, p, train)


#: No infinities in the layer/group-norm statistics' rows: torch's mean there is NaN or +-inf by the lane
#: layout of its vectorised running-mean kernel (inf - inf in some lanes only); scratchnet gives NaN.
NO_INF = tuple(v for v in NO_SQUARE_OVERFLOW if not np.isinf(v))

# fd=False below (CI budget): each op is a composition of ops whose own cases check finite differences
# (group_norm, mean, rsqrt; linear, cross_entropy; the 2-D unpool and fractional-pool gathers on the same
# nodes); gradients and second derivatives are still compared with torch's.
CASES = [
    # fd=False: the batch- and layer-norm statistics carry no gradient in torch (finite differences see them move)
    Case("native_batch_norm", _native_batch_norm, native_norm_example("batch"), tol32=1e-4, dtypes=FLOATS, fd=False,
         specials=tuple(v for v in SPECIAL_VALUES if v != v or abs(v) < 1e-30)),  # as batch_norm's NARROWED entry
    Case("native_layer_norm", lambda lib, x, w=None, b=None, k=1, eps=1e-5: lib.native_layer_norm(x, x.shape[x.ndim - k:], w, b, eps),
         native_norm_example("layer"), tol32=1e-4, dtypes=FLOATS, fd=False, specials=NO_INF),
    Case("native_group_norm", _native_group_norm, native_norm_example("group"), tol32=1e-4, dtypes=FLOATS, specials=NO_INF, fd=False),
    Case("max_unpool3d", _unpool3d, unpool3d_example(), domain=distinct, fd=False),
    Case("fractional_max_pool3d", _fractional3d, fractional3d_example(), domain=distinct, fd=False),
    Case("native_dropout", _native_dropout, unary(p=st.sampled_from([0.0, 0.3, 0.5, 1.0]), train=st.booleans()), dtypes=FLOATS),
    Case("linear_cross_entropy", _linear_ce, linear_ce_example(), tol32=1e-4, dtypes=FLOATS, fd=False),
]

COVERED_BY = {"fractional_max_pool3d_with_indices": "fractional_max_pool3d"}
