"""simplifycfg: clean up the control-flow graph, repeating until nothing changes.

  * fold branches: `JUMP_IF` on a constant, or with both targets equal, and `SWITCH` on a constant
    (or whose targets are all one block) become a `JUMP`; a successor that loses the edge loses its
    PHI entries for it;
  * remove blocks unreachable from the entry (and their PHI entries in reachable blocks);
  * replace a PHI whose incoming values are all one value (ignoring the PHI itself, as on a loop back
    edge) by that value: this covers PHIs with a single incoming edge;
  * merge a block into its predecessor when that predecessor ends in `JUMP` to it and it has no other
    predecessor (its PHIs have one incoming value; its successors' PHIs now name the predecessor);
  * bypass a block holding only `JUMP @t`: its predecessors jump to @t directly. When @t has PHIs,
    this is done only if each predecessor that already reaches @t directly brings the same values;
    otherwise one PHI entry per predecessor could not say both, and the empty block stays.

Needs: verified KIR. Keeps: SSA and dominance (a value that reached a block through an empty block
or a single-value PHI is defined in a block dominating every place it now flows to), PHI lists equal
to the deduplicated predecessors, and the entry first with no predecessors (the entry is never merged
away nor bypassed; a block the entry jumps to may be merged into the entry). No new registers.

Before:                                   After:
    @entry:                                   @entry:
        JUMP_IF i1 1, @a, @b                      %y: i64 = ADD %x, i64 1
    @a:                                           RET %y
        JUMP @c
    @b:
        JUMP @c
    @c:
        %p: i64 = PHI [%x, @a], [i64 0, @b]
        %y: i64 = ADD %p, i64 1
        RET %y
"""

from __future__ import annotations

from pyvm.kir.cfg import predecessors
from pyvm.kir.ir import Block, Const, Function, Instr, Label, Module, Reg, Value
from pyvm.passes._util import remove_phi_edge, remove_unreachable, rename_phi_edge, replace_uses, resolve


def run(module: Module) -> bool:
    changed = False
    for fn in module.functions:
        while _fold_branches(fn) | remove_unreachable(fn) | _simplify_phis(fn) | _merge_blocks(fn) \
                | _bypass_empty_blocks(fn):
            changed = True  # `|`, not `or`: each step runs every round
    return changed


def _fold_branches(fn: Function) -> bool:
    """Terminators whose destination is known become JUMPs, dropping the PHI edges of the others."""
    blocks = fn.block_map()
    changed = False
    for block in fn.blocks:
        term = block.terminator
        target = _known_target(term)
        if target is None:
            continue
        for other in set(block.successors()) - {target}:
            remove_phi_edge(blocks[other], block.label)
        block.instrs[-1] = Instr("JUMP", None, [Label(target)])
        changed = True
    return changed


def _known_target(term: Instr) -> str | None:
    """The one block a JUMP_IF/SWITCH goes to, when that is known without running it."""
    if term.op not in ("JUMP_IF", "SWITCH"):
        return None
    targets = {lab.name for lab in term.labels()}
    if len(targets) == 1:
        return targets.pop()
    cond = term.operands[0]
    if not isinstance(cond, Const):
        return None
    if term.op == "JUMP_IF":
        return term.operands[1 if cond.value else 2].name
    for case, label in term.switch_cases():  # cases compare in the switched type's width
        if cond.type.wrap(case) == cond.type.wrap(cond.value):
            return label.name
    return term.operands[1].name


def _simplify_phis(fn: Function) -> bool:
    """PHIs that can only produce one value are replaced by it."""
    mapping: dict[Reg, Value] = {}
    for block in fn.blocks:
        for phi in block.phis():
            # Resolve through earlier replacements so a chain can never loop back onto this PHI.
            values = {resolve(mapping, v) for v, _ in phi.phi_incoming()} - {phi.dest}
            if len(values) == 1:  # Reg compares by identity, Const/Sym by value
                mapping[phi.dest] = values.pop()
    if not mapping:
        return False
    for block in fn.blocks:
        block.instrs = [ins for ins in block.instrs if not (ins.op == "PHI" and ins.dest in mapping)]
    replace_uses(fn, mapping)
    return True


def _merge_blocks(fn: Function) -> bool:
    """Appends a block to its only predecessor when that predecessor jumps to it unconditionally."""
    preds = predecessors(fn)
    blocks = fn.block_map()
    merged: set[str] = set()
    mapping: dict[Reg, Value] = {}
    for block in fn.blocks:
        if block.label in merged:
            continue
        # Follow a chain a -> b -> c from `block`, absorbing each link into it.
        while True:
            term = block.terminator
            if term.op != "JUMP":
                break
            succ = blocks[term.operands[0].name]
            if succ is block or preds[succ.label] != [block.label]:
                break
            phis = succ.phis()
            for phi in phis:  # one predecessor: exactly one incoming value
                mapping[phi.dest] = phi.operands[0]
            block.instrs[-1:] = succ.instrs[len(phis):]
            for s in set(succ.successors()):
                rename_phi_edge(blocks[s], succ.label, block.label)
                preds[s] = [block.label if p == succ.label else p for p in preds[s]]
            merged.add(succ.label)
    if not merged:
        return False
    fn.blocks = [b for b in fn.blocks if b.label not in merged]
    replace_uses(fn, mapping)
    return True


def _bypass_empty_blocks(fn: Function) -> bool:
    """Redirects the predecessors of blocks that only `JUMP @t` straight to @t."""
    preds = predecessors(fn)
    blocks = fn.block_map()
    removed: set[str] = set()
    for empty in fn.blocks[1:]:  # never the entry: it has no predecessors to redirect
        if len(empty.instrs) != 1 or empty.instrs[0].op != "JUMP":
            continue
        target = blocks[empty.instrs[0].operands[0].name]
        if target is empty or not _can_bypass(empty, target, preds[empty.label]):
            continue
        for phi in target.phis():
            incoming = phi.phi_incoming()
            value = next(v for v, lab in incoming if lab.name == empty.label)
            kept = [(v, lab) for v, lab in incoming if lab.name != empty.label]
            new = [(value, Label(p)) for p in preds[empty.label] if p not in preds[target.label]]
            phi.operands = [x for pair in kept + new for x in pair]
        for p in preds[empty.label]:
            blocks[p].terminator.replace_labels({empty.label: target.label})
            if p not in preds[target.label]:
                preds[target.label].append(p)
        preds[target.label].remove(empty.label)
        preds[empty.label] = []
        removed.add(empty.label)
    if not removed:
        return False
    fn.blocks = [b for b in fn.blocks if b.label not in removed]
    return True


def _can_bypass(empty: Block, target: Block, empty_preds: list[str]) -> bool:
    """Would every PHI of `target` still give each predecessor a single value?"""
    for phi in target.phis():
        from_label = {lab.name: v for v, lab in phi.phi_incoming()}
        value = from_label[empty.label]
        if any(p in from_label and from_label[p] != value for p in empty_preds):
            return False
    return True
