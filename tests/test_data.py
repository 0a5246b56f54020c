"""The batching fast path: bucketing by length is exact, complete and harmless."""

import numpy as np
import pytest
import torch
from conftest import FAST
from numpy.testing import assert_array_equal

from sklearn_rnn import RNNClassifier, _data
from sklearn_rnn._data import BucketBatchSampler, SequenceDataset, SequenceLoader
from sklearn_rnn._sequences import Sequences


def _long_tailed(n=600, seed=0):
    rng = np.random.RandomState(seed)
    lengths = np.clip((rng.pareto(1.5, size=n) + 1) * 5, 2, 100).astype(int)
    X = [rng.normal(size=(t, 2)).astype(np.float32) for t in lengths]
    y = np.array([int(x[-3:, 0].sum() > 0) for x in X])
    return X, y


def _loader(lengths, batch_size=32):
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    seqs = Sequences(np.zeros((lengths.sum(), 1), np.float32), lengths, offsets)
    return BucketBatchSampler(seqs, batch_size, shuffle=True)


def test_every_sample_once_per_epoch_and_little_padding():
    X, _ = _long_tailed()
    lengths = np.array([len(x) for x in X])
    torch.manual_seed(0)
    batches = _loader(lengths).batches()
    assert_array_equal(np.sort(np.concatenate(batches)), np.arange(len(X)))
    padded = sum(len(b) * lengths[b].max() for b in batches)
    random_padded = sum(
        len(b) * lengths[b].max()
        for b in np.array_split(np.random.permutation(len(X)), len(batches))
    )
    assert padded < 1.3 * lengths.sum()
    assert padded < 0.6 * random_padded


def test_batch_order_changes_between_epochs_and_follows_the_seed():
    lengths = np.array([len(x) for x in _long_tailed()[0]])
    loader = _loader(lengths)
    torch.manual_seed(1)
    first, second = loader.batches(), loader.batches()
    torch.manual_seed(1)
    again = loader.batches()
    assert any(not np.array_equal(a, b) for a, b in zip(first, second, strict=False))
    for a, b in zip(first, again, strict=True):
        assert_array_equal(a, b)


def test_bucketing_keeps_model_quality(monkeypatch):
    X, y = _long_tailed(800)
    X_test, y_test = _long_tailed(300, seed=1)
    params = {**FAST, "hidden_size": 16, "max_epochs": 8, "lr": 0.01}
    bucketed = RNNClassifier(**params).fit(X, y).score(X_test, y_test)
    # One batch per window: sorting inside a batch leaves random batches.
    monkeypatch.setattr(_data, "BUCKET_BATCHES", 1)
    shuffled = RNNClassifier(**params).fit(X, y).score(X_test, y_test)
    assert bucketed > 0.8
    assert bucketed >= shuffled - 0.05


@pytest.mark.parametrize("bidirectional", [False, True])
def test_bucketed_fits_are_reproducible(bidirectional):
    X, y = _long_tailed(200)
    params = {**FAST, "bidirectional": bidirectional}
    a = RNNClassifier(**params).fit(X, y).predict_proba(X)
    b = RNNClassifier(**params).fit(X, y).predict_proba(X)
    assert_array_equal(a, b)


def test_loader_yields_padded_batches_in_sampler_order():
    seqs = Sequences(
        np.arange(10, dtype=np.float32)[:, None],
        np.array([3, 1, 4, 2]),
        np.array([0, 3, 4, 8]),
    )
    y = np.arange(4)
    loader = SequenceLoader(SequenceDataset(seqs, y, np.ones(4, np.float32)), 2)
    batches = list(loader)
    assert [b[0]["x"].shape[:2] for b in batches] == [(2, 2), (2, 4)]
    # sorted by length: rows 1 (len 1) and 3 (len 2), then 0 (3) and 2 (4)
    assert batches[0][1][0].tolist() == [1, 3]
    assert batches[1][0]["lengths"].tolist() == [3, 4]
