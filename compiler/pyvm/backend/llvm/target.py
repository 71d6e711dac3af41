"""LLVM targets: one-time initialisation, the host triple, target machines for objects and the JIT."""

from __future__ import annotations

import functools

import llvmlite.binding as llvm


@functools.cache
def _init_native() -> None:
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    llvm.initialize_native_asmparser()


@functools.cache
def _init_all() -> None:
    _init_native()
    llvm.initialize_all_targets()
    llvm.initialize_all_asmprinters()


def host_triple() -> str:
    _init_native()
    return llvm.get_process_triple()


def get_target(triple: str | None) -> llvm.Target:
    triple = triple or host_triple()
    _init_native()
    if triple != host_triple():
        _init_all()
    return llvm.Target.from_triple(triple)


def target_machine(triple: str | None, opt: int, jit: bool = False) -> llvm.TargetMachine:
    """A target machine: position-independent small-code-model objects for the system linker (a PIE
    executable), or the JIT's defaults. The JIT compiles for the host CPU; objects for the triple's
    generic CPU, so executables run on any machine of the architecture."""
    target = get_target(triple)
    if jit:
        return target.create_target_machine(cpu=llvm.get_host_cpu_name(),
                                            features=llvm.get_host_cpu_features().flatten(),
                                            opt=opt, reloc="default", codemodel="jitdefault", jit=True)
    return target.create_target_machine(opt=opt, reloc="pic", codemodel="default")


def data_layout(triple: str | None) -> str:
    return str(target_machine(triple, 0).target_data)
