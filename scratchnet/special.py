"""scratchnet.special mirrors torch.special: the error-function family and the normal
distribution (``ndtr``, ``log_ndtr``, ``ndtri``, ``erfcx``), ``sinc``, ``entr``, ``xlog1py``, the
gamma family (``gammaln``, ``digamma``/``psi``, ``polygamma``, ``multigammaln``, ``gammainc``,
``gammaincc``, ``zeta``), the Bessel functions (``i0``, ``i0e``, ``i1``, ``i1e``, ``bessel_j0``
... ``scaled_modified_bessel_k1``, ``spherical_bessel_j0``), ``airy_ai``, the orthogonal
polynomials (Chebyshev, Hermite, Laguerre, Legendre) and the aliases of elementwise ops.

The functions live in ``scratchnet/ops`` (``_special_funcs.py``, ``_bessel_more.py``,
``_special_poly.py``, ``incomplete_gamma.py``, ``gamma.py``, ``bessel.py``); this module exports
exactly torch.special's public names.

>>> import scratchnet as sn
>>> print(f"{sn.special.ndtr(sn.tensor(1.0)).item():.6f}")
0.841345
>>> sn.special.chebyshev_polynomial_t(sn.tensor([0.5]), 2)
tensor([-0.5000])
"""

from .ops import _special_funcs

__all__ = list(_special_funcs.__all__)
globals().update({_name: getattr(_special_funcs, _name) for _name in __all__})
del _special_funcs
