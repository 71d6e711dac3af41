"""Statements for the KIR module generator: the control flow and memory shapes the passes transform.

A function body is a region: a list of statements, each one of
    expr      a new value (genexpr.py)                        repeat   an earlier pure instruction again (CSE)
    store     a STORE into a visible initialised slot        load     a LOAD from one
    reload    LOAD, STORE or a call writing the cell (or nothing), LOAD again
    slot      a new scalar ALLOCA, stored at once (mem2reg)   array    a new i64 array, or a GEP access
    call      a call of an earlier function (inlining)        dead     values computed and never used (DCE)
    if        an if/else diamond or a triangle, PHIs at the join (constant conditions: simplifycfg)
    switch    a SWITCH over a few cases, PHIs at the join
    loop      a counted loop: SSA style (header PHIs, counting up or down), frontend style (the counter
              in an ALLOCA slot) or bottom-tested (do-while; a self-loop when the body is straight);
              with a constant trip count (unroll) or `AND value, 3|7`
    break     inside a loop body: a conditional jump to the loop's exit
    return    in a helper: a conditional early RET

Termination is by construction: every loop counts to a bound of at most 16, calls only go to earlier
functions, and `cost` (an upper bound of executed instructions, loops multiplied by their trip bounds,
calls by the callee's bound) is kept under COST_LIMIT, so the interpreter's step limit is never hit.
Dominance is by construction too: a region sees its enclosing Scope's values, and what it defines
stays in its own child Scope; values leave a region only through PHIs.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyvm.kir.ir import Block, Builder, Const, Function, Label, Reg, Sym, Value
from pyvm.kir.opcodes import OPCODES
from pyvm.kir.types import F64, I1, I8, I32, I64, PTR, Type

from fuzz.genexpr import VALUE_TYPES, WIDE_INTS, ExprGen, Scope

COST_LIMIT = 20_000  # instructions one call of a generated function may execute, at most
MULT_LIMIT = 100  # product of the trip bounds of nested loops
MAX_DEPTH = 3  # nesting of if/switch/loop regions
MAX_LOOP_DEPTH = 2

STATEMENTS = ("expr", "expr", "expr", "expr", "expr", "repeat", "repeat", "store", "store", "load", "slot",
              "array", "call", "call", "if", "if", "switch", "loop", "loop", "break", "dead", "return", "reload")
CONTROL = frozenset({"if", "switch", "loop"})
# `a cond b` == `b MIRROR[cond] a`, for ICMP and FCMP (conditions not listed are symmetric)
MIRROR = {"slt": "sgt", "sgt": "slt", "sle": "sge", "sge": "sle", "ult": "ugt", "ugt": "ult", "ule": "uge",
          "uge": "ule", "olt": "ogt", "ogt": "olt", "ole": "oge", "oge": "ole"}


@dataclass(frozen=True)
class Signature:
    """A generated function others may call: parameter types (ptr = the address of an i64 cell),
    result type and the bound of instructions one call executes."""

    name: str
    params: tuple[Type, ...]
    ret: Type
    cost: int


class FunctionGen(ExprGen):
    def __init__(self, draw, fn: Function, callees: list[Signature], features: set[str], budget: list[int],
                 global_cell: Sym | None = None):
        b = Builder(fn)
        b.position_at_end(b.new_block("entry"))
        scope = Scope()
        for p in fn.params:
            if p.type == PTR:
                scope.slots.append((p, I64))
            else:
                scope.add(p)
        if global_cell is not None:
            scope.slots.append((global_cell, I64))
        super().__init__(draw, b, scope, features, budget)
        self.const_level = self.pick((1, 1, 2, 3))  # some functions are mostly constants (constfold)
        self.fn, self.callees = fn, callees
        self.exits: list[Block] = []  # the exits of the enclosing loops (for `break`)

    # ---- regions ---------------------------------------------------------------------------------
    def region(self, max_statements: int, depth: int, more: int = 3) -> None:
        """1..max_statements statements; after each, another one with chance more/(more+1). A "stop"
        flag per statement (rather than a count drawn first) lets Hypothesis shrink by deleting any
        one statement's choices."""
        for k in range(max_statements):
            if self.exhausted or (k and self.int(0, more) == 0):
                break
            self.statement(depth)

    def statement(self, depth: int) -> None:
        kind = self.pick(STATEMENTS)
        if kind in CONTROL and depth >= MAX_DEPTH:
            kind = "expr"
        handler = getattr(self, "stmt_" + kind)
        if handler(depth) is False:
            self.stmt_expr(depth)

    def stmt_expr(self, depth: int):
        self.new_value(self.pick(VALUE_TYPES))

    def stmt_repeat(self, depth: int):
        """An earlier pure instruction again: the same, with commutative operands swapped, or mirrored
        (`SUB b, a` for `SUB a, b`: a different value; `ICMP sgt b, a` for `ICMP slt a, b`: the same)."""
        if not self.scope.exprs:
            return False
        op, operands, t = self.scope.exprs[len(self.scope.exprs) - 1 - self.int(0, len(self.scope.exprs) - 1)]
        operands = list(operands)
        how = self.int(0, 2)
        if how and (op in ("ADD", "SUB", "MUL", "AND", "OR", "XOR") or t == F64 and OPCODES[op].group == "binary"):
            operands.reverse()  # never a division or shift: the guards protect one operand order only
        elif how and op in ("ICMP", "FCMP"):
            cond, a, b = operands
            operands = [MIRROR.get(cond, cond) if how == 1 else cond, b, a]
        self.features.add("repeat")
        self.define(op, operands, t, "again")

    def stmt_reload(self, depth: int):
        """LOAD, then a STORE to the same cell or a call that may write it (or nothing), LOAD again:
        reusing the first load is right only in the last case."""
        cells = self.scope.slots
        if not cells:
            return False
        addr, t = cells[len(cells) - 1 - self.int(0, len(cells) - 1)]
        self.load_slot_at(addr, t)
        k = self.int(0, 2)
        writers = [s for s in self.callees if PTR in s.params]
        if k == 1:
            self.emit("STORE", [self.value(t), addr, t.size])
        elif k == 2 and t == I64 and writers and self.stmt_call(depth, writers, addr) is not False:
            pass
        self.load_slot_at(addr, t)
        self.features.add("reload")

    def stmt_store(self, depth: int):
        if not self.scope.slots:
            return False
        addr, t = self.pick(self.scope.slots)
        self.emit("STORE", [self.value(t), addr, t.size])

    def stmt_load(self, depth: int):
        if not self.scope.slots:
            return False
        self.load_slot(self.pick(self.scope.slots)[1])

    def stmt_slot(self, depth: int):
        t = self.pick(VALUE_TYPES)
        self.new_slot(t, self.value(t))

    def new_slot(self, t: Type, init: Value) -> Reg:
        self.features.add("slot")
        p = self.emit("ALLOCA", [t.size, t.size], PTR, "slot")
        self.emit("STORE", [init, p, t.size])
        self.scope.slots.append((p, t))
        return p

    def stmt_array(self, depth: int):
        if not self.scope.arrays or self.rarely(3):
            count = self.pick((4, 2, 8))
            base = self.emit("ALLOCA", [8 * count, 8], PTR, "arr")
            if self.rarely(3):  # every byte at once
                self.emit("MEMSET", [base, self.const(I8), Const(I64, 8 * count), 8])
            else:
                for k in range(count):
                    p = self.emit("GEP", [base, Const(I64, k), 8, 0], PTR, "el")
                    self.emit("STORE", [self.value(I64), p, 8])
            self.scope.arrays.append((base, count))
            return
        k = self.int(0, 3)
        if k == 0:
            self.emit("STORE", [self.value(I64), self.array_element(), 8])
        elif k == 1:
            self.array_load(I64)
        elif k == 2:  # the same bits seen as a double (type punning through memory)
            self.features.add("pun")
            self.array_load(F64)
        else:  # one half of an element (little-endian)
            base, count = self.pick(self.scope.arrays)
            p = self.emit("GEP", [base, Const(I64, self.int(0, count - 1)), 8, 4 * self.int(0, 1)], PTR, "half")
            self.scope.add(self.emit("LOAD", [p, 4], I32, "hld"))

    def stmt_call(self, depth: int, among: list[Signature] | None = None, cell: Value | None = None):
        budget = COST_LIMIT - self.cost
        callees = [s for s in (self.callees if among is None else among)
                   if self.mult * (s.cost + len(s.params) + 2) <= budget]
        if not callees:
            return False
        sig = callees[len(callees) - 1 - self.int(0, len(callees) - 1)]
        args = [(cell or self.i64_cell()) if t == PTR else self.value(t) for t in sig.params]
        self.features.add("call")
        self.cost += self.mult * sig.cost
        r = self.emit("CALL", [Sym(sig.name), *args], sig.ret, "r")
        self.scope.add(r)

    def i64_cell(self) -> Value:
        """The address of an initialised i64 cell, for a callee's ptr parameter."""
        cells = [a for a, t in self.scope.slots if t == I64]
        if self.scope.arrays and (not cells or self.int(0, 1)):
            return self.array_element()
        if cells and self.int(0, 2):
            return self.pick(cells)
        return self.new_slot(I64, self.value(I64))

    def stmt_dead(self, depth: int):
        saved = self.scope.child()
        for _ in range(self.int(1, 3)):
            self.new_value(self.pick(VALUE_TYPES))
        if self.scope.slots and self.int(0, 1):  # a store overwritten at once
            addr, t = self.pick(self.scope.slots)
            self.emit("STORE", [self.value(t), addr, t.size])
            self.emit("STORE", [self.value(t), addr, t.size])
        self.scope = saved  # the values stay unused
        self.features.add("dead")

    # ---- branches --------------------------------------------------------------------------------
    def _arm(self, block: Block, outer: Scope, phi_types: list[Type], depth: int, join: Block):
        self.b.position_at_end(block)
        self.scope = outer.child()
        if self.int(0, 3):
            self.region(4, depth + 1)
        vals = [self.value(t) for t in phi_types]
        self.jump(join)
        return self.b.block, vals

    def _join(self, join: Block, outer: Scope, phi_types: list[Type], arms) -> None:
        self.scope = outer
        self.b.position_at_end(join)
        for i, t in enumerate(phi_types):
            incoming = []
            for end, vals in arms:
                incoming += [vals[i], Label(end.label)]
            self.define("PHI", incoming, t, "phi")

    def stmt_if(self, depth: int):
        outer = self.scope
        cond = self.condition()
        phi_types = [self.pick(VALUE_TYPES) for _ in range(self.int(0, 2))]
        then = self.new_block("then")
        triangle = self.rarely(3)
        els = None if triangle else self.new_block("else")
        join = self.new_block("join")
        self.emit("JUMP_IF", [cond, Label(then.label), Label((els or join).label)])
        pre_end = self.b.block
        arms = [self._arm(then, outer, phi_types, depth, join)]
        if els is None:
            self.scope = outer
            arms.append((pre_end, [self.value(t) for t in phi_types]))
        else:
            arms.append(self._arm(els, outer, phi_types, depth, join))
        self.features.add("if-const" if isinstance(cond, Const) else "if")
        self._join(join, outer, phi_types, arms)

    def stmt_switch(self, depth: int):
        outer = self.scope
        u = self.pick(WIDE_INTS)
        v = self.value(u)
        if self.int(0, 1):
            v = self.define("AND", [v, Const(u, 3)], u, "sw")
        first = self.int(-1, 2)
        cases = [first + k for k in range(self.int(1, 3))]
        phi_types = [self.pick(VALUE_TYPES) for _ in range(self.int(0, 2))]
        targets = [self.new_block("case") for _ in cases]
        default = self.new_block("default")
        join = self.new_block("endsw")
        operands: list = [v, Label(default.label)]
        for c, blk in zip(cases, targets):
            operands += [c, Label(blk.label)]
        self.emit("SWITCH", operands)
        arms = [self._arm(blk, outer, phi_types, depth, join) for blk in [*targets, default]]
        self.features.add("switch")
        self._join(join, outer, phi_types, arms)

    # ---- loops -----------------------------------------------------------------------------------
    def _trip(self, t: Type) -> tuple[Value, int]:
        """The trip count (a constant, or a visible value masked to 0..3 or 0..7) and its bound."""
        if self.int(0, 1) == 0:
            k = self.int(0, 16) if self.rarely(4) else self.int(0, 6)
            self.features.add("loop-const")
            return Const(t, k), k
        mask = self.pick((7, 3))
        self.features.add("loop-param")
        return self.define("AND", [self.reg_or_value(t), Const(t, mask)], t, "n"), mask

    def stmt_loop(self, depth: int):
        if len(self.exits) >= 2:
            return False
        t = self.pick(WIDE_INTS)
        n, bound = self._trip(t)
        if self.mult * (bound + 1) > MULT_LIMIT:
            return False
        style = self.int(0, 2)
        if style == 1:
            return self._slot_loop(t, n, bound, depth)
        if style == 2:
            return self._do_loop(t, n, bound, depth)
        return self._phi_loop(t, n, bound, depth)

    def _enter(self, bound: int, exit_block: Block):
        saved = self.mult
        self.mult *= bound + 1
        self.exits.append(exit_block)
        return saved

    def _leave(self, saved: int) -> None:
        self.mult = saved
        self.exits.pop()

    def _phi_loop(self, t: Type, n: Value, bound: int, depth: int):
        """header: i = PHI [start, pre], [next, latch]; accumulators likewise; test; body; latch."""
        self.features.add("loop-phi")
        down = self.rarely(3)
        acc_types = [self.pick(VALUE_TYPES) for _ in range(self.int(0, 2))]
        inits = [self.value(at) for at in acc_types]
        pre_end = self.b.block
        head, body, exit_ = self.new_block("head"), self.new_block("body"), self.new_block("exit")
        self.jump(head)
        self.b.position_at_end(head)
        head_scope = self.scope.child()
        self.scope = head_scope
        saved = self._enter(bound, exit_)
        phis = []
        for pt, hint in [(t, "i"), *((at, "acc") for at in acc_types)]:
            r = self.emit("PHI", [], pt, hint)
            phis.append(head.instrs[-1])
            self.scope.add(r)
        i, accs = phis[0].dest, [ins.dest for ins in phis[1:]]
        if down:
            c = self.define("ICMP", ["sgt", i, Const(t, 0)], I1, "more")
        else:
            c = self.define("ICMP", [self.pick(("slt", "ult", "ne")), i, n], I1, "more")
        self.emit("JUMP_IF", [c, Label(body.label), Label(exit_.label)])
        self.b.position_at_end(body)
        self.scope = head_scope.child()
        self.region(4, depth + 1)
        nexts = [self.combine(acc) for acc in accs]
        step = self.define("SUB" if down else "ADD", [i, Const(t, 1)], t, "inext")
        self.jump(head)
        latch = self.b.block
        starts = [n if down else Const(t, 0), *inits]
        for ins, start, nxt in zip(phis, starts, [step, *nexts]):
            ins.operands[:] = [start, Label(pre_end.label), nxt, Label(latch.label)]
        self._leave(saved)
        self.scope = head_scope
        self.b.position_at_end(exit_)

    def _slot_loop(self, t: Type, n: Value, bound: int, depth: int):
        """The frontend's shape: the counter lives in an ALLOCA; head loads and tests it, the step block
        loads, adds and stores (mem2reg turns it into the PHI form)."""
        self.features.add("loop-slot")
        ctr = self.emit("ALLOCA", [t.size, t.size], PTR, "ctr")
        self.emit("STORE", [Const(t, 0), ctr, t.size])
        if self.int(0, 1):  # an accumulator slot the body may update, visible after the loop
            at = self.pick(VALUE_TYPES)
            self.new_slot(at, self.value(at))
        head, body, step, exit_ = (self.new_block(h) for h in ("for", "fbody", "fnext", "endfor"))
        self.jump(head)
        self.b.position_at_end(head)
        outer = self.scope
        self.scope = outer.child()
        saved = self._enter(bound, exit_)
        iv = self.emit("LOAD", [ctr, t.size], t, "iv")
        c = self.define("ICMP", [self.pick(("slt", "ult", "ne")), iv, n], I1, "more")
        self.emit("JUMP_IF", [c, Label(body.label), Label(exit_.label)])
        head_scope = self.scope
        self.b.position_at_end(body)
        self.scope = head_scope.child()
        self.scope.add(self.emit("LOAD", [ctr, t.size], t, "item"))
        self.region(4, depth + 1)
        if self.scope.slots and self.int(0, 1):
            addr, at = self.scope.slots[len(self.scope.slots) - 1 - self.int(0, len(self.scope.slots) - 1)]
            old = self.emit("LOAD", [addr, at.size], at, "old")
            self.emit("STORE", [self.combine(old), addr, at.size])
        self.jump(step)
        self.b.position_at_end(step)
        cur = self.emit("LOAD", [ctr, t.size], t, "cur")
        self.emit("STORE", [self.emit("ADD", [cur, Const(t, 1)], t, "inc"), ctr, t.size])
        self.jump(head)
        self._leave(saved)
        self.scope = head_scope
        self.b.position_at_end(exit_)

    def _do_loop(self, t: Type, n: Value, bound: int, depth: int):
        """Bottom-tested: the body runs, then `i + 1 < n` decides whether it runs again (at least
        once). Without control flow in the body the loop is one block branching to itself."""
        self.features.add("loop-do")
        acc_types = [self.pick(VALUE_TYPES) for _ in range(self.int(0, 2))]
        inits = [self.value(at) for at in acc_types]
        pre_end = self.b.block
        body, exit_ = self.new_block("do"), self.new_block("od")
        self.jump(body)
        self.b.position_at_end(body)
        outer = self.scope
        saved = self._enter(max(bound, 1), exit_)
        phis = []
        for pt, hint in [(t, "i"), *((at, "acc") for at in acc_types)]:
            self.emit("PHI", [], pt, hint)
            phis.append(body.instrs[-1])
        after = outer.child()  # the PHIs of the loop's first block dominate its exit
        self.scope = outer.child()
        for ins in phis:
            self.scope.add(ins.dest)
            after.add(ins.dest)
        i, accs = phis[0].dest, [ins.dest for ins in phis[1:]]
        self.region(3, depth + 1)
        nexts = [self.combine(acc) for acc in accs]
        step = self.define("ADD", [i, Const(t, 1)], t, "inext")
        c = self.define("ICMP", [self.pick(("slt", "ult")), step, n], I1, "again")  # not ne: n may be 0
        self.emit("JUMP_IF", [c, Label(body.label), Label(exit_.label)])
        latch = self.b.block
        for ins, start, nxt in zip(phis, [Const(t, 0), *inits], [step, *nexts]):
            ins.operands[:] = [start, Label(pre_end.label), nxt, Label(latch.label)]
        self._leave(saved)
        self.scope = after
        self.b.position_at_end(exit_)

    def combine(self, acc: Value) -> Value:
        """acc updated with a visible value of its type (a loop-carried dependency)."""
        t = acc.type
        if t == F64:
            return self.define(self.pick(("ADD", "MUL", "SUB")), [acc, self.value(F64)], F64, "upd")
        if t == I1:
            return self.define(self.pick(("XOR", "OR", "AND")), [acc, self.value(I1)], I1, "upd")
        return self.define(self.pick(("ADD", "XOR", "MUL", "SUB")), [acc, self.value(t)], t, "upd")

    def stmt_return(self, depth: int):
        """An early RET in a helper (inlining must merge the returns); never in $f, whose result
        folds everything."""
        if "export" in self.fn.attrs:
            return False
        cond = self.condition()
        early, cont = self.new_block("early"), self.new_block("cont")
        self.emit("JUMP_IF", [cond, Label(early.label), Label(cont.label)])
        self.b.position_at_end(early)
        self.emit("RET", [self.value(self.fn.ret)])
        self.b.position_at_end(cont)
        self.features.add("early-return")

    def stmt_break(self, depth: int):
        if not self.exits:
            return False
        cond = self.condition()
        cont = self.new_block("cont")
        self.emit("JUMP_IF", [cond, Label(self.exits[-1].label), Label(cont.label)])
        self.b.position_at_end(cont)
        self.features.add("break")
