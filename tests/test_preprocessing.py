"""SequenceScaler: SPEC 2.8."""

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_allclose
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_rnn import RNNClassifier, SequenceScaler


def _ragged(seed=0, features=3):
    rng = np.random.RandomState(seed)
    scales = np.array([1e-3, 1.0, 1e3])[:features]
    return [rng.normal(5, 2, size=(n, features)) * scales for n in (4, 1, 7, 3, 9)]


def test_statistics_equal_standard_scaler_on_stacked_steps():
    X = _ragged()
    reference = StandardScaler().fit(np.vstack(X))
    scaler = SequenceScaler().fit(X)
    assert_allclose(scaler.mean_, reference.mean_)
    assert_allclose(scaler.scale_, reference.scale_)
    assert scaler.n_features_in_ == 3
    assert_allclose(np.vstack(scaler.transform(X)), reference.transform(np.vstack(X)))


def test_2d_input_is_one_feature_over_all_steps():
    X = np.random.RandomState(0).normal(3, 2, size=(20, 6))
    scaler = SequenceScaler().fit(X)
    assert scaler.n_features_in_ == 6
    assert_allclose(scaler.mean_, [X.mean()])
    assert_allclose(scaler.scale_, [X.std()])
    out = scaler.transform(X)
    assert out.shape == (20, 6)
    assert_allclose(out, (X - X.mean()) / X.std())
    with pytest.raises(ValueError, match="X has 5 features"):
        scaler.transform(X[:, :5])


def test_returns_the_same_shape_and_kind():
    X3 = np.random.RandomState(0).normal(size=(4, 5, 2))
    assert SequenceScaler().fit_transform(X3).shape == (4, 5, 2)
    ragged = [np.arange(3.0), np.arange(5.0)]
    out = SequenceScaler().fit_transform(ragged)
    assert isinstance(out, list)
    assert [x.shape for x in out] == [(3,), (5,)]
    X = _ragged()
    assert [x.shape for x in SequenceScaler().fit_transform(X)] == [x.shape for x in X]
    float32 = SequenceScaler().fit_transform(X3.astype(np.float32))
    assert float32.dtype == np.float32


def test_inverse_transform_restores_the_input():
    X = _ragged()
    scaler = SequenceScaler().fit(X)
    for original, restored in zip(
        X, scaler.inverse_transform(scaler.transform(X)), strict=True
    ):
        assert_allclose(restored, original)


@pytest.mark.parametrize("pad", [0.0, -1.0, np.nan])
def test_masked_steps_are_neither_counted_nor_changed(pad):
    X = _ragged()
    width = max(len(x) for x in X)
    padded = np.full((len(X), width, 3), pad)
    for i, x in enumerate(X):
        padded[i, : len(x)] = x
    scaler = SequenceScaler(mask_value=pad).fit(padded)
    reference = SequenceScaler().fit(X)
    assert_allclose(scaler.mean_, reference.mean_)
    assert_allclose(scaler.scale_, reference.scale_)
    out = scaler.transform(padded)
    for i, x in enumerate(X):
        assert_allclose(out[i, : len(x)], reference.transform([x])[0])
        assert_allclose(out[i, len(x) :], pad)
    assert_allclose(scaler.inverse_transform(out), padded)


def test_constant_feature_gets_scale_one():
    X = np.ones((5, 4, 2))
    X[:, :, 1] = np.arange(4)
    scaler = SequenceScaler().fit(X)
    assert scaler.scale_[0] == 1.0
    assert_allclose(scaler.transform(X)[:, :, 0], 0.0)


def test_with_mean_and_with_std_off():
    X = _ragged()
    assert_allclose(SequenceScaler(with_mean=False).fit(X).mean_, 0.0)
    assert_allclose(SequenceScaler(with_std=False).fit(X).scale_, 1.0)


def test_bad_input():
    scaler = SequenceScaler().fit(_ragged())
    with pytest.raises(ValueError, match="X has 2 features per time step"):
        scaler.transform(_ragged(features=2))
    with pytest.raises(ValueError, match="NaN"):
        SequenceScaler().fit([np.array([1.0, np.nan])])
    with pytest.raises(ValueError, match="mask_value"):
        SequenceScaler(mask_value=0.0).fit(np.zeros((3, 4)))


def _badly_scaled(n=200, seed=0):
    """Sign of the sum of a tiny feature decides; a huge noise feature hides it."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 8, 2))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    X[:, :, 0] *= 1e-4
    X[:, :, 1] = X[:, :, 1] * 1e4 + 1e5
    return X, y


def test_pipeline_learns_where_the_bare_classifier_does_not():
    X, y = _badly_scaled()
    X_test, y_test = _badly_scaled(seed=1)
    params = {**FAST, "hidden_size": 16, "max_epochs": 15, "lr": 0.01}
    bare = RNNClassifier(**params, scale_X=False).fit(X, y).score(X_test, y_test)
    scaled = make_pipeline(SequenceScaler(), RNNClassifier(**params, scale_X=False))
    score = scaled.fit(X, y).score(X_test, y_test)
    assert score > 0.85
    assert bare < 0.7
    # scale_X (the default) does the same inside the classifier.
    inside = RNNClassifier(**params).fit(X, y).score(X_test, y_test)
    assert inside > 0.85


@pytest.mark.parametrize("kind", ["2d", "3d", "ragged"])
def test_pipeline_takes_every_input_format(kind):
    X, y = _badly_scaled(n=40)
    if kind == "2d":
        X = X[:, :, 1]
    elif kind == "ragged":
        X = [x[: 3 + i % 5] for i, x in enumerate(X)]
    model = make_pipeline(SequenceScaler(), RNNClassifier(**FAST)).fit(X, y)
    assert model.predict(X).shape == (40,)


def test_pipeline_in_grid_search():
    X, y = _badly_scaled(n=60)
    search = GridSearchCV(
        make_pipeline(SequenceScaler(), RNNClassifier(**FAST)),
        {"sequencescaler__with_std": [True, False], "rnnclassifier__cell": ["gru"]},
        cv=2,
    ).fit(X, y)
    assert set(search.best_params_) == {
        "sequencescaler__with_std",
        "rnnclassifier__cell",
    }


def test_pandas_output_wraps_only_tables():
    from sklearn import config_context

    from sklearn_rnn import SequencePadder, TextTokenizer

    X3 = np.random.RandomState(0).normal(size=(5, 4, 2))
    with config_context(transform_output="pandas"):
        with pytest.warns(UserWarning, match="3-D array"):
            assert SequenceScaler().fit_transform(X3).shape == (5, 4, 2)
        assert isinstance(SequenceScaler().fit_transform(X3[:, :, 0]), pd.DataFrame)
        with pytest.warns(UserWarning, match="ragged list"):
            assert isinstance(SequenceScaler().fit_transform(_ragged()), list)
    pipe = make_pipeline(TextTokenizer(), SequencePadder(maxlen=3)).set_output(
        transform="pandas"
    )
    assert pipe.fit_transform(["a b", "c"]).shape == (2, 3)


# Issue 9 case 6: ragged input comes back in the kind it came in.


def _object_array(items):
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def test_series_and_object_arrays_of_sequences_keep_their_kind():
    X = _ragged()
    series = pd.Series(X, index=[10, 20, 30, 40, 50], name="signal")
    scaler = SequenceScaler().fit(series)
    out = scaler.transform(series)
    assert isinstance(out, pd.Series)
    assert out.index.tolist() == series.index.tolist() and out.name == "signal"
    assert [x.shape for x in out] == [x.shape for x in X]
    assert_allclose(np.vstack(out.tolist()), np.vstack(scaler.transform(X)))
    back = scaler.inverse_transform(out)
    assert isinstance(back, pd.Series)
    assert_allclose(np.vstack(back.tolist()), np.vstack(X))
    objects = scaler.transform(_object_array(X))
    assert isinstance(objects, np.ndarray) and objects.dtype == object
    assert objects.shape == (5,) and objects[2].shape == X[2].shape
    assert isinstance(scaler.transform(tuple(X)), list)
    # Equal-length items in an object array stay an object array of items.
    same = _object_array([x[:1] for x in X])
    assert scaler.transform(same).dtype == object


def test_pipeline_with_a_series_of_sequences():
    X, y = _badly_scaled(n=40)
    series = pd.Series([x[: 3 + i % 5] for i, x in enumerate(X)])
    model = make_pipeline(SequenceScaler(), RNNClassifier(**FAST)).fit(series, y)
    assert model.predict(series).shape == (40,)


def test_list_of_dataframes_keeps_feature_names():
    names = ["acc_x", "acc_y", "acc_z"]
    X = [
        pd.DataFrame(x, columns=names, index=np.arange(len(x)) + 100) for x in _ragged()
    ]
    scaler = SequenceScaler().fit(X)
    assert scaler.feature_names_in_.tolist() == names
    assert scaler.get_feature_names_out().tolist() == names
    out = scaler.transform(X)
    assert all(isinstance(x, pd.DataFrame) for x in out)
    assert out[0].columns.tolist() == names and out[0].index[0] == 100
    renamed = [x.set_axis(["a", "b", "c"], axis=1) for x in X]
    with pytest.raises(ValueError, match="feature names should match"):
        scaler.transform(renamed)
    with pytest.raises(ValueError, match="different columns"):
        SequenceScaler().fit([X[0], renamed[1]])
    # Refitting on arrays forgets the names.
    assert not hasattr(scaler.fit(_ragged()), "feature_names_in_")


def test_pandas_output_of_ragged_input_warns():
    scaler = SequenceScaler().set_output(transform="pandas")
    with pytest.warns(UserWarning, match="ragged list.*not a table"):
        out = scaler.fit_transform(_ragged())
    assert isinstance(out, list)
    table = scaler.fit_transform(pd.DataFrame(np.eye(3), columns=["a", "b", "c"]))
    assert isinstance(table, pd.DataFrame) and table.columns.tolist() == ["a", "b", "c"]


@pytest.mark.filterwarnings("error")
def test_pandas_output_of_a_list_of_frames_is_frames_without_warning():
    frames = [pd.DataFrame(x, columns=["a", "b"]) for x in _ragged(features=2)]
    scaler = SequenceScaler().set_output(transform="pandas")
    for X in (frames, pd.Series(frames)):
        out = scaler.fit_transform(X)
        assert all(isinstance(x, pd.DataFrame) for x in out)
        assert out[1].columns.tolist() == ["a", "b"]


# Issue 14: mask_value never swallows a real value; padding only at the ends.


@pytest.mark.parametrize("X", [[[1, 2, 3]], [[2, 1, 3]], [[1, 3, 2]]])
def test_a_scaled_value_never_becomes_padding(X):
    scaler = SequenceScaler(mask_value=0).fit(X)
    out = scaler.transform(X)
    assert (out != 0).all()  # the scaled 2 is moved one ulp off 0
    assert_allclose(scaler.inverse_transform(out), X)
    assert_allclose(scaler.mean_, [2.0])


def test_only_leading_and_trailing_runs_are_padding():
    X = np.array([[1.0, 0.0, 3.0, 0.0], [0.0, 0.0, 5.0, 0.0]])
    scaler = SequenceScaler(mask_value=0.0).fit(X)
    # Row 0: post-padded, the inner 0 is data. Row 1: pre-padded, so the
    # trailing 0 is data too (padding is a run at one end only).
    assert_allclose(scaler.mean_, [np.mean([1.0, 0.0, 3.0, 5.0, 0.0])])
    out = scaler.transform(X)
    assert out[0, 3] == 0 and out[1, 0] == 0 and out[1, 1] == 0
    assert (out[0, :3] != 0).all() and (out[1, 2:] != 0).all()
    assert_allclose(scaler.inverse_transform(out), X)
    ragged = [np.array([0.0, 2.0, 4.0]), np.array([6.0, 0.0, 8.0, 0.0, 0.0])]
    scaler = SequenceScaler(mask_value=0.0).fit(ragged)
    assert_allclose(scaler.mean_, [np.mean([2.0, 4.0, 6.0, 0.0, 8.0])])


def test_partly_nan_step_is_an_error_naming_it():
    X = np.full((2, 4, 2), np.nan)
    X[0, :3] = [[1, 2], [3, np.nan], [5, 6]]
    X[1, :2] = [[1, 2], [3, 4]]
    with pytest.raises(
        ValueError, match="Sequence 0 of X .* time step 1.*mask_value=nan"
    ):
        SequenceScaler(mask_value=np.nan).fit(X)
    inner = np.array([[1.0, np.nan, 3.0]])
    with pytest.raises(ValueError, match="Sequence 0 of X .* time step 1"):
        SequenceScaler(mask_value=np.nan).fit(inner)


@pytest.mark.parametrize("pad", [np.inf, -np.inf])
def test_infinite_mask_value_works(pad):
    X = np.array([[1.0, 2.0, pad], [pad, 3.0, 4.0]])
    scaler = SequenceScaler(mask_value=pad).fit(X)
    assert_allclose(scaler.mean_, [2.5])
    out = scaler.transform(X)
    assert out[0, 2] == pad and out[1, 0] == pad and np.isfinite(out[0, :2]).all()
    assert_allclose(scaler.inverse_transform(out), X)
    with pytest.raises(ValueError, match="NaN or infinite"):
        scaler.transform(np.array([[1.0, np.nan, 3.0]]))
