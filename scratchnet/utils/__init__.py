"""``scratchnet.utils``, as ``torch.utils``: ``scratchnet.utils.data``."""

from . import data  # noqa: F401
