"""From llvmlite IR to machine code: parse, verify, optimise with LLVM's new pass manager, emit.

Optimisation levels (`opt_level`, and `size` for -Oz), each LLVM's new-pass-manager default module
pipeline (`PassBuilder::buildPerModuleDefaultPipeline`) tuned as clang tunes it:
  -O0   the O0 pipeline (always-inline and the mandatory passes only); codegen (instruction
        selection, register allocation) at O0
  -O1   `default<O1>`: no loop unrolling, interleaving or vectorisation; codegen at O1
  -O2   `default<O2>` with loop unrolling, interleaving, loop and SLP vectorisation; codegen at O2
  -O3   `default<O3>` (more aggressive inlining, threshold 250, and the O3-only passes) with the same
        loop tuning; codegen at O3
  -Oz   `size=True`, whatever opt_level says: llvmlite's pass builder has no size levels, so this is
        `default<O2>` with clang -Oz's tuning (inliner threshold 25; no unrolling, interleaving or
        vectorisation) and every defined function marked `optsize minsize`, which the size-aware
        passes and instruction selection honour; codegen at O2.
Objects are for the module's triple (the host's by default), generic CPU, PIC, small code model.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import llvmlite.binding as llvm
import llvmlite.ir as ir

from pyvm.backend.llvm.target import target_machine

OZ_INLINE_THRESHOLD = 25  # clang's -Oz (-Os: 75, -O2: 225, -O3: 250)


class LinkError(RuntimeError):
    pass


def _check_level(opt_level: int) -> None:
    if opt_level not in (0, 1, 2, 3):
        raise ValueError(f"opt_level must be 0, 1, 2 or 3, not {opt_level!r}")


def parse_and_verify(llvm_module: ir.Module | str) -> llvm.ModuleRef:
    text = llvm_module if isinstance(llvm_module, str) else str(llvm_module)
    try:
        mod = llvm.parse_assembly(text)
        mod.verify()
    except RuntimeError as exc:
        raise RuntimeError(f"LLVM rejected the lowered module: {exc}") from exc
    return mod


def optimize(mod: llvm.ModuleRef, tm: llvm.TargetMachine, opt_level: int, size: bool = False) -> None:
    """Run LLVM's default module pipeline for the level, in place."""
    _check_level(opt_level)
    speed = 2 if size else opt_level
    pto = llvm.create_pipeline_tuning_options(speed_level=speed)
    # clang's choices: unrolling, interleaving and both vectorizers from -O2 up, none at -Oz
    loops = opt_level >= 2 and not size
    pto.loop_unrolling = pto.loop_interleaving = loops
    pto.loop_vectorization = pto.slp_vectorization = loops
    if size:
        pto.inlining_threshold = OZ_INLINE_THRESHOLD
        for fn in mod.functions:
            if not fn.is_declaration:
                fn.add_function_attribute("optsize")
                fn.add_function_attribute("minsize")
    pb = llvm.create_pass_builder(tm, pto)
    pb.getModulePassManager().run(mod, pb)


def _prepare(llvm_module: ir.Module | str, opt_level: int, size: bool) -> tuple[llvm.ModuleRef, llvm.TargetMachine]:
    _check_level(opt_level)
    mod = parse_and_verify(llvm_module)
    tm = target_machine(mod.triple or None, 2 if size else opt_level)
    optimize(mod, tm, opt_level, size)
    mod.verify()
    return mod, tm


def compile_object(llvm_module: ir.Module | str, opt_level: int, size: bool = False) -> bytes:
    """An object file (ELF on Linux) for the module's triple (the host's, from `lower_module`)."""
    mod, tm = _prepare(llvm_module, opt_level, size)
    return tm.emit_object(mod)


def emit_assembly(llvm_module: ir.Module | str, opt_level: int, size: bool = False) -> str:
    mod, tm = _prepare(llvm_module, opt_level, size)
    return tm.emit_assembly(mod)


def emit_llvm_ir(llvm_module: ir.Module | str, opt_level: int, size: bool = False) -> str:
    """The module's LLVM IR after the optimisation pipeline (`pyvm emit --llvm`)."""
    mod, _ = _prepare(llvm_module, opt_level, size)
    return str(mod)


def link_executable(objects: list[Path], output: Path, runtime_static_lib: Path | None,
                    extra_args: list[str] | None = None, cc: str | None = None) -> Path:
    """Link objects (+ the runtime's static library, + libm) into an executable with the system C
    compiler driver (`cc`, or $CC). Objects are position-independent, so the default PIE works."""
    compiler = cc or os.environ.get("CC") or "cc"
    cmd = [compiler, "-o", str(output), *map(str, objects)]
    if runtime_static_lib is not None:
        cmd.append(str(runtime_static_lib))
    cmd += [*(extra_args or []), "-lm"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise LinkError(f"no C compiler driver {compiler!r} to link with: {exc}") from exc
    if proc.returncode != 0:
        raise LinkError(f"linking {output} failed ({' '.join(cmd)}):\n{proc.stderr.strip()}")
    return Path(output)
