"""Recurrent neural networks (RNN, LSTM, GRU) as scikit-learn estimators.

The transformers are torch-free; the estimators, which need torch, are
imported on first use, so preprocessing code can run without torch.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

from ._frames import sequences_from_frame
from ._preprocessing import SequencePadder, SequenceScaler
from ._text import TextTokenizer
from .forecasting import BacktestResult, backtest, calendar_features, make_windows

try:
    __version__ = version("sklearn-rnn")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

# Public names that need torch -> the private module defining them.
_LAZY = {
    "NonFiniteLossError": "._net",
    "RNNClassifier": "._classifier",
    "RNNForecaster": ".forecasting._estimator",
    "RNNRegressor": "._regressor",
    "export_onnx": "._onnx",
    # matplotlib is imported only when a display draws.
    "ForecastDisplay": "._plotting",
    "TrainingHistoryDisplay": "._plotting",
}

__all__ = [
    "BacktestResult",
    "ForecastDisplay",
    "NonFiniteLossError",
    "RNNClassifier",
    "RNNForecaster",
    "RNNRegressor",
    "SequencePadder",
    "SequenceScaler",
    "TextTokenizer",
    "TrainingHistoryDisplay",
    "__version__",
    "backtest",
    "calendar_features",
    "export_onnx",
    "make_windows",
    "sequences_from_frame",
]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
