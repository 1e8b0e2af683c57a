"""``scratchnet.vision.models``, as ``torchvision.models``: resnet18, resnet34 (weights=None)."""

from .resnet import BasicBlock, ResNet, resnet18, resnet34  # noqa: F401
from .vgg import VGG, vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn  # noqa: F401,E402
