"""Sentiment of movie review snippets: an LSTM on raw text, in one Pipeline.

TextTokenizer -> SequencePadder -> RNNClassifier(embedding_dim=...) learns
to tell "fresh" from "rotten" Rotten Tomatoes snippets (Pang & Lee's
sentence polarity data, shipped in examples/data). A TF-IDF + logistic
regression baseline is measured on the same split.
"""

# %%
import os
from pathlib import Path

import pandas as pd
import torch
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline

from sklearn_rnn import RNNClassifier, SequencePadder, TextTokenizer

# SKLEARN_RNN_EXAMPLE_QUICK=1 runs a reduced version (the docs gallery does).
QUICK = os.environ.get("SKLEARN_RNN_EXAMPLE_QUICK", "") not in ("", "0")
# The folder of this file (sphinx-gallery runs examples from their folder
# without __file__).
HERE = Path(globals().get("__file__", "sentiment.py")).resolve().parent
DATA = HERE / "data" / "rotten_tomatoes.csv.gz"


def load_reviews() -> pd.DataFrame:
    """The 4,866 labelled snippets: columns ``label`` and ``text``."""
    return pd.read_csv(DATA)


def main(seed: int = 0, max_epochs: int = 6) -> dict:
    torch.set_num_threads(min(2, torch.get_num_threads()))
    if QUICK:
        print("Quick mode (SKLEARN_RNN_EXAMPLE_QUICK=1): shortened training, so")
        print("scores are below the full run's (see the README).")
    reviews = load_reviews()
    X_train, X_test, y_train, y_test = train_test_split(
        reviews["text"],
        reviews["label"],
        test_size=0.2,
        stratify=reviews["label"],
        random_state=seed,
    )
    lstm = Pipeline(
        [
            ("tok", TextTokenizer(min_frequency=2)),
            ("pad", SequencePadder(maxlen=40, padding="pre", truncating="pre")),
            (
                "clf",
                RNNClassifier(
                    cell="lstm",
                    embedding_dim=64,
                    hidden_size=64,
                    bidirectional=True,
                    pooling="max",
                    dropout=0.3,
                    max_epochs=max_epochs,
                    batch_size=32,
                    lr=3e-3,
                    random_state=seed,
                ),
            ),
        ]
    )
    lstm_accuracy = lstm.fit(X_train, y_train).score(X_test, y_test)
    baseline = make_pipeline(
        TfidfVectorizer(
            token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2), sublinear_tf=True
        ),
        LogisticRegression(C=4.0, max_iter=1000),
    )
    baseline_accuracy = baseline.fit(X_train, y_train).score(X_test, y_test)
    print(f"{len(X_train)} training and {len(X_test)} test snippets")
    print(
        f"LSTM (TextTokenizer -> SequencePadder -> RNNClassifier): {lstm_accuracy:.3f}"
    )
    print(f"TF-IDF + LogisticRegression baseline: {baseline_accuracy:.3f}")
    print(
        "LSTM says:",
        lstm.predict(["a gorgeous, moving film", "tedious and badly acted"]),
    )
    return {"lstm_accuracy": lstm_accuracy, "baseline_accuracy": baseline_accuracy}


if __name__ == "__main__":
    main(max_epochs=1 if QUICK else 6)
