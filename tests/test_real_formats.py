"""Data in the layouts other time-series libraries hand out.

sktime and aeon hold series channels-first, ``(n, channels, time)``, or as
nested / multi-indexed DataFrames. These tests build such data themselves
(sktime is not a test dependency); the last ones load sktime's bundled data
sets where it is installed.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import FAST

from sklearn_rnn import (
    RNNClassifier,
    RNNRegressor,
    SequenceScaler,
    make_windows,
    sequences_from_frame,
)

TINY = {**FAST, "max_epochs": 1}


def _smooth_series(n, channels, steps, seed=0):
    """``(n, channels, steps)``: noisy sine waves, channels-first."""
    rng = np.random.RandomState(seed)
    t = np.linspace(0, 4 * np.pi, steps)
    phase = rng.uniform(0, 2 * np.pi, size=(n, channels, 1))
    return np.sin(t + phase) + 0.05 * rng.normal(size=(n, channels, steps))


def _labels(n):
    return np.array(["walk", "run"] * (n // 2))


@pytest.mark.parametrize("shape", [(20, 3, 60), (20, 1, 40)])
def test_channels_first_array_warns_with_the_transpose(shape):
    X = _smooth_series(*shape)
    with pytest.warns(UserWarning, match=r"channels-first.*X\.transpose\(0, 2, 1\)"):
        RNNClassifier(**TINY).fit(X, _labels(len(X)))


@pytest.mark.parametrize(
    "X",
    [
        _smooth_series(20, 3, 60).transpose(0, 2, 1),  # the right layout
        np.random.RandomState(0).normal(size=(20, 5, 40)),  # short, wide steps
        np.random.RandomState(0).normal(size=(20, 1, 30)),  # Keras' (n, 1, F)
        _smooth_series(20, 12, 16).cumsum(axis=1) / 4,  # smooth along both
    ],
    ids=["channels-last", "wide-steps", "one-step", "smooth-both"],
)
def test_no_channels_first_warning_for_legitimate_input(X):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*channels-first")
        RNNClassifier(**TINY).fit(X, _labels(len(X)))


def test_transposed_input_at_predict_names_the_transpose():
    X = _smooth_series(20, 3, 60)
    clf = RNNClassifier(**TINY).fit(X.transpose(0, 2, 1), _labels(20))
    with pytest.raises(ValueError, match=r"channels-first.*transpose\(0, 2, 1\)"):
        clf.predict(X)


def test_ragged_channels_first_list_names_the_transpose():
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(3, 10 + i)) for i in range(6)]
    with pytest.raises(ValueError, match=r"\[x\.T for x in X\]"):
        RNNClassifier(**TINY).fit(X, _labels(6))
    RNNClassifier(**TINY).fit([x.T for x in X], _labels(6))


def _nested(n=8, channels=2, seed=0):
    """sktime's "nested_univ": one pd.Series per cell, one column per channel."""
    rng = np.random.RandomState(seed)
    rows = []
    for i in range(n):
        steps = 10 + i % 3
        rows.append(
            {f"dim_{c}": pd.Series(rng.normal(size=steps)) for c in range(channels)}
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("estimator", [RNNClassifier(**TINY), SequenceScaler()])
def test_nested_frame_is_a_clear_error_whose_recipe_works(estimator):
    X = _nested()
    y = _labels(len(X))
    with pytest.raises(ValueError, match="nested_univ.*np.column_stack"):
        estimator.fit(X, y)
    converted = [np.column_stack(row) for row in X.to_numpy()]
    assert converted[2].shape == (12, 2)
    assert np.array_equal(converted[2][:, 1], X.iloc[2, 1].to_numpy())
    estimator.fit(converted, y)


def _multiindex(n=6, channels=2, names=(None, None), seed=0):
    """sktime's "pd-multiindex": one row per (instance, time point)."""
    rng = np.random.RandomState(seed)
    index = pd.MultiIndex.from_tuples(
        [(i, t) for i in range(n) for t in range(5 + i % 2)], names=list(names)
    )
    columns = [f"dim_{c}" for c in range(channels)]
    return pd.DataFrame(rng.normal(size=(len(index), channels)), index, columns)


def test_multiindex_frame_warns_at_fit_and_is_an_error_at_predict():
    X = _multiindex()
    y = _labels(6)
    with (
        pytest.warns(UserWarning, match=r"pd-multiindex.*sequences_from_frame\(X\)"),
        pytest.raises(
            ValueError,
            match=r"inconsistent numbers of samples.*sequences_from_frame\(X\)",
        ),
    ):
        RNNClassifier(**TINY).fit(X, y)
    clf = RNNClassifier(**TINY).fit(sequences_from_frame(X), y)
    with pytest.raises(ValueError, match=r"sequences_from_frame\(X\)"):
        clf.predict(X)


def test_multiindex_with_unique_ids_is_a_plain_table():
    # Rows of windows indexed by (series, origin), one per series: samples.
    rng = np.random.RandomState(0)
    index = pd.MultiIndex.from_tuples([("a", 7), ("b", 7), ("c", 7), ("d", 7)])
    X = pd.DataFrame(rng.normal(size=(4, 6)), index=index)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*pd-multiindex")
        RNNRegressor(**TINY).fit(X, np.arange(4.0))


@pytest.mark.parametrize("names", [(None, None), ("instances", "timepoints")])
def test_sequences_from_frame_reads_a_two_level_index(names):
    X = _multiindex(names=names)
    X = X.sample(frac=1, random_state=0)  # rows out of order
    seqs, ids = sequences_from_frame(X, return_ids=True)
    assert ids.tolist() == sorted(ids.tolist(), key=list(X.index.unique(0)).index)
    first = seqs[list(ids).index(1)]
    assert list(first.columns) == ["dim_0", "dim_1"]
    expected = X.loc[1].sort_index()
    np.testing.assert_array_equal(first.to_numpy(), expected.to_numpy())
    np.testing.assert_array_equal(first.index, np.arange(6))


def test_sequences_from_frame_index_levels_beside_same_named_columns():
    X = _multiindex(names=("id", "time"))
    X["id"] = 1.0  # a feature that happens to share the level's name
    seqs = sequences_from_frame(X)
    assert len(seqs) == 6
    assert list(seqs[0].columns) == ["dim_0", "dim_1", "id"]


def test_sequences_from_frame_three_levels_is_an_error():
    X = _multiindex()
    X.index = pd.MultiIndex.from_arrays(
        [X.index.get_level_values(0), X.index.get_level_values(1), [0] * len(X)]
    )
    with pytest.raises(ValueError, match="3 levels"):
        sequences_from_frame(X)


def test_make_windows_with_many_covariates_does_not_look_channels_first():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(rng.normal(size=(80, 12)).cumsum(axis=0))
    X, y = make_windows(frame, lookback=4, horizon=1, target=0)
    assert X.shape[1:] == (4, 12)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*channels-first")
        RNNRegressor(**TINY).fit(X, y)


def test_polars_series_of_lists_is_ragged_input():
    pl = pytest.importorskip("polars")
    rng = np.random.RandomState(0)
    X = pl.Series([rng.normal(size=5 + i % 3).tolist() for i in range(8)])
    clf = RNNClassifier(**TINY).fit(X, _labels(8))
    assert clf.n_features_in_ == 1
    assert len(clf.predict(X)) == 8


def test_sktime_basic_motions_numpy3d():
    datasets = pytest.importorskip("sktime.datasets")
    X, y = datasets.load_basic_motions(split="train", return_type="numpy3D")
    X, y = X[::4], y[::4]
    with pytest.warns(UserWarning, match="channels-first"):
        RNNClassifier(**TINY).fit(X, y)
    clf = RNNClassifier(**TINY).fit(X.transpose(0, 2, 1), y)
    assert clf.n_features_in_ == 6


def test_sktime_japanese_vowels_nested_and_multiindex():
    datasets = pytest.importorskip("sktime.datasets")
    X, y = datasets.load_japanese_vowels(split="train", return_type="nested_univ")
    X, y = X.iloc[::10], y[::10]
    with pytest.raises(ValueError, match="nested_univ"):
        RNNClassifier(**TINY).fit(X, y)
    ragged = [np.column_stack(row) for row in X.to_numpy()]
    Xm, _ = datasets.load_japanese_vowels(split="train", return_type="pd-multiindex")
    from_multiindex = sequences_from_frame(Xm)[::10]
    assert len(from_multiindex) == len(ragged)
    for a, b in zip(ragged, from_multiindex, strict=True):
        np.testing.assert_allclose(a, b.to_numpy())
    clf = RNNClassifier(**TINY).fit(ragged, y)
    assert clf.n_features_in_ == 12


def test_forecasting_panel_with_two_level_index_is_a_clear_error():
    rng = np.random.RandomState(0)
    index = pd.MultiIndex.from_product(
        [["a", "b"], pd.period_range("1990", periods=30, freq="Y")]
    )
    panel = pd.DataFrame({"y": rng.normal(size=60).cumsum()}, index=index)
    with pytest.raises(ValueError, match="pd-multiindex.*droplevel"):
        make_windows(panel, lookback=5, horizon=2)
    with pytest.raises(ValueError, match="2-level row index"):
        make_windows(panel["y"], lookback=5, horizon=2)
    series = panel["y"]  # the name the message's recipe uses
    by_id = {key: s.droplevel(0) for key, s in series.groupby(level=0)}
    X, y, groups = make_windows(by_id, lookback=5, horizon=2, return_groups=True)
    assert X.shape == (2 * 24, 5) and sorted(set(groups)) == ["a", "b"]


def test_non_numeric_inputs_name_the_problem():
    rng = np.random.RandomState(0)
    y = _labels(6)
    ragged = [rng.normal(size=(4 + i, 2)) for i in range(5)]
    ragged.append(np.array([["a", "b"]] * 4))
    with pytest.raises(ValueError, match="Sequence 5 of X must hold numbers"):
        RNNClassifier(**TINY).fit(ragged, y)
    frame = pd.DataFrame(rng.normal(size=(6, 4)))
    frame[4] = pd.Timestamp("2020-01-01")
    with pytest.raises(ValueError, match=r"columns \[4\] hold \['datetime64"):
        RNNClassifier(**TINY).fit(frame, y)
    by_id = {i: rng.normal(size=(5, 2)) for i in range(6)}
    with pytest.raises(TypeError, match=r"got a dict.*list\(X\.values\(\)\)"):
        RNNClassifier(**TINY).fit(by_id, y)
