"""Functions torch exposes at its top level with ATen's own signatures, beside their friendlier
``torch.nn.functional`` forms: ``torch.kl_div(input, target, reduction=1)`` takes the reduction
as ATen's integer (0 none, 1 mean, 2 sum), ``torch.embedding(weight, indices)`` its arguments the
other way round, ``torch.convolution`` every geometry argument at once. Each one here checks and
converts its arguments and calls the op that computes it, so the numbers (and the random draws of
the dropouts) are the functional form's.

Also the removed pre-2.0 linear-algebra names (``torch.solve``, ``torch.eig``, ...), which torch
keeps only to raise an error saying what replaced them, and a few predicates.

>>> import scratchnet as sn
>>> sn.kl_div(sn.tensor([-1.0, -2.0]), sn.tensor([0.5, 0.5]), 2).item()  # 2: 'sum'
0.8068528175354004
"""

import warnings

from ..backend import xp
from ..dtypes import torch_name
from ..tensor import Tensor, broadcast_shapes

__all__ = [
    "adaptive_max_pool1d", "adjoint", "alpha_dropout", "alpha_dropout_", "avg_pool1d", "binary_cross_entropy_with_logits",
    "convolution", "dropout_", "eig", "embedding", "feature_alpha_dropout", "feature_alpha_dropout_", "feature_dropout",
    "feature_dropout_", "frobenius_norm", "get_device", "instance_norm", "is_distributed", "is_same_size", "kl_div",
    "lstsq", "matrix_rank", "max_pool1d", "nuclear_norm", "poisson", "binomial", "range", "solve", "symeig", "typename",
]

#: ATen's reduction enum, as torch's top-level losses take it (any other integer: none, as ATen)
_REDUCTIONS = {1: "mean", 2: "sum"}


def _reduction(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, xp.integer)):
        raise TypeError(f"{name}(): argument 'reduction' (position 3) must be int, not {type(value).__name__}")
    return _REDUCTIONS.get(int(value), "none")


def _F():
    from ..nn import functional

    return functional


def kl_div(input, target, reduction=1, *, log_target=False):
    """``F.kl_div`` with ATen's integer ``reduction`` (0 none, 1 mean, 2 sum; no 'batchmean')."""
    with warnings.catch_warnings():  # (the functional's warning about 'mean' is not torch.kl_div's)
        warnings.simplefilter("ignore")
        return _F().kl_div(input, target, reduction=_reduction(reduction, "kl_div"), log_target=log_target)


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=1):
    """``F.binary_cross_entropy_with_logits`` with ATen's integer ``reduction``.

    >>> import scratchnet as sn
    >>> sn.binary_cross_entropy_with_logits(sn.tensor([0.0]), sn.tensor([1.0]), None, None, 0).tolist()
    [0.6931471824645996]
    """
    return _F().binary_cross_entropy_with_logits(input, target, weight, reduction=_reduction(reduction, "binary_cross_entropy_with_logits"),
                                                 pos_weight=pos_weight)


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """The rows of ``weight`` at ``indices`` (weight first, as ATen); ``padding_idx=-1`` is none.

    >>> import scratchnet as sn
    >>> sn.embedding(sn.eye(3), sn.tensor([2, 0])).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    return _F().embedding(indices, weight, padding_idx=None if padding_idx == -1 else padding_idx,
                          scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled):
    """``F.instance_norm`` with ATen's positional arguments (``cudnn_enabled`` changes nothing)."""
    return _F().instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """Any convolution, ATen's way: the spatial dims follow from ``weight`` (3 to 5 dims), and
    ``transposed`` picks the transposed convolution (``output_padding`` is used only there).

    >>> import scratchnet as sn
    >>> sn.convolution(sn.ones(1, 1, 3, 3), sn.ones(1, 1, 2, 2), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1).tolist()
    [[[[4.0, 4.0], [4.0, 4.0]]]]
    """
    F, dims = _F(), weight.ndim - 2
    if dims not in (1, 2, 3):
        raise RuntimeError(f"convolution: expected a weight of 3, 4 or 5 dims (a 1-, 2- or 3-d convolution), got {weight.ndim}")
    if transposed:
        return getattr(F, f"conv_transpose{dims}d")(input, weight, bias, stride, padding, output_padding, groups, dilation)
    return getattr(F, f"conv{dims}d")(input, weight, bias, stride, padding, dilation, groups)


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """``F.max_pool1d`` (an empty ``stride`` is the kernel size)."""
    return _F().max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
    """``F.avg_pool1d`` (an empty ``stride`` is the kernel size)."""
    return _F().avg_pool1d(input, kernel_size, stride or None, padding, ceil_mode, count_include_pad)


def adaptive_max_pool1d(input, output_size):
    """``F.adaptive_max_pool1d`` with its indices: always the pair (values, indices)."""
    return _F().adaptive_max_pool1d(input, output_size, return_indices=True)


def _dropouts():
    from . import layers

    return layers


def dropout_(input, p, train):
    """``F.dropout(input, p, train, inplace=True)``."""
    return _F().dropout(input, p, train, inplace=True)


def feature_dropout(input, p, train):
    """Dropout of whole channels of an (N, C, *) input: one draw per sample and channel."""
    return _dropouts()._feature_dropout(input, p, train, False)


def feature_dropout_(input, p, train):
    """feature_dropout, in place."""
    return _dropouts()._feature_dropout(input, p, train, True)


def alpha_dropout(input, p, train):
    """``F.alpha_dropout`` (``train`` is required here)."""
    return _F().alpha_dropout(input, p, train)


def alpha_dropout_(input, p, train):
    """alpha_dropout, in place."""
    return _F().alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout(input, p, train):
    """``F.feature_alpha_dropout`` (``train`` is required here)."""
    return _F().feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input, p, train):
    """feature_alpha_dropout, in place."""
    return _F().feature_alpha_dropout(input, p, train, inplace=True)


def _warn_deprecated_norm(name, replacement):
    warnings.warn(f"at::{name} is deprecated and it is just left for JIT compatibility. It will be removed in a future PyTorch "
                  f"release. Please use `{replacement}` instead", UserWarning, stacklevel=3)


def frobenius_norm(input, dim=(), keepdim=False):
    """The 2-norm of the entries over ``dim`` (all dims when empty); torch deprecates it."""
    from .norms import vector_norm

    _warn_deprecated_norm("frobenius_norm", "linalg.vector_norm(A, 2., dim, keepdim)")
    return vector_norm(input, 2.0, dim=tuple(dim) or None, keepdim=keepdim)


def nuclear_norm(input, dim=None, keepdim=False):
    """The sum of singular values of each matrix over ``dim`` (the last two by default for a
    matrix); torch deprecates it."""
    from .norms import matrix_norm

    _warn_deprecated_norm("nuclear_norm", "linalg.matrix_norm(A, 'nuc', dim, keepdim)")
    if dim is None:
        if input.ndim != 2:
            raise RuntimeError(f"nuclear_norm: Expected a 2D tensor but got a {input.ndim}D tensor (pass dim for a batch)")
        dim = (0, 1)
    return matrix_norm(input, "nuc", dim=tuple(dim), keepdim=keepdim)


def poisson(input, generator=None):
    """A Poisson draw for each rate in ``input``, torch's numbers from the same seed (its
    transformed-rejection sampler, as ``distributions.Poisson.sample``); no gradient.

    >>> import scratchnet as sn
    >>> _ = sn.manual_seed(0)
    >>> sn.poisson(sn.tensor([1.0, 5.0, 20.0])).tolist()
    [2.0, 6.0, 19.0]
    """
    from ..distributions._count_sampling import poisson_array

    if input.dtype.kind != "f":
        raise NotImplementedError(f'"poisson_cpu" not implemented for \'{torch_name(input.dtype)}\'')
    if not (input.array >= 0).all():  # (NaN too)
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return Tensor._make(poisson_array(input.array, generator).astype(input.dtype))


def binomial(count, prob, generator=None):
    """A binomial draw of ``count`` trials of chance ``prob`` for each pair of entries, torch's
    numbers from the same seed; no gradient.

    >>> import scratchnet as sn
    >>> _ = sn.manual_seed(0)
    >>> sn.binomial(sn.tensor([10.0, 5.0]), sn.tensor([0.5, 0.2])).tolist()
    [7.0, 1.0]
    """
    from ..distributions._count_sampling import binomial_array

    for name, t in (("count", count), ("prob", prob)):
        if t.dtype.kind != "f":
            raise ValueError(f"binomial only supports floating-point dtypes for {name}, got: {torch_name(t.dtype)}")
    if prob.dtype != count.dtype:
        raise RuntimeError(f"Found dtype {torch_name(prob.dtype)} but expected {torch_name(count.dtype)}")
    shape = broadcast_shapes(count.shape, prob.shape)  # (torch's error for shapes that do not broadcast)
    counts, probs = xp.broadcast_to(count.array, shape), xp.broadcast_to(prob.array, shape)
    return Tensor._make(binomial_array(counts.copy(), probs.copy(), generator).astype(count.dtype))


def adjoint(input):
    """The conjugate transpose of the last two dims, a view (for real tensors, ``mT``).

    >>> import scratchnet as sn
    >>> sn.adjoint(sn.ones(2, 3)).shape
    scratchnet.Size([3, 2])
    """
    if input.ndim == 0:  # torch deprecates it there, and returns a view of the number
        warnings.warn("adjoint() is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return input.view(())
    if input.ndim < 2:
        raise RuntimeError(f"tensor.adjoint() is only supported on matrices or batches of matrices. Got {input.ndim}-D tensor.")
    return input.transpose(-2, -1)


def range(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``start, start + step, ...`` up to and **including** ``end`` (deprecated in torch, with
    its warning); float32 by default, whatever the arguments' types.

    >>> import scratchnet as sn
    >>> import warnings; warnings.simplefilter("ignore")
    >>> sn.range(1, 4).tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    from .. import creation
    from ..tensor import get_default_dtype

    if end is None:  # (refused before the deprecation warning, as torch's argument parser does)
        raise TypeError('range() missing 1 required positional arguments: "end"')
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is inconsistent with "
                  "Python's range builtin. Instead, use torch.arange, which produces values in [start, end).", UserWarning, stacklevel=2)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    dtype = dtype or get_default_dtype()
    count = int((end - start) // step) + 1
    values = creation.tensor(xp.asarray(start, dtype=xp.float64) + xp.arange(count, dtype=xp.float64) * step).to(dtype)
    values.requires_grad_(requires_grad)
    if out is not None:
        out.resize_(values.shape).copy_(values)
        return out
    return values


def is_same_size(input, other):
    """Whether the two tensors have the same shape."""
    return tuple(input.shape) == tuple(other.shape)


def get_device(input):
    """The tensor's device index: -1 for the CPU, where every scratchnet tensor lives."""
    return -1


def is_distributed(input):
    """False: no scratchnet tensor is a distributed one."""
    return False


def typename(obj):
    """torch's name for an object's type: ``torch.FloatTensor`` for a float32 tensor, else the
    object's module-qualified class name (``float``, ``torch.nn.modules.linear.Linear``...).

    >>> import scratchnet as sn
    >>> sn.typename(sn.ones(1)), sn.typename(1.0)
    ('torch.FloatTensor', 'float')
    """
    if isinstance(obj, Tensor):
        return f"torch.{torch_name(obj.dtype)}Tensor"
    module = type(obj).__module__
    if module.startswith("scratchnet"):
        module = "torch" + module[len("scratchnet"):]
    return type(obj).__qualname__ if module in ("builtins", "__builtin__", None) else f"{module}.{type(obj).__qualname__}"


# --- removed functions, kept only to say what replaced them ---------------------------------------

_REMOVED = "This function was deprecated since version 1.9 and is now removed. "


def lstsq(input, A, *args, **kwargs):
    """Removed from torch: raises its error, which names ``torch.linalg.lstsq``."""
    raise RuntimeError(_REMOVED + "`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n`torch.linalg.lstsq` has reversed "
                       "arguments and does not return the QR decomposition in the returned tuple (although it returns other "
                       "information about the problem).\n\nTo get the QR decomposition consider using `torch.linalg.qr`.\n\nThe "
                       "returned solution in `torch.lstsq` stored the residuals of the solution in the last m - n columns of the "
                       "returned value whenever m > n. In torch.linalg.lstsq, the residuals are in the field 'residuals' of the "
                       "returned named tuple.\n\nThe unpacking of the solution, as in\nX, _ = torch.lstsq(B, A).solution[:A.size(1)]\n"
                       "should be replaced with:\nX = torch.linalg.lstsq(A, B).solution")


def solve(input, A, *args, **kwargs):
    """Removed from torch: raises its error, which names ``torch.linalg.solve``."""
    raise RuntimeError(_REMOVED + "`torch.solve` is deprecated in favor of `torch.linalg.solve`. `torch.linalg.solve` has its "
                       "arguments reversed and does not return the LU factorization.\n\nTo get the LU factorization see `torch.lu`, "
                       "which can be used with `torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, A).solution should be "
                       "replaced with:\nX = torch.linalg.solve(A, B)")


def eig(input, *args, **kwargs):
    """Removed from torch: raises its error, which names ``torch.linalg.eig``."""
    raise RuntimeError(_REMOVED + "`torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather than real "
                       "tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be replaced with:\nL_complex = "
                       "torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, eigenvectors=True) should be replaced with:\n"
                       "L_complex, V_complex = torch.linalg.eig(A)")


def symeig(input, *args, **kwargs):
    """Removed from torch: raises its error, which names ``torch.linalg.eigh``."""
    raise RuntimeError(_REMOVED + "The default behavior has changed from using the upper triangular portion of the matrix by "
                       "default to using the lower triangular portion.\n\nL, _ = torch.symeig(A, upper=upper) should be replaced "
                       "with:\nL = torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\nL, V = torch.symeig(A, "
                       "eigenvectors=True) should be replaced with:\nL, V = torch.linalg.eigh(A, UPLO='U' if upper else 'L')")


def matrix_rank(input, *args, **kwargs):
    """Removed from torch: raises its error, which names ``torch.linalg.matrix_rank``."""
    raise RuntimeError(_REMOVED.rstrip() + "\nPlease use the `torch.linalg.matrix_rank` function instead. The parameter 'symmetric' was "
                       "renamed in `torch.linalg.matrix_rank()` to 'hermitian'.")


METHODS = {"adjoint": adjoint, "is_same_size": is_same_size, "get_device": get_device, "is_distributed": is_distributed}
