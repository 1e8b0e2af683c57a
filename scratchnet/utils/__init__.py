"""``scratchnet.utils``, as ``torch.utils``: ``scratchnet.utils.data``."""

from . import data  # noqa: F401
from . import checkpoint  # noqa: E402,F401  (torch.utils.checkpoint: activation checkpointing)
