"""The pass manager: pass specs, pipelines, the verifier between passes, --print-after."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pyvm import passes
from pyvm.kir import VerifyError, parse_module, print_module

ROOT = Path(__file__).resolve().parents[3]

SMALL = """module "m"

func $f(%a: i64) -> i64 {
@entry:
    %s: ptr = ALLOCA 8, 8
    STORE %a, %s, 8
    %x: i64 = LOAD %s, 8
    %y: i64 = ADD %x, i64 0
    %dead: i64 = MUL %y, i64 3
    RET %y
}
"""


def test_levels_and_names() -> None:
    assert passes.parse_spec("O2") == passes.PIPELINES["O2"]
    assert passes.parse_spec("-O0") == ()
    assert passes.parse_spec("mem2reg, dce") == ("mem2reg", "dce")
    with pytest.raises(KeyError, match="unknown KIR pass 'fold'; known: mem2reg"):
        passes.parse_spec("mem2reg,fold")
    # -Oz never grows code
    assert "inline" not in passes.PIPELINES["Oz"] and "unroll" not in passes.PIPELINES["Oz"]
    assert set(passes.PIPELINES["O3"]) == set(passes.PASS_NAMES)


def test_verifier_names_the_pass_that_broke_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    def breaks(module) -> bool:  # drops the terminator of the entry block
        module.functions[0].blocks[0].instrs.pop()
        return True

    real_get = passes.get
    monkeypatch.setattr(passes, "get", lambda name: breaks if name == "dce" else real_get(name))
    module = parse_module(SMALL)
    with pytest.raises(VerifyError, match="after pass dce: .*does not end with a terminator"):
        passes.run_pipeline(module, ("dce",), verify_each=True)


def test_pipelines_keep_the_module_valid_and_shrink_it() -> None:
    for level, names in passes.PIPELINES.items():
        module = parse_module(SMALL)
        passes.run_pipeline(module, names, verify_each=True)
        text = print_module(module)
        if level == "O0":
            assert text == print_module(parse_module(SMALL))
        else:  # the slot, the load and the dead multiply are gone; a + 0 is a
            assert "ALLOCA" not in text and "MUL" not in text and "RET %a" in text, (level, text)


def test_print_after_from_the_command_line() -> None:
    done = subprocess.run([sys.executable, "-m", "pyvm", "emit", str(ROOT / "examples" / "hello"), "--stage", "kir",
                           "-O2", "--print-after", "all"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    headers = [line for line in done.stderr.splitlines() if line.startswith("; *** KIR after")]
    assert headers == [f"; *** KIR after {name} ***" for name in passes.PIPELINES["O2"]]
    one = subprocess.run([sys.executable, "-m", "pyvm", "emit", str(ROOT / "examples" / "hello"), "--stage", "kir",
                          "-O1", "--print-after", "dce"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert one.returncode == 0 and one.stderr.count("; *** KIR after dce ***") == 1, one.stderr
    bad = subprocess.run([sys.executable, "-m", "pyvm", "emit", str(ROOT / "examples" / "hello"), "--stage", "kir",
                          "--print-after", "nosuchpass"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert bad.returncode != 0 and "invalid choice: 'nosuchpass'" in bad.stderr
