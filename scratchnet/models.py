"""The seed tutorials' networks, in scratchnet. ``reference.models`` defines the same names in
PyTorch, with the same layers in the same order, so their ``state_dict`` keys are identical.

>>> import scratchnet as sn
>>> CNN()(sn.zeros(2, 1, 28, 28)).shape
scratchnet.Size([2, 10])
>>> list(XORNet().state_dict())
['0.weight', '0.bias', '2.weight', '2.bias']
"""

import math

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


# --- character-level language models (issue 14) -------------------------------------------------
# Each takes a (batch, time) tensor of character indices and returns (batch, time, vocab_size)
# logits for the next character. reference.models defines the same classes in PyTorch; after the
# same manual_seed both engines build identical weights (scratchnet's generator is torch's).


class CausalSelfAttention(nn.Module):
    """Multi-head causal self-attention written out from ops, as minGPT does.

    With ``x`` of shape (B, T, C) and H heads of size D = C / H::

        q, k, v = split(x @ W_attn^T + b_attn)            each (B, H, T, D)
        att     = softmax(q k^T / sqrt(D) + mask)          (B, H, T, T); mask is -inf above the diagonal
        y       = (dropout(att) v) merged back to (B, T, C) @ W_proj^T + b_proj

    so ``scratchnet.trace`` shows every step of its backward (``SoftmaxBackward0`` included).
    """

    def __init__(self, n_embd, n_head, dropout=0.0):
        super().__init__()
        if n_embd % n_head:
            raise ValueError(f"n_embd ({n_embd}) must be divisible by n_head ({n_head})")
        self.n_head = n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)  # the q, k and v projections side by side
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.attn_dropout = nn.Dropout(dropout)
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, x):
        import scratchnet

        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // self.n_head))
        future = scratchnet.ones(T, T, dtype=scratchnet.bool).triu(1)  # True where a key lies in the future
        att = F.softmax(att.masked_fill(future, float("-inf")), dim=-1)
        y = self.attn_dropout(att) @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    """Linear(C, 4C) -> GELU -> Linear(4C, C) -> Dropout."""

    def __init__(self, n_embd, dropout=0.0):
        super().__init__()
        self.c_fc, self.gelu, self.c_proj = nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    """A pre-LayerNorm transformer block: ``x + attn(ln_1(x))``, then ``x + mlp(ln_2(x))``."""

    def __init__(self, n_embd, n_head, dropout=0.0):
        super().__init__()
        self.ln_1, self.attn = nn.LayerNorm(n_embd), CausalSelfAttention(n_embd, n_head, dropout)
        self.ln_2, self.mlp = nn.LayerNorm(n_embd), MLP(n_embd, dropout)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class CharGPT(nn.Module):
    """A minGPT-style character transformer: token + position embeddings, ``n_layer`` pre-norm
    blocks, a final LayerNorm and a head whose weight is the token embedding's (tied).

    Initialised as minGPT: every Linear and Embedding weight from N(0, 0.02), biases zero,
    LayerNorms ones/zeros, then each residual projection (``c_proj``) from N(0, 0.02/sqrt(2 n_layer)),
    in module order, so both engines draw the same numbers from the seed.

    Args: vocab_size, n_layer, n_head, n_embd (divisible by n_head), block_size (the longest
    context), dropout. Input (B, T) indices with T <= block_size; output (B, T, vocab_size) logits.

    >>> import scratchnet as sn
    >>> m = CharGPT(vocab_size=5, n_layer=1, n_head=2, n_embd=8, block_size=4)
    >>> m(sn.tensor([[0, 1, 2]])).shape
    scratchnet.Size([1, 3, 5])
    >>> m.head.weight is m.wte.weight
    True
    """

    def __init__(self, vocab_size, n_layer=2, n_head=2, n_embd=32, block_size=32, dropout=0.0):
        super().__init__()
        self.block_size = block_size
        self.wte, self.wpe = nn.Embedding(vocab_size, n_embd), nn.Embedding(block_size, n_embd)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(n_embd, n_head, dropout) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab_size, bias=False)
        self.head.weight = self.wte.weight  # weight tying: one matrix embeds and un-embeds
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
        import scratchnet

        T = idx.shape[1]
        if T > self.block_size:
            raise ValueError(f"a sequence of length {T} is longer than the model's block_size {self.block_size}")
        x = self.drop(self.wte(idx) + self.wpe(scratchnet.arange(T)))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


class CharLSTM(nn.Module):
    """Embedding(vocab_size, n_embd) -> LSTM(n_embd, hidden_size, n_layer, batch_first) -> Linear head.

    >>> import scratchnet as sn
    >>> CharLSTM(vocab_size=5, n_embd=4, hidden_size=6)(sn.tensor([[0, 1, 2]])).shape
    scratchnet.Size([1, 3, 5])
    """

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
    """CharLSTM with a GRU: Embedding -> GRU(n_embd, hidden_size, n_layer, batch_first) -> Linear head.

    >>> import scratchnet as sn
    >>> list(CharGRU(vocab_size=5, n_layer=1, n_embd=4, hidden_size=6).state_dict())[:2]
    ['embedding.weight', 'rnn.weight_ih_l0']
    """

    rnn_class = "GRU"


#: --model name -> class, for the text models (their input is indices, not a float sample)
TEXT_MODELS = {"gpt": CharGPT, "lstm": CharLSTM, "gru": CharGRU}
