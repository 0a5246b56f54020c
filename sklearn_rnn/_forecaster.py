"""RNNForecaster: a multi-output regressor over histories, plus forecast()."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._base import BaseRNNEstimator
from ._docstrings import fill_doc
from ._regressor import RNNRegressor
from ._sequences import Sequences
from ._windowing import _as_frame, future_index, normalize_windows, window_stats


@fill_doc
class RNNForecaster(RNNRegressor):
    """Recurrent network forecasting the next ``horizon`` values of a series.

    Each row of ``X`` is the past of a series (the target in channel 0,
    optional past covariates in further channels) and ``y`` holds the next
    ``horizon`` values of the target, as :func:`make_windows` cuts them. So
    the forecaster is an ordinary multi-output regressor: rows are
    independent, ``GridSearchCV`` with ``TimeSeriesSplit`` over windows in
    time order is a backtest, and :meth:`forecast` rolls it out after the
    end of a series.

    Parameters
    ----------
    lookback : int or None, default=None
        How many of the most recent steps of each row the network sees; None
        uses them all. Windows made once with a large lookback can so be
        grid-searched over shorter ones.
    horizon : int, default=1
        Number of future values predicted at once (direct multi-output).
    normalize : {"window"} or None, default="window"
        ``"window"`` standardises the target channel of each window by its
        own mean and standard deviation, and the predictions back: the
        network learns shapes, not levels, so it follows trends and levels
        it never saw in training. None standardises the targets globally
        instead.

    {shared_parameters}

    scale_y : bool, default=True
        With ``normalize=None``, standardise the targets globally for
        training (as :class:`RNNRegressor`); ignored with
        ``normalize="window"``, which already rescales every window.

    Attributes
    ----------
    n_outputs_ : int
        Equal to ``horizon``.

    {shared_attributes}

    See Also
    --------
    make_windows : Cut a series into the ``X, y`` this estimator fits.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNForecaster, make_windows
    >>> t = np.arange(200)
    >>> series = 10 + 0.05 * t + np.sin(2 * np.pi * t / 12)
    >>> X, y = make_windows(series, lookback=24, horizon=3)
    >>> model = RNNForecaster(horizon=3, hidden_size=16, max_epochs=30, lr=0.01,
    ...                       random_state=0).fit(X, y)
    >>> model.predict(X[-2:]).shape
    (2, 3)
    >>> model.forecast(series, steps=5).shape
    (5,)
    """

    _parameter_constraints = {
        **BaseRNNEstimator._parameter_constraints,
        "lookback": [Interval(Integral, 1, None, closed="left"), None],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "normalize": [StrOptions({"window"}), None],
        "scale_y": ["boolean"],
    }

    def __init__(
        self,
        *,
        lookback: int | None = None,
        horizon: int = 1,
        normalize: str | None = "window",
        cell: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        nonlinearity: str = "tanh",
        embedding_dim: int | None = None,
        pooling: str = "last",
        max_epochs: int = 20,
        batch_size: int = 64,
        lr: float = 1e-3,
        optimizer: str | type = "adam",
        weight_decay: float = 0.0,
        clip_grad_norm: float | None = 1.0,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 5,
        tol: float = 1e-4,
        device: str | torch.device = "auto",
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
        callbacks: list | None = None,
        warm_start: bool = False,
        mask_value: float | None = None,
        scale_y: bool = True,
    ) -> None:
        self._store_params(locals())

    def _standardizes_targets(self) -> bool:
        return self.normalize is None and self.scale_y

    def _prepare_target(self, y, sample_weight, *, first):
        if self.horizon == 1:
            y = column_or_1d(y, warn=True)
        elif np.ndim(y) != 2 or np.shape(y)[1] != self.horizon:
            raise ValueError(
                f"y must have horizon={self.horizon} columns (the next values of "
                f"each row); got shape {np.shape(y)}. make_windows(series, "
                f"lookback, horizon={self.horizon}) cuts matching X and y."
            )
        return super()._prepare_target(y, sample_weight, first=first)

    def _encode(self, seqs: Sequences, y, *, first: bool):
        if first:
            longest = int(seqs.lengths.max())
            if self.lookback is not None and self.lookback > longest:
                raise ValueError(
                    f"lookback={self.lookback} exceeds the {longest} steps of the "
                    "rows of X; make longer windows or lower lookback."
                )
            # What forecast() feeds: 2-D models need rows of the fitted width.
            fixed = self._input_layout == "fixed"
            self._window_length = longest if fixed else (self.lookback or longest)
        if self.lookback is not None:
            seqs = seqs.tail(self.lookback)
        if self.normalize is None:
            return seqs, y
        loc, scale = window_stats(seqs)
        if y is not None:
            y = ((y - loc[:, None]) / scale[:, None]).astype(np.float32)
        return normalize_windows(seqs, loc, scale), y

    def _decode(self, out: np.ndarray, seqs: Sequences) -> np.ndarray:
        if self.normalize is None:
            return out
        if self.lookback is not None:
            seqs = seqs.tail(self.lookback)
        loc, scale = window_stats(seqs)
        return out * scale[:, None] + loc[:, None]

    def forecast(
        self, series: Any, steps: int, covariates: Any = None
    ) -> np.ndarray | pd.Series:
        """Forecast the ``steps`` values after the end of ``series``.

        The last window of the series is fed to the network; when ``steps``
        exceeds ``horizon``, each block of ``horizon`` predictions is
        appended to the history and the next block predicted from it.

        Parameters
        ----------
        series : array-like of shape (N,), pandas Series, or DataFrame
            The history, in time order: the target, and for a model trained
            with covariates, a DataFrame (or 2-D array) with the target first
            and the covariates after.
        steps : int
            How many future values to forecast.
        covariates : array-like of shape (steps, C) or DataFrame, default=None
            Future values of the covariates, needed when the model uses
            covariates and ``steps > horizon``.

        Returns
        -------
        forecast : ndarray of shape (steps,) or pandas Series
            A Series indexed by the continuation of the series' index
            (DatetimeIndex, PeriodIndex, RangeIndex) when ``series`` is a
            pandas object; an array otherwise.
        """
        check_is_fitted(self)
        if not isinstance(steps, Integral) or isinstance(steps, bool) or steps < 1:
            raise ValueError(f"steps must be an int >= 1; got {steps!r}.")
        history, index = _as_frame(series, None)
        channels = self._module_kwargs_["input_size"]
        if history.shape[1] != channels:
            raise ValueError(
                f"series has {history.shape[1]} channel(s) (target + covariates) "
                f"but the model was trained on {channels}."
            )
        width = self._window_length
        if len(history) < width:
            raise ValueError(
                f"series has {len(history)} steps; the model needs the last {width}."
            )
        n_blocks = -(-steps // self.horizon)
        future = self._future_covariates(
            covariates, channels, (n_blocks - 1) * self.horizon
        )
        predicted = []
        for block in range(n_blocks):
            window = history[-width:]
            X = window[None, :, 0] if self._input_layout == "fixed" else window[None]
            values = np.atleast_1d(self.predict(X)[0])
            predicted.append(values)
            if block < n_blocks - 1:
                rows = future[block * self.horizon : (block + 1) * self.horizon]
                history = np.vstack([history, np.column_stack([values, rows])])
        result = np.concatenate(predicted)[:steps]
        if isinstance(series, (pd.Series, pd.DataFrame)):
            name = series.name if isinstance(series, pd.Series) else series.columns[0]
            return pd.Series(result, index=future_index(index, steps), name=name)
        return result

    def _future_covariates(self, covariates, channels: int, needed: int) -> np.ndarray:
        if channels == 1 or needed == 0:
            return np.empty((needed, channels - 1))
        if covariates is None:
            raise ValueError(
                f"The model uses {channels - 1} covariate(s); forecasting beyond "
                f"horizon={self.horizon} needs their future values: pass "
                f"covariates with at least {needed} rows."
            )
        values, _ = _as_frame(covariates, None, name="covariates")
        if values.shape[1] != channels - 1 or len(values) < needed:
            raise ValueError(
                f"covariates must have shape (>= {needed}, {channels - 1}); got "
                f"{values.shape}."
            )
        return values

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = self.horizon > 1
        return tags
