"""The seed tutorials' networks in PyTorch, by the same names and layer order as scratchnet.models,
so a state_dict moves between them unchanged (see reference.exchange)."""

from torch import nn
from torch.nn import functional as F


class XORNet(nn.Sequential):
    def __init__(self):
        sigmoid = nn.Sigmoid()
        super().__init__(nn.Linear(2, 2), sigmoid, nn.Linear(2, 1), sigmoid)


class DeepXORNet(nn.Sequential):
    def __init__(self):
        sigmoid = nn.Sigmoid()
        super().__init__(
            nn.Linear(2, 10), sigmoid, nn.Linear(10, 10), sigmoid, nn.Linear(10, 10), sigmoid, nn.Linear(10, 1), sigmoid
        )


class MnistMLP(nn.Sequential):
    def __init__(self):
        relu = nn.ReLU()
        super().__init__(nn.Linear(784, 256), relu, nn.Linear(256, 256), relu, nn.Linear(256, 10))
        for i in (0, 2, 4):
            nn.init.xavier_uniform_(self[i].weight)


class DropoutMLP(nn.Sequential):
    def __init__(self, p=0.3):
        relu, dropout = nn.ReLU(), nn.Dropout(p=p)
        super().__init__(
            nn.Linear(784, 512), relu, dropout, nn.Linear(512, 512), relu, dropout,
            nn.Linear(512, 512), relu, dropout, nn.Linear(512, 512), relu, dropout, nn.Linear(512, 10),
        )
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)


class BatchNormMLP(nn.Sequential):
    def __init__(self):
        relu = nn.ReLU()
        super().__init__(nn.Linear(784, 32), nn.BatchNorm1d(32), relu, nn.Linear(32, 32), nn.BatchNorm1d(32), relu, nn.Linear(32, 10))


class PlainMLP(nn.Sequential):
    def __init__(self):
        relu = nn.ReLU()
        super().__init__(nn.Linear(784, 32), relu, nn.Linear(32, 32), relu, nn.Linear(32, 10))


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(nn.Conv2d(1, 32, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.layer2 = nn.Sequential(nn.Conv2d(32, 64, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.fc = nn.Linear(7 * 7 * 64, 10)
        nn.init.xavier_uniform_(self.fc.weight)

    def forward(self, x):
        return self.fc(self.layer2(self.layer1(x)).flatten(1))


class CNN5(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.Sequential(
            nn.Conv2d(1, 16, 5), nn.ReLU(), nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(32, 64, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        )
        self.fc_layer = nn.Sequential(nn.Linear(64 * 3 * 3, 100), nn.ReLU(), nn.Linear(100, 10))

    def forward(self, x):
        return self.fc_layer(self.layer(x).flatten(1))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 6, 3), nn.Conv2d(6, 16, 3)
        self.fc1, self.fc2, self.fc3 = nn.Linear(576, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.max_pool2d(F.relu(self.conv1(x)), 2))), 2).flatten(1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


MODELS = {
    "xor": XORNet, "deep-xor": DeepXORNet, "mlp": MnistMLP, "dropout-mlp": DropoutMLP,
    "bn-mlp": BatchNormMLP, "plain-mlp": PlainMLP, "cnn": CNN, "cnn5": CNN5, "lenet": LeNet,
}
