"""Long tables in, sequences out. Torch-free.

Data scientists hold sequences as long tables: one row per time step, an
id column saying which sequence the row belongs to, a time column, feature
columns and often a label. :func:`split_long_frame` is the one reader of
such tables: the classification side (:func:`sequences_from_frame`) and the
forecasting side (panels with ``id_col=``/``time_col=``) both use it.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd


def split_long_frame(
    frame: Any, id_col: Any = None, time_col: Any = None
) -> dict[Any, pd.DataFrame]:
    """Split a long DataFrame into one frame per id, each sorted by time.

    Parameters
    ----------
    frame : DataFrame
        One row per time step.
    id_col : hashable or None, default=None
        Column naming the sequence of each row; None reads the whole table
        as one sequence (key None).
    time_col : hashable or None, default=None
        Column to sort each sequence by (stable); it becomes the index (a
        DatetimeIndex gets its frequency inferred). None keeps row order.

    Returns
    -------
    dict
        ``{id: frame}`` in order of first appearance, without the id and
        time columns.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            "id_col and time_col name columns of a long DataFrame; got "
            f"{type(frame).__name__}."
        )
    for what, col in (("id_col", id_col), ("time_col", time_col)):
        if col is not None and col not in frame.columns:
            raise ValueError(
                f"{what}={col!r} is not a column of the DataFrame; columns: "
                f"{list(frame.columns)}."
            )
    if id_col is None:
        codes = np.zeros(len(frame), dtype=np.int64)
        keys = [None]
    else:
        ids = frame[id_col]
        if ids.isna().any():
            row = int(np.flatnonzero(ids.isna().to_numpy())[0])
            raise ValueError(
                f"id_col={id_col!r} is missing in row {row}; every row needs the "
                "id of its sequence."
            )
        codes, keys = pd.factorize(ids)  # ids in order of first appearance
    # One stable sort by (id, time) and one split: no per-group sorting.
    if time_col is None:
        order = np.argsort(codes, kind="stable")
    else:
        times = frame[time_col].to_numpy()
        order = np.lexsort((times, codes))
        same_id = codes[order][1:] == codes[order][:-1]
        repeated = same_id & (times[order][1:] == times[order][:-1])
        if repeated.any():
            key = keys[codes[order][int(np.flatnonzero(repeated)[0])]]
            raise ValueError(
                f"Sequence {key!r} has two rows at the same {time_col}="
                f"{times[order][int(np.flatnonzero(repeated)[0])]!r}; each time "
                "step of a sequence needs one row."
            )
    ordered = frame.iloc[order].drop(
        columns=[c for c in (id_col, time_col) if c is not None]
    )
    if time_col is not None:
        ordered.index = pd.Index(times[order])
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [len(order)]))
    pieces = {}
    for key, start, end in zip(keys, starts, ends, strict=True):
        part = ordered.iloc[start:end]
        if isinstance(part.index, pd.DatetimeIndex):
            part = part.set_axis(_with_freq(part.index), axis=0)
        pieces[key] = part
    return pieces


def _with_freq(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The index with its frequency inferred, where there is one."""
    if len(index) > 2:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            freq = pd.infer_freq(index)
        if freq is not None:
            index = pd.DatetimeIndex(index, freq=freq)
    return index


def sequences_from_frame(
    frame: pd.DataFrame,
    id_col: Any = None,
    time_col: Any = None,
    columns: list | None = None,
    target: Any = None,
    *,
    return_ids: bool = False,
):
    """Turn a long table into the ragged sequences the estimators take.

    Each id becomes one sequence of shape ``(T_i, F)``: its rows sorted by
    ``time_col``, as a DataFrame whose column names the estimators record
    as ``feature_names_in_``. With ``target``, each sequence gets one
    label, which must be the same on all its rows.

    A frame indexed by two levels, ``(id, time)`` (sktime's
    ``"pd-multiindex"``), needs neither column: with ``id_col`` and
    ``time_col`` left out, its first index level is the id and its second
    the time.

    Parameters
    ----------
    frame : DataFrame
        One row per time step: ``id_col``, optionally ``time_col``, feature
        columns and optionally ``target``.
    id_col : hashable or None, default=None
        Column naming the sequence each row belongs to. None with a
        two-level row index (and ``time_col=None``) takes the index levels
        as id and time; None otherwise reads the whole frame as one
        sequence.
    time_col : hashable or None, default=None
        Column giving the order of the steps; None keeps row order.
    columns : list or None, default=None
        Feature columns, in this order; None takes every column other than
        ``id_col``, ``time_col`` and ``target``.
    target : hashable or None, default=None
        Column holding each sequence's label.
    return_ids : bool, default=False
        Also return the id of each sequence.

    Returns
    -------
    X : list of DataFrame
        One ``(T_i, F)`` frame per id, in order of first appearance.
    y : ndarray of shape (n_ids,)
        The label of each sequence; only with ``target``.
    ids : ndarray of shape (n_ids,)
        Only with ``return_ids=True``.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_rnn import sequences_from_frame
    >>> df = pd.DataFrame({
    ...     "sample_id": [7, 7, 7, 8, 8],
    ...     "t": [2, 0, 1, 0, 1],
    ...     "acc_x": [0.3, 0.1, 0.2, 1.0, 1.1],
    ...     "label": ["walk", "walk", "walk", "run", "run"],
    ... })
    >>> X, y = sequences_from_frame(df, "sample_id", "t", target="label")
    >>> [x["acc_x"].tolist() for x in X], y.tolist()
    ([[0.1, 0.2, 0.3], [1.0, 1.1]], ['walk', 'run'])
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            "sequences_from_frame expects a long DataFrame; got "
            f"{type(frame).__name__}."
        )
    if id_col is None and time_col is None and isinstance(frame.index, pd.MultiIndex):
        frame, id_col, time_col = _levels_as_columns(frame)
    if target is not None and target not in frame.columns:
        raise ValueError(
            f"target={target!r} is not a column of the DataFrame; columns: "
            f"{list(frame.columns)}."
        )
    if columns is None:
        columns = [c for c in frame.columns if c not in (id_col, time_col, target)]
    else:
        columns = list(columns)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(
                f"columns {missing} are not columns of the DataFrame; columns: "
                f"{list(frame.columns)}."
            )
    if not columns:
        raise ValueError("No feature columns are left once id, time and target go.")
    for what, col in (("id_col", id_col), ("time_col", time_col)):
        if col is not None and col not in frame.columns:
            raise ValueError(
                f"{what}={col!r} is not a column of the DataFrame; columns: "
                f"{list(frame.columns)}."
            )
    keep = [c for c in (id_col, time_col) if c is not None] + columns
    pieces = split_long_frame(frame[keep], id_col, time_col)
    X = list(pieces.values())
    labels = []
    if target is not None:
        by_id = frame.groupby(id_col, sort=False)[target]
        counts = by_id.nunique(dropna=False)
        if (counts > 1).any():
            key = counts.index[int(np.flatnonzero(counts.to_numpy() > 1)[0])]
            raise ValueError(
                f"Sequence {key!r} has {counts[key]} different values in "
                f"target={target!r}; a sequence needs one label."
            )
        labels = by_id.first().to_numpy()
    out = [X]
    if target is not None:
        out.append(np.asarray(labels))
    if return_ids:
        out.append(np.asarray(list(pieces)))
    return out[0] if len(out) == 1 else tuple(out)


def _levels_as_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, Any, Any]:
    """Move the ``(id, time)`` levels of a two-level row index into columns.

    Returns the frame and the names of its new id and time columns (the
    level names, or fresh ones where a level is unnamed or its name is
    taken by a column).
    """
    if frame.index.nlevels != 2:
        raise ValueError(
            f"The DataFrame's row index has {frame.index.nlevels} levels; "
            "sequences_from_frame reads a two-level index as (id, time). Pass "
            "id_col= and time_col= naming columns (frame.reset_index() turns "
            "index levels into columns)."
        )
    names = []
    for level, default in zip(frame.index.names, ("id", "time"), strict=True):
        name = level if level is not None else default
        while name in frame.columns or name in names:
            name = f"_{name}"
        names.append(name)
    return frame.reset_index(names=names), names[0], names[1]
