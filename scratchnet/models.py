"""The seed tutorials' networks, in scratchnet. ``reference.models`` defines the same names in
PyTorch, with the same layers in the same order, so their ``state_dict`` keys are identical.

>>> import scratchnet as sn
>>> CNN()(sn.zeros(2, 1, 28, 28)).shape
scratchnet.Size([2, 10])
>>> list(XORNet().state_dict())
['0.weight', '0.bias', '2.weight', '2.bias']
"""

from . import nn
from .nn import functional as F


class XORNet(nn.Sequential):
    """Seed 002: Linear(2,2) -> Sigmoid -> Linear(2,1) -> Sigmoid, trained with BCE and SGD(lr=1)."""

    def __init__(self):
        sigmoid = nn.Sigmoid()
        super().__init__(nn.Linear(2, 2), sigmoid, nn.Linear(2, 1), sigmoid)


class DeepXORNet(nn.Sequential):
    """Seed 002: the deeper XOR net, Linear(2,10) -> Linear(10,10) x2 -> Linear(10,1), sigmoids between."""

    def __init__(self):
        sigmoid = nn.Sigmoid()
        super().__init__(
            nn.Linear(2, 10), sigmoid, nn.Linear(10, 10), sigmoid, nn.Linear(10, 10), sigmoid, nn.Linear(10, 1), sigmoid
        )


class MnistMLP(nn.Sequential):
    """Seed 002: 784 -> 256 -> 256 -> 10 with ReLU, Xavier-uniform weights."""

    def __init__(self):
        relu = nn.ReLU()
        super().__init__(nn.Linear(784, 256), relu, nn.Linear(256, 256), relu, nn.Linear(256, 10))
        for layer in (self[0], self[2], self[4]):
            nn.init.xavier_uniform_(layer.weight)


class DropoutMLP(nn.Sequential):
    """Seed 002: 784 -> 512 x4 -> 10 with ReLU and Dropout(p) after each hidden layer."""

    def __init__(self, p=0.3):
        relu, dropout = nn.ReLU(), nn.Dropout(p=p)
        layers = []
        for n_in in (784, 512, 512, 512):
            layers += [nn.Linear(n_in, 512), relu, dropout]
        super().__init__(*layers, nn.Linear(512, 10))
        for layer in self:
            if isinstance(layer, nn.Linear):
                nn.init.xavier_uniform_(layer.weight)


class BatchNormMLP(nn.Sequential):
    """Seed 002: Linear(784,32) -> BatchNorm1d(32) -> ReLU -> Linear(32,32) -> BatchNorm1d(32) ->
    ReLU -> Linear(32,10). (The seed's second norm reads BatchNorm2d, a typo: it normalises a 2-D
    batch, which only BatchNorm1d accepts.)"""

    def __init__(self):
        relu = nn.ReLU()
        super().__init__(nn.Linear(784, 32), nn.BatchNorm1d(32), relu, nn.Linear(32, 32), nn.BatchNorm1d(32), relu, nn.Linear(32, 10))


class PlainMLP(nn.Sequential):
    """The BatchNormMLP's twin without batch norm, trained beside it in seed 002."""

    def __init__(self):
        relu = nn.ReLU()
        super().__init__(nn.Linear(784, 32), relu, nn.Linear(32, 32), relu, nn.Linear(32, 10))


class CNN(nn.Module):
    """Seed 000: two conv-relu-maxpool blocks (32 and 64 channels, 3x3, padding 1) and a linear layer."""

    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2))
        self.layer2 = nn.Sequential(nn.Conv2d(32, 64, kernel_size=3, stride=1, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2))
        self.fc = nn.Linear(7 * 7 * 64, 10, bias=True)
        nn.init.xavier_uniform_(self.fc.weight)

    def forward(self, x):
        out = self.layer1(x)
        out = self.layer2(out)
        out = out.view(out.size(0), -1)
        return self.fc(out)


class CNN5(nn.Module):
    """Seed 003: three 5x5 convolutions (16, 32, 64 channels) with two max-pools, then 576 -> 100 -> 10."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Sequential(
            nn.Conv2d(in_channels=1, out_channels=16, kernel_size=5), nn.ReLU(),
            nn.Conv2d(in_channels=16, out_channels=32, kernel_size=5), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(in_channels=32, out_channels=64, kernel_size=5), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.fc_layer = nn.Sequential(nn.Linear(64 * 3 * 3, 100), nn.ReLU(), nn.Linear(100, 10))

    def forward(self, x):
        out = self.layer(x)
        out = out.view(out.size(0), -1)
        return self.fc_layer(out)


class LeNet(nn.Module):
    """Seed 004, the PyTorch tutorial's net, on a (N, 1, 32, 32) input."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


#: name -> (class, the shape of one input sample)
MODELS = {
    "xor": (XORNet, (2,)), "deep-xor": (DeepXORNet, (2,)), "mlp": (MnistMLP, (784,)),
    "dropout-mlp": (DropoutMLP, (784,)), "bn-mlp": (BatchNormMLP, (784,)), "plain-mlp": (PlainMLP, (784,)),
    "cnn": (CNN, (1, 28, 28)), "cnn5": (CNN5, (1, 28, 28)), "lenet": (LeNet, (1, 32, 32)),
}
