"""Bad input gets a clear ValueError / TypeError / NotFittedError."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import FAST
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from sklearn_rnn import (
    NonFiniteLossError,
    RNNClassifier,
    RNNForecaster,
    RNNRegressor,
    SequencePadder,
    make_windows,
)

X2 = np.random.RandomState(0).normal(size=(20, 5))
X3 = np.random.RandomState(0).normal(size=(20, 5, 2))
Y = np.arange(20) % 2


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("X", [X2, X3], ids=["2d", "3d"])
def test_non_finite_values(X, bad):
    X = X.copy()
    X[3, 2] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        RNNClassifier(**FAST).fit(X, Y)
    clf = RNNClassifier(**FAST).fit(np.nan_to_num(X, posinf=0, neginf=0), Y)
    with pytest.raises(ValueError, match="NaN|infinity"):
        clf.predict(X)


def test_non_finite_in_a_ragged_sequence(ragged):
    X, y = ragged
    X = [x.copy() for x in X]
    X[4][1, 1] = np.nan
    with pytest.raises(ValueError, match="sequence 4 of X contains NaN"):
        RNNClassifier(**FAST).fit(X, y)


def test_empty_input():
    with pytest.raises(ValueError, match="0 sample"):
        RNNClassifier(**FAST).fit([], [])
    with pytest.raises(ValueError, match="0 sample"):
        RNNClassifier(**FAST).fit(np.empty((0, 5)), [])


def test_empty_sequence(ragged):
    X, y = ragged
    X = [*X[:-1], np.empty((0, 3))]
    with pytest.raises(ValueError, match="Sequence 9 of X is empty"):
        RNNClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="at least one time step"):
        RNNClassifier(**FAST).fit(np.empty((4, 0, 2)), [0, 1, 0, 1])


def test_padding_only_token_row():
    X = np.array([[1, 2, 0], [0, 0, 0], [3, 1, 2]])
    with pytest.raises(ValueError, match="Row 1 of X holds only padding"):
        RNNClassifier(embedding_dim=2, **FAST).fit(X, [0, 1, 0])


def test_1d_x():
    # Not sklearn's "reshape(-1, 1)" advice: for sequences that would make
    # every value a sequence of one step.
    with pytest.raises(ValueError, match=r"1-D X of 10 values\. Reshape your data"):
        RNNClassifier(**FAST).fit(np.arange(10.0), np.arange(10) % 2)
    with pytest.raises(ValueError, match=r"in a list, \[x\]"):
        RNNClassifier(**FAST).fit([1.0, 2.0, 3.0], [0, 1, 0])


def test_4d_x():
    with pytest.raises(ValueError, match="got 4-D"):
        RNNClassifier(**FAST).fit(np.zeros((4, 3, 2, 1)), [0, 1, 0, 1])


def test_wrong_feature_count_at_predict():
    clf = RNNClassifier(**FAST).fit(X3, Y)
    with pytest.raises(ValueError, match="X has 3 features per time step, but"):
        clf.predict(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match="X has 1 features per time step"):
        clf.predict(np.zeros((2, 5)))


def test_wrong_width_at_predict_for_2d_models():
    clf = RNNClassifier(**FAST).fit(X2, Y)
    with pytest.raises(ValueError, match="X has 4 features, but RNNClassifier is"):
        clf.predict(np.zeros((2, 4)))


def test_wrong_dimensionality_at_predict():
    clf = RNNClassifier(**FAST).fit(X2, Y)
    with pytest.raises(ValueError, match="was fitted on 2-D input"):
        clf.predict(X3)
    with pytest.raises(ValueError, match="was fitted on 2-D input"):
        clf.predict([np.zeros(3), np.zeros(5)])


def test_ragged_items_must_agree_on_features():
    X = [np.zeros((3, 2)), np.zeros((4, 3))]
    with pytest.raises(ValueError, match="features per time step"):
        RNNClassifier(**FAST).fit(X, [0, 1])


def test_strings_are_rejected_with_a_hint():
    with pytest.raises(ValueError, match="TextTokenizer"):
        RNNClassifier(**FAST).fit(np.array([["a", "b"], ["c", "d"]]), [0, 1])


def test_token_ids_outside_the_vocabulary():
    clf = RNNClassifier(embedding_dim=3, **FAST).fit(
        [[1, 2], [3, 4, 2], [2]], [0, 1, 0]
    )
    assert clf.vocabulary_size_ == 5
    # Ids the embedding never learnt read as the OOV id 1 (SPEC 2.2).
    np.testing.assert_array_equal(
        clf.predict_proba([[1, 9]]), clf.predict_proba([[1, 1]])
    )
    with pytest.raises(ValueError, match=">= 0"):
        clf.predict([[1, -1]])
    with pytest.raises(ValueError, match="integer token ids"):
        clf.predict(np.array([[1.5, 2.0]]))


@pytest.mark.parametrize("device", ["cuda", "cuda:3", "tpu", "nonsense"])
def test_unknown_or_missing_device(device):
    if torch.cuda.is_available() and device == "cuda":
        pytest.skip("CUDA is available here")
    with pytest.raises(ValueError, match="device="):
        RNNClassifier(**FAST, device=device).fit(X2, Y)


def test_bad_parameters_name_the_parameter():
    with pytest.raises(ValueError, match="'cell' parameter"):
        RNNClassifier(cell="transformer").fit(X2, Y)
    with pytest.raises(ValueError, match="'hidden_size' parameter"):
        RNNClassifier(hidden_size=0).fit(X2, Y)
    with pytest.raises(TypeError, match="torch.optim.Optimizer"):
        RNNClassifier(optimizer=dict, **FAST).fit(X2, Y)
    with pytest.raises(TypeError, match="unexpected keyword argument 'hiden_size'"):
        RNNClassifier(hiden_size=3)


def test_not_fitted():
    for method in ("predict", "predict_proba", "score"):
        args = (X2, Y) if method == "score" else (X2,)
        with pytest.raises(NotFittedError):
            getattr(RNNClassifier(), method)(*args)
    with pytest.raises(NotFittedError):
        RNNRegressor().predict(X2)


def test_targets():
    with pytest.raises(ValueError, match="at least 2 classes"):
        RNNClassifier(**FAST).fit(X2, np.zeros(20))
    with pytest.raises(ValueError, match="multilabel or multi-output"):
        RNNClassifier(**FAST).fit(X2, np.c_[Y, Y])
    with pytest.raises(ValueError, match="Unknown label type"):
        RNNClassifier(**FAST).fit(X2, np.linspace(0, 1, 20))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        RNNRegressor(**FAST).fit(X2, np.zeros(19))
    with pytest.raises(ValueError, match="y requires|requires y"):
        RNNRegressor(**FAST).fit(X2, None)
    with pytest.raises(ValueError, match="NaN"):
        RNNRegressor(**FAST).fit(X2, np.full(20, np.nan))
    with pytest.raises(ValueError, match="at least one non-zero"):
        RNNRegressor(**FAST).fit(X2, np.zeros(20), sample_weight=np.zeros(20))
    with pytest.raises(ValueError, match="Negative values"):
        RNNRegressor(**FAST).fit(X2, np.zeros(20), sample_weight=-np.ones(20))


def test_non_finite_loss_stops_training_and_keeps_the_last_good_weights():
    y = np.full(20, 1e30)  # the squared error overflows float32
    reg = RNNRegressor(**FAST, scale_y=False)
    with pytest.raises(NonFiniteLossError, match="epoch 1, batch 1.*Lower lr"):
        reg.fit(X2, y)
    # SPEC 3: a fit that fails leaves the estimator as it was: unfitted here.
    with pytest.raises(NotFittedError):
        reg.predict(X2)


def test_diverging_training_is_stopped_before_weights_turn_nan():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(64, 30)) * 50
    y = rng.normal(size=64) * 1e4
    reg = RNNRegressor(
        **{**FAST, "max_epochs": 50},
        cell="rnn",
        nonlinearity="relu",
        optimizer="sgd",
        lr=10.0,
        clip_grad_norm=None,
        scale_y=False,
    )
    with pytest.raises(ValueError, match="clip_grad_norm"):
        reg.fit(X, y)
    assert not hasattr(reg, "net_")


def test_a_failed_first_fit_leaves_the_estimator_unfitted():
    clf = RNNClassifier(**FAST)
    with pytest.raises(ValueError, match="at least 2 classes"):
        clf.fit(X2, np.zeros(20))
    with pytest.raises(NotFittedError):
        clf.predict(X2)


# ------------------------------------------------- what a new user trips on
@pytest.mark.parametrize(
    "make_text",
    [lambda: ["good movie", "bad film"] * 10, lambda: pd.Series(["good"] * 20)],
    ids=["list", "Series"],
)
@pytest.mark.parametrize("embedding_dim", [None, 8])
def test_raw_text_points_to_the_tokenizer(make_text, embedding_dim):
    clf = RNNClassifier(**FAST, embedding_dim=embedding_dim)
    with pytest.raises(ValueError, match="got strings.*TextTokenizer"):
        clf.fit(make_text(), Y)


def test_a_text_column_in_a_frame_is_named():
    X = pd.DataFrame({"when": ["mon"] * 20, "value": np.arange(20.0)})
    with pytest.raises(ValueError, match=r"columns \['when'\] hold"):
        RNNRegressor(**FAST).fit(X, np.arange(20.0))


def test_padded_input_to_a_model_fitted_on_ragged_sequences_warns(ragged):
    X, y = ragged
    clf = RNNClassifier(**FAST).fit(X, y)
    padded = SequencePadder(value=0.0).fit_transform(X)
    with pytest.warns(UserWarning, match="fitted on sequences of different lengths"):
        clf.predict(padded)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.predict(X)
        clf.predict(padded[:, :2])  # no padding in sight


def test_warnings_point_at_the_users_line():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 6, 2))
    y = X[:, -1, 0]
    for model in (RNNRegressor(**FAST), RNNForecaster(**FAST)):
        with pytest.warns(ConvergenceWarning) as caught:
            model.fit(X, y)
        assert {w.filename for w in caught} == {__file__}


def test_forecasting_warnings_point_at_the_users_line():
    frame = pd.DataFrame({"y": np.arange(30.0), "x": np.ones(30)})
    with pytest.warns(UserWarning, match="covariates") as caught:
        make_windows(frame, lookback=5)  # the other column read as a covariate
    assert {w.filename for w in caught} == {__file__}


def test_the_epoch_log_shows_the_epoch_that_stopped_training(capsys):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 5, 2))
    y = rng.randint(0, 2, size=40)
    clf = RNNClassifier(
        **{**FAST, "max_epochs": 50},
        early_stopping=True,
        n_iter_no_change=2,
        tol=0.5,  # no epoch improves by that much: stops after three
        verbose=1,
    ).fit(X, y)
    assert clf.n_iter_ < 50  # stopped early
    rows = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.strip()[:1].isdigit()
    ]
    assert [int(row.split()[0]) for row in rows] == list(range(1, clf.n_iter_ + 1))


def test_a_frame_of_numbers_in_object_columns_is_read_as_numbers():
    X = pd.DataFrame(np.random.RandomState(0).normal(size=(20, 4))).astype(object)
    reg = RNNRegressor(**FAST).fit(X, np.arange(20.0))
    assert reg.predict(X).shape == (20,)
