"""Export fitted estimators to ONNX, to serve them with onnxruntime alone.

The graph is written node by node with ``onnx.helper`` (as skl2onnx does for
scikit-learn models) rather than traced with ``torch.onnx.export``: ONNX's own
``RNN``/``LSTM``/``GRU`` operators take a ``sequence_lens`` input, so ragged
rows, bidirectional encoders included, run exactly as the packed sequences
used in training, with no unrolled loop, no tracing of data-dependent branches
and no dependency on torch's exporter. Only the fitted weights are read.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

OPSET = 17
_INSTALL_HINT = "pip install sklearn-rnn[onnx]"

# PyTorch stacks the gates of a layer as (i, f, g, o) for LSTM and (r, z, n)
# for GRU; ONNX expects (i, o, f, c) and (z, r, h).
_GATE_ORDER = {"LSTM": (0, 3, 1, 2), "GRU": (1, 0, 2), "RNN": (0,)}


def _import_onnx():
    try:
        import onnx
    except ImportError as exc:
        raise ImportError(
            f"export_onnx needs the 'onnx' package: {_INSTALL_HINT}"
        ) from exc
    return onnx


def export_onnx(estimator: Any, path: str | os.PathLike) -> Any:
    """Write a fitted RNN estimator as an ONNX model.

    The model runs in onnxruntime without torch or scikit-learn. It takes
    two inputs, post-padded sequences and their real lengths:

    - ``X``: float32 of shape ``(batch, time, features)``, or int64 token ids
      of shape ``(batch, time)`` when the estimator was fitted with
      ``embedding_dim``. A model fitted on 2-D input ``(n, T)`` (univariate
      sequences) takes ``X`` of shape ``(batch, T, 1)``. Steps at or after
      a row's length are ignored, whatever they hold (``mask_value``, NaN).
    - ``lengths``: int64 of shape ``(batch,)``, the real length of each row,
      between 1 and ``time``.

    Both the batch and the time axes are dynamic. Output 0 is float64:
    ``probabilities`` of shape ``(batch, n_classes)`` in the order of
    ``classes_`` for an :class:`RNNClassifier`, or ``predictions`` in the
    units of ``y`` for an :class:`RNNRegressor` or :class:`RNNForecaster`,
    shaped as ``predict`` returns them (``(batch,)`` for a 1-D ``y`` or
    ``horizon_`` 1, else ``(batch, n_outputs)``). They equal
    ``predict_proba`` / ``predict`` up to float32 rounding. ``X`` is in its
    original units: a model fitted with ``scale_X`` standardises it inside
    the graph (``Sub`` and ``Div`` before the recurrent layer), and a
    forecaster's graph keeps the last ``lookback`` steps of each window and
    rescales it by its own statistics (``normalize="window"``), as
    ``predict`` does, so it takes the windows of :func:`make_windows`.

    Parameters
    ----------
    estimator : RNNClassifier, RNNRegressor or RNNForecaster
        A fitted estimator. A forecaster trained on windows with
        known-future covariates is not supported yet.
    path : str or path-like
        File to write the model to (conventionally ``*.onnx``).

    Returns
    -------
    model : onnx.ModelProto
        The model written to ``path``. Its metadata holds ``classes_`` (as
        JSON) for a classifier.

    Raises
    ------
    ImportError
        If the ``onnx`` package is missing (``pip install sklearn-rnn[onnx]``;
        running the model also needs ``onnxruntime``).
    TypeError
        If ``estimator`` is not an RNNClassifier, RNNRegressor or
        RNNForecaster.
    NotImplementedError
        For an :class:`RNNForecaster` trained with ``future_covariates``.
    sklearn.exceptions.NotFittedError
        If ``estimator`` is not fitted.

    Notes
    -----
    Token ids at or above the fitted vocabulary size are read as the OOV id
    1 inside the graph. Lengths outside ``1..time`` are not checked by the
    graph; their results are undefined.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime as ort
    >>> from sklearn_rnn import RNNClassifier, export_onnx
    >>> rng = np.random.RandomState(0)
    >>> X = [rng.normal(size=(n, 2)).astype(np.float32) for n in (3, 5, 4, 6)]
    >>> clf = RNNClassifier(hidden_size=4, max_epochs=1, random_state=0)
    >>> clf = clf.fit(X, [0, 1, 0, 1])
    >>> import os, tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "classifier.onnx")
    >>> model = export_onnx(clf, path)
    >>> session = ort.InferenceSession(path)
    >>> padded = np.zeros((4, 6, 2), np.float32)
    >>> for i, seq in enumerate(X):
    ...     padded[i, : len(seq)] = seq
    >>> lengths = np.array([3, 5, 4, 6])
    >>> proba = session.run(None, {"X": padded, "lengths": lengths})[0]
    >>> bool(np.allclose(proba, clf.predict_proba(X), atol=1e-5))
    True
    >>> folder.cleanup()
    """
    kind = _estimator_kind(estimator)
    onnx = _import_onnx()
    check_is_fitted(estimator)
    model = _build_model(onnx, estimator, kind)
    onnx.checker.check_model(model)
    onnx.save_model(model, os.fspath(path))
    return model


def _estimator_kind(estimator: Any) -> str:
    # The public classes are resolved lazily, wherever they are defined.
    import sklearn_rnn

    if isinstance(estimator, type):
        raise TypeError(
            "export_onnx supports RNNClassifier, RNNRegressor and RNNForecaster "
            "instances; got "
            f"the class {estimator.__name__}."
        )
    if isinstance(estimator, sklearn_rnn.RNNForecaster):
        check_is_fitted(estimator)
        if getattr(estimator, "_future_steps_", 0):
            raise NotImplementedError(
                "export_onnx does not support an RNNForecaster trained on windows "
                "with known-future covariates (make_windows(..., "
                "future_covariates=)) yet. Serve it with torch."
            )
        if estimator.embedding_dim is not None:
            raise NotImplementedError(
                "export_onnx does not support an RNNForecaster over token ids."
            )
        return "forecaster"
    if isinstance(estimator, sklearn_rnn.RNNClassifier):
        return "classifier"
    if isinstance(estimator, sklearn_rnn.RNNRegressor):
        return "regressor"
    raise TypeError(
        "export_onnx supports RNNClassifier, RNNRegressor and RNNForecaster; got "
        f"{type(estimator).__name__}."
    )


def _regressor_units(estimator: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """The affine map from network outputs to ``y`` units, and ``y``'s ndim.

    The one place reading the regressor's private target statistics (see
    ``RNNRegressor.predict``).
    """
    scale = np.asarray(estimator._y_scale, dtype=np.float64).reshape(-1)
    mean = np.asarray(estimator._y_mean, dtype=np.float64).reshape(-1)
    return scale, mean, int(estimator._y_ndim)


class _Graph:
    """Collects nodes and initializers under unique names."""

    def __init__(self, onnx) -> None:
        self.onnx = onnx
        self.nodes: list = []
        self.initializers: list = []
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, value: np.ndarray, hint: str = "const") -> str:
        name = self.name(hint)
        self.initializers.append(
            self.onnx.numpy_helper.from_array(np.asarray(value), name)
        )
        return name

    def op(self, op_type: str, inputs: list[str], n_out: int = 1, **attrs):
        outputs = [self.name(op_type.lower()) for _ in range(n_out)]
        self.nodes.append(self.onnx.helper.make_node(op_type, inputs, outputs, **attrs))
        return outputs[0] if n_out == 1 else outputs


def _numpy(tensor) -> np.ndarray:
    return tensor.detach().cpu().float().numpy()


def _layer_weights(rnn, layer: int, cell: str) -> tuple[np.ndarray, ...]:
    """ONNX ``W``, ``R``, ``B`` of one (possibly bidirectional) layer."""
    order = _GATE_ORDER[cell]
    hidden = rnn.hidden_size
    suffixes = ["", "_reverse"] if rnn.bidirectional else [""]

    def gates(array: np.ndarray) -> np.ndarray:
        blocks = np.split(array, len(order), axis=0)
        return np.concatenate([blocks[i] for i in order], axis=0)

    W, R, B = [], [], []
    for suffix in suffixes:
        w_ih = _numpy(getattr(rnn, f"weight_ih_l{layer}{suffix}"))
        w_hh = _numpy(getattr(rnn, f"weight_hh_l{layer}{suffix}"))
        if rnn.bias:
            b_ih = _numpy(getattr(rnn, f"bias_ih_l{layer}{suffix}"))
            b_hh = _numpy(getattr(rnn, f"bias_hh_l{layer}{suffix}"))
        else:
            b_ih = b_hh = np.zeros(len(order) * hidden, np.float32)
        W.append(gates(w_ih))
        R.append(gates(w_hh))
        B.append(np.concatenate([gates(b_ih), gates(b_hh)]))
    return np.stack(W), np.stack(R), np.stack(B)


def _encoder(g: _Graph, module, x: str, lengths: str) -> str:
    """Nodes from ``x`` (batch, time, features) to pooled ``(batch, width)``."""
    import torch

    rnn = module.rnn
    cell = {torch.nn.LSTM: "LSTM", torch.nn.GRU: "GRU", torch.nn.RNN: "RNN"}[type(rnn)]
    n_dirs = 2 if rnn.bidirectional else 1
    attrs = {
        "hidden_size": rnn.hidden_size,
        "direction": "bidirectional" if rnn.bidirectional else "forward",
    }
    if cell == "GRU":
        attrs["linear_before_reset"] = 1  # PyTorch's GRU
    if cell == "RNN":
        attrs["activations"] = [rnn.nonlinearity.capitalize()] * n_dirs

    seq_lens = g.op("Cast", [lengths], to=g.onnx.TensorProto.INT32)
    layer_in = g.op("Transpose", [x], perm=[1, 0, 2])  # (time, batch, features)
    for layer in range(rnn.num_layers):
        W, R, B = _layer_weights(rnn, layer, cell)
        y, y_h = g.op(
            cell,
            [layer_in, g.const(W, "W"), g.const(R, "R"), g.const(B, "B"), seq_lens],
            n_out=2,
            **attrs,
        )
        # Y is (time, directions, batch, hidden): concatenate the directions.
        y = g.op("Transpose", [y], perm=[0, 2, 1, 3])
        layer_in = g.op("Reshape", [y, g.const(np.array([0, 0, -1]), "shape")])

    if module.pooling == "last":
        # Y_h holds the forward state at each row's last real step and the
        # backward state after reading the row from there down to step 0.
        y_h = g.op("Transpose", [y_h], perm=[1, 0, 2])
        return g.op("Reshape", [y_h, g.const(np.array([0, -1]), "shape")])

    out = g.op("Transpose", [layer_in], perm=[1, 0, 2])  # (batch, time, width)
    mask = g.op("Unsqueeze", [_step_mask(g, x, lengths), g.const(np.array([2]))])
    if module.pooling == "mean":
        kept = g.op("Where", [mask, out, g.const(np.float32(0.0))])
        total = g.op("ReduceSum", [kept, g.const(np.array([1]))], keepdims=0)
        count = g.op(
            "Cast",
            [g.op("Unsqueeze", [lengths, g.const(np.array([1]))])],
            to=g.onnx.TensorProto.FLOAT,
        )
        return g.op("Div", [total, count])
    kept = g.op("Where", [mask, out, g.const(np.float32(-np.inf))])
    return g.op("ReduceMax", [kept], axes=[1], keepdims=0)


def _step_mask(g: _Graph, x: str, lengths: str) -> str:
    """Boolean ``(batch, time)``: True at each row's real steps."""
    time = g.op(
        "Gather", [g.op("Shape", [x]), g.const(np.array(1, dtype=np.int64))], axis=0
    )
    steps = g.op(
        "Range",
        [g.const(np.array(0, dtype=np.int64)), time, g.const(np.array(1, np.int64))],
    )
    return g.op(
        "Less",
        [
            g.op("Unsqueeze", [steps, g.const(np.array([0]))]),
            g.op("Unsqueeze", [lengths, g.const(np.array([1]))]),
        ],
    )


def _tail(g: _Graph, x: str, lengths: str, steps: int) -> tuple[str, str]:
    """Keep the last ``steps`` real steps of each post-padded row.

    Rows stay post-padded: row ``b`` keeps steps ``start_b ..`` where
    ``start_b = lengths_b - min(lengths_b, steps)``; the width becomes
    ``min(time, steps)``.
    """
    i64 = np.int64
    kept = g.op("Min", [lengths, g.const(np.array(steps, dtype=i64))])
    start = g.op("Sub", [lengths, kept])
    shape = g.op("Shape", [x])
    time = g.op("Gather", [shape, g.const(np.array(1, dtype=i64))], axis=0)
    width = g.op("Min", [time, g.const(np.array(steps, dtype=i64))])
    positions = g.op(
        "Add",
        [
            g.op("Unsqueeze", [start, g.const(np.array([1]))]),
            g.op(
                "Unsqueeze",
                [
                    g.op(
                        "Range",
                        [
                            g.const(np.array(0, dtype=i64)),
                            width,
                            g.const(np.array(1, i64)),
                        ],
                    ),
                    g.const(np.array([0])),
                ],
            ),
        ],
    )
    last = g.op("Sub", [time, g.const(np.array(1, dtype=i64))])
    positions = g.op("Min", [positions, last])  # padding steps: any valid index
    features = g.op("Gather", [shape, g.const(np.array([2], dtype=i64))], axis=0)
    target = g.op(
        "Concat",
        [
            g.op("Shape", [positions]),
            features,
        ],
        axis=0,
    )
    index = g.op(
        "Expand", [g.op("Unsqueeze", [positions, g.const(np.array([2]))]), target]
    )
    return g.op("GatherElements", [x, index], axis=1), kept


def _window_stats(g: _Graph, x: str, lengths: str) -> tuple[str, str]:
    """Mean and scale of channel 0 over each row's real steps, in float64.

    As ``forecasting._windows.window_stats``: the population standard
    deviation, and scale 1 for a flat window.
    """
    double = g.onnx.TensorProto.DOUBLE
    mask = g.op("Cast", [_step_mask(g, x, lengths)], to=double)  # (batch, time)
    target = g.op(
        "Cast",
        [
            g.op(
                "Squeeze",
                [
                    g.op(
                        "Slice",
                        [
                            x,
                            g.const(np.array([0])),
                            g.const(np.array([1])),
                            g.const(np.array([2])),
                        ],
                    ),
                    g.const(np.array([2])),
                ],
            )
        ],
        to=double,
    )
    count = g.op("Cast", [lengths], to=double)
    axis = g.const(np.array([1]))
    loc = g.op(
        "Div",
        [g.op("ReduceSum", [g.op("Mul", [target, mask]), axis], keepdims=0), count],
    )
    centred = g.op("Mul", [g.op("Sub", [target, g.op("Unsqueeze", [loc, axis])]), mask])
    spread = g.op("ReduceSum", [g.op("Mul", [centred, centred]), axis], keepdims=0)
    scale = g.op("Sqrt", [g.op("Div", [spread, count])])
    floor = g.op(
        "Mul",
        [
            g.op("Max", [g.op("Abs", [loc]), g.const(np.array(1.0))]),
            g.const(np.array(1e-8)),
        ],
    )
    scale = g.op(
        "Where", [g.op("Greater", [scale, floor]), scale, g.const(np.array(1.0))]
    )
    return loc, scale


def _normalize_target(g: _Graph, x: str, loc: str, scale: str) -> str:
    """Channel 0 of ``x`` standardised by each row's ``loc`` and ``scale``.

    In float64, as numpy does it (a level of 1e4 in float32 would lose the
    digits a window's spread lives in).
    """
    tensor = g.onnx.TensorProto
    channel = g.const(np.array([2]))
    first = [g.const(np.array([0])), g.const(np.array([1])), channel]
    others = [
        g.const(np.array([1])),
        g.const(np.array([np.iinfo(np.int64).max])),
        channel,
    ]
    target = g.op("Cast", [g.op("Slice", [x, *first])], to=tensor.DOUBLE)
    axes = g.const(np.array([1, 2]))
    loc, scale = (g.op("Unsqueeze", [t, axes]) for t in (loc, scale))
    target = g.op("Div", [g.op("Sub", [target, loc]), scale])
    target = g.op("Cast", [target], to=tensor.FLOAT)
    return g.op("Concat", [target, g.op("Slice", [x, *others])], axis=2)


def _build_model(onnx, estimator: Any, kind: str):
    helper, TensorProto = onnx.helper, onnx.TensorProto
    module = estimator.module_
    g = _Graph(onnx)
    lengths = "lengths"
    if module.embedding is not None:
        vocabulary = module.embedding.num_embeddings
        x_input = helper.make_tensor_value_info(
            "X", TensorProto.INT64, ["batch", "time"]
        )
        ids = g.op(
            "Where",
            [
                g.op("Less", ["X", g.const(np.array(vocabulary, dtype=np.int64))]),
                "X",
                g.const(np.array(1, dtype=np.int64)),  # the OOV id
            ],
        )
        x = g.op("Gather", [g.const(_numpy(module.embedding.weight), "emb"), ids])
    else:
        x_input = helper.make_tensor_value_info(
            "X", TensorProto.FLOAT, ["batch", "time", module.rnn.input_size]
        )
        x = "X"
        if "x_mean_" in vars(estimator):  # scale_X: SequenceScaler's maths
            mean = np.asarray(estimator.x_mean_, dtype=np.float32)
            scale = np.asarray(estimator.x_scale_, dtype=np.float32)
            x = g.op("Div", [g.op("Sub", [x, g.const(mean, "x_mean")]), g.const(scale)])
        # Zero the padding, so NaN or inf there cannot leak into the outputs.
        mask = g.op("Unsqueeze", [_step_mask(g, "X", lengths), g.const(np.array([2]))])
        x = g.op("Where", [mask, x, g.const(np.float32(0.0))])
    window = None
    if kind == "forecaster":
        # What predict does around the network: keep the last lookback steps
        # and rescale each window by its own statistics.
        if estimator.lookback is not None:
            x, lengths = _tail(g, x, lengths, estimator.lookback)
        if estimator.normalize == "window":
            window = _window_stats(g, x, lengths)
            x = _normalize_target(g, x, *window)
    pooled = _encoder(g, module, x, lengths)
    head = module.head
    logits = g.op(
        "Gemm",
        [pooled, g.const(_numpy(head.weight), "head_W"), g.const(_numpy(head.bias))],
        transB=1,
    )
    logits = g.op("Cast", [logits], to=TensorProto.DOUBLE)

    metadata = {"estimator": type(estimator).__name__}
    if kind == "classifier":
        g.op("Softmax", [logits], axis=1)
        g.nodes[-1].output[0] = "probabilities"
        out_shape = ["batch", len(estimator.classes_)]
        metadata["classes"] = json.dumps(np.asarray(estimator.classes_).tolist())
        output_name = "probabilities"
    else:
        if window is not None:  # back from each window's units
            loc, scale = (
                g.op("Unsqueeze", [t, g.const(np.array([1]))]) for t in window
            )
            logits = g.op("Add", [g.op("Mul", [logits, scale]), loc])
        scale, mean, y_ndim = _regressor_units(estimator)
        out = g.op("Add", [g.op("Mul", [logits, g.const(scale)]), g.const(mean)])
        if y_ndim == 1:
            out = g.op("Reshape", [out, g.const(np.array([-1]), "shape")])
            out_shape = ["batch"]
        else:
            out_shape = ["batch", len(scale)]
        g.nodes[-1].output[0] = "predictions"
        output_name = "predictions"

    graph = helper.make_graph(
        g.nodes,
        f"sklearn_rnn_{type(estimator).__name__}",
        [
            x_input,
            helper.make_tensor_value_info("lengths", TensorProto.INT64, ["batch"]),
        ],
        [helper.make_tensor_value_info(output_name, TensorProto.DOUBLE, out_shape)],
        g.initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="sklearn_rnn",
    )
    # Readable by onnxruntime releases of the last few years.
    model.ir_version = min(model.ir_version, 8)
    helper.set_model_props(model, metadata)
    return model
