"""The guard of actor mode (interp/actors/guard.py + pyvm_guard_call_* in runtime/core/error.c): any
signature with at most 6 integer and 8 floating-point arguments through one prototype, and a raise
in C turned into a Python exception instead of the end of the process."""

from __future__ import annotations

import ctypes

import pytest

from interp_helpers import interp, needs_cc

from pyvm.interp.actors.guard import CRaise, Guard
from pyvm.interp.externs import find_c_symbol, load_library
from pyvm.kir.types import F32, F64, I1, I8, I16, I32, I64, PTR, VOID

pytestmark = needs_cc


@pytest.fixture(scope="module")
def rt():
    from pyvm.toolchain.runtime_build import runtime_library
    return load_library(runtime_library("shared"))


@pytest.fixture(scope="module")
def guard(rt):
    g = Guard(rt)
    if not g.enabled:
        pytest.skip("no guard on this machine")
    return g


def test_every_argument_and_result_type(guard, clib):
    lib = load_library(clib)

    def call(name, params, ret, *args):
        return guard.caller(find_c_symbol([lib], name), params, ret)(*args)

    assert call("c_add", [I64, I64], I64, -5, 3) == -2
    assert call("c_mul32", [I32, I32], I32, 65537, 65537) == ctypes.c_int32(65537 * 65537 & 0xFFFFFFFF).value
    assert call("c_twice16", [I16], I16, 20000) == ctypes.c_int16(40000).value
    assert call("c_neg8", [I8], I8, -128) == -128
    assert call("c_is_even", [I64], I1, 4) == 1 and call("c_is_even", [I64], I1, 3) == 0
    assert call("c_not", [I1], I1, 1) == 0
    assert call("c_mix", [F64, F32, I32], F64, 1.5, 0.25, -7) == 1.5 * 2 + 0.25 - 7
    assert call("c_halff", [F32], F32, 3.0) == 1.5
    assert call("c_null", [], PTR) in (0, None)
    assert ctypes.string_at(call("c_greeting", [], PTR)) == b"hello from C"
    assert call("c_bump", [], VOID) is None


def test_the_interpreter_takes_the_guard_as_its_c_caller(guard, clib):
    it = interp("""
        module "t"
        extern $c_mix(f64, f32, i32) -> f64
        extern $c_add(i64, i64) -> i64
        func $f(%a: i64) -> f64 {
        @entry:
            %s: i64 = CALL $c_add(%a, i64 1)
            %t: i32 = TRUNC %s
            %r: f64 = CALL $c_mix(f64 2.0, f32 0.5, %t)
            RET %r
        }
    """, libraries=[clib], c_caller=guard.caller)
    assert it.call("f", [9]) == 4.0 + 0.5 + 10


def test_a_raise_in_c_becomes_cRaise_and_the_process_goes_on(guard, capfd):
    msg = ctypes.create_string_buffer(b"list index out of range")
    with pytest.raises(CRaise) as info:
        guard.call("pyvm_raise", [I32, PTR], I64, 2, ctypes.addressof(msg))
    exc = info.value
    assert (exc.kind, exc.message, exc.reason, exc.reported) == (2, "list index out of range",
                                                                 "IndexError: list index out of range", True)
    assert capfd.readouterr().err == "IndexError: list index out of range\n"  # outside actors: no frames


def test_with_a_banner_the_runtime_reports_the_crash(guard, capfd):
    guard.set_banner("Actor <pid 0.9> crashed:")
    try:
        with pytest.raises(CRaise) as info:
            guard.call("pyvm_raise", [I32, PTR], I64, 1, 0)
    finally:
        guard.set_banner(None)
    assert info.value.reason == "ZeroDivisionError"
    assert capfd.readouterr().err == "Actor <pid 0.9> crashed:\nZeroDivisionError\n"
    assert guard.call("pyvm_exc_kind", [], I32) == 1  # and the guard still works afterwards
