"""The CPython golden source, the pyvm-program variants, disabled suites and pinned rejections."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harness.cases import Case, Suite
from harness.golden import Golden
from harness.plugin import observed_golden
from harness.runners import (VARIANTS_ENV, HarnessError, has_main_guard, run_cpython,
                             selected_variants)

REPO = Path(__file__).resolve().parents[2]


# --- helpers ---------------------------------------------------------------------------------------

def make_suite(root: Path, toml: str, cases: dict[str, dict[str, str]], case_tomls: dict[str, str] | None = None
               ) -> Path:
    """A suite folder `root` with suite.toml and one case per entry: {case: {file in project/: text}}."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "suite.toml").write_text(textwrap.dedent(toml))
    for name, files in cases.items():
        project = root / name / "project"
        project.mkdir(parents=True)
        for fname, text in files.items():
            (project / fname).write_text(textwrap.dedent(text))
        if case_tomls and name in case_tomls:
            (root / name / "case.toml").write_text(textwrap.dedent(case_tomls[name]))
    return root


def run_pytest(suite: Path, report: Path, *extra: str, env: dict[str, str] | None = None
               ) -> subprocess.CompletedProcess:
    import os
    full_env = {k: v for k, v in os.environ.items() if k != VARIANTS_ENV}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "pytest", str(suite), "-q", "-rs", "-p", "harness.plugin",
                           "-p", "no:cacheprovider", f"--conformance-report={report}", "--rootdir", str(REPO),
                           "-c", str(REPO / "pyproject.toml"), *extra],
                          capture_output=True, text=True, cwd=REPO, env=full_env)


def observe_cpython(tmp_path: Path, files: dict[str, str], stderr: str = "last-line") -> Golden:
    """Run run_cpython on a one-case suite built in tmp_path and return what the golden would hold."""
    suite = Suite(name="t", folder=tmp_path, runner="pyvm-program", args=[], stderr=stderr,
                  golden_source="cpython", timeout=30)
    case = Case(suite, tmp_path / "case", args=[])
    workdir = tmp_path / "work"
    (workdir / "project").mkdir(parents=True)
    for fname, text in files.items():
        (workdir / "project" / fname).write_text(textwrap.dedent(text))
    return observed_golden(suite, run_cpython(case, workdir))


PROGRAM_SUITE = """\
    runner = "pyvm-program"
    variants = ["interp", "native-O2"]
    stderr = "last-line"
    golden = "cpython"
    enabled = false
    forbid_traceback = false
"""

RETURNS_3 = """\
    def main() -> int:
        print("three")
        return 3
"""

DIVIDES_BY_ZERO = """\
    def main():
        print("before")
        print(1 // 0)
"""


# --- the __main__ rule -----------------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    ('def main():\n    pass\n\nif __name__ == "__main__":\n    main()\n', True),
    ("def main():\n    pass\n\nif '__main__' == __name__:\n    main()\n", True),
    ("def main():\n    pass\n", False),
    ('def main():\n    if __name__ == "__main__":\n        pass\n', False),  # not at module level
    ('def main():\n    pass\n\nif __name__ != "__main__":\n    main()\n', False),
    ('def main():\n    pass\n\nif __name__ == "other":\n    main()\n', False),
    ('X = "if __name__ == \'__main__\': main()"\ndef main():\n    pass\n', False),  # text, not code
])
def test_main_guard_detection(source, expected):
    assert has_main_guard(source) is expected


# --- the CPython golden source ---------------------------------------------------------------------

def test_main_without_guard_is_called_and_its_int_is_the_exit_status(tmp_path):
    golden = observe_cpython(tmp_path, {"main.py": RETURNS_3})
    assert golden == Golden(3, {"stdout": "three\n", "stderr (last line)": ""})


def test_main_returning_none_or_zero_exits_0(tmp_path):
    for i, body in enumerate(["def main():\n    print('x')\n", "def main() -> int:\n    print('x')\n    return 0\n"]):
        golden = observe_cpython(tmp_path / str(i), {"main.py": body})
        assert golden == Golden(0, {"stdout": "x\n", "stderr (last line)": ""})


def test_main_guard_runs_the_file_as_cpython_would(tmp_path):
    # With its own __main__ block, main.py runs as a script: main() runs once, its result is dropped.
    source = textwrap.dedent(RETURNS_3) + '\n\nif __name__ == "__main__":\n    main()\n'
    golden = observe_cpython(tmp_path, {"main.py": source})
    assert golden == Golden(0, {"stdout": "three\n", "stderr (last line)": ""})


def test_uncaught_exception_gives_its_last_line_and_exit_1(tmp_path):
    golden = observe_cpython(tmp_path, {"main.py": DIVIDES_BY_ZERO})
    assert golden.exit == 1
    assert golden.streams["stdout"] == "before\n"  # output before the error is kept
    assert golden.streams["stderr (last line)"] == "ZeroDivisionError: integer division or modulo by zero\n"


def test_uncaught_exception_with_a_main_guard(tmp_path):
    source = 'def main():\n    print("a")\n    print({"k": 1}["x"])\n\nif __name__ == "__main__":\n    main()\n'
    golden = observe_cpython(tmp_path, {"main.py": source})
    assert golden == Golden(1, {"stdout": "a\n", "stderr (last line)": "KeyError: 'x'\n"})


def test_runaway_recursion(tmp_path):
    source = "def f(n: int) -> int:\n    return f(n + 1)\n\ndef main():\n    print(f(0))\n"
    golden = observe_cpython(tmp_path, {"main.py": source})
    assert golden.exit == 1
    assert golden.streams["stderr (last line)"] == "RecursionError: maximum recursion depth exceeded\n"


@pytest.mark.parametrize("guard", [False, True])
def test_sibling_modules_import_in_both_modes(tmp_path, guard):
    main = "import helpers\nfrom utils import twice\n\ndef main():\n    print(helpers.NAME, twice(4))\n"
    if guard:
        main += '\nif __name__ == "__main__":\n    main()\n'
    golden = observe_cpython(tmp_path, {"main.py": main, "helpers.py": "NAME = 'h'\n",
                                        "utils.py": "def twice(x: int) -> int:\n    return 2 * x\n"})
    assert golden == Golden(0, {"stdout": "h 8\n", "stderr (last line)": ""})
    assert not list((tmp_path / "work").rglob("__pycache__"))  # no bytecode left in the project


def test_unicode_output_is_utf8(tmp_path):
    golden = observe_cpython(tmp_path, {"main.py": "def main():\n    print('héllo 日本 🐍')\n"})
    assert golden.streams["stdout"] == "héllo 日本 🐍\n"


def test_missing_main_py_is_a_harness_error(tmp_path):
    with pytest.raises(HarnessError, match="project/main.py"):
        observe_cpython(tmp_path, {"other.py": "x = 1\n"})


# --- variant selection -----------------------------------------------------------------------------

def _case(variants: list[str]) -> Case:
    suite = Suite(name="s", folder=Path("."), runner="pyvm-program", args=[], variants=variants)
    return Case(suite, Path("c"), args=[])


def test_variants_come_from_the_suite_and_the_environment_narrows_them(monkeypatch):
    case = _case(["interp", "jit", "native-O0", "native-O2"])
    monkeypatch.delenv(VARIANTS_ENV, raising=False)
    assert selected_variants(case) == ["interp", "jit", "native-O0", "native-O2"]
    monkeypatch.setenv(VARIANTS_ENV, "native-O2, interp")
    assert selected_variants(case) == ["interp", "native-O2"]  # the suite's order
    monkeypatch.setenv(VARIANTS_ENV, "native-O3")
    assert selected_variants(case) == []  # not in the suite: nothing runs (the case is skipped)
    monkeypatch.setenv(VARIANTS_ENV, "cpython")
    assert selected_variants(case) == ["cpython"]  # the golden check needs no suite entry
    monkeypatch.setenv(VARIANTS_ENV, "interp,fast")
    with pytest.raises(HarnessError, match="fast"):
        selected_variants(case)


def test_unknown_variant_in_suite_toml_is_an_error(monkeypatch):
    monkeypatch.delenv(VARIANTS_ENV, raising=False)
    with pytest.raises(HarnessError, match="native-O9"):
        selected_variants(_case(["interp", "native-O9"]))


# --- the plugin, end to end ------------------------------------------------------------------------

def test_update_golden_writes_cpython_goldens_even_for_a_disabled_suite(tmp_path):
    suite = make_suite(tmp_path / "progs", PROGRAM_SUITE,
                       {"returns_3": {"main.py": RETURNS_3}, "zero_div": {"main.py": DIVIDES_BY_ZERO}})
    done = run_pytest(suite, tmp_path / "report", "--update-golden")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (suite / "returns_3" / "expected").read_text() == (
        "exit: 3\n--- stdout\nthree\n--- stderr (last line)\n")
    assert (suite / "zero_div" / "expected").read_text() == (
        "exit: 1\n--- stdout\nbefore\n--- stderr (last line)\n"
        "ZeroDivisionError: integer division or modulo by zero\n")

    # Checked against CPython again: passes; a wrong golden fails, naming the variant.
    done = run_pytest(suite, tmp_path / "report", "--include-disabled", env={VARIANTS_ENV: "cpython"})
    assert done.returncode == 0, done.stdout
    (suite / "returns_3" / "expected").write_text("exit: 0\n--- stdout\nthree\n--- stderr (last line)\n")
    done = run_pytest(suite, tmp_path / "report", "--include-disabled", env={VARIANTS_ENV: "cpython"})
    assert done.returncode == 1
    assert "variant cpython: output differs from golden" in done.stdout
    summary = (tmp_path / "report" / "summary.md").read_text()
    assert "| progs | 2 | 1 | 1 |" in summary
    assert "[progs/returns_3](diffs/progs/returns_3.diff) (variants: cpython)" in summary
    diff = (tmp_path / "report" / "diffs" / "progs" / "returns_3.diff").read_text()
    assert "-exit: 0" in diff and "+exit: 3" in diff and "(actual, cpython)" in diff


def test_a_disabled_suite_is_skipped_with_a_line_in_the_summary(tmp_path):
    suite = make_suite(tmp_path / "progs", PROGRAM_SUITE, {"returns_3": {"main.py": RETURNS_3}})
    done = run_pytest(suite, tmp_path / "report")
    assert done.returncode == 5, done.stdout  # pytest's "no tests ran": the one suite was skipped
    assert "1 skipped" in done.stdout
    assert "progs: disabled in suite.toml" in done.stdout
    assert "suite.toml:5: progs: disabled" in done.stdout  # points at the `enabled = false` line
    assert "progs: disabled in suite.toml" in (tmp_path / "report" / "summary.md").read_text()
    assert not (suite / "returns_3" / "expected").exists()


def test_each_variant_runs_and_a_failing_one_is_named(tmp_path):
    # Whatever pyvm can do today, a golden that no correct compiler can print fails for each variant,
    # and the build of a native variant is reported with its stderr when it fails.
    suite = make_suite(tmp_path / "progs", PROGRAM_SUITE, {"hello": {"main.py": "def main():\n    print('hi')\n"}})
    (suite / "hello" / "expected").write_text("exit: 0\n--- stdout\nno compiler prints this\n"
                                              "--- stderr (last line)\n")
    done = run_pytest(suite, tmp_path / "report", "--include-disabled")
    assert done.returncode == 1
    assert "variant interp:" in done.stdout
    assert "variant native-O2:" in done.stdout
    diff = (tmp_path / "report" / "diffs" / "progs" / "hello.diff").read_text()
    assert "variant interp:" in diff and "variant native-O2:" in diff


def test_the_case_timeout_applies(tmp_path):
    toml = PROGRAM_SUITE + "timeout = 1\n"
    suite = make_suite(tmp_path / "progs", toml, {"spin": {"main.py": "def main():\n    while True:\n        pass\n"}})
    done = run_pytest(suite, tmp_path / "report", "--update-golden")
    assert done.returncode == 1
    assert "timed out after 1 s" in done.stdout
    assert not (suite / "spin" / "expected").exists()


TWO_MAINS = "def main():\n    pass\n\n\ndef main():\n    pass\n"


@pytest.mark.parametrize("line, ok", [(1, True), (7, False)])
def test_expect_message_and_line_are_checked_whatever_the_golden(tmp_path, line, ok):
    suite = make_suite(tmp_path / "errs", 'runner = "pyvm-cli"\nargs = ["check", "{project}"]\n',
                       {"two": {"main.py": TWO_MAINS}},
                       {"two": f'expect_message = "Found 2 main() functions"\nexpect_line = {line}\n'})
    done = run_pytest(suite, tmp_path / "report", "--update-golden")
    assert (done.returncode == 0) is ok, done.stdout
    assert (suite / "two" / "expected").exists() is ok  # a golden the case rejects is never written
    if ok:
        done = run_pytest(suite, tmp_path / "report")
        assert done.returncode == 0, done.stdout
    else:
        assert "stderr does not point at project/main.py:7:" in done.stdout


def test_expect_message_needs_exit_1_and_the_message(tmp_path):
    suite = make_suite(tmp_path / "errs", 'runner = "pyvm-cli"\nargs = ["check", "{project}"]\n',
                       {"fine": {"main.py": "def main():\n    pass\n"}},
                       {"fine": 'expect_message = "unsupported: nothing"\nexpect_line = 1\n'})
    (suite / "fine" / "expected").write_text("exit: 0\n--- stdout\n--- stderr\n")
    done = run_pytest(suite, tmp_path / "report")
    assert done.returncode == 1
    assert "expected a rejection (exit 1), got exit 0" in done.stdout
    assert "stderr does not contain the expected message 'unsupported: nothing'" in done.stdout
