"""Pids, spawn/send/receive, selective receive, timeouts, sleep, messages, gather, run's exit status."""

import asyncio
import time

import pytest
from plain_helpers import run_program

import pyvm
from pyvm.plain import EXPORTS, Pid
from pyvm.plain.clock import ActorLoop
from pyvm.plain.system import ActorSystem, check_sendable


def test_lazy_exports():
    import pyvm as p
    assert p._ACTOR_NAMES == frozenset(EXPORTS)
    assert pyvm.spawn is __import__("pyvm.plain", fromlist=["spawn"]).spawn
    with pytest.raises(AttributeError):
        pyvm.no_such_name  # noqa: B018


def test_pyvm_import_does_not_load_plain():
    import subprocess
    import sys
    code = "import sys, pyvm, pyvm.cli; print('pyvm.plain' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_pid_value_semantics():
    a, b = Pid(1), Pid(2)
    assert repr(a) == "<pid 0.1>" and str(b) == "<pid 0.2>"
    assert a == Pid(1) and a != b and a < b and not b < a and hash(a) == hash(Pid(1))
    assert sorted([b, a]) == [a, b]
    match b:
        case Pid(p):
            assert p is b
    assert a != 1


def test_sendable_values():
    check_sendable((1, 2.0, True, None, "s", Pid(3), [1], {"a": (1,)}))
    for bad in [{1, 2}, object(), lambda: 0, b"x", [1, {2}]]:
        with pytest.raises(TypeError):
            check_sendable(bad)


def test_ping_pong_and_pids(tmp_path):
    r = run_program(tmp_path, """
        async def echo():
            while True:
                m = await receive()
                match m:
                    case ("ping", Pid(p), int(n)):
                        await send(p, ("pong", n))
                    case "stop":
                        return

        async def main():
            e = spawn(echo())
            print(self_pid(), e, self_pid() < e)
            for i in range(3):
                send(e, ("ping", self_pid(), i))
                print(await receive())
            send(e, "stop")
    """)
    assert r.status == 0, r.err
    assert r.lines == ["<pid 0.1> <pid 0.2> True", "('pong', 0)", "('pong', 1)", "('pong', 2)"]


def test_selective_receive_keeps_order(tmp_path):
    r = run_program(tmp_path, """
        async def main():
            me = self_pid()
            for m in [1, "a", 2, "b", 3]:
                send(me, m)
            print(await receive(where=lambda m: isinstance(m, str)))
            print(await receive(where=lambda m: m == 3))
            print(await receive(where=lambda m: m == 99, timeout=0))
            rest = []
            for _ in range(3):
                rest.append(await receive())
            print(rest)
    """)
    assert r.status == 0, r.err
    assert r.lines == ["a", "3", "None", "[1, 2, 'b']"]


def test_timeouts_and_sleep_on_virtual_clock(tmp_path):
    r = run_program(tmp_path, """
        async def sleeper(n: int, parent: Pid):
            await sleep(n * 10)
            send(parent, n)

        async def main():
            for n in [3, 1, 2]:
                spawn(sleeper(n, self_pid()))
            print(await receive(timeout=0.5))
            got = []
            for _ in range(3):
                got.append(await receive(timeout=100))
            print(got)
            print(await receive(timeout=1000))
    """)
    assert r.status == 0, r.err
    assert r.lines == ["None", "[1, 2, 3]", "None"]


def test_virtual_clock_does_not_wait():
    loop = ActorLoop(virtual=True)
    system = ActorSystem(loop)

    async def main():
        await system.sleep(3600)
        return await system.receive(timeout=7200)

    t0 = time.monotonic()
    assert system.run(main()) == 0
    assert time.monotonic() - t0 < 5


def test_real_clock_sleep(tmp_path):
    r = run_program(tmp_path, """
        async def main():
            await sleep(0.05)
            print(await receive(timeout=0.05))
    """, deterministic=False)
    assert (r.status, r.lines) == (0, ["None"])


def test_messages_are_copied(tmp_path):
    r = run_program(tmp_path, """
        async def holder(parent: Pid):
            m = await receive()
            await sleep(1)
            send(parent, m)

        async def main():
            h = spawn(holder(self_pid()))
            data = {"xs": [1, 2], "t": (3, [4])}
            send(h, data)
            data["xs"].append(99)
            data["t"][1].append(5)
            print(await receive())
            print(data)
    """)
    assert r.status == 0, r.err
    assert r.lines == ["{'xs': [1, 2], 't': (3, [4])}", "{'xs': [1, 2, 99], 't': (3, [4, 5])}"]


def test_send_of_unsendable_raises(tmp_path):
    r = run_program(tmp_path, """
        async def main():
            send(self_pid(), {1, 2})
    """)
    assert r.status == 1 and r.last_err.startswith("TypeError: cannot send")


def test_send_without_await_and_to_dead_pid(tmp_path):
    r = run_program(tmp_path, """
        async def quick():
            return

        async def main():
            p = spawn(quick())
            await sleep(1)
            send(p, "lost")
            await send(p, "lost too")
            send(None, 1)
            print("ok")
    """)
    assert (r.status, r.lines) == (0, ["ok"])


def test_gather_results_in_order(tmp_path):
    r = run_program(tmp_path, """
        async def worker(i: int) -> int:
            await sleep(10 - i)
            return i * i

        async def main():
            results = await gather([worker(i) for i in range(10)])
            print(results)
            print(await gather([]))
    """)
    assert (r.status, r.lines) == (0, ["[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]", "[]"])


def test_gather_reraises_first_crashed_child_in_list_order(tmp_path):
    r = run_program(tmp_path, """
        async def ok(i: int) -> int:
            return i

        async def bad(i: int) -> int:
            await sleep(i)
            if i == 2:
                return [1][5]
            return 10 // (i - i)

        async def main():
            print("before")
            await gather([ok(0), bad(2), bad(1), ok(3)])
            print("not reached")
    """)
    assert r.status == 1
    assert r.lines == ["before"]
    assert r.last_err == "IndexError: list index out of range"
    assert r.err.count("crashed:") == 3  # both children and main
    assert "Actor <pid 0.1> crashed:" in r.err


def test_crash_isolated_and_reported(tmp_path):
    r = run_program(tmp_path, """
        async def bad():
            print(1 / 0)

        async def good(parent: Pid):
            await sleep(1)
            send(parent, "good done")

        async def main():
            spawn(bad())
            spawn(good(self_pid()))
            print(await receive())
    """)
    assert r.status == 0
    assert r.lines == ["good done"]
    assert r.err.startswith("Actor <pid 0.2> crashed:\nTraceback (most recent call last):\n")
    assert 'line 7, in bad' in r.err and "pyvm/plain" not in r.err
    assert r.last_err == "ZeroDivisionError: division by zero"


def test_main_crash_exits_1_and_kills_others(tmp_path):
    r = run_program(tmp_path, """
        async def forever():
            await sleep(1000)
            print("never")

        async def main():
            spawn(forever())
            raise ValueError("bad input")
    """)
    assert r.status == 1 and r.out == ""
    assert r.err.startswith("Actor <pid 0.1> crashed:") and r.last_err == "ValueError: bad input"


def test_main_exit_reason(tmp_path):
    r = run_program(tmp_path, """
        async def main():
            exit("normal")
    """)
    assert (r.status, r.err) == (0, "")
    r = run_program(tmp_path, """
        async def main():
            exit("shutdown")
    """)
    assert (r.status, r.err) == (1, "")


def test_deadlock_reported(tmp_path):
    r = run_program(tmp_path, """
        async def main():
            print("waiting")
            await receive()
    """, deterministic=False)
    assert r.status == 1 and r.lines == ["waiting"]
    assert r.last_err == "pyvm: deadlock: every actor is waiting for a message that nothing can send"


def test_outside_actor_calls_raise():
    with pytest.raises(RuntimeError):
        pyvm.spawn(None)
    assert pyvm.self_pid() is None
    with pytest.raises(RuntimeError):
        pyvm.whereis("x")


def test_inline_await_and_nested_coroutines(tmp_path):
    r = run_program(tmp_path, """
        async def helper(x: int) -> int:
            await sleep(1)
            return x + 1

        async def main():
            print(await helper(1))
            c = helper(5)
            print(await c)
    """)
    assert (r.status, r.lines) == (0, ["2", "6"])


def test_system_api_for_interpreters():
    """ActorExit/ActorCrashed end an actor without a report; custom writers; uncopied messages."""
    reports, traces = [], []
    system = ActorSystem(ActorLoop(virtual=True), trace_writer=traces.append,
                         crash_reporter=lambda pid, exc: reports.append((pid, repr(exc))))

    class Box:
        def __deepcopy__(self, memo):
            return self

    box = Box()
    seen = []

    async def exits():
        raise pyvm.plain.system.ActorExit("custom")

    async def crashes():
        raise pyvm.plain.system.ActorCrashed("ValueError: x", already_reported=True)

    async def raises():
        raise KeyError("k")

    async def main():
        me = system.self_pid()
        p1, r1 = system.spawn_monitor(exits())
        p2, r2 = system.spawn_monitor(crashes())
        p3, r3 = system.spawn_monitor(raises())
        for _ in range(3):
            seen.append(await system.receive())
        system.send(me, box)
        seen.append(await system.receive())
        got = []
        system.spawn(echo_back(me), on_return=got.append)
        seen.append(await system.receive())
        await asyncio.sleep(0)
        seen.append(got)

    async def echo_back(to):
        system.send(to, "hi")
        return 42

    assert system.run(main()) == 0
    assert [m[3] for m in seen[:3]] == ["custom", "ValueError: x", "KeyError: 'k'"]
    assert seen[3] is box and seen[4] == "hi" and seen[5] == [42]
    assert reports == [(Pid(4), "KeyError('k')")]
