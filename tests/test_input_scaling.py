"""scale_X: the estimators standardise float input as SequenceScaler would."""

import pickle

import numpy as np
import pytest
from conftest import FAST
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from sklearn_rnn import (
    RNNClassifier,
    RNNForecaster,
    RNNRegressor,
    SequencePadder,
    SequenceScaler,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# One feature around 5e3 with spread 1e3, one around 0 with spread 1e-2.
SCALES = np.array([1e3, 1.0, 1e-2])
SHIFTS = np.array([5e3, -3.0, 0.0])


def _raw(n=24, seed=0):
    rng = np.random.RandomState(seed)
    lengths = rng.randint(2, 9, size=n)
    X = [
        (rng.normal(size=(t, 3)) * SCALES + SHIFTS).astype(np.float32) for t in lengths
    ]
    labels = np.array(["a", "b", "c"] * (n // 3))
    targets = rng.normal(size=n) * 10 + 100
    return X, labels, targets


def _pair(Est, **params):
    """The estimator with scale_X, and the pipeline it must match."""
    scaled = Est(**FAST, scale_X=True, **params)
    mask_value = params.get("mask_value")
    pipeline = make_pipeline(
        SequenceScaler(mask_value=mask_value), Est(**FAST, scale_X=False, **params)
    )
    return scaled, pipeline


def _predictions(model, X):
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)
    return model.predict(X)


@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor])
@pytest.mark.parametrize("layout", ["ragged", "3d", "2d", "float64"])
def test_predictions_equal_the_scaler_pipeline(Est, layout):
    X, labels, targets = _raw()
    y = labels if Est is RNNClassifier else targets
    if layout == "3d":
        X = np.stack([np.resize(x, (6, 3)) for x in X])
    elif layout == "2d":
        X = np.stack([np.resize(x[:, 0], 6) for x in X])
    elif layout == "float64":
        X = [x.astype(np.float64) for x in X]
    scaled, pipeline = _pair(Est)
    scaled.fit(X, y)
    pipeline.fit(X, y)
    scaler = pipeline[0]
    assert_allclose(scaled.x_mean_, scaler.mean_)
    assert_allclose(scaled.x_scale_, scaler.scale_)
    assert_allclose(_predictions(scaled, X), _predictions(pipeline, X), atol=1e-5)


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("mask_value", [0.0, np.nan])
def test_padding_is_left_out_of_the_statistics(padding, mask_value):
    X, labels, _ = _raw()
    padded = SequencePadder(padding=padding, value=mask_value).fit_transform(X)
    scaled, pipeline = _pair(RNNClassifier, mask_value=mask_value)
    scaled.fit(padded, labels)
    pipeline.fit(padded, labels)
    assert_allclose(scaled.x_mean_, SequenceScaler().fit(X).mean_, rtol=1e-6)
    assert_allclose(scaled.x_mean_, pipeline[0].mean_)
    assert_allclose(
        scaled.predict_proba(padded), pipeline.predict_proba(padded), atol=1e-5
    )
    # The ragged list and its padded form give the same outputs.
    assert_allclose(scaled.predict_proba(X), scaled.predict_proba(padded), atol=1e-6)


def test_integer_weights_act_as_repeated_sequences():
    X, labels, _ = _raw()
    weight = np.arange(len(X)) % 3
    repeated = [x for x, w in zip(X, weight, strict=True) for _ in range(w)]
    weighted = RNNClassifier(**FAST).fit(X, labels, sample_weight=weight)
    reference = SequenceScaler().fit(repeated)
    assert_allclose(weighted.x_mean_, reference.mean_)
    assert_allclose(weighted.x_scale_, reference.scale_)


def test_constant_feature_gets_scale_one():
    X, labels, _ = _raw()
    X = [np.column_stack([x[:, :2], np.full(len(x), 7.0, np.float32)]) for x in X]
    clf = RNNClassifier(**FAST).fit(X, labels)
    assert clf.x_scale_[2] == 1.0
    assert clf.x_mean_[2] == pytest.approx(7.0)
    assert np.isfinite(clf.predict_proba(X)).all()


def test_token_ids_are_never_scaled():
    rng = np.random.RandomState(0)
    X = [rng.randint(1, 30, size=n) for n in range(2, 14)]
    y = np.arange(12) % 2
    clf = RNNClassifier(**FAST, embedding_dim=4).fit(X, y)
    assert not hasattr(clf, "x_mean_") and not hasattr(clf, "x_scale_")
    # A refit on floats of the same estimator learns statistics again, and
    # back on token ids drops them.
    floats = [x[:, None].astype(np.float32) * 100 for x in X]
    clf.set_params(embedding_dim=None).fit(floats, y)
    assert hasattr(clf, "x_mean_")
    clf.set_params(embedding_dim=4).fit(X, y)
    assert not hasattr(clf, "x_mean_")


def test_scale_x_false_learns_no_statistics_and_differs():
    X, labels, _ = _raw()
    plain = RNNClassifier(**FAST, scale_X=False).fit(X, labels)
    assert not hasattr(plain, "x_mean_")
    scaled = RNNClassifier(**FAST).fit(X, labels)
    assert not np.allclose(plain.predict_proba(X), scaled.predict_proba(X))


def test_warm_start_and_partial_fit_keep_the_first_statistics():
    X, labels, targets = _raw()
    shifted = [x * 10 + 1 for x in X]
    clf = RNNClassifier(**FAST).fit(X, labels)
    mean, scale = clf.x_mean_.copy(), clf.x_scale_.copy()
    clf.set_params(warm_start=True).fit(shifted, labels)
    assert_array_equal(clf.x_mean_, mean)
    assert_array_equal(clf.x_scale_, scale)
    reg = RNNRegressor(**FAST).partial_fit(X, targets)
    mean = reg.x_mean_.copy()
    reg.partial_fit(shifted, targets)
    assert_array_equal(reg.x_mean_, mean)
    # A fresh fit learns them again.
    clf.set_params(warm_start=False, scale_X=True).fit(shifted, labels)
    assert_allclose(clf.x_mean_, SequenceScaler().fit(shifted).mean_)


@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor])
def test_model_pickled_before_scale_x_existed_predicts_as_before(Est):
    X, labels, targets = _raw()
    y = labels if Est is RNNClassifier else targets
    before = Est(**FAST, scale_X=False).fit(X, y)
    state = before.__getstate__()
    del state["scale_X"]
    loaded = Est.__new__(Est)
    loaded.__setstate__(pickle.loads(pickle.dumps(state)))
    assert loaded.get_params()["scale_X"] is False
    assert_array_equal(_predictions(loaded, X), _predictions(before, X))
    assert clone(loaded).get_params()["scale_X"] is False


def test_pickle_round_trip_keeps_the_statistics():
    X, labels, _ = _raw()
    clf = RNNClassifier(**FAST).fit(X, labels)
    loaded = pickle.loads(pickle.dumps(clf))
    assert_array_equal(loaded.x_mean_, clf.x_mean_)
    assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_failed_fit_leaves_no_statistics_behind():
    X, labels, _ = _raw()
    clf = RNNClassifier(**FAST, class_weight={"a": 0.0, "b": 0.0, "c": 0.0})
    with pytest.raises(ValueError, match="sum to zero"):
        clf.fit(X, labels)
    assert not hasattr(clf, "x_mean_")


def test_forecaster_has_no_scale_x():
    assert "scale_X" not in RNNForecaster().get_params()
    assert "scale_X" not in RNNForecaster._parameter_constraints


@pytest.mark.parametrize("first, then", [(True, False), (False, True)])
def test_changing_scale_x_under_warm_start_is_an_error(first, then):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 5, 2)).astype(np.float32)
    y = rng.normal(size=20)
    model = RNNRegressor(**FAST, scale_X=first, warm_start=True).fit(X, y)
    before = model.predict(X)
    with pytest.raises(ValueError, match="scale_X changed"):
        model.set_params(scale_X=then).fit(X, y)
    with pytest.raises(ValueError, match="scale_X changed"):
        model.partial_fit(X, y)
    assert_array_equal(model.predict(X), before)  # the model is kept


def test_a_standardised_dataset_moves_between_devices():
    from sklearn_rnn._data import SequenceDataset
    from sklearn_rnn._sequences import Sequences

    values = np.arange(12, dtype=np.float32).reshape(2, 3, 2)
    dataset = SequenceDataset(
        Sequences(values, np.array([3, 3])),
        standardize=(np.array([1.0, 2.0]), np.array([2.0, 4.0])),
    )
    host = dataset[np.arange(2)][0]["x"]
    dataset.to_device("cpu")
    dataset.to_device("cpu:0")  # a second move rebuilds from the statistics
    assert_array_equal(dataset[np.arange(2)][0]["x"].numpy(), host.numpy())
    assert_array_equal(host.numpy(), (values - [1.0, 2.0]) / [2.0, 4.0])
