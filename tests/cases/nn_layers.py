"""Registry cases: conv1d, the transposed convolutions, unfold/fold, the non-constant pad modes
(and, in nn_pooling.py beside it, the new poolings). Shapes include batch 0 where torch accepts it."""

from hypothesis import strategies as st

from tests.registry import SPECIAL_VALUES, Case, Example, F, seeds

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


#: NaN, signed zeros and denormals: see the interpolate case
INTERPOLATE_SPECIALS = tuple(v for v in SPECIAL_VALUES if v != v or abs(v) < 1e-30)


@st.composite
def interpolate_example(draw):
    mode = draw(st.sampled_from(["nearest", "nearest-exact", "linear", "bilinear", "trilinear", "area", "nearest", "bicubic"]))
    dims = {"linear": 1, "bilinear": 2, "trilinear": 3, "bicubic": 2}.get(mode) or draw(st.integers(1, 3))
    spatial = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    shape = (draw(st.sampled_from([1, 2, 0])), draw(st.integers(1, 2))) + spatial
    params = {"mode": mode}
    if draw(st.booleans()):
        params["size"] = tuple(draw(st.integers(1, 6)) for _ in range(dims)) if dims > 1 or draw(st.booleans()) else draw(st.integers(1, 6))
    else:
        factor = st.sampled_from([0.5, 1.0, 1.5, 2.0, 2.5, 3.0])
        params["scale_factor"] = tuple(draw(factor) for _ in range(dims)) if draw(st.booleans()) else draw(factor)
        if any(int(n * f) < 1 for n, f in zip(spatial, params["scale_factor"] if isinstance(params["scale_factor"], tuple) else [params["scale_factor"]] * dims)):
            params["scale_factor"] = 2.0
        if mode in ("linear", "bilinear", "trilinear", "nearest") and draw(st.booleans()):
            params["recompute_scale_factor"] = True
    if mode in ("linear", "bilinear", "trilinear", "bicubic"):
        params["align_corners"] = draw(st.sampled_from([None, True, False]))
    return Example([shape], params, draw(seeds))


@st.composite
def feature_dropout_example(draw, spatial):
    batched = draw(st.booleans())
    shape = ((draw(st.integers(1, 3)),) if batched else ()) + (draw(st.integers(1, 4)),) + tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    return Example([shape], {"p": draw(st.sampled_from([0.0, 0.3, 0.5, 1.0]))}, draw(seeds))


def _masked(name, mask_shape, alpha=False):
    """Dropout with one mask in both engines: scratchnet runs its op after seeding its generator;
    the torch side runs torch's op (its errors, and its answer where no mask is drawn), then
    applies the mask drawn by the same generator call (keep_mask) with torch's formula
    (x * keep / (1 - p); alpha: x * keep * a + b)."""

    def fn(lib, x, p):
        import scratchnet

        if lib.__name__ == "scratchnet":
            lib.manual_seed(1234)
            return getattr(F(lib), name)(x, p, training=True)
        real = getattr(F(lib), name)(x, p, training=True)  # torch's own errors (dtypes, dims), and p = 0 or 1
        if p in (0.0, 1.0) or x.numel() == 0:
            return real
        scratchnet.manual_seed(1234)
        keep = scratchnet.ops.layers.keep_mask(mask_shape(x), p)
        dtype = str(x.dtype).replace("torch.", "")
        if not alpha:
            return x * lib.tensor((keep / (1 - p)).astype(dtype))
        k = keep.astype(dtype)
        a = 1.0 / ((1.7580993408473766**2 * p + 1) * (1 - p)) ** 0.5
        return x * lib.tensor(k * a) + lib.tensor(((k - 1) * 1.7580993408473766 * a + 1.7580993408473766 * a * p).astype(dtype))

    return fn


def _channels(spatial):
    return lambda x: tuple(x.shape[: x.ndim - spatial]) + (1,) * spatial


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
    # dtypes NARROWED until uint8 bilinear: torch resamples uint8 in fixed point (integer weights,
    # rounded per separable pass); scratchnet refuses uint8 bilinear. specials: NaN, zeros and
    # denormals only: torch's kernel contracts src = scale * (dst + 0.5) - 0.5 into an FMA, so a
    # weight that is exactly 0 without one is tiny there (inf * 0 = NaN against inf), and it mixes
    # all 2^k taps in one expression with weights rounded in the input's dtype where scratchnet
    # resamples one dim at a time: cancelling +-1e30 / 3e38 neighbours differ by that order
    Case("interpolate", lambda lib, x, **kw: F(lib).interpolate(x, **kw), interpolate_example(), dtypes=("float32", "float64", "int32", "int64", "bool"), specials=INTERPOLATE_SPECIALS),
    Case("dropout1d", _masked("dropout1d", _channels(1)), feature_dropout_example(1)),
    Case("dropout2d", _masked("dropout2d", lambda x: tuple(x.shape[:2]) + (1,) * (x.ndim - 2)), feature_dropout_example(2)),  # 3-D input: (N, C, L), as torch
    Case("dropout3d", _masked("dropout3d", _channels(3)), feature_dropout_example(3)),
    Case("alpha_dropout", _masked("alpha_dropout", lambda x: tuple(x.shape), alpha=True), feature_dropout_example(1)),
    Case("feature_alpha_dropout", _masked("feature_alpha_dropout", lambda x: tuple(x.shape[:2]) + (1,) * (x.ndim - 2), alpha=True), feature_dropout_example(1).filter(lambda e: len(e.shapes[0]) >= 2)),
    Case("pad-modes", lambda lib, x, pad, mode: F(lib).pad(x, pad, mode=mode), pad_mode_example()),
]

COVERED_BY = {"upsample": "interpolate", "upsample_nearest": "interpolate", "upsample_bilinear": "interpolate"}
