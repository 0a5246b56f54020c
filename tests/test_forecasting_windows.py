"""make_windows over many series, panels, covariates; calendar_features (torch-free)."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from sklearn_rnn import calendar_features, make_windows


def _panel():
    return {"a": np.arange(10.0), "b": 100 + np.arange(7.0)}


def test_dict_windows_never_cross_series_and_carry_groups():
    X, y, groups = make_windows(_panel(), lookback=3, horizon=2, return_groups=True)
    # a: 10 - 5 + 1 = 6 windows, b: 7 - 5 + 1 = 3 windows
    assert X.shape == (9, 3) and y.shape == (9, 2)
    assert sorted(groups.tolist()) == ["a"] * 6 + ["b"] * 3
    for row, target, key in zip(X, y, groups, strict=True):
        values = _panel()[key]
        start = int(np.flatnonzero(values == row[0])[0])
        assert_array_equal(values[start : start + 5], np.r_[row, target])
    # Ordered by distance from each series' end: the last rows are the most
    # recent windows of every series.
    assert set(groups[-2:]) == {"a", "b"}
    assert_array_equal(y[-2:, -1], [9.0, 106.0])


def test_list_matches_dict_and_single_series_keeps_time_order():
    Xd, yd = make_windows(_panel(), lookback=3)
    Xl, yl = make_windows(list(_panel().values()), lookback=3)
    assert_array_equal(Xd, Xl)
    assert_array_equal(yd, yl)
    X, y = make_windows(np.arange(10.0), lookback=3)
    assert_array_equal(y, np.arange(3.0, 10.0))


def test_datetime_panels_order_rows_by_time():
    one = pd.Series(
        np.arange(6.0), index=pd.period_range("2020-01", periods=6, freq="M")
    )
    two = pd.Series(
        np.arange(6.0) + 50, index=pd.period_range("2020-02", periods=6, freq="M")
    )
    _, y, groups = make_windows({"x": one, "y": two}, lookback=2, return_groups=True)
    assert groups.tolist() == ["x", "x", "y", "x", "y", "x", "y", "y"]


def test_short_series_are_skipped_with_a_warning_or_refused():
    panel = {**_panel(), "tiny": np.arange(3.0)}
    with pytest.warns(UserWarning, match=r"Skipping 1 series .*'tiny'"):
        X, _ = make_windows(panel, lookback=3, horizon=2)
    assert len(X) == 9
    with pytest.raises(ValueError, match=r"No series has .*series 'a': 10"):
        make_windows(panel, lookback=20)


@pytest.mark.parametrize(
    "series, message",
    [
        ({"a": np.arange(9.0), "b": np.ones((9, 2))}, "series 'b' has 2 channel"),
        (
            {"a": np.arange(9.0), "b": np.r_[1.0, np.nan, np.ones(7)]},
            "series 'b' contains NaN",
        ),
        ({"a": np.arange(9.0), "b": ["x"] * 9}, "series 'b' must be numeric"),
        (
            {"a": np.arange(9.0), "b": pd.Series(["1.5"] * 9, dtype="string")},
            r"series 'b' must be numeric; got text.*pd.to_numeric",
        ),
        ("abc", "got a scalar str 'abc'"),
        ({}, "empty dict"),
    ],
)
def test_bad_panels_name_the_series(series, message):
    with pytest.raises(ValueError, match=message):
        make_windows(series, lookback=2)


@pytest.mark.parametrize(
    "covariates, message",
    [
        (5, "got a scalar int 5"),
        (np.ones((9, 2, 2)), r"got 3-D with shape \(9, 2, 2\)"),
        (np.ones(4), "covariates have 4 rows"),
    ],
)
def test_bad_covariates_say_what_is_wrong(covariates, message):
    with pytest.raises(ValueError, match=message):
        make_windows(np.arange(9.0), lookback=2, covariates=covariates)


def test_dataframe_columns_read_as_covariates_warn_unless_named():
    frame = pd.DataFrame({"sales": np.arange(8.0), "price": np.arange(8.0) * 10})
    with pytest.warns(UserWarning, match=r"'sales' .* target and \['price'\] as past"):
        X, _ = make_windows(frame, lookback=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X2, y2 = make_windows(frame, lookback=3, target="price")
        X3, _ = make_windows(frame, lookback=3, covariates=["price"])
    assert_array_equal(X, X3)
    assert_array_equal(X2[0], [[0, 0], [10, 1], [20, 2]])
    assert_array_equal(y2, [30, 40, 50, 60, 70])
    with pytest.raises(ValueError, match="target='nope' is not a column"):
        make_windows(frame, lookback=3, target="nope")


def test_long_panel_equals_dict_of_series():
    long = pd.concat(
        [
            pd.DataFrame({"id": key, "t": np.arange(len(v))[::-1], "y": v[::-1]})
            for key, v in _panel().items()
        ]
    )
    X, y, groups = make_windows(
        long, lookback=3, id_col="id", time_col="t", target="y", return_groups=True
    )
    Xd, yd, gd = make_windows(_panel(), lookback=3, return_groups=True)
    assert_array_equal(X, Xd)
    assert_array_equal(y, yd)
    assert_array_equal(groups, gd)
    with pytest.raises(ValueError, match="id_col='key' is not a column"):
        make_windows(long, lookback=3, id_col="key")


def test_future_covariates_enter_window_and_horizon():
    target = np.arange(10.0)
    known = np.arange(10.0) * 100
    X, y = make_windows(target, lookback=3, horizon=2, future_covariates=known)
    assert X.shape == (6, 5, 3)  # lookback + horizon steps; target, known, flag
    assert_array_equal(X[0, :, 0], [0, 1, 2, 2, 2])  # target carried forward
    assert_array_equal(X[0, :, 1], [0, 100, 200, 300, 400])  # known over horizon
    assert_array_equal(X[0, :, 2], [0, 0, 0, 1, 1])  # horizon flag
    assert_array_equal(y[0], [3, 4])
    with pytest.raises(ValueError, match="future_covariates of series have 5 rows"):
        make_windows(target, lookback=3, future_covariates=known[:5])


def test_datetime_gaps_are_refused():
    index = pd.DatetimeIndex(
        list(pd.date_range("2020-01-01", periods=5, freq="D"))
        + list(pd.date_range("2020-02-01", periods=5, freq="D"))
    )
    with pytest.raises(ValueError, match="no regular frequency .* 2020-01-05"):
        make_windows(pd.Series(np.arange(10.0), index=index), lookback=2)
    periods = pd.PeriodIndex(["2020-01", "2020-02", "2020-05", "2020-06"], freq="M")
    with pytest.raises(ValueError, match="gap between 2020-02 and 2020-05"):
        make_windows(pd.Series(np.arange(4.0), index=periods), lookback=1)


def test_calendar_features_are_cyclic_and_extend_into_the_future():
    months = pd.date_range("2021-01-01", periods=12, freq="MS")
    cal = calendar_features(months, steps=12)
    assert list(cal.columns) == ["month_sin", "month_cos"]
    assert len(cal) == 24
    assert_array_equal(cal.iloc[:12].to_numpy(), cal.iloc[12:].to_numpy())
    assert np.allclose(cal.pow(2).sum(axis=1).to_numpy().reshape(-1, 2).sum(1), 2)
    hours = pd.date_range("2021-01-01", periods=48, freq="h")
    assert list(calendar_features(hours).columns) == [
        "hour_sin",
        "hour_cos",
        "dayofweek_sin",
        "dayofweek_cos",
    ]
    quarters = pd.period_range("2020Q1", periods=8, freq="Q")
    assert list(calendar_features(quarters).columns) == ["quarter_sin", "quarter_cos"]
    with pytest.raises(ValueError, match="DatetimeIndex or PeriodIndex"):
        calendar_features(pd.RangeIndex(5))
    with pytest.raises(ValueError, match="Unknown calendar feature"):
        calendar_features(months, ["week"])


@pytest.mark.parametrize(
    "freq, dropped, where, fix",
    [
        ("MS", 30, "2012-06-01 00:00:00 and 2012-08-01", "asfreq('MS')"),
        ("D", 40, "2020-02-09 00:00:00 and 2020-02-11", "asfreq('D')"),
    ],
)
def test_a_gap_is_located_and_the_fix_names_the_frequency(freq, dropped, where, fix):
    start = "2010-01-01" if freq == "MS" else "2020-01-01"
    index = pd.date_range(start, periods=60, freq=freq)
    series = pd.Series(np.arange(60.0), index).drop(index[dropped])
    with pytest.raises(ValueError, match=re.escape(where) + ".*" + re.escape(fix)):
        make_windows(series, lookback=12, horizon=3)
