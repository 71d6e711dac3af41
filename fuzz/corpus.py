"""KIR reproducers: fuzz/corpus/<target>-<hash>.kir, saved by the campaign, replayed by the test suite.

A reproducer is a KIR module (the input, unoptimised) under a header of comments the KIR parser skips:

    ; fuzz-target: constfold            the pass, pipeline or JIT target (props.py)
    ; fuzz-kind: failure                failure (found by fuzzing) or seed (hand-picked, never failed)
    ; fuzz-inputs: [[1, 2, 3, 0, 0.5]]  $f's argument tuples (JSON; floats may be NaN/Infinity)
    ; fuzz-expected: [42]               the interpreter on the module as written
    ; fuzz-actual: [43]                 after the target, when it was saved (or why it failed)
    ; fuzz-ran: constfold               the passes that ran
    ; | ...                             details (the optimised module, a traceback)

`replay` re-checks the target on the recorded inputs; it passes once the bug is fixed, and keeps the
fix from regressing. `python -m fuzz.corpus --seeds` (re)writes the seed files: for each target, a
generated module (derandomized, so always the same) with the features that target transforms;
`python -m fuzz.corpus` replays the whole corpus.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from fuzz import props

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
_KEY = re.compile(r"^;\s*fuzz-([a-z]+):\s?(.*)$")


@dataclass
class Reproducer:
    path: Path | None
    target: str
    kind: str
    inputs: list[tuple]
    expected: list
    actual: object
    text: str


def _name(target: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", target)


def format_reproducer(failure: props.Failure, kind: str = "failure") -> str:
    lines = [
        "; KIR equivalence-fuzzing reproducer (fuzz/corpus.py), replayed by test_fuzz_corpus.py",
        f"; fuzz-target: {failure.target}",
        f"; fuzz-kind: {kind}",
        f"; fuzz-inputs: {json.dumps([list(a) for a in failure.inputs])}",
        f"; fuzz-expected: {json.dumps(failure.expected)}",
        f"; fuzz-actual: {json.dumps(failure.actual)}",
        f"; fuzz-ran: {','.join(failure.ran)}",
    ]
    lines += [f"; | {line}" for line in failure.detail.rstrip().splitlines()]
    return "\n".join(lines) + "\n\n" + failure.text.rstrip() + "\n"


def save(failure: props.Failure, directory: Path = CORPUS_DIR, kind: str = "failure") -> Path:
    """Writes the reproducer (named by target and a hash of module and inputs: saving the same
    failure twice gives one file) and returns its path."""
    key = f"{failure.target}\n{failure.text}\n{json.dumps([list(a) for a in failure.inputs])}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{_name(failure.target)}-{digest}.kir"
    path.write_text(format_reproducer(failure, kind))
    return path


def parse_reproducer(text: str, path: Path | None = None) -> Reproducer:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        m = _KEY.match(line)
        if m:
            fields[m.group(1)] = m.group(2)
    missing = [k for k in ("target", "inputs", "expected") if k not in fields]
    if missing:
        raise ValueError(f"{path or 'reproducer'}: no `; fuzz-{missing[0]}:` header line")
    return Reproducer(path, fields["target"].strip(), fields.get("kind", "failure").strip(),
                      [tuple(a) for a in json.loads(fields["inputs"])], json.loads(fields["expected"]),
                      json.loads(fields["actual"]) if "actual" in fields else None, text)


def load(path: Path) -> Reproducer:
    return parse_reproducer(Path(path).read_text(), Path(path))


def files(directory: Path = CORPUS_DIR) -> list[Path]:
    return sorted(directory.glob("*.kir"))


class Missing(Exception):
    """The reproducer's target needs passes that do not exist (yet)."""


def replay(rep: Reproducer) -> None:
    """Checks the reproducer: the interpreter still gives the recorded results on the module as
    written, and the target keeps them. Raises AssertionError (props.FuzzFailure) when not, Missing
    when the target cannot run here."""
    steps: list[int] = []
    expected = props.reference(rep.text, rep.inputs, steps)
    assert expected is not None, f"{rep.path}: the reference interpreter traps on the reproducer's module"
    assert expected == rep.expected, (f"{rep.path}: the interpreter now gives {expected}, the reproducer "
                                      f"recorded {rep.expected}")
    names, missing = props.target_passes(rep.target)
    if missing and rep.target in props.passes.PASS_NAMES:
        raise Missing(f"pass {rep.target} does not exist yet")
    props.check(rep.target, rep.text, rep.inputs, expected, props.step_budget(steps))


# ---- seeds --------------------------------------------------------------------------------------

SEED_FEATURES: dict[str, tuple[frozenset[str], ...]] = {
    "mem2reg": (frozenset({"slot", "loop-slot"}), frozenset({"slot", "if"})),
    "simplifycfg": (frozenset({"if-const", "switch"}), frozenset({"dead-block", "if"})),
    "constfold": (frozenset({"div", "if-const"}),),
    "copyprop": (frozenset({"copy", "loop-phi"}),),
    "cse": (frozenset({"repeat", "array"}), frozenset({"repeat", "call", "global"})),
    "dce": (frozenset({"dead", "dead-block"}),),
    "inline": (frozenset({"call", "ptr-param"}), frozenset({"call", "early-return", "loop-param"})),
    "unroll": (frozenset({"loop-const", "loop-phi"}), frozenset({"loop-const", "loop-slot", "break"}),
               frozenset({"loop-const", "loop-do"})),
    "O1": (frozenset({"slot", "if", "div-branch"}),),
    "O2": (frozenset({"call", "loop-slot", "repeat"}),),
    "O3": (frozenset({"call", "loop-const", "slot", "switch"}),),
    "Oz": (frozenset({"loop-param", "if", "array"}),),
    "jit-O0": (frozenset({"call", "array", "loop-param"}),),
    "jit-O2": (frozenset({"call", "slot", "loop-const", "div"}),),
}
SEED_INPUTS = [(3, -7, 5, 1, 2.5), (-1, 2147483647, -128, 0, float("nan")), (1 << 40, 0, 7, 1, -0.0)]


class _Found(Exception):
    def __init__(self, case):
        super().__init__("found")
        self.case = case


def find_module(features: frozenset[str], max_lines: int = 120):
    """The first module (derandomized generation, no shrinking: realistic rather than minimal) with
    `features` and 30..max_lines lines."""
    from hypothesis import HealthCheck, Phase, given, settings

    from fuzz.gen import modules

    @settings(database=None, derandomize=True, max_examples=3000, phases=(Phase.generate,),
              suppress_health_check=list(HealthCheck), deadline=None)
    @given(modules())
    def search(case):
        if features <= case.features and 30 <= case.text.count("\n") <= max_lines:
            raise _Found(case)

    try:
        search()
    except _Found as found:
        return found.case
    raise LookupError(f"no module with features {sorted(features)} in 3000 examples")


def make_seeds(directory: Path = CORPUS_DIR) -> list[Path]:
    """For every target and feature set: a generated module with those features, as a seed."""
    out = []
    for target, wanted in SEED_FEATURES.items():
        for features in wanted:
            case = find_module(features)
            expected = props.reference(case.text, SEED_INPUTS)
            assert expected is not None
            seed = props.Failure(target, case.text, SEED_INPUTS, expected, expected,
                                 f"seed: features {', '.join(sorted(features))}",
                                 props.target_passes(target)[0])
            out.append(save(seed, directory, kind="seed"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.corpus", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", action="store_true", help="(re)write the seed reproducers")
    parser.add_argument("--dir", type=Path, default=CORPUS_DIR)
    args = parser.parse_args(argv)
    if args.seeds:
        for path in make_seeds(args.dir):
            print(path)
        return 0
    bad = 0
    for path in files(args.dir):
        try:
            replay(load(path))
            status = "ok"
        except Missing as exc:
            status = f"skipped ({exc})"
        except AssertionError as exc:
            status, bad = f"FAILED: {str(exc).splitlines()[0]}", bad + 1
        print(f"{path.name}: {status}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
