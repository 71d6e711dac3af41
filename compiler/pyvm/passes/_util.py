"""What several passes need: use counts, replacing uses, removing blocks and PHI edges, purity.

Not a pass. Registers are compared by identity (two registers may share a printed name while a pass
runs), so maps are keyed by the Reg object itself (Reg hashes by identity: `eq=False`).
"""

from __future__ import annotations

from collections import Counter

from pyvm.kir.cfg import reverse_postorder
from pyvm.kir.ir import Block, Function, Instr, Label, Reg, Value


def use_counts(fn: Function) -> Counter:
    """How many operand slots name each register (a register used twice by one instruction counts 2)."""
    counts: Counter = Counter()
    for _, ins in fn.instructions():
        for r in ins.regs_used():
            counts[r] += 1
    return counts


def resolve(mapping: dict[Reg, Value], v: Value) -> Value:
    """Follows a replacement chain (a -> b -> c) to its end."""
    seen = 0
    while isinstance(v, Reg) and v in mapping:
        v = mapping[v]
        seen += 1
        if seen > len(mapping):
            raise AssertionError("cyclic register replacement")
    return v


def replace_uses(fn: Function, mapping: dict[Reg, Value]) -> None:
    """Replaces every use of a mapped register (PHI operands included), following chains."""
    if not mapping:
        return
    for _, ins in fn.instructions():
        if any(isinstance(o, Reg) and o in mapping for o in ins.operands):
            ins.operands = [resolve(mapping, o) if isinstance(o, Reg) else o for o in ins.operands]


def remove_phi_edge(block: Block, pred: str) -> None:
    """Drops the incoming pairs from `pred` in block's PHIs (when the edge pred -> block goes away)."""
    for phi in block.phis():
        ops = phi.operands
        phi.operands = [x for i in range(0, len(ops), 2) if ops[i + 1].name != pred for x in ops[i:i + 2]]


def rename_phi_edge(block: Block, old: str, new: str) -> None:
    """The edge old -> block now comes from `new`."""
    for phi in block.phis():
        phi.operands = [Label(new) if isinstance(o, Label) and o.name == old else o for o in phi.operands]


def remove_unreachable(fn: Function) -> bool:
    """Deletes blocks not reachable from the entry, and their PHI edges into reachable blocks."""
    live = set(reverse_postorder(fn))
    dead = [b for b in fn.blocks if b.label not in live]
    if not dead:
        return False
    for b in dead:
        for s in set(b.successors()):
            if s in live:
                remove_phi_edge(fn.block(s), b.label)
    fn.blocks = [b for b in fn.blocks if b.label in live]
    return True


def fresh_name(taken: set[str], base: str) -> str:
    """`base`, or `base.1`, `base.2`, ... : the first not in `taken` (which it joins)."""
    name, k = base, 0
    while name in taken:
        k += 1
        name = f"{base}.{k}"
    taken.add(name)
    return name


def is_removable(ins: Instr) -> bool:
    """May this instruction go when its result is unused? (no side effect, no trap, no terminator)"""
    info = ins.info
    return not (info.side_effects or info.may_trap or info.terminator or info.writes_memory)


def is_pure(ins: Instr) -> bool:
    """Same operands, same result, and nothing else happens: candidates for CSE and hoisting checks.
    ALLOCA is not pure (each executes a fresh slot); loads read memory (cse handles them apart)."""
    info = ins.info
    return is_removable(ins) and not info.reads_memory and ins.op not in ("ALLOCA", "PHI")
