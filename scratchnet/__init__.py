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
from .creation import (
    arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, ones,
    ones_like, tensor, zeros, zeros_like,
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
int = int32  # noqa: A001  (torch.int)
from . import autograd, checkpoint, models, nn, optim, utils, viz  # noqa: E402
from .autograd.anomaly_mode import is_anomaly_enabled  # noqa: E402
import importlib as _importlib  # noqa: E402

trace = _importlib.import_module(".trace", __name__)  # seeing inside, and callable as torch.trace (see trace.py)
from . import random  # noqa: E402  (torch's CPU generator, bit for bit)
from . import distributed  # noqa: E402  (torch.distributed names; gloo carries the tensors)
from .random import (  # noqa: E402
    Generator, bernoulli, default_generator, get_rng_state, initial_seed, manual_seed, multinomial,
    normal, rand, rand_like, randint, randint_like, randn, randn_like, randperm, seed, set_rng_state,
)

for _name, _method in random.METHODS.items():
    setattr(Tensor, _name, _method)
from .creation import (  # noqa: E402
    BoolTensor, ByteTensor, DoubleTensor, FloatTensor, IntTensor, LongTensor, asarray, complex, empty_strided,
    logspace, scalar_tensor,
)
from .typeinfo import finfo, iinfo, is_floating_point, is_nonzero, is_tensor, numel  # noqa: E402

__version__ = "0.1.0"
from . import accelerator, amp, backends, cuda, multiprocessing, testing  # noqa: E402
from ._device import device, get_default_device, set_default_device  # noqa: E402
from ._platform import (  # noqa: E402
    are_deterministic_algorithms_enabled, compile, get_deterministic_debug_mode, get_float32_matmul_precision,
    get_num_interop_threads, get_num_threads, inference_mode, is_deterministic_algorithms_warn_only_enabled,
    is_inference_mode_enabled, set_deterministic_debug_mode, set_float32_matmul_precision, set_num_interop_threads,
    set_num_threads, use_deterministic_algorithms,
)
from . import jit  # noqa: E402  (torch.jit's decorators, running eagerly)
from .dtypes import (  # noqa: E402  (torch's dtypes scratchnet refuses: naming one works, using it is a clear error)
    bfloat16, cdouble, cfloat, complex64, complex128, float16, int8, int16, uint16, uint32, uint64,
)

half, short, chalf = float16, int16, None  # torch.half, torch.short (torch.chalf: complex32, absent from NumPy)
del chalf
import math as _math  # noqa: E402

pi, e, inf, nan = _math.pi, _math.e, _math.inf, _math.nan  # torch.pi, torch.e, torch.inf, torch.nan
newaxis = None
from .amp import autocast  # noqa: E402
from ._tensor_str import set_printoptions  # noqa: E402
from . import serialization  # noqa: E402
from .serialization import load, save  # noqa: E402
from .dtypes import can_cast, dtype, promote_types  # noqa: E402  (torch's promotion table, scratchnet/dtypes.py)
import scratchnet.linalg as linalg  # noqa: E402  (torch.linalg's mirror; ops/linalg.py holds its ops)
import scratchnet.special as special  # noqa: E402  (torch.special's mirror)
from .torch_alias import as_torch  # noqa: E402  (import torch/torchvision as scratchnet inside a with block)
from . import mps, xpu  # noqa: E402,F401  (torch.mps / torch.xpu answering as a build without those GPUs)
from . import hub  # noqa: E402  (torch.hub: tqdm, the hub directory, cached checkpoints)
from . import onnx  # noqa: E402  (torch.onnx: importable; export raises NotImplementedError)
from .sparse_coo import sparse_coo, sparse_coo_tensor, spmm, strided  # noqa: E402  (sparse COO tensors over dense storage)
import scratchnet.distributions as distributions  # noqa: E402  (torch.distributions' mirror)
from . import func  # noqa: E402,F401  (torch.func: grad, vjp, jacrev, jacfwd, hessian, vmap by a loop, functional_call)
from .func import vmap  # noqa: E402  (torch.vmap is torch.func.vmap)
from ._higher_order import cond, while_loop  # noqa: E402  (torch.cond / torch.while_loop, run eagerly)
from . import profiler  # noqa: E402,F401  (torch.profiler: time per op, key_averages tables, Chrome traces)
from . import masked  # noqa: E402,F401  (torch.masked: reductions and normalizations under a mask)

# --- keep this last: it wraps the functions imported above ---------------------------------------
from . import _out  # noqa: E402  (torch's out= keyword on every function that takes it: scratchnet/_out.py)

_out.wrap_namespace(globals(), "torch")
_out.wrap_namespace(vars(linalg), "linalg")
_out.wrap_namespace(vars(special), "special")
import scratchnet.signal as signal  # noqa: E402,F401  (torch.signal: the window functions)
from .creation import empty_permuted  # noqa: E402,F401  (torch.empty_permuted)
