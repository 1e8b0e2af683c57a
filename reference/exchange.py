"""Weights both ways between scratchnet and PyTorch: the state_dict keys are the same, so only the
array type changes. Values are copied (no memory is shared across engines).

>>> import scratchnet.models, reference.models
>>> ours, theirs = scratchnet.models.LeNet(), reference.models.LeNet()
>>> _ = copy_to_torch(ours, theirs)
>>> bool((theirs.fc1.weight.detach().cpu().numpy() == ours.fc1.weight.detach().numpy()).all())
True
"""

from collections import OrderedDict

import numpy as np
import torch

import scratchnet


def state_to_torch(state, device="cpu"):
    """A scratchnet state_dict as a torch one (same keys; arrays copied)."""
    return OrderedDict((k, torch.from_numpy(np.array(v.detach().array, copy=True)).to(device)) for k, v in state.items())


def state_to_scratchnet(state):
    """A torch state_dict as a scratchnet one (same keys; arrays copied to the CPU)."""
    return OrderedDict((k, scratchnet.tensor(v.detach().cpu().numpy())) for k, v in state.items())


def copy_to_torch(model, torch_model):
    """Load scratchnet ``model``'s weights and buffers into ``torch_model``; returns torch_model."""
    device = next(iter(torch_model.parameters()), torch.zeros(0)).device
    torch_model.load_state_dict(state_to_torch(model.state_dict(), device))
    return torch_model


def copy_to_scratchnet(torch_model, model):
    """Load ``torch_model``'s weights and buffers into scratchnet ``model``; returns model."""
    model.load_state_dict(state_to_scratchnet(torch_model.state_dict()))
    return model
