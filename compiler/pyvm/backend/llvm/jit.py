"""Run a KIR module in this process with LLVM's MCJIT (the `pyvm run --jit` path and the tests)."""

from __future__ import annotations

import contextlib
import ctypes
from pathlib import Path
from typing import Iterator

import llvmlite.binding as llvm

from pyvm.backend.llvm.codegen import optimize, parse_and_verify
from pyvm.backend.llvm.lower import lower_module
from pyvm.backend.llvm.target import host_triple, target_machine
from pyvm.kir.ir import Module

_loaded: set[str] = set()


def load_shared_library(path: Path | str) -> None:
    """dlopen a library for good (RTLD_GLOBAL), so JIT-compiled code can call into it."""
    key = str(Path(path).resolve())
    if key not in _loaded:
        llvm.load_library_permanently(key)
        _loaded.add(key)


def _call_void_if_present(symbol: str) -> None:
    address = llvm.address_of_symbol(symbol)
    if address:
        ctypes.CFUNCTYPE(None)(address)()


@contextlib.contextmanager
def jit_compiled(kir_module: Module, opt_level: int, entry: str) -> Iterator[int]:
    """Compiles `kir_module` for the host at `opt_level` into MCJIT (static constructors run) and yields
    the address of the function `entry`; the code is freed when the block ends."""
    mod = parse_and_verify(lower_module(kir_module, host_triple()))
    tm = target_machine(None, opt_level, jit=True)
    optimize(mod, tm, opt_level)
    engine = llvm.create_mcjit_compiler(mod, tm)
    try:
        engine.finalize_object()
        engine.run_static_constructors()
        address = engine.get_function_address(entry)
        if not address:
            raise RuntimeError(f"the JIT did not produce ${entry}")
        yield address
    finally:
        del engine


def jit_run(kir_module: Module, opt_level: int, shared_libraries: list[Path] | tuple = (),
            entry: str = "pyvm_program_main") -> int:
    """Compile `kir_module` for the host at `opt_level` and call `entry` (an exported `() -> i64`).

    The shared libraries (the runtime's, usually) are loaded first, so the module's externs resolve to
    them; `void pyvm_rt_init(void)` is called before the entry and `void pyvm_flush(void)` after it,
    when some loaded library exports them. Returns the entry's i64 result."""
    for lib in shared_libraries:
        load_shared_library(lib)
    fn = kir_module.function(entry)
    if fn is None:
        raise KeyError(f"no function ${entry} in module {kir_module.name!r}")
    if "export" not in fn.attrs or fn.params or fn.ret.name != "i64":
        raise ValueError(f"${entry} must be an exported function () -> i64")
    with jit_compiled(kir_module, opt_level, entry) as address:
        _call_void_if_present("pyvm_rt_init")
        try:
            return int(ctypes.CFUNCTYPE(ctypes.c_int64)(address)())
        finally:
            _call_void_if_present("pyvm_flush")
