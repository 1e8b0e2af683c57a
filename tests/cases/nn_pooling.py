"""Registry cases: 1-D max/avg pooling, adaptive pooling (avg and max, 1-D and 2-D), and the
convolution of an input with no samples or no channels."""

from hypothesis import strategies as st

from tests.registry import NO_LARGE, Case, Example, F, distinct, seeds


@st.composite
def pool1d_example(draw, maximum=True):
    k = draw(st.integers(1, 3))
    stride = draw(st.one_of(st.none(), st.integers(1, 3)))
    padding = draw(st.integers(0, k // 2))
    d = draw(st.integers(1, 2)) if maximum else 1
    length = draw(st.integers(max(1, d * (k - 1) + 1 - 2 * padding), 7))
    lead = draw(st.sampled_from([(1,), (2,), ()]))
    params = dict(kernel_size=k, stride=stride, padding=padding, ceil_mode=draw(st.booleans()))
    if maximum:
        params["dilation"] = d
    else:
        params["count_include_pad"] = draw(st.booleans())
    return Example([lead + (draw(st.integers(1, 3)), length)], params, draw(seeds))


def windows_see_input(example):
    import scratchnet

    try:
        scratchnet.nn.functional.max_pool1d(scratchnet.zeros(*example.shapes[0]), **example.params)
    except RuntimeError:
        return False
    return True


@st.composite
def adaptive_example(draw, dims=2):
    spatial = tuple(draw(st.integers(1, 6)) for _ in range(dims))
    lead = draw(st.sampled_from([(1, 2), (2, 1), (0, 2), (3,)]))
    if dims == 2:
        size = (draw(st.integers(1, 4)), draw(st.one_of(st.none(), st.integers(1, 4))))
        size = size if draw(st.booleans()) else size[0]
    else:
        size = draw(st.integers(1, 4))
    return Example([lead + spatial], {"output_size": size}, draw(seeds))


@st.composite
def empty_conv_example(draw):
    """conv2d of an input with no samples (a result without rows) or no channels (torch then gives
    a result without channels)."""
    n, c = draw(st.sampled_from([(0, 2), (2, 0), (0, 0)]))
    o, k = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    shapes = [(n, c, 3, 3), (o, c, k, k)] + ([(o,)] if draw(st.booleans()) else [])
    return Example(shapes, {"padding": draw(st.integers(0, 1))}, draw(seeds))


def _indices(name):
    return lambda lib, x, **kw: tuple(getattr(F(lib), name)(x, return_indices=True, **kw))


CASES = [
    Case("conv2d-empty", lambda lib, x, w, *b, **kw: F(lib).conv2d(x, w, *b, **kw), empty_conv_example()),
    Case("max_pool1d", lambda lib, x, **kw: F(lib).max_pool1d(x, **kw), pool1d_example().filter(windows_see_input), domain=distinct),
    Case("max_pool1d-indices", _indices("max_pool1d"), pool1d_example().filter(windows_see_input), domain=distinct),
    Case("avg_pool1d", lambda lib, x, **kw: F(lib).avg_pool1d(x, **kw), pool1d_example(maximum=False)),
    Case("adaptive_avg_pool1d", lambda lib, x, **kw: F(lib).adaptive_avg_pool1d(x, **kw), adaptive_example(1), specials=NO_LARGE),  # +-1e30, +-3e38: a window sum overflows or cancels by the order of summation
    Case("adaptive_avg_pool2d-windows", lambda lib, x, **kw: F(lib).adaptive_avg_pool2d(x, **kw), adaptive_example(2), specials=NO_LARGE),  # +-1e30, +-3e38: a window sum overflows or cancels by the order of summation
    Case("adaptive_max_pool1d", lambda lib, x, **kw: F(lib).adaptive_max_pool1d(x, **kw), adaptive_example(1), domain=distinct),
    Case("adaptive_max_pool1d-indices", _indices("adaptive_max_pool1d"), adaptive_example(1), domain=distinct),
    Case("adaptive_max_pool2d", lambda lib, x, **kw: F(lib).adaptive_max_pool2d(x, **kw), adaptive_example(2), domain=distinct),
    Case("adaptive_max_pool2d-indices", _indices("adaptive_max_pool2d"), adaptive_example(2), domain=distinct),
]
