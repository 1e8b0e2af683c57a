"""Registry cases for normalisation, embeddings and attention (functional forms)."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import Case, Example, F, const, seeds


@st.composite
def layer_norm_example(draw, rms=False):
    lead = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
    normalized = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4).filter(lambda s: int(np.prod(s)) >= 2))
    affine = draw(st.integers(0, 1 if rms else 2))  # how many of weight, bias
    eps = draw(st.sampled_from([None, 1e-5, 1e-3])) if rms else draw(st.sampled_from([1e-5, 1e-3]))
    return Example([lead + normalized] + [normalized] * affine, {"normalized_shape": normalized, "eps": eps}, draw(seeds))


@st.composite
def group_norm_example(draw):
    groups, per = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    c = groups * per
    spatial = draw(st.sampled_from([(), (3,), (2, 2)]) if per > 1 else st.sampled_from([(3,), (2, 2)]))
    n = draw(st.integers(1, 3))
    affine = draw(st.sampled_from([0, 2]))
    return Example([(n, c, *spatial)] + [(c,)] * affine, {"num_groups": groups, "eps": draw(st.sampled_from([1e-5, 1e-3]))}, draw(seeds))


@st.composite
def instance_norm_example(draw):
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    spatial = draw(st.sampled_from([(3,), (2, 2), (2, 1, 3)]))
    affine = draw(st.sampled_from([0, 2]))
    return Example([(n, c, *spatial)] + [(c,)] * affine, {"running": draw(st.booleans()), "momentum": draw(st.sampled_from([0.1, 0.5]))}, draw(seeds))


def _instance_norm(lib, x, *wb, running, momentum):
    stats = (lib.zeros(x.shape[1], dtype=x.dtype), lib.ones(x.shape[1], dtype=x.dtype) * 1.5) if running else (None, None)
    return F(lib).instance_norm(x, *stats, *(wb or (None, None)), True, momentum, 1e-5)  # running stats: tests/test_norm_embedding.py


@st.composite
def lrn_example(draw):
    shape = draw(st.sampled_from([(2, 4, 3), (1, 3, 2, 2), (2, 5, 2)]))
    return Example([shape], {"size": draw(st.integers(1, 4)), "alpha": draw(st.sampled_from([1e-4, 0.5])), "beta": draw(st.sampled_from([0.75, 1.0])), "k": draw(st.sampled_from([1.0, 2.0]))}, draw(seeds))


@st.composite
def embedding_example(draw, padding=False):
    rows, dim = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    index_shape = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=4))  # empty: tests/test_norm_embedding.py (torch's double backward fails there)
    indices = draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, rows - 1)))
    padding = draw(st.integers(-rows, rows - 1)) if padding else None
    # scale_grad_by_freq: first derivatives in tests/test_norm_embedding.py (torch's double backward
    # ignores the scaling, scratchnet's differentiates it)
    return Example([(rows, dim)], {"indices": indices, "padding_idx": padding}, draw(seeds))


@st.composite
def embedding_bag_example(draw):
    rows, dim = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    mode = draw(st.sampled_from(["sum", "mean", "max"]))
    padding = draw(st.one_of(st.none(), st.integers(0, rows - 1)))
    if draw(st.booleans()):
        indices = draw(hnp.arrays(np.int64, (draw(st.integers(1, 3)), draw(st.integers(1, 3))), elements=st.integers(0, rows - 1)))
        offsets, last = None, False
    else:
        total = draw(st.integers(1, 6))
        indices = draw(hnp.arrays(np.int64, (total,), elements=st.integers(0, rows - 1)))
        offsets = np.array(sorted(draw(st.lists(st.integers(0, total), min_size=1, max_size=4))), dtype=np.int64)
        offsets[0] = 0
        last = draw(st.booleans())
        if last:  # torch documents the last offset as the input's size (other values behave erratically)
            offsets = np.append(offsets, total)
    return Example([(rows, dim)], {"indices": indices, "offsets": offsets, "mode": mode, "padding_idx": padding, "include_last_offset": last}, draw(seeds))


def _embedding_bag(lib, weight, indices, offsets, **kw):
    return F(lib).embedding_bag(const(lib, indices), weight, None if offsets is None else const(lib, offsets), **kw)


CASES = [
    Case("layer_norm", lambda lib, x, *wb, normalized_shape, eps: F(lib).layer_norm(x, normalized_shape, *wb, eps=eps), layer_norm_example(), tol32=1e-4),
    Case("group_norm", lambda lib, x, *wb, num_groups, eps: F(lib).group_norm(x, num_groups, *wb, eps=eps), group_norm_example(), tol32=1e-4),
    Case("instance_norm", _instance_norm, instance_norm_example(), tol32=1e-4),
    Case("rms_norm", lambda lib, x, *w, normalized_shape, eps: F(lib).rms_norm(x, normalized_shape, *w, eps=eps), layer_norm_example(rms=True), tol32=1e-4),
    Case("local_response_norm", lambda lib, x, **kw: F(lib).local_response_norm(x, **kw), lrn_example(), tol32=1e-4),
    Case("embedding", lambda lib, w, indices, **kw: F(lib).embedding(const(lib, indices), w, **kw), embedding_example()),
    # the padding row is used by the forward but gets no gradient, on purpose: no finite differences
    Case("embedding-padding_idx", lambda lib, w, indices, **kw: F(lib).embedding(const(lib, indices), w, **kw), embedding_example(padding=True), fd=False),
    # torch has no double backward for embedding_bag: forward here, gradients in tests/test_norm_embedding.py
    Case("embedding_bag", _embedding_bag, embedding_bag_example(), grad=False, domain=lambda x, rng: (rng.permutation(x.size).reshape(x.shape) - x.size / 2) * 0.05 + 0.01),
]
