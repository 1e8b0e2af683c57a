"""Registry cases for torch.autograd.Function subclasses (scratchnet/autograd/function.py): the same
user-written Function, once against each library, compared like any op (forward, VJP, finite
differences, second derivatives, dtypes, special values, 0-d and empty shapes)."""

from hypothesis import strategies as st

from ..registry import Case, Example, seeds, shape

_made = {}


def _functions(lib):
    """MulSin (two outputs, a non-Tensor argument, backward written with Tensor ops, so it can be
    differentiated again) and Square (one output), written against ``lib``."""
    if lib not in _made:
        class MulSin(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y, scale):
                ctx.save_for_backward(x, y)
                ctx.scale = scale
                return scale * x * y, x.sin() * y

            @staticmethod
            def backward(ctx, ga, gb):
                x, y = ctx.saved_tensors
                return ga * ctx.scale * y + gb * x.cos() * y, ga * ctx.scale * x + gb * x.sin(), None

        class Square(lib.autograd.Function):
            @staticmethod
            def forward(x):
                return x * x

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.save_for_backward(inputs[0])

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return 2 * x * g

        _made[lib] = MulSin, Square
    return _made[lib]


@st.composite
def _pair(draw):
    s = draw(shape)
    return Example([s, s], {"scale": draw(st.floats(-2, 2))}, draw(seeds))


CASES = [
    Case("autograd.Function", lambda lib, a, b, scale: _functions(lib)[0].apply(a, b, scale), _pair()),
    Case("autograd.Function-setup_context", lambda lib, a: _functions(lib)[1].apply(a), st.builds(lambda s, seed: Example([s], {}, seed), shape, seeds)),
]
