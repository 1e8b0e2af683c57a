"""Random number generators, bit-for-bit PyTorch's CPU generator.

torch's CPU generator (``CPUGeneratorImpl`` over ATen's ``mt19937``) is a standard 32-bit Mersenne
Twister seeded with ``seed & 0xffffffff``. NumPy ships the same bit generator
(``numpy.random.MT19937``), so a :class:`Generator` keeps one and reads its raw 32-bit words;
everything torch builds on those words — uniforms, normals, integers, permutations, masks — is
rebuilt from them in :mod:`scratchnet._sampling`, in the order torch draws them. After
``manual_seed(s)`` every random function in scratchnet gives the numbers torch gives for the same
calls in the same order.

>>> import scratchnet as sn
>>> _ = sn.manual_seed(777)
>>> sn.rand(3)
tensor([0.0819, 0.4911, 0.4033])
>>> g = sn.Generator().manual_seed(777)
>>> sn.rand(3, generator=g).tolist() == sn.rand(3, generator=sn.Generator().manual_seed(777)).tolist()
True
"""

import random as _pyrandom
import struct
from contextlib import contextmanager

from .backend import xp

_MT_N = 624
# torch's CPUGeneratorImplState, the bytes get_rng_state() returns (5056 of them): the initial
# seed, left, seeded, next, the 624 state words (as uint64), three unused doubles with the cached
# double normal in the middle one, its valid flag, then the cached float normal and its flag.
_STATE_LAYOUT = struct.Struct("<Qii Q 624Q ddd i4x f ?3x")


class Generator:
    """A random stream: torch's CPU generator (MT19937), as ``torch.Generator``.

    Args:
        device: only ``'cpu'`` (scratchnet has no other device).

    A generator also keeps the cached second sample of the scalar Box–Muller normal (torch draws
    normals in pairs below 16 elements and hands the unused one to the next small normal), and
    for float32 uniforms of the float path it keeps nothing else.

    >>> g = Generator().manual_seed(0)
    >>> g.initial_seed()
    0
    """

    def __init__(self, device="cpu"):
        if str(device).split(":")[0] != "cpu":
            raise RuntimeError(f"scratchnet has only CPU generators; got device {device!r}")
        self.device = "cpu"
        self.manual_seed(67280421310721)  # torch's default seed

    # --- seeding and state -------------------------------------------------------------------

    def manual_seed(self, seed):
        """Seed the stream (as ``torch.Generator.manual_seed``); returns the generator."""
        seed = _check_seed(seed)
        self._bits = xp.random.MT19937()
        self._bits._legacy_seeding(seed & 0xFFFFFFFF)
        self._seed = seed
        self._fresh = True  # torch's mt19937 reports next=0 until its first twist
        self.next_double_normal = None
        self.next_float_normal = None
        return self

    def seed(self):
        """Seed from a non-deterministic source and return that seed (as ``torch.Generator.seed``)."""
        s = _pyrandom.SystemRandom().getrandbits(64)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        """The seed this stream was last seeded with."""
        return self._seed

    def get_state(self):
        """The whole state as torch's 5056-byte ``uint8`` tensor (loadable by torch too)."""
        from .creation import tensor

        state = self._bits.state["state"]
        pos = int(state["pos"])
        nxt = 0 if self._fresh else pos
        left = _MT_N + 1 - pos
        dn, fn = self.next_double_normal, self.next_float_normal
        raw = _STATE_LAYOUT.pack(
            self._seed, left, 1, nxt, *[int(w) for w in state["key"]],
            0.0, 0.0 if dn is None else dn, 0.0, dn is not None, 0.0 if fn is None else fn, fn is not None,
        )
        return tensor(xp.frombuffer(raw, dtype=xp.uint8).copy())

    def set_state(self, new_state):
        """Restore a state from :meth:`get_state` (or from torch's ``get_rng_state()``)."""
        array = xp.asarray(getattr(new_state, "array", new_state))
        if array.dtype != xp.uint8 or array.size != _STATE_LAYOUT.size:
            raise RuntimeError(
                f"Expected a torch.ByteTensor of {_STATE_LAYOUT.size} bytes for the generator state, "
                f"got {array.size} elements of {array.dtype}"
            )
        fields = _STATE_LAYOUT.unpack(array.tobytes())
        seed, left, _seeded, nxt = fields[:4]
        key = xp.array(fields[4:4 + _MT_N], dtype=xp.uint64).astype(xp.uint32)
        _, normal_y, _, normal_valid, float_normal, float_valid = fields[4 + _MT_N:]
        if not 1 <= left <= _MT_N + 1:
            raise RuntimeError(f"invalid mt19937 state: left = {left} (expected 1..{_MT_N + 1})")
        self._bits = xp.random.MT19937()
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _MT_N + 1 - left}}
        self._seed, self._fresh = seed, nxt == 0 and left == 1
        self.next_double_normal = normal_y if normal_valid else None
        self.next_float_normal = float_normal if float_valid else None
        return self

    def __repr__(self):
        return f"<scratchnet.Generator object at {hex(id(self))}>"

    # --- raw words -----------------------------------------------------------------------------

    def random32(self, n):
        """The next ``n`` 32-bit words (torch's ``generator->random()``), as uint64."""
        self._fresh = self._fresh and n == 0
        return self._bits.random_raw(int(n)) if n else xp.zeros(0, dtype=xp.uint64)

    def random64(self, n):
        """The next ``n`` 64-bit words: two 32-bit words each, the first the high half (torch's
        ``random64()``)."""
        w = self.random32(2 * n).reshape(n, 2)
        return (w[:, 0] << xp.uint64(32)) | w[:, 1]


def _check_seed(seed):
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise TypeError(f"manual_seed expected an integer seed, got {type(seed).__name__}") from None
    if not -(2**63) <= seed < 2**64:
        raise RuntimeError(
            f"Overflow when unpacking long long: seed must be within the range "
            f"[-0x8000_0000_0000_0000, 0xffff_ffff_ffff_ffff], got {seed}"
        )
    return seed % 2**64


#: The generator every random function uses unless given ``generator=`` (torch's default).
default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator (as ``torch.manual_seed``); returns it.

    >>> import scratchnet as sn
    >>> _ = sn.manual_seed(1); a = sn.rand(2)
    >>> _ = sn.manual_seed(1); a.tolist() == sn.rand(2).tolist()
    True
    """
    return default_generator.manual_seed(seed)


def seed():
    """Seed the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state (torch's 5056-byte layout)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state from :func:`get_rng_state`."""
    default_generator.set_state(new_state)


@contextmanager
def fork_rng(devices=None, enabled=True, **kwargs):
    """Run a block and then put the default generator's state back, as ``torch.random.fork_rng``."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


def generator_or_default(generator):
    """``generator`` if given, else the default one; refuses anything else with torch's error."""
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a scratchnet.Generator, got {type(generator).__name__}")
    return generator


# ----------------------------------------------------------------------------------------------
# Random tensors and in-place fills, each drawn as torch draws it (scratchnet._sampling)
# ----------------------------------------------------------------------------------------------


def _sizes(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if isinstance(s, bool) or not isinstance(s, (int, xp.integer)):
            raise TypeError(f"size must be a tuple of ints, but got an element of type {type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def _float_dtype(dtype, what):
    from .tensor import check_dtype, get_default_dtype

    dtype = get_default_dtype() if dtype is None else check_dtype(dtype)
    if dtype.kind != "f":
        raise NotImplementedError(f"\"{what}\" not implemented for '{_torch_name(dtype)}'")
    return dtype


from .dtypes import torch_name as _torch_name  # noqa: E402


def _new(array, requires_grad=False):
    from .tensor import Tensor

    return Tensor._wrap(array, requires_grad=requires_grad)


_CPP_INTEGER_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short",
                      "int32": "int", "int64": "long int"}


def _check_bounds(low, high, dtype):
    """torch's check of a discrete range ``[low, high)`` against an integer ``dtype``'s values."""
    name = _CPP_INTEGER_NAMES.get(str(xp.dtype(dtype)))
    if name is None:
        return
    lo, hi = (0, 1) if name == "bool" else (int(xp.iinfo(dtype).min), int(xp.iinfo(dtype).max))
    if not lo <= low <= hi:
        raise RuntimeError(f"from is out of bounds for {name}")
    if not lo <= high - 1 <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {name}")


def _writes_out(fn):
    """torch's ``out=`` of a random factory (:func:`scratchnet.creation.writes_out`), imported late."""
    import functools

    @functools.wraps(fn)
    def factory(*args, out=None, **kwargs):
        from .creation import writes_out

        return writes_out(fn)(*args, out=out, **kwargs)

    return factory


def _check_device(device):
    if device is not None and str(device).split(":")[0] != "cpu":
        raise RuntimeError(f"scratchnet runs on the CPU (NumPy); cannot create a tensor on {str(device)!r}")


@_writes_out
def rand(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False, **kwargs):
    """Uniform samples on ``[0, 1)``, bit-for-bit ``torch.rand`` after the same seed.

    float32 takes the low 24 bits of one 32-bit word, float64 the low 53 bits of two.

    >>> import scratchnet as sn
    >>> _ = sn.manual_seed(777); sn.rand(2, 2)
    tensor([[0.0819, 0.4911],
            [0.4033, 0.3859]])
    """
    _check_device(device)
    from .creation import size_argument

    shape, dtype = _sizes(size_argument(sizes, size, "rand")), _float_dtype(dtype, "check_uniform_bounds")
    n = _numel(shape)
    return _new(_sampling.uniform(generator_or_default(generator), n, dtype).reshape(shape), requires_grad)


@_writes_out
def randn(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False, **kwargs):
    """Standard normal samples, bit-for-bit ``torch.randn`` after the same seed (both of torch's
    paths: the vectorised one for 16 or more elements, the cached Box–Muller one below).

    >>> import scratchnet as sn
    >>> _ = sn.manual_seed(0); sn.randn(3)
    tensor([ 1.5410, -0.2934, -2.1788])
    """
    _check_device(device)
    from .creation import size_argument

    shape, dtype = _sizes(size_argument(sizes, size, "randn")), _float_dtype(dtype, "normal_kernel_cpu")
    n = _numel(shape)
    return _new(_sampling.normal(generator_or_default(generator), n, dtype).reshape(shape), requires_grad)


@_writes_out
def randint(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False, **kwargs):
    """Integers on ``[low, high)``: ``randint(high, size)`` or ``randint(low, high, size)``, as torch
    (``word % (high - low) + low``).

    >>> import scratchnet as sn
    >>> _ = sn.manual_seed(777); sn.randint(10, (5,))
    tensor([5, 9, 1, 8, 5])
    """
    from .tensor import check_dtype, int64

    _check_device(device)
    args = list(args)
    if size is None and args and isinstance(args[-1], (tuple, list)):
        size = args.pop()
    if size is None:
        raise TypeError("randint() missing 1 required positional arguments: \"size\"")
    if len(args) == 1:
        low, high = 0, args[0]
    elif len(args) == 2:
        low, high = args
    else:
        raise TypeError(f"randint() takes 2 or 3 positional arguments (low, high, size), got {len(args) + 1}")
    for bound in (low, high):
        if isinstance(bound, float) or (hasattr(bound, "dtype") and bound.dtype.kind == "f"):
            raise TypeError(f"randint() received an invalid combination of arguments: the bounds must be ints, got {type(bound).__name__}")
    low, high = int(low), int(high)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    shape = _sizes((size,))
    dtype = int64 if dtype is None else check_dtype(dtype)
    _check_bounds(low, high, dtype)
    values = _sampling.random_from_to(generator_or_default(generator), _numel(shape), low, high, dtype)
    return _new(values.reshape(shape), requires_grad)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False, **kwargs):
    """A random permutation of ``0 .. n-1``, as torch's CPU ``randperm`` (forward Fisher–Yates).

    >>> import scratchnet as sn
    >>> _ = sn.manual_seed(777); sn.randperm(5)
    tensor([0, 4, 3, 2, 1])
    """
    from .tensor import check_dtype, int64

    _check_device(device)
    if int(n) < 0:
        raise RuntimeError(f"n must be non-negative, got{int(n)}")
    dtype = int64 if dtype is None else check_dtype(dtype)
    return _new(_sampling.randperm(generator_or_default(generator), int(n)).astype(dtype), requires_grad)


def _empty_like(input, dtype, memory_format):
    from .creation import empty_like

    return empty_like(input, dtype=dtype or input.dtype, memory_format=memory_format)


def rand_like(input, dtype=None, generator=None, requires_grad=False, memory_format=None, **kwargs):
    """``rand`` with ``input``'s shape (and dtype unless given); the draws fill memory laid out as
    ``input``'s (a transposed input gets transposed draws, as torch's ``preserve_format``)."""
    out = _empty_like(input, dtype, memory_format)
    return out.uniform_(generator=generator).requires_grad_(requires_grad)


def randn_like(input, dtype=None, generator=None, requires_grad=False, memory_format=None, **kwargs):
    """``randn`` with ``input``'s shape (and dtype unless given), drawn into memory laid out as ``input``'s."""
    out = _empty_like(input, dtype, memory_format)
    return out.normal_(generator=generator).requires_grad_(requires_grad)


def randint_like(input, low=0, high=None, dtype=None, generator=None, requires_grad=False, memory_format=None, **kwargs):
    """``randint`` with ``input``'s shape and dtype: ``randint_like(x, high)`` or ``(x, low, high)``,
    drawn into memory laid out as ``input``'s."""
    if high is None:
        low, high = 0, low
    if isinstance(low, float) or isinstance(high, float):
        raise TypeError("randint_like(): the bounds must be ints")
    out = _empty_like(input, dtype, memory_format)
    return out.random_(int(low), int(high), generator=generator).requires_grad_(requires_grad)


def normal(mean=0.0, std=1.0, size=None, generator=None, dtype=None, requires_grad=False, **kwargs):
    """Normal samples with tensor or float ``mean``/``std`` (broadcast), as ``torch.normal``:
    standard normals first, then ``* std + mean`` (torch's order of operations)."""
    from .tensor import Tensor

    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError("normal() with float mean and std needs a size")
        out = _new(xp.empty(_sizes((size,)), dtype=_float_dtype(dtype, "normal_kernel_cpu")))
        return out.normal_(mean, std, generator=generator).requires_grad_(requires_grad)
    from ._random_grad import sampled

    like = mean if isinstance(mean, Tensor) else std
    if not isinstance(std, Tensor):
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        out = _new(xp.empty(tuple(mean.shape), dtype=mean.dtype)).normal_(0.0, std, generator=generator)
        return sampled((out.array + mean.array).astype(mean.dtype), (mean,), "NormalBackward1")
    if (std.array < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    shape = tuple(xp.broadcast_shapes(tuple(getattr(mean, "shape", ())), tuple(std.shape)))
    out = _new(xp.empty(shape, dtype=like.dtype)).normal_(0.0, 1.0, generator=generator)
    m = mean.array if isinstance(mean, Tensor) else mean
    name = "NormalBackward3" if isinstance(mean, Tensor) else "NormalBackward2"
    return sampled((out.array * std.array + m).astype(like.dtype), (mean, std), name)


def bernoulli(input, p=None, generator=None, **kwargs):
    """0/1 samples with probabilities ``input`` (or the scalar ``p``), as ``torch.bernoulli``; the
    result is in the graph of ``input`` with a zero gradient (none with a scalar ``p``), as torch.

    >>> import scratchnet as sn
    >>> sn.bernoulli(sn.tensor([0.0, 1.0])).tolist()
    [0.0, 1.0]
    """
    from ._random_grad import sampled

    if p is not None:
        out = _new(xp.empty(tuple(input.shape), dtype=input.dtype)).bernoulli_(p, generator=generator)
        return sampled(out, (input,), "NotImplemented")
    probs = input.array
    if ((probs < 0) | (probs > 1) | xp.isnan(probs)).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    draws = _sampling.bernoulli(generator_or_default(generator), probs)
    return sampled(draws.astype(input.dtype), (input,), "BernoulliBackward0")


def multinomial(input, num_samples, replacement=False, generator=None, **kwargs):
    """Indices drawn from the categories weighted by each row of ``input``, as torch's CPU
    ``multinomial`` (without replacement: the exponential/Gumbel trick; with: binary search of
    each uniform in the cumulative weights). Known difference: when more samples are asked for
    without replacement than there are non-zero weights, the order of the zero-weight picks (ties)
    follows NumPy's stable sort, not torch's partial sort.

    >>> import scratchnet as sn
    >>> sn.multinomial(sn.tensor([0.0, 1.0, 0.0]), 2, replacement=True).tolist()
    [1, 1]
    """
    probs = input.array
    if probs.ndim not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim, got {probs.ndim}")
    if probs.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {_torch_name(probs.dtype)}")
    rows = probs.reshape(-1, probs.shape[-1])
    k = rows.shape[1]
    if num_samples <= 0:
        raise RuntimeError(f"cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > k:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if not xp.isfinite(rows).all() or (rows < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    out = _sampling.multinomial(generator_or_default(generator), rows, int(num_samples), replacement)
    return _new(out.reshape(probs.shape[:-1] + (int(num_samples),)))


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


# --- in-place fills (Tensor methods) ------------------------------------------------------------


def _fill(self, values, generator_used=True):
    """Write freshly drawn ``values`` (in the order torch's serial kernels visit memory) into
    ``self``, outside the graph; returns ``self``."""
    from .tensor import is_grad_enabled

    if is_grad_enabled() and self.requires_grad and self.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    order = _memory_order(self.array)
    target = self.array.transpose(order)
    filled = xp.asarray(values).reshape(target.shape).astype(self.dtype, copy=False)
    # recorded as a copy from a constant, so a non-leaf's earlier history gets zero gradient, as torch
    self.copy_(_new(filled.transpose(tuple(int(i) for i in xp.argsort(order))).copy(order="C")))
    return self


def _memory_order(array):
    """Axes from the largest stride to the smallest: the order torch's TensorIterator walks."""
    return tuple(sorted(range(array.ndim), key=lambda d: -abs(array.strides[d]) if array.shape[d] > 1 else 0))


def _require_float(self, what):
    if self.dtype.kind != "f":
        raise NotImplementedError(f"\"{what}\" not implemented for '{_torch_name(self.dtype)}'")


def uniform_(self, from_=0.0, to=1.0, generator=None, **kwargs):
    """Fill with uniform samples on ``[from, to)`` (``fma(u, to - from, from)`` as torch)."""
    from_ = kwargs.pop("from", from_)
    _require_float(self, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_} > to={to}")
    return _fill(self, _sampling.uniform(generator_or_default(generator), self.numel(), self.dtype, from_, to))


def normal_(self, mean=0.0, std=1.0, generator=None):
    """Fill with normal samples (torch's vectorised path for 16+ contiguous elements)."""
    _require_float(self, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    contiguous = self.array.flags.c_contiguous
    return _fill(self, _sampling.normal(generator_or_default(generator), self.numel(), self.dtype, mean, std, contiguous))


def bernoulli_(self, p=0.5, generator=None):
    """Fill with 0/1: 1 where a uniform (double for a float ``p``) is below ``p``."""
    gen = generator_or_default(generator)
    if hasattr(p, "array"):
        probs = xp.broadcast_to(p.array, tuple(self.shape))
        return _fill(self, _sampling.bernoulli(gen, probs))
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _fill(self, _sampling.bernoulli(gen, xp.full(self.numel(), float(p))))


def random_(self, from_=None, to=None, generator=None, **kwargs):
    """Fill with integers: ``random_()`` over the dtype's range, ``random_(to)``,
    ``random_(from, to)``."""
    gen = generator_or_default(generator)
    from_ = kwargs.pop("from", from_)
    if from_ is None and to is None:
        return _fill(self, _sampling.random_full(gen, self.numel(), self.dtype))
    if to is None:
        from_, to = 0, from_
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    _check_bounds(from_, to, self.dtype)
    return _fill(self, _sampling.random_from_to(gen, self.numel(), from_, to, self.dtype))


def exponential_(self, lambd=1.0, generator=None):
    """Fill with exponential samples ``-log1p(-u) / lambd``."""
    _require_float(self, "exponential_cpu")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return _fill(self, _sampling.exponential(generator_or_default(generator), self.numel(), lambd))


def geometric_(self, p, generator=None):
    """Fill with geometric samples ``ceil(log(u) / log1p(-p))``."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    return _fill(self, _sampling.geometric(generator_or_default(generator), self.numel(), p))


def log_normal_(self, mean=1.0, std=2.0, generator=None):
    """Fill with ``exp`` of normal(mean, std) samples (torch's double Box–Muller)."""
    _require_float(self, "log_normal_cpu")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    return _fill(self, xp.exp(_sampling.normal_double(generator_or_default(generator), self.numel(), mean, std)))


def cauchy_(self, median=0.0, sigma=1.0, generator=None):
    """Fill with Cauchy samples ``median + sigma * tan(pi * (u - 1/2))``."""
    _require_float(self, "cauchy_cpu")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    return _fill(self, _sampling.cauchy(generator_or_default(generator), self.numel(), median, sigma))


def _tensor_bernoulli(self, p=None, generator=None):
    """``scratchnet.bernoulli(self, p)``: 1 with probability ``self`` (or ``p``), else 0, torch's draws.

    >>> import scratchnet as sn
    >>> sn.tensor([0.0, 1.0]).bernoulli()
    tensor([0., 1.])
    """
    return bernoulli(self, p, generator=generator)


def _tensor_multinomial(self, num_samples, replacement=False, generator=None):
    """``scratchnet.multinomial(self, num_samples, replacement)``: indices drawn with the row's weights.

    >>> import scratchnet as sn
    >>> sn.tensor([0.0, 0.0, 1.0]).multinomial(2, replacement=True)
    tensor([2, 2])
    """
    return multinomial(self, num_samples, replacement, generator=generator)


#: Tensor methods this module adds (attached by scratchnet/__init__.py).
METHODS = {
    "uniform_": uniform_, "normal_": normal_, "bernoulli_": bernoulli_, "random_": random_,
    "exponential_": exponential_, "geometric_": geometric_, "log_normal_": log_normal_,
    "cauchy_": cauchy_, "bernoulli": _tensor_bernoulli, "multinomial": _tensor_multinomial,
}

from . import _sampling  # noqa: E402  (the algorithms; imported last, they import nothing of ours)


def dropout_noise(shape, p, dtype, generator=None, like=None):
    """torch's dropout noise: ``bernoulli_(1 - p)`` on a tensor of ``shape`` (double uniforms,
    ``u < 1 - p`` keeps), then divided by ``1 - p`` in ``dtype``. ``F.dropout`` multiplies its
    input by this; feature dropout (Dropout1d/2d) passes a shape with 1s to broadcast over.

    >>> import scratchnet as sn
    >>> _ = sn.manual_seed(0)
    >>> sorted(set(dropout_noise((100,), 0.5, sn.float32).tolist()))
    [0.0, 2.0]
    """
    keep = _sampling.bernoulli(generator_or_default(generator), xp.full(_numel(shape), 1.0 - p))
    scale = xp.asarray(1.0 - p, dtype=dtype)
    noise = (keep.astype(dtype) / scale).astype(dtype)
    if like is not None and like.ndim > 1 and not like.flags.c_contiguous:
        # torch draws into empty_like(input): a dense permuted input (a transposed view) gives the
        # noise its strides, and the draws fill memory in order; anything else is row-major
        order = _memory_order(like)
        if like.transpose(order).flags.c_contiguous:
            laid = noise.reshape(like.transpose(order).shape)
            return xp.ascontiguousarray(laid.transpose(tuple(int(i) for i in xp.argsort(order))))
    return noise.reshape(shape)
