"""Tests of the compiler benchmark: the C ceilings print exactly what CPython prints (at small sizes),
and the runner's arithmetic, gate and reports are right (on fake timings and on a tiny fake program)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("pyvm_perf_compiler_bench", HERE / "bench.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench
_spec.loader.exec_module(bench)

PYTHON = bench.find_python312()
needs_gcc = pytest.mark.skipif(shutil.which(bench.CC) is None, reason=f"{bench.CC} not installed")

# Small sizes: the C program's arguments, and the edits that give the Python program the same sizes.
# Each edit must match exactly once, so a changed program fails here instead of comparing nonsense.
SMALL: dict[str, tuple[list[str], list[tuple[str, str]]]] = {
    "fib": (["20"], [("fib(35)", "fib(20)")]),
    "mandelbrot": (["60"], [("mandelbrot(600, 50)", "mandelbrot(60, 50)")]),
    "spectral_norm": (["40"], [("n = 400", "n = 40")]),
    "nbody": (["1000"], [("0.01, 200000)", "0.01, 1000)")]),
    "fannkuch": (["7"], [("fannkuch(9)", "fannkuch(7)"), ("Pfannkuchen(9)", "Pfannkuchen(7)")]),
    "binary_trees": (["6"], [("max_depth = 15", "max_depth = 6")]),
    "strings": (["1000", "200"], [("make_text(4000000)", "make_text(1000)"), ("range(80000)", "range(200)")]),
}


def test_every_program_has_a_c_ceiling_and_small_sizes():
    programs = bench.discover_programs(bench.PROGRAMS_DIR)
    assert programs == sorted(SMALL)
    for name in programs:
        assert (bench.C_DIR / f"{name}.c").is_file(), name


def _run_cpython(folder: Path) -> bytes:
    done = subprocess.run([PYTHON, "-c", bench.CPYTHON_RUNNER], cwd=folder, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


@needs_gcc
@pytest.mark.parametrize("name", sorted(SMALL))
def test_c_ceiling_prints_what_cpython_prints(name, tmp_path):
    args, edits = SMALL[name]
    project = tmp_path / "project"
    shutil.copytree(bench.PROGRAMS_DIR / name, project)
    source = (project / "main.py").read_text(encoding="utf-8")
    for old, new in edits:
        assert source.count(old) == 1, f"{name}: {old!r} should occur once in main.py"
        source = source.replace(old, new)
    (project / "main.py").write_text(source, encoding="utf-8")
    expected = _run_cpython(project)

    exe = tmp_path / "c_app"
    cc = subprocess.run(bench.c_compile_command(bench.C_DIR / f"{name}.c", exe) + ["-Wall", "-Wextra", "-Werror"],
                        capture_output=True, text=True, timeout=120)
    assert cc.returncode == 0, cc.stderr
    got = subprocess.run([str(exe), *args], capture_output=True, timeout=60)
    assert got.returncode == 0
    assert got.stdout == expected


# --- arithmetic on fake timings --------------------------------------------------------------------


def _m(label, times, **kw):
    return bench.Measurement(label, list(times), **kw)


def _result(name="p", cpython=(2.0, 3.0, 1.0), c=(0.1, 0.12, 0.08, 0.3, 0.1), pyvm=(0.12, 0.2, 0.11, 0.13, 0.12),
            **kw) -> bench.ProgramResult:
    return bench.ProgramResult(name, _m("CPython", cpython), _m("C", c, compile_s=0.05),
                               None if pyvm is None else _m("PyVM", pyvm, compile_s=0.7), **kw)


def test_median_and_min():
    assert _m("x", [3.0, 1.0, 2.0]).median == 2.0
    assert _m("x", [3.0, 1.0, 2.0]).min == 1.0
    assert _m("x", [4.0, 1.0, 3.0, 2.0]).median == 2.5
    assert _m("x", [1.0], error="exited 1").median is None
    assert _m("x", [1.0], mismatch=True).min is None
    assert _m("x", []).median is None


def test_ratios_are_between_medians():
    r = _result()
    ratios = r.ratios()
    assert ratios["cpython_over_pyvm"] == pytest.approx(2.0 / 0.12)
    assert ratios["pyvm_over_c"] == pytest.approx(0.12 / 0.1)
    assert ratios["cpython_over_c"] == pytest.approx(2.0 / 0.1)
    assert ratios["interp_over_cpython"] is None
    assert not r.over_ceiling(1.25) and r.status(1.25) == "ok"
    assert r.over_ceiling(1.1) and r.status(1.1) == "PyVM/C 1.20 > 1.1"


def test_ratio_and_geomean_edge_cases():
    assert bench.ratio(None, 1.0) is None and bench.ratio(1.0, 0.0) is None
    assert bench.geomean([2.0, 8.0]) == pytest.approx(4.0)
    assert bench.geomean([]) is None


def test_build_failure_is_a_failure_not_a_crash():
    r = _result(pyvm=())
    r.pyvm.error = "build failed: boom"
    assert r.ratios()["pyvm_over_c"] is None and r.ratios()["cpython_over_c"] == pytest.approx(20.0)
    assert r.failures(1.25) == ["build failed: boom"]
    assert bench.exit_status([r], bench.Settings(gate=False)) == 0
    assert bench.exit_status([r], bench.Settings(gate=True)) == 1
    assert bench.gate_failures([r], bench.Settings()) == ["p: build failed: boom"]


def test_a_different_output_always_fails():
    r = _result()
    r.pyvm.mismatch = True
    assert r.ratios()["pyvm_over_c"] is None
    assert r.failures(1.25) == ["PyVM output differs from CPython"]
    assert bench.exit_status([r], bench.Settings(gate=False)) == 1


def test_gate_on_the_c_ratio():
    fast, slow = _result("fast"), _result("slow", pyvm=(0.2,) * 5)
    assert bench.exit_status([fast], bench.Settings(gate=True)) == 0
    assert bench.exit_status([fast, slow], bench.Settings(gate=True)) == 1
    assert bench.exit_status([fast, slow], bench.Settings(gate=False)) == 0
    assert bench.exit_status([fast, slow], bench.Settings(gate=True, max_c_ratio=2.5)) == 0


MACHINE = {"date": "2026-01-01T00:00:00+00:00", "cpu_model": "Test CPU", "cpu_count": 2, "python_version": "3.12.1",
           "gcc_version": "gcc 12", "llvmlite_version": "0.50.0", "pyvm_commit": "abc1234"}


def test_json_and_markdown_reports(tmp_path):
    ok = _result("fast")
    failed = _result("broken", pyvm=())
    failed.pyvm.error = "build failed: pyvm: no such thing"
    settings = bench.Settings(repeat=5, gate=True)
    results = [ok, failed]
    report = bench.build_report(results, settings, MACHINE)
    markdown = bench.render_markdown(report, results, settings)
    bench.write_reports(report, markdown, tmp_path / "r" / "compiler.json", tmp_path / "r" / "compiler.md")

    data = json.loads((tmp_path / "r" / "compiler.json").read_text())
    assert data["machine"]["cpu_model"] == "Test CPU" and data["date"] == MACHINE["date"]
    fast = data["programs"]["fast"]
    assert fast["cpython"]["times"] == [2.0, 3.0, 1.0]
    assert fast["cpython"]["median"] == 2.0 and fast["cpython"]["min"] == 1.0
    assert fast["c"]["median"] == 0.1 and fast["c"]["compile_s"] == 0.05
    assert fast["pyvm"]["median"] == 0.12 and fast["pyvm"]["compile_s"] == 0.7
    assert fast["ratios"]["pyvm_over_c"] == pytest.approx(1.2)
    assert fast["cpu_ratios"]["pyvm_over_c"] is None  # no CPU times in the fakes
    assert fast["status"] == "ok" and fast["output_ok"]
    broken = data["programs"]["broken"]
    assert broken["pyvm"]["error"] == "build failed: pyvm: no such thing" and broken["pyvm"]["median"] is None
    assert broken["ratios"]["pyvm_over_c"] is None
    assert data["summary"]["gate"] == "failed" and data["summary"]["failure_count"] == 1
    assert data["summary"]["exit_status"] == 1
    # the geometric means only take the programs that have the ratio
    assert data["summary"]["geomean"]["pyvm_over_c"] == pytest.approx(1.2)
    assert data["summary"]["geomean"]["cpython_over_c"] == pytest.approx(20.0)

    md = (tmp_path / "r" / "compiler.md").read_text()
    assert "| program | CPython | C (gcc -O2) | PyVM | PyVM build | CPython/PyVM | PyVM/C | CPython/C | status |" in md
    assert "| fast | 2.000 s | 100.0 ms | 120.0 ms | 700.0 ms | 16.67 | 1.20 | 20.00 | ok |" in md
    assert "| broken | 2.000 s | 100.0 ms | — | — | — | — | 20.00 | build failed: pyvm: no such thing |" in md
    assert "| geomean |  |  |  |  | 16.67 | 1.20 | 20.00 |  |" in md
    assert "**Method.**" in md and "Test CPU" in md


def test_failure_summary_of_an_internal_error():
    trace = ("pyvm: internal compiler error (a bug)\nTraceback (most recent call last):\n  File \"x\", line 1\n"
             "KeyError: 'x'\n")
    assert bench.failure_summary(trace) == "pyvm: internal compiler error (a bug) … KeyError: 'x'"
    assert bench.failure_summary("\n❌ ERROR: bad\n  x = 1\nCOMPILATION STOPPED\n") == "❌ ERROR: bad"
    link = ("pyvm: internal compiler error (a bug)\nTraceback (most recent call last):\n  File \"x\", line 1\n"
            "LinkError: linking failed:\n/usr/bin/ld: a.o: in function `f':\n"
            "<string>:(.text+0x1): undefined reference to `pyvm_b'\n"
            "<string>:(.text+0x2): undefined reference to `pyvm_a'\n"
            "<string>:(.text+0x3): undefined reference to `pyvm_b'\ncollect2: error: ld returned 1 exit status\n")
    assert bench.failure_summary(link) == ("pyvm: internal compiler error (a bug) … "
                                           "link failed, undefined: pyvm_a, pyvm_b")


# --- the runner end to end, on a tiny program with fake PyVM builds ---------------------------------

HELLO_PY = 'def main():\n    print(f"{sum(range(10))} {2.5:.3f}")\n'
HELLO_C = '#include <stdio.h>\nint main(void) { printf("%d %.3f\\n", 45, 2.5); return 0; }\n'


@pytest.fixture
def fake_tree(tmp_path):
    (tmp_path / "programs" / "hello").mkdir(parents=True)
    (tmp_path / "programs" / "hello" / "main.py").write_text(HELLO_PY)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "hello.c").write_text(HELLO_C)
    return tmp_path


def _fake_build(body: str):
    """A stand-in for `pyvm build`: a command that writes a shell script as the executable."""
    script = ("import os, sys\nout = sys.argv[1]\n"
              f"open(out, 'w').write({body!r})\nos.chmod(out, 0o755)\n")
    return lambda python, folder, output, level: [sys.executable, "-c", script, str(output)]


def _main(tree: Path, *extra: str) -> tuple[int, dict, str]:
    rc = bench.main(["--programs-dir", str(tree / "programs"), "--c-dir", str(tree / "c"), "--repeat", "2",
                     "--json", str(tree / "out.json"), "--markdown", str(tree / "out.md"), *extra])
    return rc, json.loads((tree / "out.json").read_text()), (tree / "out.md").read_text()


@needs_gcc
def test_runner_cpython_and_c_only(fake_tree):
    rc, data, md = _main(fake_tree, "--skip-pyvm", "--gate")
    assert rc == 0
    hello = data["programs"]["hello"]
    assert len(hello["cpython"]["times"]) == 2 and len(hello["c"]["times"]) == 2
    assert len(hello["c"]["cpu_times"]) == 2 and all(t >= 0 for t in hello["c"]["cpu_times"])
    assert hello["c"]["cpu_median"] == pytest.approx(sorted(hello["c"]["cpu_times"])[0] / 2
                                                     + sorted(hello["c"]["cpu_times"])[1] / 2)
    assert hello["pyvm"] is None and hello["status"] == "ok"
    assert hello["ratios"]["cpython_over_c"] == pytest.approx(hello["cpython"]["median"] / hello["c"]["median"])
    assert "| hello |" in md and "skipped" in md


@needs_gcc
def test_runner_reports_a_build_failure(fake_tree, monkeypatch):
    fail = "import sys; sys.stderr.write('boom: no backend\\nmore\\n'); sys.exit(3)"
    monkeypatch.setattr(bench, "pyvm_build_command", lambda python, folder, output, level: [sys.executable, "-c", fail])
    rc, data, md = _main(fake_tree)
    assert rc == 0  # not gated: reported, not fatal
    assert data["programs"]["hello"]["status"] == "build failed: boom: no backend"
    assert "build failed: boom: no backend" in md
    rc, data, _ = _main(fake_tree, "--gate")
    assert rc == 1 and data["summary"]["gate"] == "failed"


@needs_gcc
def test_runner_fails_on_a_wrong_answer(fake_tree, monkeypatch):
    monkeypatch.setattr(bench, "pyvm_build_command", _fake_build("#!/bin/sh\necho '45 2.499'\n"))
    rc, data, _ = _main(fake_tree)
    assert rc == 1
    hello = data["programs"]["hello"]
    assert hello["pyvm"]["output_differs"] and not hello["output_ok"]
    assert "-45 2.500" in hello["pyvm"]["detail"] and "+45 2.499" in hello["pyvm"]["detail"]


@needs_gcc
def test_runner_times_a_working_build(fake_tree, monkeypatch):
    monkeypatch.setattr(bench, "pyvm_build_command", _fake_build("#!/bin/sh\necho '45 2.500'\n"))
    rc, data, _ = _main(fake_tree, "--max-c-ratio", "1000")
    assert rc == 0
    hello = data["programs"]["hello"]
    assert len(hello["pyvm"]["times"]) == 2 and hello["pyvm"]["compile_s"] > 0
    assert hello["ratios"]["pyvm_over_c"] == pytest.approx(hello["pyvm"]["median"] / hello["c"]["median"])
    assert hello["status"] == "ok"


def test_unknown_program_is_a_usage_error(fake_tree):
    assert bench.main(["--programs-dir", str(fake_tree / "programs"), "--programs", "nope",
                       "--json", str(fake_tree / "x.json")]) == 2
    assert not (fake_tree / "x.json").exists()
