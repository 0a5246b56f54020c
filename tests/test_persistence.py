"""Pickle, joblib, clone, and loading a GPU-trained model on a CPU."""

import io
import pickle

import joblib
import numpy as np
import pytest
import torch
from conftest import FAST
from numpy.testing import assert_array_equal
from sklearn.base import clone

from sklearn_rnn import RNNClassifier, RNNRegressor


@pytest.fixture
def fitted(ragged):
    X, y = ragged
    return RNNClassifier(**FAST).fit(X, y), X


def test_pickle_round_trip(fitted):
    clf, X = fitted
    loaded = pickle.loads(pickle.dumps(clf))
    assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.device_ == clf.device_
    assert loaded.n_iter_ == clf.n_iter_


def test_joblib_round_trip(fitted, tmp_path):
    clf, X = fitted
    joblib.dump(clf, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    assert_array_equal(loaded.predict(X), clf.predict(X))


def test_loaded_model_keeps_training(fitted, ragged):
    clf, X = fitted
    loaded = pickle.loads(pickle.dumps(clf))
    loaded.partial_fit(*ragged)
    assert loaded.n_iter_ == clf.n_iter_ + 1


def test_clone_and_set_params():
    reg = RNNRegressor(hidden_size=3, cell="gru", scale_y=False)
    copy = clone(reg)
    assert copy.get_params() == reg.get_params()
    copy.set_params(hidden_size=7, lr=0.1)
    assert copy.hidden_size == 7 and reg.hidden_size == 3
    assert "net_" not in vars(
        clone(RNNRegressor(**FAST).fit(np.ones((4, 3)), [1, 2, 3, 4]))
    )


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_model_loads_with_cpu_map_location(ragged):
    X, y = ragged
    clf = RNNClassifier(**FAST, device="cuda").fit(X, y)
    buffer = io.BytesIO()
    joblib.dump(clf, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    np.testing.assert_allclose(loaded.predict_proba(X), clf.predict_proba(X), rtol=1e-5)
