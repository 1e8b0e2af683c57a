"""Hogwild training on MNIST, in the style of the PyTorch examples (written for torch): several
processes update one model held in shared memory; the parent then tests that model.

    python mnist_hogwild.py --num-processes 2 --max-batches 20
"""

import argparse

import torch
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torchvision import datasets, transforms


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


def train(rank, args, model, device, dataset, dataloader_kwargs):
    torch.manual_seed(args.seed + rank)
    train_loader = torch.utils.data.DataLoader(dataset, **dataloader_kwargs)
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        optimizer.zero_grad()
        loss = F.nll_loss(model(data.to(device)), target.to(device))
        loss.backward()
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print(f"rank {rank} batch {batch_idx}\tLoss: {loss.item():.6f}", flush=True)
        if batch_idx + 1 >= args.max_batches:
            break


def test(args, model, device, dataset):
    loader = torch.utils.data.DataLoader(dataset, batch_size=500)
    model.eval()
    correct, seen = 0, 0
    with torch.no_grad():
        for batch_idx, (data, target) in enumerate(loader):
            pred = model(data.to(device)).argmax(dim=1)
            correct += (pred == target.to(device)).sum().item()
            seen += len(target)
            if batch_idx >= 3:
                break
    print(f"Test set: Accuracy: {correct}/{seen} ({100.0 * correct / seen:.0f}%)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="MNIST hogwild example")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--momentum", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-interval", type=int, default=10)
    parser.add_argument("--num-processes", type=int, default=2)
    parser.add_argument("--max-batches", type=int, default=100)
    parser.add_argument("--start-method", default="spawn")
    args = parser.parse_args()

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    dataset1 = datasets.MNIST("../data", train=True, download=True, transform=transform)
    dataset2 = datasets.MNIST("../data", train=False, transform=transform)
    kwargs = {"batch_size": args.batch_size, "shuffle": True}

    torch.manual_seed(args.seed)
    mp.set_start_method(args.start_method, force=True)
    model = Net().to(device)
    model.share_memory()  # gradients are allocated lazily, so they are not shared here
    processes = []
    for rank in range(args.num_processes):
        p = mp.Process(target=train, args=(rank, args, model, device, dataset1, kwargs))
        p.start()
        processes.append(p)
    for p in processes:
        p.join()
    assert all(p.exitcode == 0 for p in processes), [p.exitcode for p in processes]
    test(args, model, device, dataset2)  # the parent never trained: only shared updates can help it
