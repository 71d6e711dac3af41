"""Suspending externs: a Python hook raises Suspend, the thread stops at the call with the call
pending, `resume(value)` delivers the result and the thread continues after the call."""

from __future__ import annotations

import pytest

from interp_helpers import interp

from pyvm.interp import KirError, Suspend

PROGRAM = """
    module "t"
    extern $wait(i64) -> i64
    extern $note(i64) -> void
    extern $nap() -> void
    func $main(%n: i64) -> i64 {
    @entry:
        %a: i64 = MUL %n, i64 10
        %w: i64 = CALL $wait(%a)
        %s: i64 = ADD %w, %n
        CALL $nap()
        %d: i64 = CALL $deep(%s, i64 3)
        CALL $note(%d)
        %r: i64 = ADD %d, %a
        RET %r
    }
    func $deep(%x: i64, %k: i64) -> i64 {
    @entry:
        %z: i1 = ICMP eq %k, i64 0
        JUMP_IF %z, @base, @rec
    @base:
        %v: i64 = CALL $wait(%x)
        RET %v
    @rec:
        %k1: i64 = SUB %k, i64 1
        %r: i64 = CALL $deep(%x, %k1)
        %r1: i64 = ADD %r, i64 1
        RET %r1
    }
"""


def make(log, suspend=True):
    def wait(x):
        log.append(("wait", x))
        raise Suspend(("wait", x))

    def nap():
        log.append("nap")
        raise Suspend("nap")

    def note(x):
        log.append(("note", x))

    names = {"wait", "nap"} if suspend else set()
    return interp(PROGRAM, externs={"wait": wait, "note": note, "nap": nap}, suspending=names)


def test_suspend_and_resume_delivers_results_at_every_depth():
    log = []
    it = make(log)
    t = it.spawn("main", [4])
    assert t.step(1000) is False
    assert t.pending is not None and t.request == ("wait", 40)
    assert "suspended" in repr(t)
    with pytest.raises(KirError, match="resume"):
        t.step(1000)
    t.resume(7)  # %w = 7, %s = 11
    assert t.step(1000) is False and t.request == "nap"
    t.resume()  # void
    assert t.step(1000) is False
    assert t.request == ("wait", 11) and len(t.frames) == 5  # main + 4 levels of $deep
    t.resume(100)
    assert t.step(1000) is True
    assert t.result == 100 + 3 + 40
    assert log == [("wait", 40), "nap", ("wait", 11), ("note", 103)]


def test_resume_converts_to_the_call_type_and_hooks_may_return_normally():
    calls = []

    def wait(x):
        calls.append(x)
        if x == 40:
            return x + 1  # a suspending hook that does not suspend this time
        raise Suspend(x)

    it = interp(PROGRAM, externs={"wait": wait, "note": lambda x: None, "nap": lambda: None},
                suspending={"wait", "nap"})
    t = it.spawn("main", [4])
    assert t.step(10_000) is False and t.request == 45  # 41 + 4
    t.resume((1 << 64) + 5)  # wrapped to i64
    while not t.step(3):
        pass
    assert t.result == 5 + 3 + 40


def test_run_refuses_a_suspended_thread_and_resume_needs_one():
    it = make([])
    t = it.spawn("main", [1])
    with pytest.raises(KirError, match="not suspended"):
        t.resume(1)
    with pytest.raises(KirError, match="suspended at"):
        t.run()


def test_a_suspend_from_an_undeclared_hook_is_an_error():
    it = make([], suspend=False)
    t = it.spawn("main", [1])
    with pytest.raises(KirError, match="not declared suspending"):
        t.step(1000)


def test_threads_interleave_with_suspension():
    it = make([])
    threads = [it.spawn("main", [n], name=f"t{n}") for n in (1, 2, 3)]
    waiting = {}
    while not all(t.done for t in threads):
        for t in threads:
            if t.done:
                continue
            if t.pending is not None:
                t.resume(waiting.get(t.name, 0))
                continue
            t.step(2)
            if t.pending is not None and isinstance(t.request, tuple):
                waiting[t.name] = t.request[1] * 2
    # wait(10n) -> 20n; s = 21n; deep: wait(21n) -> 42n, + 3; result + 10n
    assert [t.result for t in threads] == [42 * n + 3 + 10 * n for n in (1, 2, 3)]
