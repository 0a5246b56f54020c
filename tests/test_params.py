"""Each constructor parameter of SPEC 2.1 does what it says."""

import copy
import warnings

import numpy as np
import pytest
import torch
from conftest import FAST
from numpy.testing import assert_allclose, assert_array_equal
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier, RNNRegressor


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 6, 2)).astype(np.float32)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    return X, y


def _params(module):
    return [p.detach().cpu().clone() for p in module.parameters()]


@pytest.mark.parametrize(
    "cell, kind",
    [("rnn", torch.nn.RNN), ("lstm", torch.nn.LSTM), ("gru", torch.nn.GRU)],
)
def test_cell_selects_the_torch_layer(data, cell, kind):
    clf = RNNClassifier(cell=cell, **FAST).fit(*data)
    assert type(clf.module_.rnn) is kind


def test_architecture_parameters_shape_the_network(data):
    params = {**FAST, "hidden_size": 5}
    clf = RNNClassifier(num_layers=3, bidirectional=True, dropout=0.2, **params)
    rnn = clf.fit(*data).module_.rnn
    assert (rnn.hidden_size, rnn.num_layers, rnn.bidirectional) == (5, 3, True)
    assert rnn.dropout == 0.2
    assert clf.module_.head.in_features == 10


def test_nonlinearity_reaches_the_vanilla_rnn(data):
    clf = RNNClassifier(cell="rnn", nonlinearity="relu", **FAST).fit(*data)
    assert clf.module_.rnn.nonlinearity == "relu"


@pytest.mark.parametrize(
    "optimizer", ["adam", "adamw", "sgd", "rmsprop", torch.optim.Adagrad]
)
def test_optimizer_by_name_or_class(data, optimizer):
    clf = RNNClassifier(optimizer=optimizer, weight_decay=0.01, lr=0.01, **FAST)
    clf.fit(*data)
    expected = {"adam": "Adam", "adamw": "AdamW", "sgd": "SGD", "rmsprop": "RMSprop"}
    name = expected.get(optimizer, "Adagrad")
    assert type(clf.net_.optimizer_).__name__ == name
    assert clf.net_.optimizer_.param_groups[0]["weight_decay"] == 0.01
    assert clf.net_.optimizer_.param_groups[0]["lr"] == 0.01


def test_lr_and_max_epochs_and_batch_size(data):
    clf = RNNClassifier(**{**FAST, "max_epochs": 4, "batch_size": 25}).fit(*data)
    assert clf.n_iter_ == 4
    assert len(clf.history_) == 4
    assert [len(row["batches"]) for row in clf.net_.history] == [3] * 4
    frozen = RNNClassifier(**{**FAST, "lr": 1e-12}).fit(*data)
    moved = RNNClassifier(**{**FAST, "lr": 1e-1}).fit(*data)
    init = RNNClassifier(**{**FAST, "max_epochs": 1, "lr": 1e-30}).fit(*data)
    for a, b in zip(_params(frozen.module_), _params(init.module_), strict=True):
        assert_allclose(a, b, atol=1e-8)
    assert any(
        not torch.allclose(a, b)
        for a, b in zip(_params(moved.module_), _params(init.module_), strict=True)
    )


def test_clip_grad_norm_bounds_each_sgd_step(data):
    start = RNNClassifier(**{**FAST, "max_epochs": 1, "lr": 1e-30}, optimizer="sgd")
    start.fit(*data)
    clipped = RNNClassifier(
        **{**FAST, "max_epochs": 1, "lr": 1.0}, optimizer="sgd", clip_grad_norm=1e-3
    ).fit(*data)
    free = RNNClassifier(
        **{**FAST, "max_epochs": 1, "lr": 1.0}, optimizer="sgd", clip_grad_norm=None
    ).fit(*data)

    def distance(clf):
        pairs = zip(_params(clf.module_), _params(start.module_), strict=True)
        return float(torch.sqrt(sum(((a - b) ** 2).sum() for a, b in pairs)))

    steps = len(clipped.net_.history[-1]["batches"])
    assert distance(clipped) <= steps * 1e-3 * 1.01
    assert distance(free) > steps * 1e-3 * 10


class _Snapshots(Callback):
    """Keep a copy of the weights after every epoch."""

    def initialize(self):
        self.states = []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.states.append(copy.deepcopy(net.module_.state_dict()))


def test_early_stopping_stops_and_restores_the_best_weights():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 5, 1))
    y = rng.randint(0, 2, size=120)  # nothing to learn: validation loss rises
    snapshots = _Snapshots()
    clf = RNNClassifier(
        **{**FAST, "max_epochs": 60, "lr": 0.05, "hidden_size": 16},
        early_stopping=True,
        n_iter_no_change=3,
        validation_fraction=0.25,
        callbacks=[snapshots],
    ).fit(X, y)
    assert clf.n_iter_ < 60
    valid = [row["valid_loss"] for row in clf.history_]
    best = int(np.argmin(valid))
    assert clf.n_iter_ == best + 1 + 3
    for name, value in clf.module_.state_dict().items():
        assert torch.equal(value, snapshots.states[best][name])
    held_out = sum(clf.net_.history[0, "batches", :, "valid_batch_size"])
    assert held_out == 30


def test_tol_sets_what_counts_as_improvement(data):
    clf = RNNClassifier(
        **{**FAST, "max_epochs": 50}, early_stopping=True, n_iter_no_change=2, tol=1e6
    ).fit(*data)
    assert clf.n_iter_ == 3


def test_early_stopping_split_is_stratified():
    X = np.random.RandomState(0).normal(size=(50, 4))
    y = np.array([0] * 40 + [1] * 10)
    clf = RNNClassifier(**FAST, early_stopping=True, validation_fraction=0.2)
    clf.fit(X, y)
    assert sum(clf.net_.history[0, "batches", :, "valid_batch_size"]) == 10


def test_device_auto_and_cpu(data):
    assert RNNClassifier(**FAST).fit(*data).device_ == torch.device(
        "cuda" if torch.cuda.is_available() else "cpu"
    )
    clf = RNNClassifier(device="cpu", **FAST).fit(*data)
    assert clf.device_ == torch.device("cpu")
    assert next(clf.module_.parameters()).device.type == "cpu"


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_device(data):
    clf = RNNClassifier(device="cuda", **FAST).fit(*data)
    assert next(clf.module_.parameters()).device.type == "cuda"
    assert clf.predict(data[0]).shape == (60,)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_random_state_makes_fits_reproducible(ragged):
    X, y = ragged
    params = {**FAST, "dropout": 0.3, "num_layers": 2, "early_stopping": True}
    a = RNNClassifier(**params).fit(X, y).predict_proba(X)
    b = RNNClassifier(**params).fit(X, y).predict_proba(X)
    c = RNNClassifier(**{**params, "random_state": 1}).fit(X, y).predict_proba(X)
    assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_random_state_leaves_the_global_torch_rng_alone(data):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    RNNClassifier(**FAST).fit(*data)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_verbose_levels(data, capsys):
    RNNClassifier(**FAST, verbose=0).fit(*data)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    RNNClassifier(**FAST, verbose=1, early_stopping=True).fit(*data)
    out = capsys.readouterr().out
    assert "train_loss" in out and "valid_loss" in out
    RNNClassifier(**FAST, verbose=2).fit(*data)
    assert "train_loss" in capsys.readouterr().out


def test_user_callbacks_are_called(data):
    snapshots = _Snapshots()
    RNNClassifier(**FAST, callbacks=[snapshots]).fit(*data)
    assert len(snapshots.states) == FAST["max_epochs"]


def test_skorch_callbacks_on_the_validation_loss_need_early_stopping(data):
    from skorch.callbacks import EarlyStopping

    clf = RNNClassifier(**FAST, callbacks=[("stop", EarlyStopping())])
    with pytest.raises(ValueError, match=r"callbacks\[0\].*'valid_loss'.*early_stopp"):
        clf.fit(*data)
    assert not hasattr(clf, "net_")
    clf.set_params(early_stopping=True).fit(*data)
    assert "valid_loss" in clf.history_[-1]
    RNNClassifier(**FAST, callbacks=[EarlyStopping(monitor="train_loss")]).fit(*data)


def test_warm_start_continues_training(data):
    clf = RNNClassifier(**FAST, warm_start=True).fit(*data)
    first = _params(clf.module_)
    clf.fit(*data)
    assert clf.n_iter_ == 2 * FAST["max_epochs"]
    assert any(
        not torch.equal(a, b) for a, b in zip(first, _params(clf.module_), strict=True)
    )
    cold = RNNClassifier(**FAST).fit(*data).fit(*data)
    assert cold.n_iter_ == FAST["max_epochs"]


def test_warm_start_refuses_a_changed_architecture(data):
    clf = RNNClassifier(**FAST, warm_start=True).fit(*data)
    clf.set_params(hidden_size=3)
    with pytest.raises(ValueError, match="hidden_size changed"):
        clf.fit(*data)


def test_partial_fit_runs_one_epoch_per_call(data):
    X, y = data
    clf = RNNClassifier(**FAST)
    clf.partial_fit(X[:30], y[:30], classes=[0, 1, 2])
    clf.partial_fit(X[30:], y[30:])
    assert clf.n_iter_ == 2
    assert_array_equal(clf.classes_, [0, 1, 2])
    with pytest.raises(ValueError, match="not seen in the first fit"):
        clf.partial_fit(X[:5], np.full(5, 7))
    reg = RNNRegressor(**FAST).partial_fit(X, X.sum(axis=(1, 2)))
    assert reg.n_iter_ == 1


def test_class_weight_favours_the_minority_class():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 4, 1))
    y = (rng.uniform(size=200) < 0.1).astype(int)  # labels carry no signal
    params = {**FAST, "max_epochs": 10, "lr": 0.01}
    plain = RNNClassifier(**params).fit(X, y).predict(X)
    balanced = RNNClassifier(**params, class_weight="balanced").fit(X, y).predict(X)
    heavy = RNNClassifier(**params, class_weight={0: 1, 1: 100}).fit(X, y).predict(X)
    assert balanced.mean() > plain.mean()
    assert heavy.mean() > 0.9


def test_sample_weight(data):
    X, y = data
    ones = RNNClassifier(**FAST).fit(X, y, sample_weight=np.ones(60)).predict_proba(X)
    none = RNNClassifier(**FAST).fit(X, y).predict_proba(X)
    assert_allclose(ones, none)
    # Ignoring every sample of class 1 leaves a model that predicts class 0.
    params = {**FAST, "max_epochs": 10, "lr": 0.01}
    only_zeros = RNNClassifier(**params).fit(X, y, sample_weight=(y == 0).astype(float))
    assert (only_zeros.predict(X) == 0).all()


def test_regressor_scale_y_restores_units():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(300, 5))
    y = 1000 + 500 * X.sum(axis=1)
    params = {**FAST, "max_epochs": 30, "lr": 0.01}
    scaled = RNNRegressor(**params).fit(X, y)
    assert scaled.score(X, y) > 0.8
    assert abs(scaled.predict(X).mean() - y.mean()) < 0.1 * y.std()
    raw = RNNRegressor(**params, scale_y=False).fit(X, y)
    assert raw.score(X, y) < scaled.score(X, y)


def test_early_stopping_warns_when_max_epochs_cut_training_short(data):
    from sklearn.exceptions import ConvergenceWarning

    with pytest.warns(ConvergenceWarning, match="still improving"):
        RNNClassifier(**{**FAST, "max_epochs": 2}, early_stopping=True).fit(*data)


def test_a_fit_still_learning_when_max_epochs_ends_warns():
    from sklearn.exceptions import ConvergenceWarning

    rng = np.random.RandomState(0)
    X = rng.normal(size=(64, 5, 2)).astype(np.float32)
    y = X.sum(axis=(1, 2))
    with pytest.warns(ConvergenceWarning, match="training loss was still falling"):
        RNNRegressor(**{**FAST, "max_epochs": 4}).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        # A learning rate too small to move: nothing is still learning.
        RNNRegressor(**FAST, optimizer="sgd", lr=1e-12).fit(X, y)
        # partial_fit runs one epoch at a time: never a warning.
        RNNRegressor(**FAST).partial_fit(X, y)


def test_no_convergence_warning_once_the_loss_levels_off():
    from sklearn.exceptions import ConvergenceWarning

    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 20, 1)).astype(np.float32)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    with pytest.warns(ConvergenceWarning, match="still falling") as record:
        RNNClassifier(hidden_size=16, max_epochs=5, random_state=0).fit(X, y)
    assert record[0].filename == __file__  # points at the user's call
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        RNNClassifier(hidden_size=16, max_epochs=60, lr=1e-2, random_state=0).fit(X, y)
