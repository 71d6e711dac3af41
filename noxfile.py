"""Sessions, the way CI and the nightly jobs call them.

    nox -s tests            unit tests + every conformance suite (what .ci/run runs)
    nox -s conformance      the golden conformance suites; `-- --update-golden` rewrites expectations
    nox -s perf             the compiler and actor-runtime benchmarks, gated; not run by default
                            (`-- <compiler options> -- <runtime options>`)
    nox -s fuzz             a KIR pass equivalence-fuzzing campaign (fuzz/README.md); not run by default
                            (`-- --pass all --minutes 5 --seed 1 [--jit]`)
    nox -s fuzz_mutants     the fuzzer against 25 seeded bugs in the passes: `killed K/N mutants`, gated at
                            90% within 60 s each; not run by default (`-- --seconds 60 --only NAME,...`)

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


def _split_posargs(posargs: list[str]) -> tuple[list[str], list[str]]:
    """`a b -- c d` -> (["a", "b"], ["c", "d"]): the perf session's options for its two scripts."""
    if "--" in posargs:
        i = posargs.index("--")
        return list(posargs[:i]), list(posargs[i + 1:])
    return list(posargs), []


@nox.session(python=PYTHON)
def perf(session: nox.Session) -> None:
    """Benchmarks; reports land in reports/perf/. Three steps, all always run:

    1. perf/compiler/bench.py --gate: PyVM against CPython and C (PyVM/C <= 1.25, identical outputs).
    2. perf/runtime/bench.py --gate --install-peers: the actor runtime against Go and Erlang (the
       issue's gates: spawn < 1 us, switch < 100 ns, latency < 200 ns, ring >= 10M msg/s, GC pause
       <= 5 ms, 1M actors alive). As root it installs golang-go and erlang-nox with apt-get when
       missing (otherwise their columns say "not installed"). A million live actors fit the default
       vm.max_map_count on Linux 6.13+ (guard regions, runtime/README.md); on older kernels pass
       `-- -- --max-map-count 2200000` to raise it for the run (root).

    3. perf/actors/bench.py: actor programs (spawn, message round trip, ring) written in PyVM, native
       -O2 against CPython running the same source on the plain-Python `pyvm` module (ratios; no gate).

    Options before a second `--` go to the compiler benchmark, options after it to the runtime one:
    `nox -s perf -- --programs fib,nbody --repeat 3 -- --only spawn,ring --quick`
    (`nox -s perf -- -- --quick` passes options to the runtime benchmark only).
    """
    _install(session, "test,perf")
    compiler_args, runtime_args = _split_posargs(session.posargs)
    failed = []
    for name, cmd in (("compiler", ["python", "perf/compiler/bench.py", "--gate", *compiler_args]),
                      ("runtime", ["python", "perf/runtime/bench.py", "--gate", "--install-peers",
                                  *runtime_args]),
                      ("actors", ["python", "perf/actors/bench.py"])):
        try:
            session.run(*cmd)
        except nox.command.CommandFailed:
            failed.append(name)  # run the other benchmark anyway; fail at the end
    if failed:
        session.error(f"benchmark gate failed: {', '.join(failed)}")


@nox.session(python=PYTHON)
def fuzz(session: nox.Session) -> None:
    """Equivalence fuzzing of the KIR passes and pipelines (fuzz/README.md): the options go to
    `python -m fuzz.campaign`, e.g. `nox -s fuzz -- --pass all --minutes 5 --seed 1 --jit`. Reproducers
    of failures land in fuzz/corpus/, the summary in reports/fuzz/campaign.json; fails when anything did."""
    _install(session, "test")
    session.run("python", "-m", "fuzz.campaign", "--report", str(REPORTS / "fuzz"), *session.posargs)


@nox.session(python=PYTHON)
def fuzz_mutants(session: nox.Session) -> None:
    """Mutation testing of the fuzzer (fuzz/mutants.py): each seeded bug in a pass is hunted by the
    equivalence property for up to 60 s; the table and `killed K/N mutants` go to reports/fuzz/mutants.md;
    fails below 90% killed (or if the unmutated passes fail the same hunt)."""
    _install(session, "test")
    session.run("python", "-m", "fuzz.mutants", "--report", str(REPORTS / "fuzz"), *session.posargs)


@nox.session(python=PYTHON)
def runtime_asan(session: nox.Session) -> None:
    """Actor runtime tests (runtime/tests/test_actors.py) on the ASan + UBSan build, at full size."""
    _install(session, "test")
    session.run("pytest", "runtime/tests/test_actors.py", "--runtime-sanitize=address", "--runtime-full",
                f"--junitxml={REPORTS / 'junit' / 'runtime_asan.xml'}", *session.posargs)


@nox.session(python=PYTHON)
def runtime_tsan(session: nox.Session) -> None:
    """Actor runtime tests (runtime/tests/test_actors.py) on the ThreadSanitizer build, at full size."""
    _install(session, "test")
    session.run("pytest", "runtime/tests/test_actors.py", "--runtime-sanitize=thread", "--runtime-full",
                f"--junitxml={REPORTS / 'junit' / 'runtime_tsan.xml'}", *session.posargs)
