"""Long tables in, sequences out: sequences_from_frame and feature names."""

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn import RNNClassifier, make_windows, sequences_from_frame


@pytest.fixture
def long_table():
    rng = np.random.RandomState(0)
    rows = []
    for sample in range(12):
        label = "walk" if sample % 2 else "run"
        for t in rng.permutation(3 + sample % 4):  # rows out of time order
            rows.append(
                {
                    "sample_id": f"s{sample}",
                    "t": t,
                    "acc_x": t + sample,
                    "acc_y": rng.normal(),
                    "acc_z": -t,
                    "label": label,
                }
            )
    return pd.DataFrame(rows)


def test_one_sequence_per_id_sorted_by_time(long_table):
    X, y, ids = sequences_from_frame(
        long_table, "sample_id", "t", target="label", return_ids=True
    )
    assert len(X) == len(y) == len(ids) == 12
    assert ids[:2].tolist() == ["s0", "s1"]
    assert y[:2].tolist() == ["run", "walk"]
    assert list(X[0].columns) == ["acc_x", "acc_y", "acc_z"]
    assert_array_equal(X[1]["acc_z"], [0, -1, -2, -3])
    assert [len(x) for x in X[:4]] == [3, 4, 5, 6]


def test_the_groupby_recipe_gives_the_same(long_table):
    X, y = sequences_from_frame(long_table, "sample_id", "t", target="label")
    by_hand = [
        g.sort_values("t")[["acc_x", "acc_y", "acc_z"]].to_numpy()
        for _, g in long_table.groupby("sample_id", sort=False)
    ]
    for a, b in zip(X, by_hand, strict=True):
        assert_allclose(a.to_numpy(), b)


def test_columns_select_and_order_features(long_table):
    X = sequences_from_frame(long_table, "sample_id", columns=["acc_z", "acc_x"])
    assert list(X[0].columns) == ["acc_z", "acc_x"]


def test_estimators_keep_the_column_names(long_table):
    X, y = sequences_from_frame(long_table, "sample_id", "t", target="label")
    clf = RNNClassifier(**FAST).fit(X, y)
    assert clf.feature_names_in_.tolist() == ["acc_x", "acc_y", "acc_z"]
    assert clf.n_features_in_ == 3
    assert clf.predict(X).shape == (12,)
    swapped = [x[["acc_y", "acc_x", "acc_z"]] for x in X]
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(swapped)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"id_col": "nope"}, "id_col='nope'"),
        ({"id_col": "sample_id", "time_col": "when"}, "time_col='when'"),
        ({"id_col": "sample_id", "target": "y"}, "target='y'"),
        ({"id_col": "sample_id", "columns": ["acc_w"]}, "acc_w"),
        ({"id_col": "sample_id", "target": "acc_x"}, "one label"),
    ],
)
def test_bad_calls_name_the_problem(long_table, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sequences_from_frame(long_table, **kwargs)


def test_not_a_dataframe_is_a_type_error():
    with pytest.raises(TypeError, match="DataFrame"):
        sequences_from_frame(np.ones((3, 3)), "a")


def test_reading_a_long_table_as_wide_sequences_warns(long_table):
    features = long_table[["acc_x", "acc_y", "acc_z"]]
    with pytest.warns(UserWarning, match="sequences_from_frame"):
        RNNClassifier(**FAST).fit(features, long_table["label"])


def test_forecasting_panels_read_long_tables_the_same_way():
    panel = pd.DataFrame(
        {
            "id": ["a"] * 6 + ["b"] * 6,
            "t": list(range(6))[::-1] + list(range(6)),
            "y": np.arange(12.0),
        }
    )
    X, y = make_windows(panel, lookback=3, horizon=1, id_col="id", time_col="t")
    # series "a" is stored in reverse time order: windows follow time
    assert X.shape[0] == 6
    assert_allclose(sorted(y.ravel()), [0.0, 1.0, 2.0, 9.0, 10.0, 11.0])


def test_missing_ids_and_repeated_time_steps_are_errors(long_table):
    missing = long_table.astype({"sample_id": object})
    missing.loc[3, "sample_id"] = None
    with pytest.raises(ValueError, match="missing in row 3"):
        sequences_from_frame(missing, "sample_id", "t")
    repeated = pd.concat([long_table, long_table.iloc[[0]]])
    with pytest.raises(ValueError, match="two rows at the same t="):
        sequences_from_frame(repeated, "sample_id", "t")


def test_every_dataframe_of_a_list_needs_the_same_columns(long_table):
    X, y = sequences_from_frame(long_table, "sample_id", "t", target="label")
    reordered = [X[0]] + [x[["acc_y", "acc_x", "acc_z"]] for x in X[1:]]
    with pytest.raises(ValueError, match="Sequence 1 of X has columns"):
        RNNClassifier(**FAST).fit(reordered, y)
    clf = RNNClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="Sequence 1 of X has columns"):
        clf.predict(reordered)
