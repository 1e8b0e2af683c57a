"""Every random draw of ``scratchnet.utils.data`` (and of ``scratchnet.vision``'s random transforms)
goes through one of the small functions here, one per kind of draw, each named after the torch
call it stands for. Samplers, the DataLoader and ``random_split`` make exactly the calls torch's
make, in the same order, so once these functions call a generator that is bit-identical to torch's,
the orders match torch's too.

Once ``scratchnet.Generator`` exists, each function makes torch's call on scratchnet
(``scratchnet.randperm(n, generator=g)``, ...). Until then they draw from NumPy: ``generator=None``
means scratchnet's global generator (``scratchnet.manual_seed``); any object with
``manual_seed``/``initial_seed`` (torch's Generator API) gets its own NumPy generator seeded
from ``initial_seed()`` (re-seeded whenever that changes).

>>> g = seeded_generator(0)
>>> sorted(randperm(5, g))
[0, 1, 2, 3, 4]
"""

import weakref

from ...backend import rng, xp

_streams = weakref.WeakKeyDictionary()  # generator object -> (its seed, a NumPy generator)


class _SeededGenerator:
    """A stand-in with torch's Generator API (manual_seed, initial_seed, seed), for until
    ``scratchnet.Generator`` exists."""

    def __init__(self, device="cpu"):
        self._seed = 67280421310721  # torch's default seed

    def manual_seed(self, seed):
        self._seed = int(seed)
        _streams.pop(self, None)
        return self

    def initial_seed(self):
        return self._seed

    def seed(self):
        return self.manual_seed(int(rng().integers(0, 2**63 - 1)))._seed


def seeded_generator(seed):
    """``torch.Generator().manual_seed(seed)``: a generator of its own, seeded."""
    import scratchnet

    make = getattr(scratchnet, "Generator", _SeededGenerator)
    return make().manual_seed(int(seed))


def _stream(generator):
    if generator is None:
        return rng()
    if isinstance(generator, xp.random.Generator):
        return generator
    if not hasattr(generator, "initial_seed"):
        raise TypeError(f"generator must be a scratchnet.Generator (or None), not {type(generator).__name__}")
    seed = int(generator.initial_seed())
    held = _streams.get(generator)
    if held is None or held[0] != seed:
        held = (seed, xp.random.default_rng(seed % 2**64))
        _streams[generator] = held
    return held[1]


def _native(generator):
    """True once scratchnet has torch's Generator (then its own calls make the draws, as torch's)."""
    import scratchnet

    native = getattr(scratchnet, "Generator", None)
    return native is not None and (generator is None or isinstance(generator, native))


def draw_seed(generator=None):
    """``int(torch.empty((), dtype=torch.int64).random_(generator=generator).item())``: a fresh seed."""
    if _native(generator):
        import scratchnet

        return int(scratchnet.empty((), dtype=scratchnet.int64).random_(generator=generator).item())
    return int(_stream(generator).integers(0, 2**63 - 1))


def randperm(n, generator=None):
    """``torch.randperm(n, generator=generator).tolist()``."""
    if _native(generator):
        import scratchnet

        return scratchnet.randperm(int(n), generator=generator).tolist()
    return _stream(generator).permutation(int(n)).tolist()


def randint(high, size, generator=None):
    """``torch.randint(high=high, size=(size,), dtype=torch.int64, generator=generator).tolist()``."""
    if _native(generator):
        import scratchnet

        return scratchnet.randint(0, int(high), size=(int(size),), dtype=scratchnet.int64, generator=generator).tolist()
    return _stream(generator).integers(0, int(high), size=int(size)).tolist()


def multinomial(weights, num_samples, replacement, generator=None):
    """``torch.multinomial(weights, num_samples, replacement, generator=generator).tolist()``
    (``weights``: a float64 NumPy vector, checked by the caller)."""
    if _native(generator):
        import scratchnet

        return scratchnet.multinomial(scratchnet.tensor(weights), int(num_samples), bool(replacement), generator=generator).tolist()
    p = weights / weights.sum()
    return _stream(generator).choice(len(p), size=int(num_samples), replace=bool(replacement), p=p).tolist()
