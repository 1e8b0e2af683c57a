"""``F.linear_cross_entropy``: the cross entropy of a linear layer's logits, in one call.

    logits = input @ linear_weight^T (+ linear_bias)          (N, C) or (N, C, d_1, ..., d_K)
    loss   = cross_entropy(logits, target, weight, ...)

A ``linear_weight`` of shape (C, d_1, ..., d_K, in_features) gives K-dimensional logits. torch's
``options`` (a ``LinearCrossEntropyOptions``) choose a chunked kernel that saves memory; the
numbers are the same, so scratchnet accepts them and computes the plain composition.

>>> import scratchnet as sn
>>> x, w = sn.tensor([[1.0, 0.0]]), sn.tensor([[1.0, 0.0], [0.0, 1.0]])
>>> round(linear_cross_entropy(x, w, sn.tensor([0])).item(), 4)
0.3133
"""

import math
import warnings

from ..tensor import int64
from .layers import linear
from .loss import cross_entropy


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)``.

    Arguments:
        input: (in_features,) or (N, in_features).
        linear_weight: (C, in_features), or (C, d_1, ..., d_K, in_features) for a K-dimensional
            loss (batched input only); linear_bias: (C, d_1, ..., d_K).
        target: class indices (N,) / (N, d_1, ...), or probabilities of the logits' shape.
        weight, reduction, label_smoothing: as :func:`cross_entropy`; ignore_index: -100 when
            None (and not allowed with probabilities).
        options: torch's chunking options; the result does not depend on them.

    >>> import scratchnet as sn
    >>> linear_cross_entropy(sn.zeros(3, 2), sn.ones(4, 2), sn.tensor([0, 1, 3]), reduction="none").tolist()
    [1.3862943649291992, 1.3862943649291992, 1.3862943649291992]
    """
    if not 1 <= input.ndim <= 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.ndim}")
    if linear_weight.ndim < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.ndim}")
    batch, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError(
            "expected equal input and linear_weight last dimensions (in_features), "
            f"got {in_features} and {linear_weight.shape[-1]}, respectively")
    classes, extra = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (classes, *extra):
        raise RuntimeError(f"expected linear_bias shape {(classes, *extra)}, got {tuple(linear_bias.shape)}")
    if extra and not batch:
        raise RuntimeError(
            f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires"
            f" batched input, (N, {in_features}), got unbatched input with shape {tuple(input.shape)}")
    logits_shape = (*batch, classes, *extra)
    probabilities = tuple(target.shape) == logits_shape
    if probabilities and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    if options is not None and (extra or reduction not in ("mean", "sum", "none") or label_smoothing != 0.0
                                or (target.dtype != int64 and not (probabilities and reduction in ("mean", "sum")
                                                                   and target.dtype == input.dtype and not target.requires_grad))):
        warnings.warn("linear_cross_entropy: ``options`` ignored; chunked path needs reduction in {'mean','sum','none'}, "
                      "label_smoothing == 0, target.dtype == int64 (or a probability target with reduction in "
                      "{'mean','sum'}, dtype matching input, and requires_grad == False), out_features == ().", stacklevel=2)
    if extra:
        flat = math.prod(extra) * classes
        linear_weight = linear_weight.reshape(flat, in_features)
        linear_bias = None if linear_bias is None else linear_bias.reshape(flat)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index, label_smoothing=label_smoothing)


__all__ = []  # torch has it in nn.functional only
