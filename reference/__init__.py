"""The PyTorch side: the same ops and networks as scratchnet, on CUDA when a GPU is present.

>>> import reference
>>> reference.device() in ("cpu", "cuda")
True
"""

import torch


def device():
    """"cuda" when a GPU is present, else "cpu"."""
    return "cuda" if torch.cuda.is_available() else "cpu"
