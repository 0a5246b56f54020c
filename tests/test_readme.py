"""The README's commands and quick start stay true."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_ci_runs_the_readme_test_command():
    commands = re.search(r"```bash\n(.*?)```", README, re.S).group(1).splitlines()
    commands = [line for line in commands if line and not line.startswith("#")]
    assert len(commands) == 2
    assert "examples/quickstart.py" in commands[0]
    assert commands[1] in (ROOT / ".ci" / "run").read_text().splitlines()


@pytest.mark.slow
def test_quick_start_snippet_runs():
    section = README.split("## Quick start", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["reg"].score(namespace["X"][800:], namespace["y"][800:]) > 0.9
    assert (
        namespace["clf"].predict_proba(namespace["X"][:3]).sum(axis=1).round(6).tolist()
        == [1.0] * 3
    )
