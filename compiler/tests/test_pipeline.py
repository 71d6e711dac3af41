"""The pipeline end to end through the CLI: every `emit` stage, and behaviour CPython cannot be the
oracle for (64-bit overflow) checked on all three execution paths."""

import subprocess
import sys
import textwrap

import pytest

OVERFLOW = """
def grow(n: int) -> int:
    x = 1
    for _ in range(n):
        x = x * 10
    return x


def main():
    print(grow(5))
    print(grow(30))
"""


def pyvm(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pyvm", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.fixture
def project(tmp_path):
    def make(source: str):
        (tmp_path / "main.py").write_text(textwrap.dedent(source))
        return tmp_path
    return make


@pytest.mark.parametrize("stage, expect", [
    ("ast", "FunctionDef(\n      name='grow'"),
    ("typed", "def grow(n: int) -> int:"),
    ("kir", "func $main.grow(%ctx: ptr, %n: i64) -> i64 {"),
    ("llvm", "define internal i64 @\"main.grow\"(i8* %\"ctx\", i64 %\"n\")"),
    ("asm", "main.grow:"),
])
def test_emit_prints_each_stage(project, stage, expect):
    done = pyvm("emit", str(project(OVERFLOW)), "--stage", stage)
    assert done.returncode == 0, done.stderr
    assert expect in done.stdout


@pytest.mark.parametrize("mode", ["interp", "jit", "native"])
def test_int_overflow_raises_instead_of_wrapping(project, mode, tmp_path):
    path = project(OVERFLOW)
    if mode == "native":
        built = pyvm("build", str(path), "-o", str(tmp_path / "app"))
        assert built.returncode == 0, built.stderr
        done = subprocess.run([str(tmp_path / "app")], capture_output=True, text=True, timeout=60)
    else:
        done = pyvm("run", str(path), *(["--jit"] if mode == "jit" else []))
    assert done.returncode == 1
    assert done.stdout == "100000\n"
    lines = done.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[-2].endswith("line 5, in grow")
    assert lines[-1] == "OverflowError: integer overflow (PyVM ints are 64-bit)"
