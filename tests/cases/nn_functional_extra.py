"""Registry cases: the in-place activations and rrelu, max unpooling, Lp pooling, pdist, bilinear,
channel shuffle, the triplet loss with a distance function, Gumbel-softmax (seeded: scratchnet
draws torch's numbers), grid_sample / affine_grid and ctc_loss.

In-place cases edit a non-leaf (``a * 1``) so the history is rebased as torch does; random ops
reseed both engines before each call, so every check (finite differences too) sees one draw.
"""

import numpy as np
from hypothesis import strategies as st

from tests.registry import FLOATS, NO_LARGE, Case, Example, F, away_from_zero, distinct, gaussian, on_grid, positive, seeds, unary

grid = on_grid(0.05)
slopes = st.sampled_from([(0.1, 0.3), (0.125, 1 / 3), (0.5, 0.5)])


def _seeded(lib, fn):
    lib.manual_seed(4321)
    return fn()


@st.composite
def unpool_example(draw):
    dims = draw(st.sampled_from([1, 2]))
    k = draw(st.integers(1, 3))
    stride = draw(st.sampled_from([None, k, k + 1]))  # windows apart: no index twice (its gradient then counts twice)
    spatial = tuple(draw(st.integers(k, 5)) for _ in range(dims))
    lead = draw(st.sampled_from([(1, 2), (2, 1), (3,)]))
    return Example([lead + spatial], {"k": k, "stride": stride, "dims": dims}, draw(seeds))


def _unpool(lib, x, k, stride, dims):
    f = F(lib)
    pool, unpool = (f.max_pool2d, f.max_unpool2d) if dims == 2 else (f.max_pool1d, f.max_unpool1d)
    out, idx = pool(x, k, stride, return_indices=True)
    return unpool(out, idx, k, stride, output_size=x.shape[-dims:])


@st.composite
def lp_example(draw):
    dims = draw(st.sampled_from([1, 2, 2, 3]))
    k = draw(st.integers(1, 3 if dims < 3 else 2))
    spatial = tuple(draw(st.integers(k, 4 if dims < 3 else 3)) for _ in range(dims))
    lead = draw(st.sampled_from([(1, 2), (2,), (1,)]))
    params = {"norm_type": draw(st.sampled_from([1.0, 2.0, 3.0, 1.5])), "kernel_size": k,
              "stride": draw(st.one_of(st.none(), st.integers(1, 2))), "ceil_mode": draw(st.booleans()), "dims": dims}
    return Example([lead + spatial], params, draw(seeds))


@st.composite
def pdist_example(draw):
    n, m = draw(st.integers(1, 5)), draw(st.integers(1, 4))  # no empty set: torch's backward of 0 rows crashes the process
    return Example([(n, m)], {"p": draw(st.sampled_from([0.0, 1.0, 2.0, 3.0, 1.5, 0.5, float("inf")]))}, draw(seeds))


@st.composite
def bilinear_example(draw):
    lead = draw(st.sampled_from([(3,), (2, 1), (1,), (0,)]))
    i1, i2, o = (draw(st.integers(1, 3)) for _ in range(3))
    shapes = [lead + (i1,), lead + (i2,), (o, i1, i2)] + ([(o,)] if draw(st.booleans()) else [])
    return Example(shapes, {}, draw(seeds))


@st.composite
def shuffle_example(draw):
    g, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rest = draw(st.sampled_from([(1,), (2,), (2, 3)]))
    return Example([(draw(st.integers(1, 2)), g * c) + rest], {"groups": g}, draw(seeds))


@st.composite
def triplet_example(draw):
    s = draw(st.sampled_from([(3, 4), (1, 2), (5,), (2, 1)]))
    params = {"margin": draw(st.sampled_from([0.5, 1.0, 2.0])), "swap": draw(st.booleans()),
              "reduction": draw(st.sampled_from(["mean", "sum", "none"])), "l1": draw(st.booleans())}
    return Example([s, s, s], params, draw(seeds))


def _triplet(lib, a, p, n, l1, **kw):
    distance = (lambda x, y: (x - y).abs().sum(-1)) if l1 else None
    return F(lib).triplet_margin_with_distance_loss(a, p, n, distance_function=distance, **kw)


@st.composite
def gumbel_example(draw):
    s = draw(st.sampled_from([(3, 4), (5,), (2, 3, 2)]))
    return Example([s], {"tau": draw(st.sampled_from([0.5, 1.0, 2.0])), "hard": draw(st.booleans()), "dim": draw(st.sampled_from([-1, 0]))}, draw(seeds))


@st.composite
def grid_sample_example(draw):
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    h, w, ho, wo = (draw(st.integers(1, 4)) for _ in range(4))
    params = {"mode": draw(st.sampled_from(["bilinear", "nearest", "bicubic"])),
              "padding_mode": draw(st.sampled_from(["zeros", "border", "reflection"])), "align_corners": draw(st.booleans())}
    if params["mode"] != "bicubic" and draw(st.integers(0, 2)) == 0:  # a volume: (N, C, D, H, W) at (N, D', H', W', 3) points
        d, do = draw(st.integers(1, 3)), draw(st.integers(1, 2))
        return Example([(n, c, d, h, w), (n, do, ho, wo, 3)], params, draw(seeds))
    return Example([(n, c, h, w), (n, ho, wo, 2)], params, draw(seeds))


def points(x, rng):
    """Grid points in [-1.3, 1.3]: inside the image and a little outside (the padding modes)."""
    return np.tanh(x) * 1.3


@st.composite
def affine_example(draw):
    n = draw(st.integers(1, 2))
    size = (n, draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    return Example([(n, 2, 3)], {"size": size, "align_corners": draw(st.booleans())}, draw(seeds))


@st.composite
def ctc_example(draw):
    """Logits (T, N, C) (the case takes their log_softmax), targets without blanks, lengths."""
    t, n, c = draw(st.integers(1, 6)), draw(st.integers(1, 3)), draw(st.integers(2, 5))
    blank = draw(st.sampled_from([0, c - 1]))
    labels = [k for k in range(c) if k != blank]
    tl = [draw(st.integers(0, max(0, min(3, t)))) for _ in range(n)]
    il = [draw(st.integers(max(0, min(t, 2 * k)), t)) for k in tl]
    s = max(tl + [1])
    targets = np.array([[draw(st.sampled_from(labels)) for _ in range(s)] for _ in range(n)], dtype=np.int64)
    params = {"targets": targets, "input_lengths": il, "target_lengths": tl, "blank": blank,
              "reduction": draw(st.sampled_from(["none", "mean", "sum"])), "zero_infinity": draw(st.booleans())}
    return Example([(t, n, c)], params, draw(seeds))


def _ctc(lib, x, targets, **kw):
    return F(lib).ctc_loss(x.log_softmax(-1), lib.tensor(targets), **kw)


@st.composite
def fractional_example(draw):
    k = draw(st.integers(1, 3))
    h, w = draw(st.integers(k, 5)), draw(st.integers(k, 6))
    size = (draw(st.integers(1, h - k + 1)), draw(st.integers(1, w - k + 1)))
    lead = draw(st.sampled_from([(1, 2), (2, 1), (3,)]))
    return Example([lead + (h, w)], {"kernel_size": k, "output_size": size}, draw(seeds))


def _lp_pool(lib, x, dims, **kw):
    return {1: F(lib).lp_pool1d, 2: F(lib).lp_pool2d, 3: F(lib).lp_pool3d}[dims](x, **kw)


#: The in-place activations of torch.nn.functional and their extra arguments.
_INPLACE = {"relu_": (), "elu_": (0.5,), "selu_": (), "celu_": (2.0,), "leaky_relu_": (0.2,),
            "hardtanh_": (-0.5, 1.0), "threshold_": (0.1, -2.0)}


def _activation_(lib, a, op):
    return getattr(F(lib), op)(a * 1, *_INPLACE[op])


def _rrelu(lib, a, s, how):
    if how == "eval":
        return F(lib).rrelu(a, *s)
    if how == "training":
        return _seeded(lib, lambda: lib.rrelu(a, *s, training=True))
    return _seeded(lib, lambda: lib.rrelu_(a * 1, *s, True))


CASES = [
    # one case for the in-place family (each op drawn): values on a grid off every kink
    Case("activations_", _activation_, unary(op=st.sampled_from(sorted(_INPLACE))), domain=grid, dtypes=FLOATS),
    Case("rrelu", _rrelu, unary(s=slopes, how=st.sampled_from(["eval", "training", "inplace"])), domain=away_from_zero, dtypes=FLOATS),
    Case("max_unpool2d", lambda lib, x, **kw: _unpool(lib, x, **kw), unpool_example(), domain=distinct),
    Case("lp_pool2d", _lp_pool, lp_example(), domain=positive, specials=NO_LARGE),
    Case("pdist", lambda lib, x, p: lib.pdist(x, p), pdist_example(), odd_shapes=False),  # odd shapes: torch segfaults in the backward of a (0, M) input
    Case("bilinear", lambda lib, *xs: lib.nn.functional.bilinear(*xs), bilinear_example(), specials=NO_LARGE),
    Case("channel_shuffle", lambda lib, x, groups: F(lib).channel_shuffle(x, groups), shuffle_example()),
    Case("triplet_margin_with_distance_loss", _triplet, triplet_example()),
    # fd=False: the hard samples' forward is piecewise constant (straight-through); the soft ones'
    # gradient is checked against torch's here and against finite differences in the twin tests
    Case("gumbel_softmax", lambda lib, x, **kw: _seeded(lib, lambda: F(lib).gumbel_softmax(x, **kw)), gumbel_example(), fd=False),
]

CASES += [
    # fd=False: the composition's second-order finite differences take a minute; tests/test_nn_functional_extra.py
    # runs first- and second-order finite differences on small grids instead
    Case("grid_sample", lambda lib, x, g, **kw: F(lib).grid_sample(x, g, **kw), grid_sample_example(), domain=[gaussian, points], edge=False, fd=False),  # no special values: torch reads out of bounds (and may crash) at non-finite grid points; special pixel values are compared in the twin tests
    # the gradient is torch's (exp(lp) - occupation): through the log_softmax it is the true one;
    # like torch's it has no second derivative, so finite differences run in the twin tests
    Case("ctc_loss", _ctc, ctc_example(), fd=False, specials=NO_LARGE),  # +-1e30, +-3e38 logits: log-probabilities near -3e38 make exp(lcab + nll - lp) overflow or cancel by the order of the float ops
    Case("fractional_max_pool2d", lambda lib, x, **kw: _seeded(lib, lambda: F(lib).fractional_max_pool2d(x, return_indices=True, **kw)), fractional_example(), domain=distinct),
    Case("affine_grid", lambda lib, t, **kw: F(lib).affine_grid(t, **kw), affine_example()),
]

COVERED_BY = {
    "grid_sampler": "grid_sample", "affine_grid_generator": "affine_grid",
    **{name: "activations_" for name in _INPLACE}, "rrelu_": "rrelu", "max_unpool1d": "max_unpool2d",
    "lp_pool1d": "lp_pool2d", "lp_pool3d": "lp_pool2d", "native_channel_shuffle": "channel_shuffle",
    "max_pool1d_with_indices": "max_pool1d-indices", "max_pool2d_with_indices": "max_pool2d",
    "adaptive_max_pool1d_with_indices": "adaptive_max_pool1d-indices",
    "adaptive_max_pool2d_with_indices": "adaptive_max_pool2d-indices",
    "fractional_max_pool2d_with_indices": "fractional_max_pool2d",
}
