"""Transformers for numeric sequences. Torch-free."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils.validation import check_is_fitted

from ._validation import Sequences, check_sequences


def _padding_steps(values: np.ndarray, mask_value) -> np.ndarray:
    """True at the time steps whose every feature equals ``mask_value``."""
    if mask_value is None:
        return np.zeros(values.shape[:-1], dtype=bool)
    if np.isnan(mask_value):
        return np.isnan(values).all(axis=-1)
    return (values == mask_value).all(axis=-1)


def _like_input(X, seqs: Sequences, values: np.ndarray):
    """Return ``values`` (the steps of ``seqs``) in the container ``X`` came in.

    A list of equal-length flat sequences is the 2-D array it converts to
    (SPEC 2.2), so it comes back as a 2-D array; other lists come back as
    lists of arrays shaped like their items.
    """
    if isinstance(X, (list, tuple)):
        shapes = {np.shape(item) for item in X}
        if len(shapes) == 1 and len(next(iter(shapes))) == 1:
            return values[..., 0]
        items = (
            list(values)
            if seqs.uniform
            else np.split(values, np.cumsum(seqs.lengths)[:-1])
        )
        return [item.reshape(np.shape(x)) for item, x in zip(items, X, strict=True)]
    if (X.ndim if hasattr(X, "ndim") else np.asarray(X).ndim) == 2:
        return values[..., 0]
    return values


class SequenceScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise each feature of numeric sequences over all real time steps.

    ``StandardScaler`` for sequences: the mean and standard deviation of a
    feature are taken over every real time step of every training sequence,
    then each step is shifted and scaled. It accepts what the recurrent
    estimators accept and returns the same shape and kind: a 2-D array
    ``(n, T)`` of univariate sequences (one feature), a 3-D array
    ``(n, T, F)``, or a list of ``(T_i,)`` / ``(T_i, F)`` arrays.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract the mean of each feature.
    with_std : bool, default=True
        Divide by the standard deviation of each feature (1 for a constant
        feature, as in ``StandardScaler``).
    mask_value : float or None, default=None
        Padding value: time steps whose every feature equals it (NaN
        included) are left out of the statistics and returned unchanged.

    Attributes
    ----------
    mean_ : ndarray of shape (n_step_features,)
        Mean of each feature per time step (0 when ``with_mean=False``).
    scale_ : ndarray of shape (n_step_features,)
        Standard deviation of each feature (1 when ``with_std=False``).
    n_features_in_ : int
        As for the estimators: the number of columns of 2-D input, the
        number of features per step of 3-D and ragged input.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` was a DataFrame with string column names.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : The same for tabular data.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import SequenceScaler
    >>> X = [np.array([[1.0, 100.0], [3.0, 300.0]]), np.array([[2.0, 200.0]])]
    >>> scaler = SequenceScaler().fit(X)
    >>> scaler.mean_, scaler.scale_.round(2)
    (array([  2., 200.]), array([ 0.82, 81.65]))
    >>> [x.round(2).tolist() for x in scaler.transform(X)]
    [[[-1.22, -1.22], [1.22, 1.22]], [[0.0, 0.0]]]
    """

    _parameter_constraints: dict = {
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
        "mask_value": [Real, None],
    }

    def __init__(
        self, *, with_mean: bool = True, with_std: bool = True, mask_value=None
    ):
        self.with_mean = with_mean
        self.with_std = with_std
        self.mask_value = mask_value

    def _check(self, X, *, reset: bool) -> Sequences:
        nan_pads = self.mask_value is not None and np.isnan(self.mask_value)
        return check_sequences(
            self,
            X,
            reset=reset,
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan" if nan_pads else True,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the mean and scale of each feature over all real time steps.

        Parameters
        ----------
        X : array-like of shape (n, T) or (n, T, F), or list of array-like
            Training sequences.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
            The fitted scaler.
        """
        seqs = self._check(X, reset=True)
        values = seqs.values
        steps = values[~_padding_steps(values, self.mask_value)]
        n_features = values.shape[-1]
        if len(steps) == 0:
            raise ValueError(
                f"Every time step of X equals mask_value={self.mask_value}; there "
                "is nothing to compute statistics from."
            )
        steps = steps.astype(np.float64)
        self.mean_ = steps.mean(axis=0) if self.with_mean else np.zeros(n_features)
        if self.with_std:
            std = steps.std(axis=0)
            # As StandardScaler: a (numerically) constant feature keeps scale 1.
            tiny = 10 * np.finfo(np.float64).eps * np.maximum(np.abs(self.mean_), 1.0)
            self.scale_ = np.where(std > tiny, std, 1.0)
        else:
            self.scale_ = np.ones(n_features)
        return self

    def _apply(self, X, forward: bool):
        check_is_fitted(self)
        seqs = self._check(X, reset=False)
        values = seqs.values
        real = ~_padding_steps(values, self.mask_value)
        out = values.copy()
        mean, scale = self.mean_.astype(values.dtype), self.scale_.astype(values.dtype)
        if forward:
            out[real] = (values[real] - mean) / scale
        else:
            out[real] = values[real] * scale + mean
        return _like_input(X, seqs, out)

    def transform(self, X):
        """Standardise the real time steps of ``X``.

        Parameters
        ----------
        X : array-like of shape (n, T) or (n, T, F), or list of array-like
            Sequences with the features per step seen in ``fit``.

        Returns
        -------
        X_scaled : ndarray or list of ndarray
            The same shape and kind as ``X``; float32 stays float32, other
            input becomes float64.
        """
        return self._apply(X, forward=True)

    def inverse_transform(self, X):
        """Undo :meth:`transform`.

        Parameters
        ----------
        X : array-like of shape (n, T) or (n, T, F), or list of array-like
            Scaled sequences.

        Returns
        -------
        X_original : ndarray or list of ndarray
            The sequences in their original units, in the kind of ``X``.
        """
        return self._apply(X, forward=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = bool(
            self.mask_value is not None and np.isnan(self.mask_value)
        )
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
