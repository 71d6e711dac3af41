"""pytest plugin: every `suite.toml` under conformance/ becomes a suite of golden cases.

Options: `--update-golden` rewrites expectations (from pyvm for "self" suites, from CPython 3.12 for
"cpython" suites) for review in the diff; `--conformance-report DIR` (default reports/conformance)
receives `summary.md` and one `.diff` per failing case; `--include-disabled` also runs suites whose
suite.toml says `enabled = false`.

A disabled suite is skipped at collection, with a line in the summary, except that `--update-golden`
still refreshes a disabled suite whose golden source is CPython (that needs no compiler).

A `pyvm-program` case runs once per variant (see harness.runners); each must match `expected`.
A case.toml `expect_message` / `expect_line` pins the essence of a rejection: the case also needs
exit 1 and both the message and `project/main.py:<line>:` in stderr, whatever its golden says.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest

from harness.cases import Case, Suite
from harness.golden import Golden
from harness.runners import (GOLDEN_SOURCES, RUNNERS, VARIANT_RUNNERS, VARIANTS_ENV, HarnessError,
                             Observed, VariantFailure, selected_variants)

REPO = Path(__file__).resolve().parents[2]
SUMMARY_PLUGIN = "pyvm-conformance-summary"


def pytest_addoption(parser):
    group = parser.getgroup("conformance")
    group.addoption("--update-golden", action="store_true",
                    help="rewrite the expected files of the cases that run, for review")
    group.addoption("--conformance-report", default=str(REPO / "reports" / "conformance"),
                    help="folder for summary.md and failing cases' diffs")
    group.addoption("--include-disabled", action="store_true",
                    help="also run suites whose suite.toml says enabled = false")


def pytest_collect_file(parent, file_path: Path):
    if file_path.name == "suite.toml":
        return SuiteCollector.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """A disabled suite's skip points at its `enabled = false` line, not at this plugin."""
    report = yield
    if (isinstance(collector, SuiteCollector) and report.skipped
            and isinstance(report.longrepr, tuple) and len(report.longrepr) == 3):
        lines = collector.path.read_text(encoding="utf-8").splitlines()
        lineno = next((i for i, line in enumerate(lines, 1) if line.strip().startswith("enabled")), None)
        report.longrepr = (str(collector.path), lineno, report.longrepr[2])
    return report


class SuiteCollector(pytest.File):
    def collect(self):
        suite = Suite.load(self.path)
        if not suite.enabled and not self._run_disabled(suite):
            summary = self.config.pluginmanager.get_plugin(SUMMARY_PLUGIN)
            if summary is not None:
                summary.disabled.append(suite.name)
            pytest.skip(f"{suite.name}: disabled in suite.toml")
        folders = suite.case_folders()
        yield SuiteSizeItem.from_parent(self, name="(suite size)", suite=suite, count=len(folders))
        for folder in folders:
            yield CaseItem.from_parent(self, name=folder.name, case=Case.load(suite, folder))

    def _run_disabled(self, suite: Suite) -> bool:
        if self.config.getoption("include_disabled"):
            return True
        return bool(self.config.getoption("update_golden")) and suite.golden_source in GOLDEN_SOURCES


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
        self.failed_variants: list[str] = []

    def _observe(self, run) -> Observed:
        """Run one way of executing the case in a fresh temporary copy of it."""
        with tempfile.TemporaryDirectory(prefix=f"pyvm-{self.case.suite.name}-") as tmp:
            workdir = Path(tmp)
            self.case.materialise(workdir)
            return run(self.case, workdir)

    def _runs(self) -> list[tuple[str | None, object]]:
        """(variant label, runner) pairs to compare against the golden; label None: a single run."""
        suite = self.case.suite
        if suite.runner in VARIANT_RUNNERS:
            run_variant = VARIANT_RUNNERS[suite.runner]
            variants = selected_variants(self.case)
            if not variants:
                pytest.skip(f"no variant selected: the suite has {', '.join(suite.variants)}; "
                            f"{VARIANTS_ENV}={os.environ.get(VARIANTS_ENV, '')}")
            return [(v, (lambda case, workdir, v=v: run_variant(case, workdir, v))) for v in variants]
        if suite.runner in RUNNERS:
            return [(None, RUNNERS[suite.runner])]
        raise HarnessError(f"unknown runner {suite.runner!r} in {suite.name}/suite.toml; known: "
                           f"{', '.join([*RUNNERS, *VARIANT_RUNNERS])}")

    def _problems(self, observed: Observed, from_pyvm: bool) -> list[str]:
        """What is wrong with an observation whatever the golden says."""
        case, problems = self.case, []
        if not from_pyvm:
            return problems
        if case.suite.forbid_traceback and "Traceback (most recent call last)" in observed.stderr:
            problems.append(f"pyvm printed a Python traceback:\n{observed.stderr}")
        if case.expect_message is not None or case.expect_line is not None:
            if observed.exit != 1:
                problems.append(f"expected a rejection (exit 1), got exit {observed.exit}")
            if case.expect_message is not None and case.expect_message not in observed.stderr:
                problems.append(f"stderr does not contain the expected message {case.expect_message!r}")
            if case.expect_line is not None:
                where = f"project/{case.expect_file}:{case.expect_line}:"
                if where not in observed.stderr:
                    problems.append(f"stderr does not point at {where}")
            if problems:
                problems.append(f"--- stderr\n{observed.stderr}")
        return problems

    def runtest(self):
        suite = self.case.suite
        if self.config.getoption("update_golden"):
            self._update_golden()
            return
        runs = self._runs()
        path = self.case.golden_path
        rel = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        failures: list[str] = []
        expected: str | None = None
        if path.exists():
            expected = path.read_text(encoding="utf-8")
            Golden.parse(expected)  # a malformed golden file is a failure, not a silent pass
        else:  # still run: the checks that hold whatever the golden says are worth reporting
            failures.append(f"no expected file at {path}; run with --update-golden and review the result")
        for variant, run in runs:
            label = f"variant {variant}: " if variant else ""
            try:
                observed = self._observe(run)
            except HarnessError as exc:
                failures.append(f"{label}harness: {exc}")
                self.failed_variants.append(variant or "")
                continue
            except VariantFailure as exc:
                failures.append(f"{label}{exc}")
                self.failed_variants.append(variant or "")
                continue
            problems = self._problems(observed, from_pyvm=variant != "cpython")
            actual = observed_golden(suite, observed).render()
            if expected is not None and actual != expected:
                tofile = f"{rel} (actual, {variant})" if variant else f"{rel} (actual)"
                problems.append("output differs from golden\n" + "".join(difflib.unified_diff(
                    expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                    fromfile=f"{rel} (expected)", tofile=tofile)))
            if problems:
                failures.append(label + "\n".join(problems))
                self.failed_variants.append(variant or "")
        if failures:
            self.diff_text = "\n".join(f if f.endswith("\n") else f + "\n" for f in failures)
            raise CaseFailure(self.diff_text)

    def _update_golden(self) -> None:
        suite = self.case.suite
        if suite.golden_source in GOLDEN_SOURCES:
            observed, from_pyvm = self._observe(GOLDEN_SOURCES[suite.golden_source]), False
        elif suite.golden_source == "self":
            _, run = self._runs()[0]  # a variant runner's first variant
            observed, from_pyvm = self._observe(run), True
        else:
            raise CaseFailure(f"harness: unknown golden source {suite.golden_source!r} in "
                              f"{suite.name}/suite.toml; known: self, {', '.join(GOLDEN_SOURCES)}")
        problems = self._problems(observed, from_pyvm)
        if problems:  # never write a golden that the case itself would reject
            raise CaseFailure("\n".join(problems))
        self.case.golden_path.write_text(observed_golden(suite, observed).render(), encoding="utf-8")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CaseFailure):
            return f"{self.case.suite.name}/{self.case.name}: failed\n{excinfo.value}"
        if isinstance(excinfo.value, (HarnessError, VariantFailure)):
            return f"{self.case.suite.name}/{self.case.name}: harness: {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.case.folder, None, f"{self.case.suite.name}/{self.case.name}"


class SummaryWriter:
    """Collects per-suite results and writes summary.md plus one diff per failing case."""

    def __init__(self, config):
        self.config = config
        self.results: dict[str, dict[str, str]] = defaultdict(dict)  # suite -> case -> outcome
        self.diffs: dict[tuple[str, str], str] = {}
        self.failed_variants: dict[tuple[str, str], list[str]] = {}
        self.disabled: list[str] = []  # suites skipped because their suite.toml says enabled = false
        self._items: dict = {}

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
                self.failed_variants[(suite, case)] = [v for v in item.failed_variants if v]

    @pytest.hookimpl
    def pytest_collection_modifyitems(self, items):
        self._items = {i.nodeid: i for i in items if isinstance(i, CaseItem)}

    @pytest.hookimpl
    def pytest_sessionfinish(self, session):
        if not self._items and not self.disabled:
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
                    variants = self.failed_variants.get((suite, case))
                    note = f" (variants: {', '.join(variants)})" if variants else ""
                    failing.append(f"- [{suite}/{case}](diffs/{suite}/{case}.diff){note}")
        if self.disabled:
            lines += [""] + [f"{name}: disabled in suite.toml" for name in sorted(set(self.disabled))]
        lines += ["", "## Failing cases", ""] + (failing or ["None."])
        (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")

    @pytest.hookimpl
    def pytest_terminal_summary(self, terminalreporter):
        for name in sorted(set(self.disabled)):
            terminalreporter.write_line(f"conformance: {name}: disabled in suite.toml")


def pytest_configure(config):
    config.pluginmanager.register(SummaryWriter(config), SUMMARY_PLUGIN)
