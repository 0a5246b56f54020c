"""Every script in examples/ runs end to end and reaches its numbers."""

import runpy
from pathlib import Path

import pytest
import torch

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _run(name: str) -> dict:
    threads = torch.get_num_threads()
    try:
        return runpy.run_path(str(EXAMPLES / name))["main"]()
    finally:
        torch.set_num_threads(threads)


@pytest.mark.slow
def test_quickstart():
    result = _run("quickstart.py")
    assert result["r2_sum"] > 0.9
    assert result["digits_accuracy"] >= 0.95
    assert result["digits_r2"] > 0.8
