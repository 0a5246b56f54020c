"""The input policy of SPEC 2.2, written once.

Torch-free on purpose: what counts as a sequence, how lengths are found and
what ``n_features_in_`` means are decided here and nowhere else.

Layouts
-------
``"fixed"``
    A 2-D float array ``(n, T)``: n univariate sequences of length T. This is
    also plain tabular input (what scikit-learn's checks feed), so
    ``n_features_in_`` is T and predict needs the same width.
``"sequence"``
    A 3-D array ``(n, T, F)`` or a list of ``(T_i,)`` / ``(T_i, F)`` arrays.
    ``n_features_in_`` is F; any length may be predicted.
``"tokens"``
    Integer token ids (``embedding_dim`` set): a padded 2-D array (0 =
    padding, pre or post) or a list of 1-D id arrays. ``n_features_in_`` is 1.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import issparse
from sklearn.utils.validation import _get_feature_names, check_array, validate_data

from ._sequences import (
    Sequences,
    padding_steps,
    real_spans,
    starts_of,
    strip_padding,
    unpad,
)
from ._warnings import user_stacklevel

_INT64_MAX = np.iinfo(np.int64).max
# 3-D input whose values follow each other along the feature axis at least
# this closely (mean lag-1 autocorrelation), and this much more closely than
# along the time axis, looks channels-first (n, channels, time).
_SMOOTH = 0.5
_SMOOTHER_BY = 0.3
# Sequences sampled for that check, and the fewest features it needs.
_SMOOTH_SAMPLE = 64
_SMOOTH_MIN_FEATURES = 8
# A DataFrame with at most this many named columns, read as 2-D sequences,
# gets a warning: it looks like features of a long table, not time steps.
_LONG_TABLE_COLUMNS = 8


@dataclass(frozen=True)
class InputLayout:
    """How a fitted estimator reads sequences, decided once in ``fit``.

    Attributes
    ----------
    kind : {"fixed", "sequence", "tokens"}
        See the module docstring.
    n_features : int
        Columns of 2-D input (``"fixed"``), features per step
        (``"sequence"``), or 1 (``"tokens"``): ``n_features_in_``.
    ragged : bool
        Whether the training sequences had different lengths.
    """

    kind: str
    n_features: int
    ragged: bool = False


def _name(estimator) -> str:
    return type(estimator).__name__


def _item_ndim(i: int, item) -> int:
    try:
        return np.ndim(item)
    except ValueError as exc:
        raise ValueError(
            f"Sequence {i} of X is not a rectangular (T,) or (T, F) array: its "
            f"time steps have different numbers of features ({exc})."
        ) from None


def _ragged(estimator, X, *, token_ids: bool, dtype, ensure_all_finite) -> Sequences:
    """Validate a list of sequences with one pass over their concatenation.

    Shapes are checked item by item (cheap); dtype and finiteness once on all
    steps, so thousands of short sequences cost what their values cost.
    """
    items = []
    for i, item in enumerate(X):
        try:
            items.append(np.asarray(item))
        except ValueError as exc:
            raise ValueError(
                f"Sequence {i} of X is not a rectangular (T,) or (T, F) array: its "
                f"time steps have different numbers of features ({exc})."
            ) from None
    for i, item in enumerate(items):
        if item.ndim not in (1, 2) or (token_ids and item.ndim != 1):
            expected = (
                "1-D id arrays" if token_ids else "arrays of shape (T,) or (T, F)"
            )
            raise ValueError(
                f"{_name(estimator)} expects a list of {expected}; sequence {i} has "
                f"shape {item.shape}."
            )
        if len(item) == 0:
            raise ValueError(
                f"Sequence {i} of X is empty; every sequence needs at least one "
                "time step."
            )
    lengths = np.array([len(item) for item in items], dtype=np.int64)
    offsets = starts_of(lengths)
    if token_ids:
        values = _as_token_ids(estimator, np.concatenate(items))
    else:
        items = [item.reshape(len(item), -1) for item in items]
        widths = [item.shape[1] for item in items]
        for i, width in enumerate(widths):
            if width != widths[0]:
                hint = ""
                if len(set(lengths.tolist())) == 1:
                    hint = (
                        f" Every sequence has {lengths[0]} rows: if they are "
                        "channels-first, (n_channels, n_timepoints) as in sktime "
                        "and aeon, transpose each one: [x.T for x in X]."
                    )
                raise ValueError(
                    f"Sequence {i} of X has {width} features per time step but "
                    f"sequence 0 has {widths[0]}; all sequences need the same.{hint}"
                )
        try:
            values = check_array(
                np.concatenate(items),
                dtype=dtype,
                ensure_all_finite=ensure_all_finite,
                input_name="X",
            )
        except (TypeError, ValueError):
            # Name the first offending sequence, with scikit-learn's message.
            for i, item in enumerate(items):
                try:
                    check_array(
                        item,
                        dtype=dtype,
                        ensure_all_finite=ensure_all_finite,
                        input_name=f"sequence {i} of X",
                    )
                except (TypeError, ValueError) as exc:
                    if f"sequence {i} of X" in str(exc):
                        raise
                    raise ValueError(
                        f"Sequence {i} of X must hold numbers; got dtype "
                        f"{item.dtype} ({exc})."
                    ) from None
            raise
    if (lengths == lengths[0]).all():
        shape = (len(items), int(lengths[0]), *values.shape[1:])
        return Sequences(values.reshape(shape), lengths)
    return Sequences(values, lengths, offsets)


def _as_token_ids(estimator, values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "u" and values.size and values.max() > _INT64_MAX:
        raise ValueError(
            f"Token id {values.max()} is too large: ids must be dense integers "
            "(0 = padding, 1 = unknown, then 2, 3, ...) below 2**63."
        )
    if values.dtype.kind not in "iub":
        if values.dtype.kind != "f":
            raise ValueError(
                f"{_name(estimator)} with embedding_dim set expects integer token "
                f"ids; got dtype {values.dtype}."
            )
        if not np.isfinite(values).all() or (values != np.round(values)).any():
            raise ValueError(
                f"{_name(estimator)} with embedding_dim set expects integer token "
                "ids; got non-integer values. Use TextTokenizer and SequencePadder, "
                "or unset embedding_dim for real-valued sequences."
            )
    if values.size and values.min() < 0:
        raise ValueError(f"Token ids must be >= 0 (0 is padding); got {values.min()}.")
    return values.astype(np.int64, copy=False)


def _padded_tokens(estimator, X) -> Sequences:
    """Strip pre- or post-padding (id 0) from a 2-D array of token ids."""
    if np.ndim(X) != 2:
        raise ValueError(
            f"{_name(estimator)} with embedding_dim set expects token ids as a "
            "2-D array (n_samples, n_steps), padded with 0, or a list of 1-D id "
            f"arrays; got {np.ndim(X)}-D input."
        )
    try:
        X = check_array(X, dtype=None, ensure_all_finite=True)
    except ValueError as exc:
        raise ValueError(
            f"{exc} Token ids must be integers, padded with 0 "
            "(SequencePadder(value=0), its default)."
        ) from None
    X = _as_token_ids(estimator, X)
    starts, ends = real_spans(X == 0)
    empty = ends == starts
    if empty.any():
        raise ValueError(
            f"Row {int(np.flatnonzero(empty)[0])} of X holds only padding (id 0); "
            "every sequence needs at least one token."
        )
    return unpad(X, starts, ends)


def _is_text(X) -> bool:
    """A string, an array of strings, or a list / Series / array of strings."""
    if isinstance(X, str):
        return True
    kind = getattr(getattr(X, "dtype", None), "kind", None)
    if kind is not None and kind in "US":
        return True
    if isinstance(X, (list, tuple)) or (kind == "O" and getattr(X, "ndim", 0) == 1):
        return len(X) > 0 and isinstance(next(iter(X)), str)
    return False


def _name_text_columns(estimator, X) -> None:
    """Raise an error naming the DataFrame columns that hold no numbers.

    Called when converting ``X`` failed; each column is a time step.
    """
    if not isinstance(X, pd.DataFrame):
        return
    bad = {
        column: str(dtype)
        for column, dtype in X.dtypes.items()
        if not _converts_to_float(X[column])
    }
    if bad:
        raise ValueError(
            f"{_name(estimator)} reads each DataFrame column as a time step and "
            f"needs numbers; columns {list(bad)} hold {sorted(set(bad.values()))}. "
            "Encode or drop them (text goes through TextTokenizer)."
        )


def _converts_to_float(column: pd.Series) -> bool:
    """An object column of numbers is fine; strings or dates are not."""
    if getattr(column.dtype, "kind", None) in ("M", "m"):
        return False  # numpy casts datetimes to float nanoseconds
    try:
        np.asarray(column, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return True


def _holds_sequences(X) -> bool:
    """True for a pandas Series or 1-D object array whose items are sequences."""
    kind = getattr(getattr(X, "dtype", None), "kind", None)
    if getattr(X, "ndim", None) != 1 or kind != "O" or not len(X):
        return False
    first = X.iloc[0] if hasattr(X, "iloc") else X[0]
    return isinstance(first, (list, tuple, np.ndarray)) or hasattr(first, "__array__")


def _is_nested_frame(X) -> bool:
    """A DataFrame whose cells hold whole series (sktime's "nested_univ")."""
    if not isinstance(X, pd.DataFrame) or X.empty:
        return False
    if any(getattr(dtype, "kind", None) != "O" for dtype in X.dtypes):
        return False
    first = X.iat[0, 0]
    return isinstance(first, (pd.Series, np.ndarray, list, tuple))


def _is_multiindex_table(X) -> bool:
    """A DataFrame indexed by ``(id, time)`` whose ids repeat: a long table."""
    return (
        isinstance(X, pd.DataFrame)
        and isinstance(X.index, pd.MultiIndex)
        and X.index.nlevels == 2
        and not X.index.get_level_values(0).is_unique
    )


def _warn_multiindex_table(estimator, X) -> None:
    n_ids = X.index.get_level_values(0).nunique()
    warnings.warn(
        f"X is a DataFrame indexed by two levels whose first level repeats, like "
        f'sktime\'s "pd-multiindex" format (one row per time step, indexed by '
        f"(instance, time)). {_name(estimator)} reads each of its {len(X)} rows "
        f"as one sequence of {X.shape[1]} steps. If y holds one target per "
        f"first-level id ({n_ids} ids), each id is one sequence: turn X into "
        "sequences with sklearn_rnn.sequences_from_frame(X). If the rows are "
        "samples, X.reset_index(drop=True) silences this warning.",
        UserWarning,
        stacklevel=user_stacklevel(),
    )


def _lag1(values: np.ndarray, axis: int) -> float:
    """Mean lag-1 autocorrelation of the slices of ``values`` along ``axis``.

    Near 1 along the time axis of real series; near 0 or below along an axis
    of unrelated features. Constant slices are left out.
    """
    centred = values - values.mean(axis=axis, keepdims=True)
    n = centred.shape[axis]
    head = np.take(centred, np.arange(n - 1), axis=axis)
    tail = np.take(centred, np.arange(1, n), axis=axis)
    num = (head * tail).sum(axis=axis)
    den = (centred**2).sum(axis=axis)
    varies = den > 1e-12 * max(float(den.max(initial=0.0)), 1e-300)
    if not varies.any():
        return 0.0
    return float((num[varies] / den[varies]).mean())


def _warn_if_channels_first(estimator, seqs: Sequences) -> None:
    """3-D input that varies smoothly along its features looks (n, C, T).

    sktime, aeon, tsai, MNE and torch's ``Conv1d`` hold series as
    ``(n_samples, n_channels, n_timepoints)``; read as ``(n, T, F)`` that is
    a few "steps" of many "features". Such input is legitimate (short
    sequences of wide feature vectors), so the check also needs the last
    axis to behave like time: values that follow each other closely there,
    much more closely than along the middle axis.
    """
    values = seqs.values
    if not seqs.uniform or values.ndim != 3:
        return
    n, steps, features = values.shape
    if features <= steps or features < _SMOOTH_MIN_FEATURES:
        return
    sample = values[:: max(1, n // _SMOOTH_SAMPLE)][:_SMOOTH_SAMPLE]
    sample = sample.astype(np.float64)
    along_features = _lag1(sample, axis=2)
    along_steps = _lag1(sample, axis=1) if steps >= 3 else 0.0
    if along_features < _SMOOTH or along_features - along_steps < _SMOOTHER_BY:
        return
    warnings.warn(
        f"X has shape {values.shape}: {_name(estimator)} reads it as {n} "
        f"sequences of {steps} time step(s) with {features} features each, "
        "(n_samples, n_timepoints, n_features). But its values follow each "
        "other smoothly along the last axis, as series do in time: X looks "
        "channels-first, (n_samples, n_channels, n_timepoints), the layout of "
        "sktime, aeon and torch's Conv1d. If so, pass X.transpose(0, 2, 1) "
        "(for a list of arrays, [x.T for x in X]).",
        UserWarning,
        stacklevel=user_stacklevel(),
    )


def _forget_feature_names(estimator) -> None:
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_


def check_sequences(
    estimator,
    X,
    *,
    reset: bool,
    token_ids: bool = False,
    dtype=np.float32,
    ensure_all_finite: bool | str = True,
    mask_value: float | None = None,
    layout: InputLayout | None = None,
) -> tuple[Sequences, InputLayout]:
    """Validate ``X`` as sequences; decide the input layout or check against it.

    Parameters
    ----------
    estimator : estimator instance
        Receives ``n_features_in_`` and ``feature_names_in_`` when ``reset``
        is True (scikit-learn's rules), and is checked against them
        otherwise.
    X : array-like or list of array-like
        Any input format of SPEC 2.2.
    reset : bool
        True in ``fit``, False at predict.
    token_ids : bool, default=False
        Whether X holds integer token ids (``embedding_dim`` is set).
    dtype : dtype or list of dtypes, default=np.float32
        Float dtype of the returned steps, as in ``check_array``.
    ensure_all_finite : bool or "allow-nan", default=True
        As in ``check_array``.
    mask_value : float or None, default=None
        Float input: steps whose every feature equals it (NaN allowed), in a
        run at the start or end of a sequence, are padding and are dropped.
    layout : InputLayout or None, default=None
        The layout decided in ``fit``; needed when ``reset`` is False.

    Returns
    -------
    seqs : Sequences
        Steps of shape ``(..., F)`` in ``dtype``, or int64 ids, with lengths.
    layout : InputLayout
        With ``reset``, the layout of ``X``, for the caller to keep as fitted
        state; otherwise the ``layout`` given.
    """
    if not reset and layout is None:
        raise ValueError("check_sequences needs the fitted layout when reset=False.")
    if mask_value is None or token_ids:
        try:
            seqs, layout = _check_sequences(
                estimator, X, reset, token_ids, dtype, ensure_all_finite, None, layout
            )
            if not token_ids and (reset or getattr(layout, "ragged", False)):
                _warn_if_zero_padded(estimator, seqs, fitted_on_ragged=not reset)
            return _writable(seqs), layout
        except ValueError as exc:
            if token_ids or "NaN" not in str(exc) or "mask_value" in str(exc):
                raise
            raise ValueError(
                f"{exc} If NaN marks the padding of shorter sequences, set "
                "mask_value=np.nan, or pass a list of arrays of different lengths."
            ) from None
    seqs, layout = _check_sequences(
        estimator, X, reset, token_ids, dtype, False, mask_value, layout
    )
    values = seqs.values
    bad = ~np.isfinite(values).reshape(len(values), -1).all(axis=1)
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        row = (
            index
            if seqs.uniform
            else int(np.searchsorted(seqs.offsets, index, side="right") - 1)
        )
        raise ValueError(
            f"Sequence {row} of X contains NaN or infinity in a real time step. "
            f"With mask_value={mask_value}, only whole steps equal to mask_value "
            "at the start or end of a sequence are padding."
        )
    return _writable(seqs), layout


def _writable(seqs: Sequences) -> Sequences:
    """Steps torch takes without a warning: read-only arrays are copied.

    Parallel searches hand their workers read-only joblib memmaps, and
    pandas copy-on-write frames give read-only views.
    """
    if seqs.values.flags.writeable:
        return seqs
    return Sequences(seqs.values.copy(), seqs.lengths, seqs.offsets)


def _check_sequences(
    estimator, X, reset, token_ids, dtype, ensure_all_finite, mask_value, layout
) -> tuple[Sequences, InputLayout]:
    if reset and not token_ids:
        _warn_if_token_like(estimator, X)
    if isinstance(X, dict) and not issparse(X):  # DOK matrices are dicts
        raise TypeError(
            f"{_name(estimator)} expects X as an array, a DataFrame or a list of "
            "sequences; got a dict. Pass its sequences as a list, "
            "list(X.values()), with y in the same order."
        )
    if isinstance(X, Iterator):
        raise TypeError(
            f"{_name(estimator)} expects X as an array, a DataFrame or a list of "
            f"sequences; got a {type(X).__name__}. Pass list(X)."
        )
    if _is_text(X):
        raise ValueError(
            f"{_name(estimator)} expects numeric sequences or token ids; got "
            "strings. Turn text into token ids with TextTokenizer (and "
            "SequencePadder) in front of it, with embedding_dim set, e.g. "
            "make_pipeline(TextTokenizer(), RNNClassifier(embedding_dim=32))."
        )
    if (
        not isinstance(X, (list, tuple))
        and not hasattr(X, "ndim")
        and hasattr(X, "__array__")
        and _get_feature_names(X) is None
    ):
        X = np.asarray(X)  # e.g. a polars Series, perhaps of lists
    if _is_nested_frame(X):
        raise ValueError(
            f'{_name(estimator)} got a nested DataFrame (sktime\'s "nested_univ" '
            "format: each cell holds a whole series, each column is a channel), "
            "which it does not read. Pass a list of (T_i, n_channels) arrays, "
            "X = [np.column_stack(row) for row in X.to_numpy()], or, for series "
            "of one length, a 3-D array (n_samples, n_timepoints, n_channels): "
            'sktime\'s convert_to(X, "numpy3D").transpose(0, 2, 1).'
        )
    if _holds_sequences(X):  # a Series or 1-D object array of arrays
        X = list(X)
    if isinstance(X, (list, tuple)):
        if len(X) == 0:
            raise ValueError(
                f"Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 "
                f"is required by {_name(estimator)}."
            )
        ndims = {_item_ndim(i, item) for i, item in enumerate(X)}
        lengths = {len(item) for item in X} if ndims == {1} else set()
        if ndims != {0} and not (ndims == {1} and len(lengths) == 1):
            seqs = _ragged(
                estimator,
                X,
                token_ids=token_ids,
                dtype=dtype,
                ensure_all_finite=ensure_all_finite,
            )
            seqs = _strip(estimator, seqs, mask_value)
            seqs, layout = _finish(
                estimator, seqs, "sequence", reset, token_ids, layout
            )
            _record_item_names(estimator, X, reset)
            return seqs, layout
    if token_ids:
        seqs = _padded_tokens(estimator, X)
        return _finish(estimator, seqs, "fixed", reset, True, layout)
    if not hasattr(X, "ndim") and _get_feature_names(X) is None:
        # e.g. nested lists, or objects with __array__; data frames without
        # ndim (polars) stay whole, so validate_data records their names.
        X = np.asarray(X)
    ndim = getattr(X, "ndim", 2)
    if ndim == 1:
        raise ValueError(
            f"{_name(estimator)} got a 1-D X of {X.shape[0]} values. Reshape "
            "your data: one sequence goes in a list, [x], or as one row, "
            "x.reshape(1, -1); a 2-D array (n_samples, n_steps) holds univariate "
            "sequences, a 3-D array (n_samples, n_steps, n_features) "
            "multivariate ones."
        )
    if ndim == 3:
        values = _plain_3d(X, dtype, ensure_all_finite)
        if values is None:
            values = check_array(
                X, allow_nd=True, dtype=dtype, ensure_all_finite=ensure_all_finite
            )
        n, steps, features = values.shape
        if steps == 0 or features == 0:
            raise ValueError(
                f"X has shape {values.shape}; every sequence needs at least one "
                "time step and one feature."
            )
        lengths = np.full(n, steps, dtype=np.int64)
        seqs = _strip(estimator, Sequences(values, lengths), mask_value)
        return _finish(estimator, seqs, "sequence", reset, False, layout)
    if ndim > 3:
        raise ValueError(
            f"{_name(estimator)} expects 2-D (n_samples, n_steps) or 3-D "
            f"(n_samples, n_steps, n_features) input; got {ndim}-D."
        )
    if _is_multiindex_table(X):
        if not reset and layout.kind == "sequence":
            raise ValueError(
                f"{_name(estimator)} was fitted on sequences of "
                f"{layout.n_features} features per step and got a DataFrame "
                "indexed by (id, time) with one row per time step (sktime's "
                '"pd-multiindex" format). Turn it into sequences first: '
                "sklearn_rnn.sequences_from_frame(X)."
            )
        if reset:
            _warn_multiindex_table(estimator, X)
    elif reset:
        _warn_if_long_table(estimator, X)
    kwargs = {"dtype": dtype, "ensure_all_finite": ensure_all_finite}
    try:
        if not reset and layout.kind == "sequence":
            values = check_array(X, **kwargs)
        else:
            values = validate_data(estimator, X, reset=reset, **kwargs)
    except (TypeError, ValueError):
        _name_text_columns(estimator, X)  # a clearer error where it applies
        raise
    n, steps = values.shape
    seqs = Sequences(values[:, :, None], np.full(n, steps, dtype=np.int64))
    seqs = _strip(estimator, seqs, mask_value)
    return _finish(estimator, seqs, "fixed", reset, False, layout, validated=True)


def _plain_3d(X, dtype, ensure_all_finite) -> np.ndarray | None:
    """A real-valued 3-D numpy array, validated without ``check_array``.

    ``check_array`` costs about half of predicting one sequence (pandas and
    array-API dispatch); for a plain float array the same checks are a dtype
    cast and one finiteness pass. Anything else returns None and goes
    through ``check_array``.
    """
    if type(X) is not np.ndarray or X.dtype.kind not in "fiu" or X.size == 0:
        return None
    dtypes = dtype if isinstance(dtype, list) else [dtype]
    target = X.dtype if X.dtype in dtypes else dtypes[0]
    values = X.astype(target, copy=False)
    if ensure_all_finite is True and not np.isfinite(values).all():
        kind = "NaN" if np.isnan(values).any() else "infinity"
        raise ValueError(f"Input X contains {kind}.")
    return values


def _strip(estimator, seqs: Sequences, mask_value) -> Sequences:
    """Drop padding steps equal to ``mask_value``; a sequence needs one left."""
    if mask_value is None:
        return seqs
    seqs = strip_padding(seqs, mask_value)
    empty = np.flatnonzero(seqs.lengths == 0)
    if len(empty):
        raise ValueError(
            f"Sequence {int(empty[0])} of X holds only padding (every step equals "
            f"mask_value={mask_value}); every sequence needs at least one real "
            "time step."
        )
    return seqs


def _record_item_names(estimator, X, reset: bool) -> None:
    """Feature names of a list of DataFrames: record them, or check them."""
    names = None
    if any(isinstance(item, pd.DataFrame) for item in X):
        first = next(item for item in X if isinstance(item, pd.DataFrame))
        for i, item in enumerate(X):
            columns = list(getattr(item, "columns", first.columns))
            if columns != list(first.columns):
                raise ValueError(
                    f"Sequence {i} of X has columns {columns}, but the first "
                    f"DataFrame has {list(first.columns)}; every sequence needs "
                    "the same columns in the same order (select them with "
                    "x[columns])."
                )
        if all(isinstance(c, str) for c in first.columns):
            names = np.asarray(first.columns, dtype=object)
    if reset:
        if names is not None:
            estimator.feature_names_in_ = names
        return
    fitted = getattr(estimator, "feature_names_in_", None)
    if names is not None and fitted is not None and list(names) != list(fitted):
        raise ValueError(
            f"The feature names of X, {list(names)}, differ from those seen in "
            f"fit, {list(fitted)}; pass the columns in the fitted order."
        )


def _warn_if_zero_padded(
    estimator, seqs: Sequences, fitted_on_ragged: bool = False
) -> None:
    """Most rows starting or ending in runs of all-zero steps look padded.

    In ``fit``; and at predict for a model fitted on sequences of different
    lengths, which zero padding would silently change.
    """
    if not seqs.uniform or seqs.values.ndim != 3 or seqs.values.shape[1] < 2:
        return
    pad = padding_steps(seqs.values, 0.0)
    starts, ends = real_spans(pad)
    lengths = ends - starts
    # Padding sits at the same end of (nearly) every row; zero steps at both
    # ends, as in lag tables of intermittent counts, are data.
    leading, trailing = pad[:, 0].sum(), pad[:, -1].sum()
    one_end = min(leading, trailing) <= 0.1 * max(leading, trailing)
    # One zero last step alone (a 0/1 code appended as a column) is data too.
    width = seqs.values.shape[1]
    if (
        one_end
        and (lengths < width).mean() >= 0.5
        and len(set(lengths)) > 1
        and lengths.min() < width - 1
    ):
        advice = (
            "if they are padding, set mask_value=0.0 (or pass a list of arrays "
            "of different lengths)."
        )
        if fitted_on_ragged:
            advice = (
                "it was fitted on sequences of different lengths, so padding "
                "changes its predictions. Pass the sequences as a list of arrays "
                "of their own lengths, or refit with mask_value=0.0."
            )
        warnings.warn(
            f"Most sequences of X start or end with time steps whose features "
            f"are all 0, over different lengths: X looks zero-padded (e.g. by "
            f"SequencePadder). {_name(estimator)} reads those steps as data; "
            f"{advice}",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


def _warn_if_long_table(estimator, X) -> None:
    """A few named columns read as time steps is likely a long table."""
    if not isinstance(X, pd.DataFrame) or X.shape[1] > _LONG_TABLE_COLUMNS:
        return
    if all(isinstance(c, str) for c in X.columns) and not _numbered(X.columns):
        warnings.warn(
            f"{_name(estimator)} reads each row of this DataFrame as one "
            f"univariate sequence of {X.shape[1]} steps, its columns "
            f"{list(X.columns)} in order. If the rows are time steps and the "
            "columns features (a long table with an id column), turn it into "
            "sequences with sklearn_rnn.sequences_from_frame(df, id_col, "
            "time_col).",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


def _numbered(columns) -> bool:
    """Most columns named as a run of steps: one prefix, consecutive numbers.

    ``lag_1 .. lag_6`` (lag tables of skforecast or ``df.shift``, perhaps
    followed by a series code) and ``x0 .. x5`` (``set_output(transform=
    "pandas")``) are time steps, not the features of a long table.
    """
    stems = [m for m in (re.fullmatch(r"(.*?)(\d+)", c) for c in columns) if m]
    prefixes = [m.group(1) for m in stems]
    if not prefixes:
        return False
    prefix = max(set(prefixes), key=prefixes.count)
    numbers = [int(m.group(2)) for m in stems if m.group(1) == prefix]
    steps = set(np.diff(numbers))
    return 2 * len(numbers) > len(columns) >= 2 and steps in ({1}, {-1})


def _warn_if_token_like(estimator, X) -> None:
    """Warn when integer input, likely token ids, is read as real values."""
    if getattr(estimator, "embedding_dim", "absent") is not None:
        return  # a transformer, or an estimator that reads ids already
    if isinstance(X, (list, tuple)) and X:
        try:
            first = np.asarray(X[0])
        except ValueError:
            return  # not rectangular: validation names the problem
        kind, ndim = first.dtype.kind, first.ndim + 1
    elif isinstance(X, np.ndarray):
        kind, ndim = X.dtype.kind, X.ndim
    else:
        return
    if kind in "iu" and ndim == 2:
        warnings.warn(
            f"X holds integers and {_name(estimator)} has embedding_dim=None, so "
            "they are read as real values. If they are token ids (from "
            "TextTokenizer / SequencePadder), set embedding_dim, e.g. "
            "embedding_dim=32.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


def _finish(
    estimator,
    seqs: Sequences,
    kind: str,
    reset: bool,
    token_ids: bool,
    layout: InputLayout | None,
    *,
    validated: bool = False,
) -> tuple[Sequences, InputLayout]:
    if token_ids:
        kind = "tokens"
        n_features = 1
    else:
        n_features = seqs.values.shape[-1]
    if reset:
        if kind == "sequence":
            _warn_if_channels_first(estimator, seqs)
        if not validated:
            _forget_feature_names(estimator)
            estimator.n_features_in_ = n_features
        ragged = len(seqs) > 0 and bool((seqs.lengths != seqs.lengths[0]).any())
        return seqs, InputLayout(kind, estimator.n_features_in_, ragged)
    if layout.kind == "fixed" and kind == "sequence":
        raise ValueError(
            f"{_name(estimator)} was fitted on 2-D input (n_samples, "
            f"{layout.n_features} steps) and expects 2-D input of that width; "
            "got 3-D or variable-length input. Fit on 3-D or ragged input to "
            "predict sequences of any length."
        )
    if layout.kind == "sequence" and n_features != layout.n_features:
        hint = ""
        if kind == "fixed" and seqs.values.shape[1] == layout.n_features:
            hint = (
                " To predict one sequence of shape (T, F), pass it in a list: "
                "predict([x])."
            )
        elif seqs.uniform and seqs.values.shape[1] == layout.n_features:
            hint = (
                f" X has {layout.n_features} time steps: if it is channels-first, "
                "(n_samples, n_channels, n_timepoints), pass X.transpose(0, 2, 1) "
                "(for a list of arrays, [x.T for x in X])."
            )
        raise ValueError(
            f"X has {n_features} features per time step, but {_name(estimator)} is "
            f"expecting {layout.n_features} features per time step as input.{hint}"
        )
    return seqs, layout
