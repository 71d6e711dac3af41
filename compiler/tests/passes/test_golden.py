"""Per-pass golden tests: KIR in → KIR out, checked FileCheck-style.

Each `golden/<pass>/<case>.kir` is a KIR module whose comment lines say what to run and what the
output must contain:

    ; RUN: cse                  passes to run, comma-separated, or a level (O2)
    ; CHECK-LABEL: func $f      checks, in the `filecheck` package's syntax (LLVM FileCheck's)
    ; CHECK: %b: i64 = ADD ...
    ; CHECK-NOT: LOAD

The module is parsed, verified, run through the passes with the verifier after each, printed, and the
printout is matched against the file by `filecheck` (the expectation is written by hand; nothing is
regenerated). Every pass has at least MIN_CASES cases, among them cases where it must not fire.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from pyvm import passes
from pyvm.kir import parse_module, print_module, verify

GOLDEN = Path(__file__).resolve().parent / "golden"
MIN_CASES = 8
CASES = sorted(GOLDEN.glob("*/*.kir"))


def run_case(path: Path) -> str:
    text = path.read_text()
    m = re.search(r"^;\s*RUN:\s*(.+)$", text, re.M)
    assert m, f"{path}: no `; RUN: passes` line"
    module = parse_module(text)
    verify(module)
    passes.run_pipeline(module, passes.parse_spec(m.group(1)), verify_each=True)
    return print_module(module)


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_golden(path: Path) -> None:
    out = run_case(path)
    done = subprocess.run([sys.executable, "-m", "filecheck", str(path)], input=out, capture_output=True,
                          text=True)
    assert done.returncode == 0, f"output of {path.name}:\n{out}\nfilecheck:\n{done.stdout}{done.stderr}"


@pytest.mark.parametrize("name", passes.PASS_NAMES)
def test_every_pass_has_golden_cases(name: str) -> None:
    cases = list((GOLDEN / name).glob("*.kir"))
    assert len(cases) >= MIN_CASES, f"pass {name} has {len(cases)} golden cases, needs {MIN_CASES}"
