"""``scratchnet.vision.transforms``, as ``torchvision.transforms`` (plus ``Fit``, scratchnet's own)."""

from . import functional  # noqa: F401
from .fit import Fit, fit_images  # noqa: F401
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _all

__all__ = [*_all, "Fit", "fit_images", "functional"]
