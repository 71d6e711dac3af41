"""Undefined behaviour traps with a KirTrap naming the function, block and instruction, never a crash."""

from __future__ import annotations

import pytest

from interp_helpers import interp, module

from pyvm.interp import Interpreter, KirError, KirTrap


def trap_of(text: str, fn: str = "f", args=(), **kw) -> KirTrap:
    it = interp(text, **kw)
    with pytest.raises(KirTrap) as exc:
        it.call(fn, list(args))
    return exc.value


def in_body(body: str, ret: str = "i64", params: str = "", extra: str = "") -> str:
    lines = "\n".join("    " + line.strip() for line in body.strip().splitlines())
    return f'module "t"\n{extra}\nfunc $f({params}) -> {ret} {{\n@entry:\n    JUMP @work\n@work:\n{lines}\n}}\n'


ARITH = [
    ("%r: i64 = DIV %a, %b", [1, 0], "division by zero"),
    ("%r: i64 = DIV %a, %b", [-(2**63), -1], "signed division overflow"),
    ("%r: i64 = REM %a, %b", [5, 0], "remainder by zero"),
    ("%r: i64 = REM %a, %b", [-(2**63), -1], "signed remainder overflow"),
    ("%r: i64 = UDIV %a, %b", [5, 0], "division by zero"),
    ("%r: i64 = UREM %a, %b", [5, 0], "remainder by zero"),
    ("%r: i64 = SHL %a, %b", [1, 64], "shift by 64"),
    ("%r: i64 = SHR %a, %b", [1, -1], "shift by"),
    ("%r: i64 = LSHR %a, %b", [1, 65], "shift by 65"),
]


@pytest.mark.parametrize("instr, args, message", ARITH)
def test_arithmetic_traps(instr, args, message):
    trap = trap_of(in_body(f"{instr}\nRET %r", params="%a: i64, %b: i64"), args=args)
    assert message in trap.reason
    assert (trap.function, trap.block, trap.index) == ("f", "work", 0)
    assert trap.instr == instr
    assert "$f @work #0" in str(trap)


@pytest.mark.parametrize("x", [1e300, -1e300, float("nan"), float("inf"), 2.0**63, -(2.0**63) - 4096])
def test_fptosi_out_of_range(x):
    trap = trap_of(in_body("%r: i64 = FPTOSI %x\nRET %r", params="%x: f64"), args=[x])
    assert "FPTOSI" in trap.reason and trap.instr == "%r: i64 = FPTOSI %x"


def test_fptoui_negative():
    trap = trap_of(in_body("%r: i8 = FPTOUI %x\nRET %r", ret="i8", params="%x: f64"), args=[-1.0])
    assert "FPTOUI" in trap.reason


@pytest.mark.parametrize("addr, message", [
    ("ptr null", "through a null pointer"),
    ("ptr 8", "unmapped first page"),
    ("$f", "the address of function $f"),
    ("ptr 72057594037927937", "not an address of user memory"),
])
@pytest.mark.parametrize("op", ["load", "store"])
def test_bad_addresses(op, addr, message):
    body = (f"%r: i64 = LOAD {addr}, 1\nRET %r" if op == "load" else f"STORE i64 1, {addr}, 1\nRET i64 0")
    trap = trap_of(in_body(body))
    assert f"{op} of i64" in trap.reason and message in trap.reason
    assert trap.block == "work" and trap.index == 0


def test_bad_address_in_a_register():
    trap = trap_of(in_body("%p: ptr = INT2PTR %a\n%r: i32 = LOAD %p, 4\nRET %r", ret="i32", params="%a: i64"),
                   args=[16])
    assert "load of i32" in trap.reason and trap.index == 1


def test_loading_through_a_function_address_in_a_register():
    trap = trap_of(in_body("%p: ptr = COPY $f\n%r: i8 = LOAD %p, 1\nRET %r", ret="i8"))
    assert "address of function $f" in trap.reason


def test_misaligned_load_and_store():
    text = in_body("%a: ptr = ALLOCA 16, 8\n%p: ptr = GEP %a, i64 1, 1, 0\n%r: i64 = LOAD %p, 8\nRET %r")
    trap = trap_of(text)
    assert "misaligned load of i64" in trap.reason and "8-byte aligned" in trap.reason
    text = in_body("%a: ptr = ALLOCA 16, 8\n%p: ptr = GEP %a, i64 2, 1, 0\nSTORE i32 1, %p, 4\nRET i64 0")
    assert "misaligned store of i32" in trap_of(text).reason


@pytest.mark.parametrize("body, message", [
    ("MEMSET ptr null, i8 0, i64 4, 1", "MEMSET through a null pointer"),
    ("MEMSET $f, i8 0, i64 4, 1", "address of function $f"),
    ("%a: ptr = ALLOCA 8, 8\nMEMSET %a, i8 0, i64 -1, 1", "negative size"),
    ("%a: ptr = ALLOCA 8, 8\nMEMCPY %a, ptr null, i64 8, 1", "MEMCPY source through a null pointer"),
    ("%a: ptr = ALLOCA 8, 8\nMEMCPY ptr 16, %a, i64 8, 1", "MEMCPY destination"),
    ("%a: ptr = ALLOCA 16, 8\n%b: ptr = GEP %a, i64 4, 1, 0\nMEMCPY %a, %b, i64 8, 1", "overlapping"),
])
def test_bulk_memory_traps(body, message):
    trap = trap_of(in_body(body + "\nRET i64 0"))
    assert message in trap.reason
    assert trap.instr.startswith(("MEMSET", "MEMCPY"))


def test_atomic_through_null():
    trap = trap_of(in_body("%r: i64 = ATOMIC_RMW add ptr null, i64 1, seq_cst\nRET %r"))
    assert "ATOMIC_RMW of i64 through a null pointer" in trap.reason
    trap = trap_of(in_body("%r: i64 = ATOMIC_CMP_XCHG ptr null, i64 1, i64 2, seq_cst, seq_cst\nRET %r"))
    assert "null" in trap.reason
    trap = trap_of(in_body("%r: i32 = ATOMIC_LOAD ptr null, acquire\nRET %r", ret="i32"))
    assert "atomic load of i32 through a null pointer" in trap.reason


def test_unreachable():
    trap = trap_of(in_body("UNREACHABLE"))
    assert trap.reason == "reached UNREACHABLE" and trap.instr == "UNREACHABLE"


def test_falling_off_a_block():
    m = module("""
        module "t"
        func $f() -> i64 {
        @entry:
            %x: i64 = ADD i64 1, i64 2
        }
    """)
    it = Interpreter(m, verify=False)
    with pytest.raises(KirTrap, match="fell off the end of a block") as exc:
        it.call("f")
    assert exc.value.block == "entry" and exc.value.index == 0


def test_falling_off_an_empty_block_and_after_a_call():
    m = module("""
        module "t"
        func $g() -> void {
        @entry:
            RET
        }
        func $f() -> i64 {
        @entry:
            CALL $g()
        }
    """)
    with pytest.raises(KirTrap, match="fell off"):
        Interpreter(m, verify=False).call("f")


def test_call_of_an_unknown_extern():
    trap = trap_of(in_body("%r: i64 = CALL $nowhere(i64 1)\nRET %r",
                           extra="extern $nowhere(i64) -> i64"), libraries=[])
    assert "unknown symbol $nowhere" in trap.reason
    assert trap.instr == "%r: i64 = CALL $nowhere(i64 1)"


def test_indirect_call_of_null_and_of_data():
    trap = trap_of(in_body("%r: i64 = CALL %p()\nRET %r", params="%p: ptr"), args=[0])
    assert "indirect call through a null pointer" in trap.reason and trap.index == 0
    trap = trap_of(in_body("%r: i64 = CALL $d()\nRET %r", extra="data $d = zero 8 align 8"), verify=False)
    assert "call of data $d" in trap.reason
    trap = trap_of(in_body("%p: ptr = COPY $d\n%r: i64 = CALL %p()\nRET %r", extra="data $d = zero 8 align 8"))
    assert "not code of any loaded library" in trap.reason


def test_indirect_call_with_the_wrong_signature():
    trap = trap_of(in_body("%p: ptr = COPY $g\n%r: i64 = CALL %p(i32 1)\nRET %r",
                           extra="func $g(%x: i64) -> i64 {\n@entry:\n    RET %x\n}"))
    assert "indirect call of $g ((i64) -> i64) as ((i32) -> i64)" in trap.reason


def test_unknown_symbol_as_a_value():
    m = module(in_body("%p: ptr = COPY $ghost\nRET i64 0"))
    with pytest.raises(KirTrap, match=r"unknown symbol \$ghost"):
        Interpreter(m, verify=False).call("f")


def test_register_read_before_definition():
    m = module("""
        module "t"
        func $f(%c: i1) -> i64 {
        @entry:
            JUMP_IF %c, @a, @b
        @a:
            %x: i64 = ADD i64 1, i64 1
            JUMP @b
        @b:
            %y: i64 = ADD %x, i64 1
            RET %y
        }
    """)
    it = Interpreter(m, verify=False)
    assert it.call("f", [1]) == 3
    with pytest.raises((KirTrap, TypeError)):
        it.call("f", [0])


def test_step_budget():
    text = """
        module "t"
        func $spin() -> i64 {
        @entry:
            JUMP @loop
        @loop:
            %x: i64 = ADD i64 1, i64 1
            JUMP @loop
        }
    """
    trap = trap_of(text, "spin", max_steps=10_000)
    assert "step budget of 10000 instructions exceeded" in trap.reason
    assert trap.function == "spin" and trap.block == "loop"
    it = interp(text)
    with pytest.raises(KirTrap, match="budget of 500"):
        it.call("spin", max_steps=500)


def test_trap_backtrace_names_the_callers():
    text = """
        module "t"
        func $inner(%x: i64) -> i64 {
        @entry:
            %r: i64 = DIV i64 1, %x
            RET %r
        }
        func $middle(%x: i64) -> i64 {
        @entry:
            %y: i64 = SUB %x, i64 1
            %r: i64 = CALL $inner(%y)
            RET %r
        }
        func $outer() -> i64 {
        @entry:
            %r: i64 = CALL $middle(i64 1)
            RET %r
        }
    """
    trap = trap_of(text, "outer")
    assert trap.function == "inner"
    assert [w.function for w in trap.backtrace] == ["middle", "outer"]
    assert trap.backtrace[0].instr == "%r: i64 = CALL $inner(%y)"
    assert "called from $middle @entry #1: %r: i64 = CALL $inner(%y)" in str(trap)


def test_deep_backtrace_is_shortened():
    trap = trap_of("""
        module "t"
        func $down(%n: i64) -> i64 {
        @entry:
            %z: i1 = ICMP eq %n, i64 0
            JUMP_IF %z, @boom, @rec
        @boom:
            UNREACHABLE
        @rec:
            %m: i64 = SUB %n, i64 1
            %r: i64 = CALL $down(%m)
            RET %r
        }
    """, "down", [50_000])
    assert len(trap.backtrace) == 17 and trap.backtrace[8] is None


def test_python_exceptions_from_hooks_keep_their_type_with_a_location():
    def hook():
        raise ValueError("hook failed")

    it = interp(in_body("%r: i64 = CALL $hook()\nRET %r", extra="extern $hook() -> i64"),
                externs={"hook": hook})
    with pytest.raises(ValueError, match="hook failed") as exc:
        it.call("f")
    assert any("$f @work #0" in note for note in exc.value.__notes__)


def test_trapped_thread_cannot_continue_and_the_interpreter_can():
    it = interp(in_body("%r: i64 = DIV i64 1, %a\nRET %r", params="%a: i64"))
    th = it.spawn("f", [0])
    with pytest.raises(KirTrap):
        th.run()
    with pytest.raises(KirError, match="trapped already"):
        th.step(10)
    assert it.call("f", [1]) == 1


def test_api_errors():
    it = interp(in_body("RET %a", params="%a: i64"))
    with pytest.raises(KirError, match="no function"):
        it.call("g")
    with pytest.raises(KirError, match="takes 1 arguments, got 0"):
        it.call("f")
