"""Warnings that point at the user's line, however deep inside they are raised."""

from __future__ import annotations

import os
import sys

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
# scikit-learn's wrappers around fit and transform, between the user and us.
_WRAPPERS = (
    os.path.join("sklearn", "base.py"),
    os.path.join("sklearn", "utils", "_set_output.py"),
)


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point outside this package.

    Call it as ``warnings.warn(message, category, stacklevel=user_stacklevel())``:
    it counts the frames from the caller up to the first one that belongs to
    neither sklearn_rnn nor scikit-learn's fit/transform wrappers, so the
    warning names the user's line (or the library, such as ``GridSearchCV``,
    that called us), whichever path led to it.

    Returns
    -------
    int
        The stack level to pass to ``warnings.warn``.

    Examples
    --------
    >>> import warnings
    >>> from sklearn_rnn._warnings import user_stacklevel
    >>> def deep():
    ...     warnings.warn("check this", UserWarning, stacklevel=user_stacklevel())
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     deep()
    >>> caught[0].filename.endswith("_warnings.py")
    False
    """
    frame = sys._getframe(1)
    level = 1
    while frame is not None and _internal(frame.f_code.co_filename):
        frame = frame.f_back
        level += 1
    return level


def _internal(filename: str) -> bool:
    path = os.path.abspath(filename)
    return path.startswith(_PACKAGE + os.sep) or path.endswith(_WRAPPERS)
