"""Objects, assembly, linking and the JIT entry point of the LLVM backend."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pyvm.backend.llvm import (LinkError, compile_object, emit_assembly, host_triple, jit_run,
                               link_executable, lower_module)
from pyvm.kir import parse_module

FIB = """\
module "fib"

func $fib(%n: i64) -> i64 {
@entry:
    %c: i1 = ICMP slt %n, i64 2
    JUMP_IF %c, @base, @rec
@base:
    RET %n
@rec:
    %a: i64 = SUB %n, i64 1
    %b: i64 = SUB %n, i64 2
    %x: i64 = CALL $fib(%a)
    %y: i64 = CALL $fib(%b)
    %s: i64 = ADD %x, %y
    RET %s
}

func $pyvm_program_main() -> i64 export {
@entry:
    %r: i64 = CALL $fib(i64 20)
    RET %r
}
"""

DRIVER_C = r"""
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
int64_t pyvm_program_main(void);
int main(void) { printf("%" PRId64 "\n", pyvm_program_main()); return 0; }
"""

ELF_MACHINE = {"x86_64": 62, "aarch64": 183, "riscv64": 243}


@pytest.fixture(scope="module")
def fib():
    return lower_module(parse_module(FIB))


@pytest.fixture(scope="module")
def driver_lib(tmp_path_factory):
    d = tmp_path_factory.mktemp("driver")
    (d / "driver.c").write_text(DRIVER_C)
    subprocess.run(["cc", "-c", "-fPIC", str(d / "driver.c"), "-o", str(d / "driver.o")], check=True)
    subprocess.run(["ar", "rcs", str(d / "libdriver.a"), str(d / "driver.o")], check=True)
    return d / "libdriver.a"


@pytest.mark.parametrize("opt,size", [(0, False), (1, False), (2, False), (3, False), (2, True)])
def test_executable_with_a_minimal_runtime(opt, size, fib, driver_lib, tmp_path):
    obj = tmp_path / "fib.o"
    obj.write_bytes(compile_object(fib, opt, size=size))
    exe = link_executable([obj], tmp_path / "fib", driver_lib)
    assert subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout == "6765\n"


def test_object_is_for_the_host(fib):
    obj = compile_object(fib, 2)
    assert obj[:4] == b"\x7fELF"
    arch = host_triple().split("-")[0]
    if arch in ELF_MACHINE:
        assert int.from_bytes(obj[18:20], "little") == ELF_MACHINE[arch]


def test_cross_triple_object():
    obj = compile_object(lower_module(parse_module(FIB), "aarch64-unknown-linux-gnu"), 2)
    assert obj[:4] == b"\x7fELF" and int.from_bytes(obj[18:20], "little") == ELF_MACHINE["aarch64"]


def test_assembly(fib):
    asm = emit_assembly(fib, 2)
    assert "pyvm_program_main:" in asm and ".globl\tpyvm_program_main" in asm
    assert ".globl\tfib" not in asm  # internal functions stay local
    # -O3 folds fib(20) away; -O0 keeps the recursive call
    assert "call" in emit_assembly(fib, 0)


def test_bad_opt_level(fib):
    with pytest.raises(ValueError, match="opt_level"):
        compile_object(fib, 4)


def test_link_error_is_reported(fib, tmp_path):
    obj = tmp_path / "fib.o"
    obj.write_bytes(compile_object(fib, 0))
    with pytest.raises(LinkError, match="main"):  # no runtime: nobody defines main
        link_executable([obj], tmp_path / "fib", None)


def test_jit_entry_point_checks():
    m = parse_module(FIB)
    assert jit_run(m, 1, []) == 6765
    with pytest.raises(KeyError, match="nope"):
        jit_run(m, 0, [], entry="nope")
    with pytest.raises(ValueError, match="exported"):
        jit_run(m, 0, [], entry="fib")


RUNTIME_C = r"""
#include <stdint.h>
#include <stdio.h>
static int64_t state = 0;
void pyvm_rt_init(void) { state = 40; }
int64_t pyvm_rt_value(void) { return state; }
void pyvm_flush(void) { printf("flushed %d\n", (int)state); fflush(stdout); }
"""

USES_RUNTIME = """\
module "rt"

extern $pyvm_rt_value() -> i64

func $pyvm_program_main() -> i64 export {
@entry:
    %v: i64 = CALL $pyvm_rt_value()
    %r: i64 = ADD %v, i64 2
    RET %r
}
"""


def test_jit_initialises_and_flushes_the_runtime(tmp_path):
    """Run in a child process: a library exporting pyvm_rt_init must not stay loaded in this one."""
    (tmp_path / "rt.c").write_text(RUNTIME_C)
    lib = tmp_path / "librt.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(lib), str(tmp_path / "rt.c")], check=True)
    (tmp_path / "prog.kir").write_text(USES_RUNTIME)
    script = textwrap.dedent(f"""
        from pathlib import Path
        from pyvm.backend.llvm import jit_run
        from pyvm.kir import parse_module
        result = jit_run(parse_module(Path({str(tmp_path / "prog.kir")!r}).read_text()), 2, [Path({str(lib)!r})])
        print("result", result, flush=True)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["flushed 40", "result 42"]


HELLO_RUNTIME = """\
module "hello"

data $hello = const "hello \\e2\\9c\\93 " align 1
extern $pyvm_print_bytes(ptr, i64) -> void
extern $pyvm_print_int(i64) -> void
extern $pyvm_print_float(f64) -> void
extern $pyvm_print_newline() -> void

func $pyvm_program_main() -> i64 export {
@entry:
    CALL $pyvm_print_bytes($hello, i64 10)
    CALL $pyvm_print_int(i64 -42)
    CALL $pyvm_print_newline()
    %x: f64 = INTRINSIC sqrt(f64 2.0)
    CALL $pyvm_print_float(%x)
    CALL $pyvm_print_newline()
    RET i64 3
}
"""
HELLO_OUTPUT = "hello \u2713 -42\n1.4142135623730951\n"


def test_with_the_real_runtime(tmp_path):
    """The C runtime (once pyvm.toolchain.runtime_build exists): a program printing through it, linked
    with libpyvmrt.a (whose main exits with pyvm_program_main's status), and JIT-run against
    libpyvmrt.so in a child process (pyvm_rt_init / pyvm_flush must run, and only there)."""
    runtime_build = pytest.importorskip("pyvm.toolchain.runtime_build",
                                        reason="the runtime build (pyvm.toolchain.runtime_build) is not there yet")
    m = parse_module(HELLO_RUNTIME)
    for opt in (0, 2):
        obj = tmp_path / f"hello{opt}.o"
        obj.write_bytes(compile_object(lower_module(m), opt))
        exe = link_executable([obj], tmp_path / f"hello{opt}", runtime_build.runtime_library("static"),
                              extra_args=runtime_build.link_flags())
        proc = subprocess.run([str(exe)], capture_output=True, timeout=60)
        assert (proc.returncode, proc.stdout.decode()) == (3, HELLO_OUTPUT), proc.stderr
    (tmp_path / "hello.kir").write_text(HELLO_RUNTIME)
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from pyvm.backend.llvm import jit_run
        from pyvm.kir import parse_module
        from pyvm.toolchain.runtime_build import runtime_library
        status = jit_run(parse_module(Path({str(tmp_path / "hello.kir")!r}).read_text()), 2,
                         [runtime_library("shared")])
        sys.stderr.write(f"status {{status}}")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert (proc.stdout.decode(), proc.stderr.decode()) == (HELLO_OUTPUT, "status 3")
