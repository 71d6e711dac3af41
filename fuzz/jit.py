"""Calling a generated module's entry through LLVM's MCJIT, with arguments.

The same path as `pyvm.backend.llvm.jit.jit_run` (lower, parse and verify, LLVM's pipeline for the
level, MCJIT for the host CPU), but the entry takes arguments: the exported function's address is
called through ctypes with the C types the interpreter uses for externs (`FFI_CTYPE`: i1 is C's bool,
i8 int8_t, ...), matching the lowering's zeroext/signext parameter attributes.
"""

from __future__ import annotations

import ctypes

import llvmlite.binding as llvm

from pyvm.backend.llvm.codegen import optimize, parse_and_verify
from pyvm.backend.llvm.lower import lower_module
from pyvm.backend.llvm.target import host_triple, target_machine
from pyvm.interp.memory import FFI_CTYPE
from pyvm.kir.ir import Module


def jit_call(module: Module, opt_level: int, entry: str, inputs: list[tuple]) -> list[int]:
    """Compile `module` at LLVM `opt_level` and return entry(*args) for each argument tuple (the entry
    must be exported and return an integer)."""
    fn = module.function(entry)
    if fn is None or "export" not in fn.attrs:
        raise ValueError(f"${entry} must be an exported function of the module")
    mod = parse_and_verify(lower_module(module, host_triple()))
    tm = target_machine(None, opt_level, jit=True)
    optimize(mod, tm, opt_level)
    engine = llvm.create_mcjit_compiler(mod, tm)
    try:
        engine.finalize_object()
        address = engine.get_function_address(entry)
        if not address:
            raise RuntimeError(f"the JIT did not produce ${entry}")
        proto = ctypes.CFUNCTYPE(FFI_CTYPE[fn.ret], *(FFI_CTYPE[p.type] for p in fn.params))
        cfn = proto(address)
        return [fn.ret.wrap(int(cfn(*args))) for args in inputs]
    finally:
        del engine
