"""``scratchnet.cuda.amp``: torch's deprecated spellings of ``scratchnet.amp``'s autocast and GradScaler."""

import functools

from ..amp import GradScaler as _GradScaler
from ..amp import autocast as _autocast

__all__ = ["GradScaler", "autocast"]


class autocast(_autocast):
    """``scratchnet.amp.autocast("cuda", ...)``: disabled, since there is no GPU."""

    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


GradScaler = functools.partial(_GradScaler, "cuda")
