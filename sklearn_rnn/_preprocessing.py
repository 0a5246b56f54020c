"""Transformers for numeric sequences. Torch-free."""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn import get_config
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._sequences import Sequences, padding_steps, real_spans, starts_of
from ._validation import check_sequences
from ._warnings import user_stacklevel

_CONTAINERS = ("default", "pandas", "polars")


def is_ragged_container(X) -> bool:
    """True for the containers that hold one sequence per item.

    A list or tuple, a pandas Series, or a 1-D object array.
    """
    if isinstance(X, (list, tuple, pd.Series)):
        return True
    return isinstance(X, np.ndarray) and X.ndim == 1 and X.dtype.kind == "O"


def like_container(X, items: list) -> Any:
    """Put ``items`` (one per item of ``X``) in the kind of container ``X`` is.

    A pandas Series comes back as a Series with the same index and name, a
    1-D object array as an object array, anything else (list, tuple) as a
    list.
    """
    if isinstance(X, pd.Series):
        return pd.Series(_object_array(items), index=X.index, name=X.name)
    if isinstance(X, np.ndarray):
        return _object_array(items)
    return list(items)


def _object_array(items: list) -> np.ndarray:
    # Item by item: numpy would otherwise stack equal-shaped arrays.
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def _like_item(x, values: np.ndarray):
    """``values`` shaped, and for pandas items labelled, like the item ``x``."""
    if isinstance(x, pd.DataFrame):
        return pd.DataFrame(values.reshape(x.shape), index=x.index, columns=x.columns)
    if isinstance(x, pd.Series):
        return pd.Series(values.reshape(x.shape), index=x.index, name=x.name)
    return values.reshape(np.shape(x))


def _like_input(X, seqs: Sequences, values: np.ndarray):
    """Return ``values`` (the steps of ``seqs``) in the kind ``X`` came in.

    A container of sequences (list, tuple, Series, 1-D object array) comes
    back as the same kind of container (a tuple as a list), each item shaped
    and labelled like the item it replaces; a 2-D or 3-D array-like comes
    back as an array of its shape, and so does a list or tuple of
    equal-length flat sequences, which is the 2-D array it converts to.
    """
    if isinstance(X, (list, tuple)) and _is_table(X):
        return values[..., 0]
    if is_ragged_container(X):
        pieces = (
            list(values)
            if seqs.uniform
            else np.split(values, starts_of(seqs.lengths)[1:])
        )
        items = [_like_item(x, p) for p, x in zip(pieces, X, strict=True)]
        return like_container(X, items)
    if (X.ndim if hasattr(X, "ndim") else np.asarray(X).ndim) == 2:
        return values[..., 0]
    return values


def _is_table(X: list | tuple) -> bool:
    """A list of equal-length flat sequences is the 2-D array it converts to.

    SPEC 2.2 (and scikit-learn's checks, which fit on ``X.tolist()``).
    """
    shapes = {np.shape(item) for item in X}
    return len(shapes) == 1 and len(next(iter(shapes))) == 1


def _item_feature_names(X) -> np.ndarray | None:
    """Column names shared by every item of a container of DataFrames."""
    if not is_ragged_container(X) or not len(X):
        return None
    items = list(X)
    if not all(isinstance(item, pd.DataFrame) for item in items):
        return None
    columns = items[0].columns
    if not all(isinstance(c, str) for c in columns):
        return None
    if any(not item.columns.equals(columns) for item in items[1:]):
        raise ValueError(
            "X is a list of DataFrames with different columns; every sequence "
            f"needs the same features (item 0 has {list(columns)})."
        )
    return np.asarray(columns, dtype=object)


def _all_frames(out) -> bool:
    """True for a non-empty container of sequences that are all DataFrames."""
    return (
        is_ragged_container(out)
        and len(out) > 0
        and all(isinstance(item, pd.DataFrame) for item in out)
    )


def _describe(out) -> str:
    if isinstance(out, np.ndarray):
        return f"{out.ndim}-D array"
    return f"ragged {type(out).__name__}"


class SequenceOutputMixin:
    """``set_output`` for transformers whose output is not always a table.

    scikit-learn's automatic wrapping would try to turn ragged lists and 3-D
    arrays into DataFrames. These transformers accept ``set_output`` (so a
    ``Pipeline`` can configure them) and wrap 2-D outputs, named by
    ``get_feature_names_out``. Other outputs stay as they are, with a
    warning unless ``_warn_unwrapped`` is False (a transformer whose output
    is never a table, such as ``TextTokenizer``, says so in its docs
    instead).
    """

    _warn_unwrapped = True

    def set_output(self, *, transform: str | None = None) -> SequenceOutputMixin:
        """Set the container of 2-D outputs: "default", "pandas" or "polars".

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            As in scikit-learn; None leaves the setting unchanged. Ragged
            and 3-D outputs are not tables and are returned as they are.

        Returns
        -------
        self : object
            The transformer.
        """
        if transform is None:
            return self
        if transform not in _CONTAINERS:
            raise ValueError(
                f"set_output(transform=...) must be one of {list(_CONTAINERS)} or "
                f"None; got {transform!r}."
            )
        self._sklearn_output_config = {"transform": transform}
        return self

    def _output_container(self) -> str:
        config = getattr(self, "_sklearn_output_config", {})
        return config.get("transform") or get_config()["transform_output"]

    def _wrap_table(self, X, out):
        container = self._output_container()
        if container == "default":
            return out
        if not (isinstance(out, np.ndarray) and out.ndim == 2):
            # DataFrames in give DataFrames back: that is what was asked.
            frames = container == "pandas" and _all_frames(out)
            if self._warn_unwrapped and not frames:
                warnings.warn(
                    f"{type(self).__name__} returns a {_describe(out)} here, which "
                    f"is not a table: set_output(transform={container!r}) applies "
                    "only to 2-D output. A list (or Series) of DataFrames in gives "
                    "DataFrames back.",
                    UserWarning,
                    stacklevel=user_stacklevel(),
                )
            return out
        columns = self.get_feature_names_out()
        if container == "pandas":
            index = X.index if isinstance(X, (pd.DataFrame, pd.Series)) else None
            return pd.DataFrame(out, index=index, columns=columns)
        import polars as pl

        return pl.DataFrame(out, schema=list(columns), orient="row")


def _real_steps(seqs: Sequences, mask_value) -> np.ndarray:
    """True at the real (non-padding) steps, in the layout of ``seqs.values``.

    Padding is only a leading or a trailing run of steps whose every feature
    equals ``mask_value`` (``real_spans``, as the estimators read it); a step
    equal to ``mask_value`` inside a sequence is data.
    """
    shape = seqs.values.shape[:-1]
    if mask_value is None:
        return np.ones(shape, dtype=bool)
    pad = padding_steps(seqs.values, mask_value)
    if seqs.uniform:
        starts, ends = real_spans(pad)
        steps = np.arange(shape[1])
        return (steps >= starts[:, None]) & (steps < ends[:, None])
    # Ragged: lay the sequences out as rows, the cells past each end counted
    # as padding (which extends a trailing run and leaves a leading run as is).
    lengths = seqs.lengths
    steps = np.arange(int(lengths.max()))
    inside = steps < lengths[:, None]
    rows = np.ones(inside.shape, dtype=bool)
    rows[inside] = pad
    starts, ends = real_spans(rows)
    ends = np.minimum(ends, lengths)
    return ((steps >= starts[:, None]) & (steps < ends[:, None]))[inside]


# Rows of steps converted to float64 at a time: the statistics of a large
# data set then need no float64 copy of it (that copy and the deviations
# from the mean were three times the data set's float32 size at its peak).
_STATISTICS_CHUNK = 1 << 16


def step_statistics(
    steps: np.ndarray,
    *,
    weight: np.ndarray | None = None,
    with_mean: bool = True,
    with_std: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale of each feature over the real steps ``(n_steps, F)``.

    The one place for the statistics of ``SequenceScaler`` and of the
    estimators' ``scale_X``: computed in float64 (chunk by chunk, two
    passes), weighted by ``weight`` (one per step) if given; a (numerically)
    constant feature gets scale 1, as in ``StandardScaler``.
    """
    n_features = steps.shape[-1]
    if weight is not None:
        weight = np.asarray(weight, dtype=np.float64)
    total = len(steps) if weight is None else weight.sum()

    def summed(transform) -> np.ndarray:
        """Sum over steps of ``transform(float64 steps)``, weighted."""
        result = np.zeros(n_features)
        for start in range(0, len(steps), _STATISTICS_CHUNK):
            part = slice(start, start + _STATISTICS_CHUNK)
            values = transform(np.asarray(steps[part], dtype=np.float64))
            result += values.sum(axis=0) if weight is None else weight[part] @ values
        return result

    mean = summed(lambda values: values) / total
    scale = np.ones(n_features)
    if with_std:
        std = np.sqrt(summed(lambda values: (values - mean) ** 2) / total)
        tiny = 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)
        scale = np.where(std > tiny, std, 1.0)
    return (mean if with_mean else np.zeros(n_features)), scale


def scale_steps(steps: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``(steps - mean) / scale`` per feature, in the float dtype of ``steps``."""
    out = steps - mean.astype(steps.dtype)
    out /= scale.astype(steps.dtype)  # in place: one copy of the data, not two
    return out


def _step_position(seqs: Sequences, flat_index: int) -> tuple[int, int]:
    """(sequence, step) of the ``flat_index``-th step of ``seqs``."""
    if seqs.uniform:
        return divmod(flat_index, seqs.values.shape[1])
    starts = starts_of(seqs.lengths)
    i = int(np.searchsorted(starts, flat_index, side="right")) - 1
    return i, flat_index - int(starts[i])


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
    ``(n, T)`` of univariate sequences (one feature) gives a 2-D array, a
    3-D array ``(n, T, F)`` a 3-D array, and a container of ``(T_i,)`` /
    ``(T_i, F)`` sequences the same kind of container (a list, a pandas
    Series with its index and name, or a 1-D object array; a tuple gives a
    list), each item shaped like the one it replaces (DataFrames keep their
    index and columns). A list of equal-length flat sequences is the 2-D
    array it converts to and gives a 2-D array.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract the mean of each feature.
    with_std : bool, default=True
        Divide by the standard deviation of each feature (1 for a constant
        feature, as in ``StandardScaler``).
    mask_value : float or None, default=None
        Padding value, as the estimators' ``mask_value``: a leading or
        trailing run of time steps whose every feature equals it (NaN and
        ``±inf`` included) is padding, left out of the statistics and
        returned unchanged. A step equal to it inside a sequence is data.

    Attributes
    ----------
    mean_ : ndarray of shape (n_step_features,)
        Mean of each feature per time step (0 when ``with_mean=False``).
    scale_ : ndarray of shape (n_step_features,)
        Standard deviation of each feature (1 when ``with_std=False``).
    n_features_in_ : int
        As for the estimators: the number of columns of 2-D input, the
        number of features per step of 3-D and ragged input.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names, when ``X`` was a DataFrame with string column names
        (the time steps of 2-D input) or a list of DataFrames with the same
        string columns (the features).

    See Also
    --------
    sklearn.preprocessing.StandardScaler : The same for tabular data.

    Notes
    -----
    ``transform`` never produces ``mask_value`` in a real step: a scaled
    step whose every feature lands exactly on ``mask_value`` is moved one
    ulp away from it (``np.nextafter``), so that it is not read back as
    padding, and ``inverse_transform(transform(X))`` gives ``X`` back on the
    real steps up to float rounding.

    With a non-finite ``mask_value`` (NaN or ``±inf``) only padding steps
    may hold non-finite values: a step that is NaN in some features but not
    all, or NaN inside a sequence, is a ``ValueError`` naming the sequence
    and step (it is data, and data must be finite).

    ``set_output(transform="pandas")`` wraps 2-D output in a DataFrame; 3-D
    and ragged output are not tables and are returned as they are, with a
    warning. Pass a list of DataFrames to get a list of DataFrames.

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

    With ``mask_value``, only the padding runs at the ends are left alone:

    >>> padded = np.array([[1.0, 2.0, 3.0, 0.0], [0.0, 0.0, 3.0, 1.0]])
    >>> scaler = SequenceScaler(mask_value=0.0).fit(padded)
    >>> scaler.transform(padded).round(2)
    array([[-1.12,  0.  ,  1.12,  0.  ],
           [ 0.  ,  0.  ,  1.12, -1.12]])
    >>> scaler.inverse_transform(scaler.transform(padded))
    array([[1., 2., 3., 0.],
           [0., 0., 3., 1.]])
    """

    _parameter_constraints: dict = {
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
        "mask_value": [Real, None],
    }

    def __init__(
        self,
        *,
        with_mean: bool = True,
        with_std: bool = True,
        mask_value: float | None = None,
    ) -> None:
        self.with_mean = with_mean
        self.with_std = with_std
        self.mask_value = mask_value

    def _check(self, X, *, reset: bool) -> tuple[Sequences, np.ndarray]:
        """Validate ``X``; return its sequences and the mask of real steps."""
        mask = self.mask_value
        finite_mask = mask is None or np.isfinite(mask)
        seqs, layout = check_sequences(
            self,
            X,
            reset=reset,
            dtype=[np.float64, np.float32],
            # A finite mask_value allows no NaN/inf: scikit-learn's checks
            # and messages. Otherwise NaN/inf padding is checked below.
            ensure_all_finite=bool(finite_mask),
            layout=None if reset else self._layout,
        )
        if reset:
            self._layout = layout
        real = _real_steps(seqs, mask)
        if not finite_mask:
            bad = real & ~np.isfinite(seqs.values).all(axis=-1)
            if bad.any():
                i, t = _step_position(seqs, int(np.flatnonzero(bad.ravel())[0]))
                raise ValueError(
                    f"Sequence {i} of X has NaN or infinite values at time step {t}, "
                    f"which is not padding: with mask_value={mask}, padding is a "
                    "leading or trailing run of steps whose every feature equals "
                    "mask_value, and real steps must be finite."
                )
        return seqs, real

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: None = None) -> SequenceScaler:
        """Learn the mean and scale of each feature over all real time steps.

        Parameters
        ----------
        X : array-like of shape (n, T) or (n, T, F), or list of array-like
            Training sequences; a pandas Series or 1-D object array of
            sequences is read as a list.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
            The fitted scaler.
        """
        names = _item_feature_names(X)
        seqs, real = self._check(X, reset=True)
        if names is not None:
            self.feature_names_in_ = names
        steps = seqs.values[real]
        if len(steps) == 0:
            raise ValueError(
                f"Every time step of X is padding (mask_value={self.mask_value}); "
                "there is nothing to compute statistics from."
            )
        self.mean_, self.scale_ = step_statistics(
            steps, with_mean=self.with_mean, with_std=self.with_std
        )
        return self

    def _apply(self, X, forward: bool):
        check_is_fitted(self)
        names = _item_feature_names(X)
        fitted_names = getattr(self, "feature_names_in_", None)
        if (
            names is not None
            and fitted_names is not None
            and not np.array_equal(names, fitted_names)
        ):
            raise ValueError(
                "The feature names should match those that were passed during fit: "
                f"fitted with {list(fitted_names)}, got {list(names)}."
            )
        seqs, real = self._check(X, reset=False)
        values = seqs.values
        out = values.copy()
        if forward:
            out[real] = scale_steps(values[real], self.mean_, self.scale_)
            if self.mask_value is not None:
                # A real step must never be read back as padding.
                hit = real & padding_steps(out, self.mask_value)
                if hit.any():
                    mask = out.dtype.type(self.mask_value)
                    away = out.dtype.type(0.0 if mask == np.inf else np.inf)
                    out[hit] = np.nextafter(mask, away)
        else:
            mean = self.mean_.astype(values.dtype)
            out[real] = values[real] * self.scale_.astype(values.dtype) + mean
        return _like_input(X, seqs, out)

    def transform(self, X: Any) -> Any:
        """Standardise the real time steps of ``X``.

        Parameters
        ----------
        X : array-like of shape (n, T) or (n, T, F), or list of array-like
            Sequences with the features per step seen in ``fit``.

        Returns
        -------
        X_scaled : ndarray, list, pandas Series or object array
            The same shape and kind as ``X`` (a tuple gives a list); float32
            stays float32, other input becomes float64.
        """
        return self._wrap_table(X, self._apply(X, forward=True))

    def inverse_transform(self, X: Any) -> Any:
        """Undo :meth:`transform`.

        Parameters
        ----------
        X : array-like of shape (n, T) or (n, T, F), or list of array-like
            Scaled sequences.

        Returns
        -------
        X_original : ndarray, list, pandas Series or object array
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
    """A list of 1-D or 2-D numeric arrays, one per sequence.

    A container of sequences gives its items; a 2-D array or DataFrame its
    rows (equal-length 1-D sequences); a 3-D array its ``(T, F)`` slices.
    """
    if X is None or isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise TypeError(
            f"{name} expects a list of sequences (or a 2-D/3-D array); got "
            f"{type(X).__name__}."
        )
    if isinstance(X, pd.DataFrame):
        X = X.to_numpy()  # rows, not column labels
    items = []
    for i, item in enumerate(X):
        try:
            array = np.asarray(item)
        except ValueError as exc:  # e.g. a jagged item
            raise ValueError(
                f"{name} expects numeric sequences of shape (T,) or (T, F); "
                f"sequence {i} is not one ({exc})."
            ) from None
        if array.ndim == 0 and array.dtype.kind in "biuf":
            raise ValueError(
                f"{name} expects a list of sequences; item {i} is the number "
                f"{item!r}. Wrap a single sequence in a list: [[...]]."
            )
        if array.ndim not in (1, 2) or array.dtype.kind not in "biuf":
            raise ValueError(
                f"{name} expects numeric sequences of shape (T,) or (T, F); "
                f"sequence {i} has shape {array.shape} and dtype {array.dtype}."
            )
        items.append(array)
    if (
        len({item.ndim for item in items}) > 1
        or len({item.shape[1:] for item in items}) > 1
    ):
        raise ValueError(
            f"{name} expects all sequences to have the same features per step; "
            f"got shapes {sorted({item.shape[1:] for item in items})}."
        )
    return items


def _holds(dtype: np.dtype, value) -> bool:
    """Whether ``dtype`` represents ``value`` exactly (NaN in floats only)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        with np.errstate(over="ignore"):
            return bool(
                np.isnan(value) or np.isinf(value) == np.isinf(dtype.type(value))
            )
    if dtype.kind in "iu":
        if not np.isfinite(value) or value != int(value):
            return False
        info = np.iinfo(dtype)
        return info.min <= int(value) <= info.max
    if dtype.kind == "b":
        return value in (0, 1)
    return False


class SequencePadder(
    SequenceOutputMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    BaseEstimator,
    auto_wrap_output_keys=None,
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
        Output dtype. None keeps the dtype of the sequences when it holds
        ``value`` (int stays int, float stays float) and otherwise promotes
        to the smallest dtype that holds both: ``value=0.5`` or ``np.nan``
        on int sequences gives float64, ``-1`` on uint8 gives int16. A
        ``dtype`` given explicitly that cannot hold ``value`` is a
        ``ValueError``.

    Attributes
    ----------
    maxlen_ : int
        The output length.

    See Also
    --------
    TextTokenizer : Makes the id sequences this pads.

    Notes
    -----
    Input is a container of sequences (list, tuple, pandas Series or 1-D
    object array of ``(T_i,)`` or ``(T_i, F)`` arrays), or an array whose
    rows are sequences: a 2-D array or DataFrame (its rows, re-padded or
    truncated to ``maxlen``) or a 3-D array.

    ``get_feature_names_out`` names the time steps, ``sequencepadder0`` to
    ``sequencepadder{maxlen - 1}``, as scikit-learn names the new columns
    of a transformer (``PCA`` gives ``pca0``, ...). They are the columns of
    the 2-D output, which ``set_output(transform="pandas")`` wraps in a
    DataFrame (keeping the index of a Series of sequences); 3-D output is
    not a table and is returned as an array, with a warning.

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
    >>> SequencePadder(maxlen=3, value=-0.5).transform([[5, 2]])
    array([[ 5. ,  2. , -0.5]])
    >>> SequencePadder(maxlen=3).set_output(transform="pandas").transform([[5, 2]])
       sequencepadder0  sequencepadder1  sequencepadder2
    0                5                2                0
    """

    _parameter_constraints: dict = {
        "maxlen": [Interval(Integral, 1, None, closed="left"), None],
        "padding": [StrOptions({"post", "pre"})],
        "truncating": [StrOptions({"post", "pre"})],
        "value": [Real],
        "dtype": [str, type, np.dtype, None],
    }

    def __init__(
        self,
        *,
        maxlen: int | None = None,
        padding: str = "post",
        truncating: str = "post",
        value: float = 0,
        dtype: Any = None,
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
        self._output_dtype(items)  # a value the dtype cannot hold fails here
        if self.maxlen is not None:
            self.maxlen_ = self.maxlen
        elif not items or max(len(item) for item in items) == 0:
            raise ValueError("SequencePadder needs at least one non-empty sequence.")
        else:
            self.maxlen_ = max(len(item) for item in items)
        return self

    @property
    def _n_features_out(self) -> int:
        # The output width: known without fit when maxlen is given.
        return self.maxlen if self.maxlen is not None else self.maxlen_

    def _output_dtype(self, items: list[np.ndarray]) -> np.dtype:
        value = self.value
        if self.dtype is not None:
            dtype = np.dtype(self.dtype)
            if not _holds(dtype, value):
                raise ValueError(
                    f"SequencePadder(value={value!r}) cannot be stored in "
                    f"dtype={dtype}; choose another value or dtype, or dtype=None "
                    "to promote to one that holds it."
                )
            return dtype
        # An empty list has no dtype of its own (numpy says float64).
        kinds = [item.dtype for item in items if item.size] or [np.dtype(np.int64)]
        dtype = np.result_type(*kinds)
        if dtype.kind == "b":
            dtype = np.dtype(np.int64)
        if not _holds(dtype, value):
            dtype = np.result_type(dtype, np.min_scalar_type(value))
            if dtype.kind in "iu" and not _holds(dtype, value):
                dtype = np.dtype(np.float64)
            if not _holds(dtype, value):
                raise ValueError(
                    f"SequencePadder(value={value!r}) fits no numeric dtype."
                )
        return dtype

    def transform(self, X: Any) -> Any:
        """Pad or truncate every sequence to ``maxlen_`` steps.

        Parameters
        ----------
        X : list of array-like
            Sequences of shape ``(T_i,)`` or ``(T_i, F)``.

        Returns
        -------
        X_padded : ndarray of shape (n, ``maxlen_``) or (n, ``maxlen_``, F)
            The padded sequences (a DataFrame for 2-D output under
            ``set_output(transform="pandas")``).
        """
        if self.maxlen is None:
            check_is_fitted(self)
        self._validate_params()
        width = self._n_features_out
        items = _as_items(X, type(self).__name__)
        dtype = self._output_dtype(items)
        tail = items[0].shape[1:] if items else ()
        out = np.full((len(items), width, *tail), self.value, dtype=dtype)
        for i, item in enumerate(items):
            kept = item[:width] if self.truncating == "post" else item[-width:]
            if self.padding == "post":
                out[i, : len(kept)] = kept
            else:
                out[i, width - len(kept) :] = kept
        return self._wrap_table(X, out)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = self.maxlen is None
        tags.input_tags.two_d_array = False
        return tags
