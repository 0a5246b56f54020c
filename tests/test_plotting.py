"""TrainingHistoryDisplay and ForecastDisplay (SPEC 2.10), drawn with Agg."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from sklearn_rnn import (
    ForecastDisplay,
    RNNClassifier,
    RNNForecaster,
    RNNRegressor,
    TrainingHistoryDisplay,
    make_windows,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TINY = {"hidden_size": 4, "batch_size": 16, "random_state": 0}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def series():
    index = pd.period_range("2001-01", periods=72, freq="M")
    t = np.arange(72)
    values = 10 + 0.1 * t + np.sin(2 * np.pi * t / 12)
    return pd.Series(values, index=index, name="sales")


@pytest.fixture(scope="module")
def forecaster(series):
    X, y = make_windows(series[:60], lookback=12, horizon=3)
    return RNNForecaster(horizon=3, max_epochs=3, **TINY).fit(X, y)


class IntervalForecaster(BaseEstimator):
    """Stands in for a forecaster whose ``forecast`` takes ``coverage``."""

    def fit(self, X, y):
        return self

    def __sklearn_is_fitted__(self):
        return True

    def forecast(self, series, steps, coverage=None):
        index = pd.RangeIndex(len(series), len(series) + steps)
        center = np.full(steps, float(np.asarray(series)[-1]))
        half = np.linspace(0.5, 2.0, steps) * (coverage or 0)
        frame = {"forecast": center, "lower": center - half, "upper": center + half}
        return pd.DataFrame(frame, index=index)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_history_display_marks_best_epoch(tmp_path):
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(60, 6)), np.arange(60) % 2
    clf = RNNClassifier(
        max_epochs=6, early_stopping=True, validation_fraction=0.3, **TINY
    ).fit(X, y)
    display = TrainingHistoryDisplay.from_estimator(clf)
    valid = [row["valid_loss"] for row in clf.history_]
    assert display.best_epoch == clf.history_[int(np.argmin(valid))]["epoch"]
    np.testing.assert_allclose(display.line_valid_.get_ydata(), valid)
    np.testing.assert_allclose(
        display.line_train_.get_ydata(), [row["train_loss"] for row in clf.history_]
    )
    assert display.line_best_.get_xdata()[0] == display.best_epoch
    assert display.ax_.get_xlabel() == "epoch"
    assert display.figure_ is display.ax_.figure
    labels = display.ax_.get_legend_handles_labels()[1]
    assert labels == [
        "train loss",
        "validation loss",
        f"best epoch ({display.best_epoch})",
    ]
    display.figure_.savefig(tmp_path / "history.png")
    assert (tmp_path / "history.png").stat().st_size > 0


def test_history_display_without_validation_on_given_ax():
    rng = np.random.RandomState(0)
    reg = RNNRegressor(max_epochs=3, **TINY).fit(rng.normal(size=(30, 5)), np.ones(30))
    _, ax = plt.subplots()
    display = TrainingHistoryDisplay.from_estimator(reg, ax=ax)
    assert display.ax_ is ax
    assert display.line_valid_ is None and display.line_best_ is None
    assert display.best_epoch is None
    np.testing.assert_array_equal(display.line_train_.get_xdata(), [1, 2, 3])


def test_history_display_from_values_and_replot():
    display = TrainingHistoryDisplay(
        epochs=[1, 2, 3],
        train_loss=[3.0, 2.0, 1.0],
        valid_loss=[2.5, 2.0, 2.2],
        best_epoch=2,
    )
    first = display.plot()
    assert first is display
    _, ax = plt.subplots()
    assert display.plot(ax=ax).ax_ is ax


def test_history_display_unfitted():
    with pytest.raises(NotFittedError):
        TrainingHistoryDisplay.from_estimator(RNNClassifier())


def test_forecast_display_real_forecaster(series, forecaster, tmp_path):
    display = ForecastDisplay.from_forecaster(
        forecaster, series[:60], steps=12, actual=series[60:]
    )
    expected = forecaster.forecast(series[:60], 12)
    pd.testing.assert_series_equal(display.forecast, expected, check_names=False)
    np.testing.assert_allclose(display.line_history_.get_ydata(), series[:60])
    # The forecast line starts at the last observation.
    np.testing.assert_allclose(
        display.line_forecast_.get_ydata(), np.r_[series.iloc[59], expected]
    )
    np.testing.assert_allclose(display.line_actual_.get_ydata(), series[60:])
    assert display.band_ is None
    assert display.ax_.get_ylabel() == "sales"
    display.figure_.savefig(tmp_path / "forecast.png")


def test_forecast_display_array_series_and_actual(forecaster, series):
    values = series.to_numpy()
    display = ForecastDisplay.from_forecaster(
        forecaster, values[:60], steps=5, actual=values[60:63]
    )
    assert list(display.forecast.index) == [60, 61, 62, 63, 64]
    assert list(display.actual.index) == [60, 61, 62]
    with pytest.raises(ValueError, match="actual has 12 values"):
        ForecastDisplay.from_forecaster(
            forecaster, values[:60], steps=5, actual=values[60:]
        )


def test_forecast_display_interval_band(series, tmp_path):
    X, y = make_windows(series[:60], lookback=12, horizon=3)
    model = RNNForecaster(horizon=3, max_epochs=3, calibration_fraction=0.3, **TINY)
    model.fit(X, y)
    display = ForecastDisplay.from_forecaster(
        model, series[:60], steps=9, coverage=0.9, actual=series[60:69]
    )
    expected = model.forecast(series[:60], 9, coverage=0.9)
    np.testing.assert_allclose(display.lower, expected["lower"])
    np.testing.assert_allclose(display.upper, expected["upper"])
    band = display.band_.get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(display.lower.min())
    assert band[:, 1].max() == pytest.approx(display.upper.max())
    assert "90% prediction interval" in display.ax_.get_legend_handles_labels()[1]
    display.figure_.savefig(tmp_path / "forecast_interval.png")


def test_forecast_display_interval_contract(series):
    """A forecast DataFrame with forecast/lower/upper (SPEC 2.5) is drawn."""
    display = ForecastDisplay.from_forecaster(
        IntervalForecaster(), series.to_numpy(), steps=4, coverage=0.5
    )
    assert list(display.forecast.index) == [72, 73, 74, 75]
    np.testing.assert_allclose(display.upper - display.lower, [0.5, 1.0, 1.5, 2.0])
    assert "50% prediction interval" in display.ax_.get_legend_handles_labels()[1]


def test_forecast_display_coverage_unsupported(forecaster, series):
    class PointForecaster(IntervalForecaster):
        def forecast(self, series, steps):
            return np.zeros(steps)

    with pytest.raises(TypeError, match="does not take coverage"):
        ForecastDisplay.from_forecaster(
            PointForecaster(), series, steps=3, coverage=0.8
        )


def test_forecast_display_one_series_only(forecaster, series):
    with pytest.raises(ValueError, match="one series"):
        ForecastDisplay.from_forecaster(
            forecaster, {"a": series[:60], "b": series[:60]}, steps=3
        )


def test_forecast_display_unfitted(series):
    with pytest.raises(NotFittedError):
        ForecastDisplay.from_forecaster(RNNForecaster(), series, steps=3)


@pytest.mark.parametrize(
    "call",
    [
        lambda: TrainingHistoryDisplay.from_estimator(RNNClassifier()),
        lambda: ForecastDisplay(
            history=pd.Series([1.0]), forecast=pd.Series([1.0])
        ).plot(),
    ],
)
def test_missing_matplotlib_names_the_extra(monkeypatch, call):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install sklearn-rnn\[plot\]"):
        call()


def test_public_names_import_no_optional_dependency():
    code = (
        "import sys, sklearn_rnn\n"
        "sklearn_rnn.export_onnx, sklearn_rnn.TrainingHistoryDisplay\n"
        "sklearn_rnn.ForecastDisplay\n"
        "heavy = {'torch', 'onnx', 'onnxruntime', 'matplotlib'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
