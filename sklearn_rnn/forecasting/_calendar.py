"""Cyclic calendar encodings, usable as known-future covariates. No torch."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._windows import future_index

# name -> (value of each timestamp, period of the cycle)
_FEATURES = {
    "month": (lambda idx: idx.month - 1, 12),
    "quarter": (lambda idx: idx.quarter - 1, 4),
    "dayofweek": (lambda idx: idx.day_of_week, 7),
    "hour": (lambda idx: idx.hour, 24),
}


def _default_features(index: pd.DatetimeIndex) -> list[str]:
    """The cycles that vary at the index's resolution."""
    picked = []
    if len(index) and (index.hour != index.hour[0]).any():
        picked.append("hour")
    if len(index) > 1 and (index.normalize() != index.normalize()[0]).any():
        step = pd.Series(index).diff().median()
        if step < pd.Timedelta(days=7):
            picked.append("dayofweek")
        if pd.Timedelta(days=1) <= step < pd.Timedelta(days=80):
            picked.append("month")
        elif pd.Timedelta(days=80) <= step < pd.Timedelta(days=360):
            picked.append("quarter")
    return picked or ["month"]


def calendar_features(
    index: pd.DatetimeIndex | pd.PeriodIndex | pd.Series | pd.DataFrame,
    features: Sequence[str] | None = None,
    *,
    steps: int = 0,
) -> pd.DataFrame:
    """Cyclic month / quarter / day-of-week / hour encodings of a time index.

    Each feature becomes a ``sin`` and a ``cos`` column, so December sits
    next to January. The values are known for any future date, which makes
    them natural known-future covariates (``future_covariates=`` of
    :func:`make_windows` and :meth:`RNNForecaster.forecast`).

    Parameters
    ----------
    index : DatetimeIndex, PeriodIndex, or a Series or DataFrame with one
        The time stamps to encode.
    features : list of {"month", "quarter", "dayofweek", "hour"}, default=None
        The cycles to encode. None picks those that vary at the index's
        spacing: hourly data gets hour and day of week, daily data day of
        week and month, weekly and monthly data month, quarterly data
        quarter.
    steps : int, default=0
        Also encode this many steps after the end of ``index`` (at its
        frequency), so one call covers a history and its forecast horizon.

    Returns
    -------
    DataFrame of shape (len(index) + steps, 2 * len(features))
        Columns ``<feature>_sin`` and ``<feature>_cos``, indexed by time.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_rnn import calendar_features
    >>> idx = pd.period_range("2020-01", periods=3, freq="M")
    >>> calendar_features(idx, steps=1).round(3)
             month_sin  month_cos
    2020-01      0.000      1.000
    2020-02      0.500      0.866
    2020-03      0.866      0.500
    2020-04      1.000      0.000
    """
    if isinstance(index, (pd.Series, pd.DataFrame)):
        index = index.index
    if not isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)):
        raise ValueError(
            "calendar_features needs a DatetimeIndex or PeriodIndex (or a pandas "
            f"object indexed by one); got {type(index).__name__}."
        )
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 0:
        raise ValueError(f"steps must be an int >= 0; got {steps!r}.")
    if steps:
        index = index.append(future_index(index, steps))
    stamps = index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index
    if features is None:
        features = _default_features(stamps)
    elif isinstance(features, str):
        features = [features]
    unknown = [f for f in features if f not in _FEATURES]
    if unknown:
        raise ValueError(
            f"Unknown calendar feature(s) {unknown}; choose from {list(_FEATURES)}."
        )
    columns = {}
    for name in features:
        value, period = _FEATURES[name]
        angle = 2 * np.pi * np.asarray(value(stamps), dtype=np.float64) / period
        columns[f"{name}_sin"] = np.sin(angle)
        columns[f"{name}_cos"] = np.cos(angle)
    return pd.DataFrame(columns, index=index)
