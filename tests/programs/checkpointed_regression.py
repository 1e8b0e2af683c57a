"""Fit a small MLP to a synthetic regression problem with the data utilities, a held-out split,
worker processes, checkpoints saved and restored mid-training, and printing (written for torch).

    python checkpointed_regression.py --epochs 4 --workers 2
"""

import argparse
import io
import os

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split


def make_data(n):
    x = torch.randn(n, 8)
    w = torch.linspace(-1.0, 1.0, 8)
    y = (x * w).sum(dim=1, keepdim=True) + 0.1 * torch.randn(n, 1)
    return TensorDataset(x, y)


def evaluate(model, loader, loss_fn):
    model.eval()
    total, count = 0.0, 0
    with torch.inference_mode():
        for x, y in loader:
            total += loss_fn(model(x), y).item() * len(x)
            count += len(x)
    return total / count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--checkpoint", default="regression.pt")
    args = parser.parse_args()

    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    train_set, val_set = random_split(make_data(512), [0.75, 0.25], generator=None)
    train_loader = DataLoader(train_set, batch_size=32, shuffle=True, num_workers=args.workers, drop_last=True,
                              persistent_workers=args.workers > 0)
    val_loader = DataLoader(val_set, batch_size=64)

    model = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1)).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.MSELoss()
    print(f"first weights: {model[0].weight[0, :3]}")
    for epoch in range(1, args.epochs + 1):
        model.train()
        for x, y in train_loader:
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        val = evaluate(model, val_loader, loss_fn)
        print(f"epoch {epoch}: train loss {loss:.4f}  val loss {val:.4f}")
        if epoch == args.epochs // 2:  # save, rebuild from the file, carry on from there
            torch.save({"epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict(), "val": val},
                       args.checkpoint)
            state = torch.load(args.checkpoint, map_location=device, weights_only=True)
            model = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1)).to(device)
            model.load_state_dict(state["model"])
            optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
            optimizer.load_state_dict(state["optimizer"])
            torch.testing.assert_close(evaluate(model, val_loader, loss_fn), state["val"])
            print(f"restored epoch {state['epoch']} from {os.path.basename(args.checkpoint)}")
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    print(f"final model: {buffer.tell()} bytes")


if __name__ == "__main__":
    main()
