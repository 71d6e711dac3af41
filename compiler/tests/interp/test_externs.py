"""Externs: C functions from a shared library compiled here, libm, Python hooks, C function
pointers called indirectly, and run_program's runtime hooks (init, flush, exit from C)."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import textwrap

import pytest

from interp_helpers import compile_c, interp, libm, module, needs_cc

from pyvm.interp import Interpreter, KirTrap, ProgramExit, run_program
from pyvm.interp.memory import read_bytes, read_cstring, write
from pyvm.kir.types import I64

pytestmark = needs_cc

DECLS = """
    extern $c_add(i64, i64) -> i64
    extern $c_sub(i64, i64) -> i64
    extern $c_mul32(i32, i32) -> i32
    extern $c_twice16(i16) -> i16
    extern $c_neg8(i8) -> i8
    extern $c_is_even(i64) -> i1
    extern $c_not(i1) -> i1
    extern $c_mix(f64, f32, i32) -> f64
    extern $c_halff(f32) -> f32
    extern $c_fill(ptr, i64, i8) -> void
    extern $c_sum(ptr, i64) -> i64
    extern $c_alloc(i64) -> ptr
    extern $c_free(ptr) -> void
    extern $c_null() -> ptr
    extern $c_greeting() -> ptr
    extern $c_bump() -> void
    extern $c_counter() -> i64
    extern $c_get_op(i32) -> ptr
    extern $c_heap_pointer() -> ptr
"""


def cmod(body: str) -> str:
    return 'module "t"\n' + textwrap.dedent(DECLS) + textwrap.dedent(body)


def test_scalar_arguments_and_results_of_every_type(clib):
    it = interp(cmod("""
        func $ints(%a: i64, %b: i64) -> i64 {
        @entry:
            %s: i64 = CALL $c_add(%a, %b)
            %m: i32 = CALL $c_mul32(i32 65537, i32 65537)
            %m64: i64 = SEXT %m
            %t: i16 = CALL $c_twice16(i16 20000)
            %t64: i64 = SEXT %t
            %n: i8 = CALL $c_neg8(i8 -128)
            %n64: i64 = SEXT %n
            %r1: i64 = ADD %s, %m64
            %r2: i64 = ADD %r1, %t64
            %r3: i64 = ADD %r2, %n64
            RET %r3
        }
        func $bools(%a: i64) -> i1 {
        @entry:
            %e: i1 = CALL $c_is_even(%a)
            %n: i1 = CALL $c_not(%e)
            RET %n
        }
        func $floats(%a: f64, %b: f32) -> f64 {
        @entry:
            %h: f32 = CALL $c_halff(%b)
            %r: f64 = CALL $c_mix(%a, %h, i32 -3)
            RET %r
        }
    """), libraries=[clib])
    m = ctypes.c_int32(65537 * 65537).value
    assert it.call("ints", [2**62, 2**62]) == ctypes.c_int64(2**63 + m + ctypes.c_int16(40000).value - 128).value
    assert it.call("bools", [3]) == 1 and it.call("bools", [4]) == 0
    half = ctypes.c_float(ctypes.c_float(0.3).value / 2).value
    assert it.call("floats", [1.25, 0.3]) == 1.25 * 2 + half - 3


def test_pointers_cross_into_c_and_back(clib):
    it = interp(cmod("""
        func $f(%n: i64) -> i64 {
        @entry:
            %buf: ptr = ALLOCA 80, 8
            %i0: ptr = GEP %buf, i64 0, 8, 0
            STORE i64 5, %i0, 8
            %i1: ptr = GEP %buf, i64 1, 8, 0
            STORE i64 7, %i1, 8
            %s: i64 = CALL $c_sum(%buf, i64 2)
            %heap: ptr = CALL $c_alloc(i64 32)
            CALL $c_fill(%heap, i64 32, i8 3)
            %v: i64 = LOAD %heap, 8
            CALL $c_free(%heap)
            %r: i64 = ADD %s, %v
            RET %r
        }
        func $greeting() -> ptr {
        @entry:
            %p: ptr = CALL $c_greeting()
            RET %p
        }
        func $null() -> i1 {
        @entry:
            %p: ptr = CALL $c_null()
            %z: i1 = ICMP eq %p, ptr null
            RET %z
        }
    """), libraries=[clib])
    assert it.call("f", [0]) == 12 + int.from_bytes(b"\x03" * 8, "little")
    assert read_cstring(it.call("greeting")) == b"hello from C"
    assert it.call("null") == 1


def test_c_state_persists_across_calls(clib):
    it = interp(cmod("""
        func $f() -> i64 {
        @entry:
            %before: i64 = CALL $c_counter()
            CALL $c_bump()
            CALL $c_bump()
            %after: i64 = CALL $c_counter()
            %d: i64 = SUB %after, %before
            RET %d
        }
    """), libraries=[clib])
    assert it.call("f") == 2


def test_indirect_call_of_c_function_pointers(clib):
    it = interp(cmod("""
        func $f(%which: i32, %a: i64, %b: i64) -> i64 {
        @entry:
            %op: ptr = CALL $c_get_op(%which)
            %r: i64 = CALL %op(%a, %b)
            RET %r
        }
        func $via_symbol() -> i64 {
        @entry:
            %fp: ptr = COPY $c_add
            %r: i64 = CALL %fp(i64 40, i64 2)
            RET %r
        }
    """), libraries=[clib])
    assert it.call("f", [0, 5, 3]) == 8 and it.call("f", [1, 5, 3]) == 2
    assert it.call("via_symbol") == 42


def test_indirect_call_to_non_code_address_traps(clib):
    it = interp(cmod("""
        func $f() -> i64 {
        @entry:
            %p: ptr = CALL $c_heap_pointer()
            %r: i64 = CALL %p(i64 1)
            RET %r
        }
    """), libraries=[clib])
    with pytest.raises(KirTrap, match="not code of any loaded library"):
        it.call("f")


def test_libm_and_the_process_itself():
    it = interp("""
        module "t"
        extern $hypot(f64, f64) -> f64
        extern $strlen(ptr) -> i64
        data $s = const "hello\\00" align 1
        func $f(%x: f64) -> f64 {
        @entry:
            %r: f64 = CALL $hypot(%x, f64 4.0)
            RET %r
        }
        func $len() -> i64 {
        @entry:
            %n: i64 = CALL $strlen($s)
            RET %n
        }
    """, libraries=[libm(), None])
    assert it.call("f", [3.0]) == 5.0
    assert it.call("len") == 5


def test_python_externs_come_first_and_results_are_normalized(clib):
    seen = []

    def c_add(a, b):  # shadows the C library's c_add
        seen.append((a, b))
        return a * b + 2**64 + 1  # wrapped to i64

    def note(p, n):
        seen.append(read_bytes(p, n))

    it = interp("""
        module "t"
        extern $c_add(i64, i64) -> i64
        extern $note(ptr, i64) -> void
        extern $flag() -> i1
        extern $half() -> f32
        extern $nothing() -> ptr
        data $msg = const "abc" align 1
        func $f() -> i64 {
        @entry:
            %r: i64 = CALL $c_add(i64 6, i64 7)
            CALL $note($msg, i64 3)
            %b: i1 = CALL $flag()
            %bz: i64 = ZEXT %b
            %h: f32 = CALL $half()
            %hd: f64 = FPEXT %h
            %hi: i64 = FPTOSI %hd
            %p: ptr = CALL $nothing()
            %pi: i64 = PTR2INT %p
            %s1: i64 = ADD %r, %bz
            %s2: i64 = ADD %s1, %hi
            %s3: i64 = ADD %s2, %pi
            RET %s3
        }
    """, libraries=[clib], externs={"c_add": c_add, "note": note, "flag": lambda: True,
                                     "half": lambda: 2.5, "nothing": lambda: None})
    assert it.call("f") == 43 + 1 + 2
    assert seen == [(6, 7), b"abc"]


def test_python_extern_through_a_function_pointer():
    it = interp("""
        module "t"
        extern $twice(i64) -> i64
        func $f(%x: i64) -> i64 {
        @entry:
            %fp: ptr = COPY $twice
            %r: i64 = CALL %fp(%x)
            RET %r
        }
    """, externs={"twice": lambda x: 2 * x})
    assert it.call("f", [21]) == 42


def test_hooks_can_use_memory_helpers():
    def fill(p, n):
        for i in range(n):
            write(p + 8 * i, I64, i * i)

    it = interp("""
        module "t"
        extern $fill(ptr, i64) -> void
        func $f() -> i64 {
        @entry:
            %a: ptr = ALLOCA 40, 8
            CALL $fill(%a, i64 5)
            %p: ptr = GEP %a, i64 4, 8, 0
            %v: i64 = LOAD %p, 8
            RET %v
        }
    """, externs={"fill": fill})
    assert it.call("f") == 16


# ---- run_program ---------------------------------------------------------------------------------

RUNTIME = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
static int initialised;
void pyvm_rt_init(void) { initialised = 1; setvbuf(stdout, NULL, _IOFBF, 1 << 16); }
void pyvm_print_i64(int64_t v) { printf("%lld\n", (long long)v); }
void pyvm_print_str(const char *s) { fputs(s, stdout); }
int64_t pyvm_rt_initialised(void) { return initialised; }
void pyvm_flush(void) { fflush(stdout); }
void pyvm_error(const char *msg) { fflush(stdout); fprintf(stderr, "Traceback: %s\n", msg); exit(1); }
"""

PROGRAM = """
    module "main"
    data $hello = const "hello, world\\0a\\00" align 1
    data $boom = const "ValueError: boom\\00" align 1
    extern $pyvm_print_i64(i64) -> void
    extern $pyvm_print_str(ptr) -> void
    extern $pyvm_rt_initialised() -> i64
    extern $pyvm_error(ptr) -> void noreturn
    func $pyvm_program_main() -> i64 export {
    @entry:
        %ok: i64 = CALL $pyvm_rt_initialised()
        CALL $pyvm_print_str($hello)
        CALL $pyvm_print_i64(%ok)
        %fail: i1 = ICMP eq %ok, i64 FAILFLAG
        JUMP_IF %fail, @fail, @done
    @fail:
        CALL $pyvm_error($boom)
        UNREACHABLE
    @done:
        RET i64 3
    }
"""


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    return compile_c(tmp_path_factory.mktemp("rt"), "fakert", RUNTIME, shared=True)


def test_run_program_inits_runs_and_flushes(runtime, capfd):
    status = run_program(module(PROGRAM.replace("FAILFLAG", "7")), libraries=[runtime])
    out = capfd.readouterr().out
    assert status == 3
    assert out == "hello, world\n1\n"


def test_run_program_error_exits_from_c(runtime, tmp_path):
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""
        from pyvm.kir import parse_module
        from pyvm.interp import run_program
        text = {PROGRAM.replace('FAILFLAG', '1')!r}
        import textwrap, sys
        sys.exit(run_program(parse_module(textwrap.dedent(text)), libraries=[{str(runtime)!r}]))
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout == "hello, world\n1\n"
    assert "Traceback: ValueError: boom" in done.stderr


def test_run_program_with_python_hooks_and_program_exit():
    out = []

    def die(code):
        raise ProgramExit(code)

    m = module("""
        module "main"
        extern $print(i64) -> void
        extern $exit(i64) -> void noreturn
        func $pyvm_program_main() -> i64 export {
        @entry:
            CALL $print(i64 1)
            CALL $exit(i64 9)
            UNREACHABLE
        }
    """)
    hooks = {"print": out.append, "exit": die, "pyvm_rt_init": lambda: out.append("init"),
             "pyvm_flush": lambda: out.append("flush")}
    assert run_program(m, libraries=[], externs=hooks) == 9
    assert out == ["init", 1, "flush"]


def test_run_program_flushes_even_after_a_trap():
    out = []
    m = module("""
        module "main"
        func $pyvm_program_main() -> i64 export {
        @entry:
            UNREACHABLE
        }
    """)
    with pytest.raises(KirTrap, match="UNREACHABLE"):
        run_program(m, libraries=[], externs={"pyvm_flush": lambda: out.append("flush")})
    assert out == ["flush"]


def test_interpreter_accepts_cdll_objects(clib):
    lib = ctypes.CDLL(str(clib))
    it = Interpreter(module(cmod("""
        func $f() -> i64 {
        @entry:
            %r: i64 = CALL $c_sub(i64 1, i64 3)
            RET %r
        }
    """)), libraries=[lib])
    assert it.call("f") == -2
