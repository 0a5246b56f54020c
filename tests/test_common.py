"""scikit-learn's estimator checks for every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_rnn import (
    RNNClassifier,
    RNNForecaster,
    RNNRegressor,
    SequencePadder,
    SequenceScaler,
    TextTokenizer,
)

# Small networks so the ~50 checks per estimator stay quick.
ESTIMATORS = [
    RNNClassifier(hidden_size=8, max_epochs=5, random_state=0),
    RNNRegressor(hidden_size=8, max_epochs=5, random_state=0),
    RNNForecaster(hidden_size=8, max_epochs=5, random_state=0),
    # horizon=1: the checks feed one target column; a horizon-h forecaster
    # needs h columns, which tests/test_forecaster.py covers.
    RNNForecaster(normalize=None, hidden_size=8, max_epochs=5, random_state=0),
    SequenceScaler(),
    SequenceScaler(with_mean=False, mask_value=0.0),
    # Text and ragged input: their tags (string input, no 2-D arrays) make
    # scikit-learn run only the checks that apply; see docs/user_guide.md.
    TextTokenizer(),
    SequencePadder(),
    SequencePadder(maxlen=5),
]

# check name -> reason, per estimator class. Keep it empty unless a reason
# would convince a scikit-learn maintainer.
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
