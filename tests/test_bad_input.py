"""Bad and edge input to the estimators: a clear error or the right answer.

Each case replays a call from the adversarial campaign of issue 14 (SPEC 3):
never a crash from inside torch/skorch/numpy, never silent garbage.
"""

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_allclose
from sklearn.model_selection import GridSearchCV

from sklearn_rnn import RNNClassifier, RNNForecaster, RNNRegressor

ESTIMATORS = [RNNClassifier, RNNRegressor, RNNForecaster]

rng = np.random.RandomState(0)
X = rng.normal(size=(30, 4, 2)).astype(np.float32)
Y = np.arange(30) % 2


def _fit(Estimator=RNNClassifier, X=X, y=Y, sample_weight=None, **params):
    return Estimator(**{**FAST, **params}).fit(X, y, sample_weight=sample_weight)


BAD_CALLS = [
    # (what, call, exception, pattern the message must contain)
    ("bool hidden_size", lambda: _fit(hidden_size=True), TypeError, "hidden_size"),
    ("bool lr", lambda: _fit(lr=False), TypeError, "lr"),
    ("callback str", lambda: _fit(callbacks=["x"]), TypeError, "callbacks"),
    ("callback object", lambda: _fit(callbacks=[object()]), TypeError, "callbacks"),
    (
        "huge token id",
        lambda: _fit(X=[[2, 2**31], [3]], y=[0, 1], embedding_dim=2),
        ValueError,
        "token id 2147483648",
    ),
    (
        "token id 2**40",
        lambda: _fit(X=np.array([[2, 2**40], [3, 0]]), y=[0, 1], embedding_dim=2),
        ValueError,
        "token id 1099511627776",
    ),
    (
        "uint64 id >= 2**63",
        lambda: _fit(
            X=np.array([[2, 2**63 + 5], [3, 4]], dtype=np.uint64),
            y=[0, 1],
            embedding_dim=2,
        ),
        ValueError,
        "Token id 9223372036854775813",
    ),
    (
        "negative class weight",
        lambda: _fit(class_weight={0: -1, 1: 2}),
        ValueError,
        "class_weight",
    ),
    (
        "nan class weight",
        lambda: _fit(class_weight={0: np.nan, 1: 2}),
        ValueError,
        "class_weight",
    ),
    (
        "class weights zero everything",
        lambda: _fit(class_weight={0: 0, 1: 0}),
        ValueError,
        "class_weight",
    ),
    (
        "validation_fraction leaves no training data",
        lambda: _fit(early_stopping=True, validation_fraction=0.99),
        ValueError,
        "validation_fraction=0.99",
    ),
    ("positional argument", lambda: RNNClassifier(4), TypeError, "RNNClassifier"),
    (
        "y mixing str and int",
        lambda: _fit(y=np.array(["a", 1] * 15, dtype=object)),
        ValueError,
        "string and numeric",
    ),
    (
        "y with None",
        lambda: _fit(y=np.array([None, 1] * 15, dtype=object)),
        ValueError,
        "None",
    ),
    (
        "string labels with pd.NA",
        lambda: _fit(y=pd.Series(["a", pd.NA, "b"] * 10, dtype="string")),
        ValueError,
        "missing label .* at position 1",
    ),
    (
        "nullable integer labels with pd.NA",
        lambda: _fit(y=pd.Series([0, 1, pd.NA] * 10, dtype="Int64")),
        ValueError,
        "missing label .* at position 2",
    ),
    ("y a string", lambda: _fit(RNNRegressor, y="abc"), ValueError, "string 'abc'"),
    (
        "X a generator",
        lambda: _fit(X=(x for x in X)),
        TypeError,
        "generator",
    ),
    (
        "jagged steps inside a sequence",
        lambda: _fit(X=[[[1.0, 2.0], [3.0]], [[1.0, 2.0]]], y=[0, 1]),
        ValueError,
        "Sequence 0",
    ),
    (
        "y beyond float32 without scaling",
        lambda: _fit(RNNRegressor, y=np.where(Y, 1e200, -1e200), scale_y=False),
        ValueError,
        "scale_y",
    ),
    (
        "1-D X",
        lambda: _fit(X=np.arange(10.0), y=[0, 1] * 5),
        ValueError,
        r"in a list, \[x\]",
    ),
    (
        "one (T, F) sequence with one label",
        lambda: _fit(X=X[0], y=[1]),
        ValueError,
        r"fit\(\[x\], y\)",
    ),
    (
        "3-D token ids",
        lambda: _fit(X=np.ones((4, 3, 2), dtype=int), y=[0, 1] * 2, embedding_dim=2),
        ValueError,
        "2-D array",
    ),
    (
        "NaN-padded token ids",
        lambda: _fit(
            X=np.array([[2.0, np.nan], [3.0, 4.0]]), y=[0, 1], embedding_dim=2
        ),
        ValueError,
        "padded with 0",
    ),
    (
        "labels of mixed types in a list",
        lambda: _fit(y=["a", 1] * 15),
        ValueError,
        "string and numeric",
    ),
    (
        "one class in a first partial_fit",
        lambda: RNNClassifier(**FAST).partial_fit(X, np.zeros(30)),
        ValueError,
        "classes=",
    ),
    (
        "mask_value not a number",
        lambda: _fit(mask_value="pad"),
        ValueError,
        "mask_value",
    ),
]


@pytest.mark.parametrize(
    "call, exception, pattern",
    [case[1:] for case in BAD_CALLS],
    ids=[case[0] for case in BAD_CALLS],
)
def test_bad_calls_raise_clear_errors(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()


@pytest.mark.parametrize(
    "params",
    [
        {"hidden_size": np.int64(4)},
        {"num_layers": np.int32(2), "dropout": np.float32(0.1)},
        {"lr": np.float32(1e-3), "weight_decay": np.float64(1e-4)},
        {"max_epochs": np.int64(2), "batch_size": np.int16(8)},
        {"clip_grad_norm": np.float32(0.5), "tol": np.float32(1e-3)},
        {"bidirectional": np.bool_(True)},
    ],
)
def test_numpy_scalars_work_like_python_numbers(params):
    expected = _fit(**{k: v.item() for k, v in params.items()}).predict_proba(X)
    assert_allclose(_fit(**params).predict_proba(X), expected, rtol=1e-6)


def test_numpy_scalar_embedding_dim_and_early_stopping():
    clf = _fit(
        X=[[2, 3], [4, 5, 2], [3, 3, 3], [5, 4]] * 3,
        y=[0, 1, 0, 1] * 3,
        embedding_dim=np.int64(2),
        early_stopping=True,
        n_iter_no_change=np.int64(2),
        validation_fraction=np.float64(0.25),
    )
    assert clf.module_.embedding.embedding_dim == 2


def test_grid_search_over_a_numpy_array_of_values():
    search = GridSearchCV(
        RNNClassifier(**FAST), {"hidden_size": np.array([2, 4])}, cv=2
    ).fit(X, Y)
    assert search.best_params_["hidden_size"] in (2, 4)


def test_huge_targets_are_learnt_in_their_units():
    y = np.where(Y, 1e200, -1e200)
    pred = _fit(RNNRegressor, y=y).predict(X)
    assert np.isfinite(pred).all()
    assert np.abs(pred).max() <= 1e201


def test_uniform_weights_of_any_size_equal_unit_weights():
    y = X[:, :, 0].sum(axis=1)
    unit = _fit(RNNRegressor, y=y).predict(X)
    for size in (1e-300, 1e308):
        weighted = _fit(RNNRegressor, y=y, sample_weight=np.full(30, size))
        assert_allclose(weighted.predict(X), unit, rtol=1e-5)


def test_integer_class_weights_act_like_repeated_samples_scale():
    # Weights 2 and 4 are weights 1 and 2: only ratios matter.
    a = _fit(class_weight={0: 2, 1: 4}).predict_proba(X)
    b = _fit(class_weight={0: 1, 1: 2}).predict_proba(X)
    assert_allclose(a, b, rtol=1e-5)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_every_init_parameter_is_documented_and_in_get_params(Estimator):
    signature = inspect.signature(Estimator.__init__)
    names = [name for name in signature.parameters if name != "self"]
    assert all(
        p.kind is inspect.Parameter.KEYWORD_ONLY
        for name, p in signature.parameters.items()
        if name != "self"
    )
    assert sorted(Estimator().get_params()) == sorted(names)
    doc = Estimator.__doc__
    params_section = doc.split("Parameters\n    ----------")[1].split("Attributes")[0]
    missing = [name for name in names if f"\n    {name} : " not in params_section]
    assert not missing, f"undocumented parameters: {missing}"


def test_predict_of_a_1d_sequence_points_to_a_list():
    clf = _fit()
    with pytest.raises(ValueError, match=r"\[x\]"):
        clf.predict(X[0, :, 0])


def test_zero_padded_floats_without_mask_value_warn():
    from sklearn_rnn import SequencePadder

    ragged = [rng.normal(size=(n, 2)) for n in range(3, 13)]
    padded = SequencePadder().fit_transform(ragged)
    with pytest.warns(UserWarning, match="mask_value=0.0"):
        RNNClassifier(**FAST).fit(padded, np.arange(10) % 2)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*zero-padded")
        RNNClassifier(**FAST, mask_value=0.0).fit(padded, np.arange(10) % 2)
        RNNClassifier(**FAST).fit(X, Y)
