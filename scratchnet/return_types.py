"""Named results, as ``torch.return_types``: ``x.max(dim=0)`` gives ``max(values, indices)``.

Each is a namedtuple, so ``values, indices = x.sort()`` and ``x.sort().values`` both work.

>>> import scratchnet as sn
>>> out = sn.tensor([3.0, 1.0]).sort()
>>> out.indices.tolist(), out[0].tolist()
([1, 0], [1.0, 3.0])
"""

from collections import namedtuple


def _named(name, fields=("values", "indices")):
    cls = namedtuple(name, fields)
    cls.__module__ = __name__

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"scratchnet.return_types.{name}(\n{body})"

    cls.__repr__ = __repr__
    return cls


max = _named("max")  # noqa: A001
min = _named("min")  # noqa: A001
sort = _named("sort")
topk = _named("topk")
kthvalue = _named("kthvalue")
median = _named("median")
nanmedian = _named("nanmedian")
mode = _named("mode")
cummax = _named("cummax")
cummin = _named("cummin")
aminmax = _named("aminmax", ("min", "max"))

__all__ = ["max", "min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode", "cummax", "cummin", "aminmax"]
