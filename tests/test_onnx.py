"""export_onnx: onnxruntime outputs equal predict_proba / predict (SPEC 2.9)."""

import itertools
import sys

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from sklearn_rnn import (
    RNNClassifier,
    RNNForecaster,
    RNNRegressor,
    export_onnx,
    make_windows,
)

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

TINY = {"hidden_size": 4, "max_epochs": 1, "batch_size": 8, "random_state": 0}
N_FEATURES = 3


@pytest.fixture(scope="module")
def data():
    """Ragged float and token sequences of lengths 1..8, labels and targets."""
    rng = np.random.RandomState(0)
    lengths = np.r_[1, 8, rng.randint(1, 9, size=18)]
    floats = [rng.normal(size=(n, N_FEATURES)).astype(np.float32) for n in lengths]
    tokens = [rng.randint(1, 12, size=n) for n in lengths]
    labels = np.array(["b", "a", "c", "a"] * 5)
    targets = rng.normal(size=(len(lengths), 2))
    return {"lengths": lengths, "float": floats, "tokens": tokens}, labels, targets


def pad(sequences, fill=0):
    """Post-pad ragged sequences into the ONNX model's X and lengths."""
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    first = np.asarray(sequences[0])
    shape = (len(sequences), lengths.max(), *first.shape[1:])
    dtype = np.int64 if first.dtype.kind in "iu" else np.float32
    X = np.full(shape, fill, dtype=dtype)
    for i, seq in enumerate(sequences):
        X[i, : len(seq)] = seq
    return X, lengths


def run(model, X, lengths):
    session = ort.InferenceSession(model.SerializeToString())
    return session.run(None, {"X": X, "lengths": lengths})[0]


@pytest.mark.parametrize(
    "cell, bidirectional, pooling, embedding_dim",
    list(
        itertools.product(
            ["rnn", "lstm", "gru"], [False, True], ["last", "mean", "max"], [None, 4]
        )
    ),
)
def test_classifier_parity(data, tmp_path, cell, bidirectional, pooling, embedding_dim):
    seqs, labels, _ = data
    X = seqs["tokens"] if embedding_dim else seqs["float"]
    clf = RNNClassifier(
        cell=cell,
        bidirectional=bidirectional,
        pooling=pooling,
        embedding_dim=embedding_dim,
        **TINY,
    ).fit(X, labels)
    model = export_onnx(clf, tmp_path / "clf.onnx")
    proba = run(onnx.load(tmp_path / "clf.onnx"), *pad(X))
    np.testing.assert_allclose(proba, clf.predict_proba(X), rtol=0, atol=1e-4)
    assert proba.shape == (len(X), 3)
    assert model.graph.output[0].name == "probabilities"


@pytest.mark.parametrize(
    "params",
    [
        {"cell": "lstm", "num_layers": 2, "bidirectional": True},
        {"cell": "gru", "num_layers": 2, "pooling": "mean"},
        {"cell": "rnn", "nonlinearity": "relu", "bidirectional": True},
        {"cell": "gru", "bidirectional": True, "pooling": "max", "embedding_dim": 3},
    ],
)
@pytest.mark.parametrize("y_ndim", [1, 2])
def test_regressor_parity_in_original_units(data, tmp_path, params, y_ndim):
    seqs, _, targets = data
    X = seqs["tokens"] if params.get("embedding_dim") else seqs["float"]
    # Far from unit scale, so a forgotten de-standardisation cannot pass.
    y = 50.0 * targets + 300.0
    y = y[:, 0] if y_ndim == 1 else y
    reg = RNNRegressor(**{**TINY, **params}).fit(X, y)
    pred = run(export_onnx(reg, tmp_path / "reg.onnx"), *pad(X))
    expected = reg.predict(X)
    assert pred.shape == expected.shape
    np.testing.assert_allclose(pred, expected, rtol=1e-6, atol=1e-4)


# Features far from unit scale, so a graph that forgot scale_X cannot pass.
RAW_SCALE = np.array([1e3, 1.0, 1e-2], dtype=np.float32)
RAW_SHIFT = np.array([5e3, -3.0, 0.0], dtype=np.float32)


@pytest.mark.parametrize(
    "cell, bidirectional, pooling",
    list(
        itertools.product(
            ["rnn", "lstm", "gru"], [False, True], ["last", "mean", "max"]
        )
    ),
)
def test_scale_x_is_folded_into_the_graph(data, tmp_path, cell, bidirectional, pooling):
    seqs, labels, targets = data
    X = [x * RAW_SCALE + RAW_SHIFT for x in seqs["float"]]
    params = {"cell": cell, "bidirectional": bidirectional, "pooling": pooling}
    clf = RNNClassifier(**TINY, **params, scale_X=True).fit(X, labels)
    model = export_onnx(clf, tmp_path / "clf.onnx")
    ops = [node.op_type for node in model.graph.node]
    assert "Sub" in ops and "Div" in ops
    assert ops.index("Div") < ops.index(cell.upper())
    for fill in (0.0, np.nan):
        proba = run(model, *pad(X, fill=fill))
        np.testing.assert_allclose(proba, clf.predict_proba(X), rtol=0, atol=1e-4)
    reg = RNNRegressor(**TINY, **params, scale_X=True).fit(X, targets)
    pred = run(export_onnx(reg, tmp_path / "reg.onnx"), *pad(X))
    np.testing.assert_allclose(pred, reg.predict(X), rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor])
def test_scale_x_false_adds_no_scaling_nodes(data, tmp_path, Est):
    seqs, labels, targets = data
    X = [x * RAW_SCALE + RAW_SHIFT for x in seqs["float"]]
    y = labels if Est is RNNClassifier else targets[:, 0]
    est = Est(**TINY, scale_X=False).fit(X, y)
    model = export_onnx(est, tmp_path / "m.onnx")
    assert not {"Sub", "Div"} & {node.op_type for node in model.graph.node}
    out = run(model, *pad(X))
    expected = est.predict_proba(X) if Est is RNNClassifier else est.predict(X)
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-4)


def test_two_d_input_is_one_feature_per_step(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(12, 6)).astype(np.float32)
    y = np.arange(12) % 2
    clf = RNNClassifier(**TINY).fit(X, y)
    model = export_onnx(clf, tmp_path / "clf.onnx")
    lengths = np.full(len(X), X.shape[1], dtype=np.int64)
    proba = run(model, X[:, :, None], lengths)
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-4)


def test_padding_content_and_axes_are_free(data, tmp_path):
    """Any padding value, any batch size and longer sequences than in fit."""
    seqs, labels, _ = data
    clf = RNNClassifier(bidirectional=True, pooling="mean", **TINY)
    clf.fit(seqs["float"], labels)
    model = export_onnx(clf, tmp_path / "clf.onnx")
    rng = np.random.RandomState(1)
    longer = [rng.normal(size=(n, N_FEATURES)).astype(np.float32) for n in (30, 2)]
    for fill in (0.0, np.nan, 1e6):
        X, lengths = pad(longer, fill=fill)
        np.testing.assert_allclose(
            run(model, X, lengths), clf.predict_proba(longer), atol=1e-4
        )
    single = run(model, *pad(longer[:1]))
    np.testing.assert_allclose(single, clf.predict_proba(longer[:1]), atol=1e-4)


def test_unknown_token_ids_read_as_oov(data, tmp_path):
    seqs, labels, _ = data
    clf = RNNClassifier(embedding_dim=4, **TINY).fit(seqs["tokens"], labels)
    model = export_onnx(clf, tmp_path / "clf.onnx")
    lengths = np.array([3, 3])
    unknown = np.array([[2, 500, 3], [clf.vocabulary_size_, 1, 4]])
    oov = np.array([[2, 1, 3], [1, 1, 4]])
    np.testing.assert_allclose(run(model, unknown, lengths), run(model, oov, lengths))


def test_model_file_and_metadata(data, tmp_path):
    seqs, labels, _ = data
    clf = RNNClassifier(**TINY).fit(seqs["float"], labels)
    path = tmp_path / "clf.onnx"
    export_onnx(clf, str(path))
    model = onnx.load(path)
    onnx.checker.check_model(model)
    props = {p.key: p.value for p in model.metadata_props}
    assert props["classes"] == '["a", "b", "c"]'
    inputs = {i.name: i.type.tensor_type for i in model.graph.input}
    assert inputs["X"].elem_type == onnx.TensorProto.FLOAT
    assert inputs["lengths"].elem_type == onnx.TensorProto.INT64
    dims = [d.dim_param or d.dim_value for d in inputs["X"].shape.dim]
    assert dims == ["batch", "time", N_FEATURES]


def test_unfitted_is_not_fitted_error(tmp_path):
    with pytest.raises(NotFittedError):
        export_onnx(RNNClassifier(), tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


@pytest.mark.parametrize("obj", [LogisticRegression(), "model", RNNClassifier])
def test_other_objects_are_type_error(obj, tmp_path):
    with pytest.raises(TypeError, match="RNNRegressor and RNNForecaster"):
        export_onnx(obj, tmp_path / "m.onnx")


# ------------------------------------------------------------- forecaster
@pytest.fixture(scope="module")
def series():
    """A trending, seasonal series at a level of 1,000, and two covariates."""
    rng = np.random.RandomState(0)
    t = np.arange(150)
    level = 1000 + 50 * np.sin(t / 6) + t + rng.normal(scale=5, size=t.size)
    return level, np.c_[np.cos(t / 6), rng.normal(size=t.size)]


@pytest.mark.parametrize(
    "windows, params",
    [
        ("2-D", {}),
        ("2-D", {"lookback": 12}),
        ("2-D", {"lookback": 12, "normalize": None}),
        ("2-D horizon 1", {"lookback": 8, "cell": "gru"}),
        ("covariates", {"lookback": 10, "bidirectional": True, "pooling": "mean"}),
        ("ragged", {"lookback": 10, "cell": "rnn"}),
        ("ragged", {"pooling": "max"}),
    ],
)
def test_forecaster_parity(series, tmp_path, windows, params):
    level, covariates = series
    horizon = 1 if "horizon 1" in windows else 3
    X, y = make_windows(
        level,
        24,
        horizon=horizon,
        covariates=None if windows.startswith("2-D") else covariates,
    )
    if windows == "ragged":  # histories of 5..24 steps
        rng = np.random.RandomState(1)
        X = [x[-rng.randint(5, 25) :] for x in X]
    model = RNNForecaster(**TINY, **params, calibration_fraction=0).fit(X, y)
    export_onnx(model, tmp_path / "forecaster.onnx")
    padded, lengths = pad(X) if windows == "ragged" else (X, np.full(len(X), 24))
    padded = np.asarray(padded, np.float32).reshape(len(X), lengths.max(), -1)
    got = run(onnx.load(tmp_path / "forecaster.onnx"), padded, lengths)
    expected = model.predict(X)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4)


def test_forecaster_with_future_covariates_is_not_implemented(series, tmp_path):
    level, covariates = series
    X, y = make_windows(level, 12, horizon=2, future_covariates=covariates)
    model = RNNForecaster(**TINY, calibration_fraction=0).fit(X, y)
    with pytest.raises(NotImplementedError, match="future_covariates"):
        export_onnx(model, tmp_path / "m.onnx")


def test_unfitted_forecaster_is_not_fitted_error(tmp_path):
    with pytest.raises(NotFittedError):
        export_onnx(RNNForecaster(), tmp_path / "m.onnx")


def test_missing_onnx_names_the_extra(monkeypatch, data, tmp_path):
    seqs, labels, _ = data
    clf = RNNClassifier(**TINY).fit(seqs["float"], labels)
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r"pip install sklearn-rnn\[onnx\]"):
        export_onnx(clf, tmp_path / "m.onnx")
