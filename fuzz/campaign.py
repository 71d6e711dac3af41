"""A fuzzing campaign: `python -m fuzz.campaign --pass NAME|all --minutes N --seed S [--jit]`.

Runs the equivalence property (props.py) for one target, or round-robin for every available pass and
pipeline (and, with --jit, the JIT targets), in Hypothesis batches of --batch examples until the time
is up. Batch k of target t runs with the Hypothesis seed derived from (S, k), so a seed reproduces a
campaign batch for batch (how many batches fit in the time depends on the machine, not their content).

A failing batch shrinks its example (Hypothesis) and saves the minimal module as a reproducer under
fuzz/corpus/ (corpus.py); a target stops being fuzzed after --max-failures failures. Exit status 1
when anything failed.

Discards are reported as Hypothesis counts them in the generate phase: `invalid` examples (the
reference interpreter trapped, a generator bug) over all examples. Hypothesis's own size-capped
explorations (`overrun`, its early small examples and prefix extensions) are shown separately: they
are not modules the generator threw away.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import Verbosity
from hypothesis.statistics import collector
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from fuzz import corpus, props


@dataclass
class TargetStats:
    target: str
    modules: int = 0  # examples whose reference run succeeded, each checked against the target
    examples: int = 0  # generate-phase examples Hypothesis ran (valid + invalid)
    invalid: int = 0  # discarded: the reference trapped (props.reference -> reject)
    overrun: int = 0  # Hypothesis's size-capped explorations (not the generator's discards)
    seconds: float = 0.0
    batches: int = 0
    failures: list[str] = field(default_factory=list)  # reproducer paths (or error texts)
    note: str = ""

    @property
    def rate(self) -> float:
        return self.modules / self.seconds if self.seconds else 0.0

    @property
    def discard_pct(self) -> float:
        return 100.0 * self.invalid / self.examples if self.examples else 0.0


def batch_seed(seed: int, index: int) -> int:
    return (seed * 1_000_003 + index) % (1 << 32)


def run_batch(stats: TargetStats, seed: int, size: int, corpus_dir: Path) -> None:
    """One Hypothesis run of `size` examples for the target; updates stats, saves a failure."""
    collected: list[dict] = []
    before = props.STATS.modules
    test = props.build_test([stats.target], max_examples=size, seed=seed, verbosity=Verbosity.quiet)
    start = time.perf_counter()
    try:
        with collector.with_value(collected.append):
            failure = props.run(test)
    except Exception as exc:  # not a property failure: the generator or the harness broke
        failure = None
        stats.failures.append(f"internal error (seed {seed}): {type(exc).__name__}: {str(exc).splitlines()[0]}")
    stats.seconds += time.perf_counter() - start
    stats.batches += 1
    stats.modules += props.STATS.modules - before
    for phase in collected[-1:]:
        for case in phase.get("generate-phase", {}).get("test-cases", []):
            if case["status"] == "overrun":
                stats.overrun += 1
            else:
                stats.examples += 1
                stats.invalid += case["status"] == "invalid"
    if failure is not None:
        path = corpus.save(failure, corpus_dir)
        stats.failures.append(str(path))


def _summary_line(all_stats: list[TargetStats]) -> str:
    modules = sum(s.modules for s in all_stats)
    seconds = sum(s.seconds for s in all_stats)
    examples = sum(s.examples for s in all_stats)
    invalid = sum(s.invalid for s in all_stats)
    fails = sum(len(s.failures) for s in all_stats)
    rate = modules / seconds if seconds else 0.0
    pct = 100.0 * invalid / examples if examples else 0.0
    return f"modules {modules}  {rate:.1f}/s  discards {pct:.2f}%  failures {fails}"


def summary_table(all_stats: list[TargetStats], title: str) -> Table:
    table = Table(title=title)
    for col, just in (("target", "left"), ("modules", "right"), ("modules/s", "right"),
                      ("discard %", "right"), ("overrun", "right"), ("failures", "left")):
        table.add_column(col, justify=just)
    for s in all_stats:
        fails = "\n".join(s.failures) if s.failures else "0"
        name = s.target + (f" ({s.note})" if s.note else "")
        table.add_row(name, str(s.modules), f"{s.rate:.1f}", f"{s.discard_pct:.2f}", str(s.overrun),
                      fails)
    return table


def write_report(directory: Path, args, all_stats: list[TargetStats]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "campaign.json"
    path.write_text(json.dumps({
        "pass": args.pass_, "minutes": args.minutes, "seed": args.seed, "jit": args.jit,
        "targets": [{"target": s.target, "modules": s.modules, "modules_per_s": round(s.rate, 2),
                     "examples": s.examples, "discards": s.invalid, "discard_pct": round(s.discard_pct, 3),
                     "overrun": s.overrun, "batches": s.batches, "note": s.note, "failures": s.failures}
                    for s in all_stats],
    }, indent=2) + "\n")
    return path


def choose_targets(spec: str, jit: bool) -> list[str]:
    if spec == "all":
        return props.all_targets(jit)
    props.target_passes(spec)  # unknown names fail here with the list of known ones
    targets = [spec]
    if jit:
        targets += [t for t in props.JIT_TARGETS if t != spec]
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.campaign", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pass", dest="pass_", default="all",
                        help="a pass (mem2reg ...), a pipeline (O1 O2 O3 Oz), jit-O0, jit-O2, or all")
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jit", action="store_true", help="also check the LLVM JIT targets")
    parser.add_argument("--batch", type=int, default=25, help="examples per Hypothesis run")
    parser.add_argument("--max-failures", type=int, default=3, help="stop fuzzing a target after this many")
    parser.add_argument("--corpus", type=Path, default=corpus.CORPUS_DIR, help="where reproducers go")
    parser.add_argument("--report", type=Path, default=None, help="also write DIR/campaign.json")
    args = parser.parse_args(argv)

    console = Console()
    try:
        targets = choose_targets(args.pass_, args.jit)
    except KeyError as exc:
        console.print(f"[red]{exc.args[0]}")
        return 2
    if not targets:
        console.print("[red]no pass exists yet (pyvm/passes/<name>.py): nothing to fuzz")
        return 2
    all_stats = [TargetStats(t) for t in targets]
    for s in all_stats:
        missing = props.target_passes(s.target)[1]
        if missing:
            s.note = "without " + ", ".join(missing)
    console.print(f"fuzzing {', '.join(targets)} for {args.minutes:g} min, seed {args.seed}")

    total = args.minutes * 60.0
    start = time.monotonic()
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), TimeElapsedColumn(), TextColumn("/"),
               TimeRemainingColumn(), TextColumn("{task.fields[line]}"))
    index = 0
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("fuzzing", total=total, line="")
        while time.monotonic() - start < total:
            active = [s for s in all_stats if len(s.failures) < args.max_failures]
            if not active:
                break
            stats = active[index % len(active)]
            progress.update(task, description=f"fuzzing {stats.target:<11}")
            run_batch(stats, batch_seed(args.seed, index), args.batch, args.corpus)
            index += 1
            progress.update(task, completed=min(total, time.monotonic() - start),
                            line=_summary_line(all_stats))
        progress.update(task, completed=total, description="done")

    console.print(summary_table(all_stats, f"KIR equivalence fuzzing: {_summary_line(all_stats)}"))
    if props.STATS.discard_reasons:
        console.print(f"reference traps (generator bugs): {props.STATS.discard_reasons}")
    if args.report:
        console.print(f"report: {write_report(args.report, args, all_stats)}")
    failed = any(s.failures for s in all_stats)
    if failed:
        console.print("[red]FAILED[/red]: reproducers above (replay: python -m fuzz.corpus, or pytest "
                      "compiler/tests/passes/test_fuzz_corpus.py)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
