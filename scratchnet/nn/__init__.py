"""``scratchnet.nn``: functional ops now; modules and layers arrive with the layers issue."""

from . import functional
