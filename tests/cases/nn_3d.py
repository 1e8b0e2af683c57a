"""Registry cases: the 3-D convolutions and poolings (conv3d, conv_transpose3d, max/avg/adaptive
pooling in 3-D). Shapes are tiny (a 3-D case runs every check of the harness), with batch 0 and
unbatched (4-D) inputs where torch takes them."""

from hypothesis import strategies as st

from tests.registry import NO_LARGE, Case, Example, F, distinct, seeds

batches = st.sampled_from([1, 2, 1, 0])


@st.composite
def conv3d_example(draw):
    groups = draw(st.integers(1, 2))
    c_in, c_out = groups, groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 2)) for _ in range(3))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(3))
    use_string = draw(st.sampled_from([None, None, "valid", "same"]))
    stride = (1, 1, 1) if use_string == "same" else tuple(draw(st.integers(1, 2)) for _ in range(3))
    padding = use_string or tuple(draw(st.integers(0, 1)) for _ in range(3))
    pads = (0, 0, 0) if use_string else padding
    size = tuple(draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), 3)) for k, d, p in zip(kernel, dilation, pads))
    x = (c_in, *size) if draw(st.integers(0, 5)) == 0 else (draw(batches), c_in, *size)
    shapes = [x, (c_out, c_in // groups, *kernel)] + ([(c_out,)] if draw(st.booleans()) else [])
    return Example(shapes, dict(stride=stride, padding=padding, dilation=dilation, groups=groups), draw(seeds))


@st.composite
def conv_transpose3d_example(draw):
    groups = draw(st.integers(1, 2))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups
    kernel = tuple(draw(st.integers(1, 2)) for _ in range(3))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(3))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(3))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    size = tuple(draw(st.integers(1, 2)) for _ in range(3))
    padding = []
    for i, s, k, d, op in zip(size, stride, kernel, dilation, output_padding):
        full = (i - 1) * s + d * (k - 1) + op + 1  # the output size without padding
        padding.append(draw(st.integers(0, max(0, min(1, (full - 1) // 2)))))
    x = (c_in, *size) if draw(st.integers(0, 5)) == 0 else (draw(batches), c_in, *size)
    shapes = [x, (c_in, c_out // groups, *kernel)] + ([(c_out,)] if draw(st.booleans()) else [])
    params = dict(stride=stride, padding=tuple(padding), output_padding=output_padding, groups=groups, dilation=dilation)
    return Example(shapes, params, draw(seeds))


@st.composite
def pool3d_example(draw, maximum=True):
    kernel = tuple(draw(st.integers(1, 2)) for _ in range(3))
    stride = draw(st.one_of(st.none(), st.tuples(*(st.integers(1, 2) for _ in range(3)))))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    params = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=draw(st.booleans()))
    if maximum:
        params["dilation"] = tuple(draw(st.integers(1, 2)) for _ in range(3))
        size = tuple(draw(st.integers(1, 3)) for _ in range(3))
    else:
        params["count_include_pad"] = draw(st.booleans())
        params["divisor_override"] = draw(st.sampled_from([None, None, 3]))
        size = tuple(draw(st.integers(k, 3)) for k in kernel)  # torch's avg_pool3d: no window larger than the input
    lead = draw(st.sampled_from([(1,), (1,), (2,), (0,), ()]))
    return Example([lead + (draw(st.integers(1, 2)),) + size], params, draw(seeds))


def windows_see_input(example):
    """A max pooling whose every window reads some input (scratchnet refuses all-padding ones)."""
    import scratchnet

    try:
        scratchnet.nn.functional.max_pool3d(scratchnet.zeros(*example.shapes[0]), **example.params)
    except RuntimeError:
        return False
    return True


@st.composite
def adaptive3d_example(draw):
    spatial = tuple(draw(st.integers(1, 3)) for _ in range(3))
    lead = draw(st.sampled_from([(1, 2), (1, 1), (1, 1), (0, 2), (2,)]))
    size = tuple(draw(st.one_of(st.none(), st.integers(1, 3))) for _ in range(3))
    return Example([lead + spatial], {"output_size": size if draw(st.booleans()) else draw(st.integers(1, 3))}, draw(seeds))


def _conv(name):
    def fn(lib, x, w, *b, **kw):
        return getattr(F(lib), name)(x, w, *b, **kw)

    return fn


def _indices(name):
    return lambda lib, x, **kw: tuple(getattr(F(lib), name)(x, return_indices=True, **kw))


CASES = [
    # mixed NARROWED until conv mixed dtypes (as conv2d's NARROWED entry): torch's kernel choice
    # (oneDNN for some float32 shapes, slow_conv_dilated for dilated integers) decides whether a
    # float32 input with a float64 bias is refused, and which check (bias dtype or kernel dtype) comes first.
    # edge NARROWED until conv special values (as conv1d/conv2d/conv_transpose1d's): found by the
    # thorough profile, float32 inf/NaN/denormal products give -inf where torch's oneDNN kernel gives
    # NaN (its own rounding and summation order of overflowing products) and NaN where it flushes a
    # denormal gradient
    Case("conv3d", _conv("conv3d"), conv3d_example(), tol32=1e-4, mixed=False, edge=False),
    Case("conv_transpose3d", _conv("conv_transpose3d"), conv_transpose3d_example(), tol32=1e-4, edge=False),
    Case("max_pool3d-indices", _indices("max_pool3d"), pool3d_example().filter(windows_see_input), domain=distinct),
    Case("avg_pool3d", lambda lib, x, **kw: F(lib).avg_pool3d(x, **kw), pool3d_example(maximum=False), specials=NO_LARGE),  # +-1e30, +-3e38: a window sum overflows or cancels by the order of summation
    Case("adaptive_avg_pool3d", lambda lib, x, **kw: F(lib).adaptive_avg_pool3d(x, **kw), adaptive3d_example(), specials=NO_LARGE),  # as avg_pool3d
    Case("adaptive_max_pool3d-indices", _indices("adaptive_max_pool3d"), adaptive3d_example(), domain=distinct),
]

# the -indices cases check the pooled values too (their first output)
COVERED_BY = {
    "max_pool3d": "max_pool3d-indices", "max_pool3d_with_indices": "max_pool3d-indices",
    "adaptive_max_pool3d": "adaptive_max_pool3d-indices", "adaptive_max_pool3d_with_indices": "adaptive_max_pool3d-indices",
}
