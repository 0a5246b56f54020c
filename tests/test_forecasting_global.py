"""Global forecasting: many series, known-future covariates, intervals, backtest."""

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_allclose
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from sklearn_rnn import RNNForecaster, backtest, calendar_features, make_windows


def _seasonal(n, level, seed, noise=0.05):
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    return level * (
        1 + 0.3 * np.sin(2 * np.pi * t / 12) + rng.normal(scale=noise, size=n)
    )


@pytest.fixture(scope="module")
def panel():
    # Levels from 1 to 1000: one model must serve them all.
    return {f"s{i}": _seasonal(90 + 3 * i, 10.0 ** (i % 4), i) for i in range(8)}


@pytest.fixture(scope="module")
def model(panel):
    X, y = make_windows(panel, lookback=24, horizon=4)
    params = {**FAST, "max_epochs": 15, "lr": 0.01}
    return RNNForecaster(**params).fit(X, y)


# ------------------------------------------------------------ horizon=None
def test_horizon_comes_from_y(model):
    assert model.horizon_ == 4 and model.n_outputs_ == 4
    X, y = make_windows(np.arange(60.0), lookback=6)
    one = RNNForecaster(**FAST).fit(X, y)
    assert one.horizon_ == 1 and one.predict(X[:3]).shape == (3,)
    with pytest.raises(ValueError, match="horizon=2 disagrees with y, which has 1"):
        RNNForecaster(horizon=2, **FAST).fit(X, y)


# -------------------------------------------------------------- many series
def test_forecast_of_dict_and_list_equals_one_by_one(model, panel):
    many = model.forecast(panel, steps=6)
    assert list(many) == list(panel)
    as_list = model.forecast(list(panel.values()), steps=6)
    for (key, series), values in zip(panel.items(), as_list, strict=True):
        assert_allclose(many[key], model.forecast(series, steps=6), rtol=1e-5)
        assert_allclose(values, many[key], rtol=1e-5)


def test_global_model_follows_each_series_scale(model, panel):
    out = model.forecast(panel, steps=4)
    for key, series in panel.items():
        truth = _seasonal(len(series) + 4, 10.0 ** (int(key[1:]) % 4), 0)[-4:]
        # Right order of magnitude for every level (1 ... 1000).
        ratio = out[key].mean() / truth.mean()
        assert 0.5 < ratio < 2


def test_long_panel_in_long_frame_out(model, panel):
    long = pd.concat(
        pd.DataFrame(
            {
                "id": key,
                "month": pd.period_range("2000-01", periods=len(v), freq="M"),
                "sales": v,
            }
        )
        for key, v in panel.items()
    )
    out = model.forecast(
        long, steps=3, id_col="id", time_col="month", target="sales", coverage=0.8
    )
    assert list(out.columns) == ["id", "month", "forecast", "lower", "upper"]
    assert len(out) == 3 * len(panel)
    first = out[out["id"] == "s0"]
    assert_allclose(first["forecast"], model.forecast(panel["s0"], steps=3), rtol=1e-5)


# ------------------------------------------------------------- intervals
def test_intervals_are_calibrated_scale_free_and_widen(model, panel):
    assert model.conformity_scores_.shape[1] == 4
    frame = model.forecast(panel["s3"], steps=4, coverage=0.9)
    assert list(frame.columns) == ["forecast", "lower", "upper"]
    width = (frame["upper"] - frame["lower"]).to_numpy()
    assert (np.diff(width) >= -1e-9 * width.max()).all() and (width > 0).all()
    X, _ = make_windows(panel["s1"], lookback=24, horizon=4)
    lower, upper = model.predict_interval(X, coverage=0.8)
    lower2, upper2 = model.predict_interval(X * 1000, coverage=0.8)
    assert_allclose(upper2 - lower2, (upper - lower) * 1000, rtol=1e-3)
    narrow = model.predict_interval(X, coverage=0.5)
    assert ((narrow[1] - narrow[0]) <= (upper - lower) + 1e-9).all()


def test_backtest_coverage_is_near_nominal(model, panel):
    full = {
        k: np.r_[v, _seasonal(len(v) + 12, 10.0 ** (i % 4), i)[-12:]]
        for i, (k, v) in enumerate(panel.items())
    }
    _, errors = backtest(model, full, horizon=4, start=-12, stride=2, coverage=0.8)
    assert 0.6 <= errors["coverage"] <= 1.0


@pytest.mark.parametrize("coverage", [0, 1, 1.5, -0.1, "0.9", True])
def test_coverage_outside_0_1_is_refused(model, panel, coverage):
    with pytest.raises(ValueError, match="coverage must be a float strictly between"):
        model.forecast(panel, steps=2, coverage=coverage)


def test_no_calibration_windows_is_a_clear_error():
    X, y = make_windows(np.arange(20.0), lookback=5)  # 15 windows: too few
    with pytest.warns(UserWarning, match="fewer than the 10 needed"):
        small = RNNForecaster(**FAST).fit(X, y)
    assert small.conformity_scores_ is None
    with pytest.raises(ValueError, match="no held-out windows"):
        small.predict_interval(X, coverage=0.9)
    with pytest.raises(ValueError, match="coverage=0.99 needs at least 99"):
        RNNForecaster(**FAST).fit(
            *make_windows(np.arange(300.0), lookback=5)
        ).predict_interval(X, coverage=0.99)


# ------------------------------------------------- known-future covariates
def test_future_covariates_are_read_over_the_horizon():
    # The target jumps by 10 exactly when a known promotion runs.
    rng = np.random.RandomState(0)
    promo = (rng.uniform(size=400) < 0.3).astype(float)
    target = 20 + 10 * promo + rng.normal(scale=0.3, size=400)
    X, y = make_windows(target, lookback=8, horizon=2, future_covariates=promo)
    model = RNNForecaster(**{**FAST, "max_epochs": 30, "lr": 0.02}).fit(X, y)
    history = target[:300]
    on = model.forecast(history, 2, future_covariates=np.r_[promo[:300], 1, 1])
    off = model.forecast(history, 2, future_covariates=np.r_[promo[:300], 0, 0])
    assert (on - off > 4).all()
    with pytest.raises(ValueError, match="future_covariates of series have 301 rows"):
        model.forecast(history, 2, future_covariates=promo[:301])
    with pytest.raises(ValueError, match="trained with known-future covariates"):
        model.forecast(history, 2)
    # No padding with known-future covariates: they would not line up.
    with pytest.raises(ValueError, match="series has 5 steps; the model needs the"):
        model.forecast(history[:5], 2, future_covariates=promo[:7])
    with pytest.raises(ValueError, match="lacks their flag channel"):
        model.predict(X[:, :, [0, 1, 1]])


def test_calendar_features_as_future_covariates(panel):
    index = pd.period_range("2000-01", periods=90, freq="M")
    series = pd.Series(panel["s0"][:90], index=index)
    cal = calendar_features(index, steps=6)
    X, y = make_windows(series, 12, 3, future_covariates=cal.iloc[:90])
    model = RNNForecaster(**FAST).fit(X, y)
    out = model.forecast(series, 6, future_covariates=cal)
    assert out.index.equals(pd.period_range("2007-07", periods=6, freq="M"))


# ---------------------------------------------------------------- bad input
def test_forecast_bad_input_names_series_and_problem(model, panel):
    with pytest.raises(ValueError, match="series 's1' contains NaN"):
        model.forecast({**panel, "s1": np.r_[panel["s1"], np.nan]}, steps=2)
    with pytest.warns(UserWarning, match=r"1 series shorter .* \('s2'\): padded"):
        model.forecast({**panel, "s2": panel["s2"][:10]}, steps=2)
    with pytest.raises(ValueError, match="series 'x' has 2 channel"):
        model.forecast({"x": np.ones((40, 2))}, steps=2)
    with pytest.raises(ValueError, match="without known-future covariates"):
        model.forecast(panel["s0"], 2, future_covariates=np.ones(200))
    with pytest.raises(ValueError, match="without past covariates"):
        model.forecast(panel["s0"], 2, covariates=np.ones(2))
    with pytest.raises(ValueError, match=r"steps=1000000000000 would take .* at most"):
        model.forecast(panel["s0"], 10**12)


# ----------------------------------------------------------------- backtest
def test_backtest_tidy_frame_and_errors(model, panel):
    result = backtest(model, panel, horizon=4, start=-8, stride=2, season_length=12)
    forecasts, errors = result
    assert list(forecasts.columns[:6]) == [
        "series",
        "origin",
        "step",
        "time",
        "actual",
        "forecast",
    ]
    assert len(forecasts) == len(panel) * 3 * 4  # origins at -8, -6, -4
    assert list(errors.index) == ["MAE", "RMSE", "MAPE", "sMAPE", "MASE"]
    row = forecasts.iloc[0]
    assert row["time"] == row["origin"] + row["step"]
    naive = np.abs(
        forecasts["actual"]
        - forecasts.groupby(["series", "origin"])["actual"].transform("first")
    )
    assert errors["MASE"] < 3 and errors["MAE"] > 0 and np.isfinite(naive).all()
    by_step = result.errors_by("step")
    assert list(by_step.index) == [1, 2, 3, 4]


def test_backtest_refit_and_errors(panel):
    model = RNNForecaster(lookback=12, horizon=2, **FAST)
    two = {k: panel[k] for k in ("s0", "s1")}
    forecasts, errors = backtest(model, two, horizon=2, start=-4, stride=2, refit=True)
    assert len(forecasts) == 2 * 2 * 2 and np.isfinite(errors["MAE"])
    with pytest.raises(ValueError, match="refit=True makes windows"):
        backtest(RNNForecaster(), two, horizon=2, refit=True)
    with pytest.raises(ValueError, match="No series has an origin"):
        backtest(model.fit(*make_windows(two, 12, 2)), two, horizon=200)


def test_grid_search_over_many_series_with_time_series_split(panel):
    X, y = make_windows(panel, lookback=24, horizon=2)
    search = GridSearchCV(
        RNNForecaster(**FAST, calibration_fraction=0.0),
        {"lookback": [6, 24]},
        cv=TimeSeriesSplit(n_splits=2),
        scoring="neg_mean_absolute_error",
    ).fit(X, y)
    assert search.best_params_["lookback"] in (6, 24)


def test_a_single_short_series_is_told_how_to_get_intervals():
    # 73 windows: 10% is 7, too few to calibrate; fit says so and how to fix it.
    series = 100 + 10 * np.sin(np.arange(108) * 2 * np.pi / 12)
    X, y = make_windows(series, lookback=24, horizon=12)
    with pytest.warns(UserWarning, match="calibration_fraction=0.14 holds out 10"):
        model = RNNForecaster(**FAST).fit(X, y)
    assert model.conformity_scores_ is None
    model = RNNForecaster(**FAST, calibration_fraction=0.14).fit(X, y)
    frame = model.forecast(series, steps=12, coverage=0.9)
    assert (frame["lower"] < frame["upper"]).all()


def test_a_warm_fit_that_fails_on_the_held_out_windows_changes_nothing():
    series = np.sin(np.arange(400) * 2 * np.pi / 12) + np.arange(400) / 100
    X, y = make_windows(series, lookback=12, horizon=3)
    model = RNNForecaster(**FAST, warm_start=True, early_stopping=True).fit(X, y)
    before, epochs = model.predict(X), model.n_iter_
    X_bad = X.copy()
    X_bad[-1, 0] = np.nan  # in the held-out windows only
    with pytest.raises(ValueError, match="NaN"):
        model.fit(X_bad, y)
    np.testing.assert_array_equal(model.predict(X), before)
    assert model.n_iter_ == epochs
