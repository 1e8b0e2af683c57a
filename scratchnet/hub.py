"""torch.hub's names that programs import for themselves: ``tqdm`` (the progress bar torch re-exports),
the hub directory, and ``load_state_dict_from_url`` for files already in that directory.

scratchnet never downloads: a checkpoint must already lie in ``get_dir()/checkpoints`` (or the
``model_dir`` you name), where torch would have cached it.

>>> from scratchnet.hub import tqdm
>>> sum(tqdm(range(3), disable=True))
3
"""

import os

try:
    from tqdm import tqdm  # the same bar torch.hub re-exports when tqdm is installed
except ImportError:  # pragma: no cover - tqdm is a dependency of the dev environment
    class tqdm:  # noqa: N801  (torch's name)
        """A stand-in progress bar when tqdm is missing: iterates, counts, and prints nothing."""

        def __init__(self, iterable=None, total=None, desc=None, disable=False, unit="it", unit_scale=False, unit_divisor=1000, **kwargs):
            self.iterable, self.total, self.n = iterable, total, 0

        def __iter__(self):
            for item in self.iterable:
                self.n += 1
                yield item

        def __len__(self):
            return len(self.iterable) if self.total is None else self.total

        def update(self, n=1):
            self.n += n

        def set_postfix(self, *args, **kwargs):
            pass

        def set_description(self, *args, **kwargs):
            pass

        def close(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.close()

__all__ = ["get_dir", "set_dir", "load_state_dict_from_url", "tqdm"]

_hub_dir = None


def get_dir():
    """The hub directory: what ``set_dir`` set, else ``$TORCH_HOME/hub`` (``$TORCH_HOME`` defaults to
    ``$XDG_CACHE_HOME/torch``, that to ``~/.cache``), as torch resolves it.

    >>> set_dir(os.path.join("my-cache", "hub")); get_dir() == os.path.join("my-cache", "hub")
    True
    >>> set_dir(None)
    """
    if _hub_dir is not None:
        return _hub_dir
    cache = os.getenv("XDG_CACHE_HOME", os.path.join("~", ".cache"))
    return os.path.join(os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(cache, "torch"))), "hub")


def set_dir(d):
    """Set the hub directory ``get_dir`` returns (``None`` goes back to the default)."""
    global _hub_dir
    _hub_dir = None if d is None else os.path.expanduser(os.fspath(d))


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False, file_name=None, weights_only=False):
    """Load the object saved at ``url`` from the hub's cache (``model_dir`` or ``get_dir()/checkpoints``,
    file named after the url's last part or ``file_name``). scratchnet does not download: a file
    missing from the cache raises ``RuntimeError`` naming where it was looked for.

    >>> load_state_dict_from_url("https://example.com/none.pth", model_dir="no-such-cache")
    Traceback (most recent call last):
    ...
    RuntimeError: load_state_dict_from_url: scratchnet does not download; expected the file at no-such-cache/none.pth
    """
    from .serialization import load

    model_dir = os.path.join(get_dir(), "checkpoints") if model_dir is None else model_dir
    path = os.path.join(model_dir, file_name or os.path.basename(url.split("?")[0]))
    if not os.path.exists(path):
        raise RuntimeError(f"load_state_dict_from_url: scratchnet does not download; expected the file at {path}")
    return load(path, map_location=map_location, weights_only=weights_only)
