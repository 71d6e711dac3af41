"""The compiler pipeline, in one place: every stage and pass in order.

    validate  seed 000's three rules                          pyvm.validate
    ast       CPython's parser (kept from validation)
    typed     scope analysis + type inference per instance    pyvm.frontend
    kir       lowering to KIR, verified                       pyvm.frontend.lower, pyvm.kir.verifier
    passes    KIR → KIR optimisation (-O1 and up), with the verifier after each pass in debug mode
    llvm/asm  the LLVM backend (object code, JIT), or the KIR interpreter for `pyvm run`
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field

from pyvm.kir import Module, verify
from pyvm.toolchain.runtime_abi import check_externs

STAGES = ("ast", "typed", "kir", "llvm", "asm")

# KIR passes per optimisation level, in order (pyvm.passes.PIPELINES: mem2reg, simplifycfg, inline,
# constfold, copyprop, cse, dce, unroll). LLVM's own pipeline runs after them at the same level, and every
# backend consumes their output.
from pyvm.passes import PIPELINES as KIR_PIPELINES  # noqa: E402


@dataclass
class Compilation:
    project: object
    checker: object = None
    kir: Module | None = None
    notes: list[str] = field(default_factory=list)


def debug_mode() -> bool:
    return os.environ.get("PYVM_DEBUG", "") not in ("", "0")


def front(path: str) -> Compilation:
    """validate → ast → typed → kir (verified). Raises CompileError for bad input."""
    from pyvm.frontend import check_program
    from pyvm.frontend.lower import lower_program
    from pyvm.validate import validate_project

    project = validate_project(path)
    checker = check_program(project)
    module = lower_program(checker)
    verify(module)  # lowering bugs surface here as internal errors, never as wrong code
    problems = check_externs(module.externs)
    if problems:
        raise AssertionError("the compiler and the C runtime disagree:\n  " + "\n  ".join(problems))
    return Compilation(project, checker, module)


def optimise(module: Module, level: str, print_after: str | None = None) -> Module:
    """Run the KIR pipeline for a level; in debug mode verify after every pass; `print_after` (a pass
    name or "all") prints the module to stderr after that pass."""
    import sys

    from pyvm import passes

    return passes.run_pipeline(module, KIR_PIPELINES[level], verify_each=debug_mode(),
                               print_after=print_after, out=sys.stderr)


def emit(path: str, stage: str, level: str = "O0", print_after: str | None = None) -> str:
    if stage == "ast":
        from pyvm.validate import validate_project
        project = validate_project(path)
        return "\n\n".join(f"# {src.path.shown}\n" + ast.dump(project.trees[key], indent=2)
                           for key, src in project.modules.items()) + "\n"
    comp = front(path)
    if stage == "typed":
        from pyvm.frontend.typed_dump import dump_typed
        return dump_typed(comp.checker)
    module = optimise(comp.kir, level, print_after)
    if stage == "kir":
        from pyvm.kir import print_module
        return print_module(module)
    from pyvm.backend import llvm as llvm_backend
    ir_module = llvm_backend.lower_module(module)
    if stage == "llvm":
        return str(ir_module)
    return llvm_backend.emit_assembly(ir_module, opt_level=_level_number(level), size=level == "Oz")


def _level_number(level: str) -> int:
    return {"O0": 0, "O1": 1, "O2": 2, "O3": 3, "Oz": 2}[level]


def run_interpreted(path: str) -> int:
    from pyvm.interp import run_program
    from pyvm.toolchain.runtime_build import runtime_library

    comp = front(path)
    return run_program(comp.kir, libraries=[runtime_library("shared")])


def run_jit(path: str, level: str = "O2", print_after: str | None = None) -> int:
    from pyvm.backend import llvm as llvm_backend
    from pyvm.toolchain.runtime_build import runtime_library

    module = optimise(front(path).kir, level, print_after)
    return llvm_backend.jit_run(module, _level_number(level), [runtime_library("shared")])


def build(path: str, output: str, level: str = "O2", print_after: str | None = None) -> None:
    import tempfile
    from pathlib import Path

    from pyvm.backend import llvm as llvm_backend
    from pyvm.toolchain.runtime_build import runtime_library

    module = optimise(front(path).kir, level, print_after)
    ir_module = llvm_backend.lower_module(module)
    obj = llvm_backend.compile_object(ir_module, _level_number(level), size=level == "Oz")
    with tempfile.TemporaryDirectory(prefix="pyvm-build-") as tmp:
        obj_path = Path(tmp) / "program.o"
        obj_path.write_bytes(obj)
        llvm_backend.link_executable([obj_path], Path(output), runtime_library("static"))
