"""PyVM's code generators: KIR in, native code out.

`pyvm.backend.llvm` lowers KIR to LLVM IR with llvmlite and compiles it (object files, assembly,
executables linked with the C runtime, or an in-process JIT run).
"""
