"""``scratchnet.xpu``, answering as ``torch.xpu`` does in a build without Intel GPU support:
nothing is available, seeding and cache calls do nothing, memory counts are 0, and asking for a
device raises torch's AssertionError.

>>> is_available(), device_count(), is_initialized(), memory_allocated()
(False, 0, False, 0)
"""

__all__ = ["current_device", "device_count", "empty_cache", "get_device_name", "get_device_properties",
           "is_available", "is_initialized", "manual_seed", "manual_seed_all", "max_memory_allocated",
           "memory_allocated", "seed", "seed_all", "set_device", "synchronize"]

NOT_COMPILED = "Torch not compiled with XPU enabled (scratchnet computes on the CPU only)"


def is_available():
    """False: scratchnet computes on the CPU."""
    return False


def device_count():
    """0: there is no XPU."""
    return 0


def is_initialized():
    """False: the XPU runtime is never initialised."""
    return False


def manual_seed(seed):
    """A no-op without an XPU (as torch's, which seeds lazily)."""


def manual_seed_all(seed):
    """A no-op without an XPU."""


def seed():
    """A no-op without an XPU."""


def seed_all():
    """A no-op without an XPU."""


def empty_cache():
    """A no-op: there is no XPU memory cache."""


def memory_allocated(device=None):
    """0 bytes: nothing lives on an XPU."""
    return 0


def max_memory_allocated(device=None):
    """0 bytes: nothing ever lived on an XPU."""
    return 0


def _no_xpu(name):
    def refuse(*args, **kwargs):
        raise AssertionError(NOT_COMPILED)

    refuse.__name__ = refuse.__qualname__ = name
    refuse.__doc__ = f"torch.xpu.{name}: raises torch's AssertionError, as a torch without XPU support does."
    return refuse


current_device, get_device_name, set_device = _no_xpu("current_device"), _no_xpu("get_device_name"), _no_xpu("set_device")
synchronize, get_device_properties = _no_xpu("synchronize"), _no_xpu("get_device_properties")
