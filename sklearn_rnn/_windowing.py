"""Forecasting helpers: windows over a series, per-window scaling, future
indexes. Pure numpy and pandas; no torch."""

from __future__ import annotations

import warnings
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from ._sequences import Sequences, starts_of


def _as_frame(series, covariates, name: str = "series") -> tuple[np.ndarray, object]:
    """Stack the target and covariates into ``(N, 1 + C)`` floats; return the index.

    ``series`` may be a 1-D array-like, a pandas Series, or a DataFrame whose
    first column is the target and the others covariates.
    """
    index = series.index if isinstance(series, (pd.Series, pd.DataFrame)) else None
    if isinstance(series, pd.DataFrame):
        values = series.to_numpy()
    else:
        values = np.asarray(series)
        if values.ndim == 1:
            values = values[:, None]
        elif values.ndim != 2:
            raise ValueError(
                f"{name} must be 1-D (a series) or 2-D (target first, covariates "
                f"after); got {values.ndim}-D."
            )
    if covariates is not None:
        extra = np.asarray(
            covariates.to_numpy() if hasattr(covariates, "to_numpy") else covariates
        )
        extra = extra[:, None] if extra.ndim == 1 else extra
        if len(extra) != len(values):
            raise ValueError(
                f"covariates have {len(extra)} rows but {name} has {len(values)}; "
                "they must cover the same time steps."
            )
        values = np.hstack([values, extra])
    try:
        values = values.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric; got dtype {values.dtype}.") from exc
    if not np.isfinite(values).all():
        raise ValueError(
            f"{name} contains NaN or infinite values; fill or drop them first."
        )
    if index is not None and len(index) > 1 and not index.is_monotonic_increasing:
        raise ValueError(
            f"The index of {name} is not monotonic increasing; sort it by time."
        )
    return values, index


def make_windows(
    series: Any,
    lookback: int,
    horizon: int = 1,
    stride: int = 1,
    covariates: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into (history, next values) samples for a forecaster.

    Parameters
    ----------
    series : array-like of shape (N,), pandas Series, or DataFrame
        The series in time order. A DataFrame holds the target in its first
        column and past covariates in the others.
    lookback : int
        Steps of history per sample.
    horizon : int, default=1
        Future target values per sample.
    stride : int, default=1
        Steps between the starts of consecutive windows.
    covariates : array-like of shape (N,) or (N, C), or DataFrame, default=None
        Extra channels observed along the series (added after the target).

    Returns
    -------
    X : ndarray of shape (n_windows, lookback) or (n_windows, lookback, 1 + C)
        Histories, oldest step first; 2-D without covariates, 3-D with
        channel 0 the target.
    y : ndarray of shape (n_windows,) or (n_windows, horizon)
        The ``horizon`` target values after each history (1-D when
        ``horizon == 1``).

    Examples
    --------
    >>> from sklearn_rnn import make_windows
    >>> X, y = make_windows([1, 2, 3, 4, 5, 6], lookback=3, horizon=2)
    >>> X
    array([[1., 2., 3.],
           [2., 3., 4.]])
    >>> y
    array([[4., 5.],
           [5., 6.]])
    """
    for name, value in (
        ("lookback", lookback),
        ("horizon", horizon),
        ("stride", stride),
    ):
        if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be an int >= 1; got {value!r}.")
    values, _ = _as_frame(series, covariates)
    n_windows = (len(values) - lookback - horizon) // stride + 1
    if n_windows < 1:
        raise ValueError(
            f"The series has {len(values)} steps, fewer than lookback + horizon = "
            f"{lookback + horizon}; shorten lookback or horizon."
        )
    starts = np.arange(n_windows) * stride
    X = values[starts[:, None] + np.arange(lookback)]
    y = values[starts[:, None] + lookback + np.arange(horizon), 0]
    if values.shape[1] == 1:
        X = X[:, :, 0]
    return X, (y[:, 0] if horizon == 1 else y)


def window_stats(seqs: Sequences) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale of channel 0 over each sequence's real steps."""
    target = seqs.first_channel().astype(np.float64)
    starts = starts_of(seqs.lengths)
    loc = np.add.reduceat(target, starts) / seqs.lengths
    spread = np.add.reduceat((target - np.repeat(loc, seqs.lengths)) ** 2, starts)
    scale = np.sqrt(spread / seqs.lengths)
    # A flat window keeps its level and gets unit scale.
    scale = np.where(scale > 1e-8 * np.maximum(np.abs(loc), 1.0), scale, 1.0)
    return loc, scale


def normalize_windows(seqs: Sequences, loc: np.ndarray, scale: np.ndarray) -> Sequences:
    """Standardise channel 0 of every sequence with its own ``loc`` and ``scale``."""
    values = seqs.values.copy()
    if seqs.uniform:
        values[..., 0] = (values[..., 0] - loc[:, None]) / scale[:, None]
    else:
        values[:, 0] = (values[:, 0] - np.repeat(loc, seqs.lengths)) / np.repeat(
            scale, seqs.lengths
        )
    return Sequences(values, seqs.lengths, seqs.offsets)


def future_index(index, steps: int):
    """The ``steps`` index labels after ``index``, at its frequency."""
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=steps, freq=index.freq)
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq
        if freq is None and len(index) >= 3:
            with warnings.catch_warnings():
                # pandas 3 warns that infer_freq will return an offset, not
                # a string; date_range below takes either.
                warnings.simplefilter("ignore")
                freq = pd.infer_freq(index)
        if freq is None:
            raise ValueError(
                "Cannot infer the frequency of the series' DatetimeIndex; set it, "
                "e.g. series.asfreq('MS'), or pass a numpy array."
            )
        return pd.date_range(index[-1], periods=steps + 1, freq=freq)[1:]
    if isinstance(index, pd.RangeIndex):
        return pd.RangeIndex(
            index[-1] + index.step, index[-1] + index.step * (steps + 1), index.step
        )
    if pd.api.types.is_integer_dtype(index) and len(index) >= 2:
        step = index[-1] - index[-2]
        if step > 0 and (np.diff(np.asarray(index)) == step).all():
            return pd.Index(index[-1] + step * np.arange(1, steps + 1))
    raise ValueError(
        f"Cannot continue an index of type {type(index).__name__}; use a "
        "DatetimeIndex, PeriodIndex, RangeIndex or evenly spaced integers."
    )
