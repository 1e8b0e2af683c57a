"""Registry case for the identity nodes behind Module full backward hooks (scratchnet.nn.hooks):
a hook that doubles grad_input (detached: torch and scratchnet differ in what a hook records under create_graph)."""

from tests.registry import Case, unary


def _hooked(lib, x):
    m = lib.nn.Tanh()
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0].detach() * 2,))
    return m(x * 1)


CASES = [Case("module-full-backward-hook", _hooked, unary(), fd=False)]
