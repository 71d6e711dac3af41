"""The LLVM backend: KIR -> LLVM IR (llvmlite's IR builder) -> objects, executables or a JIT run.

    llmod = lower_module(kir_module)                  # llvmlite.ir.Module for the host triple
    obj = compile_object(llmod, opt_level=2)          # bytes of an object file (size=True: -Oz)
    link_executable([obj_path], exe, runtime_lib)     # cc + libpyvmrt.a + -lm
    jit_run(kir_module, 2, [runtime_so])              # the i64 of pyvm_program_main, in-process
"""

from pyvm.backend.llvm.codegen import (LinkError, compile_object, emit_assembly, emit_llvm_ir,
                                       link_executable, optimize)
from pyvm.backend.llvm.jit import jit_run, load_shared_library
from pyvm.backend.llvm.lower import (LoweringError, UnsupportedOpcode, llvm_type, lower_module,
                                     unhandled_opcodes)
from pyvm.backend.llvm.target import host_triple

__all__ = ["lower_module", "compile_object", "emit_assembly", "emit_llvm_ir", "link_executable",
           "jit_run", "load_shared_library", "optimize", "host_triple", "llvm_type",
           "unhandled_opcodes", "UnsupportedOpcode", "LoweringError", "LinkError"]
