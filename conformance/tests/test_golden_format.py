"""The harness itself: the golden format round-trips, and a wrong expectation really fails."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harness.golden import Golden

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("streams", [
    {"stdout": "", "stderr": ""},
    {"stdout": "a\nb\n", "stderr": "no newline"},
    {"stdout": "--- stdout\n\\back\n", "stderr": "\n\n"},
    {"stdout": "x", "stderr (last line)": "ZeroDivisionError: division by zero\n"},
])
def test_golden_round_trips(streams):
    golden = Golden(3, dict(streams))
    assert Golden.parse(golden.render()) == golden


def test_a_wrong_expectation_fails_and_is_reported(tmp_path):
    suite = tmp_path / "suite_under_test"
    case = suite / "one"
    (case / "project").mkdir(parents=True)
    (case / "project" / "main.py").write_text("def main():\n    pass\n")
    (suite / "suite.toml").write_text('runner = "pyvm-cli"\nargs = ["check", "{project}"]\nmin_cases = 2\n')
    (case / "expected").write_text("exit: 0\n--- stdout\nsomething else\n--- stderr\n")
    report = tmp_path / "report"
    done = subprocess.run([sys.executable, "-m", "pytest", str(suite), "-q", "-p", "harness.plugin",
                           f"--conformance-report={report}", "--rootdir", str(REPO), "-c", str(REPO / "pyproject.toml")],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 1, done.stdout
    assert "2 failed" in done.stdout  # the case, and the suite-size check (1 case < 2)
    summary = (report / "summary.md").read_text()
    assert "| suite_under_test | 1 | 0 | 1 |" in summary
    assert "[suite_under_test/one](diffs/suite_under_test/one.diff)" in summary
    diff = (report / "diffs" / "suite_under_test" / "one.diff").read_text()
    assert "-something else" in diff and "+✓ Found exactly 1 main.py" in diff
