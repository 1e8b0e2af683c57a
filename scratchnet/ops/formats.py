"""torch's memory formats: ``scratchnet.contiguous_format``, ``preserve_format``, ``channels_last``,
``channels_last_3d`` (and ``legacy_contiguous_format``), the values of ``memory_format=``.

A memory format names how a strided tensor lays out its elements. scratchnet's arrays are always
row-major, so the formats change no value here; they exist so that programs that pass them run,
and :func:`check_memory_format` refuses what torch refuses (a format that is not one, channels-last
on a tensor that is not 4-D / 5-D).

>>> import scratchnet as sn
>>> sn.contiguous_format
torch.contiguous_format
>>> sn.ones(2, 3).double(memory_format=sn.preserve_format).dtype == sn.float64
True
"""

__all__ = ["memory_format", "contiguous_format", "preserve_format", "channels_last", "channels_last_3d",
           "legacy_contiguous_format"]


class memory_format:  # noqa: N801  (torch's name)
    """One of torch's memory formats; there are only the module's constants (no new instances).

    >>> import scratchnet as sn
    >>> isinstance(sn.channels_last, sn.memory_format), str(sn.channels_last)
    (True, 'torch.channels_last')
    """

    __slots__ = ("_name",)
    _made = False

    def __new__(cls, *args, **kwargs):
        if cls._made:
            raise TypeError("cannot create 'torch.memory_format' instances")
        return super().__new__(cls)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "torch." + self._name

    __str__ = __repr__

    def __reduce__(self):
        return self._name  # pickled by name: the module-level constant comes back


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
legacy_contiguous_format = contiguous_format  # (torch: the same object)
memory_format._made = True
memory_format.__module__ = "scratchnet"  # (pickled by name, as scratchnet.contiguous_format ...)

_RANKS = {"channels_last": 4, "channels_last_3d": 5}


def check_memory_format(tensor, fmt, fn):
    """Refuse, as torch does, a ``memory_format=`` that is not a memory format (TypeError) or a
    channels-last format on a tensor of the wrong rank (RuntimeError); None passes.

    >>> import scratchnet as sn
    >>> check_memory_format(sn.ones(3), sn.channels_last, "float")
    Traceback (most recent call last):
    ...
    RuntimeError: required rank 4 tensor to use channels_last format
    """
    if fmt is None:
        return
    if not isinstance(fmt, memory_format):
        raise TypeError(f"{fn}(): argument 'memory_format' must be torch.memory_format, not {type(fmt).__name__}")
    rank = _RANKS.get(fmt._name)
    if rank is not None and tensor.ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt._name} format")
