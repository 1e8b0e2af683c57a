"""``scratchnet.vision``, as ``torchvision``: ``datasets``, ``transforms``, ``utils``, ``models``.

A torchvision program runs when ``torchvision`` becomes ``scratchnet.vision``:

>>> from scratchnet.vision import datasets, transforms
>>> transforms.ToTensor()
ToTensor()
"""

from . import datasets, models, transforms, utils  # noqa: F401

__version__ = "0.1.0"
