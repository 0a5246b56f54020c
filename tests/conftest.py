"""Shared test setup: one torch thread, seeded RNGs, tiny data sets."""

import numpy as np
import pytest
import torch

# On a shared 2-core machine torch's default thread count made the same small
# fit 10-50x slower: every test runs on one thread. The setting is global to
# the process, so it also covers the doctests collected from sklearn_rnn/.
torch.set_num_threads(1)

# Tolerances for comparing one model's outputs across batch compositions or
# paddings. On the CPU they agree to float rounding; cuDNN computes in TF32
# by default, and the same sequence in another batch then differs by up to
# 4e-5 (PERFORMANCE.md, measured on an H200).
ON_CUDA = torch.cuda.is_available()
BATCH_TOL = {"rtol": 1e-4, "atol": 1e-4} if ON_CUDA else {"rtol": 1e-5, "atol": 1e-6}

# Small, fast settings used across the behaviour tests.
FAST = {"hidden_size": 8, "max_epochs": 3, "batch_size": 16, "random_state": 0}


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture
def ragged():
    """Ten sequences of 3 features with lengths 2..11, and binary labels."""
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(n, 3)).astype(np.float32) for n in range(2, 12)]
    y = np.array([0, 1] * 5)
    return X, y
