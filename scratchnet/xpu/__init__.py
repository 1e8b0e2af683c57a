"""``scratchnet.xpu``, answering as ``torch.xpu`` does in a build without Intel GPU support:
nothing is available, seeding and cache calls do nothing, memory counts are 0, and asking for a
device raises torch's AssertionError.

>>> is_available(), device_count(), is_initialized(), memory_allocated()
(False, 0, False, 0)
"""

from .._absent_device import (  # noqa: F401  (as torch.xpu has them)
    device_count, empty_cache, is_available, is_initialized, manual_seed, manual_seed_all, refusing, seed, seed_all,
)

__all__ = ["current_device", "device_count", "empty_cache", "get_device_name", "get_device_properties",
           "is_available", "is_initialized", "manual_seed", "manual_seed_all", "max_memory_allocated",
           "memory_allocated", "seed", "seed_all", "set_device", "synchronize"]

NOT_COMPILED = "Torch not compiled with XPU enabled (scratchnet computes on the CPU only)"


def memory_allocated(device=None):
    """0 bytes: nothing lives on an XPU."""
    return 0


def max_memory_allocated(device=None):
    """0 bytes: nothing ever lived on an XPU."""
    return 0


def _no_xpu(name):
    return refusing("xpu", name, AssertionError, NOT_COMPILED)


current_device, get_device_name, set_device = _no_xpu("current_device"), _no_xpu("get_device_name"), _no_xpu("set_device")
synchronize, get_device_properties = _no_xpu("synchronize"), _no_xpu("get_device_properties")
