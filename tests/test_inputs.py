"""Every input format of SPEC 2.2, and padding invariance."""

import numpy as np
import pandas as pd
import pytest
from conftest import BATCH_TOL, FAST
from numpy.testing import assert_allclose

from sklearn_rnn import RNNClassifier, RNNRegressor


def test_2d_array_is_univariate_sequences():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 7))
    reg = RNNRegressor(**FAST).fit(X, X.sum(axis=1))
    assert reg.n_features_in_ == 7
    assert reg.module_.rnn.input_size == 1
    assert reg.predict(X).shape == (40,)


def test_dataframe_records_feature_names():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(30, 4)), columns=["t0", "t1", "t2", "t3"])
    y = (X.sum(axis=1) > 0).astype(int)
    clf = RNNClassifier(**FAST).fit(X, y)
    assert list(clf.feature_names_in_) == ["t0", "t1", "t2", "t3"]
    assert clf.predict(X).shape == (30,)
    with pytest.warns(UserWarning, match="feature names"):
        clf.predict(X.to_numpy())


def test_3d_array_sets_features_per_step_and_accepts_any_length():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 6, 3))
    clf = RNNClassifier(**FAST).fit(X, np.arange(30) % 2)
    assert clf.n_features_in_ == 3
    assert clf.predict(rng.normal(size=(5, 11, 3))).shape == (5,)
    assert clf.predict([rng.normal(size=(n, 3)) for n in (1, 4, 9)]).shape == (3,)


def test_ragged_list_of_1d_and_2d_items(ragged):
    X, y = ragged
    flat = [x[:, 0] for x in X]
    clf = RNNClassifier(**FAST).fit(flat, y)
    assert clf.n_features_in_ == 1
    # A univariate model takes 2-D input as univariate sequences of any width.
    assert clf.predict(np.zeros((2, 20))).shape == (2,)
    clf = RNNClassifier(**FAST).fit(X, y)
    assert clf.n_features_in_ == 3
    assert clf.predict(X).shape == (10,)
    assert clf.predict(tuple(X)).shape == (10,)


def test_list_of_equal_length_sequences_is_the_2d_array():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 5))
    y = np.arange(20) % 2
    from_list = RNNClassifier(**FAST).fit(X.tolist(), y)
    from_array = RNNClassifier(**FAST).fit(X, y)
    assert from_list.n_features_in_ == 5
    assert_allclose(from_list.predict_proba(X), from_array.predict_proba(X))


def _with_batch_neighbours(clf, seqs):
    """Predict each sequence alone and inside a batch of longer/shorter ones."""
    alone = np.vstack([clf.predict_proba([s]) for s in seqs])
    together = clf.predict_proba(seqs)
    return alone, together


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("pooling", ["last", "mean", "max"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_ragged_predictions_do_not_depend_on_batch_padding(
    cell, pooling, bidirectional
):
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(n, 2)).astype(np.float32) for n in (3, 9, 1, 6, 12, 2)]
    y = np.array([0, 1, 0, 1, 0, 1])
    clf = RNNClassifier(
        cell=cell, pooling=pooling, bidirectional=bidirectional, num_layers=2, **FAST
    ).fit(X, y)
    alone, together = _with_batch_neighbours(clf, X)
    assert_allclose(alone, together, **BATCH_TOL)


def _pad(seqs, width, where):
    out = np.zeros((len(seqs), width), dtype=np.int64)
    for i, s in enumerate(seqs):
        if where == "post":
            out[i, : len(s)] = s
        else:
            out[i, width - len(s) :] = s
    return out


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("pooling", ["last", "mean", "max"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_token_ids_ragged_post_and_pre_padded_agree(cell, pooling, bidirectional):
    rng = np.random.RandomState(0)
    seqs = [rng.randint(1, 20, size=n) for n in (4, 7, 2, 9, 5, 3)]
    y = np.array([0, 1, 0, 1, 1, 0])
    clf = RNNClassifier(
        cell=cell,
        pooling=pooling,
        bidirectional=bidirectional,
        embedding_dim=4,
        **FAST,
    ).fit(seqs, y)
    ragged = clf.predict_proba(seqs)
    for width in (9, 15):
        for where in ("post", "pre"):
            padded = clf.predict_proba(_pad(seqs, width, where))
            assert_allclose(padded, ragged, **BATCH_TOL)


def test_token_models_learn_the_vocabulary_size():
    rng = np.random.RandomState(0)
    seqs = [rng.randint(1, 30, size=n) for n in rng.randint(2, 10, size=40)]
    y = np.array([int(s[0] > 15) for s in seqs])
    clf = RNNClassifier(embedding_dim=4, **FAST).fit(_pad(seqs, 12, "pre"), y)
    largest = max(int(s.max()) for s in seqs)
    assert clf.vocabulary_size_ == largest + 1
    assert clf.module_.embedding.num_embeddings == largest + 1
    assert clf.n_features_in_ == 1
    # Padded arrays of any width and ragged lists are interchangeable.
    assert clf.predict(seqs).shape == (40,)
    assert clf.predict(_pad(seqs, 20, "post")).shape == (40,)


def test_float_valued_token_ids_are_accepted_when_integral():
    X = np.array([[1.0, 2.0, 0.0], [3.0, 1.0, 2.0], [0.0, 0.0, 4.0], [2.0, 2.0, 0.0]])
    y = np.array([0, 1, 1, 0])
    clf = RNNClassifier(embedding_dim=3, **FAST).fit(X, y)
    assert clf.vocabulary_size_ == 5


def test_multi_output_regression():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 5, 2))
    y = np.c_[X[:, :, 0].sum(axis=1), X[:, :, 1].mean(axis=1) * 100]
    reg = RNNRegressor(**FAST).fit(X, y)
    assert reg.n_outputs_ == 2
    assert reg.predict(X).shape == (40, 2)
    column = RNNRegressor(**FAST).fit(X, y[:, :1])
    assert column.predict(X).shape == (40, 1)


def test_classifier_accepts_any_label_type():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 4))
    for labels in (np.array(["cat", "dog", "eel"]), np.array([True, False, True])):
        y = labels[np.arange(30) % len(labels)]
        clf = RNNClassifier(**FAST).fit(X, y)
        assert set(clf.predict(X)) <= set(y)
        assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)


def test_series_and_object_arrays_of_sequences_are_ragged_input(ragged):
    X, y = ragged
    as_series = pd.Series(X)
    as_objects = np.empty(len(X), dtype=object)
    as_objects[:] = X
    clf = RNNClassifier(**FAST).fit(as_series, y)
    assert clf.n_features_in_ == 3
    assert_allclose(clf.predict_proba(as_objects), clf.predict_proba(X))
    tokens = pd.Series([np.array([1, 2]), np.array([3, 1, 2])])
    assert (
        RNNClassifier(embedding_dim=2, **FAST).fit(tokens, [0, 1]).vocabulary_size_ == 4
    )
