"""Tests of the actor-runtime benchmark runner: parsing, statistics, gates and reports on fake
samples, and one real C benchmark built against the runtime and run at --quick size end to end.
Needs neither Go nor Erlang."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("pyvm_perf_runtime_bench", HERE / "bench.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench
_spec.loader.exec_module(bench)

needs_cc = pytest.mark.skipif(shutil.which(os.environ.get("CC") or "cc") is None, reason="no C compiler")


# --- the benchmark table itself ----------------------------------------------------------------------


def test_every_benchmark_has_its_programs():
    for b in bench.BENCHMARKS:
        assert (bench.C_DIR / f"{b.program}.c").is_file(), b.key
        if "go" in b.peers:
            assert (bench.GO_DIR / b.program / "main.go").is_file(), b.key
        if "erlang" in b.peers:
            assert (bench.ERLANG_DIR / f"{b.program}.erl").is_file(), b.key
        assert set(b.args) == set(b.quick_args), b.key
        assert b.rows and b.rows[0].metrics[0] == b.headline, b.key
        for row in b.rows:  # labels format with the benchmark's arguments
            assert "{" not in bench.label(row, b.args) and "{" not in bench.label(row, b.quick_args)


def test_the_issue_gates_are_there():
    gates = {(b.key, row.metrics[0]): row.gate for b in bench.BENCHMARKS for row in b.rows if row.gate}
    assert gates[("spawn", "spawn_exit_ns")].limit == 1000 and gates[("spawn", "spawn_exit_ns")].op == "<"
    assert gates[("switch", "switch_ns")].limit == 100
    assert gates[("latency_same", "latency_same_ns")].limit == 200
    assert gates[("ring", "ring_msgs_per_s")].op == ">=" and gates[("ring", "ring_msgs_per_s")].limit == 10e6
    assert gates[("gc", "gc_pause_max_ns")].limit == 5e6 and gates[("gc", "gc_pause_max_ns")].op == "<="
    assert gates[("million", "million_alive")].op == "ok"


def test_select():
    assert [b.key for b in bench.select(None)] == [b.key for b in bench.BENCHMARKS]
    assert [b.key for b in bench.select("ring, spawn")] == ["spawn", "ring"]  # the table's order
    assert "unknown benchmark(s): nope" in bench.select("spawn,nope")
    assert isinstance(bench.select(","), str)


# --- parsing and statistics ----------------------------------------------------------------------------


def test_parse_output():
    metrics, units, error = bench.parse_output(
        "workers 2\nmetric spawn_exit_ns 812.5 ns\nmetric ring_msgs_per_s 1.2e+07 msg/s\n"
        "metric broken x ns\nerror only 5 of 10 actors\nerror second\n")
    assert metrics == {"spawn_exit_ns": 812.5, "ring_msgs_per_s": 1.2e7}
    assert units == {"spawn_exit_ns": "ns", "ring_msgs_per_s": "msg/s"}
    assert error == "only 5 of 10 actors"
    assert bench.parse_output("nothing\n") == ({}, {}, None)


def _runs(metric: str, values, unit="ns", errors=()):
    runs = [bench.Run({metric: v}, {metric: unit}) for v in values]
    runs += [bench.Run({}, {}, error=e) for e in errors]
    return runs


def test_summary_median_min_best():
    r = bench.ImplResult("pyvm", _runs("switch_ns", [90, 70, 80, 200, 75]))
    s = r.summary("switch_ns", bench.higher_is_better("switch_ns"))
    assert s["median"] == 80 and s["min"] == 70 and s["max"] == 200 and s["best"] == 70 and s["unit"] == "ns"
    t = bench.ImplResult("pyvm", _runs("ring_msgs_per_s", [1e7, 3e7, 2e7], "msg/s"))
    s = t.summary("ring_msgs_per_s", bench.higher_is_better("ring_msgs_per_s"))
    assert s["median"] == 2e7 and s["best"] == 3e7
    assert r.summary("absent", False) is None


def test_failed_runs_are_left_out_of_the_statistics():
    r = bench.ImplResult("pyvm", _runs("x_ns", [10, 20], errors=["exited 1: boom"]))
    assert r.values("x_ns") == [10, 20]
    assert r.failure() == "exited 1: boom" and not r.all_ok and r.ran


@pytest.mark.parametrize("op,limit,stat,values,ok,expected", [
    ("<", 100, "median", [90, 95, 150], True, True),
    ("<", 100, "median", [90, 120, 150], True, False),
    ("<", 100, "median", [100], True, False),  # strict
    ("<=", 5e6, "max", [1e6, 4.9e6, 5e6], True, True),
    ("<=", 5e6, "max", [1e6, 1e6, 5.1e6], True, False),  # the worst run counts
    (">=", 10e6, "median", [9e6, 11e6, 12e6], True, True),
    (">=", 10e6, "median", [9e6, 9.9e6, 12e6], True, False),
    ("<", 100, "median", [], True, None),  # nothing to judge
    ("ok", None, "median", [1e6, 1e6], True, True),
    ("ok", None, "median", [1e6], False, False),  # one run failed
    ("ok", None, "median", [], False, False),
])
def test_gate_check(op, limit, stat, values, ok, expected):
    assert bench.Gate(op, limit, stat).check(values, ok) is expected


def _result(key: str, pyvm: bench.ImplResult, **peers) -> bench.BenchResult:
    impls = {"pyvm": pyvm, "go": peers.get("go", bench.ImplResult("go", status="not installed")),
             "erlang": peers.get("erlang", bench.ImplResult("erlang", status="not installed"))}
    return bench.BenchResult(bench.BY_KEY[key], impls)


def test_gate_pass_and_fail_on_fake_samples():
    fast = _result("switch", bench.ImplResult("pyvm", _runs("switch_ns", [60, 65, 70])))
    slow = _result("switch", bench.ImplResult("pyvm", _runs("switch_ns", [120, 130, 90])))
    assert fast.failures() == [] and [ok for _, ok in fast.gate_results()] == [True]
    assert slow.failures() == ["switch: context switch, yield ping-pong (1 worker) misses the gate < 100 ns"]
    assert bench.exit_status([fast], gate=True) == bench.EXIT_OK
    assert bench.exit_status([fast, slow], gate=True) == bench.EXIT_FAILED
    assert bench.exit_status([fast, slow], gate=False) == bench.EXIT_OK  # not gated: report only


def test_a_failing_pyvm_run_fails_the_gate_and_peers_never_do():
    crashed = _result("spawn", bench.ImplResult("pyvm", _runs("spawn_exit_ns", [500], errors=["exited 1: x"])),
                      go=bench.ImplResult("go", _runs("spawn_exit_ns", [5000])))  # a slow peer is no failure
    assert crashed.failures() == ["spawn: PyVM failed: exited 1: x"]
    unbuilt = _result("ring", bench.ImplResult("pyvm", status="build failed: cc: error"))
    assert unbuilt.failures() == ["ring: PyVM failed: build failed: cc: error"]
    assert [ok for _, ok in unbuilt.gate_results()] == [False]
    million = _result("million", bench.ImplResult(
        "pyvm", _runs("million_alive", [1e6], "actors", errors=["only 32743 of 1000000 actors could be alive"])))
    assert [ok for _, ok in million.gate_results()] == [False]
    report_only = _result("fanin", bench.ImplResult("pyvm", _runs("fanin_msgs_per_s", [1.0], "msg/s")))
    assert report_only.failures() == [] and report_only.gate_results() == []


def test_give_up_after_a_timeout_or_two_failures():
    assert not bench.give_up(bench.ImplResult("pyvm", _runs("x_ns", [1, 2], errors=["exited 1"])))
    assert bench.give_up(bench.ImplResult("pyvm", _runs("x_ns", [1], errors=["exited 1", "exited 1"])))
    assert bench.give_up(bench.ImplResult("pyvm", _runs("x_ns", [], errors=["timed out after 300 s"])))


def test_formatting():
    assert bench.fmt_value(64.2, "ns") == "64.2 ns"
    assert bench.fmt_value(812.4, "ns") == "812 ns"
    assert bench.fmt_value(2270, "ns") == "2.27 µs"
    assert bench.fmt_value(74200, "ns") == "74.2 µs"
    assert bench.fmt_value(5.49e6, "ns") == "5.49 ms"
    assert bench.fmt_value(1.39e7, "msg/s") == "13.9 M/s"
    assert bench.fmt_value(2728, "B") == "2.73 kB"
    assert bench.fmt_value(2.7e9, "B") == "2.70 GB"
    assert bench.fmt_value(1e6, "actors") == "1,000,000"
    assert bench.fmt_value(None, "ns") == "—"
    assert bench.human("100000") == "100k" and bench.human("1000000") == "1M" and bench.human("2097152") == "2 MiB"
    assert bench.human("1000") == "1000" and bench.human("20000") == "20k"
    assert bench.human("123") == "123" and bench.human("abc") == "abc"


def test_cells():
    row = bench.BY_KEY["switch"].rows[0]
    ok = bench.ImplResult("pyvm", _runs("switch_ns", [80, 70, 90]))
    assert bench.cell(ok, row) == "80.0 ns (best 70.0 ns)"
    assert bench.cell(ok, row, detail=False) == "80.0 ns"
    assert bench.cell(bench.ImplResult("go", status="not installed"), row) == "not installed"
    assert bench.cell(bench.ImplResult("erlang", status="n/a"), row) == "n/a"
    failed = bench.ImplResult("pyvm", _runs("switch_ns", [], errors=["timed out after 300 s"]))
    assert bench.cell(failed, row) == "FAILED: timed out after 300 s"
    partly = bench.ImplResult("pyvm", _runs("switch_ns", [80], errors=["exited 1"]))
    assert bench.cell(partly, row) == "80.0 ns [1 run(s) failed]"
    gc = bench.ImplResult("pyvm", _runs("gc_pause_max_ns", [2e6, 2.5e6, 6e6]))
    assert bench.cell(gc, bench.BY_KEY["gc"].rows[0]) == "2.50 ms (worst 6.00 ms)"
    pair = bench.BY_KEY["latency_same"].rows[1]
    runs = [bench.Run({"latency_same_p50_ns": 170, "latency_same_p99_ns": 215}, {"latency_same_p50_ns": "ns",
                                                                                  "latency_same_p99_ns": "ns"})]
    assert bench.cell(bench.ImplResult("pyvm", runs), pair) == "170 ns / 215 ns"


def test_erlang_and_native_commands(tmp_path):
    cmd, env = bench.run_command("erlang", "pingpong", {"n": "1000", "workers": "1", "cross": "0"}, tmp_path)
    assert cmd[:4] == ["erl", "-noshell", "-pa", str(tmp_path / "ebin")]
    assert cmd[4:6] == ["+S", "1:1"] and cmd[-5:] == ["pingpong", "main", "n=1000", "workers=1", "cross=0"]
    assert env["ERL_CRASH_DUMP_SECONDS"] == "0"
    cmd, _ = bench.run_command("erlang", "idle", {"n": "1000000", "name": "million"}, tmp_path)
    assert "+P" in cmd and int(cmd[cmd.index("+P") + 1]) >= 2000000 and "+S" not in cmd
    cmd, _ = bench.run_command("pyvm", "ring", {"hops": "5"}, tmp_path)
    assert cmd == [str(tmp_path / "c" / "ring"), "hops=5"]
    cmd, _ = bench.run_command("go", "ring", {"hops": "5"}, tmp_path)
    assert cmd == [str(tmp_path / "go" / "ring"), "hops=5"]


def test_peer_installation_needs_permission_and_root(monkeypatch):
    monkeypatch.delenv("PYVM_INSTALL_PEERS", raising=False)
    assert not bench.install_allowed(False) and bench.install_allowed(True)
    monkeypatch.setenv("PYVM_INSTALL_PEERS", "1")
    assert bench.install_allowed(False)
    monkeypatch.setenv("PYVM_INSTALL_PEERS", "0")
    assert not bench.install_allowed(False)
    assert bench.install_peers([], print) is None
    monkeypatch.setattr(bench.os, "geteuid", lambda: 1000)
    assert bench.install_peers(["go", "erlang"], print) == "not root: cannot apt-get install golang-go erlang-nox"


def test_max_map_count_is_only_raised_and_restored(tmp_path):
    f = tmp_path / "max_map_count"
    f.write_text("65530\n")
    assert bench.set_max_map_count(1000, f) == (None, None)  # never lowered
    assert f.read_text() == "65530\n"
    assert bench.set_max_map_count(2200000, f) == (65530, None)
    assert f.read_text() == "2200000\n"
    bench.set_max_map_count_back(65530, 2200000, f)
    assert f.read_text() == "65530\n"
    f.write_text("3000000\n")  # someone else changed it meanwhile: theirs stays
    bench.set_max_map_count_back(65530, 2200000, f)
    assert f.read_text() == "3000000\n"
    assert "cannot read" in bench.set_max_map_count(5, tmp_path / "absent")[1]


def test_run_once_records_failures(tmp_path):
    script = tmp_path / "prog.sh"
    script.write_text("#!/bin/sh\necho 'metric a_ns 5 ns'\necho oops >&2\nexit 3\n")
    script.chmod(0o755)
    run = bench.run_once([str(script)], dict(os.environ), 30, "a_ns")
    assert run.error == "exited 3: oops" and run.metrics == {"a_ns": 5.0} and run.stderr_tail == "oops"
    script.write_text("#!/bin/sh\necho 'metric b_ns 5 ns'\n")
    assert bench.run_once([str(script)], dict(os.environ), 30, "a_ns").error == "no `a_ns` metric in its output"
    script.write_text("#!/bin/sh\necho 'error only 3 of 9 actors'\nexit 1\n")
    assert bench.run_once([str(script)], dict(os.environ), 30, "a_ns").error == "only 3 of 9 actors"
    script.write_text("#!/bin/sh\nsleep 5\n")
    assert bench.run_once([str(script)], dict(os.environ), 0.2, "a_ns").error == "timed out after 0.2 s"


# --- reports --------------------------------------------------------------------------------------------


def test_reports(tmp_path):
    results = [
        _result("switch", bench.ImplResult("pyvm", _runs("switch_ns", [60, 65, 70])),
                go=bench.ImplResult("go", _runs("switch_ns", [100, 105])),
                erlang=bench.ImplResult("erlang", status="not installed")),
        _result("ring", bench.ImplResult("pyvm", _runs("ring_msgs_per_s", [5e6, 6e6], "msg/s"))),
        _result("gc", bench.ImplResult("pyvm", _runs("gc_pause_max_ns", [1e6, 2e6])),
                go=bench.ImplResult("go", status="n/a"), erlang=bench.ImplResult("erlang", status="n/a")),
    ]
    machine = {"date": "2026-01-01T00:00:00+00:00", "cpu_model": "Test CPU", "cpu_count": 2,
               "gcc_version": "gcc 12", "go_version": "go version go1.19.8", "otp_release": None,
               "pyvm_commit": "abc1234", "load_average": [0.1, 0.1, 0.1]}
    settings = {"repeat": 3, "quick": False, "gate": True}
    report = bench.build_report(results, settings, machine)
    md = bench.render_markdown(report, results)
    bench.write_reports(report, md, tmp_path / "r.json", tmp_path / "r.md")
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["summary"]["gate"] == "failed" and data["summary"]["exit_status"] == bench.EXIT_FAILED
    assert data["summary"]["failures"] == ["ring: ring of 1000 actors, 1000 tokens misses the gate ≥ 10 M msg/s"]
    sw = data["benchmarks"]["switch"]
    assert sw["results"]["pyvm"]["metrics"]["switch_ns"]["median"] == 65
    assert sw["results"]["pyvm"]["metrics"]["switch_ns"]["samples"] == [60, 65, 70]
    assert sw["results"]["go"]["metrics"]["switch_ns"]["min"] == 100
    assert sw["results"]["erlang"]["status"] == "not installed"
    assert sw["gates"][0]["passed"] is True and data["benchmarks"]["ring"]["gates"][0]["passed"] is False
    assert data["machine"]["cpu_model"] == "Test CPU"
    text = (tmp_path / "r.md").read_text()
    assert "| benchmark | PyVM | Go | Erlang | gate | result |" in text
    assert "| context switch, yield ping-pong (1 worker) | 65.0 ns (best 60.0 ns) | 102 ns (best 100 ns) | " \
           "not installed | < 100 ns | pass |" in text
    assert "| ring of 1000 actors, 1000 tokens | 5.5 M/s (best 6.0 M/s) | not installed | not installed | " \
           "≥ 10 M msg/s | FAIL |" in text
    assert "Erlang not installed" in text and "## Method" in text


def test_missing_peers_are_reported_not_hidden(tmp_path, monkeypatch, capsys):
    """No Go, no Erlang, no permission to install: the run goes on, and both say "not installed"."""
    monkeypatch.delenv("PYVM_INSTALL_PEERS", raising=False)
    monkeypatch.setattr(bench, "peers_missing", lambda: {"go": True, "erlang": True})
    monkeypatch.setattr(bench, "build_c", lambda programs, out: {p: None for p in programs})
    runs = []

    def fake_run(cmd, env, timeout, headline):
        runs.append(cmd)
        return bench.Run({headline: 150.0}, {headline: "ns"}, 0.1)

    monkeypatch.setattr(bench, "run_once", fake_run)
    status = bench.main(["--only", "latency_same", "--repeat", "2", "--gate", "--json", str(tmp_path / "r.json")])
    assert status == bench.EXIT_OK  # 150 ns < 200 ns
    assert len(runs) == 2 and all(Path(cmd[0]).name == "pingpong" for cmd in runs)
    data = json.loads((tmp_path / "r.json").read_text())
    results = data["benchmarks"]["latency_same"]["results"]
    assert results["go"]["status"] == results["erlang"]["status"] == "not installed"
    assert data["settings"]["peers"] == {"go": "not installed", "erlang": "not installed"}
    out = capsys.readouterr()
    assert "Go: not installed" in out.out and "Erlang: not installed" in out.out
    assert "Go is not installed" in out.err
    assert "| message latency, same worker (round trip / 2) | 150 ns (best 150 ns) | not installed | " \
           "not installed | < 200 ns | pass |" in (tmp_path / "r.md").read_text()


# --- one real benchmark, end to end ------------------------------------------------------------------


@needs_cc
def test_switch_benchmark_end_to_end(tmp_path):
    """Builds the runtime (cached) and perf/runtime/c/switch.c, runs it at --quick size through the
    command line, and checks its metric line reached the reports."""
    out = tmp_path / "r.json"
    done = subprocess.run([sys.executable, str(HERE / "bench.py"), "--only", "switch", "--quick", "--repeat", "1",
                           "--skip-peers", "--json", str(out)],
                          capture_output=True, text=True, timeout=240, env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(out.read_text())
    run = data["benchmarks"]["switch"]["results"]["pyvm"]["runs"][0]
    assert run["ok"], run
    assert "metric switch_ns " in run["stdout"]
    assert 0 < run["metrics"]["switch_ns"] < 1e6
    assert data["benchmarks"]["switch"]["results"]["go"]["status"] == "skipped"
    assert "context switch" in done.stdout and out.with_suffix(".md").is_file()
