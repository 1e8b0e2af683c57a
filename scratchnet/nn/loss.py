"""Loss modules, each a thin holder of arguments around :mod:`scratchnet.nn.functional`, with
torch's constructor signatures (including the deprecated ``size_average`` / ``reduce`` pair, mapped
to ``reduction`` as torch maps them) and class weights kept as buffers (state-dict keys as torch's).

>>> import scratchnet as sn
>>> loss = CrossEntropyLoss(label_smoothing=0.1)
>>> round(loss(sn.tensor([[2.0, 0.5, -1.0]]), sn.tensor([0])).item(), 4)
0.3913
>>> TripletMarginLoss(margin=0.5)(sn.zeros(2, 3), sn.zeros(2, 3), sn.ones(2, 3)).item()
0.0
"""

import warnings

from . import functional as F
from .module import Module


def _legacy_reduction(size_average, reduce):
    """torch's mapping of the deprecated size_average / reduce flags to a reduction string."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.")
    return reduction


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = _legacy_reduction(size_average, reduce)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """``(input - target)^2``, averaged.

    Args:
        reduction: 'mean' | 'sum' | 'none' (the functional form's other arguments likewise).

    Shape: input and target of the same shape (class indices for the classification losses).

    >>> import scratchnet as sn
    >>> sn.nn.MSELoss()(sn.tensor([1.0, 3.0]), sn.tensor([2.0, 1.0])).item()
    2.5
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """``|input - target|``, averaged.

    Args:
        reduction: 'mean' | 'sum' | 'none' (the functional form's other arguments likewise).

    Shape: input and target of the same shape (class indices for the classification losses).

    >>> import scratchnet as sn
    >>> sn.nn.L1Loss()(sn.tensor([1.0, 3.0]), sn.tensor([2.0, 1.0])).item()
    1.5
    """

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``.

    Args:
        reduction: 'mean' | 'sum' | 'none' (the functional form's other arguments likewise).

    Shape: input and target of the same shape (class indices for the classification losses).

    >>> import scratchnet as sn
    >>> sn.nn.SmoothL1Loss()(sn.tensor([3.0]), sn.tensor([0.0])).item()
    2.5
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``, with ``d = input - target``.

    Args:
        reduction: 'mean' | 'sum' | 'none' (the functional form's other arguments likewise).

    Shape: input and target of the same shape (class indices for the classification losses).

    >>> import scratchnet as sn
    >>> sn.nn.HuberLoss()(sn.tensor([3.0]), sn.tensor([0.0])).item()
    2.5
    """

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy ``-(y log x + (1 - y) log(1 - x))`` on probabilities ``x`` (logs clamped at -100, as torch).

    Args:
        reduction: 'mean' | 'sum' | 'none' (the functional form's other arguments likewise).

    Shape: input and target of the same shape (class indices for the classification losses).

    >>> import scratchnet as sn
    >>> round(sn.nn.BCELoss()(sn.tensor([0.5]), sn.tensor([1.0])).item(), 4)
    0.6931
    """

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits, computed stably as ``max(x, 0) - x y + log(1 + e^-|x|)`` (``weight``, ``pos_weight``).

    Args:
        reduction: 'mean' | 'sum' | 'none' (the functional form's other arguments likewise).

    Shape: input and target of the same shape (class indices for the classification losses).

    >>> import scratchnet as sn
    >>> round(sn.nn.BCEWithLogitsLoss()(sn.tensor([0.0]), sn.tensor([1.0])).item(), 4)
    0.6931
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight)


class CrossEntropyLoss(_WeightedLoss):
    """``-log softmax(x)[target]`` averaged (class indices or probabilities; ``weight``, ``ignore_index``, ``label_smoothing``).

    Args:
        reduction: 'mean' | 'sum' | 'none' (the functional form's other arguments likewise).

    Shape: input and target of the same shape (class indices for the classification losses).

    >>> import scratchnet as sn
    >>> round(sn.nn.CrossEntropyLoss()(sn.tensor([[0.0, 0.0]]), sn.tensor([1])).item(), 4)
    0.6931
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean", label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """``-input[target]`` on log-probabilities, averaged (``weight``, ``ignore_index``).

    Args:
        reduction: 'mean' | 'sum' | 'none' (the functional form's other arguments likewise).

    Shape: input and target of the same shape (class indices for the classification losses).

    >>> import scratchnet as sn
    >>> sn.nn.NLLLoss()(sn.tensor([[-1.0, -2.0]]), sn.tensor([1])).item()
    2.0
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class KLDivLoss(_Loss):
    """``target (log target - input)`` with ``input`` log-probabilities (``log_target``; 'batchmean' divides by the batch).

    Args:
        reduction: 'mean' | 'sum' | 'none' (the functional form's other arguments likewise).

    Shape: input and target of the same shape (class indices for the classification losses).

    >>> import scratchnet as sn
    >>> sn.nn.KLDivLoss(reduction='sum')(sn.tensor([0.0]), sn.tensor([1.0])).item()
    0.0
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


# --- margin, embedding and likelihood losses (issue 12) --------------------------------------------


class _MarginLoss(_Loss):
    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin


class CosineEmbeddingLoss(_MarginLoss):
    """1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1."""

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class MarginRankingLoss(_MarginLoss):
    """max(0, -y (x1 - x2) + margin)."""

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class HingeEmbeddingLoss(_MarginLoss):
    """x for target 1, max(0, margin - x) for target -1."""

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(margin, size_average, reduce, reduction)

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(0, margin + d(a, p) - d(a, n)) with the pairwise p-norm distance."""

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead")
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps, swap=self.swap, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """log(1 + e^(-y x))."""

    def forward(self, input, target):
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Per-class logistic loss averaged over the classes."""

    def forward(self, input, target):
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Hinge loss between each target class and each non-target class."""

    def forward(self, input, target):
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """Multi-class hinge loss: sum over i != y of max(0, margin - x[y] + x[i])^p / C."""

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.ndim != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.ndim}D instead")
        self.p, self.margin = p, margin

    def forward(self, input, target):
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """e^x - y x (log_input) or x - y log(x + eps)."""

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps, reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """0.5 (log var + (x - y)^2 / var), var clamped at eps."""

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(reduction=reduction)
        self.full, self.eps = full, eps

    def forward(self, input, target, var):
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


class CosineSimilarity(Module):
    """``F.cosine_similarity`` along ``dim``."""

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """``F.pairwise_distance``: the p-norm of x1 - x2 + eps over the last dim."""

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
