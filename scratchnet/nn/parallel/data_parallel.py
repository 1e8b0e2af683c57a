"""``DataParallel`` and ``data_parallel`` as torch has them on a machine without GPUs: the wrapper
holds the module (state-dict keys ``module.*``) and its forward is the module's; the functional
form, which needs a device to split the batch over, raises torch's error.

>>> import scratchnet as sn
>>> net = DataParallel(sn.nn.Linear(3, 2))
>>> net(sn.zeros(4, 3)).shape, net.device_ids, list(net.state_dict())
(scratchnet.Size([4, 2]), [], ['module.weight', 'module.bias'])
"""

from ..module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    """``torch.nn.DataParallel`` without GPUs: runs ``module`` unchanged (``device_ids`` is ``[]``).

    torch splits each batch over its GPUs; with none (as here) it keeps the module and calls it,
    and so does this. ``device_ids``, ``output_device`` and ``dim`` are accepted."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    """``torch.nn.parallel.data_parallel``: raises torch's RuntimeError, as torch does with no GPU
    to spread the batch over.

    >>> import scratchnet as sn
    >>> data_parallel(sn.nn.Linear(3, 2), sn.zeros(4, 3))
    Traceback (most recent call last):
    RuntimeError: device type could not be determined
    """
    raise RuntimeError("device type could not be determined")
