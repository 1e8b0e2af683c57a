"""``scratchnet.nn``: Module, Parameter, containers, layers, init and functional, as ``torch.nn``."""

from . import functional, init
from .layers import (
    GELU, AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Flatten,
    Identity, LeakyReLU, Linear, LogSoftmax, MaxPool2d, ReLU, Sigmoid, Softmax, Tanh,
)
from .loss import (
    BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss,
    SmoothL1Loss,
)
from .module import Module, ModuleList, Parameter, Sequential
from . import parallel  # noqa: E402  (DistributedDataParallel)
from .normalization import GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LayerNorm, LocalResponseNorm, RMSNorm  # noqa: E402
from .sparse import Embedding, EmbeddingBag  # noqa: E402
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase  # noqa: E402
from . import utils  # noqa: E402
from .attention import MultiheadAttention  # noqa: E402
from .transformer import Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer  # noqa: E402
from .container import ModuleDict, ParameterDict, ParameterList
from .activation import (
    CELU, ELU, GLU, SELU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh, LogSigmoid, Mish, PReLU,
    ReLU6, SiLU, Softmin, Softplus, Softshrink, Softsign, Tanhshrink, Threshold,
)
from .conv import Conv1d, ConvTranspose1d, ConvTranspose2d, Fold, Unfold
from .pooling import AdaptiveAvgPool1d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d, MaxPool1d
from .loss import (
    CosineEmbeddingLoss, CosineSimilarity, GaussianNLLLoss, HingeEmbeddingLoss, MarginRankingLoss,
    MultiLabelMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, PairwiseDistance,
    PoissonNLLLoss, SoftMarginLoss, TripletMarginLoss,
)
from .dropout import AlphaDropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout
from .upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
from .layers import Softmax2d, Unflatten
from .parallel import DataParallel  # noqa: E402,F401  (torch.nn.DataParallel: the module itself without GPUs)
from .container import Container  # noqa: E402,F401  (torch's deprecated nn.Container)
from .pixelshuffle import PixelShuffle, PixelUnshuffle
from .padding import (  # noqa: E402
    CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d,
    ReflectionPad1d, ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d,
    ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d,
)
from .conv import Conv3d, ConvTranspose3d  # noqa: E402
from .pooling import AdaptiveAvgPool3d, AdaptiveMaxPool3d, AvgPool3d, MaxPool3d  # noqa: E402
from .layers import BatchNorm3d, SyncBatchNorm  # noqa: E402
from . import parameter  # noqa: E402  (torch.nn.parameter)
from .parameter import Buffer, UninitializedBuffer, UninitializedParameter  # noqa: E402
from .lazy import (  # noqa: E402
    LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyConv1d, LazyConv2d, LazyConv3d,
    LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d, LazyInstanceNorm1d,
    LazyInstanceNorm2d, LazyInstanceNorm3d, LazyLinear,
)
from .extra import (  # noqa: E402
    Bilinear, ChannelShuffle, LPPool1d, LPPool2d, MaxUnpool1d, MaxUnpool2d, NLLLoss2d, RReLU,
    TripletMarginWithDistanceLoss,
)
from .extra import CTCLoss  # noqa: E402
from .extra import FractionalMaxPool2d  # noqa: E402
from .extra import FractionalMaxPool3d, LPPool3d, MaxUnpool3d  # noqa: E402
from .extra import LinearCrossEntropyLoss, LinearCrossEntropyOptions  # noqa: E402
from .adaptive import AdaptiveLogSoftmaxWithLoss  # noqa: E402
