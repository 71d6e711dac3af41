"""The equivalence properties as byte-driven fuzz targets, for libFuzzer (atheris) and OSS-Fuzz.

Hypothesis turns any @given test into a function of a byte string (`test.hypothesis.fuzz_one_input`):
the bytes are the choice sequence the strategies read, so a coverage-guided fuzzer mutating bytes
mutates KIR modules. `fuzz_target(name)` is that function for one target of props.py ("all": every
available pass and pipeline on each module; "jit": the two JIT targets). It returns None for bytes
that make no valid example, the canonical bytes of the example otherwise, and raises
props.FuzzFailure on a miscompilation, after saving the (unshrunk) module as a reproducer; run
`python -m fuzz.campaign --pass NAME` or replay the reproducer to get a minimal one.

    python -m fuzz.atheris_entry --target O2 [libFuzzer options: -max_total_time=600 corpus_dir/ ...]

atheris is optional (`pip install atheris`, which builds against clang's libFuzzer); without it this
entry point exits with a message, and everything else here works (the tests call fuzz_one_input).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Callable

from fuzz import corpus, props

ATHERIS_MISSING = ("atheris is not installed: `pip install atheris` (it needs clang with libFuzzer). "
                   "Without it, drive the targets with fuzz.atheris_entry.fuzz_target(name)(data) or run "
                   "`python -m fuzz.campaign`.")


def targets_for(name: str) -> list[str]:
    if name == "all":
        return props.all_targets(jit=False)
    if name == "jit":
        return list(props.JIT_TARGETS)
    props.target_passes(name)  # unknown names fail here
    return [name]


def fuzz_target(name: str = "all", save_dir: Path | None = None) -> Callable[[bytes], bytes | None]:
    """A function of bytes running the property for target `name` once (see the module docstring).
    Reproducers of failures go to save_dir (default: $FUZZ_CORPUS_DIR or fuzz/corpus)."""
    test = props.build_test(targets_for(name), max_examples=1, shrink=False)
    one_input = test.hypothesis.fuzz_one_input
    where = save_dir or Path(os.environ.get("FUZZ_CORPUS_DIR", corpus.CORPUS_DIR))

    def run(data: bytes) -> bytes | None:
        props.LAST_FAILURE = None
        try:
            return one_input(data)
        except props.FuzzFailure:
            if props.LAST_FAILURE is not None:
                path = corpus.save(props.LAST_FAILURE, where)
                sys.stderr.write(f"reproducer: {path}\n")
            raise

    run.__name__ = f"fuzz_{name.replace('-', '_')}"
    return run


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m fuzz.atheris_entry", add_help=True,
                                     description="libFuzzer entry for the KIR equivalence properties")
    parser.add_argument("--target", default="all", help="a pass, pipeline, jit-O0, jit-O2, jit, or all")
    args, rest = parser.parse_known_args(argv[1:])
    try:
        import atheris
    except ImportError:
        print(ATHERIS_MISSING, file=sys.stderr)
        return 2
    with atheris.instrument_imports(include=["pyvm.passes"]):  # coverage feedback from the passes
        for name in props.passes.PASS_NAMES:
            if not props.pass_missing(name):
                importlib.import_module(f"pyvm.passes.{name}")
    target = fuzz_target(args.target)
    atheris.Setup([argv[0], *rest], target)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
