"""The language's actor glue (runtime/lang: coroutines, gather, send/receive with boxes, supervisors
built from ChildSpec/Supervisor values, trace lines), through runtime/tests/actors/test_lang.c: one
program per case run by pyvm_coro_run_main, stdout compared line by line.

Every case runs optimised in deterministic mode (two seeds) and with 4 worker threads, and under
ASan+UBSan and TSan; the output is the same every time (the protocols order it, not the schedule).
The boxes themselves (runtime/lang/dyn.c) are unit-tested by test_dyn.c (test_runtime_core.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pyvm.toolchain import runtime_build as rb

SOURCE = Path(__file__).resolve().parent / "actors" / "test_lang.c"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the runtime targets POSIX")

SUP_STOP = "top: terminate c\ntop: terminate b\ntop: terminate a\ntop: stop: shutdown\nsup ended: shutdown\n"

EXPECTED = {
    "spawn": "spawned: yes\ngot ('hello', 42), a tuple: 1\nfirst hello, second 42\ninline 25\nstatus 0\n",
    "gather": "[0, 1, 4, 9, 16]\n[]\n['a!', 'b!']\n['a!', 'b!']\n[9.0, 16.0]\nleft 0, none None\nstatus 0\n",
    # list order decides which crash is raised, not time: the first failing child crashes 30 ms later
    "gather_errors": "caught KeyError: 'missing'\ncaught ZeroDivisionError: division by zero\n"
                     "caught RuntimeError: custom\ncaught MemoryError\nleft 0\nstatus 0\n",
    "gather_crash": "status 1\n",
    "receive": "timeout: None, none 1\nwhere: 'a' 'b' None\nrest: 1 2.5 [7, 8]\ntypes: f L(i)\nsum 15\n"
               "down: custom\npid repr ok: 1\nregister 1, whereis self 1\nwhereis free 0\ntrap 0 1\nstatus 0\n",
    "one_for_one": "top: start a\ntop: start b\ntop: start c\nchildren 3\ncrash b\n"
                   "top: exit b: ZeroDivisionError: division by zero\ntop: restart b\ntop: start b\n"
                   + SUP_STOP + "status 0\n",
    "one_for_all": "top: start a\ntop: start b\ntop: start c\nchildren 3\ncrash b\n"
                   "top: exit b: ZeroDivisionError: division by zero\ntop: restart b\n"
                   "top: terminate c\ntop: terminate a\ntop: start a\ntop: start b\ntop: start c\n"
                   + SUP_STOP + "status 0\n",
    "rest_for_one": "top: start a\ntop: start b\ntop: start c\nchildren 3\ncrash b\n"
                    "top: exit b: ZeroDivisionError: division by zero\ntop: restart b\n"
                    "top: terminate c\ntop: start b\ntop: start c\n" + SUP_STOP + "status 0\n",
    "intensity": "supervisor: start a\ncrash a\nsupervisor: exit a: ZeroDivisionError: division by zero\n"
                 "supervisor: restart a\nsupervisor: start a\ncrash a\n"
                 "supervisor: exit a: ZeroDivisionError: division by zero\n"
                 "supervisor: shutdown: reached max restart intensity\nsupervisor: stop: shutdown\n"
                 "sup ended: shutdown\nstatus 0\n",
    "restart_types": "rt: start perm\nrt: start trans\nrt: start temp\nnormal trans\nrt: exit trans: normal\n"
                     "crash temp\nrt: exit temp: ZeroDivisionError: division by zero\nnormal perm\n"
                     "rt: exit perm: normal\nrt: restart perm\nrt: start perm\nchildren 2\n"
                     "terminate trans 1\nwhich trans 0\nrt: start trans\nrestart trans 1\ndelete trans 0\n"
                     "rt: terminate trans\nterminate trans 1\ndelete trans 1\nchildren 1\n"
                     "rt: terminate perm\nrt: stop: shutdown\nsup ended: shutdown\nstatus 0\n",
    # a nested supervisor has started its children before its parent goes on (OTP's synchronous start)
    "nested": "top: start db\npool: start w1\npool: start w2\ntop: start workers\npool is the workers child: 1\n"
              "crash w1\npool: exit w1: ZeroDivisionError: division by zero\npool: restart w1\n"
              "pool: terminate w2\npool: start w1\npool: start w2\nkill workers\n"
              "top: exit workers: killed\ntop: restart workers\npool: start w1\npool: start w2\n"
              "top: start workers\nnew pool: 1\n"
              "pool: terminate w2\npool: terminate w1\npool: stop: shutdown\n"
              "top: terminate workers\ntop: terminate db\ntop: stop: shutdown\nsup ended: shutdown\nstatus 0\n",
}

# stderr: the crash reports of actors (children first), ending with main's when main crashed
CRASH_REPORT = re.compile(r"Actor <pid 0\.\d+(?:\.\d+)?> crashed:\nTraceback \(most recent call last\):\n"
                          r'  File "main\.py", line (\d+), in (\w+)\n([A-Za-z]+(?:: .*)?)\n')
STDERR = {
    "gather_errors": {("7", "fail", "KeyError: 'missing'"), ("7", "fail", "ZeroDivisionError: division by zero"),
                      ("7", "fail", "MemoryError")},
    "gather_crash": {("7", "fail", "ZeroDivisionError: division by zero")},
    "one_for_one": {("3", "worker", "ZeroDivisionError: division by zero")},
}
LAST_REPORT = {"gather_crash": ("12", "main", "ZeroDivisionError: division by zero")}

SAN_ENV = {
    "address": {"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0",
                "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"},
    "thread": {"TSAN_OPTIONS": "halt_on_error=1:second_deadlock_stack=1:report_signal_unsafe=0"},
    None: {},
}


class Builds:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[str | None, Path] = {}

    def get(self, sanitize: str | None) -> Path:
        if sanitize not in self.built:
            exe = self.folder / f"test_lang-{sanitize or 'O2'}"
            lib = rb.runtime_library("static", sanitize=sanitize or False)
            cmd = [rb.compiler(), *rb.compile_flags(sanitize or False), "-Werror", str(SOURCE), str(lib),
                   *rb.link_flags(sanitize or False), "-o", str(exe)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            assert done.returncode == 0, f"building test_lang failed:\n{' '.join(cmd)}\n{done.stdout}{done.stderr}"
            self.built[sanitize] = exe
        return self.built[sanitize]


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    return Builds(tmp_path_factory.mktemp("lang-programs"))


def _run(exe: Path, case: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **env}
    for key in ("PYVM_DETERMINISTIC", "PYVM_WORKERS"):
        if key not in env:
            full.pop(key, None)
    return subprocess.run([str(exe), case], capture_output=True, text=True, env=full, timeout=300)


def _check_stderr(case: str, stderr: str) -> None:
    reports = CRASH_REPORT.findall(stderr)
    if case in STDERR:
        assert STDERR[case] <= set(reports), stderr
    if case in LAST_REPORT:
        assert reports and reports[-1] == LAST_REPORT[case], stderr
        assert stderr.endswith("ZeroDivisionError: division by zero\n"), stderr
    for marker in ("AddressSanitizer", "ThreadSanitizer", "runtime error:", "LeakSanitizer", "deadlock"):
        assert marker not in stderr, stderr[-6000:]


@pytest.mark.parametrize("mode", ["seed1", "seed7", "threads"])
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_lang_case(builds: Builds, case: str, mode: str) -> None:
    env = {"PYVM_DETERMINISTIC": mode[4:]} if mode.startswith("seed") else {"PYVM_WORKERS": "4"}
    done = _run(builds.get(None), case, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == EXPECTED[case]
    _check_stderr(case, done.stderr)


@pytest.mark.parametrize("sanitize", ["address", "thread"])
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_lang_case_sanitized(builds: Builds, case: str, sanitize: str) -> None:
    env = {**SAN_ENV[sanitize], "PYVM_WORKERS": "2", "PYVM_TEST_SANITIZER": sanitize}
    done = _run(builds.get(sanitize), case, env)
    assert done.returncode == 0, done.stdout + done.stderr[-6000:]
    assert done.stdout == EXPECTED[case], done.stdout + done.stderr[-6000:]
    _check_stderr(case, done.stderr)
