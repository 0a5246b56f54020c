"""Display objects in the scikit-learn style: training history and forecasts.

As scikit-learn's ``PredictionErrorDisplay``: a class method computes what to
draw (``from_estimator`` / ``from_forecaster``) and calls ``plot``, which
draws on ``ax`` (or a new figure) and stores ``ax_`` and ``figure_``.
matplotlib is an optional dependency, imported only when drawing.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

_INSTALL_HINT = "pip install sklearn-rnn[plot]"


def _check_matplotlib(caller: str) -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{caller} requires matplotlib: {_INSTALL_HINT} (or pip install "
            "matplotlib)."
        ) from exc


def _get_ax(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def _plottable(index: pd.Index) -> pd.Index:
    """Index values matplotlib can draw (periods become their start times)."""
    return index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index


class TrainingHistoryDisplay:
    """Training and validation loss per epoch of a fitted RNN estimator.

    Build it with :meth:`from_estimator`; the constructor takes precomputed
    values. With a validation loss (``early_stopping=True``), the epoch of
    the lowest validation loss, whose weights an early-stopped estimator
    keeps, is marked.

    Parameters
    ----------
    epochs : array-like of shape (n_epochs,)
        Epoch numbers.
    train_loss : array-like of shape (n_epochs,)
        Training loss of each epoch.
    valid_loss : array-like of shape (n_epochs,) or None, default=None
        Validation loss of each epoch (NaN where an epoch had none).
    best_epoch : int or None, default=None
        Epoch to mark; None marks none.
    estimator_name : str or None, default=None
        Title of the plot.

    Attributes
    ----------
    line_train_ : matplotlib Line2D
        The training loss curve.
    line_valid_ : matplotlib Line2D or None
        The validation loss curve, if there is a validation loss.
    line_best_ : matplotlib Line2D or None
        The vertical line at ``best_epoch``, if any.
    ax_ : matplotlib Axes
        Axes the curves are drawn on.
    figure_ : matplotlib Figure
        Figure holding ``ax_``.

    See Also
    --------
    ForecastDisplay : A forecast drawn after its history.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier, TrainingHistoryDisplay
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.normal(size=(40, 5)), np.arange(40) % 2
    >>> clf = RNNClassifier(hidden_size=4, lr=0.05, max_epochs=10,
    ...                     early_stopping=True, n_iter_no_change=3,
    ...                     random_state=0).fit(X, y)
    >>> display = TrainingHistoryDisplay.from_estimator(clf)
    >>> display.ax_.get_xlabel()
    'epoch'
    >>> display.figure_.savefig("history.png")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        epochs: Any,
        train_loss: Any,
        valid_loss: Any = None,
        best_epoch: int | None = None,
        estimator_name: str | None = None,
    ) -> None:
        self.epochs = epochs
        self.train_loss = train_loss
        self.valid_loss = valid_loss
        self.best_epoch = best_epoch
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(
        cls, estimator: Any, *, ax: Any = None
    ) -> TrainingHistoryDisplay:
        """Plot the loss curves from a fitted estimator's ``history_``.

        Parameters
        ----------
        estimator : RNNClassifier, RNNRegressor or RNNForecaster
            A fitted estimator (anything with a ``history_`` list of dicts
            with ``epoch``, ``train_loss`` and optionally ``valid_loss``).
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.

        Returns
        -------
        display : TrainingHistoryDisplay
            The display, drawn.
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator)
        history = list(estimator.history_)
        if not history:
            raise ValueError("The estimator's history_ is empty: nothing to plot.")
        epochs = np.array(
            [row.get("epoch", i + 1) for i, row in enumerate(history)], dtype=int
        )
        train = np.array([row.get("train_loss", np.nan) for row in history], float)
        valid = np.array([row.get("valid_loss", np.nan) for row in history], float)
        best = None
        if np.isfinite(valid).any():
            best = int(epochs[np.nanargmin(valid)])
        else:
            valid = None
        display = cls(
            epochs=epochs,
            train_loss=train,
            valid_loss=valid,
            best_epoch=best,
            estimator_name=type(estimator).__name__,
        )
        return display.plot(ax=ax)

    def plot(self, ax: Any = None) -> TrainingHistoryDisplay:
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.

        Returns
        -------
        display : TrainingHistoryDisplay
            The display, with ``ax_`` and ``figure_`` set.
        """
        _check_matplotlib(f"{type(self).__name__}.plot")
        from matplotlib.ticker import MaxNLocator

        ax = _get_ax(ax)
        epochs = np.asarray(self.epochs)
        marker = "o" if len(epochs) <= 30 else None
        (self.line_train_,) = ax.plot(
            epochs, self.train_loss, marker=marker, ms=3, label="train loss"
        )
        self.line_valid_ = self.line_best_ = None
        if self.valid_loss is not None:
            (self.line_valid_,) = ax.plot(
                epochs, self.valid_loss, marker=marker, ms=3, label="validation loss"
            )
        if self.best_epoch is not None:
            self.line_best_ = ax.axvline(
                self.best_epoch,
                color="0.4",
                linestyle="--",
                linewidth=1,
                label=f"best epoch ({self.best_epoch})",
            )
            if self.valid_loss is not None:
                at = np.flatnonzero(epochs == self.best_epoch)
                if at.size:
                    ax.plot(
                        self.best_epoch,
                        np.asarray(self.valid_loss)[at[0]],
                        marker="*",
                        ms=12,
                        color=self.line_valid_.get_color(),
                        linestyle="none",
                    )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        if self.estimator_name:
            ax.set_title(f"{self.estimator_name} training history")
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


def _accepts(method, name: str) -> bool:
    """Whether ``method`` takes a keyword ``name`` (or any ``**kwargs``)."""
    try:
        params = inspect.signature(method).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return True
    return name in params or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
    )


class ForecastDisplay:
    """A forecast drawn after the history it continues.

    Build it with :meth:`from_forecaster`; the constructor takes precomputed
    values. Draws the history, the forecast, the prediction interval as a
    band when ``lower`` and ``upper`` are given, and the actual values when
    they are known.

    Parameters
    ----------
    history : pandas Series
        The observed target, indexed by time.
    forecast : pandas Series
        The forecast, indexed by the continuation of ``history``'s index.
    lower, upper : pandas Series or None, default=None
        Bounds of the prediction interval, indexed as ``forecast``.
    coverage : float or None, default=None
        Nominal coverage of the interval, for the legend.
    actual : pandas Series or None, default=None
        Observed values over the forecast period.
    estimator_name : str or None, default=None
        Title of the plot.

    Attributes
    ----------
    line_history_ : matplotlib Line2D
        The history.
    line_forecast_ : matplotlib Line2D
        The forecast, joined to the last observed value.
    band_ : matplotlib PolyCollection or None
        The interval band, if any.
    line_actual_ : matplotlib Line2D or None
        The actual values, if any.
    ax_ : matplotlib Axes
        Axes the forecast is drawn on.
    figure_ : matplotlib Figure
        Figure holding ``ax_``.

    See Also
    --------
    TrainingHistoryDisplay : Loss curves of a fitted estimator.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn_rnn import ForecastDisplay, RNNForecaster, make_windows
    >>> index = pd.period_range("2000-01", periods=60, freq="M")
    >>> series = pd.Series(np.sin(np.arange(60) / 3), index=index, name="y")
    >>> X, y = make_windows(series[:48], lookback=12)
    >>> model = RNNForecaster(hidden_size=4, max_epochs=2, random_state=0)
    >>> model = model.fit(X, y)
    >>> display = ForecastDisplay.from_forecaster(
    ...     model, series[:48], steps=12, actual=series[48:])
    >>> len(display.forecast)
    12
    >>> display.figure_.savefig("forecast.png")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        history: pd.Series,
        forecast: pd.Series,
        lower: pd.Series | None = None,
        upper: pd.Series | None = None,
        coverage: float | None = None,
        actual: pd.Series | None = None,
        estimator_name: str | None = None,
    ) -> None:
        self.history = history
        self.forecast = forecast
        self.lower = lower
        self.upper = upper
        self.coverage = coverage
        self.actual = actual
        self.estimator_name = estimator_name

    @classmethod
    def from_forecaster(
        cls,
        forecaster: Any,
        series: Any,
        steps: int,
        *,
        coverage: float | None = None,
        actual: Any = None,
        forecast_params: dict | None = None,
        ax: Any = None,
    ) -> ForecastDisplay:
        """Forecast ``steps`` values after ``series`` and plot them.

        Parameters
        ----------
        forecaster : RNNForecaster
            A fitted forecaster.
        series : array-like of shape (N,) or (N, 1 + C), pandas Series or \
DataFrame
            One series, as :meth:`RNNForecaster.forecast` takes it; the
            target (a DataFrame's first column, or the ``target`` column of
            ``forecast_params``) is drawn as the history.
        steps : int
            How many future values to forecast.
        coverage : float or None, default=None
            If set, also draw the ``coverage`` prediction interval (needs a
            forecaster whose ``forecast`` takes ``coverage``).
        actual : array-like of shape (n,) or pandas Series, default=None
            Observed values after the end of ``series``: a Series is drawn
            at its index, an array at the first ``n`` forecast positions.
        forecast_params : dict, default=None
            More keyword arguments of ``forecast`` (e.g. ``covariates``,
            ``future_covariates``, ``target``).
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.

        Returns
        -------
        display : ForecastDisplay
            The display, drawn.
        """
        _check_matplotlib(f"{cls.__name__}.from_forecaster")
        check_is_fitted(forecaster)
        params = dict(forecast_params or {})
        if isinstance(series, dict) or params.get("id_col") is not None:
            raise ValueError(
                "ForecastDisplay draws one series; pass a single series, not a "
                "dict or a long frame of series."
            )
        if coverage is not None:
            if not _accepts(forecaster.forecast, "coverage"):
                raise TypeError(
                    f"{type(forecaster).__name__}.forecast does not take coverage; "
                    "this forecaster cannot draw a prediction interval."
                )
            params["coverage"] = coverage
        result = forecaster.forecast(series, steps, **params)
        if isinstance(result, (dict, list)):
            raise ValueError(
                "ForecastDisplay draws one series; pass a single series, not a "
                "dict or list of series."
            )
        history = _history(series, params.get("target"))
        if isinstance(result, pd.DataFrame):
            forecast = result["forecast"]
            lower = result.get("lower")
            upper = result.get("upper")
        else:
            values = np.asarray(result, dtype=float).reshape(-1)
            index = getattr(result, "index", None)
            if index is None:
                start = len(history)
                index = pd.RangeIndex(start, start + len(values))
            forecast = pd.Series(values, index=index, name=history.name)
            lower = upper = None
        if actual is not None:
            actual = _actual(actual, forecast.index)
        display = cls(
            history=history,
            forecast=forecast,
            lower=lower,
            upper=upper,
            coverage=coverage,
            actual=actual,
            estimator_name=type(forecaster).__name__,
        )
        return display.plot(ax=ax)

    def plot(self, ax: Any = None) -> ForecastDisplay:
        """Draw the history, forecast, interval and actual values.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.

        Returns
        -------
        display : ForecastDisplay
            The display, with ``ax_`` and ``figure_`` set.
        """
        _check_matplotlib(f"{type(self).__name__}.plot")
        ax = _get_ax(ax)
        history, forecast = self.history, self.forecast
        (self.line_history_,) = ax.plot(
            _plottable(history.index), history.to_numpy(), label="history"
        )
        # Start the forecast at the last observation, so the lines join.
        joined_x = _plottable(history.index[-1:].append(forecast.index))
        joined_y = np.r_[history.to_numpy()[-1:], forecast.to_numpy()]
        (self.line_forecast_,) = ax.plot(joined_x, joined_y, label="forecast")
        self.band_ = None
        if self.lower is not None and self.upper is not None:
            label = (
                "prediction interval"
                if self.coverage is None
                else f"{self.coverage:.0%} prediction interval"
            )
            self.band_ = ax.fill_between(
                _plottable(forecast.index),
                np.asarray(self.lower, dtype=float),
                np.asarray(self.upper, dtype=float),
                color=self.line_forecast_.get_color(),
                alpha=0.25,
                linewidth=0,
                label=label,
            )
        self.line_actual_ = None
        if self.actual is not None:
            (self.line_actual_,) = ax.plot(
                _plottable(self.actual.index),
                self.actual.to_numpy(),
                color="black",
                linestyle=":",
                marker="." if len(self.actual) <= 60 else None,
                label="actual",
            )
        ax.set_xlabel(history.index.name or "time")
        ax.set_ylabel(history.name if history.name is not None else "value")
        if self.estimator_name:
            ax.set_title(f"{self.estimator_name} forecast")
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


def _history(series: Any, target: Any = None) -> pd.Series:
    """The target of ``series`` as a Series indexed by time."""
    if isinstance(series, pd.DataFrame):
        column = series.iloc[:, 0] if target is None else series[target]
        return column.astype(float)
    if isinstance(series, pd.Series):
        return series.astype(float)
    values = np.asarray(series, dtype=float)
    if values.ndim == 2:
        values = values[:, 0]
    return pd.Series(values.reshape(-1))


def _actual(actual: Any, index: pd.Index) -> pd.Series:
    """Observed future values aligned on the forecast's index."""
    if isinstance(actual, pd.DataFrame):
        actual = actual.iloc[:, 0]
    if isinstance(actual, pd.Series):
        return actual.astype(float)
    values = np.asarray(actual, dtype=float).reshape(-1)
    if len(values) > len(index):
        raise ValueError(
            f"actual has {len(values)} values but only {len(index)} are forecast; "
            "pass a pandas Series to draw them at their own index."
        )
    return pd.Series(values, index=index[: len(values)], name="actual")
