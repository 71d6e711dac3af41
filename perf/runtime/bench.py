"""The actor-runtime benchmark: PyVM's C actor runtime side by side with Go and Erlang/OTP.

Each benchmark is a small program per implementation -- C against runtime/include/pyvm/actors.h
(perf/runtime/c/), Go (perf/runtime/go/: goroutines and channels) and Erlang (perf/runtime/erlang/:
processes and messages) -- taking the same `key=value` arguments and printing the same
`metric <name> <value> <unit>` lines. The runner builds them, runs each several times (the
implementations interleaved, so a change of load hits all of them alike), and compares medians.

    python perf/runtime/bench.py                        everything, 5 runs each
    python perf/runtime/bench.py --only spawn,ring --repeat 3
    python perf/runtime/bench.py --quick                smaller sizes: a smoke run in well under a minute
    python perf/runtime/bench.py --gate                 exit 1 when a PyVM gate fails (or a PyVM benchmark fails)
    python perf/runtime/bench.py --install-peers        apt-get install golang-go erlang-nox when missing (root only)
    python perf/runtime/bench.py --skip-peers           PyVM only
    python perf/runtime/bench.py --max-map-count 2200000   raise vm.max_map_count for the run (root), then restore it

Benchmarks (--only): spawn, switch, latency_same, latency_cross, ring, fanin, gc, idle_memory, million.

Go and Erlang are optional: when `go` or `erl`/`erlc` is missing, their columns say "not installed"
unless --install-peers (or PYVM_INSTALL_PEERS=1) is given and the runner runs as root, in which case
it installs Debian's golang-go and erlang-nox first (`apt-get update`, `apt-get install -y`).

Reports: reports/perf/runtime.json (every run's metrics, medians, minima, maxima, gates, machine)
and reports/perf/runtime.md (the table and the method). Exit status: 0 done (and, with --gate,
every gate passed), 1 with --gate: a gate failed or a PyVM benchmark failed, 2 usage or setup error.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "compiler"))
sys.path.insert(0, str(HERE.parent))
from benchlib import machine_basics, tail, write_reports  # noqa: E402

C_DIR = HERE / "c"
GO_DIR = HERE / "go"
ERLANG_DIR = HERE / "erlang"
DEFAULT_JSON = ROOT / "reports" / "perf" / "runtime.json"
DEFAULT_MD = ROOT / "reports" / "perf" / "runtime.md"
SCHEMA = 1
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

IMPLS = ("pyvm", "go", "erlang")
IMPL_NAMES = {"pyvm": "PyVM", "go": "Go", "erlang": "Erlang"}
PEER_PACKAGES = {"go": "golang-go", "erlang": "erlang-nox"}


# --------------------------------------------------------------------------------------------------
# What is measured


@dataclass(frozen=True)
class Gate:
    """A floor PyVM must meet: `stat` of the metric's runs compared with `limit` by `op`.
    op "ok": every run succeeded (the metric is then the proof, e.g. the number of live actors)."""

    op: str  # "<", "<=", ">=", "ok"
    limit: float | None = None
    stat: str = "median"  # "median" or "max" (the worst run: pauses)
    text: str = ""  # how the table shows it: "< 1 µs"

    def check(self, values: list[float], all_runs_ok: bool) -> bool | None:
        """True/False; None when there is nothing to judge (no successful run)."""
        if self.op == "ok":
            return all_runs_ok and bool(values)
        if not values:
            return None
        v = statistics.median(values) if self.stat == "median" else max(values)
        return {"<": v < self.limit, "<=": v <= self.limit, ">=": v >= self.limit}[self.op]


@dataclass(frozen=True)
class Row:
    """One line of the table: one metric (with a gate, maybe) or a few shown together ("p50 / p99")."""

    label: str
    metrics: tuple[str, ...]
    gate: Gate | None = None
    show: str = "best"  # the run shown beside the median: "best", or "worst" (pauses: the worst run matters)


@dataclass(frozen=True)
class Benchmark:
    key: str
    title: str
    program: str  # c/<program>.c, go/<program>/, erlang/<program>.erl
    headline: str  # the metric whose presence makes a run count
    rows: tuple[Row, ...]
    args: dict[str, str]
    quick_args: dict[str, str]
    peers: tuple[str, ...] = ("go", "erlang")
    max_repeat: int | None = None  # expensive ones run fewer times
    timeout: float = 300.0
    reference: dict[str, str] = field(default_factory=dict)  # the figures on this machine
    notes: str = ""


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        "spawn", "spawn + exit", "spawn_exit", "spawn_exit_ns",
        (Row("spawn + exit, per actor (n={n})", ("spawn_exit_ns",), Gate("<", 1000, text="< 1 µs")),),
        {"n": "100000"}, {"n": "10000"},
        reference={"go": "250–300 ns", "erlang": "707 ns"},
        notes="One actor spawns n actors that return at once; time from the first spawn until none is "
              "left (PyVM: pyvm_actors_wait; Go: a WaitGroup; Erlang: process_count back to its start), "
              "divided by n. Default number of workers (one per core), after a warm-up round of n/10."),
    Benchmark(
        "switch", "context switch", "switch", "switch_ns",
        (Row("context switch, yield ping-pong (1 worker)", ("switch_ns",), Gate("<", 100, text="< 100 ns")),),
        {"n": "2000000", "workers": "1"}, {"n": "200000", "workers": "1"},
        reference={"go": "105 ns", "erlang": "267 ns"},
        notes="Two actors yield to each other n times each on one worker (PYVM workers=1, GOMAXPROCS=1 "
              "with runtime.Gosched, erl +S 1:1 with erlang:yield()); time per yield, i.e. per switch "
              "from one actor to the other."),
    Benchmark(
        "latency_same", "message latency, same worker", "pingpong", "latency_same_ns",
        (Row("message latency, same worker (round trip / 2)", ("latency_same_ns",),
             Gate("<", 200, text="< 200 ns")),
         Row("  per message p50 / p99", ("latency_same_p50_ns", "latency_same_p99_ns"))),
        {"n": "1000000", "samples": "100000", "workers": "1", "cross": "0"},
        {"n": "100000", "samples": "10000", "workers": "1", "cross": "0"},
        reference={"go": "211 ns round trip", "erlang": "534 ns round trip"},
        notes="Two actors bounce an int on one worker (Go: two unbuffered channels, GOMAXPROCS=1; Erlang: "
              "+S 1:1). The headline is the mean round trip over n / 2; p50/p99 come from `samples` round "
              "trips timed one by one (clock overhead included), also halved."),
    Benchmark(
        "latency_cross", "message latency, across workers", "pingpong", "latency_cross_ns",
        (Row("message latency, across workers (round trip / 2)", ("latency_cross_ns",)),
         Row("  per message p50 / p99", ("latency_cross_p50_ns", "latency_cross_p99_ns"))),
        {"n": "50000", "samples": "10000", "workers": "2", "cross": "1"},
        {"n": "2000", "samples": "500", "workers": "2", "cross": "1"},
        notes="The same with two workers and the two actors pinned to different ones (PyVM: "
              "pin_worker 1 and 2; Go: GOMAXPROCS=2, each goroutine runtime.LockOSThread'ed; Erlang: +S 2:2, "
              "spawn_opt {scheduler, 1} and {scheduler, 2}), so every message wakes the other thread."),
    Benchmark(
        "ring", "ring throughput", "ring", "ring_msgs_per_s",
        (Row("ring of {nodes} actors, {tokens} tokens", ("ring_msgs_per_s",),
             Gate(">=", 10e6, text="≥ 10 M msg/s")),),
        {"nodes": "1000", "tokens": "1000", "hops": "10000"}, {"nodes": "1000", "tokens": "1000", "hops": "300"},
        reference={"go": "40–45 M msg/s", "erlang": "21 M msg/s"},
        notes="1000 actors in a ring, 1000 tokens injected at every node, each forwarded `hops` times "
              "(10 M messages); messages per second from the first injection until the last token is back. "
              "Default workers. Go: each goroutine's channel is buffered with room for every token, like "
              "a mailbox a send never blocks on (unbuffered channels deadlock once every goroutine holds a "
              "token; capacity 1 works but halves Go's throughput)."),
    Benchmark(
        "fanin", "fan-in throughput", "fanin", "fanin_msgs_per_s",
        (Row("fan-in, {senders} senders → 1 receiver", ("fanin_msgs_per_s",)),),
        {"senders": "1000", "count": "1000"}, {"senders": "100", "count": "1000"},
        notes="`senders` actors each send `count` ints to one receiver as fast as they can (Go: one "
              "unbuffered channel); messages per second from the start signal until the receiver has "
              "taken them all. Default workers."),
    Benchmark(
        "gc", "GC pause", "gc", "gc_pause_max_ns",
        (Row("GC pause, max ({live} of small objects)", ("gc_pause_max_ns",), Gate("<=", 5e6, text="≤ 5 ms"),
             show="worst"),
         Row("  GC pause p50 / p99", ("gc_pause_p50_ns", "gc_pause_p99_ns"))),
        {"live": str(2 << 20), "collections": "300"}, {"live": str(2 << 20), "collections": "30"},
        peers=(),
        notes="One actor keeps 2 MiB of (int, str) tuples alive in a list and keeps replacing random "
              "entries (plus short-lived garbage) until its heap was collected `collections` times; every "
              "pause comes from pyvm_heap_set_gc_hook. The gate is on the median of the runs' maximum "
              "pauses (like every gate, robust to one run disturbed by the rest of the machine); the worst "
              "run is shown beside it. PyVM only (Go's and BEAM's collectors are not comparable this way)."),
    Benchmark(
        "idle_memory", "memory per idle actor", "idle", "idle_bytes_per_actor",
        (Row("memory per idle actor ({n} parked in receive, idle {settle} ms)", ("idle_bytes_per_actor",)),
         Row("  the same 50 ms after the last one parked", ("idle_parked_bytes_per_actor",))),
        {"n": "100000", "name": "idle", "settle": "1000"}, {"n": "5000", "name": "idle", "settle": "1000"},
        reference={"go": "2.8 KB", "erlang": "2.9 KB"},
        notes="n actors each parked in receive; (memory when all have been parked for `settle` ms - "
              "memory before) / n, and the same 50 ms after the last one parked. Memory is the resident "
              "set (/proc/self/statm) plus the page tables (VmPTE in /proc/self/status), which RSS leaves "
              "out: with one 1 MiB stack per actor they were 2.2 kB of PyVM's 7.2 kB per just-parked actor. "
              "PyVM hibernates actors idle for 100-200 ms (sched/hibernate.h: their stack pages and page "
              "tables go back to the kernel); Go and BEAM get the same settle time. Then all are released "
              "by a message each (close(channel) in Go)."),
    Benchmark(
        "million", "1M actors alive", "idle", "million_alive",
        (Row("{n} actors alive at once, then released", ("million_alive",), Gate("ok", text="succeeds")),
         Row("  spawn per actor / peak RSS", ("million_spawn_ns", "million_peak_rss_bytes"))),
        {"n": "1000000", "name": "million", "settle": "50"}, {"n": "20000", "name": "million", "settle": "50"},
        max_repeat=2, timeout=900.0,
        notes="The idle benchmark with a million actors (Erlang with +P above it); it must succeed. "
              "Runs at most twice."),
)
BY_KEY = {b.key: b for b in BENCHMARKS}


# --------------------------------------------------------------------------------------------------
# Results (pure; tested on fake samples)


@dataclass
class Run:
    """One execution of one program."""

    metrics: dict[str, float] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    wall_s: float = 0.0
    error: str | None = None
    stdout: str = ""
    stderr_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict:
        return {"metrics": self.metrics, "wall_s": round(self.wall_s, 4), "ok": self.ok, "error": self.error,
                "stdout": self.stdout, "stderr_tail": self.stderr_tail or None}


def parse_output(stdout: str) -> tuple[dict[str, float], dict[str, str], str | None]:
    """The metric lines (`metric <name> <value> <unit>`) and the first `error <text>` line."""
    metrics: dict[str, float] = {}
    units: dict[str, str] = {}
    error = None
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "metric":
            try:
                metrics[parts[1]] = float(parts[2])
            except ValueError:
                continue
            units[parts[1]] = parts[3] if len(parts) > 3 else ""
        elif parts and parts[0] == "error" and error is None:
            error = line[len("error"):].strip()
    return metrics, units, error


@dataclass
class ImplResult:
    """All runs of one benchmark by one implementation; `status` says why there are none."""

    impl: str
    runs: list[Run] = field(default_factory=list)
    status: str = "ok"  # "ok", "not installed", "n/a", "skipped", "build failed: ..."

    @property
    def ran(self) -> bool:
        return self.status == "ok" and bool(self.runs)

    @property
    def all_ok(self) -> bool:
        return self.ran and all(r.ok for r in self.runs)

    def failure(self) -> str | None:
        if self.status.startswith("build failed"):
            return self.status
        bad = [r for r in self.runs if not r.ok]
        return bad[0].error if bad else None

    def values(self, metric: str) -> list[float]:
        """The metric from every successful run."""
        return [r.metrics[metric] for r in self.runs if r.ok and metric in r.metrics]

    def unit(self, metric: str) -> str:
        for r in self.runs:
            if metric in r.units:
                return r.units[metric]
        return ""

    def summary(self, metric: str, higher_is_better: bool) -> dict | None:
        vals = self.values(metric)
        if not vals:
            return None
        return {"samples": vals, "median": statistics.median(vals), "min": min(vals), "max": max(vals),
                "best": max(vals) if higher_is_better else min(vals), "unit": self.unit(metric)}

    def to_json(self, bench: Benchmark) -> dict:
        names = sorted({m for r in self.runs for m in r.metrics})
        return {"status": self.status, "failure": self.failure(),
                "metrics": {m: self.summary(m, higher_is_better(m)) for m in names},
                "runs": [r.to_json() for r in self.runs]}


def higher_is_better(metric: str) -> bool:
    return metric.endswith("_per_s") or metric.endswith("_alive")


@dataclass
class BenchResult:
    bench: Benchmark
    impls: dict[str, ImplResult]
    quick: bool = False

    @property
    def args(self) -> dict[str, str]:
        return self.bench.quick_args if self.quick else self.bench.args

    def label(self, row: Row) -> str:
        return label(row, self.args).strip()

    def gate_results(self) -> list[tuple[Row, bool | None]]:
        pyvm = self.impls["pyvm"]
        out = []
        for row in self.bench.rows:
            if row.gate is None:
                continue
            if not pyvm.ran:
                out.append((row, False if pyvm.status.startswith("build failed") else None))
                continue
            out.append((row, row.gate.check(pyvm.values(row.metrics[0]), pyvm.all_ok)))
        return out

    def failures(self) -> list[str]:
        """Why this benchmark fails PyVM's gate: a gate not met, a PyVM run or build that failed."""
        found = []
        pyvm = self.impls["pyvm"]
        if pyvm.failure():
            found.append(f"{self.bench.key}: PyVM failed: {pyvm.failure()}")
        for row, ok in self.gate_results():
            if ok is False and not pyvm.failure():
                found.append(f"{self.bench.key}: {self.label(row)} misses the gate {row.gate.text}")
        return found

    def to_json(self) -> dict:
        b = self.bench
        return {"title": b.title, "program": b.program, "args": self.args, "quick": self.quick,
                "notes": b.notes, "reference": b.reference,
                "gates": [{"row": self.label(row), "metric": row.metrics[0], "gate": row.gate.text,
                           "op": row.gate.op, "limit": row.gate.limit, "stat": row.gate.stat,
                           "passed": ok} for row, ok in self.gate_results()],
                "failures": self.failures(),
                "results": {impl: r.to_json(b) for impl, r in self.impls.items()}}


def give_up(result: ImplResult) -> bool:
    """Whether to stop running a program: it timed out once, or failed twice."""
    failed = [r for r in result.runs if not r.ok]
    return len(failed) >= 2 or any((r.error or "").startswith("timed out") for r in failed)


def gate_failures(results: list[BenchResult]) -> list[str]:
    return [f for r in results for f in r.failures()]


def exit_status(results: list[BenchResult], gate: bool) -> int:
    return EXIT_FAILED if gate and gate_failures(results) else EXIT_OK


# --------------------------------------------------------------------------------------------------
# Formatting


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ns":
        if value >= 1e6:
            return f"{value / 1e6:.2f} ms"
        if value >= 1e4:
            return f"{value / 1e3:.1f} µs"
        if value >= 1e3:
            return f"{value / 1e3:.2f} µs"
        return f"{value:.0f} ns" if value >= 100 else f"{value:.1f} ns"
    if unit == "msg/s":
        return f"{value / 1e6:.1f} M/s"
    if unit == "B":
        if value >= 1e9:
            return f"{value / 1e9:.2f} GB"
        if value >= 1e6:
            return f"{value / 1e6:.1f} MB"
        if value >= 1e3:
            return f"{value / 1e3:.2f} kB"
        return f"{value:.0f} B"
    if unit == "actors":
        return f"{value:,.0f}"
    return f"{value:g} {unit}".strip()


def human(value: str) -> str:
    """Sizes in labels: 100000 -> 100k, 1000000 -> 1M, 2097152 -> 2 MiB."""
    try:
        n = int(value)
    except ValueError:
        return value
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return f"{n >> 20} MiB"
    if n >= 1000000 and n % 100000 == 0:
        return f"{n / 1000000:g}M"
    if n >= 10000 and n % 100 == 0:
        return f"{n / 1000:g}k"
    return str(n)


def label(row: Row, args: dict[str, str]) -> str:
    return row.label.format(**{k: human(v) for k, v in args.items()})


def shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def cell(result: ImplResult, row: Row, *, detail: bool = True) -> str:
    """A table cell: the median (and the best run), or 'a / b' for a row of several metrics, or why
    there is nothing."""
    if result.status != "ok":
        return result.status
    if not result.runs:
        return "—"
    failure = result.failure()
    if len(row.metrics) > 1:
        parts = []
        for m in row.metrics:
            s = result.summary(m, higher_is_better(m))
            parts.append(fmt_value(s["median"], s["unit"]) if s else "—")
        return " / ".join(parts) if any(p != "—" for p in parts) else ("—" if not failure else "failed")
    s = result.summary(row.metrics[0], higher_is_better(row.metrics[0]))
    if s is None:
        return f"FAILED: {shorten(failure)}" if failure else "—"
    text = fmt_value(s["median"], s["unit"])
    if detail and len(s["samples"]) > 1 and s["unit"] != "actors":
        worst = s["min"] if s["best"] == s["max"] else s["max"]
        text += (f" (worst {fmt_value(worst, s['unit'])})" if row.show == "worst"
                 else f" (best {fmt_value(s['best'], s['unit'])})")
    if failure:
        text += f" [{sum(not r.ok for r in result.runs)} run(s) failed]"
    return text


TABLE_COLUMNS = ("benchmark", "PyVM", "Go", "Erlang", "gate", "result")


def table_rows(results: list[BenchResult]) -> list[list[str]]:
    rows = []
    for r in results:
        gates = dict((row.label, ok) for row, ok in r.gate_results())
        for k, row in enumerate(r.bench.rows):
            verdict = ""
            if row.gate is not None:
                ok = gates.get(row.label)
                verdict = "pass" if ok else "FAIL" if ok is False or r.impls["pyvm"].failure() else "—"
            gate = row.gate.text if row.gate else "report" if k == 0 else ""
            rows.append([label(row, r.args),
                         *(cell(r.impls[i], row) for i in IMPLS), gate, verdict])
    return rows


def summary(results: list[BenchResult], gate: bool) -> dict:
    failures = gate_failures(results)
    return {"failures": failures, "failure_count": len(failures),
            "gate": ("passed" if not failures else "failed") if gate else "off",
            "exit_status": exit_status(results, gate)}


def build_report(results: list[BenchResult], settings: dict, machine: dict) -> dict:
    return {"schema": SCHEMA, "date": machine.get("date"), "machine": machine, "settings": settings,
            "benchmarks": {r.bench.key: r.to_json() for r in results},
            "summary": summary(results, settings.get("gate", False))}


def render_markdown(report: dict, results: list[BenchResult]) -> str:
    m = report["machine"]
    s = report["settings"]
    load = m.get("load_average") or []
    lines = ["# Actor runtime benchmark", "",
             f"{report['date']} · {m.get('cpu_model')} ({m.get('cpu_count')} CPUs) · {m.get('gcc_version')} · "
             f"{m.get('go_version') or 'Go not installed'} · "
             f"{('Erlang/OTP ' + m['otp_release']) if m.get('otp_release') else 'Erlang not installed'} · "
             f"pyvm {m.get('pyvm_commit') or '?'}"
             + (" with uncommitted runtime changes" if m.get("pyvm_runtime_modified") else "")
             + (f" · vm.max_map_count raised from {m['vm_max_map_count_before_the_run']} to "
                f"{m.get('vm_max_map_count')} for this run" if m.get("vm_max_map_count_before_the_run")
                else f" · vm.max_map_count {m['vm_max_map_count']}" if m.get("vm_max_map_count") else "")
             + (f" · load average at start {load[0]:.2f}" if load else "")
             + (f", at end {m['load_average_end'][0]:.2f}" if m.get("load_average_end") else ""),
             "",
             "| " + " | ".join(TABLE_COLUMNS) + " |",
             "|---|" + "---:|" * 3 + "---|---|"]
    for row in table_rows(results):
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    summ = report["summary"]
    quick = " at quick sizes" if s.get("quick") else ""
    lines += ["", f"Medians of {s['repeat']} runs (at most 2 for the million){quick}, the best run in parentheses "
              f"(the worst for GC pauses). Gate: {summ['gate']}; failures: {summ['failure_count']}."]
    if summ["failures"]:
        lines += [""] + [f"- {f}" for f in summ["failures"]]
    refs = [(r.bench, r.bench.reference) for r in results if r.bench.reference]
    if refs:
        lines += ["", "Reference figures of the issue on this machine: "
                  + "; ".join(f"{b.title}: Go {ref.get('go', '—')}, Erlang {ref.get('erlang', '—')}"
                              for b, ref in refs) + "."]
    lines += ["", "## Method", "",
              "Each benchmark is one small program per implementation: C against the public API "
              "`runtime/include/pyvm/actors.h` linked with `libpyvmrt.a` (`perf/runtime/c/`, built with the "
              "runtime's own flags, `-O2`), Go (`perf/runtime/go/`, `go build`) and Erlang "
              "(`perf/runtime/erlang/`, `erlc`, run by `erl -noshell`). All take the same `key=value` "
              "arguments and print `metric <name> <value> <unit>` lines; the timing is done inside the "
              "program (monotonic clock), so process start-up is never included. Runs of the three "
              "implementations are interleaved. The gate is on PyVM's median unless stated, and a PyVM run "
              "that fails fails its gate. Raw metrics of every run are in `runtime.json`.", ""]
    for r in results:
        b = r.bench
        args = " ".join(f"{k}={v}" for k, v in r.args.items())
        lines.append(f"- **{b.title}** (`{b.key}`, `{b.program}` {args}): {b.notes}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# Toolchains: building the programs


def _command_output(cmd: list[str], env=None) -> str | None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (done.stdout + done.stderr).strip() if done.returncode == 0 else None


def install_allowed(flag: bool) -> bool:
    return flag or os.environ.get("PYVM_INSTALL_PEERS", "") not in ("", "0")


def peers_missing() -> dict[str, bool]:
    return {"go": shutil.which("go") is None,
            "erlang": shutil.which("erl") is None or shutil.which("erlc") is None}


def install_peers(missing: list[str], log: Callable[[str], None]) -> str | None:
    """apt-get installs the missing peers (root only). Returns None, or why it did not happen."""
    if not missing:
        return None
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "not root: cannot apt-get install " + " ".join(PEER_PACKAGES[p] for p in missing)
    if shutil.which("apt-get") is None:
        return "no apt-get on this machine"
    packages = [PEER_PACKAGES[p] for p in missing]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", *packages]):
        log(f"running {' '.join(cmd)}")
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, env=env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{' '.join(cmd)} failed: {exc}"
        if done.returncode != 0:
            return f"{' '.join(cmd)} failed (exit {done.returncode}): {tail(done.stderr, 3)}"
    return None


def runtime_flags() -> tuple[str, list[str], Path, list[str]]:
    """(cc, compile flags, libpyvmrt.a, link flags): the runtime's own build, from runtime_build.

    The benchmarks define their own main(): linking libpyvmrt.a, the archive member holding the
    runtime's C main (core/entry.c) is never pulled in, since nothing leaves `main` undefined."""
    from pyvm.toolchain import runtime_build as rb
    return rb.compiler(), rb.compile_flags(), rb.runtime_library("static"), rb.link_flags()


BUILD_INFO: dict[str, str] = {}  # the build commands, for the report


def build_c(programs: list[str], out: Path) -> dict[str, str | None]:
    """Compiles c/<program>.c for each program into out/c/. Returns {program: error or None}."""
    try:
        cc, flags, lib, link = runtime_flags()
        BUILD_INFO["c"] = " ".join([cc, *flags, "c/<program>.c", str(lib), *link])
    except Exception as exc:  # noqa: BLE001 - RuntimeBuildError, or anything the build raises
        return {p: f"build failed: runtime library: {str(exc).splitlines()[0] if str(exc) else exc!r}"
                for p in programs}
    (out / "c").mkdir(parents=True, exist_ok=True)
    errors: dict[str, str | None] = {}
    for p in programs:
        cmd = [cc, *flags, "-I", str(C_DIR), str(C_DIR / f"{p}.c"), str(lib), *link, "-o", str(out / "c" / p)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        errors[p] = None if done.returncode == 0 else f"build failed: {cc}: {tail(done.stderr, 5)}"
    return errors


def build_go(programs: list[str], out: Path) -> dict[str, str | None]:
    (out / "go").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GO111MODULE": "on"}
    errors: dict[str, str | None] = {}
    BUILD_INFO["go"] = "go build -o <program> ./<program> (in perf/runtime/go)"
    for p in programs:
        try:
            done = subprocess.run(["go", "build", "-o", str(out / "go" / p), f"./{p}"], cwd=GO_DIR,
                                  capture_output=True, text=True, env=env, timeout=600)
            errors[p] = None if done.returncode == 0 else f"build failed: go build: {tail(done.stderr, 5)}"
        except (OSError, subprocess.TimeoutExpired) as exc:
            errors[p] = f"build failed: go build: {exc}"
    return errors


def build_erlang(programs: list[str], out: Path) -> dict[str, str | None]:
    ebin = out / "ebin"
    ebin.mkdir(parents=True, exist_ok=True)
    sources = [str(ERLANG_DIR / "bench.erl")] + [str(ERLANG_DIR / f"{p}.erl") for p in programs]
    BUILD_INFO["erlang"] = "erlc bench.erl <program>.erl; erl -noshell [+S W:W] [+P N] -run <program> main <args>"
    try:
        done = subprocess.run(["erlc", "-o", str(ebin), *sources], capture_output=True, text=True, timeout=600)
        error = None if done.returncode == 0 else f"build failed: erlc: {tail(done.stdout + done.stderr, 5)}"
    except (OSError, subprocess.TimeoutExpired) as exc:
        error = f"build failed: erlc: {exc}"
    return {p: error for p in programs}


def run_command(impl: str, program: str, args: dict[str, str], out: Path) -> tuple[list[str], dict[str, str]]:
    """The command line and environment running `program` of `impl` with `args`."""
    words = [f"{k}={v}" for k, v in args.items()]
    env = dict(os.environ)
    if impl == "pyvm":
        return [str(out / "c" / program), *words], env
    if impl == "go":
        return [str(out / "go" / program), *words], env
    flags = []
    workers = int(args.get("workers", "0") or 0)
    if workers > 0:
        flags += ["+S", f"{workers}:{workers}"]
    n = int(args.get("n", "0") or 0)
    if n > 200000:
        flags += ["+P", str(max(2 * n, 1 << 20))]
    env["ERL_CRASH_DUMP_SECONDS"] = "0"
    return ["erl", "-noshell", "-pa", str(out / "ebin"), *flags, "-run", program, "main", *words], env


def run_once(cmd: list[str], env: dict[str, str], timeout: float, headline: str) -> Run:
    t0 = time.perf_counter()
    try:
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
                              env=env, errors="replace")
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode("utf-8", "replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        metrics, units, _ = parse_output(out)
        return Run(metrics, units, time.perf_counter() - t0, f"timed out after {timeout:g} s", out)
    except OSError as exc:
        return Run(error=f"could not run: {exc}")
    wall = time.perf_counter() - t0
    metrics, units, error = parse_output(done.stdout)
    stderr = tail(done.stderr)
    if error is None and done.returncode != 0:
        first = next((line.strip() for line in done.stderr.splitlines() if line.strip()), "")
        error = f"exited {done.returncode}" + (f": {first}" if first else "")
    if error is None and headline not in metrics:
        error = f"no `{headline}` metric in its output"
    return Run(metrics, units, wall, error, done.stdout, stderr)


# --------------------------------------------------------------------------------------------------
# Machine information


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def machine_info() -> dict:
    gcc = _command_output([os.environ.get("CC") or "cc", "--version"])
    go = _command_output(["go", "version"]) if shutil.which("go") else None
    otp = (_command_output(["erl", "-noshell", "-eval",
                            'io:format("~s ~s", [erlang:system_info(otp_release), '
                            'erlang:system_info(version)]), halt().'])
           if shutil.which("erl") else None)
    return {
        **machine_basics(),
        "memory_total_kb": next((int(line.split()[1]) for line in (_read("/proc/meminfo") or "").splitlines()
                                 if line.startswith("MemTotal:")), None),
        "vm_max_map_count": _read("/proc/sys/vm/max_map_count"),
        "clocksource": _read("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
        "gcc_version": gcc.splitlines()[0] if gcc else None,
        "go_version": go,
        "otp_release": otp.split()[0] if otp else None,
        "erts_version": otp.split()[1] if otp and len(otp.split()) > 1 else None,
        "pyvm_commit": _command_output(["git", "--no-optional-locks", "-C", str(ROOT), "rev-parse", "--short",
                                        "HEAD"]),
        "pyvm_runtime_modified": bool(_command_output(["git", "--no-optional-locks", "-C", str(ROOT), "status",
                                                       "--porcelain", "--", "runtime"])),
        "environment": {k: v for k, v in os.environ.items() if k.startswith(("PYVM_", "GOMAXPROCS", "GOGC", "ERL_"))},
    }


# --------------------------------------------------------------------------------------------------
# The command


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench.py", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", metavar="A,B", help="comma-separated benchmarks: " + ", ".join(BY_KEY))
    p.add_argument("--repeat", type=int, default=5, metavar="N", help="runs per program (default 5)")
    p.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    p.add_argument("--gate", action="store_true", help="exit 1 when a PyVM gate fails or a PyVM benchmark fails")
    p.add_argument("--install-peers", action="store_true",
                   help="apt-get install golang-go / erlang-nox when missing (root only; also PYVM_INSTALL_PEERS=1)")
    p.add_argument("--skip-peers", action="store_true", help="run PyVM only")
    p.add_argument("--max-map-count", type=int, default=None, metavar="N",
                   help="raise the kernel's vm.max_map_count to N for the run, restoring it afterwards (root "
                        "only; off by default: the gates are about a stock machine). PyVM's actor stacks are "
                        "kernel mappings with guard pages: the default 65530 caps how many actors can be alive")
    p.add_argument("--json", type=Path, default=DEFAULT_JSON, metavar="PATH",
                   help=f"the JSON report (default {DEFAULT_JSON.relative_to(ROOT)})")
    p.add_argument("--markdown", type=Path, default=None, metavar="PATH",
                   help=f"the Markdown report (default: beside --json, else {DEFAULT_MD.relative_to(ROOT)})")
    p.add_argument("--timeout", type=float, default=None, metavar="S",
                   help="limit per run (default: each benchmark's own, 300 s, 900 s for million)")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.markdown is None:
        args.markdown = DEFAULT_MD if args.json == DEFAULT_JSON else args.json.with_suffix(".md")
    return args


def select(only: str | None) -> list[Benchmark] | str:
    """The benchmarks --only names (all by default), or the error message."""
    if not only:
        return list(BENCHMARKS)
    names = [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in names if n not in BY_KEY]
    if unknown or not names:
        return f"unknown benchmark(s): {', '.join(unknown) or '(none given)'}; available: {', '.join(BY_KEY)}"
    return [b for b in BENCHMARKS if b.key in names]


MAX_MAP_COUNT = Path("/proc/sys/vm/max_map_count")


def set_max_map_count(wanted: int, path: Path = MAX_MAP_COUNT) -> tuple[int | None, str | None]:
    """Raises the kernel's vm.max_map_count to `wanted` when it is lower (root only).
    Returns (the value to restore afterwards, or None when nothing changed; why it failed, or None)."""
    try:
        current = int(path.read_text().strip())
    except (OSError, ValueError) as exc:
        return None, f"cannot read {path}: {exc}"
    if current >= wanted:
        return None, None
    try:
        path.write_text(f"{wanted}\n")
    except OSError as exc:
        return None, f"cannot raise vm.max_map_count from {current} to {wanted}: {exc}"
    return current, None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    restore = None
    if args.max_map_count:
        restore, why = set_max_map_count(args.max_map_count)
        if why:  # not fatal: the benchmarks needing many actors then fail, saying why
            print(f"bench.py: {why}; going on without", file=sys.stderr)
    try:
        return run(args, original_map_count=restore)
    finally:
        if restore is not None:
            set_max_map_count_back(restore, args.max_map_count)


def set_max_map_count_back(value: int, ours: int, path: Path = MAX_MAP_COUNT) -> None:
    """Puts vm.max_map_count back to `value`, unless someone changed it since we set it to `ours`."""
    try:
        if int(path.read_text().strip()) == ours:
            path.write_text(f"{value}\n")
    except (OSError, ValueError) as exc:
        print(f"bench.py: could not restore vm.max_map_count to {value}: {exc}", file=sys.stderr)


def run(args: argparse.Namespace, original_map_count: int | None = None) -> int:
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    console = Console() if sys.stdout.isatty() else Console(width=int(os.environ.get("COLUMNS", "200")))
    err = Console(stderr=True)
    chosen = select(args.only)
    if isinstance(chosen, str):
        err.print(f"[red]bench.py: {escape(chosen)}[/red]")
        return EXIT_USAGE

    # Peers: present, installed now, or visibly absent.
    peer_status: dict[str, str] = {}
    if args.skip_peers:
        peer_status = {"go": "skipped", "erlang": "skipped"}
    else:
        missing = [p for p, gone in peers_missing().items() if gone]
        if missing and install_allowed(args.install_peers):
            why = install_peers(missing, lambda s: err.print(f"[dim]{escape(s)}[/dim]"))
            if why:
                err.print(f"[yellow]peers: {escape(why)}[/yellow]")
            missing = [p for p, gone in peers_missing().items() if gone]
        for p in missing:
            peer_status[p] = "not installed"
            err.print(f"[yellow]{IMPL_NAMES[p]} is not installed: its column says so "
                      f"(--install-peers as root installs {PEER_PACKAGES[p]})[/yellow]")
    machine = machine_info()
    if original_map_count is not None:
        machine["vm_max_map_count_before_the_run"] = original_map_count
        err.print(f"[yellow]vm.max_map_count raised from {original_map_count} to {machine['vm_max_map_count']} "
                  "for this run (restored at the end)[/yellow]")
    cores = machine.get("cpu_count") or 1
    if machine.get("load_average") and machine["load_average"][0] > 0.5 * cores:
        err.print(f"[yellow]the machine is busy (load average {machine['load_average'][0]:.2f} on {cores} CPUs): "
                  "expect noisy numbers[/yellow]")

    impls_for = {b.key: ["pyvm"] + [p for p in ("go", "erlang") if p in b.peers] for b in chosen}
    repeat_for = {b.key: min(args.repeat, b.max_repeat or args.repeat) for b in chosen}
    results = [BenchResult(b, {i: ImplResult(i, status="ok" if i == "pyvm" or i in b.peers else "n/a")
                               for i in IMPLS}, args.quick) for b in chosen]
    for r in results:
        for p, status in peer_status.items():
            if r.impls[p].status == "ok":
                r.impls[p].status = status

    with tempfile.TemporaryDirectory(prefix="pyvm-rtbench-") as tmp:
        out = Path(tmp)
        programs = {impl: sorted({r.bench.program for r in results if r.impls[impl].status == "ok"})
                    for impl in IMPLS}
        total_runs = sum(repeat_for[r.bench.key] for r in results for i in IMPLS if r.impls[i].status == "ok")
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err) as progress:
            task = progress.add_task("building", total=3 + total_runs)
            builders = {"pyvm": build_c, "go": build_go, "erlang": build_erlang}
            for impl in IMPLS:
                progress.update(task, description=f"building the {IMPL_NAMES[impl]} programs")
                if programs[impl]:
                    errors = builders[impl](programs[impl], out)
                    for r in results:
                        e = errors.get(r.bench.program)
                        if e and r.impls[impl].status == "ok":
                            r.impls[impl].status = e.splitlines()[0]
                            progress.console.print(f"[red]{IMPL_NAMES[impl]} {r.bench.program}: "
                                                   f"{escape(e)}[/red]")
                progress.advance(task)
            # Adjust the bar for runs that will not happen (builds that failed).
            progress.update(task, total=3 + sum(repeat_for[r.bench.key] for r in results for i in IMPLS
                                                if r.impls[i].status == "ok"))

            for r in results:
                b = r.bench
                bargs = r.args
                timeout = args.timeout or b.timeout
                for k in range(repeat_for[b.key]):
                    for impl in impls_for[b.key]:
                        res = r.impls[impl]
                        if res.status != "ok":
                            continue
                        if give_up(res):  # hung once, or failed twice: the rest would only cost time
                            progress.advance(task)
                            continue
                        progress.update(task, description=f"{b.key}: {IMPL_NAMES[impl]} run {k + 1}/"
                                                          f"{repeat_for[b.key]}")
                        cmd, env = run_command(impl, b.program, bargs, out)
                        one = run_once(cmd, env, timeout, b.headline)
                        res.runs.append(one)
                        if not one.ok:
                            progress.console.print(f"[red]{b.key}: {IMPL_NAMES[impl]}: {escape(one.error or '')}"
                                                   "[/red]" + (f"\n[dim]{escape(one.stderr_tail)}[/dim]"
                                                               if one.stderr_tail else ""))
                        progress.advance(task)
                head = b.rows[0]
                progress.console.print(f"{b.title}: " + ", ".join(
                    f"{IMPL_NAMES[i]} {escape(cell(r.impls[i], head, detail=False))}" for i in IMPLS
                    if r.impls[i].status not in ("n/a",)))
            progress.update(task, description="done")

    machine["load_average_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    settings = {"repeat": args.repeat, "quick": args.quick, "gate": args.gate, "only": args.only,
                "peers": {p: peer_status.get(p, "ran") for p in ("go", "erlang")}, "build": dict(BUILD_INFO),
                "timing": "inside each program (monotonic clock); medians over runs, implementations interleaved"}
    report = build_report(results, settings, machine)
    markdown = render_markdown(report, results)
    write_reports(report, markdown, args.json, args.markdown)

    table = Table(title=f"Actor runtime — medians of {args.repeat} runs" + (" (quick sizes)" if args.quick else ""),
                  title_justify="left", box=box.SIMPLE_HEAD)
    for i, col in enumerate(TABLE_COLUMNS):
        table.add_column(col, justify="left" if i in (0, 4, 5) else "right", overflow="fold")
    for row in table_rows(results):
        verdict = row[-1]
        row[-1] = {"pass": "[green]pass[/green]", "FAIL": "[bold red]FAIL[/bold red]"}.get(verdict, verdict)
        table.add_row(*[escape(c) for c in row[:-1]], row[-1])
    console.print(table)
    s = report["summary"]
    if args.gate:
        console.print("gate: " + ("[green]passed[/green]" if s["gate"] == "passed" else
                                  "[bold red]FAILED[/bold red]\n  " + "\n  ".join(escape(f) for f in s["failures"])))
    elif s["failure_count"]:
        console.print(f"[yellow]{s['failure_count']} gate failure(s)[/yellow] (not gated; --gate fails on them)")
    for p, status in peer_status.items():
        if status == "not installed":
            console.print(f"[yellow]{IMPL_NAMES[p]}: not installed[/yellow]")
    console.print(f"reports: {args.json}, {args.markdown}")
    return s["exit_status"]


if __name__ == "__main__":
    sys.exit(main())
