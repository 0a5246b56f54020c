"""The batching fast path: bucketing by length is exact, complete and harmless."""

import numpy as np
import pytest
import torch
from conftest import FAST
from numpy.testing import assert_array_equal

from sklearn_rnn import RNNClassifier, RNNRegressor, _data, _net
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


def test_loader_with_workers_yields_the_same_samples():
    # In one process the loader hands the dataset's batches over itself;
    # with workers it goes through the DataLoader: the same padded samples.
    rng = np.random.RandomState(0)
    lengths = rng.randint(1, 9, size=30)
    seqs = Sequences(
        rng.normal(size=(lengths.sum(), 2)).astype(np.float32),
        lengths,
        np.concatenate(([0], np.cumsum(lengths)[:-1])),
    )
    dataset = SequenceDataset(seqs, np.arange(30), np.ones(30, np.float32))
    samples = {}
    for workers in (0, 1):
        loader = SequenceLoader(dataset, 4, shuffle=True, num_workers=workers)
        batches = list(loader)
        assert len(batches) == 8
        rows = {}
        for X, (y, _) in batches:
            rows_lengths_ids = zip(
                X["x"].numpy(), X["lengths"].tolist(), y.tolist(), strict=True
            )
            for row, n, i in rows_lengths_ids:
                assert not row[n:].any()  # post-padded with zeros
                rows[i] = row[:n]
        samples[workers] = rows
    assert sorted(samples[0]) == sorted(samples[1]) == list(range(30))
    for i in range(30):
        assert_array_equal(samples[0][i], samples[1][i])


# --------------------------------------------- data kept on the device
def _dataset(kind, seed=0):
    rng = np.random.RandomState(seed)
    if kind == "uniform":
        X = rng.normal(size=(40, 7, 3)).astype(np.float32)
        seqs = Sequences(X, np.full(40, 7))
    else:
        lengths = rng.randint(1, 12, size=40)
        width = 3 if kind == "ragged" else None
        shape = (lengths.sum(), width) if width else (lengths.sum(),)
        values = (
            rng.normal(size=shape).astype(np.float32)
            if width
            else rng.randint(1, 50, size=shape)
        )
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        seqs = Sequences(values, lengths, offsets)
    y = rng.normal(size=40).astype(np.float32)
    return SequenceDataset(seqs, y, rng.uniform(0.5, 2.0, 40).astype(np.float32))


@pytest.mark.parametrize("kind", ["uniform", "ragged", "token ids"])
def test_batches_cut_on_the_device_equal_the_host_batches(kind):
    host, resident = _dataset(kind), _dataset(kind)
    resident.to_device("cpu")  # the device path, run where the tests run
    assert resident.resident and not host.resident
    for idx in (np.array([5, 0, 17, 39]), slice(3, 11), np.arange(40)):
        (Xh, (yh, wh)), (Xd, (yd, wd)) = host[idx], resident[idx]
        assert_array_equal(Xh["x"].numpy(), Xd["x"].numpy())
        assert_array_equal(Xh["lengths"].numpy(), Xd["lengths"].numpy())
        assert_array_equal(yh.numpy(), yd.numpy())
        assert_array_equal(wh.numpy(), wd.numpy())


def test_a_validation_split_of_a_resident_dataset_is_on_the_host():
    dataset = _dataset("ragged")
    dataset.to_device("cpu")
    part = dataset.subset(np.array([3, 1]))
    assert not part.resident
    assert_array_equal(part[np.arange(2)][1][0].numpy(), dataset.y[[3, 1]].numpy())


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"embedding_dim": 4}, {"bidirectional": True, "pooling": "mean"}],
    ids=["ragged floats", "token ids", "bidirectional"],
)
def test_training_on_data_kept_on_the_device_changes_nothing(monkeypatch, kwargs):
    # On CUDA the net keeps a data set that fits on the device and cuts its
    # batches there; forced here on the CPU, fits must be identical.
    rng = np.random.RandomState(0)
    if "embedding_dim" in kwargs:
        X = [rng.randint(1, 20, size=rng.randint(2, 15)) for _ in range(80)]
    else:
        X = [
            rng.normal(size=(rng.randint(2, 15), 3)).astype(np.float32)
            for _ in range(80)
        ]
    y = rng.randint(0, 2, size=80)
    params = {**FAST, "early_stopping": True, **kwargs}
    expected = RNNClassifier(**params).fit(X, y).predict_proba(X)
    placed = []
    monkeypatch.setattr(
        _net, "fits_on_device", lambda device, data: placed.append(data) or True
    )
    got = RNNClassifier(**params).fit(X, y).predict_proba(X)
    assert placed  # the device path ran
    assert_array_equal(got, expected)


def test_seeded_fits_match_those_made_through_the_dataloader(monkeypatch):
    # The loader's own batching draws from torch's generator what the
    # DataLoader's iterator draws: the same seed trains the same model.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 6, 2)).astype(np.float32)
    y = rng.randint(0, 2, size=60)
    params = {**FAST, "dropout": 0.3, "num_layers": 2}
    own = RNNClassifier(**params).fit(X, y).predict_proba(X)
    monkeypatch.setattr(
        SequenceLoader, "__iter__", torch.utils.data.DataLoader.__iter__
    )
    through_dataloader = RNNClassifier(**params).fit(X, y).predict_proba(X)
    assert_array_equal(own, through_dataloader)


def test_unit_sample_weights_train_the_same_model_as_none():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 5, 2)).astype(np.float32)
    y = rng.normal(size=50)
    unweighted = RNNRegressor(**FAST).fit(X, y).predict(X)
    ones = RNNRegressor(**FAST).fit(X, y, sample_weight=np.ones(50)).predict(X)
    assert_array_equal(unweighted, ones)
    weighted = RNNRegressor(**FAST).fit(X, y, sample_weight=rng.uniform(size=50))
    assert not np.array_equal(weighted.predict(X), unweighted)
