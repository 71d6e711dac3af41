"""mem2reg: promote stack slots to SSA registers (the classic SSA construction).

The frontend keeps every mutable local in an ALLOCA slot and reads/writes it with LOAD/STORE. This
pass turns such a slot into registers: each LOAD becomes the value last stored on that path, and
PHIs are inserted where paths with different values meet.

A slot is promoted when
  * its ALLOCA is reachable from the entry;
  * every use of the slot pointer is `LOAD slot` or `STORE value, slot` (the pointer never escapes:
    it is not stored as a value, passed to a call, offset by GEP, given to MEMCPY/MEMSET, atomics,
    PTR2INT, compared, selected, or fed to a PHI);
  * all those loads and stores use one type whose size fits in the slot (mixed types on one slot,
    e.g. a store of i64 and a load of f64, are left alone: that is a reinterpretation, not a copy);
  * no access asks for more alignment than the ALLOCA promises (a misaligned access may trap, and
    promotion must not remove a trap).
A slot with no loads or stores at all is simply deleted.

Algorithm (Cytron et al., pruned): the definitions of a slot are its STOREs *and its ALLOCA*, which
defines the slot as zero. A LOAD before any STORE reads memory nobody wrote; KIR leaves that value
unspecified, the interpreter's fresh slots read as zero, so zero of the access type is used. Treating
the ALLOCA as a definition also keeps an ALLOCA inside a loop right: each execution gets a fresh slot.
PHIs go at the iterated dominance frontier of the defining blocks, but only where the slot is live-in
(a load may read it before a redefinition), so no dead PHIs are created. Renaming walks the dominator
tree carrying the current value of every slot; each LOAD is mapped to that value, STOREs update it,
and each successor's new PHIs receive it for the edge.

Unreachable code (not dominated by anything, and skipped by the verifier's dominance check) gets no
renaming: its loads of a promoted slot read zero and its stores are dropped. New PHIs in reachable
blocks list unreachable predecessors too (the verifier wants every predecessor), with a zero value.

Needs: verified KIR. Keeps: SSA, dominance, PHI lists matching predecessors; the CFG is unchanged.
New PHI registers are named `<slot>.<block>` (made unique in the function).

Before:                                   After:
    @entry:                                   @entry:
        %x: ptr = ALLOCA 8, 8                     JUMP_IF %c, @a, @join
        STORE i64 1, %x, 8                    @a:
        JUMP_IF %c, @a, @join                     JUMP @join
    @a:                                       @join:
        STORE i64 2, %x, 8                        %x.join: i64 = PHI [i64 1, @entry], [i64 2, @a]
        JUMP @join                                RET %x.join
    @join:
        %v: i64 = LOAD %x, 8
        RET %v
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyvm.kir.cfg import dominance_frontiers, dominator_tree, dominators, predecessors
from pyvm.kir.ir import Block, Const, Function, Instr, Label, Module, Reg, Value, const
from pyvm.kir.types import Type
from pyvm.passes._util import fresh_name, replace_uses


@dataclass(eq=False)
class _Slot:
    alloca: Instr
    type: Type | None = None  # the one access type (None: no loads or stores)
    def_blocks: set[str] = field(default_factory=set)
    load_blocks: set[str] = field(default_factory=set)

    @property
    def reg(self) -> Reg:
        return self.alloca.dest

    def zero(self) -> Const:
        return const(self.type, 0)


def run(module: Module) -> bool:
    changed = False
    for fn in module.functions:
        changed |= _promote_function(fn)
    return changed


def _promote_function(fn: Function) -> bool:
    idom = dominators(fn)  # keys: the reachable blocks
    slots = _find_promotable(fn, idom)
    if not slots:
        return False
    preds = predecessors(fn)
    frontier = dominance_frontiers(fn, idom)
    blocks = fn.block_map()

    # 1. PHI placement: iterated dominance frontier of the defining blocks, pruned by liveness.
    phis: dict[str, list[tuple[_Slot, Instr]]] = {}  # block -> the new PHIs placed there
    names = {p.name for p in fn.params} | {i.dest.name for _, i in fn.instructions() if i.dest is not None}
    for slot in slots.values():
        if slot.type is None:
            continue
        live = _live_in_blocks(blocks, slot, preds, idom)
        for label in _iterated_frontier(slot.def_blocks, frontier) & live:
            phi = Instr("PHI", Reg(fresh_name(names, f"{slot.reg.name}.{label}"), slot.type), [])
            phis.setdefault(label, []).append((slot, phi))

    # 2. Renaming along the dominator tree. `mapping` sends each promoted LOAD's result to its value;
    # values are resolved through it at the end (a stored value may itself be a promoted load).
    mapping: dict[Reg, Value] = {}
    dead: set[Instr] = set()
    children = dominator_tree(idom)
    stack: list[tuple[str, dict[Reg, Value]]] = [(fn.entry.label, {})]  # entry: no slot exists yet
    while stack:
        label, current = stack.pop()
        current = dict(current)  # this block's changes must not leak to its dominator-tree siblings
        for slot, phi in phis.get(label, []):
            current[slot.reg] = phi.dest
        for ins in blocks[label].instrs:
            slot = _access(ins, slots)
            if slot is None:
                continue
            dead.add(ins)
            if ins.op == "ALLOCA":
                if slot.type is not None:
                    current[slot.reg] = slot.zero()  # a fresh slot reads as zero
            elif ins.op == "STORE":
                current[slot.reg] = ins.operands[0]
            else:  # LOAD
                mapping[ins.dest] = current[slot.reg]
        for succ in dict.fromkeys(blocks[label].successors()):  # a SWITCH may name a block twice
            for slot, phi in phis.get(succ, []):
                # Before the ALLOCA on this path (not live there: the PHI would be pruned) -> zero.
                phi.operands += [current.get(slot.reg, slot.zero()), Label(label)]
        stack.extend((child, current) for child in children[label])

    # 3. Unreachable code: its accesses never run; give its loads a harmless value, drop its stores,
    # and give the new PHIs an entry for each unreachable predecessor.
    for block in fn.blocks:
        if block.label in idom:
            continue
        for ins in block.instrs:
            slot = _access(ins, slots)
            if slot is not None:
                dead.add(ins)
                if ins.op == "LOAD":
                    mapping[ins.dest] = slot.zero()
        for succ in dict.fromkeys(block.successors()):
            for slot, phi in phis.get(succ, []):
                phi.operands += [slot.zero(), Label(block.label)]

    # 4. Insert the PHIs (after the block's existing ones, incoming edges in block order so the
    # output does not depend on the walk), delete the accesses, rewrite the uses.
    order = {b.label: i for i, b in enumerate(fn.blocks)}
    for label, placed in phis.items():
        for _, phi in placed:
            pairs = sorted(phi.phi_incoming(), key=lambda pair: order[pair[1].name])
            phi.operands = [x for pair in pairs for x in pair]
        block = blocks[label]
        at = len(block.phis())
        block.instrs[at:at] = [phi for _, phi in placed]
    for block in fn.blocks:
        block.instrs = [ins for ins in block.instrs if ins not in dead]
    replace_uses(fn, mapping)
    return True


def _find_promotable(fn: Function, idom: dict[str, str | None]) -> dict[Reg, _Slot]:
    """The promotable slots, keyed by their ALLOCA register (in the order the ALLOCAs appear)."""
    slots: dict[Reg, _Slot] = {}
    for block in fn.blocks:
        if block.label not in idom:
            continue  # an unreachable ALLOCA: its uses are unreachable too; leave it all alone
        for ins in block.instrs:
            if ins.op == "ALLOCA":
                slots[ins.dest] = _Slot(ins, def_blocks={block.label})
    rejected: set[Reg] = set()
    for block, ins in fn.instructions():
        for i, op in enumerate(ins.operands):
            if not (isinstance(op, Reg) and op in slots):
                continue
            slot = slots[op]
            if ins.op == "LOAD" and i == 0:
                t = ins.dest.type
            elif ins.op == "STORE" and i == 1 and ins.operands[0] is not op:
                t = ins.operands[0].type
            else:
                rejected.add(op)  # any other use lets the address escape (or reinterprets it)
                continue
            if slot.type is None:
                slot.type = t
            align = ins.operands[-1]
            if t != slot.type or t.size > slot.alloca.operands[0] or align > slot.alloca.operands[1]:
                rejected.add(op)
            elif block.label in idom:
                (slot.load_blocks if ins.op == "LOAD" else slot.def_blocks).add(block.label)
    return {r: s for r, s in slots.items() if r not in rejected}


def _access(ins: Instr, slots: dict[Reg, _Slot]) -> _Slot | None:
    """The promoted slot this ALLOCA/LOAD/STORE defines or accesses, if any."""
    if ins.op == "ALLOCA":
        return slots.get(ins.dest)
    if ins.op == "LOAD":
        ptr = ins.operands[0]
    elif ins.op == "STORE":
        ptr = ins.operands[1]
    else:
        return None
    return slots.get(ptr) if isinstance(ptr, Reg) else None


def _iterated_frontier(blocks: set[str], frontier: dict[str, set[str]]) -> set[str]:
    result: set[str] = set()
    work = list(blocks)
    while work:
        for f in frontier.get(work.pop(), ()):
            if f not in result:
                result.add(f)
                work.append(f)
    return result


def _live_in_blocks(blocks: dict[str, Block], slot: _Slot, preds: dict[str, list[str]], idom) -> set[str]:
    """Reachable blocks at whose start the slot's value may still be read (a path from there reaches
    a LOAD before any STORE or the ALLOCA)."""
    live: set[str] = set()
    for label in slot.load_blocks:
        for ins in blocks[label].instrs:
            if ins.op == "LOAD" and ins.operands[0] is slot.reg:
                live.add(label)  # upward-exposed: read before this block redefines it
                break
            if ins is slot.alloca or (ins.op == "STORE" and ins.operands[1] is slot.reg):
                break
    work = list(live)
    while work:
        for p in preds[work.pop()]:
            # A defining predecessor is live-out but not live-in; unreachable ones do not matter.
            if p in idom and p not in live and p not in slot.def_blocks:
                live.add(p)
                work.append(p)
    return live
