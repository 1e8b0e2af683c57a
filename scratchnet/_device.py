"""Devices, as ``torch.device``: scratchnet computes on the CPU (NumPy), so every tensor lives on
``device(type='cpu')``. Device objects for other types can be built, as in torch (programs write
``torch.device("cuda" if torch.cuda.is_available() else "cpu")``), but moving data there is refused
with one clear error.

>>> device("cpu")
device(type='cpu')
>>> device("cuda", 1)
device(type='cuda', index=1)
>>> str(device("cuda:0")), device("cpu") == device("cpu")
('cuda:0', True)
"""

import builtins
import re

__all__ = ["device", "get_default_device", "parse_device", "set_default_device"]

DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class device:
    """Where a tensor lives: a ``type`` ('cpu', 'cuda', ...) and an optional ``index``."""

    __slots__ = ("_type", "_index")

    def __init__(self, type=None, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        elif isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type  # torch: a bare index means the accelerator's device
        elif not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({builtins.type(type).__name__})")
        if ":" in type:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {type}")
            match = re.fullmatch(r"([a-z_]+):(0|[1-9][0-9]*)", type)
            if match is None:
                raise RuntimeError(f"Invalid device string: '{type}'")
            type, index = match.group(1), int(match.group(2))
        if type not in DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: {type}")
        if index is not None and (not isinstance(index, int) or index < 0):
            raise RuntimeError("Device index must not be negative" if isinstance(index, int) else f"Invalid device index: {index!r}")
        self._type, self._index = type, index

    @property
    def type(self):
        return self._type

    @property
    def index(self):
        return self._index

    def __eq__(self, other):
        return isinstance(other, device) and (self._type, self._index) == (other._type, other._index)

    def __hash__(self):
        return hash((self._type, self._index))

    def __repr__(self):
        return f"device(type='{self._type}')" if self._index is None else f"device(type='{self._type}', index={self._index})"

    def __str__(self):
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __reduce__(self):
        return (device, (self._type, self._index))

    def __enter__(self):  # torch allows ``with torch.device('cpu'):``; on the CPU it changes nothing
        check_cpu(self)
        return self

    def __exit__(self, *exc):
        return False


CPU = device("cpu")

NO_GPU = {"cuda": "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a "
                  "driver from http://www.nvidia.com/Download/index.aspx (scratchnet computes on the CPU only)",
          "mps": "PyTorch is not linked with support for mps devices (scratchnet computes on the CPU only)"}


def check_cpu(d):
    """``d`` if it is the CPU, else the RuntimeError torch raises on a machine without that device."""
    if d.type != "cpu":
        raise RuntimeError(NO_GPU.get(d.type, f"scratchnet computes on the CPU only (NumPy); there is no {d.type} device"))
    return d


def parse_device(x):
    """A device argument (a ``device``, a string like 'cpu' or 'cuda:0', or an int index) as a
    ``device`` on the CPU; ``None`` when ``x`` is not a device argument at all (a dtype, a tensor);
    RuntimeError for any other device, since scratchnet has only the CPU.

    >>> parse_device("cpu"), parse_device(None)
    (device(type='cpu'), None)
    """
    if isinstance(x, device):
        return check_cpu(x)
    if isinstance(x, str) and x.split(":")[0] in DEVICE_TYPES:
        return check_cpu(device(x))
    if isinstance(x, int) and not isinstance(x, bool):
        return check_cpu(device(x))
    return None


def set_default_device(d):
    """As ``torch.set_default_device``: the CPU (or None) is accepted; any other device is refused."""
    if d is not None and parse_device(d) is None:
        raise TypeError(f"set_default_device expects a device, a string or None, not {type(d).__name__}")


def get_default_device():
    """``device(type='cpu')``."""
    return CPU
