"""SparseAdam: refused. torch's SparseAdam updates only the rows a sparse gradient touches;
scratchnet has no sparse tensors (``nn.Embedding(sparse=True)`` is not offered), so there is
nothing it could be given. Use ``Adam`` (or ``AdamW``), which handles dense gradients.

>>> import scratchnet as sn
>>> SparseAdam([sn.nn.Parameter(sn.ones(2))])
Traceback (most recent call last):
    ...
NotImplementedError: SparseAdam needs sparse gradients, and scratchnet has no sparse tensors; use scratchnet.optim.Adam (dense gradients) instead
"""

from .optimizer import Optimizer


class SparseAdam(Optimizer):
    """Refused: scratchnet has no sparse tensors (see the module's docstring); use ``Adam``."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        raise NotImplementedError("SparseAdam needs sparse gradients, and scratchnet has no sparse tensors; use scratchnet.optim.Adam (dense gradients) instead")
