"""Split-conformal prediction intervals per horizon step. Pure numpy.

The forecaster holds out the most recent windows of its training rows,
and after training scores each of them per horizon step ``h``:
``|y_h - yhat_h| / s``, where ``s`` is the standard deviation of the
window's own observed target (the scale ``normalize="window"`` uses). The
interval of a new window with scale ``s'`` is ``yhat_h +/- q_h * s'``,
``q_h`` the conformal quantile of step ``h``. Dividing by ``s`` makes
scores of series of very different scales comparable, so one model's
calibration serves a whole panel.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

# Fewer held-out windows than this and the forecaster keeps them for training.
MIN_CALIBRATION_WINDOWS = 10


def check_coverage(coverage) -> float:
    if (
        not isinstance(coverage, Real)
        or isinstance(coverage, bool)
        or not 0 < coverage < 1
    ):
        raise ValueError(
            f"coverage must be a float strictly between 0 and 1, e.g. 0.9; got "
            f"{coverage!r}."
        )
    return float(coverage)


def conformity_scores(y: np.ndarray, pred: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Scaled absolute residuals, ``(n_windows, horizon)``."""
    y = y.reshape(len(y), -1)
    pred = pred.reshape(len(pred), -1)
    return np.abs(y - pred) / scale[:, None]


def conformal_quantiles(scores: np.ndarray, coverage: float) -> np.ndarray:
    """Per-step half-widths (in window-scale units), non-decreasing in the step.

    The finite-sample rank ``ceil((n + 1) * coverage)`` of the ``n`` scores
    of each step gives marginal coverage of at least ``coverage`` when the
    new window and the held-out ones are exchangeable. Forecasts further
    out cannot be surer than nearer ones, so the widths are made
    non-decreasing along the horizon (which only widens intervals).
    """
    n = len(scores)
    rank = int(np.ceil((n + 1) * coverage))
    if rank > n:
        least = int(np.ceil(coverage / (1 - coverage)))
        raise ValueError(
            f"coverage={coverage} needs at least {least} "
            f"held-out calibration windows; this model has {n}. Lower coverage, or "
            "fit on more windows (or raise calibration_fraction)."
        )
    widths = np.sort(scores, axis=0)[rank - 1]
    return np.maximum.accumulate(widths)


def extend_widths(widths: np.ndarray, steps: int) -> np.ndarray:
    """Widths for ``steps`` steps; beyond the horizon they grow as sqrt(step).

    Steps past the trained horizon come from the recursive roll-out, which
    has no held-out residuals: their width is the last calibrated one grown
    like a random walk's, ``w_H * sqrt(k / H)`` (an assumption, not a
    calibrated guarantee).
    """
    horizon = len(widths)
    if steps <= horizon:
        return widths[:steps]
    k = np.arange(horizon + 1, steps + 1)
    return np.concatenate([widths, widths[-1] * np.sqrt(k / horizon)])
