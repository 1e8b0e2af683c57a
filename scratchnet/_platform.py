"""The parts of torch's top-level namespace about the platform rather than the maths: threads,
``inference_mode``, ``compile``.

>>> import scratchnet as sn
>>> x = sn.ones(2, requires_grad=True)
>>> with inference_mode():
...     (x * 2).requires_grad
False
>>> compile(sn.nn.Linear(2, 2)) is not None
True
"""

import functools
import os

__all__ = ["are_deterministic_algorithms_enabled", "compile", "get_deterministic_debug_mode",
           "get_float32_matmul_precision", "get_num_interop_threads", "get_num_threads", "inference_mode",
           "is_deterministic_algorithms_warn_only_enabled", "is_inference_mode_enabled", "set_deterministic_debug_mode",
           "set_float32_matmul_precision", "set_num_interop_threads", "set_num_threads", "use_deterministic_algorithms"]

_threads = {"intra": None, "interop": None}
_limiter = []  # threadpoolctl's limiter, kept alive while the limit holds


def set_num_threads(n):
    """Threads NumPy's BLAS may use (through threadpoolctl when it is installed; otherwise noted
    for ``get_num_threads`` and exported as OMP_NUM_THREADS for processes started later)."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {n!r}")
    _threads["intra"] = n
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        os.environ["OMP_NUM_THREADS"] = str(n)
        return
    if _limiter:
        _limiter[0].restore_original_limits()
    _limiter[:] = [threadpool_limits(limits=n, user_api="blas")]  # NumPy's BLAS: where scratchnet computes


def _reset_num_threads():
    """Undo :func:`set_num_threads` (for tests)."""
    if _limiter:
        _limiter.pop().restore_original_limits()
    _threads["intra"] = None


def get_num_threads():
    """The thread count set by :func:`set_num_threads`, else the BLAS pool's size, else the CPU count."""
    if _threads["intra"] is not None:
        return _threads["intra"]
    try:
        from threadpoolctl import threadpool_info

        sizes = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
        if sizes:
            return max(sizes)
    except ImportError:
        pass
    return int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1))


def set_num_interop_threads(n):
    """Record torch's inter-op thread count (accepted for torch's API; it changes nothing here).

    >>> import scratchnet as sn
    >>> sn.set_num_interop_threads(sn.get_num_interop_threads())
    """
    if _threads["interop"] is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started or set_num_interop_threads called")
    _threads["interop"] = int(n)


def get_num_interop_threads():
    """torch's inter-op thread count (scratchnet runs ops one after another: 1 unless set).

    >>> import scratchnet as sn
    >>> sn.get_num_interop_threads() >= 1
    True
    """
    return _threads["interop"] or 1


_inference = [False]


def is_inference_mode_enabled():
    """Whether code runs inside ``scratchnet.inference_mode()``.

    >>> import scratchnet as sn
    >>> sn.is_inference_mode_enabled()
    False
    """
    return _inference[0]


class inference_mode:
    """As ``no_grad`` (no graph is recorded inside), as a context manager or decorator
    (``@inference_mode()``, ``@inference_mode``); ``inference_mode(False)`` changes nothing."""

    def __new__(cls, mode=True):
        if callable(mode):  # used bare as a decorator: @inference_mode
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def __enter__(self):
        from .tensor import set_grad_enabled

        self._grad = set_grad_enabled(False) if self.mode else None
        self._prev, _inference[0] = _inference[0], self.mode or _inference[0]
        return self

    def __exit__(self, *exc):
        if self._grad is not None:
            self._grad.__exit__(*exc)
        _inference[0] = self._prev
        return False

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def run(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return run

    def clone(self):
        return inference_mode(self.mode)


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None, disable=False):
    """torch.compile's signature; returns ``model`` (a module or function) unchanged: scratchnet
    runs eagerly. Without ``model`` it returns a decorator, as torch's does."""
    if model is None:
        return lambda fn: compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options,
                                  disable=disable)
    if not callable(model):
        raise RuntimeError(f"torch.compile() expects a callable (a Module or a function), got {type(model).__name__}")
    return model


_matmul_precision = ["highest"]


def set_float32_matmul_precision(precision):
    """Accepted as torch's: 'highest', 'high' or 'medium' (NumPy always multiplies float32 at
    full precision, so the setting changes no result); anything else warns and is ignored."""
    import warnings

    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", stacklevel=2)
        return
    _matmul_precision[0] = precision


def get_float32_matmul_precision():
    """The float32 matmul precision setting ('highest' unless set); NumPy always computes in full
    float32, so it changes nothing here.

    >>> import scratchnet as sn
    >>> sn.get_float32_matmul_precision() in ('highest', 'high', 'medium')
    True
    """
    return _matmul_precision[0]


_deterministic = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Accepted as torch's switch. Every scratchnet op is already deterministic (NumPy on the CPU,
    no atomics, no nondeterministic kernels), so the setting is recorded and changes no result.

    >>> import scratchnet as sn
    >>> sn.use_deterministic_algorithms(True); sn.are_deterministic_algorithms_enabled()
    True
    >>> sn.use_deterministic_algorithms(False)
    """
    if not isinstance(mode, bool):
        raise TypeError(f"use_deterministic_algorithms(): argument 'mode' must be bool, not {type(mode).__name__}")
    _deterministic.update(mode=mode, warn_only=bool(warn_only))


def are_deterministic_algorithms_enabled():
    """Whether ``use_deterministic_algorithms(True)`` is in force (it changes nothing here)."""
    return _deterministic["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    """Whether it was set with ``warn_only=True``."""
    return _deterministic["warn_only"]


def set_deterministic_debug_mode(debug_mode):
    """torch's 0/1/2 or "default"/"warn"/"error": the same switch as use_deterministic_algorithms."""
    names = {"default": 0, "warn": 1, "error": 2}
    level = names.get(debug_mode, debug_mode)
    if level not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected one of 0, 1, 2, but got {debug_mode}")
    use_deterministic_algorithms(level > 0, warn_only=level == 1)


def get_deterministic_debug_mode():
    """0 (off), 1 (warn only) or 2 (on), as torch."""
    return 0 if not _deterministic["mode"] else 1 if _deterministic["warn_only"] else 2
