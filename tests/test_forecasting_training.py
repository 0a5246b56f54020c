"""How RNNForecaster trains: its loss, and its stop on the recent windows."""

import warnings

import numpy as np
import pytest
from conftest import FAST
from numpy.testing import assert_allclose
from sklearn.base import clone

from sklearn_rnn import RNNForecaster, make_windows


def _series(n=300, seed=0):
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    return 50 + 0.1 * t + 5 * np.sin(2 * np.pi * t / 12) + rng.normal(size=n)


@pytest.fixture(scope="module")
def windows():
    return make_windows(_series(), lookback=24, horizon=3)


def _recent_errors(model):
    return [row["recent_error"] for row in model.net_.history]


# -------------------------------------------------------------------- loss
def test_default_loss_is_absolute_error():
    model = RNNForecaster()
    assert model.loss == "absolute_error"
    assert model.get_params()["loss"] == "absolute_error"


@pytest.mark.parametrize("loss", ["absolute_error", "squared_error", "huber"])
def test_each_loss_trains_a_forecaster(windows, loss):
    X, y = windows
    model = RNNForecaster(loss=loss, **{**FAST, "max_epochs": 5}).fit(X, y)
    pred = model.predict(X[-5:])
    assert pred.shape == (5, 3) and np.isfinite(pred).all()
    history = model.history_
    assert history[-1]["train_loss"] < history[0]["train_loss"]


def test_losses_train_different_networks(windows):
    X, y = windows
    preds = {
        loss: RNNForecaster(loss=loss, **FAST).fit(X, y).predict(X[-5:])
        for loss in ("absolute_error", "squared_error")
    }
    assert not np.allclose(preds["absolute_error"], preds["squared_error"])


@pytest.mark.parametrize("bad", ["l1", "mae", "", None, 1])
def test_bad_loss_is_a_value_error_naming_it(windows, bad):
    X, y = windows
    with pytest.raises(ValueError, match="'loss' parameter"):
        RNNForecaster(loss=bad, **FAST).fit(X, y)


def test_warm_start_takes_a_new_loss(windows):
    X, y = windows
    model = RNNForecaster(loss="squared_error", warm_start=True, **FAST).fit(X, y)
    mse_loss = model.history_[-1]["train_loss"]
    model.set_params(loss="absolute_error", max_epochs=1).fit(X, y)
    # Mean absolute error of standardised targets, not their squared error.
    assert model.history_[-1]["train_loss"] != pytest.approx(mse_loss, rel=0.05)
    cold = RNNForecaster(loss="absolute_error", **FAST).fit(X, y)
    assert type(model.net_.criterion_) is type(cold.net_.criterion_)


# ------------------------------------------------- stop on recent windows
def test_stops_when_the_recent_windows_stop_improving(windows):
    X, y = windows
    model = RNNForecaster(
        hidden_size=8, max_epochs=200, n_iter_no_change=3, lr=0.02, random_state=0
    ).fit(X, y)
    errors = _recent_errors(model)
    assert model.n_iter_ == len(errors) < 200
    best = int(np.argmin(errors))
    # It ran n_iter_no_change epochs past the best, then stopped...
    assert len(errors) - 1 - best == 3
    # ...and kept the best epoch's network: its calibration scores are the
    # per-window errors behind the best recent error.
    assert_allclose(model.conformity_scores_.mean(), errors[best], rtol=1e-4)


def test_no_stop_without_calibration_windows(windows):
    X, y = windows
    model = RNNForecaster(calibration_fraction=0, **FAST).fit(X, y)
    assert "recent_error" not in model.net_.history[-1]
    assert model.conformity_scores_ is None


def test_early_stopping_uses_its_own_random_hold_out(windows):
    X, y = windows
    model = RNNForecaster(early_stopping=True, **FAST).fit(X, y)
    assert "valid_loss" in model.history_[-1]
    assert "recent_error" not in model.net_.history[-1]
    assert model.conformity_scores_ is not None


def test_stop_is_seeded_and_leaves_nothing_behind(windows):
    X, y = windows
    params = {**FAST, "max_epochs": 8, "n_iter_no_change": 2}
    a = RNNForecaster(**params).fit(X, y)
    b = clone(a).fit(X, y)
    assert_allclose(a.predict(X[-4:]), b.predict(X[-4:]))
    assert "_recent_windows" not in vars(a)
    stop = dict(a.net_.callbacks_)["stop_on_recent_windows"]
    assert stop.X is None and stop.forecaster is None


def test_partial_fit_of_a_default_forecaster(windows):
    X, y = windows
    model = RNNForecaster(hidden_size=8, random_state=0)
    model.partial_fit(X, y).partial_fit(X, y)
    assert model.n_iter_ == 2
    assert model.predict(X[:2]).shape == (2, 3)


# ------------------------------------------------------- short histories
def test_forecast_pads_series_shorter_than_the_window(windows):
    X, y = windows
    model = RNNForecaster(**FAST).fit(X, y)
    series = _series()
    with pytest.warns(UserWarning, match=r"1 series shorter .* \('b'\)"):
        out = model.forecast({"a": series, "b": series[:10]}, steps=4, coverage=0.8)
    assert list(out["b"].index) == [10, 11, 12, 13]
    assert np.isfinite(out["b"].to_numpy()).all()
    padded = np.r_[np.full(14, series[0]), series[:10]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_allclose(
            out["b"]["forecast"], model.forecast(padded, steps=4), rtol=1e-5
        )
    with pytest.warns(UserWarning, match="The series is shorter"):
        assert model.forecast(series[:5], steps=2).shape == (2,)
