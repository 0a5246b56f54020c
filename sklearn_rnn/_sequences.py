"""The ragged container every part of the package passes sequences in.

Torch-free. ``Sequences`` holds validated sequences without padding them to
the longest: fixed-length data as one ``(n, T, ...)`` array, variable-length
data as the concatenation of its real steps plus offsets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Sequences:
    """Validated sequences, stored without padding to the longest.

    ``values`` is ``(n, T, F)`` (or ``(n, T)`` for token ids) when every
    sequence has length T, and the concatenation of all real time steps,
    ``(total, F)`` (or ``(total,)``), otherwise; ``offsets[i]`` is then where
    sequence i starts.
    """

    values: np.ndarray
    lengths: np.ndarray
    offsets: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.lengths)

    @property
    def uniform(self) -> bool:
        return self.offsets is None

    def take(self, idx: np.ndarray) -> Sequences:
        """Return the sequences at positions ``idx`` (kept in that order)."""
        if self.uniform:
            return Sequences(self.values[idx], self.lengths[idx])
        lengths = self.lengths[idx]
        steps = _ragged_positions(self.offsets[idx], lengths)
        offsets = starts_of(lengths)
        return Sequences(self.values[steps], lengths, offsets)

    def tail(self, steps: int) -> Sequences:
        """Keep the last ``steps`` time steps of every sequence (all if shorter)."""
        if self.uniform:
            kept = self.values[:, -steps:]
            return Sequences(kept, np.minimum(self.lengths, steps))
        lengths = np.minimum(self.lengths, steps)
        starts = self.offsets + self.lengths - lengths
        offsets = starts_of(lengths)
        return Sequences(
            self.values[_ragged_positions(starts, lengths)], lengths, offsets
        )

    def first_channel(self) -> np.ndarray:
        """Channel 0 of every real step, sequence after sequence (flat)."""
        values = self.values[..., 0]
        return values.reshape(-1) if self.uniform else values

    def batch(self, idx: np.ndarray | slice) -> tuple[np.ndarray, np.ndarray]:
        """Post-pad the sequences at ``idx`` to their own longest length."""
        lengths = self.lengths[idx]
        if self.uniform:
            return self.values[idx], lengths  # a view when idx is a slice
        width = int(lengths.max())
        steps = np.arange(width)
        real = steps[None, :] < lengths[:, None]
        out = np.zeros((len(lengths), width) + self.values.shape[1:], self.values.dtype)
        out[real] = self.values[(self.offsets[idx][:, None] + steps)[real]]
        return out, lengths

    def max_id(self) -> int:
        return int(self.values.max())


def starts_of(lengths: np.ndarray) -> np.ndarray:
    """Where each sequence starts when ``lengths`` are laid end to end."""
    return np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)


def _ragged_positions(offsets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indices into the flat values of the real steps, sequence after sequence."""
    starts = np.repeat(offsets - starts_of(lengths), lengths)
    return starts + np.arange(int(lengths.sum()))


def padding_steps(values: np.ndarray, mask_value) -> np.ndarray:
    """True at the steps of ``(n, T, F)`` values whose every feature is padding.

    ``mask_value`` None marks nothing; NaN marks all-NaN steps.
    """
    if mask_value is None:
        return np.zeros(values.shape[:-1], dtype=bool)
    if np.isnan(mask_value):
        return np.isnan(values).all(axis=-1)
    return (values == mask_value).all(axis=-1)


def real_spans(pad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the real steps of each padded row start and end.

    ``pad`` is ``(n, T)``, True at padding. A row starting with padding is
    pre-padded: its real steps follow the leading padding, to the end.
    Otherwise it is post-padded: real up to its last non-padding step. So
    padding is only ever a run at one end; inside a sequence a step equal
    to the padding value is data.

    Returns
    -------
    starts, ends : ndarray of shape (n,)
        ``ends - starts`` is each row's length (0 for a row of padding only).
    """
    width = pad.shape[1]
    real = ~pad
    first = real.argmax(axis=1)
    last = width - real[:, ::-1].argmax(axis=1)
    empty = ~real.any(axis=1)
    pre = pad[:, 0]
    starts = np.where(empty, 0, np.where(pre, first, 0))
    ends = np.where(empty, 0, np.where(pre, width, last))
    return starts.astype(np.int64), ends.astype(np.int64)


def unpad(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> Sequences:
    """The sequences ``values[i, starts[i]:ends[i]]`` of a padded array."""
    lengths = (ends - starts).astype(np.int64)
    width = values.shape[1]
    if (lengths == width).all():
        return Sequences(values, lengths)
    steps = np.arange(width)
    real = (steps >= starts[:, None]) & (steps < ends[:, None])
    return Sequences(values[real], lengths, starts_of(lengths))


def strip_padding(seqs: Sequences, mask_value) -> Sequences:
    """Drop the padding runs (steps all equal to ``mask_value``) at either end.

    Uses :func:`real_spans` per sequence, so padding is a run at the start
    (pre-padding) or at the end (post-padding), never inside. A sequence of
    padding only gets length 0 (the caller decides whether that is an error).
    """
    if mask_value is None:
        return seqs
    values = seqs.values
    if seqs.uniform:
        starts, ends = real_spans(padding_steps(values, mask_value))
        return unpad(values, starts, ends)
    pad = padding_steps(values, mask_value)
    offsets, lengths = seqs.offsets, seqs.lengths
    position = np.arange(len(values)) - np.repeat(offsets, lengths)
    first = np.minimum.reduceat(np.where(pad, lengths.max(), position), offsets)
    last = np.maximum.reduceat(np.where(pad, -1, position), offsets) + 1
    empty = last == 0
    pre = pad[offsets]
    starts = np.where(empty, 0, np.where(pre, first, 0))
    ends = np.where(empty, 0, np.where(pre, lengths, last))
    new_lengths = (ends - starts).astype(np.int64)
    keep = (position >= np.repeat(starts, lengths)) & (
        position < np.repeat(ends, lengths)
    )
    return Sequences(values[keep], new_lengths, starts_of(new_lengths))
