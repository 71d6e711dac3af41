"""inline: replace calls to small, non-recursive functions of the module by the callee's body.

What it does
    A `CALL $g(args)` is inlined when $g is a function defined in this module (not an extern, not an
    indirect call through a register), $g is not marked `noinline`, $g is in no call-graph cycle
    (neither self-recursive nor mutually recursive with anything, the caller included), and $g has at
    most SMALL instructions or is marked `inline`. Functions are visited callees first (bottom-up
    over the call graph's strongly connected components), so a callee is already as inlined as it
    gets when it is copied. A caller stops growing past CALLER_BUDGET instructions. Callees are never
    deleted: they may be exported, called indirectly, or still called elsewhere.

    Mechanics: the calling block is split after the call (its tail, terminator included, moves to a
    new continuation block, and PHIs in its successors now name the continuation); the callee's
    blocks are cloned with fresh labels and register names (`<name>.i<n>`, checked against every
    name in the caller), its parameters replaced by the arguments; every RET becomes a JUMP to the
    continuation and the call's result becomes the single returned value or a PHI over them. The
    callee's entry-block ALLOCAs are hoisted to the caller's entry block: one slot per inlined call
    site, as the LLVM backend does anyway, rather than a fresh buffer on every trip round a loop
    (the interpreter keeps each ALLOCA's buffer until the frame returns). A fresh slot's contents
    are undefined in KIR, so reusing one is not observable by a well-formed program.

Needs and keeps
    Verified KIR. The clones keep the callee's SSA and dominance (its entry now dominates its
    blocks from the split point); the call's result keeps its register object, redefined by the PHI
    when there are several returns. A callee that never returns leaves the continuation unreachable;
    unreachable blocks are then dropped.

Example
    before                                   after
    func $sq(%x: i64) -> i64 {               func $f(%a: i64) -> i64 {
    @entry:                                  @entry:
        %y: i64 = MUL %x, %x                     JUMP @sq.entry
        RET %y                               @sq.entry:
    }                                            %y.i1: i64 = MUL %a, %a
    func $f(%a: i64) -> i64 {                    JUMP @entry.cont
    @entry:                                  @entry.cont:
        %r: i64 = CALL $sq(%a)                   %s: i64 = ADD %y.i1, i64 1
        %s: i64 = ADD %r, i64 1                  RET %s
        RET %s                               }
    }
"""

from __future__ import annotations

from pyvm.kir.ir import Block, Function, Instr, Label, Module, Reg, Sym, Value
from pyvm.passes._util import fresh_name, remove_unreachable, rename_phi_edge, replace_uses

SMALL = 40  # callee instructions (terminators included)
CALLER_BUDGET = 2000  # a caller stops growing past this many instructions


def run(module: Module) -> bool:
    funcs = {f.name: f for f in module.functions}
    graph = {f.name: _direct_callees(f, funcs) for f in module.functions}
    sccs = _sccs(graph)  # callees before their callers
    # Known up front, not SCC by SCC: inlining may turn an indirect call into a direct call to a
    # function whose component comes later.
    recursive = {name for scc in sccs if len(scc) > 1 or scc[0] in graph[scc[0]] for name in scc}
    changed = False
    for scc in sccs:
        for name in scc:
            changed |= _inline_into(funcs[name], funcs, recursive)
    return changed


def _size(fn: Function) -> int:
    return sum(len(b.instrs) for b in fn.blocks)


def _direct_callees(fn: Function, funcs: dict[str, Function]) -> set[str]:
    return {ins.operands[0].name for _, ins in fn.instructions()
            if ins.op == "CALL" and isinstance(ins.operands[0], Sym) and ins.operands[0].name in funcs}


def _sccs(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively; emitted callees first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, succs = work[-1]
            for s in succs:
                if s not in index:
                    index[s] = low[s] = len(index)
                    stack.append(s)
                    on_stack.add(s)
                    work.append((s, iter(sorted(graph[s]))))
                    break
                if s in on_stack:
                    low[node] = min(low[node], index[s])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    scc = []
                    while True:
                        n = stack.pop()
                        on_stack.discard(n)
                        scc.append(n)
                        if n == node:
                            break
                    out.append(scc)
    return out


def _inlinable(ins: Instr, caller: Function, funcs: dict[str, Function],
               recursive: set[str]) -> Function | None:
    if ins.op != "CALL" or not isinstance(ins.operands[0], Sym):
        return None
    callee = funcs.get(ins.operands[0].name)
    if callee is None or callee is caller or callee.name in recursive or "noinline" in callee.attrs:
        return None
    if not callee.blocks or ("inline" not in callee.attrs and _size(callee) > SMALL):
        return None
    return callee


def _inline_into(caller: Function, funcs: dict[str, Function], recursive: set[str]) -> bool:
    names = _Names(caller)
    changed = False
    i = 0
    while i < len(caller.blocks):
        block = caller.blocks[i]
        for j, ins in enumerate(block.instrs):
            callee = _inlinable(ins, caller, funcs, recursive)
            if callee is not None and _size(caller) + _size(callee) <= CALLER_BUDGET:
                _inline_call(caller, i, j, callee, names)
                changed = True
                break  # the rest of this block moved to the continuation, scanned later
        i += 1
    return changed


class _Names:
    """Fresh register names and labels that cannot clash with any the caller already has."""

    def __init__(self, fn: Function):
        self.regs = {p.name for p in fn.params}
        self.regs.update(ins.dest.name for _, ins in fn.instructions() if ins.dest is not None)
        self.labels = {b.label for b in fn.blocks}
        self.n = 0

    def reg(self, base: str) -> str:
        while True:  # one counter for the whole caller: `x.i3` names one clone, whatever x was
            self.n += 1
            name = f"{base}.i{self.n}"
            if name not in self.regs:
                self.regs.add(name)
                return name

    def label(self, base: str) -> str:
        return fresh_name(self.labels, base)


def _inline_call(caller: Function, bi: int, ii: int, callee: Function, names: _Names) -> None:
    block = caller.blocks[bi]
    call = block.instrs[ii]
    args = call.operands[1:]

    # Split: the tail after the call, terminator included, becomes the continuation.
    cont = Block(names.label(f"{block.label}.cont"), block.instrs[ii + 1:])
    block.instrs = block.instrs[:ii]
    for succ in set(cont.successors()):
        rename_phi_edge(caller.block(succ), block.label, cont.label)

    values: dict[Reg, Value] = dict(zip(callee.params, args))
    labels = {b.label: names.label(f"{callee.name}.{b.label}") for b in callee.blocks}
    for _, ins in callee.instructions():
        if ins.dest is not None:
            values[ins.dest] = Reg(names.reg(ins.dest.name), ins.dest.type)

    hoisted: list[Instr] = []
    clones: list[Block] = []
    returns: list[tuple[Value | None, str]] = []
    for b in callee.blocks:
        nb = Block(labels[b.label])
        for ins in b.instrs:
            new = Instr(ins.op, values.get(ins.dest) if ins.dest is not None else None,
                        [values.get(o, o) if isinstance(o, Reg) else o for o in ins.operands])
            new.replace_labels(labels)
            if ins.op == "RET":
                returns.append((new.operands[0] if new.operands else None, nb.label))
                new = Instr("JUMP", None, [Label(cont.label)])
            elif ins.op == "ALLOCA" and b is callee.entry:
                hoisted.append(new)
                continue
            nb.instrs.append(new)
        clones.append(nb)

    block.instrs.append(Instr("JUMP", None, [Label(clones[0].label)]))
    caller.blocks[bi + 1:bi + 1] = [*clones, cont]
    # ALLOCA has no operands, so the top of the entry block is always a valid place for it.
    caller.entry.instrs[0:0] = hoisted

    result = call.dest
    if result is not None and returns:
        if len(returns) == 1:
            replace_uses(caller, {result: returns[0][0]})
        else:
            ops = [x for value, label in returns for x in (value, Label(label))]
            cont.instrs.insert(0, Instr("PHI", result, ops))
    if not returns:
        remove_unreachable(caller)
