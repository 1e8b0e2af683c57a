"""Reading data files safely: bounded reads (a declared size is checked against a bound before
anything is allocated; decompression is streamed and stops at a ceiling) and one error type.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "x.bin")
>>> _ = open(path, "wb").write(b"abcdef")
>>> with open_stream(path) as f:
...     read_exactly(f, 4, path, "data")
b'abcd'
"""

import gzip
import os
import zlib

#: Decompressed files may be at most this many times their compressed size (MNIST's IDX files
#: compress about 2-5x); more is refused as a decompression bomb before it is read.
MAX_RATIO = 8
#: ... and never more than this many bytes, whatever the file claims.
MAX_BYTES = 2**31


class DataError(ValueError):
    """A data folder or file that cannot be used, with the reason."""


class DataNotFound(DataError, RuntimeError):
    """No dataset where one was expected (a RuntimeError, as torchvision raises)."""


def open_stream(path):
    """A binary file object over ``path``'s bytes (gunzipped as it is read when it ends in .gz)."""
    try:
        return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")
    except OSError as e:
        raise DataError(f"{path}: cannot be read ({e.strerror or e})") from None


def byte_budget(path):
    """The most bytes a reader may take from ``path``: its size, or MAX_RATIO times that if gzipped."""
    size = os.path.getsize(path)
    return min(MAX_BYTES, size * MAX_RATIO if path.endswith(".gz") else size)


def read_exactly(f, n, path, what):
    """``n`` bytes from ``f`` (in chunks, so a lying header costs no memory), else a DataError."""
    chunks, left = [], n
    try:
        while left:
            chunk = f.read(min(left, 1 << 22))
            if not chunk:
                raise DataError(f"{path}: truncated {what} ({n - left} of {n} bytes)")
            chunks.append(chunk)
            left -= len(chunk)
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(f"{path}: corrupt {what} ({e})") from None
    return b"".join(chunks)


def at_end(f, path):
    """True when ``f`` holds no more bytes."""
    try:
        return f.read(1) == b""
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(f"{path}: corrupt data ({e})") from None
