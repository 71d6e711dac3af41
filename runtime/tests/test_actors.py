"""The actor runtime (runtime/ctx, sched, actor, mailbox, message, supervisor), tested through C
programs in runtime/tests/actors/, each a list of named cases run one per pytest test:

    test_ctx.c         the context switch alone, on the host and (qemu-user) aarch64, riscv64, armv7
    test_sched.c       spawn/exit, yield, ping-pong, stealing, parking, hibernation, fairness, deterministic mode
    test_mailbox.c     per-sender FIFO under 4 producers, selective receive, timeouts, copies, registry
    test_failure.c     crash isolation (raise, stack overflow, heap exhaustion, exit, kill), links, monitors
    test_supervisor.c  OTP supervisor semantics, event traces compared in deterministic mode
    test_stress.c      many actors and messages with random crashes and restarts; nothing lost or leaked

Every case runs on the optimised build and, smaller, under ASan+UBSan and under TSan. Sizes: the
default run is reduced; `--runtime-full` (or PYVM_RUNTIME_FULL=1) runs the full sizes (100k actors,
10M messages). `--runtime-sanitize=address|thread` (or PYVM_RUNTIME_SANITIZE) runs only that
sanitizer build at full size (nox -s runtime_asan / runtime_tsan).

Cross-architecture context switches need `<arch>-linux-gnu-gcc` and `qemu-<arch>` on PATH (Debian:
gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu gcc-arm-linux-gnueabihf qemu-user); without them the test
is skipped with the reason, or fails when PYVM_CROSS_TESTS=1 demands them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pyvm.toolchain import runtime_build as rb

ACTORS = Path(__file__).resolve().parent / "actors"
RUNTIME = rb.RUNTIME_DIR

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the runtime targets POSIX")

# (program, case): (fast size, full size); 0 = the case has no size.
CASES: dict[tuple[str, str], tuple[int, int]] = {
    ("test_sched", "pid_values"): (0, 0),
    ("test_sched", "stale_pid"): (0, 0),
    ("test_sched", "spawn_exit"): (20000, 200000),
    ("test_sched", "spawn_arg"): (0, 0),
    ("test_sched", "yield"): (100000, 2000000),
    ("test_sched", "pingpong"): (20000, 1000000),
    ("test_sched", "stealing"): (2000, 20000),
    ("test_sched", "parking"): (0, 0),
    ("test_sched", "hibernation"): (2000, 20000),
    ("test_sched", "fairness"): (2000, 20000),
    ("test_sched", "deterministic"): (0, 0),
    ("test_sched", "timeouts"): (0, 0),
    ("test_sched", "virtual_time"): (0, 0),
    ("test_mailbox", "fifo"): (400000, 10000000),
    ("test_mailbox", "selective"): (0, 0),
    ("test_mailbox", "selective_wait"): (0, 0),
    ("test_mailbox", "copies"): (0, 0),
    ("test_mailbox", "registry"): (0, 0),
    ("test_failure", "isolation"): (0, 0),
    ("test_failure", "links"): (0, 0),
    ("test_failure", "mass_crash"): (300, 3000),
    ("test_failure", "demonitor_race"): (2000, 20000),
    ("test_supervisor", "strategies"): (0, 0),
    ("test_supervisor", "restart_types"): (0, 0),
    ("test_supervisor", "intensity"): (0, 0),
    ("test_supervisor", "trees"): (0, 0),
    ("test_stress", "waves"): (8000, 100000),
    ("test_stress", "chaos"): (200, 1000),
}
# Under a sanitizer the fast sizes shrink further (10x slower code, 2 cores).
SANITIZED_SIZE = {"spawn_exit": 2000, "yield": 20000, "pingpong": 5000, "stealing": 400, "fairness": 500, "hibernation": 200,
                  "fifo": 40000, "mass_crash": 60, "demonitor_race": 300, "waves": 2000, "chaos": 100}
SAN_ENV = {
    "address": {"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0",
                "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"},
    "thread": {"TSAN_OPTIONS": "halt_on_error=1:second_deadlock_stack=1:report_signal_unsafe=0"},
    None: {},
}


def _full(config: pytest.Config) -> bool:
    return bool(config.getoption("--runtime-full", False)) or os.environ.get("PYVM_RUNTIME_FULL") == "1"


def _only_sanitizer(config: pytest.Config) -> str | None:
    return config.getoption("--runtime-sanitize", None) or os.environ.get("PYVM_RUNTIME_SANITIZE") or None


class Builds:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[tuple[str, str | None], Path] = {}

    def get(self, name: str, sanitize: str | None) -> Path:
        key = (name, sanitize)
        if key not in self.built:
            exe = self.folder / f"{name}-{sanitize or 'O2'}"
            lib = rb.runtime_library("static", sanitize=sanitize or False)
            cmd = [rb.compiler(), *rb.compile_flags(sanitize or False), "-Werror", str(ACTORS / f"{name}.c"),
                   str(lib), *rb.link_flags(sanitize or False), "-o", str(exe)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            assert done.returncode == 0, f"building {name} failed:\n{' '.join(cmd)}\n{done.stdout}{done.stderr}"
            self.built[key] = exe
        return self.built[key]


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    return Builds(tmp_path_factory.mktemp("actor-programs"))


def _variants(config: pytest.Config) -> list[str | None]:
    only = _only_sanitizer(config)
    return [only] if only else [None, "address", "thread"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "actor_case" in metafunc.fixturenames:
        params = [pytest.param((prog, case, san), id=f"{prog[5:]}-{case}-{san or 'O2'}")
                  for san in _variants(metafunc.config) for (prog, case) in CASES]
        metafunc.parametrize("actor_case", params)


def test_actor_case(builds: Builds, actor_case: tuple[str, str, str | None], request: pytest.FixtureRequest) -> None:
    prog, case, san = actor_case
    fast, full = CASES[(prog, case)]
    size = full if (_full(request.config) or _only_sanitizer(request.config)) else fast
    if san and not (_full(request.config) or _only_sanitizer(request.config)):
        size = SANITIZED_SIZE.get(case, size)
    env = {**os.environ, **SAN_ENV[san]}
    env.pop("PYVM_DETERMINISTIC", None)
    env.pop("PYVM_WORKERS", None)
    if san:
        env["PYVM_TEST_SANITIZER"] = san
    if case == "waves" and not _full(request.config):
        env.setdefault("PYVM_STRESS_PER", "20")
    args = [str(builds.get(prog, san)), case] + ([str(size)] if size else [])
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=1800)
    out = done.stdout + done.stderr
    print(done.stdout)  # the measured figures, visible with -s or on failure
    assert done.returncode == 0, out[-6000:]
    assert re.search(rf"^ok {case} ", done.stdout, re.M), out[-6000:]
    assert "checks passed" in done.stdout
    for marker in ("AddressSanitizer", "ThreadSanitizer", "runtime error:", "LeakSanitizer"):
        assert marker not in done.stderr, done.stderr[-6000:]


def test_crash_report_format(builds: Builds) -> None:
    """A crashing actor prints `Actor <pid 0.N> crashed:` (`<pid 0.N.G>` once its record was reused)
    and the runtime's traceback, nothing else."""
    done = subprocess.run([str(builds.get("test_failure", None)), "isolation"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^Actor <pid 0\.\d+(?:\.\d+)?> crashed:\nTraceback \(most recent call last\):\n"
                     r'  File "main\.py", line 7, in divide\nZeroDivisionError: division by zero\n',
                     done.stderr, re.M), done.stderr
    assert re.search(r'^Actor <pid 0\.\d+(?:\.\d+)?> crashed:\nTraceback \(most recent call last\):\n'
                     r'  File "main\.py", line 3, in recurse\nRecursionError: maximum recursion depth exceeded\n',
                     done.stderr, re.M), done.stderr
    assert "[Previous line repeated 997 more times]" in done.stderr


def test_stats_printed_at_exit(builds: Builds) -> None:
    env = {**os.environ, "PYVM_STATS": "1"}
    done = subprocess.run([str(builds.get("test_sched", None)), "spawn_exit", "100"], capture_output=True,
                          text=True, env=env, timeout=120)
    # The test program starts the runtime with its own config (stats off), so drive the env path:
    assert done.returncode == 0, done.stderr
    env_run = subprocess.run([str(builds.get("test_stats", None))], capture_output=True, text=True, env=env,
                             timeout=120)
    assert env_run.returncode == 0, env_run.stderr
    # 100 echo actors + main + the runtime's watcher of main (its DOWN is the 201st message)
    assert re.search(r"\[Green Thread Scheduler\]\n  Workers: 3\n  Green Threads: 102 spawned, 102 exited, "
                     r"0 restarted\n  Messages: 201 sent, 201 received\n", env_run.stderr), env_run.stderr
    assert re.search(r"  GC: Per-thread, \d+ runs, pause p50 [\d.]+ ms, max [\d.]+ ms\n", env_run.stderr)


def test_public_header_is_self_contained(tmp_path: Path) -> None:
    src = tmp_path / "only_actors.c"
    src.write_text('#include "pyvm/actors.h"\nint use(void) { return (int)sizeof(pyvm_actor_stats); }\n')
    cmd = [rb.compiler(), "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-I",
           str(rb.runtime_include_dir()), "-c", str(src), "-o", str(tmp_path / "only_actors.o")]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_loading_starts_nothing() -> None:
    """The .so is loaded into the compiler's process: no thread, no signal handler until start."""
    code = (
        "import ctypes, signal, threading, os, sys\n"
        "from pyvm.toolchain import runtime_build as rb\n"
        "before = signal.getsignal(signal.SIGSEGV)\n"
        "n = len(os.listdir('/proc/self/task'))\n"
        "lib = ctypes.CDLL(str(rb.runtime_library('shared')))\n"
        "lib.pyvm_rt_init()\n"
        "assert len(os.listdir('/proc/self/task')) == n\n"
        "assert signal.getsignal(signal.SIGSEGV) == before\n"
        "assert lib.pyvm_actors_start(None) == 0\n"
        "assert len(os.listdir('/proc/self/task')) > n\n"
        "assert lib.pyvm_actors_wait() == 0\n"
        "lib.pyvm_actors_stop()\n"
        "assert len(os.listdir('/proc/self/task')) == n\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(rb.__file__).resolve().parents[2])})
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stdout + done.stderr


# ---------------------------------------------------------------------------------------------
# the context switch on every architecture

CROSS = {
    "x86_64": (None, None),
    "aarch64": ("aarch64-linux-gnu-gcc", "qemu-aarch64"),
    "riscv64": ("riscv64-linux-gnu-gcc", "qemu-riscv64"),
    "armv7": ("arm-linux-gnueabihf-gcc", "qemu-arm"),
}


@pytest.mark.parametrize("arch", sorted(CROSS))
def test_context_switch(arch: str, tmp_path: Path) -> None:
    sources = [str(ACTORS / "test_ctx.c"), str(RUNTIME / "ctx" / "ctx.c"),
               *map(str, sorted((RUNTIME / "ctx").glob("ctx_*.S")))]
    exe = tmp_path / f"test_ctx-{arch}"
    gcc, qemu = CROSS[arch]
    if gcc is None:
        import platform
        if platform.machine() != "x86_64":
            pytest.skip(f"host is {platform.machine()}")
        cmd, run = [rb.compiler(), "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", *sources, "-lm", "-o", str(exe)], [str(exe)]
    else:
        missing = [tool for tool in (gcc, qemu) if shutil.which(tool) is None]
        if missing:
            reason = (f"{arch}: {', '.join(missing)} not on PATH (Debian: apt-get install gcc-aarch64-linux-gnu "
                      "gcc-riscv64-linux-gnu gcc-arm-linux-gnueabihf qemu-user)")
            if os.environ.get("PYVM_CROSS_TESTS") == "1":
                pytest.fail(reason + "; PYVM_CROSS_TESTS=1 requires it")
            print("SKIPPED:", reason)
            pytest.skip(reason)
        cmd = [gcc, "-std=c11", "-O2", "-static", "-Wall", "-Wextra", "-Werror", *sources, "-lm", "-o", str(exe)]
        run = [qemu, str(exe)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    done = subprocess.run(run, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "checks passed" in done.stdout
