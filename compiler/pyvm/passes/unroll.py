"""unroll: fully unroll loops whose trip count is a small constant.

What it does
    Finds natural loops (a back edge latch -> header where the header dominates the latch) of the
    shape the frontend and mem2reg produce, and replaces each by straight-line copies of its body:

      * one latch, and one predecessor of the header outside the loop (the preheader);
      * exactly one edge leaves the loop, from a JUMP_IF in a block E that dominates the latch (so
        E runs on every trip round the loop: typically the header or the latch);
      * E's condition is `ICMP cond X, C` (either operand order) with C a constant and X either an
        induction variable `%i = PHI [C0, @preheader], [%i.next, @latch]` of the header or its
        `%i.next = ADD %i, STEP` / `SUB %i, STEP`, with C0 and STEP constants.

    The induction variable is simulated with `pyvm.kir.semantics` (so it wraps exactly as KIR does)
    to find the first trip k on which E leaves the loop. If k <= MAX_TRIPS and the k + 1 copies hold
    at most MAX_INSTRS instructions, copy j (j = 0..k) clones every block of the loop with fresh
    labels and registers: the header's PHIs become the preheader's values (copy 0) or the previous
    copy's latch values, the induction variable becomes the constant it holds on that trip, the
    back edge jumps to the next copy's header, and E's JUMP_IF becomes a JUMP to the exit (copy k)
    or to its in-loop target (earlier copies). Blocks this leaves unreachable (the rest of copy k
    after E) are dropped. Loops are unrolled innermost first; a non-constant trip count, several
    exits, or too many trips leave the loop alone. The copies' compares and induction steps become
    constant code and chains of JUMPs, left for constfold, dce and simplifycfg.

Needs and keeps
    Verified KIR. Values defined in the loop and used after it are taken from the last copy; the
    pass only fires when each such definition dominates E, so the last copy defines them before it
    jumps out. Every copy keeps the original's dominance relations (a copy is entered only through
    its header), so SSA and dominance hold; PHIs of the exit block now name E's last copy.

Example
    before                                    after (then constfold/dce/simplifycfg)
    @pre:                                     @pre:
        JUMP @h                                   JUMP @h.u0
    @h:                                       @h.u0:
        %i: i64 = PHI [i64 0, @pre], [%n, @h]     %s.u0: i64 = ADD %x, i64 0
        %s: i64 = ADD %x, %i                      %n.u0: i64 = ADD i64 0, i64 1
        %n: i64 = ADD %i, i64 1                   %c.u0: i1 = ICMP slt %n.u0, i64 2
        %c: i1 = ICMP slt %n, i64 2               JUMP @h.u1
        JUMP_IF %c, @h, @out                  @h.u1:
    @out:                                         %s.u1: i64 = ADD %x, i64 1
        RET %s                                    %n.u1: i64 = ADD i64 1, i64 1
                                                  %c.u1: i1 = ICMP slt %n.u1, i64 2
                                                  JUMP @out
                                              @out:
                                                  RET %s.u1
"""

from __future__ import annotations

from dataclasses import dataclass

from pyvm.kir import semantics
from pyvm.kir.cfg import dominates, dominators, predecessors, reverse_postorder
from pyvm.kir.ir import Block, Const, Function, Instr, Label, Module, Reg, Value
from pyvm.passes._util import fresh_name, remove_unreachable, rename_phi_edge, replace_uses

MAX_TRIPS = 16  # the trip on which the loop is left, counted from 0
MAX_INSTRS = 256  # instructions in all copies together
MAX_ROUNDS = 64  # loops unrolled per function (nested loops multiply code; this bounds it)


def run(module: Module) -> bool:
    changed = False
    for fn in module.functions:
        for _ in range(MAX_ROUNDS):
            if not _unroll_one(fn):
                break
            changed = True
    return changed


@dataclass
class _Loop:
    header: str
    latch: str
    body: list[str]  # in layout order
    pre: str = ""
    exiting: str = ""  # E: the block whose JUMP_IF leaves the loop
    exit: str = ""
    trips: int = 0  # on trip `trips` (from 0) E leaves
    iv: Reg | None = None
    values: tuple = ()  # the induction variable's value on each trip


def _unroll_one(fn: Function) -> bool:
    """Unrolls the innermost loop that qualifies; False when none does."""
    if not fn.blocks:
        return False
    idom = dominators(fn)
    preds = predecessors(fn)
    blocks = fn.block_map()
    latches: dict[str, list[str]] = {}
    for label in reverse_postorder(fn):
        for s in set(blocks[label].successors()):
            if dominates(idom, s, label):
                latches.setdefault(s, []).append(label)
    loops = []
    for header, tails in latches.items():
        if len(tails) == 1:
            loops.append(_Loop(header, tails[0], _natural_body(fn, header, tails[0], preds, idom)))
    for loop in sorted(loops, key=lambda lp: len(lp.body)):  # innermost (smallest) first
        if _analyse(fn, loop, idom, preds):
            _unroll(fn, loop)
            return True
    return False


def _natural_body(fn: Function, header: str, latch: str, preds, idom) -> list[str]:
    body = {header, latch}
    work = [latch] if latch != header else []
    while work:
        for p in preds[work.pop()]:
            if p not in body and p in idom:  # dead blocks jumping in are not part of the loop
                body.add(p)
                work.append(p)
    return [b.label for b in fn.blocks if b.label in body]


def _analyse(fn: Function, loop: _Loop, idom, preds) -> bool:
    """Fills in the loop's exit and trip count; False unless it has the shape and limits we need."""
    blocks = fn.block_map()
    body = set(loop.body)
    outside = [p for p in preds[loop.header] if p not in body]
    if len(outside) != 1:
        return False
    loop.pre = outside[0]
    exits = [(b, s) for b in loop.body for s in set(blocks[b].successors()) if s not in body]
    if len(exits) != 1:
        return False
    loop.exiting, loop.exit = exits[0]
    term = blocks[loop.exiting].terminator
    if term.op != "JUMP_IF" or not dominates(idom, loop.exiting, loop.latch):
        return False
    defs = {ins.dest: (b, ins) for b in loop.body for ins in blocks[b].instrs if ins.dest is not None}
    test = defs.get(term.operands[0], (None, None))[1]
    if test is None or test.op != "ICMP":
        return False
    cond, lhs, rhs = test.operands
    tested, limit = (lhs, rhs) if isinstance(rhs, Const) else (rhs, lhs)
    if not isinstance(limit, Const) or not isinstance(tested, Reg) or not tested.type.is_int:
        return False
    iv, step_op, step = _induction(blocks[loop.header], loop, tested, defs)
    if iv is None:
        return False
    loop.iv = iv
    init = next(v for v, lab in _phi_of(blocks[loop.header], iv).phi_incoming() if lab.name == loop.pre)
    exit_when = int(term.operands[1].name == loop.exit)  # the condition value that leaves
    t, v, values = iv.type, init.value, []
    for k in range(MAX_TRIPS + 1):
        values.append(v)
        nxt = semantics.binary(step_op, t, v, step.value)
        x = v if tested is iv else nxt
        a, b = (x, limit.value) if tested is lhs else (limit.value, x)
        if semantics.icmp(cond, t, a, b) == exit_when:
            loop.trips, loop.values = k, tuple(values)
            break
        v = nxt
    else:
        return False
    size = sum(len(blocks[b].instrs) for b in loop.body)
    if (loop.trips + 1) * size > MAX_INSTRS:
        return False
    # Values the loop leaves behind come from the last copy, which stops at E: their definitions
    # must run before E on every trip.
    def_block = {r: b for r, (b, _) in defs.items()}
    for b in fn.blocks:
        if b.label in body:
            continue
        for ins in b.instrs:
            for r in ins.regs_used():
                if r in def_block and not dominates(idom, def_block[r], loop.exiting):
                    return False
    return True


def _phi_of(header: Block, reg: Reg) -> Instr | None:
    return next((p for p in header.phis() if p.dest is reg), None)


def _induction(header: Block, loop: _Loop, tested: Reg, defs) -> tuple:
    """(iv, "ADD"/"SUB", step) when `tested` is a constant-start, constant-step induction
    variable of the header or its next value; (None, None, None) otherwise."""
    none = (None, None, None)
    candidates = [tested]
    if tested in defs and defs[tested][1].op in ("ADD", "SUB"):
        candidates += [o for o in defs[tested][1].operands if isinstance(o, Reg)]
    for iv in candidates:
        phi = _phi_of(header, iv)
        if phi is None or len(phi.operands) != 4:
            continue
        incoming = {lab.name: v for v, lab in phi.phi_incoming()}
        init, nxt = incoming.get(loop.pre), incoming.get(loop.latch)
        if not isinstance(init, Const) or not isinstance(nxt, Reg) or nxt not in defs:
            continue
        if tested is not iv and tested is not nxt:
            continue
        update = defs[nxt][1]
        if update.op == "ADD" and update.operands[0] is iv and isinstance(update.operands[1], Const):
            return iv, "ADD", update.operands[1]
        if update.op == "ADD" and update.operands[1] is iv and isinstance(update.operands[0], Const):
            return iv, "ADD", update.operands[0]
        if update.op == "SUB" and update.operands[0] is iv and isinstance(update.operands[1], Const):
            return iv, "SUB", update.operands[1]
    return none


def _unroll(fn: Function, loop: _Loop) -> None:
    blocks = fn.block_map()
    body = set(loop.body)
    header = blocks[loop.header]
    names = _Names(fn)
    copies = loop.trips + 1
    labels = [{b: names.label(f"{b}.u{j}") for b in loop.body} for j in range(copies)]
    maps: list[dict[Reg, Value]] = []
    new_blocks: list[Block] = []
    for j in range(copies):
        vmap: dict[Reg, Value] = {}
        for phi in header.phis():
            incoming = {lab.name: v for v, lab in phi.phi_incoming()}
            if phi.dest is loop.iv:
                vmap[phi.dest] = Const(phi.dest.type, loop.values[j])
            elif j == 0:
                vmap[phi.dest] = incoming[loop.pre]
            else:
                v = incoming[loop.latch]
                vmap[phi.dest] = maps[j - 1].get(v, v) if isinstance(v, Reg) else v
        for b in loop.body:
            for ins in blocks[b].instrs[len(header.phis()) if b == loop.header else 0:]:
                if ins.dest is not None:
                    vmap[ins.dest] = Reg(names.reg(f"{ins.dest.name}.u{j}"), ins.dest.type)
        maps.append(vmap)
        for b in loop.body:
            new_blocks.append(_clone_block(blocks[b], labels[j][b], loop, j, labels, vmap))

    start = fn.blocks.index(header)
    kept = [b for b in fn.blocks if b.label not in body]
    fn.blocks = kept[:start] + new_blocks + kept[start:]
    fn.block(loop.pre).terminator.replace_labels({loop.header: labels[0][loop.header]})
    rename_phi_edge(fn.block(loop.exit), loop.exiting, labels[-1][loop.exiting])
    replace_uses(fn, maps[-1])
    remove_unreachable(fn)


def _clone_block(block: Block, label: str, loop: _Loop, j: int, labels, vmap) -> Block:
    last = j == len(labels) - 1
    out = Block(label)
    skip = len(block.phis()) if block.label == loop.header else 0
    for ins in block.instrs[skip:]:
        ops = [vmap.get(o, o) if isinstance(o, Reg) else o for o in ins.operands]
        new = Instr(ins.op, vmap.get(ins.dest) if ins.dest is not None else None, ops)
        if ins.op == "PHI":
            new.replace_labels(labels[j])
        elif block.label == loop.exiting and ins.is_terminator:
            # The trip count decided this branch: leave on the last copy, stay in the loop before.
            stay = next(lab.name for lab in ins.labels() if lab.name != loop.exit)
            target = loop.exit if last else _target(stay, loop, j, labels)
            new = Instr("JUMP", None, [Label(target)])
        elif ins.is_terminator:
            if last and loop.header in [lab.name for lab in ins.labels()]:
                new = Instr("UNREACHABLE", None, [])  # the last copy leaves at E, before its latch
            else:
                new.operands = [Label(_target(o.name, loop, j, labels)) if isinstance(o, Label) else o
                                for o in new.operands]
        out.instrs.append(new)
    return out


def _target(label: str, loop: _Loop, j: int, labels) -> str:
    """Where a jump inside copy j goes: the back edge to the next copy's header."""
    if label == loop.header:
        return labels[j + 1][loop.header]
    return labels[j][label]


class _Names:
    """Fresh register names and labels, unique in the function."""

    def __init__(self, fn: Function):
        self.regs = {p.name for p in fn.params}
        self.regs.update(ins.dest.name for _, ins in fn.instructions() if ins.dest is not None)
        self.labels = {b.label for b in fn.blocks}

    def reg(self, base: str) -> str:
        return fresh_name(self.regs, base)

    def label(self, base: str) -> str:
        return fresh_name(self.labels, base)
