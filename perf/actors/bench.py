"""The actor benchmark: spawn, message round trip and ring, written as PyVM programs
(programs/<name>/main.py), built with `pyvm build -O2` and run natively, against CPython 3.12 running the
very same source on the plain-Python `pyvm` module (asyncio). Every run prints one checksum line, which
must be identical for both implementations and every run.

    python perf/actors/bench.py                      all programs, 5 runs of each implementation
    python perf/actors/bench.py --quick              small sizes: a smoke test of a few seconds
    python perf/actors/bench.py --programs ring --repeat 3

The runs of the two implementations are interleaved (PyVM, CPython, CPython, PyVM, ...), so a machine
getting busier or quieter affects both alike. Reports: reports/perf/actors.json (raw timings, medians,
ratios, machine) and reports/perf/actors.md. No gate: the ratio CPython/PyVM is reported, not judged.
Exit status: 0 done, 1 an output differed or an implementation failed, 2 usage or setup error.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rich.markup import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "compiler"))
sys.path.insert(0, str(HERE.parent))
from benchlib import write_reports  # noqa: E402
from pyvm.toolchain.python312 import find_python312  # noqa: E402


def _load_compiler_bench():
    """perf/compiler/bench.py's helpers (measurements, builds, machine facts): one implementation of each."""
    name = "pyvm_perf_compiler_bench"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE.parent / "compiler" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


cb = _load_compiler_bench()
Measurement, fmt_seconds, fmt_ratio, ratio, geomean = cb.Measurement, cb.fmt_seconds, cb.fmt_ratio, cb.ratio, cb.geomean

PROGRAMS_DIR = HERE / "programs"
DEFAULT_JSON = ROOT / "reports" / "perf" / "actors.json"
DEFAULT_MD = ROOT / "reports" / "perf" / "actors.md"
SCHEMA = 1
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# What each program does at full size, and the edits of --quick (each must match exactly once).
SIZES = {
    "spawn": "100 000 actors, one message each back to main",
    "roundtrip": "200 000 round trips between two actors",
    "ring": "1000 actors, a token 100 times around",
}
QUICK_SIZES = {
    "spawn": "2000 actors, one message each back to main",
    "roundtrip": "2000 round trips between two actors",
    "ring": "100 actors, a token 10 times around",
}
QUICK: dict[str, list[tuple[str, str]]] = {
    "spawn": [("ACTORS = 100000", "ACTORS = 2000")],
    "roundtrip": [("ROUNDS = 200000", "ROUNDS = 2000")],
    "ring": [("SIZE = 1000", "SIZE = 100"), ("LAPS = 100", "LAPS = 10")],
}


@dataclass
class Settings:
    repeat: int = 5
    quick: bool = False
    level: str = "O2"
    timeout: float = 600.0


@dataclass
class ProgramResult:
    name: str
    cpython: Measurement
    pyvm: Measurement
    output: str | None = None  # the checksum line(s) every run printed

    def speedup(self) -> float | None:
        return ratio(self.cpython.median, self.pyvm.median)

    def cpu_speedup(self) -> float | None:
        def cpu(m: Measurement) -> float | None:
            return statistics.median(m.cpu_times) if m.ok and m.cpu_times else None
        return ratio(cpu(self.cpython), cpu(self.pyvm))

    def failures(self) -> list[str]:
        found = []
        for m in (self.cpython, self.pyvm):
            if m.error:
                found.append(m.error if m.error.startswith("build failed") else f"{m.label}: {m.error}")
            elif m.mismatch:
                found.append(f"{m.label}: output differs")
        return found

    def status(self) -> str:
        return "; ".join(self.failures()) or "ok"

    def to_json(self) -> dict:
        return {"cpython": self.cpython.to_json(), "pyvm": self.pyvm.to_json(), "output": self.output,
                "cpython_over_pyvm": self.speedup(), "cpu_cpython_over_pyvm": self.cpu_speedup(),
                "failures": self.failures(), "status": self.status()}


# --------------------------------------------------------------------------------------------------
# Running


def clean_env() -> dict[str, str]:
    """Real time and every worker: a deterministic (single worker, virtual clock) run is no benchmark."""
    env = cb.pyvm_env()
    for key in ("PYVM_DETERMINISTIC", "PYVM_WORKERS", "PYVM_STATS"):
        env.pop(key, None)
    return env


def prepare(name: str, workdir: Path, quick: bool, programs_dir: Path = PROGRAMS_DIR) -> Path:
    """The program's folder as it will be built and run: a copy, with --quick's sizes if asked for."""
    project = workdir / name / "project"
    shutil.copytree(programs_dir / name, project)
    if quick:
        main = project / "main.py"
        source = main.read_text(encoding="utf-8")
        for old, new in QUICK[name]:
            if source.count(old) != 1:
                raise ValueError(f"{name}: {old!r} should occur once in main.py for --quick")
            source = source.replace(old, new)
        main.write_text(source, encoding="utf-8")
    return project


def run_once(m: Measurement, cmd: list[str], cwd: Path, timeout: float, env: dict[str, str],
             reference: bytes | None) -> bytes | None:
    """One timed run appended to m; returns its stdout (None on failure). A run whose output differs
    from the reference marks m as mismatched and is not timed."""
    usage0 = cb._children_cpu()
    t0 = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        m.error = f"timed out after {timeout:g} s"
        return None
    except OSError as exc:
        m.error = f"could not run: {exc}"
        return None
    elapsed = time.perf_counter() - t0
    cpu = cb._children_cpu() - usage0
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace")
        m.error = f"exited {done.returncode}" + (f": {cb.first_line(stderr)}" if cb.first_line(stderr) else "")
        m.detail = cb.tail(stderr)
        return None
    if reference is not None and done.stdout != reference:
        m.mismatch = True
        m.detail = cb.output_diff(reference, done.stdout)
        return done.stdout
    m.times.append(elapsed)
    m.cpu_times.append(cpu)
    return done.stdout


def steps_for(settings: Settings) -> int:
    return 1 + 2 * settings.repeat  # the build, then each implementation's runs


def bench_program(name: str, workdir: Path, python: str, settings: Settings, step: Callable[[str], None],
                  log: Callable[[str], None], programs_dir: Path = PROGRAMS_DIR) -> ProgramResult:
    """Measure one program. Never raises for a failing implementation: failures are recorded."""
    result = ProgramResult(name, Measurement("CPython"), Measurement("PyVM"))
    project = prepare(name, workdir, settings.quick, programs_dir)
    env = clean_env()
    app = workdir / name / "app"
    step(f"{name}: pyvm build -{settings.level}")
    built = cb.compile_step(result.pyvm, cb.pyvm_build_command(python, project, app, settings.level), ROOT,
                            settings.timeout, "build", env=env)
    commands = {"CPython": [python, "main.py"], "PyVM": [str(app)]}
    reference: bytes | None = None
    for i in range(settings.repeat):
        # CPython first in the first round: its output is the reference the others must equal.
        order = [result.cpython, result.pyvm] if i % 2 == 0 else [result.pyvm, result.cpython]
        for m in order:
            step(f"{name}: {m.label} run {i + 1}/{settings.repeat}")
            if m.error or m.mismatch or (m is result.pyvm and not built):
                continue
            out = run_once(m, commands[m.label], project, settings.timeout, env, reference)
            if reference is None and out is not None and not m.mismatch:
                reference = out
    result.output = reference.decode("utf-8", "replace").strip() if reference is not None else None
    for m in (result.cpython, result.pyvm):
        if m.mismatch:
            log(f"[bold red]{name}: {m.label} OUTPUT DIFFERS[/bold red]\n{escape(m.detail or '')}")
        elif m.error:
            log(f"[red]{name}: {m.label}: {escape(m.error)}[/red]"
                + (f"\n[dim]{escape(m.detail)}[/dim]" if m.detail else ""))
    return result


# --------------------------------------------------------------------------------------------------
# Reports


def build_report(results: list[ProgramResult], settings: Settings, machine: dict) -> dict:
    failures = [f"{r.name}: {f}" for r in results for f in r.failures()]
    return {
        "schema": SCHEMA,
        "date": machine.get("date"),
        "machine": machine,
        "settings": {"repeat": settings.repeat, "quick": settings.quick, "pyvm_level": settings.level,
                     "timing": "wall clock (time.perf_counter) around subprocess.run, stdout captured, runs of "
                               "the two implementations interleaved; cpu_times: the child's user + sys"},
        "programs": {r.name: {"size": size_text(r.name, settings), **r.to_json()}
                     for r in results},
        "summary": {"geomean_cpython_over_pyvm": geomean([r.speedup() for r in results]),
                    "output_ok": not any(m.mismatch for r in results for m in (r.cpython, r.pyvm)),
                    "failures": failures, "failure_count": len(failures),
                    "exit_status": EXIT_FAILED if failures else EXIT_OK},
    }


def size_text(name: str, settings: Settings) -> str:
    return (QUICK_SIZES if settings.quick else SIZES).get(name, "")


COLUMNS = ("program", "size", "CPython", "PyVM", "PyVM build", "CPython/PyVM", "output", "status")


def table_rows(results: list[ProgramResult], settings: Settings) -> list[list[str]]:
    rows = []
    for r in results:
        build = "—" if (r.pyvm.error or "").startswith("build failed") else fmt_seconds(r.pyvm.compile_s)
        rows.append([r.name, size_text(r.name, settings),
                     fmt_seconds(r.cpython.median), fmt_seconds(r.pyvm.median), build, fmt_ratio(r.speedup()),
                     r.output or "—", r.status()])
    rows.append(["geomean", "", "", "", "", fmt_ratio(geomean([r.speedup() for r in results])), "", ""])
    return rows


def render_markdown(report: dict, results: list[ProgramResult], settings: Settings) -> str:
    machine = report["machine"]
    lines = ["# Actor benchmark", "",
             f"{report['date']} · {machine.get('cpu_model')} ({machine.get('cpu_count')} CPUs) · "
             f"CPython {machine.get('python_version')} · llvmlite {machine.get('llvmlite_version')} · "
             f"pyvm {machine.get('pyvm_commit') or '?'}"
             + (f" · load average at start {machine['load_average'][0]:.2f}" if machine.get("load_average") else ""),
             "", "| " + " | ".join(COLUMNS) + " |",
             "|" + "|".join("---" if c in ("program", "size", "output", "status") else "---:" for c in COLUMNS) + "|"]
    for row in table_rows(results, settings):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    s = report["summary"]
    lines += ["", f"Times are medians of {settings.repeat} runs{' (--quick sizes)' if settings.quick else ''}; "
              f"failures: {s['failure_count']}.", "",
              "**Method.** Each program under `perf/actors/programs/` is a PyVM actor program (`async def` actors, "
              "`spawn`, `send`, `receive`, `match` on the dynamic message) ending in `run(main())`. It runs two ways: "
              f"as the native executable of `pyvm build -{settings.level}` (the C actor runtime: green threads on "
              "every core, real time), and under CPython 3.12 as `python main.py`, where `from pyvm import ...` is "
              "the plain-Python actor module on asyncio (`compiler/pyvm/plain/`). PYVM_DETERMINISTIC is unset for "
              "both. The runs alternate between the two implementations (PyVM, CPython, then CPython, PyVM, ...), "
              "each timed as wall clock (`time.perf_counter`) around `subprocess.run` with stdout captured, so "
              "process start-up is included; every run must print CPython's checksum line byte for byte (a "
              "differing run is not timed). CPython/PyVM is the ratio of the wall-clock medians: PyVM's speed-up. "
              "The JSON also has each run's CPU time (user + system of the child; PyVM's may exceed its wall "
              "clock, as its scheduler uses every core) and the minima.", ""]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# The command


def discover_programs(programs_dir: Path) -> list[str]:
    return sorted(p.name for p in programs_dir.iterdir() if (p / "main.py").is_file()) if programs_dir.is_dir() else []


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench.py", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--programs", metavar="A,B", help="comma-separated program names (default: all)")
    p.add_argument("--repeat", type=int, default=5, metavar="N", help="timed runs per implementation (default 5)")
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke test (outputs still compared)")
    p.add_argument("--level", choices=("O0", "O1", "O2", "O3", "Oz"), default="O2",
                   help="PyVM optimisation level (default O2)")
    p.add_argument("--json", type=Path, default=DEFAULT_JSON, metavar="PATH",
                   help=f"the JSON report (default {DEFAULT_JSON.relative_to(ROOT)})")
    p.add_argument("--markdown", type=Path, default=None, metavar="PATH",
                   help=f"the Markdown report (default: beside --json, else {DEFAULT_MD.relative_to(ROOT)})")
    p.add_argument("--timeout", type=float, default=600.0, metavar="S", help="limit per command (default 600 s)")
    p.add_argument("--programs-dir", type=Path, default=PROGRAMS_DIR, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.markdown is None:
        args.markdown = DEFAULT_MD if args.json == DEFAULT_JSON else args.json.with_suffix(".md")
    return args


def main(argv: list[str] | None = None) -> int:
    from rich import box
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    args = parse_args(argv)
    console = Console() if sys.stdout.isatty() else Console(width=int(os.environ.get("COLUMNS", "200")))
    err = Console(stderr=True)
    settings = Settings(repeat=args.repeat, quick=args.quick, level=args.level, timeout=args.timeout)
    programs_dir = args.programs_dir.resolve()
    available = discover_programs(programs_dir)
    names = [n.strip() for n in args.programs.split(",") if n.strip()] if args.programs else available
    unknown = [n for n in names if n not in available]
    if unknown or not names:
        err.print(f"[red]bench.py: unknown program(s): {', '.join(unknown) or '(none given)'}; "
                  f"available: {', '.join(available)}[/red]")
        return EXIT_USAGE
    if settings.quick and any(n not in QUICK for n in names):
        err.print(f"[red]bench.py: no --quick sizes for: {', '.join(n for n in names if n not in QUICK)}[/red]")
        return EXIT_USAGE
    python = find_python312()
    if python is None:
        err.print("[red]bench.py: CPython 3.12 not found (set PYVM_PYTHON)[/red]")
        return EXIT_USAGE

    machine = cb.machine_info(python)
    results: list[ProgramResult] = []
    with tempfile.TemporaryDirectory(prefix="pyvm-actors-bench-") as tmp, Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err) as progress:
        task = progress.add_task("starting", total=len(names) * steps_for(settings))

        def step(what: str) -> None:
            progress.update(task, description=what)
            progress.advance(task)

        for name in names:
            r = bench_program(name, Path(tmp), python, settings, step, progress.console.print, programs_dir)
            results.append(r)
            progress.console.print(f"{name}: CPython {fmt_seconds(r.cpython.median)}, PyVM {fmt_seconds(r.pyvm.median)}"
                                   f" (CPython/PyVM {fmt_ratio(r.speedup())}) — {escape(r.status())}")
        progress.update(task, description="done")

    report = build_report(results, settings, machine)
    write_reports(report, render_markdown(report, results, settings), args.json, args.markdown)

    table = Table(title=f"Actor benchmark — medians of {settings.repeat} runs"
                  + (" (quick sizes)" if settings.quick else ""), title_justify="left", box=box.SIMPLE_HEAD)
    for i, col in enumerate(COLUMNS):
        table.add_column(col, justify="left" if col in ("program", "size", "output", "status") else "right",
                         overflow="fold")
    rows = table_rows(results, settings)
    for r, row in zip(results, rows):
        row[-1] = f"[red]{escape(row[-1])}[/red]" if r.failures() else f"[green]{escape(row[-1])}[/green]"
        table.add_row(*row)
    table.add_section()
    table.add_row(*rows[-1])
    console.print(table)
    status = report["summary"]["exit_status"]
    if status:
        console.print(f"[bold red]{report['summary']['failure_count']} failure(s)[/bold red]: "
                      + "; ".join(escape(f) for f in report["summary"]["failures"]))
    console.print(f"reports: {args.json}, {args.markdown}")
    return status


if __name__ == "__main__":
    sys.exit(main())
