"""cse: common-subexpression elimination over the dominator tree.

What it does
    Walks each function's dominator tree from the entry with a scoped hash table. An instruction
    that computes a value from its operands alone (no side effect, no memory access, not ALLOCA or
    PHI) and is identical to one already seen in a dominating position is deleted and its result
    replaced by the earlier one. "Identical" means same opcode, same operands (the two operands of a
    commutative opcode in a canonical order; ICMP/FCMP with swapped operands and mirrored condition
    count too), same keyword operands (condition, intrinsic name, immediates) and same result type
    (which is also a cast's target). Opcodes that may trap (DIV, REM, shifts, FPTOSI...) take part
    as well: the dominating twin ran first with the same inputs, so if they trapped it trapped
    already, and otherwise the second computes the same value.

    Loads are handled apart, inside one block only: a LOAD reuses an earlier LOAD of the same
    pointer value and type (whose alignment is at least as strict), or the value of an earlier STORE
    of that type to that pointer, when no instruction that may write memory (STORE, MEMSET, MEMCPY,
    CALL other than to an extern marked readonly/readnone) or order it (any atomic, FENCE) lies
    between them. Any of those forgets every known load: there is no alias analysis.

Needs and keeps
    Verified KIR (SSA, dominance). Every replacement value is defined in a block dominating the
    deleted instruction (or earlier in the same block), so dominance and SSA still hold; PHI operands
    (which may sit in blocks the walk reaches later or not at all) are rewritten at the end. Blocks
    unreachable from the entry are not searched but have their uses rewritten.

Example
    before                              after
    @entry:                             @entry:
        %a: i64 = MUL %x, %y                %a: i64 = MUL %x, %y
        %b: i64 = MUL %y, %x                %l: i64 = LOAD %p, 8
        %l: i64 = LOAD %p, 8                %s: i64 = ADD %a, %l
        %m: i64 = LOAD %p, 8                RET %s
        %s: i64 = ADD %b, %m
        RET %s                          (%b became %a, %m became %l)
"""

from __future__ import annotations

from pyvm.kir.cfg import dominator_tree, dominators
from pyvm.kir.ir import Block, Const, Function, Instr, Module, Reg, Sym, Value
from pyvm.passes._util import replace_uses, resolve

_ICMP_SWAP = {"eq": "eq", "ne": "ne", "ugt": "ult", "ult": "ugt", "uge": "ule", "ule": "uge",
              "sgt": "slt", "slt": "sgt", "sge": "sle", "sle": "sge"}
_FCMP_SWAP = {c: c[0] + {"gt": "lt", "lt": "gt", "ge": "le", "le": "ge"}.get(c[1:], c[1:])
              for c in ("oeq", "one", "ogt", "oge", "olt", "ole", "ueq", "une", "ugt", "uge", "ult", "ule")}
_FCMP_SWAP.update(ord="ord", uno="uno")


def run(module: Module) -> bool:
    changed = False
    clobber_free = {e.name for e in module.externs if {"readonly", "readnone"} & set(e.attrs)}
    for fn in module.functions:
        if fn.blocks:
            changed |= _cse_function(fn, clobber_free)
    return changed


def _candidate(ins: Instr) -> bool:
    """Same inputs give the same result and nothing else observable: a twin dominated by it is
    redundant. Unlike `_util.is_pure`, trapping opcodes qualify (the dominating twin trapped first)."""
    info = ins.info
    return (ins.dest is not None and not (info.side_effects or info.terminator or info.reads_memory
                                          or info.writes_memory) and ins.op not in ("ALLOCA", "PHI"))


def _order(v) -> tuple:
    """A total order on operands, only to put commutative pairs in a canonical order."""
    if isinstance(v, Reg):
        return (0, id(v))
    if isinstance(v, Const):
        return (1, str(v))
    if isinstance(v, Sym):
        return (2, v.name)
    return (3, repr(v))


def _key(ins: Instr) -> tuple:
    ops = list(ins.operands)
    if ins.info.commutative and _order(ops[1]) < _order(ops[0]):
        ops = [ops[1], ops[0]]
    elif ins.op in ("ICMP", "FCMP") and _order(ops[2]) < _order(ops[1]):
        swap = _ICMP_SWAP if ins.op == "ICMP" else _FCMP_SWAP
        ops = [swap[ops[0]], ops[2], ops[1]]
    # Const equality tells -0.0 from 0.0 and i32 5 from i64 5; Reg hashes by identity.
    return (ins.op, ins.dest.type, *ops)


def _clobbers(ins: Instr, clobber_free: set[str]) -> bool:
    """Might memory read before this differ from memory read after it? Atomics count even when they
    only read: an acquire load may make another thread's stores visible."""
    if not (ins.info.writes_memory or ins.info.group == "atomic"):
        return False
    callee = ins.operands[0] if ins.op == "CALL" else None
    return not (isinstance(callee, Sym) and callee.name in clobber_free)


def _cse_function(fn: Function, clobber_free: set[str]) -> bool:
    idom = dominators(fn)
    children = dominator_tree(idom)
    blocks = fn.block_map()
    mapping: dict[Reg, Value] = {}
    table: dict[tuple, Reg] = {}
    # Iterative preorder walk; an ("exit", keys) item undoes a block's additions when its subtree
    # is done, so the table always holds exactly what dominates the block being visited.
    work: list = [("enter", fn.entry.label)]
    while work:
        kind, item = work.pop()
        if kind == "exit":
            for k in item:
                del table[k]
            continue
        added = _cse_block(blocks[item], table, mapping, clobber_free)
        work.append(("exit", added))
        for child in reversed(children.get(item, [])):
            work.append(("enter", child))
    if not mapping:
        return False
    replace_uses(fn, mapping)
    return True


def _cse_block(block: Block, table: dict, mapping: dict, clobber_free: set[str]) -> list[tuple]:
    added: list[tuple] = []
    # (pointer, type) -> (value, alignment already proven for that address), valid until a write.
    memory: dict[tuple, tuple[Value, int]] = {}
    kept: list[Instr] = []
    for ins in block.instrs:
        if mapping and any(isinstance(o, Reg) and o in mapping for o in ins.operands):
            ins.operands = [resolve(mapping, o) if isinstance(o, Reg) else o for o in ins.operands]
        if ins.op == "LOAD":
            ptr, align = ins.operands
            known = memory.get((ptr, ins.dest.type))
            # An earlier access at least as aligned proves this one cannot trap either.
            if known is not None and known[1] >= align:
                mapping[ins.dest] = known[0]
                continue
            memory[(ptr, ins.dest.type)] = (ins.dest, align)
        elif _clobbers(ins, clobber_free):
            memory.clear()
            if ins.op == "STORE":
                value, ptr, align = ins.operands
                memory[(ptr, value.type)] = (value, align)
        elif _candidate(ins):
            key = _key(ins)
            earlier = table.get(key)
            if earlier is not None:
                mapping[ins.dest] = earlier
                continue
            table[key] = ins.dest
            added.append(key)
        kept.append(ins)
    block.instrs = kept
    return added
