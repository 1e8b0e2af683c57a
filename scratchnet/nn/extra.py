"""More ``torch.nn`` modules: max unpooling, power-average pooling, the randomized leaky ReLU, the
bilinear layer, channel shuffling, the triplet loss with any distance, and the old ``NLLLoss2d``
name. Each holds its arguments and calls the functional op (``scratchnet.nn.functional``);
constructors and reprs are torch's.

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> nn.MaxUnpool2d(2)
MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))
>>> nn.Bilinear(2, 3, 4)(sn.ones(5, 2), sn.ones(5, 3)).shape
scratchnet.Size([5, 4])
"""

import math
import warnings

from ..ops import activation_inplace, ctc, nn_extra, pool_extra, pool_fractional
from .loss import NLLLoss, PairwiseDistance, _Loss, _WeightedLoss
from .module import Module, Parameter


def _tuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class _MaxUnpoolNd(Module):
    dims, fn = 2, None

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _tuple(kernel_size, self.dims)
        self.stride = _tuple(stride if stride is not None else kernel_size, self.dims)
        self.padding = _tuple(padding, self.dims)

    def forward(self, input, indices, output_size=None):
        return type(self).fn(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of :class:`MaxPool2d` (:func:`~scratchnet.nn.functional.max_unpool2d`):
    ``forward(input, indices, output_size=None)``.

    >>> import scratchnet as sn
    >>> pool, unpool = sn.nn.MaxPool2d(2, return_indices=True), MaxUnpool2d(2)
    >>> unpool(*pool(sn.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))).tolist()
    [[[[0.0, 0.0], [0.0, 4.0]]]]
    """

    dims, fn = 2, staticmethod(pool_extra.max_unpool2d)


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of :class:`MaxPool1d` (:func:`~scratchnet.nn.functional.max_unpool1d`).

    >>> import scratchnet as sn
    >>> MaxUnpool1d(2)(sn.tensor([[[5.0]]]), sn.tensor([[[1]]])).tolist()
    [[[0.0, 5.0]]]
    """

    dims, fn = 1, staticmethod(pool_extra.max_unpool1d)


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of :class:`MaxPool3d` (:func:`~scratchnet.nn.functional.max_unpool3d`).

    >>> import scratchnet as sn
    >>> MaxUnpool3d(2)(sn.tensor([[[[[5.0]]]]]), sn.tensor([[[[[7]]]]])).flatten().tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0]
    """

    dims, fn = 3, staticmethod(pool_extra.max_unpool3d)


class _LPPoolNd(Module):
    fn = None

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, input):
        return type(self).fn(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self):
        return f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, ceil_mode={self.ceil_mode}"


class LPPool2d(_LPPoolNd):
    r"""Power-average pooling, :math:`(\sum_{x \in \text{window}} x^p)^{1/p}`, over
    :math:`(N, C, H, W)` (:func:`~scratchnet.nn.functional.lp_pool2d`).

    >>> import scratchnet as sn
    >>> LPPool2d(1, 2)(sn.ones(1, 1, 2, 2)).tolist()
    [[[[4.0]]]]
    """

    fn = staticmethod(pool_extra.lp_pool2d)


class LPPool1d(_LPPoolNd):
    r"""1-D power-average pooling over :math:`(N, C, L)` (:func:`~scratchnet.nn.functional.lp_pool1d`).

    >>> import scratchnet as sn
    >>> LPPool1d(2, 2)(sn.tensor([[3.0, 4.0]])).tolist()
    [[5.0]]
    """

    fn = staticmethod(pool_extra.lp_pool1d)


class LPPool3d(_LPPoolNd):
    r"""3-D power-average pooling over :math:`(N, C, D, H, W)` (:func:`~scratchnet.nn.functional.lp_pool3d`).

    >>> import scratchnet as sn
    >>> LPPool3d(2, 2)(sn.ones(1, 1, 2, 2, 2)).flatten().tolist()
    [2.8284270763397217]
    """

    fn = staticmethod(pool_extra.lp_pool3d)


class RReLU(Module):
    r"""The randomized leaky ReLU (:func:`~scratchnet.nn.functional.rrelu`): slopes drawn from
    :math:`\mathcal{U}(\text{lower}, \text{upper})` per element in training, their mean in
    evaluation.

    >>> import scratchnet as sn
    >>> RReLU(0.2, 0.4).eval()(sn.tensor([-1.0, 1.0])).tolist()
    [-0.30000001192092896, 1.0]
    """

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input):
        return activation_inplace.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


class Bilinear(Module):
    r"""The bilinear layer :math:`y = x_1^T A x_2 + b` (:func:`~scratchnet.nn.functional.bilinear`),
    ``A`` and ``b`` drawn from :math:`\mathcal{U}(-k, k)`, :math:`k = 1/\sqrt{\text{in1\_features}}`
    (as torch draws them: the weight, then the bias).

    >>> import scratchnet as sn
    >>> Bilinear(3, 4, 2).weight.shape
    scratchnet.Size([2, 3, 4])
    """

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        from .. import creation

        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = Parameter(creation.empty(out_features, in1_features, in2_features, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        from . import init

        bound = 1 / math.sqrt(self.weight.shape[1]) if self.weight.shape[1] else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return nn_extra.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return f"in1_features={self.in1_features}, in2_features={self.in2_features}, out_features={self.out_features}, bias={self.bias is not None}"


class ChannelShuffle(Module):
    """Interleave the channels of :math:`(N, C, *)` in ``groups`` groups (:func:`~scratchnet.nn.functional.channel_shuffle`).

    >>> import scratchnet as sn
    >>> ChannelShuffle(2)(sn.arange(4.0).view(1, 4, 1)).flatten().tolist()
    [0.0, 2.0, 1.0, 3.0]
    """

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return nn_extra.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"


class TripletMarginWithDistanceLoss(_Loss):
    r"""The triplet loss :math:`\max(d(a, p) - d(a, n) + \text{margin}, 0)` with any distance ``d``
    (default :class:`PairwiseDistance`) (:func:`~scratchnet.nn.functional.triplet_margin_with_distance_loss`).

    >>> import scratchnet as sn
    >>> loss = TripletMarginWithDistanceLoss(distance_function=lambda a, b: (a - b).abs().sum(-1))
    >>> loss(sn.zeros(1, 2), sn.zeros(1, 2), sn.ones(1, 2)).item()
    0.0
    """

    def __init__(self, *, distance_function=None, margin=1.0, swap=False, reduction="mean"):
        super().__init__(reduction=reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} instead")
        self.distance_function = distance_function if distance_function is not None else PairwiseDistance()
        self.margin, self.swap = margin, swap

    def forward(self, anchor, positive, negative):
        return nn_extra.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function, margin=self.margin, swap=self.swap, reduction=self.reduction
        )


class NLLLoss2d(NLLLoss):
    """The old name of :class:`NLLLoss` (deprecated, with torch's warning).

    >>> import warnings, scratchnet as sn
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     NLLLoss2d()(sn.tensor([[-1.0, -2.0]]), sn.tensor([1])).item()
    2.0
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        warnings.warn(
            "`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and see "
            "https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class CTCLoss(_Loss):
    """The connectionist temporal classification loss (:func:`~scratchnet.nn.functional.ctc_loss`):
    ``forward(log_probs, targets, input_lengths, target_lengths)``.

    >>> import scratchnet as sn
    >>> lp = sn.full((2, 1, 2), 0.5).log()
    >>> round(CTCLoss(reduction="sum")(lp, sn.tensor([[1]]), [2], [1]).item(), 4)
    0.2877
    """

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction=reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return ctc.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction, self.zero_infinity)


class FractionalMaxPool2d(Module):
    """Fractional max pooling (:func:`~scratchnet.nn.functional.fractional_max_pool2d`): windows
    at pseudo-random positions (drawn per call, as torch's, unless ``_random_samples`` is given).

    >>> import scratchnet as sn
    >>> FractionalMaxPool2d(3, output_ratio=0.5)(sn.randn(2, 4, 10, 10)).shape
    scratchnet.Size([2, 4, 5, 5])
    """

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
        super().__init__()
        self.kernel_size = _tuple(kernel_size, 2)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _tuple(output_size, 2) if output_size is not None else None
        self.output_ratio = _tuple(output_ratio, 2) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError("FractionalMaxPool2d requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not (0 < self.output_ratio[0] < 1 and 0 < self.output_ratio[1] < 1):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input):
        return pool_fractional.fractional_max_pool2d(
            input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices, _random_samples=self._random_samples
        )


class FractionalMaxPool3d(FractionalMaxPool2d):
    """3-D fractional max pooling (:func:`~scratchnet.nn.functional.fractional_max_pool3d`): windows
    at pseudo-random positions along depth, height and width (torch's draws from the same seed).

    >>> import scratchnet as sn
    >>> FractionalMaxPool3d(2, output_size=3)(sn.randn(1, 2, 6, 6, 6)).shape
    scratchnet.Size([1, 2, 3, 3, 3])
    """

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
        Module.__init__(self)
        self.kernel_size = _tuple(kernel_size, 3)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _tuple(output_size, 3) if output_size is not None else None
        self.output_ratio = _tuple(output_ratio, 3) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError("FractionalMaxPool3d requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input):
        return pool_fractional.fractional_max_pool3d(
            input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices, _random_samples=self._random_samples
        )


class LinearCrossEntropyOptions:
    """How torch may chunk :class:`LinearCrossEntropyLoss`'s batch to save memory. scratchnet
    computes the loss whole (the same numbers), so these are kept only to be read back.

    >>> LinearCrossEntropyOptions(batch_chunk_size=64).batch_chunk_size
    64
    """

    def __init__(self, allow_retain_graph=False, batch_chunk_size=None, chunking_method="auto", acc_policy="auto", acc_dtype=None):
        self.allow_retain_graph, self.batch_chunk_size, self.chunking_method = allow_retain_graph, batch_chunk_size, chunking_method
        self.acc_policy, self.acc_dtype = acc_policy, acc_dtype

    def __repr__(self):
        return (f"LinearCrossEntropyOptions(allow_retain_graph={self.allow_retain_graph}, batch_chunk_size={self.batch_chunk_size}, "
                f"chunking_method={self.chunking_method!r}, acc_policy={self.acc_policy!r}, acc_dtype={self.acc_dtype})")


class LinearCrossEntropyLoss(_WeightedLoss):
    """Cross entropy of a linear layer's logits, the layer held inside: ``forward(input, target)``
    is ``F.linear_cross_entropy(input, W, target, ...)`` with ``W`` of shape
    (num_classes, *out_features, in_features), initialised as torch's ``Linear``.

    >>> import scratchnet as sn
    >>> loss = LinearCrossEntropyLoss(4, 3)
    >>> loss(sn.randn(5, 4), sn.tensor([0, 2, 1, 1, 0])).shape
    scratchnet.Size([])
    """

    def __init__(self, in_features, num_classes, *, out_features=(), bias=False, device=None, dtype=None, reduction="mean", weight=None,
                 ignore_index=None, label_smoothing=0.0, options=None):
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise RuntimeError(f"expected weight shape to be {(num_classes,)}, got {tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise RuntimeError(f"expected label_smoothing to be in range [0, 1], got {label_smoothing}")
        super().__init__(weight=weight, reduction=reduction)
        from .layers import Linear

        self.num_classes, self.out_features, self.ignore_index, self.label_smoothing = num_classes, out_features, ignore_index, label_smoothing
        self.linear = Linear(in_features, math.prod(out_features, start=num_classes), bias=bias, device=device, dtype=dtype)
        self.options = options

    def forward(self, input, target):
        from . import functional as F

        weight = self.linear.weight.reshape((self.num_classes, *self.out_features, self.linear.in_features))
        bias = self.linear.bias.reshape((self.num_classes, *self.out_features)) if self.linear.bias is not None else None
        return F.linear_cross_entropy(input, weight, target, linear_bias=bias, weight=self.weight, reduction=self.reduction,
                                      ignore_index=self.ignore_index, label_smoothing=self.label_smoothing, options=self.options)

    def extra_repr(self):
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, out_features={self.out_features}, "
                f"bias={self.linear.bias is not None}, reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")
