"""Forecasting: windows over many series, the forecaster, intervals, backtests.

- ``_windows``: :func:`make_windows` and the reader of series users hold
  (arrays, pandas objects, dicts and lists of them, long panels);
- ``_calendar``: :func:`calendar_features`, cyclic known-future covariates;
- ``_estimator``: :class:`RNNForecaster` and its ``forecast``;
- ``_intervals``: split-conformal intervals per horizon step;
- ``_backtest``: :func:`backtest` and its error measures.

Only ``_estimator`` needs torch; it is imported on first use.
"""

from importlib import import_module

from ._backtest import BacktestResult, backtest
from ._calendar import calendar_features
from ._windows import make_windows

__all__ = [
    "BacktestResult",
    "RNNForecaster",
    "backtest",
    "calendar_features",
    "make_windows",
]


def __getattr__(name: str):
    if name == "RNNForecaster":
        value = import_module("._estimator", __name__).RNNForecaster
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"RNNForecaster"})
