"""TextTokenizer: raw strings to ragged token ids. Torch-free."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import chain
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._preprocessing import SequenceOutputMixin, is_ragged_container, like_container

PAD_ID = 0
OOV_ID = 1
PAD_TOKEN = "<pad>"


def _short(value: Any, width: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _item_error(name: str, i: int, item: Any) -> TypeError:
    kind = type(item).__name__
    if isinstance(item, (bytes, bytearray)):
        hint = " Decode bytes to str first, e.g. doc.decode('utf-8')."
    elif item is None or (isinstance(item, float) and np.isnan(item)):
        hint = " Fill missing texts first, e.g. with Series.fillna('')."
    else:
        hint = ""
    return TypeError(
        f"{name} expects strings; item {i} is {kind} ({_short(item)}).{hint}"
    )


def check_texts(X: Any, name: str = "TextTokenizer") -> list[str]:
    """Return ``X`` as a list of str, or raise a clear error.

    Accepts a list/tuple, a 1-D array or pandas Series of str, and a 2-D
    input with one column (what ``ColumnTransformer`` passes).
    """
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"{name} expects an iterable of strings (one per document); got a "
            f"single {type(X).__name__}. Wrap it in a list."
        )
    if X is None or not hasattr(X, "__iter__"):
        raise TypeError(
            f"{name} expects an iterable of strings (one per document); got "
            f"{type(X).__name__}."
        )
    ndim = getattr(X, "ndim", 1)
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(
                f"{name} expects one text column; got a DataFrame with {X.shape[1]}."
            )
        X = X.iloc[:, 0]
    elif ndim != 1:
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != 1:
            raise ValueError(
                f"{name} expects one text column; got an array of shape {X.shape}."
            )
        X = X[:, 0]
    texts = list(X)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise _item_error(name, i, text)
    return texts


def _like_texts(X: Any, out: list) -> Any:
    """A pandas Series (or one-column DataFrame) in gives a Series out."""
    if isinstance(X, pd.DataFrame):
        return like_container(X.iloc[:, 0], out)
    if isinstance(X, pd.Series):
        return like_container(X, out)
    return out


class TextTokenizer(
    SequenceOutputMixin,
    OneToOneFeatureMixin,
    TransformerMixin,
    BaseEstimator,
    auto_wrap_output_keys=None,
):
    """Turn documents into sequences of integer token ids.

    ``fit`` learns a vocabulary; ``transform`` returns one 1-D int64 array of
    ids per document, of the document's own length, ready for
    :class:`SequencePadder` or directly for an estimator with
    ``embedding_dim`` set. Id 0 is padding, id 1 stands for every token
    outside the vocabulary (``oov_token``), and the vocabulary takes ids
    2, 3, ... by descending frequency, ties in alphabetical order, so the
    same texts always give the same ids.

    Documents are split by scikit-learn's
    :class:`~sklearn.feature_extraction.text.CountVectorizer` analyzer, so
    ``lowercase``, ``preprocessor``, ``strip_accents``, ``stop_words``,
    ``token_pattern``, ``ngram_range`` and ``analyzer`` mean exactly what
    they mean there; only the default ``token_pattern`` differs (it keeps
    one-letter words).

    Parameters
    ----------
    lowercase : bool, default=True
        Lowercase documents before splitting (word and char analyzers).
    preprocessor : callable or None, default=None
        Replaces the preprocessing step (lowercasing and accent stripping)
        with a ``str -> str`` function, as in ``CountVectorizer``.
    strip_accents : {"ascii", "unicode"} or callable or None, default=None
        Remove accents during preprocessing, as in ``CountVectorizer``.
    stop_words : {"english"}, list or None, default=None
        Words dropped before the vocabulary is built (``analyzer="word"``
        only), as in ``CountVectorizer``.
    token_pattern : str, default=r"(?u)\\b\\w+\\b"
        Regular expression of a token, for ``analyzer="word"``. The default
        keeps one-letter words such as "a" and "I". With one capturing group
        the group is the token; more than one is a ``ValueError``, as in
        ``CountVectorizer``.
    ngram_range : tuple (min_n, max_n), default=(1, 1)
        Lengths of the word or character n-grams that make the tokens;
        ``(1, 2)`` adds every pair of consecutive words, in order.
    analyzer : {"word", "char", "char_wb"} or callable, default="word"
        ``"word"`` splits with ``token_pattern``, ``"char"`` makes every
        character a token (runs of white space count as one space, as in
        ``CountVectorizer``), ``"char_wb"`` character n-grams inside word
        boundaries, and a callable maps a raw document to its list of str
        tokens (no preprocessing is applied then, as in scikit-learn).
    max_tokens : int or None, default=None
        Keep only the ``max_tokens`` most frequent tokens (ids 2 to
        ``max_tokens + 1``); None keeps all.
    min_frequency : int, default=1
        Drop tokens seen fewer times than this in ``fit``.
    oov_token : str, default="<unk>"
        Name of id 1, used by ``inverse_transform``.

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Token -> id, with ``oov_token`` -> 1 (padding, id 0, has no token).
    n_tokens_ : int
        Number of ids in use, padding and OOV included: an embedding needs
        this many rows.
    n_features_in_ : int
        1: the one text column the tokenizer reads.
    feature_names_in_ : ndarray of shape (1,)
        Name of that column, when ``X`` was a one-column DataFrame.

    See Also
    --------
    SequencePadder : Pads the ragged id sequences into an array.
    sklearn.feature_extraction.text.CountVectorizer : Bag-of-words counts.

    Notes
    -----
    A document without any token becomes ``[1]`` (one unknown token), so
    every document yields a sequence with at least one step.

    The output is ragged (one id sequence per document), not a table:
    ``set_output`` is accepted, so that a ``Pipeline`` can set it, but has no
    effect here; a :class:`SequencePadder` after the tokenizer makes the
    table it applies to. ``get_feature_names_out`` names the one output
    column of id sequences (see there); the tokens of the ids are
    ``vocabulary_`` and :meth:`inverse_transform`.

    Examples
    --------
    >>> from sklearn_rnn import TextTokenizer
    >>> tok = TextTokenizer().fit(["a cat sat", "a dog sat", "a cat ran"])
    >>> tok.vocabulary_
    {'<unk>': 1, 'a': 2, 'cat': 3, 'sat': 4, 'dog': 5, 'ran': 6}
    >>> [ids.tolist() for ids in tok.transform(["A cat flew", ""])]
    [[2, 3, 1], [1]]
    >>> tok.inverse_transform([[2, 3, 1]])
    [['a', 'cat', '<unk>']]

    ``CountVectorizer``'s options apply:

    >>> tok = TextTokenizer(strip_accents="unicode", stop_words=["a"])
    >>> tok.fit(["a café", "a cafe ouvert"]).vocabulary_
    {'<unk>': 1, 'cafe': 2, 'ouvert': 3}
    """

    _parameter_constraints: dict = {
        "lowercase": ["boolean"],
        "preprocessor": [callable, None],
        "strip_accents": [StrOptions({"ascii", "unicode"}), callable, None],
        "stop_words": [StrOptions({"english"}), list, None],
        "token_pattern": [str],
        "ngram_range": [tuple],
        "analyzer": [StrOptions({"word", "char", "char_wb"}), callable],
        "max_tokens": [Interval(Integral, 1, None, closed="left"), None],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
        "oov_token": [str],
    }

    _warn_unwrapped = False  # the output is never a table; said in the docs

    def __init__(
        self,
        *,
        lowercase: bool = True,
        preprocessor: Callable[[str], str] | None = None,
        strip_accents: str | Callable[[str], str] | None = None,
        stop_words: str | list[str] | None = None,
        token_pattern: str = r"(?u)\b\w+\b",
        ngram_range: tuple[int, int] = (1, 1),
        analyzer: str | Callable[[str], list[str]] = "word",
        max_tokens: int | None = None,
        min_frequency: int = 1,
        oov_token: str = "<unk>",
    ) -> None:
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.strip_accents = strip_accents
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.max_tokens = max_tokens
        self.min_frequency = min_frequency
        self.oov_token = oov_token

    def _check_analyzer_params(self) -> None:
        ngram = self.ngram_range
        if (
            len(ngram) != 2
            or not all(
                isinstance(n, Integral) and not isinstance(n, bool) for n in ngram
            )
            or not 1 <= ngram[0] <= ngram[1]
        ):
            raise ValueError(
                "ngram_range must be a tuple (min_n, max_n) of ints with "
                f"1 <= min_n <= max_n; got {ngram!r}."
            )
        if self.analyzer != "word":
            return
        try:
            pattern = re.compile(self.token_pattern)
        except re.error as exc:
            raise ValueError(
                f"token_pattern={self.token_pattern!r} is not a valid regular "
                f"expression: {exc}."
            ) from None
        if pattern.groups > 1:
            raise ValueError(
                f"token_pattern={self.token_pattern!r} has {pattern.groups} "
                "capturing groups; at most one may capture the token, as in "
                "CountVectorizer. Make the others non-capturing: (?:...)."
            )

    def build_analyzer(self) -> Callable[[str], list[str]]:
        """Return the function that splits one document into tokens.

        It is ``CountVectorizer(...).build_analyzer()`` with this tokenizer's
        parameters (for plain words, its preprocessor and tokenizer composed
        directly, which is the same function without the no-op n-gram step).

        Returns
        -------
        analyzer : callable
            ``str -> list of str``.
        """
        self._check_analyzer_params()
        vectorizer = CountVectorizer(
            lowercase=self.lowercase,
            preprocessor=self.preprocessor,
            strip_accents=self.strip_accents,
            stop_words=self.stop_words,
            token_pattern=self.token_pattern,
            ngram_range=tuple(self.ngram_range),
            analyzer=self.analyzer,
        )
        if (
            self.analyzer == "word"
            and self.stop_words is None
            and tuple(self.ngram_range) == (1, 1)
        ):
            preprocess = vectorizer.build_preprocessor()
            tokenize = vectorizer.build_tokenizer()
            return lambda doc: tokenize(preprocess(doc))
        return vectorizer.build_analyzer()

    def _token_lists(self, texts: list[str]) -> Iterator[list[str]]:
        """The tokens of every document, with errors that name the document."""
        analyze = self.build_analyzer()
        check_output = callable(self.analyzer)
        for i, text in enumerate(texts):
            try:
                tokens = analyze(text)
            except (TypeError, AttributeError) as exc:
                raise TypeError(
                    f"TextTokenizer could not split document {i} ({_short(text)}): "
                    f"{exc}. A preprocessor must return a str, an analyzer a list "
                    "of str."
                ) from exc
            yield _checked_tokens(tokens, i) if check_output else tokens

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: None = None) -> TextTokenizer:
        """Learn the vocabulary of the documents ``X``.

        Parameters
        ----------
        X : iterable of str
            Documents: a list, a 1-D array or pandas Series of str, or a 2-D
            input with one column.
        y : None
            Ignored.

        Returns
        -------
        self : TextTokenizer
            The fitted tokenizer.
        """
        texts = check_texts(X)
        if not texts:
            raise ValueError("TextTokenizer needs at least one document to fit.")
        counts = Counter(chain.from_iterable(self._token_lists(texts)))
        counts.pop(self.oov_token, None)
        kept = sorted(
            (token for token, count in counts.items() if count >= self.min_frequency),
            key=lambda token: (-counts[token], token),
        )[: self.max_tokens]
        vocabulary = {self.oov_token: OOV_ID}
        vocabulary.update({token: i for i, token in enumerate(kept, start=2)})
        self.vocabulary_ = vocabulary
        self.n_tokens_ = len(kept) + 2
        self.n_features_in_ = 1
        column = X.columns[0] if isinstance(X, pd.DataFrame) else None
        if isinstance(column, str):
            self.feature_names_in_ = np.array([column], dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return self

    def transform(self, X: Any) -> Any:
        """Map each document to its token ids (1 for unknown tokens).

        Parameters
        ----------
        X : iterable of str
            Documents.

        Returns
        -------
        ids : list of ndarray of int64, or pandas Series of them
            One array per document, as long as its token count (at least 1).
            A pandas Series or one-column DataFrame gives a Series with its
            index (and name, or column name); other input a list.
        """
        check_is_fitted(self)
        texts = check_texts(X)
        lookup = self.vocabulary_.get
        out = [
            np.array([lookup(token, OOV_ID) for token in tokens] or [OOV_ID], np.int64)
            for tokens in self._token_lists(texts)
        ]
        return _like_texts(X, out)

    def inverse_transform(self, X: Any) -> Any:
        """Map id sequences back to tokens, dropping padding (id 0).

        Parameters
        ----------
        X : list of int sequences or 2-D int array
            Ragged ids (a list, tuple, pandas Series or 1-D object array of
            1-D sequences) or padded ids (2-D array or DataFrame). Float ids
            are accepted when they are whole numbers.

        Returns
        -------
        tokens : list of list of str
            Id 1 and ids outside the vocabulary become ``oov_token``. A pandas
            Series or object array of sequences gives a Series (same index)
            or object array of token lists.
        """
        check_is_fitted(self)
        rows = _id_rows(X, self.n_tokens_)
        names = np.empty(self.n_tokens_, dtype=object)
        names[PAD_ID] = PAD_TOKEN
        for token, i in self.vocabulary_.items():
            names[i] = token
        out = [names[ids[ids != PAD_ID]].tolist() for ids in rows]
        return like_container(X, out) if is_ragged_container(X) else out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Name of the output column, following scikit-learn's rules.

        The tokenizer reads one text column and returns one column of id
        sequences (one ragged sequence per document), so, as for
        scikit-learn's one-to-one transformers, the output column keeps the
        input's name. The vocabulary is not the output's columns: read it
        from ``vocabulary_`` or decode ids with :meth:`inverse_transform`.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            The input column name. None uses ``feature_names_in_`` if the
            tokenizer was fitted on a one-column DataFrame, else ``"x0"``.

        Returns
        -------
        feature_names_out : ndarray of str objects, shape (1,)
            The name of the column of id sequences.
        """
        return super().get_feature_names_out(input_features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


def _checked_tokens(tokens: Any, i: int) -> list[str]:
    """The list of str a callable analyzer returned for document ``i``."""
    if (
        tokens is None
        or isinstance(tokens, (str, bytes))
        or not hasattr(tokens, "__iter__")
    ):
        raise TypeError(
            f"The analyzer returned {type(tokens).__name__} ({_short(tokens)}) for "
            f"document {i}; it must return a list of str tokens."
        )
    tokens = list(tokens)
    for token in tokens:
        if not isinstance(token, str):
            raise TypeError(
                f"The analyzer returned a token of type {type(token).__name__} "
                f"({_short(token)}) for document {i}; tokens must be str."
            )
    return tokens


def _id_rows(X: Any, n_tokens: int) -> list[np.ndarray]:
    """Validate id sequences for ``inverse_transform``; ids >= n_tokens -> OOV."""
    name = "TextTokenizer.inverse_transform"
    if X is None or isinstance(X, (str, bytes)) or not hasattr(X, "__iter__"):
        raise TypeError(
            f"{name} expects id sequences (a list of int sequences or a 2-D int "
            f"array); got {type(X).__name__}."
        )
    if isinstance(X, pd.DataFrame):
        X = X.to_numpy()
    rows = list(X)
    if rows and all(np.ndim(row) == 0 for row in rows):
        raise ValueError(
            f"{name} expects a list of id sequences (or a 2-D array of padded "
            f"ids); got a flat sequence of {len(rows)} values. Wrap a single "
            "sequence in a list: inverse_transform([[2, 3]])."
        )
    out = []
    for i, row in enumerate(rows):
        try:
            ids = np.asarray(row)
        except ValueError as exc:
            raise ValueError(f"{name}: sequence {i} is not 1-D ({exc}).") from None
        if ids.ndim != 1:
            raise ValueError(
                f"{name} expects 1-D id sequences; sequence {i} has shape {ids.shape}."
            )
        if ids.dtype.kind == "f":
            if not (np.isfinite(ids).all() and (ids == np.round(ids)).all()):
                bad = ids[~(np.isfinite(ids) & (ids == np.round(ids)))][0]
                raise ValueError(
                    f"{name}: sequence {i} holds the non-integer id {bad}; ids "
                    "are whole numbers >= 0."
                )
        elif ids.dtype.kind not in "biu" and ids.size:
            raise ValueError(
                f"{name}: sequence {i} holds {ids.dtype} values, not integer ids."
            )
        if ids.size and ids.min() < 0:
            raise ValueError(
                f"{name}: sequence {i} holds the negative id {ids.min()}; ids are "
                ">= 0 (0 is padding)."
            )
        # Any id past the vocabulary reads as the unknown token (id 1).
        ids = np.where(ids < n_tokens, ids, OOV_ID) if ids.size else ids
        out.append(ids.astype(np.int64))
    return out
