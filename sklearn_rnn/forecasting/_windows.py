"""Windows over one or many series, per-window scaling, future indexes.

Pure numpy and pandas; no torch. Everything that reads the series users
hold (arrays, pandas objects, dicts and lists of them, long panels) goes
through :func:`collect_series`, so ``make_windows``, ``forecast`` and
``backtest`` accept the same inputs and refuse the same mistakes.
"""

from __future__ import annotations

import warnings
from numbers import Integral
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .._frames import split_long_frame
from .._sequences import Sequences, starts_of
from .._warnings import user_stacklevel


class SeriesData(NamedTuple):
    """One validated series: target and past covariates, known-future covariates."""

    key: Any
    values: np.ndarray  # (N, 1 + C) float64, the target in column 0
    index: Any  # the pandas index, or None for arrays
    future: np.ndarray | None  # (M, F) float64 with M >= N, or None
    name: Any = None  # the target's name (Series name or column), if any


def _label(name: str, key: Any) -> str:
    return name if key is None else f"{name} {key!r}"


def _as_float(values: np.ndarray, what: str) -> np.ndarray:
    # Numbers written as text ("101.7") are refused as scikit-learn's
    # check_array refuses them: a text column is more often a mistake.
    if values.dtype.kind in "USa" or (
        values.dtype.kind == "O"
        and any(isinstance(v, (str, bytes)) for v in values.flat)
    ):
        raise ValueError(
            f"{what} must be numeric; got text (dtype {values.dtype}). Convert "
            "it first, e.g. pd.to_numeric(series)."
        )
    try:
        values = values.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be numeric; got dtype {values.dtype}.") from exc
    if not np.isfinite(values).all():
        row = int(np.argwhere(~np.isfinite(values))[0][0])
        raise ValueError(
            f"{what} contains NaN or infinite values (first at step {row}); fill "
            "or drop them first."
        )
    return values


def _columns(obj: Any, what: str) -> np.ndarray:
    """A covariate-like object as ``(N, C)``; refuse scalars and 3-D arrays."""
    if isinstance(obj, (pd.Series, pd.DataFrame)):
        values = obj.to_numpy()
    else:
        values = np.asarray(obj)
    if values.ndim == 0:
        raise ValueError(
            f"{what} must be array-like of shape (n_steps,) or (n_steps, "
            f"n_covariates); got a scalar {type(obj).__name__} {obj!r}."
        )
    if values.ndim > 2:
        raise ValueError(
            f"{what} must be 1-D or 2-D (n_steps, n_covariates); got "
            f"{values.ndim}-D with shape {values.shape}."
        )
    return values[:, None] if values.ndim == 1 else values


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
        if values.ndim == 0:
            raise ValueError(
                f"{name} must be a 1-D array-like of numbers, a pandas Series or "
                f"a DataFrame (or a dict or list of them); got a scalar "
                f"{type(series).__name__} {series!r}."
            )
        if values.ndim == 1:
            values = values[:, None]
        elif values.ndim != 2:
            raise ValueError(
                f"{name} must be 1-D (a series) or 2-D (target first, covariates "
                f"after); got {values.ndim}-D."
            )
    if covariates is not None:
        extra = _columns(covariates, f"covariates of {name}")
        if len(extra) != len(values):
            raise ValueError(
                f"covariates have {len(extra)} rows but {name} has {len(values)}; "
                "they must cover the same time steps."
            )
        values = np.hstack([values, extra])
    if len(values) == 0:
        raise ValueError(f"{name} is empty.")
    values = _as_float(values, name)
    if index is not None and len(index) > 1 and not index.is_monotonic_increasing:
        raise ValueError(
            f"The index of {name} is not monotonic increasing; sort it by time."
        )
    return values, index


def _check_regular(index, name: str) -> None:
    """Refuse a time index with gaps: windows would silently span them."""
    if isinstance(index, pd.PeriodIndex) and len(index) > 1:
        steps = np.diff(index.asi8)
        if (steps != steps[0]).any():
            at = int(np.argmax(steps != steps[0]))
            raise ValueError(
                f"The PeriodIndex of {name} has a gap between {index[at]} and "
                f"{index[at + 1]}; windows would span it. Reindex to every period "
                "and fill the gap first."
            )
    if isinstance(index, pd.DatetimeIndex) and len(index) > 2 and index.freq is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            freq = pd.infer_freq(index)
        if freq is None:
            at, freq = _first_irregular_step(index)
            fix = f"series.asfreq({freq!r})" if freq else "series.asfreq(<frequency>)"
            raise ValueError(
                f"The DatetimeIndex of {name} has no regular frequency (a gap or an "
                f"uneven step between {index[at]} and {index[at + 1]}); windows "
                "would span it and forecast could not continue it. Reindex it, "
                f"e.g. {fix}, and fill the gaps."
            )


def _first_irregular_step(index: pd.DatetimeIndex) -> tuple[int, str | None]:
    """Where a DatetimeIndex first leaves the frequency of its start.

    The frequency is read from the first three stamps (month starts are
    regular even though months differ in days); the position returned is
    the step before the first stamp off that calendar.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        freq = pd.infer_freq(index[:3])
    if freq is not None:
        expected = pd.date_range(index[0], periods=len(index), freq=freq)
        off = np.flatnonzero(index.asi8 != expected.asi8)
        if len(off):
            return max(int(off[0]) - 1, 0), freq
    steps = np.diff(index.asi8)
    return int(np.argmax(steps != steps[0])), freq


def _is_names(arg: Any, frame: Any) -> bool:
    """Whether ``arg`` names columns of the DataFrame ``frame``."""
    if not isinstance(frame, pd.DataFrame) or arg is None:
        return False
    if isinstance(arg, str):
        return arg in frame.columns
    if isinstance(arg, (list, tuple, pd.Index)) and len(arg) > 0:
        return all(isinstance(c, str) and c in frame.columns for c in arg)
    return False


def _names(arg: Any) -> list:
    return [arg] if isinstance(arg, str) else list(arg)


def _one(
    key: Any,
    series: Any,
    covariates: Any,
    future: Any,
    target: Any,
    *,
    warn: bool,
) -> SeriesData:
    name = _label("series", key)
    if isinstance(series, (pd.Series, pd.DataFrame)) and isinstance(
        series.index, pd.MultiIndex
    ):
        raise ValueError(
            f"{name} has a {series.index.nlevels}-level row index; read as one "
            "series, its windows would run from one first-level group into the "
            'next. A panel indexed by (id, time), as sktime\'s "pd-multiindex", '
            "goes in as a dict: {key: s.droplevel(0) for key, s in "
            "series.groupby(level=0)}, or as a long frame with id_col= and "
            "time_col=. One series needs a flat time index (a DatetimeIndex, "
            "PeriodIndex or RangeIndex)."
        )
    target_name = series.name if isinstance(series, pd.Series) else None
    if isinstance(series, pd.DataFrame):
        future_cols = _names(future) if _is_names(future, series) else []
        cov_cols = _names(covariates) if _is_names(covariates, series) else None
        if target is None:
            rest = [c for c in series.columns if c not in future_cols]
            if not rest:
                raise ValueError(f"{name} has no column left for the target.")
            target_col = rest[0]
        elif target in series.columns:
            target_col = target
        else:
            raise ValueError(
                f"target={target!r} is not a column of {name}; columns: "
                f"{list(series.columns)}."
            )
        if cov_cols is None:
            cov_cols = [
                c for c in series.columns if c != target_col and c not in future_cols
            ]
            if cov_cols and warn and target is None and covariates is None:
                warnings.warn(
                    f"make_windows reads column {target_col!r} of the DataFrame as "
                    f"the target and {cov_cols} as past covariates. Pass "
                    "target= (and covariates= or future_covariates=) to say so "
                    "and silence this warning.",
                    UserWarning,
                    stacklevel=user_stacklevel(),
                )
        frame_future = series[future_cols] if future_cols else None
        if frame_future is not None:
            future = frame_future
        covariates = None if _is_names(covariates, series) else covariates
        series = series[[target_col, *cov_cols]]
        target_name = target_col
    elif target is not None:
        raise ValueError(
            f"target={target!r} names a column, but {name} is not a DataFrame."
        )
    values, index = _as_frame(series, covariates, name=name)
    if index is not None:
        _check_regular(index, name)
    if future is not None:
        future = _as_float(
            _columns(future, f"future_covariates of {name}"),
            f"future_covariates of {name}",
        )
        if len(future) < len(values):
            raise ValueError(
                f"future_covariates of {name} have {len(future)} rows but the "
                f"series has {len(values)}; they must cover the series (and, for "
                "forecast, the steps after it)."
            )
    return SeriesData(key, values, index, future, target_name)


def _pick(arg: Any, key: Any, position: int, kind: str, first: Any, what: str) -> Any:
    """The part of a per-series argument (dict or list) belonging to one series."""
    if arg is None or _is_names(arg, first):
        return arg
    if isinstance(arg, dict):
        if key not in arg:
            raise ValueError(f"{what} has no entry for series {key!r}.")
        return arg[key]
    if kind == "list" and isinstance(arg, (list, tuple)):
        return arg[position]
    raise ValueError(
        f"With many series, {what} must be a dict (keyed like the series) or a "
        f"list (in their order), or column names; got {type(arg).__name__}."
    )


def _is_collection(series: Any) -> bool:
    if isinstance(series, dict):
        return True
    if isinstance(series, (list, tuple)) and len(series) > 0:
        return all(
            isinstance(s, (np.ndarray, pd.Series, pd.DataFrame, list, tuple))
            for s in series
        )
    return False


def collect_series(
    series: Any,
    *,
    covariates: Any = None,
    future_covariates: Any = None,
    target: Any = None,
    id_col: Any = None,
    time_col: Any = None,
    warn: bool = True,
) -> tuple[list[SeriesData], str]:
    """Read one series, a dict or list of them, or a long panel.

    Returns the validated series and the input kind: ``"single"``,
    ``"dict"``, ``"list"`` or ``"panel"`` (a long DataFrame split by
    ``id_col``).
    """
    if id_col is not None or time_col is not None:
        if not isinstance(series, pd.DataFrame):
            raise ValueError(
                "id_col and time_col name columns of a long DataFrame; got "
                f"{type(series).__name__}."
            )
        pieces = split_long_frame(series, id_col, time_col)
        if id_col is None:
            return collect_series(
                pieces[None],
                covariates=covariates,
                future_covariates=future_covariates,
                target=target,
                warn=warn,
            )[0], "panel"
        out, _ = collect_series(
            pieces,
            covariates=covariates,
            future_covariates=future_covariates,
            target=target,
            warn=warn,
        )
        return out, "panel"
    if not _is_collection(series):
        return [_one(None, series, covariates, future_covariates, target, warn=warn)], (
            "single"
        )
    kind = "dict" if isinstance(series, dict) else "list"
    items = list(series.items()) if kind == "dict" else list(enumerate(series))
    if not items:
        raise ValueError("series is an empty dict; pass at least one series.")
    first = items[0][1]
    out = []
    warned = not warn
    for position, (key, item) in enumerate(items):
        cov = _pick(covariates, key, position, kind, first, "covariates")
        fut = _pick(future_covariates, key, position, kind, first, "future_covariates")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = _one(key, item, cov, fut, target, warn=not warned)
        for w in caught:
            warned = True
            warnings.warn(w.message, w.category, stacklevel=user_stacklevel())
        if out:
            channels = (out[0].values.shape[1], _width(out[0].future))
            if (data.values.shape[1], _width(data.future)) != channels:
                raise ValueError(
                    f"series {key!r} has {data.values.shape[1]} channel(s) (target + "
                    f"covariates) and {_width(data.future)} known-future "
                    f"covariate(s), but series {out[0].key!r} has {channels[0]} and "
                    f"{channels[1]}; every series needs the same channels."
                )
        out.append(data)
    return out, kind


def _width(future: np.ndarray | None) -> int:
    return 0 if future is None else future.shape[1]


def _check_int(name: str, value: Any, low: int = 1) -> None:
    if not isinstance(value, Integral) or isinstance(value, bool) or value < low:
        raise ValueError(f"{name} must be an int >= {low}; got {value!r}.")


def series_windows(
    data: SeriesData,
    lookback: int,
    horizon: int,
    stride: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Windows of one series: ``X`` 3-D, ``y`` 2-D, and each window's start."""
    values = data.values
    n_windows = (len(values) - lookback - horizon) // stride + 1
    starts = np.arange(max(n_windows, 0)) * stride
    X = values[starts[:, None] + np.arange(lookback)]
    y = values[starts[:, None] + lookback + np.arange(horizon), 0]
    if data.future is not None:
        X = future_layout(
            X, data.future[starts[:, None] + np.arange(lookback + horizon)]
        )
    return X, y, starts


def future_layout(history: np.ndarray, future: np.ndarray) -> np.ndarray:
    """Append the horizon to windows that have known-future covariates.

    ``history`` is ``(n, L, 1 + C)`` (target and past covariates), ``future``
    is ``(n, L + H, F)``: the known-future covariates over the window and
    its horizon. The result is ``(n, L + H, 1 + C + F + 1)``: over the
    horizon the target and past covariates repeat their last observed
    values (they are unknown there), the known-future covariates take their
    values, and the last channel flags the horizon steps (0 = observed,
    1 = future). The forecaster recognises this layout by that flag.
    """
    n, lookback, _ = history.shape
    horizon = future.shape[1] - lookback
    carried = np.repeat(history[:, -1:, :], horizon, axis=1)
    flag = np.zeros((n, lookback + horizon, 1))
    flag[:, lookback:] = 1.0
    return np.concatenate(
        [np.concatenate([history, carried], axis=1), future, flag], axis=2
    )


def _order_key(data: SeriesData, ends: np.ndarray, by_time: bool) -> np.ndarray:
    if by_time:
        index = data.index
        if isinstance(index, pd.PeriodIndex):
            index = index.to_timestamp()
        return np.asarray(index.as_unit("ns").asi8)[ends].astype(np.float64)
    return (ends - len(data.values)).astype(np.float64)


def make_windows(
    series: Any,
    lookback: int,
    horizon: int = 1,
    stride: int = 1,
    covariates: Any = None,
    *,
    future_covariates: Any = None,
    target: Any = None,
    id_col: Any = None,
    time_col: Any = None,
    return_groups: bool = False,
) -> tuple[np.ndarray, ...]:
    """Cut one or many series into (history, next values) samples.

    Parameters
    ----------
    series : array-like of shape (N,), Series, DataFrame, or dict or list of them
        The series in time order. A DataFrame holds the target (``target=``,
        default its first column) and past covariates (the other columns,
        or those named by ``covariates=``). A dict ``{id: series}`` or a list
        of series gives one model many series: their windows are stacked and
        no window crosses from one series into another. A long DataFrame
        with ``id_col=`` (and ``time_col=``) is split into its series.
    lookback : int
        Steps of history per sample.
    horizon : int, default=1
        Future target values per sample.
    stride : int, default=1
        Steps between the starts of consecutive windows.
    covariates : array-like of shape (N,) or (N, C), column names, or dict, \
default=None
        Past covariates: extra channels observed along the series (added
        after the target). With many series, a dict (or list) of them, or
        column names of every DataFrame.
    future_covariates : array-like of shape (N, F), column names, or dict, \
default=None
        Covariates known in advance (calendar, promotions). They enter the
        history window and the horizon: ``X`` then has ``lookback +
        horizon`` steps, see Notes.
    target : str, default=None
        The target column of DataFrame series (default: the first column
        that is not a known-future covariate).
    id_col, time_col : str, default=None
        For a long DataFrame panel: the column with each row's series id and
        the column with its time (rows are sorted by it and it becomes the
        index).
    return_groups : bool, default=False
        Also return the series id of each row (for group-aware splits).

    Returns
    -------
    X : ndarray of shape (n_windows, lookback) or (n_windows, n_steps, n_channels)
        Histories, oldest step first; 2-D for a target alone, 3-D with
        channel 0 the target.
    y : ndarray of shape (n_windows,) or (n_windows, horizon)
        The ``horizon`` target values after each history (1-D when
        ``horizon == 1``).
    groups : ndarray of shape (n_windows,)
        The series id of each row; only with ``return_groups=True``.

    Notes
    -----
    Rows of one series come in time order, so ``TimeSeriesSplit`` over them
    is a backtest. Rows of many series are ordered by the time of their
    last observed step (the series' own DatetimeIndex or PeriodIndex when
    every series has one, otherwise counted back from each series' end), so
    the last rows of ``X`` are the most recent windows of every series.
    Series shorter than ``lookback + horizon`` are skipped with a warning.

    With ``future_covariates``, each row has ``lookback + horizon`` steps
    and ``1 + C + F + 1`` channels: the target and past covariates (over the
    horizon they repeat their last observed value, since they are unknown
    there), the ``F`` known-future covariates (observed everywhere), and a
    flag that is 1 on the horizon steps. :class:`RNNForecaster` recognises
    the flag, scales each window by its observed steps only, and so reads
    the future covariates of the very steps it forecasts.

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
    >>> X, y, groups = make_windows({"a": [1, 2, 3, 4], "b": [5, 6, 7, 8, 9]},
    ...                             lookback=2, return_groups=True)
    >>> groups
    array(['b', 'a', 'b', 'a', 'b'], dtype='<U1')
    """
    _check_int("lookback", lookback)
    _check_int("horizon", horizon)
    _check_int("stride", stride)
    items, kind = collect_series(
        series,
        covariates=covariates,
        future_covariates=future_covariates,
        target=target,
        id_col=id_col,
        time_col=time_col,
    )
    need = lookback + horizon
    long_enough = [d for d in items if len(d.values) >= need]
    if not long_enough and kind == "single":
        raise ValueError(
            f"The series has {len(items[0].values)} steps, fewer than lookback + "
            f"horizon = {need}; shorten lookback or horizon."
        )
    if not long_enough:
        lengths = ", ".join(
            f"{_label('series', d.key)}: {len(d.values)}" for d in items[:5]
        )
        raise ValueError(
            f"No series has lookback + horizon = {need} steps ({lengths}"
            f"{', ...' if len(items) > 5 else ''}); shorten lookback or horizon."
        )
    if len(long_enough) < len(items):
        short = [d.key for d in items if len(d.values) < need]
        warnings.warn(
            f"Skipping {len(short)} series shorter than lookback + horizon = {need} "
            f"steps: {short[:10]}{' ...' if len(short) > 10 else ''}.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    by_time = len(long_enough) > 1 and (
        all(isinstance(d.index, pd.DatetimeIndex) for d in long_enough)
        or all(isinstance(d.index, pd.PeriodIndex) for d in long_enough)
    )
    Xs, ys, keys, groups = [], [], [], []
    for d in long_enough:
        X, y, starts = series_windows(d, lookback, horizon, stride)
        Xs.append(X)
        ys.append(y)
        keys.append(_order_key(d, starts + lookback - 1, by_time))
        groups.append(np.full(len(X), len(groups)))
    X, y, group = np.concatenate(Xs), np.concatenate(ys), np.concatenate(groups)
    if len(long_enough) > 1:
        order = np.argsort(np.concatenate(keys), kind="stable")
        X, y, group = X[order], y[order], group[order]
    if X.shape[2] == 1:
        X = X[:, :, 0]
    y = y[:, 0] if horizon == 1 else y
    if not return_groups:
        return X, y
    ids = [d.key for d in long_enough]
    return X, y, np.asarray(ids)[group] if kind != "single" else np.zeros(len(X), int)


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
    if index is None:
        return None
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
