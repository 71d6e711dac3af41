"""Calling a generated module's entry through LLVM's MCJIT, with arguments.

`pyvm.backend.llvm.jit.jit_compiled` compiles (the path of `pyvm run --jit`); here the entry takes
arguments: its address is called through ctypes with the C types the interpreter uses for externs
(`FFI_CTYPE`: i1 is C's bool, i8 int8_t, ...), matching the lowering's zeroext/signext parameter
attributes.
"""

from __future__ import annotations

import ctypes

from pyvm.backend.llvm.jit import jit_compiled
from pyvm.interp.memory import FFI_CTYPE
from pyvm.kir.ir import Module


def jit_call(module: Module, opt_level: int, entry: str, inputs: list[tuple]) -> list[int]:
    """Compile `module` at LLVM `opt_level` and return entry(*args) for each argument tuple (the entry
    must be exported and return an integer)."""
    fn = module.function(entry)
    if fn is None or "export" not in fn.attrs:
        raise ValueError(f"${entry} must be an exported function of the module")
    with jit_compiled(module, opt_level, entry) as address:
        proto = ctypes.CFUNCTYPE(FFI_CTYPE[fn.ret], *(FFI_CTYPE[p.type] for p in fn.params))
        cfn = proto(address)
        return [fn.ret.wrap(int(cfn(*args))) for args in inputs]
