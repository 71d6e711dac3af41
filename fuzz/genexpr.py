"""Expressions for the KIR module generator: values of one type drawn into the current block.

Why this is separate from the statements (genstmt.py): every rule that keeps a generated program free of
undefined behaviour lives here, next to the instruction it protects, so the statement layer can combine
expressions freely:

  * DIV/REM/UDIV/UREM: the divisor is a non-zero, non-(-1) constant, or `OR d, 1` (with a SELECT
    replacing -1 for signed ops), or the dividend avoids INT_MIN, or the division sits in a branch
    taken only when the divisor is safe (a diamond whose PHI merges the quotient);
  * SHL/SHR/LSHR: a constant amount below the width, or `AND s, width-1`;
  * FPTOSI/FPTOUI: the float is first clamped by ordered compares (NaN fails them) and a SELECT;
  * whatever exposes a float's bits (BITCAST to i64, COPYSIGN's sign operand) sees a canonical value
    (NaN replaced by a constant), because NaN payloads and signs legitimately differ between the
    Python interpreter and LLVM/hardware.

All choices go through `draw` (Hypothesis), with the simplest option at index 0, so that shrinking
moves towards constants, fewer instructions and plain opcodes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import hypothesis.strategies as st

from pyvm.kir.ir import Block, Builder, Const, Label, Reg, Value
from pyvm.kir.opcodes import FCMP_CONDS, ICMP_CONDS
from pyvm.kir.types import F64, I1, I8, I32, I64, Type

INT_TYPES = (I64, I32, I8, I1)
VALUE_TYPES = (I64, I32, I8, I1, F64)
WIDE_INTS = (I64, I32, I8)  # loop counters, switch scrutinees, array indices (no i1: a signed view is -1)

IDENTITIES = (0, 1, -1)  # x+0, x*1, x&-1, 0-x, ...: what algebraic simplification looks for
SMALL_INTS = (0, 1, 2, -1, 3, 7, 8, -8, 16, 31, 100, -100, 255)
FLOAT_CONSTS = (0.0, 1.0, -1.0, 0.5, 2.0, -0.0, 3.75, -2.5, 1e10, -1e-3, 0.1, 1e300, 5e-324,
                math.inf, -math.inf, math.nan, 2.0 ** 53, -7.0)
SAFE_DIVISORS = (2, 3, 7, -3, -2, 5, 16, 1, 100)
SIMPLE_BINARY = ("ADD", "SUB", "MUL", "AND", "OR", "XOR")
FLOAT_BINARY = ("ADD", "SUB", "MUL", "DIV", "REM")
EXACT_FLOAT_INTRINSICS = ("fabs", "sqrt", "floor", "ceil", "trunc")  # correctly rounded in libm and Python
OVERFLOW_INTRINSICS = ("sadd_overflow", "ssub_overflow", "smul_overflow")
PURE_OPS = frozenset({"ADD", "SUB", "MUL", "DIV", "REM", "UDIV", "UREM", "NEG", "AND", "OR", "XOR", "SHL",
                      "SHR", "LSHR", "NOT", "ICMP", "FCMP", "SELECT", "COPY", "ZEXT", "SEXT", "TRUNC",
                      "SITOFP", "UITOFP", "FPTOSI", "FPTOUI", "BITCAST", "INTRINSIC", "GEP"})


@lru_cache(maxsize=None)
def _ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


_FLOATS = st.floats(allow_nan=True, allow_infinity=True)


@dataclass
class Scope:
    """What code at the current point may use: every entry dominates it.

    `vals` are registers (by type); `exprs` pure instructions that may be emitted again with the same
    operands (CSE material); `slots` initialised memory cells (address, type); `arrays` i64 arrays
    (base, element count) whose elements are all initialised."""

    vals: dict[Type, list[Value]] = field(default_factory=dict)
    exprs: list[tuple[str, list, Type]] = field(default_factory=list)
    slots: list[tuple[Value, Type]] = field(default_factory=list)
    arrays: list[tuple[Reg, int]] = field(default_factory=list)

    def child(self) -> "Scope":
        return Scope({t: list(v) for t, v in self.vals.items()}, list(self.exprs), list(self.slots),
                     list(self.arrays))

    def add(self, v: Value) -> None:
        self.vals.setdefault(v.type, []).append(v)

    def all_values(self) -> list[Value]:
        return [v for t in VALUE_TYPES for v in self.vals.get(t, ())]


class ExprGen:
    """Draws values into the block the builder is at; tracks an upper bound of executed instructions
    (`cost`: each instruction counts `mult`, the product of the enclosing loops' trip bounds)."""

    def __init__(self, draw, builder: Builder, scope: Scope, features: set[str], budget: list[int]):
        self.draw, self.b, self.scope, self.features = draw, builder, scope, features
        self.budget = budget  # choices left for the whole module (shared by its functions)
        self.const_level = 1  # operands are constants with chance const_level/4 (FunctionGen draws it)
        self.cost = 0
        self.mult = 1

    # ---- choices ---------------------------------------------------------------------------------
    def int(self, lo: int, hi: int) -> int:
        if lo >= hi:
            return lo
        self.budget[0] -= 1
        return self.draw(_ints(lo, hi))

    @property
    def exhausted(self) -> bool:
        """Past the module's choice budget: stop adding statements (Hypothesis discards examples
        whose choice sequence outgrows its buffer, so size is bounded here instead)."""
        return self.budget[0] <= 0

    def pick(self, seq):
        return seq[self.int(0, len(seq) - 1)]

    def rarely(self, n: int) -> bool:
        """True about once in n draws; shrinks to False."""
        return self.int(0, n - 1) == n - 1

    # ---- emitting --------------------------------------------------------------------------------
    def emit(self, op: str, operands: list, t: Type | None = None, hint: str = "") -> Reg | None:
        self.cost += self.mult
        return self.b.emit(op, operands, t, hint)

    def define(self, op: str, operands: list, t: Type, hint: str = "") -> Reg:
        """Emits a pure instruction, makes its result visible and remembers it for `repeat`."""
        r = self.emit(op, operands, t, hint)
        self.scope.add(r)
        if op in PURE_OPS:
            self.scope.exprs.append((op, list(operands), t))
        return r

    def new_block(self, hint: str) -> Block:
        return self.b.new_block(hint)

    def jump(self, target: Block) -> None:
        self.emit("JUMP", [Label(target.label)])

    # ---- operands --------------------------------------------------------------------------------
    def const(self, t: Type) -> Const:
        if t == F64:
            if self.rarely(4):
                return Const(F64, float(self.draw(_FLOATS)))
            return Const(F64, self.pick(FLOAT_CONSTS))
        k = self.int(0, 3)
        if k == 0:
            v = self.pick(IDENTITIES)
        elif k == 1:
            v = self.pick(SMALL_INTS)
        elif k == 2:
            v = self.pick((t.min_signed, t.max_signed, t.min_signed + 1, t.max_signed - 1, 1 << (t.bits // 2)))
        else:
            v = self.int(t.min_signed, t.max_signed)
        return Const(t, t.wrap(v))

    def value(self, t: Type) -> Value:
        """An operand of type t: a visible register (recent ones first) or a constant. Never emits."""
        pool = self.scope.vals.get(t)
        if pool and self.int(0, 3) >= self.const_level:
            return pool[len(pool) - 1 - self.int(0, len(pool) - 1)]
        return self.const(t)

    def pair(self, t: Type) -> tuple[Value, Value]:
        """Two operands; sometimes the same one twice (x - x, x <= x: identities the folder knows)."""
        a = self.value(t)
        return (a, a) if self.rarely(5) else (a, self.value(t))

    def reg_or_value(self, t: Type) -> Value:
        """A register when one is visible (loop bounds from parameters, not constants)."""
        pool = self.scope.vals.get(t)
        if pool:
            return pool[len(pool) - 1 - self.int(0, len(pool) - 1)]
        return self.const(t)

    # ---- expressions -----------------------------------------------------------------------------
    def new_value(self, t: Type) -> Value:
        """Emits a computation of type t (with its guards) and returns its result."""
        if t == F64:
            return self.float_expr()
        if t == I1 and self.int(0, 1):
            return self.bool_expr()
        return self.int_expr(t)

    def int_expr(self, t: Type) -> Value:
        k = self.int(0, 8)
        if k == 1:
            return self.define(self.pick(("NEG", "NOT")), [self.value(t)], t)
        if k == 2:
            return self.shift(t)
        if k == 3:
            return self.division(t)
        if k == 4:
            return self.select(t)
        if k == 5:
            return self.cast_into(t)
        if k == 6:
            self.features.add("copy")
            return self.define("COPY", [self.value(t)], t, "cp")
        if k == 7 and any(st == t for _, st in self.scope.slots):
            return self.load_slot(t)
        if k == 8 and t == I64 and self.scope.arrays:
            return self.array_load(I64)
        return self.define(self.pick(SIMPLE_BINARY), list(self.pair(t)), t)

    def condition(self) -> Value:
        """A branch condition: mostly a fresh comparison (`if a < b`), else a visible i1 or a constant
        (a branch simplifycfg folds)."""
        k = self.int(0, 4)
        if k == 0:
            return self.value(I1)
        if k == 1:
            return Const(I1, self.int(0, 1))
        return self.compare()

    def compare(self) -> Value:
        if self.rarely(4):
            return self.define("FCMP", [self.pick(FCMP_CONDS), *self.pair(F64)], I1, "fc")
        u = self.pick(INT_TYPES)
        return self.define("ICMP", [self.pick(ICMP_CONDS), *self.pair(u)], I1, "c")

    def bool_expr(self) -> Value:
        k = self.int(0, 3)
        if k <= 1:
            return self.compare()
        if k == 2:
            u = self.pick(WIDE_INTS)
            name = self.pick(OVERFLOW_INTRINSICS)
            return self.define("INTRINSIC", [name, self.value(u), self.value(u)], I1, "ov")
        return self.define(self.pick(("AND", "OR", "XOR")), [self.value(I1), self.value(I1)], I1, "b")

    def float_expr(self) -> Value:
        k = self.int(0, 8)
        if k == 1:
            return self.define("NEG", [self.value(F64)], F64, "fneg")
        if k == 2:
            return self.define("INTRINSIC", [self.pick(EXACT_FLOAT_INTRINSICS), self.value(F64)], F64, "fi")
        if k == 3:
            sign = self.canonical(self.value(F64))
            return self.define("INTRINSIC", ["copysign", self.value(F64), sign], F64, "cs")
        if k == 4:
            u = self.pick(INT_TYPES)
            return self.define(self.pick(("SITOFP", "UITOFP")), [self.value(u)], F64, "itof")
        if k == 5:
            return self.select(F64)
        if k == 6:
            return self.define("BITCAST", [self.value(I64)], F64, "bits")
        if k == 7 and any(st == F64 for _, st in self.scope.slots):
            return self.load_slot(F64)
        if k == 8:
            return self.define("COPY", [self.value(F64)], F64, "cp")
        return self.define(self.pick(FLOAT_BINARY), list(self.pair(F64)), F64, "f")

    def select(self, t: Type) -> Value:
        return self.define("SELECT", [self.value(I1), self.value(t), self.value(t)], t, "sel")

    def shift(self, t: Type) -> Value:
        op = self.pick(("SHL", "SHR", "LSHR"))
        a = self.value(t)
        if self.int(0, 1) == 0:
            amount: Value = Const(t, self.int(0, t.bits - 1))
        else:
            amount = self.define("AND", [self.value(t), Const(t, t.bits - 1)], t, "amt")
        return self.define(op, [a, amount], t, op.lower())

    def division(self, t: Type) -> Value:
        """A guarded DIV/REM/UDIV/UREM (see the module docstring)."""
        op = self.pick(("DIV", "REM", "UDIV", "UREM"))
        signed = op in ("DIV", "REM") and t.bits > 1
        a, d = self.value(t), self.value(t)
        style = self.int(0, 3)
        self.features.add("div")
        if style == 0 or t == I1:
            d = Const(t, 1) if t == I1 else Const(t, t.wrap(self.pick(SAFE_DIVISORS)))
        elif style == 1:
            d = self.define("OR", [d, Const(t, 1)], t, "nz")
            if signed:
                m1 = self.define("ICMP", ["eq", d, Const(t, -1)], I1, "m1")
                d = self.define("SELECT", [m1, Const(t, 2), d], t, "dv")
        elif style == 2:  # guard the dividend instead: never INT_MIN, so -1 is a fine divisor
            d = self.define("OR", [d, Const(t, 1)], t, "nz")
            if signed:
                lo = self.define("ICMP", ["eq", a, Const(t, t.min_signed)], I1, "lo")
                a = self.define("SELECT", [lo, Const(t, 0), a], t, "dd")
        else:
            return self.guarded_by_branch(op, t, a, d, signed)
        return self.define(op, [a, d], t, op.lower())

    def guarded_by_branch(self, op: str, t: Type, a: Value, d: Value, signed: bool) -> Value:
        """`if d is safe: q = a op d` in its own block, merged by a PHI with a fallback value; a pass
        that speculates the division out of the branch makes the interpreter trap."""
        self.features.add("div-branch")
        bad = self.define("ICMP", ["eq", d, Const(t, 0)], I1, "dz")
        if signed:
            m1 = self.define("ICMP", ["eq", d, Const(t, -1)], I1, "dm1")
            bad = self.define("OR", [bad, m1], I1, "dbad")
        pre = self.b.block
        do, join = self.new_block("ddo"), self.new_block("djoin")
        fallback = self.value(t)
        self.emit("JUMP_IF", [bad, Label(join.label), Label(do.label)])
        self.b.position_at_end(do)
        q = self.emit(op, [a, d], t, op.lower())
        self.jump(join)
        self.b.position_at_end(join)
        return self.define("PHI", [q, Label(do.label), fallback, Label(pre.label)], t, "dphi")

    # ---- conversions -----------------------------------------------------------------------------
    def cast_into(self, t: Type) -> Value:
        k = self.int(0, 2)
        if k == 1 or t == F64:
            op = self.pick(("FPTOSI", "FPTOUI"))
            return self.float_to_int(self.value(F64), t, op)
        if k == 2 and t == I64:
            return self.define("BITCAST", [self.canonical(self.value(F64))], I64, "fbits")
        u = self.pick([x for x in INT_TYPES if x != t])
        v = self.value(u)
        if u.bits > t.bits:
            return self.define("TRUNC", [v], t, "tr")
        return self.define(self.pick(("SEXT", "ZEXT")), [v], t, "ext")

    def float_to_int(self, v: Value, t: Type, op: str) -> Value:
        """FPTOSI/FPTOUI of v clamped into t's range (NaN and out-of-range become 0.0 first)."""
        if op == "FPTOSI" and t.bits > 1:
            hi = 9.0e18 if t == I64 else float(t.max_signed)
            lo = -hi if t == I64 else float(t.min_signed)
        else:
            lo, hi = 0.0, 1.8e19 if t == I64 else float((1 << t.bits) - 1)
        ge = self.define("FCMP", ["oge", v, Const(F64, lo)], I1, "ge")
        le = self.define("FCMP", ["ole", v, Const(F64, hi)], I1, "le")
        ok = self.define("AND", [ge, le], I1, "inr")
        s = self.define("SELECT", [ok, v, Const(F64, 0.0)], F64, "clamp")
        return self.define(op, [s], t, "ftoi")

    def canonical(self, v: Value) -> Value:
        """v with NaN (any payload or sign) replaced by a constant: safe to look at bit by bit."""
        if isinstance(v, Const):
            return Const(F64, 0.0) if math.isnan(v.value) else v
        n = self.define("FCMP", ["uno", v, v], I1, "nan")
        return self.define("SELECT", [n, Const(F64, 1.5), v], F64, "canon")

    def widen(self, v: Value) -> Value:
        """v as an i64, to be folded into a result."""
        t = v.type
        if t == I64:
            return v
        if t == F64:
            if self.int(0, 1):
                return self.float_to_int(v, I64, "FPTOSI")
            return self.define("BITCAST", [self.canonical(v)], I64, "fbits")
        return self.define(self.pick(("ZEXT", "SEXT")), [v], I64, "w")

    # ---- memory ----------------------------------------------------------------------------------
    def load_slot(self, t: Type) -> Value:
        cells = [(a, st) for a, st in self.scope.slots if st == t]
        addr, _ = cells[len(cells) - 1 - self.int(0, len(cells) - 1)]
        return self.load_slot_at(addr, t)

    def load_slot_at(self, addr: Value, t: Type) -> Value:
        r = self.emit("LOAD", [addr, t.size], t, "ld")
        self.scope.add(r)
        return r

    def array_element(self) -> Value:
        """The address of an in-bounds element of a visible i64 array."""
        base, count = self.pick(self.scope.arrays)
        self.features.add("array")
        if self.int(0, 1) == 0:
            k = self.int(0, count - 1)
            if self.int(0, 1):
                return self.emit("GEP", [base, Const(I64, k), 8, 0], base.type, "el")
            return self.emit("GEP", [base, Const(I64, 0), 8, 8 * k], base.type, "el")
        u = self.pick(WIDE_INTS)
        idx = self.define("AND", [self.value(u), Const(u, count - 1)], u, "ix")
        return self.emit("GEP", [base, idx, 8, 0], base.type, "el")

    def array_load(self, t: Type) -> Value:
        p = self.array_element()
        r = self.emit("LOAD", [p, 8], t, "ald")
        self.scope.add(r)
        return r
