"""``scratchnet.save`` and ``scratchnet.load``, as ``torch.save``/``torch.load`` for the objects
training code saves (state_dicts, optimizer state dicts, checkpoints): any nesting of dicts
(OrderedDicts), lists and tuples of Tensors, Parameters, NumPy arrays, ints, floats, strings, bools
and None (and dtypes, devices, Sizes and argparse Namespaces), to a path or a binary file object. Anything else (a whole Module, a lambda) is refused
with a TypeError naming its type: save ``model.state_dict()`` instead.

No pickle, in either direction. The file is a zip archive: ``structure.json`` (the nesting, with
each tensor named by a reference) and one ``.npy`` member per distinct tensor. Loading reads no
member without first checking its declared dtype and shape against what the archive can hold
(decompression is streamed and stops at the declared size), so a corrupt or hostile file costs
bounded memory and gives one :class:`CheckpointError` naming the file and the problem.

>>> import io, scratchnet as sn
>>> buffer = io.BytesIO()
>>> sn.save({"epoch": 3, "weights": [sn.ones(2)], "note": None}, buffer)
>>> _ = buffer.seek(0)
>>> state = sn.load(buffer)
>>> state["epoch"], state["weights"][0].tolist(), state["note"]
(3, [1.0, 1.0], None)
"""

import argparse
import collections
import io
import json
import math
import os
import struct
import tempfile
import zipfile
import zlib

from . import _safe_io, dtypes
from .backend import SUPPORTED_DTYPES, xp
from .checkpoint import CheckpointError
from .tensor import Tensor

__all__ = ["CheckpointError", "load", "save"]

STRUCTURE = "structure.json"
FORMAT = "scratchnet.save/1"
#: Unpacked, an archive may hold at most MAX_RATIO times its own size (plus MIN_BUDGET): more is
#: a decompression bomb or a lying header, refused before anything is allocated.
MAX_RATIO = _safe_io.MAX_RATIO
MIN_BUDGET = _safe_io.CHUNK
MAX_STRUCTURE = 64 << 20
MAX_DEPTH = 200


# --- saving ------------------------------------------------------------------------------------


class _Writer:
    """Turns an object into a JSON-able tree, collecting its tensors (each distinct one once)."""

    def __init__(self):
        self.arrays, self.ids = [], {}

    def array(self, a, extra):
        key = id(extra if extra is not None else a)
        if key not in self.ids:
            self.ids[key] = (f"t{len(self.arrays)}", extra if extra is not None else a)  # keep the object alive
            if a.dtype not in SUPPORTED_DTYPES:
                raise TypeError(f"scratchnet.save cannot store arrays of dtype {a.dtype}")
            self.arrays.append(a)
        return self.ids[key][0]

    def node(self, obj, depth=0):
        if depth > MAX_DEPTH:
            raise ValueError(f"scratchnet.save: the object is nested more than {MAX_DEPTH} levels deep")
        from ._device import device
        from .nn.module import Module, Parameter

        if obj is None or isinstance(obj, (bool, int, str)):
            return obj
        if isinstance(obj, float):
            return obj if math.isfinite(obj) else {"t": "float", "v": repr(obj)}
        if isinstance(obj, Tensor):
            kind = "param" if isinstance(obj, Parameter) else "tensor"
            return {"t": kind, "id": self.array(obj.detach().array, obj), "requires_grad": bool(obj.requires_grad)}
        if isinstance(obj, xp.ndarray):
            return {"t": "ndarray", "id": self.array(obj, obj)}
        if isinstance(obj, xp.generic) and not isinstance(obj, (xp.str_, xp.bytes_, xp.void)):
            return {"t": "npscalar", "id": self.array(xp.asarray(obj), None)}
        if isinstance(obj, device):
            return {"t": "device", "v": str(obj)}
        if isinstance(obj, (xp.dtype, dtypes.dtype)):
            return {"t": "dtype", "v": obj.name}
        if type(obj) is argparse.Namespace:  # training scripts save their arguments with the weights
            return {"t": "namespace", "items": [[k, self.node(v, depth + 1)] for k, v in vars(obj).items()]}
        if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
            from .tensor import Size

            return {"t": "size" if isinstance(obj, Size) else "tuple", "v": [self.node(v, depth + 1) for v in obj]}
        if type(obj) is list:
            return {"t": "list", "v": [self.node(v, depth + 1) for v in obj]}
        if isinstance(obj, dict) and type(obj) in (dict, collections.OrderedDict):
            items = [[self.node(k, depth + 1), self.node(v, depth + 1)] for k, v in obj.items()]
            return {"t": "odict" if isinstance(obj, collections.OrderedDict) else "dict", "items": items}
        hint = " (save model.state_dict() instead)" if isinstance(obj, Module) else ""
        raise TypeError(f"scratchnet.save cannot store objects of type {type(obj).__module__}.{type(obj).__qualname__}{hint}: "
                        "it saves tensors, numbers, strings, bools, None and lists, tuples and dicts of them (no pickle)")


def _write_archive(f, tree, arrays):
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
        z.writestr(STRUCTURE, json.dumps({"format": FORMAT, "root": tree}, allow_nan=False))
        for i, a in enumerate(arrays):
            with z.open(f"t{i}.npy", "w", force_zip64=True) as member:
                xp.lib.format.write_array(member, a, allow_pickle=False)


def _remove_stale_temporaries(folder, base):
    """Temporary files of earlier saves of ``base`` whose process is gone (killed mid-save)."""
    prefix = f".{base}.tmp-"
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not name.startswith(prefix):
            continue
        pid = name[len(prefix):].split("-")[0]
        try:
            os.kill(int(pid), 0)
            continue  # that save is still running
        except (ValueError, ProcessLookupError):
            pass
        except PermissionError:
            continue
        try:
            os.remove(os.path.join(folder, name))
        except OSError:
            pass


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Save ``obj`` to ``f`` (a path, or a binary file object opened for writing).

    A path is written atomically: to a temporary file beside it, then renamed over it, so an
    interrupted save leaves the previous file intact (and its temporary is removed by the next save).
    ``pickle_module``/``pickle_protocol`` are accepted for torch's signature and unused.
    """
    writer = _Writer()
    tree = writer.node(obj)
    if not isinstance(f, (str, os.PathLike)):
        if not hasattr(f, "write"):
            raise TypeError(f"scratchnet.save: f must be a path or a binary file object, not {type(f).__name__}")
        _write_archive(f, tree, writer.arrays)
        return
    path = os.fspath(f)
    folder, base = os.path.split(os.path.abspath(path))
    _remove_stale_temporaries(folder, base)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{base}.tmp-{os.getpid()}-")
    try:
        with os.fdopen(fd, "wb") as out:
            _write_archive(out, tree, writer.arrays)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# --- loading -----------------------------------------------------------------------------------


def _name(f):
    if isinstance(f, (str, os.PathLike)):
        return os.fspath(f)
    return getattr(f, "name", None) or f"<{type(f).__name__}>"


class _Reader:
    """Rebuilds the object from the archive, checking every node and member before using it."""

    def __init__(self, z, name, budget):
        self.z, self.name, self.budget, self.loaded = z, name, budget, {}

    def fail(self, problem):
        raise CheckpointError(f"{self.name}: {problem}")

    def array(self, ref, member=None):
        if member is None:
            if not isinstance(ref, str) or not ref.startswith("t") or not ref[1:].isdigit():
                self.fail(f"bad tensor reference {ref!r}")
            member = f"{ref}.npy"
        if ref in self.loaded:
            return self.loaded[ref]
        try:
            info = self.z.getinfo(member)
        except KeyError:
            self.fail(f"missing member {member}")
        try:  # scratchnet's one bounded reader of arrays in files (scratchnet/_safe_io.py)
            array = _safe_io.read_npy_member(self.z, info, self.name, budget=self.budget)
        except _safe_io.ReadError as e:
            raise CheckpointError(str(e)) from None
        self.budget -= array.nbytes
        self.loaded[ref] = array
        return self.loaded[ref]

    def node(self, n, depth=0):
        if depth > MAX_DEPTH:
            self.fail(f"structure nested more than {MAX_DEPTH} levels deep")
        if n is None or isinstance(n, (bool, int, float, str)):
            return n
        if not isinstance(n, dict) or not isinstance(n.get("t"), str):
            self.fail(f"malformed structure node {str(n)[:80]!r}")
        kind = n["t"]
        if kind in ("tensor", "param"):
            return self.tensor(n, kind)
        if kind == "ndarray":
            return self.array(n.get("id")).copy()
        if kind == "npscalar":
            a = self.array(n.get("id"))
            if a.shape != ():
                self.fail("a NumPy scalar member that is not 0-d")
            return a[()]
        if kind == "float":
            if n.get("v") not in ("nan", "inf", "-inf"):
                self.fail(f"bad float {n.get('v')!r}")
            return float(n["v"])
        if kind == "device":
            from ._device import device

            try:
                return device(str(n.get("v")))
            except (RuntimeError, TypeError) as e:
                self.fail(f"bad device ({e})")
        if kind == "dtype":
            try:
                found = xp.dtype(str(n.get("v")))
            except TypeError:
                found = None
            if found not in SUPPORTED_DTYPES:
                self.fail(f"bad dtype {n.get('v')!r}")
            return dtypes.as_dtype(found)
        if kind == "namespace":
            pairs = n.get("items")
            if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in pairs):
                self.fail("a namespace node without [name, value] pairs")
            return argparse.Namespace(**{k: self.node(v, depth + 1) for k, v in pairs})
        if kind in ("list", "tuple", "size"):
            values = n.get("v")
            if not isinstance(values, list):
                self.fail(f"a {kind} node without a list of values")
            items = [self.node(v, depth + 1) for v in values]
            if kind == "size":
                from .tensor import Size

                if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in items):
                    self.fail("a Size with entries that are not non-negative ints")
                return Size(items)
            return items if kind == "list" else tuple(items)
        if kind in ("dict", "odict"):
            pairs = n.get("items")
            if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
                self.fail(f"a {kind} node without [key, value] pairs")
            out = collections.OrderedDict() if kind == "odict" else {}
            for k, v in pairs:
                key = self.node(k, depth + 1)
                try:
                    out[key] = self.node(v, depth + 1)
                except TypeError:
                    self.fail(f"an unhashable dict key of type {type(key).__name__}")
            return out
        self.fail(f"unknown structure node type {kind!r}")

    def tensor(self, n, kind):
        a = self.array(n.get("id"))
        requires_grad = n.get("requires_grad", False)
        if not isinstance(requires_grad, bool):
            self.fail("requires_grad that is not a bool")
        if requires_grad and a.dtype.kind != "f":
            self.fail(f"a {a.dtype} tensor marked requires_grad (only floating tensors can require grad)")
        key = ("tensor", n["id"], kind)
        if key not in self.loaded:
            if kind == "param":
                from .nn.module import Parameter

                self.loaded[key] = Parameter(Tensor._wrap(a), requires_grad=requires_grad)
            else:
                self.loaded[key] = Tensor._wrap(a, requires_grad=requires_grad)
        return self.loaded[key]


def _check_map_location(map_location):
    from ._device import parse_device

    if map_location is None or callable(map_location) or isinstance(map_location, dict):
        targets = map_location.values() if isinstance(map_location, dict) else ()
    else:
        targets = (map_location,)
    for target in targets:
        if parse_device(target) is None:
            raise TypeError(f"map_location should be a device, a string, a dict or a callable, not {type(target).__name__}")


def _open_archive(f, name):
    if isinstance(f, (str, os.PathLike)):
        if not os.path.isfile(f):
            raise CheckpointError(f"{name}: no such file")
        size = os.path.getsize(f)
        handle = open(f, "rb")
    else:
        if not hasattr(f, "read"):
            raise TypeError(f"scratchnet.load: f must be a path or a binary file object, not {type(f).__name__}")
        handle = f
        try:
            here = f.tell()
            size = f.seek(0, io.SEEK_END) - here
            f.seek(here)
        except (OSError, AttributeError, ValueError):
            handle = io.BytesIO(f.read())
            size = len(handle.getvalue())
    return handle, size


def _load_npz(z, name, size):
    """A NumPy ``.npz`` (``numpy.savez``: one ``.npy`` per name) as an OrderedDict of tensors, with the
    same checks: how weights come over from any framework without pickle."""
    reader = _Reader(z, name, MIN_BUDGET + MAX_RATIO * size)
    out = collections.OrderedDict()
    for member in z.namelist():
        if member == "__scratchnet_meta__.npy":  # the CLI's checkpoint header, not a weight
            continue
        out[member[: -len(".npy")]] = Tensor._wrap(reader.array(member, member))
    return out


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Load what :func:`save` wrote (or a NumPy ``.npz`` of named arrays, as a dict of tensors),
    from a path or a binary file object.

    ``map_location`` may be 'cpu', a cpu ``device``, a dict or a callable (everything loads onto
    the CPU; a GPU is refused); ``weights_only`` is accepted (the format holds only data, so every
    load is weights-only); ``mmap`` and the pickle arguments are accepted and unused.
    """
    _check_map_location(map_location)
    name = _name(f)
    handle, size = _open_archive(f, name)
    try:
        start = handle.read(4)
        handle.seek(-len(start), io.SEEK_CUR)
        if start[:2] != b"PK":
            raise CheckpointError(f"{name}: not a scratchnet checkpoint (not a zip archive; truncated or corrupt)")
        try:
            with zipfile.ZipFile(handle) as z:
                names = set(z.namelist())
                if STRUCTURE not in names:
                    if any(n.endswith("data.pkl") for n in names):
                        raise CheckpointError(f"{name}: written by torch.save (pickle), which scratchnet does not read; "
                                              "in torch, save {k: v.numpy() for k, v in sd.items()} with numpy.savez, and "
                                              "load that file here")
                    if names and all(n.endswith(".npy") and "/" not in n for n in names):
                        return _load_npz(z, name, size)
                    raise CheckpointError(f"{name}: not a scratchnet checkpoint (no {STRUCTURE})")
                info = z.getinfo(STRUCTURE)
                if info.file_size > MAX_STRUCTURE:
                    raise CheckpointError(f"{name}: {STRUCTURE} declares {info.file_size} bytes (corrupt)")
                with z.open(info) as member:
                    raw = member.read(MAX_STRUCTURE + 1)
                if len(raw) > MAX_STRUCTURE:
                    raise CheckpointError(f"{name}: {STRUCTURE} is larger than it declares (corrupt)")
                try:
                    header = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
                    raise CheckpointError(f"{name}: {STRUCTURE} is not valid JSON ({e})") from None
                if not isinstance(header, dict) or header.get("format") != FORMAT or "root" not in header:
                    raise CheckpointError(f"{name}: {STRUCTURE} is not a scratchnet.save header")
                reader = _Reader(z, name, MIN_BUDGET + MAX_RATIO * size)
                return reader.node(header["root"])
        except CheckpointError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
                struct.error, NotImplementedError, RuntimeError, OverflowError, MemoryError, RecursionError) as e:
            raise CheckpointError(f"{name}: not a readable checkpoint ({type(e).__name__}: {e})") from None
    finally:
        if handle is not f:
            handle.close()
