"""Every random draw of ``scratchnet.utils.data`` (and of ``scratchnet.vision``'s random transforms)
goes through one of the small functions here, one per kind of draw, each named after the torch
call it stands for and making exactly that call on scratchnet's generator (bit-identical to
torch's). Samplers, the DataLoader and ``random_split`` make the calls torch's make, in the same
order, so their orders match torch's too. ``generator=None`` means the global generator
(``scratchnet.manual_seed``).

>>> g = seeded_generator(0)
>>> sorted(randperm(5, g))
[0, 1, 2, 3, 4]
"""


def _check(generator):
    import scratchnet

    if generator is not None and not isinstance(generator, scratchnet.Generator):
        raise TypeError(f"generator must be a scratchnet.Generator (or None), not {type(generator).__name__}")


def seeded_generator(seed):
    """``torch.Generator().manual_seed(seed)``: a generator of its own, seeded."""
    import scratchnet

    return scratchnet.Generator().manual_seed(int(seed))


def draw_seed(generator=None):
    """``int(torch.empty((), dtype=torch.int64).random_(generator=generator).item())``: a fresh seed."""
    import scratchnet

    _check(generator)
    return int(scratchnet.empty((), dtype=scratchnet.int64).random_(generator=generator).item())


def randperm(n, generator=None):
    """``torch.randperm(n, generator=generator).tolist()``."""
    import scratchnet

    _check(generator)
    return scratchnet.randperm(int(n), generator=generator).tolist()


def randint(high, size, generator=None):
    """``torch.randint(high=high, size=(size,), dtype=torch.int64, generator=generator).tolist()``."""
    import scratchnet

    _check(generator)
    return scratchnet.randint(0, int(high), size=(int(size),), dtype=scratchnet.int64, generator=generator).tolist()


def multinomial(weights, num_samples, replacement, generator=None):
    """``torch.multinomial(weights, num_samples, replacement, generator=generator).tolist()``
    (``weights``: a float64 NumPy vector, checked by the caller)."""
    import scratchnet

    _check(generator)
    return scratchnet.multinomial(scratchnet.tensor(weights), int(num_samples), bool(replacement), generator=generator).tolist()
