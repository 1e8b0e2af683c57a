"""Hypothesis profiles and the paths the tests read.

CI (the CI variable set) runs the "ci" profile: derandomized, so a run is reproducible and never
flakes. Locally the "dev" profile draws new examples every run; "thorough" draws many more:
``pytest --hypothesis-profile=thorough``.
"""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large], print_blob=True)
settings.register_profile("ci", max_examples=20, derandomize=True, **_common)  # (20: the suite inside CI's 20 minutes)
settings.register_profile("dev", max_examples=40, **_common)
settings.register_profile("thorough", max_examples=400, **_common)
# "triage": the ci profile without shrinking, to list every failing case quickly
settings.register_profile("triage", max_examples=20, derandomize=True, phases=[Phase.explicit, Phase.reuse, Phase.generate], **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent


def mnist_dir():
    """Where the real MNIST files are: $SCRATCHNET_MNIST, else ../shared/data/mnist beside the project."""
    return Path(os.environ.get("SCRATCHNET_MNIST", ROOT.parent / "shared" / "data" / "mnist"))


@pytest.fixture
def mnist_path():
    path = mnist_dir()
    if not (path / "t10k-images-idx3-ubyte.gz").exists() and not (path / "t10k-images-idx3-ubyte").exists():
        pytest.skip(f"real MNIST not found in {path} (set SCRATCHNET_MNIST to a folder with the IDX files)")
    return path

# tests/cases/ holds registry data, not tests: the registry imports it (importing a case module
# first, as doctest collection would, could leave the registry half-gathered).
collect_ignore = ["cases"]
