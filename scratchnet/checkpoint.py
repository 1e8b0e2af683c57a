"""The CLI's checkpoints without pickle: named arrays in a NumPy ``.npz`` plus a JSON header
(``scratchnet.save``/``scratchnet.load`` for any object are in :mod:`scratchnet.serialization`).

Writes are atomic (a temporary file in the same folder, then a rename), so an interrupted save
never leaves a half-written checkpoint, and the temporary files of saves that were killed are
removed by the next save. Loads go through :mod:`scratchnet._safe_io` (bounded sizes, streamed
decompression with a ceiling, every member validated, never unpickling) and check the header.

>>> import os, tempfile, scratchnet as sn
>>> path = os.path.join(tempfile.mkdtemp(), "w.npz")
>>> save_arrays(path, {"w": sn.ones(2)}, {"kind": "demo"})
>>> arrays, meta = load_arrays(path)
>>> arrays["w"].tolist(), meta
([1.0, 1.0], {'kind': 'demo'})
"""

import glob
import json
import os
import tempfile

from ._safe_io import ReadError, read_npz
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
    remove_stale_temporaries(folder)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".tmp-{os.getpid()}-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            xp.savez(f, **payload)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def remove_stale_temporaries(folder):
    """Delete ``.tmp-PID-*.npz`` files left in ``folder`` by saves whose process is gone."""
    for tmp in glob.glob(os.path.join(folder, ".tmp-*-*.npz")):
        try:
            pid = int(os.path.basename(tmp).split("-")[1])
        except (IndexError, ValueError):
            continue
        if pid != os.getpid() and not _alive(pid):
            try:
                os.remove(tmp)
            except OSError:
                pass


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def load_arrays(path):
    """(arrays, meta) from a file written by :func:`save_arrays`; never unpickles.

    Any problem — a missing, truncated or corrupt file, a member that is not an array of an
    accepted dtype, a header that is not a JSON object — is one :class:`CheckpointError`.
    """
    if not os.path.isfile(path):
        raise CheckpointError(f"no checkpoint at {path}")
    try:
        arrays = read_npz(path)
    except ReadError as e:
        raise CheckpointError(f"not a readable checkpoint: {e}") from None
    if META_KEY not in arrays:
        raise CheckpointError(f"{path} is not a scratchnet checkpoint (no header)")
    header = arrays.pop(META_KEY)
    if header.dtype != xp.uint8 or header.ndim != 1:
        raise CheckpointError(f"{path} has a corrupt header (an array of {header.dtype}, shape {header.shape})")
    try:
        meta = json.loads(header.tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise CheckpointError(f"{path} has a corrupt header ({type(e).__name__})") from None
    if not isinstance(meta, dict):
        raise CheckpointError(f"{path} has a corrupt header (a JSON {type(meta).__name__}, expected an object)")
    return arrays, meta
