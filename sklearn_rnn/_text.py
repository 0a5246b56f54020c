"""TextTokenizer: raw strings to ragged token ids. Torch-free."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._preprocessing import SequenceOutputMixin

PAD_ID = 0
OOV_ID = 1
PAD_TOKEN = "<pad>"


def check_texts(X, name: str = "TextTokenizer") -> list[str]:
    """Return ``X`` as a list of str, or raise a clear error.

    Accepts a list/tuple, a 1-D array or pandas Series of str, and a 2-D
    input with one column (what ``ColumnTransformer`` passes).
    """
    if isinstance(X, str):
        raise TypeError(
            f"{name} expects an iterable of strings (one per document); got a "
            "single str. Wrap it in a list."
        )
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:  # one-column DataFrame
        if X.shape[1] != 1:
            raise ValueError(
                f"{name} expects one text column; got a DataFrame with {X.shape[1]}."
            )
        X = X.iloc[:, 0]
    elif getattr(X, "ndim", 1) == 2:
        X = np.asarray(X)
        if X.shape[1] != 1:
            raise ValueError(
                f"{name} expects one text column; got an array of shape {X.shape}."
            )
        X = X[:, 0]
    texts = list(X)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(
                f"{name} expects strings; item {i} is {type(text).__name__} ({text!r})."
            )
    return texts


class TextTokenizer(
    SequenceOutputMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Turn documents into sequences of integer token ids.

    ``fit`` learns a vocabulary; ``transform`` returns one 1-D int64 array of
    ids per document, of the document's own length, ready for
    :class:`SequencePadder` or directly for an estimator with
    ``embedding_dim`` set. Id 0 is padding, id 1 stands for every token
    outside the vocabulary (``oov_token``), and the vocabulary takes ids
    2, 3, ... by descending frequency, ties in alphabetical order, so the
    same texts always give the same ids.

    Parameters
    ----------
    lowercase : bool, default=True
        Lowercase documents before splitting (word and char analyzers).
    token_pattern : str, default=r"(?u)\\b\\w+\\b"
        Regular expression of a token, for ``analyzer="word"``. The default
        keeps one-letter words such as "a" and "I".
    analyzer : {"word", "char"} or callable, default="word"
        ``"word"`` splits with ``token_pattern``, ``"char"`` makes every
        character a token, and a callable maps a raw document to its list of
        tokens (no lowercasing is applied then, as in scikit-learn).
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

    See Also
    --------
    SequencePadder : Pads the ragged id sequences into an array.
    sklearn.feature_extraction.text.CountVectorizer : Bag-of-words counts.

    Notes
    -----
    A document without any token becomes ``[1]`` (one unknown token), so
    every document yields a sequence with at least one step.

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
    """

    _parameter_constraints: dict = {
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "analyzer": [StrOptions({"word", "char"}), callable],
        "max_tokens": [Interval(Integral, 1, None, closed="left"), None],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
        "oov_token": [str],
    }

    def __init__(
        self,
        *,
        lowercase: bool = True,
        token_pattern: str = r"(?u)\b\w+\b",
        analyzer: str | Callable = "word",
        max_tokens: int | None = None,
        min_frequency: int = 1,
        oov_token: str = "<unk>",
    ) -> None:
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.analyzer = analyzer
        self.max_tokens = max_tokens
        self.min_frequency = min_frequency
        self.oov_token = oov_token

    def build_analyzer(self) -> Callable[[str], list[str]]:
        """Return the function that splits one document into tokens.

        Returns
        -------
        analyzer : callable
            ``str -> list of str``.
        """
        if callable(self.analyzer):
            return self.analyzer
        if self.analyzer == "char":
            return (lambda doc: list(doc.lower())) if self.lowercase else list
        findall = re.compile(self.token_pattern).findall
        if self.lowercase:
            return lambda doc: findall(doc.lower())
        return findall

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
        analyze = self.build_analyzer()
        counts = Counter()
        for text in texts:
            counts.update(analyze(text))
        counts.pop(self.oov_token, None)
        kept = sorted(
            (token for token, count in counts.items() if count >= self.min_frequency),
            key=lambda token: (-counts[token], token),
        )[: self.max_tokens]
        self.vocabulary_ = {self.oov_token: OOV_ID}
        self.vocabulary_.update({token: i for i, token in enumerate(kept, start=2)})
        self.n_tokens_ = len(kept) + 2
        return self

    def transform(self, X: Any) -> list[np.ndarray]:
        """Map each document to its token ids (1 for unknown tokens).

        Parameters
        ----------
        X : iterable of str
            Documents.

        Returns
        -------
        ids : list of ndarray of int64
            One array per document, as long as its token count (at least 1).
        """
        check_is_fitted(self)
        texts = check_texts(X)
        analyze = self.build_analyzer()
        lookup = self.vocabulary_.get
        out = []
        for text in texts:
            ids = [lookup(token, OOV_ID) for token in analyze(text)] or [OOV_ID]
            out.append(np.array(ids, dtype=np.int64))
        return out

    def inverse_transform(self, X: Any) -> list[list[str]]:
        """Map id sequences back to tokens, dropping padding (id 0).

        Parameters
        ----------
        X : list of int sequences or 2-D int array
            Ragged ids or padded ids.

        Returns
        -------
        tokens : list of list of str
            Unknown ids and id 1 become ``oov_token``.
        """
        check_is_fitted(self)
        names = self.get_feature_names_out()
        return [
            [
                names[i] if 0 < i < len(names) else self.oov_token
                for i in np.asarray(ids).tolist()
                if i != PAD_ID
            ]
            for ids in X
        ]

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Token of every id: ``names[i]`` is the token with id ``i``.

        Parameters
        ----------
        input_features : None
            Ignored; present for API consistency.

        Returns
        -------
        names : ndarray of str objects, shape (n_tokens_,)
            ``"<pad>"``, then ``oov_token``, then the vocabulary by id.
        """
        check_is_fitted(self)
        names = np.empty(self.n_tokens_, dtype=object)
        names[PAD_ID] = PAD_TOKEN
        for token, i in self.vocabulary_.items():
            names[i] = token
        return names

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
