"""The life of a model in a user's hands: warm start, partial_fit, refit, reload.

Each test is written as a user would hit the case (SPEC 2.1, lifecycle
rules); none mocks the failure away.
"""

import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import BATCH_TOL, FAST
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback

from sklearn_rnn import (
    NonFiniteLossError,
    RNNClassifier,
    RNNRegressor,
    SequencePadder,
    SequenceScaler,
    TextTokenizer,
)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5, 2)).astype(np.float32)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    return X, y


class EpochCounter(Callback):
    def initialize(self):
        self.epochs = 0
        return self

    def on_epoch_end(self, net, **kwargs):
        self.epochs += 1


# ------------------------------------------------------- 1. text pipelines
def test_text_pipeline_predicts_words_a_truncating_padder_hid_in_fit():
    texts = ["a b", "a c d e f g h z", "b a", "c d e", "d e c", "a a b"]
    labels = [0, 1, 0, 1, 1, 0]
    pipe = make_pipeline(
        TextTokenizer(),
        SequencePadder(maxlen=3, truncating="post"),
        RNNClassifier(embedding_dim=4, **FAST),
    )
    pipe.fit(texts, labels)
    clf = pipe[-1]
    # "h" and "z" are in the tokenizer's vocabulary, but the padder cut them.
    assert pipe[0].vocabulary_["z"] >= clf.vocabulary_size_
    pred = pipe.predict(["h is here z"])
    assert pred.shape == (1,)
    # Unknown ids are read as the OOV id 1.
    oov = clf.predict_proba([[1, 1, 1]])
    assert_allclose(clf.predict_proba([[clf.vocabulary_size_ + 5] * 3]), oov)


def test_negative_and_non_integer_ids_stay_errors():
    clf = RNNClassifier(embedding_dim=2, **FAST).fit([[2, 3], [3, 4]], [0, 1])
    with pytest.raises(ValueError, match=">= 0"):
        clf.predict([[2, -1]])
    with pytest.raises(ValueError, match="integer"):
        clf.predict(np.array([[2.5, 3.0]]))


# --------------------------------------------------------- 2. warm start
def test_warm_start_can_turn_early_stopping_off_and_on(data):
    X, y = data
    clf = RNNClassifier(**FAST, early_stopping=True, warm_start=True).fit(X, y)
    assert "valid_loss" in clf.history_[-1]
    clf.set_params(early_stopping=False).fit(X, y)
    assert "valid_loss" not in clf.history_[-1]
    assert clf.n_iter_ == 6
    clf.set_params(early_stopping=True, n_iter_no_change=1, tol=10.0, max_epochs=50)
    clf.fit(X, y)
    assert "valid_loss" in clf.history_[-1]
    assert clf.n_iter_ == 6 + 2  # stopping is installed again


@pytest.mark.parametrize(
    "params, check",
    [
        ({"batch_size": 7}, lambda net: net.batch_size == 7),
        ({"lr": 0.05}, lambda net: net.optimizer_.param_groups[0]["lr"] == 0.05),
        (
            {"optimizer": "sgd"},
            lambda net: isinstance(net.optimizer_, torch.optim.SGD),
        ),
        (
            {"weight_decay": 0.5},
            lambda net: net.optimizer_.param_groups[0]["weight_decay"] == 0.5,
        ),
        ({"verbose": 1}, lambda net: net.verbose == 1),
        ({"precision": "bf16"}, lambda net: net.precision == "bf16"),
    ],
)
def test_warm_start_applies_changed_training_parameters(data, params, check, capsys):
    X, y = data
    clf = RNNClassifier(**FAST, warm_start=True).fit(X, y)
    clf.set_params(**params).fit(X, y)
    assert check(clf.net_)
    assert clf.n_iter_ == 6


class GradNormRecorder(Callback):
    """Records the gradient norm each batch steps with (after clipping)."""

    def initialize(self):
        self.norms = []
        return self

    def on_grad_computed(self, net, named_parameters, **kwargs):
        grads = [p.grad for _, p in named_parameters if p.grad is not None]
        self.norms.append(float(torch.nn.utils.get_total_norm(grads)))


def test_warm_start_applies_a_changed_clip_grad_norm(data):
    X, y = data
    clf = RNNClassifier(**FAST, lr=0.05, warm_start=True).fit(X, y)
    recorder = GradNormRecorder()
    clf.set_params(clip_grad_norm=1e-3, callbacks=[recorder]).fit(X, y)
    assert max(recorder.norms) <= 1e-3 * (1 + 1e-4)
    clf.set_params(clip_grad_norm=None).fit(X, y)
    assert max(recorder.norms) > 1e-3  # unclipped again


def test_warm_start_applies_new_callbacks(data):
    X, y = data
    counter = EpochCounter()
    clf = RNNClassifier(**FAST, warm_start=True).fit(X, y)
    clf.set_params(callbacks=[counter]).fit(X, y)
    assert counter.epochs == FAST["max_epochs"]


def test_partial_fit_applies_changed_parameters(data):
    X, y = data
    clf = RNNClassifier(**FAST).partial_fit(X, y)
    clf.set_params(lr=0.2, batch_size=5).partial_fit(X, y)
    assert clf.net_.optimizer_.param_groups[0]["lr"] == 0.2
    assert clf.net_.batch_size == 5


def test_partial_fit_validates_parameters_on_every_call(data):
    X, y = data
    clf = RNNClassifier(**FAST).partial_fit(X, y)
    with pytest.raises(ValueError, match="lr"):
        clf.set_params(lr=-1.0).partial_fit(X, y)
    with pytest.raises(ValueError, match="batch_size"):
        clf.set_params(lr=0.01, batch_size=0).partial_fit(X, y)


def test_warm_start_refuses_a_changed_architecture_and_keeps_the_model(data):
    X, y = data
    clf = RNNClassifier(**FAST, warm_start=True).fit(X, y)
    before = clf.predict_proba(X)
    with pytest.raises(ValueError, match="hidden_size"):
        clf.set_params(hidden_size=5).fit(X, y)
    assert_array_equal(clf.predict_proba(X), before)


def test_fit_without_warm_start_trains_from_scratch(data):
    X, y = data
    clf = RNNClassifier(**FAST).fit(X, y)
    first = clf.predict_proba(X)
    assert_array_equal(clf.fit(X, y).predict_proba(X), first)
    assert clf.n_iter_ == FAST["max_epochs"]


# ------------------------------------------------------ 3. partial_fit rules
def test_partial_fit_refuses_early_stopping(data):
    X, y = data
    with pytest.raises(ValueError, match="early_stopping"):
        RNNClassifier(**FAST, early_stopping=True).partial_fit(X, y)


def test_partial_fit_refuses_balanced_class_weight(data):
    X, y = data
    with pytest.raises(ValueError, match="balanced"):
        RNNClassifier(**FAST, class_weight="balanced").partial_fit(X, y)
    weights = {0: 1.0, 1: 3.0}
    clf = RNNClassifier(**FAST, class_weight=weights).partial_fit(X, y)
    assert clf.n_iter_ == 1


# ----------------------------------------------- 4. a failed refit is atomic
def _broken_refits(X, y):
    X4 = np.concatenate([X, X], axis=2)
    return [
        ("bad y", lambda est: est.fit(X4, y[:-1])),
        ("bad device", lambda est: est.set_params(device="bogus").fit(X4, y)),
        ("missing device", lambda est: est.set_params(device="cuda:7").fit(X4, y)),
        ("bad lr", lambda est: est.set_params(lr=-1.0).fit(X4, y)),
        ("nan in X", lambda est: est.fit(np.full_like(X4, np.nan), y)),
    ]


@pytest.mark.parametrize("case", range(5))
@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_a_failed_refit_leaves_the_previous_model(data, case, Estimator):
    X, y = data
    y_fit = np.where(y == 1, "yes", "no") if Estimator is RNNClassifier else y * 100.0
    if Estimator is RNNClassifier:
        y_new = np.where(y == 1, "up", "down")
    else:
        y_new = y * 1e4
    est = Estimator(**FAST).fit(X, y_fit)
    before = est.predict(X)
    state = {k: v for k, v in vars(est).items() if not k.endswith("net_")}
    name, refit = _broken_refits(X, y_new)[case]
    with pytest.raises(ValueError):
        refit(est)
    est.set_params(device="auto", lr=FAST.get("lr", 1e-3))
    assert_array_equal(est.predict(X), before), name
    assert est.n_features_in_ == 2
    assert set(vars(est)) >= set(state)


def test_a_failed_first_fit_leaves_the_estimator_unfitted(data):
    X, y = data
    clf = RNNClassifier(**FAST, device="bogus")
    with pytest.raises(ValueError, match="device"):
        clf.fit(X, y)
    assert not hasattr(clf, "classes_")
    assert not hasattr(clf, "n_features_in_")


def test_a_divergent_refit_keeps_the_previous_model(data):
    X, y = data
    y = y.astype(float)
    reg = RNNRegressor(**FAST).fit(X, y)
    before = reg.predict(X)
    reg.set_params(lr=1e38, optimizer="sgd", clip_grad_norm=1e30, scale_y=False)
    with pytest.raises(NonFiniteLossError, match="epoch"):
        reg.fit(X, y * 1e6)
    assert_array_equal(reg.predict(X), before)
    assert all(torch.isfinite(p).all() for p in reg.module_.parameters())


def test_a_divergent_first_fit_leaves_no_model(data):
    X, y = data
    reg = RNNRegressor(
        **FAST, lr=1e38, optimizer="sgd", clip_grad_norm=1e30, scale_y=False
    )
    with pytest.raises(NonFiniteLossError):
        reg.fit(X, y * 1e6)
    assert not hasattr(reg, "net_")


def test_a_failed_partial_fit_keeps_weights_and_history(data):
    X, y = data
    clf = RNNClassifier(**FAST).partial_fit(X, y)
    before = clf.predict_proba(X)
    with pytest.raises(ValueError, match="labels not seen"):
        clf.partial_fit(X, y + 5)
    assert clf.n_iter_ == 1
    assert_array_equal(clf.predict_proba(X), before)


def test_a_failed_warm_fit_restores_weights_optimizer_and_history(data):
    X, y = data
    reg = RNNRegressor(**FAST, warm_start=True, optimizer="sgd").fit(X, y * 1.0)
    before = reg.predict(X)
    reg.set_params(lr=1e38, clip_grad_norm=None, scale_y=False)
    with pytest.raises(NonFiniteLossError):
        reg.fit(X, y * 1e30)
    assert reg.n_iter_ == FAST["max_epochs"]
    assert_array_equal(reg.predict(X), before)
    # ... and training goes on from there once lr is sane again.
    reg.set_params(lr=1e-3).fit(X, y * 1.0)
    assert reg.n_iter_ == 2 * FAST["max_epochs"]


def test_a_failed_refit_on_new_token_ids_keeps_the_vocabulary():
    X = [[2, 3, 4], [4, 3], [2, 2, 5]]
    clf = RNNClassifier(embedding_dim=3, **FAST).fit(X, [0, 1, 0])
    before = clf.predict_proba(X)
    with pytest.raises(ValueError):
        clf.fit([[2, 90], [91, 3], [4, 99]], [0, 1])
    assert clf.vocabulary_size_ == 6
    assert_array_equal(clf.predict_proba(X), before)


# ------------------------------------------------ 5. GPU-trained, CPU-loaded
def _pickled_as_on_a_gpu(clf, monkeypatch) -> bytes:
    """Pickle ``clf`` the way a fit with ``device="cuda"`` leaves it.

    The estimator asks for "cuda", its net lives on "cuda", and every tensor
    storage in the file is tagged "cuda:0", as torch writes them from a GPU;
    only the numbers were computed on the CPU. Loading then takes skorch's
    and torch's real remapping path on a machine without CUDA.
    """
    clf.set_params(device="cuda")
    clf._device_param = "cuda"
    clf.device_ = torch.device("cuda")
    clf.net_.device = "cuda"
    with monkeypatch.context() as patch:
        patch.setattr(torch.serialization, "location_tag", lambda storage: "cuda:0")
        return pickle.dumps(clf)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks a CPU-only machine")
def test_a_model_trained_on_cuda_keeps_training_on_a_cpu_only_machine(
    data, monkeypatch
):
    X, y = data
    clf = RNNClassifier(**FAST).fit(X, y)
    clf.partial_fit(X, y)  # the optimizer has state to move too
    expected = clf.predict_proba(X)
    payload = _pickled_as_on_a_gpu(clf, monkeypatch)
    with pytest.warns(Warning, match="(?i)cuda"):  # skorch: loading on the CPU
        loaded = pickle.loads(payload)
    assert loaded.device == "cuda"
    assert loaded.device_ == torch.device("cpu")
    assert_allclose(loaded.predict_proba(X), expected, rtol=1e-6)
    epochs = loaded.n_iter_
    loaded.partial_fit(X, y)
    loaded.set_params(warm_start=True, max_epochs=2).fit(X, y)
    assert loaded.n_iter_ == epochs + 3
    assert loaded.device_ == torch.device("cpu")
    # Asking for CUDA again is explicit: a new network needs a real device.
    with pytest.raises(ValueError, match="CUDA is not available"):
        loaded.set_params(warm_start=False).fit(X, y)
    assert loaded.n_iter_ == epochs + 3
    # device="auto" trains from scratch on what this machine has.
    assert loaded.set_params(device="auto").fit(X, y).device_.type == "cpu"


GPU_PICKLE = Path(__file__).parent / "data" / "cuda_trained_classifier.pkl"


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks a CPU-only machine")
def test_a_model_written_on_an_h200_keeps_training_on_a_cpu_only_machine():
    """The file was written by a fit with device="cuda" on an NVIDIA H200."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skorch: CUDA missing, loading on cpu
        payload = pickle.loads(GPU_PICKLE.read_bytes())
    clf, X, y = payload["model"], payload["X"], payload["y"]
    assert clf.device == "cuda"
    assert clf.device_ == torch.device("cpu")
    # TF32 on the GPU: a GPU-trained model predicts within 2e-4 on the CPU.
    assert_allclose(clf.predict_proba(X), payload["proba"], atol=2e-4)
    epochs = clf.n_iter_
    clf.partial_fit(X, y)
    clf.set_params(warm_start=True, max_epochs=2).fit(X, y)
    assert clf.n_iter_ == epochs + 3
    assert clf.device_ == torch.device("cpu")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_loaded_on_a_gpu_runs_without_weight_layout_warnings(data):
    X, y = data
    clf = RNNClassifier(**FAST, device="cuda").fit(X, y)
    loaded = pickle.loads(pickle.dumps(clf))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded.predict_proba(X)
        loaded.partial_fit(X, y)


# ---------------------------------------------- 6. transformers keep the kind
def test_scaler_in_a_pipeline_on_a_series_of_arrays(ragged):
    import pandas as pd

    X, y = ragged
    series = pd.Series(X)
    pipe = make_pipeline(SequenceScaler(), RNNClassifier(**FAST)).fit(series, y)
    assert pipe.predict(series).shape == (len(X),)


# ------------------------------------------------------------ 7. mask_value
@pytest.mark.parametrize("mask_value", [0.0, -1.0, np.nan])
@pytest.mark.parametrize("padding", ["post", "pre"])
def test_mask_value_makes_padded_floats_equal_the_ragged_list(
    ragged, mask_value, padding
):
    X, y = ragged
    X = [x + 5.0 for x in X]  # keep real values away from the mask value
    clf = RNNClassifier(**FAST, mask_value=mask_value, pooling="mean").fit(X, y)
    padded = SequencePadder(padding=padding, value=mask_value).fit_transform(X)
    assert_allclose(clf.predict_proba(padded), clf.predict_proba(X), **BATCH_TOL)
    # ... and training on the padded array is training on the sequences.
    clf2 = RNNClassifier(**FAST, mask_value=mask_value, pooling="mean")
    clf2.fit(padded, y)
    assert_allclose(clf2.predict_proba(X), clf.predict_proba(X), rtol=1e-4)


def test_nan_padded_wide_table_is_read_as_ragged():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 6))
    X[::2, 4:] = np.nan
    y = np.arange(20) % 2
    reg = RNNRegressor(**FAST, mask_value=np.nan).fit(X, y)
    assert reg.n_features_in_ == 6
    # The same rows pre-padded instead of post-padded: the same predictions.
    pre = np.array([np.roll(row, int(np.isnan(row).sum())) for row in X])
    assert np.isnan(pre[0, :2]).all()
    assert_allclose(reg.predict(pre), reg.predict(X), **BATCH_TOL)


def test_mask_value_only_strips_the_ends():
    clf = RNNRegressor(**FAST, mask_value=0.0, pooling="mean")

    def seqs(*rows):
        return [np.array(row, dtype=float)[:, None] for row in rows]

    clf.fit(seqs([1.0, 0.0, 2.0], [0.0, 0.0, 3.0]), [1.0, 2.0])
    # the 0 inside the first sequence is data, so it differs from [1, 2]
    inner = clf.predict(seqs([1.0, 0.0, 2.0], [1.0, 2.0]))
    assert not np.isclose(inner[0], inner[1])
    ends = clf.predict(seqs([0.0, 0.0, 3.0], [3.0], [3.0, 0.0]))
    assert_allclose(ends, ends[0], **BATCH_TOL)


# ----------------------------------------------------------- guardrails
def test_integer_input_without_embedding_dim_warns():
    X = np.array([[2, 3, 4, 0], [5, 2, 0, 0], [3, 3, 3, 3]])
    with pytest.warns(UserWarning, match="embedding_dim"):
        RNNClassifier(**FAST).fit(X, [0, 1, 0])


def test_nan_padded_table_error_points_to_mask_value():
    X = np.ones((4, 5))
    X[0, 3:] = np.nan
    with pytest.raises(ValueError, match="mask_value=np.nan"):
        RNNRegressor(**FAST).fit(X, np.arange(4.0))


def test_predicting_one_sequence_array_hints_to_wrap_it(ragged):
    X, y = ragged
    clf = RNNClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match=r"predict\(\[x\]\)"):
        clf.predict(X[3])


def test_history_holds_plain_python_numbers(data):
    X, y = data
    history = RNNClassifier(**FAST, early_stopping=True).fit(X, y).history_
    assert {type(v) for row in history for v in row.values()} <= {int, float}


def test_sample_weight_is_routed_inside_a_pipeline_under_cross_validate(data):
    import sklearn
    from sklearn.model_selection import cross_validate

    X, y = data
    weight = np.where(y == 1, 3.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = RNNClassifier(**FAST).set_fit_request(sample_weight=True)
        clf.set_score_request(sample_weight=True)
        pipe = make_pipeline(SequenceScaler(), clf)
        scores = cross_validate(
            pipe, X, y, cv=2, params={"sample_weight": weight}, return_estimator=True
        )
        unweighted = cross_validate(
            make_pipeline(SequenceScaler(), RNNClassifier(**FAST)),
            X,
            y,
            cv=2,
            return_estimator=True,
        )
    assert np.isfinite(scores["test_score"]).all()
    fitted = scores["estimator"][0][-1]
    plain = unweighted["estimator"][0][-1]
    assert not np.allclose(fitted.predict_proba(X), plain.predict_proba(X))


def test_verbose_log_is_plain_text_and_names_the_estimator(data, capsys):
    X, y = data
    clf = RNNClassifier(**FAST, verbose=1, warm_start=True).fit(X, y)
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    assert out.splitlines()[0].startswith("RNNClassifier(")
    assert "train_loss" in out
    clf.set_params(verbose=0).fit(X, y)
    assert capsys.readouterr().out == ""
    clf.set_params(verbose=1, lr=0.01).fit(X, y)
    assert "lr=0.01" in capsys.readouterr().out
