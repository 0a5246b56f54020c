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

import numpy as np
from sklearn.utils.validation import check_array, validate_data

from ._sequences import Sequences, real_spans, starts_of, unpad


def _name(estimator) -> str:
    return type(estimator).__name__


def _ragged(estimator, X, *, token_ids: bool, dtype, ensure_all_finite) -> Sequences:
    """Validate a list of sequences with one pass over their concatenation.

    Shapes are checked item by item (cheap); dtype and finiteness once on all
    steps, so thousands of short sequences cost what their values cost.
    """
    items = [np.asarray(item) for item in X]
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
                raise ValueError(
                    f"Sequence {i} of X has {width} features per time step but "
                    f"sequence 0 has {widths[0]}; all sequences need the same."
                )
        try:
            values = check_array(
                np.concatenate(items),
                dtype=dtype,
                ensure_all_finite=ensure_all_finite,
                input_name="X",
            )
        except ValueError:
            # Name the first offending sequence, with scikit-learn's message.
            for i, item in enumerate(items):
                check_array(
                    item,
                    dtype=dtype,
                    ensure_all_finite=ensure_all_finite,
                    input_name=f"sequence {i} of X",
                )
            raise
    if (lengths == lengths[0]).all():
        shape = (len(items), int(lengths[0]), *values.shape[1:])
        return Sequences(values.reshape(shape), lengths)
    return Sequences(values, lengths, offsets)


def _as_token_ids(estimator, values: np.ndarray) -> np.ndarray:
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
    X = check_array(X, dtype=None, ensure_all_finite=True)
    X = _as_token_ids(estimator, X)
    starts, ends = real_spans(X == 0)
    empty = ends == starts
    if empty.any():
        raise ValueError(
            f"Row {int(np.flatnonzero(empty)[0])} of X holds only padding (id 0); "
            "every sequence needs at least one token."
        )
    return unpad(X, starts, ends)


def _holds_sequences(X) -> bool:
    """True for a pandas Series or 1-D object array whose items are sequences."""
    dtype = getattr(X, "dtype", None)
    if (
        getattr(X, "ndim", None) != 1
        or dtype is None
        or dtype.kind != "O"
        or not len(X)
    ):
        return False
    first = X.iloc[0] if hasattr(X, "iloc") else X[0]
    return isinstance(first, (list, tuple, np.ndarray)) or hasattr(first, "__array__")


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
) -> Sequences:
    """Validate ``X`` as sequences and record or check the input layout.

    Parameters
    ----------
    estimator : estimator instance
        Receives ``n_features_in_``, ``feature_names_in_`` and
        ``_input_layout`` when ``reset`` is True, and is checked against them
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

    Returns
    -------
    Sequences
        Steps of shape ``(..., F)`` in ``dtype``, or int64 ids, with lengths.
    """
    if isinstance(X, str) or (hasattr(X, "dtype") and X.dtype.kind in "US"):
        raise ValueError(
            f"{_name(estimator)} expects numeric sequences; got strings. Turn text "
            "into token ids with TextTokenizer and set embedding_dim."
        )
    if _holds_sequences(X):  # a Series or 1-D object array of arrays
        X = list(X)
    if isinstance(X, (list, tuple)):
        if len(X) == 0:
            raise ValueError(
                f"Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 "
                f"is required by {_name(estimator)}."
            )
        ndims = {np.ndim(item) for item in X}
        lengths = {len(item) for item in X} if ndims == {1} else set()
        if ndims != {0} and not (ndims == {1} and len(lengths) == 1):
            seqs = _ragged(
                estimator,
                X,
                token_ids=token_ids,
                dtype=dtype,
                ensure_all_finite=ensure_all_finite,
            )
            return _finish(estimator, seqs, "sequence", reset, token_ids)
    if token_ids:
        return _finish(estimator, _padded_tokens(estimator, X), "fixed", reset, True)
    if not hasattr(X, "ndim"):  # e.g. nested lists, or objects with __array__
        X = np.asarray(X)
    ndim = X.ndim
    if ndim == 3:
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
        return _finish(estimator, Sequences(values, lengths), "sequence", reset, False)
    if ndim > 3:
        raise ValueError(
            f"{_name(estimator)} expects 2-D (n_samples, n_steps) or 3-D "
            f"(n_samples, n_steps, n_features) input; got {ndim}-D."
        )
    fitted_layout = None if reset else getattr(estimator, "_input_layout", None)
    kwargs = {"dtype": dtype, "ensure_all_finite": ensure_all_finite}
    if fitted_layout == "sequence":
        values = check_array(X, **kwargs)
    else:
        values = validate_data(estimator, X, reset=reset, **kwargs)
    n, steps = values.shape
    seqs = Sequences(values[:, :, None], np.full(n, steps, dtype=np.int64))
    return _finish(estimator, seqs, "fixed", reset, False, validated=True)


def _finish(
    estimator,
    seqs: Sequences,
    layout: str,
    reset: bool,
    token_ids: bool,
    *,
    validated: bool = False,
) -> Sequences:
    if token_ids:
        layout = "tokens"
        n_features = 1
    else:
        n_features = seqs.values.shape[-1]
    if reset:
        if not validated:
            _forget_feature_names(estimator)
            estimator.n_features_in_ = n_features
        estimator._input_layout = layout
        return seqs
    fitted = estimator._input_layout
    if fitted == "fixed" and layout == "sequence":
        raise ValueError(
            f"{_name(estimator)} was fitted on 2-D input (n_samples, "
            f"{estimator.n_features_in_} steps) and expects 2-D input of that width; "
            "got 3-D or variable-length input. Fit on 3-D or ragged input to "
            "predict sequences of any length."
        )
    if fitted == "sequence" and n_features != estimator.n_features_in_:
        raise ValueError(
            f"X has {n_features} features per time step, but {_name(estimator)} is "
            f"expecting {estimator.n_features_in_} features per time step as input."
        )
    return seqs
