"""What torch's device modules answer where their device is absent, shared by ``scratchnet.cuda``
and ``scratchnet.xpu`` (scratchnet computes on the CPU only): nothing is available, seeding and
cache calls do nothing, and the calls that need the device raise that module's error.

>>> is_available(), device_count(), is_initialized()
(False, 0, False)
"""


def is_available():
    """False: scratchnet computes on the CPU."""
    return False


def device_count():
    """0: there is no such device."""
    return 0


def is_initialized():
    """False: the device's runtime is never initialised."""
    return False


def manual_seed(seed):
    """A no-op without the device (as torch's, which seeds it lazily)."""


def manual_seed_all(seed):
    """A no-op without the device."""


def seed():
    """A no-op without the device."""


def seed_all():
    """A no-op without the device."""


def empty_cache():
    """A no-op: there is no device memory cache."""


def refusing(module, name, error, message):
    """``module.name``, a call that needs the device: it raises ``error(message)``, as torch does."""

    def refuse(*args, **kwargs):
        raise error(message)

    refuse.__name__ = refuse.__qualname__ = name
    refuse.__doc__ = f"torch.{module}.{name}: raises torch's {error.__name__}, as torch does without the device."
    return refuse
