"""``torch.nn.utils.parametrizations``: weight norm, spectral norm and orthogonal matrices as
parametrizations (see :mod:`scratchnet.nn.utils.parametrize`).

    weight_norm:    weight = g * v / ||v||            (original0 = g, original1 = v)
    spectral_norm:  weight = W / sigma(W)             (power iteration on buffers _u, _v)
    orthogonal:     weight = Q, Q^T Q = I             (matrix_exp, cayley or householder map)

Real tensors only: scratchnet has no complex dtypes, so torch's complex branch of
``orthogonal`` (``mH``, complex ``sgn``) is not offered.

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> m = weight_norm(nn.Linear(3, 2))
>>> list(m.state_dict())
['bias', 'parametrizations.weight.original0', 'parametrizations.weight.original1']
"""

from enum import Enum, auto

from ... import creation
from ...backend import xp
from ...tensor import Tensor, no_grad
from ..functional import normalize
from ..module import Module
from . import parametrize
from .spectral_norm import _default_dim, _write
from .weight_norm import _weight_norm, norm_except_dim

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


# --- orthogonal -------------------------------------------------------------------------------------

def _householder_product(A, tau):
    """The first k columns of H_0 H_1 ... H_{k-1}, H_i = I - tau_i v_i v_i^T, v_i the i-th column
    of A below the diagonal with a 1 on it (torch.linalg.householder_product), by Tensor ops."""
    n, k = A.shape[-2], A.shape[-1]
    V = A.tril(-1) + creation.eye(n, k, dtype=A.dtype)
    Q = creation.eye(n, dtype=A.dtype).expand(*A.shape[:-2], n, n)
    for i in range(k):
        v = V[..., :, i:i + 1]
        Q = Q - tau[..., i:i + 1].unsqueeze(-1) * ((Q @ v) @ v.mT)
    return Q[..., :k]


def _geqrf(A):
    """LAPACK geqrf's (reflectors below the diagonal with R on and above it, tau), as torch.geqrf."""
    arr = A.array
    pairs = [xp.linalg.qr(m, mode="raw") for m in arr.reshape(-1, *arr.shape[-2:])]
    h = xp.stack([p[0].T for p in pairs]).reshape(arr.shape) if pairs else arr.copy()
    tau = xp.stack([p[1] for p in pairs]).reshape(*arr.shape[:-2], -1) if pairs else xp.zeros(arr.shape[:-2] + (0,), arr.dtype)
    return Tensor._make(xp.ascontiguousarray(h.astype(arr.dtype))), Tensor._make(tau.astype(arr.dtype))


def _make_orthogonal(A):
    """The Q of A = QR, with R's diagonal made positive."""
    from ... import linalg

    Q, R = linalg.qr(A)
    return Q * R.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


def _is_orthogonal(Q):
    n, k = Q.shape[-2], Q.shape[-1]
    eps = 10.0 * n * float(xp.finfo(Q.array.dtype).eps)
    return bool(xp.allclose((Q.mT @ Q).array, xp.eye(k, dtype=Q.array.dtype), rtol=1e-5, atol=eps))


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X):
        from ... import linalg, matrix_exp
        from ...ops import cat

        n, k = X.shape[-2], X.shape[-1]
        transposed = n < k
        if transposed:
            X, n, k = X.mT, k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            X = X.tril()
            if n != k:
                X = cat([X, creation.zeros(n, n - k, dtype=X.dtype).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mT
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = matrix_exp(A)
            else:
                eye = creation.eye(n, dtype=A.dtype)
                Q = linalg.solve(eye - 0.5 * A, eye + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if "base" in self._buffers:
            Q = self.base @ Q
        return Q.mT if transposed else Q

    def right_inverse(self, Q):
        from ...ops import cat
        from ...random import randn

        with no_grad():
            if Q.shape != self.shape:
                raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. Got a tensor of shape {Q.shape}.")
            Q_init = Q
            n, k = Q.shape[-2], Q.shape[-1]
            transpose = n < k
            if transpose:
                Q, n, k = Q.mT, k, n
            if "base" not in self._buffers:
                if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                    raise NotImplementedError("It is not possible to assign to the matrix exponential or the Cayley "
                                              "parametrizations when use_trivialization=False.")
                A, tau = _geqrf(Q)
                diag = xp.einsum("...ii->...i", A.array[..., :k, :k])
                signs = xp.sign(diag)
                signs[tau.array == 0.0] *= -1
                diag[...] = signs
                return A.mT if transpose else A
            if n == k:
                Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
            else:
                N = randn(*(tuple(Q.shape[:-2]) + (n, n - k)), dtype=Q.dtype)
                Q = _make_orthogonal(cat([Q, N], dim=-1))
            self.base = Q
            neg_id = creation.zeros_like(Q_init)
            neg_id.array[..., range(min(Q_init.shape[-2:])), range(min(Q_init.shape[-2:]))] = -1.0
            return neg_id


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Constrain ``module.<name>`` (a matrix or a batch of them) to be orthogonal:
    ``Q^T Q = I`` (or ``Q Q^T = I`` for a wide matrix).

    Args:
        module (nn.Module): the module; name (str): the tensor.
        orthogonal_map (str, optional): ``"matrix_exp"`` (exp of a skew-symmetric matrix),
            ``"cayley"`` ((I - A/2)^-1 (I + A/2)) or ``"householder"`` (a product of
            reflectors); default ``"matrix_exp"`` for a square matrix, else ``"householder"``.
        use_trivialization (bool): keep a buffer ``base`` so that the map is applied around the
            current matrix (``Q = base @ map(X)``); assigning to the weight is then possible
            with every map.

    The weight starts as the orthogonalised current weight (its QR's Q, with R's diagonal made
    positive). Real tensors only.

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> m = orthogonal(nn.Linear(4, 3))
    >>> Q = m.weight.detach()
    >>> bool(sn.allclose(Q @ Q.T, sn.eye(3), atol=1e-5))
    True
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError(f'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: {orthogonal_map}')
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


# --- weight norm ------------------------------------------------------------------------------------

class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """``weight = g * v / ||v||`` as a parametrization: ``original0`` is ``g`` (the norm over every
    dim but ``dim``; ``dim=None``: one norm of the whole tensor), ``original1`` is ``v``.

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> m = weight_norm(nn.Linear(3, 2))
    >>> tuple(m.parametrizations.weight.original0.shape), tuple(m.parametrizations.weight.original1.shape)
    ((2, 1), (2, 3))
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    return module


# --- spectral norm ----------------------------------------------------------------------------------

class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.shape
            with no_grad():
                u = weight_mat.new_empty(h).normal_(0, 1)
                v = weight_mat.new_empty(w).normal_(0, 1)
                self.register_buffer("_u", normalize(u, dim=0, eps=self.eps))
                self.register_buffer("_v", normalize(v, dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        with no_grad():
            for _ in range(n_power_iterations):
                _write(self._u, normalize(weight_mat.mv(self._v), dim=0, eps=self.eps))
                _write(self._v, normalize(weight_mat.mT.mv(self._u), dim=0, eps=self.eps))

    def forward(self, weight):
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        sigma = u.vdot(weight_mat.mv(v))
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """``weight = W / sigma(W)`` as a parametrization. ``sigma`` is estimated by power iteration
    with buffers ``parametrizations.<name>.0._u`` and ``._v``: drawn from the normal distribution
    (``u`` then ``v``, as torch, so one seed gives torch's numbers), refined 15 times at
    registration and ``n_power_iterations`` times at each read of the weight in training mode.

    Args: as :func:`scratchnet.nn.utils.spectral_norm` (``dim`` defaults to 1 for ConvTranspose).

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> m = spectral_norm(nn.Linear(5, 4))
    >>> round(sn.linalg.matrix_norm(m.weight.detach(), ord=2).item(), 3)
    1.0
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    fn = _SpectralNorm(weight, n_power_iterations, _default_dim(module, dim), eps)
    parametrize.register_parametrization(module, name, fn)
    return module
