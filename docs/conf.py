"""Sphinx configuration of the sklearn_rnn documentation site.

Build it warning-free with::

    pip install -e ".[docs]"
    python -m sphinx -W -b html docs docs/_build/html

The API reference (``api.rst``) is written here, at build time, from
``sklearn_rnn.__all__``: every public name gets an autosummary page, so a
new name cannot be left out. The gallery is built from ``examples/`` by
sphinx-gallery; only the examples that are fast, or that have a quick mode
(``SKLEARN_RNN_EXAMPLE_QUICK=1``), are executed, the others are shown with
their code only.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from pathlib import Path

import sklearn_rnn

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "sphinxext"))

# Examples with a quick mode read this variable; set it before they run.
os.environ.setdefault("SKLEARN_RNN_EXAMPLE_QUICK", "1")
os.environ.setdefault("MPLBACKEND", "Agg")


def _one_torch_thread() -> None:
    """Run the examples on one torch thread.

    The examples take ``min(2, torch.get_num_threads())`` threads; on a busy
    2-core machine two threads made next_word.py 20x slower (58 s against
    2.8 s), as tests/conftest.py measured for the tests.
    """
    import torch

    torch.set_num_threads(1)


_one_torch_thread()

# -- Project -----------------------------------------------------------------

project = "sklearn_rnn"
author = "sklearn_rnn developers"
copyright = "sklearn_rnn developers"  # noqa: A001 (Sphinx's name)
release = sklearn_rnn.__version__
version = release

# -- General -----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    # Written by sphinx-gallery next to the generated pages, not documents.
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.json",
    "auto_examples/*.md5",
]
templates_path = ["_templates"]
nitpicky = False

# The README's and the user guide's headings are link targets (#quick-start).
myst_heading_anchors = 3

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"

# numpydoc renders Parameters/Attributes/...; autosummary pages list methods.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_rnn {release}"
html_theme_options = {
    "github_url": "https://github.com/sklearn-rnn/sklearn-rnn",
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path: list[str] = []
html_show_sourcelink = False

# -- API reference, generated from sklearn_rnn.__all__ ---------------------


def _section(name: str, obj) -> str:
    """The API page section a public name belongs in."""
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return "Exceptions"
        if hasattr(obj, "predict"):
            return "Estimators"
        if hasattr(obj, "transform"):
            return "Transformers"
        if name.endswith("Display"):
            return "Plotting"
    module = getattr(obj, "__module__", "") or ""
    if module.startswith("sklearn_rnn.forecasting"):
        return "Forecasting tools"
    if "onnx" in name:
        return "Deployment"
    return "Other"


SECTIONS = {
    "Estimators": "Recurrent networks (RNN, LSTM, GRU) as scikit-learn estimators.",
    "Transformers": (
        "The preprocessing steps of a sequence model: tokenize, normalise, pad."
    ),
    "Forecasting tools": (
        "Cut series into windows, build calendar features and backtest forecasts."
    ),
    "Plotting": "scikit-learn style displays (matplotlib is an optional extra).",
    "Deployment": "Serve a fitted model without torch.",
    "Exceptions": "Errors raised by the estimators.",
    "Other": "",
}


def public_names() -> list[str]:
    """Every name of ``sklearn_rnn.__all__`` that gets an API page."""
    return [name for name in sklearn_rnn.__all__ if not name.startswith("__")]


def write_api_page() -> None:
    """Write api.rst with one autosummary entry per public name."""
    grouped: dict[str, list[tuple[str, str]]] = {key: [] for key in SECTIONS}
    for name in public_names():
        obj = getattr(sklearn_rnn, name)  # imports the lazy (torch) names
        template = "class.rst" if inspect.isclass(obj) else "function.rst"
        grouped[_section(name, obj)].append((name, template))
    lines = [
        ".. This file is written by conf.py from sklearn_rnn.__all__; do not edit.",
        "",
        ".. _api:",
        "",
        "API reference",
        "=============",
        "",
        ".. currentmodule:: sklearn_rnn",
        "",
        "Everything below is importable from ``sklearn_rnn``.",
        "",
    ]
    for section, entries in grouped.items():
        if not entries:
            continue
        lines += [section, "-" * len(section), ""]
        if SECTIONS[section]:
            lines += [SECTIONS[section], ""]
        for template in ("class.rst", "function.rst"):
            names = sorted(name for name, tmpl in entries if tmpl == template)
            if not names:
                continue
            lines += [
                ".. autosummary::",
                "   :toctree: generated",
                f"   :template: {template}",
                "   :nosignatures:",
                "",
            ]
            lines += [f"   {name}" for name in names]
            lines.append("")
    text = "\n".join(lines)
    path = DOCS / "api.rst"
    # Rewrite only on change, so an incremental build stays incremental.
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


write_api_page()


def check_api_complete(app, exception) -> None:
    """Fail the build when a public name has no generated API page."""
    if exception is not None or app.builder.name != "html":
        return
    out = Path(app.outdir) / "generated"
    missing = [
        name
        for name in public_names()
        if not (out / f"sklearn_rnn.{name}.html").exists()
    ]
    if missing:
        from sphinx.errors import ExtensionError

        raise ExtensionError(f"no API page for sklearn_rnn.{', '.join(missing)}")


# -- Gallery -----------------------------------------------------------------

# Every example runs in the gallery; conf.py sets SKLEARN_RNN_EXAMPLE_QUICK=1
# above, so the slow ones train on reduced sizes (fewer epochs, one seed, a
# subset of series). Their full results are in the README.
EXECUTED = [
    "quickstart",
    "next_word",
    "sentiment",
    "forecast_airline",
    "forecast_many_series",
]

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/(" + "|".join(map(re.escape, EXECUTED)) + r")\.py$",
    "ignore_pattern": r"__init__\.py",
    # Hooks in sphinxext/gallery_tools.py: the examples save their figure to
    # the PNG path given as first argument; the scraper shows it.
    "reset_argv": "gallery_tools.reset_argv",
    "reset_modules": ("matplotlib", "gallery_tools.reset_png"),
    "image_scrapers": ("matplotlib", "gallery_tools.png_scraper"),
    "download_all_examples": False,
    "show_memory": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    # Pages of API objects list the examples that use them (minigallery).
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("sklearn_rnn",),
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
}


# -- Hooks -------------------------------------------------------------------

# Methods inherited from scikit-learn (score, set_output, set_*_request,
# get_metadata_routing, fit_transform...) link to scikit-learn's own user
# guide, which is not here; they are left to scikit-learn's documentation,
# except the parameter API every estimator has.
KEEP_INHERITED = {"get_params", "set_params"}


def skip_sklearn_members(app, what, name, obj, skip, options):
    if name in KEEP_INHERITED or skip:
        return skip
    module = getattr(obj, "__module__", None) or ""
    if module.split(".")[0] == "sklearn":
        return True
    return None


def gallery_headers_rst_only(app, config) -> None:
    """Only GALLERY_HEADER/README.rst|.txt make a gallery (sub)section.

    sphinx-gallery accepts a header in any source suffix, and myst adds .md:
    the data notes in examples/data/README.md would become an empty gallery
    section whose Markdown table breaks the reST index page.
    """
    config.sphinx_gallery_conf["source_suffix"] = {".rst": "restructuredtext"}


_LABEL = re.compile(r"^\.\. _sphx_glr_auto_examples_[^\n]*:\n\n", re.M)


def title_gallery_pages(app, docname, source) -> None:
    """Turn the first line of an example's docstring into its page title.

    Our examples open with a one-line summary, not a reST title (sphinx-gallery
    wants one underlined with ``=``); without it their pages have no title and
    no entry in the gallery's table of contents.
    """
    if not docname.startswith("auto_examples/") or docname.endswith("index"):
        return
    text = source[0]
    match = _LABEL.search(text)
    if match is None:
        return
    rest = text[match.end() :]
    first, _, after = rest.partition("\n")
    if not first.strip() or after.startswith(("=", "-")):
        return  # no summary line, or a real title already
    title = first.strip().rstrip(".")
    source[0] = (
        text[: match.end()] + f"{title}\n{'=' * len(title)}\n\n" + after.lstrip("\n")
    )


def setup(app):
    app.connect("config-inited", gallery_headers_rst_only)
    app.connect("source-read", title_gallery_pages)
    app.connect("autodoc-skip-member", skip_sklearn_members)
    app.connect("build-finished", check_api_complete)
