"""The documentation: the site builds with warnings as errors, every tutorial notebook runs top to
bottom, and the Supported API page is what ``docs/gen_supported.py`` writes from today's code."""

import os
import re
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


GUIDES = [DOCS / "index.md"] + sorted((DOCS / "guides").glob("*.md"))


def python_blocks(text):
    """The ```python fenced blocks of a Markdown page, in order."""
    blocks, current = [], None
    for line in text.splitlines():
        if current is None and line.strip() == "```python":
            current = []
        elif current is not None and line.strip() == "```":
            blocks.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


@pytest.mark.parametrize("page", GUIDES, ids=[p.stem for p in GUIDES])
def test_guide_code_runs(page, tmp_path, monkeypatch, capsys):
    """Every ```python block of a guide runs, top to bottom in one namespace, as a reader would."""
    blocks = python_blocks(page.read_text())
    assert blocks, f"{page.name} has no python blocks"
    if any(re.match(r"\s*import torch\b", line) for block in blocks for line in block.splitlines()):
        pytest.importorskip("torch", reason="this guide compares with PyTorch")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(ROOT))
    namespace = {"__name__": "__guide__"}
    for i, block in enumerate(blocks):
        try:
            exec(compile(block, f"{page.name}[block {i}]", "exec"), namespace)
        except Exception as error:
            raise AssertionError(f"{page.name}, block {i} failed:\n{block}") from error


def _notebook_tools():
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install scratchnet[test])")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install scratchnet[test])")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install scratchnet[test])")
    return nbformat, nbclient


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 5, [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path):
    """Each tutorial runs top to bottom in a fresh kernel of this interpreter without an error."""
    nbformat, nbclient = _notebook_tools()
    from jupyter_client.kernelspec import NATIVE_KERNEL_NAME

    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name=NATIVE_KERNEL_NAME, timeout=120, allow_errors=False,
        resources={"metadata": {"path": str(ROOT)}},  # run from the root: this tree's scratchnet
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        raise AssertionError(f"{path.name}: a cell failed\n{error}") from None
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.get("execution_count") for c in code), "not every code cell ran"
    assert not any(o.get("output_type") == "error" for c in code for o in c.get("outputs", ()))


def test_notebooks_are_generated():
    """The .ipynb files hold exactly the cells docs/tutorials/make_notebooks.py writes (edit that
    file, then run it, instead of editing a notebook by hand)."""
    nbformat, _ = _notebook_tools()
    sys.path.insert(0, str(DOCS / "tutorials"))
    try:
        import make_notebooks
    finally:
        sys.path.pop(0)
    assert sorted(make_notebooks.NOTEBOOKS) == [p.stem for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        want = make_notebooks.build(path.stem, make_notebooks.NOTEBOOKS[path.stem])
        have = nbformat.read(path, as_version=4)
        assert [(c.cell_type, c.source) for c in have.cells] == [(c.cell_type, c.source) for c in want.cells], (
            f"{path.name} differs from make_notebooks.py: run python docs/tutorials/make_notebooks.py"
        )


def test_supported_page_is_current():
    """docs/supported.md is what docs/gen_supported.py writes from today's code and registry."""
    pytest.importorskip("hypothesis", reason="the parity registry needs hypothesis")
    sys.path.insert(0, str(DOCS))
    try:
        import gen_supported
    finally:
        sys.path.pop(0)
    text = gen_supported.generate()
    assert "**no case**" not in text, "an op has no parity case (see tests/test_parity.py::test_registry_is_complete)"
    assert (DOCS / "supported.md").read_text() == text, "docs/supported.md is stale: run python docs/gen_supported.py"


def test_every_public_tensor_attribute_has_a_docstring_whose_examples_run():
    """Methods and properties, ``array`` and ``grad`` included (properties over slots: a slot's own
    descriptor carries no ``__doc__``), by ``__doc__`` itself, which every tool reads."""
    import doctest
    import inspect

    import scratchnet as sn

    missing = [n for n in dir(sn.Tensor) if not n.startswith("_") and not (getattr(sn.Tensor, n).__doc__ or "").strip()]
    assert not missing, f"Tensor attributes without a docstring: {missing}"
    for name in ("array", "grad"):
        test = doctest.DocTestParser().get_doctest(inspect.getdoc(getattr(sn.Tensor, name)), {}, name, None, 0)
        runner = doctest.DocTestRunner()
        runner.run(test)
        assert test.examples and runner.summarize(verbose=False).failed == 0, name
