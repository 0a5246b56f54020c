"""Tokenizing throughput: TextTokenizer against CountVectorizer's analyzer.

Run: python benchmarks/tokenizer.py

Both split a few MB of text with the same token pattern; TextTokenizer also
counts (fit) or maps tokens to ids (transform). Runs are interleaved and
the medians reported with the ratio against the analyzer alone, the work
CountVectorizer does before counting.
"""

import statistics
import time
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

from sklearn_rnn import TextTokenizer

DATA = (
    Path(__file__).resolve().parents[1] / "examples" / "data" / "rotten_tomatoes.csv.gz"
)
PATTERN = r"(?u)\b\w+\b"


def corpus(megabytes: float = 4.0) -> list[str]:
    texts = pd.read_csv(DATA)["text"].tolist()
    size = sum(map(len, texts))
    return texts * max(1, round(megabytes * 1e6 / size))


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(repeats: int = 5) -> None:
    docs = corpus()
    megabytes = sum(map(len, docs)) / 1e6
    analyzer = CountVectorizer(token_pattern=PATTERN).build_analyzer()
    fitted = TextTokenizer(token_pattern=PATTERN).fit(docs)
    runs = {
        "CountVectorizer analyzer (baseline)": lambda: [analyzer(d) for d in docs],
        "TextTokenizer.fit": lambda: TextTokenizer(token_pattern=PATTERN).fit(docs),
        "TextTokenizer.transform": lambda: fitted.transform(docs),
        "CountVectorizer.fit_transform": lambda: CountVectorizer(
            token_pattern=PATTERN
        ).fit_transform(docs),
    }
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            times[name].append(timed(fn))
    base = statistics.median(times["CountVectorizer analyzer (baseline)"])
    print(
        f"{len(docs)} documents, {megabytes:.1f} MB, "
        f"median of {repeats} interleaved runs"
    )
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{name:40s} {median:7.3f} s  {megabytes / median:6.1f} MB/s  "
            f"{median / base:5.2f}x"
        )


if __name__ == "__main__":
    main()
