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
        out = np.zeros((len(idx), width) + self.values.shape[1:], self.values.dtype)
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
