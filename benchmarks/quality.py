"""Quality of the defaults: RNNClassifier / RNNRegressor over public data sets.

Fits the estimators with their defaults (plus only the per-task settings a
user must make, e.g. ``embedding_dim`` for text) over several seeds and
prints mean +- std (seed spread) next to simple baselines computed in the
same run and, where known, published references.

    python benchmarks/quality.py --quick               # smoke subset, < 60 s
    python benchmarks/quality.py                       # the full suite
    python benchmarks/quality.py --set clip_grad_norm=None --set lr=3e-3
    python benchmarks/quality.py --datasets GunPoint,Tecator --seeds 0,1,2
    python benchmarks/quality.py --callback orthogonal_init --callback plateau_lr

Data sets
---------
* ``digits`` (quick): scikit-learn's 8x8 digits read row by row, 8 steps x
  8 features; fixed stratified 70/30 split.
* ``synthetic`` (quick): a seeded nonlinear sequence regression (random
  walks, target = max of one channel minus min of the other).
* ``GunPoint``, ``ArrowHead``, ``OSULeaf``, ``ACSF1``, ``PLAID`` (UCR
  classification) and ``Covid3Month``, ``Tecator`` (Monash/UEA extrinsic
  regression): the ``.ts`` files shipped inside the ``sktime`` wheel, read by
  a small reader here (sktime itself is never imported). They are found in
  ``--data-dir`` (a folder with ``<Name>/<Name>_TRAIN.ts``), the installed
  ``sktime`` package, or an ``sktime-*.whl`` given by ``--sktime-wheel``
  (``pip download --no-deps sktime``). Missing sets are skipped with a note.
* ``rotten_tomatoes``: the snippets shipped in ``examples/data`` (text,
  TextTokenizer -> SequencePadder -> RNNClassifier(embedding_dim=64)).

Every fit runs on the CPU with one torch thread (``--jobs`` fits run side by
side in worker processes). ``--json`` writes every per-seed result.
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib.util
import json
import os
import sys
import time
import warnings
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
UCR_CLASSIFICATION = ["GunPoint", "ArrowHead", "OSULeaf", "ACSF1", "PLAID"]
UCR_REGRESSION = ["Covid3Month", "Tecator"]
QUICK = ["digits", "synthetic"]
FULL = ["GunPoint", "ArrowHead", "OSULeaf", "Covid3Month", "Tecator"]
ALL = QUICK + UCR_CLASSIFICATION + UCR_REGRESSION + ["rotten_tomatoes"]

# Test accuracy of 1-NN DTW with an unconstrained (full) warping window, from
# the UCR Time Series Classification Archive (2018) summary table.
PUBLISHED = {
    "GunPoint": "1-NN DTW (full window), UCR archive: 0.907",
    "ArrowHead": "1-NN DTW (full window), UCR archive: 0.703",
    "OSULeaf": "1-NN DTW (full window), UCR archive: 0.591",
}


# --------------------------------------------------------------------------
# data


def _read_ts(lines):
    """Parse a univariate ``.ts`` file: ``values:label`` per data line.

    Returns (list of 1-D float arrays, list of label strings).
    """
    series, labels, in_data = [], [], False
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            if line.lower().startswith("@data"):
                in_data = True
            continue
        values, label = line.rsplit(":", 1)
        if ":" in values:
            raise ValueError("only univariate .ts files are supported")
        series.append(np.array([float(v) for v in values.split(",")]))
        labels.append(label.strip())
    return series, labels


def _ts_source(name, data_dir, wheel):
    """A function part -> text lines for data set ``name``, or None."""
    candidates = []
    if data_dir:
        candidates.append(Path(data_dir))
    spec = importlib.util.find_spec("sktime")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            candidates.append(Path(loc) / "datasets" / "data")
    for folder in candidates:
        if (folder / name / f"{name}_TRAIN.ts").exists():
            return lambda part: (
                (folder / name / f"{name}_{part}.ts")
                .read_text(encoding="utf-8")
                .splitlines()
            )
    if wheel and Path(wheel).exists():
        archive = zipfile.ZipFile(wheel)
        member = f"sktime/datasets/data/{name}/{name}_TRAIN.ts"
        if member in archive.namelist():
            return lambda part: (
                archive.read(f"sktime/datasets/data/{name}/{name}_{part}.ts")
                .decode("utf-8")
                .splitlines()
            )
    return None


def _as_array(series):
    lengths = {len(s) for s in series}
    if len(lengths) == 1:
        return np.stack(series)
    return series  # ragged: a list of 1-D arrays


def _pad(series, width):
    """Zero-pad / truncate ragged series to ``width`` (baselines only)."""
    if isinstance(series, np.ndarray):
        return series
    out = np.zeros((len(series), width))
    for i, s in enumerate(series):
        out[i, : min(width, len(s))] = s[:width]
    return out


def load(name, data_dir=None, wheel=None):
    """Return a task dict or a string saying why it is skipped."""
    if name == "digits":
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        digits = load_digits()
        X = (digits.data / 16.0).reshape(-1, 8, 8).astype(np.float32)
        Xtr, Xte, ytr, yte = train_test_split(
            X, digits.target, test_size=0.3, stratify=digits.target, random_state=0
        )
        return dict(kind="clf", Xtr=Xtr, ytr=ytr, Xte=Xte, yte=yte)
    if name == "synthetic":
        rng = np.random.default_rng(0)
        X = rng.normal(size=(800, 30, 2)).cumsum(axis=1) / np.sqrt(30)
        y = X[:, :, 0].max(axis=1) - X[:, :, 1].min(axis=1)
        y = y + 0.05 * rng.normal(size=len(y))
        X = X.astype(np.float32)
        return dict(kind="reg", Xtr=X[:600], ytr=y[:600], Xte=X[600:], yte=y[600:])
    if name == "rotten_tomatoes":
        path = ROOT / "examples" / "data" / "rotten_tomatoes.csv.gz"
        if not path.exists():
            return f"{path} not found"
        import pandas as pd
        from sklearn.model_selection import train_test_split

        reviews = pd.read_csv(path)
        Xtr, Xte, ytr, yte = train_test_split(
            reviews["text"].to_numpy(),
            reviews["label"].to_numpy(),
            test_size=0.2,
            stratify=reviews["label"],
            random_state=0,
        )
        return dict(kind="text", Xtr=list(Xtr), ytr=ytr, Xte=list(Xte), yte=yte)
    if name in UCR_CLASSIFICATION + UCR_REGRESSION:
        source = _ts_source(name, data_dir, wheel)
        if source is None:
            return (
                "not found (pass --data-dir or --sktime-wheel, "
                "or install the 'quality' extra)"
            )
        Str, ltr = _read_ts(source("TRAIN"))
        Ste, lte = _read_ts(source("TEST"))
        regression = name in UCR_REGRESSION
        conv = float if regression else str
        ytr = np.array([conv(v) for v in ltr])
        yte = np.array([conv(v) for v in lte])
        # Scale by the training values (one mean / std for the whole set):
        # what a user would do before a neural net; the UCR sets are already
        # z-normalised per series so this is nearly a no-op for them.
        flat = np.concatenate(Str)
        mu, sd = flat.mean(), flat.std() or 1.0
        Str = [((s - mu) / sd).astype(np.float32) for s in Str]
        Ste = [((s - mu) / sd).astype(np.float32) for s in Ste]
        return dict(
            kind="reg" if regression else "clf",
            Xtr=_as_array(Str),
            ytr=ytr,
            Xte=_as_array(Ste),
            yte=yte,
        )
    return f"unknown data set {name!r} (known: {', '.join(ALL)})"


# --------------------------------------------------------------------------
# candidate callbacks (``--callback``): defaults tried without library changes


def _recurrent_init(
    module, *, orthogonal=True, input_init=None, zero_bias=False, forget_bias=1.0
):
    """Re-initialise ``module.rnn``: orthogonal recurrent weights per gate.

    ``orthogonal=False`` keeps torch's recurrent weights (to tell the two
    changes apart). ``input_init="xavier"`` also draws the input weights per gate from
    Glorot's uniform; ``zero_bias`` zeroes the biases; for an LSTM the
    forget gate's bias (the second quarter, torch's gate order i, f, g, o)
    then sums to ``forget_bias`` (``bias_ih`` holds it, ``bias_hh`` 0), as
    Jozefowicz et al. (2015) and Keras' ``unit_forget_bias``.
    """
    import torch
    from torch import nn

    rnn = module.rnn
    hidden = rnn.hidden_size
    lstm = isinstance(rnn, nn.LSTM)
    with torch.no_grad():
        for name, param in rnn.named_parameters():
            blocks = param.split(hidden, dim=0)
            if name.startswith("weight_hh") and orthogonal:
                for block in blocks:
                    nn.init.orthogonal_(block)
            elif name.startswith("weight_ih") and input_init == "xavier":
                for block in blocks:
                    nn.init.xavier_uniform_(block)
            elif name.startswith("bias"):
                if zero_bias:
                    param.zero_()
                if lstm and forget_bias is not None:
                    forget = blocks[1]
                    forget.fill_(forget_bias if name.startswith("bias_ih") else 0.0)


def _callback(spec):
    """A skorch callback from ``name[:key=value,...]`` (see ``--callback``)."""
    import torch
    from skorch.callbacks import Callback, LRScheduler

    name, _, rest = spec.partition(":")
    options = _parse_set(rest.split(",")) if rest else {}
    # torch_init: torch's own initialisation of the recurrent layer, every
    # weight and bias from U(-1/sqrt(hidden), 1/sqrt(hidden)): the library's
    # default before it took the Keras-style initialisation.
    if name in ("orthogonal_init", "keras_init"):
        if name == "keras_init":
            options = {"input_init": "xavier", "zero_bias": True, **options}

        class RecurrentInit(Callback):
            def on_train_begin(self, net, **kwargs):
                if len(net.history) == 0:  # a new network, not warm start
                    _recurrent_init(net.module_, **options)

        return (name, RecurrentInit())
    if name == "torch_init":

        class TorchInit(Callback):
            def on_train_begin(self, net, **kwargs):
                if len(net.history) == 0:
                    net.module_.rnn.reset_parameters()

        return (name, TorchInit())
    if name == "plateau_lr":
        options = {"factor": 0.5, "patience": 3, **options}
        policy = torch.optim.lr_scheduler.ReduceLROnPlateau
        return (name, LRScheduler(policy=policy, monitor="train_loss", **options))
    raise SystemExit(
        f"unknown --callback {name!r}; known: orthogonal_init, keras_init, "
        "torch_init, plateau_lr"
    )


# --------------------------------------------------------------------------
# models


def _model(task, params, seed, callbacks=()):
    from sklearn.pipeline import make_pipeline

    from sklearn_rnn import RNNClassifier, RNNRegressor, SequencePadder, TextTokenizer

    params = dict(params, random_state=seed, device="cpu")
    if callbacks:
        params["callbacks"] = [_callback(spec) for spec in callbacks]
    if task["kind"] == "reg":
        return RNNRegressor(**params)
    if task["kind"] == "clf":
        return RNNClassifier(**params)
    params.setdefault("embedding_dim", 64)  # text needs an embedding
    return make_pipeline(
        TextTokenizer(min_frequency=2),
        SequencePadder(maxlen=40, padding="pre", truncating="pre"),
        RNNClassifier(**params),
    )


def _score(kind, y_true, y_pred):
    if kind == "reg":
        from sklearn.metrics import r2_score

        rmse = float(np.sqrt(np.mean((np.asarray(y_true) - y_pred) ** 2)))
        return {"r2": float(r2_score(y_true, y_pred)), "rmse": rmse}
    return {"accuracy": float(np.mean(np.asarray(y_true) == y_pred))}


@functools.lru_cache(maxsize=2)
def _cached_load(name, data_dir, wheel):
    return load(name, data_dir, wheel)


def _fit_one(job):
    """One seeded fit in a worker: scores, epochs, seconds, warnings."""
    name, params, callbacks, seed, data_dir, wheel = job
    import torch
    from sklearn.exceptions import ConvergenceWarning

    torch.set_num_threads(1)
    task = _cached_load(name, data_dir, wheel)
    model = _model(task, params, seed, callbacks)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(task["Xtr"], task["ytr"])
    seconds = time.perf_counter() - start
    est = model[-1] if hasattr(model, "steps") else model
    out = _score(task["kind"], task["yte"], model.predict(task["Xte"]))
    out.update(
        seed=seed,
        seconds=seconds,
        n_iter=int(est.n_iter_),
        train_loss=float(est.history_[-1]["train_loss"]),
        convergence_warning=any(
            issubclass(w.category, ConvergenceWarning) for w in caught
        ),
    )
    return name, out


def baselines(task):
    """Simple baselines fitted in this run: name -> scores."""
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.linear_model import LogisticRegression, RidgeCV
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    kind = task["kind"]
    if kind == "text":
        from sklearn.feature_extraction.text import TfidfVectorizer

        model = make_pipeline(
            TfidfVectorizer(
                token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2), sublinear_tf=True
            ),
            LogisticRegression(C=4.0, max_iter=1000),
        )
        model.fit(task["Xtr"], task["ytr"])
        return {
            "TF-IDF + LogisticRegression": _score(
                kind, task["yte"], model.predict(task["Xte"])
            )
        }
    Xtr, Xte = task["Xtr"], task["Xte"]
    if not isinstance(Xtr, np.ndarray) or not isinstance(Xte, np.ndarray):
        width = max(len(s) for s in list(Xtr) + list(Xte))
        Xtr, Xte = _pad(Xtr, width), _pad(Xte, width)
    Xtr = Xtr.reshape(len(Xtr), -1)
    Xte = Xte.reshape(len(Xte), -1)
    if kind == "clf":
        models = {
            "majority class": DummyClassifier(strategy="most_frequent"),
            "1-NN Euclidean": KNeighborsClassifier(n_neighbors=1),
            "LogisticRegression (flattened)": make_pipeline(
                StandardScaler(), LogisticRegression(max_iter=2000)
            ),
        }
    else:
        models = {
            "mean (DummyRegressor)": DummyRegressor(),
            "RidgeCV (flattened)": make_pipeline(
                StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 13))
            ),
        }
    return {
        label: _score(kind, task["yte"], m.fit(Xtr, task["ytr"]).predict(Xte))
        for label, m in models.items()
    }


# --------------------------------------------------------------------------
# command line


def _parse_set(items):
    params = {}
    for item in items:
        key, _, value = item.partition("=")
        if not _:
            raise SystemExit(f"--set expects name=value, got {item!r}")
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value  # a plain string such as gru or mean
    return params


def _ms(values, fmt="{:.3f}"):
    values = np.asarray(values, dtype=float)
    return f"{fmt.format(values.mean())} ± {fmt.format(values.std())}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke subset")
    parser.add_argument("--seeds", default=None, help="e.g. 0,1,2 or 0-4")
    parser.add_argument("--datasets", default=None, help="comma-separated")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="estimator parameter to try (repeatable), e.g. lr=3e-3",
    )
    parser.add_argument(
        "--callback",
        action="append",
        default=[],
        metavar="NAME[:KEY=VALUE,...]",
        help=(
            "candidate training callback (repeatable): orthogonal_init "
            "(orthogonal recurrent weights, LSTM forget-gate bias 1), keras_init "
            "(also Glorot input weights, zero biases), plateau_lr "
            "(ReduceLROnPlateau on the training loss; factor=0.5,patience=3), "
            "torch_init (torch's U(+-1/sqrt(hidden)) for the recurrent layer)"
        ),
    )
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--data-dir", default=os.environ.get("SKLEARN_RNN_QUALITY_DATA")
    )
    parser.add_argument("--sktime-wheel", default=None)
    parser.add_argument("--json", default=None, help="write per-seed results here")
    args = parser.parse_args(argv)

    if args.seeds is None:
        seeds = [0, 1] if args.quick else [0, 1, 2, 3, 4]
    elif "-" in args.seeds:
        first, last = args.seeds.split("-")
        seeds = list(range(int(first), int(last) + 1))
    else:
        seeds = [int(s) for s in args.seeds.split(",") if s]
    names = (
        args.datasets.split(",") if args.datasets else (QUICK if args.quick else FULL)
    )
    params = _parse_set(args.set)
    for spec in args.callback:
        _callback(spec)  # fail early on a bad name

    tasks = {}
    for name in names:
        task = load(name, args.data_dir, args.sktime_wheel)
        if isinstance(task, str):
            print(f"skipping {name}: {task}")
            continue
        tasks[name] = task
    settings = ", ".join(
        [f"{k}={v!r}" for k, v in params.items()]
        + [f"callback {spec}" for spec in args.callback]
    )
    settings = settings or "library defaults"
    print(f"settings: {settings}; seeds {seeds}; torch threads 1 per fit")

    jobs = [
        (n, params, args.callback, s, args.data_dir, args.sktime_wheel)
        for n in tasks
        for s in seeds
    ]
    results = {n: [] for n in tasks}
    start = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            for name, out in pool.map(_fit_one, jobs):
                results[name].append(out)
    else:
        for job in jobs:
            name, out = _fit_one(job)
            results[name].append(out)

    header = (
        f"{'data set':<16} {'n train/test':>12} {'metric':>8} "
        f"{'RNN (mean ± std)':>18} {'epochs':>6} {'conv.warn':>9} {'s/fit':>6}"
        "  baselines (same run); published"
    )
    print(header)
    print("-" * len(header))
    report = {
        "settings": params,
        "callbacks": args.callback,
        "seeds": seeds,
        "datasets": {},
    }
    for name, task in tasks.items():
        runs = results[name]
        metric = "r2" if task["kind"] == "reg" else "accuracy"
        base = baselines(task)
        base_txt = "; ".join(f"{k} {v[metric]:.3f}" for k, v in base.items())
        if name in PUBLISHED:
            base_txt += "; " + PUBLISHED[name]
        n_warn = sum(r["convergence_warning"] for r in runs)
        print(
            f"{name:<16} {len(task['ytr']):>5}/{len(task['yte']):<6} {metric[:8]:>8} "
            f"{_ms([r[metric] for r in runs]):>18} "
            f"{np.mean([r['n_iter'] for r in runs]):>6.1f} "
            f"{n_warn:>4}/{len(runs):<4} "
            f"{np.mean([r['seconds'] for r in runs]):>6.1f}  {base_txt}"
        )
        if task["kind"] == "reg":
            rmse = _ms([r["rmse"] for r in runs], "{:.4g}")
            base_rmse = "; ".join(f"{k} {v['rmse']:.4g}" for k, v in base.items())
            print(f"{'':<16} {'':>12} {'rmse':>8} {rmse:>18}  {base_rmse}")
        report["datasets"][name] = {"runs": runs, "baselines": base}
    print(f"total {time.perf_counter() - start:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
