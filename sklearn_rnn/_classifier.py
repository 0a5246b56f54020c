"""RNNClassifier: the shared base plus labels, class weights and probabilities."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import torch
from numpy.typing import ArrayLike
from scipy.special import logsumexp
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from ._base import BaseRNNEstimator
from ._docstrings import fill_doc
from ._input_scaling import InputScalingMixin


def _check_label_types(y) -> None:
    """Missing or mixed-type labels are errors that say so."""
    if hasattr(y, "isna"):  # pandas, whose nullable dtypes hold pd.NA
        _check_no_missing(np.asarray(y.isna()).ravel())
    # A list of mixed labels would become strings in np.asarray: look at it
    # as objects.
    labels = np.asarray(y) if hasattr(y, "dtype") else np.asarray(y, dtype=object)
    if labels.dtype.kind != "O":
        return  # one numpy dtype: neither None nor a mix
    labels = labels.ravel()
    _check_no_missing(pd.isna(labels))
    kinds = {
        "str" if isinstance(label, str) else "number"
        for label in labels
        if isinstance(label, (str, bool, int, float, np.generic))
    }
    if len(kinds) > 1:
        raise ValueError(
            "y mixes string and numeric labels; use one type, e.g. y.astype(str)."
        )


def _check_no_missing(missing: np.ndarray) -> None:
    where = np.flatnonzero(missing)
    if len(where):
        raise ValueError(
            f"y contains a missing label (None, NaN or pd.NA) at position "
            f"{int(where[0])}; drop those samples or fill in their labels."
        )


def _check_class_weight(class_weight) -> None:
    if not isinstance(class_weight, dict):
        return
    for label, weight in class_weight.items():
        if not isinstance(weight, (int, float, np.number)) or isinstance(
            weight, (bool, np.bool_)
        ):
            raise TypeError(
                f"class_weight must map labels to numbers; the weight of "
                f"{label!r} is {weight!r}."
            )
        if not np.isfinite(weight) or weight < 0:
            raise ValueError(
                f"class_weight must map labels to finite weights >= 0; the weight "
                f"of {label!r} is {weight}."
            )


@fill_doc
class RNNClassifier(ClassifierMixin, InputScalingMixin, BaseRNNEstimator):
    """Recurrent neural network classifier for sequences and token ids.

    An RNN, LSTM or GRU reads each sequence, its pooled output goes through a
    linear layer, and a softmax over the classes is trained with the
    cross-entropy loss. Labels may be of any type (str, int, bool).

    Parameters
    ----------
    {shared_parameters}

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn: a dict
        ``{label: weight}``, ``"balanced"`` for weights inversely
        proportional to class frequencies, or None for equal weights.
        Multiplied with ``sample_weight``.

    {scale_X_parameter}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.

    {shared_attributes}

    {scale_X_attributes}

    See Also
    --------
    RNNRegressor : The same network for real-valued targets.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(100, 6, 2)).astype("float32")
    >>> y = np.where(X[:, :, 0].sum(axis=1) > 0, "up", "down")
    >>> clf = RNNClassifier(hidden_size=16, max_epochs=30, lr=0.01, random_state=0)
    >>> clf.fit(X, y).classes_.tolist()
    ['down', 'up']
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    _parameter_constraints = {
        **BaseRNNEstimator._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
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
        class_weight: dict | str | None = None,
        scale_X: bool = True,
    ) -> None:
        self._store_params(locals())

    def partial_fit(
        self,
        X: Any,
        y: ArrayLike,
        classes: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> RNNClassifier:
        """Train for one more epoch on ``X, y``; the first call builds the network.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences, in the layout of the first fit.
        y : array-like of shape (n_samples,)
            Labels.
        classes : array-like of shape (n_classes,), default=None
            Every label of the problem: needed in the first call when ``y``
            does not show them all, ignored afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss.

        Returns
        -------
        self : RNNClassifier
            This classifier, one epoch further.
        """
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit: each "
                "call sees only part of the data, so the class frequencies would "
                "change from call to call. Compute the weights once, e.g. "
                "sklearn.utils.class_weight.compute_class_weight('balanced', "
                "classes=classes, y=y_sample), and pass them as a dict."
            )
        return self._partial_fit(X, y, sample_weight, classes=classes)

    def _prepare_target(self, y, sample_weight, *, first, classes=None):
        _check_label_types(y)
        if type_of_target(y, input_name="y") in (
            "multilabel-indicator",
            "multiclass-multioutput",
        ):
            raise ValueError(
                f"{type(self).__name__} does not support multilabel or multi-output "
                f"targets; y has shape {np.shape(y)}. Train one classifier per "
                "output, e.g. with sklearn.multioutput.MultiOutputClassifier."
            )
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if first:
            self.classes_ = np.unique(y if classes is None else classes)
            if len(self.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes in "
                    f"the data; got only one class: {self.classes_.tolist()[0]!r}. In "
                    "partial_fit, pass every label of the problem with classes= "
                    "on the first call."
                )
        unseen = np.setdiff1d(y, self.classes_)
        if len(unseen):
            raise ValueError(
                f"y contains labels not seen in the first fit: {unseen.tolist()}; "
                f"known classes are {self.classes_.tolist()}."
            )
        if self.class_weight is not None:
            _check_class_weight(self.class_weight)
            sample_weight = sample_weight * compute_sample_weight(self.class_weight, y)
        return np.searchsorted(self.classes_, y).astype(np.int64), sample_weight

    def _criterion(self) -> torch.nn.Module:
        return torch.nn.CrossEntropyLoss(reduction="none")

    def _n_outputs(self) -> int:
        return len(self.classes_)

    def _stratify(self, y: np.ndarray) -> np.ndarray:
        return y

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities of each sequence.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences, in the layout used in :meth:`fit`.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``; rows sum to 1.
        """
        logits = self._forward(X).astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Logarithm of the class probabilities of each sequence.

        Computed from the logits directly, so probabilities too small for
        float64 still give finite logarithms.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences, in the layout used in :meth:`fit`.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.
        """
        logits = self._forward(X).astype(np.float64)
        return logits - logsumexp(logits, axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class of each sequence.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences to label.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            One of ``classes_`` per sequence.
        """
        logits = self._forward(X)
        return self.classes_[logits.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags
