"""Registry cases: F.normalize, cosine_similarity, pairwise_distance and the margin, embedding and
likelihood losses of scratchnet.ops.loss_extra (targets drawn as constants; every reduction)."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import Case, Example, F, away_from_zero, positive, seeds

reductions = st.sampled_from(["none", "mean", "sum"])
rows = st.sampled_from([1, 2, 3, 4, 0])


def const(lib, value, like):
    """A drawn constant as the engine's tensor: floats in the input's dtype, integers as int64."""
    if not isinstance(value, np.ndarray):
        return value
    if value.dtype.kind == "f":
        return lib.tensor(value.astype(str(like.dtype).replace("torch.", "")))
    return lib.tensor(value)


def call(name, n_inputs=1):
    def fn(lib, *xs, **params):
        inputs, like = xs[:n_inputs], xs[0]
        extra = [const(lib, params.pop(k), like) for k in [k for k in params if k.startswith("arg")]]
        kwargs = {k: const(lib, v, like) for k, v in params.items()}
        return getattr(F(lib), name)(*inputs, *extra, *xs[n_inputs:], **kwargs)

    return fn


@st.composite
def norm_example(draw):
    s = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    return Example([s], {"p": draw(st.sampled_from([1.0, 2.0, 3.0])), "dim": draw(st.integers(-len(s), len(s) - 1))}, draw(seeds))


@st.composite
def cosine_example(draw):
    s = list(draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)))
    other = list(s)
    if draw(st.booleans()):
        other[draw(st.integers(0, len(s) - 1))] = 1
    dim = draw(st.integers(-len(s), len(s) - 1))
    return Example([tuple(s), tuple(other)], {"dim": dim}, draw(seeds))


@st.composite
def distance_example(draw):
    n, d = draw(rows), draw(st.integers(1, 4))
    return Example([(n, d), (n, d)], {"p": draw(st.sampled_from([1.0, 2.0, 3.0])), "eps": draw(st.sampled_from([1e-6, 0.1])), "keepdim": draw(st.booleans())}, draw(seeds))


def signs(draw, shape):
    return draw(hnp.arrays(np.int64, shape, elements=st.sampled_from([1, -1])))


@st.composite
def embedding_example(draw):
    n, d = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    batched = draw(st.integers(0, 4)) > 0
    shape, tshape = ((n, d), (n,)) if batched else ((d,), ())
    return Example([shape, shape], {"arg_target": signs(draw, tshape), "margin": draw(st.sampled_from([0.0, 0.3, -0.4])), "reduction": draw(reductions)}, draw(seeds))


@st.composite
def ranking_example(draw):
    n = draw(rows)
    return Example([(n,), (n,)], {"arg_target": signs(draw, (n,)).astype(np.float64), "margin": draw(st.sampled_from([0.0, 0.5])), "reduction": draw(reductions)}, draw(seeds))


@st.composite
def triplet_example(draw):
    n, d = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    shape = (n, d) if draw(st.booleans()) else (d,)
    return Example([shape] * 3, {"margin": draw(st.sampled_from([1.0, 0.2])), "p": draw(st.sampled_from([1.0, 2.0])), "swap": draw(st.booleans()), "reduction": draw(reductions)}, draw(seeds))


@st.composite
def pm_one_example(draw, margin=True):
    s = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    params = {"arg_target": signs(draw, s).astype(np.float64), "reduction": draw(reductions)}
    if margin:
        params["margin"] = draw(st.sampled_from([1.0, 0.5, 2.0]))
    return Example([s], params, draw(seeds))


@st.composite
def multilabel_example(draw):
    n, c = draw(st.integers(1, 4)), draw(st.integers(1, 5))
    params = {"arg_target": draw(hnp.arrays(np.float64, (n, c), elements=st.sampled_from([0.0, 1.0]))), "reduction": draw(reductions)}
    if draw(st.booleans()):
        params["weight"] = draw(hnp.arrays(np.float64, (c,), elements=st.floats(0.1, 2.0)))
    return Example([(n, c)], params, draw(seeds))


@st.composite
def multi_margin_example(draw):
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 5))
    batched = draw(st.integers(0, 3)) > 0
    labels = draw(hnp.arrays(np.int64, (n,) if batched else (), elements=st.integers(0, c - 1)))
    params = {"arg_target": labels, "p": draw(st.sampled_from([1, 2])), "margin": draw(st.sampled_from([1.0, 0.5])), "reduction": draw(reductions)}
    if draw(st.booleans()):
        params["weight"] = draw(hnp.arrays(np.float64, (c,), elements=st.floats(0.1, 2.0)))
    return Example([(n, c) if batched else (c,)], params, draw(seeds))


@st.composite
def multilabel_margin_example(draw):
    n, c = draw(st.integers(1, 4)), draw(st.integers(1, 5))
    labels = np.full((n, c), -1, dtype=np.int64)
    for i in range(n):
        k = draw(st.integers(0, c))
        labels[i, :k] = draw(st.permutations(range(c)))[:k]
    batched = draw(st.integers(0, 3)) > 0
    return Example([(n, c) if batched else (c,)], {"arg_target": labels if batched else labels[0], "reduction": draw(reductions)}, draw(seeds))


@st.composite
def poisson_example(draw):
    s = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    target = draw(hnp.arrays(np.float64, s, elements=st.sampled_from([0.0, 0.5, 1.0, 2.0, 4.5])))
    return Example([s], {"arg_target": target, "log_input": draw(st.booleans()), "full": draw(st.booleans()), "reduction": draw(reductions)}, draw(seeds))


@st.composite
def gaussian_example(draw):
    s = tuple(draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)))
    kind = draw(st.sampled_from(["same", "drop-last", "shared-dim"]))
    if kind == "drop-last" and len(s) > 1:
        var = s[:-1]
    elif kind == "shared-dim":
        d = draw(st.integers(0, len(s) - 1))
        var = s[:d] + (1,) + s[d + 1:]
    else:
        var = s
    return Example([s, s, var], {"full": draw(st.booleans()), "eps": draw(st.sampled_from([1e-6, 0.3])), "reduction": draw(reductions)}, draw(seeds))


def _reduce(loss, reduction):
    return loss if reduction == "none" else loss.mean() if reduction == "mean" else loss.sum()


def _kernel_value(lib, kernel, formula):
    """torch has no double backward for the multi-margin kernels: its side is the kernel's value
    with the gradients of the same formula in torch's ops (the kernel's own first-order gradient
    is compared in tests/test_losses_extra.py)."""
    if lib.__name__ != "torch":
        return kernel()
    value = kernel()  # first: torch's own checks (and exceptions) are the reference
    f = formula()
    if not bool(lib.isfinite(f).all()):
        return value  # inf - inf would make NaN of an infinite loss: the kernel itself (first order)
    return f + (value - f).detach()


def multi_margin(lib, x, arg_target, p, margin, reduction, weight=None):
    t = lib.tensor(arg_target)
    w = const(lib, weight, x)

    def formula():
        c = x.shape[-1] if x.ndim else 1
        x2 = x.reshape(-1, c)
        onehot = lib.tensor((arg_target.reshape(-1, 1) == np.arange(c)).astype(str(x.dtype).replace("torch.", "")))
        hit = onehot > 0
        picked = lib.where(hit, x2, 0.0).sum(dim=1, keepdim=True)
        z = margin - picked + x2
        z = lib.where(z > 0, z, 0.0)  # the kernel adds only z > 0 (a NaN z adds nothing)
        z = z * z if p == 2 else z
        if w is not None:
            z = z * (onehot * w.reshape(1, -1)).sum(dim=1, keepdim=True)
        loss = lib.where(hit, 0.0, z).sum(dim=1) / c
        return _reduce(loss.reshape(()) if x.ndim <= 1 and arg_target.ndim == 0 else loss, reduction)

    return _kernel_value(lib, lambda: F(lib).multi_margin_loss(x, t, p=p, margin=margin, weight=w, reduction=reduction), formula)


def multilabel_margin(lib, x, arg_target, reduction):
    t = lib.tensor(arg_target)

    def formula():
        c = x.shape[-1] if x.ndim else 1
        labels = arg_target.reshape(-1, c)
        valid = np.cumprod(labels >= 0, axis=1).astype(bool)
        onehot = (np.where(valid, labels, 0)[:, :, None] == np.arange(c)) & valid[:, :, None]
        dtype = str(x.dtype).replace("torch.", "")
        pick = lib.tensor(onehot.astype(dtype))
        pairs = lib.tensor((valid[:, :, None] & ~onehot.any(axis=1)[:, None, :]).astype(dtype))
        x2 = x.reshape(-1, c)
        x_target = lib.where(pick > 0, x2.unsqueeze(1), 0.0).sum(dim=2, keepdim=True)
        z = 1 - x_target + x2.unsqueeze(1)
        loss = lib.where((pairs > 0) & (z > 0), z, 0.0).sum(dim=(1, 2)) / c  # the kernel adds only z > 0
        return _reduce(loss.reshape(()) if x.ndim <= 1 else loss, reduction)

    return _kernel_value(lib, lambda: F(lib).multilabel_margin_loss(x, t, reduction=reduction), formula)


CASES = [
    Case("normalize", lambda lib, x, p, dim: F(lib).normalize(x, p, dim), norm_example(), domain=away_from_zero),
    Case("cosine_similarity", lambda lib, a, b, dim: F(lib).cosine_similarity(a, b, dim), cosine_example(), tol32=1e-4),
    Case("pairwise_distance", lambda lib, a, b, **kw: F(lib).pairwise_distance(a, b, **kw), distance_example(), tol32=1e-4),
    Case("cosine_embedding_loss", call("cosine_embedding_loss", 2), embedding_example(), tol32=1e-4),
    Case("margin_ranking_loss", call("margin_ranking_loss", 2), ranking_example()),
    Case("triplet_margin_loss", call("triplet_margin_loss", 3), triplet_example(), tol32=1e-4),
    Case("hinge_embedding_loss", call("hinge_embedding_loss"), pm_one_example()),
    Case("soft_margin_loss", call("soft_margin_loss"), pm_one_example(margin=False)),
    Case("multilabel_soft_margin_loss", call("multilabel_soft_margin_loss"), multilabel_example()),
    Case("multi_margin_loss", multi_margin, multi_margin_example()),
    Case("multilabel_margin_loss", multilabel_margin, multilabel_margin_example()),
    Case("poisson_nll_loss", call("poisson_nll_loss"), poisson_example(), domain=positive, tol32=1e-4),
    Case("gaussian_nll_loss", lambda lib, x, t, var, **kw: F(lib).gaussian_nll_loss(x, t, var, **kw), gaussian_example(), domain=[lambda x, r: x, lambda x, r: x, positive], tol32=1e-4),
]
