"""Real process memory for the interpreter, through ctypes.

KIR pointers are plain Python ints (unsigned, 0 = null) holding real addresses, so the C runtime can
take and return them. Memory the interpreter owns (ALLOCA slots, data items) is ctypes buffers kept
alive by their owner (a frame's register list, the interpreter).

Addresses below `MIN_ADDRESS` (the unmapped first page, null included) and at or above `FAKE_BASE`
(no user-space mapping reaches 2**56, even with 5-level paging) are never touched: the interpreter's
function addresses live up there, so loading through a function pointer traps instead of crashing.
"""

from __future__ import annotations

import ctypes

from pyvm.kir.semantics import Trap
from pyvm.kir.types import F32, F64, I1, I8, I16, I32, I64, PTR, VOID, Type

MIN_ADDRESS = 4096
FAKE_BASE = 1 << 56
MASK64 = (1 << 64) - 1

# How a value of each type sits in memory. i1 is a byte; loading it keeps the low bit (as LLVM's
# `trunc i8 to i1` after a byte load would).
MEMORY_CTYPE: dict[Type, type] = {
    I1: ctypes.c_uint8, I8: ctypes.c_int8, I16: ctypes.c_int16, I32: ctypes.c_int32,
    I64: ctypes.c_int64, F32: ctypes.c_float, F64: ctypes.c_double, PTR: ctypes.c_uint64,
}

# How a value of each type crosses a C call (argtypes / restype).
FFI_CTYPE: dict[Type, type | None] = {
    I1: ctypes.c_bool, I8: ctypes.c_int8, I16: ctypes.c_int16, I32: ctypes.c_int32,
    I64: ctypes.c_int64, F32: ctypes.c_float, F64: ctypes.c_double, PTR: ctypes.c_uint64, VOID: None,
}


_VIEW_FORMATS = {I1: "B", I8: "b", I16: "h", I32: "i", I64: "q", F32: "f", F64: "d", PTR: "Q"}
_views: dict[Type, memoryview] | None = None


def address_space_views() -> dict[Type, memoryview]:
    """Typed memoryviews over the whole user address space [0, FAKE_BASE): `views[I64][a >> 3]` is the
    i64 at the 8-aligned address a. About twice as fast as a ctypes `from_address` per access, and
    as unchecked: callers check addresses first (touching an unmapped page is a segfault)."""
    global _views
    if _views is None:
        whole = memoryview((ctypes.c_ubyte * FAKE_BASE).from_address(0)).cast("B")
        _views = {t: whole if fmt == "B" else whole.cast(fmt) for t, fmt in _VIEW_FORMATS.items()}
        assert all(v.itemsize == t.size for t, v in _views.items())
    return _views


def address_ok(addr: int, align: int = 1) -> bool:
    return MIN_ADDRESS <= addr < FAKE_BASE and not addr & (align - 1)


def describe_bad_address(addr: int, align: int, what: str, names=None) -> str:
    """Why `what` (e.g. "load of i64") cannot use addr; `names` maps fake addresses to symbol names."""
    if addr == 0:
        return f"{what} through a null pointer"
    if addr < MIN_ADDRESS:
        return f"{what} at address {addr:#x}, in the unmapped first page (a near-null pointer)"
    if addr >= FAKE_BASE:
        name = names(addr) if names else None
        if name:
            return f"{what} at {addr:#x}, the address of function ${name}, not memory"
        return f"{what} at {addr:#x}, which is not an address of user memory"
    if addr & (align - 1):
        return f"misaligned {what}: address {addr:#x} is not {align}-byte aligned"
    return f"{what} at {addr:#x}"  # not reached by the checks that call this


# ---- buffers -------------------------------------------------------------------------------------

def buffer_type(size: int, align: int):
    """The ctypes array type that holds `size` bytes at an `align`-aligned address inside it."""
    return ctypes.c_char * (max(size, 1) + align - 1)


def new_buffer(array_type, align: int) -> tuple[object, int]:
    """A zeroed buffer and its first aligned address; the buffer must be kept alive by the caller."""
    buf = array_type()
    addr = ctypes.addressof(buf)
    return buf, (addr + align - 1) & -align


# ---- typed access (for hooks and tests; generated code inlines the same calls) -------------------

def read(addr: int, t: Type):
    """The KIR value of type t stored at addr (unchecked: the caller vouches for the address)."""
    v = MEMORY_CTYPE[t].from_address(addr).value
    return v & 1 if t == I1 else v


def write(addr: int, t: Type, value) -> None:
    MEMORY_CTYPE[t].from_address(addr).value = value


def read_bytes(addr: int, size: int) -> bytes:
    return ctypes.string_at(addr, size)


def write_bytes(addr: int, data: bytes) -> None:
    ctypes.memmove(addr, data, len(data))


def read_cstring(addr: int) -> bytes:
    return ctypes.string_at(addr)


# ---- bulk and atomic operations (called from generated code; they check their addresses) --------

def _check(addr: int, align: int, what: str, names) -> None:
    if not (MIN_ADDRESS <= addr < FAKE_BASE) or addr & (align - 1):
        raise Trap(describe_bad_address(addr, align, what, names))


def make_bulk_ops(names):
    """MEMSET and MEMCPY with their checks; `names` names fake addresses in trap messages."""

    def memset(dst: int, value: int, size: int, align: int) -> None:
        if size < 0:
            raise Trap(f"MEMSET of a negative size ({size})")
        if size == 0:
            return
        _check(dst, align, "MEMSET", names)
        if dst + size > FAKE_BASE:
            raise Trap(f"MEMSET of {size} bytes at {dst:#x} runs out of user memory")
        ctypes.memset(dst, value & 0xFF, size)

    def memcpy(dst: int, src: int, size: int, align: int) -> None:
        if size < 0:
            raise Trap(f"MEMCPY of a negative size ({size})")
        if size == 0:
            return
        _check(dst, align, "MEMCPY destination", names)
        _check(src, align, "MEMCPY source", names)
        if dst + size > FAKE_BASE or src + size > FAKE_BASE:
            raise Trap(f"MEMCPY of {size} bytes runs out of user memory")
        if dst < src + size and src < dst + size and dst != src:
            raise Trap(f"MEMCPY between overlapping regions ({src:#x} and {dst:#x}, {size} bytes)")
        ctypes.memmove(dst, src, size)

    return memset, memcpy


def _rmw_apply(op: str, t: Type, old, v):
    if op == "xchg":
        return v
    if t.is_ptr:  # ptr operands only appear in xchg (the verifier asks for an integer otherwise)
        raise Trap(f"ATOMIC_RMW {op} on a ptr")
    if op == "add":
        return t.wrap(old + v)
    if op == "sub":
        return t.wrap(old - v)
    if op == "and":
        return t.wrap(old & v)
    if op == "or":
        return t.wrap(old | v)
    if op == "xor":
        return t.wrap(old ^ v)
    if op == "max":
        return max(old, v) if t.bits > 1 else min(old, v)  # i1 signed: 1 is -1
    if op == "min":
        return min(old, v) if t.bits > 1 else max(old, v)
    if op == "umax":
        return old if t.unsigned(old) >= t.unsigned(v) else v
    if op == "umin":
        return old if t.unsigned(old) <= t.unsigned(v) else v
    raise Trap(f"unknown ATOMIC_RMW operation {op!r}")


def make_atomic_ops(names):
    """ATOMIC_RMW and ATOMIC_CMP_XCHG on naturally aligned cells.

    The interpreter runs one instruction at a time under the GIL, so a read-modify-write here is
    atomic with respect to every interpreted thread; C threads writing the same cell concurrently
    are not serialised against it (the runtime's interpreted mode does not run KIR on C threads).
    """

    def rmw(op: str, t: Type, addr: int, v):
        _check(addr, t.size, f"ATOMIC_RMW of {t}", names)
        cell = MEMORY_CTYPE[t].from_address(addr)
        old = cell.value & 1 if t == I1 else cell.value
        cell.value = _rmw_apply(op, t, old, v)
        return old

    def cmpxchg(t: Type, addr: int, expected, new):
        _check(addr, t.size, f"ATOMIC_CMP_XCHG of {t}", names)
        cell = MEMORY_CTYPE[t].from_address(addr)
        old = cell.value & 1 if t == I1 else cell.value
        if old == expected:
            cell.value = new
        return old

    return rmw, cmpxchg
