"""copyprop: replace each COPY's result by its source, and each single-value PHI by that value.

What it does, per function:
  * every use of `%b = COPY %a` becomes `%a` (chains followed to their end: COPY of a COPY of a
    constant propagates the constant), and the COPY is deleted;
  * then, to a fixed point, a PHI whose incoming values are all one value V (ignoring the PHI itself,
    which a loop may feed back) is deleted and its uses become V, provided V dominates the PHI's
    block: a constant or symbol, a parameter, another PHI of the same block, or a register defined in
    a block that strictly dominates it. Otherwise the PHI stays (it could not be replaced without
    breaking SSA dominance). PHIs of unreachable blocks are left to simplifycfg.
PHIs with different incoming values are never touched; nor is anything but COPY and PHI.

Invariants: needs verified SSA KIR and keeps it. A COPY's operand dominates the COPY and therefore
every use of its result; a PHI is replaced only under the dominance condition above. The CFG is not
changed, so the dominator tree is computed once.

    @loop:                                       @loop:
        %i: i64 = PHI [%n, @entry], [%i, @loop]      %b: i64 = ADD %n, i64 1
        %a: i64 = COPY %i                  ==>       JUMP_IF %c, @loop, @done
        %b: i64 = ADD %a, i64 1
        JUMP_IF %c, @loop, @done
"""

from __future__ import annotations

from pyvm.kir.cfg import dominates, dominators
from pyvm.kir.ir import Block, Function, Instr, Module, Reg, Value

from pyvm.passes._util import replace_uses, resolve


def run(module: Module) -> bool:
    changed = False
    for fn in module.functions:
        changed |= _propagate_copies(fn)
        changed |= _remove_trivial_phis(fn)
    return changed


def _propagate_copies(fn: Function) -> bool:
    mapping: dict[Reg, Value] = {}
    for block in fn.blocks:
        for ins in block.instrs:
            if ins.op != "COPY":
                continue
            src = resolve(mapping, ins.operands[0])
            # Unreachable code may hold a COPY cycle (%a = COPY %b, %b = COPY %a); the COPY closing
            # the cycle stays, so the mapping never loops.
            if src is not ins.dest:
                mapping[ins.dest] = src
    if not mapping:
        return False
    for block in fn.blocks:
        block.instrs = [ins for ins in block.instrs if not (ins.op == "COPY" and ins.dest in mapping)]
    replace_uses(fn, mapping)
    return True


def _remove_trivial_phis(fn: Function) -> bool:
    idom = dominators(fn)
    def_block = _definition_blocks(fn)
    changed = False
    while True:
        # Within a round, operands are resolved through the round's replacements, so a PHI feeding
        # only a PHI already removed sees that PHI's value, never itself through it.
        mapping: dict[Reg, Value] = {}
        for block in fn.blocks:
            if block.label not in idom:
                continue
            for phi in block.phis():
                value = _single_value(phi, mapping)
                if value is not None and _dominates_block(value, block, idom, def_block):
                    mapping[phi.dest] = value
        if not mapping:
            return changed
        for block in fn.blocks:
            block.instrs = [ins for ins in block.instrs if not (ins.op == "PHI" and ins.dest in mapping)]
        replace_uses(fn, mapping)
        changed = True


def _single_value(phi: Instr, mapping: dict[Reg, Value]) -> Value | None:
    """The one value the PHI can take besides itself, or None when there are several (or none)."""
    found: Value | None = None
    for value, _ in phi.phi_incoming():
        value = resolve(mapping, value)
        if value is phi.dest:
            continue
        if found is None:
            found = value
        elif not _same(found, value):
            return None
    return found


def _same(a: Value, b: Value) -> bool:
    """Registers by identity; constants by Const equality (NaN == NaN, -0.0 != 0.0); symbols by name."""
    return a is b if isinstance(a, Reg) or isinstance(b, Reg) else a == b


def _dominates_block(value: Value, block: Block, idom, def_block: dict[Reg, tuple[str, bool]]) -> bool:
    # In verified SSA a value reaching a reachable block on every non-self edge dominates the ends
    # of those predecessors, hence the block; this check keeps the pass safe on anything else.
    if not isinstance(value, Reg):
        return True  # constants and symbols are available everywhere
    where = def_block.get(value)
    if where is None:
        return False  # not defined in this function: leave the PHI for the verifier to report
    label, at_top = where
    if label == block.label:
        # A PHI of the same block is defined at the block's top, as this one is; any other
        # instruction of the block comes after the PHIs.
        return at_top
    return label in idom and dominates(idom, label, block.label)


def _definition_blocks(fn: Function) -> dict[Reg, tuple[str, bool]]:
    """Each register's defining block, and whether it is defined at the block's top (a PHI, or a
    parameter, which counts as defined at the top of the entry block)."""
    out: dict[Reg, tuple[str, bool]] = {p: (fn.entry.label, True) for p in fn.params} if fn.blocks else {}
    for block in fn.blocks:
        for ins in block.instrs:
            if ins.dest is not None:
                out[ins.dest] = (block.label, ins.op == "PHI")
    return out
