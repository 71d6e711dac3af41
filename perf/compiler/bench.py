"""The compiler benchmark: every program under programs/ run by CPython 3.12, by its C ceiling
(c/<name>.c, gcc -O2) and by PyVM (`pyvm build -O2`), outputs checked byte for byte.

    python perf/compiler/bench.py                      all programs, 5 timed runs each
    python perf/compiler/bench.py --programs fib,nbody --repeat 3
    python perf/compiler/bench.py --gate               exit 1 when PyVM/C > --max-c-ratio (1.25) or any failure
    python perf/compiler/bench.py --skip-pyvm          CPython and C only (checks the C ceilings)
    python perf/compiler/bench.py --with-interp        also time `pyvm run` (the KIR interpreter; slow)

Reports: reports/perf/compiler.json (raw timings, medians, ratios, machine) and
reports/perf/compiler.md (the ratio table and the method). Exit status: 0 done (and, with --gate,
every program passed), 1 an output differs from CPython's (always: a fast wrong answer is worthless)
or, with --gate, any failure (build failed, crash, PyVM/C over the limit), 2 usage or setup error.
"""

from __future__ import annotations

import argparse
import difflib
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rich.markup import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "compiler"))
sys.path.insert(0, str(HERE.parent))
from benchlib import machine_basics, tail, write_reports  # noqa: E402
from pyvm.toolchain.python312 import find_python312  # noqa: E402

PROGRAMS_DIR = HERE / "programs"
C_DIR = HERE / "c"
DEFAULT_JSON = ROOT / "reports" / "perf" / "compiler.json"
DEFAULT_MD = ROOT / "reports" / "perf" / "compiler.md"
DEFAULT_MAX_C_RATIO = 1.25
CC = os.environ.get("CC", "gcc")
C_FLAGS = ["-O2", "-std=c11"]
C_LIBS = ["-lm"]
# CPython runs the very file PyVM compiles; main() is called explicitly, as PyVM does.
CPYTHON_RUNNER = "import runpy; g = runpy.run_path('main.py'); g['main']()"
SCHEMA = 1

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


# --------------------------------------------------------------------------------------------------
# Measurements and arithmetic (pure; tested on fake timings)


@dataclass
class Measurement:
    """One implementation of one program: its timed runs, and what went wrong if anything did."""

    label: str
    times: list[float] = field(default_factory=list)
    cpu_times: list[float] = field(default_factory=list)  # the child's user + sys, per run (a busy machine's check)
    compile_s: float | None = None  # C: gcc; PyVM: `pyvm build` (wall clock of the command)
    error: str | None = None  # "build failed: …", "exited 3: …", "timed out after …"
    mismatch: bool = False  # ran, but printed something else than CPython
    detail: str | None = None  # the stderr tail or the output diff, for the JSON report

    @property
    def ok(self) -> bool:
        return self.error is None and not self.mismatch and bool(self.times)

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.ok else None

    @property
    def min(self) -> float | None:
        return min(self.times) if self.ok else None

    def to_json(self) -> dict:
        cpu_median = statistics.median(self.cpu_times) if self.ok and self.cpu_times else None
        return {"times": self.times, "median": self.median, "min": self.min, "cpu_times": self.cpu_times,
                "cpu_median": cpu_median, "compile_s": self.compile_s,
                "ok": self.ok, "error": self.error, "output_differs": self.mismatch, "detail": self.detail}


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def geomean(values: list[float]) -> float | None:
    values = [v for v in values if v is not None and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


RATIO_KEYS = ("cpython_over_pyvm", "pyvm_over_c", "cpython_over_c", "interp_over_cpython")


@dataclass
class ProgramResult:
    name: str
    cpython: Measurement
    c: Measurement
    pyvm: Measurement | None = None  # None: --skip-pyvm
    interp: Measurement | None = None  # None: no --with-interp

    def measurements(self) -> list[Measurement]:
        return [m for m in (self.cpython, self.c, self.pyvm, self.interp) if m is not None]

    def ratios(self) -> dict[str, float | None]:
        cpy, c = self.cpython.median, self.c.median
        pyvm = self.pyvm.median if self.pyvm else None
        interp = self.interp.median if self.interp else None
        return {"cpython_over_pyvm": ratio(cpy, pyvm), "pyvm_over_c": ratio(pyvm, c),
                "cpython_over_c": ratio(cpy, c), "interp_over_cpython": ratio(interp, cpy)}

    def cpu_ratios(self) -> dict[str, float | None]:
        """The same ratios on CPU-time medians (user + sys): a cross-check when the machine was busy."""
        def cpu(m: Measurement | None) -> float | None:
            return statistics.median(m.cpu_times) if m is not None and m.ok and m.cpu_times else None

        cpy, c, pyvm = cpu(self.cpython), cpu(self.c), cpu(self.pyvm)
        return {"cpython_over_pyvm": ratio(cpy, pyvm), "pyvm_over_c": ratio(pyvm, c), "cpython_over_c": ratio(cpy, c)}

    def output_differs(self) -> bool:
        return any(m.mismatch for m in self.measurements())

    def errors(self) -> list[str]:
        """Correctness and infrastructure failures: anything that is not a clean, verified timing."""
        found = []
        for m in self.measurements():
            if m.error:
                found.append(m.error if m.error.startswith("build failed") else f"{m.label}: {m.error}")
            elif m.mismatch:
                found.append(f"{m.label} output differs from CPython")
        return found

    def over_ceiling(self, max_c_ratio: float) -> bool:
        r = self.ratios()["pyvm_over_c"]
        return r is not None and r > max_c_ratio

    def failures(self, max_c_ratio: float) -> list[str]:
        found = self.errors()
        if self.over_ceiling(max_c_ratio):
            found.append(f"PyVM/C {self.ratios()['pyvm_over_c']:.2f} > {max_c_ratio:g}")
        return found

    def status(self, max_c_ratio: float) -> str:
        return "; ".join(self.failures(max_c_ratio)) or "ok"

    def to_json(self, max_c_ratio: float) -> dict:
        return {"cpython": self.cpython.to_json(), "c": self.c.to_json(),
                "pyvm": self.pyvm.to_json() if self.pyvm else None,
                "interp": self.interp.to_json() if self.interp else None,
                "ratios": self.ratios(), "cpu_ratios": self.cpu_ratios(), "output_ok": not self.output_differs(),
                "failures": self.failures(max_c_ratio), "status": self.status(max_c_ratio)}


@dataclass
class Settings:
    repeat: int = 5
    interp_repeat: int = 1
    max_c_ratio: float = DEFAULT_MAX_C_RATIO
    gate: bool = False
    skip_pyvm: bool = False
    with_interp: bool = False
    level: str = "O2"
    timeout: float = 600.0


def gate_failures(results: list[ProgramResult], settings: Settings) -> list[str]:
    """Every reason the gate fails, one line per program and reason."""
    return [f"{r.name}: {f}" for r in results for f in r.failures(settings.max_c_ratio)]


def exit_status(results: list[ProgramResult], settings: Settings) -> int:
    if any(r.output_differs() for r in results):
        return EXIT_FAILED
    if settings.gate and gate_failures(results, settings):
        return EXIT_FAILED
    return EXIT_OK


def summary(results: list[ProgramResult], settings: Settings) -> dict:
    means = {key: geomean([r.ratios()[key] for r in results if r.ratios()[key] is not None]) for key in RATIO_KEYS}
    failures = gate_failures(results, settings)
    return {"geomean": means, "failures": failures, "failure_count": len(failures),
            "output_ok": not any(r.output_differs() for r in results),
            "gate": ("passed" if not failures else "failed") if settings.gate else "off",
            "exit_status": exit_status(results, settings)}


def build_report(results: list[ProgramResult], settings: Settings, machine: dict) -> dict:
    return {
        "schema": SCHEMA,
        "date": machine.get("date"),
        "machine": machine,
        "settings": {"repeat": settings.repeat, "interp_repeat": settings.interp_repeat,
                     "max_c_ratio": settings.max_c_ratio, "gate": settings.gate,
                     "skip_pyvm": settings.skip_pyvm, "with_interp": settings.with_interp,
                     "pyvm_level": settings.level, "cc": CC, "c_flags": C_FLAGS + C_LIBS,
                     "timing": "wall clock (time.perf_counter) around subprocess.run, stdout captured; "
                               "median and min over the runs; cpu_times: the child's user + sys"},
        "programs": {r.name: r.to_json(settings.max_c_ratio) for r in results},
        "summary": summary(results, settings),
    }


# --------------------------------------------------------------------------------------------------
# Formatting


def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "—"
    if s < 1.0:
        return f"{s * 1000:.1f} ms"
    return f"{s:.3f} s"


def fmt_ratio(r: float | None) -> str:
    return "—" if r is None else f"{r:.2f}"


TABLE_COLUMNS = ("program", "CPython", "C (gcc -O2)", "PyVM", "PyVM build", "CPython/PyVM", "PyVM/C",
                 "CPython/C", "status")


# The terminal table's headings; the Markdown table spells them out.
SHORT_HEADERS = {"C (gcc -O2)": "C", "PyVM build": "build", "CPython/PyVM": "CPy/PyVM", "CPython/C": "CPy/C",
                 "pyvm run (interp)": "interp"}


def table_rows(results: list[ProgramResult], settings: Settings) -> list[list[str]]:
    """The rows of the final table (rich and Markdown alike): medians, ratios, status."""
    rows = []
    for r in results:
        ratios = r.ratios()
        pyvm = r.pyvm
        row = [r.name, fmt_seconds(r.cpython.median), fmt_seconds(r.c.median),
               "skipped" if pyvm is None else fmt_seconds(pyvm.median),
               "—" if pyvm is None or (pyvm.error or "").startswith("build failed") else fmt_seconds(pyvm.compile_s),
               fmt_ratio(ratios["cpython_over_pyvm"]), fmt_ratio(ratios["pyvm_over_c"]),
               fmt_ratio(ratios["cpython_over_c"]), r.status(settings.max_c_ratio)]
        if settings.with_interp:
            row.insert(4, fmt_seconds(r.interp.median if r.interp else None))
        rows.append(row)
    means = summary(results, settings)["geomean"]
    row = ["geomean", "", "", "", "", fmt_ratio(means["cpython_over_pyvm"]), fmt_ratio(means["pyvm_over_c"]),
           fmt_ratio(means["cpython_over_c"]), ""]
    if settings.with_interp:
        row.insert(4, "")
    rows.append(row)
    return rows


def table_columns(settings: Settings) -> list[str]:
    cols = list(TABLE_COLUMNS)
    if settings.with_interp:
        cols.insert(4, "pyvm run (interp)")
    return cols


def render_markdown(report: dict, results: list[ProgramResult], settings: Settings) -> str:
    machine = report["machine"]
    cols = table_columns(settings)
    lines = ["# Compiler benchmark", "",
             f"{report['date']} · {machine.get('cpu_model')} ({machine.get('cpu_count')} CPUs) · "
             f"CPython {machine.get('python_version')} · {machine.get('gcc_version')} · "
             f"llvmlite {machine.get('llvmlite_version')} · pyvm {machine.get('pyvm_commit') or '?'}"
             + (f" · load average at start {machine['load_average'][0]:.2f}" if machine.get("load_average") else ""),
             "",
             "| " + " | ".join(cols) + " |",
             "|" + "|".join("---" if i in (0, len(cols) - 1) else "---:" for i in range(len(cols))) + "|"]
    for row in table_rows(results, settings):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    s = report["summary"]
    lines += ["", f"Times are medians of {settings.repeat} runs. Gate: {s['gate']}"
              f" (PyVM/C ≤ {settings.max_c_ratio:g}); failures: {s['failure_count']}; "
              f"outputs identical: {'yes' if s['output_ok'] else 'NO'}.", "",
              "**Method.** Each program under `perf/compiler/programs/` is run three ways: by CPython 3.12 "
              "(`runpy.run_path('main.py')` then `main()`, exactly the source PyVM compiles), by its C "
              f"ceiling `perf/compiler/c/<name>.c` (the same algorithm in plain C11, `{CC} "
              f"{' '.join(C_FLAGS)}`), and as the native executable of `pyvm build -{settings.level}`. "
              f"Every executable runs {settings.repeat} times, one run at a time (a busy machine shows in the load "
              "average above and in the spread between median and min in the JSON); each "
              "run is timed as wall clock (`time.perf_counter`) around `subprocess.run` with stdout captured, "
              "so process start-up is included, and every run's stdout must equal CPython's byte for byte "
              "(a program whose output differs has no timing); the JSON also holds each run's CPU time (user + "
              "system of the child), steadier than wall clock on a busy machine. Ratios are taken between "
              "wall-clock medians: "
              "CPython/PyVM is PyVM's speed-up over CPython, PyVM/C is the distance from the gcc -O2 ceiling "
              f"(the aim is ≤ {settings.max_c_ratio:g}), CPython/C is the room there is. PyVM build is the "
              "wall clock of the whole `pyvm build` command (Python start-up, front end, LLVM, linking; the "
              "first build on a machine also builds and caches the C runtime library). "
              "Raw timings, minima and the machine are in `compiler.json`.", ""]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# Running things


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def failure_summary(stderr: str, limit: int = 120) -> str:
    """The first line of stderr. For a Python traceback (an internal compiler error, whose first
    line says nothing about the cause) also the exception line, and for a failed link the symbols
    that were missing."""
    first = first_line(stderr)
    lines = stderr.splitlines()
    marks = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last):")]
    if not marks:
        return first
    exception = next((line.strip() for line in lines[marks[-1] + 1:] if line.strip() and not line[0].isspace()), "")
    if len(exception) > limit:
        exception = exception[:limit - 1] + "…"
    missing = sorted(set(re.findall(r"undefined reference to [`']([^'`]+)'", stderr)))
    if missing:  # the exception is the linker's long command line; the symbols say more
        exception = "link failed, undefined: " + ", ".join(missing)
    return " … ".join([first] + ([exception] if exception and exception != first else []))


def output_diff(expected: bytes, got: bytes, lines: int = 20) -> str:
    diff = difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                got.decode("utf-8", "replace").splitlines(),
                                "CPython", "this implementation", lineterm="", n=1)
    return "\n".join(list(diff)[:lines])


def _children_cpu() -> float:
    """User + system seconds of all waited-for children so far (the difference around one
    subprocess.run is that child's CPU time)."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_runs(m: Measurement, cmd: list[str], cwd: Path, repeat: int, timeout: float,
              expected: bytes | None, step: Callable[[str], None], env: dict[str, str] | None = None) -> bytes | None:
    """Run cmd `repeat` times; append each wall-clock time to m.times. Returns the stdout of the
    runs (the reference output when expected is None). Stops at the first failure or difference."""
    out = None
    for i in range(repeat):
        step(f"{m.label} run {i + 1}/{repeat}")
        usage0 = _children_cpu()
        t0 = time.perf_counter()
        try:
            done = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                                  env=env)
        except subprocess.TimeoutExpired:
            m.error = f"timed out after {timeout:g} s"
            return None
        except OSError as exc:
            m.error = f"could not run: {exc}"
            return None
        elapsed = time.perf_counter() - t0
        cpu = _children_cpu() - usage0
        if done.returncode != 0:
            stderr = done.stderr.decode("utf-8", "replace")
            m.error = f"exited {done.returncode}" + (f": {first_line(stderr)}" if first_line(stderr) else "")
            m.detail = tail(stderr)
            return None
        out = done.stdout
        if expected is None:
            expected = out
        elif out != expected:
            m.mismatch = True
            m.detail = output_diff(expected, out)
            return out
        m.times.append(elapsed)
        m.cpu_times.append(cpu)
    return out


def compile_step(m: Measurement, cmd: list[str], cwd: Path, timeout: float, what: str, env=None) -> bool:
    """Run a compiler command, record its wall clock in m.compile_s; on failure set m.error."""
    t0 = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                              env=env)
    except subprocess.TimeoutExpired:
        m.error = f"{what} failed: timed out after {timeout:g} s"
        return False
    except OSError as exc:
        m.error = f"{what} failed: {exc}"
        return False
    m.compile_s = time.perf_counter() - t0
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace") or done.stdout.decode("utf-8", "replace")
        m.error = f"{what} failed: {failure_summary(stderr) or f'exit status {done.returncode}'}"
        m.detail = tail(stderr)
        return False
    return True


def pyvm_env() -> dict[str, str]:
    """The environment for `python -m pyvm`: the repository's compiler/ first on the path, so the
    runner works from a checkout as well as from an installed tree."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "compiler"), env.get("PYTHONPATH", "")) if p)
    return env


def pyvm_build_command(python: str, program_dir: Path, output: Path, level: str) -> list[str]:
    return [python, "-m", "pyvm", "build", str(program_dir), "-o", str(output), f"-{level}"]


def pyvm_run_command(python: str, program_dir: Path) -> list[str]:
    return [python, "-m", "pyvm", "run", str(program_dir)]


def c_compile_command(source: Path, output: Path) -> list[str]:
    return [CC, *C_FLAGS, "-o", str(output), str(source), *C_LIBS]


def steps_for(settings: Settings) -> int:
    n = settings.repeat + 1 + settings.repeat  # CPython runs, gcc, C runs
    if not settings.skip_pyvm:
        n += 1 + settings.repeat
    if settings.with_interp:
        n += settings.interp_repeat
    return n


def bench_program(name: str, programs_dir: Path, c_dir: Path, workdir: Path, python: str, settings: Settings,
                  step: Callable[[str], None], log: Callable[[str], None]) -> ProgramResult:
    """Measure one program. Never raises for a failing implementation: failures are recorded."""
    folder = programs_dir / name
    work = workdir / name
    work.mkdir(parents=True, exist_ok=True)
    result = ProgramResult(name, Measurement("CPython"), Measurement("C"),
                           None if settings.skip_pyvm else Measurement("PyVM"),
                           Measurement("pyvm run") if settings.with_interp else None)
    taken = 0

    def advance(what: str) -> None:
        nonlocal taken
        taken += 1
        step(f"{name}: {what}")

    def stage(steps: int, body: Callable[[], object]) -> object:
        """Run one stage and consume exactly its share of the progress bar, even when it stops early."""
        before = taken
        value = body()
        for _ in range(steps - (taken - before)):
            step(f"{name}: …")
        return value

    def compile_then_time(m: Measurement, compile_cmd: list[str], cwd: Path, what: str, exe: Path,
                          env: dict[str, str] | None = None) -> None:
        advance(what)
        if compile_step(m, compile_cmd, cwd, settings.timeout, what.split()[0], env=env):
            time_runs(m, [str(exe)], work, settings.repeat, settings.timeout, reference, advance)

    # CPython: the reference output.
    reference = stage(settings.repeat, lambda: time_runs(
        result.cpython, [python, "-c", CPYTHON_RUNNER], folder, settings.repeat, settings.timeout, None, advance))
    if not result.cpython.ok:
        reference = None
        log(f"[red]{name}: CPython {escape(result.cpython.error or '')}[/red]"
            + (f"\n[dim]{escape(result.cpython.detail)}[/dim]" if result.cpython.detail else ""))

    # The C ceiling.
    c_exe = work / "c_app"
    stage(1 + settings.repeat, lambda: compile_then_time(
        result.c, c_compile_command(c_dir / f"{name}.c", c_exe), work, f"{CC} -O2", c_exe))

    # PyVM, native.
    if result.pyvm is not None:
        app = work / "app"
        stage(1 + settings.repeat, lambda: compile_then_time(
            result.pyvm, pyvm_build_command(python, folder, app, settings.level), ROOT,
            f"build -{settings.level}", app, env=pyvm_env()))

    # PyVM's KIR interpreter.
    if result.interp is not None:
        stage(settings.interp_repeat, lambda: time_runs(
            result.interp, pyvm_run_command(python, folder), ROOT, settings.interp_repeat, settings.timeout,
            reference, advance, env=pyvm_env()))

    if reference is None:
        for m in (result.c, result.pyvm, result.interp):
            if m is not None and m.ok:
                m.error = "output not verified (CPython failed)"
    for m in (result.c, result.pyvm, result.interp):
        if m is None:
            continue
        if m.mismatch:
            log(f"[bold red]{name}: {m.label} OUTPUT DIFFERS FROM CPYTHON'S[/bold red]\n{escape(m.detail or '')}")
        elif m.error:
            log(f"[red]{name}: {m.label}: {escape(m.error)}[/red]"
                + (f"\n[dim]{escape(m.detail)}[/dim]" if m.detail else ""))
    return result


# --------------------------------------------------------------------------------------------------
# Machine information


def _command_output(cmd: list[str], env=None) -> str | None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def machine_info(python: str) -> dict:
    gcc = _command_output([CC, "--version"])
    return {
        **machine_basics(),
        "python": python,
        "python_version": _command_output([python, "-c", "import platform; print(platform.python_version())"]),
        "python_build": _command_output([python, "-c", "import sys; print(sys.version)"]),
        "gcc_version": gcc.splitlines()[0] if gcc else None,
        "llvmlite_version": _command_output([python, "-c", "import llvmlite; print(llvmlite.__version__)"],
                                            env=pyvm_env()),
        "pyvm_commit": _command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
    }


# --------------------------------------------------------------------------------------------------
# The command


def discover_programs(programs_dir: Path) -> list[str]:
    return sorted(p.name for p in programs_dir.iterdir() if (p / "main.py").is_file()) if programs_dir.is_dir() else []


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench.py", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--programs", metavar="A,B", help="comma-separated program names (default: all)")
    p.add_argument("--repeat", type=int, default=5, metavar="N", help="timed runs per executable (default 5)")
    p.add_argument("--gate", action="store_true",
                   help="exit 1 when a program's PyVM/C ratio exceeds --max-c-ratio or anything failed")
    p.add_argument("--max-c-ratio", type=float, default=DEFAULT_MAX_C_RATIO, metavar="R",
                   help=f"the gate's PyVM/C limit (default {DEFAULT_MAX_C_RATIO})")
    p.add_argument("--json", type=Path, default=DEFAULT_JSON, metavar="PATH",
                   help=f"the JSON report (default {DEFAULT_JSON.relative_to(ROOT)})")
    p.add_argument("--markdown", type=Path, default=None, metavar="PATH",
                   help=f"the Markdown report (default: beside --json, else {DEFAULT_MD.relative_to(ROOT)})")
    p.add_argument("--skip-pyvm", action="store_true", help="time CPython and C only")
    p.add_argument("--with-interp", action="store_true", help="also time `pyvm run` (the KIR interpreter; slow)")
    p.add_argument("--interp-repeat", type=int, default=1, metavar="N", help="timed `pyvm run`s (default 1)")
    p.add_argument("--level", choices=("O0", "O1", "O2", "O3", "Oz"), default="O2",
                   help="PyVM optimisation level (default O2)")
    p.add_argument("--timeout", type=float, default=600.0, metavar="S", help="limit per command (default 600 s)")
    p.add_argument("--programs-dir", type=Path, default=PROGRAMS_DIR, help=argparse.SUPPRESS)
    p.add_argument("--c-dir", type=Path, default=C_DIR, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.repeat < 1 or args.interp_repeat < 1:
        p.error("--repeat and --interp-repeat must be at least 1")
    if args.markdown is None:
        args.markdown = DEFAULT_MD if args.json == DEFAULT_JSON else args.json.with_suffix(".md")
    return args


def main(argv: list[str] | None = None) -> int:
    from rich import box
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    args = parse_args(argv)
    # A CI log is no terminal: give the final table room instead of rich's 80-column default.
    console = Console() if sys.stdout.isatty() else Console(width=int(os.environ.get("COLUMNS", "200")))
    err = Console(stderr=True)
    settings = Settings(repeat=args.repeat, interp_repeat=args.interp_repeat, max_c_ratio=args.max_c_ratio,
                        gate=args.gate, skip_pyvm=args.skip_pyvm, with_interp=args.with_interp, level=args.level,
                        timeout=args.timeout)

    args.programs_dir, args.c_dir = args.programs_dir.resolve(), args.c_dir.resolve()
    available = discover_programs(args.programs_dir)
    names = [n.strip() for n in args.programs.split(",") if n.strip()] if args.programs else available
    unknown = [n for n in names if n not in available]
    if unknown or not names:
        err.print(f"[red]bench.py: unknown program(s): {', '.join(unknown) or '(none given)'}; "
                  f"available: {', '.join(available)}[/red]")
        return EXIT_USAGE
    missing_c = [n for n in names if not (args.c_dir / f"{n}.c").is_file()]
    if missing_c:
        err.print(f"[red]bench.py: no C ceiling for: {', '.join(missing_c)} (expected {args.c_dir}/<name>.c)[/red]")
        return EXIT_USAGE
    python = find_python312()
    if python is None:
        err.print("[red]bench.py: CPython 3.12 not found (set PYVM_PYTHON)[/red]")
        return EXIT_USAGE
    if shutil.which(CC) is None:
        err.print(f"[red]bench.py: {CC} not found[/red]")
        return EXIT_USAGE

    machine = machine_info(python)
    results: list[ProgramResult] = []
    with tempfile.TemporaryDirectory(prefix="pyvm-bench-") as tmp, Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err) as progress:
        task = progress.add_task("starting", total=len(names) * steps_for(settings))

        def step(what: str) -> None:
            progress.update(task, description=what)
            progress.advance(task)

        for name in names:
            progress.update(task, description=f"{name}: starting")
            r = bench_program(name, args.programs_dir, args.c_dir, Path(tmp), python, settings, step,
                              progress.console.print)
            results.append(r)
            ratios = r.ratios()
            progress.console.print(f"{name}: CPython {fmt_seconds(r.cpython.median)}, C {fmt_seconds(r.c.median)}"
                                   + ("" if r.pyvm is None else f", PyVM {fmt_seconds(r.pyvm.median)}"
                                      f" (PyVM/C {fmt_ratio(ratios['pyvm_over_c'])})")
                                   + f" — {escape(r.status(settings.max_c_ratio))}")
        progress.update(task, description="done")

    report = build_report(results, settings, machine)
    markdown = render_markdown(report, results, settings)
    write_reports(report, markdown, args.json, args.markdown)

    table = Table(title=f"Compiler benchmark — medians of {settings.repeat} runs", title_justify="left",
                  box=box.SIMPLE_HEAD)
    for i, col in enumerate(table_columns(settings)):
        last = i == len(table_columns(settings)) - 1
        table.add_column(SHORT_HEADERS.get(col, col), justify="left" if i == 0 or last else "right",
                         overflow="fold", ratio=4 if last else None)
    rows = table_rows(results, settings)
    for r, row in zip(results, rows):
        failures = r.failures(settings.max_c_ratio)
        row[-1] = f"[red]{escape(row[-1])}[/red]" if failures else f"[green]{escape(row[-1])}[/green]"
        table.add_row(*row)
    table.add_section()
    table.add_row(*rows[-1])
    console.print(table)

    s = report["summary"]
    status = s["exit_status"]
    if not s["output_ok"]:
        console.print("[bold red]FAILED: an output differs from CPython's (see above); "
                      "its timings are worthless.[/bold red]")
    if settings.gate:
        console.print(f"gate (PyVM/C ≤ {settings.max_c_ratio:g}, no failures): "
                      + ("[green]passed[/green]" + (" (PyVM skipped: outputs and C ceilings only)"
                                                    if settings.skip_pyvm else "") if s["gate"] == "passed" else
                         "[bold red]FAILED[/bold red]\n  " + "\n  ".join(escape(f) for f in s["failures"])))
    elif s["failure_count"]:
        console.print(f"[yellow]{s['failure_count']} failure(s)[/yellow] (not gated; run with --gate to fail on them)")
    console.print(f"reports: {args.json}, {args.markdown}")
    return status


if __name__ == "__main__":
    sys.exit(main())
