"""``scratchnet.backends``, as ``torch.backends``: flags that programs set (``cudnn.deterministic``,
``cudnn.benchmark``) are accepted and change nothing here; GPU backends report unavailable.

>>> cudnn.deterministic = True
>>> mps.is_available(), cudnn.is_available()
(False, False)
"""

from . import cuda, cudnn, mkldnn, mps  # noqa: F401
