"""scratchnet: a small neural-network engine in NumPy that mirrors PyTorch name for name.

>>> import scratchnet as sn
>>> x = sn.ones(3, 3, requires_grad=True)
>>> y = x + 5
>>> y.grad_fn
<AddBackward0 object at ...>
>>> out = (y * y).mean()
>>> out.backward()
>>> x.grad[0]
tensor([1.3333, 1.3333, 1.3333])
"""

from . import ops  # attaches the Tensor methods
from .backend import manual_seed
from .creation import (
    arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, ones,
    ones_like, rand, rand_like, randint, randn, randn_like, randperm, tensor, zeros, zeros_like,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .ops import *  # noqa: F401,F403  (every op under its torch name: sn.exp, sn.matmul, ...)
from .ops import abs, max, min, pow, sum  # the names that shadow builtins, listed for the reader
from .tensor import (
    Size, Tensor, enable_grad, get_default_dtype, is_grad_enabled, no_grad, result_type,
    set_default_dtype, set_grad_enabled,
)
from .tensor import bool_ as bool  # noqa: A001  (torch.bool)
from .tensor import float32, float64, int32, int64, uint8

float = float32  # noqa: A001  (torch.float)
double = float64
long = int64
from . import autograd, checkpoint, data, models, nn, optim, trace, viz  # noqa: E402
from .checkpoint import load, save  # noqa: E402

__version__ = "0.1.0"
import scratchnet.linalg as linalg  # noqa: E402  (torch.linalg's mirror; ops/linalg.py holds its ops)
import scratchnet.special as special  # noqa: E402  (torch.special's mirror)
