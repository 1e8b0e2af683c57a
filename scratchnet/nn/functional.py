"""``scratchnet.nn.functional``: the ops under torch.nn.functional's names and signatures.

>>> import scratchnet as sn
>>> import scratchnet.nn.functional as F
>>> F.softmax(sn.tensor([[1.0, 2.0]]), dim=1).sum().item()
1.0
>>> F.conv2d(sn.ones(1, 1, 28, 28), sn.ones(20, 1, 5, 5)).shape
scratchnet.Size([1, 20, 24, 24])
"""

from ..ops.activation import gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, tanh
from ..ops.conv import conv2d
from ..ops.layers import batch_norm, dropout, linear, pad
from ..ops.loss import (
    binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss, kl_div,
    l1_loss, mse_loss, nll_loss, smooth_l1_loss,
)
from ..ops.pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from ..ops.shape import one_hot

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "huber_loss",
    "kl_div", "l1_loss", "mse_loss", "nll_loss", "smooth_l1_loss",
    "adaptive_avg_pool2d", "avg_pool2d", "batch_norm", "conv2d", "dropout", "gelu",
    "leaky_relu", "linear", "log_softmax", "max_pool2d", "one_hot", "pad", "relu", "sigmoid",
    "softmax", "tanh",
]
from ..ops.normalization import group_norm, instance_norm, layer_norm, local_response_norm, rms_norm  # noqa: E402
from ..ops.sparse import embedding, embedding_bag  # noqa: E402
__all__ += ["group_norm", "instance_norm", "layer_norm", "local_response_norm", "rms_norm", "embedding", "embedding_bag"]
from ..ops.attention import scaled_dot_product_attention  # noqa: E402
from .attention import multi_head_attention_forward  # noqa: E402
__all__ += ["scaled_dot_product_attention", "multi_head_attention_forward"]
from ..ops.nn_activation import (  # noqa: E402
    celu, elu, glu, hardshrink, hardsigmoid, hardswish, hardtanh, logsigmoid, mish, prelu, relu6,
    selu, silu, softmin, softplus, softshrink, softsign, tanhshrink, threshold,
)

__all__ += [
    "celu", "elu", "glu", "hardshrink", "hardsigmoid", "hardswish", "hardtanh", "logsigmoid", "mish",
    "prelu", "relu6", "selu", "silu", "softmin", "softplus", "softshrink", "softsign", "tanhshrink",
    "threshold",
]
from ..ops.convnd import conv1d, conv_transpose1d, conv_transpose2d, fold, unfold  # noqa: E402

__all__ += ["conv1d", "conv_transpose1d", "conv_transpose2d", "fold", "unfold"]
from ..ops.pool import avg_pool1d, max_pool1d  # noqa: E402
from ..ops.pool_adaptive import adaptive_avg_pool1d, adaptive_max_pool1d, adaptive_max_pool2d  # noqa: E402

__all__ += ["adaptive_avg_pool1d", "adaptive_max_pool1d", "adaptive_max_pool2d", "avg_pool1d", "max_pool1d"]
from ..ops.loss_extra import (  # noqa: E402
    cosine_embedding_loss, cosine_similarity, gaussian_nll_loss, hinge_embedding_loss,
    margin_ranking_loss, multi_margin_loss, multilabel_margin_loss, multilabel_soft_margin_loss,
    normalize, pairwise_distance, poisson_nll_loss, soft_margin_loss, triplet_margin_loss,
)

__all__ += [
    "cosine_embedding_loss", "cosine_similarity", "gaussian_nll_loss", "hinge_embedding_loss",
    "margin_ranking_loss", "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss",
    "normalize", "pairwise_distance", "poisson_nll_loss", "soft_margin_loss", "triplet_margin_loss",
]
from ..ops.upsample import interpolate, upsample, upsample_bilinear, upsample_nearest  # noqa: E402

__all__ += ["interpolate", "upsample", "upsample_bilinear", "upsample_nearest"]
from ..ops.layers import alpha_dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout  # noqa: E402

__all__ += ["alpha_dropout", "dropout1d", "dropout2d", "dropout3d", "feature_alpha_dropout"]
from ..ops.activation import _implicit_dim  # noqa: E402  (F's softmax family guesses a missing dim, with torch's warning)
softmax, log_softmax, softmin = (_implicit_dim(f, f.__name__) for f in (softmax, log_softmax, softmin))  # noqa: F811
from ..ops.pixel import pixel_shuffle, pixel_unshuffle  # noqa: E402

__all__ += ["pixel_shuffle", "pixel_unshuffle"]
from ..ops.conv_depth import conv3d, conv_transpose3d  # noqa: E402

__all__ += ["conv3d", "conv_transpose3d"]
from ..ops.pool3d import (  # noqa: E402
    adaptive_avg_pool3d, adaptive_max_pool3d, adaptive_max_pool3d_with_indices, avg_pool3d, max_pool3d,
    max_pool3d_with_indices,
)

__all__ += [
    "adaptive_avg_pool3d", "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices", "avg_pool3d", "max_pool3d",
    "max_pool3d_with_indices",
]
from ..ops.activation_inplace import celu_, elu_, hardtanh_, leaky_relu_, relu_, rrelu, rrelu_, selu_, threshold_  # noqa: E402
from ..ops.pool_extra import (  # noqa: E402
    adaptive_max_pool1d_with_indices, adaptive_max_pool2d_with_indices, lp_pool1d, lp_pool2d,
    max_pool1d_with_indices, max_pool2d_with_indices, max_unpool1d, max_unpool2d,
)
from ..ops.nn_extra import bilinear, channel_shuffle, gumbel_softmax, native_channel_shuffle, pdist, triplet_margin_with_distance_loss  # noqa: E402

__all__ += [
    "celu_", "elu_", "hardtanh_", "leaky_relu_", "relu_", "rrelu", "rrelu_", "selu_", "threshold_",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "lp_pool1d", "lp_pool2d",
    "max_pool1d_with_indices", "max_pool2d_with_indices", "max_unpool1d", "max_unpool2d",
    "bilinear", "channel_shuffle", "gumbel_softmax", "native_channel_shuffle", "pdist", "triplet_margin_with_distance_loss",
]
from ..ops.sampling_grid import affine_grid, grid_sample  # noqa: E402

__all__ += ["affine_grid", "grid_sample"]
from ..ops.ctc import ctc_loss  # noqa: E402

__all__ += ["ctc_loss"]
from ..ops.pool_fractional import fractional_max_pool2d, fractional_max_pool2d_with_indices  # noqa: E402

__all__ += ["fractional_max_pool2d", "fractional_max_pool2d_with_indices"]
from ..ops.loss_linear import linear_cross_entropy  # noqa: E402

__all__ += ["linear_cross_entropy"]
from ..ops.pool_extra import max_unpool3d  # noqa: E402

__all__ += ["max_unpool3d"]
from ..ops.pool_fractional import fractional_max_pool3d, fractional_max_pool3d_with_indices  # noqa: E402

__all__ += ["fractional_max_pool3d", "fractional_max_pool3d_with_indices"]
from ..ops.pool_extra import lp_pool3d  # noqa: E402

__all__ += ["lp_pool3d"]
