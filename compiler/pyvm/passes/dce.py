"""dce: delete instructions whose results are unused and that have no side effect and cannot trap.

What it does, per function, by mark and sweep: the roots are the instructions that must stay whatever
happens to their result (terminators, side effects: CALL, STORE, atomics, ...; and anything that may
trap: LOAD, FPTOSI, a division by an unknown divisor). Everything a live instruction uses is live,
transitively; the rest is deleted. So a chain of dead computations goes in one run, and so does a
dead PHI cycle (a loop counter nothing outside the loop reads), which use counts alone would keep.
An unused ALLOCA is dead like any pure instruction (one still used by a STORE is not).

Trapping opcodes are removable when their operands make them safe: DIV/REM/UDIV/UREM on floats
(never trap), or by a constant divisor that is nonzero and, for the signed ones, not -1 (INT_MIN / -1
traps) unless the dividend is a constant other than INT_MIN; SHL/SHR/LSHR by a constant below the
width. CALLs are never removed (even of a readnone extern: it may not return), nor LOADs (a bad
address traps), nor anything with a side effect.

Invariants: needs verified SSA KIR and keeps it: only instructions whose results nothing live uses
are removed, so no remaining instruction names a deleted register. The CFG is not changed.

    %a: i64 = MUL %x, i64 3
    %q: i64 = DIV %x, %y              ==>    %q: i64 = DIV %x, %y
    %d: i64 = DIV %a, i64 7                  CALL $f(%x)
    CALL $f(%x)                              RET
    RET
"""

from __future__ import annotations

from pyvm.kir.ir import Const, Function, Instr, Module, Reg

from pyvm.passes._util import is_removable

_DIVISIONS = ("DIV", "REM", "UDIV", "UREM")
_SHIFTS = ("SHL", "SHR", "LSHR")


def run(module: Module) -> bool:
    changed = False
    for fn in module.functions:
        changed |= _sweep(fn)
    return changed


def _sweep(fn: Function) -> bool:
    definition: dict[Reg, Instr] = {}
    work: list[Instr] = []
    for _, ins in fn.instructions():
        if ins.dest is not None:
            definition[ins.dest] = ins
        if not _removable(ins):
            work.append(ins)
    live: set[Reg] = set()  # Reg hashes by identity
    while work:
        ins = work.pop()
        for reg in ins.regs_used():
            if reg not in live:
                live.add(reg)
                if reg in definition:  # parameters have no defining instruction
                    work.append(definition[reg])
    changed = False
    for block in fn.blocks:
        kept = [ins for ins in block.instrs if not _removable(ins) or ins.dest in live]
        if len(kept) != len(block.instrs):
            block.instrs = kept
            changed = True
    return changed


def _removable(ins: Instr) -> bool:
    """Could ins go if nothing used its result? (No side effect, and it cannot trap on these operands.)"""
    if is_removable(ins):
        return True
    info = ins.info
    if info.side_effects or info.terminator or info.writes_memory or info.reads_memory:
        return False
    if info.group != "binary":
        return False
    a, b = ins.operands
    t = b.type
    if t.is_float:
        return ins.op in _DIVISIONS  # float division and remainder give inf/NaN, never trap
    if not isinstance(b, Const):
        return False
    divisor = t.wrap(int(b.value))
    if ins.op in _SHIFTS:
        return t.unsigned(divisor) < t.bits
    if ins.op in ("UDIV", "UREM"):
        return t.unsigned(divisor) != 0
    if ins.op in ("DIV", "REM"):
        if divisor == 0:
            return False
        if divisor == -1 and t.bits > 1:  # only INT_MIN / -1 traps, so a known other dividend is safe
            return isinstance(a, Const) and t.wrap(int(a.value)) != t.min_signed
        return True
    return False
