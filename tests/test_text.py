"""TextTokenizer and SequencePadder (SPEC 2.6, 2.7) and the text pipeline."""

import pickle
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_array_equal
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from sklearn_rnn import RNNClassifier, SequencePadder, TextTokenizer

DOCS = ["The cat sat on the mat", "A dog sat", "the cat ran", "I saw a cat"]

# The checks of scikit-learn that need no numeric 2-D data apply to these
# transformers; parametrize_with_checks skips the rest because of their tags.
API_CHECKS = [
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_get_params_invariance,
    check_set_params,
]


@pytest.mark.parametrize("check", API_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("estimator", [TextTokenizer(), SequencePadder(maxlen=3)])
def test_api_checks(estimator, check):
    check(type(estimator).__name__, estimator)


def test_vocabulary_is_ordered_by_frequency_then_alphabet():
    tok = TextTokenizer().fit(DOCS)
    assert tok.vocabulary_ == {
        "<unk>": 1,
        "cat": 2,
        "the": 3,
        "a": 4,
        "sat": 5,
        "dog": 6,
        "i": 7,
        "mat": 8,
        "on": 9,
        "ran": 10,
        "saw": 11,
    }
    assert tok.n_tokens_ == 12
    assert tok.inverse_transform([[0, 1, 2, 11]]) == [["<unk>", "cat", "saw"]]
    assert TextTokenizer().fit(DOCS[::-1]).vocabulary_ == tok.vocabulary_


def test_transform_keeps_one_letter_words_and_maps_unknowns_to_one():
    tok = TextTokenizer().fit(DOCS)
    ids = tok.transform(["A cat and a zebra", "!!!"])
    assert [x.tolist() for x in ids] == [[4, 2, 1, 4, 1], [1]]
    assert ids[0].dtype == np.int64
    assert tok.inverse_transform(ids) == [
        ["a", "cat", "<unk>", "a", "<unk>"],
        ["<unk>"],
    ]
    padded = SequencePadder(maxlen=6).transform(ids)
    assert tok.inverse_transform(padded)[0] == ["a", "cat", "<unk>", "a", "<unk>"]


def test_max_tokens_and_min_frequency():
    assert list(TextTokenizer(max_tokens=2).fit(DOCS).vocabulary_) == [
        "<unk>",
        "cat",
        "the",
    ]
    frequent = TextTokenizer(min_frequency=2).fit(DOCS).vocabulary_
    assert set(frequent) == {"<unk>", "cat", "the", "a", "sat"}


def test_lowercase_and_analyzers():
    assert "The" in TextTokenizer(lowercase=False).fit(DOCS).vocabulary_
    chars = TextTokenizer(analyzer="char").fit(["abba"])
    assert chars.vocabulary_ == {"<unk>": 1, "a": 2, "b": 3}
    custom = TextTokenizer(analyzer=str.split).fit(["x-y z", "z"])
    assert custom.vocabulary_ == {"<unk>": 1, "z": 2, "x-y": 3}
    pattern = TextTokenizer(token_pattern=r"\w\w+").fit(["a bb ccc"])
    assert set(pattern.vocabulary_) == {"<unk>", "bb", "ccc"}


@pytest.mark.parametrize(
    "container",
    [
        list,
        tuple,
        np.array,
        pd.Series,
        lambda d: np.array(d)[:, None],
        lambda d: pd.DataFrame({"text": d}),
    ],
    ids=["list", "tuple", "array", "series", "2d-array", "dataframe"],
)
def test_tokenizer_input_containers(container):
    tok = TextTokenizer().fit(container(DOCS))
    assert len(tok.vocabulary_) == 11
    assert len(tok.transform(container(DOCS))) == 4


def test_tokenizer_bad_input():
    with pytest.raises(TypeError, match="single str"):
        TextTokenizer().fit("the cat")
    with pytest.raises(TypeError, match="item 1 is int"):
        TextTokenizer().fit(["the cat", 3])
    with pytest.raises(TypeError, match="item 0 is float"):
        TextTokenizer().fit(pd.Series([np.nan, "x"]))
    with pytest.raises(ValueError, match="one text column"):
        TextTokenizer().fit(pd.DataFrame({"a": ["x"], "b": ["y"]}))
    with pytest.raises(ValueError, match="at least one document"):
        TextTokenizer().fit([])


def test_tokenizer_in_a_column_transformer():
    frame = pd.DataFrame({"review": DOCS, "stars": [1, 2, 3, 4]})
    text = Pipeline([("tok", TextTokenizer()), ("pad", SequencePadder(maxlen=5))])
    ct = ColumnTransformer([("text", text, ["review"])])
    assert ct.fit_transform(frame).shape == (4, 5)


def test_text_modules_import_without_torch(monkeypatch):
    for name in [m for m in sys.modules if m == "torch" or m.startswith("torch.")]:
        monkeypatch.delitem(sys.modules, name)
    for name in [m for m in sys.modules if m.startswith("sklearn_rnn")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "torch", None)  # any import of torch fails
    from sklearn_rnn import SequencePadder, SequenceScaler, TextTokenizer

    ids = TextTokenizer().fit_transform(DOCS)
    assert SequencePadder().fit_transform(ids).shape == (4, 6)
    assert SequenceScaler().fit_transform([np.ones(3), np.zeros(2)])[1].shape == (2,)
    with pytest.raises(ImportError):
        from sklearn_rnn import RNNClassifier  # noqa: F401


def test_padder_shapes_dtypes_and_sides():
    seqs = [np.array([5, 2]), np.array([7, 1, 3, 3, 9])]
    padder = SequencePadder().fit(seqs)
    assert padder.maxlen_ == 5
    assert_array_equal(padder.transform(seqs), [[5, 2, 0, 0, 0], [7, 1, 3, 3, 9]])
    assert padder.transform(seqs).dtype.kind == "i"
    pre = SequencePadder(maxlen=3, padding="pre", truncating="pre").transform(seqs)
    assert_array_equal(pre, [[0, 5, 2], [3, 3, 9]])
    floats = SequencePadder(maxlen=3, value=-1.0).transform(
        [np.array([0.5]), np.array([1.5, 2.5])]
    )
    assert floats.dtype == np.float64
    assert_array_equal(floats, [[0.5, -1, -1], [1.5, 2.5, -1]])
    multi = SequencePadder().fit_transform([np.ones((2, 3)), np.ones((4, 3))])
    assert multi.shape == (2, 4, 3)
    assert SequencePadder(maxlen=4, dtype="float32").transform(seqs).dtype == np.float32


def test_padder_keeps_ids_int_next_to_an_empty_sequence():
    out = SequencePadder(maxlen=3).transform([[1, 2], []])
    assert out.dtype.kind == "i"
    assert_array_equal(out, [[1, 2, 0], [0, 0, 0]])


def test_padder_needs_fit_only_without_maxlen():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        SequencePadder().transform([[1, 2]])
    assert SequencePadder(maxlen=2).transform([[1, 2, 3]]).shape == (1, 2)


def test_padder_bad_input():
    with pytest.raises(ValueError, match="same features per step"):
        SequencePadder().fit([np.ones((2, 3)), np.ones((2, 2))])
    with pytest.raises(ValueError, match="numeric sequences"):
        SequencePadder().fit([["a", "b"]])
    with pytest.raises(TypeError, match="list of sequences"):
        SequencePadder().fit(5)


def test_transformers_pickle():
    tok = TextTokenizer().fit(DOCS)
    loaded = pickle.loads(pickle.dumps(tok))
    assert [x.tolist() for x in loaded.transform(DOCS)] == [
        x.tolist() for x in tok.transform(DOCS)
    ]


def _reviews(n=80, seed=0):
    rng = np.random.RandomState(seed)
    good, bad = ["great", "fine", "superb", "lovely"], ["awful", "dull", "poor", "bad"]
    filler = ["the", "film", "was", "plot", "and", "acting", "really", "quite"]
    docs, labels = [], []
    for i in range(n):
        label = i % 2
        words = list(rng.choice(filler, size=rng.randint(2, 8)))
        words.insert(rng.randint(len(words) + 1), rng.choice(good if label else bad))
        docs.append(" ".join(words))
        labels.append("pos" if label else "neg")
    return docs, np.array(labels)


def test_text_pipeline_learns_and_padding_side_does_not_matter():
    docs, y = _reviews()
    tok = TextTokenizer().fit(docs)
    ids = tok.transform(docs)
    clf = RNNClassifier(**{**FAST, "max_epochs": 20, "lr": 0.02}, embedding_dim=8).fit(
        ids, y
    )
    assert clf.score(ids, y) > 0.9
    for padding in ("post", "pre"):
        padded = SequencePadder(maxlen=12, padding=padding).transform(ids)
        np.testing.assert_allclose(
            clf.predict_proba(padded), clf.predict_proba(ids), rtol=1e-5, atol=1e-6
        )


def test_grid_search_over_the_text_pipeline():
    docs, y = _reviews()
    pipe = Pipeline(
        [
            ("tok", TextTokenizer()),
            ("pad", SequencePadder(maxlen=10, padding="pre")),
            ("clf", RNNClassifier(**FAST, embedding_dim=4)),
        ]
    )
    grid = {
        "clf__cell": ["lstm", "gru"],
        "clf__hidden_size": [4, 8],
        "tok__max_tokens": [5, None],
    }
    search = GridSearchCV(pipe, grid, cv=2, n_jobs=2).fit(docs, y)
    assert len(search.cv_results_["params"]) == 8
    assert search.predict(["a superb film"]).shape == (1,)


# Issue 14: inverse_transform, token patterns and bad documents.


def test_inverse_transform_accepts_whole_float_ids_and_refuses_the_rest():
    tok = TextTokenizer().fit(DOCS)
    assert tok.inverse_transform([[2.0, 3.0]]) == [["cat", "the"]]
    assert tok.inverse_transform(np.array([[2.0, 0.0]])) == [["cat"]]
    assert tok.inverse_transform([[2, 99]]) == [["cat", "<unk>"]]  # past vocab
    assert tok.inverse_transform([np.array([2], dtype=np.uint64)]) == [["cat"]]
    with pytest.raises(ValueError, match=r"flat sequence.*\[\[2, 3\]\]"):
        tok.inverse_transform([2, 3])
    with pytest.raises(ValueError, match="non-integer id 2.5"):
        tok.inverse_transform([[2.5]])
    with pytest.raises(ValueError, match="non-integer id nan"):
        tok.inverse_transform([[np.nan]])
    with pytest.raises(ValueError, match="negative id -1"):
        tok.inverse_transform([[2, -1]])
    with pytest.raises(ValueError, match="sequence 0 holds <U1"):
        tok.inverse_transform([["a"]])
    with pytest.raises(TypeError, match="id sequences"):
        tok.inverse_transform(None)


def test_inverse_transform_returns_the_kind_of_its_input():
    tok = TextTokenizer().fit(DOCS)
    ids = pd.Series([np.array([2, 3]), np.array([4])], index=[7, 9], name="ids")
    tokens = tok.inverse_transform(ids)
    assert isinstance(tokens, pd.Series)
    assert tokens.index.tolist() == [7, 9] and tokens.name == "ids"
    assert tokens.tolist() == [["cat", "the"], ["a"]]
    objects = tok.inverse_transform(ids.to_numpy())
    assert isinstance(objects, np.ndarray) and objects.dtype == object
    assert tok.inverse_transform((ids[7], ids[9])) == [["cat", "the"], ["a"]]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (r"(\w)(\w)", "2 capturing groups"),
        ("(", "not a valid regular expression"),
    ],
)
def test_token_pattern_follows_count_vectorizer(pattern, message):
    with pytest.raises(ValueError, match=rf"token_pattern=.*{message}"):
        TextTokenizer(token_pattern=pattern).fit(DOCS)
    # One group captures the token, as in CountVectorizer.
    tok = TextTokenizer(token_pattern=r"#(\w+)").fit(["#cat and #dog", "#cat"])
    assert tok.vocabulary_ == {"<unk>": 1, "cat": 2, "dog": 3}


@pytest.mark.parametrize(
    ("X", "error", "message"),
    [
        (None, TypeError, "iterable of strings.*got NoneType"),
        (5, TypeError, "iterable of strings.*got int"),
        (b"the cat", TypeError, "single bytes"),
        ([b"the cat"], TypeError, "item 0 is bytes.*decode"),
        (["a", None], TypeError, "item 1 is NoneType.*fillna"),
        (np.array([["a", "b"]]), ValueError, r"one text column.*\(1, 2\)"),
    ],
)
def test_tokenizer_refuses_what_is_not_text(X, error, message):
    with pytest.raises(error, match=message):
        TextTokenizer().fit(X)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"analyzer": lambda doc: None}, "returned NoneType.*document 0"),
        ({"analyzer": lambda doc: "a b"}, "returned str.*list of str"),
        ({"analyzer": lambda doc: ["a", 1]}, "token of type int.*document 0"),
        ({"preprocessor": lambda doc: None}, "could not split document 0"),
    ],
)
def test_tokenizer_names_a_bad_analyzer_output(params, message):
    with pytest.raises(TypeError, match=message):
        TextTokenizer(**params).fit(["the cat"])


def test_tokenizer_checks_ngram_range():
    with pytest.raises(ValueError, match="ngram_range"):
        TextTokenizer(ngram_range=(2, 1)).fit(DOCS)
    with pytest.raises(ValueError, match="ngram_range"):
        TextTokenizer(ngram_range=(0, 1)).fit(DOCS)


# Issue 11 item 4: CountVectorizer's analyzer and options.


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lowercase": False},
        {"strip_accents": "unicode"},
        {"stop_words": "english"},
        {"stop_words": ["the", "a"]},
        {"ngram_range": (1, 2)},
        {"analyzer": "char"},
        {"analyzer": "char_wb", "ngram_range": (2, 3)},
        {"preprocessor": str.upper},
    ],
)
def test_vocabulary_is_count_vectorizers(params):
    from sklearn.feature_extraction.text import CountVectorizer

    docs = [*DOCS, "Café  déjà vu", "the end"]
    tok = TextTokenizer(**params).fit(docs)
    pattern = {} if "analyzer" in params else {"token_pattern": r"(?u)\b\w+\b"}
    counts = CountVectorizer(**pattern, **params).fit(docs)
    assert set(tok.vocabulary_) - {"<unk>"} == set(counts.vocabulary_)
    analyze = counts.build_analyzer()
    ids = tok.transform(docs)
    for doc, row in zip(docs, ids, strict=True):
        assert tok.inverse_transform([row])[0] == (analyze(doc) or ["<unk>"])


def test_defaults_keep_one_letter_words_and_frequency_order():
    tok = TextTokenizer(stop_words=["the"], ngram_range=(1, 2)).fit(DOCS)
    assert tok.vocabulary_["cat"] == 2  # most frequent
    assert "a" in tok.vocabulary_ and "the" not in tok.vocabulary_
    assert "a dog" in tok.vocabulary_ and "cat sat" in tok.vocabulary_


# Issue 11 items 5 and 7: feature names and output containers.


def test_tokenizer_feature_names_follow_the_one_text_column():
    tok = TextTokenizer().fit(DOCS)
    assert tok.get_feature_names_out().tolist() == ["x0"]
    assert tok.get_feature_names_out(["review"]).tolist() == ["review"]
    frame = pd.DataFrame({"review": DOCS}, index=[5, 6, 7, 8])
    tok = TextTokenizer().fit(frame)
    assert tok.n_features_in_ == 1
    assert tok.get_feature_names_out().tolist() == ["review"]
    with pytest.raises(ValueError):
        tok.get_feature_names_out(["other"])
    ids = tok.transform(frame)
    assert isinstance(ids, pd.Series)
    assert ids.index.tolist() == [5, 6, 7, 8] and ids.name == "review"
    assert isinstance(TextTokenizer().fit_transform(DOCS), list)
    assert not hasattr(TextTokenizer().fit(frame).fit(DOCS), "feature_names_in_")


def test_text_pipeline_names_its_columns_and_outputs_pandas():
    frame = pd.DataFrame({"review": DOCS, "stars": [1, 2, 3, 4]}, index=list("abcd"))
    text = Pipeline([("tok", TextTokenizer()), ("pad", SequencePadder(maxlen=3))])
    ct = ColumnTransformer([("text", text, ["review"])]).fit(frame)
    names = ["text__sequencepadder0", "text__sequencepadder1", "text__sequencepadder2"]
    assert ct.get_feature_names_out().tolist() == names
    out = ct.set_output(transform="pandas").transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == names and out.index.tolist() == list("abcd")


def test_padder_feature_names_and_pandas_output():
    padder = SequencePadder(maxlen=3)
    names = padder.get_feature_names_out()  # stateless: no fit needed
    assert names.tolist() == ["sequencepadder0", "sequencepadder1", "sequencepadder2"]
    out = padder.set_output(transform="pandas").transform([[5, 2], [1]])
    assert isinstance(out, pd.DataFrame) and out.columns.tolist() == names.tolist()
    assert out.to_numpy().tolist() == [[5, 2, 0], [1, 0, 0]]
    series = pd.Series([[5, 2], [1]], index=[3, 4])
    assert padder.transform(series).index.tolist() == [3, 4]
    with pytest.warns(UserWarning, match="3-D array.*not a table"):
        assert padder.transform([np.ones((2, 2))]).shape == (1, 3, 2)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        SequencePadder().get_feature_names_out()
    assert len(SequencePadder().fit([[1, 2, 3, 4]]).get_feature_names_out()) == 4
    with pytest.raises(ValueError, match="transform"):
        SequencePadder().set_output(transform="excel")


# Issue 14: padding values the dtype cannot hold, and DataFrames.


@pytest.mark.parametrize(
    ("items", "value", "dtype"),
    [
        ([[1, 2]], 0.5, np.float64),
        ([[1, 2]], np.nan, np.float64),
        ([np.array([1, 2], dtype=np.uint8)], -1, np.int16),
        ([np.array([1, 2], dtype=np.int8)], 300, np.int32),
        ([np.array([1.0], dtype=np.float32)], 1e300, np.float64),
        ([np.array([1.0], dtype=np.float32)], 0.5, np.float32),
        ([np.array([1, 2], dtype=np.uint8)], 7, np.uint8),
        ([[True, False]], 0, np.int64),
    ],
)
def test_padder_promotes_to_a_dtype_that_holds_value(items, value, dtype):
    out = SequencePadder(maxlen=3, value=value).transform(items)
    assert out.dtype == dtype
    n = len(items[0])
    assert_array_equal(out[0, :n], np.asarray(items[0]))
    assert_array_equal(out[0, n:], value)


def test_padder_refuses_a_value_its_explicit_dtype_cannot_hold():
    with pytest.raises(ValueError, match=r"value=0.5.*dtype=int64"):
        SequencePadder(maxlen=3, value=0.5, dtype="int64").transform([[1]])
    with pytest.raises(ValueError, match=r"value=300.*dtype=int8"):
        SequencePadder(value=300, dtype=np.int8).fit([[1]])
    out = SequencePadder(maxlen=2, value=np.nan, dtype="float32").transform([[1]])
    assert out.dtype == np.float32


def test_padder_reads_the_rows_of_a_dataframe():
    frame = pd.DataFrame([[1, 2, 3], [4, 5, 6]], columns=["t0", "t1", "t2"])
    out = SequencePadder(maxlen=4).fit_transform(frame)
    assert_array_equal(out, [[1, 2, 3, 0], [4, 5, 6, 0]])
    assert SequencePadder().fit(frame).maxlen_ == 3


def test_padder_names_bad_sequences():
    with pytest.raises(ValueError, match=r"item 0 is the number 1.*\[\[\.\.\.\]\]"):
        SequencePadder(maxlen=2).transform([1, 2])
    with pytest.raises(ValueError, match="sequence 1"):
        SequencePadder(maxlen=2).transform([[1, 2], [[1, 2], [3]]])
    with pytest.raises(TypeError, match="got NoneType"):
        SequencePadder(maxlen=2).transform(None)
