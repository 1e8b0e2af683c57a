"""``scratchnet.vision.models``, as ``torchvision.models``: resnet18, resnet34 (weights=None)."""

from .resnet import BasicBlock, ResNet, resnet18, resnet34  # noqa: F401
