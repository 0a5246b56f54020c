"""The only skorch-aware code: the training engine behind every estimator.

skorch is extended, not re-implemented: the net overrides ``infer`` (the
batch is a dict of padded steps and lengths) and ``get_loss`` (per-sample
weights); gradient clipping with the non-finite guard is a callback on
``on_grad_computed``; batches come from :class:`SequenceLoader`; the
validation split is a ``train_split`` callable; training runs through
``NeuralNet.partial_fit``. One mapping, :func:`net_params`, turns estimator
parameters into net parameters, both to build a net and to update it
before every later fit, so any parameter changed with ``set_params`` takes
effect under warm start and ``partial_fit``.
"""

from __future__ import annotations

import re
import sys
from numbers import Integral

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from skorch import NeuralNet
from skorch.callbacks import (
    Callback,
    EarlyStopping,
    LRScheduler,
    PrintLog,
    ProgressBar,
)

from ._data import BucketBatchSampler, SequenceDataset, SequenceLoader
from ._modules import RNNNetwork

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}


# A data set is kept on a CUDA device when it takes at most this share of the
# device's free memory (the rest is left to activations and other work).
DEVICE_DATA_SHARE = 0.25


def is_cuda(device: torch.device | str) -> bool:
    """Whether ``device`` (a torch device or its name) is a CUDA device."""
    if isinstance(device, str):  # read on every predict: skip torch.device
        return device.startswith("cuda")
    return torch.device(device).type == "cuda"


def fits_on_device(device: torch.device | str, dataset: SequenceDataset) -> bool:
    """Whether ``dataset`` should live on ``device``.

    Only CUDA devices: on the CPU numpy cuts batches at least as fast, and
    other accelerators keep the host path until measured.
    """
    if not is_cuda(device):
        return False
    device = torch.device(device)
    free, _ = torch.cuda.mem_get_info(device)
    # Memory torch's caching allocator holds but does not use is free to us.
    free += torch.cuda.memory_reserved(device) - torch.cuda.memory_allocated(device)
    return dataset.nbytes <= DEVICE_DATA_SHARE * free


class NonFiniteLossError(ValueError):
    """Training produced a NaN or infinite loss, gradient or weight."""


class GradientGuard(Callback):
    """Clip the gradient norm and stop at the first non-finite gradient.

    A NaN or infinite loss makes the gradient non-finite too, so checking
    the gradient's norm before the optimizer step catches both, and names
    the epoch and batch. The estimator then restores its state from before
    the fit (see ``BaseRNNEstimator._train``). The norm that decides is the
    one clipping computes (``torch.nn.utils.clip_grad_norm_``; the norm
    alone when clipping is off), so each batch pays for one norm. It takes
    the place of skorch's ``GradientNormClipping``, which would compute a
    second one.
    """

    def __init__(self, clip_grad_norm: float | None = None) -> None:
        self.clip_grad_norm = clip_grad_norm

    def on_epoch_begin(self, net, **kwargs) -> None:
        self.batch_ = 0

    def on_batch_begin(self, net, training=False, **kwargs) -> None:
        if training:
            self.batch_ = getattr(self, "batch_", 0) + 1

    def on_grad_computed(self, net, named_parameters, **kwargs) -> None:
        params = [p for _, p in named_parameters if p.grad is not None]
        if not params:
            return
        max_norm = self.clip_grad_norm
        total_norm = getattr(torch.nn.utils, "get_total_norm", None)  # torch 2.6+
        if max_norm is None and total_norm is not None:
            norm = total_norm([p.grad for p in params])
        else:
            norm = torch.nn.utils.clip_grad_norm_(
                params, float("inf") if max_norm is None else max_norm
            )
        if not torch.isfinite(norm):
            raise NonFiniteLossError(
                f"Training stopped in epoch {len(net.history)}, batch "
                f"{self.batch_}: the loss or its gradient became NaN or infinite. "
                "The estimator was left as it was before this fit. Lower lr (now "
                f"{net.lr}), set clip_grad_norm (now {max_norm}) to a "
                "smaller value, or scale the inputs and targets."
            )


# Models pickled before clipping joined the guard name its old class.
NonFiniteGuard = GradientGuard


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class EpochLog(PrintLog):
    """skorch's per-epoch table, headed by the estimator it trains.

    The heading (the estimator's repr, which shows the parameters that
    differ from the defaults) says which candidate a table belongs to under
    ``GridSearchCV``; colour codes are kept for terminals only, so piped
    logs stay plain text.
    """

    def __init__(self, title: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.title = title

    def on_train_begin(self, net, **kwargs) -> None:
        if net.verbose and self.title:
            self._sink(self.title, net.verbose)
        self.rows_ = len(net.history)

    def on_epoch_end(self, net, **kwargs) -> None:
        super().on_epoch_end(net, **kwargs)
        self.rows_ = len(net.history)

    def on_train_end(self, net, **kwargs) -> None:
        # A callback that ends training (early stopping) interrupts the epoch
        # before this log, the last callback, prints its row: print it now.
        if len(net.history) > getattr(self, "rows_", len(net.history)):
            super().on_epoch_end(net, **kwargs)

    def format_row(self, row, key, color):
        text = super().format_row(row, key, color)
        if isinstance(text, str) and not _is_terminal():
            return _ANSI.sub("", text)
        return text


def _is_terminal() -> bool:
    return bool(getattr(sys.stdout, "isatty", lambda: False)())


class PlateauLR(LRScheduler):
    """skorch's ``LRScheduler`` with ``ReduceLROnPlateau``, for one fit.

    Each fit starts a new torch scheduler (from ``lr``). It holds the
    optimizer, so it is dropped when the fit ends: a pickled estimator then
    holds the optimizer once, and one trained on a GPU loads on a CPU.

    With ``restart=True``, when an epoch that halves the rate is a spike
    (its loss lies above the best by more than ``SPIKE`` of all the loss has
    fallen since the fit's first epoch), that epoch's loss becomes the loss
    to beat: a loss climbing back down after the jump counts as improving,
    so the rate is not halved again and again while the net recovers. On a
    levelled-off, noisy loss no halving is a spike, and the rules stay
    skorch's and torch's. ``restarted_`` says whether the last epoch
    restarted (read by :class:`PlateauStop`).
    """

    # A halving epoch is a spike above this share of the loss's fall so far.
    SPIKE = 0.05

    def __init__(
        self, monitor: str, patience: int, factor: float = 0.5, restart: bool = False
    ) -> None:
        super().__init__(
            policy=torch.optim.lr_scheduler.ReduceLROnPlateau,
            monitor=monitor,
            patience=patience,
            factor=factor,
        )
        self.restart = restart

    @property
    def kwargs(self) -> dict:
        # skorch passes every public attribute to the torch scheduler.
        return {k: v for k, v in super().kwargs.items() if k != "restart"}

    def on_train_begin(self, net, **kwargs) -> None:
        super().on_train_begin(net, **kwargs)
        self.restarted_ = False
        self.first_ = None

    def on_epoch_end(self, net, **kwargs) -> None:
        before = net.optimizer_.param_groups[0]["lr"]
        super().on_epoch_end(net, **kwargs)
        loss = float(net.history[-1, self.monitor])
        if self.first_ is None:
            self.first_ = loss
        halved = net.optimizer_.param_groups[0]["lr"] < before
        best = self.lr_scheduler_.best
        fallen = max(self.first_ - best, 0.0)
        self.restarted_ = self.restart and halved and loss - best > self.SPIKE * fallen
        if self.restarted_:
            self.lr_scheduler_.best = loss

    def on_train_end(self, net, **kwargs) -> None:
        self.lr_scheduler_ = None


class PlateauStop(EarlyStopping):
    """skorch's ``EarlyStopping``, restarted by the built-in schedule.

    With a ``schedule`` (:class:`PlateauLR`), a spike that made it halve
    the learning rate becomes the loss to beat: as for the schedule, a loss
    recovering from the jump counts as improving once it falls more than
    ``threshold`` below that epoch's loss. Epochs without improvement still
    add up, and a levelled-off loss has no spikes, so it stops the fit as
    before. Without a schedule it is skorch's class.
    """

    def __init__(self, *, schedule: PlateauLR | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.schedule = schedule

    def on_epoch_end(self, net, **kwargs) -> None:
        if self.schedule is not None and getattr(self.schedule, "restarted_", False):
            score = net.history[-1, self.monitor]
            if not self._is_score_improved(score):
                self.dynamic_threshold_ = self._calc_new_threshold(score)
        super().on_epoch_end(net, **kwargs)


class HoldOut:
    """skorch ``train_split``: hold out a share of the rows for validation.

    Parameters
    ----------
    fraction : float
        Share of the rows held out.
    seed : int
        Seed of the split.
    labels : ndarray or None
        Labels to stratify on (classifiers); None splits at random.
    """

    def __init__(self, fraction: float, seed: int, labels: np.ndarray | None = None):
        self.fraction = fraction
        self.seed = seed
        self.labels = labels

    def __call__(self, dataset: SequenceDataset, y=None, **kwargs):
        n = len(dataset)
        if n < 2:
            raise ValueError(
                "early_stopping=True needs at least 2 samples to hold out a "
                f"validation set; got {n}."
            )
        n_valid = int(np.ceil(self.fraction * n))
        if n_valid < 1 or n_valid >= n:
            raise ValueError(
                f"validation_fraction={self.fraction} of {n} samples leaves "
                f"{n - n_valid} for training and {n_valid} for validation; both "
                "need at least one. Choose a fraction between 1/n and 1 - 1/n."
            )
        rows = np.arange(n)
        try:
            train, valid = train_test_split(
                rows,
                test_size=self.fraction,
                random_state=self.seed,
                stratify=self.labels,
            )
        except ValueError:  # a class too small to stratify on
            train, valid = train_test_split(
                rows, test_size=self.fraction, random_state=self.seed
            )
        return dataset.subset(train), dataset.subset(valid)


class SequenceNet(NeuralNet):
    """skorch ``NeuralNet`` whose batches are padded sequences with lengths.

    The loss is weighted per sample: the target of a batch is the pair
    ``(y, sample_weight)``. ``precision="bf16"`` runs the module's forward
    pass under ``torch.autocast`` in bfloat16 (weights, gradients, the loss
    and the optimizer stay float32). On CUDA a data set that fits in a
    share of the free device memory is copied there once and its batches
    are cut there (:meth:`SequenceDataset.to_device`).
    """

    def __init__(self, *args, precision: str = "32", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.precision = precision

    def infer(self, x, **fit_params):
        inputs = x["x"].to(self.device, non_blocking=True)
        if self.precision == "32":
            return self.module_(inputs, x["lengths"])
        with torch.autocast(torch.device(self.device).type, dtype=torch.bfloat16):
            out = self.module_(inputs, x["lengths"])
        return out.float()

    def _set_training(self, training=True):
        # skorch calls this before every batch; walking the module tree to
        # set a mode it already has cost more than the optimizer's bookkeeping.
        modules = [self.module_, self.criterion_]
        if any(m.training != training for m in modules):
            super()._set_training(training)

    def get_iterator(self, dataset, training=False):
        prefix = "iterator_train" if training else "iterator_valid"
        self._place(dataset, self.get_params_for(prefix).get("num_workers", 0))
        return super().get_iterator(dataset, training)

    def _place(self, dataset: SequenceDataset, num_workers: int) -> None:
        """Copy ``dataset`` onto the net's device if it fits there.

        Not with loader workers: they would have to send device tensors
        between processes.
        """
        if dataset.resident or num_workers:
            return
        if fits_on_device(self.device, dataset):
            dataset.to_device(self.device)

    def __setstate__(self, state) -> None:
        state.setdefault("precision", "32")  # pickled before precision existed
        super().__setstate__(state)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y, weight = y_true
        loss = self.criterion_(y_pred, y.to(self.device, non_blocking=True))
        if loss.ndim > 1:
            loss = loss.mean(dim=tuple(range(1, loss.ndim)))
        if weight is None:  # every weight 1
            return loss.mean()
        return (loss * weight.to(self.device, non_blocking=True)).mean()

    def get_params_for(self, prefix: str) -> dict:
        params = super().get_params_for(prefix)
        if prefix in ("iterator_train", "iterator_valid"):
            # Decided where the net is now, not where it was built: a model
            # trained on a GPU and loaded on a CPU-only machine must not pin.
            params.setdefault("pin_memory", is_cuda(self.device))
        return params

    def predict_outputs(self, dataset: SequenceDataset) -> np.ndarray:
        """Raw outputs for every sample of ``dataset``, in its order.

        The net's ``iterator_valid`` parameters decide the batches. With our
        loader in a single process, batches are cut straight from the
        dataset by its batch sampler, which is what the ``DataLoader`` would
        do, without building one per call (that doubled the cost of
        predicting one sequence); workers or pinned memory go through the
        ``DataLoader``. Batches may come sorted by length; outputs stay on
        the device until the end, so a GPU is synchronised once.
        """
        # skorch keeps "iterator_valid__*" parameters as attributes; reading
        # the three needed is cheaper than get_params_for's scan of them all.
        own = vars(self)
        workers = own.get("iterator_valid__num_workers", 0)
        pin = own.get("iterator_valid__pin_memory")
        if pin is None:  # pinned memory by default on CUDA, as above
            pin = is_cuda(self.device)
        self._place(dataset, workers)
        direct = (
            self.iterator_valid is SequenceLoader
            and not workers
            and (dataset.resident or not pin)
        )
        if direct:
            batch_size = own.get("iterator_valid__batch_size", self.batch_size)
            if batch_size == -1:  # skorch's "the whole data set"
                batch_size = max(len(dataset), 1)
            if len(dataset) <= batch_size:  # one batch (predicting a few rows)
                indices = [slice(0, len(dataset))]
            else:
                indices = BucketBatchSampler(dataset.sequences, batch_size).batches()
            batches = (dataset[idx] for idx in indices)
        else:
            loader = self.get_iterator(dataset, training=False)
            indices = list(loader.batch_sampler)
            batches = iter(loader)
        if self.module_.training:
            self._set_training(False)
        with torch.inference_mode():
            outputs = [self.infer(X) for X, _ in batches]
        out = outputs[0] if len(outputs) == 1 else torch.cat(outputs)
        out = out.float().cpu().numpy()
        if isinstance(indices[0], slice):
            return out  # consecutive slices (never mixed): already in order
        result = np.empty_like(out)
        result[np.concatenate(indices)] = out
        return result

    def move_to(self, device: torch.device) -> None:
        """Move the module and the optimizer state to ``device``."""
        state = self.optimizer_.state_dict()
        self.set_params(device=device)
        self.module_.to(device)
        self.criterion_.to(device)
        self.initialize_optimizer()
        # torch casts the state onto the parameters' device.
        self.optimizer_.load_state_dict(state)


def _unnamed(item):
    """The callback of a ``(name, callback)`` pair, or the item itself."""
    return item[1] if isinstance(item, tuple) and len(item) == 2 else item


def check_callbacks(callbacks) -> list:
    """The user's skorch callbacks, checked: instances or (name, instance)."""
    if callbacks is None:
        return []
    checked = []
    for i, item in enumerate(callbacks):
        cb = _unnamed(item)
        name_ok = not isinstance(item, tuple) or isinstance(item[0], str)
        if not isinstance(cb, Callback) or not name_ok:
            raise TypeError(
                "callbacks must be a list of skorch callbacks (instances of "
                "skorch.callbacks.Callback) or (name, callback) tuples; item "
                f"{i} is {item!r}."
            )
        checked.append(item)
    return checked


def net_params(estimator, *, train_split) -> dict:
    """Map the estimator's training parameters to skorch net parameters.

    Used to build the net and, unchanged, to update it before every later
    fit. Numbers are cast to Python types (numpy scalars from a grid search
    work as their Python values).
    """
    est = estimator
    callbacks = []
    # With early_stopping the validation loss decides and the best epoch's
    # weights come back; otherwise, as MLPClassifier, training stops once the
    # training loss has not improved by more than tol for n_iter_no_change
    # epochs.
    monitor = "valid_loss" if est.early_stopping else "train_loss"
    # Halve the learning rate once that loss has not improved for a third of
    # n_iter_no_change epochs, so a loss that oscillates at the end of a fit
    # settles instead of stopping it (benchmarks/README.md measures both).
    # On the training loss, after a halving at a spike the loss to beat, for
    # the schedule and the stop alike, is that epoch's: a loss recovering
    # from the spike is not taken for a plateau (with early_stopping the best
    # validation epoch comes back anyway). Before the stopping rules, so the
    # epoch that stops records its rate. A user's own LRScheduler in
    # callbacks replaces it.
    user_callbacks = check_callbacks(est.callbacks)
    schedule = None
    if not any(isinstance(_unnamed(item), LRScheduler) for item in user_callbacks):
        patience = max(1, int(est.n_iter_no_change) // 3)
        schedule = PlateauLR(monitor, patience, restart=not est.early_stopping)
        callbacks.append(("lr_on_plateau", schedule))
    stopper = PlateauStop(
        monitor=monitor,
        patience=int(est.n_iter_no_change),
        threshold=float(est.tol),
        threshold_mode="abs",
        load_best=bool(est.early_stopping),
        schedule=None if est.early_stopping else schedule,
    )
    # The estimator's own first (the forecaster stops on its recent windows).
    callbacks.extend(getattr(est, "_internal_callbacks", list)())
    callbacks.append((f"stop_on_{monitor}", stopper))
    if est.verbose >= 2:
        callbacks.append(("progress_bar", ProgressBar()))
    clip = None if est.clip_grad_norm is None else float(est.clip_grad_norm)
    callbacks.append(("gradient_guard", GradientGuard(clip)))
    callbacks.extend(user_callbacks)
    title = repr(est) if est.verbose else ""
    return {
        "callbacks__print_log": EpochLog(title=title),
        "optimizer": OPTIMIZERS.get(est.optimizer, est.optimizer),
        "lr": float(est.lr),
        "optimizer__weight_decay": float(est.weight_decay),
        "max_epochs": int(est.max_epochs),
        "batch_size": int(est.batch_size),
        "train_split": train_split,
        "callbacks": callbacks,
        "verbose": int(est.verbose),
        "precision": est.precision,
    }


def build_net(
    estimator,
    *,
    module_kwargs: dict,
    criterion: torch.nn.Module,
    device: torch.device,
    train_split,
) -> SequenceNet:
    """A new, initialized :class:`SequenceNet` for the estimator."""
    net = SequenceNet(
        module=RNNNetwork,
        criterion=criterion,
        iterator_train=SequenceLoader,
        iterator_train__shuffle=True,
        iterator_valid=SequenceLoader,
        device=device,
        **net_params(estimator, train_split=train_split),
        **{f"module__{key}": value for key, value in module_kwargs.items()},
    )
    return net.initialize()


def update_net(net: SequenceNet, estimator, *, train_split) -> None:
    """Apply the estimator's current training parameters to a trained net.

    The module and its weights stay. A new optimizer class starts a new
    optimizer; otherwise ``lr`` and ``weight_decay`` change in place and the
    optimizer keeps its state (Adam's moments), as skorch's virtual
    parameters do.
    """
    params = net_params(estimator, train_split=train_split)
    optimizer = params.pop("optimizer")
    optimizer_params = {
        key: params.pop(key) for key in ("lr", "optimizer__weight_decay")
    }
    net.set_params(**params)
    net.initialize_callbacks()
    vars(net).update(optimizer_params)
    if optimizer is not net.optimizer:
        net.optimizer = optimizer
        net.initialize_optimizer()
    else:
        net.set_params(**optimizer_params)


def as_python(value):
    """A numpy scalar as the Python number it holds; anything else unchanged."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


__all__ = [
    "NonFiniteLossError",
    "SequenceNet",
    "as_python",
    "build_net",
    "check_callbacks",
    "update_net",
]
