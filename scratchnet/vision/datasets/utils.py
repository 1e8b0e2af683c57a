"""The error types of ``scratchnet.vision.datasets``. Files are read through ``scratchnet._safe_io``
(bounded reads, streamed decompression with a ceiling); its ``ReadError`` reaches users as a
:class:`DataError` naming the file and the problem.

>>> issubclass(DataNotFound, RuntimeError), issubclass(DataError, ValueError)
(True, True)
"""


class DataError(ValueError):
    """A data folder or file that cannot be used, with the reason."""


class DataNotFound(DataError, RuntimeError):
    """No dataset where one was expected (a RuntimeError, as torchvision raises)."""
