"""The documentation: the site builds with warnings as errors, every tutorial notebook runs top to
bottom, and the Supported API page is what ``docs/gen_supported.py`` writes from today's code."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = sorted((DOCS / "tutorials").glob("*.ipynb"))


def test_site_builds_strictly(tmp_path):
    pytest.importorskip("mkdocs", reason="mkdocs is not installed (pip install scratchnet[docs])")
    pytest.importorskip("material", reason="mkdocs-material is not installed (pip install scratchnet[docs])")
    pytest.importorskip("mkdocstrings_handlers.python",
                        reason="mkdocstrings-python is not installed (pip install scratchnet[docs])")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=300,
    )
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    assert done.returncode == 0 and not warnings, done.stderr[-4000:]
    for page in ("api/nn", "api/functional", "guides/engine", "supported"):
        assert (tmp_path / "site" / page / "index.html").is_file(), page
