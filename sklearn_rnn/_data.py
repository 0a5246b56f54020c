"""Batches of sequences for torch's ``DataLoader``: dataset, sampler, collate.

skorch iterates a :class:`SequenceLoader`, a ``DataLoader`` whose batch
sampler puts sequences of similar length together (length bucketing) and
whose dataset cuts a whole batch at once (``__getitems__``), never sample
by sample. Every ``DataLoader`` option (``num_workers``, ``pin_memory``,
...) keeps working.

On the host, batches are cut and padded with numpy. A dataset moved onto
an accelerator with :meth:`SequenceDataset.to_device` keeps its steps,
targets and weights there (one transfer) and cuts and pads each batch there
from the flat steps and offsets: per batch only the batch's indices travel.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Sampler

from ._sequences import Sequences

# Shuffled sequences are sorted by length within windows of this many batches;
# the batches are then shuffled again, so every epoch sees new neighbours.
BUCKET_BATCHES = 50

Index = np.ndarray | slice


class SequenceDataset(Dataset):
    """Sequences with optional targets and per-sample weights.

    ``dataset[idx]`` for an index array or slice returns the padded batch
    ``({"x": ..., "lengths": ...}, (y, weight))``, the shape skorch passes
    to ``train_step``; without targets the second item is None. Weights
    that are all 1 are kept as None (the loss is then a plain mean, one
    multiplication less forward and backward per batch). Lengths stay on the
    host (packing wants them there).
    """

    def __init__(
        self,
        sequences: Sequences,
        y: np.ndarray | None = None,
        sample_weight: np.ndarray | None = None,
        *,
        standardize: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.sequences = sequences
        # (mean, scale) per feature, applied to each batch as it is cut
        # (scale_X), padding too, which the network ignores: the data set
        # itself is never copied to be standardised.
        self.standardize = standardize
        self._affine = (
            None
            if standardize is None
            else tuple(np.asarray(a, dtype=np.float32) for a in standardize)
        )
        self.y = None if y is None else torch.from_numpy(np.ascontiguousarray(y))
        unweighted = sample_weight is None or bool((sample_weight == 1).all())
        self.sample_weight = None if unweighted else torch.from_numpy(sample_weight)
        self.device = torch.device("cpu")
        self.resident = False  # True once to_device copied everything

    @property
    def nbytes(self) -> int:
        """Bytes of the steps, targets and weights."""
        extra = sum(t.nbytes for t in (self.y, self.sample_weight) if t is not None)
        return self.sequences.values.nbytes + extra

    def to_device(self, device: torch.device | str) -> None:
        """Keep steps, targets and weights on ``device``; batches are cut there.

        Any device works (the CPU too: then batches are cut by torch rather
        than numpy); the net does it for accelerators, where host work per
        batch costs most.
        """
        device = torch.device(device)
        if self.resident and device == self.device:
            return
        seqs = self.sequences
        self._values = torch.from_numpy(np.ascontiguousarray(seqs.values)).to(device)
        self._offsets = (
            None if seqs.uniform else torch.from_numpy(seqs.offsets).to(device)
        )
        self._lengths = torch.from_numpy(seqs.lengths).to(device)
        if self.standardize is not None:
            self._affine = tuple(
                torch.as_tensor(a, dtype=torch.float32, device=device)
                for a in self.standardize
            )
        if self.y is not None:
            self.y = self.y.to(device)
        if self.sample_weight is not None:
            self.sample_weight = self.sample_weight.to(device)
        self.device = device
        self.resident = True

    def __len__(self) -> int:
        return len(self.sequences)

    def __getitem__(self, i: int | Index):
        if isinstance(i, (slice, np.ndarray)):
            return self.batch(i)
        return self.batch(np.array([i]))

    def __getitems__(self, idx: Index):
        # DataLoader hands the batch sampler's index over whole.
        return self.batch(idx)

    def batch(self, idx: Index):
        if isinstance(idx, slice):
            index = idx
        else:
            index = torch.from_numpy(idx).to(self.device, non_blocking=True)
        lengths = self.sequences.lengths[idx]
        if not self.resident:
            values, _ = self.sequences.batch(idx)
            if self._affine is not None:  # numpy arrays here, torch tensors there
                values = (values - self._affine[0]) / self._affine[1]
            values = torch.from_numpy(np.ascontiguousarray(values))
        else:
            values = self._device_batch(index, lengths)
            if self._affine is not None:
                values = (values - self._affine[0]) / self._affine[1]
        X = {"x": values, "lengths": torch.from_numpy(lengths)}
        if self.y is None:
            return X, None
        weight = None if self.sample_weight is None else self.sample_weight[index]
        return X, (self.y[index], weight)

    def _device_batch(self, index, lengths: np.ndarray) -> torch.Tensor:
        """Cut and post-pad a batch from the steps on the device."""
        if self._offsets is None:
            return self._values[index]
        steps = torch.arange(int(lengths.max()), device=self.device)
        real = steps < self._lengths[index][:, None]
        positions = torch.where(real, self._offsets[index][:, None] + steps, 0)
        out = self._values[positions]
        padding = ~real.reshape(real.shape + (1,) * (out.ndim - 2))
        return out.masked_fill_(padding, 0)

    def subset(self, rows: np.ndarray) -> SequenceDataset:
        """The samples at ``rows``, targets and weights included, on the host."""
        y = None if self.y is None else self.y.cpu().numpy()[rows]
        weight = self.sample_weight
        weight = None if weight is None else weight.cpu().numpy()[rows]
        return SequenceDataset(
            self.sequences.take(rows), y, weight, standardize=self.standardize
        )


class BucketBatchSampler(Sampler):
    """Yield the index of each batch: similar lengths together, reproducibly.

    Parameters
    ----------
    sequences : Sequences
        The sequences to batch.
    batch_size : int
    shuffle : bool, default=False
        Draw a new order each epoch from torch's global generator, which the
        estimator seeds from ``random_state``. Without shuffling, fixed-length
        data comes in slices (views, no copy) and variable-length data sorted
        by length.
    """

    def __init__(self, sequences: Sequences, batch_size: int, shuffle: bool = False):
        self.sequences = sequences
        self.batch_size = int(batch_size)
        self.shuffle = shuffle

    def __len__(self) -> int:
        return -(-len(self.sequences) // self.batch_size)

    def __iter__(self) -> Iterator[Index]:
        return iter(self.batches())

    def batches(self) -> list[Index]:
        n, size = len(self.sequences), self.batch_size
        ragged = not self.sequences.uniform
        if not self.shuffle and not ragged:
            return [slice(i, min(i + size, n)) for i in range(0, n, size)]
        lengths = self.sequences.lengths
        if not self.shuffle:
            return _split(np.argsort(lengths, kind="stable"), size)
        order = torch.randperm(n).numpy()
        if not ragged:
            return _split(order, size)
        window = size * BUCKET_BATCHES
        for start in range(0, n, window):
            part = order[start : start + window]
            order[start : start + window] = part[
                np.argsort(lengths[part], kind="stable")
            ]
        batches = _split(order, size)
        return [batches[i] for i in torch.randperm(len(batches)).tolist()]


def collate_batch(batch):
    """The dataset already returns whole batches: nothing left to collate."""
    return batch


class SequenceLoader(DataLoader):
    """A ``DataLoader`` over a :class:`SequenceDataset`, bucketed by length.

    Takes skorch's ``batch_size`` and ``shuffle`` and passes every other
    keyword (``num_workers``, ``pin_memory``, ...) to ``DataLoader``.
    """

    def __init__(
        self,
        dataset: SequenceDataset,
        batch_size: int = 64,
        shuffle: bool = False,
        **kwargs,
    ) -> None:
        if dataset.resident:
            kwargs.pop("pin_memory", None)  # the data is on the device already
        sampler = BucketBatchSampler(dataset.sequences, batch_size, shuffle)
        super().__init__(
            dataset, batch_sampler=sampler, collate_fn=collate_batch, **kwargs
        )

    def __iter__(self):
        if self.num_workers or self.pin_memory:
            return super().__iter__()
        # In one process the dataset cuts whole batches: hand them over
        # without the DataLoader's per-batch machinery, which cost more than
        # cutting the batch (and, on a GPU, than a small model's step).
        batches = iter(self.batch_sampler)
        # The DataLoader's iterator draws a worker seed from the generator
        # after the sampler's order; draw it too, so a seeded fit trains the
        # same model as through the DataLoader (and as earlier releases).
        torch.empty((), dtype=torch.int64).random_(generator=self.generator)
        return (self.dataset.batch(idx) for idx in batches)


def _split(order: np.ndarray, batch_size: int) -> list[np.ndarray]:
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
