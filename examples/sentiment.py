"""Sentiment of movie review snippets: an LSTM on raw text, in one Pipeline.

TextTokenizer -> SequencePadder -> RNNClassifier(embedding_dim=...) learns
to tell "fresh" from "rotten" Rotten Tomatoes snippets (Pang & Lee's
sentence polarity data, shipped in examples/data). A TF-IDF + logistic
regression baseline is measured on the same split.
"""

# %%
from pathlib import Path

import pandas as pd
import torch
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline

from sklearn_rnn import RNNClassifier, SequencePadder, TextTokenizer

DATA = Path(__file__).resolve().parent / "data" / "rotten_tomatoes.csv.gz"


def load_reviews() -> pd.DataFrame:
    """The 4,866 labelled snippets: columns ``label`` and ``text``."""
    return pd.read_csv(DATA)


def main(seed: int = 0, max_epochs: int = 6) -> dict:
    torch.set_num_threads(min(2, torch.get_num_threads()))
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
    main()
