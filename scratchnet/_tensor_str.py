"""How a tensor prints, as torch prints it (torch's ``_tensor_str``): ``repr(t)`` and ``str(t)``.

The rules, for floats: look at the nonzero finite values; if all are whole numbers print them as
``1.`` (int mode); use scientific notation (``1.0000e+05``) when the largest is over 1000 times
the smallest, over 1e8, or the smallest is under 1e-4 (unless ``set_printoptions(sci_mode=...)``
decides); otherwise ``precision`` (4) decimals. All values share one width, right-aligned; rows
wrap at ``linewidth`` (80). Over ``threshold`` (1000) elements, each dim shows its first and last
``edgeitems`` (3) entries around ``...``. After the values come ``dtype=`` (unless the dtype is the
default float, int64 or bool), ``size=`` for empty tensors, and ``grad_fn=<...>`` or
``requires_grad=True``.

Where torch prints ``torch.float64`` scratchnet prints ``scratchnet.float64`` (lines still break
where torch's do): otherwise the text is torch's, character for character.

>>> import scratchnet as sn
>>> sn.tensor([1.0, 2.5, 1e-5])
tensor([1.0000e+00, 2.5000e+00, 1.0000e-05])
>>> sn.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=sn.float64)
tensor([[1., 2.],
        [3., 4.]], dtype=scratchnet.float64)
>>> sn.zeros(0, 3)
tensor([], size=(0, 3))
"""

import contextlib
import math

from .backend import xp

__all__ = ["get_printoptions", "printoptions", "set_printoptions"]


class _PrintOptions:
    precision, threshold, edgeitems, linewidth, sci_mode = 4, 1000, 3, 80, None


PRINT_OPTS = _PrintOptions()

_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Set how tensors print, as ``torch.set_printoptions``: ``precision`` (decimals), ``threshold``
    (elements before summarising), ``edgeitems``, ``linewidth``, ``profile`` ('default', 'short',
    'full') and ``sci_mode`` (True / False / None: chosen per tensor).

    >>> set_printoptions(precision=2)
    >>> import scratchnet as sn; sn.tensor([1.12345])
    tensor([1.12])
    >>> set_printoptions(profile="default")
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"profile should be one of default, short, full, got {profile!r}")
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = _PROFILES[profile]
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current print options, as a dict."""
    return {k: getattr(PRINT_OPTS, k) for k in ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Print options for the length of a ``with`` block."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """One number format for every element of a tensor: int mode, sci mode, a common width."""

    def __init__(self, a):
        self.floating = a.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        p = PRINT_OPTS.precision
        if not self.floating:
            if a.size:
                shown = {str(v) for v in (a.min().item(), a.max().item())} if a.dtype != xp.bool_ else {str(v) for v in xp.unique(a).tolist()}
                self.max_width = max(self.max_width, *(len(s) for s in shown))
            return
        values = a[xp.isfinite(a) & (a != 0)].astype(xp.float64)
        if values.size == 0:
            return
        magnitudes = xp.abs(values)
        smallest, largest = magnitudes.min(), magnitudes.max()
        self.int_mode = bool((values == xp.ceil(values)).all())
        if PRINT_OPTS.sci_mode is None:
            with xp.errstate(over="ignore"):
                self.sci_mode = bool(largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        distinct = xp.unique(a[xp.isfinite(a) & (a != 0)]).tolist()  # at most `threshold` values
        if self.sci_mode:
            widths = [len(f"{v:.{p}e}") for v in distinct]
        elif self.int_mode:
            widths = [len(f"{v:.0f}") + 1 for v in distinct]
        else:
            widths = [len(f"{v:.{p}f}") for v in distinct]
        self.max_width = max(self.max_width, *widths)

    def format(self, value):
        p = PRINT_OPTS.precision
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{p}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{p}f}"
        return " " * (self.max_width - len(text)) + text


def _summarized(a):
    """The elements that will be shown: the first and last ``edgeitems`` of each long dim."""
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return xp.concatenate([a[:e], a[-e:]]) if a.shape[0] > 2 * e else a
    if not e:
        return xp.empty([0] * a.ndim, dtype=a.dtype)
    rows = list(range(e)) + list(range(len(a) - e, len(a))) if a.shape[0] > 2 * e else range(len(a))
    return xp.stack([_summarized(a[i]) for i in rows])


def _vector(a, indent, summarize, fmt):
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.max_width + 2)))
    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = [fmt.format(v) for v in a[:e].tolist()] + [" ..."] + [fmt.format(v) for v in a[-e:].tolist()]
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(a, indent, summarize, fmt):
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    e = PRINT_OPTS.edgeitems
    if summarize and a.shape[0] > 2 * e:
        parts = [_nested(a[i], indent + 1, summarize, fmt) for i in range(e)] + ["..."] + \
                [_nested(a[i], indent + 1, summarize, fmt) for i in range(len(a) - e, len(a))]
    else:
        parts = [_nested(a[i], indent + 1, summarize, fmt) for i in range(a.shape[0])]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _values_str(a, indent):
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    return _nested(a, indent, summarize, _Formatter(_summarized(a) if summarize else a))


def _with_suffixes(text, suffixes, indent):
    """Append the suffixes, each on a new line where it would pass ``linewidth``. Lines break where
    torch's break: a suffix counts as long as torch's spelling ("torch." for "scratchnet.")."""
    pieces, last = [text], len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        size = len(suffix.replace("scratchnet.", "torch."))
        if last + size + 2 > PRINT_OPTS.linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            last = indent + size
        else:
            pieces.append(", " + suffix)
            last += size + 2
    return "".join(pieces) + ")"


def dtype_name(dtype):
    """'scratchnet.float32', 'scratchnet.bool', ...: a dtype as the namespace spells it."""
    return "scratchnet." + ("bool" if dtype == xp.bool_ else xp.dtype(dtype).name)


def tensor_repr(t):
    """The text of ``repr(t)`` / ``str(t)``."""
    from .tensor import Tensor, get_default_dtype, int64

    plain = type(t) is Tensor or type(t).__name__ == "Parameter"
    prefix = "tensor(" if plain else f"{type(t).__name__}("
    indent, suffixes, a = len(prefix), [], t.array
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if a.dtype != get_default_dtype():
            suffixes.append(f"dtype={dtype_name(a.dtype)}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(a.shape)}")
        if a.dtype not in (get_default_dtype(), int64, xp.bool_):
            suffixes.append(f"dtype={dtype_name(a.dtype)}")
        body = _values_str(a, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + body, suffixes, indent)


def tensor_format(t, spec):
    """``format(t, spec)``: a 0-d tensor formats as its Python number (``f"{loss:.4f}"``), as torch's."""
    from .tensor import Tensor

    if t.ndim == 0 and type(t) is Tensor:
        return t.detach().item().__format__(spec)
    return object.__format__(t, spec)
