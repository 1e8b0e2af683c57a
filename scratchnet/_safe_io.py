"""The one path by which scratchnet reads files: bounded, validated, and never unpickling.

Everything scratchnet loads — checkpoints (``.npz``), ``scratchnet.load``, MNIST's IDX files,
text corpora — comes through these functions, which

* check every declared size (an archive member's, an array's shape, an IDX header's counts)
  against a bound *before* allocating anything;
* decompress as a stream with a ceiling, so a 1 MB "deflate bomb" cannot grow to gigabytes;
* validate each member's type, dtype and shape (``.npy`` members only; no object, float16 or
  complex arrays; the byte count must match the declared shape exactly);
* turn every failure — truncation, a flipped byte, a lie in a header — into one
  :class:`ReadError` naming the file and the problem (callers re-raise it as their own
  ``CheckpointError``/``DataError``).

>>> import io, numpy as np, zipfile
>>> buf = io.BytesIO()
>>> np.savez(buf, w=np.ones(3, dtype=np.float32))
>>> read_npz(io.BytesIO(buf.getvalue()), "mem")["w"].tolist()
[1.0, 1.0, 1.0]
"""

import ast
import gzip
import os
import zipfile
import zlib

from .backend import xp

#: No member, array or decompressed file may be larger than this (bytes).
MAX_BYTES = 4 * 2**30
#: A compressed file or member may inflate to at most this many times its stored size (npz
#: members that scratchnet writes are stored, ratio 1; MNIST's gzipped IDX files inflate ~5x).
MAX_RATIO = 10
#: The dtypes an array in a file may have.
ALLOWED_DTYPES = ("float32", "float64", "int64", "int32", "uint8", "bool")
CHUNK = 1 << 20


class ReadError(ValueError):
    """A file that cannot be read safely, with the reason (``str`` names the file)."""


def _limit_for(compressed_size):
    return min(MAX_BYTES, max(CHUNK, compressed_size * MAX_RATIO))


def read_bounded(stream, limit, name):
    """All bytes of a (possibly decompressing) ``stream``, refusing more than ``limit``."""
    chunks, total = [], 0
    while True:
        try:
            chunk = stream.read(min(CHUNK, limit + 1 - total))
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as e:
            raise ReadError(f"{name}: corrupt or truncated data ({e})") from None
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            raise ReadError(f"{name}: decompresses to more than {limit} bytes (a compression bomb, or not the file expected)")
        chunks.append(chunk)


def read_exact(stream, n, name):
    """Exactly ``n`` bytes from ``stream`` (read in chunks, so a lying header costs nothing)."""
    chunks, total = [], 0
    while total < n:
        try:
            chunk = stream.read(min(CHUNK, n - total))
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as e:
            raise ReadError(f"{name}: corrupt or truncated data ({e})") from None
        if not chunk:
            raise ReadError(f"{name}: truncated: {total} bytes where {n} were declared")
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def open_maybe_gzip(path):
    """``path`` opened for reading bytes, decompressing ``.gz`` files as a stream."""
    try:
        return gzip.open(path, "rb") if str(path).endswith(".gz") else open(path, "rb")
    except OSError as e:
        raise ReadError(f"{path}: cannot be opened ({e.strerror or e})") from None


def file_size(path):
    try:
        return os.path.getsize(path)
    except OSError as e:
        raise ReadError(f"{path}: cannot be read ({e.strerror or e})") from None


# --- .npy arrays inside .npz archives ------------------------------------------------------------


def _npy_header(stream, name):
    """(dtype, shape, fortran_order) from an ``.npy`` header, validated."""
    magic = read_exact(stream, 8, name)
    if magic[:6] != b"\x93NUMPY":
        raise ReadError(f"{name}: not a valid .npy array (bad magic)")
    major = magic[6]
    if major not in (1, 2, 3):
        raise ReadError(f"{name}: unknown .npy format version {major}")
    size_bytes = 2 if major == 1 else 4
    header_len = int.from_bytes(read_exact(stream, size_bytes, name), "little")
    if header_len > 65536:
        raise ReadError(f"{name}: .npy header of {header_len} bytes (corrupt)")
    text = read_exact(stream, header_len, name)
    try:
        header = ast.literal_eval(text.decode("latin1"))
        descr, shape, fortran = header["descr"], tuple(header["shape"]), bool(header["fortran_order"])
        dtype = xp.dtype(descr)
    except (ValueError, SyntaxError, KeyError, TypeError, MemoryError, RecursionError) as e:
        raise ReadError(f"{name}: corrupt .npy header ({type(e).__name__})") from None
    if dtype.name not in ALLOWED_DTYPES or dtype.hasobject:
        raise ReadError(f"{name}: arrays of dtype {dtype} are not accepted (allowed: {', '.join(ALLOWED_DTYPES)})")
    if not all(isinstance(s, int) and s >= 0 for s in shape):
        raise ReadError(f"{name}: invalid shape {shape}")
    return dtype, shape, fortran


def read_npy_member(archive, info, path, budget=None):
    """One ``.npy`` member of an open zip archive as an array, validated (see :func:`_read_member`);
    with ``budget`` (bytes), also refused when the array alone needs more than that."""
    return _read_member(archive, info, path, budget)


def _read_member(archive, info, path, budget=None):
    name = f"{path}: member {info.filename}"
    if not info.filename.endswith(".npy"):
        raise ReadError(f"{name}: not a .npy member")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ReadError(f"{name}: unsupported compression {info.compress_type}")
    if info.file_size > _limit_for(info.compress_size) and info.file_size > CHUNK:
        raise ReadError(f"{name}: declares {info.file_size} bytes from {info.compress_size} compressed (a decompression bomb; refused)")
    try:
        stream = archive.open(info)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, ValueError) as e:
        raise ReadError(f"{name}: cannot be opened ({e})") from None
    with stream:
        dtype, shape, fortran = _npy_header(stream, name)
        count = 1
        for s in shape:
            count *= s
        nbytes = count * dtype.itemsize
        if nbytes > MAX_BYTES or nbytes > info.file_size:
            raise ReadError(f"{name}: declares shape {shape} of {dtype} ({nbytes} bytes) but the member holds {info.file_size}")
        if budget is not None and nbytes > budget:
            raise ReadError(f"{name}: shape {shape} ({nbytes} bytes) is more than the archive can hold (corrupt, or a decompression bomb)")
        data = read_exact(stream, nbytes, name)
        if not at_end(stream, name):
            raise ReadError(f"{name}: holds more data than its shape (trailing bytes after the array)")
    array = xp.frombuffer(data, dtype=dtype)
    return (array.reshape(shape[::-1]).T if fortran else array.reshape(shape)).copy()


def read_npz(path, name=None):
    """Every array of an ``.npz`` (a path or binary file object), read within the bounds above."""
    name = name or str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as e:
        raise ReadError(f"{name}: not a .npz archive ({e})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > 100000:
            raise ReadError(f"{name}: {len(infos)} members (refused)")
        if sum(i.file_size for i in infos) > MAX_BYTES:
            raise ReadError(f"{name}: declares more than {MAX_BYTES} bytes in all (refused)")
        out = {}
        for info in infos:
            key = info.filename[: -len(".npy")] if info.filename.endswith(".npy") else info.filename
            if key in out:
                raise ReadError(f"{name}: member {key!r} appears twice")
            out[key] = _read_member(archive, info, name)
        return out


# --- IDX files (MNIST) -----------------------------------------------------------------------------


def read_idx(path, magic, item_shape):
    """The uint8 array of an IDX file (gzipped or not), header and length checked, memory bounded
    by what the header declares."""
    name = str(path)
    with open_maybe_gzip(path) as f:
        head = read_exact_or(f, 8 + 4 * len(item_shape), name, "truncated header")
        found = int.from_bytes(head[0:4], "big")
        if found != magic:
            raise ReadError(f"{name}: magic number {found}, expected {magic} (is this the right file?)")
        count = int.from_bytes(head[4:8], "big")
        dims = tuple(int.from_bytes(head[8 + 4 * i: 12 + 4 * i], "big") for i in range(len(item_shape)))
        if dims != tuple(item_shape):
            raise ReadError(f"{name}: items of shape {dims}, expected {tuple(item_shape)}")
        per_item = 1
        for d in item_shape:
            per_item *= d
        expected = count * per_item
        stored = file_size(path)
        if expected > (_limit_for(stored) if name.endswith(".gz") else stored - len(head)):
            raise ReadError(f"{name}: declares {count} items ({expected} bytes), more than the file can hold "
                            f"(truncated, corrupt or a decompression bomb)")
        if not name.endswith(".gz") and expected < stored - len(head):
            raise ReadError(f"{name}: more bytes than the {count} items its header declares (corrupt)")
        body = read_exact_or(f, expected, name, f"truncated or corrupt: fewer than the {count} items declared")
        if not at_end(f, name):
            raise ReadError(f"{name}: more bytes than the {count} items its header declares (corrupt)")
    return xp.frombuffer(body, dtype=xp.uint8).reshape((count, *item_shape))


def at_end(stream, name):
    """Whether ``stream`` has nothing left (reading one byte, never more)."""
    try:
        return not stream.read(1)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as e:
        raise ReadError(f"{name}: corrupt or truncated data ({e})") from None


def read_exact_or(stream, n, name, message):
    try:
        return read_exact(stream, n, name)
    except ReadError as e:
        if "truncated" in str(e):
            raise ReadError(f"{name}: {message}") from None
        raise
