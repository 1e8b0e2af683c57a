"""Helpers of the DataLoader, as ``torch.utils.data._utils``: collation and the worker processes."""

from . import collate, worker  # noqa: F401
