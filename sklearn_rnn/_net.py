"""The only skorch-aware code: the training engine behind every estimator."""

from __future__ import annotations

import contextlib
import math

import torch
from skorch import NeuralNet
from skorch.callbacks import EarlyStopping, ProgressBar
from skorch.helper import predefined_split

from ._data import BatchLoader, SequenceDataset
from ._modules import RNNNetwork

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}


class NonFiniteLossError(ValueError):
    """Training produced a NaN or infinite loss or gradient."""


class SequenceNet(NeuralNet):
    """skorch ``NeuralNet`` fed by :class:`BatchLoader` batches.

    On top of skorch it weights the loss per sample, clips the gradient norm
    and refuses a step whose loss or gradient is not finite, so the module
    keeps the weights of the last good step.
    """

    def __init__(self, *args, clip_grad_norm=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clip_grad_norm = clip_grad_norm

    def infer(self, x, **fit_params):
        inputs = x["x"].to(self.device, non_blocking=True)
        return self.module_(inputs, x["lengths"])

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y, weight = (t.to(self.device, non_blocking=True) for t in y_true)
        loss = self.criterion_(y_pred, y)
        if loss.ndim > 1:
            loss = loss.mean(dim=tuple(range(1, loss.ndim)))
        return (loss * weight).mean()

    def train_step_single(self, batch, **fit_params):
        self._set_training(True)
        Xi, yi = batch
        y_pred = self.infer(Xi)
        loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        if not torch.isfinite(loss):
            self._refuse(f"the loss became {loss.item()}")
        loss.backward()
        max_norm = math.inf if self.clip_grad_norm is None else self.clip_grad_norm
        norm = torch.nn.utils.clip_grad_norm_(self.module_.parameters(), max_norm)
        if not torch.isfinite(norm):
            self._zero_grad_optimizer()
            self._refuse("a gradient became non-finite")
        return {"loss": loss, "y_pred": y_pred}

    def _refuse(self, what: str) -> None:
        epoch = len(self.history)
        raise NonFiniteLossError(
            f"Training stopped in epoch {epoch}: {what}. The model keeps the "
            f"weights of the last finite step. Lower lr (now {self.lr}), or set "
            f"clip_grad_norm (now {self.clip_grad_norm}) to a smaller value, or "
            "scale the inputs and targets."
        )

    def train_epochs(self, dataset: SequenceDataset, epochs: int) -> None:
        """Run ``epochs`` epochs, letting callbacks (early stopping) end early."""
        self.notify("on_train_begin", X=dataset, y=None)
        # skorch's EarlyStopping ends training with KeyboardInterrupt; so does
        # Ctrl-C, which keeps the model trained so far, as in skorch.
        with contextlib.suppress(KeyboardInterrupt):
            self.fit_loop(dataset, epochs=epochs)
        self.notify("on_train_end", X=dataset, y=None)


def build_net(
    estimator,
    *,
    module_kwargs: dict,
    criterion: torch.nn.Module,
    device: torch.device,
) -> SequenceNet:
    """Map the estimator's parameters to an initialized :class:`SequenceNet`."""
    est = estimator
    optimizer = OPTIMIZERS.get(est.optimizer, est.optimizer)
    callbacks = []
    if est.early_stopping:
        callbacks.append(
            (
                "early_stopping",
                EarlyStopping(
                    monitor="valid_loss",
                    patience=est.n_iter_no_change,
                    threshold=est.tol,
                    threshold_mode="abs",
                    load_best=True,
                ),
            )
        )
    if est.verbose >= 2:
        callbacks.append(("progress_bar", ProgressBar()))
    callbacks.extend(est.callbacks or [])
    net = SequenceNet(
        module=RNNNetwork,
        criterion=criterion,
        optimizer=optimizer,
        lr=est.lr,
        max_epochs=est.max_epochs,
        batch_size=est.batch_size,
        iterator_train=BatchLoader,
        iterator_train__shuffle=True,
        iterator_train__pin_memory=device.type == "cuda",
        iterator_valid=BatchLoader,
        iterator_valid__pin_memory=device.type == "cuda",
        train_split=None,
        callbacks=callbacks,
        verbose=int(est.verbose),
        device=device,
        clip_grad_norm=est.clip_grad_norm,
        optimizer__weight_decay=est.weight_decay,
        **{f"module__{key}": value for key, value in module_kwargs.items()},
    )
    return net.initialize()


def set_validation(net: SequenceNet, valid: SequenceDataset | None) -> None:
    """Validate on ``valid`` after every epoch (None: no validation)."""
    net.train_split = None if valid is None else predefined_split(valid)


__all__ = ["NonFiniteLossError", "SequenceNet", "build_net", "set_validation"]
