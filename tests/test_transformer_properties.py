"""Properties of the torch-free transformers, checked on generated data.

Issue 14: round trips for every ``mask_value`` and dtype, every input kind
coming back as the same kind, padded output whose lengths the estimators'
``real_spans`` recover, and bad calls that fail with an error naming the
parameter or input. Sizes stay tiny and the examples few and derandomized,
so the module runs in seconds and the same way on every machine.
"""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn import SequencePadder, SequenceScaler, TextTokenizer
from sklearn_rnn._sequences import padding_steps, real_spans

FEW = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

MASKS = [None, 0.0, np.nan, -1.0]
KINDS = ["list", "tuple", "series", "object", "2d", "3d"]


def _object_array(items):
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def _is_mask(values, mask):
    """Elementwise ``values == mask``, NaN-aware."""
    return np.isnan(values) if np.isnan(mask) else values == mask


@st.composite
def sequences(draw, *, features=None):
    """Small (T_i, F) float sequences of whole numbers 1..5 (never a mask)."""
    n_features = features or draw(st.integers(1, 3))
    lengths = draw(st.lists(st.integers(1, 5), min_size=1, max_size=4))
    return [
        np.array(
            draw(
                st.lists(
                    st.lists(
                        st.integers(1, 5),
                        min_size=n_features,
                        max_size=n_features,
                    ),
                    min_size=length,
                    max_size=length,
                )
            ),
            dtype=np.float64,
        )
        for length in lengths
    ]


@st.composite
def scaler_cases(draw):
    """(X, real sequences, where each sequence starts in its item, mask, dtype)."""
    kind = draw(st.sampled_from(KINDS))
    mask = draw(st.sampled_from(MASKS))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seqs = draw(sequences(features=1 if kind == "2d" else None))
    if mask is not None and not np.isnan(mask):
        # A step equal to mask_value inside a sequence is data (a NaN one
        # would be NaN data: an error, tested below).
        for seq in seqs:
            if len(seq) >= 3 and draw(st.booleans()):
                seq[1] = mask
    seqs = [seq.astype(dtype) for seq in seqs]
    n_features = seqs[0].shape[1]
    pre = draw(st.booleans())
    if kind in ("2d", "3d"):
        if mask is None:  # no padding: every sequence has the same length
            seqs = [seqs[0][: min(map(len, seqs))].copy() for _ in seqs]
        width = max(map(len, seqs))
    items, starts = [], []
    for seq in seqs:
        extra = (
            width - len(seq)
            if kind in ("2d", "3d")
            else (draw(st.integers(0, 2)) if mask is not None else 0)
        )
        pad = np.full((extra, n_features), np.nan if mask is None else mask, dtype)
        items.append(np.concatenate([pad, seq] if pre else [seq, pad]))
        starts.append(extra if pre else 0)
    if kind == "2d":
        X = np.stack(items)[:, :, 0]
    elif kind == "3d":
        X = np.stack(items)
    elif kind == "series":
        X = pd.Series(items, index=np.arange(len(items)) * 10 + 3, name="seq")
    elif kind == "object":
        X = _object_array(items)
    elif kind == "tuple":
        X = tuple(items)
    else:
        X = items
    return X, seqs, starts, mask, dtype


def _items(out):
    """The sequences of a transformer output, each as a 2-D array."""
    if isinstance(out, np.ndarray) and out.dtype != object:
        return [row.reshape(row.shape[0], -1) for row in out]
    return [np.asarray(item).reshape(len(item), -1) for item in out]


def _assert_same_kind(X, out):
    if isinstance(X, pd.Series):
        assert isinstance(out, pd.Series)
        assert out.index.equals(X.index) and out.name == X.name
    elif isinstance(X, np.ndarray):
        assert isinstance(out, np.ndarray)
        assert out.dtype == object if X.dtype == object else out.shape == X.shape
    else:
        assert isinstance(out, list) and len(out) == len(X)
    if not (isinstance(X, np.ndarray) and X.dtype != object):
        assert [np.shape(o) for o in out] == [np.shape(x) for x in X]


@FEW
@given(scaler_cases())
def test_scaler_round_trip_and_kind(case):
    X, seqs, starts, mask, dtype = case
    scaler = SequenceScaler(mask_value=mask).fit(X)
    out = scaler.transform(X)
    back = scaler.inverse_transform(out)
    _assert_same_kind(X, out)
    _assert_same_kind(X, back)
    tol = 1e-5 if dtype == np.float32 else 1e-10
    for seq, start, item_out, item_back, item_in in zip(
        seqs, starts, _items(out), _items(back), _items(X), strict=True
    ):
        assert item_out.dtype == dtype
        real = slice(start, start + len(seq))
        assert_allclose(item_back[real], seq, rtol=tol, atol=tol)
        if mask is not None:
            # Padding is returned untouched, and no real step becomes padding.
            outside = np.ones(len(item_in), dtype=bool)
            outside[real] = False
            assert _is_mask(item_out[outside], mask).all()
            assert not _is_mask(item_out[real], mask).all(axis=1).any()


@st.composite
def padder_cases(draw):
    kind = draw(st.sampled_from(["list", "tuple", "series", "object"]))
    value = draw(st.sampled_from([0, -1, 0.5, np.nan]))
    two_d = draw(st.booleans())
    dtype = draw(st.sampled_from([np.int64, np.uint8, np.float32]))
    lengths = draw(st.lists(st.integers(0, 5), min_size=1, max_size=4))
    shape = (lambda t: (t, 2)) if two_d else (lambda t: (t,))
    # Values 1..9: never the padding value, so the ends are unambiguous.
    seqs = [
        np.asarray(
            draw(st.lists(st.integers(1, 9), min_size=2 * t, max_size=2 * t)),
            dtype=dtype,
        )[: int(np.prod(shape(t)))].reshape(shape(t))
        for t in lengths
    ]
    if kind == "series":
        X = pd.Series(seqs)
    elif kind == "object":
        X = _object_array(seqs)
    elif kind == "tuple":
        X = tuple(seqs)
    else:
        X = seqs
    padding = draw(st.sampled_from(["pre", "post"]))
    maxlen = draw(st.sampled_from([None, 5, 7]))
    return X, seqs, value, padding, maxlen


@FEW
@given(padder_cases())
def test_padder_output_gives_the_lengths_back(case):
    X, seqs, value, padding, maxlen = case
    if maxlen is None and max(map(len, seqs)) == 0:
        with pytest.raises(ValueError, match="non-empty"):
            SequencePadder(padding=padding, value=value).fit(X)
        return
    out = SequencePadder(maxlen=maxlen, padding=padding, value=value).fit_transform(X)
    assert out.shape[:2] == (len(seqs), maxlen or max(map(len, seqs)))
    values = out if out.ndim == 3 else out[:, :, None]
    starts, ends = real_spans(padding_steps(values, value))
    assert_array_equal(ends - starts, [len(s) for s in seqs])
    for row, seq, start in zip(values, seqs, starts, strict=True):
        # The promoted dtype holds both the data and the padding exactly.
        assert_array_equal(row[start : start + len(seq)].reshape(seq.shape), seq)
        assert _is_mask(np.delete(row, np.s_[start : start + len(seq)], 0), value).all()


WORDS = ["a", "cat", "Dog", "sat", "on", "the", "mat", "é"]


@FEW
@given(
    st.lists(
        st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["list", "tuple", "series", "array", "frame"]),
)
def test_tokenizer_round_trip_and_kind(docs, kind):
    if kind == "series":
        X = pd.Series(docs, index=np.arange(len(docs)) + 5)
    elif kind == "frame":
        X = pd.DataFrame({"text": docs})
    elif kind == "array":
        X = np.array(docs, dtype=object)
    else:
        X = tuple(docs) if kind == "tuple" else docs
    tok = TextTokenizer().fit(X)
    ids = tok.transform(X)
    if kind in ("series", "frame"):
        assert isinstance(ids, pd.Series) and ids.index.equals(X.index)
    else:
        assert isinstance(ids, list)
    assert all(len(row) >= 1 and row.dtype == np.int64 for row in ids)
    tokens = tok.inverse_transform(list(ids))
    for doc, row in zip(docs, tokens, strict=True):
        assert row == (doc.lower().split() or ["<unk>"])
    ranked = sorted(tok.vocabulary_.items(), key=lambda item: item[1])
    assert [i for _, i in ranked] == list(range(1, tok.n_tokens_))


# Every bad call fails with ValueError/TypeError naming what is wrong.


def _fitted(estimator, X):
    return estimator.fit(X)


RAGGED = [np.ones((2, 2)), np.zeros((3, 2))]
BAD_CALLS = [
    # (description, call, pattern the message must contain)
    (
        "scaler mask_value",
        lambda: SequenceScaler(mask_value="x").fit(RAGGED),
        "mask_value",
    ),
    ("scaler with_mean", lambda: SequenceScaler(with_mean=3).fit(RAGGED), "with_mean"),
    ("scaler strings", lambda: SequenceScaler().fit("abc"), "strings"),
    ("scaler empty", lambda: SequenceScaler().fit([]), "0 sample"),
    (
        "scaler empty sequence",
        lambda: SequenceScaler().fit([np.ones(2), []]),
        "Sequence 1",
    ),
    (
        "scaler features differ",
        lambda: SequenceScaler().fit([np.ones((2, 2)), np.ones((2, 3))]),
        "Sequence 1",
    ),
    ("scaler NaN", lambda: SequenceScaler().fit([[1.0, np.nan]]), "NaN"),
    (
        "scaler partly-NaN step",
        lambda: SequenceScaler(mask_value=np.nan).fit(np.array([[[1.0, np.nan]]])),
        "Sequence 0 of X .* step 0",
    ),
    (
        "scaler only padding",
        lambda: SequenceScaler(mask_value=0.0).fit(np.zeros((2, 3))),
        "mask_value",
    ),
    (
        "scaler features at transform",
        lambda: _fitted(SequenceScaler(), RAGGED).transform([np.ones((2, 3))]),
        "3 features",
    ),
    (
        "scaler set_output",
        lambda: SequenceScaler().set_output(transform="xlsx"),
        "transform",
    ),
    ("padder maxlen", lambda: SequencePadder(maxlen=0).fit(RAGGED), "maxlen"),
    ("padder padding", lambda: SequencePadder(padding="middle").fit(RAGGED), "padding"),
    ("padder value", lambda: SequencePadder(value="x").fit(RAGGED), "value"),
    (
        "padder value vs dtype",
        lambda: SequencePadder(value=0.5, dtype=int).fit(RAGGED),
        "value=0.5",
    ),
    ("padder None", lambda: SequencePadder().fit(None), "NoneType"),
    ("padder flat", lambda: SequencePadder().fit([1, 2]), "item 0"),
    ("padder strings", lambda: SequencePadder().fit([[1, 2], ["a"]]), "sequence 1"),
    ("padder jagged", lambda: SequencePadder().fit([[1], [[1, 2], [3]]]), "sequence 1"),
    (
        "padder features differ",
        lambda: SequencePadder(maxlen=2).transform([np.ones((2, 2)), np.ones(2)]),
        "same features",
    ),
    (
        "tokenizer pattern",
        lambda: TextTokenizer(token_pattern="(").fit(["a"]),
        "token_pattern",
    ),
    (
        "tokenizer groups",
        lambda: TextTokenizer(token_pattern=r"(a)(b)").fit(["ab"]),
        "token_pattern",
    ),
    (
        "tokenizer max_tokens",
        lambda: TextTokenizer(max_tokens=0).fit(["a"]),
        "max_tokens",
    ),
    (
        "tokenizer analyzer",
        lambda: TextTokenizer(analyzer="line").fit(["a"]),
        "analyzer",
    ),
    (
        "tokenizer ngram_range",
        lambda: TextTokenizer(ngram_range=(2, 1)).fit(["a"]),
        "ngram_range",
    ),
    (
        "tokenizer stop_words",
        lambda: TextTokenizer(stop_words="french").fit(["a"]),
        "stop_words",
    ),
    ("tokenizer None", lambda: TextTokenizer().fit(None), "NoneType"),
    ("tokenizer str", lambda: TextTokenizer().fit("a text"), "single str"),
    ("tokenizer int item", lambda: TextTokenizer().fit(["a", 3]), "item 1"),
    ("tokenizer bytes item", lambda: TextTokenizer().fit([b"a"]), "item 0 is bytes"),
    ("tokenizer NaN item", lambda: TextTokenizer().fit(["a", np.nan]), "item 1"),
    ("tokenizer empty", lambda: TextTokenizer().fit([]), "at least one document"),
    (
        "tokenizer analyzer output",
        lambda: TextTokenizer(analyzer=lambda doc: None).fit(["a"]),
        "analyzer",
    ),
    (
        "tokenizer preprocessor output",
        lambda: TextTokenizer(preprocessor=lambda doc: 1).fit(["a"]),
        "preprocessor",
    ),
    (
        "inverse_transform flat",
        lambda: _fitted(TextTokenizer(), ["a b"]).inverse_transform([2, 3]),
        "flat sequence",
    ),
    (
        "inverse_transform fraction",
        lambda: _fitted(TextTokenizer(), ["a b"]).inverse_transform([[2.5]]),
        "non-integer id",
    ),
    (
        "inverse_transform negative",
        lambda: _fitted(TextTokenizer(), ["a b"]).inverse_transform([[-1]]),
        "negative id",
    ),
    (
        "inverse_transform 2-D items",
        lambda: _fitted(TextTokenizer(), ["a b"]).inverse_transform([[[2]]]),
        "sequence 0",
    ),
]


@pytest.mark.parametrize(
    ("call", "pattern"),
    [case[1:] for case in BAD_CALLS],
    ids=[case[0] for case in BAD_CALLS],
)
def test_bad_calls_name_the_problem(call, pattern):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert re.search(pattern, str(info.value)), str(info.value)
