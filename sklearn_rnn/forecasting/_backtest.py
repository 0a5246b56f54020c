"""Backtests: forecast from many origins of one or many series, then score.

Torch-free: the forecaster does the network work.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from .._warnings import user_stacklevel
from ._intervals import check_coverage
from ._windows import SeriesData, _check_int, collect_series, make_windows


@dataclass
class BacktestResult:
    """What :func:`backtest` returns; unpacks as ``forecasts, errors``.

    Attributes
    ----------
    forecasts : DataFrame
        One row per series, origin and step: ``series``, ``origin`` (the
        last observed time), ``step`` (1..horizon), ``time``, ``actual``,
        ``forecast``, with coverage ``lower`` and ``upper``, and ``scale``
        (the MASE denominator of the origin: the mean absolute seasonal
        difference of the history before it).
    errors : Series
        MAE, RMSE, MAPE and sMAPE (in %), MASE, and with coverage the share
        of actuals inside the intervals (``coverage``) and their mean width
        relative to the MASE scale (``width``).
    """

    forecasts: pd.DataFrame
    errors: pd.Series

    def __iter__(self):
        return iter((self.forecasts, self.errors))

    def __getitem__(self, i: int):
        # A pair: result[0] is forecasts, result[1] errors, as when unpacked.
        return (self.forecasts, self.errors)[i]

    def __len__(self) -> int:
        return 2

    def errors_by(self, column: str = "step") -> pd.DataFrame:
        """The error measures per value of ``column`` (e.g. "step", "series").

        Parameters
        ----------
        column : str, default="step"
            A column of ``forecasts``.

        Returns
        -------
        DataFrame
            One row per value of ``column``, one column per measure.
        """
        return self.forecasts.groupby(column, sort=True).apply(
            _errors, include_groups=False
        )


def _errors(frame: pd.DataFrame) -> pd.Series:
    actual, forecast = frame["actual"].to_numpy(), frame["forecast"].to_numpy()
    error = actual - forecast
    with np.errstate(divide="ignore", invalid="ignore"):
        ape = np.where(actual != 0, np.abs(error / actual), np.nan)
        denominator = np.abs(actual) + np.abs(forecast)
        sape = np.where(denominator > 0, 2 * np.abs(error) / denominator, 0.0)
        scaled = np.abs(error) / frame["scale"].to_numpy()
    out = {
        "MAE": np.mean(np.abs(error)),
        "RMSE": np.sqrt(np.mean(error**2)),
        "MAPE": 100 * _nanmean(ape),
        "sMAPE": 100 * np.mean(sape),
        "MASE": _nanmean(scaled),
    }
    if "lower" in frame:
        lower, upper = frame["lower"].to_numpy(), frame["upper"].to_numpy()
        out["coverage"] = np.mean((actual >= lower) & (actual <= upper))
        out["width"] = _nanmean((upper - lower) / frame["scale"].to_numpy())
    return pd.Series(out)


def _nanmean(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else float("nan")


def _seasonal_scale(history: np.ndarray, season_length: int) -> float:
    """Mean absolute seasonal difference of the history (MASE's denominator)."""
    if len(history) <= season_length:
        return float("nan")
    scale = np.mean(np.abs(history[season_length:] - history[:-season_length]))
    return float(scale) if scale > 0 else float("nan")


def _label(index, position: int):
    return position if index is None else index[position]


def backtest(
    forecaster: Any,
    series: Any,
    *,
    horizon: int,
    start: int | None = None,
    stride: int = 1,
    refit: bool = False,
    coverage: float | None = None,
    future_covariates: Any = None,
    season_length: int = 1,
    target: Any = None,
    id_col: Any = None,
    time_col: Any = None,
) -> BacktestResult:
    """Forecast ``horizon`` steps from every origin of one or many series.

    Parameters
    ----------
    forecaster : RNNForecaster
        Fitted, unless ``refit=True``.
    series : array-like, Series, DataFrame, or dict or list of them
        The series, as for :func:`make_windows` (a long DataFrame with
        ``id_col=``, too). Their known actuals are compared with the
        forecasts.
    horizon : int
        Steps forecast from each origin.
    start : int, default=None
        Number of observed steps at the first origin; negative counts from
        each series' end (``start=-horizon`` forecasts just the last
        ``horizon`` steps of every series). None starts as early as the
        forecaster can: at its window length, or with ``refit=True`` at half
        of each series.
    stride : int, default=1
        Steps between consecutive origins.
    refit : bool, default=False
        Refit a clone of the forecaster before each round of origins, on
        the windows (``lookback`` steps long, ``forecaster.lookback`` or the
        fitted window length) of all data before them. Costly: one fit per
        origin of the longest series.
    coverage : float in (0, 1), default=None
        Also score conformal intervals of this coverage.
    future_covariates : array-like, column names, or dict, default=None
        Known-future covariates, as for :func:`make_windows`.
    season_length : int, default=1
        Seasonal period of the naive forecast that scales MASE (12 for
        monthly data, 4 for quarterly, 1 for the plain naive forecast).
    target, id_col, time_col : str, default=None
        Column names, as for :func:`make_windows`.

    Returns
    -------
    BacktestResult
        ``forecasts`` (a tidy DataFrame: series, origin, step, time, actual,
        forecast, lower and upper with coverage, and the MASE scale) and
        ``errors`` (MAE, RMSE, MAPE, sMAPE, MASE, and coverage with
        intervals); unpack it as
        ``forecasts, errors = backtest(...)``. MASE divides each absolute
        error by the in-sample mean absolute seasonal difference of the
        history before its origin.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNForecaster, backtest, make_windows
    >>> series = 50 + 10 * np.sin(np.arange(120) * 2 * np.pi / 12)
    >>> model = RNNForecaster(hidden_size=8, max_epochs=5, random_state=0).fit(
    ...     *make_windows(series[:96], lookback=12, horizon=3))
    >>> forecasts, errors = backtest(model, series, horizon=3, start=96,
    ...                              stride=3, season_length=12)
    >>> forecasts.columns.tolist()
    ['series', 'origin', 'step', 'time', 'actual', 'forecast', 'scale']
    >>> len(forecasts), list(errors.index)
    (24, ['MAE', 'RMSE', 'MAPE', 'sMAPE', 'MASE'])
    """
    _check_int("horizon", horizon)
    _check_int("stride", stride)
    _check_int("season_length", season_length)
    if start is not None and (
        not isinstance(start, (int, np.integer)) or isinstance(start, bool)
    ):
        raise ValueError(f"start must be an int or None; got {start!r}.")
    if coverage is not None:
        coverage = check_coverage(coverage)
    if not refit:
        check_is_fitted(forecaster)
        lookback = forecaster._window_length
    else:
        lookback = forecaster.lookback or getattr(forecaster, "_window_length", None)
        if lookback is None:
            raise ValueError(
                "refit=True makes windows of forecaster.lookback steps; set lookback "
                "on the forecaster (or fit it once)."
            )
    items, _ = collect_series(
        series,
        future_covariates=future_covariates,
        target=target,
        id_col=id_col,
        time_col=time_col,
        warn=False,
    )
    origins = []
    for d in items:
        n = len(d.values)
        if start is None:
            first = n // 2 if refit else lookback
        else:
            first = start if start >= 0 else n + start
        first = max(first, lookback)
        origins.append(list(range(first, n - horizon + 1, stride)))
    if not any(origins):
        raise ValueError(
            f"No series has an origin with {lookback} observed steps before it and "
            f"horizon={horizon} actual steps after it (start={start}); lower start "
            "or horizon, or pass longer series."
        )
    skipped = [d.key for d, o in zip(items, origins, strict=True) if not o]
    if skipped:
        warnings.warn(
            f"Skipping {len(skipped)} series too short for an origin: "
            f"{skipped[:10]}{' ...' if len(skipped) > 10 else ''}.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    rounds = max(len(o) for o in origins)
    frames = []
    for k in range(rounds):
        batch = [
            (position, d, o[k])
            for position, (d, o) in enumerate(zip(items, origins, strict=True))
            if k < len(o)
        ]
        if refit:
            model = _refit(forecaster, batch, lookback, horizon)
        elif k == 0:
            model = forecaster
        frames.append(_forecast_round(model, batch, horizon, coverage, season_length))
        if not refit:
            # Without refits the rounds are independent: do them at once.
            rest = [
                (position, d, origin)
                for position, (d, o) in enumerate(zip(items, origins, strict=True))
                for origin in o[1:]
            ]
            if rest:
                frames.append(
                    _forecast_round(model, rest, horizon, coverage, season_length)
                )
            break
    forecasts = pd.concat(frames, ignore_index=True)
    forecasts = forecasts.sort_values(["order", "origin_pos", "step"], kind="stable")
    errors = _errors(forecasts)
    forecasts = forecasts.drop(columns=["order", "origin_pos"]).reset_index(drop=True)
    return BacktestResult(forecasts, errors)


def _truncate(d: SeriesData, origin: int) -> SeriesData:
    index = None if d.index is None else d.index[:origin]
    return SeriesData(d.key, d.values[:origin], index, d.future, d.name)


def _refit(forecaster, batch, lookback: int, horizon: int):
    histories = {i: d.values[:origin] for i, (_, d, origin) in enumerate(batch)}
    future = None
    if batch[0][1].future is not None:
        future = {i: d.future[:origin] for i, (_, d, origin) in enumerate(batch)}
    model_horizon = forecaster.horizon or horizon
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # short series are skipped
        X, y = make_windows(
            histories, lookback, model_horizon, future_covariates=future
        )
    return clone(forecaster).fit(X, y)


def _forecast_round(model, batch, horizon, coverage, season_length) -> pd.DataFrame:
    items = [_truncate(d, origin) for _, d, origin in batch]
    covariates = None
    if batch[0][1].values.shape[1] > 1:  # past covariates: their actual future
        covariates = [d.values[origin : origin + horizon, 1:] for _, d, origin in batch]
    n_blocks = -(-horizon // model.horizon_)
    values, scales = model._roll_out(items, horizon, n_blocks, covariates, "list")
    steps = np.arange(1, horizon + 1)
    frame = pd.DataFrame(
        {
            "series": np.repeat(
                [0 if d.key is None else d.key for _, d, _ in batch], horizon
            ),
            "origin": np.repeat(
                [_label(d.index, origin - 1) for _, d, origin in batch], horizon
            ),
            "step": np.tile(steps, len(batch)),
            "time": [
                _label(d.index, origin + s - 1) for _, d, origin in batch for s in steps
            ],
            "actual": np.concatenate(
                [d.values[origin : origin + horizon, 0] for _, d, origin in batch]
            ),
            "forecast": values.ravel(),
        }
    )
    if coverage is not None:
        half = model._widths(coverage, horizon)[None, :] * scales[:, None]
        frame["lower"] = (values - half).ravel()
        frame["upper"] = (values + half).ravel()
    frame["scale"] = np.repeat(
        [
            _seasonal_scale(d.values[:origin, 0], season_length)
            for _, d, origin in batch
        ],
        horizon,
    )
    frame["order"] = np.repeat([position for position, _, _ in batch], horizon)
    frame["origin_pos"] = np.repeat([origin for _, _, origin in batch], horizon)
    return frame
