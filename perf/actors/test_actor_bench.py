"""Tests of the actor benchmark (no timing asserted): the programs print the checksum their algorithm
implies, under CPython on the plain `pyvm` module and natively, and the runner's reports say so."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("pyvm_perf_actors_bench", HERE / "bench.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench
_spec.loader.exec_module(bench)

PYTHON = bench.find_python312()
needs_python = pytest.mark.skipif(PYTHON is None, reason="CPython 3.12 not found")


def expected_line(name: str) -> str:
    """The checksum line at --quick sizes, computed here without actors."""
    if name == "spawn":
        n = 2000
        return f"spawn: {n} actors, checksum {sum((i * 7919) % 10007 for i in range(n))}"
    if name == "roundtrip":
        total = 0
        for i in range(2000):
            total = (total + i * 3 + 1) % 1000000007
        return f"roundtrip: 2000 round trips, checksum {total}"
    assert name == "ring"
    return "ring: 100 actors, 10 laps, token 1000"  # each lap adds one per actor


def test_every_program_has_sizes_and_quick_edits():
    programs = bench.discover_programs(bench.PROGRAMS_DIR)
    assert programs == sorted(bench.QUICK) == sorted(bench.SIZES) == sorted(bench.QUICK_SIZES)


@needs_python
@pytest.mark.parametrize("name", sorted(bench.QUICK))
def test_cpython_prints_the_checksum(name, tmp_path):
    project = bench.prepare(name, tmp_path, quick=True)
    done = subprocess.run([PYTHON, "main.py"], cwd=project, env=bench.clean_env(), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected_line(name) + "\n"


@needs_python
def test_quick_run_builds_runs_and_agrees(tmp_path):
    """`bench.py --quick --repeat 1`: every program built with pyvm -O2 prints what CPython prints."""
    report_json = tmp_path / "actors.json"
    status = bench.main(["--quick", "--repeat", "1", "--json", str(report_json)])
    report = json.loads(report_json.read_text())
    assert status == 0, report["summary"]["failures"]
    assert report["summary"]["output_ok"] and report["summary"]["failure_count"] == 0
    for name, program in report["programs"].items():
        assert program["status"] == "ok", (name, program["failures"])
        assert program["output"] == expected_line(name)
        assert program["cpython_over_pyvm"] is not None
    assert (tmp_path / "actors.md").read_text().startswith("# Actor benchmark")
