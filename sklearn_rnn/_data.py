"""Batches of sequences as tensors: the dataset and loader skorch iterates.

Whole batches are cut with numpy fancy indexing, never sample by sample, and
sequences of unequal length are bucketed so that a batch holds sequences of
similar length: padding work then approaches the real steps.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset

from ._sequences import Sequences

# Shuffled sequences are sorted by length within windows of this many batches;
# the batches are then shuffled again, so every epoch sees new neighbours.
BUCKET_BATCHES = 50


class SequenceDataset(Dataset):
    """Sequences with optional targets and per-sample weights.

    ``batch(idx)`` returns ``({"x": ..., "lengths": ...}, (y, weight))``, the
    shape skorch passes to ``train_step``; without targets the second item is
    None.
    """

    def __init__(
        self,
        sequences: Sequences,
        y: np.ndarray | None = None,
        sample_weight: np.ndarray | None = None,
    ) -> None:
        self.sequences = sequences
        self.y = None if y is None else torch.from_numpy(np.ascontiguousarray(y))
        self.sample_weight = (
            None if sample_weight is None else torch.from_numpy(sample_weight)
        )

    def __len__(self) -> int:
        return len(self.sequences)

    def __getitem__(self, i: int):
        return self.batch(np.array([i]))

    def batch(self, idx: np.ndarray | slice, pin_memory: bool = False):
        values, lengths = self.sequences.batch(idx)
        x = torch.from_numpy(np.ascontiguousarray(values))
        if pin_memory:
            x = x.pin_memory()
        X = {"x": x, "lengths": torch.from_numpy(lengths)}
        if self.y is None:
            return X, None
        index = idx if isinstance(idx, slice) else torch.from_numpy(idx)
        return X, (self.y[index], self.sample_weight[index])


class BatchLoader:
    """Iterate over a :class:`SequenceDataset` in batches.

    Parameters
    ----------
    dataset : SequenceDataset
    batch_size : int
    shuffle : bool, default=False
        Draw a new order each epoch from torch's global generator, which the
        estimator seeds from ``random_state``.
    pin_memory : bool, default=False
        Pin host memory so copies to a CUDA device can overlap compute.
    """

    def __init__(
        self,
        dataset: SequenceDataset,
        batch_size: int,
        shuffle: bool = False,
        pin_memory: bool = False,
    ) -> None:
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.pin_memory = pin_memory

    def __len__(self) -> int:
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        for idx in self.batches():
            yield self.dataset.batch(idx, self.pin_memory)

    def batches(self) -> list[np.ndarray | slice]:
        n = len(self.dataset)
        lengths = self.dataset.sequences.lengths
        ragged = not self.dataset.sequences.uniform
        if not self.shuffle and not ragged:
            # Slices: the batches are views of the data, not copies.
            return [slice(i, i + self.batch_size) for i in range(0, n, self.batch_size)]
        if not self.shuffle:
            return _split(np.argsort(lengths, kind="stable"), self.batch_size)
        order = torch.randperm(n).numpy()
        if not ragged:
            return _split(order, self.batch_size)
        window = self.batch_size * BUCKET_BATCHES
        for start in range(0, n, window):
            part = order[start : start + window]
            order[start : start + window] = part[
                np.argsort(lengths[part], kind="stable")
            ]
        batches = _split(order, self.batch_size)
        return [batches[i] for i in torch.randperm(len(batches)).tolist()]


def _split(order: np.ndarray, batch_size: int) -> list[np.ndarray]:
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
