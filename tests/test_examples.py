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


@pytest.mark.slow
def test_next_word():
    result = _run("next_word.py")
    assert result["next_word"] == "subset"
    assert result["perplexity"] < 2.0


@pytest.mark.slow
def test_sentiment():
    result = _run("sentiment.py")
    # Real, noisy one-sentence reviews: both models sit near 0.70.
    assert result["lstm_accuracy"] > 0.65
    assert result["baseline_accuracy"] > 0.65
