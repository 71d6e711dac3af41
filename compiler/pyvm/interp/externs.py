"""Externs: Python callables (tests, hooks) first, then C functions from shared libraries via ctypes.

A C function is called with argtypes/restype derived from its KIR signature (see
`memory.FFI_CTYPE`): i1 is C's bool, pointers cross as uint64 (the same registers as void* in the
SysV ABI), so they stay plain ints on both sides.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path
from typing import Callable, Iterable

from pyvm.kir.semantics import Trap, as_float
from pyvm.kir.types import I1, VOID, Type

from pyvm.interp.memory import FFI_CTYPE, MASK64

def load_library(lib) -> ctypes.CDLL:
    """A path (str/Path) is dlopen'ed (RTLD_GLOBAL, so later libraries see its symbols); a CDLL is used
    as it is; None is the process itself (libc and whatever the interpreter already loaded)."""
    if isinstance(lib, ctypes.CDLL):
        return lib
    if lib is None:
        return ctypes.CDLL(None)
    return ctypes.CDLL(os.fspath(Path(lib)), mode=ctypes.RTLD_GLOBAL)


def c_prototype(params: Iterable[Type], ret: Type):
    return ctypes.CFUNCTYPE(FFI_CTYPE[ret], *(FFI_CTYPE[p] for p in params))


def c_function(addr: int, params: Iterable[Type], ret: Type) -> Callable:
    """A Python callable for the C function at addr, with KIR values in and out."""
    fn = c_prototype(params, ret)(addr)
    if ret == I1:
        return lambda *args: 1 if fn(*args) else 0
    return fn


def normalizer(t: Type) -> Callable:
    """Turns a Python hook's result into a KIR value of type t."""
    if t == VOID:
        return lambda v: None
    if t == I1:
        return lambda v: 1 if v else 0
    if t.is_int:
        return lambda v: t.wrap(int(v))
    if t.is_float:
        return lambda v: as_float(t, float(v))
    return lambda v: int(v or 0) & MASK64  # ptr: None is null


class ExternEntry:
    """One resolved extern: `call(*args)` takes and returns KIR values; `address` is what `$name` is
    as a value (the real C address, or an interpreter address for Python hooks and unresolved names)."""

    __slots__ = ("name", "params", "ret", "call", "address", "kind", "suspends")

    def __init__(self, name: str, params: list[Type], ret: Type, call: Callable, address: int | None,
                 kind: str, suspends: bool = False):
        self.name, self.params, self.ret, self.call = name, list(params), ret, call
        self.address, self.kind = address, kind  # kind: "python", "c", "missing"
        self.suspends = suspends  # a Python hook that may raise Suspend (see machine.Suspend)


def python_entry(name: str, params: list[Type], ret: Type, fn: Callable, suspends: bool = False) -> ExternEntry:
    norm = normalizer(ret)

    def call(*args):
        return norm(fn(*args))

    call.__name__ = f"extern_{name}"
    return ExternEntry(name, params, ret, call, None, "python", suspends)


def missing_entry(name: str, params: list[Type], ret: Type, searched: str) -> ExternEntry:
    def call(*args):
        raise Trap(f"call of unknown symbol ${name}: {searched}")

    return ExternEntry(name, params, ret, call, None, "missing")


def find_c_symbol(libraries: list[ctypes.CDLL], name: str) -> int | None:
    for lib in libraries:
        try:
            fn = lib[name]
        except AttributeError:
            continue
        return ctypes.cast(fn, ctypes.c_void_p).value
    return None


class CodeAddressCheck:
    """Is an address inside some loaded object's mapping (dladdr)? Cheap insurance before an indirect
    call jumps to a pointer from C: a heap or stack address traps instead of crashing."""

    class _DlInfo(ctypes.Structure):
        _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                    ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]

    def __init__(self):
        self._known: dict[int, bool] = {}
        try:
            self._dladdr = ctypes.CDLL(None).dladdr
            self._dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(self._DlInfo)]
            self._dladdr.restype = ctypes.c_int
        except AttributeError:  # no dladdr: skip the check
            self._dladdr = None

    def allow(self, addr: int) -> None:
        self._known[addr] = True

    def __call__(self, addr: int) -> bool:
        known = self._known.get(addr)
        if known is None:
            if self._dladdr is None:
                known = True
            else:
                info = self._DlInfo()
                known = bool(self._dladdr(addr, ctypes.byref(info))) and info.dli_fname is not None
            self._known[addr] = known
        return known
