"""sklearn_rnn against plain skorch and a hand-written PyTorch loop.

Run: python benchmarks/run.py            (full sizes, about 15 minutes on 2 cores)
     python benchmarks/run.py --quick    (a fifth of the data, for a smoke test)
     python benchmarks/run.py --device cuda --workloads ac   (on a GPU)

Every measurement runs in a fresh subprocess (so peak memory is its own), the
ways are interleaved within each repeat, and the medians are printed with
their ratio against the hand-written loop measured in the same run.

Workloads
  a   fixed length: 20,000 sequences x 50 steps x 8 features, LSTM 64,
      batch 128, 3 epochs; fit, then predict on the 20,000 and on 1 sequence
  b   the same with GRU and vanilla RNN
  c   ragged: lengths 5..200 drawn from a long-tailed distribution; the hand
      loops pad every batch to 200, pack each random batch, or bucket by
      length (the ideal: only real steps, as an expert would write it)
  e   text: a few MB of review snippets, tokenized, padded, LSTM over
      embeddings; hand: CountVectorizer's analyzer, a dict, the same loop
  p   precision: workload a in float32 and with precision="bf16" (bfloat16
      autocast; the hand loop under torch.autocast), plus the test accuracy
      on 4,000 new sequences, to see what the speed costs
  g   GridSearchCV over 4 candidates x 2 folds (4,000 sequences of
      workload a, 2 epochs) with n_jobs=1 against n_jobs=2: joblib caps each
      worker at one thread, so the two workers share the two cores
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
EPOCHS = 3
BATCH = 128
HIDDEN = 64
LR = 1e-3
CLIP = 1.0
# Set in each child from --device: where every way trains. The hand loops
# keep the whole data set on it (one transfer), as an expert would on a GPU.
DEVICE = "cpu"
# Set in each child of workload p: bfloat16 autocast for the "bf16" ways.
BF16 = False


def autocast():
    """bfloat16 autocast when BF16 is set, else nothing."""
    import torch

    return torch.autocast(torch.device(DEVICE).type, torch.bfloat16, enabled=BF16)


# --------------------------------------------------------------------- data
def fixed_data(n: int, seed: int = 0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 50, 8)).astype(np.float32)
    y = (X[:, -10:, 0].sum(axis=1) > 0).astype(np.int64)
    return X, y


def ragged_data(n: int, seed: int = 0):
    rng = np.random.RandomState(seed)
    # Long tail: most sequences are short, a few reach 200 steps.
    lengths = np.clip((rng.pareto(1.5, size=n) + 1) * 10, 5, 200).astype(int)
    X = [rng.normal(size=(t, 8)).astype(np.float32) for t in lengths]
    y = np.array([int(x[-5:, 0].sum() > 0) for x in X], dtype=np.int64)
    return X, y


def text_data(megabytes: float):
    import pandas as pd

    reviews = pd.read_csv(HERE.parent / "examples" / "data" / "rotten_tomatoes.csv.gz")
    texts, labels = reviews["text"].tolist(), reviews["label"].to_numpy()
    copies = max(1, round(megabytes * 1e6 / sum(map(len, texts))))
    return texts * copies, np.tile(labels, copies)


# ------------------------------------------------------------ torch modules
def make_module(cell: str, input_size: int, vocab: int | None = None):
    import torch
    from torch import nn

    class Net(nn.Module):
        """What an expert writes: (embedding ->) RNN -> last real step -> linear."""

        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(vocab, 32, padding_idx=0) if vocab else None
            size = 32 if vocab else input_size
            self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell](
                size, HIDDEN, batch_first=True
            )
            self.head = nn.Linear(HIDDEN, 2)

        def forward(self, x, lengths=None):
            if self.embedding is not None:
                x = self.embedding(x)
            out, _ = self.rnn(x)
            if lengths is None:
                return self.head(out[:, -1])
            return self.head(out[torch.arange(len(out)), lengths - 1])

    return Net()


def hand_fit(module, batches, epochs: int):
    """The reference loop: tensors cut per batch, no per-sample Python work."""
    import torch
    import torch.nn.functional as F

    optimizer = torch.optim.Adam(module.parameters(), lr=LR)
    module.train()
    for _ in range(epochs):
        for xb, lengths, yb in batches():
            optimizer.zero_grad()
            with autocast():
                out = module(xb, lengths) if lengths is not None else module(xb)
            loss = F.cross_entropy(out.float(), yb)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(module.parameters(), CLIP)
            optimizer.step()


def _split(order, size):
    return [order[i : i + size] for i in range(0, len(order), size)]


# ------------------------------------------------------------------- ways
def ours(**params):
    """The sklearn_rnn model with the hand loop's settings."""
    from sklearn_rnn import RNNClassifier

    settings = {
        "hidden_size": HIDDEN,
        "max_epochs": EPOCHS,
        "batch_size": BATCH,
        "lr": LR,
        "clip_grad_norm": CLIP,
        "random_state": 0,
        "device": DEVICE,
    }
    return RNNClassifier(**{**settings, **params})


def run_fixed(way: str, cell: str, n: int, accuracy: bool = False) -> dict:
    import torch

    global BF16
    BF16 = way.endswith(" bf16")
    way = way.removesuffix(" bf16")
    X, y = fixed_data(n)
    result = {}
    if way == "sklearn_rnn":
        model = ours(cell=cell, precision="bf16" if BF16 else "32")
        result["fit_s"] = _timed(lambda: model.fit(X, y))
        result["predict_s"] = _timed(lambda: model.predict(X))
        result["predict1_ms"] = 1e3 * _best(lambda: model.predict(X[:1]))
        predict_test = model.predict
    elif way == "skorch":
        from skorch import NeuralNetClassifier
        from skorch.callbacks import GradientNormClipping

        torch.manual_seed(0)
        net = NeuralNetClassifier(
            make_module(cell, 8),
            max_epochs=EPOCHS,
            batch_size=BATCH,
            lr=LR,
            optimizer=torch.optim.Adam,
            train_split=None,
            verbose=0,
            iterator_train__shuffle=True,
            callbacks=[GradientNormClipping(CLIP)],
            device=DEVICE,
        )
        result["fit_s"] = _timed(lambda: net.fit(X, y))
        result["predict_s"] = _timed(lambda: net.predict(X))
        result["predict1_ms"] = 1e3 * _best(lambda: net.predict(X[:1]))
        predict_test = net.predict
    else:
        torch.manual_seed(0)
        module = make_module(cell, 8).to(DEVICE)
        X_t, y_t = torch.from_numpy(X).to(DEVICE), torch.from_numpy(y).to(DEVICE)

        def batches():
            for idx in _split(torch.randperm(n, device=DEVICE), BATCH):
                yield X_t[idx], None, y_t[idx]

        result["fit_s"] = _timed(lambda: hand_fit(module, batches, EPOCHS))
        module.eval()

        def predict(data):
            with torch.inference_mode(), autocast():
                return (
                    torch.cat(
                        [
                            module(data[i : i + BATCH]).argmax(1)
                            for i in range(0, len(data), BATCH)
                        ]
                    )
                    .cpu()
                    .numpy()
                )

        result["predict_s"] = _timed(lambda: predict(X_t))
        result["predict1_ms"] = 1e3 * _best(lambda: predict(X_t[:1]))

        def predict_test(data):
            return predict(torch.from_numpy(data).to(DEVICE))

    if accuracy:
        X_test, y_test = fixed_data(n // 5, seed=1)
        result["test_accuracy"] = float(np.mean(predict_test(X_test) == y_test))
    return result


def run_ragged(way: str, n: int) -> dict:
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence

    X, y = ragged_data(n)
    result = {"real_steps_share": float(sum(map(len, X)) / (len(X) * 200))}
    if way == "sklearn_rnn":
        model = ours()
        result["fit_s"] = _timed(lambda: model.fit(X, y))
        result["predict_s"] = _timed(lambda: model.predict(X))
        return result
    torch.manual_seed(0)
    lengths = np.array([len(x) for x in X])
    padded = np.zeros((n, 200, 8), np.float32)
    for i, x in enumerate(X):
        padded[i, : len(x)] = x
    P, L, Y = torch.from_numpy(padded), torch.from_numpy(lengths), torch.from_numpy(y)
    P, Y = P.to(DEVICE), Y.to(DEVICE)
    module = make_module("lstm", 8).to(DEVICE)

    class Packed(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x, lens):
            packed = pack_padded_sequence(
                x, lens, batch_first=True, enforce_sorted=False
            )
            _, (h, _) = self.inner.rnn(packed)
            return self.inner.head(h[-1])

    def random_batches():
        return _split(torch.randperm(n), BATCH)

    if way == "hand pad-to-200":

        def batches():
            for idx in random_batches():
                yield P[idx], L[idx], Y[idx]
    elif way == "hand packed":
        module = Packed(module)

        def batches():
            for idx in random_batches():
                width = int(L[idx].max())
                yield P[idx, :width], L[idx], Y[idx]
    else:  # hand bucketed: the ideal, only (nearly) real steps

        def batches():
            order = torch.randperm(n).numpy()
            window = BATCH * 50
            for start in range(0, n, window):
                part = order[start : start + window]
                order[start : start + window] = part[
                    np.argsort(lengths[part], kind="stable")
                ]
            chunks = _split(order, BATCH)
            for i in torch.randperm(len(chunks)).tolist():
                idx = torch.from_numpy(chunks[i])
                width = int(L[idx].max())
                yield P[idx, :width], L[idx], Y[idx]

    result["fit_s"] = _timed(lambda: hand_fit(module, batches, EPOCHS))
    return result


def run_text(way: str, megabytes: float) -> dict:
    import torch

    texts, labels = text_data(megabytes)
    y = (labels == "fresh").astype(np.int64)
    result = {}
    if way == "sklearn_rnn":
        from sklearn.pipeline import make_pipeline

        from sklearn_rnn import SequencePadder, TextTokenizer

        pipe = make_pipeline(
            TextTokenizer(),
            SequencePadder(maxlen=40),
            ours(embedding_dim=32, max_epochs=1),
        )
        result["fit_s"] = _timed(lambda: pipe.fit(texts, y))
        return result
    from collections import Counter

    from sklearn.feature_extraction.text import CountVectorizer

    start = time.perf_counter()
    analyze = CountVectorizer(token_pattern=r"(?u)\b\w+\b").build_analyzer()
    tokens = [analyze(t) for t in texts]
    counts = Counter(tok for doc in tokens for tok in doc)
    vocab = {tok: i for i, (tok, _) in enumerate(counts.most_common(), start=2)}
    ids = np.zeros((len(texts), 40), np.int64)
    lengths = np.ones(len(texts), np.int64)
    for i, doc in enumerate(tokens):
        row = [vocab[t] for t in doc[:40]] or [1]
        ids[i, : len(row)] = row
        lengths[i] = len(row)
    torch.manual_seed(0)
    module = make_module("lstm", 1, vocab=len(vocab) + 2)
    ids_t, L, Y = torch.from_numpy(ids), torch.from_numpy(lengths), torch.from_numpy(y)

    def batches():
        for idx in _split(torch.randperm(len(texts)), BATCH):
            width = int(L[idx].max())
            yield ids_t[idx, :width], L[idx], Y[idx]

    hand_fit(module, batches, 1)
    result["fit_s"] = time.perf_counter() - start
    return result


def run_search(way: str, n: int) -> dict:
    from sklearn.model_selection import GridSearchCV

    from sklearn_rnn import RNNClassifier

    X, y = fixed_data(n)
    search = GridSearchCV(
        RNNClassifier(max_epochs=2, batch_size=BATCH, random_state=0, device=DEVICE),
        {"cell": ["lstm", "gru"], "hidden_size": [32, 64]},
        cv=2,
        n_jobs=int(way.split("=")[1]),
    )
    return {"fit_s": _timed(lambda: search.fit(X, y))}


# ---------------------------------------------------------------- harness
def _timed(fn) -> float:
    import torch

    start = time.perf_counter()
    fn()
    if DEVICE == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def _best(fn, repeats: int = 50) -> float:
    fn()
    return min(_timed(fn) for _ in range(repeats))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(workload: str, way: str, scale: float, threads: int, device: str) -> None:
    import torch

    global DEVICE
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    DEVICE = device
    torch.set_num_threads(threads)
    import skorch  # noqa: F401

    import sklearn_rnn  # noqa: F401  (imports counted before the baseline)

    base = _rss_mb()
    if workload.startswith(("a", "b", "p")):
        cell = workload.split(":")[1]
        result = run_fixed(way, cell, int(20_000 * scale), workload.startswith("p"))
    elif workload == "c":
        result = run_ragged(way, int(8_000 * scale))
    elif workload == "g":
        result = run_search(way, int(4_000 * scale))
    else:
        result = run_text(way, 4.0 * scale)
    result["peak_mb"] = _rss_mb() - base
    print(json.dumps(result))


WORKLOADS = {
    "a": [("a:lstm", ["hand", "sklearn_rnn", "skorch"])],
    "b": [
        ("b:gru", ["hand", "sklearn_rnn", "skorch"]),
        ("b:rnn", ["hand", "sklearn_rnn", "skorch"]),
    ],
    "c": [("c", ["hand bucketed", "sklearn_rnn", "hand packed", "hand pad-to-200"])],
    "e": [("e", ["hand", "sklearn_rnn"])],
    "p": [("p:lstm", ["hand", "hand bf16", "sklearn_rnn", "sklearn_rnn bf16"])],
    "g": [("g", ["n_jobs=1", "n_jobs=2"])],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fifth of the data")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workloads", default="abceg")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"])
    parser.add_argument(
        "--child", nargs=2, metavar=("WORKLOAD", "WAY"), help=argparse.SUPPRESS
    )
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    scale = 0.2 if args.quick else args.scale
    if args.child:
        child(*args.child, scale, args.threads, args.device)
        return
    print(
        f"{args.repeats} interleaved repeats, torch threads={args.threads}, "
        f"scale={scale}, device={args.device}"
    )
    for key in args.workloads:
        for workload, ways in WORKLOADS[key]:
            runs = {way: [] for way in ways}
            for _ in range(args.repeats):
                for way in ways:
                    out = subprocess.run(
                        [
                            sys.executable,
                            __file__,
                            "--child",
                            workload,
                            way,
                            "--scale",
                            str(scale),
                            "--threads",
                            str(args.threads),
                            "--device",
                            args.device,
                        ],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    runs[way].append(json.loads(out.stdout.strip().splitlines()[-1]))
            report(workload, ways, runs)


def report(workload: str, ways: list[str], runs: dict) -> None:
    baseline = ways[0]
    metrics = [m for m in runs[baseline][0] if m != "real_steps_share"]
    print(f"\n== workload {workload} (ratios against '{baseline}')")
    if "real_steps_share" in runs[baseline][0]:
        share = runs[baseline][0]["real_steps_share"]
        print(f"real steps: {share:.0%} of the sequences padded to 200")
    header = f"{'way':18s}" + "".join(f"{m:>22s}" for m in metrics)
    print(header)
    for way in ways:
        cells = []
        for metric in metrics:
            value = statistics.median(r[metric] for r in runs[way])
            base = statistics.median(r[metric] for r in runs[baseline])
            cells.append(f"{value:10.3f} ({value / base:5.2f}x)")
        print(f"{way:18s}" + "".join(f"{c:>22s}" for c in cells))


if __name__ == "__main__":
    main()
