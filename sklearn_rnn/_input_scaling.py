"""``scale_X``: standardise float input inside the estimators. Torch-free.

The statistics are :class:`SequenceScaler`'s (``step_statistics``), so a
model with ``scale_X=True`` fitted without ``sample_weight`` predicts as
``make_pipeline(SequenceScaler(), model_without_scaling)`` does.
"""

from __future__ import annotations

import numpy as np

from ._preprocessing import step_statistics
from ._sequences import Sequences, _ragged_positions


class InputScalingMixin:
    """Standardise each feature of float sequences before the network.

    The statistics are learnt in a first fit only (warm starts and
    ``partial_fit`` keep those the network learnt with): ``x_mean_`` and
    ``x_scale_`` exist when that fit scaled its input, and predictions use
    them whatever ``scale_X`` says later (a warm fit with another
    ``scale_X`` is an error). Token ids are never scaled.
    Padding is already stripped from the validated ``seqs``, so the
    statistics are over real steps only.
    """

    def _fit_input_statistics(self, seqs: Sequences, weight: np.ndarray) -> None:
        vars(self).pop("x_mean_", None)
        vars(self).pop("x_scale_", None)
        # getattr: RNNForecaster, an RNNRegressor, rescales windows instead.
        if not getattr(self, "scale_X", False) or self.embedding_dim is not None:
            return
        steps = seqs.values.reshape(-1, seqs.values.shape[-1])
        # Weighted as scale_y is, so integer weights act as repeated samples;
        # equal weights give SequenceScaler's statistics exactly.
        step_weight = None
        if weight.sum() > 0 and not (weight == weight[0]).all():
            per_step = np.repeat(weight, seqs.lengths)
            if seqs.uniform:
                step_weight = per_step
            else:
                step_weight = np.zeros(len(steps))
                step_weight[_ragged_positions(seqs.offsets, seqs.lengths)] = per_step
        self.x_mean_, self.x_scale_ = step_statistics(steps, weight=step_weight)

    def _input_standardization(self) -> tuple[np.ndarray, np.ndarray] | None:
        # Applied to each batch as it is cut (SequenceDataset), not to a copy
        # of the whole data set.
        if "x_mean_" not in vars(self):
            return None
        return self.x_mean_, self.x_scale_

    def _check_warm_start(self, module_kwargs: dict) -> None:
        super()._check_warm_start(module_kwargs)
        # The network learnt on standardised input or on raw input: turning
        # scale_X on or off under warm start would feed it the other kind.
        scaled = "x_mean_" in vars(self)
        wanted = bool(getattr(self, "scale_X", False)) and self.embedding_dim is None
        if scaled != wanted:
            raise ValueError(
                f"Cannot continue training: scale_X changed since the network was "
                f"built (it learnt on {'standardised' if scaled else 'raw'} input). "
                "Set warm_start=False to train a new network."
            )
