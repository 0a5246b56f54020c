"""Smoke test of benchmarks/quality.py --quick (digits + synthetic, defaults)."""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "quality.py"


@pytest.mark.skipif(not SCRIPT.exists(), reason="benchmarks/ not shipped")
def test_quality_quick_prints_the_table(tmp_path):
    out = tmp_path / "quality.json"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--seeds", "0", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert any(line.startswith("data set") for line in lines)
    digits = next(line for line in lines if line.startswith("digits"))
    assert "accuracy" in digits and "1-NN Euclidean" in digits
    assert "majority class" in digits
    synthetic = next(line for line in lines if line.startswith("synthetic"))
    assert "r2" in synthetic and "RidgeCV" in synthetic
    assert out.exists()


def test_quality_reads_ts_files():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import quality
    finally:
        sys.path.remove(str(SCRIPT.parent))
    lines = [
        "# comment",
        "@problemName Toy",
        "@classLabel true a b",
        "@data",
        "1.0,2.0,3.0:a",
        "4.0,5.0:b",
    ]
    series, labels = quality._read_ts(lines)
    assert labels == ["a", "b"]
    assert [len(s) for s in series] == [3, 2]
    assert quality.load("no_such_set").startswith("unknown data set")
