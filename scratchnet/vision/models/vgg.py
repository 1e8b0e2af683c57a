"""VGG-11/13/16/19 (Simonyan and Zisserman, 2014), with or without batch norm, as
``torchvision.models``: the same modules in the same order (so the state-dict keys
``features.0.weight``, ``classifier.6.bias``, ... and the slicing ``vgg16().features[:23]`` that
perceptual losses use are the same) and the same initialisation (Kaiming normal, fan_out, for
convolutions; N(0, 0.01) for the linear layers; zero biases). No pretrained weights (no network).

>>> import scratchnet as sn
>>> features = make_layers(CONFIGS[11])  # the convolutional part (the classifier's 25088 x 4096 is slow to draw here)
>>> features(sn.zeros(1, 3, 32, 32)).shape
scratchnet.Size([1, 512, 1, 1])
"""

from ... import nn
from ...nn import init

__all__ = ["VGG", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]

#: Output channels of each 3x3 convolution, "M" a 2x2 max pool (torchvision's configurations A, B, D, E).
CONFIGS = {
    11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


class VGG(nn.Module):
    """``features`` (convolutions and pools), a 7x7 adaptive average pool, and a three-layer
    classifier (4096, 4096, ``num_classes``) with ReLU and dropout between."""

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    init.constant_(m.weight, 1)
                    init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    init.normal_(m.weight, 0, 0.01)
                    init.constant_(m.bias, 0)

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


def make_layers(config, batch_norm=False):
    """The ``features`` Sequential of a configuration: conv (+ batch norm) + ReLU per number, a pool per "M"."""
    layers, channels = [], 3
    for v in config:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers.append(nn.Conv2d(channels, v, kernel_size=3, padding=1))
            layers += [nn.BatchNorm2d(v), nn.ReLU(inplace=True)] if batch_norm else [nn.ReLU(inplace=True)]
            channels = v
    return nn.Sequential(*layers)


def _vgg(depth, batch_norm, weights, kwargs):
    if weights is not None:
        raise ValueError(f"pretrained weights ({weights!r}) are not available: there is no network; "
                         "pass weights=None and load a state_dict saved from torchvision instead")
    return VGG(make_layers(CONFIGS[depth], batch_norm), **kwargs)


def vgg11(*, weights=None, progress=True, **kwargs):
    """VGG-11 (configuration A)."""
    return _vgg(11, False, weights, kwargs)


def vgg11_bn(*, weights=None, progress=True, **kwargs):
    """VGG-11 with batch norm."""
    return _vgg(11, True, weights, kwargs)


def vgg13(*, weights=None, progress=True, **kwargs):
    """VGG-13 (configuration B)."""
    return _vgg(13, False, weights, kwargs)


def vgg13_bn(*, weights=None, progress=True, **kwargs):
    """VGG-13 with batch norm."""
    return _vgg(13, True, weights, kwargs)


def vgg16(*, weights=None, progress=True, **kwargs):
    """VGG-16 (configuration D)."""
    return _vgg(16, False, weights, kwargs)


def vgg16_bn(*, weights=None, progress=True, **kwargs):
    """VGG-16 with batch norm."""
    return _vgg(16, True, weights, kwargs)


def vgg19(*, weights=None, progress=True, **kwargs):
    """VGG-19 (configuration E)."""
    return _vgg(19, False, weights, kwargs)


def vgg19_bn(*, weights=None, progress=True, **kwargs):
    """VGG-19 with batch norm."""
    return _vgg(19, True, weights, kwargs)
