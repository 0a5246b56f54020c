"""The Sphinx site in docs/ builds warning-free and covers the public API."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import sklearn_rnn

ROOT = Path(__file__).resolve().parents[1]
DOCS_EXTRA = (
    "sphinx",
    "pydata_sphinx_theme",
    "numpydoc",
    "sphinx_gallery",
    "myst_parser",
)
MISSING = [name for name in DOCS_EXTRA if importlib.util.find_spec(name) is None]


@pytest.mark.slow
@pytest.mark.skipif(
    bool(MISSING),
    reason=f"the docs extra is not installed ({', '.join(MISSING)}): "
    'pip install -e ".[docs]"',
)
def test_docs_build_warning_free(tmp_path):
    html = tmp_path / "html"
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-q",
        "-b",
        "html",
        "-d",
        str(tmp_path / "doctrees"),
        str(ROOT / "docs"),
        str(html),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]

    # Every public name has its API page, linked from the API reference.
    api = (html / "api.html").read_text()
    for name in sklearn_rnn.__all__:
        if name.startswith("__"):
            continue
        assert (html / "generated" / f"sklearn_rnn.{name}.html").exists(), name
        assert f"generated/sklearn_rnn.{name}.html" in api, name

    # The user guide and the README are pages; the gallery shows every example
    # and the executed ones with their printed output and figure.
    assert "Threads and parallel search" in (html / "user_guide.html").read_text()
    assert "Quick start" in (html / "getting_started.html").read_text()
    gallery = html / "auto_examples"
    for example in (ROOT / "examples").glob("*.py"):
        assert (gallery / f"{example.stem}.html").exists(), example.name
    many = (gallery / "forecast_many_series.html").read_text()
    assert "sphx-glr-script-out" in many
    assert "sphx_glr_forecast_many_series_001.png" in many
