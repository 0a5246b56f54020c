"""Transformers for numeric sequences. Torch-free."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils._set_output import ADAPTERS_MANAGER, _get_output_config
from sklearn.utils.validation import check_is_fitted

from ._sequences import Sequences, starts_of
from ._validation import check_sequences


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
            else np.split(values, starts_of(seqs.lengths)[1:])
        )
        return [item.reshape(np.shape(x)) for item, x in zip(items, X, strict=True)]
    if (X.ndim if hasattr(X, "ndim") else np.asarray(X).ndim) == 2:
        return values[..., 0]
    return values


class SequenceOutputMixin:
    """``set_output`` for transformers whose output is not always a table.

    scikit-learn's automatic wrapping would try to turn ragged lists and 3-D
    arrays into DataFrames. These transformers accept ``set_output`` (so a
    ``Pipeline`` can configure them) but wrap only 2-D outputs, and only
    when they can name the columns.
    """

    def set_output(self, *, transform: str | None = None) -> SequenceOutputMixin:
        """Set the container of 2-D outputs: "default", "pandas" or "polars".

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            As in scikit-learn; None leaves the setting unchanged. Ragged
            and 3-D outputs are always returned as they are.

        Returns
        -------
        self : object
            The transformer.
        """
        if transform is not None:
            self._sklearn_output_config = {"transform": transform}
        return self

    def _wrap_table(self, X, out):
        container = _get_output_config("transform", self)["dense"]
        is_table = isinstance(out, np.ndarray) and out.ndim == 2
        if container == "default" or not is_table:
            return out
        adapter = ADAPTERS_MANAGER.adapters[container]
        return adapter.create_container(out, X, self.get_feature_names_out)


class SequenceScaler(
    SequenceOutputMixin,
    OneToOneFeatureMixin,
    TransformerMixin,
    BaseEstimator,
    auto_wrap_output_keys=None,
):
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
    def fit(self, X: Any, y: None = None) -> SequenceScaler:
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

    def transform(self, X: Any) -> np.ndarray | list[np.ndarray]:
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
        return self._wrap_table(X, self._apply(X, forward=True))

    def inverse_transform(self, X: Any) -> np.ndarray | list[np.ndarray]:
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


def _as_items(X, name: str) -> list[np.ndarray]:
    """A list of 1-D or 2-D numeric arrays, one per sequence."""
    if isinstance(X, str) or not hasattr(X, "__len__"):
        raise TypeError(f"{name} expects a list of sequences; got {type(X).__name__}.")
    items = [np.asarray(item) for item in X]
    for i, item in enumerate(items):
        if item.ndim not in (1, 2) or item.dtype.kind not in "biuf":
            raise ValueError(
                f"{name} expects numeric sequences of shape (T,) or (T, F); "
                f"sequence {i} has shape {item.shape} and dtype {item.dtype}."
            )
    if (
        len({item.ndim for item in items}) > 1
        or len({item.shape[1:] for item in items}) > 1
    ):
        raise ValueError(
            f"{name} expects all sequences to have the same features per step; "
            f"got shapes {sorted({item.shape[1:] for item in items})}."
        )
    return items


class SequencePadder(
    SequenceOutputMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Pad (and truncate) sequences of different lengths into one array.

    1-D sequences (token ids, univariate series) become a 2-D array
    ``(n, maxlen)``; 2-D sequences ``(T_i, F)`` become ``(n, maxlen, F)``.
    With the default ``value=0`` the estimators find every sequence's real
    length again (0 is the padding id), so padding never changes their
    predictions.

    Parameters
    ----------
    maxlen : int or None, default=None
        Output length. None uses the longest sequence seen in ``fit``
        (``maxlen_``); with an int the padder needs no fit.
    padding : {"post", "pre"}, default="post"
        Pad at the end or at the start of each sequence.
    truncating : {"post", "pre"}, default="post"
        Cut longer sequences at the end (keep the first ``maxlen`` steps)
        or at the start (keep the last ``maxlen``).
    value : float, default=0
        Padding value.
    dtype : str, type or None, default=None
        Output dtype. None keeps the kind of the input: int stays int,
        float stays float.

    Attributes
    ----------
    maxlen_ : int
        The output length.

    See Also
    --------
    TextTokenizer : Makes the id sequences this pads.

    Examples
    --------
    >>> from sklearn_rnn import SequencePadder
    >>> SequencePadder(maxlen=4).transform([[5, 2], [7, 1, 3, 3, 9]])
    array([[5, 2, 0, 0],
           [7, 1, 3, 3]])
    >>> SequencePadder(maxlen=4, padding="pre", truncating="pre").transform(
    ...     [[5, 2], [7, 1, 3, 3, 9]])
    array([[0, 0, 5, 2],
           [1, 3, 3, 9]])
    """

    _parameter_constraints: dict = {
        "maxlen": [Interval(Integral, 1, None, closed="left"), None],
        "padding": [StrOptions({"post", "pre"})],
        "truncating": [StrOptions({"post", "pre"})],
        "value": [Real],
        "dtype": [str, type, None],
    }

    def __init__(
        self,
        *,
        maxlen: int | None = None,
        padding: str = "post",
        truncating: str = "post",
        value: float = 0,
        dtype=None,
    ) -> None:
        self.maxlen = maxlen
        self.padding = padding
        self.truncating = truncating
        self.value = value
        self.dtype = dtype

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: None = None) -> SequencePadder:
        """Record the output length.

        Parameters
        ----------
        X : list of array-like
            Sequences of shape ``(T_i,)`` or ``(T_i, F)``.
        y : None
            Ignored.

        Returns
        -------
        self : SequencePadder
            The fitted padder.
        """
        items = _as_items(X, type(self).__name__)
        if self.maxlen is not None:
            self.maxlen_ = self.maxlen
        elif not items or max(len(item) for item in items) == 0:
            raise ValueError("SequencePadder needs at least one non-empty sequence.")
        else:
            self.maxlen_ = max(len(item) for item in items)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Pad or truncate every sequence to ``maxlen_`` steps.

        Parameters
        ----------
        X : list of array-like
            Sequences of shape ``(T_i,)`` or ``(T_i, F)``.

        Returns
        -------
        X_padded : ndarray of shape (n, maxlen_) or (n, maxlen_, F)
            The padded sequences.
        """
        if self.maxlen is None:
            check_is_fitted(self)
        self._validate_params()
        width = self.maxlen if self.maxlen is not None else self.maxlen_
        items = _as_items(X, type(self).__name__)
        dtype = self.dtype
        if dtype is None:
            # An empty list has no dtype of its own (numpy says float64).
            kinds = [item.dtype for item in items if item.size] or [np.dtype(np.int64)]
            dtype = np.result_type(*kinds)
            if dtype.kind == "b":
                dtype = np.int64
        tail = items[0].shape[1:] if items else ()
        out = np.full((len(items), width, *tail), self.value, dtype=dtype)
        for i, item in enumerate(items):
            kept = item[:width] if self.truncating == "post" else item[-width:]
            if self.padding == "post":
                out[i, : len(kept)] = kept
            else:
                out[i, width - len(kept) :] = kept
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = self.maxlen is None
        tags.input_tags.two_d_array = False
        return tags
