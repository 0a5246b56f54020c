"""RNNForecaster: a multi-output regressor over histories, plus forecast()."""

from __future__ import annotations

import copy
import warnings
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
import torch
from numpy.typing import ArrayLike
from scipy.sparse import issparse
from sklearn.base import _fit_context
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _num_samples,
    check_array,
    check_is_fitted,
    column_or_1d,
)
from skorch.callbacks import Callback

from .._base import _Snapshot
from .._docstrings import fill_doc
from .._regressor import RNNRegressor
from .._sequences import Sequences
from .._validation import check_sequences
from .._warnings import user_stacklevel
from ._intervals import (
    MIN_CALIBRATION_WINDOWS,
    check_coverage,
    conformal_quantiles,
    conformity_scores,
    extend_widths,
)
from ._windows import (
    _pick,
    collect_series,
    future_index,
    future_layout,
    normalize_windows,
    window_stats,
)

# loss -> the torch criterion, per element (weights are applied later).
LOSSES = {
    "squared_error": lambda: torch.nn.MSELoss(reduction="none"),
    "absolute_error": lambda: torch.nn.L1Loss(reduction="none"),
    "huber": lambda: torch.nn.HuberLoss(reduction="none", delta=1.0),
}

# forecast() refuses roll-outs of more network calls than this.
MAX_BLOCKS = 10_000


class _RecentWindowStop(Callback):
    """Keep the epoch whose forecasts of the held-out recent windows were best.

    After every epoch the forecaster predicts its calibration windows and
    records their mean scaled absolute error (``|y_h - yhat_h| / s``, the
    conformity score) as ``recent_error`` in the history. Training stops
    once it has not fallen by more than ``tol`` for ``patience`` epochs, and
    the weights of the best epoch come back at the end.
    """

    def __init__(self, forecaster, X, y, patience: int, tol: float) -> None:
        self.forecaster = forecaster
        self.X, self.y = X, y
        self.patience, self.tol = patience, tol

    def on_train_begin(self, net, **kwargs) -> None:
        self.scale_ = self.forecaster._window_scale(self.X)
        self.best_, self.best_weights_, self.misses_ = np.inf, None, 0

    def on_epoch_end(self, net, **kwargs) -> None:
        pred = self.forecaster.predict(self.X)
        error = float(conformity_scores(self.y, pred, self.scale_).mean())
        net.history.record("recent_error", error)
        if error < self.best_ - self.tol:
            self.best_, self.misses_ = error, 0
            self.best_weights_ = copy.deepcopy(net.module_.state_dict())
        else:
            self.misses_ += 1
        if self.misses_ >= self.patience:
            raise KeyboardInterrupt  # skorch's way to end training early

    def on_train_end(self, net, **kwargs) -> None:
        if self.best_weights_ is not None:
            net.module_.load_state_dict(self.best_weights_)
        # Do not carry the windows (or the forecaster) inside the fitted net.
        self.forecaster = self.X = self.y = self.best_weights_ = self.scale_ = None


def _calibration_rows(fraction: float, n: int) -> int:
    """How many of ``n`` windows to hold out: ``fraction`` of them, or 0.

    0 when that is fewer than ``MIN_CALIBRATION_WINDOWS`` or leaves fewer
    for training. Not raised to the minimum on short data: on one short
    series the most recent windows are worth more for training (the
    airline example lost half its accuracy without them).
    """
    n_cal = int(np.floor(fraction * n))
    if n_cal < MIN_CALIBRATION_WINDOWS or n - n_cal < n_cal:
        return 0
    return n_cal


def _no_calibration_message(fraction: float, n: int) -> str:
    held = int(np.floor(fraction * n))
    if held >= MIN_CALIBRATION_WINDOWS:  # but more than half of the windows
        return (
            f"calibration_fraction={fraction} would hold out {held} of {n} "
            "windows, more than it leaves for training: this forecaster trained "
            "on every window, for up to max_epochs without its stop on recent "
            "windows, and gives no prediction intervals. Use a fraction below 0.5."
        )
    if n >= 2 * MIN_CALIBRATION_WINDOWS:
        needed = np.ceil(100 * MIN_CALIBRATION_WINDOWS / n) / 100
        remedy = (
            f"calibration_fraction={needed:.2f} holds out "
            f"{MIN_CALIBRATION_WINDOWS} (training then misses the most recent "
            "windows), or make more windows (more series, a smaller lookback)"
        )
    else:
        remedy = "make more windows (more series, a smaller lookback or stride)"
    return (
        f"calibration_fraction={fraction} of {n} windows is {held}, fewer than "
        f"the {MIN_CALIBRATION_WINDOWS} needed to calibrate intervals: this "
        "forecaster trained on every window, for up to max_epochs without its "
        f"stop on recent windows, and gives no prediction intervals. {remedy}."
    )


def _rows(data, idx):
    """Rows ``idx`` of X, y or weights, also for objects with only __array__."""
    if not hasattr(data, "__getitem__"):
        data = np.asarray(data)
    return _safe_indexing(data, idx)


@fill_doc
class RNNForecaster(RNNRegressor):
    """Recurrent network forecasting the next ``horizon`` values of series.

    Each row of ``X`` is the past of a series (the target in channel 0,
    optional past covariates in further channels) and ``y`` holds the next
    ``horizon`` values of the target, as :func:`make_windows` cuts them
    from one series or many. So the forecaster is an ordinary multi-output
    regressor: rows are independent, ``GridSearchCV`` with
    ``TimeSeriesSplit`` over windows in time order is a backtest, and
    :meth:`forecast` rolls it out after the end of one series or many.

    Parameters
    ----------
    lookback : int or None, default=None
        How many of the most recent steps of each row the network sees; None
        uses them all. Windows made once with a large lookback can so be
        grid-searched over shorter ones.
    horizon : int or None, default=None
        Number of future values predicted at once (direct multi-output).
        None takes it from ``y`` at fit (1 for 1-D ``y``, else its width)
        and stores it as ``horizon_``; a value that disagrees with ``y`` is
        an error.
    normalize : {"window"} or None, default="window"
        ``"window"`` standardises the target channel of each window by its
        own mean and standard deviation, and the predictions back: the
        network learns shapes, not levels, so it follows trends and levels
        it never saw in training, and series of very different scales
        share one model. None standardises the targets globally instead.

    {shared_parameters}

    scale_y : bool, default=True
        With ``normalize=None``, standardise the targets globally for
        training (as :class:`RNNRegressor`); ignored with
        ``normalize="window"``, which already rescales every window.

    calibration_fraction : float, default=0.1
        Share of the rows of ``X`` (the last ones: the most recent windows
        when ``X`` comes from :func:`make_windows`) held out of training to
        calibrate prediction intervals and, unless ``early_stopping=True``,
        to stop training (see Notes). It is held out only when that makes at
        least 10 windows and leaves at least as many for training (a warning
        says when it does not, and which fraction would); otherwise, or with
        0, the forecaster trains on every row, for ``max_epochs`` or until
        the training loss levels off, and gives no intervals.

    loss : {"absolute_error", "squared_error", "huber"}, \
default="absolute_error"
        Training loss on the normalised targets: the mean absolute error
        (what MASE and sMAPE score; measured clearly better than the squared
        error on the M3 panels, see Notes), the mean squared error (as
        :class:`RNNRegressor`), or the Huber loss (squared below 1
        normalised unit, absolute above).

    Attributes
    ----------
    horizon_ : int
        The horizon, from ``horizon`` or the width of ``y``.

    n_outputs_ : int
        Equal to ``horizon_``.

    conformity_scores_ : ndarray of shape (n_calibration_windows, ``horizon_``) or None
        Absolute errors on the held-out windows per horizon step, divided by
        each window's standard deviation; None when nothing was held out.

    {shared_attributes}

    See Also
    --------
    make_windows : Cut series into the ``X, y`` this estimator fits.
    backtest : Forecast from many origins and score the forecasts.

    Notes
    -----
    Prediction intervals (:meth:`predict_interval`, ``forecast(...,
    coverage=)``) are split-conformal, per horizon step: the forecaster
    scores the held-out windows by ``|y_h - yhat_h| / s`` (``s`` the
    standard deviation of the window's observed target) and the interval
    of a new window with scale ``s'`` is ``yhat_h +/- q_h * s'``, ``q_h``
    the ``ceil((n + 1) * coverage)``-th smallest score of step ``h``, made
    non-decreasing along the horizon. The coverage guarantee assumes the
    new window is exchangeable with the held-out ones: errors of the most
    recent past look like errors of the near future. Steps beyond
    ``horizon_`` (recursive roll-out) get the last width grown as
    ``sqrt(step / horizon_)``, which is not calibrated.

    **Training stops on the most recent windows.** Unlike the other
    estimators, whose training runs ``max_epochs`` epochs or until the
    training loss levels off, the forecaster scores its held-out calibration
    windows after every epoch (their mean ``|y_h - yhat_h| / s``, recorded
    as ``recent_error`` in ``net_.history``), stops once that has not
    fallen by more than ``tol`` for ``n_iter_no_change`` epochs, and keeps
    the network of the best epoch. A global model trained for long
    memorises its windows: on M3 quarterly, MASE went from 1.21 after 25
    epochs to 1.47 after 200, and this score followed it closely. Picking
    one epoch on the calibration windows makes their scores slightly
    optimistic; the measured coverage stayed within a point of nominal.
    ``early_stopping=True`` stops on a random share of the training windows
    instead (the shared behaviour); ``calibration_fraction=0`` turns both
    the stop and the intervals off.

    With known-future covariates (``make_windows(...,
    future_covariates=)``), each row carries ``horizon`` steps after the
    history, flagged by its last channel; the forecaster scales each window
    by its observed steps only and reads the covariates over the horizon.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNForecaster, make_windows
    >>> t = np.arange(200)
    >>> series = 10 + 0.05 * t + np.sin(2 * np.pi * t / 12)
    >>> X, y = make_windows(series, lookback=24, horizon=3)
    >>> model = RNNForecaster(hidden_size=16, max_epochs=30, lr=0.01,
    ...                       random_state=0).fit(X, y)
    >>> model.horizon_
    3
    >>> model.predict(X[-2:]).shape
    (2, 3)
    >>> model.forecast(series, steps=5).shape
    (5,)
    >>> model.forecast(series, steps=3, coverage=0.9).columns.tolist()
    ['forecast', 'lower', 'upper']
    """

    # Forecasters pickled before ``loss`` existed trained on squared error.
    _legacy_defaults = {"loss": "squared_error"}

    _parameter_constraints = {
        # normalize rescales each window; scale_X is not a forecaster parameter.
        **{
            k: v
            for k, v in RNNRegressor._parameter_constraints.items()
            if k != "scale_X"
        },
        "lookback": [Interval(Integral, 1, None, closed="left"), None],
        "horizon": [Interval(Integral, 1, None, closed="left"), None],
        "normalize": [StrOptions({"window"}), None],
        "calibration_fraction": [Interval(Real, 0, 1, closed="left")],
        "loss": [StrOptions(set(LOSSES))],
    }

    def __init__(
        self,
        *,
        lookback: int | None = None,
        horizon: int | None = None,
        normalize: str | None = "window",
        cell: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        nonlinearity: str = "tanh",
        embedding_dim: int | None = None,
        pooling: str = "last",
        max_epochs: int = 200,
        batch_size: int = 64,
        lr: float = 1e-3,
        optimizer: str | type = "adam",
        weight_decay: float = 0.0,
        clip_grad_norm: float | None = 1.0,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        device: str | torch.device = "auto",
        precision: str = "32",
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
        callbacks: list | None = None,
        warm_start: bool = False,
        mask_value: float | None = None,
        scale_y: bool = True,
        calibration_fraction: float = 0.1,
        loss: str = "absolute_error",
    ) -> None:
        self._store_params(locals())

    # ------------------------------------------------------------- training
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self, X: Any, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> RNNForecaster:
        """Train on windows ``X, y``, holding out the last ones for intervals.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps) or (n_samples, n_steps, \
n_channels), or list of array-like
            Histories, as :func:`make_windows` cuts them.
        y : array-like of shape (n_samples,) or (n_samples, horizon)
            The values that follow each history.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each window in the loss (calibration ignores it).

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        try:
            n = _num_samples(X) if _num_samples(y) == _num_samples(X) else 0
            n = 0 if issparse(X) else n
        except TypeError:
            n = 0  # bad X or y: the base's validation says what is wrong
        n_cal = _calibration_rows(self.calibration_fraction, n)
        if not n_cal:
            super().fit(X, y, sample_weight)
            self.conformity_scores_ = None
            if self.calibration_fraction > 0 and n > 1:
                warnings.warn(
                    _no_calibration_message(self.calibration_fraction, n),
                    UserWarning,
                    stacklevel=user_stacklevel(),
                )
            return self
        snapshot = _Snapshot(self)  # a warm fit trains the same net in place
        train, cal = np.arange(n - n_cal), np.arange(n - n_cal, n)
        weight = None if sample_weight is None else _rows(sample_weight, train)
        try:
            X_cal = _rows(X, cal)
            y_cal = check_array(
                _rows(y, cal),
                ensure_2d=False,
                dtype=np.float64,
                input_name="y",
                ensure_all_finite=True,
            )
            if not self.early_stopping:
                self._recent_windows = (X_cal, y_cal)
            super().fit(_rows(X, train), _rows(y, train), weight)
            self.__dict__.pop("_recent_windows", None)
            scores = conformity_scores(
                y_cal, self.predict(X_cal), self._window_scale(X_cal)
            )
        except Exception:
            # The held-out rows were bad: leave the estimator as before fit,
            # weights and optimizer state included.
            snapshot.restore()
            raise
        self.conformity_scores_ = scores
        return self

    def _internal_callbacks(self) -> list:
        """The stop on the held-out recent windows, during fit only."""
        recent = self.__dict__.get("_recent_windows")
        if recent is None:
            return []
        stop = _RecentWindowStop(
            self, *recent, patience=int(self.n_iter_no_change), tol=float(self.tol)
        )
        return [("stop_on_recent_windows", stop)]

    def _criterion(self) -> torch.nn.Module:
        return LOSSES[self.loss]()

    def _standardizes_targets(self) -> bool:
        return self.normalize is None and self.scale_y

    def _prepare_target(self, y, sample_weight, *, first):
        if self.horizon == 1 and np.ndim(y) == 2 and np.shape(y)[1] == 1:
            y = column_or_1d(y, warn=True)
        y, sample_weight = super()._prepare_target(y, sample_weight, first=first)
        if first:
            if self.horizon is not None and self.horizon != self.n_outputs_:
                raise ValueError(
                    f"horizon={self.horizon} disagrees with y, which has "
                    f"{self.n_outputs_} column(s) per row (the next values of each "
                    "history). Leave horizon=None to take it from y, or cut X and y "
                    f"with make_windows(series, lookback, horizon={self.horizon})."
                )
            self.horizon_ = self.n_outputs_
        return y, sample_weight

    def _future_steps(self, seqs: Sequences, horizon: int) -> int:
        """Known-future steps of windows made with future covariates, else 0."""
        values = seqs.values
        if not seqs.uniform or values.ndim != 3 or values.shape[2] < 2:
            return 0
        flag = values[:, :, -1]
        steps = flag.shape[1]
        if not np.isin(flag, (0.0, 1.0)).all() or (np.diff(flag, axis=1) < 0).any():
            return 0
        if not (flag == flag[0]).all() or flag[0, 0] != 0 or flag[0, -1] != 1:
            return 0
        k = int(flag[0].sum())
        if k != horizon:
            raise ValueError(
                f"The last channel of X flags {k} known-future step(s) of {steps} "
                f"(make_windows(..., future_covariates=) with horizon={k}), but y "
                f"has horizon={horizon} column(s); cut X and y with one call."
            )
        return k

    def _crop(self, seqs: Sequences) -> tuple[Sequences, Sequences]:
        """(what the network reads, the observed history the scale comes from)."""
        future = getattr(self, "_future_steps_", 0)
        if future:
            if self.lookback is not None:
                seqs = seqs.tail(self.lookback + future)
            history = Sequences(seqs.values[:, :-future], seqs.lengths - future)
            return seqs, history
        if self.lookback is not None:
            seqs = seqs.tail(self.lookback)
        return seqs, seqs

    def _encode(self, seqs: Sequences, y, *, first: bool):
        if first:
            future = self._future_steps(seqs, self.horizon_)
            longest = int(seqs.lengths.max()) - future
            if self.lookback is not None and self.lookback > longest:
                raise ValueError(
                    f"lookback={self.lookback} exceeds the {longest} observed steps "
                    "of the rows of X; make longer windows or lower lookback."
                )
            self._future_steps_ = future
            # What forecast() feeds: 2-D models need rows of the fitted width.
            fixed = self._layout.kind == "fixed"
            self._window_length = longest if fixed else (self.lookback or longest)
        elif self._future_steps_ and (
            self._future_steps(seqs, self.horizon_) != self._future_steps_
        ):
            raise ValueError(
                "The model was trained on windows with known-future covariates; X "
                "lacks their flag channel. Cut X with make_windows(..., "
                "future_covariates=)."
            )
        elif y is not None and not isinstance(
            self.net_.criterion_, type(self._criterion())
        ):
            # warm_start / partial_fit after set_params(loss=...): the new loss.
            self.net_.criterion_ = self._criterion()
        seqs, history = self._crop(seqs)
        if self.normalize is None:
            return seqs, y
        loc, scale = window_stats(history)
        if y is not None:
            y = ((y - loc[:, None]) / scale[:, None]).astype(np.float32)
        return normalize_windows(seqs, loc, scale), y

    def _decode(self, out: np.ndarray, seqs: Sequences) -> np.ndarray:
        if self.normalize is None:
            return out
        loc, scale = window_stats(self._crop(seqs)[1])
        return out * scale[:, None] + loc[:, None]

    def _window_scale(self, X) -> np.ndarray:
        """Standard deviation of each row's observed target (flat rows: 1)."""
        token_ids = self._module_kwargs_["embedding_dim"] is not None
        seqs, _ = check_sequences(
            self, X, reset=False, token_ids=token_ids, layout=self._layout
        )
        return window_stats(self._crop(seqs)[1])[1]

    # ------------------------------------------------------------ intervals
    def _widths(self, coverage: float, steps: int) -> np.ndarray:
        scores = getattr(self, "conformity_scores_", None)
        if scores is None:
            raise ValueError(
                "This forecaster has no held-out windows to calibrate intervals: "
                f"fit holds out calibration_fraction={self.calibration_fraction} "
                f"of the windows only when that makes at least "
                f"{MIN_CALIBRATION_WINDOWS} and leaves as many for training (fit "
                "warned if it did not), and partial_fit never does. Refit on more "
                "windows or with a calibration_fraction that makes "
                f"{MIN_CALIBRATION_WINDOWS}."
            )
        return extend_widths(conformal_quantiles(scores, coverage), steps)

    def predict_interval(
        self, X: Any, coverage: float = 0.9
    ) -> tuple[np.ndarray, np.ndarray]:
        """Conformal prediction intervals for the windows ``X``.

        Parameters
        ----------
        X : array-like or list of array-like
            Histories, as for :meth:`predict`.
        coverage : float, default=0.9
            Target share of outcomes inside the interval, in (0, 1).

        Returns
        -------
        lower, upper : ndarray of the shape of ``predict(X)``
            Interval bounds per window and horizon step.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_rnn import RNNForecaster, make_windows
        >>> series = np.sin(np.arange(300) / 3) + np.random.RandomState(0).normal(
        ...     scale=0.1, size=300)
        >>> X, y = make_windows(series, lookback=12, horizon=2)
        >>> model = RNNForecaster(hidden_size=8, max_epochs=5,
        ...                       random_state=0).fit(X, y)
        >>> lower, upper = model.predict_interval(X[-3:], coverage=0.8)
        >>> lower.shape, bool((lower < upper).all())
        ((3, 2), True)
        """
        check_is_fitted(self)
        coverage = check_coverage(coverage)
        widths = self._widths(coverage, self.horizon_)
        pred = self.predict(X)
        half = widths[None, :] * self._window_scale(X)[:, None]
        flat = pred.reshape(len(pred), -1)
        return (flat - half).reshape(pred.shape), (flat + half).reshape(pred.shape)

    # ------------------------------------------------------------- forecast
    def forecast(
        self,
        series: Any,
        steps: int,
        covariates: Any = None,
        future_covariates: Any = None,
        coverage: float | None = None,
        *,
        target: Any = None,
        id_col: Any = None,
        time_col: Any = None,
    ) -> Any:
        """Forecast the ``steps`` values after the end of one or many series.

        The last window of each series is fed to the network; when ``steps``
        exceeds ``horizon_``, each block of ``horizon_`` predictions is
        appended to the history and the next block predicted from it. Many
        series are forecast together, one network call per block.

        Parameters
        ----------
        series : array-like of shape (N,), Series, DataFrame, or dict or list of them
            The history, in time order: the target, and for a model trained
            with past covariates, a DataFrame (or 2-D array) with the target
            first and the covariates after. A dict gives a dict, a list a
            list, a long DataFrame (``id_col=``) a long DataFrame. A series
            shorter than the window the model reads is padded at the start
            with its first value, with a warning (with known-future
            covariates it is an error).
        steps : int
            How many future values to forecast (at most ``10000 * horizon_``).
        covariates : array-like of shape (steps, C), DataFrame, or dict, \
default=None
            Future values of the past covariates, needed when the model
            uses them and ``steps > horizon_``.
        future_covariates : array-like of shape (N + steps, F), column names, \
or dict, default=None
            Known-future covariates over the history and the ``steps``
            after it (row ``i`` aligned with row ``i`` of the series); needed
            exactly when the model was trained with them.
        coverage : float in (0, 1), default=None
            Also return a conformal interval that should hold this share of
            outcomes; see the class Notes.
        target, id_col, time_col : str, default=None
            Column names, as in :func:`make_windows`.

        Returns
        -------
        forecast : ndarray, Series, DataFrame, or dict or list of them
            For one series, an array of shape ``(steps,)``, or a Series
            indexed by the continuation of the series' index (DatetimeIndex,
            PeriodIndex, RangeIndex) when the series is a pandas object.
            With ``coverage``, a DataFrame with columns ``forecast``,
            ``lower`` and ``upper`` (a RangeIndex continuing the positions
            for arrays). Many series give a dict, list or long DataFrame of
            those.
        """
        check_is_fitted(self)
        if not isinstance(steps, Integral) or isinstance(steps, bool) or steps < 1:
            raise ValueError(f"steps must be an int >= 1; got {steps!r}.")
        n_blocks = -(-int(steps) // self.horizon_)
        if n_blocks > MAX_BLOCKS:
            raise ValueError(
                f"steps={steps} would take {n_blocks} recursive network calls (of "
                f"horizon_={self.horizon_} steps each); forecast at most "
                f"{MAX_BLOCKS * self.horizon_} steps, or train a longer horizon."
            )
        widths = None
        if coverage is not None:
            widths = self._widths(check_coverage(coverage), steps)
        items, kind = collect_series(
            series,
            future_covariates=future_covariates,
            target=target,
            id_col=id_col,
            time_col=time_col,
            warn=False,
        )
        values, scales = self._roll_out(items, steps, n_blocks, covariates, kind)
        outs = [
            self._package(d, v, s, widths, steps)
            for d, v, s in zip(items, values, scales, strict=True)
        ]
        if kind == "single":
            return outs[0]
        if kind == "list":
            return outs
        if kind == "dict":
            return {d.key: out for d, out in zip(items, outs, strict=True)}
        frames = []
        for d, out in zip(items, outs, strict=True):
            frame = out.to_frame("forecast") if isinstance(out, pd.Series) else out
            frame = frame.rename_axis(time_col or "time").reset_index()
            if id_col is not None:
                frame.insert(0, id_col, d.key)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def _check_channels(self, d, covariates, n_blocks: int, steps: int):
        name = "series" if d.key is None else f"series {d.key!r}"
        channels = self._module_kwargs_["input_size"]
        future = self._future_steps_
        n_future = 0 if d.future is None else d.future.shape[1]
        if future and d.future is None:
            raise ValueError(
                f"The model was trained with known-future covariates; pass "
                f"future_covariates covering {name} and the {steps} steps after it."
            )
        if not future and d.future is not None:
            raise ValueError(
                "The model was trained without known-future covariates; "
                "future_covariates would be ignored. Refit with make_windows(..., "
                "future_covariates=) to use them."
            )
        past = channels - 1 - n_future - (1 if future else 0)
        if d.values.shape[1] - 1 != past:
            raise ValueError(
                f"{name} has {d.values.shape[1]} channel(s) (target + covariates) "
                f"and {n_future} known-future covariate(s), but the model was "
                f"trained on {channels} input channel(s) ({past + 1} for the target "
                "and past covariates)."
            )
        if future and len(d.values) < self._window_length:
            raise ValueError(
                f"{name} has {len(d.values)} steps; the model needs the last "
                f"{self._window_length}."
            )
        if future and len(d.future) < len(d.values) + steps:
            raise ValueError(
                f"future_covariates of {name} have {len(d.future)} rows; forecasting "
                f"{steps} steps after its {len(d.values)} needs "
                f"{len(d.values) + steps} (the history and the steps ahead)."
            )
        needed = (n_blocks - 1) * self.horizon_
        if past == 0:
            if covariates is not None:
                raise ValueError(
                    "The model was trained without past covariates; covariates "
                    "would be ignored."
                )
            return np.empty((needed, 0))
        if needed == 0:
            return np.empty((0, past))
        if covariates is None:
            raise ValueError(
                f"The model uses {past} past covariate(s); forecasting beyond "
                f"horizon_={self.horizon_} needs their future values: pass "
                f"covariates with at least {needed} rows for {name}."
            )
        values = np.asarray(
            covariates.to_numpy() if hasattr(covariates, "to_numpy") else covariates,
            dtype=np.float64,
        )
        values = values[:, None] if values.ndim == 1 else values
        if values.ndim != 2 or values.shape[1] != past or len(values) < needed:
            raise ValueError(
                f"covariates of {name} must have shape (>= {needed}, {past}); got "
                f"{values.shape}."
            )
        if not np.isfinite(values[:needed]).all():
            raise ValueError(f"covariates of {name} contain NaN or infinite values.")
        return values

    def _roll_out(self, items, steps, n_blocks, covariates, kind):
        horizon, width = self.horizon_, self._window_length
        first = items[0].values if items else None
        rows = [
            self._check_channels(
                d,
                covariates
                if kind == "single"
                else _pick(covariates, d.key, i, kind, first, "covariates"),
                n_blocks,
                steps,
            )
            for i, d in enumerate(items)
        ]
        history = [d.values for d in items]
        short = [d.key for d in items if len(d.values) < width]
        if short:
            # Only without known-future covariates (_check_channels refuses).
            names = ", ".join(repr(k) for k in short[:10])
            warnings.warn(
                (
                    f"{len(short)} series shorter than the model's window of "
                    f"{width} steps ({names}{' ...' if len(short) > 10 else ''})"
                    if kind != "single"
                    else f"The series is shorter than the model's window of {width} "
                    "steps"
                )
                + ": padded at the start with the first value to forecast.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
            history = [
                np.vstack([np.repeat(h[:1], width - len(h), axis=0), h])
                if len(h) < width
                else h
                for h in history
            ]
        predicted = np.empty((len(items), n_blocks * horizon))
        scales = None
        for block in range(n_blocks):
            X = np.stack([h[-width:] for h in history])
            if self._future_steps_:
                future = np.stack(
                    [
                        d.future[len(h) - width : len(h) + horizon]
                        for d, h in zip(items, history, strict=True)
                    ]
                )
                X = future_layout(X, future)
            elif self._layout.kind == "fixed":
                X = X[:, :, 0]
            out = self.predict(X).reshape(len(items), horizon)
            if block == 0:
                scales = self._window_scale(X)
            predicted[:, block * horizon : (block + 1) * horizon] = out
            if block < n_blocks - 1:
                span = slice(block * horizon, (block + 1) * horizon)
                history = [
                    np.vstack([h, np.column_stack([o, r[span]])])
                    for h, o, r in zip(history, out, rows, strict=True)
                ]
        return predicted[:, :steps], scales

    def _package(self, d, values, scale, widths, steps):
        index = future_index(d.index, steps) if d.index is not None else None
        if widths is None:
            if index is None:
                return values
            return pd.Series(values, index=index, name=d.name)
        if index is None:
            n = len(d.values)
            index = pd.RangeIndex(n, n + steps)
        half = widths * scale
        return pd.DataFrame(
            {"forecast": values, "lower": values - half, "upper": values + half},
            index=index,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = self.horizon is None or self.horizon > 1
        return tags
