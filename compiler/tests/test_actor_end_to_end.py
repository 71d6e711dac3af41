"""Actor programs end to end. Crash isolation, natively: an actor that overflows its stack (a 64 KiB stack, real
overflow before the recursion limit), one that exhausts its heap limit, and one that divides by zero
each die alone with their error reported on stderr; the others finish and the program exits 0. And
seed 000's spelling: the primitives without an import, an `async def main()` without a __main__ guard,
on the interpreter, the JIT and natively."""

import os
import subprocess
import sys
import textwrap

import pytest

from pyvm import pipeline

PROGRAM = textwrap.dedent('''
from pyvm import Pid, monitor, receive, run, self_pid, send, spawn


def depth(n: int) -> int:
    if n == 0:
        return 0
    return 1 + depth(n - 1)


def hog(n: int) -> int:
    chunks: list[list[int]] = []
    for i in range(n):
        chunks.append([i] * 100000)
    return len(chunks)


async def deep() -> None:
    print(depth(900))


async def greedy() -> None:
    print(hog(1000))


async def divide(a: int, b: int) -> None:
    print(a // b)


async def steady(parent: Pid, k: int) -> None:
    total = 0
    for i in range(100000):
        total += i % k
    await send(parent, total)


async def main():
    from_deep = monitor(spawn(deep()))
    from_greedy = monitor(spawn(greedy()))
    me = self_pid()
    from_zero = monitor(spawn(divide(1, 0)))
    for k in [3, 7]:
        spawn(steady(me, k))
    got: list[int] = []
    reasons: list[str] = []
    for _ in range(5):
        msg = await receive()
        match msg:
            case int(n):
                got.append(n)
            case ("DOWN", int(ref), _, str(reason)):
                who = "deep" if ref == from_deep else "greedy" if ref == from_greedy else "zero"
                reasons.append(who + ": " + reason)
    print(sorted(got))
    for r in sorted(reasons):
        print(r)


if __name__ == "__main__":
    run(main())
''')


def test_crashing_actors_die_alone(tmp_path):
    (tmp_path / "main.py").write_text(PROGRAM)
    exe = tmp_path / "prog"
    pipeline.build(str(tmp_path), str(exe), "O2")
    env = dict(os.environ, PYVM_STACK_SIZE="65536", PYVM_HEAP_MAX="16M")
    done = subprocess.run([str(exe)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "[99999, 299995]",
        "deep: RecursionError: maximum recursion depth exceeded",
        "greedy: MemoryError",
        "zero: ZeroDivisionError: integer division or modulo by zero",
    ]
    reports = done.stderr.split("Actor <pid ")
    assert len(reports) == 4, done.stderr  # three crash reports, each with its banner and traceback
    last_lines = sorted(r.strip().splitlines()[-1] for r in reports[1:])
    assert last_lines == ["MemoryError", "RecursionError: maximum recursion depth exceeded",
                          "ZeroDivisionError: integer division or modulo by zero"]
    assert all("crashed:\nTraceback (most recent call last):" in r for r in reports[1:])


BARE = textwrap.dedent('''
    async def worker(id):
        parent: Pid = await receive()
        await send(parent, id * id)


    async def main():
        me = self_pid()
        pids = [spawn(worker(i)) for i in range(5)]
        for p in pids:
            await send(p, me)
        total = 0
        for _ in pids:
            n: int = await receive()
            total += n
        print("total", total)
    ''')


@pytest.mark.parametrize("how", ["interp", "jit", "native"])
def test_bare_primitives_and_async_main_without_guard(tmp_path, how):
    (tmp_path / "main.py").write_text(BARE)
    if how == "native":
        exe = tmp_path / "prog"
        pipeline.build(str(tmp_path), str(exe), "O2")
        cmd = [str(exe)]
    else:
        cmd = [sys.executable, "-m", "pyvm", "run", str(tmp_path)] + (["--jit"] if how == "jit" else [])
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, "total 30\n", "")


FAIR = textwrap.dedent('''
    def busy(n: int) -> int:
        t = 0
        for i in range(n):
            t = (t + i) % 1000003
        return t


    async def spinner() -> None:
        x = 0
        while True:  # never blocks: only the safepoints let the others run
            x = busy(1000)


    async def pinger(parent: Pid) -> None:
        for i in range(3):
            await sleep(0.002)
            await send(parent, i)


    async def main():
        spawn(spinner())
        spawn(spinner())
        spawn(pinger(self_pid()))
        got: list[int] = []
        for _ in range(3):
            n: int = await receive()
            got.append(n)
        print(got)
    ''')


@pytest.mark.parametrize("how", ["interp", "native-1-worker", "native-deterministic"])
def test_busy_actors_do_not_starve_a_sleeper(tmp_path, how):
    """Fair scheduling through safepoints; in the deterministic modes spent slices move the virtual
    clock, so the sleeper wakes although the run queue is never empty."""
    (tmp_path / "main.py").write_text(FAIR)
    env = dict(os.environ)
    if how == "interp":
        cmd = [sys.executable, "-m", "pyvm", "run", str(tmp_path)]
    else:
        exe = tmp_path / "prog"
        pipeline.build(str(tmp_path), str(exe), "O2")
        cmd = [str(exe)]
        env.update({"PYVM_WORKERS": "1"} if how == "native-1-worker" else {"PYVM_DETERMINISTIC": "7"})
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert (done.returncode, done.stdout) == (0, "[0, 1, 2]\n"), done.stderr
