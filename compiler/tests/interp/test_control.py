"""Control flow and calls: PHIs (parallel copies), JUMP_IF, SWITCH, RET, direct and indirect calls,
recursion far deeper than Python's own stack."""

from __future__ import annotations

import pytest

from interp_helpers import interp

from pyvm.interp import KirTrap


def test_swapped_phis_on_a_back_edge():
    """%a and %b swap every iteration: each PHI must read its input before either is written."""
    it = interp("""
        module "t"
        func $f(%n: i64) -> i64 {
        @entry:
            JUMP @loop
        @loop:
            %a: i64 = PHI [i64 1, @entry], [%b, @loop]
            %b: i64 = PHI [i64 2, @entry], [%a, @loop]
            %i: i64 = PHI [i64 0, @entry], [%i2, @loop]
            %i2: i64 = ADD %i, i64 1
            %c: i1 = ICMP slt %i2, %n
            JUMP_IF %c, @loop, @out
        @out:
            %ten: i64 = MUL %a, i64 10
            %r: i64 = ADD %ten, %b
            RET %r
        }
    """)
    assert it.call("f", [1]) == 12
    assert it.call("f", [2]) == 21
    assert it.call("f", [7]) == 12


def test_phi_cycle_of_three_and_self_reference():
    it = interp("""
        module "t"
        func $f(%n: i64) -> i64 {
        @entry:
            JUMP @loop
        @loop:
            %x: i64 = PHI [i64 1, @entry], [%y, @loop]
            %y: i64 = PHI [i64 2, @entry], [%z, @loop]
            %z: i64 = PHI [i64 3, @entry], [%x, @loop]
            %k: i64 = PHI [i64 5, @entry], [%k, @loop]
            %i: i64 = PHI [i64 0, @entry], [%i2, @loop]
            %i2: i64 = ADD %i, i64 1
            %c: i1 = ICMP slt %i2, %n
            JUMP_IF %c, @loop, @out
        @out:
            %x100: i64 = MUL %x, i64 100
            %y10: i64 = MUL %y, i64 10
            %s: i64 = ADD %x100, %y10
            %s2: i64 = ADD %s, %z
            %s3: i64 = MUL %s2, %k
            RET %s3
        }
    """)
    want = {1: 123, 2: 231, 3: 312, 4: 123}
    for n, v in want.items():
        assert it.call("f", [n]) == v * 5


def test_phis_of_every_type_and_from_two_predecessors():
    it = interp("""
        module "t"
        func $f(%c: i1) -> f64 {
        @entry:
            JUMP_IF %c, @a, @b
        @a:
            %fa: f32 = SITOFP i64 3
            JUMP @join
        @b:
            JUMP @join
        @join:
            %x: f32 = PHI [%fa, @a], [f32 0.5, @b]
            %p: ptr = PHI [ptr null, @a], [$f, @b]
            %flag: i1 = PHI [i1 1, @a], [i1 0, @b]
            %isnull: i1 = ICMP eq %p, ptr null
            %agree: i1 = XOR %isnull, %flag
            JUMP_IF %agree, @bad, @good
        @good:
            %r: f64 = FPEXT %x
            RET %r
        @bad:
            UNREACHABLE
        }
    """)
    assert it.call("f", [1]) == 3.0
    assert it.call("f", [0]) == 0.5


def test_jump_if_to_the_same_block_twice_and_constant_condition():
    it = interp("""
        module "t"
        func $f(%c: i1) -> i64 {
        @entry:
            JUMP_IF %c, @next, @next
        @next:
            %v: i64 = PHI [i64 4, @entry]
            JUMP_IF i1 0, @no, @yes
        @no:
            RET i64 -1
        @yes:
            RET %v
        }
    """)
    assert it.call("f", [0]) == 4 and it.call("f", [1]) == 4


@pytest.mark.parametrize("t", ["i8", "i32", "i64"])
def test_switch(t):
    it = interp(f"""
        module "t"
        func $f(%x: {t}) -> i64 {{
        @entry:
            SWITCH %x, @other, [0: @zero, 1: @one, -5: @neg, 100: @one]
        @zero:
            RET i64 10
        @one:
            RET i64 11
        @neg:
            RET i64 12
        @other:
            RET i64 99
        }}
    """)
    assert [it.call("f", [x]) for x in (0, 1, -5, 100, 2, -1)] == [10, 11, 12, 11, 99, 99]


def test_switch_with_phis_on_its_edges():
    it = interp("""
        module "t"
        func $f(%x: i64) -> i64 {
        @entry:
            %y: i64 = MUL %x, i64 3
            SWITCH %x, @join, [1: @join, 2: @two, 3: @join]
        @two:
            JUMP @join
        @join:
            %r: i64 = PHI [%y, @entry], [i64 -7, @two]
            RET %r
        }
    """)
    assert [it.call("f", [x]) for x in (0, 1, 2, 3, 4)] == [0, 3, -7, 9, 12]


def test_switch_without_cases():
    it = interp("""
        module "t"
        func $f(%x: i16) -> i64 {
        @entry:
            SWITCH %x, @d, []
        @d:
            RET i64 5
        }
    """)
    assert it.call("f", [3]) == 5


def test_direct_calls_keep_registers_across_the_call():
    it = interp("""
        module "t"
        func $mix(%a: i64, %b: i32, %c: f64) -> f64 {
        @entry:
            %a2: f64 = SITOFP %a
            %b2: f64 = SITOFP %b
            %s: f64 = ADD %a2, %b2
            %r: f64 = MUL %s, %c
            RET %r
        }
        func $noop() -> void {
        @entry:
            RET
        }
        func $main(%x: i64) -> f64 {
        @entry:
            %before: i64 = MUL %x, i64 2
            %r1: f64 = CALL $mix(%x, i32 3, f64 0.5)
            CALL $noop()
            %r2: f64 = CALL $mix(%before, i32 -1, %r1)
            %b: f64 = SITOFP %before
            %s: f64 = ADD %r2, %b
            RET %s
        }
    """)
    x = 5
    r1 = (x + 3) * 0.5
    r2 = (2 * x - 1) * r1
    assert it.call("main", [x]) == r2 + 2 * x


def test_recursion_100k_deep():
    it = interp("""
        module "t"
        func $depth(%n: i64) -> i64 {
        @entry:
            %z: i1 = ICMP eq %n, i64 0
            JUMP_IF %z, @base, @rec
        @base:
            RET i64 0
        @rec:
            %m: i64 = SUB %n, i64 1
            %d: i64 = CALL $depth(%m)
            %r: i64 = ADD %d, i64 1
            RET %r
        }
    """)
    assert it.call("depth", [100_000]) == 100_000
    assert it.call("depth", [250_000]) == 250_000


def test_mutual_recursion_and_fib():
    it = interp("""
        module "t"
        func $even(%n: i64) -> i1 {
        @entry:
            %z: i1 = ICMP eq %n, i64 0
            JUMP_IF %z, @yes, @no
        @yes:
            RET i1 1
        @no:
            %m: i64 = SUB %n, i64 1
            %r: i1 = CALL $odd(%m)
            RET %r
        }
        func $odd(%n: i64) -> i1 {
        @entry:
            %z: i1 = ICMP eq %n, i64 0
            JUMP_IF %z, @yes, @no
        @yes:
            RET i1 0
        @no:
            %m: i64 = SUB %n, i64 1
            %r: i1 = CALL $even(%m)
            RET %r
        }
        func $fib(%n: i64) -> i64 {
        @entry:
            %small: i1 = ICMP slt %n, i64 2
            JUMP_IF %small, @base, @rec
        @base:
            RET %n
        @rec:
            %n1: i64 = SUB %n, i64 1
            %n2: i64 = SUB %n, i64 2
            %a: i64 = CALL $fib(%n1)
            %b: i64 = CALL $fib(%n2)
            %r: i64 = ADD %a, %b
            RET %r
        }
    """)
    assert it.call("even", [100_001]) == 0 and it.call("odd", [100_001]) == 1
    assert it.call("fib", [20]) == 6765


def test_indirect_calls_through_function_addresses():
    it = interp("""
        module "t"
        func $inc(%x: i64) -> i64 {
        @entry:
            %r: i64 = ADD %x, i64 1
            RET %r
        }
        func $dbl(%x: i64) -> i64 {
        @entry:
            %r: i64 = MUL %x, i64 2
            RET %r
        }
        func $apply(%f: ptr, %x: i64) -> i64 {
        @entry:
            %r: i64 = CALL %f(%x)
            RET %r
        }
        func $pick(%which: i1) -> ptr {
        @entry:
            %f: ptr = SELECT %which, $inc, $dbl
            RET %f
        }
        func $table() -> i64 {
        @entry:
            %t: ptr = ALLOCA 16, 8
            STORE $inc, %t, 8
            %t1: ptr = GEP %t, i64 1, 8, 0
            STORE $dbl, %t1, 8
            %f0: ptr = LOAD %t, 8
            %f1: ptr = LOAD %t1, 8
            %a: i64 = CALL %f0(i64 10)
            %b: i64 = CALL %f1(%a)
            RET %b
        }
        func $same() -> i1 {
        @entry:
            %a: ptr = COPY $inc
            %c: i1 = ICMP eq %a, $inc
            %d: i1 = ICMP ne $inc, $dbl
            %r: i1 = AND %c, %d
            RET %r
        }
    """)
    inc = it.call("pick", [1])
    dbl = it.call("pick", [0])
    assert inc != dbl and inc != 0
    assert it.call("apply", [inc, 5]) == 6 and it.call("apply", [dbl, 5]) == 10
    assert it.call("table") == 22
    assert it.call("same") == 1


def test_indirect_recursion_is_deep_too():
    it = interp("""
        module "t"
        func $down(%self: ptr, %n: i64) -> i64 {
        @entry:
            %z: i1 = ICMP sle %n, i64 0
            JUMP_IF %z, @base, @rec
        @base:
            RET i64 0
        @rec:
            %m: i64 = SUB %n, i64 1
            %d: i64 = CALL %self(%self, %m)
            %r: i64 = ADD %d, %n
            RET %r
        }
        func $main(%n: i64) -> i64 {
        @entry:
            %r: i64 = CALL $down($down, %n)
            RET %r
        }
    """)
    assert it.call("main", [100_000]) == 100_000 * 100_001 // 2


def test_void_function_and_result_unused():
    it = interp("""
        module "t"
        data $g = zero 8 align 8
        func $set(%v: i64) -> void {
        @entry:
            STORE %v, $g, 8
            RET
        }
        func $get() -> i64 {
        @entry:
            %v: i64 = LOAD $g, 8
            RET %v
        }
        func $main() -> i64 {
        @entry:
            CALL $set(i64 41)
            %unused: i64 = CALL $get()
            %v: i64 = CALL $get()
            %r: i64 = ADD %v, i64 1
            RET %r
        }
    """)
    assert it.call("set", [3]) is None
    assert it.call("main") == 42


def test_max_depth_traps_as_stack_overflow():
    it = interp("""
        module "t"
        func $forever(%n: i64) -> i64 {
        @entry:
            %r: i64 = CALL $forever(%n)
            RET %r
        }
    """, max_depth=1000)
    with pytest.raises(KirTrap, match="stack overflow") as exc:
        it.call("forever", [1])
    assert exc.value.function == "forever" and "CALL $forever" in exc.value.instr


# ---- blocks inlined into their only predecessor --------------------------------------------------

def test_long_chain_of_blocks_beyond_the_inlining_limit():
    n = 3000
    lines = ['module "t"', "func $f(%x: i64) -> i64 {", "@entry:", "    JUMP @b0"]
    for i in range(n):
        prev = "%x" if i == 0 else f"%v{i - 1}"
        lines += [f"@b{i}:", f"    %v{i}: i64 = ADD {prev}, i64 {i}", f"    JUMP @b{i + 1}"]
    lines += [f"@b{n}:", f"    RET %v{n - 1}", "}"]
    it = interp("\n".join(lines) + "\n")
    assert it.call("f", [5]) == 5 + sum(range(n))


def test_deeply_nested_true_branches():
    n = 60  # each block's true branch leads to the next test; false branches return
    lines = ['module "t"', "func $f(%x: i64) -> i64 {", "@entry:", "    JUMP @t0"]
    for i in range(n):
        lines += [f"@t{i}:", f"    %c{i}: i1 = ICMP sgt %x, i64 {i}", f"    JUMP_IF %c{i}, @t{i + 1}, @r{i}",
                  f"@r{i}:", f"    RET i64 {i}"]
    lines += [f"@t{n}:", "    RET i64 -1", "}"]
    it = interp("\n".join(lines) + "\n")
    assert [it.call("f", [x]) for x in (0, 1, 30, 59, 60, 1000)] == [0, 1, 30, 59, -1, -1]


def test_unreachable_cycle_of_single_predecessor_blocks():
    it = interp("""
        module "t"
        func $f() -> i64 {
        @entry:
            RET i64 3
        @a:
            JUMP @b
        @b:
            JUMP @a
        }
    """)
    assert it.call("f") == 3


def test_an_address_checked_in_one_branch_is_checked_again_in_the_other():
    it = interp("""
        module "t"
        func $f(%p: ptr, %c: i1) -> i64 {
        @entry:
            JUMP_IF %c, @yes, @no
        @yes:
            %a: i64 = LOAD %p, 8
            RET %a
        @no:
            %b: i64 = LOAD %p, 8
            RET %b
        }
    """)
    for c in (0, 1):
        with pytest.raises(KirTrap, match="null pointer") as exc:
            it.call("f", [0, c])
        assert exc.value.block == ("yes" if c else "no")


def test_calls_inside_inlined_blocks_resume_in_the_right_place():
    it = interp("""
        module "t"
        func $id(%x: i64) -> i64 {
        @entry:
            RET %x
        }
        func $f(%c: i1) -> i64 {
        @entry:
            %base: i64 = ADD i64 100, i64 0
            JUMP_IF %c, @one, @two
        @one:
            %a: i64 = CALL $id(i64 1)
            %a2: i64 = ADD %a, %base
            JUMP @join
        @two:
            %b: i64 = CALL $id(i64 2)
            %b2: i64 = CALL $id(%b)
            %b3: i64 = MUL %b2, %base
            JUMP @join
        @join:
            %r: i64 = PHI [%a2, @one], [%b3, @two]
            RET %r
        }
    """)
    assert it.call("f", [1]) == 101 and it.call("f", [0]) == 200


def test_calls_of_functions_with_many_register_slots():
    n = 24  # 24 PHIs: frames too big for the caller's inline list display
    phis = "\n".join(f"    %p{i}: i64 = PHI [i64 {i}, @entry], [%q{i}, @loop]" for i in range(n))
    steps = "\n".join(f"    %q{i}: i64 = ADD %p{i}, %p{(i + 1) % n}" for i in range(n))
    sums = "\n".join(f"    %s{i}: i64 = ADD %s{i - 1}, %q{i}" for i in range(1, n))
    it = interp(f"""
        module "t"
        func $many(%k: i64) -> i64 {{
        @entry:
            JUMP @loop
        @loop:
            %i: i64 = PHI [i64 0, @entry], [%i2, @loop]
{phis}
{steps}
            %i2: i64 = ADD %i, i64 1
            %c: i1 = ICMP slt %i2, %k
            JUMP_IF %c, @loop, @out
        @out:
            %s0: i64 = COPY %q0
{sums}
            RET %s{n - 1}
        }}
        func $main(%k: i64) -> i64 {{
        @entry:
            %a: i64 = CALL $many(%k)
            %f: ptr = COPY $many
            %b: i64 = CALL %f(%k)
            %r: i64 = SUB %a, %b
            RET %r
        }}
    """.replace("\n        ", "\n"))
    vals = list(range(n))
    for _ in range(3):
        vals = [vals[i] + vals[(i + 1) % n] for i in range(n)]
    assert it.call("many", [3]) == sum(vals)
    assert it.call("main", [3]) == 0
    assert it.layout(it.function_code("many")) > 16
