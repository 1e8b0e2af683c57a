"""Regressions found by running PyTorch's own OpInfo samples (tools/opinfo_sweep.py) on the linear
algebra family, each compared with torch at runtime on a small pinned input: values, dtypes,
shapes, pivots, errors and gradients.
"""

import numpy as np
import pytest
import torch

import scratchnet as sn

RNG = np.random.default_rng(0)
SQUARE = RNG.standard_normal((2, 3, 3))
WIDE = RNG.standard_normal((3, 5))
TALL = RNG.standard_normal((5, 3))


def _pair(array, grad=True):
    return sn.tensor(array.copy(), requires_grad=grad), torch.tensor(array.copy(), requires_grad=grad)


def _leaves(out):
    return [leaf for o in out for leaf in _leaves(o)] if isinstance(out, (tuple, list)) else [out]


def _check(fn, *arrays, grad=True):
    """fn(lib, *tensors) on both engines: the same outputs (dtype, shape, values) and, where the
    outputs carry a graph, the same gradient of a fixed weighting of them."""
    pairs = [_pair(a, grad) for a in arrays]
    ours, theirs = _leaves(fn(sn, *[p[0] for p in pairs])), _leaves(fn(torch, *[p[1] for p in pairs]))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-9)
    assert [o.requires_grad for o in ours] == [o.requires_grad for o in theirs]
    if not grad or not any(o.requires_grad for o in theirs):
        return
    weights = [RNG.standard_normal(tuple(b.shape)) for b in theirs]
    total = [sum((o * lib.tensor(w)).sum() for o, w in zip(outs, weights) if o.requires_grad)
             for lib, outs in ((sn, ours), (torch, theirs))]
    try:
        g_theirs = torch.autograd.grad(total[1], [p[1] for p in pairs], allow_unused=True)
    except RuntimeError:  # no derivative in torch (geqrf, ldl): scratchnet's backward refuses too
        with pytest.raises(RuntimeError, match="not implemented"):
            sn.autograd.grad(total[0], [p[0] for p in pairs], allow_unused=True)
        return
    g_ours = sn.autograd.grad(total[0], [p[0] for p in pairs], allow_unused=True)
    for a, b in zip(g_ours, g_theirs):
        assert (a is None) == (b is None)
        if b is None:
            continue
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-8, atol=1e-9)


def _seeded_product(lib, fn, *args, **kwargs):
    """A randomized factorization from seed 0 (both engines draw the same numbers): its singular
    values and the approximation ``U diag(S) V^T``, which do not depend on the factors' signs."""
    lib.manual_seed(0)
    U, S, V = fn(*args, **kwargs)
    return S, (U * S.unsqueeze(-2)) @ V.mT


def _lu_solve(lib, a, b, left, adjoint):
    LU, pivots = lib.linalg.lu_factor(a)
    return lib.linalg.lu_solve(LU, pivots, b, left=left, adjoint=adjoint)


CASES = {
    # linalg.pinv(hermitian=True) ignored `hermitian` (the SVD of the whole matrix): torch reads the lower triangle
    "pinv-hermitian-nonsymmetric": (lambda lib, a: lib.linalg.pinv(a, hermitian=True), [SQUARE]),
    # linalg.lstsq(driver='gels') returned a rank; torch's is empty
    "lstsq-gels-rank": (lambda lib, a, b: tuple(lib.linalg.lstsq(a, b, driver="gels")), [TALL, TALL[:, :2]]),
    # matmul of a constant batch with a tensor that wants a gradient crashed in backward
    "matmul-constant-batch": (lambda lib, a, b: lib.matmul(a.detach(), b), [SQUARE, SQUARE]),
    # the LU family was missing
    "lu_factor-square": (lambda lib, a: tuple(lib.linalg.lu_factor(a)), [SQUARE]),
    "lu_factor_ex-wide": (lambda lib, a: tuple(lib.linalg.lu_factor_ex(a)), [WIDE]),
    "linalg.lu-wide": (lambda lib, a: tuple(lib.linalg.lu(a)), [WIDE]),
    "linalg.lu-tall": (lambda lib, a: tuple(lib.linalg.lu(a)), [TALL]),
    "lu_unpack-tall": (lambda lib, a: tuple(lib.lu_unpack(*lib.linalg.lu_factor(a))), [TALL]),
    "torch.lu-infos": (lambda lib, a: tuple(lib.lu(a, get_infos=True)), [SQUARE]),
    "lu_solve-left": (lambda lib, a, b: _lu_solve(lib, a, b, True, False), [SQUARE, SQUARE[0, :, :2]]),
    "lu_solve-adjoint": (lambda lib, a, b: _lu_solve(lib, a, b, True, True), [SQUARE, SQUARE[:, :, :2]]),
    "lu_solve-right-adjoint": (lambda lib, a, b: _lu_solve(lib, a, b, False, True), [SQUARE, SQUARE[:, :2, :]]),
    "torch.lu_solve": (lambda lib, a, b: lib.lu_solve(b, *lib.linalg.lu_factor(a)), [SQUARE, SQUARE[:, :, :1]]),
    # the Householder family, the matrix functions, the randomized low-rank SVD/PCA and mH were missing
    "svd_lowrank-M": (lambda lib, a, m: _seeded_product(lib, lib.svd_lowrank, a, q=2, M=m), [WIDE, WIDE[:1]]),
    "pca_lowrank": (lambda lib, a: _seeded_product(lib, lib.pca_lowrank, a, q=2), [TALL]),
    "ldl_factor-indefinite": (lambda lib, a: tuple(lib.linalg.ldl_factor(a + a.mT)), [SQUARE]),
    "ldl_solve": (lambda lib, a, b: lib.linalg.ldl_solve(*lib.linalg.ldl_factor(a + a.mT), b), [SQUARE, SQUARE[0, :, :2]]),
    "mH-adjoint": (lambda lib, a: (a.mH, lib.adjoint(a), a[0].H), [SQUARE]),
    "geqrf-tall": (lambda lib, a: tuple(lib.geqrf(a)), [TALL]),
    "householder_product": (lambda lib, a: lib.linalg.householder_product(a, lib.geqrf(a.detach()).tau), [TALL]),
    "orgqr": (lambda lib, a: lib.orgqr(a, lib.geqrf(a.detach()).tau), [TALL]),
    "ormqr-right-transpose": (lambda lib, a, c: lib.ormqr(a, lib.geqrf(a.detach()).tau, c, left=False, transpose=True), [TALL, TALL.T[:2]]),
    "matrix_sqrth": (lambda lib, a: lib.linalg.matrix_sqrth(a @ a.mT + lib.eye(5, dtype=a.dtype)), [TALL]),
    "polar": (lambda lib, a: tuple(lib.linalg.polar(a)), [TALL]),
}


@pytest.mark.filterwarnings("ignore:torch.lu")
@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    fn, arrays = CASES[name]
    _check(fn, *arrays)


def _raises_like(fn):
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(type(theirs.value)) as ours:
        fn(sn)
    return str(ours.value), str(theirs.value)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.linalg.lu_factor(lib.tensor([[1.0, 2.0], [2.0, 4.0]])),  # singular: U[2,2] is zero
    lambda lib: lib.linalg.lu_factor(lib.ones(2, 2, dtype=lib.int64)),  # NotImplementedError
    lambda lib: lib.linalg.lu_factor(lib.eye(2), pivot=False),
    lambda lib: lib.linalg.lu_solve(*lib.linalg.lu_factor(lib.eye(3)), lib.ones(4, 2)),
    lambda lib: lib.linalg.lu_solve(lib.linalg.lu_factor(lib.eye(3))[0], lib.ones(3, dtype=lib.int64), lib.ones(3, 2)),
    lambda lib: lib.lu_unpack(lib.eye(3), lib.tensor([1, 5, 3], dtype=lib.int32)),
], ids=["singular", "integer", "no-pivot", "shapes", "pivot-dtype", "pivot-range"])
def test_errors_match_torch(fn):
    ours, theirs = _raises_like(fn)
    assert ours.split(":")[0] == theirs.split(":")[0]


@pytest.mark.parametrize("name", ["eig", "eigvals"])
def test_eig_refuses_clearly(name):
    """torch's results are complex: scratchnet (no complex dtypes) raises, naming the way out."""
    with pytest.raises(NotImplementedError, match="complex"):
        getattr(sn.linalg, name)(sn.eye(2))

