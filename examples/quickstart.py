"""Quick start: an RNN regressor and an LSTM classifier in a few lines.

1. A simple RNN with 50 units learns the sum of 10 noisy steps
   (1000 sequences x 10 steps x 1 feature -> 1 value).
2. An LSTM reads scikit-learn's 8x8 digit images row by row (8 steps of 8
   features), standardised by a SequenceScaler, and classifies them.

Runs in seconds on a laptop CPU, and on a GPU without code change.
"""

# %%
import os

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler

# SKLEARN_RNN_EXAMPLE_QUICK=1 trains fewer epochs (the docs gallery does).
QUICK = os.environ.get("SKLEARN_RNN_EXAMPLE_QUICK", "") not in ("", "0")
REGRESSION_EPOCHS = 5 if QUICK else 60
DIGITS_EPOCHS = 3 if QUICK else 30


def regression_demo(seed: int = 0) -> float:
    """Fit a vanilla RNN on 'sum of the steps'; return the test R^2."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(1000, 10, 1)).astype(np.float32)
    y = X.sum(axis=(1, 2)) + rng.normal(scale=0.1, size=1000)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed)
    model = RNNRegressor(
        cell="rnn",
        hidden_size=50,
        max_epochs=REGRESSION_EPOCHS,
        lr=3e-3,
        random_state=seed,
    )
    model.fit(X_train, y_train)
    return model.score(X_test, y_test)


def pixels_to_rows(flat: np.ndarray) -> np.ndarray:
    """(n, 64) pixel vectors -> (n, 8 rows, 8 pixels)."""
    return np.asarray(flat, dtype=np.float32).reshape(-1, 8, 8)


def digits_demo(seed: int = 0) -> tuple[float, float]:
    """Classify digits read as 8 rows of 8 pixels; return accuracy and R^2.

    The pixels (0..16) are standardised by a SequenceScaler, the RNN
    counterpart of StandardScaler. The R^2 is that of an LSTM regressor
    predicting the digit's value from the same rows.
    """
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=seed
    )
    rows_train, rows_test = pixels_to_rows(X_train), pixels_to_rows(X_test)  # (n, 8, 8)
    clf = make_pipeline(
        SequenceScaler(),
        RNNClassifier(
            hidden_size=64, max_epochs=DIGITS_EPOCHS, lr=0.005, random_state=seed
        ),
    )
    accuracy = clf.fit(rows_train, y_train).score(rows_test, y_test)
    # Any scikit-learn step works in front: here, flat pixel vectors in.
    reg = make_pipeline(
        FunctionTransformer(pixels_to_rows),
        SequenceScaler(),
        RNNRegressor(
            hidden_size=64, max_epochs=DIGITS_EPOCHS, lr=0.005, random_state=seed
        ),
    )
    r2 = reg.fit(X_train, y_train).score(X_test, y_test)
    return accuracy, r2


def main() -> dict:
    torch.set_num_threads(min(2, torch.get_num_threads()))
    if QUICK:
        print("Quick mode (SKLEARN_RNN_EXAMPLE_QUICK=1): shortened training, so")
        print("scores are below the full run's (see the README).")
    r2_sum = regression_demo()
    print(f"RNN(50) on 'sum of 10 steps': test R^2 = {r2_sum:.3f}")
    accuracy, r2_digits = digits_demo()
    print(f"LSTM on digits read row by row: test accuracy = {accuracy:.3f}")
    print(f"LSTM regressor on the digit value: test R^2 = {r2_digits:.3f}")
    return {"r2_sum": r2_sum, "digits_accuracy": accuracy, "digits_r2": r2_digits}


if __name__ == "__main__":
    main()
