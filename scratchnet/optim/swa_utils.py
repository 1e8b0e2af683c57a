"""Stochastic weight averaging (Izmailov et al.) and exponential moving averages of a model:
``AveragedModel`` keeps a copy whose parameters are the running average of the model's,
``SWALR`` anneals each group's rate to a constant ``swa_lr``, and ``update_bn`` recomputes the
batch-norm statistics of the averaged weights with one pass over the data.

    SWA: avg <- avg + (p - avg) / (n + 1)        EMA: avg <- decay avg + (1 - decay) p

>>> import scratchnet as sn
>>> model = sn.nn.Linear(1, 1)
>>> swa = AveragedModel(model)
>>> for value in [1.0, 2.0, 6.0]:
...     with sn.no_grad():
...         _ = model.weight.fill_(value)
...     swa.update_parameters(model)
>>> swa.module.weight.item(), int(swa.n_averaged)
(3.0, 3)
"""

import copy
import itertools
import math

from ..backend import xp
from ..nn.module import Module
from ..tensor import Tensor, no_grad
from .lr_scheduler.base import LRScheduler, per_group
from .optimizer import lerp_

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn", "get_ema_avg_fn", "get_swa_avg_fn"]


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_multi_avg_fn(decay=0.999):
    """In-place EMA over lists of tensors: avg <- lerp(avg, p, 1 - decay)."""
    _check_decay(decay)

    def ema_update(averaged, current, _):
        for a, p in zip(averaged, current):
            if a.array.dtype.kind == "f":
                lerp_(a.array, p.array, 1 - decay)
            else:
                a.array[...] = a.array * decay + p.array * (1 - decay)

    return ema_update


def get_swa_multi_avg_fn():
    """In-place running mean over lists of tensors: avg <- lerp(avg, p, 1 / (n + 1))."""

    def swa_update(averaged, current, num_averaged):
        n = int(num_averaged.item() if isinstance(num_averaged, Tensor) else num_averaged)
        for a, p in zip(averaged, current):
            if a.array.dtype.kind == "f":
                lerp_(a.array, p.array, 1 / (n + 1))
            else:
                a.array[...] = a.array + (p.array - a.array) / (n + 1)

    return swa_update


def get_ema_avg_fn(decay=0.999):
    """``avg_fn(avg, p, n)`` for an EMA: decay avg + (1 - decay) p."""
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn():
    """``avg_fn(avg, p, n)`` for the running mean: avg + (p - avg) / (n + 1)."""

    def swa_update(averaged_param, current_param, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A deep copy of ``model`` (as ``.module``) whose parameters average the model's over the
    ``update_parameters`` calls; ``n_averaged`` counts them. ``avg_fn`` (one tensor at a time) or
    ``multi_avg_fn`` (lists, in place) replace the running mean; ``use_buffers`` averages the
    buffers too (otherwise they are copied)."""

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        self.register_buffer("n_averaged", Tensor._wrap(xp.array(0, dtype=xp.int64)))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model):
        if self.use_buffers:
            ours, theirs = itertools.chain(self.module.parameters(), self.module.buffers()), itertools.chain(model.parameters(), model.buffers())
        else:
            ours, theirs = self.module.parameters(), model.parameters()
        pairs = [(a, p.detach()) for a, p in zip(ours, theirs)]
        first = int(self.n_averaged.item()) == 0
        if first:
            for a, p in pairs:
                a.array[...] = p.array
        else:
            averaged, current = [a for a, _ in pairs], [p for _, p in pairs]
            if self.avg_fn is not None:
                for a, p in pairs:
                    a.array[...] = _array(self.avg_fn(a.detach(), p, self.n_averaged))
            else:
                # torch groups by dtype and lerps floats in place; the default is the running mean
                fn = self.multi_avg_fn or get_swa_multi_avg_fn()
                for dtype in dict.fromkeys(a.array.dtype for a in averaged):
                    group = [(a, p) for a, p in pairs if a.array.dtype == dtype]
                    fn([a for a, _ in group], [p for _, p in group], self.n_averaged)
            for a in averaged:
                a._version[0] += 1
        if not self.use_buffers:
            for b_avg, b_model in zip(self.module.buffers(), model.buffers()):
                b_avg.array[...] = b_model.array
        self.n_averaged.array[...] = self.n_averaged.array + 1


def _array(value):
    return value.array if isinstance(value, Tensor) else value


def _is_batch_norm(module):
    return any(c.__name__ == "_BatchNorm" for c in type(module).__mro__)


def update_bn(loader, model, device=None):
    """Recompute every batch norm's running statistics with one pass over ``loader`` (a cumulative
    average: momentum None), in training mode; the model's mode is restored afterwards."""
    momenta = {}
    for module in model.modules():
        if _is_batch_norm(module) and module.running_mean is not None:
            if hasattr(module, "reset_running_stats"):
                module.reset_running_stats()
            else:
                module.running_mean.array[...] = 0
                module.running_var.array[...] = 1
                module.num_batches_tracked.array[...] = 0
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's rate from its current value to ``swa_lr`` over ``anneal_epochs``
    epochs (cosine or linear), then hold it, as torch computes it (recursively)."""

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        for lr, group in zip(per_group("swa_lr", optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        """The rate the previous step started from, recovered from lr = swa_lr alpha + lr0 (1 - alpha)."""
        return swa_lr if alpha == 1 else (lr - alpha * swa_lr) / (1 - alpha)

    def _set_anneal_func(self, strategy):
        self._anneal_strategy = strategy
        self.anneal_func = self._cosine_anneal if strategy == "cos" else self._linear_anneal

    def get_lr(self):
        self._warn_outside_step()
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        prev_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha) for group in self.optimizer.param_groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [group["swa_lr"] * alpha + lr * (1 - alpha) for group, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def state_dict(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
