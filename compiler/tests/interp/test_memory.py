"""ALLOCA, LOAD, STORE, GEP, MEMSET, MEMCPY and the atomics, on real memory: values are checked
both through KIR and byte by byte (struct, little-endian) in the data items' buffers."""

from __future__ import annotations

import ctypes
import math
import struct
import tracemalloc

import pytest

from interp_helpers import interp

from pyvm.interp import KirTrap
from pyvm.interp.memory import read, read_bytes

TYPES = {  # KIR type: (struct format, size, sample values)
    "i1": ("B", 1, [0, 1]),
    "i8": ("b", 1, [0, -1, 127, -128, 42]),
    "i16": ("h", 2, [0, -1, 32767, -32768, 1234]),
    "i32": ("i", 4, [0, -1, 2**31 - 1, -(2**31), 123456789]),
    "i64": ("q", 8, [0, -1, 2**63 - 1, -(2**63), 1 << 40]),
    "f32": ("f", 4, [0.0, -0.0, 1.5, -3.25, math.inf]),
    "f64": ("d", 8, [0.0, -0.0, 1 / 3, -1e300, -math.inf]),
    "ptr": ("Q", 8, [0, 4096, 0xDEADBEEF000, (1 << 63) + 8]),
}


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    return a == b and type(a) is type(b)


@pytest.mark.parametrize("t", sorted(TYPES))
def test_alloca_store_load_roundtrip(t):
    fmt, size, samples = TYPES[t]
    it = interp(f"""
        module "t"
        func $f(%v: {t}) -> {t} {{
        @entry:
            %slot: ptr = ALLOCA {size}, {size}
            STORE %v, %slot, {size}
            %r: {t} = LOAD %slot, {size}
            RET %r
        }}
    """)
    for v in samples:
        assert same(it.call("f", [v]), v)


@pytest.mark.parametrize("t", sorted(TYPES))
def test_store_to_data_item_bytes(t):
    """A STORE writes the type's little-endian bytes at the data item's real address."""
    fmt, size, samples = TYPES[t]
    it = interp(f"""
        module "t"
        data $g = zero 32 align 8
        func $put(%v: {t}, %i: i64) -> void {{
        @entry:
            %p: ptr = GEP $g, %i, {size}, 0
            STORE %v, %p, {size}
            RET
        }}
        func $get(%i: i64) -> {t} {{
        @entry:
            %p: ptr = GEP $g, %i, {size}, 0
            %r: {t} = LOAD %p, {size}
            RET %r
        }}
    """)
    base = it.data_address("g")
    assert base % 8 == 0
    for i, v in enumerate(samples[:32 // size]):
        it.call("put", [v, i])
        raw = read_bytes(base + i * size, size)
        want = struct.pack("<" + fmt, v if t != "i1" else v)
        if t == "f32":
            assert struct.unpack("<f", raw)[0] == v or math.isnan(v)
        else:
            assert raw == want
        assert same(it.call("get", [i]), v)


def test_load_from_const_data():
    content = bytes(range(1, 33))
    text = "".join(f"\\{b:02x}" for b in content)
    it = interp(f"""
        module "t"
        data $c = const "{text}" align 8
        func $i16(%o: i64) -> i16 {{
        @entry:
            %p: ptr = GEP $c, %o, 1, 0
            %r: i16 = LOAD %p, 1
            RET %r
        }}
        func $i32() -> i32 {{
        @entry:
            %r: i32 = LOAD $c, 4
            RET %r
        }}
        func $i64(%o: i64) -> i64 {{
        @entry:
            %p: ptr = GEP $c, %o, 8, 0
            %r: i64 = LOAD %p, 8
            RET %r
        }}
        func $f64() -> f64 {{
        @entry:
            %p: ptr = GEP $c, i64 1, 8, 8
            %r: f64 = LOAD %p, 8
            RET %r
        }}
    """)
    for o in range(0, 30, 3):
        assert it.call("i16", [o]) == struct.unpack_from("<h", content, o)[0]
    assert it.call("i32") == struct.unpack_from("<i", content, 0)[0]
    for o in range(4):
        assert it.call("i64", [o]) == struct.unpack_from("<q", content, 8 * o)[0]
    assert it.call("f64") == struct.unpack_from("<d", content, 16)[0]
    assert read_bytes(it.data_address("c"), 32) == content


def test_i1_load_keeps_the_low_bit():
    it = interp("""
        module "t"
        data $b = const "\\fe\\ff\\00\\01" align 1
        func $f(%i: i64) -> i1 {
        @entry:
            %p: ptr = GEP $b, %i, 1, 0
            %r: i1 = LOAD %p, 1
            RET %r
        }
    """)
    assert [it.call("f", [i]) for i in range(4)] == [0, 1, 0, 1]


def test_gep_arithmetic():
    it = interp("""
        module "t"
        func $gep(%p: ptr, %i: i64) -> ptr {
        @entry:
            %q: ptr = GEP %p, %i, 24, -8
            RET %q
        }
        func $gep32(%p: ptr, %i: i32) -> ptr {
        @entry:
            %q: ptr = GEP %p, %i, 4, 0
            RET %q
        }
        func $gep0(%p: ptr) -> ptr {
        @entry:
            %q: ptr = GEP %p, i64 5, 0, 16
            RET %q
        }
    """)
    assert it.call("gep", [1 << 20, 3]) == (1 << 20) + 72 - 8
    assert it.call("gep", [1 << 20, -3]) == (1 << 20) - 72 - 8
    assert it.call("gep", [0, -1]) == (1 << 64) - 32  # wraps like the address arithmetic it is
    assert it.call("gep32", [4096, -2]) == 4096 - 8
    assert it.call("gep0", [4096]) == 4096 + 16


def test_alloca_alignment_and_zeroed():
    it = interp("""
        module "t"
        func $f(%align_mask: i64) -> i64 {
        @entry:
            %a: ptr = ALLOCA 3, 1
            %b: ptr = ALLOCA 24, 64
            %c: ptr = ALLOCA 100, 4096
            %bi: i64 = PTR2INT %b
            %ci: i64 = PTR2INT %c
            %m1: i64 = AND %bi, i64 63
            %m2: i64 = AND %ci, i64 4095
            %m: i64 = OR %m1, %m2
            %v: i64 = LOAD %b, 8
            %w: i8 = LOAD %a, 1
            %w64: i64 = SEXT %w
            %s: i64 = ADD %v, %w64
            %t: i64 = ADD %s, %m
            RET %t
        }
    """)
    assert it.call("f", [0]) == 0


@pytest.mark.parametrize("t", sorted(TYPES))
def test_memset_memcpy_every_type(t):
    """MEMSET fills bytes; MEMCPY moves a value of each type between allocas and data."""
    fmt, size, samples = TYPES[t]
    v = samples[-1]
    it = interp(f"""
        module "t"
        data $dst = zero 16 align 8
        func $f(%v: {t}, %fill: i8) -> {t} {{
        @entry:
            %a: ptr = ALLOCA 16, 8
            MEMSET %a, %fill, i64 16, 8
            STORE %v, %a, {size}
            MEMSET $dst, %fill, i32 16, 8
            MEMCPY $dst, %a, i64 {size}, 8
            %r: {t} = LOAD $dst, {size}
            RET %r
        }}
    """)
    assert same(it.call("f", [v, -86]), v)
    raw = read_bytes(it.data_address("dst"), 16)
    assert raw[size:] == b"\xaa" * (16 - size)
    assert raw[:size] == struct.pack("<" + fmt, v)


def test_memset_memcpy_zero_size_and_null():
    it = interp("""
        module "t"
        func $f() -> i64 {
        @entry:
            MEMSET ptr null, i8 0, i64 0, 1
            MEMCPY ptr null, ptr null, i64 0, 1
            RET i64 7
        }
    """)
    assert it.call("f") == 7


def test_alloca_is_freed_when_its_frame_returns():
    it = interp("""
        module "t"
        func $leaf(%i: i64) -> i64 {
        @entry:
            %a: ptr = ALLOCA 1048576, 16
            STORE %i, %a, 8
            %v: i64 = LOAD %a, 8
            RET %v
        }
        func $main(%n: i64) -> i64 {
        @entry:
            JUMP @loop
        @loop:
            %i: i64 = PHI [i64 0, @entry], [%i2, @loop]
            %s: i64 = PHI [i64 0, @entry], [%s2, @loop]
            %v: i64 = CALL $leaf(%i)
            %s2: i64 = ADD %s, %v
            %i2: i64 = ADD %i, i64 1
            %c: i1 = ICMP slt %i2, %n
            JUMP_IF %c, @loop, @done
        @done:
            RET %s2
        }
    """)
    tracemalloc.start()
    try:
        assert it.call("main", [64]) == 63 * 64 // 2
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1048576  # 64 MiB if frames kept their slots


def test_allocas_in_a_loop_stay_valid_until_return():
    it = interp("""
        module "t"
        func $f(%n: i64) -> i64 {
        @entry:
            %head: ptr = ALLOCA 8, 8
            STORE ptr null, %head, 8
            JUMP @loop
        @loop:
            %i: i64 = PHI [i64 0, @entry], [%i2, @loop]
            %node: ptr = ALLOCA 16, 8
            STORE %i, %node, 8
            %old: ptr = LOAD %head, 8
            %next: ptr = GEP %node, i64 1, 8, 0
            STORE %old, %next, 8
            STORE %node, %head, 8
            %i2: i64 = ADD %i, i64 1
            %c: i1 = ICMP slt %i2, %n
            JUMP_IF %c, @loop, @sum
        @sum:
            %first: ptr = LOAD %head, 8
            JUMP @walk
        @walk:
            %p: ptr = PHI [%first, @sum], [%nx, @body]
            %acc: i64 = PHI [i64 0, @sum], [%acc2, @body]
            %isnull: i1 = ICMP eq %p, ptr null
            JUMP_IF %isnull, @out, @body
        @body:
            %v: i64 = LOAD %p, 8
            %acc2: i64 = ADD %acc, %v
            %np: ptr = GEP %p, i64 1, 8, 0
            %nx: ptr = LOAD %np, 8
            JUMP @walk
        @out:
            RET %acc
        }
    """)
    assert it.call("f", [100]) == sum(range(100))


# ---- atomics -------------------------------------------------------------------------------------

@pytest.mark.parametrize("t", ["i8", "i16", "i32", "i64", "ptr"])
def test_atomic_load_store(t):
    fmt, size, samples = TYPES[t]
    it = interp(f"""
        module "t"
        data $cell = zero 8 align 8
        func $f(%v: {t}) -> {t} {{
        @entry:
            ATOMIC_STORE %v, $cell, release
            FENCE seq_cst
            %r: {t} = ATOMIC_LOAD $cell, acquire
            RET %r
        }}
    """)
    for v in samples:
        assert it.call("f", [v]) == v
        assert struct.unpack_from("<" + fmt, read_bytes(it.data_address("cell"), size))[0] == v


RMW = {
    "xchg": lambda old, v, b: v,
    "add": lambda old, v, b: old + v, "sub": lambda old, v, b: old - v,
    "and": lambda old, v, b: old & v, "or": lambda old, v, b: old | v, "xor": lambda old, v, b: old ^ v,
    "max": lambda old, v, b: max(old, v), "min": lambda old, v, b: min(old, v),
    "umax": lambda old, v, b: old if old % (1 << b) >= v % (1 << b) else v,
    "umin": lambda old, v, b: old if old % (1 << b) <= v % (1 << b) else v,
}
CT = {8: ctypes.c_int8, 16: ctypes.c_int16, 32: ctypes.c_int32, 64: ctypes.c_int64}


@pytest.mark.parametrize("bits", [8, 16, 32, 64])
@pytest.mark.parametrize("op", sorted(RMW))
def test_atomic_rmw(op, bits):
    t = f"i{bits}"
    it = interp(f"""
        module "t"
        data $cell = zero 8 align 8
        func $f(%old: {t}, %v: {t}) -> {t} {{
        @entry:
            STORE %old, $cell, 8
            %prev: {t} = ATOMIC_RMW {op} $cell, %v, seq_cst
            %new: {t} = LOAD $cell, 8
            %bad: i1 = ICMP ne %prev, %old
            JUMP_IF %bad, @wrong, @ok
        @ok:
            RET %new
        @wrong:
            UNREACHABLE
        }}
    """)
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    for old in (0, 5, -3, lo, hi):
        for v in (1, -1, 7, lo, hi):
            assert it.call("f", [old, v]) == CT[bits](RMW[op](old, v, bits)).value, (old, v)


@pytest.mark.parametrize("t", ["i32", "i64", "ptr"])
def test_atomic_cmp_xchg(t):
    it = interp(f"""
        module "t"
        data $cell = zero 8 align 8
        func $f(%init: {t}, %expected: {t}, %new: {t}) -> {t} {{
        @entry:
            STORE %init, $cell, 8
            %old: {t} = ATOMIC_CMP_XCHG $cell, %expected, %new, acq_rel, monotonic
            RET %old
        }}
    """)
    addr = it.data_address("cell")
    assert it.call("f", [5, 5, 9]) == 5 and read(addr, it.module.functions[0].params[0].type) == 9
    assert it.call("f", [5, 6, 9]) == 5 and read(addr, it.module.functions[0].params[0].type) == 5


def test_atomic_misaligned_traps():
    it = interp("""
        module "t"
        data $cell = zero 16 align 8
        func $f() -> i64 {
        @entry:
            %p: ptr = GEP $cell, i64 1, 1, 0
            %r: i64 = ATOMIC_RMW add %p, i64 1, seq_cst
            RET %r
        }
    """)
    with pytest.raises(KirTrap, match="ATOMIC_RMW of i64.*not 8-byte aligned"):
        it.call("f")
