"""The shared estimator: parameters, the fit skeleton and inference, once.

The public estimators add a scikit-learn mixin and override a few hooks:
``_prepare_target`` (y -> float/int array and per-sample weights),
``_criterion``, ``_n_outputs``, ``_stratify``, and ``_encode``/``_decode``
(what the network sees of each sequence, and back).
"""

from __future__ import annotations

import copy
import inspect
import threading
import warnings
from contextlib import contextmanager
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
import torch
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, _num_samples, check_is_fitted

from ._data import SequenceDataset
from ._device import check_precision, resolve_device
from ._modules import CELLS, POOLINGS
from ._net import (
    OPTIMIZERS,
    HoldOut,
    NonFiniteLossError,
    _unnamed,
    as_python,
    build_net,
    check_callbacks,
    update_net,
)
from ._sequences import Sequences
from ._validation import check_sequences
from ._warnings import user_stacklevel

# Parameters that shape the network: changing one makes warm starts impossible.
_MODULE_PARAMS = (
    "cell",
    "hidden_size",
    "num_layers",
    "bidirectional",
    "dropout",
    "nonlinearity",
    "embedding_dim",
    "pooling",
)


# A fit whose last two epochs brought more than this share of all the fall
# of its training loss was still learning when max_epochs ended it.
_STILL_LEARNING = 0.05
# An embedding larger than this is refused: ids that imply it are not dense.
_MAX_EMBEDDING_BYTES = 2 * 2**30


def _as_number(value):
    return int(value) if isinstance(value, Integral) else float(value)


class _Snapshot:
    """The estimator's state before a fit, to put back if the fit raises.

    Attributes are restored as they were; a network trained further in place
    (warm start, ``partial_fit``) gets its weights, optimizer state, settings
    and history back.
    """

    def __init__(self, estimator) -> None:
        self.estimator = estimator
        self.state = dict(vars(estimator))
        self.net = estimator.__dict__.get("net_")
        if self.net is not None:
            self.net_state = dict(vars(self.net))
            self.weights = copy.deepcopy(self.net.module_.state_dict())
            self.optimizer = copy.deepcopy(self.net.optimizer_.state_dict())
            self.epochs = len(self.net.history)

    def restore(self) -> None:
        vars(self.estimator).clear()
        vars(self.estimator).update(self.state)
        if self.net is None:
            return
        net = self.net
        vars(net).clear()
        vars(net).update(self.net_state)
        net.module_.to(net.device)
        net.module_.load_state_dict(self.weights)
        net.optimizer_.load_state_dict(self.optimizer)
        del net.history[self.epochs :]


# torch's RNG is global to the process: fits in threads (joblib's threading
# backend, dask's default scheduler) take turns, or each would reseed and
# restore the RNG under the others and no seed would reproduce its fit.
_RNG_LOCK = threading.RLock()


@contextmanager
def _seeded(seed: int, device: torch.device):
    """Seed torch for the duration of a fit without touching the caller's RNG."""
    devices = [device] if device.type == "cuda" else []
    with _RNG_LOCK, torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


class BaseRNNEstimator(BaseEstimator):
    """Shared logic of the recurrent estimators. Not for direct use."""

    _parameter_constraints: dict = {
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "nonlinearity": [StrOptions({"tanh", "relu"})],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "pooling": [StrOptions(set(POOLINGS))],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(OPTIMIZERS)), type],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "device": [str, torch.device],
        "precision": [StrOptions({"32", "bf16"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "warm_start": ["boolean"],
        "mask_value": [Real, None],
    }

    def _store_params(self, params: dict) -> None:
        """Store constructor arguments verbatim (scikit-learn's rule).

        Each public estimator spells out its keyword-only signature and
        calls this with ``locals()``.
        """
        for name, value in params.items():
            if name not in ("self", "__class__"):
                setattr(self, name, value)

    # ------------------------------------------------------------------ hooks
    def _prepare_target(self, y, sample_weight: np.ndarray, *, first: bool, **kwargs):
        """Return ``(y for the loss, per-sample weights)``.

        ``sample_weight`` is the validated user weight (ones by default); the
        hook may fold class weights into it.
        """
        raise NotImplementedError

    def _criterion(self) -> torch.nn.Module:
        """The loss, with ``reduction="none"`` (weights are applied later)."""
        raise NotImplementedError

    def _n_outputs(self) -> int:
        raise NotImplementedError

    def _fit_input_statistics(self, seqs: Sequences, weight: np.ndarray) -> None:
        """Learn statistics of ``X`` in a first fit (``scale_X``); none here.

        ``weight`` is the validated ``sample_weight`` (largest 1).
        """

    def _input_standardization(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Per-feature ``(mean, scale)`` each batch is standardised by, or None."""
        return None

    def _dataset(self, seqs: Sequences, y=None, weight=None) -> SequenceDataset:
        """The encoded sequences (with targets and weights) as the net reads them."""
        return SequenceDataset(
            seqs, y, weight, standardize=self._input_standardization()
        )

    def _encode(self, seqs: Sequences, y, *, first: bool):
        """The network's view of validated sequences and prepared targets.

        Identity here; the forecaster crops and rescales each window.
        ``y`` is None at predict.
        """
        return seqs, y

    def _decode(self, out: np.ndarray, seqs: Sequences) -> np.ndarray:
        """Map network outputs for ``seqs`` (as validated) back; see ``_encode``."""
        return out

    def _stratify(self, y: np.ndarray) -> np.ndarray | None:
        """Labels to stratify the early-stopping split on, or None."""
        return None

    # -------------------------------------------------------------- training
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self, X: Any, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> BaseRNNEstimator:
        """Train the network on sequences ``X`` and targets ``y``.

        With ``warm_start=False`` a new network is trained from scratch; with
        ``warm_start=True`` a fitted network trains ``max_epochs`` more
        epochs. A fit that raises leaves the estimator as it was before.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps) or (n_samples, n_steps, \
n_features), or list of array-like
            Sequences in any format of the input-format table of the docs:
            2-D univariate, 3-D multivariate, a list of ``(T_i,)`` or
            ``(T_i, F)`` arrays of different lengths, or token ids when
            ``embedding_dim`` is set.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Labels for the classifier, real values for the regressor.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss; None weighs them equally.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        first = not (self.warm_start and self.__sklearn_is_fitted__())
        return self._train(X, y, sample_weight, first=first, epochs=self.max_epochs)

    def partial_fit(
        self, X: Any, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> BaseRNNEstimator:
        """Train for one more epoch on ``X, y``, starting a network if needed.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences, in the layout of the first fit.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss.

        Returns
        -------
        self : object
            The estimator, trained one epoch more.
        """
        return self._partial_fit(X, y, sample_weight)

    def _partial_fit(self, X, y, sample_weight=None, **target_kwargs):
        self._validate_params()
        if self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: each call is "
                "one epoch on the data it is given, and holding out a share of "
                "every call would silently drop it from training. Use fit, or "
                "set early_stopping=False."
            )
        first = not self.__sklearn_is_fitted__()
        return self._train(X, y, sample_weight, first=first, epochs=1, **target_kwargs)

    def _train(self, X, y, sample_weight, *, first: bool, epochs: int, **target_kwargs):
        """Run one fit; on any error restore the estimator as it was."""
        snapshot = _Snapshot(self)
        try:
            self._train_steps(X, y, sample_weight, first, epochs, target_kwargs)
        except BaseException:
            snapshot.restore()
            raise
        return self

    def _train_steps(self, X, y, sample_weight, first, epochs, target_kwargs):
        self._check_optimizer()
        self._check_callback_monitors()
        self._check_no_bool_numbers()
        token_ids = self.embedding_dim is not None
        seqs, layout = check_sequences(
            self,
            X,
            reset=first,
            token_ids=token_ids,
            mask_value=None if token_ids else self.mask_value,
            layout=None if first else self._layout,
        )
        self._layout = layout
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        if isinstance(y, str):
            raise ValueError(
                f"y must be an array-like of targets; got the string {y!r}."
            )
        if _num_samples(y) != len(seqs):
            hint = ""
            if _num_samples(y) == 1:
                hint = (
                    ". If X is one sequence of shape (T, F), pass it in a list: "
                    "fit([x], y)"
                )
            elif _ids_per_target(X) == _num_samples(y):
                hint = (
                    ". X holds one row per time step of each first-level index "
                    "id (a long table, sktime's pd-multiindex); turn it into one "
                    "sequence per id with sklearn_rnn.sequences_from_frame(X)"
                )
            raise ValueError(
                "Found input variables with inconsistent numbers of samples: "
                f"[{len(seqs)}, {_num_samples(y)}]{hint}"
            )
        weight = _check_sample_weight(
            sample_weight,
            np.empty(len(seqs)),
            dtype=np.float64,
            ensure_non_negative=True,
        )
        # Only ratios matter: bring the largest weight to 1 so that sums and
        # means of huge weights cannot overflow.
        if weight.max() > 0:
            weight = weight / weight.max()
        if first:
            self._fit_input_statistics(seqs, weight)
        y, weight = self._prepare_target(y, weight, first=first, **target_kwargs)
        seqs, y = self._encode(seqs, y, first=first)
        if not weight.sum() > 0:
            raise ValueError(
                "The sample weights sum to zero (sample_weight multiplied by "
                "class_weight, where set); nothing to learn from."
            )
        weight = (weight / weight.mean()).astype(np.float32)
        if token_ids:
            if first:
                self.vocabulary_size_ = self._vocabulary_size(seqs)
            seqs = self._unknown_ids_as_oov(seqs)
        elif first and hasattr(self, "vocabulary_size_"):
            del self.vocabulary_size_
        module_kwargs = self._module_kwargs(seqs)
        if not first:
            self._check_warm_start(module_kwargs)
        device = self._training_device(first)
        check_precision(self.precision, device)
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        if not first:
            # Later partial_fit calls must not replay the first epoch's order.
            seed = (seed + len(self.net_.history)) % np.iinfo(np.int32).max
        split = (
            HoldOut(self.validation_fraction, seed, self._stratify(y))
            if self.early_stopping
            else None
        )
        with _seeded(seed, device):
            if first:
                self.net_ = build_net(
                    self,
                    module_kwargs=module_kwargs,
                    criterion=self._criterion(),
                    device=device,
                    train_split=split,
                )
                self._module_kwargs_ = module_kwargs
            else:
                update_net(self.net_, self, train_split=split)
                if device != torch.device(self.net_.device):
                    self.net_.move_to(device)
            done = len(self.net_.history)
            self.net_.partial_fit(self._dataset(seqs, y, weight), epochs=epochs)
        self.device_ = device
        self._device_param = self.device
        self._check_finite_weights()
        self._warn_if_unfinished(done, epochs)

    def _warn_if_unfinished(self, done: int, epochs: int) -> None:
        """``ConvergenceWarning`` when ``max_epochs`` ended a fit still learning.

        With early stopping: it never stopped. Without: over the last two
        epochs the training loss still fell by more than ``tol`` and by more
        than 5% of all it fell since the first epoch: a loss still on its
        way down (a steady creep included), not one levelling off near its
        floor (as ``MLPClassifier`` warns when ``max_iter`` ends first).
        """
        history = self.net_.history[done:]
        if len(history) != epochs or epochs < 2:
            return
        name = type(self).__name__
        if self.early_stopping:
            message = (
                f"{name} ran all max_epochs={epochs} epochs and the validation "
                "loss was still improving within the last "
                f"n_iter_no_change={self.n_iter_no_change} epochs; raise "
                "max_epochs (or lr) to let it converge."
            )
        elif epochs < 3:
            return
        else:
            first = history[0]["train_loss"]
            before, last = history[-3]["train_loss"], history[-1]["train_loss"]
            recent, total = before - last, first - last
            if not (recent > self.tol and recent > _STILL_LEARNING * total):
                return
            message = (
                f"{name} ran all max_epochs={epochs} epochs and the training loss "
                f"was still falling ({before:.4g} -> {last:.4g} over the last two "
                "epochs); raise max_epochs (or lr), or set early_stopping=True to "
                "stop when the validation loss stops improving."
            )
        warnings.warn(message, ConvergenceWarning, stacklevel=user_stacklevel())

    def _training_device(self, first: bool) -> torch.device:
        """Where this fit trains.

        A new network goes to ``device``. A network trained further stays
        where it is unless ``device`` was changed since: a model trained
        with ``device="cuda"`` and loaded on a CPU-only machine goes on
        training there (skorch mapped it to the CPU at load).
        """
        if first or self.device != getattr(self, "_device_param", self.device):
            return resolve_device(self.device)
        try:
            return resolve_device(self.device)
        except ValueError:
            return torch.device(self.net_.device)

    def _check_finite_weights(self) -> None:
        for name, param in self.net_.module_.named_parameters():
            if not torch.isfinite(param).all():
                raise NonFiniteLossError(
                    f"Training made the weights {name} NaN or infinite (the last "
                    "step was too large). The estimator was left as it was before "
                    f"this fit. Lower lr (now {self.lr}), set clip_grad_norm (now "
                    f"{self.clip_grad_norm}) to a smaller value, or scale the "
                    "inputs and targets."
                )

    def _check_no_bool_numbers(self) -> None:
        """``hidden_size=True`` is a mistake, not one unit (bool is an int)."""
        for name, constraints in self._parameter_constraints.items():
            value = getattr(self, name)
            numeric = any(
                isinstance(c, Interval) and c.type in (Integral, Real)
                for c in constraints
            )
            if numeric and isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name} must be a number; got {value!r}.")

    def _check_optimizer(self) -> None:
        if isinstance(self.optimizer, type) and not issubclass(
            self.optimizer, torch.optim.Optimizer
        ):
            raise TypeError(
                "optimizer must be 'adam', 'adamw', 'sgd', 'rmsprop' or a subclass "
                f"of torch.optim.Optimizer; got {self.optimizer!r}."
            )

    def _check_callback_monitors(self) -> None:
        # skorch's EarlyStopping and Checkpoint monitor "valid_loss" by
        # default; without a held-out set skorch fails after the first epoch
        # with a KeyError from its history.
        if self.early_stopping:
            return
        for i, item in enumerate(check_callbacks(self.callbacks)):
            monitor = getattr(_unnamed(item), "monitor", None)
            if isinstance(monitor, str) and monitor.startswith("valid_"):
                raise ValueError(
                    f"callbacks[{i}] ({type(_unnamed(item)).__name__}) monitors "
                    f"{monitor!r}, but with early_stopping=False no validation "
                    "set is held out. Set early_stopping=True (fit then holds "
                    "out validation_fraction of the rows), or have the callback "
                    "monitor the training loss ('train_loss', 'train_loss_best')."
                )

    def _module_kwargs(self, seqs: Sequences) -> dict:
        kwargs = {name: as_python(getattr(self, name)) for name in _MODULE_PARAMS}
        kwargs["input_size"] = 1 if self.embedding_dim else seqs.values.shape[-1]
        kwargs["output_size"] = self._n_outputs()
        kwargs["vocabulary_size"] = getattr(self, "vocabulary_size_", None)
        return kwargs

    def _check_warm_start(self, module_kwargs: dict) -> None:
        changed = [
            name
            for name, value in module_kwargs.items()
            if self._module_kwargs_.get(name) != value
        ]
        if changed:
            raise ValueError(
                f"Cannot continue training: {', '.join(changed)} changed since the "
                "network was built. Set warm_start=False to train a new network."
            )

    def _vocabulary_size(self, seqs: Sequences) -> int:
        """Rows of the embedding: the largest id seen plus one, if plausible."""
        largest = seqs.max_id()
        size = largest + 1
        n_bytes = size * int(self.embedding_dim) * 4
        if n_bytes > _MAX_EMBEDDING_BYTES:
            raise ValueError(
                f"X contains token id {largest}: an embedding for ids 0..{largest} "
                f"with embedding_dim={self.embedding_dim} would take "
                f"{n_bytes / 2**30:.1f} GiB. Token ids must be dense (0 = padding, "
                "1 = unknown, then 2, 3, ...): encode text with TextTokenizer, or "
                "renumber the ids (e.g. with np.unique(..., return_inverse=True))."
            )
        return size

    def _unknown_ids_as_oov(self, seqs: Sequences) -> Sequences:
        """Read ids the embedding never learnt as the OOV id 1 (SPEC 2.2)."""
        unknown = seqs.values >= self.vocabulary_size_
        if not unknown.any():
            return seqs
        values = np.where(unknown, 1, seqs.values)
        return Sequences(values, seqs.lengths, seqs.offsets)

    # ------------------------------------------------------------- inference
    def _forward(self, X) -> np.ndarray:
        """Validated raw network outputs, ``(n_samples, n_outputs)`` float32."""
        if not self.__sklearn_is_fitted__():
            check_is_fitted(self)  # raises scikit-learn's NotFittedError
        token_ids = self._module_kwargs_["embedding_dim"] is not None
        seqs, _ = check_sequences(
            self,
            X,
            reset=False,
            token_ids=token_ids,
            mask_value=None if token_ids else self.mask_value,
            layout=self._layout,
        )
        if token_ids:
            seqs = self._unknown_ids_as_oov(seqs)
        encoded, _ = self._encode(seqs, None, first=False)
        out = self.net_.predict_outputs(self._dataset(encoded))
        return self._decode(out, seqs)

    # ----------------------------------------------------- fitted attributes
    @property
    def module_(self) -> torch.nn.Module:
        return self.net_.module_

    @property
    def history_(self) -> list[dict]:
        # (our name, skorch's); the learning rate is what the schedule set.
        keys = (
            ("epoch", "epoch"),
            ("train_loss", "train_loss"),
            ("valid_loss", "valid_loss"),
            ("lr", "event_lr"),
            ("dur", "dur"),
        )
        # Plain Python numbers: skorch records numpy scalars.
        return [
            {ours: _as_number(row[theirs]) for ours, theirs in keys if theirs in row}
            for row in self.net_.history
        ]

    @property
    def n_iter_(self) -> int:
        return len(self.net_.history)

    def __sklearn_is_fitted__(self) -> bool:
        # Fitted means a network exists: a first fit that failed while
        # validating the data leaves n_features_in_ behind, but no net_.
        return hasattr(self, "net_")

    # Parameters added since a release whose default then was not today's:
    # a model pickled before they existed behaves as the old default.
    _legacy_defaults: dict = {}

    def __setstate__(self, state):
        # A model pickled before a parameter existed gets the value it
        # trained with: the old behaviour where it changed, else the default.
        for name, param in inspect.signature(type(self).__init__).parameters.items():
            if param.kind is param.KEYWORD_ONLY and name not in state:
                state[name] = self._legacy_defaults.get(name, param.default)
        super().__setstate__(state)
        # skorch maps a CUDA-trained net onto the CPU when CUDA is missing.
        if "net_" in state:
            self.device_ = torch.device(self.net_.device)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.required = True
        return tags


def _ids_per_target(X) -> int | None:
    """The number of first-level ids of a frame indexed by (id, time), or None."""
    index = getattr(X, "index", None)
    if isinstance(index, pd.MultiIndex) and index.nlevels == 2:
        return index.get_level_values(0).nunique()
    return None
