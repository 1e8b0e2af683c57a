"""``scratchnet.optim.lr_scheduler``: learning-rate schedules, torch's names and arithmetic.

Call ``scheduler.step()`` once per epoch (once per batch for CyclicLR and OneCycleLR), after
``optimizer.step()``; ``ReduceLROnPlateau.step(metric)`` takes the watched metric.

- ``base``: LRScheduler (base_lrs, last_epoch, get_last_lr, state_dict)
- ``basic``: LambdaLR, MultiplicativeLR, StepLR, MultiStepLR, ConstantLR, LinearLR,
  ExponentialLR, PolynomialLR, CosineAnnealingLR
- ``cyclic``: CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts
- ``plateau``: ReduceLROnPlateau
- ``combined``: SequentialLR, ChainedScheduler
"""

from .base import LRScheduler, _LRScheduler
from .basic import ConstantLR, CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, MultiplicativeLR, MultiStepLR, PolynomialLR, StepLR
from .combined import ChainedScheduler, SequentialLR
from .cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from .plateau import ReduceLROnPlateau

__all__ = [
    "LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR",
    "SequentialLR", "CosineAnnealingLR", "ChainedScheduler", "ReduceLROnPlateau", "CyclicLR", "CosineAnnealingWarmRestarts",
    "OneCycleLR", "PolynomialLR",
]
