"""Recurrent neural networks (RNN, LSTM, GRU) as scikit-learn estimators."""

from importlib.metadata import PackageNotFoundError, version

from ._classifier import RNNClassifier
from ._net import NonFiniteLossError
from ._preprocessing import SequenceScaler
from ._regressor import RNNRegressor

try:
    __version__ = version("sklearn-rnn")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "NonFiniteLossError",
    "RNNClassifier",
    "RNNRegressor",
    "SequenceScaler",
    "__version__",
]
