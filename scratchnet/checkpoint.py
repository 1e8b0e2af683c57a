"""The CLI's checkpoints without pickle: named arrays in a NumPy ``.npz`` plus a JSON header
(``scratchnet.save``/``scratchnet.load`` for any object are in :mod:`scratchnet.serialization`).

Writes are atomic (a temporary file in the same folder, then a rename), so an interrupted save
never leaves a half-written checkpoint; loads use ``allow_pickle=False`` and check what they read.

>>> import os, tempfile, scratchnet as sn
>>> path = os.path.join(tempfile.mkdtemp(), "w.npz")
>>> save_arrays(path, {"w": sn.ones(2)}, {"kind": "demo"})
>>> arrays, meta = load_arrays(path)
>>> arrays["w"].tolist(), meta
([1.0, 1.0], {'kind': 'demo'})
"""

import json
import os
import tempfile
import zipfile

from .backend import xp
from .tensor import Tensor

META_KEY = "__scratchnet_meta__"


class CheckpointError(ValueError):
    """A checkpoint that cannot be used, with the reason."""


def save_arrays(path, arrays, meta=None):
    """Write ``arrays`` (name -> array or Tensor) and a JSON-able ``meta`` dict to ``path``, atomically."""
    payload = {k: (v.detach().array if isinstance(v, Tensor) else xp.asarray(v)) for k, v in arrays.items()}
    payload[META_KEY] = xp.frombuffer(json.dumps(meta or {}).encode(), dtype=xp.uint8)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            xp.savez(f, **payload)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load_arrays(path):
    """(arrays, meta) from a file written by :func:`save_arrays`; never unpickles."""
    if not os.path.isfile(path):
        raise CheckpointError(f"no checkpoint at {path}")
    with open(path, "rb") as f:
        if f.read(2) != b"PK":
            raise CheckpointError(f"{path} is not a .npz archive (corrupt, or not written by scratchnet)")
    try:
        with xp.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise CheckpointError(f"{path} is not a readable checkpoint ({e})") from None
    if META_KEY not in arrays:
        raise CheckpointError(f"{path} is not a scratchnet checkpoint (no header)")
    try:
        meta = json.loads(arrays.pop(META_KEY).tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(f"{path} has a corrupt header ({e})") from None
    return arrays, meta
