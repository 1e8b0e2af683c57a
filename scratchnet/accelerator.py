"""``scratchnet.accelerator``, as ``torch.accelerator`` on a machine without one.

>>> is_available(), current_accelerator(), device_count()
(False, None, 0)
"""

__all__ = ["current_accelerator", "device_count", "is_available", "synchronize"]


def is_available():
    return False


def current_accelerator(check_available=False):
    """None: scratchnet has no accelerator (programs fall back to ``device('cpu')``)."""
    return None


def device_count():
    return 0


def synchronize(device=None):
    """A no-op: the CPU is always in sync."""
