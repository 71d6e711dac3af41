"""pytest plugin: every `suite.toml` under conformance/ becomes a suite of golden cases.

Options: `--update-golden` rewrites expectations (from pyvm for "self" suites, from CPython 3.12 for
"cpython" suites) for review in the diff; `--conformance-report DIR` (default reports/conformance)
receives `summary.md` and one `.diff` per failing case.
"""

from __future__ import annotations

import difflib
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest

from harness.cases import Case, Suite
from harness.golden import Golden
from harness.runners import RUNNERS, HarnessError, Observed

REPO = Path(__file__).resolve().parents[2]


def pytest_addoption(parser):
    group = parser.getgroup("conformance")
    group.addoption("--update-golden", action="store_true",
                    help="rewrite the expected files of the cases that run, for review")
    group.addoption("--conformance-report", default=str(REPO / "reports" / "conformance"),
                    help="folder for summary.md and failing cases' diffs")


def pytest_collect_file(parent, file_path: Path):
    if file_path.name == "suite.toml":
        return SuiteCollector.from_parent(parent, path=file_path)
    return None


class SuiteCollector(pytest.File):
    def collect(self):
        suite = Suite.load(self.path)
        folders = suite.case_folders()
        yield SuiteSizeItem.from_parent(self, name="(suite size)", suite=suite, count=len(folders))
        for folder in folders:
            yield CaseItem.from_parent(self, name=folder.name, case=Case.load(suite, folder))


class SuiteSizeItem(pytest.Item):
    def __init__(self, *, suite: Suite, count: int, **kwargs):
        super().__init__(**kwargs)
        self.suite, self.count = suite, count

    def runtest(self):
        if self.count < self.suite.min_cases:
            raise CaseFailure(f"suite '{self.suite.name}' has {self.count} cases; it needs at least "
                              f"{self.suite.min_cases}")

    def repr_failure(self, excinfo):
        return str(excinfo.value)

    def reportinfo(self):
        return self.path, None, f"{self.suite.name}: suite size"


class CaseFailure(Exception):
    pass


def observed_golden(suite: Suite, observed: Observed) -> Golden:
    golden = Golden(observed.exit, {"stdout": observed.stdout})
    if suite.stderr == "last-line":
        lines = observed.stderr.rstrip("\n").split("\n")
        golden.streams["stderr (last line)"] = (lines[-1] + "\n") if observed.stderr.strip() else ""
    else:
        golden.streams["stderr"] = observed.stderr
    return golden


class CaseItem(pytest.Item):
    def __init__(self, *, case: Case, **kwargs):
        super().__init__(**kwargs)
        self.case = case
        self.add_marker("conformance")
        self.diff_text: str | None = None

    def _observe(self) -> Observed:
        with tempfile.TemporaryDirectory(prefix=f"pyvm-{self.case.suite.name}-") as tmp:
            workdir = Path(tmp)
            self.case.materialise(workdir)
            return RUNNERS[self.case.suite.runner](self.case, workdir)

    def runtest(self):
        try:
            observed = self._observe()
        except HarnessError as exc:
            raise CaseFailure(f"harness: {exc}") from None
        if self.case.suite.forbid_traceback and "Traceback (most recent call last)" in observed.stderr:
            raise CaseFailure(f"pyvm printed a Python traceback:\n{observed.stderr}")
        actual = observed_golden(self.case.suite, observed).render()
        if self.config.getoption("update_golden") and self.case.suite.golden_source == "self":
            self.case.golden_path.write_text(actual, encoding="utf-8")
            return
        if not self.case.golden_path.exists():
            raise CaseFailure(f"no expected file at {self.case.golden_path}; run with --update-golden "
                              "and review the result")
        expected = self.case.golden_path.read_text(encoding="utf-8")
        Golden.parse(expected)  # a malformed golden file is a failure, not a silent pass
        if actual != expected:
            path = self.case.golden_path
            rel = path.relative_to(REPO) if path.is_relative_to(REPO) else path
            self.diff_text = "".join(difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                fromfile=f"{rel} (expected)", tofile=f"{rel} (actual)"))
            raise CaseFailure(self.diff_text)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CaseFailure):
            return f"{self.case.suite.name}/{self.case.name}: output differs from golden\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.case.folder, None, f"{self.case.suite.name}/{self.case.name}"


class SummaryWriter:
    """Collects per-suite results and writes summary.md plus one diff per failing case."""

    def __init__(self, config):
        self.config = config
        self.results: dict[str, dict[str, str]] = defaultdict(dict)  # suite -> case -> outcome
        self.diffs: dict[tuple[str, str], str] = {}

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report):
        item = self._items.get(report.nodeid)
        if item is None:
            return
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            suite, case = item.case.suite.name, item.case.name
            self.results[suite][case] = report.outcome
            if report.outcome == "failed":
                self.diffs[(suite, case)] = item.diff_text or report.longreprtext

    @pytest.hookimpl
    def pytest_collection_modifyitems(self, items):
        self._items = {i.nodeid: i for i in items if isinstance(i, CaseItem)}

    @pytest.hookimpl
    def pytest_sessionfinish(self, session):
        if not getattr(self, "_items", None):
            return
        out = Path(self.config.getoption("conformance_report"))
        out.mkdir(parents=True, exist_ok=True)
        lines = ["# Conformance summary", "", "| suite | cases | passed | failed |", "|---|---:|---:|---:|"]
        failing: list[str] = []
        for suite in sorted(self.results):
            outcomes = self.results[suite]
            passed = sum(1 for o in outcomes.values() if o == "passed")
            failed = sum(1 for o in outcomes.values() if o == "failed")
            lines.append(f"| {suite} | {len(outcomes)} | {passed} | {failed} |")
            for case, outcome in sorted(outcomes.items()):
                if outcome == "failed":
                    diff_path = out / "diffs" / suite / f"{case}.diff"
                    diff_path.parent.mkdir(parents=True, exist_ok=True)
                    diff_path.write_text(self.diffs.get((suite, case), ""), encoding="utf-8")
                    failing.append(f"- [{suite}/{case}](diffs/{suite}/{case}.diff)")
        lines += ["", "## Failing cases", ""] + (failing or ["None."])
        (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def pytest_configure(config):
    config.pluginmanager.register(SummaryWriter(config), "pyvm-conformance-summary")
