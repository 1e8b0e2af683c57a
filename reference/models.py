"""The seed tutorials' networks in PyTorch, by the same names and layer order as scratchnet.models,
so a state_dict moves between them unchanged (see reference.exchange)."""

import math

import torch
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


# --- character-level language models: twins of scratchnet.models' (same names, keys, init order)


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, dropout=0.0):
        super().__init__()
        assert n_embd % n_head == 0
        self.n_head = n_head
        self.c_attn, self.c_proj = nn.Linear(n_embd, 3 * n_embd), nn.Linear(n_embd, n_embd)
        self.attn_dropout, self.resid_dropout = nn.Dropout(dropout), nn.Dropout(dropout)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // self.n_head))
        future = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)
        att = F.softmax(att.masked_fill(future, float("-inf")), dim=-1)
        y = (self.attn_dropout(att) @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, n_embd, dropout=0.0):
        super().__init__()
        self.c_fc, self.gelu, self.c_proj = nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, dropout=0.0):
        super().__init__()
        self.ln_1, self.attn = nn.LayerNorm(n_embd), CausalSelfAttention(n_embd, n_head, dropout)
        self.ln_2, self.mlp = nn.LayerNorm(n_embd), MLP(n_embd, dropout)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class CharGPT(nn.Module):
    def __init__(self, vocab_size, n_layer=2, n_head=2, n_embd=32, block_size=32, dropout=0.0):
        super().__init__()
        self.block_size = block_size
        self.wte, self.wpe = nn.Embedding(vocab_size, n_embd), nn.Embedding(block_size, n_embd)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(n_embd, n_head, dropout) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab_size, bias=False)
        self.head.weight = self.wte.weight
        for name, module in self.named_modules():
            if isinstance(module, nn.Linear) and module is not self.head:
                nn.init.normal_(module.weight, mean=0.0, std=0.02)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
                if name.endswith("c_proj"):
                    nn.init.normal_(module.weight, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))
            elif isinstance(module, nn.Embedding):
                nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx):
        T = idx.shape[1]
        if T > self.block_size:
            raise ValueError(f"a sequence of length {T} is longer than the model's block_size {self.block_size}")
        x = self.drop(self.wte(idx) + self.wpe(torch.arange(T, device=idx.device)))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


class CharLSTM(nn.Module):
    rnn_class = "LSTM"

    def __init__(self, vocab_size, n_layer=2, n_embd=32, hidden_size=64, dropout=0.0, block_size=None):
        super().__init__()
        self.block_size = block_size
        self.embedding = nn.Embedding(vocab_size, n_embd)
        self.rnn = getattr(nn, self.rnn_class)(n_embd, hidden_size, n_layer, batch_first=True, dropout=dropout if n_layer > 1 else 0.0)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx):
        return self.head(self.rnn(self.embedding(idx))[0])


class CharGRU(CharLSTM):
    rnn_class = "GRU"


TEXT_MODELS = {"gpt": CharGPT, "lstm": CharLSTM, "gru": CharGRU}
