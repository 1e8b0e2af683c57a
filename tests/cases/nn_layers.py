"""Registry cases: conv1d, the transposed convolutions, unfold/fold, the non-constant pad modes
(and, in nn_pooling.py beside it, the new poolings). Shapes include batch 0 where torch accepts it."""

from hypothesis import strategies as st

from tests.registry import Case, Example, F, seeds

batches = st.sampled_from([1, 2, 2, 0])


@st.composite
def conv1d_example(draw, bias=True):
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    k, d = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    use_string = draw(st.sampled_from([None, None, "valid", "same"]))
    stride = 1 if use_string == "same" else draw(st.integers(1, 3))
    padding = use_string or draw(st.integers(0, 2))
    p = 0 if use_string else padding
    length = draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), 7))
    unbatched = draw(st.integers(0, 5)) == 0
    x = (c_in, length) if unbatched else (draw(batches), c_in, length)
    shapes = [x, (c_out, c_in // groups, k)] + ([(c_out,)] if bias else [])
    return Example(shapes, dict(stride=stride, padding=padding, dilation=d, groups=groups), draw(seeds))


@st.composite
def conv_transpose_example(draw, dims=2, bias=True):
    groups = draw(st.integers(1, 2))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    size = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    padding = []
    for i, s, k, d, op in zip(size, stride, kernel, dilation, output_padding):
        full = (i - 1) * s + d * (k - 1) + op + 1  # output size with no padding
        padding.append(draw(st.integers(0, max(0, min(2, (full - 1) // 2)))))
    unbatched = draw(st.integers(0, 5)) == 0
    x = (c_in, *size) if unbatched else (draw(batches), c_in, *size)
    shapes = [x, (c_in, c_out // groups, *kernel)] + ([(c_out,)] if bias else [])
    params = dict(stride=stride, padding=tuple(padding), output_padding=output_padding, groups=groups, dilation=dilation)
    if dims == 1:
        params = {k: v[0] if isinstance(v, tuple) else v for k, v in params.items()}
    return Example(shapes, params, draw(seeds))


@st.composite
def unfold_example(draw, fold=False):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    size = tuple(draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), 6)) for k, d, p in zip(kernel, dilation, padding))
    c = draw(st.integers(1, 3))
    params = dict(kernel_size=kernel, dilation=dilation, padding=padding, stride=stride)
    unbatched = draw(st.integers(0, 4)) == 0
    lead = () if unbatched else (draw(batches),)
    if not fold:
        return Example([lead + (c, *size)], params, draw(seeds))
    blocks = [(s + 2 * p - d * (k - 1) - 1) // st_ + 1 for s, p, d, k, st_ in zip(size, padding, dilation, kernel, stride)]
    return Example([lead + (c * kernel[0] * kernel[1], blocks[0] * blocks[1])], dict(output_size=size, **params), draw(seeds))


@st.composite
def pad_mode_example(draw):
    mode = draw(st.sampled_from(["reflect", "replicate", "circular"]))
    dims = draw(st.integers(1, 3))
    batched = draw(st.booleans())
    spatial = [draw(st.integers(2, 4)) for _ in range(dims)]
    lead = [draw(st.sampled_from([1, 2, 0] if batched else [1, 2]))] if batched else []
    shape = tuple(lead + [draw(st.integers(1, 2))] + spatial)
    pads = []
    for n in reversed(spatial):
        top = n - 1 if mode == "reflect" else n
        for _ in range(2):
            pads.append(draw(st.integers(0 if mode == "circular" else -1, top)))  # torch's circular crop-then-wrap misbehaves
    return Example([shape], dict(pad=tuple(pads), mode=mode), draw(seeds))


def _conv(name):
    def fn(lib, x, w, *b, **kw):
        return getattr(F(lib), name)(x, w, *b, **kw)

    return fn


CASES = [
    Case("conv1d", _conv("conv1d"), conv1d_example(), tol32=1e-4),
    Case("conv1d-no-bias", _conv("conv1d"), conv1d_example(bias=False), tol32=1e-4),
    Case("conv_transpose2d", _conv("conv_transpose2d"), conv_transpose_example(2), tol32=1e-4),
    Case("conv_transpose2d-no-bias", _conv("conv_transpose2d"), conv_transpose_example(2, bias=False), tol32=1e-4),
    Case("conv_transpose1d", _conv("conv_transpose1d"), conv_transpose_example(1), tol32=1e-4),
    Case("unfold", lambda lib, x, **kw: F(lib).unfold(x, **kw), unfold_example()),
    Case("fold", lambda lib, x, **kw: F(lib).fold(x, **kw), unfold_example(fold=True)),
    Case("pad-modes", lambda lib, x, pad, mode: F(lib).pad(x, pad, mode=mode), pad_mode_example()),
]
