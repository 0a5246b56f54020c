"""Single-sequence latency: an exported model in onnxruntime against predict.

    python benchmarks/onnx_latency.py             # the table in benchmarks/README.md
    python benchmarks/onnx_latency.py --quick     # fewer calls, a smoke test
    python benchmarks/onnx_latency.py --threads 2

For each configuration a model is fitted for one epoch (latency does not
depend on the weights), exported with ``export_onnx``, and one sequence is
predicted many times three ways, interleaved: ``predict_proba`` (the
baseline: validation, batching, torch), the torch module called directly
on a ready tensor (the floor for torch), and ``InferenceSession.run`` on
the padded sequence and its length. Torch and onnxruntime both get the same
number of threads. Medians in milliseconds and the ratio onnxruntime /
predict of the same run are printed as a Markdown table; the outputs are
checked equal first.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time

import numpy as np
import onnxruntime as ort
import torch

from sklearn_rnn import RNNClassifier, export_onnx

CONFIGS = [
    ("LSTM 64, 50 steps x 8 features", {"cell": "lstm"}),
    ("GRU 64", {"cell": "gru"}),
    ("vanilla RNN 64", {"cell": "rnn"}),
    ("LSTM 64 bidirectional, mean pooling", {"bidirectional": True, "pooling": "mean"}),
    ("LSTM 64, 2 layers", {"num_layers": 2}),
    ("LSTM 64 over 32-d embeddings, 50 token ids", {"embedding_dim": 32}),
]
STEPS, FEATURES, VOCABULARY = 50, 8, 5000


def median_ms(fn, calls: int) -> float:
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def measure(params: dict, calls: int, repeats: int, threads: int, tmp: str) -> dict:
    rng = np.random.RandomState(0)
    tokens = params.get("embedding_dim") is not None
    if tokens:
        X = rng.randint(1, VOCABULARY, size=(256, STEPS))
    else:
        X = rng.normal(size=(256, STEPS, FEATURES)).astype(np.float32)
    y = rng.randint(0, 2, size=len(X))
    clf = RNNClassifier(hidden_size=64, max_epochs=1, random_state=0, **params)
    clf.fit(X, y)
    path = os.path.join(tmp, "model.onnx")
    export_onnx(clf, path)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])

    one = X[:1]
    feed = {"X": one, "lengths": np.array([STEPS], np.int64)}
    module = clf.module_.eval()
    x_t, len_t = torch.as_tensor(one), torch.tensor([STEPS])

    def call_module():
        with torch.inference_mode():
            module(x_t, len_t)

    expected = clf.predict_proba(one)
    got = session.run(None, feed)[0]
    assert np.allclose(got, expected, atol=1e-4), np.abs(got - expected).max()

    ways = {
        "predict": lambda: clf.predict_proba(one),
        "module": call_module,
        "onnxruntime": lambda: session.run(None, feed),
    }
    for fn in ways.values():  # warm up
        median_ms(fn, 20)
    runs = {name: [] for name in ways}
    for _ in range(repeats):  # interleaved, so drifts hit every way alike
        for name, fn in ways.items():
            runs[name].append(median_ms(fn, calls))
    return {name: float(np.median(values)) for name, values in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    calls = 50 if args.quick else 300
    torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, onnxruntime {ort.__version__}, "
        f"{platform.processor() or platform.machine()}, {args.threads} thread(s), "
        f"median of {args.repeats} x {calls} calls"
    )
    print()
    print(
        "| model | predict (ms) | torch module (ms) | onnxruntime (ms) | ort/predict |"
    )
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, params in CONFIGS:
            r = measure(params, calls, args.repeats, args.threads, tmp)
            print(
                f"| {label} | {r['predict']:.3f} | {r['module']:.3f} | "
                f"{r['onnxruntime']:.3f} | {r['onnxruntime'] / r['predict']:.2f}x |",
                flush=True,
            )


if __name__ == "__main__":
    main()
