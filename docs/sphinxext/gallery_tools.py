"""sphinx-gallery hooks of the sklearn_rnn gallery (see docs/conf.py).

The examples save their figure to the PNG path given as their first
argument and close it, so the matplotlib scraper sees nothing: give every
example a path in the build tree (``reset_argv``) and move the file it wrote
onto its gallery page (``PNGScraper``). They live in a module, not in
conf.py, so that Sphinx can pickle the configuration.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

PNG_DIR = Path(__file__).resolve().parents[1] / "_build" / "example_pngs"


def _png(src_file) -> Path:
    return PNG_DIR / (Path(src_file).stem + ".png")


def reset_argv(gallery_conf, script_vars) -> list[str]:
    """Give every example a PNG path as its first argument."""
    return [str(_png(script_vars["src_file"]))]


def reset_png(gallery_conf, fname, when=None) -> None:
    """Before each example: an empty PNG directory, and no ConvergenceWarning.

    The quick runs stop training early on purpose; their warnings would only
    clutter the printed output (sphinx-gallery resets warning filters, so
    this is set before every example).
    """
    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    for stale in PNG_DIR.glob("*.png"):
        stale.unlink()


def png_scraper(block, block_vars, gallery_conf) -> str:
    """Put the PNG an example wrote to ``argv[1]`` on its gallery page."""
    from sphinx_gallery.scrapers import figure_rst

    png = _png(block_vars["src_file"])
    if not png.exists():
        return ""
    target = next(block_vars["image_path_iterator"])
    shutil.move(png, target)
    return figure_rst([target], gallery_conf["src_dir"])
