"""The W5 worked example in PyTorch: the same step as scratchnet's, run by torch's autograd."""

import torch

from scratchnet.examples import w5


def step(**kwargs):
    """One step of the seed's 2-2-2 net in torch; the keyword arguments of ``w5.step``."""
    return w5.step(torch, **kwargs)
