"""constfold: evaluate instructions whose operands are all constants, and simplify safe integer
identities.

What it does, per function, to a fixed point:
  * binary, unary, ICMP, FCMP, casts and INTRINSICs (those `semantics.INTRINSIC_EVAL` defines) whose
    value operands are all constants become that constant: the result is computed by
    `pyvm.kir.semantics`, the same code the interpreter runs, so a folded value cannot disagree with
    an unfolded run. An evaluation that raises `Trap` (x / 0, INT_MIN / -1, a shift by the width or
    more, FPTOSI of NaN) is left in place: the trap is the program's behaviour, not ours to erase.
  * SELECT with a constant condition, or with two identical arms, becomes the chosen arm.
  * integer-only identities that hold for every input: x+0, x-0, x*1, x/1, x|0, x^0, x&-1, shifts by
    0 -> x; x*0, x&0, x%1 -> 0; x-x, x^x -> 0; x&x, x|x -> x; x|-1 -> -1; ICMP of a value with
    itself; unsigned x < 0 / x >= 0. Float identities are never used: x+0.0 is not x for x = -0.0,
    x*0.0 is not 0.0 for NaN, inf or negative x. Division by -1 is not simplified (INT_MIN / -1 traps).
Branches (JUMP_IF / SWITCH on constants) are left to simplifycfg, COPYs and PHIs to copyprop.

Invariants: needs verified SSA KIR; keeps it. A result is replaced by a constant or by one of the
instruction's own operands, which dominates the instruction and so every use of its result. Float
results are folded only when their text form reads back as the same bits (a NaN other than the
canonical one, e.g. inf - inf's negative NaN, would change under printing and parsing, and BITCAST or
copysign could tell), and INT2PTR only to null (KIR constants of type ptr are null).

    %a: i64 = ADD i64 2, i64 3           %b: i64 = MUL %x, i64 5
    %b: i64 = MUL %x, %a          ==>    %d: i64 = DIV %b, i64 0
    %c: i64 = ADD %b, i64 0              RET %d
    %d: i64 = DIV %c, i64 0
    RET %d
"""

from __future__ import annotations

import math
import struct

from pyvm.kir import semantics
from pyvm.kir.ir import Const, Function, Instr, Module, Reg, Sym, Value, const
from pyvm.kir.opcodes import INTRINSICS
from pyvm.kir.semantics import Trap
from pyvm.kir.types import I1, PTR, Type

from pyvm.passes._util import replace_uses, resolve

_CANONICAL_NAN = struct.pack("<d", float("nan"))
_REFLEXIVE = {"eq": 1, "uge": 1, "ule": 1, "sge": 1, "sle": 1,
              "ne": 0, "ugt": 0, "ult": 0, "sgt": 0, "slt": 0}


def run(module: Module) -> bool:
    changed = False
    for fn in module.functions:
        changed |= _fold_function(fn)
    return changed


def _fold_function(fn: Function) -> bool:
    changed = False
    while True:
        # Operands are resolved through this round's replacements as we go, so a chain of foldable
        # instructions collapses in one sweep; uses above their definition (loops, PHIs) are caught
        # by replace_uses at the end of the round and the next round.
        mapping: dict[Reg, Value] = {}
        for block in fn.blocks:
            kept = []
            for ins in block.instrs:
                if mapping:
                    ins.operands = [resolve(mapping, o) if isinstance(o, Reg) else o for o in ins.operands]
                new = _fold(ins) if ins.dest is not None else None
                # An instruction may name itself in unreachable code; mapping it to itself would cycle.
                if new is not None and new is not ins.dest:
                    mapping[ins.dest] = new
                else:
                    kept.append(ins)
            block.instrs = kept
        if not mapping:
            return changed
        replace_uses(fn, mapping)
        changed = True


# ---- evaluation ----------------------------------------------------------------------------------

def _value(v: Value):
    """The Python value of a constant as the interpreter sees it, or None when it is not one."""
    if not isinstance(v, Const):
        return None  # a Sym's address is only known at link time
    t = v.type
    if t.is_int:
        return t.wrap(int(v.value))
    if t.is_float:
        return semantics.as_float(t, float(v.value))
    return int(v.value) & ((1 << 64) - 1)


def _const(t: Type, r) -> Const | None:
    """r as a constant of type t, or None when the text form could not carry it exactly."""
    if t.is_float:
        r = semantics.as_float(t, float(r))
        if math.isnan(r) and struct.pack("<d", r) != _CANONICAL_NAN:
            return None
        return const(t, r)
    if t.is_ptr:
        return Const(PTR, 0) if r == 0 else None
    return const(t, t.wrap(int(r)))


def _fold(ins: Instr) -> Value | None:
    """What ins's result can be replaced by, or None."""
    group = ins.info.group
    if group == "select":
        return _fold_select(ins)
    if group not in ("binary", "unary", "icmp", "fcmp", "cast", "intrinsic"):
        return None
    args = ins.values()
    consts = [_value(v) for v in args]
    if any(c is None for c in consts):
        if group == "binary" and ins.dest.type.is_int:
            return _int_identity(ins.op, ins.dest.type, *args)
        if group == "icmp":
            return _icmp_identity(ins.operands[0], *args)
        return None
    t = ins.dest.type
    try:
        if group == "binary":
            return _const(t, semantics.binary(ins.op, t, *consts))
        if group == "unary":
            return _const(t, semantics.unary(ins.op, t, *consts))
        if group == "icmp":
            return _const(I1, semantics.icmp(ins.operands[0], args[0].type, *consts))
        if group == "fcmp":
            return _const(I1, semantics.fcmp(ins.operands[0], *consts))
        if group == "cast":
            return _const(t, semantics.cast(ins.op, args[0].type, t, consts[0]))
        return _fold_intrinsic(ins.operands[0], t, args, consts)
    except (Trap, ArithmeticError, ValueError):
        return None  # undefined here: the instruction stays and traps (or not) at run time


def _fold_intrinsic(name: str, t: Type, args: list[Value], consts: list) -> Const | None:
    fn, info = semantics.INTRINSIC_EVAL.get(name), INTRINSICS.get(name)
    if fn is None or info is None or not args:
        return None
    if info.shape == "ii->i1":  # the overflow checks take the operand type first
        return _const(I1, fn(args[0].type, *consts))
    return _const(t, fn(*consts))  # _const rounds an f32 result, as the interpreter does


def _fold_select(ins: Instr) -> Value | None:
    c, x, y = ins.operands
    if isinstance(c, Const):
        return x if _value(c) else y
    if _same(x, y):
        return x
    return None


def _same(a: Value, b: Value) -> bool:
    """Always the same value at run time (registers by identity; Const equality keeps -0.0 apart)."""
    return a is b if isinstance(a, Reg) or isinstance(b, Reg) else a == b


# ---- identities (integers only) ------------------------------------------------------------------

def _int_identity(op: str, t: Type, a: Value, b: Value) -> Value | None:
    ca, cb = _value(a), _value(b)
    zero, ones = const(t, 0), const(t, t.wrap(-1))
    # Commutative forms are checked with the constant on either side.
    if op in ("ADD", "OR", "XOR") and cb == 0:
        return a
    if op in ("ADD", "OR", "XOR") and ca == 0:
        return b
    if op in ("SUB", "SHL", "SHR", "LSHR") and cb == 0:
        return a
    if op == "MUL":
        if cb == 1:
            return a
        if ca == 1:
            return b
        if ca == 0 or cb == 0:
            return zero
    if op in ("DIV", "UDIV") and cb == 1:  # INT_MIN / 1 is fine; / -1 is not simplified
        return a
    if op in ("REM", "UREM") and cb == 1:
        return zero
    if op == "AND":
        if ca == 0 or cb == 0:
            return zero
        if cb == ones.value:
            return a
        if ca == ones.value:
            return b
    if op == "OR" and (ca == ones.value or cb == ones.value):
        return ones
    if _same(a, b):
        if op in ("SUB", "XOR"):
            return zero
        if op in ("AND", "OR"):
            return a
    return None


def _icmp_identity(cond: str, a: Value, b: Value) -> Const | None:
    if isinstance(a, (Reg, Sym)) and _same(a, b):
        return const(I1, _REFLEXIVE[cond])
    if _value(b) == 0:  # nothing is unsigned-below zero
        if cond == "ult":
            return const(I1, 0)
        if cond == "uge":
            return const(I1, 1)
    return None
