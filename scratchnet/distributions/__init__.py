"""scratchnet.distributions mirrors torch.distributions: probability distributions with
``sample``/``rsample`` (torch's draws after the same seed), ``log_prob``, ``entropy``, moments,
``kl_divergence``, constraints and transforms.

>>> import scratchnet as sn
>>> from scratchnet.distributions import Categorical
>>> _ = sn.manual_seed(0)
>>> Categorical(probs=sn.tensor([0.1, 0.9])).sample((4,)).tolist()
[1, 1, 1, 1]
"""

from . import constraints, transforms
from .constraint_registry import biject_to, transform_to
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .categorical import Categorical
from .cauchy import Cauchy
from .chi2 import Chi2
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .gamma import Gamma
from .geometric import Geometric
from .gumbel import Gumbel
from .half_normal import HalfCauchy, HalfNormal
from .mixture_same_family import MixtureSameFamily
from .multinomial import Multinomial
from .negative_binomial import NegativeBinomial
from .pareto import Pareto, Weibull
from .relaxed_categorical import ExpRelaxedCategorical, LogitRelaxedBernoulli, RelaxedBernoulli, RelaxedOneHotCategorical
from .independent import Independent
from .inverse_gamma import FisherSnedecor, InverseGamma, Kumaraswamy, LogisticNormal
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .log_normal import LogNormal
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .poisson import Poisson
from .studentT import StudentT
from .transformed_distribution import TransformedDistribution
from .transforms import (
    AbsTransform, AffineTransform, ComposeTransform, ExpTransform, IndependentTransform, PowerTransform, SigmoidTransform,
    SoftmaxTransform, SoftplusTransform, StickBreakingTransform, TanhTransform, Transform, identity_transform,
)
from .uniform import Uniform

__all__ = [
    "Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2", "Dirichlet", "Distribution", "Exponential",
    "Gamma", "Geometric", "Gumbel", "Independent", "Laplace", "LogNormal", "MultivariateNormal", "Normal",
    "OneHotCategorical", "OneHotCategoricalStraightThrough", "Poisson", "StudentT", "TransformedDistribution",
    "Uniform", "kl_divergence", "register_kl", "AffineTransform", "ComposeTransform", "ExpTransform",
    "PowerTransform", "SigmoidTransform", "TanhTransform", "Transform", "identity_transform",
    "HalfCauchy", "HalfNormal", "MixtureSameFamily", "Multinomial", "NegativeBinomial", "Pareto", "Weibull",
    "ExpRelaxedCategorical", "LogitRelaxedBernoulli", "RelaxedBernoulli", "RelaxedOneHotCategorical",
    "AbsTransform", "SoftplusTransform", "SoftmaxTransform", "StickBreakingTransform", "IndependentTransform",
    "biject_to", "transform_to", "ExponentialFamily", "FisherSnedecor", "InverseGamma", "Kumaraswamy", "LogisticNormal",
]
