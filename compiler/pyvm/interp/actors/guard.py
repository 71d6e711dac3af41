"""Guarded C calls: a raise inside the C runtime becomes a Python exception instead of exit(1).

In actor mode every C function the program calls (runtime functions, `pyvm_raise` and friends
included) goes through `pyvm_guard_call_u64` / `pyvm_guard_call_f64` (runtime/core/error.c): the C
side pushes a handler, calls the function, and reports a raise (status 1) or `pyvm_exit` (status 2)
back instead of ending the process. Inside an actor the handler is the runtime's crash reporter
(`pyvm_try_enter_report`): the raise is written on stderr at once, exactly as the C actor runtime does
(stdout flushed, `Actor <pid 0.N> crashed:`, the traceback of the actor's shadow frames, the last line)
and `CRaise` carries the reason ("Name: message") to the scheduler. Outside actors (the module body
of an actor program) nothing is written by C; the caller prints the traceback (`report_uncaught`).

The guard calls every function through one prototype, (6 x uint64, 8 x double): on x86-64 and
AArch64 that passes any signature with at most 6 integer/pointer and 8 floating-point arguments
correctly (error.c explains why). Narrow integers are extended to 64 bits here, as a C caller does;
an f32 argument travels as the low 32 bits of its double register, an f32 result likewise. Other
signatures and other machines get the plain ctypes call, without the guard.
"""

from __future__ import annotations

import ctypes
import platform
import struct
from typing import Callable

from pyvm.kir.types import F32, F64, I1, VOID, Type

from pyvm.interp.externs import c_function

MAX_INT_ARGS, MAX_FLOAT_ARGS = 6, 8
GUARDED_MACHINES = frozenset({"x86_64", "amd64", "aarch64", "arm64"})


class CRaise(Exception):
    """A raise in C under the guard: `kind` (PYVM_EXC_*), `message`, `reason` ("Name: message");
    `reported`: the report (crash banner and traceback, or an uncaught traceback outside actors) is on
    stderr already. `exit_status` is set instead (kind 0) after pyvm_exit."""

    def __init__(self, kind: int, message: str, reason: str, reported: bool, exit_status: int | None = None):
        super().__init__(reason)
        self.kind, self.message, self.reason = kind, message, reason
        self.reported, self.exit_status = reported, exit_status


def _f32_as_double(x: float) -> float:
    """A double whose low 32 bits are the float's bits (the high ones zero: a subnormal, never NaN)."""
    return struct.unpack("<d", struct.pack("<f", x) + b"\0\0\0\0")[0]


def _double_low_f32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<d", x)[:4])[0]


class Guard:
    """Makes guarded callables for the C functions of one library (the C runtime, loaded already).

    `banner` is the current crash banner (bytes, NUL-terminated in a buffer this object keeps), set by
    the scheduler each time it switches actors; None outside actors."""

    def __init__(self, lib: ctypes.CDLL):
        self.lib = lib
        self.enabled = platform.machine().lower() in GUARDED_MACHINES
        args = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64)]
        args += [ctypes.c_uint64] * MAX_INT_ARGS + [ctypes.c_double] * MAX_FLOAT_ARGS
        self._u64 = lib.pyvm_guard_call_u64
        self._u64.argtypes, self._u64.restype = args, ctypes.c_uint64
        self._f64 = lib.pyvm_guard_call_f64
        self._f64.argtypes, self._f64.restype = args, ctypes.c_double
        self._status = ctypes.c_int64(0)
        self._status_ref = ctypes.byref(self._status)
        self._exc_kind = lib.pyvm_exc_kind
        self._exc_kind.restype = ctypes.c_int
        self._exc_message = lib.pyvm_rt_error_message
        self._exc_message.restype = ctypes.c_void_p
        self._exc_name = lib.pyvm_exc_name
        self._exc_name.argtypes, self._exc_name.restype = [ctypes.c_int], ctypes.c_char_p
        self._tstate_get = lib.pyvm_tstate_get
        self._tstate_get.restype = ctypes.c_void_p
        self._write_tb = lib.pyvm_write_traceback
        self._write_tb.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p]
        self._write_tb.restype = None
        self._named: dict[tuple, Callable] = {}
        self._banner_buf = None
        self.banner_addr = None  # address of the current banner, None outside actors
        self.exit_status_of: Callable[[], int] = lambda: 1  # set by the scheduler (reads the tstate)

    # -- the banner --
    def set_banner(self, text: str | None) -> None:
        if text is None:
            self._banner_buf = self.banner_addr = None
            return
        self._banner_buf = ctypes.create_string_buffer(text.encode())
        self.banner_addr = ctypes.addressof(self._banner_buf)

    def use_banner(self, buf) -> None:
        """Switch to a banner buffer made by `banner_buffer` (kept by its actor)."""
        self._banner_buf = buf
        self.banner_addr = None if buf is None else ctypes.addressof(buf)

    @staticmethod
    def banner_buffer(text: str):
        return ctypes.create_string_buffer(text.encode())

    # -- exceptions --
    def exception_name(self, kind: int) -> str:
        name = self._exc_name(kind)
        return name.decode() if name else "Exception"

    def last_exception(self) -> tuple[int, str]:
        kind = self._exc_kind()
        addr = self._exc_message()
        message = ctypes.string_at(addr).decode("utf-8", "surrogateescape") if addr else ""
        return kind, message

    def reason(self, kind: int, message: str) -> str:
        name = self.exception_name(kind)
        return f"{name}: {message}" if message else name

    def _failed(self, status: int, in_actor: bool):
        if status == 2:
            raise CRaise(0, "", "exit", in_actor, exit_status=self.exit_status_of())
        kind, message = self.last_exception()
        if not in_actor:  # what an uncaught raise prints (the handler restored the frames of the call)
            top = ctypes.c_void_p.from_address(self._tstate_get()).value
            self._write_tb(None, top, kind, message.encode("utf-8", "surrogateescape"))
        raise CRaise(kind, message, self.reason(kind, message), True)

    # -- callables --
    def caller(self, addr: int, params, ret: Type) -> Callable:
        """The `c_caller` the Interpreter takes: a guarded callable for the C function at addr."""
        params = list(params)
        nint = sum(1 for p in params if not p.is_float)
        nflt = len(params) - nint
        if not self.enabled or nint > MAX_INT_ARGS or nflt > MAX_FLOAT_ARGS:
            return c_function(addr, params, ret)
        plan = []  # per parameter: (is_float, index, converter)
        ni = nf = 0
        for p in params:
            if p.is_float:
                plan.append((True, nf, _f32_as_double if p == F32 else float))
                nf += 1
            else:
                plan.append((False, ni, (lambda v: 1 if v else 0) if p == I1 else int))
                ni += 1
        f_ret = ret.is_float
        call = self._f64 if f_ret else self._u64
        status, status_ref = self._status, self._status_ref
        failed = self._failed
        guard = self
        if ret == VOID:
            fix = None
        elif ret == F32:
            fix = _double_low_f32
        elif ret == F64:
            fix = None
        elif ret == I1:
            fix = lambda v: 1 if v & 0xFF else 0  # noqa: E731  (only al is defined for a C bool)
        elif ret.is_int:
            fix = ret.wrap
        else:  # ptr
            fix = None
        void = ret == VOID

        def guarded(*args):
            ia = [0, 0, 0, 0, 0, 0]
            fa = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
            for (is_f, k, conv), a in zip(plan, args):
                if is_f:
                    fa[k] = conv(a)
                else:
                    ia[k] = conv(a) & 0xFFFF_FFFF_FFFF_FFFF
            banner = guard.banner_addr
            v = call(addr, banner, status_ref, *ia, *fa)
            if status.value:
                failed(status.value, banner is not None)
            if void:
                return None
            return fix(v) if fix is not None else v

        guarded.__name__ = f"guarded_{addr:#x}"
        return guarded

    def call(self, name: str, params, ret: Type, *args):
        """Call the library's function `name` under the guard (for hooks)."""
        key = (name, tuple(params), ret)
        fn = self._named.get(key)
        if fn is None:
            addr = ctypes.cast(self.lib[name], ctypes.c_void_p).value
            fn = self._named[key] = self.caller(addr, params, ret)
        return fn(*args)
