"""The estimators inside scikit-learn's tools: pipelines, search, CV."""

import numpy as np
import pytest
from conftest import FAST
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_rnn import RNNClassifier, RNNRegressor


def test_grid_search_in_parallel_over_architecture():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5, 2))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    search = GridSearchCV(
        RNNClassifier(**FAST),
        {"cell": ["lstm", "gru"], "hidden_size": [4, 8]},
        cv=2,
        n_jobs=2,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_estimator_.predict(X).shape == (60,)


def test_pipeline_and_cross_val_score():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(90, 6)) * 100
    y = X.sum(axis=1)
    model = make_pipeline(StandardScaler(), RNNRegressor(**{**FAST, "lr": 0.01}))
    scores = cross_val_score(model, X, y, cv=3)
    assert scores.shape == (3,)
    assert np.isfinite(scores).all()


@pytest.mark.slow
def test_text_grid_search_under_dask_distributed():
    """SPEC 3: the text pipeline searched with joblib's dask backend."""
    distributed = pytest.importorskip("distributed")
    import joblib
    from sklearn.pipeline import Pipeline

    from sklearn_rnn import SequencePadder, TextTokenizer

    docs = ["good film", "bad film", "great plot", "awful plot"] * 10
    y = [1, 0, 1, 0] * 10
    pipe = Pipeline(
        [
            ("tok", TextTokenizer()),
            ("pad", SequencePadder(maxlen=4)),
            ("clf", RNNClassifier(**FAST, embedding_dim=4)),
        ]
    )
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, distributed.Client(cluster), joblib.parallel_backend("dask"):
        search = GridSearchCV(pipe, {"clf__cell": ["lstm", "gru"]}, cv=2, n_jobs=-1)
        search.fit(docs, y)
    assert search.best_params_["clf__cell"] in ("lstm", "gru")
