"""``scratchnet.cuda``, answering as ``torch.cuda`` does on a machine without a GPU: nothing is
available, seeding is a no-op, and asking for a current device raises torch's error.

>>> is_available(), device_count(), is_initialized()
(False, 0, False)
"""

from . import amp  # noqa: F401
from .._absent_device import (  # noqa: F401  (as torch.cuda has them)
    device_count, empty_cache, is_available, is_initialized, manual_seed, manual_seed_all, refusing, seed, seed_all,
)

__all__ = ["current_device", "device_count", "empty_cache", "get_device_name", "is_available", "is_initialized",
           "manual_seed", "manual_seed_all", "max_memory_allocated", "memory_allocated", "seed", "seed_all",
           "set_device", "synchronize"]

NO_DRIVER = ("Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver "
             "from http://www.nvidia.com/Download/index.aspx (scratchnet computes on the CPU only)")


def _no_gpu(name):
    return refusing("cuda", name, RuntimeError, NO_DRIVER)


current_device, get_device_name, set_device = _no_gpu("current_device"), _no_gpu("get_device_name"), _no_gpu("set_device")
synchronize, memory_allocated = _no_gpu("synchronize"), _no_gpu("memory_allocated")
max_memory_allocated = _no_gpu("max_memory_allocated")


class _CudaLegacyType(type):
    """The class of ``cuda.FloatTensor`` & co.: no tensor is one (there is no GPU), and building
    one raises torch's no-driver error."""

    def __call__(cls, *args, **kwargs):
        raise RuntimeError(NO_DRIVER)

    def __instancecheck__(cls, obj):
        return False

    def __repr__(cls):
        return f"<class 'scratchnet.cuda.{cls.__name__}'>"


def _cuda_legacy(name):
    return _CudaLegacyType(name, (), {"__doc__": f"torch.cuda.{name}: ``isinstance(t, {name})`` is False here; building one raises."})


BFloat16Tensor, BoolTensor, ByteTensor, CharTensor = (_cuda_legacy(n) for n in ("BFloat16Tensor", "BoolTensor", "ByteTensor", "CharTensor"))
DoubleTensor, FloatTensor, HalfTensor, IntTensor = (_cuda_legacy(n) for n in ("DoubleTensor", "FloatTensor", "HalfTensor", "IntTensor"))
LongTensor, ShortTensor = _cuda_legacy("LongTensor"), _cuda_legacy("ShortTensor")
__all__ += ["BFloat16Tensor", "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor", "HalfTensor",
            "IntTensor", "LongTensor", "ShortTensor"]
