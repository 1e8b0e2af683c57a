"""Write the tutorial notebooks of docs/tutorials from the cells below (run from the project root).

    python docs/tutorials/make_notebooks.py            # write the .ipynb files (no outputs)
    python docs/tutorials/make_notebooks.py --execute  # ... and run them, keeping the outputs

Edit the cells here, not the .ipynb files: tests/test_docs.py checks that the notebooks hold
exactly these cells, and runs each one top to bottom.
"""

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

TORCH_OPTIONAL = """\
try:  # PyTorch is the reference; without it the notebook runs on scratchnet alone
    import torch
except ImportError:
    torch = None
print("comparing with torch", torch.__version__ if torch else "(not installed)")"""

NOTEBOOKS = {}


def notebook(name, *cells):
    """Register a notebook: each cell is a string of code or ``md(text)``, a Markdown cell."""
    NOTEBOOKS[name] = cells


def md(text):
    return ("md", text)


notebook(
    "000_w5_by_hand",
    md("""# 000 · Backpropagation by hand: the W5 example

The seed works one step of gradient descent through a 2-2-2 network by hand: no biases, sigmoid on
both layers, loss $E = \\frac12 \\sum (t - o)^2$, learning rate 0.5. Its headline number:
**W5 goes from 0.45 to 0.43703857**. We redo the arithmetic in plain Python, then let the engine
do it, then PyTorch."""),
    md("## The numbers, by hand"),
    """\
import math

x1, x2 = 0.1, 0.2
t1, t2 = 0.4, 0.6
W1, W2, W3, W4 = 0.3, 0.25, 0.4, 0.35   # x1, x2 -> h1 and x1, x2 -> h2
W5, W6, W7, W8 = 0.45, 0.4, 0.7, 0.6    # h1, h2 -> o1 and h1, h2 -> o2
sigmoid = lambda z: 1 / (1 + math.exp(-z))

z1, z2 = W1 * x1 + W2 * x2, W3 * x1 + W4 * x2
h1, h2 = sigmoid(z1), sigmoid(z2)
z3, z4 = W5 * h1 + W6 * h2, W7 * h1 + W8 * h2
o1, o2 = sigmoid(z3), sigmoid(z4)
E = 0.5 * ((t1 - o1) ** 2 + (t2 - o2) ** 2)
for name, value in [("z1", z1), ("z2", z2), ("h1", h1), ("h2", h2), ("z3", z3), ("z4", z4), ("o1", o1), ("o2", o2), ("E", E)]:
    print(f"{name:>3} = {value:.8f}")""",
    md("""The chain rule for $\\partial E / \\partial W_5$: three factors, each read off the forward pass."""),
    """\
dE_do1 = o1 - t1            # d/do1 of 1/2 (t1 - o1)^2
do1_dz3 = o1 * (1 - o1)     # the sigmoid's derivative
dz3_dW5 = h1                # z3 = W5 h1 + W6 h2
dE_dW5 = dE_do1 * do1_dz3 * dz3_dW5
W5_new = W5 - 0.5 * dE_dW5
print(f"dE/dW5 = {dE_do1:.8f} * {do1_dz3:.8f} * {dz3_dW5:.8f} = {dE_dW5:.8f}")
print(f"W5+ = 0.45 - 0.5 * {dE_dW5:.8f} = {W5_new:.8f}")
assert round(W5_new, 8) == 0.43703857""",
    md("""## The engine does the same

`scratchnet/examples/w5.py` writes the step once against the API scratchnet and PyTorch share.
Its backward pass gives every weight's gradient at once, not only W5's."""),
    """\
import scratchnet as sn
from scratchnet.examples.w5 import SEED_VALUES, step, table

ours = step(sn)
assert abs(ours["dE/dW5"] - dE_dW5) < 1e-12 and abs(ours["W5"] - W5_new) < 1e-12
for name, value in SEED_VALUES.items():
    assert round(ours[name], 8) == value, name
print(f"W5 after one step: {ours['W5']:.8f}")""",
    md("## Beside PyTorch"),
    TORCH_OPTIONAL,
    """\
theirs = step(torch) if torch else None
print(table(ours, theirs))
if torch:
    assert max(abs(ours[k] - theirs[k]) for k in ours) < 1e-12""",
)

notebook(
    "001_autograd",
    md("""# 001 · Autograd: requires_grad, grad_fn, backward

The seed's walk through PyTorch's automatic differentiation, on scratchnet. Every tensor made from
one that requires grad remembers the op that made it (`grad_fn`); `backward()` walks those records
back to the leaves and fills their `.grad`."""),
    "import scratchnet as sn\n" + TORCH_OPTIONAL,
    md("## A small graph"),
    """\
x = sn.ones(3, 3, requires_grad=True)
y = x + 5
z = y * y
out = z.mean()
print(x)
print(y.grad_fn, z.grad_fn, out.grad_fn, sep="\\n")
print(out)""",
    md("""`out` is the mean of nine values $(x + 5)^2 = 36$. Its gradient with respect to each
$x_i$ is $\\frac{2 (x_i + 5)}{9} = 12 / 9 = 1.3333$."""),
    """\
out.backward()
print(x.grad)
assert out.item() == 36.0 and sn.allclose(x.grad, sn.full((3, 3), 4 / 3))
if torch:
    tx = torch.ones(3, 3, requires_grad=True)
    tout = ((tx + 5) * (tx + 5)).mean()
    tout.backward()
    ty = tx + 5
    assert [type(t.grad_fn).__name__ for t in (ty, ty * ty, tout)] == [t.grad_fn.name() for t in (y, z, out)]
    assert x.grad.tolist() == tx.grad.tolist()
    print("same as torch:", tx.grad[0])""",
    md("## requires_grad_ flips the flag in place"),
    """\
a = sn.randn(2, 2)
a = (a * 3) / (a - 1)
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)""",
    md("""## A vector-Jacobian product

For a non-scalar `y`, `y.backward(v)` computes $v^T J$, the gradient of $\\sum_i v_i y_i$, without
building the Jacobian."""),
    """\
sn.manual_seed(0)
x = sn.randn(3, requires_grad=True)
y = x * 2
while y.data.pow(2).sum().sqrt() < 1000:   # the seed writes y.data.norm()
    y = y * 2
v = sn.tensor([0.1, 1.0, 0.0001])
y.backward(v)
scale = (y / x).detach()[0]          # y = 2^k x
print(y, x.grad, sep="\\n")
assert sn.allclose(x.grad, v * scale)
if torch:
    torch.manual_seed(0)
    tx = torch.randn(3, requires_grad=True)
    ty = tx * 2
    while ty.data.pow(2).sum().sqrt() < 1000:
        ty = ty * 2
    ty.backward(torch.tensor([0.1, 1.0, 0.0001]))
    assert x.tolist() == tx.tolist() and x.grad.tolist() == tx.grad.tolist()
    print("same random x and same gradient as torch")""",
    md("## Stopping the record: no_grad and detach"),
    """\
print(x.requires_grad, (x ** 2).requires_grad)
with sn.no_grad():
    print((x ** 2).requires_grad)
d = x.detach()
print(d.requires_grad, d.tolist() == x.tolist())""",
    md("""## Gradients accumulate; non-leaf tensors keep none

`a -> b = a + 2 -> c = b ** 2 -> out = c.sum()` gives `a.grad = 2 (a + 2) = 6` for `a = 1`."""),
    """\
a = sn.ones(2, 2, requires_grad=True)
b = a + 2
c = b ** 2
out = c.sum()
out.backward()
print(a.grad)
print(b.grad)            # None: b is not a leaf (call b.retain_grad() to keep it)
assert a.grad.tolist() == [[6.0, 6.0], [6.0, 6.0]] and b.grad is None
(a + 2).pow(2).sum().backward()
print(a.grad)            # 12: the second backward added to the first
a.grad.zero_()""",
)

notebook(
    "002_xor_mlp",
    md("""# 002 · XOR, deeper MLPs, initialisation, dropout and batch norm

One perceptron cannot draw the XOR boundary; two layers can. We train the seed's networks on
the four XOR points, then look at Xavier and He initialisation, dropout's train/eval switch and
batch norm's learned and running statistics."""),
    "import scratchnet as sn\nimport scratchnet.nn as nn\n" + TORCH_OPTIONAL,
    md("## XOR with Linear(2, 2) -> Sigmoid -> Linear(2, 1) -> Sigmoid"),
    """\
X = sn.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = sn.tensor([[0.0], [1.0], [1.0], [0.0]])


def train(model, steps, lr=1.0, log_every=100):
    criterion = nn.BCELoss()
    optimizer = sn.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for i in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(X), Y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if i % log_every == 0:
            print(f"step {i:4d}  loss {loss.item():.6f}")
    return losses


sn.manual_seed(777)
small = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
losses = train(small, 501)
assert losses[-1] < losses[0]""",
    md("""The loss sits near $\\ln 2 = 0.693$: the net predicts 0.5 for every point, a plateau that
plain SGD leaves only slowly (the seed runs 10,001 steps). The seed's deeper net, `Linear(2, 10)`
three times then `Linear(10, 1)`, each followed by a sigmoid, trained with Adam, leaves it within
a few hundred steps:"""),
    """\
def train_adam(model, steps, lr=0.01, log_every=100):
    criterion = nn.BCELoss()
    optimizer = sn.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for i in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(X), Y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if i % log_every == 0:
            print(f"step {i:4d}  loss {loss.item():.6f}")
    return losses


sn.manual_seed(777)
deep = nn.Sequential(
    nn.Linear(2, 10), nn.Sigmoid(), nn.Linear(10, 10), nn.Sigmoid(),
    nn.Linear(10, 10), nn.Sigmoid(), nn.Linear(10, 1), nn.Sigmoid(),
)
deep_losses = train_adam(deep, 301)
with sn.no_grad():
    prediction = (deep(X) > 0.5).float()
print("predictions", prediction.reshape(-1).tolist(), "targets", Y.reshape(-1).tolist())
assert deep_losses[-1] < 0.05 and prediction.tolist() == Y.tolist()""",
    """\
%matplotlib inline
import matplotlib.pyplot as plt

plt.figure(figsize=(5, 3))
plt.plot(losses, label="2-2-1, SGD")
plt.plot(deep_losses, label="2-10-10-10-1, Adam")
plt.xlabel("step"); plt.ylabel("BCE loss"); plt.title("XOR"); plt.legend()
plt.show()""",
    md("""## The same training in PyTorch

Same seed, same initial weights, same steps: the loss curves agree to float32 rounding."""),
    """\
if torch:
    torch.manual_seed(777)
    twin = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 1), torch.nn.Sigmoid())
    tX, tY = torch.tensor(X.tolist()), torch.tensor(Y.tolist())
    opt = torch.optim.SGD(twin.parameters(), lr=1.0)
    torch_losses = []
    for i in range(501):
        opt.zero_grad()
        loss = torch.nn.BCELoss()(twin(tX), tY)
        loss.backward()
        opt.step()
        torch_losses.append(loss.item())
    print(f"final loss: scratchnet {losses[-1]:.6f}, torch {torch_losses[-1]:.6f}")
    assert max(abs(a - b) for a, b in zip(losses, torch_losses)) < 1e-4""",
    md("""## Initialisation

Xavier (Glorot) keeps the variance of activations about equal across layers:
`xavier_uniform_` draws from $U(-a, a)$ with $a = \\text{gain} \\sqrt{6 / (\\text{fan\\_in} + \\text{fan\\_out})}$.
He (Kaiming) uses $\\sqrt{2 / \\text{fan\\_in}}$ for ReLU layers."""),
    """\
layer = nn.Linear(256, 256)
nn.init.xavier_uniform_(layer.weight)
bound = (6 / (256 + 256)) ** 0.5
print(f"xavier_uniform: max |w| {layer.weight.abs().max().item():.4f} <= {bound:.4f}, std {layer.weight.std().item():.4f}")
nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
print(f"kaiming_normal: std {layer.weight.std().item():.4f} (expected {(2 / 256) ** 0.5:.4f})")
assert layer.weight.abs().max().item() < 1.0""",
    md("""## Dropout: on in train(), off in eval()

While training, dropout zeroes each element with probability p and scales the rest by 1/(1-p), so
the expected value is unchanged; in eval mode it is the identity."""),
    """\
drop = nn.Dropout(p=0.5)
x = sn.ones(2, 8)
drop.train()
print(drop(x))
drop.eval()
print(drop(x))
assert drop(x).tolist() == x.tolist()""",
    md("""## Batch norm: gamma and beta are learned, the running statistics are not

`BatchNorm1d` normalises each feature over the batch while training, and updates its running mean
and variance (buffers, not parameters); in eval mode it uses those running values."""),
    """\
sn.manual_seed(0)
bn = nn.BatchNorm1d(3)
print([name for name, _ in bn.named_parameters()], [name for name, _ in bn.named_buffers()])
batch = sn.randn(64, 3) * 4 + 10
out = bn(batch)
print("train-mode output mean", out.mean(dim=0), "std", out.std(dim=0, unbiased=False), sep="\\n")
print("running mean after one batch (momentum 0.1):", bn.running_mean)
bn.eval()
print("eval-mode output mean", bn(batch).mean(dim=0))""",
)

notebook(
    "003_cnn_digits",
    md("""# 003 · A CNN on real handwritten digits

The seed trains CNNs on MNIST. Here a small CNN learns scikit-learn's embedded handwritten digits
(1,797 real 8x8 images, no download needed; `scratchnet train --data mnist` runs the seed's CNN on
real MNIST). A couple of epochs on a CPU take seconds."""),
    """\
%matplotlib inline
import matplotlib.pyplot as plt
import scratchnet as sn
import scratchnet.nn as nn
import scratchnet.nn.functional as F
from scratchnet.utils.data import DataLoader
from scratchnet.vision.datasets import load_digits

train_set, test_set = load_digits()
image, label = train_set[0]
print(len(train_set), "training images,", len(test_set), "test images; one is", tuple(image.shape), "label", label.item())""",
    """\
fig, axes = plt.subplots(1, 8, figsize=(8, 1.3))
for ax, i in zip(axes, range(8)):
    img, lab = train_set[i]
    ax.imshow(img[0].numpy(), cmap="gray_r"); ax.set_title(int(lab)); ax.axis("off")
plt.show()""",
    md("""## The model

The seed's pattern, convolution -> ReLU -> max-pool twice, then a linear classifier, scaled to
8x8 inputs: `Conv2d(1, 16, 3, padding=1)` -> ReLU -> `MaxPool2d(2)` (16x4x4) ->
`Conv2d(16, 32, 3, padding=1)` -> ReLU -> `MaxPool2d(2)` (32x2x2) -> `Linear(128, 10)`, with Xavier
init of the last layer as in seed 000."""),
    """\
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.layer2 = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.fc = nn.Linear(32 * 2 * 2, 10)
        nn.init.xavier_uniform_(self.fc.weight)

    def forward(self, x):
        x = self.layer2(self.layer1(x))
        return self.fc(x.flatten(1))


sn.manual_seed(777)
model = CNN()
print(model)
print(sum(p.numel() for p in model.parameters()), "parameters")""",
    md("## Training: Adam, cross-entropy, shuffled batches"),
    """\
loader = DataLoader(train_set, batch_size=64, shuffle=True, drop_last=True)
optimizer = sn.optim.Adam(model.parameters(), lr=0.01)
losses = []
for epoch in range(2):
    model.train()
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    print(f"epoch {epoch + 1}: last batch loss {losses[-1]:.4f}")


def accuracy(dataset):
    model.eval()
    images, labels = dataset.tensors
    with sn.no_grad():
        return (model(images).argmax(dim=1) == labels).float().mean().item()


print(f"test accuracy {accuracy(test_set):.3f}")
assert accuracy(test_set) > 0.8""",
    """\
plt.figure(figsize=(5, 3))
plt.plot(losses, marker=".", linewidth=0.8)
plt.xlabel("batch"); plt.ylabel("cross-entropy"); plt.title("training loss"); plt.grid(alpha=0.3)
plt.show()""",
    md("## What the first layer learned"),
    """\
kernels = model.layer1[0].weight.detach()[:, 0]
fig, axes = plt.subplots(2, 8, figsize=(8, 2))
for ax, k in zip(axes.ravel(), kernels):
    ax.imshow(k.numpy(), cmap="RdBu"); ax.axis("off")
plt.show()""",
)

notebook(
    "004_tutorial_net",
    md("""# 004 · The PyTorch tutorial network

The network of PyTorch's "Neural Networks" tutorial (the seed's last document), line for line:
two convolutions with max-pooling, three linear layers, a backward pass from a random gradient,
an MSE loss and one SGD step. Beside each step, the same in PyTorch from the same weights."""),
    """\
import scratchnet as sn
import scratchnet.nn as nn
import scratchnet.nn.functional as F
""" + TORCH_OPTIONAL,
    """\
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)     # 1 input channel, 6 output channels, 3x3 kernel
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))   # (1, 6, 30, 30) -> (1, 6, 15, 15)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)        # (1, 16, 13, 13) -> (1, 16, 6, 6)
        x = sn.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


sn.manual_seed(0)
net = Net()
print(net)
params = list(net.parameters())
print(len(params), "parameter tensors; conv1's weight:", tuple(params[0].size()))""",
    md("""The same network in PyTorch, with scratchnet's weights copied in (the same class, built on
`torch.nn`). With the same seed even the default initialisation would agree; copying makes the
comparison independent of that."""),
    """\
if torch:
    import torch.nn.functional as tF

    class TorchNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(1, 6, 3)
            self.conv2 = torch.nn.Conv2d(6, 16, 3)
            self.fc1 = torch.nn.Linear(16 * 6 * 6, 120)
            self.fc2 = torch.nn.Linear(120, 84)
            self.fc3 = torch.nn.Linear(84, 10)

        def forward(self, x):
            x = tF.max_pool2d(tF.relu(self.conv1(x)), (2, 2))
            x = tF.max_pool2d(tF.relu(self.conv2(x)), 2)
            x = torch.flatten(x, 1)
            x = tF.relu(self.fc1(x))
            x = tF.relu(self.fc2(x))
            return self.fc3(x)

    twin = TorchNet()
    twin.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in net.state_dict().items()})""",
    md("## Forward, and a backward from a random gradient"),
    """\
input = sn.randn(1, 1, 32, 32)
out = net(input)
print(out)
net.zero_grad()
grad = sn.randn(1, 10)
out.backward(grad)
print("conv1.bias.grad", net.conv1.bias.grad)
if torch:
    t_out = twin(torch.from_numpy(input.numpy().copy()))
    twin.zero_grad()
    t_out.backward(torch.from_numpy(grad.numpy().copy()))
    assert sn.allclose(out, sn.tensor(t_out.detach().numpy()), atol=1e-5)
    assert sn.allclose(net.conv1.bias.grad, sn.tensor(twin.conv1.bias.grad.numpy()), atol=1e-5)
    print("forward and conv1.bias.grad agree with torch")""",
    md("""## A loss function

Following `grad_fn` and `next_functions` walks the graph backwards from the loss. (PyTorch shows
`MseLossBackward0` then `AddmmBackward0` here, one fused node each; scratchnet's MSELoss is
currently built from smaller ops, so its nodes are named after those.)"""),
    """\
output = net(input)
target = sn.randn(10).view(1, -1)   # a dummy target, the same shape as the output
criterion = nn.MSELoss()
loss = criterion(output, target)
print(loss)
print(loss.grad_fn)                                          # the node that made the loss
print(loss.grad_fn.next_functions[0][0])                     # the one before it
print(loss.grad_fn.next_functions[0][0].next_functions[0][0])""",
    md("## Backprop: conv1's bias gradient before and after"),
    """\
net.zero_grad()
print("conv1.bias.grad before backward", net.conv1.bias.grad)
loss.backward()
print("conv1.bias.grad after backward", net.conv1.bias.grad)""",
    md("## Updating the weights: SGD, by hand and with optim"),
    """\
learning_rate = 0.01
before = net.fc3.bias.detach().clone()
with sn.no_grad():
    for f in net.parameters():
        f.sub_(f.grad * learning_rate)          # weight = weight - learning_rate * gradient
assert sn.allclose(net.fc3.bias, before - learning_rate * net.fc3.bias.grad)

optimizer = sn.optim.SGD(net.parameters(), lr=0.01)
for step in range(5):
    optimizer.zero_grad()                       # gradients accumulate otherwise
    loss = criterion(net(input), target)
    loss.backward()
    optimizer.step()
    print(f"step {step}: loss {loss.item():.6f}")""",
)


def build(name, cells):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for cell in cells:
        if isinstance(cell, tuple):
            nb.cells.append(new_markdown_cell(cell[1]))
        else:
            nb.cells.append(new_code_cell(cell))
    for i, cell in enumerate(nb.cells):  # stable ids, so regenerating changes nothing
        cell["id"] = f"{name[:3]}-{i:02d}"
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--execute", action="store_true", help="run each notebook and keep its outputs")
    parser.add_argument("--out", default=str(HERE))
    args = parser.parse_args(argv)
    for name, cells in NOTEBOOKS.items():
        nb = build(name, cells)
        if args.execute:
            from nbclient import NotebookClient

            NotebookClient(nb, kernel_name="python3", timeout=120,
                           resources={"metadata": {"path": str(HERE.parent.parent)}}).execute()
        Path(args.out).mkdir(parents=True, exist_ok=True)
        path = Path(args.out) / f"{name}.ipynb"
        nbformat.write(nb, path)
        print("wrote", path)


if __name__ == "__main__":
    sys.exit(main())
