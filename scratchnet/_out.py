"""The ``out=`` keyword, the way torch treats it, for every function that takes one.

torch's functions write their result into a tensor the caller gives (``torch.add(a, b, out=c)``)
and return that very tensor. The rules, all of them here and nowhere else:

- the result is computed as without ``out`` (its dtype by the promotion table), then written into
  ``out`` with a cast; a cast torch would not do implicitly (float into an integer tensor,
  anything but bool into bool) is refused: ``result type Float can't be cast to the desired
  output type Long``. A function with several results (``max(x, 0)``, ``sort``) takes a tuple,
  and each tensor must have exactly its result's dtype;
- an ``out`` of another shape is resized; one that held elements gets torch's deprecation
  warning first (only an empty ``out`` is resized silently). A view that would have to grow or be
  re-strided is refused (torch re-strides it inside its base's memory; scratchnet does not);
- nothing is recorded for autograd: with grad mode on, an input or ``out`` that requires grad is
  an error (``add(): functions with out=... arguments don't support automatic differentiation,
  but one of the arguments requires grad.``);
- ``out``'s version counter moves, as for any in-place write, and a view writes into its base.

:func:`takes_out` wraps a function so it follows these rules; ``scratchnet/__init__.py`` wraps
every public function named in :data:`OUT_FUNCTIONS` (the torch functions that take ``out=``)
unless it writes ``out`` itself (:data:`WRITES_OUT_ITSELF`, the creation functions).

>>> import scratchnet as sn
>>> c = sn.empty(0)
>>> sn.add(sn.ones(2), sn.ones(2), out=c) is c, c.tolist()
(True, [2.0, 2.0])
"""

import functools
import warnings

from .dtypes import can_cast, torch_name

#: The torch functions (by namespace) that take ``out=`` and that scratchnet has; each is
#: wrapped by :func:`takes_out` where it is exported. (From torch 2.14's signatures: every
#: function whose signature or documentation has an ``out`` tensor argument.)
OUT_FUNCTIONS = {
    "torch": frozenset("""
        abs absolute acos acosh add addbmm addcdiv addcmul addmm addmv addr all amax amin aminmax angle any
        arccos arccosh arcsin arcsinh arctan arctan2 arctanh argmax argmin asin asinh atan atan2 atanh
        baddbmm bernoulli bitwise_and bitwise_left_shift bitwise_not bitwise_or bitwise_right_shift bitwise_xor
        bmm bucketize cat ceil chain_matmul cholesky_inverse cholesky_solve clamp clamp_max clamp_min
        clip column_stack concat concatenate copysign cos cosh cross cummax cummin cumprod cumsum deg2rad
        diag diff digamma div divide dot dstack eq erf erfc erfinv exp exp2 expand_copy expm1 fix float_power
        floor floor_divide fmax fmin fmod frac frexp gather gcd ge ger greater greater_equal gt heaviside histc
        hstack hypot i0 igamma igammac index_add index_select inner inverse isin isneginf isposinf kron
        kthvalue lcm ldexp le lerp less less_equal lgamma log log10 log1p log2 logaddexp logaddexp2 logcumsumexp
        logical_and logical_not logical_or logical_xor logit logsumexp log_softmax lt masked_select matmul
        matrix_power max maximum mean median min minimum mm mode msort mul multinomial multiply mv mvlgamma
        nan_to_num nanmean nanmedian nanquantile nansum narrow_copy ne neg negative nextafter nonzero norm
        normal not_equal outer polar polygamma pow prod quantile rad2deg randperm reciprocal remainder renorm
        round rsqrt scatter scatter_add searchsorted sgn sigmoid sign signbit sin sinc sinh slogdet softmax sort
        sqrt square stack std sub subtract sum svd take take_along_dim row_stack tan tanh tensordot topk triangular_solve tril
        triu true_divide trunc var vdot vstack where xlogy
        """.split()),
    "linalg": frozenset("""
        cholesky cholesky_ex cond cross det eig eigh eigvals eigvalsh householder_product inv inv_ex
        ldl_factor ldl_solve lstsq lu lu_factor lu_solve matmul matrix_norm matrix_power matrix_rank
        multi_dot norm pinv qr slogdet solve solve_ex solve_triangular svd svdvals tensorinv tensorsolve
        vecdot vector_norm
        """.split()),
    "special": frozenset("""
        digamma entr erf erfc erfcx erfinv exp2 expit expm1 gammainc gammaincc gammaln i0 i0e i1 i1e log1p
        log_ndtr logit logsumexp multigammaln ndtr ndtri polygamma psi round sinc xlog1py
        xlogy zeta
        airy_ai bessel_j0 bessel_j1 bessel_y0 bessel_y1 modified_bessel_i0 modified_bessel_i1
        modified_bessel_k0 modified_bessel_k1 scaled_modified_bessel_k0 scaled_modified_bessel_k1
        spherical_bessel_j0 chebyshev_polynomial_t chebyshev_polynomial_u chebyshev_polynomial_v
        chebyshev_polynomial_w shifted_chebyshev_polynomial_t shifted_chebyshev_polynomial_u
        shifted_chebyshev_polynomial_v shifted_chebyshev_polynomial_w hermite_polynomial_h
        hermite_polynomial_he laguerre_polynomial_l legendre_polynomial_p
        """.split()),
}

#: Functions that handle ``out=`` in their own code (they build their result in it).
WRITES_OUT_ITSELF = frozenset(
    "arange empty eye full linspace logspace ones rand randint randn zeros complex".split()
)

#: Functions whose ``out`` must have exactly the result's dtype (no cast), with the message torch's
#: kernel gives ({R}/{O}: result's and out's dtype as Float, Double, ...; {r}/{o}: as float,
#: double, long int, ...); every function with several results is checked as "multi".
_EXPECTED = "Expected out tensor to have dtype {r}, but got {o} instead"
_FOUND = "Found dtype {O} but expected {R}"
EXACT_DTYPE = {
    "multinomial": "multinomial expects Long tensor out, got: {O}",
    **dict.fromkeys("addmm addmv baddbmm bmm cross diag gather inverse matmul matrix_power mm msort mv norm renorm "
                    "softmax log_softmax tril triu".split(), _EXPECTED),
    **dict.fromkeys("abs absolute ceil clamp clip fix floor frac neg negative round sgn sign trunc".split(), _FOUND),
    **dict.fromkeys(["amax", "amin"], "Expected the dtype for input and out to match, but got {R} for input's dtype and {O} for out's dtype."),
    **dict.fromkeys(["dot", "vdot"], "result dtype {O} does not match input dtype {R}"),
    **dict.fromkeys(["index_select", "masked_select"], "{name}(): self and result must have the same scalar type"),
    "chain_matmul": "multi_dot(): expected out tensor to have dtype {r} but got {o}",
    "inner": "tensordot: Expected the output tensor to have dtype {R}, but got an output tensor with dtype {O}",
    "tensordot": "tensordot: Expected the output tensor to have dtype {R}, but got an output tensor with dtype {O}",
    "logcumsumexp": "expected scalar_type {R} but found {O}",
    "nan_to_num": "nan_to_num: dtype of out: {O} should be same as input: {R}",
    "quantile": "quantile() out tensor must be same dtype as the input tensor",
    "nanquantile": "quantile() out tensor must be same dtype as the input tensor",
    "take": "take(): self and out expected to have the same dtype, but got self.dtype = {R} and out.dtype = {O}",
    "where": "Expected out type to be {R} but got {O}",
    "narrow_copy": "Expected self.dtype() == output.dtype() to be true, but got false.",
    "multi": _EXPECTED,
    **{f"linalg.{n}": _EXPECTED for n in "cholesky cholesky_ex det eigh eigvalsh inv inv_ex matrix_power qr slogdet "
                                          "solve solve_ex svd svdvals vector_norm".split()},
    "linalg.norm": "linalg.norm expected out tensor dtype {R} but got: {O}",
    "linalg.matrix_norm": "linalg.matrix_norm expected out tensor dtype {R} but got: {O}",
    "linalg.vecdot": "linalg.vecdot: Expected out of dtype{R} but found {O}",
    "linalg.multi_dot": "multi_dot(): expected out tensor to have dtype {r} but got {o}",
}

#: Reductions that compute in ``out``'s dtype when no ``dtype=`` is given (torch.sum(x, 0,
#: out=an int64 tensor) sums the values cast to int64); a ``dtype=`` other than out's is refused.
DTYPE_FROM_OUT = frozenset("sum nansum prod cumsum cumprod".split())

#: Functions whose refused cast is a TypeError with a message of their own.
CAST_ERRORS = {
    "cat": "torch.cat(): input types can't be cast to the desired output type {O}",
    "concat": "torch.cat(): input types can't be cast to the desired output type {O}",
    "concatenate": "torch.cat(): input types can't be cast to the desired output type {O}",
    "stack": "torch.cat(): input types can't be cast to the desired output type {O}",
    "hstack": "torch.cat(): input types can't be cast to the desired output type {O}",
    "vstack": "torch.cat(): input types can't be cast to the desired output type {O}",
    "dstack": "torch.cat(): input types can't be cast to the desired output type {O}",
    "column_stack": "torch.cat(): input types can't be cast to the desired output type {O}",
}

#: torch's C++ names of the dtypes, as its multi-output ``out=`` check prints them.
_CPP_NAMES = {"Float": "float", "Double": "double", "Long": "long int", "Int": "int", "Byte": "unsigned char", "Bool": "bool"}


def _tensors_in(values):
    from .tensor import Tensor

    for v in values:
        if isinstance(v, Tensor):
            yield v
        elif isinstance(v, (list, tuple)):
            yield from _tensors_in(v)


def takes_out(fn, name):
    """``fn`` with torch's ``out=`` keyword (the rules above); without ``out`` it is ``fn``.
    ``name`` is torch's, qualified outside the top level (``linalg.inv``)."""

    @functools.wraps(fn)
    def with_out(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        return write_out(name, fn, args, kwargs, out)

    with_out.__wrapped_for_out__ = fn
    return with_out


def write_out(name, fn, args, kwargs, out):
    """Compute ``fn(*args, **kwargs)`` and write it into ``out`` (a tensor or a tuple of them)."""
    from .tensor import Tensor, is_grad_enabled, no_grad

    several = isinstance(out, (tuple, list))
    outs = tuple(out) if several else (out,)
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be {'tuple of Tensors' if several else 'Tensor'}, not {type(o).__name__}")
    if is_grad_enabled() and any(t.requires_grad for t in _tensors_in((args, tuple(kwargs.values()), outs))):
        raise RuntimeError(f"{name.replace('.', '_')}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.")
    if name in DTYPE_FROM_OUT and not several:
        given = kwargs.get("dtype")
        if given is not None and given != out.dtype:
            raise RuntimeError(f"Expected out tensor to have dtype {_CPP_NAMES[torch_name(given)]}, but got {_CPP_NAMES[torch_name(out.dtype)]} instead")
        kwargs = {**kwargs, "dtype": out.dtype}
    with no_grad():
        result = fn(*args, **kwargs)
    results = tuple(result) if isinstance(result, tuple) else (result,)
    if isinstance(result, tuple) and not several:
        raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(results)} Tensors, not Tensor")
    if several and not isinstance(result, tuple):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if len(results) != len(outs):
        raise TypeError(f"expected tuple of {len(results)} elements but got {len(outs)}")
    exact = EXACT_DTYPE.get("multi" if len(outs) > 1 else name)
    for r, o in zip(results, outs):
        if exact and r.dtype != o.dtype:
            R, O = torch_name(r.dtype), torch_name(o.dtype)
            raise RuntimeError(exact.format(name=name, R=R, O=O, r=_CPP_NAMES[R], o=_CPP_NAMES[O]))
        if not can_cast(r.dtype, o.dtype):
            if name in CAST_ERRORS:
                raise TypeError(CAST_ERRORS[name].format(O=torch_name(o.dtype)))
            raise RuntimeError(f"result type {torch_name(r.dtype)} can't be cast to the desired output type {torch_name(o.dtype)}")
    with no_grad():
        for r, o in zip(results, outs):
            if tuple(o.shape) != tuple(r.shape):
                if o._base is not None and not (o._array.flags.c_contiguous and r.numel() <= o.numel()):
                    raise RuntimeError(
                        f"{name}(): out= is a view of shape {list(o.shape)} that would have to grow or be re-strided to "
                        f"{list(r.shape)}: scratchnet does not resize a view inside its base's memory (torch does); "
                        "pass an out of the result's shape, or one that is not a view")
                if o.numel():
                    warnings.warn(
                        f"An output with one or more elements was resized since it had shape {list(o.shape)}, which does not match "
                        f"the required output shape {list(r.shape)}. This behavior is deprecated, and in a future PyTorch release "
                        "outputs will not be resized unless they have zero elements. You can explicitly reuse an out tensor t by "
                        "resizing it, inplace, to zero elements with t.resize_(0).", UserWarning, stacklevel=3)
                o.resize_(tuple(r.shape))
            o.copy_(r)
    if isinstance(result, tuple):
        return type(result)(*outs) if hasattr(result, "_fields") else outs
    return outs[0]


def wrap_namespace(namespace, which):
    """Give every function of ``namespace`` (a module's ``__dict__``) that torch's namespace
    ``which`` ("torch", "linalg", "special") gives ``out=`` the keyword (each wrapped once)."""
    prefix = "" if which == "torch" else which + "."
    for n in OUT_FUNCTIONS[which]:
        fn = namespace.get(n)
        if callable(fn) and n not in WRITES_OUT_ITSELF and not hasattr(fn, "__wrapped_for_out__"):
            namespace[n] = takes_out(fn, prefix + n)
