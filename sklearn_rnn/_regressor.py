"""RNNRegressor: the shared base plus standardised, multi-output targets."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from sklearn.base import RegressorMixin
from sklearn.utils.validation import check_array

from ._base import BaseRNNEstimator
from ._docstrings import fill_doc
from ._input_scaling import InputScalingMixin

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _weighted_scale(columns: np.ndarray, weight: np.ndarray):
    """Weighted mean and standard deviation per column, safe from overflow.

    Targets near the float64 limit (1e200) would overflow when squared:
    the spread is computed on values divided by their largest magnitude.
    """
    size = np.abs(columns).max(axis=0)
    size = np.where(size > 0, size, 1.0)
    unit = columns / size
    mean = np.average(unit, axis=0, weights=weight)
    std = np.sqrt(np.average((unit - mean) ** 2, axis=0, weights=weight))
    return mean * size, np.where(std > 0, std * size, 1.0)


@fill_doc
class RNNRegressor(RegressorMixin, InputScalingMixin, BaseRNNEstimator):
    """Recurrent neural network regressor for sequences.

    An RNN, LSTM or GRU reads each sequence and a linear layer maps its
    pooled output to one or more real values, trained with the mean squared
    error.

    Parameters
    ----------
    {shared_parameters}

    scale_y : bool, default=True
        Standardise each target column for training (zero mean, unit
        variance); predictions come back in the original units.

    {scale_X_parameter}

    Attributes
    ----------
    n_outputs_ : int
        Number of target columns.

    {shared_attributes}

    {scale_X_attributes}

    See Also
    --------
    RNNClassifier : The same network for class labels.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(size=(200, 10))
    >>> y = X.sum(axis=1)
    >>> reg = RNNRegressor(cell="rnn", hidden_size=16, max_epochs=40, lr=0.01,
    ...                    random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> bool(reg.score(X, y) > 0.9)
    True
    """

    _parameter_constraints = {
        **BaseRNNEstimator._parameter_constraints,
        "scale_y": ["boolean"],
        "scale_X": ["boolean"],
    }

    # Models pickled before scale_X existed fed X to the network unscaled.
    _legacy_defaults = {"scale_X": False}

    def __init__(
        self,
        *,
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
        scale_X: bool = True,
    ) -> None:
        self._store_params(locals())

    def _prepare_target(self, y, sample_weight, *, first):
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        if y.ndim not in (1, 2):
            raise ValueError(
                f"y must be of shape (n_samples,) or (n_samples, n_outputs); got "
                f"shape {y.shape}."
            )
        columns = y.reshape(len(y), -1)
        if first:
            self.n_outputs_ = columns.shape[1]
            self._y_ndim = y.ndim
            if self._standardizes_targets():
                # Weighted, so integer weights act as repeated samples.
                self._y_mean, self._y_scale = _weighted_scale(columns, sample_weight)
            else:
                self._y_mean = np.zeros(self.n_outputs_)
                self._y_scale = np.ones(self.n_outputs_)
        elif columns.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {columns.shape[1]} output(s), but {type(self).__name__} was "
                f"fitted with {self.n_outputs_}."
            )
        scaled = (columns - self._y_mean) / self._y_scale
        if np.abs(scaled).max() > _FLOAT32_MAX:
            raise ValueError(
                f"y holds values up to {np.abs(columns).max():.3g}, beyond the "
                "float32 range the network trains in; set scale_y=True (the "
                "default) or rescale y."
            )
        return scaled.astype(np.float32), sample_weight

    def _standardizes_targets(self) -> bool:
        return self.scale_y

    def _criterion(self) -> torch.nn.Module:
        return torch.nn.MSELoss(reduction="none")

    def _n_outputs(self) -> int:
        return self.n_outputs_

    def predict(self, X: Any) -> np.ndarray:
        """Predict the target of each sequence.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences: 2-D of the fitted width, or, after a fit on 3-D or
            ragged input, of any length with the fitted features per step.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions in the units of ``y``, shaped like the ``y`` of fit.
        """
        out = self._forward(X) * self._y_scale + self._y_mean
        return out.ravel() if self._y_ndim == 1 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.regressor_tags.poor_score = True
        return tags
