"""Registry cases for pixel_shuffle / pixel_unshuffle (scratchnet/ops/pixel.py): inputs of 3 to 5
dims (so batch dims before the channels are rearranged too), empty batches and planes, factors 1
to 3, reached through torch.*, F.* and the modules."""

from hypothesis import strategies as st

from ..registry import Case, Example, F, seeds


@st.composite
def shuffle_example(draw, unshuffle=False):
    r = draw(st.integers(1, 3))
    lead = tuple(draw(st.lists(st.integers(0, 2), max_size=2)))
    if unshuffle:
        shape = lead + (draw(st.integers(0, 2)), r * draw(st.integers(0, 2)), r * draw(st.integers(0, 3)))
    else:
        shape = lead + (r * r * draw(st.integers(0, 2)), draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    return Example([shape], {"r": r}, draw(seeds))


def _shuffle(lib, x, r):
    # torch's backward of an empty input fails (its pixel_unshuffle hands an empty gradient back in
    # the output's shape): an empty input is compared forward only
    if x.numel() == 0:
        x = x.detach()
    return lib.pixel_shuffle(x, r) + F(lib).pixel_shuffle(x, upscale_factor=r)


def _unshuffle(lib, x, r):
    if x.numel() == 0:  # as _shuffle: torch's backward fails on an empty input
        x = x.detach()
    return lib.pixel_unshuffle(x, r) + lib.nn.PixelUnshuffle(r)(x)


CASES = [
    Case("pixel_shuffle", _shuffle, shuffle_example()),
    Case("pixel_unshuffle", _unshuffle, shuffle_example(unshuffle=True)),
]
