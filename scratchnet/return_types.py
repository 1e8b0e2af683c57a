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
# the results of torch.linalg and friends, for the ops that return them
linalg_slogdet = _named("linalg_slogdet", ("sign", "logabsdet"))
slogdet = _named("slogdet", ("sign", "logabsdet"))
linalg_qr = _named("linalg_qr", ("Q", "R"))
linalg_eigh = _named("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_eig = _named("linalg_eig", ("eigenvalues", "eigenvectors"))
linalg_svd = _named("linalg_svd", ("U", "S", "Vh"))
svd = _named("svd", ("U", "S", "V"))
linalg_cholesky_ex = _named("linalg_cholesky_ex", ("L", "info"))
linalg_inv_ex = _named("linalg_inv_ex", ("inverse", "info"))
linalg_solve_ex = _named("linalg_solve_ex", ("result", "info"))
linalg_lstsq = _named("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
linalg_lu_factor = _named("linalg_lu_factor", ("LU", "pivots"))
linalg_lu = _named("linalg_lu", ("P", "L", "U"))
frexp = _named("frexp", ("mantissa", "exponent"))
histogram = _named("histogram", ("hist", "bin_edges"))
histogramdd = _named("histogramdd", ("hist", "bin_edges"))

__all__ = [
    "max", "min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode", "cummax", "cummin", "aminmax",
    "linalg_slogdet", "slogdet", "linalg_qr", "linalg_eigh", "linalg_eig", "linalg_svd", "svd",
    "linalg_cholesky_ex", "linalg_inv_ex", "linalg_solve_ex", "linalg_lstsq", "linalg_lu_factor", "linalg_lu",
    "frexp", "histogram",
    "histogramdd",
]
