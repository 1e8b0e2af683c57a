"""``scratchnet.mps``, answering as ``torch.mps`` does without Apple's GPU backend: there is no
device, seeding does nothing, and the calls that need the device raise torch's RuntimeError.

>>> device_count()
0
"""

__all__ = ["current_allocated_memory", "device_count", "driver_allocated_memory", "empty_cache", "manual_seed",
           "seed", "synchronize"]


def device_count():
    """0: there is no MPS device."""
    return 0


def manual_seed(seed):
    """A no-op without an MPS device."""


def _no_mps(name, call):
    def refuse(*args, **kwargs):
        raise RuntimeError(f"Cannot execute {call}() without MPS backend.")

    refuse.__name__ = refuse.__qualname__ = name
    refuse.__doc__ = f"torch.mps.{name}: raises torch's RuntimeError, as torch does without the MPS backend."
    return refuse


synchronize, empty_cache = _no_mps("synchronize", "deviceSynchronize"), _no_mps("empty_cache", "emptyCache")
seed = _no_mps("seed", "getDefaultGenerator")
current_allocated_memory = _no_mps("current_allocated_memory", "getCurrentAllocatedMemory")
driver_allocated_memory = _no_mps("driver_allocated_memory", "getDriverAllocatedMemory")
