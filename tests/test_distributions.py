"""scratchnet.distributions against torch.distributions.

Each distribution is built in both libraries from the same hypothesis-drawn parameters (float32
and float64, batch shapes from 0-d to 2-d, empty ones included) and checked for: batch/event
shapes; log_prob at drawn values in the support, entropy, mean, mode, variance, stddev, cdf and
icdf (where torch has them: a torch error must be met by the same exception type); the gradient
of ``log_prob.sum() + entropy.sum() (+ rsample.sum())`` with respect to every parameter against
``torch.autograd.grad``; and the draws of ``sample``/``rsample`` after the same seed, bit for bit.
Then KL divergences of the registered pairs, and the errors torch raises (invalid parameters under
validate_args, values outside the support, shape mismatches, both probs and logits given).
"""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import scratchnet
import scratchnet.distributions as sd

TOL = {"float32": (2e-4, 2e-5), "float64": (1e-9, 1e-11)}
K = 3  # events of Categorical / Dirichlet / MultivariateNormal


def _sigmoid(x):
    return 1 / (1 + np.exp(-x)) * 0.9 + 0.05


def _positive(x):
    return np.abs(x) + 0.3


def _real(x):
    return x


def _big(x):
    return np.abs(x) * 2 + 2.5  # StudentT's df > 2 (a finite variance) and Gamma shapes away from 0


class Spec:
    """params: (name, trailing event shape, domain); build(D, p) -> distribution; value(rng, shape, p)."""

    def __init__(self, name, params, build, value, sample=True, cdf=False, icdf=False, event=(), exact=True, rsample_grad=True):
        self.name, self.params, self.build, self.value = name, params, build, value
        self.rsample_grad = rsample_grad  # False: rsample with parameters that require grad is refused (Dirichlet, Beta)
        # exact=False: the same uniforms/normals are drawn, then pass through log1p/log/exp/tanh or a
        # matmul, whose last-ulp rounding is NumPy's, not torch's vectorised (SLEEF) kernels'
        self.exact = exact
        self.sample, self.cdf, self.icdf, self.event = sample, cdf, icdf, event

    def __repr__(self):
        return self.name


def _ints(hi):
    return lambda rng, shape, p: rng.integers(0, hi + 1, shape).astype(float)


def _reals(rng, shape, p):
    return rng.standard_normal(shape) * 2


def _pos(rng, shape, p):
    return np.abs(rng.standard_normal(shape)) + 0.1


def _unit(rng, shape, p):
    return rng.uniform(0.05, 0.95, shape)


def _inside_uniform(rng, shape, p):
    return p["low"] + rng.uniform(0.05, 0.95, shape) * p["width"]


def _one_hot(rng, shape, p):
    return np.eye(K)[rng.integers(0, K, shape[:-1])]


def _simplex(rng, shape, p):
    x = np.exp(rng.standard_normal(shape))
    return x / x.sum(-1, keepdims=True)


def _tril(lib, raw):
    return lib.tril(raw, -1) + lib.diag_embed(lib.exp(raw.diagonal(dim1=-2, dim2=-1) * 0.3))


def _covariance(lib, raw):
    return raw @ raw.transpose(-1, -2) + lib.eye(K, dtype=raw.dtype)


SPECS = [
    Spec("Normal", [("loc", (), _real), ("scale", (), _positive)], lambda D, p: D.Normal(p["loc"], p["scale"]), _reals, cdf=True, icdf=True),
    Spec("Bernoulli-probs", [("probs", (), _sigmoid)], lambda D, p: D.Bernoulli(probs=p["probs"]), _ints(1)),
    Spec("Bernoulli-logits", [("logits", (), _real)], lambda D, p: D.Bernoulli(logits=p["logits"]), _ints(1)),
    Spec("Categorical-probs", [("probs", (K,), _positive)], lambda D, p: D.Categorical(probs=p["probs"]), _ints(K - 1)),
    Spec("Categorical-logits", [("logits", (K,), _real)], lambda D, p: D.Categorical(logits=p["logits"]), _ints(K - 1)),
    Spec("OneHotCategorical", [("probs", (K,), _positive)], lambda D, p: D.OneHotCategorical(probs=p["probs"]), _one_hot, event=(K,)),
    Spec("OneHotCategoricalStraightThrough", [("logits", (K,), _real)], lambda D, p: D.OneHotCategoricalStraightThrough(logits=p["logits"]), _one_hot, event=(K,)),
    Spec("Uniform", [("low", (), _real), ("width", (), _positive)], lambda D, p: D.Uniform(p["low"], p["low"] + p["width"]), _inside_uniform, cdf=True, icdf=True),
    Spec("Exponential", [("rate", (), _positive)], lambda D, p: D.Exponential(p["rate"]), _pos, cdf=True, icdf=True),
    Spec("Laplace", [("loc", (), _real), ("scale", (), _positive)], lambda D, p: D.Laplace(p["loc"], p["scale"]), _reals, cdf=True, icdf=True, exact=False),
    Spec("Cauchy", [("loc", (), _real), ("scale", (), _positive)], lambda D, p: D.Cauchy(p["loc"], p["scale"]), _reals, cdf=True, icdf=True),
    Spec("LogNormal", [("loc", (), _real), ("scale", (), _positive)], lambda D, p: D.LogNormal(p["loc"], p["scale"]), _pos, cdf=True, icdf=True, exact=False),
    Spec("Gumbel", [("loc", (), _real), ("scale", (), _positive)], lambda D, p: D.Gumbel(p["loc"], p["scale"]), _reals, exact=False),
    Spec("Geometric", [("probs", (), _sigmoid)], lambda D, p: D.Geometric(probs=p["probs"]), _ints(6)),
    Spec("Poisson", [("rate", (), _positive)], lambda D, p: D.Poisson(p["rate"]), _ints(6)),
    Spec("Binomial", [("probs", (), _sigmoid)], lambda D, p: D.Binomial(5, probs=p["probs"]), _ints(5)),
    Spec("Binomial-logits", [("logits", (), _real)], lambda D, p: D.Binomial(4, logits=p["logits"]), _ints(4)),
    Spec("Poisson-large", [("rate", (), lambda x: np.abs(x) * 30 + 10)], lambda D, p: D.Poisson(p["rate"]), _ints(40)),
    Spec("Binomial-large", [("probs", (), _sigmoid)], lambda D, p: D.Binomial(60, probs=p["probs"]), _ints(60)),
    Spec("Gamma", [("concentration", (), _positive), ("rate", (), _positive)], lambda D, p: D.Gamma(p["concentration"], p["rate"]), _pos),
    Spec("Chi2", [("df", (), _big)], lambda D, p: D.Chi2(p["df"]), _pos),
    Spec("Beta", [("a", (), _positive), ("b", (), _positive)], lambda D, p: D.Beta(p["a"], p["b"]), _unit),
    Spec("Dirichlet", [("concentration", (K,), _positive)], lambda D, p: D.Dirichlet(p["concentration"]), _simplex, event=(K,)),
    Spec("StudentT", [("df", (), _big), ("loc", (), _real), ("scale", (), _positive)], lambda D, p: D.StudentT(p["df"], p["loc"], p["scale"]), _reals, exact=False),
    Spec("HalfNormal", [("scale", (), _positive)], lambda D, p: D.HalfNormal(p["scale"]), _pos, cdf=True, icdf=True),
    Spec("HalfCauchy", [("scale", (), _positive)], lambda D, p: D.HalfCauchy(p["scale"]), _pos, cdf=True, icdf=True),
    Spec("Pareto", [("scale", (), _positive), ("alpha", (), _big)], lambda D, p: D.Pareto(p["scale"], p["alpha"]),
         lambda rng, shape, p: p["scale"] * (1 + _pos(rng, shape, p)), cdf=True, icdf=True, exact=False),
    Spec("Weibull", [("scale", (), _positive), ("concentration", (), _positive)], lambda D, p: D.Weibull(p["scale"], p["concentration"]),
         _pos, cdf=True, icdf=True, exact=False),
    Spec("Multinomial", [("probs", (K,), _positive)], lambda D, p: D.Multinomial(4, probs=p["probs"]),
         lambda rng, shape, p: rng.multinomial(4, [1 / K] * K, size=shape[:-1]).astype(float), event=(K,)),
    Spec("NegativeBinomial", [("probs", (), _sigmoid)], lambda D, p: D.NegativeBinomial(3.0, probs=p["probs"]), _ints(8)),
    Spec("RelaxedOneHotCategorical", [("probs", (K,), _positive)],
         lambda D, p: D.RelaxedOneHotCategorical(D.lib.tensor(0.7, dtype=p["probs"].dtype), probs=p["probs"]), _simplex, event=(K,), exact=False),
    Spec("RelaxedBernoulli", [("logits", (), _real)],
         lambda D, p: D.RelaxedBernoulli(D.lib.tensor(0.7, dtype=p["logits"].dtype), logits=p["logits"]), _unit, exact=False),
    Spec("MixtureSameFamily", [("mix", (K,), _positive), ("loc", (K,), _real), ("scale", (K,), _positive)],
         lambda D, p: D.MixtureSameFamily(D.Categorical(probs=p["mix"]), D.Normal(p["loc"], p["scale"])), _reals, cdf=True),
    Spec("InverseGamma", [("concentration", (), _big), ("rate", (), _positive)], lambda D, p: D.InverseGamma(p["concentration"], p["rate"]), _pos, exact=False),
    Spec("FisherSnedecor", [("df1", (), _big), ("df2", (), _big)], lambda D, p: D.FisherSnedecor(p["df1"], p["df2"]), _pos, exact=False),
    Spec("Kumaraswamy", [("a", (), _positive), ("b", (), _positive)], lambda D, p: D.Kumaraswamy(p["a"], p["b"]), _unit, exact=False),
    Spec("LogisticNormal", [("loc", (K - 1,), _real), ("scale", (K - 1,), _positive)], lambda D, p: D.LogisticNormal(p["loc"], p["scale"]),
         _simplex, event=(K,), exact=False),
    Spec("MultivariateNormal-tril", [("loc", (K,), _real), ("raw", (K, K), _real)],
         lambda D, p: D.MultivariateNormal(p["loc"], scale_tril=_tril(D.lib, p["raw"])), _reals, event=(K,), exact=False),
    Spec("MultivariateNormal-cov", [("loc", (K,), _real), ("raw", (K, K), _real)],
         lambda D, p: D.MultivariateNormal(p["loc"], covariance_matrix=_covariance(D.lib, p["raw"])), _reals, event=(K,), exact=False),
    Spec("Independent-Normal", [("loc", (2,), _real), ("scale", (2,), _positive)], lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1), _reals, event=(2,)),
    Spec("Transformed-tanh-affine", [("loc", (), _real), ("scale", (), _positive)],
         lambda D, p: D.TransformedDistribution(D.Normal(p["loc"], p["scale"]), [D.TanhTransform(), D.AffineTransform(1.0, 2.0)]),
         lambda rng, shape, p: rng.uniform(-0.9, 2.9, shape), cdf=True, icdf=True, exact=False),
    Spec("Transformed-sigmoid", [("loc", (), _real), ("scale", (), _positive)],
         lambda D, p: D.TransformedDistribution(D.Normal(p["loc"], p["scale"]), D.SigmoidTransform()), _unit, cdf=True, icdf=True, exact=False),
]


class _Lib:
    """torch.distributions or scratchnet.distributions, with the library beside it (for builders)."""

    def __init__(self, module, lib):
        self.module, self.lib = module, lib

    def __getattr__(self, name):
        return getattr(self.module, name)


TORCH = _Lib(torch.distributions, torch)
OURS = _Lib(sd, scratchnet)

batch_shapes = hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3)
sample_shapes = st.lists(st.integers(0, 3), max_size=2).map(tuple)


def _arrays(spec, batch, dtype, seed):
    rng = np.random.default_rng(seed)
    params = {name: domain(rng.standard_normal(batch + tail)).astype(dtype) for name, tail, domain in spec.params}
    shape = batch + spec.event
    value = np.asarray(spec.value(rng, shape, params), dtype=dtype)
    return params, value


def _as_numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    if isinstance(x, scratchnet.Tensor):
        return x.detach().numpy()
    return np.asarray(x)


def _close(ours, theirs, dtype, what, scale=1):
    a, b = _as_numpy(ours), _as_numpy(theirs)
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs torch {b.shape}"
    assert str(a.dtype) == str(b.dtype), f"{what}: dtype {a.dtype} vs torch {b.dtype}"
    rtol, atol = TOL[dtype]
    ok = np.isclose(a, b, rtol=rtol * scale, atol=atol * scale, equal_nan=True)
    assert ok.all(), f"{what}: {a[~ok][:3]} vs torch {b[~ok][:3]}"


def _both(fn_ours, fn_theirs, what):
    """(ours, theirs) or, where torch raises, check that we raise the same type; None then."""
    try:
        theirs = fn_theirs()
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            fn_ours()
        return None
    return fn_ours(), theirs


def _build(spec, D, lib, arrays, requires_grad):
    params = {k: lib.tensor(v, requires_grad=requires_grad) for k, v in arrays.items()}
    return spec.build(D, params), params


def _build_both(spec, arrays):
    """Both libraries' distributions, or None where torch refuses the parameters (then so must we:
    e.g. an empty batch of a vector-valued parameter, whose validation reshapes 0 elements to (0, -1))."""
    try:
        theirs = _build(spec, TORCH, torch, arrays, True)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            _build(spec, OURS, scratchnet, arrays, True)
        return None
    return _build(spec, OURS, scratchnet, arrays, True), theirs


@pytest.mark.parametrize("spec", SPECS, ids=repr)
@settings(max_examples=max(5, settings.default.max_examples // 3))
@given(dtype=st.sampled_from(["float32", "float64"]), batch=batch_shapes, sample_shape=sample_shapes, seed=st.integers(0, 2**31 - 1))
def test_matches_torch(spec, dtype, batch, sample_shape, seed):
    arrays, value = _arrays(spec, batch, dtype, seed)
    built = _build_both(spec, arrays)
    if built is None:
        return
    (ours, p_ours), (theirs, p_theirs) = built
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape) and tuple(ours.event_shape) == tuple(theirs.event_shape)
    v_ours, v_theirs = scratchnet.tensor(value), torch.tensor(value)
    pair = _both(lambda: ours.log_prob(v_ours), lambda: theirs.log_prob(v_theirs), "log_prob")
    if pair is None:
        return  # torch refuses (an empty event batch whose sum reshapes 0 elements to (n, 0, -1)): so do we
    lp_ours, lp_theirs = pair
    _close(lp_ours, lp_theirs, dtype, f"{spec} log_prob")
    outputs_ours, outputs_theirs = [lp_ours.sum()], [lp_theirs.sum()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for attr in ("entropy", "mean", "mode", "variance", "stddev", "cdf", "icdf"):
            if attr in ("cdf", "icdf") and not getattr(spec, attr):
                continue
            if attr == "cdf":
                pair = _both(lambda: ours.cdf(v_ours), lambda: theirs.cdf(v_theirs), attr)
            elif attr == "icdf":
                q = np.random.default_rng(seed + 1).uniform(0.05, 0.95, value.shape).astype(dtype)
                pair = _both(lambda: ours.icdf(scratchnet.tensor(q)), lambda: theirs.icdf(torch.tensor(q)), attr)
            elif attr == "entropy":
                pair = _both(ours.entropy, theirs.entropy, attr)
            else:
                pair = _both(lambda: getattr(ours, attr), lambda: getattr(theirs, attr), attr)
            if pair is None:
                continue
            _close(pair[0], pair[1], dtype, f"{spec} {attr}")
            if attr in ("entropy", "cdf", "icdf", "variance") and pair[1].requires_grad:
                outputs_ours.append(pair[0].sum())
                outputs_theirs.append(pair[1].sum())
    if theirs.has_rsample and spec.sample and not spec.rsample_grad:
        with pytest.raises(NotImplementedError):
            ours.rsample(sample_shape)
    elif theirs.has_rsample and spec.sample:
        scratchnet.manual_seed(seed)
        torch.manual_seed(seed)
        pair = _both(lambda: ours.rsample(sample_shape), lambda: theirs.rsample(sample_shape), "rsample")
        if pair is not None:
            _close(pair[0], pair[1], dtype, f"{spec} rsample", scale=0 if spec.exact else 1)  # the same draws: bit for bit
            outputs_ours.append(pair[0].sum())
            outputs_theirs.append(pair[1].sum())
    names = sorted(arrays)
    total_ours = sum(outputs_ours[1:], outputs_ours[0])
    total_theirs = sum(outputs_theirs[1:], outputs_theirs[0])
    g_ours = scratchnet.autograd.grad(total_ours, [p_ours[n] for n in names], allow_unused=True)
    g_theirs = torch.autograd.grad(total_theirs, [p_theirs[n] for n in names], allow_unused=True)
    for n, a, b in zip(names, g_ours, g_theirs):
        a = np.zeros(arrays[n].shape, dtype) if a is None else a
        b = np.zeros(arrays[n].shape, dtype) if b is None else b
        _close(a, b, dtype, f"{spec} gradient of {n}", scale=10)
    if spec.sample:
        scratchnet.manual_seed(seed)
        torch.manual_seed(seed)
        pair = _both(lambda: ours.sample(sample_shape), lambda: theirs.sample(sample_shape), "sample")
        if pair is None:
            return
        a, b = _as_numpy(pair[0]), _as_numpy(pair[1])
        assert a.shape == b.shape and str(a.dtype) == str(b.dtype), f"{spec} sample: {a.shape} {a.dtype} vs {b.shape} {b.dtype}"
        if spec.exact:
            assert np.array_equal(a, b, equal_nan=True), f"{spec} sample differs from torch's after the same seed"
        else:
            _close(a, b, dtype, f"{spec} sample")


# ---- KL divergences -------------------------------------------------------------------------------

KL_PAIRS = ["Normal", "Bernoulli-probs", "Categorical-logits", "Exponential", "Laplace", "Gamma", "Beta",
            "MultivariateNormal-tril", "Independent-Normal", "OneHotCategorical", "Dirichlet", "Poisson", "Geometric",
            "Gumbel", "Cauchy", "HalfNormal", "LogNormal", "Binomial", "Chi2"]


@pytest.mark.parametrize("name", KL_PAIRS)
@settings(max_examples=max(4, settings.default.max_examples // 4))
@given(dtype=st.sampled_from(["float32", "float64"]), batch=batch_shapes, seed=st.integers(0, 2**31 - 1))
def test_kl_divergence_matches_torch(name, dtype, batch, seed):
    spec = next(s for s in SPECS if s.name == name)
    p_arrays, _ = _arrays(spec, batch, dtype, seed)
    q_arrays, _ = _arrays(spec, batch, dtype, seed + 1)
    built_p, built_q = _build_both(spec, p_arrays), _build_both(spec, q_arrays)
    if built_p is None or built_q is None:
        return
    (ours_p, ps), (theirs_p, pt) = built_p
    (ours_q, qs), (theirs_q, qt) = built_q
    pair = _both(lambda: sd.kl_divergence(ours_p, ours_q), lambda: torch.distributions.kl_divergence(theirs_p, theirs_q), "kl")
    if pair is None:
        return
    kl_ours, kl_theirs = pair
    _close(kl_ours, kl_theirs, dtype, f"KL({name} || {name})")
    names = sorted(p_arrays)
    g_ours = scratchnet.autograd.grad(kl_ours.sum(), [ps[n] for n in names] + [qs[n] for n in names], allow_unused=True)
    g_theirs = torch.autograd.grad(kl_theirs.sum(), [pt[n] for n in names] + [qt[n] for n in names], allow_unused=True)
    for i, (a, b) in enumerate(zip(g_ours, g_theirs)):
        if b is None:
            continue
        _close(a, b, dtype, f"KL({name}) gradient {i}", scale=10)


@given(dtype=st.sampled_from(["float32", "float64"]), batch=batch_shapes, seed=st.integers(0, 2**31 - 1))
@settings(max_examples=max(4, settings.default.max_examples // 4))
def test_kl_uniform_uniform_matches_torch(dtype, batch, seed):
    rng = np.random.default_rng(seed)
    lows = [rng.standard_normal(batch).astype(dtype) for _ in range(2)]
    widths = [(np.abs(rng.standard_normal(batch)) + 0.5).astype(dtype) for _ in range(2)]
    ours = [sd.Uniform(scratchnet.tensor(a), scratchnet.tensor(a + w)) for a, w in zip(lows, widths)]
    theirs = [torch.distributions.Uniform(torch.tensor(a), torch.tensor(a + w)) for a, w in zip(lows, widths)]
    _close(sd.kl_divergence(*ours), torch.distributions.kl_divergence(*theirs), dtype, "KL(Uniform || Uniform)")


def test_kl_of_an_unregistered_pair_raises_as_torch():
    with pytest.raises(NotImplementedError):
        torch.distributions.kl_divergence(torch.distributions.Normal(0.0, 1.0), torch.distributions.Cauchy(0.0, 1.0))
    with pytest.raises(NotImplementedError):
        sd.kl_divergence(sd.Normal(0.0, 1.0), sd.Cauchy(0.0, 1.0))


def test_register_kl_adds_a_pair():
    class MyNormal(sd.Normal):
        pass

    @sd.register_kl(MyNormal, sd.Cauchy)
    def _kl(p, q):
        return p.loc * 0 + 7.0

    assert sd.kl_divergence(MyNormal(scratchnet.zeros(2), 1.0), sd.Cauchy(0.0, 1.0)).tolist() == [7.0, 7.0]
    # the subclass still finds Normal-Normal's formula
    assert sd.kl_divergence(MyNormal(0.0, 1.0), sd.Normal(0.0, 1.0)).item() == 0.0


# ---- errors ------------------------------------------------------------------------------------------

ERRORS = [
    ("invalid scale", lambda D, lib: D.Normal(lib.tensor([0.0]), lib.tensor([-1.0]))),
    ("nan loc", lambda D, lib: D.Normal(lib.tensor([float("nan")]), lib.tensor([1.0]))),
    ("probs above 1", lambda D, lib: D.Bernoulli(probs=lib.tensor([1.5]))),
    ("both probs and logits", lambda D, lib: D.Bernoulli(probs=lib.tensor([0.5]), logits=lib.tensor([0.0]))),
    ("neither probs nor logits", lambda D, lib: D.Categorical()),
    ("0-d categorical probs", lambda D, lib: D.Categorical(probs=lib.tensor(0.5))),
    ("negative categorical probs", lambda D, lib: D.Categorical(probs=lib.tensor([0.5, -0.1]))),
    ("low above high", lambda D, lib: D.Uniform(lib.tensor([2.0]), lib.tensor([1.0]))),
    ("zero rate", lambda D, lib: D.Exponential(lib.tensor([0.0]))),
    ("negative concentration", lambda D, lib: D.Gamma(lib.tensor([-1.0]), lib.tensor([1.0]))),
    ("geometric probs 0", lambda D, lib: D.Geometric(probs=lib.tensor([0.0]))),
    ("dirichlet 0-d", lambda D, lib: D.Dirichlet(lib.tensor(1.0))),
    ("mvn 0-d loc", lambda D, lib: D.MultivariateNormal(lib.tensor(0.0), covariance_matrix=lib.eye(1))),
    ("mvn two matrices", lambda D, lib: D.MultivariateNormal(lib.zeros(2), covariance_matrix=lib.eye(2), scale_tril=lib.eye(2))),
    ("mvn not positive definite", lambda D, lib: D.MultivariateNormal(lib.zeros(2), covariance_matrix=-lib.eye(2))),
    ("independent too many dims", lambda D, lib: D.Independent(D.Normal(lib.zeros(2), 1.0), 2)),
    ("normal value outside support", lambda D, lib: D.Exponential(lib.tensor([1.0])).log_prob(lib.tensor([-1.0]))),
    ("bernoulli value 0.5", lambda D, lib: D.Bernoulli(probs=lib.tensor([0.5])).log_prob(lib.tensor([0.5]))),
    ("categorical value out of range", lambda D, lib: D.Categorical(probs=lib.tensor([0.5, 0.5])).log_prob(lib.tensor(2))),
    ("value shape mismatch", lambda D, lib: D.Normal(lib.zeros(3), 1.0).log_prob(lib.zeros(2))),
    ("event shape mismatch", lambda D, lib: D.MultivariateNormal(lib.zeros(2), lib.eye(2)).log_prob(lib.zeros(3))),
    ("value not a tensor", lambda D, lib: D.Normal(lib.zeros(3), 1.0).log_prob(0.5)),
    ("uniform value outside", lambda D, lib: D.Uniform(0.0, 1.0).log_prob(lib.tensor(2.0))),
    ("beta value outside", lambda D, lib: D.Beta(lib.tensor([1.0]), lib.tensor([1.0])).log_prob(lib.tensor([1.5]))),
    ("simplex value", lambda D, lib: D.Dirichlet(lib.ones(2)).log_prob(lib.tensor([0.5, 0.7]))),
    ("KL mvn event shapes", lambda D, lib: D.kl_divergence(D.MultivariateNormal(lib.zeros(2), lib.eye(2)), D.MultivariateNormal(lib.zeros(3), lib.eye(3)))),
    ("binomial entropy inhomogeneous", lambda D, lib: D.Binomial(lib.tensor([2.0, 3.0]), probs=lib.tensor([0.5, 0.5])).entropy()),
    ("bad transforms", lambda D, lib: D.TransformedDistribution(D.Normal(0.0, 1.0), "exp")),
]


@pytest.mark.parametrize("what, make", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(what, make):
    with pytest.raises(Exception) as theirs:
        make(TORCH, torch)
    with pytest.raises(type(theirs.value)) as ours:
        make(OURS, scratchnet)
    # the messages name what was expected, as torch's
    first = str(theirs.value).split("(")[0].split(":")[0][:30]
    assert str(ours.value).split("(")[0].split(":")[0][:30] == first, f"{ours.value!r} vs torch {theirs.value!r}"


def test_validation_can_be_turned_off():
    d = sd.Normal(scratchnet.tensor([0.0]), scratchnet.tensor([-1.0]), validate_args=False)
    t = torch.distributions.Normal(torch.tensor([0.0]), torch.tensor([-1.0]), validate_args=False)
    _close(d.log_prob(scratchnet.tensor([0.5])), t.log_prob(torch.tensor([0.5])), "float32", "unvalidated log_prob")
    try:
        sd.Distribution.set_default_validate_args(False)
        assert not sd.Exponential(scratchnet.tensor([-1.0]))._validate_args
    finally:
        sd.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        sd.Exponential(scratchnet.tensor([-1.0]))


def test_expand_and_enumerate_support_match_torch():
    for D, lib in ((OURS, scratchnet), (TORCH, torch)):
        pass
    pairs = [
        (lambda D, lib: D.Normal(lib.tensor([0.0, 1.0]), lib.tensor([1.0, 2.0])).expand((3, 2)).log_prob(lib.tensor([[0.5, 0.25]] * 3))),
        (lambda D, lib: D.Categorical(logits=lib.tensor([0.0, 1.0, 2.0])).expand((2,)).log_prob(lib.tensor([1, 2]))),
        (lambda D, lib: D.Bernoulli(probs=lib.tensor([0.25, 0.5])).enumerate_support()),
        (lambda D, lib: D.Categorical(probs=lib.tensor([[0.25, 0.75]] * 3)).enumerate_support(expand=False)),
        (lambda D, lib: D.OneHotCategorical(probs=lib.tensor([0.25, 0.75])).enumerate_support()),
        (lambda D, lib: D.Binomial(3, probs=lib.tensor([0.25, 0.5])).entropy()),
        (lambda D, lib: D.Gumbel(lib.tensor([0.0]), lib.tensor([2.0])).expand((2, 1)).log_prob(lib.tensor([0.5]))),
        (lambda D, lib: D.MultivariateNormal(lib.zeros(2), lib.eye(2)).expand((3,)).log_prob(lib.ones(3, 2))),
        (lambda D, lib: D.Independent(D.Normal(lib.zeros(2, 3), 1.0), 1).expand((4, 2)).log_prob(lib.ones(3))),
        (lambda D, lib: D.MultivariateNormal(lib.zeros(2), precision_matrix=2 * lib.eye(2)).log_prob(lib.ones(2))),
        (lambda D, lib: D.MultivariateNormal(lib.zeros(2), lib.eye(2) * 3).covariance_matrix),
        (lambda D, lib: D.LogNormal(0.0, 1.0).log_prob(lib.tensor([0.5, 2.0]))),
        (lambda D, lib: D.Normal(0.0, 1.0).perplexity()),
    ]
    for make in pairs:
        _close(make(OURS, scratchnet), make(TORCH, torch), "float32", "expand/enumerate")


@pytest.mark.parametrize("seed", [0, 7])
def test_scalar_parameters_sample_as_torch(seed):
    exact = (lambda D: D.Normal(0.0, 1.0), lambda D: D.Uniform(-1.0, 2.0), lambda D: D.Exponential(2.0),
             lambda D: D.Cauchy(1.0, 2.0), lambda D: D.Bernoulli(0.3), lambda D: D.Geometric(0.3))
    rounded = (lambda D: D.Laplace(0.0, 1.0), lambda D: D.Gumbel(0.0, 1.0), lambda D: D.LogNormal(0.0, 0.5))
    for make in exact + rounded:
        scratchnet.manual_seed(seed)
        torch.manual_seed(seed)
        a, b = make(OURS).sample((5, 2)), make(TORCH).sample((5, 2))
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1] and tuple(a.shape) == tuple(b.shape)
        if make in exact:
            assert np.array_equal(a.numpy(), b.numpy())
        else:
            _close(a, b, "float32", "sample")


# ---- biject_to / transform_to ------------------------------------------------------------------------

REGISTERED = [
    lambda c: c.real, lambda c: c.positive, lambda c: c.nonnegative, lambda c: c.greater_than(1.5), lambda c: c.greater_than_eq(-1.0),
    lambda c: c.less_than(2.0), lambda c: c.interval(-1.0, 3.0), lambda c: c.unit_interval, lambda c: c.half_open_interval(0.0, 2.0),
    lambda c: c.simplex, lambda c: c.independent(c.positive, 1),
]


@pytest.mark.parametrize("which", ["biject_to", "transform_to"])
@pytest.mark.parametrize("make", REGISTERED, ids=[str(i) for i in range(len(REGISTERED))])
def test_constraint_registry_matches_torch(which, make):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3))
    ours = getattr(sd, which)(make(sd.constraints))
    theirs = getattr(torch.distributions, which)(make(torch.distributions.constraints))
    xs, xt = scratchnet.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ys, yt = ours(xs), theirs(xt)
    _close(ys, yt, "float64", f"{which} forward")
    assert bool(make(sd.constraints).check(ys.detach()).all())
    _close(ours.inv(ys), theirs.inv(yt), "float64", f"{which} inverse")
    if theirs.bijective:
        ls, lt = ours.log_abs_det_jacobian(xs, ys), theirs.log_abs_det_jacobian(xt, yt)
        _close(ls, lt, "float64", f"{which} log_abs_det_jacobian")
        assert ls.requires_grad == lt.requires_grad
        if lt.requires_grad:  # the identity's is a constant zero
            _close(scratchnet.autograd.grad(ls.sum(), xs)[0], torch.autograd.grad(lt.sum(), xt)[0], "float64", f"{which} jacobian gradient")


def test_constraint_registry_refuses_what_torch_refuses():
    with pytest.raises(NotImplementedError):
        torch.distributions.biject_to(torch.distributions.constraints.boolean)
    with pytest.raises(NotImplementedError):
        sd.biject_to(sd.constraints.boolean)


@pytest.mark.parametrize("make", [
    lambda D, l: D.Normal(l.tensor([0.5, 1.0]), l.tensor([2.0, 0.3])), lambda D, l: D.Bernoulli(l.tensor([0.3, 0.9])),
    lambda D, l: D.Exponential(l.tensor([2.0])), lambda D, l: D.Gamma(l.tensor([2.0, 0.5]), l.tensor([3.0, 1.0])),
    lambda D, l: D.Beta(l.tensor([2.0]), l.tensor([3.0])), lambda D, l: D.Poisson(l.tensor([2.0])),
])
def test_exponential_family_entropy_matches_torch(make):
    ours, theirs = make(sd, scratchnet), make(torch.distributions, torch)
    assert isinstance(ours, sd.ExponentialFamily) and isinstance(theirs, torch.distributions.ExponentialFamily)
    pair = _both(lambda: sd.ExponentialFamily.entropy(ours), lambda: torch.distributions.ExponentialFamily.entropy(theirs), "entropy")
    if pair is not None:
        _close(pair[0], pair[1], "float32", "Bregman entropy")
