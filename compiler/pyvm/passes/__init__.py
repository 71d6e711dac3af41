"""KIR → KIR optimisation passes and the pass manager.

One module per pass, named after it, with one entry point `run(module: Module) -> bool` (True when it
changed the module). Its docstring says what it does, the invariants it needs and keeps, and shows a tiny
before/after. Every pass takes and returns verified KIR (SSA, dominance, types: `pyvm.kir.verifier`); the
pipeline re-verifies after each pass in debug mode (PYVM_DEBUG=1) and in the tests and fuzzers always.

    mem2reg      promote ALLOCA slots used only by whole loads and stores to registers, inserting PHIs
    simplifycfg  fold constant branches, drop unreachable blocks, merge straight-line chains, skip empty blocks
    constfold    evaluate instructions whose operands are constants (never a trap: x/0 stays) and simplify
                 algebraic identities
    copyprop     replace each COPY's result (and single-value PHIs) by its source
    cse          reuse an earlier identical pure computation that dominates (loads only with no store,
                 call or other write between)
    dce          delete instructions whose results are unused and that have no side effect and cannot trap
    inline       inline calls to small non-recursive functions of the module
    unroll       fully unroll loops whose trip count is a small constant

Pipelines per level (`PIPELINES`): -O0 runs nothing; -Oz avoids what grows code (inline, unroll).
"""

from __future__ import annotations

import importlib
from typing import Callable, Iterable, TextIO

from pyvm.kir.ir import Module

PASS_NAMES: tuple[str, ...] = ("mem2reg", "simplifycfg", "constfold", "copyprop", "cse", "dce", "inline", "unroll")

_CLEANUP = ("copyprop", "constfold", "cse", "dce", "simplifycfg")
PIPELINES: dict[str, tuple[str, ...]] = {
    "O0": (),
    "O1": ("mem2reg", "simplifycfg", "copyprop", "constfold", "dce", "simplifycfg"),
    "O2": ("mem2reg", "simplifycfg", "inline", *_CLEANUP),
    "O3": ("mem2reg", "simplifycfg", "inline", *_CLEANUP, "unroll", *_CLEANUP),
    "Oz": ("mem2reg", "simplifycfg", *_CLEANUP),
}


def get(name: str) -> Callable[[Module], bool]:
    """The entry point of pass `name` (imported on first use)."""
    if name not in PASS_NAMES:
        raise KeyError(f"unknown KIR pass {name!r}; known: {', '.join(PASS_NAMES)}")
    return importlib.import_module(f"pyvm.passes.{name}").run


def run(name: str, module: Module) -> bool:
    return bool(get(name)(module))


def parse_spec(spec: str) -> tuple[str, ...]:
    """`O2`, `-O2`, or comma-separated pass names (`mem2reg,dce`) as a pass list."""
    spec = spec.strip()
    level = spec.lstrip("-")
    if level in PIPELINES:
        return PIPELINES[level]
    names = tuple(n.strip() for n in spec.split(",") if n.strip())
    for n in names:
        get(n)  # unknown names fail here, with the list of known ones
    return names


def run_pipeline(module: Module, names: Iterable[str], *, verify_each: bool = False,
                 print_after: str | None = None, out: TextIO | None = None) -> Module:
    """Runs the passes in order on `module` (in place; also returned). `verify_each` runs the verifier
    after every pass (a failure names the pass); `print_after` (a pass name or "all") prints the module
    to `out` after that pass, headed `; *** KIR after NAME ***`."""
    from pyvm.kir.printer import print_module
    from pyvm.kir.verifier import VerifyError, check_module

    for name in names:
        run(name, module)
        if verify_each:
            problems = check_module(module)
            if problems:
                raise VerifyError([f"after pass {name}: {p}" for p in problems])
        if print_after in (name, "all") and out is not None:
            out.write(f"; *** KIR after {name} ***\n{print_module(module)}\n")
    return module
