"""Mutation testing of the fuzzer: seeded bugs in the passes, and how fast the fuzzer finds each.

A mutant is one realistic mistake in one pass, written as an exact source replacement in
`compiler/pyvm/passes/<pass>.py` (the `old` text must occur there exactly once, so a mutant that no
longer applies fails loudly instead of silently testing nothing). The runner compiles the mutated
source into a fresh module object and installs it as `pyvm.passes.<pass>` for the duration of the hunt
(no file is touched), then runs the equivalence property (fuzz/props.py) on the mutated pass alone and
on the -O3 pipeline, in batches of generated modules with successive seeds, until it fails (killed) or
the time budget runs out (survived). Before the mutants, the same hunt on the unmutated passes must
survive: otherwise a "kill" would mean nothing.

    python -m fuzz.mutants [--seconds 60] [--seed 1] [--only NAME,...] [--report reports/fuzz]

prints a table (mutant, pass, killed or survived, time to kill, modules checked) ending with the line
`killed K/N mutants`, writes reports/fuzz/mutants.{md,json}, and exits 1 when fewer than 90% are
killed within the budget. `nox -s fuzz_mutants` runs it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import types
from dataclasses import asdict, dataclass
from pathlib import Path

from hypothesis import Verbosity

PASSES_DIR = Path(__file__).resolve().parents[1] / "compiler" / "pyvm" / "passes"
REPORT_DIR = Path(__file__).resolve().parents[1] / "reports" / "fuzz"
TARGET_KILL_RATE = 0.9


@dataclass(frozen=True)
class Mutant:
    name: str
    pass_name: str
    why: str  # the mistake it models
    old: str
    new: str


MUTANTS: tuple[Mutant, ...] = (
    # ---- constfold
    Mutant("constfold-sdiv-floor", "constfold", "signed division folded with floor rounding (Python's //)",
           "            return _const(t, semantics.binary(ins.op, t, *consts))",
           "            return _const(t, t.wrap(consts[0] // consts[1]) if ins.op == 'DIV' and t.is_int and consts[1]\n"
           "                          else semantics.binary(ins.op, t, *consts))"),
    Mutant("constfold-zero-minus-x", "constfold", "the x - 0 identity applied to 0 - x",
           '    if op in ("SUB", "SHL", "SHR", "LSHR") and cb == 0:',
           '    if op in ("SUB", "SHL", "SHR", "LSHR") and (cb == 0 or ca == 0):'),
    Mutant("constfold-sext-as-zext", "constfold", "sign extension folded as zero extension",
           "            return _const(t, semantics.cast(ins.op, args[0].type, t, consts[0]))",
           "            return _const(t, semantics.cast('ZEXT' if ins.op == 'SEXT' else ins.op, args[0].type, t,"
           " consts[0]))"),
    Mutant("constfold-select-swapped", "constfold", "SELECT on a constant condition picks the other arm",
           "        return x if _value(c) else y", "        return y if _value(c) else x"),
    Mutant("constfold-sle-reflexive", "constfold", "x <= x (signed) folded to false",
           '"sge": 1, "sle": 1,', '"sge": 1, "sle": 0,'),
    # ---- copyprop
    Mutant("copyprop-phi-const-ignored", "copyprop", "a PHI whose other inputs are constants taken as trivial",
           "        elif not _same(found, value):\n            return None",
           "        elif not _same(found, value) and isinstance(value, Reg):\n            return None"),
    Mutant("copyprop-phi-first-edge", "copyprop", "every PHI replaced by the value of its first edge",
           "                value = _single_value(phi, mapping)",
           "                value = resolve(mapping, phi.operands[0])"),
    # ---- dce
    Mutant("dce-call-removed", "dce", "a call whose result is unused is deleted",
           "    if is_removable(ins):\n        return True",
           "    if is_removable(ins) or (ins.op == 'CALL' and ins.dest is not None):\n        return True"),
    Mutant("dce-store-removed", "dce", "stores treated as dead code",
           "    if is_removable(ins):\n        return True",
           "    if is_removable(ins) or ins.op == 'STORE':\n        return True"),
    Mutant("dce-phi-operands-dead", "dce", "PHI operands not marked live (loop-carried values deleted)",
           "        for reg in ins.regs_used():", "        for reg in (ins.regs_used() if ins.op != 'PHI' else ()):"),
    # ---- mem2reg
    Mutant("mem2reg-frontier-not-iterated", "mem2reg", "PHIs only at the dominance frontier, not the iterated one",
           "        for label in _iterated_frontier(slot.def_blocks, frontier) & live:",
           "        for label in set().union(*(frontier.get(b, set()) for b in slot.def_blocks)) & live:"),
    Mutant("mem2reg-phi-wrong-edge", "mem2reg", "PHI values paired with the wrong incoming edges",
           "            phi.operands = [x for pair in pairs for x in pair]",
           "            phi.operands = [x for pair in zip([v for v, _ in pairs][::-1], [lab for _, lab in pairs])"
           " for x in pair]"),
    Mutant("mem2reg-state-leaks-to-siblings", "mem2reg", "renaming state shared between dominator-tree siblings",
           "        current = dict(current)  # this block's", "        current = current  # this block's"),
    # ---- simplifycfg
    Mutant("simplifycfg-branch-inverted", "simplifycfg", "a constant JUMP_IF folded to the wrong target",
           "        return term.operands[1 if cond.value else 2].name",
           "        return term.operands[2 if cond.value else 1].name"),
    Mutant("simplifycfg-phi-edge-kept", "simplifycfg", "folding a branch keeps the PHI edge it removed",
           "            remove_phi_edge(blocks[other], block.label)\n", "            pass\n"),
    Mutant("simplifycfg-bypass-conflict", "simplifycfg", "an empty block bypassed although PHI values conflict",
           "        if target is empty or not _can_bypass(empty, target, preds[empty.label]):",
           "        if target is empty:"),
    # ---- cse
    Mutant("cse-across-store", "cse", "a load reused across a store (stores do not clobber)",
           '    if not (ins.info.writes_memory or ins.info.group == "atomic"):',
           '    if not (ins.op in ("CALL", "MEMSET", "MEMCPY") or ins.info.group == "atomic"):'),
    Mutant("cse-sub-commutative", "cse", "every binary operation treated as commutative",
           "    if ins.info.commutative and _order(ops[1]) < _order(ops[0]):",
           '    if ins.info.group == "binary" and _order(ops[1]) < _order(ops[0]):'),
    Mutant("cse-compare-not-mirrored", "cse", "swapped compare operands without mirroring the condition",
           "        ops = [swap[ops[0]], ops[2], ops[1]]", "        ops = [ops[0], ops[2], ops[1]]"),
    Mutant("cse-type-not-in-key", "cse", "the result type left out of the key (casts to different widths merged)",
           "    return (ins.op, ins.dest.type, *ops)", "    return (ins.op, *ops)"),
    # ---- inline
    Mutant("inline-drops-argument", "inline", "inlining that drops the first argument",
           "    values: dict[Reg, Value] = dict(zip(callee.params, args))",
           "    values: dict[Reg, Value] = dict(zip(callee.params[1:], args[1:]))"),
    Mutant("inline-arguments-rotated", "inline", "arguments bound to the wrong parameters",
           "    values: dict[Reg, Value] = dict(zip(callee.params, args))",
           "    values: dict[Reg, Value] = dict(zip(callee.params, args[1:] + args[:1]))"),
    Mutant("inline-first-return-only", "inline", "a callee with several RETs gives the first one's value",
           "        if len(returns) == 1:", "        if len(returns) >= 1:"),
    # ---- unroll
    Mutant("unroll-off-by-one", "unroll", "one copy of the body too few",
           "    copies = loop.trips + 1", "    copies = max(1, loop.trips)"),
    Mutant("unroll-tests-current-value", "unroll", "the exit test evaluated on the counter before its step",
           "        x = v if tested is iv else nxt", "        x = v"),
)


def mutated_source(m: Mutant) -> str:
    path = PASSES_DIR / f"{m.pass_name}.py"
    source = path.read_text()
    n = source.count(m.old)
    if n != 1:
        raise ValueError(f"mutant {m.name}: its text occurs {n} times in {path} (needs exactly once)")
    return source.replace(m.old, m.new)


class installed:
    """Context manager: `pyvm.passes.<pass>` is the mutated module inside the block."""

    def __init__(self, m: Mutant | None):
        self.m = m
        self.saved: types.ModuleType | None = None

    def __enter__(self) -> None:
        if self.m is None:
            return
        name = f"pyvm.passes.{self.m.pass_name}"
        self.saved = importlib.import_module(name)
        module = types.ModuleType(name)
        module.__file__ = str(PASSES_DIR / f"{self.m.pass_name}.py")
        exec(compile(mutated_source(self.m), module.__file__ + f" [mutant {self.m.name}]", "exec"), module.__dict__)
        sys.modules[name] = module

    def __exit__(self, *exc) -> None:
        if self.m is not None and self.saved is not None:
            sys.modules[f"pyvm.passes.{self.m.pass_name}"] = self.saved


@dataclass
class Outcome:
    name: str
    pass_name: str
    why: str
    killed: bool
    seconds: float  # until the kill, or the whole budget
    modules: int  # generated modules checked (reference run succeeded)
    failure: str = ""  # the failing target and how it failed (first line)


def hunt(m: Mutant | None, seconds: float, seed: int, on_batch=None) -> Outcome:
    """Runs the property for the mutant's pass and -O3 until it fails or `seconds` are up."""
    from fuzz import props

    target = m.pass_name if m else "all passes"
    targets = [m.pass_name, "O3"] if m else [*props.available_passes(), "O3"]
    props.STATS.reset()
    start = time.monotonic()
    batch = 0
    with installed(m):
        while time.monotonic() - start < seconds:
            test = props.build_test(targets, max_examples=20, seed=seed * 1000 + batch, shrink=False,
                                    verbosity=Verbosity.quiet)
            failure = props.run(test)
            batch += 1
            if on_batch:
                on_batch(time.monotonic() - start, props.STATS.modules)
            if failure is not None:
                first = str(failure.actual).splitlines()[0] if failure.actual is not None else ""
                return Outcome(m.name if m else "control", target, m.why if m else "", True,
                               time.monotonic() - start, props.STATS.modules, f"{failure.target}: {first}"[:160])
    return Outcome(m.name if m else "control", target, m.why if m else "no mutation", False,
                   time.monotonic() - start, props.STATS.modules)


def write_reports(outcomes: list[Outcome], control: Outcome, budget: float, seed: int, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    killed = sum(o.killed for o in outcomes)
    data = {"seed": seed, "budget_seconds": budget, "killed": killed, "mutants": len(outcomes),
            "control": asdict(control), "outcomes": [asdict(o) for o in outcomes]}
    (directory / "mutants.json").write_text(json.dumps(data, indent=2) + "\n")
    lines = ["# Fuzzer strength: seeded bugs in the KIR passes", "",
             f"{time.strftime('%Y-%m-%dT%H:%M:%S%z')} · budget {budget:.0f} s per mutant · seed {seed} · "
             "`python -m fuzz.mutants` (`nox -s fuzz_mutants`)", "",
             f"Control (no mutant, every pass and -O3 for {control.seconds:.0f} s): "
             f"{'FAILED: ' + control.failure if control.killed else 'held'} over {control.modules} modules.", "",
             "| mutant | pass | the mistake | result | time to kill | modules | how it showed |",
             "|---|---|---|---|---:|---:|---|"]
    for o in outcomes:
        lines.append(f"| {o.name} | {o.pass_name} | {o.why} | {'killed' if o.killed else 'SURVIVED'} | "
                     f"{o.seconds:.1f} s | {o.modules} | {o.failure.replace('|', '/')} |")
    lines += ["", f"killed {killed}/{len(outcomes)} mutants"]
    (directory / "mutants.md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fuzz.mutants", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="budget per mutant (default 60)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", default="", help="comma-separated mutant names")
    ap.add_argument("--report", type=Path, default=REPORT_DIR, help="where mutants.md/json go")
    args = ap.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only.split(",")]
    if not chosen:
        ap.error(f"no mutant named {args.only!r}; known: {', '.join(m.name for m in MUTANTS)}")
    for m in chosen:
        mutated_source(m)  # every mutant must still apply, before spending any time

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    console = Console(stderr=True)
    outcomes: list[Outcome] = []
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console) as progress:
        overall = progress.add_task("mutants", total=len(chosen))
        current = progress.add_task("control (no mutant)", total=args.seconds)
        control = hunt(None, args.seconds, args.seed,
                       lambda t, n: progress.update(current, completed=min(t, args.seconds)))
        for m in chosen:
            progress.reset(current, total=args.seconds, description=f"{m.name}")
            o = hunt(m, args.seconds, args.seed, lambda t, n: progress.update(current, completed=min(t, args.seconds)))
            outcomes.append(o)
            progress.console.print(f"{'killed  ' if o.killed else 'SURVIVED'} {m.name:34} {o.seconds:6.1f} s "
                                   f"{o.modules:5d} modules  {o.failure}")
            progress.advance(overall)
    table = Table(title=f"mutants (budget {args.seconds:.0f} s each, seed {args.seed})")
    for col in ("mutant", "pass", "result", "time to kill", "modules"):
        table.add_column(col, justify="right" if col in ("time to kill", "modules") else "left")
    for o in outcomes:
        table.add_row(o.name, o.pass_name, "killed" if o.killed else "[red]SURVIVED[/red]", f"{o.seconds:.1f} s",
                      str(o.modules))
    console.print(table)
    killed = sum(o.killed for o in outcomes)
    console.print(f"control (no mutant): {'FAILED ' + control.failure if control.killed else 'held'} "
                  f"over {control.modules} modules in {control.seconds:.0f} s")
    write_reports(outcomes, control, args.seconds, args.seed, args.report)
    print(f"killed {killed}/{len(outcomes)} mutants")
    ok = not control.killed and killed >= TARGET_KILL_RATE * len(outcomes)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
