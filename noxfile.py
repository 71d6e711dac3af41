"""Sessions, the way CI and the nightly jobs call them.

    nox -s tests            unit tests + every conformance suite (what .ci/run runs)
    nox -s conformance      the golden conformance suites; `-- --update-golden` rewrites expectations
    nox -s perf             the compiler benchmark, gated (PyVM/C <= 1.25, identical outputs); not run by default

Every session runs on CPython 3.12 (found as pyvm.toolchain.python312 finds it) in its own venv
with the project's pinned dependencies; reports land under reports/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "compiler"))
from pyvm.toolchain.python312 import find_python312  # noqa: E402

PYTHON = find_python312()
if PYTHON is None:
    raise SystemExit("noxfile: CPython 3.12 not found; install it (pyenv install 3.12) or set PYVM_PYTHON")

nox.options.sessions = ["tests"]
nox.options.reuse_venv = "yes"
nox.options.download_python = "never"
REPORTS = ROOT / "reports"


def _install(session: nox.Session, extras: str) -> None:
    session.install("-e", f".[{extras}]")


def _conformance_args(session: nox.Session) -> list[str]:
    return [f"--junitxml={REPORTS / 'junit' / f'{session.name}.xml'}",
            f"--conformance-report={REPORTS / 'conformance'}"]


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Unit tests (compiler, runtime, benchmark tooling) and all conformance suites: what CI runs."""
    _install(session, "test")
    session.run("pytest", *_conformance_args(session), *session.posargs)  # every testpath in pyproject


@nox.session(python=PYTHON)
def conformance(session: nox.Session) -> None:
    """Golden conformance suites only. `nox -s conformance -- --update-golden` rewrites expectations."""
    _install(session, "test")
    session.run("pytest", "conformance", *_conformance_args(session), *session.posargs)


@nox.session(python=PYTHON)
def perf(session: nox.Session) -> None:
    """Benchmarks, gated: `nox -s perf -- --programs fib,nbody --repeat 3` passes options to the runner.
    Reports land in reports/perf/."""
    _install(session, "test,perf")
    session.run("python", "perf/compiler/bench.py", "--gate", *session.posargs)
