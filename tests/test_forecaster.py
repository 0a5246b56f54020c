"""RNNForecaster, make_windows and forecast() (SPEC 2.5)."""

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from sklearn_rnn import RNNForecaster, make_windows


def _series(n=120, seed=0):
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    return 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(size=n)


# ---------------------------------------------------------------- make_windows
def test_make_windows_shapes_and_order():
    X, y = make_windows(np.arange(10.0), lookback=4)
    assert X.shape == (6, 4) and y.shape == (6,)
    assert_array_equal(X[0], [0, 1, 2, 3])
    assert_array_equal(y, [4, 5, 6, 7, 8, 9])
    X, y = make_windows(np.arange(10.0), lookback=3, horizon=2, stride=3)
    assert_array_equal(X, [[0, 1, 2], [3, 4, 5]])
    assert_array_equal(y, [[3, 4], [6, 7]])


def test_make_windows_from_pandas_and_covariates():
    frame = pd.DataFrame(
        {"sales": np.arange(8.0), "price": np.arange(8.0) * 10},
        index=pd.period_range("2020-01", periods=8, freq="M"),
    )
    with pytest.warns(UserWarning, match="as past covariates"):
        X, y = make_windows(frame, lookback=3)
    assert X.shape == (5, 3, 2)
    assert_array_equal(X[0, :, 1], [0, 10, 20])
    assert_array_equal(y, [3, 4, 5, 6, 7])
    X2, y2 = make_windows(frame["sales"], lookback=3, covariates=frame[["price"]])
    assert_array_equal(X2, X)
    assert_array_equal(y2, y)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"series": np.arange(5.0), "lookback": 4, "horizon": 2},
            "fewer than lookback",
        ),
        ({"series": [1.0, np.nan, 3.0, 4.0], "lookback": 2}, "NaN"),
        (
            {"series": pd.Series([1.0, 2, 3, 4], index=[3, 1, 2, 4]), "lookback": 2},
            "monotonic",
        ),
        ({"series": np.arange(5.0), "lookback": 0}, "lookback must be"),
        ({"series": np.arange(5.0), "lookback": 2, "stride": 1.5}, "stride must be"),
        ({"series": ["a", "b", "c"], "lookback": 1}, "numeric"),
        (
            {"series": np.arange(5.0), "lookback": 2, "covariates": np.ones(4)},
            "covariates have 4",
        ),
    ],
)
def test_make_windows_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_windows(**kwargs)


# ------------------------------------------------------------------ estimator
@pytest.fixture(scope="module")
def fitted():
    X, y = make_windows(_series(), lookback=24, horizon=3)
    model = RNNForecaster(**{**FAST, "max_epochs": 20, "lr": 0.01})
    return model.fit(X, y), X, y


def test_predict_shapes(fitted):
    model, X, _ = fitted
    assert model.predict(X).shape == (len(X), 3)
    assert model.n_outputs_ == 3
    X1, y1 = make_windows(_series(), lookback=12)
    one = RNNForecaster(**FAST).fit(X1, y1)
    assert one.predict(X1).shape == (len(X1),)


def test_window_normalization_restores_units(fitted):
    """Scaling and shifting a window scales and shifts its forecast."""
    model, X, _ = fitted
    assert_allclose(model.predict(X * 3 + 1000), model.predict(X) * 3 + 1000, rtol=1e-4)


def test_normalize_none_uses_global_scaling():
    X, y = make_windows(_series(), lookback=12)
    model = RNNForecaster(normalize=None, **FAST).fit(X, y)
    assert not np.allclose(model.predict(X + 1000), model.predict(X) + 1000)


def test_lookback_is_honoured():
    X, y = make_windows(_series(), lookback=24)
    model = RNNForecaster(lookback=6, **FAST).fit(X, y)
    changed = X.copy()
    changed[:, :18] = -50.0  # outside the last 6 steps
    assert_allclose(model.predict(changed), model.predict(X))
    changed[:, -1] += 5.0
    assert not np.allclose(model.predict(changed), model.predict(X))


def test_lookback_is_grid_searchable_with_time_series_split():
    X, y = make_windows(_series(), lookback=24)
    search = GridSearchCV(
        RNNForecaster(**FAST),
        {"lookback": [6, 12, 24]},
        cv=TimeSeriesSplit(n_splits=3),
        scoring="neg_mean_absolute_error",
    ).fit(X, y)
    assert search.best_params_["lookback"] in (6, 12, 24)


def test_forecast_rolls_out_in_blocks(fitted):
    model, X, _ = fitted
    series = _series()
    first = model.forecast(series, steps=3)
    assert_allclose(first, model.predict(series[None, -24:])[0])
    seven = model.forecast(series, steps=7)
    assert seven.shape == (7,)
    assert_allclose(seven[:3], first)
    extended = np.concatenate([series, seven[:6]])
    assert_allclose(seven[6], model.forecast(extended, steps=1)[0], rtol=1e-5)


@pytest.mark.parametrize(
    "index, expected",
    [
        (
            pd.date_range("1950-01-01", periods=120, freq="MS"),
            pd.date_range("1960-01-01", periods=4, freq="MS"),
        ),
        (
            pd.period_range("1950-01", periods=120, freq="M"),
            pd.period_range("1960-01", periods=4, freq="M"),
        ),
        (pd.RangeIndex(120), pd.RangeIndex(120, 124)),
    ],
    ids=["datetime", "period", "range"],
)
def test_forecast_continues_the_index(fitted, index, expected):
    model, _, _ = fitted
    series = pd.Series(_series(), index=index, name="passengers")
    out = model.forecast(series, steps=4)
    assert isinstance(out, pd.Series)
    assert out.name == "passengers"
    assert out.index.equals(expected)
    assert_allclose(out.to_numpy(), model.forecast(_series(), steps=4))


def test_forecast_inferred_frequency_without_freq(fitted):
    model, _, _ = fitted
    index = pd.DatetimeIndex(
        pd.date_range("1950-01-01", periods=120, freq="MS").tolist()
    )
    assert index.freq is None
    out = model.forecast(pd.Series(_series(), index=index), steps=2)
    assert list(out.index) == [pd.Timestamp("1960-01-01"), pd.Timestamp("1960-02-01")]
    irregular = pd.DatetimeIndex(
        np.sort(
            np.random.RandomState(0).choice(
                pd.date_range("1950", periods=400), 120, replace=False
            )
        )
    )
    with pytest.raises(ValueError, match="frequency"):
        model.forecast(pd.Series(_series(), index=irregular), steps=2)


def test_covariates_as_extra_channels():
    rng = np.random.RandomState(0)
    driver = rng.normal(size=150)
    target = np.r_[0.0, driver[:-1]] * 5 + 100  # follows yesterday's driver
    frame = pd.DataFrame({"y": target, "x": driver})
    X, y = make_windows(frame, lookback=8, horizon=2, target="y")
    model = RNNForecaster(horizon=2, **{**FAST, "max_epochs": 30, "lr": 0.01}).fit(X, y)
    assert model.n_features_in_ == 2
    assert model.forecast(frame, steps=2).shape == (2,)
    with pytest.raises(ValueError, match="needs their future values"):
        model.forecast(frame, steps=5)
    out = model.forecast(frame, steps=5, covariates=rng.normal(size=(4, 1)))
    assert out.shape == (5,)
    with pytest.raises(ValueError, match="channel"):
        model.forecast(frame["y"], steps=2)


def test_forecaster_bad_input(fitted):
    model, X, y = fitted
    with pytest.raises(ValueError, match="horizon=3 disagrees with y, which has 1"):
        RNNForecaster(horizon=3, **FAST).fit(X, y[:, 0])
    with pytest.raises(ValueError, match="lookback=30 exceeds"):
        RNNForecaster(lookback=30, horizon=3, **FAST).fit(X, y)
    # Too short a history is padded with a warning, not refused.
    with pytest.warns(UserWarning, match="shorter than the model's window of 24"):
        model.forecast(_series()[:10], steps=2)
    with pytest.raises(ValueError, match="steps must be"):
        model.forecast(_series(), steps=0)
    with pytest.raises(ValueError, match="NaN"):
        model.forecast(np.r_[_series(), np.nan], steps=2)
