"""``scratchnet.amp``, as ``torch.amp``: mixed precision is a no-op here (scratchnet has float32 and
float64 only, no float16/bfloat16), so ``autocast`` regions compute in the tensors' own dtypes and
``GradScaler`` passes losses and steps through unscaled, as torch's do when disabled.

>>> import scratchnet as sn
>>> with autocast("cpu"):
...     (sn.ones(2) * 2).dtype
scratchnet.float32
"""

import functools
import warnings

__all__ = ["GradScaler", "autocast", "is_autocast_available"]


def is_autocast_available(device_type):
    return device_type == "cpu"


class autocast:
    """A context manager (and decorator) accepting torch's arguments; it changes no dtype. For a
    ``device_type`` other than 'cpu' it warns, as torch does without that device, and is disabled."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.device_type, self.fast_dtype, self.enabled = device_type, dtype, enabled
        if device_type != "cpu" and enabled:
            warnings.warn(f"User provided device_type of '{device_type}', but {device_type.upper()} is not available. "
                          "Disabling", stacklevel=2)
            self.enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return run


class GradScaler:
    """Loss scaling for float16 training; here always disabled (there is no float16): ``scale``
    returns the loss itself, ``step`` calls ``optimizer.step()``, ``get_scale`` is 1.0."""

    def __init__(self, device="cuda", init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        if enabled and device != "cpu":
            warnings.warn(f"torch.amp.GradScaler is enabled, but {device.upper()} is not available. Disabling.", stacklevel=2)
        self._enabled = False

    def is_enabled(self):
        return self._enabled

    def scale(self, outputs):
        return outputs

    def unscale_(self, optimizer):
        pass

    def step(self, optimizer, *args, **kwargs):
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        pass

    def get_scale(self):
        return 1.0

    def state_dict(self):
        return {}

    def load_state_dict(self, state_dict):
        pass
