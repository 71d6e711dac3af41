"""Threads: each its own frame stack, stepped round-robin by budget over one shared Interpreter."""

from __future__ import annotations

import time

import pytest

from interp_helpers import interp

from pyvm.interp import KirTrap

COUNTERS = """
    module "t"
    data $log = zero 800 align 8
    data $next = zero 8 align 8
    func $work(%id: i64, %n: i64) -> i64 {
    @entry:
        JUMP @loop
    @loop:
        %i: i64 = PHI [i64 0, @entry], [%i2, @loop]
        %slot: i64 = ATOMIC_RMW add $next, i64 1, seq_cst
        %p: ptr = GEP $log, %slot, 8, 0
        STORE %id, %p, 8
        %d: i64 = CALL $deep(%id, i64 5)
        %i2: i64 = ADD %i, i64 1
        %c: i1 = ICMP slt %i2, %n
        JUMP_IF %c, @loop, @done
    @done:
        %r: i64 = MUL %id, i64 1000
        RET %r
    }
    func $deep(%x: i64, %k: i64) -> i64 {
    @entry:
        %z: i1 = ICMP eq %k, i64 0
        JUMP_IF %z, @base, @rec
    @base:
        RET %x
    @rec:
        %k1: i64 = SUB %k, i64 1
        %r: i64 = CALL $deep(%x, %k1)
        RET %r
    }
"""


def test_round_robin_threads_interleave_and_finish():
    it = interp(COUNTERS)
    threads = [it.spawn("work", [tid, 20], name=f"t{tid}") for tid in (1, 2, 3)]
    rounds = 0
    while not all(t.done for t in threads):
        for t in threads:
            t.step(25)
        rounds += 1
    assert [t.result for t in threads] == [1000, 2000, 3000]
    assert rounds > 10  # they really took turns
    from pyvm.interp.memory import read_bytes
    log = [int.from_bytes(read_bytes(it.data_address("log") + 8 * i, 8), "little") for i in range(60)]
    assert sorted(log) == [1] * 20 + [2] * 20 + [3] * 20
    assert log != sorted(log)  # interleaved, not one thread after another
    assert all(t.steps > 0 for t in threads)


def test_step_always_makes_progress_and_counts_steps():
    it = interp(COUNTERS)
    t = it.spawn("work", [1, 3])
    n = 0
    while not t.step(1):
        n += 1
        assert n < 10_000
    assert t.result == 1000
    u = it.spawn("work", [2, 3])
    u.run()
    assert t.steps == u.steps


def test_a_thread_stopped_mid_call_shows_its_stack():
    it = interp(COUNTERS)
    t = it.spawn("work", [1, 1])
    for _ in range(5):
        t.step(3)
    stack = t.stack()
    assert stack[0].function == "deep" and stack[-1].function == "work"
    assert len(stack) == len(t.frames)


def test_budget_trap_is_exact_and_threads_are_independent():
    it = interp(COUNTERS)
    a = it.spawn("work", [1, 100])
    with pytest.raises(KirTrap, match="step budget of 50 instructions"):
        a.run(max_steps=50)
    assert a.steps <= 50
    assert it.call("work", [2, 2]) == 2000


def test_sum_loop_speed():
    """The brief's yardstick: summing 1..1_000_000 in a KIR loop, well under 2 s."""
    it = interp("""
        module "t"
        func $sum(%n: i64) -> i64 {
        @entry:
            JUMP @loop
        @loop:
            %i: i64 = PHI [i64 1, @entry], [%i2, @loop]
            %s: i64 = PHI [i64 0, @entry], [%s2, @loop]
            %s2: i64 = ADD %s, %i
            %i2: i64 = ADD %i, i64 1
            %c: i1 = ICMP sle %i2, %n
            JUMP_IF %c, @loop, @exit
        @exit:
            RET %s2
        }
    """)
    start = time.perf_counter()
    assert it.call("sum", [1_000_000]) == 500_000_500_000
    assert time.perf_counter() - start < 2.0
