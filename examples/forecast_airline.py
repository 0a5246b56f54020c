"""Forecast two years of airline passengers with an LSTM.

The classic monthly series (Box & Jenkins, 1949-1960) is cut into windows of
history -> next 12 months with ``make_windows``; ``lookback`` and
``hidden_size`` are tuned by ``GridSearchCV`` over a ``TimeSeriesSplit``
backtest of the first 120 months; the last 24 months are forecast with
``RNNForecaster.forecast`` and compared with a seasonal-naive forecast and,
when statsmodels is installed, Holt-Winters exponential smoothing.

With matplotlib installed, a PNG of history, truth and forecasts is written
next to this script (or to the path given as the first argument).
"""

# %%
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from sklearn_rnn import RNNForecaster, make_windows

# SKLEARN_RNN_EXAMPLE_QUICK=1 runs a reduced version (the docs gallery does).
QUICK = os.environ.get("SKLEARN_RNN_EXAMPLE_QUICK", "") not in ("", "0")
# The folder of this file (sphinx-gallery runs examples from their folder
# without __file__).
HERE = Path(globals().get("__file__", "forecast_airline.py")).resolve().parent
DATA = HERE / "data" / "airline_passengers.csv"
HOLDOUT = 24
SEASON = 12


def load_passengers() -> pd.Series:
    """Monthly passengers (thousands) with a monthly PeriodIndex."""
    frame = pd.read_csv(DATA)
    index = pd.PeriodIndex(frame["month"], freq="M")
    return pd.Series(
        frame["passengers"].to_numpy(float), index=index, name="passengers"
    )


def mape(truth, forecast) -> float:
    truth, forecast = np.asarray(truth), np.asarray(forecast)
    return float(np.mean(np.abs(forecast - truth) / np.abs(truth)) * 100)


def mae(truth, forecast) -> float:
    return float(np.mean(np.abs(np.asarray(forecast) - np.asarray(truth))))


def seasonal_naive(train: pd.Series, steps: int) -> np.ndarray:
    """Repeat the last observed season."""
    last = train.to_numpy()[-SEASON:]
    return np.resize(last, steps)


def holt_winters(train: pd.Series, steps: int) -> np.ndarray | None:
    try:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing
    except ImportError:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(
            train.to_numpy(), trend="add", seasonal="mul", seasonal_periods=SEASON
        ).fit()
    return model.forecast(steps)


def rnn_forecast(train: pd.Series, seed: int) -> tuple[pd.Series, dict]:
    """Tune lookback and hidden_size on a backtest, then forecast HOLDOUT months."""
    X, y = make_windows(train, lookback=36, horizon=SEASON)
    search = GridSearchCV(
        RNNForecaster(
            horizon=SEASON,
            cell="lstm",
            max_epochs=20 if QUICK else 150,
            batch_size=16,
            lr=5e-3,
            loss="squared_error",  # what the README's seeds were measured with
            calibration_fraction=0,  # point forecasts only: train on every window
            random_state=seed,
        ),
        {"lookback": [24, 36], "hidden_size": [16, 32]},
        cv=TimeSeriesSplit(n_splits=3),
        scoring="neg_mean_absolute_error",
    ).fit(X, y)
    return search.best_estimator_.forecast(train, steps=HOLDOUT), search.best_params_


def plot(series, train, forecasts: dict, path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    test_index = series.index[-HOLDOUT:].to_timestamp()
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(
        train.index.to_timestamp(), train.to_numpy(), color="black", label="history"
    )
    ax.plot(
        test_index, series.to_numpy()[-HOLDOUT:], color="black", ls=":", label="truth"
    )
    for name, values in forecasts.items():
        ax.plot(test_index, values, label=name)
    ax.set_ylabel("passengers (thousands)")
    ax.set_title("Airline passengers: last 24 months held out")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(seeds=(0,), png: Path | None = None) -> dict:
    torch.set_num_threads(min(2, torch.get_num_threads()))
    if QUICK:
        print("Quick mode (SKLEARN_RNN_EXAMPLE_QUICK=1): shortened training, so")
        print("scores are below the full run's (see the README).")
    series = load_passengers()
    train, test = series.iloc[:-HOLDOUT], series.iloc[-HOLDOUT:]
    results = {}
    naive = seasonal_naive(train, HOLDOUT)
    results["seasonal naive"] = (mae(test, naive), mape(test, naive))
    hw = holt_winters(train, HOLDOUT)
    if hw is not None:
        results["Holt-Winters"] = (mae(test, hw), mape(test, hw))
    forecasts = {"seasonal naive": naive}
    for seed in seeds:
        forecast, params = rnn_forecast(train, seed)
        assert forecast.index.equals(test.index)
        results[f"RNNForecaster seed {seed}"] = (
            mae(test, forecast),
            mape(test, forecast),
        )
        print(f"seed {seed}: best {params}")
        forecasts.setdefault("RNNForecaster", forecast.to_numpy())
    if hw is not None:
        forecasts["Holt-Winters"] = hw
    print(f"{'24-month forecast from Jan 1959':32s} {'MAE':>7s} {'MAPE':>7s}")
    for name, (err, pct) in results.items():
        print(f"{name:32s} {err:7.1f} {pct:6.1f}%")
    path = plot(series, train, forecasts, png or HERE / "forecast_airline.png")
    if path is not None:
        print(f"plot written to {path}")
    return {name: pct for name, (_, pct) in results.items()}


if __name__ == "__main__":
    main(
        seeds=(0,) if QUICK else (0, 1, 2),
        png=Path(sys.argv[1]) if len(sys.argv) > 1 else None,
    )
